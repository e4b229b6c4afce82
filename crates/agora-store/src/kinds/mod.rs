//! The kinds of content with tables of their own (an idea's votes, a question's acceptances,
//! conversations): each kind's store lives in a folder here, registered with one line in
//! [`kinds!`], and implements its kind's store trait from `agora-core`. Each declares its tables (the copy between databases and the backup
//! read them), what its records about a member are in the member's archive, and what becomes
//! of them when the member is erased; the copy, the archive and the erasure ask every kind
//! listed here, and none of them names a kind.

use agora_core::StoreError;

use crate::db::{Handle, Work};

/// One kind's part in a member's archive and erasure.
pub(crate) struct KindData {
    /// The kind's name: its key under `kinds` in the archive.
    pub kind: &'static str,
    /// Its tables, parents before the tables that refer to them (they may refer to members,
    /// groups, topics and posts).
    pub tables: &'static [&'static str],
    /// The member's records, as the archive shows them.
    pub export: for<'a> fn(&'a mut Handle, i64) -> Work<'a, serde_json::Value>,
    /// Inside the erasure's transaction: what the kind deletes or keeps (the account row stays,
    /// anonymised, so what is kept names "a former member"). `remove_contributions` is the
    /// member's choice to have their posts' words removed too.
    pub erase: for<'a> fn(&'a mut Handle, i64, bool) -> Work<'a, ()>,
    /// What the member has waiting at the kind's link in the site's header (unread
    /// conversations): a scalar SQL subquery over the member `m.id`, read inside the one query
    /// a session's page header costs (`members/rows.rs`), so a count costs no round trip.
    pub header_count: Option<&'static str>,
}

/// The kinds that count something for the site's header, with their subqueries, in the
/// order of the registry: the session's query selects each as `header_count_<n>`.
pub(crate) fn header_counts() -> impl Iterator<Item = (&'static str, &'static str)> {
    KINDS
        .iter()
        .filter_map(|k| k.header_count.map(|sql| (k.kind, sql)))
}

/// Declares the kinds' stores: for each, its folder (`mod`) and its records' part in the copy,
/// the archive and the erasure (the folder's `DATA`). One line per kind.
macro_rules! kinds {
    ($($kind:ident,)*) => {
        $(mod $kind;)*

        /// Every kind with records of its own, and the services on items (reactions,
        /// bookmarks), whose records take part in the copy, the archive and the erasure alike.
        pub(crate) const KINDS: &[KindData] =
            &[$($kind::DATA,)* crate::reactions::DATA, crate::bookmarks::DATA];
    };
}

kinds! {
    questions,
    ideas,
    messages,
}

/// Serialises a kind's records for the archive.
pub(crate) fn to_json<T: serde::Serialize>(records: &T) -> Result<serde_json::Value, StoreError> {
    serde_json::to_value(records).map_err(|e| StoreError::Other(e.to_string()))
}
