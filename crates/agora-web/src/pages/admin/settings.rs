//! The site's settings: the form and saving it.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use agora_core::members::plausibility::RULES;
use agora_core::site::SiteSettingsPatch;

use super::{NoticeQuery, require_admin};
use crate::error::ApiError;
use crate::extract::{ApiForm as Form, ApiQuery as Query};
use crate::pages::view::{Field, Layout, attach_error};
use crate::pages::{Page, render, see_other};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "admin.html")]
struct Settings {
    layout: Layout,
    tab: &'static str,
    fields: Vec<Field>,
    members_may_create_groups: bool,
    rules: Vec<RuleRow>,
    rule_fields: Vec<Field>,
    /// (kind, what the form says, hidden at once)
    complaint_kinds: Vec<(&'static str, &'static str, bool)>,
    notice: Option<&'static str>,
    form_error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
/// The settings form. Each text field is optional: a field the request does not carry keeps
/// its setting (a form built by hand, or an older copy of the page, erases nothing it lacks).
pub struct SettingsForm {
    #[serde(default)]
    csrf: String,
    name: Option<String>,
    goal: Option<String>,
    netiquette: Option<String>,
    featured_groups: Option<String>,
    logo_url: Option<String>,
    accent_color: Option<String>,
    social_image_url: Option<String>,
    reactions: Option<String>,
    members_may_create_groups: Option<String>,
    rules_extra_names: Option<String>,
    rules_extra_domains: Option<String>,
    rule_fake_name: Option<String>,
    rule_keyboard_mash: Option<String>,
    rule_name_is_email: Option<String>,
    rule_name_is_url: Option<String>,
    rule_disposable_email: Option<String>,
    rule_registration_burst: Option<String>,
    registration_burst_per_10_min: Option<String>,
    word_filters: Option<String>,
    hide_defamation: Option<String>,
    hide_copyright: Option<String>,
    hide_privacy: Option<String>,
    hide_other: Option<String>,
}

impl SettingsForm {
    /// The kinds of legal complaint whose box is ticked.
    fn hide_at_once(&self) -> Vec<String> {
        [
            ("defamation", &self.hide_defamation),
            ("copyright", &self.hide_copyright),
            ("privacy", &self.hide_privacy),
            ("other", &self.hide_other),
        ]
        .into_iter()
        .filter(|(_, on)| on.is_some())
        .map(|(kind, _)| kind.to_owned())
        .collect()
    }

    /// The codes of the rules whose box is not ticked.
    fn rules_off(&self) -> Vec<&'static str> {
        [
            ("fake_name", &self.rule_fake_name),
            ("keyboard_mash", &self.rule_keyboard_mash),
            ("name_is_email", &self.rule_name_is_email),
            ("name_is_url", &self.rule_name_is_url),
            ("disposable_email", &self.rule_disposable_email),
            ("registration_burst", &self.rule_registration_burst),
        ]
        .into_iter()
        .filter(|(_, on)| on.is_none())
        .map(|(code, _)| code)
        .collect()
    }
}

/// A registration rule on the admin page.
pub struct RuleRow {
    code: &'static str,
    description: &'static str,
    on: bool,
}

fn settings_page(page: &Page, form: &SettingsForm, may_create: bool, off: &[&str]) -> Settings {
    Settings {
        layout: page.layout("Admin", "Site settings.", "admin", true),
        tab: "settings",
        fields: vec![
            Field::new("name", "Community name", "text", form.name.as_deref().unwrap_or_default()),
            Field::new("goal", "Goal", "textarea", form.goal.as_deref().unwrap_or_default())
                .optional()
                .hint("One or two sentences on the landing page: what the community is for."),
            Field::new(
                "netiquette",
                "Netiquette",
                "textarea",
                form.netiquette.as_deref().unwrap_or_default(),
            )
            .optional()
            .preview("netiquette-preview")
            .hint("Markdown. Summarised on the landing page, shown whole on /about."),
            Field::new(
                "featured_groups",
                "Featured groups",
                "text",
                form.featured_groups.as_deref().unwrap_or_default(),
            )
            .optional()
            .hint("The addresses (slugs) of public or closed groups to show first on the landing page, separated by commas, e.g. getting-started, rides."),
            Field::new("logo_url", "Logo", "text", form.logo_url.as_deref().unwrap_or_default())
                .optional()
                .hint("A square image shown beside the name: a path on this site (/media/…) or an https:// address, which is copied here. Empty: the name's initial."),
            Field::new(
                "accent_color",
                "Accent colour",
                "text",
                form.accent_color.as_deref().unwrap_or_default(),
            )
            .optional()
            .hint("Buttons and links, as #rrggbb (e.g. #0b6e4f). Empty: agora's green."),
            Field::new(
                "social_image_url",
                "Social image",
                "text",
                form.social_image_url.as_deref().unwrap_or_default(),
            )
            .optional()
            .hint("The picture social networks show with links to the site (og:image), 1200×630 at best; as the logo."),
            Field::new("reactions", "Reactions", "text", form.reactions.as_deref().unwrap_or_default())
                .hint("The emoji members react with, separated by spaces, 1 to 12; the first is the like, e.g. ❤️ 👍 😄 🎉 🤔 👀."),
        ],
        members_may_create_groups: may_create,
        rules: RULES
            .iter()
            .map(|(code, description)| RuleRow {
                code,
                description,
                on: !off.contains(code),
            })
            .collect(),
        rule_fields: vec![
            Field::new(
                "registration_burst_per_10_min",
                "New accounts from one network address in ten minutes",
                "number",
                form.registration_burst_per_10_min.as_deref().unwrap_or_default(),
            )
            .hint("Rule registration_burst. Raise it for an event where many people sign up on one Wi-Fi; behind a reverse proxy, set trusted_proxies (see the README) so that each person counts on their own."),
            Field::new(
                "rules_extra_names",
                "More names to refuse",
                "textarea",
                form.rules_extra_names.as_deref().unwrap_or_default(),
            )
            .optional()
            .hint("One per line, e.g. the names of your products or people often impersonated."),
            Field::new(
                "rules_extra_domains",
                "More mail domains to refuse",
                "textarea",
                form.rules_extra_domains.as_deref().unwrap_or_default(),
            )
            .optional()
            .hint("One per line; subdomains are refused too."),
            Field::new("word_filters", "Word filters", "textarea", form.word_filters.as_deref().unwrap_or_default())
                .optional()
                .hint("One rule per line: block WORD (refused), hold WORD (hidden until a moderator looks), replace WORD => NEW."),
        ],
        complaint_kinds: {
            let hidden = form.hide_at_once();
            agora_core::complaints::KINDS
                .iter()
                .map(|(kind, label)| (*kind, *label, hidden.iter().any(|k| k == kind)))
                .collect()
        },
        notice: None,
        form_error: None,
    }
}

/// `/admin`: the settings form.
pub async fn settings_form(page: Page, Query(q): Query<NoticeQuery>) -> Result<Response, ApiError> {
    require_admin(&page)?;
    let hidden = &page.site.complaints_hide_at_once;
    let ticked = |kind: &str| hidden.iter().any(|k| k == kind).then(|| "on".to_owned());
    let form = SettingsForm {
        csrf: String::new(),
        name: Some(page.site.name.clone()),
        goal: Some(page.site.goal.clone()),
        netiquette: Some(page.site.netiquette.clone()),
        featured_groups: Some(page.site.featured_groups.join(", ")),
        logo_url: Some(page.site.logo_url.clone()),
        accent_color: Some(page.site.accent_color.clone()),
        social_image_url: Some(page.site.social_image_url.clone()),
        reactions: Some(page.site.reactions.join(" ")),
        members_may_create_groups: None,
        rules_extra_names: Some(page.site.registration_rules.extra_names.join("\n")),
        rules_extra_domains: Some(page.site.registration_rules.extra_domains.join("\n")),
        rule_fake_name: None,
        rule_keyboard_mash: None,
        rule_name_is_email: None,
        rule_name_is_url: None,
        rule_disposable_email: None,
        rule_registration_burst: None,
        registration_burst_per_10_min: Some(
            page.site.registration_rules.burst_per_10_min.to_string(),
        ),
        word_filters: Some(page.site.word_filters_text.clone()),
        hide_defamation: ticked("defamation"),
        hide_copyright: ticked("copyright"),
        hide_privacy: ticked("privacy"),
        hide_other: ticked("other"),
    };
    let off: Vec<&str> = page
        .site
        .registration_rules
        .off
        .iter()
        .map(String::as_str)
        .collect();
    let mut view = settings_page(&page, &form, page.site.members_may_create_groups, &off);
    view.notice = (q.notice.as_deref() == Some("saved")).then_some("Settings saved.");
    Ok(render(&view))
}

/// Saves the settings.
pub async fn settings(
    State(state): State<AppState>,
    page: Page,
    Form(form): Form<SettingsForm>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    let may_create = form.members_may_create_groups.as_deref() == Some("true");
    let patch = SiteSettingsPatch {
        name: form.name.clone(),
        goal: form.goal.clone(),
        netiquette: form.netiquette.clone(),
        featured_groups: form.featured_groups.clone(),
        members_may_create_groups: Some(may_create),
        rules_off: Some(form.rules_off().join(" ")),
        rules_extra_names: form.rules_extra_names.clone(),
        rules_extra_domains: form.rules_extra_domains.clone(),
        // Not a number: 0, which the settings refuse with the field's own message.
        registration_burst_per_10_min: form
            .registration_burst_per_10_min
            .as_deref()
            .map(|n| n.trim().parse().unwrap_or(0)),
        word_filters: form.word_filters.clone(),
        trust: Vec::new(),
        complaints_hide_at_once: Some(form.hide_at_once()),
        logo_url: form.logo_url.clone(),
        accent_color: form.accent_color.clone(),
        social_image_url: form.social_image_url.clone(),
        reactions: form.reactions.clone(),
    };
    match state
        .agora
        .site()
        .update_site_settings(&page.viewer, patch)
        .await
    {
        Ok(_) => Ok(see_other("/admin?notice=saved")),
        Err(agora_core::error::Refused::Invalid(i)) => {
            let mut view = settings_page(&page, &form, may_create, &form.rules_off());
            let e = ApiError::from(i);
            if !attach_error(&mut view.fields, e.field.as_deref(), &e.message) {
                view.form_error = Some(e.message.clone());
            }
            let mut res = render(&view);
            *res.status_mut() = e.status;
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}
