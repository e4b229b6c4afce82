//! What the store knows of each kind of item beyond its reference: how a moderator's decision
//! on its reports or legal complaints hides it and shows it again, inside the decision's
//! transaction. Reports and legal cases name items by reference only (`item_kind`, `item_id`);
//! a kind listed here is hidden and shown by them, one that is not is decided and recorded with
//! no change to the item. The shared report and case code asks this list and names no kind.

use agora_core::time::Timestamp;
use agora_core::{MemberId, StoreError};

use crate::db::{Handle, Work};

/// A change of an item's visibility decided by reports or a legal case.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hiding {
    /// Hide it (`true`) or show it again.
    pub hidden: bool,
    /// Who decided (none: the system, when enough members agreed).
    pub by: Option<MemberId>,
    pub at: Timestamp,
    /// It was held by the system and a moderator approves it: it is published now, and its
    /// publication (not its restoration) is recorded.
    pub approved: bool,
}

/// One kind's part in reports and legal cases.
pub(crate) struct ItemData {
    /// The kind's word, as references name it.
    pub kind: &'static str,
    /// Inside the caller's transaction: hides or shows the item `id` as `Hiding` says, with the
    /// events that tell of it; whether it changed.
    pub set_hidden: for<'a> fn(&'a mut Handle, i64, Hiding) -> Work<'a, bool>,
    /// Inside a reaction's transaction, what else moves when the reactions on the item `$1`
    /// move by `$2` (a topic's count of its posts' reactions, which top lists rank by), as one
    /// statement updating by the delta.
    pub reacted: Option<&'static str>,
}

/// Every kind whose items reports and legal cases hide.
pub(crate) const ITEMS: &[ItemData] = &[crate::forum_items::DATA];

/// Moves what the kind of `kind` keeps of its items' reactions (`ItemData::reacted`) by
/// `delta` for the item `id`, inside the caller's transaction.
pub(crate) async fn reacted(
    tx: &mut Handle,
    kind: &str,
    id: i64,
    delta: i64,
) -> Result<(), StoreError> {
    if let Some(sql) = ITEMS
        .iter()
        .find(|d| d.kind == kind)
        .and_then(|d| d.reacted)
    {
        tx.execute(sql, &[id.into(), delta.into()]).await?;
    }
    Ok(())
}

/// Hides or shows the item of `kind` `id` inside the caller's transaction, if its kind hides
/// items; whether it changed.
pub(crate) async fn set_hidden(
    tx: &mut Handle,
    kind: &str,
    id: i64,
    hiding: Hiding,
) -> Result<bool, StoreError> {
    match ITEMS.iter().find(|d| d.kind == kind) {
        Some(data) => (data.set_hidden)(tx, id, hiding).await,
        None => Ok(false),
    }
}
