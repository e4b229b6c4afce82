//! Posts as items: the forum's declaration of its items (beside each kind's `Kind::items`),
//! through which reports, reactions, bookmarks and the other
//! shared services reach a post of any topic kind without naming it.

use async_trait::async_trait;

use crate::agora::Agora;
use crate::audience::AudienceRef;
use crate::error::Refused;
use crate::events::Place;
use crate::ids::PostId;
use crate::items::refs::{ItemKind, ItemRef, ItemSeen, ItemSource};
use crate::items::reported::{ContextEntry, Look, ReportedItem};
use crate::viewer::Viewer;

/// The word references use for a post.
pub const POST: ItemKind = ItemKind::new("post");

/// The forum's item source.
pub struct Posts;

/// The one instance the registry lists.
pub static POSTS: Posts = Posts;

/// A post's reference.
pub fn post_ref(id: PostId) -> ItemRef {
    ItemRef::new(POST, id.0)
}

#[async_trait]
impl ItemSource for Posts {
    fn kind(&self) -> ItemKind {
        POST
    }

    async fn seen(&self, agora: &Agora, viewer: &Viewer, id: i64) -> Result<ItemSeen, Refused> {
        let (post, topic, group) =
            agora
                .forum()
                .post(viewer, PostId(id))
                .await
                .map_err(|e| match e {
                    super::ForumError::Refused(r) => r,
                    _ => Refused::NotFound,
                })?;
        Ok(ItemSeen {
            item: post_ref(post.id),
            audience: AudienceRef::group(group.group.id),
            access: group.access,
            facts: post.facts(&topic),
            title: topic.title.clone(),
            excerpt: crate::content::markdown::excerpt(&post.body_markdown, 200),
            author: post.author.id,
            author_name: post.author.username.clone(),
            created_at: post.created_at,
            container: topic.id.0,
            position: post.number,
        })
    }

    /// A post shows on its topic's pages (the topic's group looked up by the guest cache).
    fn places(&self, seen: &ItemSeen) -> Vec<Place> {
        vec![Place::Topic {
            topic: seen.container,
        }]
    }

    /// A post shows a moderator itself, with its topic's title and its group's address, in a
    /// list and on its report's page alike: the moderators of its group read the rest.
    async fn reported(
        &self,
        agora: &Agora,
        moderator: &Viewer,
        id: i64,
        _look: Look,
    ) -> Result<ReportedItem, Refused> {
        let store = agora.forum().store;
        let post = store.post(PostId(id)).await?.ok_or(Refused::NotFound)?;
        // A deleted group's posts keep their record (legal cases) without their topic's words.
        let (title, place, state) = match store
            .topic_in_group(post.topic_id, moderator.id())
            .await?
        {
            Some((topic, group, _)) => (topic.title.clone(), group.slug, post.facts(&topic).state),
            None => (String::new(), String::new(), post.state()),
        };
        let item = post_ref(post.id);
        Ok(ReportedItem {
            item,
            audience: AudienceRef::group(post.group_id),
            place,
            title,
            author: post.author.id,
            author_name: post.author.username.clone(),
            state,
            container: post.topic_id.0,
            position: post.number,
            context: vec![ContextEntry {
                item,
                author_name: post.author.username,
                body: post.body_markdown,
                created_at: post.created_at,
                reported: true,
                // A moderator of the group opens the post's history from its page.
                earlier: Vec::new(),
            }],
        })
    }

    fn auto_hide_action(&self) -> &'static str {
        "post.auto_hide"
    }
}
