//! Site settings that admins change while the site runs: name, goal, netiquette, and whether
//! ordinary members may create groups.

use crate::agora::Agora;
use crate::error::{Invalid, StoreError};
use crate::groups::GroupError;
use crate::members::plausibility::{RULES, RuleSettings};
use crate::viewer::Viewer;

/// The site's settings, with defaults for those never set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteSettings {
    pub name: String,
    pub goal: String,
    pub netiquette: String,
    /// The netiquette rendered from markdown, sanitised.
    pub netiquette_html: String,
    pub members_may_create_groups: bool,
    /// Slugs of the groups the landing page features, in order; empty: the most popular.
    pub featured_groups: Vec<String>,
    /// The registration plausibility rules as the admins set them.
    pub registration_rules: RuleSettings,
    /// The word filters, parsed, and as the admins wrote them.
    pub word_filters: Vec<crate::filters::WordFilter>,
    pub word_filters_text: String,
}

impl Default for SiteSettings {
    fn default() -> Self {
        Self {
            name: "agora".into(),
            goal: "A place for our community to meet, ask, answer and share.".into(),
            netiquette:
                "Be kind. Stay on topic. No spam, no personal attacks, no one else's private data."
                    .into(),
            netiquette_html: String::new(),
            members_may_create_groups: false,
            featured_groups: Vec::new(),
            registration_rules: RuleSettings::default(),
            word_filters: Vec::new(),
            word_filters_text: String::new(),
        }
    }
}

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
    /// Word filters, one rule per line (see `filters`).
    pub word_filters: Option<String>,
}

/// Non-empty trimmed lines, lowercased, with single spaces between words.
fn lines(value: &str) -> Vec<String> {
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

impl Agora {
    /// The current settings (cached for a moment; see `SETTINGS_TTL`).
    pub async fn site_settings(&self) -> Result<SiteSettings, StoreError> {
        if let Ok(guard) = self.settings_cache.read()
            && let Some((at, settings)) = guard.as_ref()
            && at.elapsed() < crate::agora::SETTINGS_TTL
        {
            return Ok(settings.clone());
        }
        let settings = self.read_site_settings().await?;
        if let Ok(mut guard) = self.settings_cache.write() {
            *guard = Some((std::time::Instant::now(), settings.clone()));
        }
        Ok(settings)
    }

    async fn read_site_settings(&self) -> Result<SiteSettings, StoreError> {
        let mut s = SiteSettings::default();
        for (key, value) in self.store.settings().await? {
            match key.as_str() {
                "name" => s.name = value,
                "goal" => s.goal = value,
                "netiquette" => s.netiquette = value,
                "members_may_create_groups" => s.members_may_create_groups = value == "true",
                "featured_groups" => {
                    s.featured_groups = value.split_whitespace().map(str::to_owned).collect();
                }
                "rules_off" => {
                    s.registration_rules.off =
                        value.split_whitespace().map(str::to_owned).collect();
                }
                "rules_extra_names" => s.registration_rules.extra_names = lines(&value),
                "rules_extra_domains" => s.registration_rules.extra_domains = lines(&value),
                "word_filters" => {
                    s.word_filters = crate::filters::parse(&value).unwrap_or_default();
                    s.word_filters_text = value;
                }
                _ => {}
            }
        }
        s.netiquette_html = crate::content::markdown::render(&s.netiquette).html;
        Ok(s)
    }

    /// A secret for signing form timestamps, made on first use and shared by every node
    /// through the database.
    pub async fn form_secret(&self) -> Result<String, StoreError> {
        if let Some((_, v)) = self
            .store
            .settings()
            .await?
            .into_iter()
            .find(|(k, _)| k == "form_secret")
        {
            return Ok(v);
        }
        let secret = crate::members::SessionToken::generate().0;
        self.store.put_setting("form_secret", &secret).await?;
        Ok(secret)
    }

    /// Changes settings (admins only). Every field is checked before any is stored, and all
    /// are stored in one transaction: a refused change stores nothing.
    pub async fn update_site_settings(
        &self,
        viewer: &Viewer,
        patch: SiteSettingsPatch,
    ) -> Result<SiteSettings, GroupError> {
        if viewer.id().is_none() {
            return Err(GroupError::SignInRequired);
        }
        if !viewer.is_admin() {
            return Err(GroupError::Forbidden("admins_only"));
        }
        let values = checked(&patch)?;
        let changed: Vec<&str> = values.iter().map(|(key, _)| *key).collect();
        let pairs: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.store.put_settings(&pairs).await?;
        if let Ok(mut guard) = self.settings_cache.write() {
            *guard = None;
        }
        self.audit(
            viewer,
            "site.settings",
            "site".into(),
            None,
            changed.join(", "),
        )
        .await;
        Ok(self.site_settings().await?)
    }
}

/// The values a patch stores, each checked: (key, value as stored). Any field failing its
/// rules refuses the whole patch.
fn checked(patch: &SiteSettingsPatch) -> Result<Vec<(&'static str, String)>, Invalid> {
    let mut out = Vec::new();
    let texts = [
        ("name", &patch.name, 1, 80),
        ("goal", &patch.goal, 0, 1_000),
        ("netiquette", &patch.netiquette, 0, 10_000),
    ];
    for (field, value, min, max) in texts {
        let Some(v) = value else {
            continue;
        };
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
        out.push((field, v));
    }
    if let Some(b) = patch.members_may_create_groups {
        out.push(("members_may_create_groups", b.to_string()));
    }
    if let Some(raw) = &patch.featured_groups {
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
        out.push(("featured_groups", slugs.join(" ")));
    }
    if let Some(raw) = &patch.rules_off {
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
        out.push(("rules_off", codes.join(" ")));
    }
    for (key, raw) in [
        ("rules_extra_names", &patch.rules_extra_names),
        ("rules_extra_domains", &patch.rules_extra_domains),
    ] {
        let Some(raw) = raw else {
            continue;
        };
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
        out.push((key, entries.join("\n")));
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
        out.push(("word_filters", raw.trim().to_owned()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(checked(&patch).map_err(|e| e.field), Err("word_filters"));
        let patch = SiteSettingsPatch {
            rules_extra_names: Some("voltera\nadmin\0".into()),
            ..SiteSettingsPatch::default()
        };
        assert_eq!(
            checked(&patch).map_err(|e| e.code),
            Err("invalid_characters")
        );
        let patch = SiteSettingsPatch {
            name: Some(" Voltera ".into()),
            members_may_create_groups: Some(true),
            ..SiteSettingsPatch::default()
        };
        assert_eq!(
            checked(&patch),
            Ok(vec![
                ("name", "Voltera".to_owned()),
                ("members_may_create_groups", "true".to_owned())
            ])
        );
    }
}
