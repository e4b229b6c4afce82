//! Blocking and ignoring from the web: the buttons on a member's profile, and the settings
//! page listing the members one blocks or ignores, each with its undo button. A block stops new
//! conversations either way and hides the ones the other is in; ignoring collapses their posts
//! and messages. The other member is never told.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use agora_core::members::blocks::BlockKind;

use crate::error::ApiError;
use crate::extract::{ApiForm as Form, ApiPath as Path, ApiQuery as Query};
use crate::pages::view::{Layout, date, hue, initial};
use crate::pages::{Page, render, see_other};
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct BlockForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
    /// On the settings page: whom.
    #[serde(default)]
    username: String,
}

/// What a button asks: block or ignore, on or off.
fn action(raw: &str) -> Result<(BlockKind, bool), ApiError> {
    match raw {
        "block" => Ok((BlockKind::Block, true)),
        "unblock" => Ok((BlockKind::Block, false)),
        "ignore" => Ok((BlockKind::Ignore, true)),
        "unignore" => Ok((BlockKind::Ignore, false)),
        _ => Err(agora_core::Invalid::new(
            "action",
            "invalid_choice",
            "Choose block, unblock, ignore or unignore.",
        )
        .into()),
    }
}

async fn apply(
    state: &AppState,
    page: &Page,
    username: &str,
    form: &BlockForm,
) -> Result<(), ApiError> {
    page.check_csrf(&form.csrf)?;
    let (kind, on) = action(&form.action)?;
    Ok(state
        .agora
        .messages()
        .set_block(&page.viewer, username, kind, on)
        .await?)
}

/// The Block, Ignore, Unblock and Unignore buttons of a profile.
pub async fn set(
    State(state): State<AppState>,
    page: Page,
    Path(username): Path<String>,
    Form(form): Form<BlockForm>,
) -> Result<Response, ApiError> {
    apply(&state, &page, &username, &form).await?;
    Ok(see_other(&format!("/u/{username}?notice={}", form.action)))
}

/// The undo buttons of the settings page.
pub async fn undo(
    State(state): State<AppState>,
    page: Page,
    Form(form): Form<BlockForm>,
) -> Result<Response, ApiError> {
    apply(&state, &page, &form.username, &form).await?;
    Ok(see_other(&format!(
        "/settings/blocks?notice={}",
        form.action
    )))
}

pub struct Row {
    username: String,
    display_name: String,
    initial: String,
    hue: u8,
    since: String,
    since_iso: String,
}

/// The blocked, or the ignored, members.
pub struct Section {
    kind: &'static str,
    heading: &'static str,
    what: &'static str,
    none: &'static str,
    /// The undo button's word and action.
    undo: &'static str,
    action: &'static str,
    rows: Vec<Row>,
}

#[derive(Template)]
#[template(path = "messages/blocks.html")]
struct Blocks {
    layout: Layout,
    sections: [Section; 2],
    notice: Option<&'static str>,
}

#[derive(Debug, Deserialize)]
pub struct BlocksQuery {
    notice: Option<String>,
}

/// `/settings/blocks`: the members one blocks or ignores.
pub async fn list(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<BlocksQuery>,
) -> Result<Response, ApiError> {
    let list = state.agora.accounts().blocks(&page.viewer).await?;
    let rows = |kind: BlockKind| {
        list.iter()
            .filter(|b| b.kind == kind)
            .map(|b| Row {
                username: b.username.clone(),
                display_name: b.display_name.clone(),
                initial: initial(&b.display_name, &b.username),
                hue: hue(&b.username),
                since: date(b.since),
                since_iso: b.since.to_rfc3339(),
            })
            .collect()
    };
    Ok(render(&Blocks {
        layout: page.layout(
            "Blocked and ignored members",
            "Members you block or ignore.",
            "",
            true,
        ),
        sections: [
            Section {
                kind: "blocked",
                heading: "Blocked",
                what: "Neither of you can start a conversation with the other, and the conversations they are in are hidden from you.",
                none: "You block nobody.",
                undo: "Unblock",
                action: "unblock",
                rows: rows(BlockKind::Block),
            },
            Section {
                kind: "ignored",
                heading: "Ignored",
                what: "Their posts and messages are collapsed for you, behind a line you can open.",
                none: "You ignore nobody.",
                undo: "Unignore",
                action: "unignore",
                rows: rows(BlockKind::Ignore),
            },
        ],
        notice: match q.notice.as_deref() {
            Some("unblock") => Some("Unblocked."),
            Some("unignore") => Some("You no longer ignore them."),
            _ => None,
        },
    }))
}

