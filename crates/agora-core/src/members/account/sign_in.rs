//! Signing in (the attempt counted before the password is checked), signing out, and the
//! viewer behind a session token with what a page's header shows them.

use tracing::instrument;

use crate::agora::Accounts;
use crate::error::StoreError;
use crate::members::attempts::Attempt;
use crate::members::{Member, SessionKind, SessionToken};
use crate::viewer::Viewer;

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
    /// What waits at each kind's header link (unread conversations), by the kind's name.
    pub header_counts: Vec<(&'static str, i64)>,
}

impl Accounts<'_> {
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
    /// themselves (their name, invitations waiting, documents to accept, the kinds' header
    /// counts), all from one query.
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
            header_counts: session.header_counts,
        };
        Ok((
            Viewer::member(actor).with_ignoring(session.ignoring),
            Some(facts),
        ))
    }
}
