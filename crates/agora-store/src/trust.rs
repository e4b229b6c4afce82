//! `TrustStore`: the reading record (visits, topics entered, posts read) and trust levels.

use async_trait::async_trait;

use agora_core::audit::NewAuditEntry;
use agora_core::store::TrustStore;
use agora_core::time::Timestamp;
use agora_core::trust::{TrustLevel, TrustState, TrustStats};
use agora_core::{MemberId, StoreError, TopicId};

use crate::SqlStore;
use crate::db::Int;

/// Seconds a reading counts for at most: someone who comes back after an hour did not read
/// for an hour.
const MAX_READ_SECONDS: i64 = 300;
/// Seconds the first reading of a member counts for.
const FIRST_READ_SECONDS: i64 = 30;

#[derive(sqlx::FromRow)]
struct StatsRow {
    days_visited: i64,
    topics_entered: i64,
    posts_read: i64,
    read_minutes: i64,
    topics_replied: i64,
    posts_written: i64,
    confirmed_flags: i64,
}

#[derive(sqlx::FromRow)]
struct LevelRow {
    trust_level: i64,
    trust_earned: i64,
    trust_locked: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct BodyRow {
    topic_id: i64,
    body_markdown: String,
}

#[async_trait]
impl TrustStore for SqlStore {
    async fn record_visit(&self, member: MemberId, day: i64) -> Result<bool, StoreError> {
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    let n = tx
                        .execute(
                            "INSERT INTO member_activity (member_id, days_visited, last_visit_day) VALUES ($1, 1, $2) \
                             ON CONFLICT (member_id) DO UPDATE SET days_visited = member_activity.days_visited + 1, \
                             last_visit_day = excluded.last_visit_day WHERE member_activity.last_visit_day < excluded.last_visit_day",
                            &[member.0.into(), day.into()],
                        )
                        .await?;
                    Ok(n > 0)
                })
            })
            .await
    }

    async fn record_read(
        &self,
        member: MemberId,
        topic: TopicId,
        last_number: i64,
        at: Timestamp,
    ) -> Result<bool, StoreError> {
        const LAST: &str =
            "SELECT last_number FROM topic_reads WHERE member_id = $1 AND topic_id = $2";
        // Most page views show posts the member has read before: find that out on a reader,
        // so that re-reading neither waits for nor holds the (on SQLite, single) writer.
        let seen = self
            .pools
            .read()
            .await?
            .optional::<Int>(LAST, &[member.0.into(), topic.0.into()])
            .await?;
        if seen.is_some_and(|n| n.0 >= last_number) {
            return Ok(false);
        }
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    // Each change is made only if the record is still as read (on PostgreSQL
                    // the same member may load the same topic twice at once): counted once.
                    let mut tries = 0;
                    let (entered, newly_read) = loop {
                        tries += 1;
                        let before = tx
                            .optional::<Int>(LAST, &[member.0.into(), topic.0.into()])
                            .await?
                            .map(|r| r.0);
                        let (changed, counts) = match before {
                            None => (
                                tx.execute(
                                    "INSERT INTO topic_reads (member_id, topic_id, last_number, first_read_at, last_read_at) \
                                     VALUES ($1, $2, $3, $4, $4) ON CONFLICT DO NOTHING",
                                    &[member.0.into(), topic.0.into(), last_number.into(), at.0.into()],
                                )
                                .await?,
                                (1, last_number),
                            ),
                            Some(n) if last_number > n => (
                                tx.execute(
                                    "UPDATE topic_reads SET last_number = $3, last_read_at = $4 \
                                     WHERE member_id = $1 AND topic_id = $2 AND last_number = $5",
                                    &[
                                        member.0.into(),
                                        topic.0.into(),
                                        last_number.into(),
                                        at.0.into(),
                                        n.into(),
                                    ],
                                )
                                .await?,
                                (0, last_number - n),
                            ),
                            // Nothing new: no write at all, so re-reading a page costs no commit.
                            Some(_) => return Ok(false),
                        };
                        if changed == 1 {
                            break counts;
                        }
                        if tries == 3 {
                            return Ok(false);
                        }
                    };
                    // The reading time since the member's last read is worked out in the
                    // statement, from the row as it stands when the statement runs: two
                    // reads at once on PostgreSQL count the time between them once.
                    let gap = "(excluded.last_read_at - member_activity.last_read_at) / 1000000";
                    tx.execute(
                        format!(
                            "INSERT INTO member_activity (member_id, topics_entered, posts_read, read_seconds, last_read_at) \
                             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (member_id) DO UPDATE SET \
                             topics_entered = member_activity.topics_entered + excluded.topics_entered, \
                             posts_read = member_activity.posts_read + excluded.posts_read, \
                             read_seconds = member_activity.read_seconds + CASE \
                               WHEN member_activity.last_read_at = 0 THEN excluded.read_seconds \
                               WHEN {gap} < 0 THEN 0 \
                               WHEN {gap} > {MAX_READ_SECONDS} THEN {MAX_READ_SECONDS} \
                               ELSE {gap} END, \
                             last_read_at = CASE WHEN excluded.last_read_at > member_activity.last_read_at \
                               THEN excluded.last_read_at ELSE member_activity.last_read_at END"
                        ),
                        &[
                            member.0.into(),
                            entered.into(),
                            newly_read.into(),
                            FIRST_READ_SECONDS.into(),
                            at.0.into(),
                        ],
                    )
                    .await?;
                    Ok(true)
                })
            })
            .await
    }

    async fn trust_stats(
        &self,
        member: MemberId,
        flags_since: Timestamp,
    ) -> Result<TrustStats, StoreError> {
        let mut db = self.pools.read().await?;
        let row = db
            .optional::<StatsRow>(
                "SELECT COALESCE(a.days_visited, 0) AS days_visited, \
                 COALESCE(a.topics_entered, 0) AS topics_entered, \
                 COALESCE(a.posts_read, 0) AS posts_read, \
                 COALESCE(a.read_seconds, 0) / 60 AS read_minutes, \
                 (SELECT COUNT(DISTINCT p.topic_id) FROM posts p JOIN topics t ON t.id = p.topic_id \
                  WHERE p.author_id = m.id AND p.number > 1 AND p.deleted = FALSE AND t.author_id <> m.id) AS topics_replied, \
                 (SELECT COUNT(*) FROM posts p WHERE p.author_id = m.id AND p.deleted = FALSE) AS posts_written, \
                 (SELECT COUNT(DISTINCT f.item_kind || ':' || CAST(f.item_id AS TEXT)) FROM reports f \
                  WHERE f.item_author_id = m.id AND f.resolution = 'upheld' AND f.resolved_at >= $2) AS confirmed_flags \
                 FROM members m LEFT JOIN member_activity a ON a.member_id = m.id WHERE m.id = $1",
                &[member.0.into(), flags_since.0.into()],
            )
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(TrustStats {
            days_visited: row.days_visited,
            topics_entered: row.topics_entered,
            posts_read: row.posts_read,
            read_minutes: row.read_minutes,
            topics_replied: row.topics_replied,
            posts_written: row.posts_written,
            confirmed_flags: row.confirmed_flags,
        })
    }

    async fn trust_of(&self, member: MemberId) -> Result<TrustState, StoreError> {
        let mut db = self.pools.read().await?;
        let row = db
            .optional::<LevelRow>(
                "SELECT trust_level, trust_earned, trust_locked FROM members WHERE id = $1",
                &[member.0.into()],
            )
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(TrustState {
            level: TrustLevel::from_number(row.trust_level).unwrap_or_default(),
            earned: TrustLevel::from_number(row.trust_earned).unwrap_or_default(),
            locked: row.trust_locked.and_then(TrustLevel::from_number),
        })
    }

    async fn put_trust(
        &self,
        member: MemberId,
        state: &TrustState,
        audit: &[NewAuditEntry],
    ) -> Result<(), StoreError> {
        let audit = audit.to_vec();
        let state = *state;
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    tx.execute(
                        "UPDATE members SET trust_level = $2, trust_earned = $3, trust_locked = $4 WHERE id = $1",
                        &[
                            member.0.into(),
                            state.level.number().into(),
                            state.earned.number().into(),
                            state.locked.map(TrustLevel::number).into(),
                        ],
                    )
                    .await?;
                    crate::audit::record(tx, &audit).await?;
                    Ok(())
                })
            })
            .await
    }

    async fn recent_bodies(
        &self,
        member: MemberId,
        since: Timestamp,
        limit: u32,
    ) -> Result<Vec<(TopicId, String)>, StoreError> {
        let mut db = self.pools.read().await?;
        let rows = db
            .all::<BodyRow>(
                "SELECT topic_id, body_markdown FROM posts WHERE author_id = $1 AND created_at >= $2 \
                 ORDER BY id DESC LIMIT $3",
                &[member.0.into(), since.0.into(), i64::from(limit).into()],
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| (TopicId(r.topic_id), r.body_markdown))
            .collect())
    }
}
