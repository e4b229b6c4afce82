//! Mail a member chose to get: their choices, the unsubscribe page every such mail links to,
//! and the admins' bulletins.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use agora_core::error::Refused;
use agora_core::mailings::{OPT_INS, OptIn};

use crate::error::ApiError;
use crate::extract::{ApiForm as Form, ApiPath as Path, ApiQuery as Query};
use crate::pages::admin::require_admin;
use crate::pages::view::{Field, Layout, attach_error, date};
use crate::pages::{Page, render, see_other};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "email_preferences.html")]
struct Preferences {
    layout: Layout,
    opt_ins: Vec<OptIn>,
    notice: Option<&'static str>,
}

#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

/// `/settings/email-preferences`.
pub async fn preferences(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, ApiError> {
    let opt_ins = state
        .agora
        .mailings()
        .email_preferences(&page.viewer)
        .await?;
    Ok(render(&Preferences {
        layout: page.layout("Mail you get", "Mail you get.", "", true),
        opt_ins,
        notice: (q.notice.as_deref() == Some("saved")).then_some("Saved."),
    }))
}

/// Saves the choices: a box left unticked is a no.
pub async fn save_preferences(
    State(state): State<AppState>,
    page: Page,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let csrf = fields
        .iter()
        .find(|(k, _)| k == "csrf")
        .map_or("", |(_, v)| v.as_str());
    page.check_csrf(csrf)?;
    let choices: Vec<(String, bool)> = OPT_INS
        .iter()
        .map(|(subject, _, _)| {
            let on = fields.iter().any(|(k, v)| k == subject && v == "true");
            ((*subject).to_owned(), on)
        })
        .collect();
    state
        .agora
        .mailings()
        .set_email_preferences(&page.viewer, &choices)
        .await?;
    Ok(see_other("/settings/email-preferences?notice=saved"))
}

#[derive(Template)]
#[template(path = "unsubscribe.html")]
struct Unsubscribe {
    layout: Layout,
    heading: String,
    text: String,
    token: String,
    show_button: bool,
}

/// `/unsubscribe/{token}`: asks before unsubscribing, since mail scanners follow links.
pub async fn unsubscribe_form(
    State(state): State<AppState>,
    page: Page,
    Path(token): Path<String>,
) -> Result<Response, ApiError> {
    let (name, granted) = state.agora.mailings().unsubscribe_target(&token).await?;
    let (heading, text) = if granted {
        (
            format!("Unsubscribe from {}?", name.to_lowercase()),
            format!(
                "You will no longer get {} by mail. You can switch them on again in your settings.",
                name.to_lowercase()
            ),
        )
    } else {
        (
            "You are unsubscribed".to_owned(),
            format!("You do not get {} by mail.", name.to_lowercase()),
        )
    };
    Ok(render(&Unsubscribe {
        layout: page.layout("Unsubscribe", "Unsubscribe.", "", true),
        heading,
        text,
        token,
        show_button: granted,
    }))
}

/// Unsubscribes: the button on the page, or a mail program's one-click POST (RFC 8058).
pub async fn unsubscribe(
    State(state): State<AppState>,
    page: Page,
    Path(token): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let csrf = fields
        .iter()
        .find(|(k, _)| k == "csrf")
        .map_or("", |(_, v)| v.as_str());
    page.check_csrf(csrf)?;
    let name = state.agora.mailings().unsubscribe(&token).await?;
    Ok(render(&Unsubscribe {
        layout: page.layout("Unsubscribed", "Unsubscribed.", "", true),
        heading: "You are unsubscribed".into(),
        text: format!("You will no longer get {} by mail.", name.to_lowercase()),
        token,
        show_button: false,
    }))
}

#[derive(Template)]
#[template(path = "admin_bulletins.html")]
struct Bulletins {
    layout: Layout,
    tab: &'static str,
    audience: i64,
    fields: Vec<Field>,
    /// (subject, by, iso time, shown time, sent, recipients)
    sent: Vec<(String, String, String, String, i64, i64)>,
    notice: Option<&'static str>,
    form_error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct BulletinForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    body: String,
}

async fn bulletins_page(
    state: &AppState,
    page: &Page,
    form: &BulletinForm,
) -> Result<Bulletins, ApiError> {
    let audience = state
        .agora
        .mailings()
        .bulletin_audience(&page.viewer)
        .await?;
    let sent = state.agora.mailings().bulletins(&page.viewer).await?;
    Ok(Bulletins {
        layout: page.layout("Admin: bulletins", "Bulletins.", "admin", true),
        tab: "bulletins",
        audience,
        fields: vec![
            Field::new("subject", "Subject", "text", form.subject.as_str()),
            Field::new("body", "Text", "textarea", form.body.as_str()).hint(
                "Plain text; each member's mail adds a greeting and a one-click unsubscribe link.",
            ),
        ],
        sent: sent
            .into_iter()
            .map(|b| {
                (
                    b.subject,
                    b.sent_by,
                    b.created_at.to_rfc3339(),
                    date(b.created_at),
                    b.sent,
                    b.recipients,
                )
            })
            .collect(),
        notice: None,
        form_error: None,
    })
}

/// `/admin/bulletins`.
pub async fn bulletins(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, ApiError> {
    require_admin(&page)?;
    let mut view = bulletins_page(&state, &page, &BulletinForm::default()).await?;
    view.notice = (q.notice.as_deref() == Some("sent")).then_some("The bulletin is on its way.");
    Ok(render(&view))
}

/// Sends a bulletin.
pub async fn send(
    State(state): State<AppState>,
    page: Page,
    Form(form): Form<BulletinForm>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    match state
        .agora
        .mailings()
        .send_bulletin(&page.viewer, &form.subject, &form.body)
        .await
    {
        Ok(_) => Ok(see_other("/admin/bulletins?notice=sent")),
        Err(Refused::Invalid(i)) => {
            let mut view = bulletins_page(&state, &page, &form).await?;
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
