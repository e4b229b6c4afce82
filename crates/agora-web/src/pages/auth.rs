//! Sign up, sign in, sign out: errors shown next to the field that caused them, the input
//! kept (never the password).

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::Response;
use serde::Deserialize;

use agora_core::members::{Registration, SessionKind};

use crate::error::ApiError;
use crate::extract::{ClientAddr, clear_session_cookie, set_session_cookie};
use crate::pages::view::{Field, Layout, attach_error};
use crate::pages::{Page, render, safe_next, see_other, urlencode};
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
}

#[derive(Debug, Default, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct SignupForm {
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

fn signup_page(page: &Page, form: &SignupForm) -> FormPage {
    let next = safe_next(form.next.as_deref());
    FormPage {
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
    }
}

/// The sign-up form.
pub async fn signup_form(page: Page, Query(q): Query<NextQuery>) -> Response {
    let form = SignupForm {
        next: q.next,
        ..SignupForm::default()
    };
    render(&signup_page(&page, &form))
}

/// Creates the account, signs it in, and goes where the member was heading.
pub async fn signup(
    State(state): State<AppState>,
    page: Page,
    ClientAddr(client): ClientAddr,
    Query(q): Query<NextQuery>,
    Form(mut form): Form<SignupForm>,
) -> Result<Response, ApiError> {
    if form.next.is_none() {
        form.next = q.next;
    }
    let registration = Registration {
        username: form.username.clone(),
        email: form.email.clone(),
        password: form.password.clone(),
        display_name: form.display_name.clone(),
    };
    match state
        .agora
        .register(registration, SessionKind::Web, &client)
        .await
    {
        Ok((token, _)) => Ok(set_session_cookie(
            see_other(&safe_next(form.next.as_deref())),
            &state,
            &token,
        )),
        Err(e) => {
            let e = ApiError::from(e);
            if e.status.is_server_error() {
                return Err(e);
            }
            let mut view = signup_page(&page, &form);
            if !attach_error(&mut view.fields, e.field, &e.message) {
                view.form_error = Some(e.message.clone());
            }
            let mut res = render(&view);
            *res.status_mut() = e.status;
            Ok(res)
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct SigninForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

fn signin_page(page: &Page, form: &SigninForm) -> FormPage {
    let next = safe_next(form.next.as_deref());
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
    if form.next.is_none() {
        form.next = q.next;
    }
    match state
        .agora
        .login(&form.login, &form.password, SessionKind::Web, &client)
        .await
    {
        Ok((token, _)) => Ok(set_session_cookie(
            see_other(&safe_next(form.next.as_deref())),
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
        state.agora.logout(token).await?;
    }
    Ok(clear_session_cookie(see_other("/")))
}
