//! The ideas' boards: a group's ideas by votes, trend or age, the shipped changelog, one idea.

use super::*;

impl Ideas<'_> {
    /// A group's ideas.
    pub async fn list(
        self,
        viewer: &Viewer,
        slug: &str,
        sort: IdeaSort,
        cursor: Option<Cursor>,
        limit: u32,
    ) -> Result<IdeaBoard, ForumError> {
        let group = self.groups().readable_group(viewer, slug).await?;
        let since = self.now().plus_seconds(-TRENDING_DAYS * 86_400);
        let rows = self
            .store
            .list_ideas(group.group.id, sort, since, cursor, limit + 1)
            .await?;
        let ideas = Page::from_overfetch(rows, limit, |i| Cursor {
            key: match sort {
                IdeaSort::Votes => i.votes,
                IdeaSort::Trending => i.recent_votes,
                IdeaSort::Newest => i.topic.created_at.0,
            },
            id: i.topic.id.0,
        });
        Ok(IdeaBoard {
            group,
            ideas,
            statuses: self.idea_statuses().await?,
        })
    }

    /// A group's shipped ideas, for its changelog.
    pub async fn shipped_ideas(
        self,
        viewer: &Viewer,
        slug: &str,
    ) -> Result<(GroupView, Vec<(Topic, StatusChange)>), ForumError> {
        let group = self.groups().readable_group(viewer, slug).await?;
        let shipped = self.store.shipped_ideas(group.group.id, 100).await?;
        Ok((group, shipped))
    }

    /// An idea's votes, status, history and merges, if the viewer may read it.
    pub async fn idea(self, viewer: &Viewer, id: TopicId) -> Result<IdeaView, ForumError> {
        let (topic, _) = self.forum().readable_topic(viewer, id).await?;
        if topic.kind != super::IDEA {
            return Err(ForumError::Refused(Refused::NotFound));
        }
        let record = self.store.idea_record(topic.id, viewer.id()).await?;
        let status = self
            .idea_statuses()
            .await?
            .into_iter()
            .find(|s| s.name == topic.status);
        Ok(IdeaView {
            topic,
            record,
            status,
        })
    }
}
