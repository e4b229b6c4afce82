//! Ideas' part in a member's archive and erasure: their votes (cast, and set aside by a merge)
//! and the status notes they wrote.

use agora_core::TopicId;
use agora_core::time::Timestamp;

use super::votes::{lock_ideas, recount};
use crate::db::Int;

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
    header_count: None,
};
