//! Registering: the sign-up form checked whole, the limits on sign-ups from one address, and
//! the member, consents, confirmation link and first session written together; and creating
//! an account with a site role from the command line.

use tracing::instrument;

use crate::agora::Accounts;
use crate::error::{Invalid, StoreError};
use crate::members::{
    DisplayName, EmailAddress, Member, NewMember, NewSignup, Password, SessionKind, SessionToken,
    Username,
};
use crate::viewer::SiteRole;

/// What a person typed into the sign-up form.
#[derive(Debug, Clone)]
pub struct Registration {
    pub username: String,
    pub email: String,
    pub password: String,
    pub display_name: String,
    /// The person ticked "I accept" for the current netiquette, terms and privacy policy.
    pub accept_documents: bool,
    /// Kinds of mail the person chose to get (see `mailings::OPT_INS`); none by default.
    pub email_opt_ins: Vec<String>,
}

/// Why a registration failed.
#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// Several fields fail their rules: each once, in the order of the form.
    #[error("{} fields are invalid", .0.len())]
    Fields(Vec<Invalid>),
    #[error("username taken")]
    UsernameTaken,
    #[error("email taken")]
    EmailTaken,
    #[error("too many registrations")]
    RateLimited { retry_after_secs: i64 },
    /// Several accounts from one address within minutes: the same person, most likely.
    #[error("registration burst")]
    Burst { retry_after_secs: i64 },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl RegisterError {
    /// The refusal for the fields in `wrong`: one, or several.
    fn from_fields(mut wrong: Vec<Invalid>) -> Self {
        if wrong.len() > 1 {
            Self::Fields(wrong)
        } else {
            wrong.pop().map_or(Self::Fields(Vec::new()), Self::Invalid)
        }
    }
}

/// A conflict on a member's unique columns, as the person sees it.
fn taken(e: StoreError) -> RegisterError {
    match e {
        StoreError::Conflict { constraint } if constraint.contains("email") => {
            RegisterError::EmailTaken
        }
        StoreError::Conflict { .. } => RegisterError::UsernameTaken,
        e => e.into(),
    }
}

impl Accounts<'_> {
    /// Registers a member and opens a first session.
    #[instrument(skip_all, fields(username = %form.username))]
    pub async fn register(
        self,
        form: Registration,
        kind: SessionKind,
        client: &str,
    ) -> Result<(SessionToken, Member), RegisterError> {
        // Every field is checked before any answer, so the person fixes them all at once.
        let mut wrong = Vec::new();
        let username = Username::parse(&form.username).map_err(|e| wrong.push(e));
        let email = EmailAddress::parse(&form.email).map_err(|e| wrong.push(e));
        let password = Password::parse_new(&form.password).map_err(|e| wrong.push(e));
        let fallback = username
            .as_ref()
            .map_or(form.username.trim(), |u| u.as_str());
        let display_name =
            DisplayName::parse(&form.display_name, fallback).map_err(|e| wrong.push(e));
        let rules = self.site().site_settings().await?.registration_rules;
        if let (Ok(username), Ok(email)) = (&username, &email)
            && let Err(e) = crate::members::plausibility::check(
                username.as_str(),
                &form.display_name,
                email.as_str(),
                &rules,
            )
            && !wrong.iter().any(|w: &Invalid| w.field == e.field)
        {
            wrong.push(e);
        }
        if let Err(e) = crate::mailings::check_subjects("email_opt_ins", &form.email_opt_ins) {
            wrong.push(e);
        }
        let documents = self.store.current_documents().await?;
        if !documents.is_empty() && !form.accept_documents {
            let titles: Vec<&str> = documents.iter().map(|d| d.title()).collect();
            wrong.push(Invalid::new(
                "accept_documents",
                "documents_not_accepted",
                format!("Please read and accept the {} to join.", titles.join(", ")),
            ));
        }
        let (Ok(username), Ok(email), Ok(password), Ok(display_name)) =
            (username, email, password, display_name)
        else {
            return Err(RegisterError::from_fields(wrong));
        };
        if !wrong.is_empty() {
            return Err(RegisterError::from_fields(wrong));
        }

        if rules.on("registration_burst") {
            let burst_key = crate::rate::per_address("register-burst", client);
            let burst = rules.burst_per_10_min;
            if let Some(retry_after_secs) = self.over_limit(&burst_key, burst, 600).await? {
                return Err(RegisterError::Burst { retry_after_secs });
            }
        }
        let hourly = self.config.registrations_per_hour;
        if let Some(retry_after_secs) = self
            .over_limit(&crate::rate::per_address("register", client), hourly, 3600)
            .await?
        {
            return Err(RegisterError::RateLimited { retry_after_secs });
        }

        let role = if self.store.count_members().await? == 0 {
            // The first account on a fresh site runs it.
            SiteRole::Admin
        } else {
            SiteRole::Member
        };
        let password_hash = self
            .hasher
            .hash(&password)
            .await
            .map_err(StoreError::Other)?;
        let now = self.now();
        let mut consents: Vec<(String, i64, bool)> = documents
            .iter()
            .map(|d| (d.kind.clone(), d.version, true))
            .collect();
        consents.extend(form.email_opt_ins.iter().map(|s| (s.clone(), 0, true)));
        let link = SessionToken::generate();
        let session = SessionToken::generate();
        // The member, their consents, the link that confirms their address and their first
        // session are one transaction: a sign-up cut short (a crash, a client gone) leaves
        // all of it or nothing.
        let signup = NewSignup {
            member: NewMember {
                username,
                email,
                display_name,
                password_hash,
                role,
                at: now,
                verified: false,
            },
            consents,
            verify_token_hash: link.hash(),
            verify_expires_at: now.plus_seconds(crate::members::email::VERIFY_SECS),
            session_hash: session.hash(),
            session_kind: kind,
            session_expires_at: now.plus_seconds(self.config.session_days * 86_400),
        };
        // An address another account confirmed is taken like any other, and the answer is the
        // same: only the mailbox's owner hears of it, from us.
        let holder = self
            .store
            .member_by_email(signup.member.email.as_str())
            .await?;
        let id = match self.store.insert_signup(&signup).await {
            Ok(id) => id,
            Err(e) => return Err(taken(e)),
        };
        let member = self
            .store
            .member_by_id(id)
            .await?
            .ok_or(StoreError::NotFound)?;
        match holder.filter(|h| h.email_verified) {
            Some(owner) => {
                self.mail_address_notice(&owner, &member.username, "sign up")
                    .await?;
            }
            None => self.mail_verification(&member, &member.email, &link).await,
        }
        metrics::counter!("agora_signups_total").increment(1);
        Ok((session, member))
    }

    async fn insert_member(
        self,
        username: Username,
        email: EmailAddress,
        display_name: DisplayName,
        password: &Password,
        role: SiteRole,
        verified: bool,
    ) -> Result<crate::ids::MemberId, RegisterError> {
        let password_hash = self
            .hasher
            .hash(password)
            .await
            .map_err(StoreError::Other)?;
        let new = NewMember {
            username,
            email,
            display_name,
            password_hash,
            role,
            at: self.now(),
            verified,
        };
        self.store.insert_member(&new).await.map_err(taken)
    }

    /// Creates an account with a site role, for `agora admin create`; or, if the username
    /// exists, gives it the role.
    pub async fn create_with_role(
        self,
        form: Registration,
        role: SiteRole,
    ) -> Result<Member, RegisterError> {
        let username = Username::parse(&form.username)?;
        if let Some(existing) = self.store.member_by_username(&username.canonical()).await? {
            // On the command line, with no member acting: nothing for the audit log.
            self.store
                .set_site_role(existing.id, role, self.now(), &[])
                .await?;
            return Ok(Member { role, ..existing });
        }
        let email = EmailAddress::parse(&form.email)?;
        let password = Password::parse_new(&form.password)?;
        let display_name = DisplayName::parse(&form.display_name, username.as_str())?;
        // An operator creating an account on the command line vouches for its address.
        let id = self
            .insert_member(username, email, display_name, &password, role, true)
            .await?;
        Ok(self
            .store
            .member_by_id(id)
            .await?
            .ok_or(StoreError::NotFound)?)
    }
}
