//! Fuzzes the checks a registration goes through: the field parsers (`Username`,
//! `EmailAddress`, `DisplayName`) and the plausibility rules (`members::plausibility::check`).
//!
//! The input is text, one field a line, so that seeds and crashes can be read and written by
//! hand (bytes that are not UTF-8 are replaced):
//!
//! ```text
//! username
//! email
//! display name
//! rule codes switched off, separated by ','
//! extra names, separated by ','
//! extra mail domains, separated by ','
//! ```
//!
//! Properties: nothing panics; an accepted username is 3–24 of `[A-Za-z0-9_-]`, starts with a
//! letter or digit and canonicalises to `[a-z0-9_-]`, and exactly those are accepted; an
//! accepted address has one `@`, a dotted domain, no spaces, controls or commas, is lowercase
//! and at most `MAX_LEN` bytes; an accepted display name is trimmed, NFC, 1–60 characters, with
//! no control character and no bidirectional control; parsing what was accepted gives it back;
//! every refusal names its field and carries a code and a message; a plausibility refusal
//! names a rule that exists and is switched on, and with every rule off nothing is refused.

#![no_main]

use agora_core::Invalid;
use agora_core::members::plausibility::{self, RULES, RuleSettings};
use agora_core::members::{DisplayName, EmailAddress, Username};
use libfuzzer_sys::fuzz_target;
use unicode_normalization::is_nfc;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut lines = text.split('\n');
    let mut field = || lines.next().unwrap_or("");
    let (username, email, display_name) = (field(), field(), field());
    let list = |line: &str| -> Vec<String> {
        line.split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let rules = RuleSettings {
        off: list(field()),
        extra_names: list(field()),
        extra_domains: list(field()),
    };

    let parsed_username = Username::parse(username);
    check_username(username, &parsed_username);
    let parsed_email = EmailAddress::parse(email);
    check_email(&parsed_email);
    let fallback = parsed_username.as_ref().map_or("member", |u| u.as_str());
    let parsed_display = DisplayName::parse(display_name, fallback);
    check_display_name(display_name, fallback, &parsed_display);

    // Any caller may pass raw text; registration passes the parsed username and address.
    check_plausibility(username, display_name, email, &rules);
    if let (Ok(u), Ok(e), Ok(_)) = (&parsed_username, &parsed_email, &parsed_display) {
        check_plausibility(u.as_str(), display_name, e.as_str(), &rules);
    }
});

fn check_refusal(e: &Invalid, field: &str) {
    assert_eq!(e.field, field, "{e:?}");
    assert!(!e.code.is_empty(), "refusal without a code: {e:?}");
    assert!(
        !e.message.trim().is_empty(),
        "refusal without a message: {e:?}"
    );
}

fn check_username(raw: &str, parsed: &Result<Username, Invalid>) {
    let trimmed = raw.trim();
    let expected = (Username::MIN_LEN..=Username::MAX_LEN).contains(&trimmed.len())
        && trimmed
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        && trimmed
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphanumeric());
    assert_eq!(parsed.is_ok(), expected, "{raw:?} gave {parsed:?}");
    match parsed {
        Ok(name) => {
            assert_eq!(name.as_str(), trimmed);
            let canonical = name.canonical();
            assert!(
                canonical
                    .bytes()
                    .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-')),
                "canonical {canonical:?} of {raw:?}"
            );
            assert_eq!(Username::parse(name.as_str()).as_ref(), Ok(name));
        }
        Err(e) => check_refusal(e, "username"),
    }
}

fn check_email(parsed: &Result<EmailAddress, Invalid>) {
    let address = match parsed {
        Ok(address) => address,
        Err(e) => return check_refusal(e, "email"),
    };
    let s = address.as_str();
    assert!(
        s.len() <= EmailAddress::MAX_LEN,
        "accepted address of {} bytes: {s:?}",
        s.len()
    );
    let (local, domain) = s.split_once('@').unwrap_or_else(|| panic!("no @: {s:?}"));
    assert!(!local.is_empty() && !domain.contains('@'), "{s:?}");
    assert!(
        domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.'),
        "{s:?}"
    );
    assert!(
        !s.chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == ','),
        "{s:?}"
    );
    assert_eq!(s, s.to_lowercase());
    assert_eq!(
        EmailAddress::parse(s).as_ref(),
        Ok(address),
        "not idempotent"
    );
}

/// The Unicode `Bidi_Control` characters: marks, embeddings, overrides and isolates.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn check_display_name(raw: &str, fallback: &str, parsed: &Result<DisplayName, Invalid>) {
    let name = match parsed {
        Ok(name) => name,
        Err(e) => return check_refusal(e, "display_name"),
    };
    let s = name.as_str();
    if raw.trim().is_empty() {
        assert_eq!(s, fallback);
        return;
    }
    let len = s.chars().count();
    assert!(
        (1..=DisplayName::MAX_LEN).contains(&len),
        "{len} chars: {s:?}"
    );
    assert!(
        !s.chars().any(|c| c.is_control() || is_bidi_control(c)),
        "control or bidi character accepted: {s:?}"
    );
    assert_eq!(s, s.trim(), "not trimmed");
    assert!(is_nfc(s), "not NFC: {s:?}");
    assert_eq!(
        DisplayName::parse(s, fallback).as_ref(),
        Ok(name),
        "not idempotent"
    );
}

fn check_plausibility(username: &str, display_name: &str, email: &str, rules: &RuleSettings) {
    let verdict = plausibility::check(username, display_name, email, rules);
    assert_eq!(
        verdict,
        plausibility::check(username, display_name, email, rules),
        "not deterministic"
    );
    if let Err(e) = &verdict {
        assert!(
            RULES.iter().any(|(code, _)| *code == e.code),
            "unknown rule {e:?}"
        );
        assert!(
            !rules.off.iter().any(|o| o == e.code),
            "rule switched off: {e:?}"
        );
        assert!(
            ["username", "display_name", "email"].contains(&e.field),
            "{e:?}"
        );
        check_refusal(e, e.field);
    }
    let all_off = RuleSettings {
        off: RULES.iter().map(|(code, _)| (*code).to_owned()).collect(),
        ..rules.clone()
    };
    assert_eq!(
        plausibility::check(username, display_name, email, &all_off),
        Ok(()),
        "refused with every rule off"
    );
}
