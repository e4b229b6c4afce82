//! A group's slug: the short name in its URLs.

use crate::error::Invalid;

/// A validated slug: 2–48 characters of `a-z`, `0-9` and inner single dashes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GroupSlug(String);

impl GroupSlug {
    /// Longest accepted slug.
    pub const MAX_LEN: usize = 48;

    /// Parses a slug as given; it must already be in canonical form.
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let s = raw.trim();
        if s.len() < 2 || s.len() > Self::MAX_LEN {
            return Err(Invalid::new(
                "slug",
                "invalid_length",
                format!(
                    "A group's short name must be 2 to {} characters long.",
                    Self::MAX_LEN
                ),
            ));
        }
        let allowed = s
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !allowed || s.starts_with('-') || s.ends_with('-') || s.contains("--") {
            return Err(Invalid::new(
                "slug",
                "invalid_format",
                "A group's short name may use lowercase letters, digits and single dashes between them.",
            ));
        }
        Ok(Self(s.to_owned()))
    }

    /// Derives a slug from a group's name ("Berlin Riders!" → "berlin-riders").
    pub fn from_name(name: &str) -> Option<Self> {
        let mut out = String::new();
        for c in name.chars() {
            if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_lowercase());
            } else if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
            if out.len() >= Self::MAX_LEN {
                break;
            }
        }
        let trimmed = out.trim_matches('-');
        Self::parse(trimmed).ok()
    }

    /// The slug text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_canonical_slugs_and_refuses_others() {
        assert!(GroupSlug::parse("berlin-riders").is_ok());
        assert!(GroupSlug::parse("k2").is_ok());
        for bad in [
            "", "a", "Berlin", "a--b", "-ab", "ab-", "../etc", "ab_c", "ä-b",
        ] {
            assert!(GroupSlug::parse(bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn derives_a_slug_from_a_name() {
        assert_eq!(
            GroupSlug::from_name("Berlin Riders!").map(|s| s.0),
            Some("berlin-riders".into())
        );
        assert_eq!(GroupSlug::from_name("!!!"), None);
    }
}
