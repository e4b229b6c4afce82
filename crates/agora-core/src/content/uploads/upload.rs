//! Uploading an image for posts in a group: checked, scaled, re-encoded, kept, and recorded
//! for the group's readers.

use tracing::instrument;

use super::{MediaRecord, Purpose, Upload, audience_salt, group_refusal, stem_for};
use crate::agora::Media;
use crate::audience::AudienceRef;
use crate::content::images::{self, Encoded};
use crate::error::Refused;
use crate::groups::policy::Access;
use crate::guard::Needs;
use crate::trust::Knob;
use crate::viewer::Viewer;

impl Media<'_> {
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
                audience: Some(AudienceRef::group(group.group.id)),
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
}
