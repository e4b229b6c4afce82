//! A member's data in their own hands: everything agora holds about them as one JSON-ready
//! archive, and erasure (personal data deleted, posts kept as "a former member" unless the
//! member asks for their removal), finished in one transaction and irreversible.

use serde::Serialize;
use tracing::instrument;

use crate::agora::Accounts;
use crate::error::Refused;
use crate::error::StoreError;
use crate::ids::MemberId;
use crate::members::attempts::Attempt;
use crate::time::Timestamp;
use crate::viewer::Viewer;

/// Everything agora holds about one member.
#[derive(Debug, Clone, Serialize)]
pub struct MemberArchive {
    pub exported_at: Timestamp,
    pub account: AccountRecord,
    pub sessions: Vec<SessionRecord>,
    pub groups: Vec<MembershipRecord>,
    pub join_requests: Vec<RequestRecord>,
    pub invitations: Vec<InvitationRecord>,
    pub posts: Vec<PostRecord>,
    /// Every acceptance of a document, and every opt-in or opt-out.
    pub consents: Vec<crate::consent::ConsentRecord>,
    /// The member's trust level and the activity record it is computed from.
    pub trust: Option<crate::trust::TrustReport>,
    /// How far the member has read each topic.
    pub reading: Vec<ReadingRecord>,
    /// Flags the member raised, on posts and on members.
    pub flags: Vec<FlagRecord>,
    /// Sanctions on the member, with every reason.
    pub sanctions: Vec<crate::sanctions::Sanction>,
    /// Legal complaints the member filed.
    pub complaints: Vec<ComplaintRecord>,
    /// The member's avatar (each size) and the images they uploaded for posts.
    pub media: Vec<crate::content::uploads::MediaExport>,
    /// What each kind of content keeps about the member beyond their posts, by kind: an
    /// idea's votes and status notes, a question's acceptances.
    pub kinds: std::collections::BTreeMap<String, serde_json::Value>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ComplaintRecord {
    pub reference: String,
    pub kind: String,
    pub status: String,
    pub statement: String,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ReadingRecord {
    pub topic_id: i64,
    pub last_post_number_read: i64,
    pub first_read_at: Timestamp,
    pub last_read_at: Timestamp,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FlagRecord {
    /// `post:ID` or `member:USERNAME`.
    pub target: String,
    pub reason: String,
    pub note: String,
    pub created_at: Timestamp,
    /// `upheld`, `dismissed`, or none while open.
    pub resolution: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AccountRecord {
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub email_verified: bool,
    pub bio: String,
    pub role: String,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SessionRecord {
    pub kind: String,
    pub created_at: Timestamp,
    pub last_seen_at: Timestamp,
    pub expires_at: Timestamp,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct MembershipRecord {
    pub group: String,
    pub role: String,
    pub joined_at: Timestamp,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RequestRecord {
    pub group: String,
    pub state: String,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct InvitationRecord {
    pub group: String,
    pub state: String,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PostRecord {
    pub id: i64,
    pub group: String,
    pub topic_id: i64,
    pub topic_title: String,
    pub number: i64,
    pub body_markdown: String,
    pub created_at: Timestamp,
    pub edited_at: Option<Timestamp>,
    pub deleted: bool,
}

/// Why an export or erasure failed.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// The common refusals: sign in, not allowed, a field, the store.
    #[error(transparent)]
    Refused(Refused),
    #[error("wrong password")]
    WrongPassword,
}

crate::error::refusals!(DataError);

impl Accounts<'_> {
    /// The signed-in member's archive.
    pub async fn export_my_data(self, viewer: &Viewer) -> Result<MemberArchive, DataError> {
        let id = viewer
            .id()
            .ok_or(DataError::Refused(Refused::SignInRequired))?;
        let mut archive = self.store.member_archive(id, self.now()).await?;
        archive.consents = self.store.consents_of(id).await?;
        archive.trust = Some(self.trust().trust_report(id).await?);
        archive.sanctions = self.store.sanctions_of(id).await?;
        archive.media = self.media().export(id).await?;
        Ok(archive)
    }

    /// Erases the signed-in member's account after checking their password.
    #[instrument(skip_all)]
    pub async fn erase_my_account(
        self,
        viewer: &Viewer,
        password: &str,
        remove_posts: bool,
    ) -> Result<(), DataError> {
        let id = viewer
            .id()
            .ok_or(DataError::Refused(Refused::SignInRequired))?;
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
            Attempt::Wrong => return Err(DataError::WrongPassword),
            Attempt::Limited { retry_after_secs } => {
                return Err(Refused::RateLimited { retry_after_secs }.into());
            }
        }
        let files = self.media().erased_files(id, remove_posts).await?;
        self.store
            .erase_member(id, remove_posts, self.now(), &[])
            .await?;
        self.media().discard(&files).await;
        Ok(())
    }

    /// Erases a member's account on a request received another way (admins); logged.
    pub async fn erase_member(
        self,
        viewer: &Viewer,
        username: &str,
        remove_posts: bool,
    ) -> Result<(), DataError> {
        crate::audience::require(viewer, crate::audience::Duty::RunSite)?;
        let member = self
            .member_by_name(username)
            .await?
            .ok_or(Refused::NotFound)?;
        if Some(member.id) == viewer.id() {
            return Err(Refused::Forbidden("not_yourself").into());
        }
        let detail = if remove_posts {
            "posts removed"
        } else {
            "posts kept, anonymised"
        };
        let audit = self.audit_entry(
            viewer,
            "member.erase",
            crate::audit::Target::erased_member(member.id),
            None,
            detail.into(),
        );
        let files = self.media().erased_files(member.id, remove_posts).await?;
        self.store
            .erase_member(member.id, remove_posts, self.now(), &audit)
            .await?;
        self.media().discard(&files).await;
        Ok(())
    }
}

/// The name an erased member's posts show.
pub const FORMER_MEMBER: &str = "a former member";

/// The username an erased account keeps, so that nothing points at a missing row.
pub fn erased_username(id: MemberId) -> String {
    format!("former-{}", id.0)
}
