//! Item references as the tables of the services on items store them: two columns,
//! `item_kind` (the kind's word) and `item_id`, matched for a list of references in one
//! statement.

use agora_core::items::refs::{ItemKind, ItemRef};

use crate::db::Arg;

/// `(A.item_kind = $n AND A.item_id IN ($n+1, …)) OR …` for `items`, grouped by kind, with
/// placeholders from `$first` on, and the values to bind; `FALSE` for no items.
pub(crate) fn matching(
    alias: &str,
    items: &[ItemRef],
    first: usize,
) -> (String, Vec<Arg<'static>>) {
    let mut kinds: Vec<ItemKind> = items.iter().map(|i| i.kind).collect();
    kinds.sort_unstable();
    kinds.dedup();
    let mut args: Vec<Arg<'static>> = Vec::new();
    let mut terms = Vec::new();
    for kind in kinds {
        args.push(kind.as_str().into());
        let kind_at = first + args.len() - 1;
        let mut ids = Vec::new();
        for item in items.iter().filter(|i| i.kind == kind) {
            args.push(item.id.into());
            ids.push(format!("${}", first + args.len() - 1));
        }
        terms.push(format!(
            "({alias}.item_kind = ${kind_at} AND {alias}.item_id IN ({}))",
            ids.join(", ")
        ));
    }
    if terms.is_empty() {
        return ("FALSE".to_owned(), args);
    }
    (format!("({})", terms.join(" OR ")), args)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_matched_per_kind_with_numbered_placeholders() {
        let post = |id| ItemRef::parse("post", id).unwrap_or_else(|| panic!("no post kind"));
        let (sql, args) = matching("r", &[post(4), post(9)], 2);
        assert_eq!(sql, "((r.item_kind = $2 AND r.item_id IN ($3, $4)))");
        assert_eq!(args.len(), 3);
        assert_eq!(matching("r", &[], 1).0, "FALSE");
    }
}
