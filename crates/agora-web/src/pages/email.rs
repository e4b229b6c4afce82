//! The pages a mail links to: confirming an address, choosing a new password; and the forms
//! that send such mail (forgotten password, a new address, the verification link again).

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use agora_core::members::EmailError;

use crate::error::ApiError;
use crate::extract::ClientAddr;
use crate::extract::{ApiForm as Form, ApiPath as Path};
use crate::pages::auth::{CsrfOnly, FormPage};
use crate::pages::view::{Field, Layout, attach_error};
use crate::pages::{Page, render};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "message.html")]
pub struct Message {
    pub layout: Layout,
    pub heading: String,
    pub text: String,
    pub link_href: String,
    pub link_text: String,
}

pub(crate) fn message(page: &Page, heading: &str, text: &str, link: (&str, &str)) -> Response {
    render(&Message {
        layout: page.layout(heading, text, "", true),
        heading: heading.to_owned(),
        text: text.to_owned(),
        link_href: link.0.to_owned(),
        link_text: link.1.to_owned(),
    })
}

/// `/verify/{token}`: the link in the verification mail.
pub async fn verify_form(page: Page, Path(token): Path<String>) -> Result<Response, ApiError> {
    Ok(render(&crate::pages::view::ConfirmLink {
        layout: page.layout(
            "Confirm your address",
            "Confirm your email address.",
            "",
            true,
        ),
        heading: "Confirm your address",
        text: "Confirm that this address is yours, and it becomes your account's address.",
        otherwise: "If you did not ask for this, close this page and nothing happens.",
        action: format!("/verify/{token}"),
        button: "Confirm my address",
    }))
}

/// The confirmation page's button: confirms the address.
pub async fn verify(
    State(state): State<AppState>,
    page: Page,
    Path(token): Path<String>,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    let member = state.agora.accounts().confirm_email(&token).await?;
    let text = format!(
        "Thank you, {}: your address {} is confirmed and you can post.",
        member.display_name, member.email
    );
    let mut layout = page.layout("Email address confirmed", &text, "", true);
    // The page's context was read before the confirmation; the banner must not linger.
    if let Some(v) = layout.viewer.as_mut()
        && v.username == member.username
    {
        v.verified = true;
    }
    Ok(render(&Message {
        layout,
        heading: "Email address confirmed".into(),
        text,
        link_href: "/groups".into(),
        link_text: "Find a group".into(),
    }))
}

/// Sends the verification link again.
pub async fn resend(
    State(state): State<AppState>,
    page: Page,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    state
        .agora
        .accounts()
        .resend_verification(&page.viewer)
        .await?;
    Ok(message(
        &page,
        "Link sent",
        "We mailed you a new link. It may take a minute to arrive; look in your spam folder too.",
        ("/", "Back to the start page"),
    ))
}

#[derive(Debug, Default, Deserialize)]
pub struct ForgotForm {
    /// The session's token, when a signed-in member uses the form.
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    login: String,
}

fn forgot_page(page: &Page, login: &str) -> FormPage {
    FormPage {
        layout: page.layout("Forgot your password?", "Reset your password.", "signin", true),
        heading: "Forgot your password?".into(),
        intro: "Tell us your username or email address and we will mail you a link to choose a new password.".into(),
        action: "/forgot".into(),
        fields: vec![Field::new("login", "Username or email", "text", login).autocomplete("username")],
        submit: "Mail me a link",
        footer: "Remembered it? <a href=\"/signin\">Sign in</a>.".into(),
        form_error: None,
        preview_id: None,
        hidden: Vec::new(),
        honeypot: false,
    }
}

/// The forgotten-password form.
pub async fn forgot_form(page: Page) -> Response {
    render(&forgot_page(&page, ""))
}

/// Mails the reset link; answers the same whether the account exists or not.
pub async fn forgot(
    State(state): State<AppState>,
    page: Page,
    ClientAddr(client): ClientAddr,
    Form(form): Form<ForgotForm>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    match state
        .agora
        .accounts()
        .request_password_reset(&form.login, &client)
        .await
    {
        Ok(()) => Ok(message(
            &page,
            "Look in your mailbox",
            "If an account matches, we mailed it a link to choose a new password. The link works for an hour.",
            ("/signin", "Back to sign in"),
        )),
        Err(e) => redraw(forgot_page(&page, &form.login), e),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ResetForm {
    /// The session's token, when a signed-in member uses the form.
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    password: String,
}

fn reset_page(page: &Page, token: &str) -> FormPage {
    FormPage {
        layout: page.layout(
            "Choose a new password",
            "Choose a new password.",
            "signin",
            true,
        ),
        heading: "Choose a new password".into(),
        intro: "You will be signed out everywhere; sign in again with the new password.".into(),
        action: format!("/reset/{token}"),
        fields: vec![
            Field::new("password", "New password", "password", "")
                .autocomplete("new-password")
                .hint("At least 10 characters."),
        ],
        submit: "Set password",
        footer: String::new(),
        form_error: None,
        preview_id: None,
        hidden: Vec::new(),
        honeypot: false,
    }
}

/// The form behind the link in a reset mail.
pub async fn reset_form(page: Page, Path(token): Path<String>) -> Response {
    render(&reset_page(&page, &token))
}

/// Sets the new password.
pub async fn reset(
    State(state): State<AppState>,
    page: Page,
    Path(token): Path<String>,
    Form(form): Form<ResetForm>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    match state
        .agora
        .accounts()
        .reset_password(&token, &form.password)
        .await
    {
        Ok(()) => Ok(message(
            &page,
            "Password changed",
            "Your new password is set. Sign in with it.",
            ("/signin", "Sign in"),
        )),
        Err(EmailError::InvalidToken) => Err(EmailError::InvalidToken.into()),
        Err(e) => redraw(reset_page(&page, &token), e),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

/// The form to change one's address.
pub fn email_page(page: &Page, email: &str) -> FormPage {
    FormPage {
        layout: page.layout(
            "Change your email address",
            "Change your email address.",
            "",
            true,
        ),
        heading: "Change your email address".into(),
        intro: "We mail a link to the new address; it replaces the old one when you follow it."
            .into(),
        action: "/settings/email".into(),
        fields: vec![
            Field::new("email", "New email address", "email", email).autocomplete("email"),
            Field::new("password", "Your current password", "password", "")
                .autocomplete("current-password"),
        ],
        submit: "Mail me a link",
        footer: String::new(),
        form_error: None,
        preview_id: None,
        hidden: Vec::new(),
        honeypot: false,
    }
}

/// `/settings/email`.
pub async fn change_form(page: Page) -> Result<Response, ApiError> {
    if page.viewer.id().is_none() {
        return Err(ApiError::sign_in_required());
    }
    Ok(render(&email_page(&page, "")))
}

/// Sends the link to the new address.
pub async fn change(
    State(state): State<AppState>,
    page: Page,
    Form(form): Form<EmailForm>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    match state
        .agora
        .accounts()
        .change_email(&page.viewer, &form.email, &form.password)
        .await
    {
        Ok(()) => Ok(message(
            &page,
            "Look in your new mailbox",
            "We mailed a link to the new address. Your address changes when you follow it.",
            ("/settings", "Back to your profile"),
        )),
        Err(e) => redraw(email_page(&page, &form.email), e),
    }
}

/// Draws a form again with the error beside its field; server errors and sign-in go on.
fn redraw(mut view: FormPage, e: impl Into<ApiError>) -> Result<Response, ApiError> {
    let e = e.into();
    if e.status.is_server_error() || e.status.as_u16() == 401 {
        return Err(e);
    }
    if !attach_error(&mut view.fields, e.field.as_deref(), &e.message) {
        view.form_error = Some(e.message.clone());
    }
    let mut res = render(&view);
    *res.status_mut() = e.status;
    Ok(res)
}
