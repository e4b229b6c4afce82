//! A search as typed: its words and the operators that narrow it (`kind:`, `is:`, `group:`,
//! `author:`), parsed so that nothing typed reaches the database's query syntax.

use crate::error::Invalid;
use crate::forum::{TopicFilter, TopicKind};
use crate::groups::GroupSlug;
use crate::members::Username;

/// A parsed search: the words to find (at most eight, each at most 64 characters) and what
/// the operators narrow it to. It has words, or at least one operator, or both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    terms: Vec<String>,
    filter: TopicFilter,
    group: Option<String>,
    author: Option<String>,
}

/// What a search form's controls narrow a search to, as sent: each a single value, empty for
/// "any". A control overrides the same operator typed in the words.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchControls {
    /// A kind (`question`), as `kind:` takes it.
    pub kind: Option<String>,
    /// A state (`solved`, `unanswered`, `planned`), as `is:` takes it.
    pub is: Option<String>,
    /// A group's slug, as `group:` takes it.
    pub group: Option<String>,
    /// A member's username, as `author:` takes it.
    pub author: Option<String>,
}

impl SearchQuery {
    /// Longest query accepted, in characters.
    pub const MAX_LEN: usize = 200;

    /// Splits what the viewer typed into words and operators; punctuation is dropped.
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        Self::parse_with(raw, &SearchControls::default())
    }

    /// Parses what the viewer typed, then applies the form's controls.
    pub fn parse_with(raw: &str, controls: &SearchControls) -> Result<Self, Invalid> {
        if raw.chars().count() > Self::MAX_LEN {
            return Err(Invalid::new(
                "q",
                "too_long",
                format!("A search may be at most {} characters long.", Self::MAX_LEN),
            ));
        }
        let mut query = Self {
            terms: Vec::new(),
            filter: TopicFilter::default(),
            group: None,
            author: None,
        };
        let mut words = String::with_capacity(raw.len());
        for token in raw.split_whitespace() {
            match operator(token)? {
                Some(op) => query.apply(op),
                None => {
                    words.push_str(token);
                    words.push(' ');
                }
            }
        }
        let controls = [
            ("kind", &controls.kind),
            ("is", &controls.is),
            ("group", &controls.group),
            ("author", &controls.author),
        ];
        for (name, value) in controls {
            let Some(value) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) else {
                continue;
            };
            // One value per control: a space or a second colon would smuggle in more.
            let op = if value.contains(|c: char| c.is_whitespace() || c == ':') {
                None
            } else {
                operator(&format!("{name}:{value}"))
                    .map_err(|e| Invalid::new(name, e.code, e.message))?
            };
            let op = op.ok_or_else(|| {
                Invalid::new(name, "invalid_choice", "Choose one of the offered values.")
            })?;
            query.apply(op);
        }
        query.terms = words
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| w.chars().take(64).collect::<String>().to_lowercase())
            .take(8)
            .collect();
        if query.terms.is_empty() && !query.is_narrowed() {
            return Err(Invalid::new(
                "q",
                "required",
                "Type at least one word to search for, or choose a filter.",
            ));
        }
        Ok(query)
    }

    fn apply(&mut self, op: Operator) {
        match op {
            Operator::Kind(kind) => self.filter.kind = Some(kind),
            Operator::Replied(replied) => self.filter.replied = Some(replied),
            Operator::Status(status) => self.filter.status = Some(status),
            Operator::Group(slug) => self.group = Some(slug),
            Operator::Author(key) => self.author = Some(key),
        }
    }

    /// Whether any operator narrows the search.
    pub fn is_narrowed(&self) -> bool {
        self.filter != TopicFilter::default() || self.group.is_some() || self.author.is_some()
    }

    /// What the `kind:` and `is:` operators narrowed the search to.
    pub fn filter(&self) -> &TopicFilter {
        &self.filter
    }

    /// The group `group:` named (its slug), if any.
    pub fn group(&self) -> Option<&str> {
        self.group.as_deref()
    }

    /// The member `author:` named (their username, lowercase), if any.
    pub fn author(&self) -> Option<&str> {
        self.author.as_deref()
    }

    /// The query as it can be typed again: its words, then its operators.
    pub fn canonical(&self) -> String {
        let mut parts = self.terms.clone();
        parts.extend(self.operators());
        parts.join(" ")
    }

    /// The operators alone, as they can be typed (`kind:question`, `is:solved`…).
    pub fn operators(&self) -> Vec<String> {
        let mut parts = Vec::new();
        if let Some(kind) = self.filter.kind {
            parts.push(format!("kind:{}", kind.as_str()));
        }
        match self.filter.replied {
            Some(true) => parts.push("is:answered".into()),
            Some(false) => parts.push("is:unanswered".into()),
            None => {}
        }
        if let Some(status) = &self.filter.status {
            parts.push(format!("is:{status}"));
        }
        if let Some(group) = &self.group {
            parts.push(format!("group:{group}"));
        }
        if let Some(author) = &self.author {
            parts.push(format!("author:{author}"));
        }
        parts
    }

    /// The `is:` state the search is narrowed to (`solved`, `unanswered`), if any; a status
    /// wins over replied when both were given.
    pub fn state(&self) -> Option<String> {
        self.filter.status.clone().or(match self.filter.replied {
            Some(true) => Some("answered".into()),
            Some(false) => Some("unanswered".into()),
            None => None,
        })
    }

    /// The words, lowercase, letters and digits only; empty when only operators were given.
    pub fn terms(&self) -> &[String] {
        &self.terms
    }
}

/// The states `is:` takes that every kind shares, then each kind's own, as (value, label),
/// in the order a form offers them.
pub fn states() -> Vec<(String, String)> {
    let mut states = vec![
        ("unanswered".to_owned(), "No replies yet".to_owned()),
        ("answered".to_owned(), "Replied to".to_owned()),
    ];
    for k in crate::kinds::topic_kinds() {
        let kind = k.kind.as_str();
        let first = std::iter::once((k.initial_status, k.badge));
        for (status, label) in first.chain(k.badges.iter().copied()) {
            if states.iter().all(|(s, _)| s != status) {
                states.push((status.to_owned(), format!("{label} ({kind})")));
            }
        }
    }
    states
}

enum Operator {
    Kind(TopicKind),
    Replied(bool),
    Status(String),
    Group(String),
    Author(String),
}

/// `kind:question`, `is:unanswered` (no replies yet), `is:answered`, `is:solved`, `is:open`,
/// any other `is:STATUS` a kind gives its topics, `group:SLUG` or `author:USERNAME`; `None`
/// for an ordinary word.
fn operator(token: &str) -> Result<Option<Operator>, Invalid> {
    let lower = token.to_lowercase();
    if let Some(name) = lower.strip_prefix("kind:") {
        return TopicKind::from_name(name)
            .map(|k| Some(Operator::Kind(k)))
            .ok_or_else(|| {
                Invalid::new(
                    "q",
                    "invalid_choice",
                    format!(
                        "kind:{name} is no kind of topic; try {}.",
                        crate::kinds::open_names("kind:")
                    ),
                )
            });
    }
    if let Some(slug) = lower.strip_prefix("group:") {
        return GroupSlug::parse(slug)
            .map(|s| Some(Operator::Group(s.as_str().to_owned())))
            .map_err(|_| {
                Invalid::new(
                    "q",
                    "invalid_format",
                    "After group: name a group by its short name, as in its address.",
                )
            });
    }
    if let Some(name) = lower.strip_prefix("author:") {
        return Username::parse(name)
            .map(|u| Some(Operator::Author(u.canonical())))
            .map_err(|_| {
                Invalid::new(
                    "q",
                    "invalid_format",
                    "After author: name a member by their username.",
                )
            });
    }
    let Some(status) = lower.strip_prefix("is:") else {
        return Ok(None);
    };
    Ok(Some(match status {
        "unanswered" => Operator::Replied(false),
        "answered" => Operator::Replied(true),
        s if crate::forum::model::is_status_name(s) => Operator::Status(s.to_owned()),
        _ => {
            return Err(Invalid::new(
                "q",
                "invalid_choice",
                "After is: name a state, such as is:solved or is:unanswered.",
            ));
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(raw: &str) -> SearchQuery {
        SearchQuery::parse(raw).unwrap_or_else(|e| panic!("{raw}: {e:?}"))
    }

    #[test]
    fn queries_keep_only_words() {
        let q = SearchQuery::parse("Battery \"range\" OR NEAR(winter*) -- ;").map(|q| q.terms);
        assert_eq!(
            q,
            Ok(vec![
                "battery".into(),
                "range".into(),
                "or".into(),
                "near".into(),
                "winter".into()
            ])
        );
        assert!(SearchQuery::parse(" *** ").is_err());
        assert!(SearchQuery::parse("").is_err());
        assert!(SearchQuery::parse(&"a".repeat(201)).is_err());
    }

    #[test]
    fn operators_narrow_and_are_not_searched_for() {
        let q = parsed("battery IS:Solved kind:question");
        assert_eq!(q.terms(), ["battery"]);
        assert_eq!(q.filter().status.as_deref(), Some("solved"));
        assert_eq!(q.filter().kind, Some(crate::kinds::questions::QUESTION));
        assert_eq!(q.canonical(), "battery kind:question is:solved");
        let q = parsed("is:unanswered range");
        assert_eq!(q.filter().replied, Some(false));
        assert_eq!(q.state().as_deref(), Some("unanswered"));
        let q = parsed("group:Rides author:Frida_K tyres");
        assert_eq!((q.group(), q.author()), (Some("rides"), Some("frida_k")));
        assert_eq!(q.canonical(), "tyres group:rides author:frida_k");
        assert!(SearchQuery::parse("kind:spaceship x").is_err());
        assert!(SearchQuery::parse("is:'; x").is_err());
        assert!(SearchQuery::parse("group:'; x").is_err());
        assert!(SearchQuery::parse("author:a x").is_err());
    }

    #[test]
    fn operators_alone_are_a_search() {
        for raw in [
            "is:solved",
            "kind:question",
            "is:planned",
            "group:rides",
            "author:mara",
        ] {
            let q = parsed(raw);
            assert!(q.terms().is_empty() && q.is_narrowed(), "{raw}");
            assert_eq!(q.canonical(), raw);
        }
    }

    #[test]
    fn controls_narrow_like_operators_and_override_them() {
        let controls = SearchControls {
            kind: Some("question".into()),
            is: Some("solved".into()),
            group: Some(String::new()),
            author: None,
        };
        let q = SearchQuery::parse_with("brakes is:open", &controls)
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(q.canonical(), "brakes kind:question is:solved");
        let q = SearchQuery::parse_with("", &controls).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(q.canonical(), "kind:question is:solved");
        for bad in ["solved extra", "solved:x", "'; DROP", "<b>"] {
            let controls = SearchControls {
                is: Some(bad.into()),
                ..SearchControls::default()
            };
            let e = SearchQuery::parse_with("x", &controls).map(|q| q.canonical());
            assert_eq!(e.map_err(|e| e.field), Err("is"), "{bad}");
        }
        let controls = SearchControls {
            group: Some("a b".into()),
            ..SearchControls::default()
        };
        assert!(SearchQuery::parse_with("x", &controls).is_err());
    }

    #[test]
    fn the_offered_states_are_each_a_state_is_takes() {
        let states = states();
        assert!(states.iter().any(|(s, _)| s == "solved"));
        assert!(states.iter().any(|(s, _)| s == "planned"));
        for (state, _) in states {
            assert!(parsed(&format!("is:{state}")).state() == Some(state.clone()));
        }
    }
}
