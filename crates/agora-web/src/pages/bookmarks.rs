//! The bookmark pages: a member's private list (`/bookmarks`, due reminders first), and the
//! page of one bookmark (its reminder, as a `datetime-local` field read as UTC, and its note),
//! with the form that saves or removes it.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use agora_core::bookmarks::{Bookmark, parse_local};
use agora_core::items::refs::ItemRef;
use agora_core::paging::{Cursor, page_size};

use crate::api::reactions::item;
use crate::error::ApiError;
use crate::extract::{ApiForm as Form, ApiPath as Path, ApiQuery as Query};
use crate::pages::view::{Field, Layout, attach_error, date};
use crate::pages::{Page, render, see_other};
use crate::state::AppState;

/// A bookmark on the list.
pub struct Row {
    kind: &'static str,
    id: i64,
    title: String,
    excerpt: String,
    author: String,
    url: String,
    note: String,
    /// The reminder as shown (UTC), and as `datetime` wants it.
    remind: Option<(String, String)>,
    due: bool,
}

#[derive(Template)]
#[template(path = "bookmarks.html")]
struct List {
    layout: Layout,
    rows: Vec<Row>,
    next: Option<String>,
    notice: Option<&'static str>,
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    cursor: Option<String>,
    notice: Option<String>,
}

/// A reminder as the pages show it: the day and the time, in UTC.
fn when(at: agora_core::time::Timestamp) -> String {
    let t = at.to_datetime();
    format!("{} {:02}:{:02} UTC", date(at), t.hour(), t.minute())
}

/// `/bookmarks`: the viewer's bookmarks, due reminders first.
pub async fn list(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<ListQuery>,
) -> Result<Response, ApiError> {
    let cursor = q.cursor.as_deref().map(Cursor::decode).transpose()?;
    let kept = state
        .agora
        .bookmarks()
        .list(&page.viewer, cursor, page_size(None)?)
        .await?;
    let rows = kept
        .items
        .iter()
        .map(|k| Row {
            kind: k.item.item.kind.as_str(),
            id: k.item.item.id,
            title: k.item.title.clone(),
            excerpt: k.item.excerpt.clone(),
            author: k.item.author_name.clone(),
            url: crate::item_links::link(&k.item),
            note: k.bookmark.note.clone(),
            remind: k.bookmark.remind_at.map(|at| (when(at), at.to_rfc3339())),
            due: k.due,
        })
        .collect();
    let view = List {
        layout: page.layout("Bookmarks", "Your bookmarks.", "", true),
        rows,
        next: kept
            .next
            .map(|c| format!("/bookmarks?cursor={}", c.encode())),
        notice: (q.notice.as_deref() == Some("removed")).then_some("The bookmark was removed."),
    };
    Ok(render(&view))
}

#[derive(Template)]
#[template(path = "bookmark.html")]
struct Edit {
    layout: Layout,
    kind: &'static str,
    id: i64,
    title: String,
    excerpt: String,
    url: String,
    exists: bool,
    fields: Vec<Field>,
}

fn edit_page(
    page: &Page,
    item: ItemRef,
    seen: &agora_core::items::refs::ItemSeen,
    form: &BookmarkForm,
    exists: bool,
) -> Edit {
    Edit {
        layout: page.layout("Bookmark", "Your bookmark.", "", true),
        kind: item.kind.as_str(),
        id: item.id,
        title: seen.title.clone(),
        excerpt: seen.excerpt.clone(),
        url: crate::item_links::link(seen),
        exists,
        fields: vec![
            Field::new(
                "remind_at",
                "Remind me at (UTC)",
                "datetime-local",
                &form.remind_at,
            )
            .optional()
            .hint(
                "Leave empty for no reminder. A due reminder puts the bookmark first on your list.",
            ),
            Field::new("note", "Note", "text", &form.note)
                .optional()
                .hint("Only you see it; up to 200 characters."),
        ],
    }
}

/// The reminder as a `datetime-local` field holds it.
fn local(bookmark: Option<&Bookmark>) -> String {
    bookmark
        .and_then(|b| b.remind_at)
        .map(|at| {
            let t = at.to_datetime();
            format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute()
            )
        })
        .unwrap_or_default()
}

/// `/items/{kind}/{id}/bookmark`: the viewer's bookmark on an item, to change or remove.
pub async fn show(
    State(state): State<AppState>,
    page: Page,
    Path((kind, id)): Path<(String, i64)>,
) -> Result<Response, ApiError> {
    let item = item(&kind, id)?;
    let (seen, bookmark) = state.agora.bookmarks().of(&page.viewer, item).await?;
    let form = BookmarkForm {
        remind_at: local(bookmark.as_ref()),
        note: bookmark
            .as_ref()
            .map(|b| b.note.clone())
            .unwrap_or_default(),
        ..BookmarkForm::default()
    };
    Ok(render(&edit_page(
        &page,
        item,
        &seen,
        &form,
        bookmark.is_some(),
    )))
}

/// What the bookmark forms send.
#[derive(Debug, Default, Deserialize)]
pub struct BookmarkForm {
    #[serde(default)]
    csrf: String,
    /// `save` or `remove`.
    #[serde(default)]
    action: String,
    #[serde(default)]
    remind_at: String,
    #[serde(default)]
    note: String,
    /// `list`: back to the list after removing; otherwise back to the item.
    #[serde(default)]
    back: String,
}

/// Saves or removes the viewer's bookmark on an item, then back to the item (or the list).
pub async fn save(
    State(state): State<AppState>,
    page: Page,
    Path((kind, id)): Path<(String, i64)>,
    Form(form): Form<BookmarkForm>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    let item = item(&kind, id)?;
    if !matches!(form.back.as_str(), "" | "list") {
        return Err(agora_core::Invalid::new(
            "back",
            "invalid_choice",
            "Go back to the item or to the list.",
        )
        .into());
    }
    let bookmarks = state.agora.bookmarks();
    match form.action.as_str() {
        "remove" => {
            bookmarks.remove(&page.viewer, item).await?;
            if form.back == "list" {
                return Ok(see_other("/bookmarks?notice=removed"));
            }
            super::reactions::back_to(&state, &page, item).await
        }
        "save" => {
            let saved = match form.remind_at.trim() {
                "" => Ok(None),
                raw => parse_local(raw).map(Some),
            }
            .map_err(agora_core::error::Refused::from);
            let saved = match saved {
                Ok(remind_at) => {
                    bookmarks
                        .put(&page.viewer, item, remind_at, &form.note)
                        .await
                }
                Err(e) => Err(e),
            };
            match saved {
                Ok(kept) => Ok(see_other(&crate::item_links::link(&kept.item))),
                Err(agora_core::error::Refused::Invalid(i)) => {
                    let (seen, bookmark) = bookmarks.of(&page.viewer, item).await?;
                    let mut view = edit_page(&page, item, &seen, &form, bookmark.is_some());
                    let e = ApiError::from(i);
                    attach_error(&mut view.fields, e.field.as_deref(), &e.message);
                    let mut res = render(&view);
                    *res.status_mut() = e.status;
                    Ok(res)
                }
                Err(e) => Err(e.into()),
            }
        }
        _ => Err(agora_core::Invalid::new(
            "action",
            "invalid_choice",
            "Save the bookmark or remove it.",
        )
        .into()),
    }
}
