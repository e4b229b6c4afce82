//! The ideas' boards: a group's ideas by votes, trend or age, the shipped changelog, one idea;
//! and what a board and an idea's page show of them (their order, votes and record).

use super::*;

/// How far back "trending" counts votes, in days.
pub const TRENDING_DAYS: i64 = 14;

/// What is kept of an idea beyond its topic.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IdeaRecord {
    pub votes: i64,
    /// Whether the viewer voted for it.
    pub voted: bool,
    /// Votes it holds that were cast on ideas merged into it.
    pub merged_votes: i64,
    pub history: Vec<StatusChange>,
    /// The original it was merged into.
    pub merged_into: Option<TopicId>,
    /// Ideas merged into it.
    pub merged_from: Vec<TopicId>,
}

/// An idea in a board's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdeaSummary {
    pub topic: Topic,
    pub votes: i64,
    /// Votes in the last [`TRENDING_DAYS`].
    pub recent_votes: i64,
}

/// How a board is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IdeaSort {
    #[default]
    Votes,
    Trending,
    Newest,
}

impl IdeaSort {
    pub fn parse(s: Option<&str>) -> Result<Self, Invalid> {
        match s {
            None | Some("votes") => Ok(Self::Votes),
            Some("trending") => Ok(Self::Trending),
            Some("newest") => Ok(Self::Newest),
            Some(_) => Err(Invalid::new(
                "sort",
                "invalid_choice",
                "Sort ideas by votes, trending or newest.",
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Votes => "votes",
            Self::Trending => "trending",
            Self::Newest => "newest",
        }
    }
}

/// An idea as its page and the API show it.
#[derive(Debug, Clone)]
pub struct IdeaView {
    pub topic: Topic,
    pub record: IdeaRecord,
    pub status: Option<IdeaStatus>,
}

/// A board's page of ideas.
#[derive(Debug, Clone)]
pub struct IdeaBoard {
    pub group: GroupView,
    pub ideas: Page<IdeaSummary>,
    pub statuses: Vec<IdeaStatus>,
}

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
