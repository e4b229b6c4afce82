//! Checking a change to the site settings as a whole before any of it is written, so a
//! change with one bad field writes nothing.

use crate::error::Invalid;
use crate::members::plausibility::RULES;

/// Changes to the settings; `None` leaves one as it is.
#[derive(Debug, Clone, Default)]
pub struct SiteSettingsPatch {
    pub name: Option<String>,
    pub goal: Option<String>,
    pub netiquette: Option<String>,
    pub members_may_create_groups: Option<bool>,
    /// Group slugs, separated by commas or spaces.
    pub featured_groups: Option<String>,
    /// Codes of the registration rules to switch off, separated by commas or spaces.
    pub rules_off: Option<String>,
    /// More names registration refuses, one per line.
    pub rules_extra_names: Option<String>,
    /// More mail domains registration refuses, one per line.
    pub rules_extra_domains: Option<String>,
    /// New accounts one network address may open within ten minutes (rule
    /// `registration_burst`), 1 to 10,000.
    pub registration_burst_per_10_min: Option<i64>,
    /// Word filters, one rule per line (see `filters`).
    pub word_filters: Option<String>,
    /// Trust knobs to change, by key (see `trust::KNOBS`), as typed.
    pub trust: Vec<(String, String)>,
    /// The kinds of legal complaint that hide their post as soon as they are confirmed.
    pub complaints_hide_at_once: Option<Vec<String>>,
    /// The logo: a path on this site (`/media/NAME`) or an `https://` address (copied here);
    /// empty for none.
    pub logo_url: Option<String>,
    /// The accent colour, `#rrggbb` or `#rgb`; empty for agora's own.
    pub accent_color: Option<String>,
    /// The image shown for the site's links on social networks, as the logo.
    pub social_image_url: Option<String>,
}

/// A brand image's address as typed: empty, a path on this site, or an `https://` address.
fn image_address(field: &'static str, raw: &str) -> Result<String, Invalid> {
    let v = raw.trim();
    let bad = |why: &str| Invalid::new(field, "invalid_format", why.to_owned());
    if v.is_empty() {
        return Ok(String::new());
    }
    if v.chars().count() > 500 {
        return Err(Invalid::new(
            field,
            "too_long",
            "An address may be at most 500 characters long.",
        ));
    }
    if v.chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>' | '\\'))
    {
        return Err(bad(
            "An address may not contain spaces, quotes or angle brackets.",
        ));
    }
    // A copy in the media store: `/media/` and a name of lowercase letters, digits and dots.
    let local = v.strip_prefix("/media/").is_some_and(|name| {
        name.contains('.')
            && !name.starts_with('.')
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.')
    });
    if !local && !v.starts_with("https://") {
        return Err(bad(
            "Give an image in this site's media (/media/…) or an https:// address.",
        ));
    }
    Ok(v.to_owned())
}

/// An accent colour as typed: empty, `#rgb` or `#rrggbb` (stored as `#rrggbb`, lowercase).
fn accent(raw: &str) -> Result<String, Invalid> {
    let v = raw.trim().to_ascii_lowercase();
    if v.is_empty() {
        return Ok(v);
    }
    let hex = v.strip_prefix('#').unwrap_or("");
    if !hex.chars().all(|c| c.is_ascii_hexdigit()) || !matches!(hex.len(), 3 | 6) {
        return Err(Invalid::new(
            "accent_color",
            "invalid_format",
            "Give a colour as #rrggbb, e.g. #0b6e4f.",
        ));
    }
    Ok(if hex.len() == 3 {
        hex.chars().fold(String::from("#"), |mut s, c| {
            s.push(c);
            s.push(c);
            s
        })
    } else {
        v
    })
}

/// The most new accounts a site may allow from one address in ten minutes.
const MAX_BURST: i64 = 10_000;

/// Non-empty trimmed lines, lowercased, with single spaces between words.
pub(super) fn lines(value: &str) -> Vec<String> {
    value
        .lines()
        .map(|l| {
            l.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase()
        })
        .filter(|l| !l.is_empty())
        .collect()
}

/// Kinds of legal complaint, checked against `complaints::KINDS`, as stored (space-separated).
fn complaint_kinds(kinds: &[String]) -> Result<String, Invalid> {
    let mut out: Vec<&str> = Vec::new();
    for kind in kinds {
        let known = crate::complaints::KINDS
            .iter()
            .find(|(k, _)| *k == kind.trim())
            .map(|(k, _)| *k)
            .ok_or_else(|| {
                Invalid::new(
                    "complaints_hide_at_once",
                    "invalid_choice",
                    "Choose among defamation, copyright, privacy and other.",
                )
            })?;
        if !out.contains(&known) {
            out.push(known);
        }
    }
    Ok(out.join(" "))
}

/// Checks every field of `patch` and returns the settings to write, as (key, value).
pub(super) fn validate(patch: SiteSettingsPatch) -> Result<Vec<(String, String)>, Invalid> {
    let mut writes: Vec<(String, String)> = Vec::new();
    let texts = [
        ("name", patch.name, 1, 80),
        ("goal", patch.goal, 0, 1_000),
        ("netiquette", patch.netiquette, 0, 10_000),
    ];
    for (field, value, min, max) in texts {
        if let Some(v) = value {
            let v = v.trim().replace("\r\n", "\n");
            let n = v.chars().count();
            if n < min || n > max || v.contains('\0') {
                return Err(Invalid::new(
                    field,
                    "invalid_length",
                    format!("The {field} must be {min} to {max} characters long."),
                ));
            }
            if field == "name" && v.chars().any(crate::members::is_forbidden_in_text) {
                return Err(Invalid::new(
                    field,
                    "invalid_characters",
                    "The name may not contain control, invisible or direction-changing characters.",
                ));
            }
            if field == "netiquette" {
                crate::content::markdown::check(&v).map_err(|e| e.invalid("netiquette"))?;
            }
            writes.push((field.into(), v));
        }
    }
    if let Some(raw) = &patch.logo_url {
        writes.push(("logo_url".into(), image_address("logo_url", raw)?));
    }
    if let Some(raw) = &patch.social_image_url {
        writes.push((
            "social_image_url".into(),
            image_address("social_image_url", raw)?,
        ));
    }
    if let Some(raw) = &patch.accent_color {
        writes.push(("accent_color".into(), accent(raw)?));
    }
    if let Some(kinds) = &patch.complaints_hide_at_once {
        writes.push(("complaints_hide_at_once".into(), complaint_kinds(kinds)?));
    }
    if let Some(raw) = &patch.featured_groups {
        writes.push(("featured_groups".into(), featured_groups(raw)?));
    }
    if let Some(raw) = &patch.rules_off {
        writes.push(("rules_off".into(), rules_off(raw)?));
    }
    for (key, raw) in [
        ("rules_extra_names", &patch.rules_extra_names),
        ("rules_extra_domains", &patch.rules_extra_domains),
    ] {
        if let Some(raw) = raw {
            let entries = lines(raw);
            if entries.len() > 2_000 || entries.iter().any(|e| e.chars().count() > 100) {
                return Err(Invalid::new(
                    key,
                    "too_long",
                    "Up to 2,000 entries of up to 100 characters.",
                ));
            }
            if entries.iter().any(|e| e.chars().any(char::is_control)) {
                return Err(Invalid::new(
                    key,
                    "invalid_characters",
                    "Entries may not contain control characters.",
                ));
            }
            writes.push((key.into(), entries.join("\n")));
        }
    }
    if let Some(raw) = &patch.word_filters {
        crate::filters::parse(raw)?;
        if raw.contains('\0') {
            return Err(Invalid::new(
                "word_filters",
                "invalid_characters",
                "Word filters may not contain null characters.",
            ));
        }
        writes.push(("word_filters".into(), raw.trim().to_owned()));
    }
    for (key, raw) in &patch.trust {
        // The shared knobs and those the kinds declare (`kinds::SETTINGS`).
        let mut knobs = crate::trust::KNOBS
            .iter()
            .chain(crate::kinds::SETTINGS.iter().flat_map(|s| s.iter()));
        let Some(info) = knobs.find(|k| k.key == key) else {
            return Err(Invalid::new(
                "trust",
                "invalid_choice",
                format!("{key:?} is not a trust setting; see the admin page for the list."),
            ));
        };
        match raw.parse::<i64>() {
            Ok(n) if (0..=info.max).contains(&n) => {
                writes.push((format!("trust.{}", info.key), n.to_string()));
            }
            _ => {
                return Err(Invalid::new(
                    info.key,
                    "out_of_range",
                    format!(
                        "{}: enter a whole number from 0 to {}.",
                        info.label, info.max
                    ),
                ));
            }
        }
    }
    if let Some(n) = patch.registration_burst_per_10_min {
        if !(1..=MAX_BURST).contains(&n) {
            return Err(Invalid::new(
                "registration_burst_per_10_min",
                "out_of_range",
                format!(
                    "New accounts from one address in ten minutes: enter a whole number from 1 to {MAX_BURST} (to allow any number, switch the rule registration_burst off)."
                ),
            ));
        }
        writes.push(("registration_burst_per_10_min".into(), n.to_string()));
    }
    if let Some(b) = patch.members_may_create_groups {
        writes.push(("members_may_create_groups".into(), b.to_string()));
    }
    Ok(writes)
}

fn featured_groups(raw: &str) -> Result<String, Invalid> {
    let mut slugs = Vec::new();
    for part in raw
        .split([',', ' ', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let slug = crate::groups::GroupSlug::parse(part).map_err(|_| {
            Invalid::new(
                "featured_groups",
                "invalid_format",
                format!("{part:?} is not a group's short name."),
            )
        })?;
        slugs.push(slug.as_str().to_owned());
    }
    if slugs.len() > 12 {
        return Err(Invalid::new(
            "featured_groups",
            "too_many",
            "Feature at most 12 groups.",
        ));
    }
    Ok(slugs.join(" "))
}

fn rules_off(raw: &str) -> Result<String, Invalid> {
    let mut codes = Vec::new();
    for code in raw
        .split([',', ' ', '\n'])
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        if !RULES.iter().any(|(known, _)| *known == code) {
            let known: Vec<&str> = RULES.iter().map(|(c, _)| *c).collect();
            return Err(Invalid::new(
                "rules_off",
                "invalid_choice",
                format!(
                    "{code:?} is not a rule; the rules are {}.",
                    known.join(", ")
                ),
            ));
        }
        codes.push(code);
    }
    Ok(codes.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_bad_field_refuses_the_whole_change() {
        let patch = SiteSettingsPatch {
            name: Some("Riders".into()),
            featured_groups: Some("../etc".into()),
            ..Default::default()
        };
        assert_eq!(validate(patch).map_err(|e| e.field), Err("featured_groups"));
    }

    #[test]
    fn a_patch_with_one_bad_field_stores_nothing() {
        // Found by the hostile-input suite: the name was stored before the word filters were
        // found wrong.
        let patch = SiteSettingsPatch {
            name: Some("Voltera Riders".into()),
            featured_groups: Some("riders".into()),
            word_filters: Some("<script>".into()),
            ..SiteSettingsPatch::default()
        };
        assert_eq!(validate(patch).map_err(|e| e.field), Err("word_filters"));
        let patch = SiteSettingsPatch {
            rules_extra_names: Some("voltera\nadmin\0".into()),
            ..SiteSettingsPatch::default()
        };
        assert_eq!(
            validate(patch).map_err(|e| e.code),
            Err("invalid_characters")
        );
        let patch = SiteSettingsPatch {
            name: Some("\u{AD}Voltera".into()),
            ..SiteSettingsPatch::default()
        };
        assert_eq!(
            validate(patch).map_err(|e| e.code),
            Err("invalid_characters")
        );
    }

    #[test]
    fn trust_knobs_are_checked_by_name_and_range() {
        let patch = |k: &str, v: &str| SiteSettingsPatch {
            trust: vec![(k.into(), v.into())],
            ..Default::default()
        };
        assert_eq!(
            validate(patch("new_max_links", "4")).ok(),
            Some(vec![("trust.new_max_links".to_owned(), "4".to_owned())])
        );
        assert_eq!(
            validate(patch("new_max_links", "-1")).map_err(|e| e.code),
            Err("out_of_range")
        );
        assert_eq!(
            validate(patch("new_max_links", "1e9")).map_err(|e| e.code),
            Err("out_of_range")
        );
        assert_eq!(
            validate(patch("bogus", "1")).map_err(|e| e.code),
            Err("invalid_choice")
        );
    }
}
