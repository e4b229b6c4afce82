//! What a page shows its viewer beside items (`agora_core::reactions::shown`): the items'
//! reaction counts with the viewer's own marked, the viewer's bookmarks among them and the
//! members the viewer ignores, in one `UNION ALL` — one round trip where three were.

use agora_core::StoreError;
use agora_core::ids::MemberId;
use agora_core::items::refs::ItemRef;
use agora_core::reactions::ReactionCount;
use agora_core::reactions::shown::ShownRows;

use crate::db::{Arg, Handle};

/// One row of the union: `part` says which: `r` a count, `b` a bookmark, `i` an ignored member
/// (in `item_id`).
#[derive(sqlx::FromRow)]
struct ShownRow {
    part: String,
    item_kind: String,
    item_id: i64,
    emoji: String,
    total: i64,
    mine: bool,
}

pub(super) async fn shown(
    db: &mut Handle,
    items: &[ItemRef],
    viewer: Option<MemberId>,
) -> Result<ShownRows, StoreError> {
    // The same placeholders serve both item filters: the values are bound once.
    let (counted, refs) = crate::item_refs::matching("c", items, 2);
    let (marked, _) = crate::item_refs::matching("b", items, 2);
    let mut args: Vec<Arg<'_>> = vec![viewer.map(|m| m.0).into()];
    args.extend(refs);
    let rows = db
        .all::<ShownRow>(
            format!(
                "SELECT 'r' AS part, c.item_kind, c.item_id, c.emoji, c.total, \
                 EXISTS (SELECT 1 FROM reactions r WHERE r.item_kind = c.item_kind \
                 AND r.item_id = c.item_id AND r.emoji = c.emoji AND r.member_id = $1) AS mine \
                 FROM reaction_counts c WHERE c.total > 0 AND {counted} \
                 UNION ALL SELECT 'b', b.item_kind, b.item_id, '', CAST(0 AS BIGINT), FALSE \
                 FROM bookmarks b WHERE b.member_id = $1 AND {marked} \
                 UNION ALL SELECT 'i', '', x.other_id, '', CAST(0 AS BIGINT), FALSE \
                 FROM member_blocks x WHERE x.member_id = $1 AND x.kind = 'ignore'"
            ),
            &args,
        )
        .await?;
    let mut shown = ShownRows::default();
    for r in rows {
        match r.part.as_str() {
            "r" => {
                if let Some(item) = ItemRef::parse(&r.item_kind, r.item_id) {
                    let count = ReactionCount {
                        emoji: r.emoji,
                        count: r.total,
                        mine: r.mine,
                    };
                    shown.counts.push((item, count));
                }
            }
            "b" => shown
                .bookmarked
                .extend(ItemRef::parse(&r.item_kind, r.item_id)),
            _ => shown.ignored.push(MemberId(r.item_id)),
        }
    }
    Ok(shown)
}
