//! Ideas storage: statuses, votes with where they were cast, status history and merges. Each
//! change writes its counts, its audit entry and its event in one transaction.

use async_trait::async_trait;

use agora_core::audit::NewAuditEntry;
use agora_core::forum::Topic;
use agora_core::kinds::ideas::{
    IdeaChange, IdeaRecord, IdeaSort, IdeaStatus, IdeaStore, IdeaSummary, MERGED, StatusChange,
    StatusSet, VoteChange, Voted,
};
use agora_core::paging::Cursor;
use agora_core::time::Timestamp;
use agora_core::{GroupId, MemberId, StoreError, TopicId};

use crate::SqlStore;
use crate::db::{Arg, Handle, Int, LockTable};
use crate::rows::{TOPIC_COLUMNS, TopicRow};

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
struct SummaryRow {
    #[sqlx(flatten)]
    topic: TopicRow,
    votes: i64,
    recent_votes: i64,
}

#[derive(sqlx::FromRow)]
struct ShippedRow {
    #[sqlx(flatten)]
    topic: TopicRow,
    #[sqlx(flatten)]
    change: ChangeRow,
}

#[derive(sqlx::FromRow)]
struct Text {
    value: String,
}

/// Adds `delta` to an idea's vote count in one statement, so that concurrent votes on
/// PostgreSQL each add theirs to what the other committed (the row is locked by the update).
async fn add_votes(tx: &mut Handle, topic: TopicId, delta: i64) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO ideas (topic_id, votes) VALUES ($1, $2)          ON CONFLICT (topic_id) DO UPDATE SET votes = ideas.votes + excluded.votes",
        &[topic.0.into(), delta.into()],
    )
    .await?;
    Ok(())
}

/// Locks the ideas whose votes a transaction moves, in id order (so two merges never wait
/// for each other), before it reads or counts them; every vote, withdrawal, merge and undo
/// on an idea takes its lock first (see `Handle::lock_row`).
async fn lock_ideas(tx: &mut Handle, ideas: &[TopicId]) -> Result<(), StoreError> {
    let mut ids: Vec<i64> = ideas.iter().map(|t| t.0).collect();
    ids.sort_unstable();
    ids.dedup();
    for id in ids {
        tx.lock_row(LockTable::Topics, id).await?;
    }
    Ok(())
}

/// Counts an idea's votes again (exact whatever moved), for a transaction that holds the
/// idea's lock (`lock_ideas`): merges and their undoing move many votes at once.
async fn recount(tx: &mut Handle, topic: TopicId) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO ideas (topic_id, votes) VALUES ($1, \
         (SELECT COUNT(*) FROM idea_votes WHERE topic_id = $1)) \
         ON CONFLICT (topic_id) DO UPDATE SET votes = excluded.votes",
        &[topic.0.into()],
    )
    .await?;
    Ok(())
}

async fn keep_change(
    tx: &mut Handle,
    topic: TopicId,
    from: &str,
    to: &str,
    note: &str,
    by: MemberId,
    at: Timestamp,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO idea_status_changes (topic_id, from_status, to_status, note, by_id, at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        &[
            topic.0.into(),
            from.into(),
            to.into(),
            note.into(),
            by.0.into(),
            at.0.into(),
        ],
    )
    .await?;
    Ok(())
}

async fn status_of(tx: &mut Handle, topic: TopicId) -> Result<String, StoreError> {
    Ok(tx
        .one::<Text>(
            "SELECT status AS value FROM topics WHERE id = $1",
            &[topic.0.into()],
        )
        .await?
        .value)
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
                Box::pin(async move {
                    tx.execute("DELETE FROM idea_statuses", &[]).await?;
                    for (i, s) in statuses.iter().enumerate() {
                        tx.execute(
                            "INSERT INTO idea_statuses (name, label, status_set, position) \
                             VALUES ($1, $2, $3, $4)",
                            &[
                                s.name.as_str().into(),
                                s.label.as_str().into(),
                                s.set.as_str().into(),
                                i64::try_from(i).unwrap_or(i64::MAX).into(),
                            ],
                        )
                        .await?;
                    }
                    crate::audit::record(tx, &audit).await?;
                    Ok(())
                })
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
            .write(move |tx| {
                Box::pin(async move {
                    lock_ideas(tx, &[c.topic]).await?;
                    if status_of(tx, c.topic).await? == MERGED {
                        return Ok(Voted::Merged);
                    }
                    if let Some(budget) = c.budget {
                        // One member's votes are counted against their budget one at a time.
                        tx.lock_key(&format!("idea-budget:{}", c.member.0)).await?;
                        // Votes held on ideas not closed.
                        let mut args: Vec<Arg<'_>> = vec![c.member.0.into()];
                        let mut closed = Vec::new();
                        for name in &c.closed {
                            args.push(name.as_str().into());
                            closed.push(format!("${}", args.len()));
                        }
                        let not_closed = if closed.is_empty() {
                            String::new()
                        } else {
                            format!(" AND t.status NOT IN ({})", closed.join(", "))
                        };
                        let held = tx
                            .one::<Int>(
                                format!(
                                    "SELECT COUNT(*) FROM idea_votes v JOIN topics t ON t.id = v.topic_id \
                                     WHERE v.member_id = $1 AND t.deleted = FALSE{not_closed}"
                                ),
                                &args,
                            )
                            .await?
                            .0;
                        if held >= budget {
                            return Ok(Voted::OverBudget);
                        }
                    }
                    let cast = tx
                        .execute(
                            "INSERT INTO idea_votes (topic_id, member_id, voted_at) VALUES ($1, $2, $3) \
                             ON CONFLICT (topic_id, member_id) DO NOTHING",
                            &[c.topic.0.into(), c.member.0.into(), c.at.0.into()],
                        )
                        .await?;
                    if cast == 0 {
                        return Ok(Voted::Already);
                    }
                    add_votes(tx, c.topic, 1).await?;
                    crate::events::record(tx, c.at, &c.events).await?;
                    Ok(Voted::Counted)
                })
            })
            .await
    }

    async fn unvote(&self, change: &VoteChange) -> Result<bool, StoreError> {
        let c = change.clone();
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    lock_ideas(tx, &[c.topic]).await?;
                    let removed = tx
                        .execute(
                            "DELETE FROM idea_votes WHERE topic_id = $1 AND member_id = $2",
                            &[c.topic.0.into(), c.member.0.into()],
                        )
                        .await?;
                    if removed == 0 {
                        return Ok(false);
                    }
                    add_votes(tx, c.topic, -1).await?;
                    crate::events::record(tx, c.at, &c.events).await?;
                    Ok(true)
                })
            })
            .await
    }

    async fn set_idea_status(&self, change: &IdeaChange) -> Result<bool, StoreError> {
        let c = change.clone();
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    lock_ideas(tx, &[c.topic]).await?;
                    let from = status_of(tx, c.topic).await?;
                    // A merge that came first decides: a merged idea keeps its status.
                    if from == c.to || from == MERGED {
                        return Ok(false);
                    }
                    tx.execute(
                        "UPDATE topics SET status = $2 WHERE id = $1",
                        &[c.topic.0.into(), c.to.as_str().into()],
                    )
                    .await?;
                    keep_change(tx, c.topic, &from, &c.to, &c.note, c.by, c.at).await?;
                    crate::audit::record(tx, &c.audit).await?;
                    crate::events::record(tx, c.at, &c.events).await?;
                    Ok(true)
                })
            })
            .await
    }

    async fn merge_idea(&self, change: &IdeaChange, original: TopicId) -> Result<bool, StoreError> {
        let c = change.clone();
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    let dup = c.topic;
                    lock_ideas(tx, &[dup, original]).await?;
                    let from = status_of(tx, dup).await?;
                    // What the core checked before, checked again under the locks.
                    let merged_from = tx
                        .one::<Int>(
                            "SELECT COUNT(*) FROM ideas WHERE merged_into = $1",
                            &[dup.0.into()],
                        )
                        .await?
                        .0;
                    if from == MERGED || status_of(tx, original).await? == MERGED || merged_from > 0
                    {
                        return Ok(false);
                    }
                    // A voter on both keeps one vote, on the original; their vote on the
                    // duplicate is set aside to be given back if the merge is undone.
                    tx.execute(
                        "INSERT INTO idea_merged_votes (duplicate_id, member_id, voted_at) \
                         SELECT d.topic_id, d.member_id, d.voted_at FROM idea_votes d \
                         WHERE d.topic_id = $1 AND EXISTS (SELECT 1 FROM idea_votes o \
                         WHERE o.topic_id = $2 AND o.member_id = d.member_id)",
                        &[dup.0.into(), original.0.into()],
                    )
                    .await?;
                    tx.execute(
                        "DELETE FROM idea_votes WHERE topic_id = $1 AND member_id IN \
                         (SELECT member_id FROM idea_merged_votes WHERE duplicate_id = $1)",
                        &[dup.0.into()],
                    )
                    .await?;
                    // Every other vote moves, and remembers the idea it was cast on.
                    tx.execute(
                        "UPDATE idea_votes SET topic_id = $2, via = $1 WHERE topic_id = $1",
                        &[dup.0.into(), original.0.into()],
                    )
                    .await?;
                    recount(tx, dup).await?;
                    recount(tx, original).await?;
                    tx.execute(
                        "UPDATE ideas SET merged_into = $2, status_before_merge = $3 WHERE topic_id = $1",
                        &[dup.0.into(), original.0.into(), from.as_str().into()],
                    )
                    .await?;
                    tx.execute(
                        "UPDATE topics SET status = $2 WHERE id = $1",
                        &[dup.0.into(), MERGED.into()],
                    )
                    .await?;
                    keep_change(tx, dup, &from, MERGED, &c.note, c.by, c.at).await?;
                    crate::audit::record(tx, &c.audit).await?;
                    crate::events::record(tx, c.at, &c.events).await?;
                    Ok(true)
                })
            })
            .await
    }

    async fn unmerge_idea(&self, change: &IdeaChange) -> Result<bool, StoreError> {
        let c = change.clone();
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    let dup = c.topic;
                    let Some(original) = tx
                        .optional::<Int>(
                            "SELECT merged_into FROM ideas WHERE topic_id = $1 AND merged_into IS NOT NULL",
                            &[dup.0.into()],
                        )
                        .await?
                        .map(|r| TopicId(r.0))
                    else {
                        return Ok(false);
                    };
                    lock_ideas(tx, &[dup, original]).await?;
                    // Undone meanwhile by someone else: nothing left to undo.
                    if tx
                        .optional::<Int>(
                            "SELECT merged_into FROM ideas WHERE topic_id = $1 AND merged_into = $2",
                            &[dup.0.into(), original.0.into()],
                        )
                        .await?
                        .is_none()
                    {
                        return Ok(false);
                    }
                    let before = tx
                        .one::<Text>(
                            "SELECT COALESCE(status_before_merge, 'new') AS value FROM ideas WHERE topic_id = $1",
                            &[dup.0.into()],
                        )
                        .await?
                        .value;
                    tx.execute(
                        "UPDATE idea_votes SET topic_id = $1, via = NULL WHERE topic_id = $2 AND via = $1",
                        &[dup.0.into(), original.0.into()],
                    )
                    .await?;
                    tx.execute(
                        "INSERT INTO idea_votes (topic_id, member_id, voted_at) \
                         SELECT duplicate_id, member_id, voted_at FROM idea_merged_votes WHERE duplicate_id = $1",
                        &[dup.0.into()],
                    )
                    .await?;
                    tx.execute(
                        "DELETE FROM idea_merged_votes WHERE duplicate_id = $1",
                        &[dup.0.into()],
                    )
                    .await?;
                    recount(tx, dup).await?;
                    recount(tx, original).await?;
                    tx.execute(
                        "UPDATE ideas SET merged_into = NULL, status_before_merge = NULL WHERE topic_id = $1",
                        &[dup.0.into()],
                    )
                    .await?;
                    tx.execute(
                        "UPDATE topics SET status = $2 WHERE id = $1",
                        &[dup.0.into(), before.as_str().into()],
                    )
                    .await?;
                    keep_change(tx, dup, MERGED, &before, "The merge was undone.", c.by, c.at)
                        .await?;
                    crate::audit::record(tx, &c.audit).await?;
                    crate::events::record(tx, c.at, &c.events).await?;
                    Ok(true)
                })
            })
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
        let key = match sort {
            IdeaSort::Votes => "x.votes",
            IdeaSort::Trending => "x.recent_votes",
            IdeaSort::Newest => "x.created_at",
        };
        let (k, id) = after.map_or((i64::MAX, i64::MAX), |c| (c.key, c.id));
        let sql = format!(
            "SELECT * FROM (SELECT {TOPIC_COLUMNS}, COALESCE(i.votes, 0) AS votes, \
             (SELECT COUNT(*) FROM idea_votes v WHERE v.topic_id = t.id AND v.voted_at >= $2) AS recent_votes \
             FROM topics t JOIN members a ON a.id = t.author_id LEFT JOIN ideas i ON i.topic_id = t.id \
             WHERE t.group_id = $1 AND t.kind = 'idea' AND t.deleted = FALSE AND t.status <> 'merged') x \
             WHERE ({key}, x.id) < ($3, $4) ORDER BY {key} DESC, x.id DESC LIMIT $5"
        );
        let rows = db
            .all::<SummaryRow>(
                sql,
                &[
                    group.0.into(),
                    trending_since.0.into(),
                    k.into(),
                    id.into(),
                    i64::from(limit).into(),
                ],
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| IdeaSummary {
                topic: Topic::from(r.topic),
                votes: r.votes,
                recent_votes: r.recent_votes,
            })
            .collect())
    }

    async fn shipped_ideas(
        &self,
        group: GroupId,
        limit: u32,
    ) -> Result<Vec<(Topic, StatusChange)>, StoreError> {
        let mut db = self.pools.read().await?;
        let sql = format!(
            "SELECT {TOPIC_COLUMNS}, c.from_status, c.to_status, c.note, m.username AS by_name, m.display_name AS by_display_name, c.at \
             FROM topics t JOIN members a ON a.id = t.author_id \
             JOIN idea_status_changes c ON c.id = (SELECT MAX(c2.id) FROM idea_status_changes c2 \
                 WHERE c2.topic_id = t.id AND c2.to_status = 'shipped') \
             LEFT JOIN members m ON m.id = c.by_id \
             WHERE t.group_id = $1 AND t.kind = 'idea' AND t.deleted = FALSE AND t.status = 'shipped' \
             ORDER BY c.at DESC, t.id DESC LIMIT $2"
        );
        let rows = db
            .all::<ShippedRow>(sql, &[group.0.into(), i64::from(limit).into()])
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| (Topic::from(r.topic), StatusChange::from(r.change)))
            .collect())
    }
}

#[derive(sqlx::FromRow)]
struct VoteRecordRow {
    topic_id: i64,
    title: String,
    voted_at: i64,
    via: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct NoteRecordRow {
    topic_id: i64,
    title: String,
    from_status: String,
    to_status: String,
    note: String,
    at: i64,
}

impl From<VoteRecordRow> for agora_core::kinds::ideas::IdeaVoteRecord {
    fn from(r: VoteRecordRow) -> Self {
        Self {
            idea_id: r.topic_id,
            idea_title: r.title,
            voted_at: Timestamp(r.voted_at),
            cast_on: r.via,
        }
    }
}

/// Ideas' part in a member's archive and erasure.
pub(crate) const DATA: crate::kinds::KindData = crate::kinds::KindData {
    kind: "idea",
    tables: &[
        "idea_statuses",
        "idea_votes",
        "idea_merged_votes",
        "ideas",
        "idea_status_changes",
    ],
    export: |db, member| {
        Box::pin(async move {
            let votes = db
                .all::<VoteRecordRow>(
                    "SELECT v.topic_id, t.title, v.voted_at, v.via FROM idea_votes v \
                     JOIN topics t ON t.id = v.topic_id WHERE v.member_id = $1 \
                     ORDER BY v.voted_at, v.topic_id",
                    &[member.into()],
                )
                .await?;
            let set_aside = db
                .all::<VoteRecordRow>(
                    "SELECT v.duplicate_id AS topic_id, t.title, v.voted_at, CAST(NULL AS BIGINT) AS via \
                     FROM idea_merged_votes v JOIN topics t ON t.id = v.duplicate_id \
                     WHERE v.member_id = $1 ORDER BY v.voted_at, v.duplicate_id",
                    &[member.into()],
                )
                .await?;
            let notes = db
                .all::<NoteRecordRow>(
                    "SELECT c.topic_id, t.title, c.from_status, c.to_status, c.note, c.at \
                     FROM idea_status_changes c JOIN topics t ON t.id = c.topic_id \
                     WHERE c.by_id = $1 ORDER BY c.id",
                    &[member.into()],
                )
                .await?;
            crate::kinds::to_json(&agora_core::kinds::ideas::MemberIdeaRecords {
                votes: votes.into_iter().map(Into::into).collect(),
                set_aside_votes: set_aside.into_iter().map(Into::into).collect(),
                status_changes: notes
                    .into_iter()
                    .map(|n| agora_core::kinds::ideas::StatusNoteRecord {
                        idea_id: n.topic_id,
                        idea_title: n.title,
                        from_status: n.from_status,
                        to_status: n.to_status,
                        note: n.note,
                        at: Timestamp(n.at),
                    })
                    .collect(),
            })
        })
    },
    erase: |tx, member, remove_contributions| {
        Box::pin(async move {
            if !remove_contributions {
                return Ok(());
            }
            let voted = tx
                .all::<Int>(
                    "SELECT topic_id AS value FROM idea_votes WHERE member_id = $1",
                    &[member.into()],
                )
                .await?;
            let topics: Vec<TopicId> = voted.iter().map(|t| TopicId(t.0)).collect();
            lock_ideas(tx, &topics).await?;
            tx.execute(
                "DELETE FROM idea_votes WHERE member_id = $1",
                &[member.into()],
            )
            .await?;
            tx.execute(
                "DELETE FROM idea_merged_votes WHERE member_id = $1",
                &[member.into()],
            )
            .await?;
            for topic in voted {
                recount(tx, TopicId(topic.0)).await?;
            }
            Ok(())
        })
    },
};
