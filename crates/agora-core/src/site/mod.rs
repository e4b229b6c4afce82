//! Site settings that admins change while the site runs: name, goal, netiquette, and whether
//! ordinary members may create groups.

use crate::agora::Site;
use crate::error::Refused;
use crate::error::{Invalid, StoreError};
use crate::groups::Visibility;
use crate::members::plausibility::RuleSettings;
use crate::viewer::Viewer;

mod patch;
pub mod roster;

pub use patch::SiteSettingsPatch;
use patch::lines;

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
    /// The trust levels' thresholds, newcomer limits and spam checks.
    pub trust: crate::trust::TrustSettings,
    /// The kinds of legal complaint (`complaints::KINDS`) whose post is hidden as soon as the
    /// complaint is confirmed; others wait for a moderator's decision. None by default.
    pub complaints_hide_at_once: Vec<String>,
    /// The brand: the logo (a path on this site, `/media/NAME`), empty for the initial.
    pub logo_url: String,
    /// The accent colour, `#rrggbb`; empty for agora's green.
    pub accent_color: String,
    /// The image social networks show for the site's links (`og:image`), a path on this site;
    /// empty for none.
    pub social_image_url: String,
    /// The kinds of legal document with a published version (`netiquette`, `terms`,
    /// `privacy`): the footer links them.
    pub published_documents: Vec<String>,
    /// The emoji members react with, the like first (`reactions::emoji`).
    pub reactions: Vec<String>,
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
            trust: crate::trust::TrustSettings::default(),
            complaints_hide_at_once: Vec::new(),
            logo_url: String::new(),
            accent_color: String::new(),
            social_image_url: String::new(),
            published_documents: Vec::new(),
            reactions: crate::reactions::emoji::default_set(),
        }
    }
}

impl Site<'_> {
    /// The current settings (cached for a moment; see `SETTINGS_TTL`).
    pub async fn site_settings(self) -> Result<SiteSettings, StoreError> {
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

    async fn read_site_settings(self) -> Result<SiteSettings, StoreError> {
        let mut s = SiteSettings::default();
        for (key, value) in self.store.settings().await? {
            match key.as_str() {
                "name" => s.name = value,
                "goal" => s.goal = value,
                "netiquette" => s.netiquette = value,
                "members_may_create_groups" => s.members_may_create_groups = value == "true",
                "complaints_hide_at_once" => {
                    s.complaints_hide_at_once =
                        value.split_whitespace().map(str::to_owned).collect();
                }
                "featured_groups" => {
                    s.featured_groups = value.split_whitespace().map(str::to_owned).collect();
                }
                "rules_off" => {
                    s.registration_rules.off =
                        value.split_whitespace().map(str::to_owned).collect();
                }
                "rules_extra_names" => s.registration_rules.extra_names = lines(&value),
                "rules_extra_domains" => s.registration_rules.extra_domains = lines(&value),
                "registration_burst_per_10_min" => {
                    if let Ok(n) = value.parse() {
                        s.registration_rules.burst_per_10_min = n;
                    }
                }
                "word_filters" => {
                    s.word_filters = crate::filters::parse(&value).unwrap_or_default();
                    s.word_filters_text = value;
                }
                "logo_url" => s.logo_url = value,
                "accent_color" => s.accent_color = value,
                "social_image_url" => s.social_image_url = value,
                "reactions" => {
                    s.reactions = value.split_whitespace().map(str::to_owned).collect();
                }
                key => {
                    if let Some(knob) = key.strip_prefix("trust.")
                        && let Ok(n) = value.parse()
                    {
                        s.trust.set(knob, n);
                    }
                }
            }
        }
        s.published_documents = self
            .store
            .current_documents()
            .await?
            .into_iter()
            .map(|d| d.kind)
            .collect();
        // Rendered once per text and kept; when the pool is too busy to render a new one,
        // pages show it as plain text for the moment rather than fail.
        s.netiquette_html = match self.renderer.document(&s.netiquette).await {
            Ok(html) => html.to_string(),
            Err(_) => crate::content::markdown::plain_html(&s.netiquette),
        };
        Ok(s)
    }

    /// Refuses featuring a secret group: the featured list is public (`GET /site`, the
    /// landing page), and a secret group does not exist for anyone outside it. A slug that names
    /// no group yet is kept; the readers of the list apply the visibility policy all the same.
    async fn refuse_secret_features(self, slugs: &str) -> Result<(), Refused> {
        for slug in slugs.split_whitespace() {
            if let Some((group, _)) = self.store.group_by_slug(slug, None).await?
                && group.visibility == Visibility::Secret
            {
                return Err(Invalid::new(
                    "featured_groups",
                    "secret_group",
                    format!(
                        "{slug} is a secret group: only public and closed groups can be featured."
                    ),
                )
                .into());
            }
        }
        Ok(())
    }

    /// A secret for signing form timestamps, made on first use and shared by every node
    /// through the database.
    pub async fn form_secret(self) -> Result<String, StoreError> {
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
        self,
        viewer: &Viewer,
        patch: SiteSettingsPatch,
    ) -> Result<SiteSettings, Refused> {
        crate::audience::require(viewer, crate::audience::Duty::RunSite)?;
        let changed: Vec<&str> = [
            ("name", patch.name.is_some()),
            ("goal", patch.goal.is_some()),
            ("netiquette", patch.netiquette.is_some()),
            (
                "members_may_create_groups",
                patch.members_may_create_groups.is_some(),
            ),
            ("featured_groups", patch.featured_groups.is_some()),
            ("rules_off", patch.rules_off.is_some()),
            ("rules_extra_names", patch.rules_extra_names.is_some()),
            ("rules_extra_domains", patch.rules_extra_domains.is_some()),
            (
                "registration_burst_per_10_min",
                patch.registration_burst_per_10_min.is_some(),
            ),
            ("word_filters", patch.word_filters.is_some()),
            ("trust", !patch.trust.is_empty()),
            ("logo_url", patch.logo_url.is_some()),
            ("accent_color", patch.accent_color.is_some()),
            ("social_image_url", patch.social_image_url.is_some()),
            ("reactions", patch.reactions.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, set)| set.then_some(name))
        .collect();
        let mut writes = patch::validate(patch)?;
        // A brand image at another host is copied here first: the pages show only images of
        // their own origin.
        for (key, value) in &mut writes {
            if (key == "logo_url" || key == "social_image_url") && value.starts_with("https://") {
                *value = self.images.localize(value, None).await.map_err(|why| {
                    Invalid::new(
                        if key == "logo_url" { "logo_url" } else { "social_image_url" },
                        "invalid_image",
                        format!("The image could not be copied to this site: {why}. Give the address of a PNG, JPEG or WebP image that answers, or a copy already in this site's media (/media/…)."),
                    )
                })?;
            }
        }
        if let Some((_, slugs)) = writes.iter().find(|(key, _)| key == "featured_groups") {
            self.refuse_secret_features(slugs).await?;
        }
        let audit = self.audit_entry(
            viewer,
            "site.settings",
            crate::audit::Target::site(),
            None,
            changed.join(", "),
        );
        self.store.put_settings(&writes, self.now(), &audit).await?;
        if let Ok(mut guard) = self.settings_cache.write() {
            *guard = None;
        }
        Ok(self.site_settings().await?)
    }
}
