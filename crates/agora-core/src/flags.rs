//! Flags on posts and members: a member who may read a post flags it with a reason; once
//! enough verified, trusted members agree, the post is hidden until a moderator looks. The
//! moderation queue lists the flagged posts a moderator may read, the posts the system held
//! (word filters, the spam check, new members' first posts) and the flagged members; each is
//! resolved with a reason (upheld: stays hidden, and counts against the author's trust;
//! dismissed: shown again).
//!
//! A member has at most one open flag on a post or a member: the database holds one open report
//! per reporter and target (a unique index over the open reports, so two flags sent at once
//! record one), and a second answers [`FlagError::AlreadyFlagged`]. A member flags at most
//! [`FLAGS_PER_HOUR`] times an hour.

use serde::Serialize;

use crate::agora::Moderation;
use crate::error::Invalid;
use crate::error::Refused;
use crate::forum::ForumError;
use crate::groups::policy::{Need, scope};
use crate::ids::{MemberId, PostId, TopicId};
use crate::items::Denied;
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

/// Why a member is flagged.
pub const MEMBER_REASONS: [(&str, &str); 5] = [
    ("spam", "A spammer"),
    ("abuse", "Abuse or harassment"),
    ("defamation", "Defamation or another legal problem"),
    ("fake", "A fake account or an impersonation"),
    ("other", "Something else"),
];

/// Flags (on posts and members together) one member may raise in an hour.
pub const FLAGS_PER_HOUR: i64 = 20;

/// Why flagging failed.
#[derive(Debug, thiserror::Error)]
pub enum FlagError {
    /// The common refusals: the post or member does not exist for this viewer, sign in, not
    /// allowed (`own_post`, `not_yourself`, …), a field, the store.
    #[error(transparent)]
    Refused(Refused),
    /// The member has an open flag on this post or member already; nothing was recorded (the
    /// attempt counts towards the hourly limit).
    #[error("already flagged")]
    AlreadyFlagged,
    /// More than [`FLAGS_PER_HOUR`] flags in an hour.
    #[error("too many flags")]
    RateLimited { retry_after_secs: i64 },
}

crate::error::refusals!(FlagError);

impl From<ForumError> for FlagError {
    /// Reading the post flagged: the forum's own outcomes (a lock, posting limits) do not
    /// arise there.
    fn from(e: ForumError) -> Self {
        match e {
            ForumError::Refused(r) => Self::Refused(r),
            _ => Self::Refused(Refused::NotFound),
        }
    }
}

impl From<Denied> for FlagError {
    fn from(d: Denied) -> Self {
        Self::Refused(match d {
            Denied::NotFound | Denied::Locked => Refused::NotFound,
            Denied::SignInRequired => Refused::SignInRequired,
            Denied::Forbidden(code) => Refused::Forbidden(code),
        })
    }
}

/// A flagged post in the moderation queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueueItem {
    pub post_id: PostId,
    pub topic_id: TopicId,
    pub topic_title: String,
    pub group_slug: String,
    pub author: String,
    pub excerpt: String,
    /// Flags by members (a held post may have none).
    pub flags: i64,
    pub reasons: String,
    /// What the flaggers wrote, and why the system held it.
    pub notes: String,
    /// Whether readers do not see it (held, hidden by flags, or deleted).
    pub hidden: bool,
    /// The post's state, in the words `GET /posts/{id}` uses.
    pub state: crate::items::ItemState,
    /// Whether the system held the post (a word filter, the spam check, a new member's first
    /// posts): resolving it approves or rejects the post.
    pub held: bool,
    pub first_flagged_at: Timestamp,
    /// An open legal complaint about the post, to decide by its time: such posts come first.
    pub legal_case: Option<QueuedCase>,
}

/// The open legal complaint about a post in the queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueuedCase {
    pub id: i64,
    pub reference: String,
    pub kind: String,
    pub due_at: Timestamp,
}

/// What a report is about: one model for posts and members.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reported {
    Post(PostId),
    Member(MemberId),
}

/// A flagged member in the moderation queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberQueueItem {
    pub username: String,
    pub display_name: String,
    pub flags: i64,
    pub reasons: String,
    pub notes: String,
    pub first_flagged_at: Timestamp,
}

impl Moderation<'_> {
    /// Flags a post the viewer may read. Returns whether the post is now hidden.
    pub async fn flag_post(
        self,
        viewer: &Viewer,
        id: PostId,
        reason: &str,
        note: &str,
    ) -> Result<bool, FlagError> {
        let actor = self.guard(viewer, crate::guard::Needs::Active).await?;
        let (post, topic, group) = self.forum().post(viewer, id).await?;
        if !REASONS.iter().any(|(r, _)| *r == reason) {
            return Err(Invalid::new(
                "reason",
                "invalid_choice",
                "Choose spam, abuse, defamation, off_topic or other.",
            )
            .into());
        }
        let note = check_note(note)?;
        crate::items::decide(
            viewer,
            group.access,
            &post.facts(&topic),
            crate::items::Action::Flag,
        )?;
        self.flag_limit(actor.id).await?;
        let now = self.now();
        let min_level = self.trust().trust_settings().await?[crate::trust::Knob::FlagHideMinLevel];
        let min_level = crate::trust::TrustLevel::from_number(min_level).unwrap_or_default();
        let agreeing = self
            .store
            .insert_report(
                Reported::Post(post.id),
                actor.id,
                reason,
                note,
                min_level,
                now,
            )
            .await?
            .ok_or(FlagError::AlreadyFlagged)?;
        if agreeing >= self.config.flags_to_hide && !post.deleted {
            // The system hides it, not the member whose flag tipped the count: the log and
            // the post's `deleted_by` name no member.
            let audit = [self.system_entry(
                "post.auto_hide",
                crate::audit::Target::post(post.id, &post.author.username),
                Some(group.group.id),
                format!("{agreeing} agreeing flags"),
            )];
            self.store
                .set_post_deleted(post.id, true, None, now, &audit)
                .await?;
            return Ok(true);
        }
        Ok(false)
    }

    /// Flagged posts awaiting a decision, in groups the viewer may read (site moderators).
    pub async fn moderation_queue(self, viewer: &Viewer) -> Result<Vec<QueueItem>, ForumError> {
        viewer
            .id()
            .ok_or(ForumError::Refused(Refused::SignInRequired))?;
        if !viewer.is_site_moderator() {
            return Err(ForumError::Refused(Refused::Forbidden("moderators_only")));
        }
        Ok(self
            .store
            .flag_queue(&scope(viewer, Need::Read), 200)
            .await?)
    }

    /// Resolves every open flag on a post: `uphold` keeps it hidden, `dismiss` shows it again.
    pub async fn resolve_flags(
        self,
        viewer: &Viewer,
        id: PostId,
        decision: &str,
        reason: &str,
    ) -> Result<(), ForumError> {
        let actor = viewer
            .actor()
            .ok_or(ForumError::Refused(Refused::SignInRequired))?;
        if !viewer.is_site_moderator() {
            return Err(ForumError::Refused(Refused::Forbidden("moderators_only")));
        }
        let upheld = parse_decision(decision)?;
        let reason = reason.trim();
        check_resolution_reason(reason)?;
        // A hidden post is deleted for readers; moderators of the site find it all the same,
        // in any group they may read.
        let post = self
            .store
            .post(id)
            .await?
            .ok_or(ForumError::Refused(Refused::NotFound))?;
        let (group, relation) = self
            .store
            .group_by_id(post.group_id, viewer.id())
            .await?
            .ok_or(ForumError::Refused(Refused::NotFound))?;
        let group = crate::groups::directory_visible(viewer, group, relation)?;
        if group.access < crate::groups::policy::Access::Read {
            return Err(ForumError::Refused(Refused::NotFound));
        }
        let now = self.now();
        let action = if upheld {
            "flags.uphold"
        } else {
            "flags.dismiss"
        };
        let audit = self.audit_entry(
            viewer,
            action,
            crate::audit::Target::post(post.id, &post.author.username),
            Some(group.group.id),
            reason.to_owned(),
        );
        let resolved = self
            .store
            .resolve_reports(
                Reported::Post(post.id),
                actor.id,
                upheld,
                reason,
                now,
                &audit,
            )
            .await?;
        if resolved == 0 {
            return Err(ForumError::Refused(Refused::NotFound));
        }
        // An approved post the system held is published: an event for the worker.
        self.nudge_worker();
        if let Err(e) = self.trust().refresh_trust(post.author.id).await {
            tracing::warn!(error = %e, "trust not refreshed");
        }
        Ok(())
    }
}

/// `uphold` (also `reject`, for a held post) or `dismiss` (also `approve`).
fn parse_decision(decision: &str) -> Result<bool, Invalid> {
    match decision {
        "uphold" | "reject" => Ok(true),
        "dismiss" | "approve" => Ok(false),
        _ => Err(Invalid::new(
            "decision",
            "invalid_choice",
            "Choose uphold or dismiss (for a held post: reject or approve).",
        )),
    }
}

fn check_resolution_reason(reason: &str) -> Result<(), Invalid> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 1_000 || reason.contains('\0') {
        return Err(Invalid::new(
            "reason",
            "required",
            "Say why (up to 1,000 characters).",
        ));
    }
    Ok(())
}

fn check_note(note: &str) -> Result<&str, Invalid> {
    let note = note.trim();
    if note.chars().count() > 1_000 || note.contains('\0') {
        return Err(Invalid::new(
            "note",
            "too_long",
            "A note may be at most 1,000 characters long.",
        ));
    }
    Ok(note)
}

impl Moderation<'_> {
    /// Counts one more flag by `member`: more than [`FLAGS_PER_HOUR`] is refused.
    async fn flag_limit(self, member: MemberId) -> Result<(), FlagError> {
        let key = format!("flag:{}", member.0);
        match self.over_limit(&key, FLAGS_PER_HOUR, 3_600).await? {
            Some(retry_after_secs) => Err(FlagError::RateLimited { retry_after_secs }),
            None => Ok(()),
        }
    }

    /// Flags a member (any verified member about another).
    pub async fn flag_member(
        self,
        viewer: &Viewer,
        username: &str,
        reason: &str,
        note: &str,
    ) -> Result<(), FlagError> {
        let actor = self.guard(viewer, crate::guard::Needs::Active).await?;
        let member = self
            .accounts()
            .member_by_name(username)
            .await?
            .ok_or(Refused::NotFound)?;
        if !MEMBER_REASONS.iter().any(|(r, _)| *r == reason) {
            return Err(Invalid::new(
                "reason",
                "invalid_choice",
                "Choose spam, abuse, defamation, fake or other.",
            )
            .into());
        }
        let note = check_note(note)?;
        if member.id == actor.id {
            return Err(Refused::Forbidden("not_yourself").into());
        }
        crate::guard::Needs::Verified.check(viewer)?;
        self.flag_limit(actor.id).await?;
        self.store
            .insert_report(
                Reported::Member(member.id),
                actor.id,
                reason,
                note,
                crate::trust::TrustLevel::default(),
                self.now(),
            )
            .await?
            .ok_or(FlagError::AlreadyFlagged)?;
        Ok(())
    }

    /// Flagged members awaiting a decision (site moderators).
    pub async fn member_queue(self, viewer: &Viewer) -> Result<Vec<MemberQueueItem>, Refused> {
        viewer.id().ok_or(Refused::SignInRequired)?;
        if !viewer.is_site_moderator() {
            return Err(Refused::Forbidden("moderators_only"));
        }
        Ok(self.store.member_flag_queue(200).await?)
    }

    /// Resolves every open flag on a member with a reason (site moderators). Upholding
    /// records the decision; what to do about the member is a sanction of its own.
    pub async fn resolve_member_flags(
        self,
        viewer: &Viewer,
        username: &str,
        decision: &str,
        reason: &str,
    ) -> Result<(), Refused> {
        let actor = viewer.actor().ok_or(Refused::SignInRequired)?;
        if !viewer.is_site_moderator() {
            return Err(Refused::Forbidden("moderators_only"));
        }
        let upheld = parse_decision(decision)?;
        check_resolution_reason(reason)?;
        let member = self
            .accounts()
            .member_by_name(username)
            .await?
            .ok_or(Refused::NotFound)?;
        let action = if upheld {
            "member_flags.uphold"
        } else {
            "member_flags.dismiss"
        };
        let audit = self.audit_entry(
            viewer,
            action,
            crate::audit::Target::member(member.id, &member.username),
            None,
            reason.trim().to_owned(),
        );
        let n = self
            .store
            .resolve_reports(
                Reported::Member(member.id),
                actor.id,
                upheld,
                reason.trim(),
                self.now(),
                &audit,
            )
            .await?;
        if n == 0 {
            return Err(Refused::NotFound);
        }
        Ok(())
    }
}
