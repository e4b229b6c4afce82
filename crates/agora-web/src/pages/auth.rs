//! Sign up, sign in, sign out: errors shown next to the field that caused them, the input
//! kept (never the password).

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use serde::Deserialize;

use agora_core::consent::Document;
use agora_core::members::{Registration, SessionKind};

use crate::error::ApiError;
use crate::extract::{ApiForm as Form, ApiQuery as Query};
use crate::extract::{ClientAddr, clear_session_cookie, set_session_cookie};
use crate::pages::view::{Field, Layout, attach_error};
use crate::pages::{Page, render, see_other, urlencode};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "form_page.html")]
pub struct FormPage {
    pub layout: Layout,
    pub heading: String,
    pub intro: String,
    pub action: String,
    pub fields: Vec<Field>,
    pub submit: &'static str,
    pub footer: String,
    pub form_error: Option<String>,
    pub preview_id: Option<&'static str>,
    /// Hidden inputs (name, value).
    pub hidden: Vec<(&'static str, String)>,
    /// Whether to add the field only bots fill in.
    pub honeypot: bool,
}

#[derive(Debug, Default, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct SignupForm {
    /// The session's token, when a signed-in member uses the form.
    #[serde(default)]
    csrf: String,
    /// The honeypot: hidden from people, filled in by bots.
    #[serde(default)]
    website: String,
    /// When the form was shown, signed: see [`stamp`].
    #[serde(default)]
    started: String,
    accept_documents: Option<String>,
    email_bulletins: Option<String>,
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

/// A signed timestamp for a form: `SECONDS.SIGNATURE`.
fn stamp(secret: &str, secs: i64) -> String {
    let sig = &agora_core::members::session::hash_token(&format!("form:{secret}:{secs}"))[..16];
    format!("{secs}.{sig}")
}

fn now_secs() -> i64 {
    agora_core::time::Timestamp::now().0 / 1_000_000
}

/// Whether a signed timestamp is ours and between `min_secs` and a day old.
fn stamp_ok(secret: &str, started: &str, min_secs: i64, now: i64) -> bool {
    let Some((secs, _)) = started.split_once('.') else {
        return false;
    };
    let Ok(secs) = secs.parse::<i64>() else {
        return false;
    };
    stamp(secret, secs) == started && now - secs >= min_secs && now - secs <= 86_400
}

fn signup_page(page: &Page, form: &SignupForm, started: String, docs: &[Document]) -> FormPage {
    let next = page.safe_next(form.next.as_deref());
    let mut view = FormPage {
        layout: page.layout(
            "Sign up",
            &format!("Join {}.", page.site.name),
            "signup",
            false,
        ),
        heading: format!("Join {}", page.site.name),
        intro: page.site.goal.clone(),
        action: format!("/signup?next={}", urlencode(&next)),
        fields: vec![
            Field::new("username", "Username", "text", form.username.as_str())
                .autocomplete("username")
                .hint("3–24 letters, digits, _ or -. Shown to everyone."),
            Field::new(
                "display_name",
                "Display name",
                "text",
                form.display_name.as_str(),
            )
            .optional()
            .autocomplete("name")
            .hint("Your name as others see it; defaults to your username."),
            Field::new("email", "Email", "email", form.email.as_str())
                .autocomplete("email")
                .hint("Never shown to other members."),
            Field::new("password", "Password", "password", "")
                .autocomplete("new-password")
                .hint("At least 10 characters."),
        ],
        submit: "Create account",
        footer: format!(
            "Already a member? <a href=\"/signin?next={}\">Sign in</a>. By joining you agree to our <a href=\"/about\">netiquette</a>.",
            urlencode(&next)
        ),
        form_error: None,
        preview_id: None,
        hidden: vec![("started", started)],
        honeypot: true,
    };
    view.fields.push(
        Field::new(
            "email_bulletins",
            "Send me the community's bulletins by mail",
            "checkbox",
            form.email_bulletins.clone().unwrap_or_default(),
        )
        .optional()
        .hint("News, events and surveys; unsubscribe with one click from any of them."),
    );
    if !docs.is_empty() {
        let titles: Vec<String> = docs.iter().map(|d| d.title().to_lowercase()).collect();
        let value = if form.accept_documents.as_deref() == Some("true") {
            "true"
        } else {
            ""
        };
        view.fields.push(Field::new(
            "accept_documents",
            if titles.len() > 1 {
                "I have read and accept the rules linked below"
            } else {
                "I have read and accept the rule linked below"
            },
            "checkbox",
            value,
        ));
        let links: Vec<String> = docs
            .iter()
            .map(|d| format!("<a href=\"/legal/{}\">{}</a>", d.kind, d.title()))
            .collect();
        view.footer = format!("{} · {}", links.join(" · "), view.footer);
    }
    view
}

/// The sign-up form.
pub async fn signup_form(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<NextQuery>,
) -> Result<Response, ApiError> {
    let form = SignupForm {
        next: q.next,
        ..SignupForm::default()
    };
    let started = stamp(&state.agora.site().form_secret().await?, now_secs());
    let docs = state.agora.consent().documents().await?;
    Ok(render(&signup_page(&page, &form, started, &docs)))
}

/// Creates the account, signs it in, and goes where the member was heading.
pub async fn signup(
    State(state): State<AppState>,
    page: Page,
    ClientAddr(client): ClientAddr,
    Query(q): Query<NextQuery>,
    Form(mut form): Form<SignupForm>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    if form.next.is_none() {
        form.next = q.next;
    }
    let secret = state.agora.site().form_secret().await?;
    let fresh = stamp(&secret, now_secs());
    let automated = !form.website.is_empty();
    if automated
        || !stamp_ok(
            &secret,
            &form.started,
            state.config.signup_min_secs,
            now_secs(),
        )
    {
        let docs = state.agora.consent().documents().await?;
        let mut view = signup_page(&page, &form, fresh, &docs);
        view.form_error = Some(if automated {
            "This form looked filled in by a program. If you are a person, leave the hidden field empty and send it again.".into()
        } else {
            "That was quick! Please check your details and send the form again.".into()
        });
        let mut res = render(&view);
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(res);
    }
    let registration = Registration {
        username: form.username.clone(),
        email: form.email.clone(),
        password: form.password.clone(),
        display_name: form.display_name.clone(),
        accept_documents: form.accept_documents.as_deref() == Some("true"),
        email_opt_ins: if form.email_bulletins.as_deref() == Some("true") {
            vec!["email_bulletins".to_owned()]
        } else {
            Vec::new()
        },
    };
    match state
        .agora
        .accounts()
        .register(registration, SessionKind::Web, &client)
        .await
    {
        Ok((token, _)) => Ok(set_session_cookie(
            see_other(&page.safe_next(form.next.as_deref())),
            &state,
            &token,
        )),
        Err(e) => {
            let e = ApiError::from(e);
            if e.status.is_server_error() {
                return Err(e);
            }
            let docs = state.agora.consent().documents().await?;
            let mut view = signup_page(&page, &form, form.started.clone(), &docs);
            // Every field at fault shows its error at once.
            let mut unplaced = Vec::new();
            if e.fields.is_empty() {
                if !attach_error(&mut view.fields, e.field.as_deref(), &e.message) {
                    unplaced.push(e.message.clone());
                }
            } else {
                for f in &e.fields {
                    if !attach_error(&mut view.fields, Some(f.field), &f.message) {
                        unplaced.push(f.message.clone());
                    }
                }
            }
            if !unplaced.is_empty() {
                view.form_error = Some(unplaced.join(" "));
            }
            let mut res = render(&view);
            *res.status_mut() = e.status;
            Ok(res)
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct SigninForm {
    /// The session's token, when a signed-in member uses the form.
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

fn signin_page(page: &Page, form: &SigninForm) -> FormPage {
    let next = page.safe_next(form.next.as_deref());
    FormPage {
        layout: page.layout(
            "Sign in",
            &format!("Sign in to {}.", page.site.name),
            "signin",
            false,
        ),
        heading: "Sign in".into(),
        intro: String::new(),
        action: format!("/signin?next={}", urlencode(&next)),
        fields: vec![
            Field::new("login", "Username or email", "text", form.login.as_str())
                .autocomplete("username"),
            Field::new("password", "Password", "password", "").autocomplete("current-password"),
        ],
        submit: "Sign in",
        footer: format!(
            "<a href=\"/forgot\">Forgot your password?</a> New here? <a href=\"/signup?next={}\">Create an account</a>.",
            urlencode(&next)
        ),
        form_error: None,
        preview_id: None,
        hidden: Vec::new(),
        honeypot: false,
    }
}

/// The sign-in form.
pub async fn signin_form(page: Page, Query(q): Query<NextQuery>) -> Response {
    let form = SigninForm {
        next: q.next,
        ..SigninForm::default()
    };
    render(&signin_page(&page, &form))
}

/// Signs in and goes where the member was heading.
pub async fn signin(
    State(state): State<AppState>,
    page: Page,
    ClientAddr(client): ClientAddr,
    Query(q): Query<NextQuery>,
    Form(mut form): Form<SigninForm>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    if form.next.is_none() {
        form.next = q.next;
    }
    match state
        .agora
        .accounts()
        .login(&form.login, &form.password, SessionKind::Web, &client)
        .await
    {
        Ok((token, _)) => Ok(set_session_cookie(
            see_other(&page.safe_next(form.next.as_deref())),
            &state,
            &token,
        )),
        Err(e) => {
            let e = ApiError::from(e);
            if e.status.is_server_error() {
                return Err(e);
            }
            let mut view = signin_page(&page, &form);
            view.form_error = Some(e.message.clone());
            let mut res = render(&view);
            *res.status_mut() = e.status;
            if let Some(v) = e
                .retry_after_secs
                .and_then(|s| HeaderValue::from_str(&s.to_string()).ok())
            {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
            Ok(res)
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    pub csrf: String,
}

/// Ends the session.
pub async fn signout(
    State(state): State<AppState>,
    page: Page,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    if let Some(token) = &page.token {
        state.agora.accounts().logout(token).await?;
    }
    Ok(clear_session_cookie(see_other("/")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_stamps_are_signed_and_timed() {
        let s = stamp("secret", 1_000);
        assert!(stamp_ok("secret", &s, 3, 1_003));
        assert!(!stamp_ok("secret", &s, 3, 1_002), "too fast");
        assert!(!stamp_ok("secret", &s, 3, 1_000 + 86_401), "too old");
        assert!(!stamp_ok("other", &s, 3, 1_010), "another secret");
        assert!(
            !stamp_ok("secret", "1000.0000000000000000", 3, 1_010),
            "forged"
        );
        assert!(!stamp_ok("secret", "", 0, 1_010));
    }
}
