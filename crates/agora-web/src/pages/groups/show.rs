//! A group's page: its topics (pinned first, then by latest activity or replies), the requests
//! to join its moderators decide, and the invitation form, which draws the page again with
//! what went wrong.

use agora_core::error::Refused;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use agora_core::forum::{TopicFilter, TopicSort};

use crate::pages::sorts::SortControls;
use agora_core::groups::Visibility;
use agora_core::groups::policy::{Access, Relation};
use agora_core::paging::Cursor;

use crate::error::ApiError;
use crate::extract::{ApiForm as Form, ApiPath as Path, ApiQuery as Query};
use crate::pages::context::truncate;
use crate::pages::view::{GroupCard, Layout, TopicRow, ago, hue, initial};
use crate::pages::{Page, render, see_other};
use crate::state::AppState;

pub struct RequestRow {
    username: String,
    display_name: String,
    initial: String,
    hue: u8,
    ago: String,
}

#[derive(Template)]
#[template(path = "group.html")]
struct GroupPage {
    layout: Layout,
    g: GroupCard,
    membership: &'static str,
    can_read: bool,
    can_post: bool,
    can_invite: bool,
    /// Owners and site admins: the settings link.
    can_edit: bool,
    /// The list's order: its links, the period form, its pages' addresses.
    controls: SortControls,
    pinned: Vec<TopicRow>,
    topics: Vec<TopicRow>,
    next_cursor: Option<String>,
    has_previous: bool,
    requests: Vec<RequestRow>,
    notice: Option<&'static str>,
    /// Every kind's compose link: (its name, the words).
    kind_compose: Vec<(&'static str, &'static str)>,
    /// Every kind's lists: (the path after the group's, the label).
    kind_lists: Vec<(&'static str, &'static str)>,
}

#[derive(Debug, Deserialize)]
pub struct GroupQuery {
    sort: Option<String>,
    period: Option<String>,
    cursor: Option<String>,
    notice: Option<String>,
}

fn notice_text(code: Option<&str>) -> Option<&'static str> {
    Some(match code? {
        "joined" => "Welcome! You are now a member of this group.",
        "held" => "Thank you: your topic waits for a moderator's look before others see it.",
        "requested" => "Your request to join was sent to the group's moderators.",
        "left" => "You left the group.",
        "invited" => "Invitation sent.",
        "invite-unknown" => "There is no member with that username.",
        "invite-member" => "That member already belongs to the group.",
        "approved" => "Request approved.",
        "rejected" => "Request rejected.",
        "removed" => "Member removed.",
        "last-owner" => "A group needs an owner: make someone else an owner before you leave.",
        "saved" => "The group's settings are saved.",
        _ => return None,
    })
}

/// The orders a group's list offers.
const GROUP_SORTS: &[(&str, &str)] = &[
    ("latest", "Latest"),
    ("replies", "Most replies"),
    ("top", "Top"),
    ("unanswered", "Unanswered"),
];

/// `/g/{slug}`: a group and its topics (pinned first, then by latest activity or replies; or
/// top over a period, or unanswered).
pub async fn show(
    State(state): State<AppState>,
    page: Page,
    Path(slug): Path<String>,
    Query(q): Query<GroupQuery>,
) -> Result<Response, ApiError> {
    let notice = notice_text(q.notice.as_deref());
    Ok(render(&group_page(&state, &page, &slug, &q, notice).await?))
}

async fn group_page(
    state: &AppState,
    page: &Page,
    slug: &str,
    q: &GroupQuery,
    notice: Option<&'static str>,
) -> Result<GroupPage, ApiError> {
    let slug = slug.to_owned();
    let view = state.agora.groups().group(&page.viewer, &slug).await?;
    let sort = TopicSort::parse(q.sort.as_deref(), q.period.as_deref())?;
    let cursor = q.cursor.as_deref().map(Cursor::decode).transpose()?;
    let can_read = view.access >= Access::Read;
    let (pinned, topics, next) = if can_read {
        let listing = state
            .agora
            .forum()
            .topics(
                &page.viewer,
                &slug,
                sort,
                cursor,
                30,
                &TopicFilter::default(),
            )
            .await?;
        if cursor.is_some() && listing.topics.items.is_empty() {
            return Err(ApiError::past_the_end());
        }
        let labels = state.agora.status_labels().await?;
        (
            listing
                .pinned
                .iter()
                .map(|t| TopicRow::new(t, None, &labels, &page.viewer))
                .collect(),
            listing
                .topics
                .items
                .iter()
                .map(|t| TopicRow::new(t, None, &labels, &page.viewer))
                .collect(),
            listing.topics.next.map(Cursor::encode),
        )
    } else {
        (Vec::new(), Vec::new(), None)
    };
    let requests = if view.access >= Access::Moderate && view.group.visibility == Visibility::Closed
    {
        state
            .agora
            .groups()
            .join_requests(&page.viewer, &slug)
            .await?
            .into_iter()
            .map(|r| RequestRow {
                initial: initial(&r.display_name, &r.username),
                hue: hue(&r.username),
                ago: ago(r.requested_at),
                username: r.username,
                display_name: r.display_name,
            })
            .collect()
    } else {
        Vec::new()
    };
    let can_invite = match view.group.visibility {
        Visibility::Secret => view.access >= Access::Participate,
        _ => view.access >= Access::Moderate,
    };
    let membership = match view.relation {
        Relation::Stranger => "none",
        Relation::Requested => "pending",
        Relation::Invited => "invited",
        Relation::Member(_) => "member",
    };
    let noindex = view.group.visibility != Visibility::Public;
    let description = truncate(&view.group.description, 160);
    Ok(GroupPage {
        layout: page.layout(&view.group.name, &description, "groups", noindex),
        g: GroupCard::from(&view),
        membership,
        can_read,
        // An archived group takes new topics from its moderators only.
        can_post: view.access >= Access::Participate
            && (view.group.archived_at.is_none() || view.access >= Access::Moderate),
        can_invite,
        can_edit: view.can_edit,
        controls: SortControls::new(&format!("/g/{slug}"), sort, GROUP_SORTS),
        pinned,
        topics,
        next_cursor: next,
        has_previous: cursor.is_some(),
        requests,
        notice,
        kind_compose: agora_core::kinds::topic_kinds()
            .map(|k| (k.kind.as_str(), k.compose.0))
            .collect(),
        kind_lists: crate::kinds::topic_kinds()
            .flat_map(|k| k.group_lists.iter().copied())
            .collect(),
    })
}

#[derive(Debug, Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
}

/// Invites a member by username.
pub async fn invite(
    State(state): State<AppState>,
    page: Page,
    Path(slug): Path<String>,
    Form(form): Form<InviteForm>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    // A refusal shows the group's page again, with what went wrong, and its status.
    let (status, notice) = match state
        .agora
        .groups()
        .invite(&page.viewer, &slug, form.username.trim())
        .await
    {
        Ok(_) => return Ok(see_other(&format!("/g/{slug}?notice=invited"))),
        Err(agora_core::groups::GroupError::AlreadyMember) => {
            (StatusCode::CONFLICT, "invite-member")
        }
        Err(agora_core::groups::GroupError::Refused(Refused::NotFound)) => {
            // The group itself exists for this viewer (checked first), so the member does not.
            state.agora.groups().group(&page.viewer, &slug).await?;
            (StatusCode::UNPROCESSABLE_ENTITY, "invite-unknown")
        }
        Err(e) => return Err(e.into()),
    };
    let query = GroupQuery {
        sort: None,
        period: None,
        cursor: None,
        notice: None,
    };
    let view = group_page(&state, &page, &slug, &query, notice_text(Some(notice))).await?;
    let mut res = render(&view);
    *res.status_mut() = status;
    Ok(res)
}
