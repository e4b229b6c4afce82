//! A member's profile (public activity only, as the policy allows) and one's own settings.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use agora_core::members::ProfileUpdate;

use crate::error::ApiError;
use crate::extract::{ApiForm as Form, ApiPath as Path, ApiQuery as Query};
use crate::pages::auth::FormPage;
use crate::pages::view::{Field, Layout, ago, attach_error, date, hue, initial};
use crate::pages::{Page, render, see_other};
use crate::state::AppState;
use agora_core::content::markdown::excerpt;

pub struct ActivityRow {
    url: String,
    topic_title: String,
    group_slug: String,
    group_name: String,
    iso: String,
    ago: String,
    excerpt: String,
}

#[derive(Template)]
#[template(path = "profile.html")]
struct Profile {
    layout: Layout,
    username: String,
    display_name: String,
    initial: String,
    hue: u8,
    /// The avatar's largest size, if the member has one.
    avatar: Option<String>,
    role: &'static str,
    bio: String,
    joined: String,
    joined_iso: String,
    post_count: i64,
    groups: Vec<(String, String, &'static str)>,
    posts: Vec<ActivityRow>,
    is_me: bool,
    can_flag: bool,
    /// The kinds' actions on another member's profile: (label, address).
    actions: Vec<(&'static str, String)>,
    /// Whether the viewer may block or ignore them (a signed-in member, not on a staff
    /// member's profile: the staff cannot be blocked), and whether they do.
    can_block: bool,
    blocked: bool,
    ignored: bool,
    trust_level: i64,
    trust_name: &'static str,
    notice: Option<&'static str>,
}

#[derive(Debug, Deserialize)]
pub struct ProfileQuery {
    notice: Option<String>,
}

/// `/u/{username}`.
pub async fn profile(
    State(state): State<AppState>,
    page: Page,
    Path(username): Path<String>,
    Query(q): Query<ProfileQuery>,
) -> Result<Response, ApiError> {
    let profile = state
        .agora
        .accounts()
        .profile(&page.viewer, &username)
        .await?;
    let m = &profile.member;
    let groups = state.agora.groups().groups_of(&page.viewer, m.id).await?;
    let posts = state
        .agora
        .site()
        .member_posts(&page.viewer, &username, None, 20)
        .await?;
    let avatar = state.agora.media().avatar_of(m.id).await?;
    let other = page.viewer.id().is_some_and(|me| me != m.id);
    let can_block = other && m.role == agora_core::viewer::SiteRole::Member;
    let blocks = if can_block {
        state.agora.accounts().blocks(&page.viewer).await?
    } else {
        Vec::new()
    };
    let set = |kind| blocks.iter().any(|b| b.member == m.id && b.kind == kind);
    let description = if m.bio.is_empty() {
        format!("{} on {}", m.display_name, page.site.name)
    } else {
        m.bio.clone()
    };
    Ok(render(&Profile {
        layout: page.layout(&m.display_name, &description, "", false),
        username: m.username.clone(),
        display_name: m.display_name.clone(),
        initial: initial(&m.display_name, &m.username),
        hue: hue(&m.username),
        avatar: avatar.map(|a| a.url(192).to_owned()),
        role: m.role.as_str(),
        trust_level: m.trust().number(),
        trust_name: m.trust().name(),
        can_flag: other,
        actions: crate::kinds::KINDS
            .iter()
            .filter_map(|k| k.profile_action)
            .map(|(label, to)| (label, to(&m.username)))
            .collect(),
        can_block,
        blocked: set(agora_core::members::blocks::BlockKind::Block),
        ignored: set(agora_core::members::blocks::BlockKind::Ignore),
        notice: match q.notice.as_deref() {
            Some("flagged") => Some("Thank you: the moderators will look at it."),
            Some(n) => profile_notice(n),
            None => None,
        },
        bio: m.bio.clone(),
        joined: date(m.created_at),
        joined_iso: m.created_at.to_rfc3339(),
        post_count: profile.visible_post_count,
        groups: groups
            .into_iter()
            .map(|(g, r)| (g.slug, g.name, r.as_str()))
            .collect(),
        posts: posts
            .iter()
            .map(|p| ActivityRow {
                url: format!("/p/{}", p.post.id.0),
                topic_title: p.topic_title.clone(),
                group_slug: p.group_slug.clone(),
                group_name: p.group_name.clone(),
                iso: p.post.created_at.to_rfc3339(),
                ago: ago(p.post.created_at),
                excerpt: excerpt(&p.post.body_markdown, 200),
            })
            .collect(),
        is_me: page.viewer.id() == Some(m.id),
    }))
}

#[derive(Debug, Default, Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    bio: String,
}

fn settings_page(page: &Page, form: &SettingsForm, email: &str) -> FormPage {
    FormPage {
        layout: page.layout("Your profile", "Edit your profile.", "", true),
        heading: "Your profile".into(),
        intro: format!("Signed in with {email} (only you and the admins see it)."),
        action: "/settings".into(),
        fields: vec![
            Field::new(
                "display_name",
                "Display name",
                "text",
                form.display_name.as_str(),
            )
            .autocomplete("name"),
            Field::new("bio", "About you", "textarea", form.bio.as_str())
                .optional()
                .hint("Up to 1,000 characters, shown on your profile."),
        ],
        submit: "Save",
        footer: "<a href=\"/settings/avatar\">Your avatar</a> · <a href=\"/settings/trust\">Your trust level</a> · <a href=\"/settings/blocks\">Blocked and ignored members</a> · <a href=\"/settings/email-preferences\">Mail you get</a> · <a href=\"/settings/email\">Change your email address</a> · <a href=\"/forgot\">Change your password</a> · <a href=\"/settings/export\">Download your data</a> · <a href=\"/settings/erase\">Erase your account</a>".into(),
        form_error: None,
        preview_id: None,
        hidden: Vec::new(),
        honeypot: false,
    }
}

/// The profile form.
pub async fn settings_form(
    State(state): State<AppState>,
    page: Page,
) -> Result<Response, ApiError> {
    let me = state.agora.accounts().me(&page.viewer).await?;
    let form = SettingsForm {
        csrf: String::new(),
        display_name: me.display_name.clone(),
        bio: me.bio.clone(),
    };
    Ok(render(&settings_page(&page, &form, &me.email)))
}

/// Saves the profile.
pub async fn settings(
    State(state): State<AppState>,
    page: Page,
    Form(form): Form<SettingsForm>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    let update = ProfileUpdate {
        display_name: Some(form.display_name.clone()),
        bio: Some(form.bio.clone()),
    };
    match state
        .agora
        .accounts()
        .update_profile(&page.viewer, update)
        .await
    {
        Ok(me) => Ok(see_other(&format!("/u/{}", me.username))),
        Err(agora_core::error::Refused::Invalid(i)) => {
            let me = state.agora.accounts().me(&page.viewer).await?;
            let mut view = settings_page(&page, &form, &me.email);
            let e = ApiError::from(i);
            attach_error(&mut view.fields, e.field.as_deref(), &e.message);
            let mut res = render(&view);
            *res.status_mut() = e.status;
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}

/// The notice a profile shows after one of its buttons.
fn profile_notice(notice: &str) -> Option<&'static str> {
    Some(match notice {
        "block" => {
            "Blocked. Neither of you can start a conversation with the other, and conversations they are in are hidden from you. They are not told."
        }
        "unblock" => "Unblocked.",
        "ignore" => {
            "Ignored. Their posts and messages are collapsed for you, behind a line you can open. They are not told."
        }
        "unignore" => "You no longer ignore them.",
        _ => return None,
    })
}
