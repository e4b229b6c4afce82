//! Filing a complaint and confirming a guest's: each opens its case (unless it waits for the
//! confirmation), due by a date, and hides its item at once if the site hides complaints of
//! its kind.

use agora_core::audience::AudienceRef;
use agora_core::complaints::{CaseStatus, LegalCase, NewCase};
use agora_core::events::Event;
use agora_core::items::refs::{ItemKind, ItemRef, StoredRef};
use agora_core::time::Timestamp;
use agora_core::{MemberId, StoreError};

use super::{event, load};
use crate::db::{Handle, Int};
use crate::items::{Hiding, set_hidden};

#[derive(sqlx::FromRow)]
struct Pending {
    id: i64,
    item_kind: Option<String>,
    item_id: Option<i64>,
    complainant_id: Option<i64>,
    complainant_email: String,
    kind: String,
    audience_kind: Option<String>,
    audience_id: Option<i64>,
}

/// Files a complaint, inside the caller's transaction, and opens its case unless it waits for
/// the complainant's confirmation.
pub(super) async fn insert(tx: &mut Handle, c: &NewCase) -> Result<LegalCase, StoreError> {
    let status = if c.confirm_hash.is_some() {
        CaseStatus::Unconfirmed
    } else {
        CaseStatus::Open
    };
    let id = tx
        .one::<Int>(
            "INSERT INTO legal_cases (reference, item_kind, item_id, audience_kind, \
             audience_id, item_author_id, status, kind, statement, complainant_id, \
             complainant_name, complainant_email, confirm_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
            &[
                (&c.reference).into(),
                c.item.kind.as_str().into(),
                c.item.id.into(),
                c.audience.kind.as_str().into(),
                c.audience.id.into(),
                c.author.0.into(),
                status.as_str().into(),
                (&c.kind).into(),
                (&c.statement).into(),
                c.complainant.map(|m| m.0).into(),
                (&c.name).into(),
                (&c.email).into(),
                c.confirm_hash.as_deref().into(),
                c.at.0.into(),
            ],
        )
        .await?
        .0;
    event(
        tx,
        id,
        c.complainant,
        "complainant",
        "filed",
        &format!("{} complaint filed", c.kind),
        c.at,
    )
    .await?;
    if status == CaseStatus::Open {
        let item = Some(&c.item);
        let when = (c.at, c.due_at);
        let (by, audience) = (c.complainant, Some(c.audience));
        open(tx, id, item, (by, audience), when, c.hide_at_once).await?;
    }
    let case = load(tx, id).await?.ok_or(StoreError::NotFound)?;
    Ok(case)
}

/// Confirms the unconfirmed case whose link hashes to `confirm_hash`, if filed after
/// `filed_after`, and opens it, inside the caller's transaction; the case and the
/// complainant's address.
pub(super) async fn confirm(
    tx: &mut Handle,
    confirm_hash: &str,
    now: Timestamp,
    filed_after: Timestamp,
    due_at: Timestamp,
    hide_kinds: &[String],
) -> Result<Option<(LegalCase, String)>, StoreError> {
    // One statement that checks and opens: of two confirmations at once, one
    // finds the case unconfirmed.
    let Some(p) = tx
        .optional::<Pending>(
            "UPDATE legal_cases SET status = 'open', confirm_hash = NULL \
             WHERE confirm_hash = $1 AND status = 'unconfirmed' AND created_at > $2 \
             RETURNING id, item_kind, item_id, complainant_id, complainant_email, kind, \
             audience_kind, audience_id",
            &[confirm_hash.into(), filed_after.0.into()],
        )
        .await?
    else {
        return Ok(None);
    };
    event(
        tx,
        p.id,
        None,
        "complainant",
        "confirmed",
        "The complainant confirmed their address.",
        now,
    )
    .await?;
    let hide = hide_kinds.contains(&p.kind);
    let by = p.complainant_id.map(MemberId);
    let item = match (p.item_kind, p.item_id) {
        (Some(kind), Some(id)) => Some(StoredRef { kind, id }),
        _ => None,
    };
    let audience = AudienceRef::stored(p.audience_kind.as_deref(), p.audience_id);
    open(tx, p.id, item.as_ref(), (by, audience), (now, due_at), hide).await?;
    let case = load(tx, p.id).await?.ok_or(StoreError::NotFound)?;
    Ok(Some((case, p.complainant_email)))
}

/// Opens a case filed by `by` about an item in `audience`, at `at`, due at `due_at`, and
/// writes the step and the event; hides its item if `hide` (and its kind hides items), inside
/// the caller's transaction.
async fn open(
    tx: &mut Handle,
    case: i64,
    item: Option<&StoredRef>,
    (by, audience): (Option<MemberId>, Option<AudienceRef>),
    (at, due_at): (Timestamp, Timestamp),
    hide: bool,
) -> Result<(), StoreError> {
    // An item of a kind this version does not know cannot be named in an event.
    let known = item.and_then(|i| ItemKind::parse(&i.kind).map(|k| ItemRef::new(k, i.id)));
    if let Some(item) = known {
        let filed = Event::ComplaintFiled {
            case,
            item,
            by: by.map(|m| m.0),
            audience,
        };
        crate::events::record(tx, at, &[filed]).await?;
    }
    tx.execute(
        "UPDATE legal_cases SET due_at = $2 WHERE id = $1",
        &[case.into(), due_at.0.into()],
    )
    .await?;
    let note = match item {
        Some(item) if hide && hide_item(tx, case, item, by, at).await? => format!(
            "The {} is hidden pending review (the site hides complaints of this kind at once).",
            item.kind
        ),
        Some(item) => format!(
            "First in the moderators' queue; the {} stays up until they decide.",
            item.kind
        ),
        None => "First in the moderators' queue.".to_owned(),
    };
    let note = note.as_str();
    event(tx, case, None, "system", "opened", note, at).await
}

/// Hides a case's item, inside the caller's transaction, and notes that the case hid it when
/// it was shown until then (an item its author deleted, or another case hid, is not this
/// case's to show again); whether it hid it.
pub(super) async fn hide_item(
    tx: &mut Handle,
    case: i64,
    item: &StoredRef,
    by: Option<MemberId>,
    at: Timestamp,
) -> Result<bool, StoreError> {
    let hiding = Hiding {
        hidden: true,
        by,
        at,
        approved: false,
    };
    let hid = set_hidden(tx, &item.kind, item.id, hiding).await?;
    if hid {
        tx.execute(
            "UPDATE legal_cases SET hid_item = TRUE WHERE id = $1",
            &[case.into()],
        )
        .await?;
    }
    Ok(hid)
}
