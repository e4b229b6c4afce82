//! Images members upload (their avatar, and images for posts), and who may see what the media
//! folder holds.
//!
//! Every file in the media folder (`/media/NAME`) is public unless a row of the `media` table
//! names its audience: an image uploaded for a group, or a copy of a remote image made for a
//! post of a closed or secret group, is served only to those who may read that group (a secret
//! group's is a 404 to anyone else, as a missing name is). An avatar is public, like the
//! profile that shows it, and is deleted with its member. Names are hashes of the encoded
//! bytes, salted by the audience, so the same picture posted in a public and a secret group
//! makes two files with two audiences, and a name says nothing about where else it is used.
//!
//! Here the ports, the records and the checks every upload shares; avatars in `avatars.rs`,
//! images for posts in `upload.rs`, who may have a file in `reach.rs`, a member's archive and
//! erasure in `data.rs`.

mod avatars;
mod data;
mod reach;
mod upload;

use async_trait::async_trait;
use serde::Serialize;
use sha2::{Digest as _, Sha256};

use crate::agora::Media;
use crate::audience::AudienceRef;
use crate::content::images;
use crate::error::{Refused, StoreError};
use crate::ids::{GroupId, MemberId};
use crate::time::Timestamp;
use crate::trust::Knob;
use crate::viewer::Viewer;

/// Keeps and removes files in the media folder (the binary's `images/`).
#[async_trait]
pub trait MediaFiles: Send + Sync {
    /// Writes `bytes` as `name` (a reader never sees half of it); a name already kept stays.
    async fn keep(&self, name: &str, bytes: &[u8]) -> Result<(), String>;
    /// Removes `name`, if it is there.
    async fn discard(&self, name: &str);
}

/// Keeps nothing: uploads are refused.
pub struct NoMediaFiles;

#[async_trait]
impl MediaFiles for NoMediaFiles {
    async fn keep(&self, _: &str, _: &[u8]) -> Result<(), String> {
        Err("no media folder".into())
    }
    async fn discard(&self, _: &str) {}
}

/// What a file in the media folder is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// One size of a member's avatar.
    Avatar,
    /// An image uploaded for a group's posts.
    Upload,
    /// A copy of a remote image made for a post of a closed or secret group.
    Copy,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Avatar => "avatar",
            Self::Upload => "upload",
            Self::Copy => "copy",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "avatar" => Self::Avatar,
            "upload" => Self::Upload,
            "copy" => Self::Copy,
            _ => return None,
        })
    }
}

/// A row of the `media` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaRecord {
    pub name: String,
    pub purpose: Purpose,
    pub owner: Option<MemberId>,
    /// Whose file it is: a group's upload or copy, a conversation's copy; none for an avatar
    /// (public), or for a group's file whose group was deleted (no one's).
    pub audience: Option<AudienceRef>,
    pub bytes: i64,
    pub created_at: Timestamp,
}

/// A member's upload as their archive lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MediaExport {
    pub url: String,
    pub purpose: Purpose,
    /// The group it was uploaded for (its slug), if any.
    pub group: Option<String>,
    pub bytes: i64,
    pub created_at: Timestamp,
}

/// Storage of the media table.
#[async_trait]
pub trait MediaStore: Send + Sync {
    /// Records files; a name already recorded keeps its first row.
    async fn record_media(&self, rows: &[MediaRecord]) -> Result<(), StoreError>;
    /// The row of `name`, if it has one.
    async fn media_record(&self, name: &str) -> Result<Option<MediaRecord>, StoreError>;
    /// Makes `sizes` the member's avatar in one transaction; returns the names of the avatar
    /// it replaces (their files are to be removed).
    async fn replace_avatar(
        &self,
        member: MemberId,
        sizes: &[MediaRecord],
    ) -> Result<Vec<String>, StoreError>;
    /// The names of the member's avatar's files, smallest first; empty without one.
    async fn avatar_files(&self, member: MemberId) -> Result<Vec<String>, StoreError>;
    /// The names of the avatar files of each of `members` who has one, as (member, name).
    async fn avatar_files_of(
        &self,
        members: &[MemberId],
    ) -> Result<Vec<(MemberId, String)>, StoreError>;
    /// Every file the member uploaded, with the slug of its group, oldest first.
    async fn media_of(
        &self,
        member: MemberId,
    ) -> Result<Vec<(MediaRecord, Option<String>)>, StoreError>;
}

/// A member's avatar: the names of its sizes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Avatar {
    /// `/media/NAME` of each size in [`images::AVATAR_SIZES`], smallest first.
    pub urls: Vec<String>,
}

impl Avatar {
    /// The smallest size at least `px` wide (the largest if none is).
    pub fn url(&self, px: u32) -> &str {
        let at = images::AVATAR_SIZES
            .iter()
            .position(|&s| s >= px)
            .unwrap_or(images::AVATAR_SIZES.len() - 1);
        self.urls
            .get(at)
            .or(self.urls.last())
            .map_or("", String::as_str)
    }
}

/// An image uploaded for a group's posts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Upload {
    /// Where it is served: `/media/NAME`.
    pub url: String,
    /// What to put in a post to show it.
    pub markdown: String,
    pub width: u32,
    pub height: u32,
    pub bytes: usize,
}

/// How a file may be served to the viewer who asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// To anyone, for good (a copy of a remote image, an avatar): cacheable by anyone.
    Public,
    /// To anyone while its group is public: cacheable briefly, since the group may be closed,
    /// made secret or deleted.
    PublicForNow,
    /// To this viewer only (they may read its group): `Cache-Control: private`.
    Private,
}

/// The stem of the name a file is kept under: the hash of its bytes salted by its audience
/// (32 hexadecimal digits).
fn stem_for(salt: &str, bytes: &[u8]) -> String {
    let mut hash = Sha256::new();
    hash.update(salt.as_bytes());
    hash.update([0]);
    hash.update(bytes);
    hash.finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The salt that keeps a private group's copies apart from everyone else's.
pub fn audience_salt(group: GroupId) -> String {
    salt_of(AudienceRef::group(group))
}

/// The salt that keeps an audience's copies and uploads apart from everyone else's (a group's
/// as it always was: `group:ID`).
pub fn salt_of(audience: AudienceRef) -> String {
    format!("{}:{}", audience.kind.as_str(), audience.id)
}

impl Media<'_> {
    /// Refuses more uploads a minute than posts (per member and, ×6, per address).
    fn upload_limit(self, member: MemberId, viewer: &Viewer) -> Result<(), Refused> {
        let per_minute = self.config.posts_per_minute;
        let limits = [
            (format!("upload:{}", member.0), per_minute),
            (
                crate::rate::per_address("upload-client", viewer.client()),
                per_minute * 6,
            ),
        ];
        for (key, allowed) in limits {
            if let Some(retry_after_secs) = self.over_limit_here(&key, allowed, 60) {
                return Err(Refused::RateLimited { retry_after_secs });
            }
        }
        Ok(())
    }

    /// The largest file accepted for `knob`, in bytes.
    async fn max_bytes(self, knob: Knob) -> Result<usize, Refused> {
        let kib = self.trust().trust_settings().await?[knob];
        Ok(usize::try_from(kib).unwrap_or(0) * 1024)
    }

    async fn keep(self, name: &str, bytes: &[u8]) -> Result<(), Refused> {
        self.media_files.keep(name, bytes).await.map_err(|why| {
            tracing::error!(name, why, "an upload could not be kept");
            Refused::Store(StoreError::Unavailable(format!("media folder: {why}")))
        })
    }
}

fn group_refusal(e: crate::groups::GroupError) -> Refused {
    match e {
        crate::groups::GroupError::Refused(r) => r,
        _ => Refused::NotFound,
    }
}
