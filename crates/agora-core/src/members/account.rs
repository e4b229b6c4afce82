//! Use cases of an account: register, sign in, sign out, resolve a session, see and edit a
//! profile, create an admin from the command line.

use crate::error::Refused;
use tracing::instrument;

use crate::agora::Accounts;
use crate::error::{Invalid, StoreError};
use crate::groups::policy::{Need, scope};
use crate::members::attempts::Attempt;
use crate::members::{
    DisplayName, EmailAddress, Member, NewMember, NewSignup, Password, Profile, SessionKind,
    SessionToken, Username,
};
use crate::viewer::{SiteRole, Viewer};

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

/// Why a sign-in failed. Deliberately does not say whether the account exists.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error("invalid credentials")]
    InvalidCredentials,
    #[error("too many attempts")]
    RateLimited { retry_after_secs: i64 },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a page's header shows a signed-in member about themselves.
#[derive(Debug, Clone, Default)]
pub struct SessionFacts {
    pub display_name: String,
    /// Invitations waiting for an answer.
    pub invitations: i64,
    /// Current site documents not yet accepted.
    pub pending_documents: i64,
}

/// Changes to one's own profile; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct ProfileUpdate {
    pub display_name: Option<String>,
    pub bio: Option<String>,
}

/// Longest bio accepted.
const BIO_MAX: usize = 1_000;

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

    /// Signs in with a username or email and a password. The attempt is counted before the
    /// password is checked (see `attempts.rs`).
    #[instrument(skip_all)]
    pub async fn login(
        self,
        login: &str,
        password: &str,
        kind: SessionKind,
        client: &str,
    ) -> Result<(SessionToken, Member), LoginError> {
        // No username or address holds a control character (and PostgreSQL cannot even
        // compare a null one): such a login names no account, and is counted against the
        // address only (under no login that a real one could share, which would tell whether
        // that one names an account).
        let login = login.trim();
        let (found, typed) = if login.chars().any(char::is_control) {
            (None, None)
        } else {
            (self.store.credentials(login).await?, Some(login))
        };
        match self
            .attempt_password(found.as_ref(), typed, password, client)
            .await?
        {
            Attempt::Limited { retry_after_secs } => {
                Err(LoginError::RateLimited { retry_after_secs })
            }
            Attempt::Wrong => Err(LoginError::InvalidCredentials),
            Attempt::Right => {
                let member = found.ok_or(LoginError::InvalidCredentials)?.member;
                let token = self.open_session(&member, kind).await?;
                Ok((token, member))
            }
        }
    }

    async fn open_session(
        self,
        member: &Member,
        kind: SessionKind,
    ) -> Result<SessionToken, StoreError> {
        let token = SessionToken::generate();
        let now = self.now();
        let expires = now.plus_seconds(self.config.session_days * 86_400);
        self.store
            .insert_session(&token.hash(), member.id, kind, now, expires)
            .await?;
        Ok(token)
    }

    /// Ends the session behind a token.
    pub async fn logout(self, token: &str) -> Result<(), StoreError> {
        self.store
            .delete_session(&crate::members::session::hash_token(token))
            .await
    }

    /// The viewer behind a session token; an unknown or expired token is a guest.
    pub async fn viewer_for_token(self, token: &str) -> Result<Viewer, StoreError> {
        Ok(self.session_view(token).await?.0)
    }

    /// Like [`Agora::viewer_for_token`], with what a page's header shows the member about
    /// themselves (their name, invitations waiting, documents to accept), all from one query.
    pub async fn session_view(
        self,
        token: &str,
    ) -> Result<(Viewer, Option<SessionFacts>), StoreError> {
        let hash = crate::members::session::hash_token(token);
        let Some(session) = self.store.session_actor(&hash, self.now()).await? else {
            return Ok((Viewer::guest(), None));
        };
        let mut actor = session.actor;
        self.trust()
            .record_visit(actor.id, session.last_visit_day)
            .await;
        if actor.role != crate::viewer::SiteRole::Member {
            actor.trust = crate::trust::TrustLevel::Leader;
        }
        let facts = SessionFacts {
            display_name: session.display_name,
            invitations: session.invitations,
            pending_documents: session.pending_documents,
        };
        Ok((Viewer::member(actor), Some(facts)))
    }

    /// The signed-in member's own account, email included.
    pub async fn me(self, viewer: &Viewer) -> Result<Member, Refused> {
        let id = viewer.id().ok_or(Refused::SignInRequired)?;
        self.store.member_by_id(id).await?.ok_or(Refused::NotFound)
    }

    /// Edits one's own display name and bio.
    pub async fn update_profile(
        self,
        viewer: &Viewer,
        update: ProfileUpdate,
    ) -> Result<Member, Refused> {
        if let Some(code) = crate::guard::Needs::Active.sanctioned(viewer) {
            return Err(Refused::Forbidden(code));
        }
        let me = self.me(viewer).await?;
        let display_name = match &update.display_name {
            Some(d) => DisplayName::parse(d, &me.username)?.as_str().to_owned(),
            None => me.display_name.clone(),
        };
        let bio = match update.bio {
            Some(b) => {
                let b = b.trim().replace("\r\n", "\n");
                if b.chars().count() > BIO_MAX {
                    return Err(Invalid::new(
                        "bio",
                        "too_long",
                        format!("A bio may be at most {BIO_MAX} characters long."),
                    )
                    .into());
                }
                if b.contains('\0') {
                    return Err(Invalid::new(
                        "bio",
                        "invalid_characters",
                        "A bio may not contain null characters.",
                    )
                    .into());
                }
                b
            }
            None => me.bio.clone(),
        };
        self.store
            .update_profile(me.id, &display_name, &bio, self.now())
            .await?;
        self.me(viewer).await
    }

    /// The member called `username`, in any case. Text that is not a username as typed names
    /// no one (and never reaches the database: PostgreSQL refuses a null character even in
    /// a lookup).
    pub(crate) async fn member_by_name(self, username: &str) -> Result<Option<Member>, StoreError> {
        match Username::parse(username) {
            Ok(name) if name.as_str() == username => {
                self.store.member_by_username(&name.canonical()).await
            }
            _ => Ok(None),
        }
    }

    /// A member's public profile, counting only posts the viewer may read.
    pub async fn profile(self, viewer: &Viewer, username: &str) -> Result<Profile, Refused> {
        let member = self
            .member_by_name(username)
            .await?
            .ok_or(Refused::NotFound)?;
        let visible_post_count = self
            .store
            .count_posts_by(member.id, &scope(viewer, Need::Read))
            .await?;
        Ok(Profile {
            member,
            visible_post_count,
        })
    }
}
