//! Ideas storage: statuses, votes with where they were cast, status history and merges. Each
//! change writes its counts, its audit entry and its event in one transaction. Reads of one
//! idea here; votes in `votes.rs`, statuses in `statuses.rs`, merges in `merges.rs`, a group's
//! board in `board.rs`, a member's archive and erasure in `data.rs`.

mod board;
mod data;
mod merges;
mod statuses;
mod votes;

use async_trait::async_trait;

use agora_core::audit::NewAuditEntry;
use agora_core::forum::Topic;
use agora_core::kinds::ideas::{
    IdeaChange, IdeaRecord, IdeaSort, IdeaStatus, IdeaStore, IdeaSummary, StatusChange, StatusSet,
    VoteChange, Voted,
};
use agora_core::paging::Cursor;
use agora_core::time::Timestamp;
use agora_core::{GroupId, MemberId, StoreError, TopicId};

use crate::SqlStore;
use crate::db::Int;
pub(crate) use data::DATA;

#[derive(sqlx::FromRow)]
struct StatusRow {
    name: String,
    label: String,
    status_set: String,
}

#[derive(sqlx::FromRow)]
struct ChangeRow {
    from_status: String,
    to_status: String,
    note: String,
    by_name: Option<String>,
    by_display_name: Option<String>,
    at: i64,
}

impl From<ChangeRow> for StatusChange {
    fn from(r: ChangeRow) -> Self {
        Self {
            from: r.from_status,
            to: r.to_status,
            note: r.note,
            by: r.by_name,
            by_display_name: r.by_display_name,
            at: Timestamp(r.at),
        }
    }
}

#[derive(sqlx::FromRow)]
struct IdeaRow {
    votes: i64,
    merged_into: Option<i64>,
    merged_votes: i64,
    voted: bool,
}

#[derive(sqlx::FromRow)]
struct Text {
    value: String,
}

#[async_trait]
impl IdeaStore for SqlStore {
    async fn stored_idea_statuses(&self) -> Result<Vec<IdeaStatus>, StoreError> {
        let mut db = self.pools.read().await?;
        let rows = db
            .all::<StatusRow>(
                "SELECT name, label, status_set FROM idea_statuses ORDER BY position, name",
                &[],
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| IdeaStatus {
                name: r.name,
                label: r.label,
                set: StatusSet::parse(&r.status_set).unwrap_or(StatusSet::Open),
            })
            .collect())
    }

    async fn replace_idea_statuses(
        &self,
        statuses: &[IdeaStatus],
        audit: &[NewAuditEntry],
    ) -> Result<(), StoreError> {
        let statuses = statuses.to_vec();
        let audit = audit.to_vec();
        self.pools
            .write(move |tx| {
                Box::pin(async move { statuses::replace(tx, &statuses, &audit).await })
            })
            .await
    }

    async fn idea_record(
        &self,
        topic: TopicId,
        viewer: Option<MemberId>,
    ) -> Result<IdeaRecord, StoreError> {
        let mut db = self.pools.read().await?;
        let row = db
            .optional::<IdeaRow>(
                "SELECT COALESCE(i.votes, 0) AS votes, i.merged_into, \
                 (SELECT COUNT(*) FROM idea_votes v WHERE v.topic_id = t.id AND v.via IS NOT NULL) AS merged_votes, \
                 EXISTS (SELECT 1 FROM idea_votes v WHERE v.topic_id = t.id AND v.member_id = $2) AS voted \
                 FROM topics t LEFT JOIN ideas i ON i.topic_id = t.id WHERE t.id = $1",
                &[topic.0.into(), viewer.map(|m| m.0).into()],
            )
            .await?;
        let history = db
            .all::<ChangeRow>(
                "SELECT c.from_status, c.to_status, c.note, m.username AS by_name, m.display_name AS by_display_name, c.at \
                 FROM idea_status_changes c LEFT JOIN members m ON m.id = c.by_id \
                 WHERE c.topic_id = $1 ORDER BY c.id",
                &[topic.0.into()],
            )
            .await?
            .into_iter()
            .map(StatusChange::from)
            .collect();
        let merged_from = db
            .all::<Int>(
                "SELECT topic_id FROM ideas WHERE merged_into = $1 ORDER BY topic_id",
                &[topic.0.into()],
            )
            .await?
            .into_iter()
            .map(|r| TopicId(r.0))
            .collect();
        let row = row.unwrap_or(IdeaRow {
            votes: 0,
            merged_into: None,
            merged_votes: 0,
            voted: false,
        });
        Ok(IdeaRecord {
            votes: row.votes,
            voted: row.voted,
            merged_votes: row.merged_votes,
            history,
            merged_into: row.merged_into.map(TopicId),
            merged_from,
        })
    }

    async fn vote(&self, change: &VoteChange) -> Result<Voted, StoreError> {
        let c = change.clone();
        self.pools
            .write(move |tx| Box::pin(async move { votes::cast(tx, &c).await }))
            .await
    }

    async fn unvote(&self, change: &VoteChange) -> Result<bool, StoreError> {
        let c = change.clone();
        self.pools
            .write(move |tx| Box::pin(async move { votes::withdraw(tx, &c).await }))
            .await
    }

    async fn set_idea_status(&self, change: &IdeaChange) -> Result<bool, StoreError> {
        let c = change.clone();
        self.pools
            .write(move |tx| Box::pin(async move { statuses::set(tx, &c).await }))
            .await
    }

    async fn merge_idea(&self, change: &IdeaChange, original: TopicId) -> Result<bool, StoreError> {
        let c = change.clone();
        self.pools
            .write(move |tx| Box::pin(async move { merges::merge(tx, &c, original).await }))
            .await
    }

    async fn unmerge_idea(&self, change: &IdeaChange) -> Result<bool, StoreError> {
        let c = change.clone();
        self.pools
            .write(move |tx| Box::pin(async move { merges::undo(tx, &c).await }))
            .await
    }

    async fn list_ideas(
        &self,
        group: GroupId,
        sort: IdeaSort,
        trending_since: Timestamp,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Vec<IdeaSummary>, StoreError> {
        let mut db = self.pools.read().await?;
        board::list(&mut db, group, sort, trending_since, after, limit).await
    }

    async fn shipped_ideas(
        &self,
        group: GroupId,
        limit: u32,
    ) -> Result<Vec<(Topic, StatusChange)>, StoreError> {
        let mut db = self.pools.read().await?;
        board::shipped(&mut db, group, limit).await
    }
}
