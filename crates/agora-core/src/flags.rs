//! Flags on posts: a member who may read a post flags it with a reason; once enough verified
//! members agree, the post is hidden until a moderator looks. The moderation queue lists the
//! flagged posts a moderator may read; each is resolved with a reason (upheld: stays hidden;
//! dismissed: shown again).

use serde::Serialize;

use crate::agora::Agora;
use crate::error::Invalid;
use crate::forum::ForumError;
use crate::groups::policy::{Need, scope};
use crate::ids::{PostId, TopicId};
use crate::time::Timestamp;
use crate::viewer::Viewer;

/// Why a post is flagged.
pub const REASONS: [(&str, &str); 5] = [
    ("spam", "Spam or advertising"),
    ("abuse", "Abuse or harassment"),
    ("defamation", "Defamation or another legal problem"),
    ("off_topic", "Off topic"),
    ("other", "Something else"),
];

/// A flagged post in the moderation queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueueItem {
    pub post_id: PostId,
    pub topic_id: TopicId,
    pub topic_title: String,
    pub group_slug: String,
    pub author: String,
    pub excerpt: String,
    pub flags: i64,
    pub reasons: String,
    /// What the flaggers wrote, and why a word filter held it.
    pub notes: String,
    pub hidden: bool,
    pub first_flagged_at: Timestamp,
}

impl Agora {
    /// Flags a post the viewer may read. Returns whether the post is now hidden.
    pub async fn flag_post(
        &self,
        viewer: &Viewer,
        id: PostId,
        reason: &str,
        note: &str,
    ) -> Result<bool, ForumError> {
        let actor = viewer.actor().ok_or(ForumError::SignInRequired)?;
        if let Some(code) = crate::sanctions::restriction_code(viewer, false) {
            return Err(ForumError::Forbidden(code));
        }
        let (post, _, group) = self.post(viewer, id).await?;
        if !REASONS.iter().any(|(r, _)| *r == reason) {
            return Err(Invalid::new(
                "reason",
                "invalid_choice",
                "Choose spam, abuse, defamation, off_topic or other.",
            )
            .into());
        }
        let note = note.trim();
        if note.chars().count() > 1_000 || note.contains('\0') {
            return Err(Invalid::new(
                "note",
                "too_long",
                "A note may be at most 1,000 characters long.",
            )
            .into());
        }
        if post.author.id == actor.id {
            return Err(ForumError::Forbidden("own_post"));
        }
        let now = Timestamp::now();
        let agreeing = self
            .store
            .insert_flag(post.id, actor.id, reason, note, now)
            .await?;
        if agreeing >= self.config.flags_to_hide && !post.deleted {
            self.store
                .set_post_deleted(post.id, true, actor.id, now)
                .await?;
            let target = format!("post:{} by {}", post.id, post.author.username);
            let detail = format!("{agreeing} flags");
            self.audit(
                viewer,
                "post.auto_hide",
                target,
                Some(group.group.id),
                detail,
            )
            .await;
            return Ok(true);
        }
        Ok(false)
    }

    /// Flagged posts awaiting a decision, in groups the viewer may read (site moderators).
    pub async fn moderation_queue(&self, viewer: &Viewer) -> Result<Vec<QueueItem>, ForumError> {
        viewer.id().ok_or(ForumError::SignInRequired)?;
        if !viewer.is_site_moderator() {
            return Err(ForumError::Forbidden("moderators_only"));
        }
        Ok(self
            .store
            .flag_queue(&scope(viewer, Need::Read), 200)
            .await?)
    }

    /// Resolves every open flag on a post: `uphold` keeps it hidden, `dismiss` shows it again.
    pub async fn resolve_flags(
        &self,
        viewer: &Viewer,
        id: PostId,
        decision: &str,
        reason: &str,
    ) -> Result<(), ForumError> {
        let actor = viewer.actor().ok_or(ForumError::SignInRequired)?;
        if !viewer.is_site_moderator() {
            return Err(ForumError::Forbidden("moderators_only"));
        }
        let upheld = match decision {
            "uphold" => true,
            "dismiss" => false,
            _ => {
                return Err(Invalid::new(
                    "decision",
                    "invalid_choice",
                    "Choose uphold or dismiss.",
                )
                .into());
            }
        };
        let reason = reason.trim();
        if reason.contains('\0') {
            return Err(Invalid::new(
                "reason",
                "invalid_characters",
                "A reason may not contain null characters.",
            )
            .into());
        }
        if reason.is_empty() || reason.chars().count() > 1_000 {
            return Err(
                Invalid::new("reason", "required", "Say why (up to 1,000 characters).").into(),
            );
        }
        // A hidden post is deleted for readers; moderators of the site find it all the same,
        // in any group they may read.
        let post = self.store.post(id).await?.ok_or(ForumError::NotFound)?;
        let (group, relation) = self
            .store
            .group_by_id(post.group_id, viewer.id())
            .await?
            .ok_or(ForumError::NotFound)?;
        let group = crate::groups::directory_visible(viewer, group, relation)?;
        if group.access < crate::groups::policy::Access::Read {
            return Err(ForumError::NotFound);
        }
        let now = Timestamp::now();
        let resolved = self
            .store
            .resolve_flags(post.id, actor.id, upheld, reason, now)
            .await?;
        if resolved == 0 {
            return Err(ForumError::NotFound);
        }
        self.store
            .set_post_deleted(post.id, upheld, actor.id, now)
            .await?;
        let action = if upheld {
            "flags.uphold"
        } else {
            "flags.dismiss"
        };
        let target = format!("post:{} by {}", post.id, post.author.username);
        self.audit(
            viewer,
            action,
            target,
            Some(group.group.id),
            reason.to_owned(),
        )
        .await;
        Ok(())
    }
}
