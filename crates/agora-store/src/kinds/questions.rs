//! Q&A storage: accepted answers and what is kept per question. An acceptance writes the
//! answer's mark, the question's status and featured post, the audit entry and the event in
//! one transaction.

use async_trait::async_trait;

use agora_core::events::Event;
use agora_core::kinds::questions::{
    Acceptance, Accepted, OPEN, QuestionRecord, QuestionStore, SOLVED, Waiting,
};
use agora_core::time::Timestamp;
use agora_core::{GroupId, MemberId, PostId, StoreError, TopicId};

use crate::SqlStore;
use crate::db::{Handle, LockTable};

#[derive(sqlx::FromRow)]
struct AcceptedRow {
    post_id: i64,
    number: i64,
    best: bool,
    accepted_by: Option<String>,
    accepted_at: i64,
}

#[derive(sqlx::FromRow)]
struct TimesRow {
    first_reply_at: Option<i64>,
    first_accepted_at: Option<i64>,
    reminded_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct PostIdRow {
    id: i64,
}

#[derive(sqlx::FromRow)]
struct WaitingRow {
    group_id: i64,
    topic_id: i64,
    asker: i64,
    post_id: i64,
}

/// After a change to a question's accepted answers: one best among them if any is accepted,
/// and the topic's status and featured post to match.
async fn settle(tx: &mut Handle, topic: TopicId) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE accepted_answers SET best = (post_id = (SELECT MIN(post_id) FROM accepted_answers \
         WHERE topic_id = $1)) WHERE topic_id = $1 \
         AND NOT EXISTS (SELECT 1 FROM accepted_answers b WHERE b.topic_id = $1 AND b.best)",
        &[topic.0.into()],
    )
    .await?;
    tx.execute(
        "UPDATE topics SET featured_post_id = (SELECT post_id FROM accepted_answers \
         WHERE topic_id = $1 AND best), \
         status = CASE WHEN EXISTS (SELECT 1 FROM accepted_answers WHERE topic_id = $1) \
         THEN $2 ELSE $3 END WHERE id = $1",
        &[topic.0.into(), SOLVED.into(), OPEN.into()],
    )
    .await?;
    Ok(())
}

#[async_trait]
impl QuestionStore for SqlStore {
    async fn question_record(&self, topic: TopicId) -> Result<QuestionRecord, StoreError> {
        let mut db = self.pools.read().await?;
        let accepted = db
            .all::<AcceptedRow>(
                "SELECT aa.post_id, p.number, aa.best, m.username AS accepted_by, aa.accepted_at \
                 FROM accepted_answers aa JOIN posts p ON p.id = aa.post_id \
                 LEFT JOIN members m ON m.id = aa.accepted_by \
                 WHERE aa.topic_id = $1 AND p.deleted = FALSE ORDER BY p.number",
                &[topic.0.into()],
            )
            .await?
            .into_iter()
            .map(|r| Accepted {
                post: PostId(r.post_id),
                number: r.number,
                best: r.best,
                accepted_by: r.accepted_by,
                accepted_at: Timestamp(r.accepted_at),
            })
            .collect();
        let official = db
            .all::<PostIdRow>(
                "SELECT p.id FROM posts p JOIN members m ON m.id = p.author_id \
                 WHERE p.topic_id = $1 AND p.number > 1 AND m.role IN ('admin', 'moderator') \
                 ORDER BY p.number",
                &[topic.0.into()],
            )
            .await?
            .into_iter()
            .map(|r| PostId(r.id))
            .collect();
        let times = db
            .optional::<TimesRow>(
                "SELECT t.first_reply_at, q.first_accepted_at, q.reminded_at \
                 FROM topics t LEFT JOIN questions q ON q.topic_id = t.id WHERE t.id = $1",
                &[topic.0.into()],
            )
            .await?;
        Ok(QuestionRecord {
            accepted,
            official,
            first_answer_at: times.as_ref().and_then(|t| t.first_reply_at).map(Timestamp),
            first_accepted_at: times
                .as_ref()
                .and_then(|t| t.first_accepted_at)
                .map(Timestamp),
            reminded_at: times.as_ref().and_then(|t| t.reminded_at).map(Timestamp),
        })
    }

    async fn accept_answer(&self, a: &Acceptance) -> Result<bool, StoreError> {
        let a = a.clone();
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    // One change to a question's answers at a time: the best is chosen from
                    // what the others committed.
                    tx.lock_row(LockTable::Topics, a.topic.0).await?;
                    let inserted = tx
                        .execute(
                            "INSERT INTO accepted_answers (post_id, topic_id, best, accepted_by, accepted_at) \
                             VALUES ($1, $2, FALSE, $3, $4) ON CONFLICT (post_id) DO NOTHING",
                            &[a.post.0.into(), a.topic.0.into(), a.by.0.into(), a.at.0.into()],
                        )
                        .await?
                        > 0;
                    // Two statements, the old best cleared first: one best per question is a
                    // unique index, checked row by row.
                    let promoted = if a.best {
                        let cleared = tx
                            .execute(
                                "UPDATE accepted_answers SET best = FALSE \
                                 WHERE topic_id = $1 AND post_id <> $2 AND best",
                                &[a.topic.0.into(), a.post.0.into()],
                            )
                            .await?;
                        let set = tx
                            .execute(
                                "UPDATE accepted_answers SET best = TRUE WHERE post_id = $1 AND NOT best",
                                &[a.post.0.into()],
                            )
                            .await?;
                        cleared + set > 0
                    } else {
                        false
                    };
                    if !inserted && !promoted {
                        return Ok(false);
                    }
                    settle(tx, a.topic).await?;
                    tx.execute(
                        "INSERT INTO questions (topic_id, first_accepted_at) VALUES ($1, $2) \
                         ON CONFLICT (topic_id) DO UPDATE SET first_accepted_at = \
                         COALESCE(questions.first_accepted_at, excluded.first_accepted_at)",
                        &[a.topic.0.into(), a.at.0.into()],
                    )
                    .await?;
                    crate::audit::record(tx, &a.audit).await?;
                    crate::events::record(tx, a.at, &a.events).await?;
                    Ok(true)
                })
            })
            .await
    }

    async fn unaccept_answer(&self, a: &Acceptance) -> Result<bool, StoreError> {
        let a = a.clone();
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    tx.lock_row(LockTable::Topics, a.topic.0).await?;
                    let removed = tx
                        .execute(
                            "DELETE FROM accepted_answers WHERE post_id = $1 AND topic_id = $2",
                            &[a.post.0.into(), a.topic.0.into()],
                        )
                        .await?;
                    if removed == 0 {
                        return Ok(false);
                    }
                    settle(tx, a.topic).await?;
                    crate::audit::record(tx, &a.audit).await?;
                    crate::events::record(tx, a.at, &a.events).await?;
                    Ok(true)
                })
            })
            .await
    }

    async fn answers_waiting(
        &self,
        answered_before: Timestamp,
        limit: u32,
    ) -> Result<Vec<Waiting>, StoreError> {
        let mut db = self.pools.read().await?;
        let rows = db
            .all::<WaitingRow>(
                "SELECT t.group_id, t.id AS topic_id, t.author_id AS asker, \
                 (SELECT MIN(p.id) FROM posts p WHERE p.topic_id = t.id AND p.number > 1 \
                  AND p.author_id <> t.author_id AND p.deleted = FALSE) AS post_id \
                 FROM topics t WHERE t.kind = 'question' AND t.status = 'open' \
                 AND t.first_reply_at < $1 AND t.deleted = FALSE \
                 AND NOT EXISTS (SELECT 1 FROM questions q WHERE q.topic_id = t.id \
                                 AND q.reminded_at IS NOT NULL) \
                 AND EXISTS (SELECT 1 FROM posts p WHERE p.topic_id = t.id AND p.number > 1 \
                             AND p.author_id <> t.author_id AND p.deleted = FALSE) \
                 ORDER BY t.first_reply_at LIMIT $2",
                &[answered_before.0.into(), i64::from(limit).into()],
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| Waiting {
                group: GroupId(r.group_id),
                topic: TopicId(r.topic_id),
                post: PostId(r.post_id),
                asker: MemberId(r.asker),
            })
            .collect())
    }

    async fn remind_asker(
        &self,
        waiting: Waiting,
        at: Timestamp,
        event: &Event,
    ) -> Result<bool, StoreError> {
        let event = event.clone();
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    let marked = tx
                        .execute(
                            "INSERT INTO questions (topic_id, reminded_at) VALUES ($1, $2) \
                             ON CONFLICT (topic_id) DO UPDATE SET reminded_at = excluded.reminded_at \
                             WHERE questions.reminded_at IS NULL",
                            &[waiting.topic.0.into(), at.0.into()],
                        )
                        .await?;
                    if marked == 0 {
                        return Ok(false);
                    }
                    crate::events::record(tx, at, std::slice::from_ref(&event)).await?;
                    Ok(true)
                })
            })
            .await
    }
}

#[derive(sqlx::FromRow)]
struct AcceptanceRow {
    topic_id: i64,
    title: String,
    post_id: i64,
    best: bool,
    accepted_at: i64,
}

/// Q&A's part in a member's archive and erasure.
pub(crate) const DATA: crate::kinds::KindData = crate::kinds::KindData {
    kind: "question",
    tables: &["accepted_answers", "questions"],
    export: |db, member| {
        Box::pin(async move {
            let rows = db
                .all::<AcceptanceRow>(
                    "SELECT a.topic_id, t.title, a.post_id, a.best, a.accepted_at \
                     FROM accepted_answers a JOIN topics t ON t.id = a.topic_id \
                     WHERE a.accepted_by = $1 ORDER BY a.accepted_at, a.post_id",
                    &[member.into()],
                )
                .await?;
            crate::kinds::to_json(&agora_core::kinds::questions::MemberQuestionRecords {
                accepted: rows
                    .into_iter()
                    .map(|r| agora_core::kinds::questions::AcceptanceRecord {
                        question_id: r.topic_id,
                        question_title: r.title,
                        post_id: r.post_id,
                        best: r.best,
                        accepted_at: Timestamp(r.accepted_at),
                    })
                    .collect(),
            })
        })
    },
    // An acceptance is part of the question's state: it stays, by the anonymised account.
    erase: |_, _, _| Box::pin(async { Ok(()) }),
    header_count: None,
};
