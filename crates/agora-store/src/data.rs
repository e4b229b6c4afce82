//! `MemberDataStore`: a member's archive, and erasure in one transaction.

use async_trait::async_trait;

use agora_core::audit::NewAuditEntry;
use agora_core::events::Event;
use agora_core::members::data::{
    AccountRecord, ComplaintRecord, FORMER_MEMBER, FlagRecord, InvitationRecord, MemberArchive,
    MembershipRecord, PostRecord, ReadingRecord, RequestRecord, SessionRecord, erased_username,
};
use agora_core::store::MemberDataStore;
use agora_core::time::Timestamp;
use agora_core::{MemberId, StoreError};

use crate::SqlStore;
use crate::db::{Backend, Int};
use crate::rows::{MEMBER_COLUMNS, MemberRow};

#[derive(sqlx::FromRow)]
struct SessionRow {
    kind: String,
    created_at: i64,
    last_seen_at: i64,
    expires_at: i64,
}

#[derive(sqlx::FromRow)]
struct GroupStateRow {
    slug: String,
    state: String,
    at: i64,
}

#[derive(sqlx::FromRow)]
struct PostRow {
    id: i64,
    slug: String,
    topic_id: i64,
    title: String,
    number: i64,
    body_markdown: String,
    created_at: i64,
    edited_at: Option<i64>,
    deleted: bool,
}

#[derive(sqlx::FromRow)]
struct ReadingRow {
    topic_id: i64,
    last_number: i64,
    first_read_at: i64,
    last_read_at: i64,
}

#[derive(sqlx::FromRow)]
struct ComplaintRow {
    reference: String,
    kind: String,
    status: String,
    statement: String,
    created_at: i64,
}

#[derive(sqlx::FromRow)]
struct FlagRow {
    target: String,
    reason: String,
    note: String,
    created_at: i64,
    resolution: Option<String>,
}

#[async_trait]
impl MemberDataStore for SqlStore {
    async fn member_archive(
        &self,
        member: MemberId,
        now: Timestamp,
    ) -> Result<MemberArchive, StoreError> {
        let mut db = self.pools.read().await?;
        let id = member.0;
        let m: agora_core::members::Member = db
            .one::<MemberRow>(
                format!("SELECT {MEMBER_COLUMNS} FROM members m WHERE m.id = $1"),
                &[id.into()],
            )
            .await?
            .into();
        let sessions = db
            .all::<SessionRow>(
                "SELECT kind, created_at, last_seen_at, expires_at FROM sessions WHERE member_id = $1 ORDER BY created_at",
                &[id.into()],
            )
            .await?;
        let groups = db
            .all::<GroupStateRow>(
                "SELECT g.slug, gm.role AS state, gm.joined_at AS at FROM group_members gm \
                 JOIN groups g ON g.id = gm.group_id WHERE gm.member_id = $1 ORDER BY gm.joined_at",
                &[id.into()],
            )
            .await?;
        let requests = db
            .all::<GroupStateRow>(
                "SELECT g.slug, r.state, r.created_at AS at FROM join_requests r \
                 JOIN groups g ON g.id = r.group_id WHERE r.member_id = $1 ORDER BY r.created_at",
                &[id.into()],
            )
            .await?;
        let invitations = db
            .all::<GroupStateRow>(
                "SELECT g.slug, i.state, i.created_at AS at FROM invitations i \
                 JOIN groups g ON g.id = i.group_id WHERE i.invitee_id = $1 ORDER BY i.created_at",
                &[id.into()],
            )
            .await?;
        let posts = db
            .all::<PostRow>(
                "SELECT p.id, g.slug, t.id AS topic_id, t.title, p.number, p.body_markdown, p.created_at, \
                 p.edited_at, p.deleted FROM posts p JOIN topics t ON t.id = p.topic_id \
                 JOIN groups g ON g.id = p.group_id WHERE p.author_id = $1 ORDER BY p.id",
                &[id.into()],
            )
            .await?;
        let reading = db
            .all::<ReadingRow>(
                "SELECT topic_id, last_number, first_read_at, last_read_at FROM topic_reads \
                 WHERE member_id = $1 ORDER BY first_read_at",
                &[id.into()],
            )
            .await?;
        let flags = db
            .all::<FlagRow>(
                "SELECT CASE WHEN f.item_kind IS NOT NULL THEN f.item_kind || ':' || CAST(f.item_id AS TEXT) \
                 ELSE 'member:' || m.username END AS target, f.reason, f.note, f.created_at, f.resolution \
                 FROM reports f LEFT JOIN members m ON m.id = f.member_id \
                 WHERE f.by_id = $1 AND f.source = 'member' ORDER BY f.created_at, f.id",
                &[id.into()],
            )
            .await?;
        let complaints = db
            .all::<ComplaintRow>(
                "SELECT reference, kind, status, statement, created_at FROM legal_cases \
                 WHERE complainant_id = $1 ORDER BY id",
                &[id.into()],
            )
            .await?;
        let mut kinds = std::collections::BTreeMap::new();
        for k in crate::kinds::KINDS {
            kinds.insert(k.kind.to_owned(), (k.export)(&mut db, id).await?);
        }
        Ok(MemberArchive {
            exported_at: now,
            kinds,
            complaints: complaints
                .into_iter()
                .map(|c| ComplaintRecord {
                    reference: c.reference,
                    kind: c.kind,
                    status: c.status,
                    statement: c.statement,
                    created_at: Timestamp(c.created_at),
                })
                .collect(),
            trust: None,
            sanctions: Vec::new(),
            reading: reading
                .into_iter()
                .map(|r| ReadingRecord {
                    topic_id: r.topic_id,
                    last_post_number_read: r.last_number,
                    first_read_at: Timestamp(r.first_read_at),
                    last_read_at: Timestamp(r.last_read_at),
                })
                .collect(),
            flags: flags
                .into_iter()
                .map(|f| FlagRecord {
                    target: f.target,
                    reason: f.reason,
                    note: f.note,
                    created_at: Timestamp(f.created_at),
                    resolution: f.resolution,
                })
                .collect(),
            account: AccountRecord {
                username: m.username,
                display_name: m.display_name,
                email: m.email,
                email_verified: m.email_verified,
                bio: m.bio,
                role: m.role.as_str().to_owned(),
                created_at: m.created_at,
            },
            sessions: sessions
                .into_iter()
                .map(|s| SessionRecord {
                    kind: s.kind,
                    created_at: Timestamp(s.created_at),
                    last_seen_at: Timestamp(s.last_seen_at),
                    expires_at: Timestamp(s.expires_at),
                })
                .collect(),
            groups: groups
                .into_iter()
                .map(|g| MembershipRecord {
                    group: g.slug,
                    role: g.state,
                    joined_at: Timestamp(g.at),
                })
                .collect(),
            join_requests: requests
                .into_iter()
                .map(|g| RequestRecord {
                    group: g.slug,
                    state: g.state,
                    created_at: Timestamp(g.at),
                })
                .collect(),
            invitations: invitations
                .into_iter()
                .map(|g| InvitationRecord {
                    group: g.slug,
                    state: g.state,
                    created_at: Timestamp(g.at),
                })
                .collect(),
            posts: posts
                .into_iter()
                .map(|p| PostRecord {
                    id: p.id,
                    group: p.slug,
                    topic_id: p.topic_id,
                    topic_title: p.title,
                    number: p.number,
                    body_markdown: p.body_markdown,
                    created_at: Timestamp(p.created_at),
                    edited_at: p.edited_at.map(Timestamp),
                    deleted: p.deleted,
                })
                .collect(),
            consents: Vec::new(),
            media: Vec::new(),
        })
    }

    async fn erase_member(
        &self,
        member: MemberId,
        remove_posts: bool,
        at: Timestamp,
        audit: &[NewAuditEntry],
    ) -> Result<(), StoreError> {
        let audit = audit.to_vec();
        self.pools
            .write(move |tx| {
                Box::pin(async move {
                    let id = member.0;
                    let name = erased_username(member);
                    let email = format!("{name}@erased.invalid");
                    // Each membership this transaction removes takes one off its group's
                    // count; one a concurrent leave removed first is not counted twice.
                    let left = tx
                        .all::<Int>(
                            "DELETE FROM group_members WHERE member_id = $1 RETURNING group_id",
                            &[id.into()],
                        )
                        .await?;
                    for group in left {
                        tx.execute(
                            "UPDATE groups SET member_count = member_count - 1 WHERE id = $1",
                            &[group.0.into()],
                        )
                        .await?;
                    }
                    for sql in [
                        "DELETE FROM join_requests WHERE member_id = $1",
                        "DELETE FROM invitations WHERE invitee_id = $1",
                        "DELETE FROM sessions WHERE member_id = $1",
                        "DELETE FROM email_tokens WHERE member_id = $1",
                        "DELETE FROM member_activity WHERE member_id = $1",
                        "DELETE FROM topic_reads WHERE member_id = $1",
                        "DELETE FROM reports WHERE by_id = $1 OR member_id = $1",
                        // The avatar goes; images in posts go with the posts (below) or stay
                        // with them, no longer linked to the account.
                        "DELETE FROM media WHERE owner_id = $1 AND purpose = 'avatar'",
                        // A legal case is a record the community may need to defend itself: it stays,
                        // no longer linked to the account.
                        "UPDATE legal_cases SET complainant_id = NULL WHERE complainant_id = $1",
                    ] {
                        tx.execute(sql, &[id.into()]).await?;
                    }
                    for k in crate::kinds::KINDS {
                        (k.erase)(tx, id, remove_posts).await?;
                    }
                    if remove_posts {
                        // The member's posts are locked before they are counted, so a
                        // moderator deleting one of them meanwhile is counted once.
                        if tx.backend() == Backend::Postgres {
                            tx.execute(
                                "SELECT id FROM posts WHERE author_id = $1 ORDER BY id FOR UPDATE",
                                &[id.into()],
                            )
                            .await?;
                        }
                        let unindex = match tx.backend() {
                            Backend::Sqlite => {
                                "DELETE FROM post_search WHERE rowid IN (SELECT id FROM posts WHERE author_id = $1)"
                            }
                            Backend::Postgres => {
                                "DELETE FROM post_search WHERE post_id IN (SELECT id FROM posts WHERE author_id = $1)"
                            }
                        };
                        tx.execute(unindex, &[id.into()]).await?;
                        tx.execute(
                            "DELETE FROM post_revisions WHERE post_id IN (SELECT id FROM posts WHERE author_id = $1)",
                            &[id.into()],
                        )
                        .await?;
                        // Replies keep their place in a thread (numbering stays stable) but lose their
                        // words; an opening post takes its topic out of view, as a deletion does.
                        tx.execute(
                            "UPDATE topics SET reply_count = reply_count - (SELECT COUNT(*) FROM posts p \
                             WHERE p.topic_id = topics.id AND p.author_id = $1 AND p.number > 1 AND p.deleted = FALSE) \
                             WHERE id IN (SELECT topic_id FROM posts WHERE author_id = $1 AND number > 1 AND deleted = FALSE)",
                            &[id.into()],
                        )
                        .await?;
                        tx.execute(
                            "UPDATE groups SET topic_count = topic_count - (SELECT COUNT(*) FROM topics t \
                             JOIN posts p ON p.topic_id = t.id WHERE t.group_id = groups.id AND p.author_id = $1 \
                             AND p.number = 1 AND t.deleted = FALSE) \
                             WHERE id IN (SELECT group_id FROM posts WHERE author_id = $1 AND number = 1)",
                            &[id.into()],
                        )
                        .await?;
                        tx.execute(
                            "UPDATE topics SET deleted = TRUE, title = '[removed]', slug = 'removed' WHERE id IN \
                             (SELECT topic_id FROM posts WHERE author_id = $1 AND number = 1)",
                            &[id.into()],
                        )
                        .await?;
                        tx.execute(
                            "UPDATE posts SET body_markdown = '', body_html = '', deleted = TRUE, \
                             deleted_at = COALESCE(deleted_at, $2) WHERE author_id = $1",
                            &[id.into(), at.0.into()],
                        )
                        .await?;
                        tx.execute("DELETE FROM media WHERE owner_id = $1", &[id.into()])
                            .await?;
                    } else {
                        tx.execute(
                            "UPDATE media SET owner_id = NULL WHERE owner_id = $1",
                            &[id.into()],
                        )
                        .await?;
                    }
                    tx.execute(
                        "UPDATE members SET username = $2, username_key = $2, email = $3, display_name = $4, \
                         bio = '', password_hash = '!', role = 'member', email_verified_at = NULL, updated_at = $5, \
                         trust_level = 0, trust_earned = 0, trust_locked = NULL \
                         WHERE id = $1",
                        &[id.into(), (&name).into(), (&email).into(), FORMER_MEMBER.into(), at.0.into()],
                    )
                    .await?;
                    crate::audit::record(tx, &audit).await?;
                    let erased = Event::MemberChanged {
                        member: id,
                        by: crate::events::actor(&audit).or(Some(id)),
                    };
                    crate::events::record(tx, at, &[erased]).await?;
                    Ok(())
                })
            })
            .await
    }
}
