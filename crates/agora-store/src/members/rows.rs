//! The rows `MemberStore` reads (credentials, a session with its header, a rate counter, a
//! setting) and the one query a session's page header costs.

use std::sync::LazyLock;

use crate::rows::MemberRow;

#[derive(sqlx::FromRow)]
pub(super) struct CredentialsRow {
    #[sqlx(flatten)]
    pub(super) member: MemberRow,
    pub(super) password_hash: String,
}

#[derive(sqlx::FromRow)]
pub(super) struct SessionRow {
    pub(super) id: i64,
    pub(super) username: String,
    pub(super) role: String,
    pub(super) verified: bool,
    pub(super) restriction: Option<i64>,
    pub(super) trust_level: i64,
    pub(super) last_visit_day: Option<i64>,
    pub(super) last_seen_at: i64,
    pub(super) display_name: String,
    pub(super) invitations: i64,
    pub(super) pending_documents: i64,
    /// The ids of the members the member ignores, joined by commas.
    pub(super) ignoring: Option<String>,
    #[sqlx(flatten)]
    pub(super) header_counts: HeaderCounts,
}

/// The kinds' counts for the site's header (`header_count_<n>`, in the order of
/// [`crate::kinds::header_counts`]), by kind.
pub(super) struct HeaderCounts(pub(super) Vec<(&'static str, i64)>);

macro_rules! header_counts_from {
    ($row:ty) => {
        impl<'r> sqlx::FromRow<'r, $row> for HeaderCounts {
            fn from_row(row: &'r $row) -> Result<Self, sqlx::Error> {
                use sqlx::Row;
                crate::kinds::header_counts()
                    .enumerate()
                    .map(|(n, (kind, _))| {
                        Ok((
                            kind,
                            row.try_get::<i64, _>(format!("header_count_{n}").as_str())?,
                        ))
                    })
                    .collect::<Result<_, _>>()
                    .map(Self)
            }
        }
    };
}
header_counts_from!(sqlx::sqlite::SqliteRow);
header_counts_from!(sqlx::postgres::PgRow);

/// A session's member with what a page's header shows them about themselves, in one query.
pub(super) static SESSION_SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT m.id, m.username, m.role, m.email_verified_at IS NOT NULL AS verified, \
         (SELECT CAST(MAX(CASE x.kind WHEN 'silence' THEN 1 WHEN 'warning' THEN 0 ELSE 2 END) AS BIGINT) \
          FROM sanctions x WHERE x.member_id = m.id AND x.lifted_at IS NULL AND x.starts_at <= $2 \
          AND (x.ends_at IS NULL OR x.ends_at > $2)) AS restriction, \
         m.trust_level, ma.last_visit_day, s.last_seen_at, m.display_name, \
         (SELECT COUNT(*) FROM invitations i WHERE i.invitee_id = m.id AND i.state = 'pending') AS invitations, \
         ({}) AS pending_documents, \
         (SELECT string_agg(CAST(b.other_id AS TEXT), ',') FROM member_blocks b \
          WHERE b.member_id = m.id AND b.kind = 'ignore') AS ignoring{} \
         FROM sessions s JOIN members m ON m.id = s.member_id \
         LEFT JOIN member_activity ma ON ma.member_id = m.id WHERE s.token_hash = $1 AND s.expires_at > $2",
        crate::consent::count_unaccepted_by("m.id"),
        crate::kinds::header_counts()
            .enumerate()
            .map(|(n, (_, sql))| format!(", ({sql}) AS header_count_{n}"))
            .collect::<String>()
    )
});

#[derive(sqlx::FromRow)]
pub(super) struct CounterRow {
    pub(super) hits: i64,
    pub(super) window_start: i64,
}

#[derive(sqlx::FromRow)]
pub(super) struct SettingRow {
    pub(super) key: String,
    pub(super) value: String,
}
