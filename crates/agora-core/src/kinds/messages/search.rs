//! Messages found by search: only in the conversations the viewer takes part in (or was asked
//! into), from the first message they may read, never a deleted one.

use async_trait::async_trait;

use super::items::message_ref;
use crate::agora::Agora;
use crate::error::StoreError;
use crate::search::items::{ItemHit, SearchSource, mark};
use crate::viewer::Viewer;

/// The kind's search source.
pub struct MessageSearch;

/// The one instance the registry lists.
pub static SEARCH: MessageSearch = MessageSearch;

#[async_trait]
impl SearchSource for MessageSearch {
    async fn search(
        &self,
        agora: &Agora,
        viewer: &Viewer,
        terms: &[String],
        limit: u32,
    ) -> Result<Vec<ItemHit>, StoreError> {
        let Some(me) = viewer.id() else {
            return Ok(Vec::new());
        };
        let found = agora
            .messages()
            .store
            .search_messages(me, terms, limit)
            .await?;
        Ok(found
            .into_iter()
            .map(|(subject, m)| ItemHit {
                item: message_ref(m.id),
                title: subject,
                snippet: mark(
                    &crate::content::markdown::excerpt(&m.body_markdown, 4_000),
                    terms,
                    240,
                ),
                author: m.author_username,
                author_id: m.author,
                created_at: m.created_at,
                container: m.conversation.0,
                position: m.seq,
            })
            .collect())
    }
}
