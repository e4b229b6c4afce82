//! What a member's archive lists of their uploads, and the files their erasure removes.

use super::{MediaExport, Purpose};
use crate::agora::Media;
use crate::error::StoreError;
use crate::ids::MemberId;

impl Media<'_> {
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
