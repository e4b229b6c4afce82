//! What the suite knows of each field: a value the route accepts (so that the hostile value
//! in another field is what gets judged), and what kind of field it is, which decides what
//! the suite expects of a hostile value in it.
//!
//! A field not listed is treated as structured, the strictest kind: an endpoint added later
//! is covered at once, and if one of its fields is free text, the failure says to list it.

/// What a field holds, and so what must become of a hostile value in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Usernames, slugs, emails, choices, tokens, cursors: a hostile value is refused unless
    /// it happens to be a plain word (`0x10` is a fine username).
    Structured,
    /// Ids, counts, versions, page numbers: refused unless a plain positive integer.
    Number,
    /// true or false only.
    Bool,
    /// A list of structured words, separated by commas, spaces or lines.
    Words,
    /// Names shown as a line of text (display names, titles, group and site names, tags): may
    /// be accepted, but what is stored holds no control, invisible or direction character.
    Name,
    /// Free text (bodies, bios, reasons, passwords, search words): may be accepted; wherever
    /// it shows, it shows as text.
    Text,
}

/// A field: its name, the routes it applies to (a fragment of the route or form action;
/// empty for any), a value those routes accept (`{n}` becomes a number unique to the
/// request) and its kind.
struct Rule(&'static str, &'static str, &'static str, Kind);

const RULES: &[Rule] = &[
    Rule("username", "/register", "rider{n}", Kind::Structured),
    Rule("username", "/signup", "rider{n}", Kind::Structured),
    Rule("username", "", "ben", Kind::Structured),
    Rule(
        "email",
        "/register",
        "rider{n}@example.com",
        Kind::Structured,
    ),
    Rule("email", "/signup", "rider{n}@example.com", Kind::Structured),
    Rule("email", "", "new{n}@example.com", Kind::Structured),
    Rule("password", "", crate::support::PASSWORD, Kind::Text),
    Rule("display_name", "", "Rider Number{n}", Kind::Name),
    Rule("login", "", "ben", Kind::Text),
    Rule("token", "", "not-a-token", Kind::Text),
    Rule("name", "/idea-statuses", "new", Kind::Structured),
    Rule("label", "", "New", Kind::Name),
    Rule("set", "", "open", Kind::Structured),
    Rule("into", "", "", Kind::Number),
    Rule("action", "", "", Kind::Structured),
    Rule("name", "/site", "Voltera Riders", Kind::Name),
    Rule("name", "/admin", "Voltera Riders", Kind::Name),
    Rule("name", "", "Cargo club {n}", Kind::Name),
    Rule("slug", "", "club-{n}", Kind::Structured),
    Rule("description", "", "About cargo bikes.", Kind::Text),
    Rule("visibility", "", "public", Kind::Structured),
    Rule("title", "", "Studded tyres {n}", Kind::Name),
    Rule("body", "", "Worth it on ice?", Kind::Text),
    Rule("tags", "", "winter", Kind::Name),
    // A query parameter of the site-wide list: a tag as typed (nothing is stored).
    Rule("tag", "", "", Kind::Name),
    Rule("bio", "", "I ride all year.", Kind::Text),
    Rule("goal", "", "A place for riders.", Kind::Text),
    Rule("netiquette", "", "Be kind.", Kind::Text),
    Rule("featured_groups", "", "riders", Kind::Words),
    Rule("rules_off", "", "", Kind::Words),
    Rule("off", "/site", "", Kind::Structured),
    Rule("extra_names", "/site", "voltera", Kind::Text),
    Rule("extra_domains", "/site", "spam.example", Kind::Text),
    Rule("rules_extra_names", "", "voltera", Kind::Text),
    Rule("rules_extra_domains", "", "spam.example", Kind::Text),
    Rule("word_filters", "", "replace teh => the", Kind::Text),
    Rule("role", "", "member", Kind::Structured),
    Rule("kind", "/consents", "netiquette", Kind::Structured),
    Rule("kind", "/complaint", "defamation", Kind::Structured),
    Rule("kind", "/topics", "discussion", Kind::Structured),
    Rule("kind", "/new", "question", Kind::Structured),
    Rule("kind", "", "silence", Kind::Structured),
    Rule("days", "", "7", Kind::Number),
    Rule("version", "", "1", Kind::Number),
    Rule("reason", "/resolve", "Checked: fine.", Kind::Text),
    Rule("reason", "/legal-cases", "Reviewed: it stays.", Kind::Text),
    Rule("reason", "/admin/cases", "Reviewed: it stays.", Kind::Text),
    Rule("decision", "/legal-cases", "restore", Kind::Structured),
    Rule("decision", "/admin/cases", "restore", Kind::Structured),
    Rule("reason", "/admin/queue", "Checked: fine.", Kind::Text),
    Rule("reason", "/sanctions", "Please stay on topic.", Kind::Text),
    Rule("reason", "", "spam", Kind::Structured),
    // A bookmark's note: one line, refused with control or invisible characters.
    Rule("note", "/bookmark", "For the trip.", Kind::Name),
    Rule("note", "", "Looks like an advert.", Kind::Text),
    // A reaction: one emoji of the site's set (the like is its first) to give; any single
    // emoji (one that left the set) to take back or to list who reacted with it. Shown as text.
    Rule("emoji", "", "👍", Kind::Text),
    Rule("add", "/react", "👍", Kind::Text),
    Rule("remove", "/react", "", Kind::Text),
    // The site's set of reaction emoji, separated by spaces.
    Rule("reactions", "", "❤️ 👍 🎉", Kind::Text),
    // A bookmark's reminder: RFC 3339 in the API, a datetime-local field on the pages.
    Rule("remind_at", "", "", Kind::Structured),
    Rule("back", "/bookmark", "list", Kind::Structured),
    Rule("decision", "", "dismiss", Kind::Structured),
    Rule("message", "", "I think this was a mistake.", Kind::Text),
    Rule(
        "statement",
        "",
        "This post says untrue things about me.",
        Kind::Text,
    ),
    Rule("good_faith", "", "true", Kind::Bool),
    Rule("to_complainant", "", "false", Kind::Bool),
    Rule("subject", "/bulletins", "News number {n}", Kind::Name),
    // Private messages: a conversation's subject, whom it is to, members added to it.
    Rule("subject", "", "Winter tyres {n}", Kind::Name),
    Rule("to", "", "ben", Kind::Words),
    Rule("usernames", "", "rhea", Kind::Words),
    Rule("history", "", "false", Kind::Bool),
    Rule("moderation", "", "false", Kind::Bool),
    Rule("seq", "", "1", Kind::Number),
    Rule("level", "/trust", "3", Kind::Structured),
    Rule("email_bulletins", "", "true", Kind::Bool),
    Rule("q", "", "winter", Kind::Text),
    Rule("accept_documents", "", "true", Kind::Bool),
    Rule("remove_posts", "", "false", Kind::Bool),
    Rule("members_may_create_groups", "", "false", Kind::Bool),
    Rule("pinned", "", "false", Kind::Bool),
    Rule("locked", "", "false", Kind::Bool),
    // Query parameters: absent unless they are the field under test.
    Rule("cursor", "", "", Kind::Structured),
    Rule("sort", "", "", Kind::Structured),
    Rule("period", "", "", Kind::Structured),
    Rule("status", "", "", Kind::Structured),
    Rule("replied", "", "", Kind::Bool),
    Rule("limit", "", "", Kind::Number),
    Rule("from", "", "", Kind::Number),
    Rule("offset", "", "", Kind::Number),
    Rule("before", "", "", Kind::Number),
    Rule("page", "", "", Kind::Number),
    // The topic page leaves out a quote of a post the viewer cannot read, whatever its number.
    Rule("quote", "", "", Kind::Text),
    Rule("after", "", "", Kind::Number),
    Rule("next", "", "", Kind::Text),
    // A page ignores a notice it does not know.
    Rule("notice", "", "", Kind::Text),
    // Page forms: the honeypot stays empty; the rest keep the value the page gave them.
    Rule("website", "", "", Kind::Structured),
    // A composer's file field: in a form sent as a urlencoded body a browser sends only the
    // file's name, which the handlers ignore (files arrive as multipart, see `uploads.rs`).
    Rule("file", "", "", Kind::Text),
];

/// A field as the suite fills and judges it.
#[derive(Debug, Clone)]
pub struct Field {
    pub kind: Kind,
    /// A value the route accepts, `{n}` still in it; `None` when the suite knows none.
    pub example: Option<&'static str>,
}

/// The rule for `name` on `route` (an API route template or a form action).
pub fn field(name: &str, route: &str) -> Field {
    RULES
        .iter()
        .find(|Rule(n, within, _, _)| *n == name && route.contains(within))
        .map_or(
            Field {
                kind: Kind::Structured,
                example: None,
            },
            |Rule(_, _, example, kind)| Field {
                kind: *kind,
                example: Some(example),
            },
        )
}

/// Whether a hostile value accepted into a field of `kind` is harmless as such: a plain
/// word, address or number that merely looks odd.
pub fn plain(kind: Kind, value: &str) -> bool {
    let word = |s: &str| {
        !s.is_empty()
            && s.len() <= 64
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    };
    match kind {
        // Blank is absent: an optional field left empty.
        Kind::Structured if value.trim().is_empty() => true,
        Kind::Structured => {
            word(value)
                || value.split_once('@').is_some_and(|(local, domain)| {
                    !local.is_empty()
                        && local.bytes().all(|b| {
                            b.is_ascii_alphanumeric() || b"!#$%&'*+/=?^_`{|}~.-".contains(&b)
                        })
                        && domain.split('.').count() > 1
                        && domain.split('.').all(word)
                })
        }
        // Zero, and null (absent) in a JSON field whose schema allows it (`"level": null`
        // returns a trust level to being computed), are plain values too.
        Kind::Number => {
            value == "0"
                || value == "null"
                || (value.bytes().all(|b| b.is_ascii_digit())
                    && !value.starts_with('0')
                    && value.parse::<i64>().is_ok())
        }
        Kind::Bool => matches!(value, "true" | "false"),
        Kind::Words => value
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|w| !w.is_empty())
            .all(word),
        Kind::Name | Kind::Text => true,
    }
}

/// Characters no name may hold: controls, direction marks and overrides, and characters that
/// show nothing (zero-width, joiners, fillers, soft hyphens), with which one name passes for
/// another.
pub fn forbidden_in_names(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{AD}'
                | '\u{34F}'
                | '\u{61C}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{2069}'
                | '\u{3164}'
                | '\u{FEFF}'
                | '\u{FFA0}'
        )
}

#[test]
fn plain_values_are_words_addresses_and_positive_numbers() {
    for (kind, value, expected) in [
        (Kind::Structured, "0x10", true),
        (Kind::Structured, "NaN", true),
        (Kind::Structured, "mara+tag@example.com", true),
        (Kind::Structured, "../etc", false),
        (Kind::Structured, "a@b@c", false),
        (Kind::Structured, "mara@localhost", false),
        (Kind::Structured, "\u{430}dmin", false),
        (Kind::Number, "42", true),
        (Kind::Number, "-1", false),
        (Kind::Number, "0", true),
        (Kind::Number, "00", false),
        (Kind::Number, "99999999999999999999999", false),
        (Kind::Bool, "true", true),
        (Kind::Bool, "1", false),
    ] {
        assert_eq!(plain(kind, value), expected, "{kind:?} {value:?}");
    }
}
