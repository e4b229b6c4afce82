//! Plausibility checks on a registration: the fake names, keyboard mash, addresses and URLs
//! posing as names, and throwaway mail domains that community managers keep meeting ("numerous
//! Donald Ducks and Mickey Mouses"). Each check is a rule with a code; admins can switch rules
//! off and add names and domains in the site settings. Errors are polite and say what to do.

use std::collections::HashSet;
use std::sync::LazyLock;

use crate::error::Invalid;

/// Every rule: its code and what it catches, for the admin page.
pub const RULES: [(&str, &str); 6] = [
    (
        "fake_name",
        "placeholder and famous names (Donald Duck, test test, John Doe)",
    ),
    ("keyboard_mash", "random keys (asdfgh, qwertz, xkcdvbn)"),
    ("name_is_email", "an email address as the display name"),
    ("name_is_url", "a web address as the display name"),
    ("disposable_email", "throwaway mail domains"),
    (
        "registration_burst",
        "more new accounts from one network address within ten minutes than the number set below",
    ),
];

/// New accounts one network address may open within ten minutes unless the site sets another
/// number (`registration_burst_per_10_min`).
pub const DEFAULT_BURST_PER_10_MIN: i64 = 3;

static FAKE_NAMES: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| entries(include_str!("data/fake_names.txt")).collect());
static DISPOSABLE: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| entries(include_str!("data/disposable_domains.txt")).collect());

fn entries(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// The site's choices about the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSettings {
    /// Codes of rules switched off.
    pub off: Vec<String>,
    /// More names to refuse (lowercase, words separated by spaces).
    pub extra_names: Vec<String>,
    /// More mail domains to refuse.
    pub extra_domains: Vec<String>,
    /// New accounts one network address may open within ten minutes (rule
    /// `registration_burst`).
    pub burst_per_10_min: i64,
}

impl Default for RuleSettings {
    fn default() -> Self {
        Self {
            off: Vec::new(),
            extra_names: Vec::new(),
            extra_domains: Vec::new(),
            burst_per_10_min: DEFAULT_BURST_PER_10_MIN,
        }
    }
}

impl RuleSettings {
    /// Whether the rule `code` is on.
    pub fn on(&self, code: &str) -> bool {
        !self.off.iter().any(|o| o == code)
    }
}

/// Checks a registration. `display_name` is what was typed (possibly empty).
pub fn check(
    username: &str,
    display_name: &str,
    email: &str,
    rules: &RuleSettings,
) -> Result<(), Invalid> {
    let display = display_name.trim();
    if rules.on("name_is_email") && looks_like_email(display) {
        return Err(Invalid::new(
            "display_name",
            "name_is_email",
            "Please don't use an email address as your display name: every member would see it.",
        ));
    }
    if rules.on("name_is_url") && looks_like_url(display) {
        return Err(Invalid::new(
            "display_name",
            "name_is_url",
            "A display name can't be a web address. Use the name you'd like members to know you by.",
        ));
    }
    if rules.on("fake_name") {
        if !display.is_empty() && is_fake(&normalise(display), true, rules) {
            return Err(Invalid::new(
                "display_name",
                "fake_name",
                "That looks like a placeholder name. Please use the name you'd like other members to know you by.",
            ));
        }
        if is_fake(&normalise(username), false, rules) {
            return Err(Invalid::new(
                "username",
                "fake_name",
                "That looks like a placeholder name. Please choose a username of your own.",
            ));
        }
    }
    if rules.on("keyboard_mash") {
        if is_mash(username) {
            return Err(Invalid::new(
                "username",
                "keyboard_mash",
                "That username looks like random keys. Please choose one people can read.",
            ));
        }
        if is_mash(display) {
            return Err(Invalid::new(
                "display_name",
                "keyboard_mash",
                "That name looks like random keys. Please use the name you'd like members to know you by.",
            ));
        }
    }
    if rules.on("disposable_email") && is_disposable(email, rules) {
        return Err(Invalid::new(
            "email",
            "disposable_email",
            "Addresses from throwaway mail services can't be used here. Please use an address you'll keep, so you can always recover your account.",
        ));
    }
    Ok(())
}

/// Lowercase words separated by single spaces; `_`, `-`, `.` and digits count as spaces.
fn normalise(s: &str) -> String {
    s.to_lowercase()
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A name on the list. Single words ("admin", "test") count only for display names when
/// `single_words` is set: as usernames they are ordinary handles.
fn is_fake(normalised: &str, single_words: bool, rules: &RuleSettings) -> bool {
    if normalised.is_empty() {
        return false;
    }
    let listed = |n: &str| FAKE_NAMES.contains(n) || rules.extra_names.iter().any(|e| e == n);
    if !single_words && !normalised.contains(' ') {
        return rules.extra_names.iter().any(|e| e == normalised);
    }
    if listed(normalised) {
        return true;
    }
    // "Donald Duck 1987", "Mr Mickey Mouse": any two neighbouring words that are a listed name.
    let words: Vec<&str> = normalised.split(' ').collect();
    words
        .windows(2)
        .any(|w| listed(&format!("{} {}", w[0], w[1])))
}

fn looks_like_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => !local.trim().is_empty() && domain.contains('.'),
        None => false,
    }
}

fn looks_like_url(s: &str) -> bool {
    let lower = s.to_lowercase();
    if lower.contains("://") || lower.starts_with("www.") || lower.contains(" www.") {
        return true;
    }
    // A single token with a dot and a known-looking top-level domain: "cheap-pills.biz".
    const TLDS: [&str; 16] = [
        "com", "net", "org", "biz", "info", "io", "ru", "cn", "xyz", "top", "online", "site",
        "shop", "club", "de", "co",
    ];
    !lower.contains(' ')
        && lower
            .rsplit_once('.')
            .is_some_and(|(head, tld)| !head.is_empty() && TLDS.contains(&tld))
}

const ROWS: [&str; 4] = ["qwertyuiop", "asdfghjkl", "zxcvbnm", "qwertzuiop"];

/// Random keys: a word that is a run along a keyboard row ("asdf"), a run of five neighbours
/// inside a word ("xqwerty"), one letter four times, a short pattern repeated, or a long word
/// without vowels. Four-key runs inside words are allowed: "liberty" holds "erty".
fn is_mash(s: &str) -> bool {
    let lower = s.to_lowercase();
    for word in lower
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| w.len() >= 4)
    {
        let chars: Vec<char> = word.chars().collect();
        let whole_run =
            |row: &str| row.contains(word) || row.chars().rev().collect::<String>().contains(word);
        if ROWS.iter().any(|row| whole_run(row)) {
            return true;
        }
        for row in ROWS {
            let rev: String = row.chars().rev().collect();
            if chars.windows(5).any(|w| {
                let piece: String = w.iter().collect();
                row.contains(&piece) || rev.contains(&piece)
            }) {
                return true;
            }
        }
        if chars.windows(4).any(|w| w.iter().all(|c| *c == w[0])) {
            return true;
        }
        for len in 1..=3 {
            if chars.len() >= len * 3
                && chars.len().is_multiple_of(len)
                && chars.chunks(len).all(|c| c == &chars[..len])
            {
                return true;
            }
        }
        let vowels = chars
            .iter()
            .filter(|c| "aeiouyäöüéèáàíóú".contains(**c))
            .count();
        if chars.len() >= 6 && vowels == 0 {
            return true;
        }
    }
    false
}

fn is_disposable(email: &str, rules: &RuleSettings) -> bool {
    let Some((_, domain)) = email.rsplit_once('@') else {
        return false;
    };
    let domain = domain.to_lowercase();
    // The domain itself or any parent: "x.mailinator.com" is mailinator too.
    let mut d = domain.as_str();
    loop {
        if DISPOSABLE.contains(d) || rules.extra_domains.iter().any(|e| e == d) {
            return true;
        }
        match d.split_once('.') {
            Some((_, rest)) if rest.contains('.') => d = rest,
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(username: &str, display: &str, email: &str) -> Option<&'static str> {
        check(username, display, email, &RuleSettings::default())
            .err()
            .map(|e| e.code)
    }

    #[test]
    fn ordinary_registrations_pass() {
        for (u, d, e) in [
            ("mara", "Mara Lindqvist", "mara@example.com"),
            ("dan_commutes", "Daniel Park", "dan@gmail.com"),
            ("jonas_weber", "", "jonas@posteo.de"),
            ("admin", "", "root@example.org"),
            ("ilse_dj", "Ilse de Jong", "ilse@outlook.com"),
            ("kwame_a", "Kwame Asante", "k@company.co.uk"),
            ("prospect1234", "", "p@example.com"),
            ("libertyrider", "Robert Wertheimer", "r@example.com"),
        ] {
            assert_eq!(code(u, d, e), None, "{u} / {d} / {e}");
        }
    }

    #[test]
    fn fakes_are_caught_with_their_rule() {
        assert_eq!(
            code("dd1934", "Donald Duck", "d@example.com"),
            Some("fake_name")
        );
        assert_eq!(code("mickey_mouse", "", "m@example.com"), Some("fake_name"));
        assert_eq!(
            code("tt", "Test Test", "t@example.com").or(code(
                "tester",
                "test test",
                "t@example.com"
            )),
            Some("fake_name")
        );
        assert_eq!(
            code("ana", "ana@example.com", "a@example.com"),
            Some("name_is_email")
        );
        assert_eq!(
            code("ana", "https://cheap.example", "a@example.com"),
            Some("name_is_url")
        );
        assert_eq!(
            code("ana", "cheap-pills.biz", "a@example.com"),
            Some("name_is_url")
        );
        assert_eq!(code("asdfgh", "", "a@example.com"), Some("keyboard_mash"));
        assert_eq!(
            code("ana", "Qwertz Uiop", "a@example.com"),
            Some("keyboard_mash")
        );
        assert_eq!(code("jjjjjj", "", "a@example.com"), Some("keyboard_mash"));
        assert_eq!(code("sdsdsd", "", "a@example.com"), Some("keyboard_mash"));
        assert_eq!(code("xkcdvbnm", "", "a@example.com"), Some("keyboard_mash"));
        assert_eq!(
            code("ana", "", "a@mailinator.com"),
            Some("disposable_email")
        );
        assert_eq!(
            code("ana", "", "a@eu.mailinator.com"),
            Some("disposable_email")
        );
    }

    #[test]
    fn admins_switch_rules_off_and_add_names_and_domains() {
        let off = RuleSettings {
            off: vec!["disposable_email".into(), "fake_name".into()],
            ..RuleSettings::default()
        };
        assert!(check("ana", "Donald Duck", "a@mailinator.com", &off).is_ok());
        let extra = RuleSettings {
            extra_names: vec!["klaus kinski".into(), "voltera".into()],
            extra_domains: vec!["spam.example".into()],
            ..RuleSettings::default()
        };
        assert_eq!(
            check("kk", "Klaus Kinski", "k@example.com", &extra)
                .err()
                .map(|e| e.code),
            Some("fake_name")
        );
        assert_eq!(
            check("voltera", "", "k@example.com", &extra)
                .err()
                .map(|e| e.code),
            Some("fake_name")
        );
        assert_eq!(
            check("kk", "", "k@mx.spam.example", &extra)
                .err()
                .map(|e| e.code),
            Some("disposable_email")
        );
    }

    #[test]
    fn the_shipped_lists_are_large_and_clean() {
        assert!(FAKE_NAMES.len() >= 200, "{}", FAKE_NAMES.len());
        assert!(DISPOSABLE.len() >= 250, "{}", DISPOSABLE.len());
        for d in [
            "gmail.com",
            "outlook.com",
            "posteo.de",
            "example.com",
            "proton.me",
        ] {
            assert!(!DISPOSABLE.contains(d), "{d}");
        }
    }
}
