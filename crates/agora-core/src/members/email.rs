//! Use cases around a member's email address: the verification mail sent at registration
//! (a member reads but does not post until they follow it), sending it again, password reset
//! by mail, and changing the address (the new one is verified before it replaces the old).

use tracing::instrument;

use crate::agora::{Accounts, Agora};
use crate::error::{Invalid, StoreError};
use crate::mail::Mail;
use crate::members::attempts::Attempt;
use crate::members::{EmailAddress, Member, Password, SessionToken, plausibility};
use crate::viewer::Viewer;

/// How long a verification link lives, in seconds.
pub(crate) const VERIFY_SECS: i64 = 3 * 86_400;
/// How long a password-reset link lives, in seconds.
const RESET_SECS: i64 = 3_600;

/// Why an email use case failed.
#[derive(Debug, thiserror::Error)]
pub enum EmailError {
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// The link is unknown, already used or expired.
    #[error("invalid or expired token")]
    InvalidToken,
    #[error("email taken")]
    EmailTaken,
    #[error("sign in required")]
    SignInRequired,
    #[error("wrong password")]
    WrongPassword,
    #[error("too many requests")]
    RateLimited { retry_after_secs: i64 },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Accounts<'_> {
    /// Sends `member` a link that confirms `email` as their address. Failing to hand the
    /// mail over is logged, not fatal: the member can ask for another.
    pub(crate) async fn send_verification(
        self,
        member: &Member,
        email: &str,
    ) -> Result<(), StoreError> {
        let token = SessionToken::generate();
        let now = self.now();
        self.store
            .insert_email_token(
                &token.hash(),
                member.id,
                "verify",
                email,
                now,
                now.plus_seconds(VERIFY_SECS),
            )
            .await?;
        self.mail_verification(member, email, &token).await;
        Ok(())
    }

    /// Mails `member` the link with `token` that confirms `email`. Failing to build or hand
    /// the mail over is logged, not fatal: the member can ask for another.
    pub(crate) async fn mail_verification(
        self,
        member: &Member,
        email: &str,
        token: &SessionToken,
    ) {
        let site = match self.site().site_settings().await {
            Ok(site) => site,
            Err(e) => {
                tracing::warn!(error = %e, "verification mail not sent");
                return;
            }
        };
        let link = format!("{}/verify/{}", self.config.public_url, token.0);
        let text = format!(
            "Hello {name},\n\nplease confirm that {email} is your address at {site}:\n\n{link}\n\n\
             Until you do, you can read everything but not post. The link works for three days.\n\
             If you did not sign up at {site}, ignore this mail and nothing happens.\n\n— {site}\n",
            name = member.display_name,
            site = site.name,
        );
        self.deliver(Mail {
            to: email.to_owned(),
            subject: format!("Confirm your email address for {}", site.name),
            text,
            unsubscribe_url: None,
        })
        .await;
    }
}

impl Agora {
    /// Hands a mail to the transport; a failure is logged, not returned.
    pub(crate) async fn deliver(&self, mail: Mail) {
        let to = mail.to.clone();
        match self.mailer.send(mail).await {
            Ok(()) => metrics::counter!("agora_mail_total", "result" => "sent").increment(1),
            Err(e) => {
                metrics::counter!("agora_mail_total", "result" => "failed").increment(1);
                tracing::warn!(error = %e, %to, "mail not sent");
            }
        }
    }
}

impl Accounts<'_> {
    /// Confirms an address with the token from a verification mail.
    #[instrument(skip_all)]
    pub async fn confirm_email(self, token: &str) -> Result<Member, EmailError> {
        let hash = crate::members::session::hash_token(token.trim());
        match self.store.confirm_email(&hash, self.now()).await {
            Ok(Some(id)) => Ok(self
                .store
                .member_by_id(id)
                .await?
                .ok_or(StoreError::NotFound)?),
            Ok(None) => Err(EmailError::InvalidToken),
            Err(StoreError::Conflict { .. }) => Err(EmailError::EmailTaken),
            Err(e) => Err(e.into()),
        }
    }

    /// Sends the verification mail again (three times an hour at most).
    pub async fn resend_verification(self, viewer: &Viewer) -> Result<(), EmailError> {
        let id = viewer.id().ok_or(EmailError::SignInRequired)?;
        let member = self
            .store
            .member_by_id(id)
            .await?
            .ok_or(StoreError::NotFound)?;
        if member.email_verified {
            return Ok(());
        }
        self.limit(&format!("verify-mail:{}", id.0), 3, 3_600)
            .await?;
        // An address another account confirmed gets no link that could take it, again: its
        // owner hears of the attempt instead.
        match self.store.member_by_email(&member.email).await? {
            Some(owner) if owner.email_verified && owner.id != member.id => {
                self.mail_address_notice(&owner, &member.username, "sign up")
                    .await?;
            }
            _ => self.send_verification(&member, &member.email).await?,
        }
        Ok(())
    }

    /// Mails a password-reset link if `login` names an account. Answers the same either way,
    /// so nobody learns which accounts exist; limited per address and per login.
    #[instrument(skip_all)]
    pub async fn request_password_reset(self, login: &str, client: &str) -> Result<(), EmailError> {
        self.limit(&crate::rate::per_address("reset-client", client), 10, 3_600)
            .await?;
        let login = login.trim().to_lowercase();
        if login.is_empty() {
            return Err(
                Invalid::new("login", "required", "Enter your username or email address.").into(),
            );
        }
        if login.chars().any(char::is_control) {
            // No account is called that; the answer is the same as for any unknown one.
            return Ok(());
        }
        self.limit(&format!("reset-login:{login}"), 5, 3_600)
            .await?;
        let Some(found) = self.store.credentials(&login).await? else {
            return Ok(());
        };
        let member = found.member;
        // Past the account's limit nothing more is mailed, and the answer stays the one an
        // unknown login gets, so the limit does not tell that the account exists.
        let key = format!("reset-member:{}", member.id.0);
        if self.over_limit(&key, 3, 3_600).await?.is_some() {
            return Ok(());
        }
        let token = SessionToken::generate();
        let now = self.now();
        self.store
            .insert_email_token(
                &token.hash(),
                member.id,
                "reset",
                &member.email,
                now,
                now.plus_seconds(RESET_SECS),
            )
            .await?;
        let site = self.site().site_settings().await?;
        let link = format!("{}/reset/{}", self.config.public_url, token.0);
        self.deliver(Mail {
            to: member.email.clone(),
            subject: format!("Reset your password for {}", site.name),
            text: format!(
                "Hello {name},\n\nsomeone (hopefully you) asked to reset the password of {username} at {site}. \
                 Choose a new one here within the hour:\n\n{link}\n\n\
                 If it was not you, ignore this mail: your password stays as it is.\n\n— {site}\n",
                name = member.display_name,
                username = member.username,
                site = site.name,
            ),
            unsubscribe_url: None,
        })
        .await;
        Ok(())
    }

    /// Sets a new password with the token from a reset mail; every session of the member ends.
    pub async fn reset_password(self, token: &str, new_password: &str) -> Result<(), EmailError> {
        let password = Password::parse_new(new_password)?;
        let hash = self
            .hasher
            .hash(&password)
            .await
            .map_err(StoreError::Other)?;
        let token_hash = crate::members::session::hash_token(token.trim());
        match self
            .store
            .reset_password(&token_hash, &hash, self.now())
            .await?
        {
            Some(_) => Ok(()),
            None => Err(EmailError::InvalidToken),
        }
    }

    /// Starts changing the viewer's address: the new one gets a verification link and
    /// replaces the old one when it is followed.
    pub async fn change_email(
        self,
        viewer: &Viewer,
        new_email: &str,
        password: &str,
    ) -> Result<(), EmailError> {
        let id = viewer.id().ok_or(EmailError::SignInRequired)?;
        let member = self
            .store
            .member_by_id(id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let creds = self
            .store
            .credentials(&member.username)
            .await?
            .ok_or(StoreError::NotFound)?;
        match self
            .attempt_password(Some(&creds), None, password, viewer.client())
            .await?
        {
            Attempt::Right => {}
            Attempt::Wrong => return Err(EmailError::WrongPassword),
            Attempt::Limited { retry_after_secs } => {
                return Err(EmailError::RateLimited { retry_after_secs });
            }
        }
        let email = EmailAddress::parse(new_email)?;
        if email.as_str() == member.email {
            return Err(Invalid::new("email", "unchanged", "That is your address already.").into());
        }
        let rules = self.site().site_settings().await?.registration_rules;
        plausibility::check(&member.username, "", email.as_str(), &rules)?;
        self.limit(&format!("verify-mail:{}", id.0), 3, 3_600)
            .await?;
        // An address another account confirmed is answered like any other: its owner hears of
        // the attempt, and no link is sent that could take it.
        match self.store.member_by_email(email.as_str()).await? {
            Some(owner) if owner.email_verified => {
                self.mail_address_notice(&owner, &member.username, "move their account")
                    .await?;
            }
            _ => self.send_verification(&member, email.as_str()).await?,
        }
        Ok(())
    }

    /// Tells the owner of a confirmed address that someone (`username`) tried to `what` with
    /// it (sign up, move their account), at most three times a day per address.
    pub(crate) async fn mail_address_notice(
        self,
        owner: &Member,
        username: &str,
        what: &str,
    ) -> Result<(), StoreError> {
        let key = format!("address-notice:{}", owner.email);
        if self.over_limit(&key, 3, 86_400).await?.is_some() {
            return Ok(());
        }
        let site = self.site().site_settings().await?.name;
        let url = &self.config.public_url;
        self.deliver(Mail {
            to: owner.email.clone(),
            subject: format!("Someone tried to use your address at {site}"),
            text: format!(
                "Hello {name},\n\nsomeone tried to {what} at {site} as \u{201c}{username}\u{201d} with \
                 this address. It already belongs to your account {owner}, so it stays yours and \
                 nothing changes.\n\nIf it was you: sign in as {owner} at {url}/signin, or choose a \
                 new password at {url}/forgot.\nIf it was not you, ignore this mail.\n\n— {site}\n",
                name = owner.display_name,
                owner = owner.username,
            ),
            unsubscribe_url: None,
        })
        .await;
        Ok(())
    }

    /// Counts one more attempt at `key`; more than `allowed` in `window` seconds is refused.
    async fn limit(self, key: &str, allowed: i64, window: i64) -> Result<(), EmailError> {
        match self.over_limit(key, allowed, window).await? {
            Some(retry_after_secs) => Err(EmailError::RateLimited { retry_after_secs }),
            None => Ok(()),
        }
    }
}
