//! The site's set of reaction emoji: a short list of single emoji that admins edit with the
//! other site settings, the first of which is the like. What counts as one emoji is checked
//! here without a table of every emoji: one pictograph, or a flag, or a keycap, optionally
//! with its presentation selector, skin tone and joined pictographs (👍🏽, 🧑‍💻, 🇩🇪, 1️⃣).

use crate::error::Invalid;

/// The most emoji a set holds.
pub const MAX_SET: usize = 12;

/// The set a site starts with: the like (a heart), then thanks, laughter, celebration,
/// doubt and "watching this".
pub const DEFAULT_SET: [&str; 6] = ["❤️", "👍", "😄", "🎉", "🤔", "👀"];

/// [`DEFAULT_SET`] as the settings hold it.
pub fn default_set() -> Vec<String> {
    DEFAULT_SET.iter().map(|e| (*e).to_owned()).collect()
}

/// The set as typed by an admin: emoji separated by spaces or commas, 1 to [`MAX_SET`] of
/// them, each a single emoji, none twice. The first is the like.
pub fn parse_set(raw: &str) -> Result<Vec<String>, Invalid> {
    let mut set: Vec<String> = Vec::new();
    for part in raw
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|p| !p.is_empty())
    {
        if !is_single_emoji(part) {
            return Err(Invalid::new(
                "reactions",
                "invalid_format",
                format!(
                    "{part:?} is not a single emoji; separate the emoji by spaces, e.g. ❤️ 👍 🎉."
                ),
            ));
        }
        if set.iter().any(|e| same(e, part)) {
            return Err(Invalid::new(
                "reactions",
                "duplicate",
                format!("{part} is in the list twice."),
            ));
        }
        set.push(part.to_owned());
    }
    if set.is_empty() || set.len() > MAX_SET {
        return Err(Invalid::new(
            "reactions",
            "invalid_length",
            format!("Give 1 to {MAX_SET} emoji; the first is the like."),
        ));
    }
    Ok(set)
}

/// The emoji of `set` that `given` names, as the set writes it: the presentation selector
/// (U+FE0F), which keyboards add or leave out, does not matter.
pub fn find<'a>(set: &'a [String], given: &str) -> Option<&'a str> {
    set.iter().find(|e| same(e, given)).map(String::as_str)
}

fn same(a: &str, b: &str) -> bool {
    let bare = |s: &str| s.chars().filter(|c| *c != VS16).collect::<String>();
    bare(a) == bare(b)
}

const VS16: char = '\u{FE0F}';
const ZWJ: char = '\u{200D}';
const KEYCAP: char = '\u{20E3}';

/// A pictograph that can stand alone as an emoji.
fn pictograph(c: char) -> bool {
    matches!(c,
        '\u{00A9}' | '\u{00AE}' | '\u{203C}' | '\u{2049}' | '\u{2122}' | '\u{2139}'
        | '\u{2194}'..='\u{21AA}'
        | '\u{231A}'..='\u{23FF}'
        | '\u{24C2}'
        | '\u{25AA}'..='\u{25FE}'
        | '\u{2600}'..='\u{27BF}'
        | '\u{2934}' | '\u{2935}'
        | '\u{2B05}'..='\u{2B55}'
        | '\u{3030}' | '\u{303D}' | '\u{3297}' | '\u{3299}'
        | '\u{1F000}'..='\u{1F1E5}'
        | '\u{1F200}'..='\u{1F3FA}'
        | '\u{1F400}'..='\u{1FAFF}')
}

fn regional_indicator(c: char) -> bool {
    matches!(c, '\u{1F1E6}'..='\u{1F1FF}')
}

fn skin_tone(c: char) -> bool {
    matches!(c, '\u{1F3FB}'..='\u{1F3FF}')
}

/// Tag characters, which spell a subdivision's flag after 🏴.
fn tag(c: char) -> bool {
    matches!(c, '\u{E0020}'..='\u{E007F}')
}

/// Whether `s` is exactly one emoji.
pub fn is_single_emoji(s: &str) -> bool {
    let chars: Vec<char> = s.chars().collect();
    if chars.is_empty() || chars.len() > 16 {
        return false;
    }
    // A flag: two regional indicators.
    if chars.iter().all(|c| regional_indicator(*c)) {
        return chars.len() == 2;
    }
    // A keycap: a digit, # or *, the selector, the keycap.
    if chars[0].is_ascii_digit() || matches!(chars[0], '#' | '*') {
        return chars[1..] == [VS16, KEYCAP] || chars[1..] == [KEYCAP];
    }
    // Pictographs joined by ZWJ, each with an optional selector or skin tone; tags at the end.
    let mut expect_pictograph = true;
    let mut in_tags = false;
    for &c in &chars {
        if in_tags {
            if !tag(c) {
                return false;
            }
        } else if expect_pictograph {
            if !pictograph(c) {
                return false;
            }
            expect_pictograph = false;
        } else if c == ZWJ {
            expect_pictograph = true;
        } else if tag(c) {
            in_tags = true;
        } else if !(c == VS16 || skin_tone(c)) {
            return false;
        }
    }
    !expect_pictograph
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_emoji_of_every_shape_pass_and_text_does_not() {
        for ok in [
            "❤️",
            "❤",
            "👍",
            "👍🏽",
            "🧑‍💻",
            "👨‍👩‍👧",
            "🇩🇪",
            "1️⃣",
            "#️⃣",
            "🏴󠁧󠁢󠁳󠁣󠁴󠁿",
            "🎉",
            "©️",
        ] {
            assert!(is_single_emoji(ok), "{ok:?}");
        }
        for bad in [
            "",
            "a",
            "1",
            "👍👍",
            "👍a",
            "<b>",
            "🇩",
            "🇩🇪🇫🇷",
            "👍\u{200D}",
            "\u{FE0F}",
            "❤️ ",
            ":)",
            "\u{202E}👍",
        ] {
            assert!(!is_single_emoji(bad), "{bad:?}");
        }
    }

    #[test]
    fn a_set_is_a_short_list_of_distinct_emoji() {
        assert_eq!(
            parse_set(" ❤️, 👍  🎉\n").ok(),
            Some(vec!["❤️".to_owned(), "👍".to_owned(), "🎉".to_owned()])
        );
        assert_eq!(parse_set("").map_err(|e| e.code), Err("invalid_length"));
        assert_eq!(parse_set("❤️ ❤").map_err(|e| e.code), Err("duplicate"));
        assert_eq!(parse_set("❤️ lol").map_err(|e| e.field), Err("reactions"));
        let many = "😀 😁 😂 🤣 😃 😄 😅 😆 😉 😊 😋 😎 😍";
        assert_eq!(parse_set(many).map_err(|e| e.code), Err("invalid_length"));
        assert!(parse_set(&DEFAULT_SET.join(" ")).is_ok());
    }

    #[test]
    fn the_selector_does_not_tell_two_hearts_apart() {
        let set = default_set();
        assert_eq!(find(&set, "❤"), Some("❤️"));
        assert_eq!(find(&set, "🙃"), None);
    }
}
