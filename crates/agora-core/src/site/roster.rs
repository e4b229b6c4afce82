//! The members list for managers: search, filters, sort and a spreadsheet export, with when
//! each member was last seen and how much they wrote. Admins only; the list names people, so
//! every read of it is for staff.

use crate::agora::Site;
use crate::error::{Invalid, Refused};
use crate::members::Member;
use crate::time::Timestamp;
use crate::trust::TrustLevel;
use crate::viewer::{SiteRole, Viewer};

/// Members shown per page.
pub const PAGE: u32 = 50;
/// Rows a spreadsheet export holds at most.
pub const EXPORT_LIMIT: u32 = 100_000;

/// The orders the list offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RosterSort {
    /// Newest members first.
    #[default]
    Joined,
    /// Most recently seen first; never seen last.
    LastSeen,
    /// Most posts first.
    Posts,
    /// By username, A to Z.
    Name,
}

impl RosterSort {
    pub const ALL: [(Self, &'static str, &'static str); 4] = [
        (Self::Joined, "joined", "Newest members"),
        (Self::LastSeen, "seen", "Last seen"),
        (Self::Posts, "posts", "Most posts"),
        (Self::Name, "name", "Username"),
    ];

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .find(|(_, n, _)| *n == s)
            .map(|(v, _, _)| *v)
    }

    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(v, _, _)| *v == self)
            .map_or("joined", |(_, n, _)| n)
    }
}

/// A window of days back from now, for "joined" and "last seen".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Days {
    /// Within the last N days.
    Within(i64),
    /// Not within the last N days (for last seen: including never).
    NotWithin(i64),
}

impl Days {
    /// `7`, `30`, `365` (within), `-30`, `-90` (not within).
    pub fn parse(s: &str) -> Option<Self> {
        let n: i64 = s.parse().ok()?;
        match n {
            1..=3650 => Some(Self::Within(n)),
            -3650..=-1 => Some(Self::NotWithin(-n)),
            _ => None,
        }
    }
}

/// What a manager asks of the list. Every part is optional; the text matches a username,
/// display name or address anywhere, in any case.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RosterQuery {
    pub text: Option<String>,
    pub role: Option<SiteRole>,
    pub trust: Option<TrustLevel>,
    pub joined: Option<Days>,
    pub seen: Option<Days>,
    /// At least this many posts (0: none at all is asked with `no_posts`).
    pub min_posts: Option<i64>,
    pub no_posts: bool,
    pub sort: RosterSort,
    pub offset: u32,
}

/// The query as the store runs it: the windows turned into times and days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterFilter {
    pub query: RosterQuery,
    /// Lowercased search text with `%`, `_` and `\` escaped for `LIKE … ESCAPE '\'`.
    pub like: Option<String>,
    pub now: Timestamp,
    /// Today's day number (days since 1970), as visits are kept.
    pub today: i64,
    pub limit: u32,
}

/// One row of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterRow {
    pub member: Member,
    /// The last day the member visited (days since 1970), if ever.
    pub last_seen_day: Option<i64>,
    /// Their posts (topics and replies) that are not deleted.
    pub posts: i64,
}

impl RosterRow {
    /// The day last seen, as a time (midnight UTC).
    pub fn last_seen(&self) -> Option<Timestamp> {
        self.last_seen_day
            .map(|d| Timestamp(d * 86_400 * 1_000_000))
    }
}

/// A page of the list and how many match in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Roster {
    pub rows: Vec<RosterRow>,
    pub total: i64,
}

fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

impl Site<'_> {
    /// One page of the members matching `query` (admins).
    pub async fn roster(self, viewer: &Viewer, query: RosterQuery) -> Result<Roster, Refused> {
        self.roster_rows(viewer, query, PAGE).await
    }

    /// Every member matching `query`, for a spreadsheet (admins; at most `EXPORT_LIMIT`).
    pub async fn roster_export(
        self,
        viewer: &Viewer,
        mut query: RosterQuery,
    ) -> Result<Roster, Refused> {
        query.offset = 0;
        self.roster_rows(viewer, query, EXPORT_LIMIT).await
    }

    async fn roster_rows(
        self,
        viewer: &Viewer,
        query: RosterQuery,
        limit: u32,
    ) -> Result<Roster, Refused> {
        crate::activity::require_admin(viewer)?;
        let text = query
            .text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty());
        if text.is_some_and(|t| t.chars().any(char::is_control)) {
            return Err(Invalid::new(
                "q",
                "invalid_characters",
                "Search with letters, digits and punctuation only: no control characters.",
            )
            .into());
        }
        if text.is_some_and(|t| t.chars().count() > 100) {
            return Err(Invalid::new(
                "q",
                "too_long",
                "Search for at most 100 characters of a name or address.",
            )
            .into());
        }
        let now = self.now();
        let filter = RosterFilter {
            like: text.map(escape_like),
            today: now.0.div_euclid(86_400 * 1_000_000),
            now,
            limit,
            query,
        };
        let (rows, total) = self.store.roster(&filter).await?;
        Ok(Roster { rows, total })
    }
}

/// A spreadsheet cell that no spreadsheet program runs as a formula: text starting with
/// `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading apostrophe, and every cell is
/// quoted.
pub fn csv_cell(value: &str) -> String {
    let risky = value
        .chars()
        .next()
        .is_some_and(|c| matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r'));
    let text = if risky {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    format!("\"{}\"", text.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_never_start_a_formula() {
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("+1"), "\"'+1\"");
        assert_eq!(csv_cell("-2"), "\"'-2\"");
        assert_eq!(csv_cell("@SUM(A1)"), "\"'@SUM(A1)\"");
        assert_eq!(csv_cell("\tx"), "\"'\tx\"");
        assert_eq!(csv_cell("Ana \"the\" rider"), "\"Ana \"\"the\"\" rider\"");
        assert_eq!(csv_cell(""), "\"\"");
    }

    #[test]
    fn search_text_matches_literally() {
        assert_eq!(escape_like("50%_Off\\"), "50\\%\\_off\\\\");
    }

    #[test]
    fn windows_and_sorts_parse() {
        assert_eq!(Days::parse("30"), Some(Days::Within(30)));
        assert_eq!(Days::parse("-90"), Some(Days::NotWithin(90)));
        assert_eq!(Days::parse("0"), None);
        assert_eq!(Days::parse("x"), None);
        assert_eq!(Days::parse("1 "), None);
        for (sort, name, _) in RosterSort::ALL {
            assert_eq!(RosterSort::parse(name), Some(sort));
        }
    }
}
