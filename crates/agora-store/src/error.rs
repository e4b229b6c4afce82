//! The one conversion from sqlx's errors to the core's `StoreError`.

use agora_core::StoreError;

/// Maps a sqlx error: constraint violations become `Conflict` naming the constraint the same
/// way on both databases (`table_column`, see `constraint_name`), lost connections
/// `Unavailable`.
pub fn from_sqlx(e: sqlx::Error) -> StoreError {
    match e {
        sqlx::Error::RowNotFound => StoreError::NotFound,
        sqlx::Error::Database(db) => {
            let unique_or_fk = db.is_unique_violation() || db.is_foreign_key_violation();
            if unique_or_fk {
                let constraint = constraint_name(db.constraint(), db.message());
                StoreError::Conflict { constraint }
            } else {
                StoreError::Other(db.to_string())
            }
        }
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
            StoreError::Unavailable(e.to_string())
        }
        other => StoreError::Other(other.to_string()),
    }
}

/// One name for a violated constraint on both databases: PostgreSQL names a column's unique
/// index `groups_slug` (a column's own constraint `…_key`) and SQLite reports `UNIQUE
/// constraint failed: groups.slug`; both become `groups_slug`, and `members.username_key` (a
/// generated key column) `members_username`.
fn constraint_name(constraint: Option<&str>, message: &str) -> String {
    let name = match (constraint, message.split_once("constraint failed: ")) {
        (Some(name), _) => name.to_owned(),
        (None, Some((_, columns))) => columns
            .split(", ")
            .next()
            .unwrap_or(columns)
            .replace('.', "_"),
        (None, None) => message.to_owned(),
    };
    match name.strip_suffix("_key") {
        Some(short) => short.to_owned(),
        None => name,
    }
}

#[cfg(test)]
mod tests {
    use super::constraint_name;

    #[test]
    fn a_constraint_has_one_name_on_both_databases() {
        assert_eq!(constraint_name(Some("groups_slug_key"), ""), "groups_slug");
        assert_eq!(
            constraint_name(None, "UNIQUE constraint failed: groups.slug"),
            "groups_slug"
        );
        assert_eq!(
            constraint_name(
                None,
                "UNIQUE constraint failed: reports.post_id, reports.by_id"
            ),
            "reports_post_id"
        );
        assert_eq!(
            constraint_name(None, "UNIQUE constraint failed: members.username_key"),
            "members_username"
        );
        assert_eq!(constraint_name(Some("members_email"), ""), "members_email");
    }
}
