//! Pinning, unpinning, locking and unlocking a topic.

use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use agora_core::TopicId;
use agora_core::forum::TopicFlags;

use crate::error::ApiError;
use crate::extract::{ApiForm as Form, ApiPath as Path};
use crate::pages::{Page, see_other};
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct ModerateForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
}

/// Pins, unpins, locks or unlocks a topic.
pub async fn moderate(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(form): Form<ModerateForm>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    let flags = match form.action.as_str() {
        "pin" => TopicFlags {
            pinned: Some(true),
            locked: None,
        },
        "unpin" => TopicFlags {
            pinned: Some(false),
            locked: None,
        },
        "lock" => TopicFlags {
            pinned: None,
            locked: Some(true),
        },
        "unlock" => TopicFlags {
            pinned: None,
            locked: Some(false),
        },
        _ => {
            return Err(agora_core::Invalid::new(
                "action",
                "invalid_choice",
                "Choose pin, unpin, lock or unlock.",
            )
            .into());
        }
    };
    let view = state
        .agora
        .forum()
        .set_topic_flags(&page.viewer, TopicId(id), flags)
        .await?;
    Ok(see_other(&format!("/t/{id}/{}", view.topic.slug)))
}
