//! Trust on the site: a member's own level and what the next one needs, the admins' page of
//! thresholds and limits, setting a member's level by hand, and flagging a member.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use agora_core::error::Refused;
use agora_core::flags::MEMBER_REASONS;
use agora_core::site::SiteSettingsPatch;
use agora_core::trust::TrustLevel;

use crate::error::ApiError;
use crate::extract::{ApiForm as Form, ApiPath as Path, ApiQuery as Query};
use crate::pages::admin::require_admin;
use crate::pages::view::Layout;
use crate::pages::{Page, render, see_other};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "trust.html")]
struct MyTrust {
    layout: Layout,
    level: i64,
    name: &'static str,
    explanation: &'static str,
    locked: bool,
    stats: Vec<(&'static str, i64)>,
    next: Vec<(&'static str, i64, i64)>,
}

fn explanation(level: TrustLevel) -> &'static str {
    match level {
        TrustLevel::New => {
            "Welcome! New members post with a few limits (links, images, mentions, posts a day) \
             while they find their feet. Reading a little lifts them."
        }
        TrustLevel::Basic => "You know your way around: the newcomer limits are lifted.",
        TrustLevel::Member => "You visit and take part regularly. Thank you.",
        TrustLevel::Regular => "You are one of the community's pillars.",
        TrustLevel::Leader => "You lead this community with its staff.",
    }
}

/// `/settings/trust`: the member's own level and record.
pub async fn mine(State(state): State<AppState>, page: Page) -> Result<Response, ApiError> {
    let report = state.agora.trust().my_trust(&page.viewer).await?;
    let s = report.stats;
    Ok(render(&MyTrust {
        layout: page.layout("Your trust level", "Your trust level.", "", true),
        level: report.level.number(),
        name: report.level.name(),
        explanation: explanation(report.level),
        locked: report.locked,
        stats: vec![
            ("Days visited", s.days_visited),
            ("Topics entered", s.topics_entered),
            ("Posts read", s.posts_read),
            ("Minutes spent reading", s.read_minutes),
            ("Topics replied to", s.topics_replied),
            ("Posts written", s.posts_written),
            ("Confirmed flags (recent)", s.confirmed_flags),
        ],
        next: report.next,
    }))
}

pub struct KnobRow {
    key: &'static str,
    label: &'static str,
    max: i64,
    value: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "admin_trust.html")]
struct AdminTrust {
    layout: Layout,
    tab: &'static str,
    knobs: Vec<KnobRow>,
    notice: Option<&'static str>,
    form_error: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

fn admin_page(page: &Page, values: &[(String, String)]) -> AdminTrust {
    let knobs = page
        .site
        .trust
        .entries()
        .map(|(k, v)| KnobRow {
            key: k.key,
            label: k.label,
            max: k.max,
            value: values
                .iter()
                .find(|(key, _)| key == k.key)
                .map_or_else(|| v.to_string(), |(_, typed)| typed.clone()),
            error: None,
        })
        .collect();
    AdminTrust {
        layout: page.layout("Admin: trust", "Trust levels.", "admin", true),
        tab: "trust",
        knobs,
        notice: None,
        form_error: None,
    }
}

/// `/admin/trust`: the thresholds, newcomer limits and spam check.
pub async fn admin_form(page: Page, Query(q): Query<NoticeQuery>) -> Result<Response, ApiError> {
    require_admin(&page)?;
    let mut view = admin_page(&page, &[]);
    view.notice = (q.notice.as_deref() == Some("saved")).then_some("Trust settings saved.");
    Ok(render(&view))
}

/// Saves the trust settings; a bad value is shown beside its field and nothing is saved.
pub async fn admin_save(
    State(state): State<AppState>,
    page: Page,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let csrf = fields
        .iter()
        .find(|(k, _)| k == "csrf")
        .map_or("", |(_, v)| v.as_str());
    page.check_csrf(csrf)?;
    let values: Vec<(String, String)> = fields.into_iter().filter(|(k, _)| k != "csrf").collect();
    let patch = SiteSettingsPatch {
        trust: values.clone(),
        ..Default::default()
    };
    match state
        .agora
        .site()
        .update_site_settings(&page.viewer, patch)
        .await
    {
        Ok(_) => Ok(see_other("/admin/trust?notice=saved")),
        Err(Refused::Invalid(i)) => {
            let mut view = admin_page(&page, &values);
            let e = ApiError::from(i);
            match view
                .knobs
                .iter_mut()
                .find(|k| Some(k.key) == e.field.as_deref())
            {
                Some(k) => k.error = Some(e.message.clone()),
                None => view.form_error = Some(e.message.clone()),
            }
            let mut res = render(&view);
            *res.status_mut() = e.status;
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct LevelForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    level: String,
}

/// Sets a member's level by hand (`auto` returns it to being computed).
pub async fn set_level(
    State(state): State<AppState>,
    page: Page,
    Path(username): Path<String>,
    Form(form): Form<LevelForm>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    let level = match form.level.as_str() {
        "auto" => None,
        n => Some(n.parse::<i64>().map_err(|_| {
            agora_core::Invalid::new("level", "out_of_range", "Choose a level from 0 to 4.")
        })?),
    };
    state
        .agora
        .trust()
        .set_trust_level(&page.viewer, &username, level)
        .await?;
    Ok(see_other("/admin/members?notice=trust"))
}

#[derive(Template)]
#[template(path = "flag_member.html")]
struct FlagMember {
    layout: Layout,
    username: String,
    display_name: String,
    reasons: Vec<(&'static str, &'static str)>,
}

/// `/u/{username}/flag`: why is this member a problem?
pub async fn flag_form(
    State(state): State<AppState>,
    page: Page,
    Path(username): Path<String>,
) -> Result<Response, ApiError> {
    if page.viewer.id().is_none() {
        return Err(ApiError::sign_in_required());
    }
    let profile = state
        .agora
        .accounts()
        .profile(&page.viewer, &username)
        .await?;
    Ok(render(&FlagMember {
        layout: page.layout(
            "Flag a member",
            "Flag a member for the moderators.",
            "",
            true,
        ),
        username: profile.member.username.clone(),
        display_name: profile.member.display_name.clone(),
        reasons: MEMBER_REASONS.to_vec(),
    }))
}

#[derive(Debug, Deserialize)]
pub struct FlagForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    note: String,
}

/// Sends the flag and goes back to the profile.
pub async fn flag(
    State(state): State<AppState>,
    page: Page,
    Path(username): Path<String>,
    Form(form): Form<FlagForm>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    state
        .agora
        .moderation()
        .flag_member(&page.viewer, &username, &form.reason, &form.note)
        .await?;
    Ok(see_other(&format!("/u/{username}?notice=flagged")))
}
