//! Flagging: an item of any kind the viewer may read, or a member.

use crate::agora::Moderation;
use crate::error::{Invalid, Refused};
use crate::ids::{MemberId, PostId};
use crate::items::Action;
use crate::items::refs::{ItemRef, StoredRef};
use crate::viewer::Viewer;

use super::{FlagError, MEMBER_REASONS, NewReport, REASONS, Reported, check_note};

impl Moderation<'_> {
    /// Flags an item the viewer may read, of any kind: the kind resolves it for the viewer
    /// (`seen_item`) and the item rule decides `Flag`. Returns whether the item is now hidden
    /// (enough members agreed, and its kind hides items).
    pub async fn flag_item(
        self,
        viewer: &Viewer,
        item: ItemRef,
        reason: &str,
        note: &str,
    ) -> Result<bool, FlagError> {
        let actor = self.guard(viewer, crate::guard::Needs::Active).await?;
        let seen = self.seen_item(viewer, item).await?;
        if !REASONS.iter().any(|(r, _)| *r == reason) {
            return Err(Invalid::new(
                "reason",
                "invalid_choice",
                "Choose spam, abuse, defamation, off_topic or other.",
            )
            .into());
        }
        let note = check_note(note)?;
        seen.allows(viewer, Action::Flag)?;
        self.flag_limit(actor.id).await?;
        let now = self.now();
        let min_level = self.trust().trust_settings().await?[crate::trust::Knob::FlagHideMinLevel];
        let min_level = crate::trust::TrustLevel::from_number(min_level).unwrap_or_default();
        let agreeing = self
            .store
            .insert_report(&NewReport {
                target: Reported::Item(item),
                audience: Some(seen.audience),
                author: Some(seen.author),
                by: actor.id,
                reason: reason.to_owned(),
                note: note.to_owned(),
                min_level,
                at: now,
            })
            .await?
            .ok_or(FlagError::AlreadyFlagged)?;
        if agreeing < self.config.flags_to_hide || !seen.facts.state.is_published() {
            return Ok(false);
        }
        // The system hides it, not the member whose flag tipped the count: the log and the
        // item name no member.
        let action = self
            .item_source(item.kind)
            .map_or("item.auto_hide", |s| s.auto_hide_action());
        let audit = [self.system_entry(
            action,
            crate::audit::Target::item(item, &seen.author_name),
            seen.audience.group_id(),
            format!("{agreeing} agreeing flags"),
        )];
        Ok(self
            .store
            .hide_flagged(&StoredRef::from(item), now, &audit)
            .await?)
    }

    /// Flags a post the viewer may read (`flag_item` with the post's reference).
    pub async fn flag_post(
        self,
        viewer: &Viewer,
        id: PostId,
        reason: &str,
        note: &str,
    ) -> Result<bool, FlagError> {
        self.flag_item(viewer, crate::forum::items::post_ref(id), reason, note)
            .await
    }

    /// Counts one more flag by `member`: more than [`super::FLAGS_PER_HOUR`] is refused.
    async fn flag_limit(self, member: MemberId) -> Result<(), FlagError> {
        let key = format!("flag:{}", member.0);
        match self.over_limit(&key, super::FLAGS_PER_HOUR, 3_600).await? {
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
            .insert_report(&NewReport {
                target: Reported::Member(member.id),
                audience: None,
                author: None,
                by: actor.id,
                reason: reason.to_owned(),
                note: note.to_owned(),
                min_level: crate::trust::TrustLevel::default(),
                at: self.now(),
            })
            .await?
            .ok_or(FlagError::AlreadyFlagged)?;
        Ok(())
    }
}
