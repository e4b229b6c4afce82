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

use async_trait::async_trait;
use serde::Serialize;
use sha2::{Digest as _, Sha256};
use tracing::instrument;

use crate::agora::Media;
use crate::content::images::{self, Encoded};
use crate::error::{Refused, StoreError};
use crate::groups::Visibility;
use crate::groups::policy::Access;
use crate::guard::Needs;
use crate::ids::{GroupId, MemberId};
use crate::time::Timestamp;
use crate::trust::Knob;
use crate::viewer::Viewer;

/// Keeps and removes files in the media folder (the binary's `images.rs`).
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
    pub group: Option<GroupId>,
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
    format!("group:{}", group.0)
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
                group: None,
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

    /// Uploads an image for posts in the group `slug`, where the viewer may post: checked,
    /// scaled within the site's largest side, re-encoded, kept, and served to those who may
    /// read the group.
    #[instrument(skip_all, fields(slug))]
    pub async fn upload(
        self,
        viewer: &Viewer,
        slug: &str,
        bytes: Vec<u8>,
    ) -> Result<Upload, Refused> {
        let actor = self.guard(viewer, Needs::Posting).await?;
        let group = self
            .groups()
            .readable_group(viewer, slug)
            .await
            .map_err(group_refusal)?;
        if group.access < Access::Participate {
            return Err(Refused::Forbidden("join_required"));
        }
        // An archived group takes no new posts but its moderators' closing notes: no uploads
        // either, but theirs.
        if group.group.archived_at.is_some() && group.access < Access::Moderate {
            return Err(Refused::Forbidden("archived"));
        }
        if bytes.is_empty() {
            return Err(images::no_file("file").into());
        }
        let max = self.max_bytes(Knob::UploadMaxKib).await?;
        if bytes.len() > max {
            return Err(images::too_large("file", max).into());
        }
        self.upload_limit(actor.id, viewer)?;
        let side = self.trust().trust_settings().await?[Knob::UploadMaxSide];
        let side = u32::try_from(side).unwrap_or(u32::MAX);
        let encoded: Encoded = self
            .renderer
            .run(move || images::for_post(&bytes, side))
            .await??;
        // Each member's uploads are their own files, so erasing one removes nobody else's.
        let salt = format!("{}:member:{}", audience_salt(group.group.id), actor.id.0);
        let name = format!(
            "{}.{}",
            stem_for(&salt, &encoded.bytes),
            encoded.format.extension()
        );
        self.keep(&name, &encoded.bytes).await?;
        self.store
            .record_media(&[MediaRecord {
                name: name.clone(),
                purpose: Purpose::Upload,
                owner: Some(actor.id),
                group: Some(group.group.id),
                bytes: encoded.bytes.len() as i64,
                created_at: self.now(),
            }])
            .await?;
        let url = format!("/media/{name}");
        Ok(Upload {
            markdown: format!("![]({url})"),
            url,
            width: encoded.width,
            height: encoded.height,
            bytes: encoded.bytes.len(),
        })
    }

    /// Whether the viewer may have the file `name`, and how it may be cached. A file with no
    /// row is public (copies of remote images in public posts), and so is an avatar; one
    /// recorded for a group is for those who may read it: `Forbidden` to others who see the
    /// group, `NotFound` (as for a missing name) where the group is secret to them or was
    /// deleted.
    pub async fn reach(self, viewer: &Viewer, name: &str) -> Result<Reach, Refused> {
        let Some(record) = self.store.media_record(name).await? else {
            return Ok(Reach::Public);
        };
        let group = match (record.purpose, record.group) {
            (Purpose::Avatar, _) => return Ok(Reach::Public),
            (_, Some(group)) => group,
            // The group was deleted: what was only its readers' is no one's now.
            (_, None) => return Err(Refused::NotFound),
        };
        let (group, relation) = self
            .store
            .group_by_id(group, viewer.id())
            .await?
            .ok_or(Refused::NotFound)?;
        let view =
            crate::groups::directory_visible(viewer, group, relation).map_err(group_refusal)?;
        if view.access < Access::Read {
            return Err(Refused::Forbidden("members_only"));
        }
        Ok(if view.group.visibility == Visibility::Public {
            Reach::PublicForNow
        } else {
            Reach::Private
        })
    }

    /// Records the copies of remote images made for a post of a closed or secret group, so
    /// that they are served only to its readers.
    pub(crate) async fn record_copies(
        self,
        group: GroupId,
        names: &[String],
    ) -> Result<(), StoreError> {
        let now = self.now();
        let rows: Vec<MediaRecord> = names
            .iter()
            .map(|name| MediaRecord {
                name: name.clone(),
                purpose: Purpose::Copy,
                owner: None,
                group: Some(group),
                bytes: 0,
                created_at: now,
            })
            .collect();
        self.store.record_media(&rows).await
    }

    /// What the member uploaded, for their archive.
    pub(crate) async fn export(self, member: MemberId) -> Result<Vec<MediaExport>, StoreError> {
        Ok(self
            .store
            .media_of(member)
            .await?
            .into_iter()
            .map(|(r, group)| MediaExport {
                url: format!("/media/{}", r.name),
                purpose: r.purpose,
                group,
                bytes: r.bytes,
                created_at: r.created_at,
            })
            .collect())
    }

    /// The files erasing `member` deletes: their avatar, and the images they uploaded when
    /// their posts are removed too (kept posts keep their images).
    pub(crate) async fn erased_files(
        self,
        member: MemberId,
        remove_posts: bool,
    ) -> Result<Vec<String>, StoreError> {
        Ok(self
            .store
            .media_of(member)
            .await?
            .into_iter()
            .filter(|(r, _)| r.purpose == Purpose::Avatar || remove_posts)
            .map(|(r, _)| r.name)
            .collect())
    }

    /// Removes the files whose rows an erasure deleted.
    pub(crate) async fn discard(self, names: &[String]) {
        for name in names {
            self.media_files.discard(name).await;
        }
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

fn group_refusal(e: crate::groups::GroupError) -> Refused {
    match e {
        crate::groups::GroupError::Refused(r) => r,
        _ => Refused::NotFound,
    }
}
