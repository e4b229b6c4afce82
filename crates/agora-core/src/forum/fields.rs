//! The fields of topics and posts, parsed at the edge.

use unicode_normalization::UnicodeNormalization;

use crate::error::Invalid;
use crate::members::is_forbidden_in_text;

/// A topic title: 3–150 characters after trimming, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicTitle(String);

impl TopicTitle {
    pub const MIN_LEN: usize = 3;
    pub const MAX_LEN: usize = 150;

    /// Parses a title as typed.
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let s: String = raw.trim().nfc().collect();
        if s.is_empty() {
            return Err(Invalid::new("title", "required", "Give the topic a title."));
        }
        let n = s.chars().count();
        if n < Self::MIN_LEN {
            return Err(Invalid::new(
                "title",
                "too_short",
                format!("A title needs at least {} characters.", Self::MIN_LEN),
            ));
        }
        if n > Self::MAX_LEN {
            return Err(Invalid::new(
                "title",
                "too_long",
                format!("A title may be at most {} characters long.", Self::MAX_LEN),
            ));
        }
        if s.chars().any(is_forbidden_in_text) {
            return Err(Invalid::new(
                "title",
                "invalid_characters",
                "A title may not contain control, invisible or direction-changing characters.",
            ));
        }
        Ok(Self(s))
    }

    /// The title.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The URL slug derived from the title ("Battery range in winter?" → "battery-range-in-winter").
    pub fn slug(&self) -> String {
        let mut out = String::new();
        for c in self.0.chars() {
            if c.is_alphanumeric() {
                out.extend(c.to_lowercase());
            } else if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
            if out.chars().count() >= 80 {
                break;
            }
        }
        let slug = out.trim_matches('-').to_owned();
        if slug.is_empty() {
            "topic".to_owned()
        } else {
            slug
        }
    }
}

/// A post body in markdown: 1 to 32,000 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostBody(String);

impl PostBody {
    pub const MAX_LEN: usize = 32_000;

    /// Parses a body as typed; line endings are normalised to `\n`.
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let s = raw.replace("\r\n", "\n");
        if s.trim().is_empty() {
            return Err(Invalid::new("body", "required", "Write something first."));
        }
        if s.chars().count() > Self::MAX_LEN {
            return Err(Invalid::new(
                "body",
                "too_long",
                format!("A post may be at most {} characters long.", Self::MAX_LEN),
            ));
        }
        if s.contains('\0') {
            return Err(Invalid::new(
                "body",
                "invalid_characters",
                "A post may not contain null characters.",
            ));
        }
        Ok(Self(s))
    }

    /// The markdown.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A topic's tags: up to 5, each 1–30 characters of lowercase letters, digits and dashes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Tags(Vec<String>);

impl Tags {
    pub const MAX_COUNT: usize = 5;
    pub const MAX_LEN: usize = 30;

    /// Parses tags as given; they are normalised (NFC), lowercased, deduplicated and kept in
    /// order.
    pub fn parse(raw: &[String]) -> Result<Self, Invalid> {
        let mut tags: Vec<String> = Vec::new();
        for t in raw {
            let t = t.trim().nfc().collect::<String>().to_lowercase();
            if t.is_empty() || t.chars().count() > Self::MAX_LEN {
                return Err(Invalid::new(
                    "tags",
                    "invalid_tag",
                    format!("Each tag must be 1 to {} characters long.", Self::MAX_LEN),
                ));
            }
            let allowed = |c: char| (c.is_alphanumeric() || c == '-') && !is_forbidden_in_text(c);
            if !t.chars().all(allowed) {
                return Err(Invalid::new(
                    "tags",
                    "invalid_tag",
                    "Tags may use letters, digits and dashes.",
                ));
            }
            if !tags.contains(&t) {
                tags.push(t);
            }
        }
        if tags.len() > Self::MAX_COUNT {
            return Err(Invalid::new(
                "tags",
                "too_many",
                format!("A topic may have at most {} tags.", Self::MAX_COUNT),
            ));
        }
        Ok(Self(tags))
    }

    /// The tags.
    pub fn into_vec(self) -> Vec<String> {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_trimmed_bounded_and_slugged() {
        let t = TopicTitle::parse("  Battery range in winter?  ").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t.as_str(), "Battery range in winter?");
        assert_eq!(t.slug(), "battery-range-in-winter");
        assert_eq!(TopicTitle::parse("").map_err(|e| e.code), Err("required"));
        assert_eq!(
            TopicTitle::parse("   ").map_err(|e| e.code),
            Err("required")
        );
        assert_eq!(
            TopicTitle::parse("ab").map_err(|e| e.code),
            Err("too_short")
        );
        assert_eq!(
            TopicTitle::parse(&"x".repeat(151)).map_err(|e| e.code),
            Err("too_long")
        );
        assert_eq!(
            TopicTitle::parse("!!!").map(|t| t.slug()),
            Ok("topic".into())
        );
    }

    #[test]
    fn bodies_and_tags_follow_their_rules() {
        assert!(PostBody::parse(" \n ").is_err());
        assert!(PostBody::parse(&"x".repeat(32_001)).is_err());
        assert!(PostBody::parse("a\0b").is_err());
        let tags = Tags::parse(&["Battery".into(), "battery".into(), "winter-riding".into()]);
        assert_eq!(
            tags.map(Tags::into_vec),
            Ok(vec!["battery".into(), "winter-riding".into()])
        );
        assert!(Tags::parse(&["a b".into()]).is_err());
        // Found by the hostile-input suite: a Hangul filler is a letter that shows nothing, and
        // a decomposed accent was refused where the composed one passed.
        assert!(Tags::parse(&["\u{3164}".into()]).is_err());
        assert_eq!(
            Tags::parse(&["cafe\u{301}".into(), "caf\u{e9}".into()]).map(Tags::into_vec),
            Ok(vec!["caf\u{e9}".into()])
        );
        assert!(Tags::parse(&(0..6).map(|i| format!("t{i}")).collect::<Vec<_>>()).is_err());
    }
}
