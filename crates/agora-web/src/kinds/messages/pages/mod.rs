//! Private messages on the web: the inbox and its requests, a conversation with its forms, the
//! composer, a message's edit form and history, and the members one blocks or ignores. Every
//! page calls the same `agora.messages()` use cases as the API (`api/messages.rs`) and shows
//! their refusals in the same words, so a conversation the viewer is not in answers here, too,
//! exactly as one that never existed.

mod blocks;
mod compose;
mod conversation;
mod conversation_view;
mod inbox;
mod message;

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};

use crate::error::ApiError;
use crate::state::AppState;

/// The pages of private messages.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/messages", get(inbox::inbox))
        .route("/messages/requests", get(inbox::requests))
        .route("/messages/new", get(compose::form).post(compose::start))
        .route("/messages/{id}", get(conversation::show))
        .route("/messages/{id}/reply", post(conversation::reply))
        .route("/messages/{id}/members", post(conversation::add))
        .route("/messages/{id}/accept", post(conversation::accept))
        .route("/messages/{id}/decline", post(conversation::decline))
        .route("/messages/{id}/leave", post(conversation::leave))
        .route(
            "/messages/m/{id}/edit",
            get(message::edit_form).post(message::edit),
        )
        .route("/messages/m/{id}/delete", post(message::delete))
        .route("/messages/m/{id}/history", get(message::history))
        .route("/settings/blocks", get(blocks::list).post(blocks::undo))
        .route("/u/{username}/block", post(blocks::set))
}

/// A form sending a message's text: a reply, an edit.
#[derive(Debug, Default, serde::Deserialize)]
pub struct BodyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    body: String,
}

/// Whether a refusal is one the member can act on where they are (a field's rule, a refusal
/// with its reason, a limit), to be shown on the form with their draft kept, rather than on the
/// error page.
fn on_form(e: &ApiError) -> bool {
    e.field.is_some()
        || e.status == StatusCode::UNPROCESSABLE_ENTITY
        || e.status == StatusCode::TOO_MANY_REQUESTS
        || (e.status == StatusCode::FORBIDDEN && e.code != "csrf_failed")
}

/// A form drawn again with a refusal: the refusal's status, and when to try again after a limit.
fn refused(mut res: Response, e: &ApiError) -> Response {
    *res.status_mut() = e.status;
    if let Some(secs) = e.retry_after_secs
        && let Ok(v) = HeaderValue::from_str(&secs.to_string())
    {
        res.headers_mut().insert(header::RETRY_AFTER, v);
    }
    res
}

/// Usernames as typed in a field: separated by commas or spaces, a leading `@` allowed.
fn usernames(raw: &str) -> Vec<String> {
    raw.split(|c: char| c == ',' || c.is_whitespace())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// How a participant's state reads to the viewer: taking part says nothing; whether someone
/// declined or has not answered yet is theirs to know (`shown_state`).
fn state_label(shown: &str) -> &'static str {
    match shown {
        "not_accepted" => "not accepted",
        "requested" => "asked",
        "left" => "left",
        "declined" => "declined",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn usernames_are_split_on_commas_and_spaces() {
        assert_eq!(
            super::usernames(" ben, @rhea  mara,,"),
            vec!["ben", "@rhea", "mara"]
        );
        assert!(super::usernames(" , ").is_empty());
    }
}
