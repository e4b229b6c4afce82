//! Word filters: admins list words that block a post, hold it for a moderator, or are
//! replaced. One rule per line of the setting: `block WORD`, `hold WORD`, or
//! `replace WORD => REPLACEMENT`. Words match whole, ignoring case.

use crate::error::Invalid;

/// What a rule does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilterAction {
    Block,
    Hold,
    Replace(String),
}

/// One rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WordFilter {
    pub word: String,
    pub action: FilterAction,
}

/// What the filters make of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The text, with replacements made.
    Pass(String),
    /// Post it, hidden until a moderator looks; the word that caught it.
    Hold(String, String),
    /// Refuse it; the word that caught it.
    Block(String),
}

/// Parses the setting; a line that is not a rule is an error naming it.
pub fn parse(text: &str) -> Result<Vec<WordFilter>, Invalid> {
    let mut rules = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = || {
            Invalid::new(
                "word_filters",
                "invalid_format",
                format!(
                    "Line {}: write `block WORD`, `hold WORD` or `replace WORD => NEW`.",
                    n + 1
                ),
            )
        };
        let (verb, rest) = line.split_once(' ').ok_or_else(bad)?;
        let rest = rest.trim();
        let (word, action) = match verb.to_lowercase().as_str() {
            "block" => (rest.to_owned(), FilterAction::Block),
            "hold" => (rest.to_owned(), FilterAction::Hold),
            "replace" => {
                let (w, r) = rest.split_once("=>").ok_or_else(bad)?;
                (
                    w.trim().to_owned(),
                    FilterAction::Replace(r.trim().to_owned()),
                )
            }
            _ => return Err(bad()),
        };
        if word.is_empty() || word.contains(char::is_whitespace) || word.chars().count() > 60 {
            return Err(bad());
        }
        rules.push(WordFilter {
            word: word.to_lowercase(),
            action,
        });
    }
    Ok(rules)
}

/// Applies the rules to a text: a block wins over a hold; replacements apply to what passes.
pub fn apply(rules: &[WordFilter], text: &str) -> Verdict {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let has = |w: &str| words.iter().any(|x| x == w);
    if let Some(r) = rules
        .iter()
        .find(|r| r.action == FilterAction::Block && has(&r.word))
    {
        return Verdict::Block(r.word.clone());
    }
    let mut out = text.to_owned();
    for r in rules {
        if let FilterAction::Replace(new) = &r.action {
            out = replace_word(&out, &r.word, new);
        }
    }
    match rules
        .iter()
        .find(|r| r.action == FilterAction::Hold && has(&r.word))
    {
        Some(r) => Verdict::Hold(out, r.word.clone()),
        None => Verdict::Pass(out),
    }
}

/// Replaces whole-word occurrences of `word` (lowercase), whatever their case.
fn replace_word(text: &str, word: &str, new: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut token = String::new();
    let flush = |token: &mut String, out: &mut String| {
        if token.to_lowercase() == word {
            out.push_str(new);
        } else {
            out.push_str(token);
        }
        token.clear();
    };
    for c in text.chars() {
        if c.is_alphanumeric() {
            token.push(c);
        } else {
            flush(&mut token, &mut out);
            out.push(c);
        }
    }
    flush(&mut token, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> Vec<WordFilter> {
        parse("block viagra\nhold crypto\nreplace darn => d*rn\n# a comment\n").unwrap_or_default()
    }

    #[test]
    fn rules_parse_and_bad_lines_are_named() {
        assert_eq!(rules().len(), 3);
        assert_eq!(
            parse("ban spam")
                .err()
                .map(|e| e.message.starts_with("Line 1")),
            Some(true)
        );
        assert!(parse("replace x").is_err());
        assert!(parse("block two words").is_err());
    }

    #[test]
    fn words_block_hold_or_are_replaced_whole_and_ignoring_case() {
        assert_eq!(
            apply(&rules(), "Buy VIAGRA now"),
            Verdict::Block("viagra".into())
        );
        assert_eq!(
            apply(&rules(), "Cheap Viagra and crypto"),
            Verdict::Block("viagra".into())
        );
        assert_eq!(
            apply(&rules(), "Darn, crypto again"),
            Verdict::Hold("d*rn, crypto again".into(), "crypto".into())
        );
        assert_eq!(
            apply(&rules(), "Darned cryptography"),
            Verdict::Pass("Darned cryptography".into())
        );
    }
}
