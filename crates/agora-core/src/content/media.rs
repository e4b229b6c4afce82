//! Images from other hosts, copied to our own origin when a post or a message is saved, so
//! that reading it never tells another host who reads it, or when (a secret group's posts and
//! private messages included). The
//! binary provides the fetcher (`agora/src/images.rs`); a copy that cannot be made leaves the
//! image shown as a link.

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;

use crate::agora::Forum;
use crate::audience::AudienceRef;
use crate::content::markdown;
use crate::error::Refused;

/// How many images of one post are copied; the rest are shown as links.
pub const MAX_IMAGES_PER_POST: usize = 10;

/// Makes local copies of remote images.
#[async_trait]
pub trait ImageFetcher: Send + Sync {
    /// The local address (`/media/NAME`) of a copy of the image at `url`, made now or
    /// before; an error says why there can be none (a private address, too large, not an
    /// image, unreachable). With an audience's `salt` (a closed or secret group's), the copy
    /// is that audience's own, under a name of its own: the same image in a public post is
    /// another file.
    async fn localize(&self, url: &str, salt: Option<&str>) -> Result<String, String>;
}

/// Copies nothing: every remote image is shown as a link.
pub struct NoFetching;

#[async_trait]
impl ImageFetcher for NoFetching {
    async fn localize(&self, _: &str, _: Option<&str>) -> Result<String, String> {
        Err("remote images are not copied here".into())
    }
}

/// Whose copies an item's remote images become.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Copies {
    /// Public copies, one file for every public item that shows the image.
    Public,
    /// A private audience's own (a closed or secret group's, a conversation's), under names
    /// of its own, recorded as its before the item is written.
    For(AudienceRef),
    /// A conversation being started, whose id comes with its first message: its own copies
    /// under this salt, which the store records as the conversation's in the transaction
    /// that starts it.
    Unrecorded(String),
}

impl Forum<'_> {
    /// `rendered` (of `markdown`) again with copies of its remote images (at most
    /// [`MAX_IMAGES_PER_POST`], fetched side by side) and its mentions of `members` (canonical
    /// name → username) as links to their profiles; as it is if it has neither. The copies
    /// are `copies`' (a private audience's are served only to its readers); their names come
    /// back beside the text.
    pub(crate) async fn with_links(
        self,
        markdown: &str,
        rendered: markdown::Rendered,
        copies: &Copies,
        members: HashMap<String, String>,
    ) -> Result<(markdown::Rendered, Vec<String>), Refused> {
        if rendered.remote_images.is_empty() && members.is_empty() {
            return Ok((rendered, Vec::new()));
        }
        let images = self.image_copies(&rendered, copies).await?;
        let names = images
            .values()
            .filter_map(|u| u.strip_prefix("/media/"))
            .map(str::to_owned)
            .collect();
        let known = markdown::Known { images, members };
        let markdown = markdown.to_owned();
        let rendered = self
            .renderer
            .run(move || markdown::render_known(&markdown, &known))
            .await?;
        Ok((rendered, names))
    }

    /// Local copies of the remote images of `rendered` (image address → `/media/…`), those
    /// that could be made.
    async fn image_copies(
        self,
        rendered: &markdown::Rendered,
        copies: &Copies,
    ) -> Result<HashMap<String, String>, Refused> {
        let mut local = HashMap::new();
        if rendered.remote_images.is_empty() {
            return Ok(local);
        }
        let salt = match copies {
            Copies::Public => None,
            Copies::For(audience) => Some(crate::content::uploads::salt_of(*audience)),
            Copies::Unrecorded(salt) => Some(salt.clone()),
        };
        let mut fetching = tokio::task::JoinSet::new();
        for url in rendered
            .remote_images
            .iter()
            .take(MAX_IMAGES_PER_POST)
            .cloned()
        {
            let fetcher: Arc<dyn ImageFetcher> = self.images.clone();
            let salt = salt.clone();
            fetching.spawn(async move {
                let copy = fetcher.localize(&url, salt.as_deref()).await;
                (url, copy)
            });
        }
        while let Some(done) = fetching.join_next().await {
            match done {
                Ok((url, Ok(copy))) => {
                    local.insert(url, copy);
                }
                Ok((url, Err(why))) => {
                    tracing::info!(%url, why, "remote image shown as a link");
                }
                Err(e) => tracing::warn!(error = %e, "an image fetch failed"),
            }
        }
        if let Copies::For(audience) = copies {
            let names: Vec<String> = local
                .values()
                .filter_map(|u| u.strip_prefix("/media/"))
                .map(str::to_owned)
                .collect();
            self.media().record_copies(*audience, &names).await?;
        }
        Ok(local)
    }
}
