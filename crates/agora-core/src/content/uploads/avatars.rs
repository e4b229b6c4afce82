//! A member's avatar: setting it (re-encoded as squares of each size), removing it, and
//! reading one member's or a page's authors' avatars.

use tracing::instrument;

use super::{Avatar, MediaRecord, Purpose, stem_for};
use crate::agora::Media;
use crate::content::images;
use crate::error::{Refused, StoreError};
use crate::guard::Needs;
use crate::ids::MemberId;
use crate::trust::Knob;
use crate::viewer::Viewer;

impl Media<'_> {
    /// Makes `bytes` (PNG, JPEG or WebP) the signed-in member's avatar, re-encoded as squares
    /// of each size with no metadata; the avatar it replaces is deleted.
    #[instrument(skip_all)]
    pub async fn set_avatar(self, viewer: &Viewer, bytes: Vec<u8>) -> Result<Avatar, Refused> {
        let actor = self.guard(viewer, Needs::Posting).await?;
        if bytes.is_empty() {
            return Err(images::no_file("file").into());
        }
        let max = self.max_bytes(Knob::AvatarMaxKib).await?;
        if bytes.len() > max {
            return Err(images::too_large("file", max).into());
        }
        self.upload_limit(actor.id, viewer)?;
        let sizes = self.renderer.run(move || images::avatar(&bytes)).await??;
        let salt = format!("avatar:{}", actor.id.0);
        let largest = sizes.last().map_or(&[][..], |e| e.bytes.as_slice());
        let stem = stem_for(&salt, largest);
        let now = self.now();
        let mut rows = Vec::new();
        for (size, encoded) in images::AVATAR_SIZES.iter().zip(&sizes) {
            let name = format!("{stem}-{size}.{}", encoded.format.extension());
            self.keep(&name, &encoded.bytes).await?;
            rows.push(MediaRecord {
                name,
                purpose: Purpose::Avatar,
                owner: Some(actor.id),
                audience: None,
                bytes: encoded.bytes.len() as i64,
                created_at: now,
            });
        }
        let old = self.store.replace_avatar(actor.id, &rows).await?;
        for name in old.iter().filter(|n| !rows.iter().any(|r| &r.name == *n)) {
            self.media_files.discard(name).await;
        }
        Ok(Avatar {
            urls: rows.iter().map(|r| format!("/media/{}", r.name)).collect(),
        })
    }

    /// Deletes the signed-in member's avatar (their initial shows again).
    pub async fn remove_avatar(self, viewer: &Viewer) -> Result<(), Refused> {
        let actor = self.guard(viewer, Needs::Active).await?;
        for name in self.store.replace_avatar(actor.id, &[]).await? {
            self.media_files.discard(&name).await;
        }
        Ok(())
    }

    /// A member's avatar, if they have one.
    pub async fn avatar_of(self, member: MemberId) -> Result<Option<Avatar>, StoreError> {
        Ok(avatar_from(self.store.avatar_files(member).await?))
    }

    /// The avatars of those of `members` who have one (the authors on a page), in one read.
    pub async fn avatars_of(
        self,
        members: &[MemberId],
    ) -> Result<std::collections::HashMap<MemberId, Avatar>, StoreError> {
        let mut members = members.to_vec();
        members.sort_by_key(|m| m.0);
        members.dedup();
        let mut files: std::collections::HashMap<MemberId, Vec<String>> = Default::default();
        for (member, name) in self.store.avatar_files_of(&members).await? {
            files.entry(member).or_default().push(name);
        }
        Ok(files
            .into_iter()
            .filter_map(|(member, names)| Some((member, avatar_from(names)?)))
            .collect())
    }
}

/// An avatar from the names of its files (`STEM-48.png`, `STEM-96.png`, `STEM-192.png`, in
/// any order); none unless every size is there.
fn avatar_from(mut files: Vec<String>) -> Option<Avatar> {
    files.sort_by_key(|n| {
        n.rsplit_once('-')
            .and_then(|(_, s)| s.split('.').next())
            .and_then(|s| s.parse::<u32>().ok())
    });
    (files.len() == images::AVATAR_SIZES.len()).then(|| Avatar {
        urls: files.iter().map(|n| format!("/media/{n}")).collect(),
    })
}
