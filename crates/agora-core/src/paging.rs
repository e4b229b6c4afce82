//! Cursor paging: a list continues after the last item the client saw, so page 1,000 costs
//! what page 1 costs (an index seek, not an offset scan).

use base64::Engine as _;

use crate::error::Invalid;

/// Where a sorted list continues: the sort key and id of the last item already shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub key: i64,
    pub id: i64,
}

impl Cursor {
    /// The opaque string handed to clients.
    pub fn encode(self) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{}.{}", self.key, self.id))
    }

    /// Reads a cursor a client sent back.
    pub fn decode(raw: &str) -> Result<Self, Invalid> {
        let bad = || {
            Invalid::new(
                "cursor",
                "invalid_cursor",
                "This page link is not valid; start again from the first page.",
            )
        };
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(raw)
            .map_err(|_| bad())?;
        let text = String::from_utf8(bytes).map_err(|_| bad())?;
        let (key, id) = text.split_once('.').ok_or_else(bad)?;
        Ok(Self {
            key: key.parse().map_err(|_| bad())?,
            id: id.parse().map_err(|_| bad())?,
        })
    }
}

/// Where a list sorted by name continues: the name and id of the last item shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameCursor {
    pub name: String,
    pub id: i64,
}

impl NameCursor {
    /// The opaque string handed to clients.
    pub fn encode(&self) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(format!("{}.{}", self.id, self.name))
    }

    /// Reads a cursor a client sent back.
    pub fn decode(raw: &str) -> Result<Self, Invalid> {
        let bad = || {
            Invalid::new(
                "cursor",
                "invalid_cursor",
                "This page link is not valid; start again from the first page.",
            )
        };
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(raw)
            .map_err(|_| bad())?;
        let text = String::from_utf8(bytes).map_err(|_| bad())?;
        let (id, name) = text.split_once('.').ok_or_else(bad)?;
        Ok(Self {
            name: name.to_owned(),
            id: id.parse().map_err(|_| bad())?,
        })
    }
}

/// How many items a page holds: 1 to 100, 30 when not asked.
pub fn page_size(requested: Option<u32>) -> Result<u32, Invalid> {
    match requested {
        None => Ok(30),
        Some(n) if (1..=100).contains(&n) => Ok(n),
        Some(_) => Err(Invalid::new(
            "limit",
            "out_of_range",
            "A page holds 1 to 100 items.",
        )),
    }
}

/// The number of the first post to show: posts are numbered from 1, the first when not
/// asked.
pub fn post_number(requested: Option<i64>) -> Result<i64, Invalid> {
    match requested {
        None => Ok(1),
        Some(n) if n >= 1 => Ok(n),
        Some(_) => Err(Invalid::new(
            "from",
            "out_of_range",
            "Posts are numbered from 1.",
        )),
    }
}

/// One page of a list and the cursor of the next, if there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<Cursor>,
}

impl<T> Page<T> {
    /// Builds a page from `limit + 1` fetched rows: the extra row only says there is more.
    pub fn from_overfetch(mut rows: Vec<T>, limit: u32, cursor_of: impl Fn(&T) -> Cursor) -> Self {
        let limit = limit as usize;
        let more = rows.len() > limit;
        rows.truncate(limit);
        let next = if more {
            rows.last().map(cursor_of)
        } else {
            None
        };
        Self { items: rows, next }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let c = Cursor { key: -5, id: 42 };
        assert_eq!(Cursor::decode(&c.encode()), Ok(c));
        for bad in ["", "!!", "Zm9v", "MS4y.x"] {
            assert!(Cursor::decode(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn post_numbers_start_at_one() {
        // Found by the hostile-input suite: from=-1 was taken as 1.
        assert_eq!(post_number(None), Ok(1));
        assert_eq!(post_number(Some(31)), Ok(31));
        for bad in [0, -1, i64::MIN] {
            assert_eq!(
                post_number(Some(bad)).map_err(|e| e.code),
                Err("out_of_range")
            );
        }
    }

    #[test]
    fn overfetch_reports_whether_more_follow() {
        let p = Page::from_overfetch(vec![1, 2, 3], 2, |n| Cursor { key: *n, id: *n });
        assert_eq!(p.items, vec![1, 2]);
        assert_eq!(p.next, Some(Cursor { key: 2, id: 2 }));
        let p = Page::from_overfetch(vec![1, 2], 2, |n| Cursor { key: *n, id: *n });
        assert_eq!(p.next, None);
    }
}
