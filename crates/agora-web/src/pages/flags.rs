//! Reporting an item of any kind (a post's form at `/p/{id}/flag`, any item's at
//! `/items/{kind}/{id}/report`), the moderators' queue, and one item's report page.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use agora_core::PostId;
use agora_core::error::Refused;
use agora_core::flags::{QueueItem, REASONS};
use agora_core::forum::items::post_ref;
use agora_core::items::refs::ItemRef;

use crate::error::ApiError;
use crate::extract::{ApiForm as Form, ApiPath as Path};
use crate::items::{Place, link};
use crate::pages::email::message;
use crate::pages::view::Layout;
use crate::pages::{Page, render, see_other};
use crate::state::AppState;
use agora_core::content::markdown::excerpt;

#[derive(Template)]
#[template(path = "flag.html")]
struct FlagPage {
    layout: Layout,
    /// What the item is called: its kind's word.
    noun: String,
    /// Where the form posts, and where a legal complaint about the item is filed.
    action: String,
    complaint: String,
    excerpt: String,
    reasons: Vec<(&'static str, &'static str)>,
}

/// The item named by a kind's word and an id; an unknown kind is a page that does not exist.
pub(crate) fn item_ref(state: &AppState, kind: &str, id: i64) -> Result<ItemRef, ApiError> {
    state
        .agora
        .item_ref(kind, id)
        .ok_or_else(ApiError::not_found)
}

/// The form for `item`, posting to `action`.
async fn flag_form(
    state: &AppState,
    page: &Page,
    item: ItemRef,
    action: String,
    complaint: String,
) -> Result<Response, ApiError> {
    if page.viewer.id().is_none() {
        return Err(ApiError::sign_in_required());
    }
    let seen = state.agora.seen_item(&page.viewer, item).await?;
    let noun = item.kind.as_str();
    Ok(render(&FlagPage {
        layout: page.layout(
            &format!("Flag a {noun}"),
            &format!("Flag a {noun} for the moderators."),
            "groups",
            true,
        ),
        noun: noun.to_owned(),
        action,
        complaint,
        excerpt: seen.excerpt,
        reasons: REASONS.to_vec(),
    }))
}

/// `/p/{id}/flag`: why is this post a problem?
pub async fn form(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let item = post_ref(PostId(id));
    let (action, complaint) = (format!("/p/{id}/flag"), format!("/p/{id}/complaint"));
    flag_form(&state, &page, item, action, complaint).await
}

/// `/items/{kind}/{id}/report`: why is this item a problem?
pub async fn item_form(
    State(state): State<AppState>,
    page: Page,
    Path((kind, id)): Path<(String, i64)>,
) -> Result<Response, ApiError> {
    let item = item_ref(&state, &kind, id)?;
    let base = format!("/items/{kind}/{id}");
    flag_form(
        &state,
        &page,
        item,
        format!("{base}/report"),
        format!("{base}/complaint"),
    )
    .await
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

/// Sends the flag and goes back to the topic.
pub async fn flag(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(form): Form<FlagForm>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    let (post, topic, _) = state.agora.forum().post(&page.viewer, PostId(id)).await?;
    let hidden = state
        .agora
        .moderation()
        .flag_post(&page.viewer, post.id, &form.reason, &form.note)
        .await?;
    let notice = if hidden { "hidden" } else { "flagged" };
    let page_number = crate::pages::topics::page_of(post.number);
    Ok(see_other(&format!(
        "/t/{}/{}?page={page_number}&notice={notice}",
        topic.id.0, topic.slug
    )))
}

/// Sends the report on an item of any kind and says so.
pub async fn item_flag(
    State(state): State<AppState>,
    page: Page,
    Path((kind, id)): Path<(String, i64)>,
    Form(form): Form<FlagForm>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    let item = item_ref(&state, &kind, id)?;
    let hidden = state
        .agora
        .moderation()
        .flag_item(&page.viewer, item, &form.reason, &form.note)
        .await?;
    let text = if hidden {
        format!("Thank you. Enough members agreed: the {kind} is hidden until a moderator looks.")
    } else {
        format!("Thank you. The moderators will look at the {kind}.")
    };
    Ok(message(
        &page,
        "Flag sent",
        &text,
        ("/", "Back to the community"),
    ))
}

pub struct QueueRow {
    /// The item's kind and id, and where its report's page and its decision are.
    noun: String,
    id: i64,
    report: String,
    /// The item's own page, if its kind has one.
    href: Option<String>,
    title: String,
    place: String,
    author: String,
    excerpt: String,
    flags: i64,
    reasons: String,
    notes: String,
    hidden: bool,
    held: bool,
    /// (case id, reference, kind, due date, due time ISO, overdue)
    legal_case: Option<(i64, String, String, String, String, bool)>,
}

impl QueueRow {
    fn new(state: &AppState, i: QueueItem) -> Self {
        let place = Place {
            item: i.item,
            container: i.view.container,
            position: i.view.position,
        };
        Self {
            noun: i.item.kind.as_str().to_owned(),
            id: i.item.id,
            report: format!("/admin/queue/{}/{}", i.item.kind, i.item.id),
            href: link(place),
            excerpt: excerpt(i.view.body(), 300),
            hidden: i.hidden(),
            title: i.view.title,
            place: i.view.place,
            author: i.view.author_name,
            flags: i.flags,
            reasons: i.reasons,
            notes: i.notes,
            held: i.held,
            legal_case: i.legal_case.map(|c| {
                let overdue = c.due_at < state.agora.now();
                let due = crate::pages::view::date(c.due_at);
                (
                    c.id,
                    c.reference,
                    c.kind,
                    due,
                    c.due_at.to_rfc3339(),
                    overdue,
                )
            }),
        }
    }
}

#[derive(Template)]
#[template(path = "admin_queue.html")]
struct Queue {
    layout: Layout,
    tab: &'static str,
    items: Vec<QueueRow>,
    /// Flagged members, for the site's staff (a group's moderators decide no member's flags).
    members: Option<Vec<agora_core::flags::MemberQueueItem>>,
}

/// `/admin/queue`: the reported, held and complained-about items the viewer decides, and, for
/// the site's staff, flagged members.
pub async fn queue(State(state): State<AppState>, page: Page) -> Result<Response, ApiError> {
    let items = state
        .agora
        .moderation()
        .moderation_queue(&page.viewer)
        .await?;
    let members = match state.agora.moderation().member_queue(&page.viewer).await {
        Ok(members) => Some(members),
        Err(Refused::Forbidden(_)) => None,
        Err(e) => return Err(e.into()),
    };
    Ok(render(&Queue {
        layout: page.layout("Admin: queue", "The moderation queue.", "admin", true),
        tab: "queue",
        members,
        items: items
            .into_iter()
            .map(|i| QueueRow::new(&state, i))
            .collect(),
    }))
}

#[derive(Template)]
#[template(path = "admin_report.html")]
struct ReportPage {
    layout: Layout,
    tab: &'static str,
    /// The item's row, as the queue shows it.
    i: QueueRow,
    /// What the item's kind shows around it: (author, words, ISO time, shown time, reported,
    /// earlier versions' words).
    context: Vec<(String, String, String, String, bool, Vec<String>)>,
}

/// `/admin/queue/{kind}/{id}`: one item's reports, with what its kind shows around it.
pub async fn report(
    State(state): State<AppState>,
    page: Page,
    Path((kind, id)): Path<(String, i64)>,
) -> Result<Response, ApiError> {
    let item = item_ref(&state, &kind, id)?;
    let reports = state
        .agora
        .moderation()
        .item_reports(&page.viewer, item)
        .await?;
    let context = reports
        .view
        .context
        .iter()
        .map(|e| {
            (
                e.author_name.clone(),
                e.body.clone(),
                e.created_at.to_rfc3339(),
                crate::pages::view::date(e.created_at),
                e.reported,
                e.earlier.clone(),
            )
        })
        .collect();
    Ok(render(&ReportPage {
        layout: page.layout(
            &format!("Admin: a reported {kind}"),
            "A reported item.",
            "admin",
            true,
        ),
        tab: "queue",
        i: QueueRow::new(&state, reports),
        context,
    }))
}

#[derive(Debug, Deserialize)]
pub struct ResolveForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
}

/// Resolves the flags on a post.
pub async fn resolve(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(form): Form<ResolveForm>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    state
        .agora
        .moderation()
        .resolve_flags(&page.viewer, PostId(id), &form.decision, &form.reason)
        .await?;
    Ok(see_other("/admin/queue"))
}

/// Resolves the reports on an item of any kind.
pub async fn resolve_item(
    State(state): State<AppState>,
    page: Page,
    Path((kind, id)): Path<(String, i64)>,
    Form(form): Form<ResolveForm>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    let item = item_ref(&state, &kind, id)?;
    state
        .agora
        .moderation()
        .resolve_item(&page.viewer, item, &form.decision, &form.reason)
        .await?;
    Ok(see_other("/admin/queue"))
}

/// Resolves the flags on a member.
pub async fn resolve_member(
    State(state): State<AppState>,
    page: Page,
    Path(username): Path<String>,
    Form(form): Form<ResolveForm>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    state
        .agora
        .moderation()
        .resolve_member_flags(&page.viewer, &username, &form.decision, &form.reason)
        .await?;
    Ok(see_other("/admin/queue"))
}

/// `/items/{kind}/{id}`: the item's own page, for a reader who may read it (the link mails
/// carry); not found for anyone else, or for a kind without a page.
pub async fn item_link(
    State(state): State<AppState>,
    page: Page,
    Path((kind, id)): Path<(String, i64)>,
) -> Result<Response, ApiError> {
    let item = item_ref(&state, &kind, id)?;
    let seen = state.agora.seen_item(&page.viewer, item).await?;
    let place = Place {
        item,
        container: seen.container,
        position: seen.position,
    };
    let href = link(place).ok_or_else(ApiError::not_found)?;
    Ok(see_other(&href))
}
