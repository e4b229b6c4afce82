//! The kinds of content that keep records of their own about a member beyond their posts
//! (an idea's votes, a question's acceptances). Each kind's module writes what its records
//! are in the member's archive and what becomes of them when the member is erased; the archive
//! and the erasure ask every kind listed here, in their own read and their own transaction.

use agora_core::StoreError;

use crate::db::{Handle, Work};

/// One kind's part in a member's archive and erasure.
pub(crate) struct KindData {
    /// The kind's name: its key under `kinds` in the archive.
    pub kind: &'static str,
    /// The member's records, as the archive shows them.
    pub export: for<'a> fn(&'a mut Handle, i64) -> Work<'a, serde_json::Value>,
    /// Inside the erasure's transaction: what the kind deletes or keeps (the account row stays,
    /// anonymised, so what is kept names "a former member"). `remove_contributions` is the
    /// member's choice to have their posts' words removed too.
    pub erase: for<'a> fn(&'a mut Handle, i64, bool) -> Work<'a, ()>,
}

/// Every kind with records of its own.
pub(crate) const KINDS: &[KindData] = &[crate::questions::DATA, crate::ideas::DATA];

/// Serialises a kind's records for the archive.
pub(crate) fn to_json<T: serde::Serialize>(records: &T) -> Result<serde_json::Value, StoreError> {
    serde_json::to_value(records).map_err(|e| StoreError::Other(e.to_string()))
}
