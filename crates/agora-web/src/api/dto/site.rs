//! The site's settings as the API shows them, the admins' part included for admins only.

use serde::Serialize;
use utoipa::ToSchema;

use agora_core::site::SiteSettings;

/// The site's settings.
#[derive(Debug, Serialize, ToSchema)]
pub struct SiteResponse {
    pub name: String,
    pub goal: String,
    /// Markdown.
    pub netiquette: String,
    pub members_may_create_groups: bool,
    /// Slugs of the groups the landing page features that the caller may see (empty: the
    /// most popular).
    pub featured_groups: Vec<String>,
    /// The registration plausibility rules; shown to admins only.
    pub registration_rules: Option<RulesResponse>,
    /// The word filters as written; shown to admins only.
    pub word_filters: Option<String>,
    /// Trust levels' thresholds, newcomer limits and spam checks by key; shown to admins only.
    #[schema(value_type = Option<Object>)]
    pub trust: Option<std::collections::BTreeMap<&'static str, i64>>,
    /// The kinds of legal complaint whose post is hidden as soon as the complaint is
    /// confirmed (others wait for a moderator); shown to admins only.
    pub complaints_hide_at_once: Option<Vec<String>>,
    /// The logo, a path on this site; empty for the site's initial.
    pub logo_url: String,
    /// The accent colour, `#rrggbb`; empty for agora's own.
    pub accent_color: String,
    /// The image social networks show for the site's links (`og:image`); empty for none.
    pub social_image_url: String,
    /// The emoji members react with; the first is the like.
    pub reactions: Vec<String>,
}

/// How registrations are checked for plausibility.
#[derive(Debug, Serialize, ToSchema)]
pub struct RulesResponse {
    /// Rules switched off.
    pub off: Vec<String>,
    /// Names refused besides the shipped list.
    pub extra_names: Vec<String>,
    /// Mail domains refused besides the shipped list.
    pub extra_domains: Vec<String>,
    /// New accounts one network address may open within ten minutes (rule
    /// `registration_burst`).
    pub burst_per_10_min: i64,
}

impl SiteResponse {
    /// The settings as `admin` or anyone else may see them.
    pub fn new(s: SiteSettings, admin: bool) -> Self {
        let rules = s.registration_rules;
        let filters = s.word_filters_text;
        Self {
            name: s.name,
            goal: s.goal,
            netiquette: s.netiquette,
            members_may_create_groups: s.members_may_create_groups,
            featured_groups: s.featured_groups,
            registration_rules: admin.then_some(RulesResponse {
                off: rules.off,
                extra_names: rules.extra_names,
                extra_domains: rules.extra_domains,
                burst_per_10_min: rules.burst_per_10_min,
            }),
            word_filters: admin.then_some(filters),
            trust: admin.then(|| s.trust.entries().map(|(k, v)| (k.key, v)).collect()),
            complaints_hide_at_once: admin.then_some(s.complaints_hide_at_once),
            logo_url: s.logo_url,
            accent_color: s.accent_color,
            social_image_url: s.social_image_url,
            reactions: s.reactions,
        }
    }
}
