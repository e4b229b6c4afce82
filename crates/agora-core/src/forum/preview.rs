//! The compose forms' live preview: a body rendered exactly as it would be posted, for members
//! who may write (a guest has nothing to compose), a limited number a minute each.

use crate::agora::Forum;
use crate::error::Refused;
use crate::forum::{ForumError, PostBody};
use crate::guard::Needs;
use crate::viewer::Viewer;

/// Previews a member may ask for in a minute (the form asks after each pause in typing).
pub const PREVIEWS_PER_MINUTE: i64 = 60;

impl Forum<'_> {
    /// The sanitised HTML of `markdown` as a post, for a signed-in, active member; refused
    /// past the renderer's budget (422 on `body`) and past [`PREVIEWS_PER_MINUTE`] (429).
    pub async fn preview(self, viewer: &Viewer, markdown: &str) -> Result<String, ForumError> {
        let actor = self.guard(viewer, Needs::Active).await?;
        let key = format!("preview:{}", actor.id.0);
        if let Some(retry_after_secs) = self.over_limit_here(&key, PREVIEWS_PER_MINUTE, 60) {
            return Err(Refused::RateLimited { retry_after_secs }.into());
        }
        let body = PostBody::parse(markdown)?;
        Ok(self.render_new(body.as_str(), "body").await?.html)
    }
}
