//! The group directory, a group's page (topics, join/request/leave, requests to decide,
//! invitations), its members, creating a group, and one's invitations.

use agora_core::error::Refused;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use agora_core::forum::{TopicFilter, TopicSort};

use crate::pages::sorts::SortControls;
use agora_core::groups::policy::{Access, Relation};
use agora_core::groups::{GroupRole, NewGroupInput, Visibility};
use agora_core::paging::{Cursor, NameCursor};
use agora_core::{InvitationId, MemberId};

use crate::error::ApiError;
use crate::extract::{ApiForm as Form, ApiPath as Path, ApiQuery as Query};
use crate::pages::auth::CsrfOnly;
use crate::pages::context::truncate;
use crate::pages::view::{Field, GroupCard, Layout, TopicRow, ago, attach_error, hue, initial};
use crate::pages::{Page, render, see_other};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "groups.html")]
struct Directory {
    layout: Layout,
    groups: Vec<GroupCard>,
    next_cursor: Option<String>,
    can_create: bool,
    notice: Option<&'static str>,
}

#[derive(Debug, Deserialize)]
pub struct CursorQuery {
    cursor: Option<String>,
    notice: Option<String>,
}

/// `/groups`: every group the viewer may see.
pub async fn directory(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<CursorQuery>,
) -> Result<Response, ApiError> {
    let after = q.cursor.as_deref().map(NameCursor::decode).transpose()?;
    let (groups, next) = state
        .agora
        .groups()
        .list_groups(&page.viewer, after.as_ref(), 48)
        .await?;
    if after.is_some() && groups.is_empty() {
        return Err(ApiError::past_the_end());
    }
    let can_create = page.viewer.is_admin()
        || (page.viewer.id().is_some() && page.site.members_may_create_groups);
    Ok(render(&Directory {
        layout: page.layout(
            "Groups",
            &format!("The groups of {}.", page.site.name),
            "groups",
            false,
        ),
        groups: open_first(&groups),
        next_cursor: next.map(|c| c.encode()),
        can_create,
        notice: (q.notice.as_deref() == Some("deleted")).then_some("The group was deleted."),
    }))
}

/// The groups of a page, those the viewer may read first (for a guest: the public ones), each
/// part by name as the store gave them.
fn open_first(groups: &[agora_core::groups::GroupView]) -> Vec<GroupCard> {
    let (open, shut): (Vec<_>, Vec<_>) = groups.iter().partition(|g| g.access >= Access::Read);
    open.into_iter().chain(shut).map(GroupCard::from).collect()
}

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
        let labels = state.agora.ideas().status_labels().await?;
        (
            listing
                .pinned
                .iter()
                .map(|t| TopicRow::new(t, None, &labels))
                .collect(),
            listing
                .topics
                .items
                .iter()
                .map(|t| TopicRow::new(t, None, &labels))
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
        kind_compose: agora_core::kinds::KINDS
            .iter()
            .map(|k| (k.kind.as_str(), k.compose.0))
            .collect(),
        kind_lists: crate::kinds::KINDS
            .iter()
            .flat_map(|k| k.group_lists.iter().copied())
            .collect(),
    })
}

/// Joins a public group or asks to join a closed one.
pub async fn join(
    State(state): State<AppState>,
    page: Page,
    Path(slug): Path<String>,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    let outcome = state.agora.groups().join(&page.viewer, &slug).await?;
    let notice = match outcome {
        agora_core::groups::JoinOutcome::Member => "joined",
        agora_core::groups::JoinOutcome::Pending => "requested",
    };
    Ok(see_other(&format!("/g/{slug}?notice={notice}")))
}

/// Leaves a group.
pub async fn leave(
    State(state): State<AppState>,
    page: Page,
    Path(slug): Path<String>,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    match state.agora.groups().leave(&page.viewer, &slug).await {
        Ok(()) => Ok(see_other(&format!("/g/{slug}?notice=left"))),
        Err(agora_core::groups::GroupError::LastOwner) => {
            Ok(see_other(&format!("/g/{slug}?notice=last-owner")))
        }
        Err(e) => Err(e.into()),
    }
}

/// Approves or rejects a request to join.
pub async fn decide(
    State(state): State<AppState>,
    page: Page,
    Path((slug, username, decision)): Path<(String, String, String)>,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    let approve = match decision.as_str() {
        "approve" => true,
        "reject" => false,
        _ => return Err(ApiError::not_found()),
    };
    state
        .agora
        .groups()
        .decide_request(&page.viewer, &slug, &username, approve)
        .await?;
    let notice = if approve { "approved" } else { "rejected" };
    Ok(see_other(&format!("/g/{slug}?notice={notice}")))
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

pub struct MemberRow {
    username: String,
    display_name: String,
    role: &'static str,
    initial: String,
    hue: u8,
}

#[derive(Template)]
#[template(path = "members.html")]
struct Members {
    layout: Layout,
    slug: String,
    group_name: String,
    members: Vec<MemberRow>,
    can_manage: bool,
    next_cursor: Option<String>,
}

/// `/g/{slug}/members`.
pub async fn members(
    State(state): State<AppState>,
    page: Page,
    Path(slug): Path<String>,
    Query(q): Query<CursorQuery>,
) -> Result<Response, ApiError> {
    let after = q
        .cursor
        .as_deref()
        .and_then(|c| c.parse().ok())
        .map(MemberId);
    let (view, mut rows) = state
        .agora
        .groups()
        .group_members(&page.viewer, &slug, after, 101)
        .await?;
    if after.is_some() && rows.is_empty() {
        return Err(ApiError::past_the_end());
    }
    let next = (rows.len() > 100).then(|| {
        rows.truncate(100);
        rows.last().map(|m| m.member_id.0.to_string())
    });
    let can_manage =
        matches!(view.relation, Relation::Member(GroupRole::Owner)) || page.viewer.is_admin();
    let noindex = view.group.visibility != Visibility::Public;
    Ok(render(&Members {
        layout: page.layout(
            &format!("Members of {}", view.group.name),
            &view.group.description,
            "groups",
            noindex,
        ),
        members: rows
            .iter()
            .map(|m| MemberRow {
                username: m.username.clone(),
                display_name: m.display_name.clone(),
                role: m.role.as_str(),
                initial: initial(&m.display_name, &m.username),
                hue: hue(&m.username),
            })
            .collect(),
        slug,
        group_name: view.group.name,
        can_manage,
        next_cursor: next.flatten(),
    }))
}

/// Removes a member (owners and admins).
pub async fn remove_member(
    State(state): State<AppState>,
    page: Page,
    Path((slug, username)): Path<(String, String)>,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    state
        .agora
        .groups()
        .remove_member(&page.viewer, &slug, &username)
        .await?;
    Ok(see_other(&format!("/g/{slug}/members")))
}

#[derive(Template)]
#[template(path = "group_new.html")]
struct NewGroupPage {
    layout: Layout,
    fields: Vec<Field>,
    visibility: String,
    visibility_error: Option<String>,
    form_error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct NewGroupForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    slug: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    visibility: String,
}

fn new_group_page(page: &Page, form: &NewGroupForm) -> NewGroupPage {
    NewGroupPage {
        layout: page.layout("New group", "Create a group.", "groups", true),
        fields: vec![
            Field::new("name", "Name", "text", form.name.as_str()),
            Field::new(
                "slug",
                "Short name for the address",
                "text",
                form.slug.as_str(),
            )
            .optional()
            .hint("Lowercase letters, digits and dashes; made from the name if left empty."),
            Field::new(
                "description",
                "Description",
                "textarea",
                form.description.as_str(),
            )
            .optional(),
        ],
        visibility: if form.visibility.is_empty() {
            "public".into()
        } else {
            form.visibility.clone()
        },
        visibility_error: None,
        form_error: None,
    }
}

/// The form to create a group.
pub async fn new_form(page: Page) -> Result<Response, ApiError> {
    if page.viewer.id().is_none() {
        return Err(ApiError::sign_in_required());
    }
    Ok(render(&new_group_page(&page, &NewGroupForm::default())))
}

/// Creates a group.
pub async fn create(
    State(state): State<AppState>,
    page: Page,
    Form(form): Form<NewGroupForm>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    let input = NewGroupInput {
        name: form.name.clone(),
        slug: Some(form.slug.clone()),
        description: form.description.clone(),
        visibility: form.visibility.clone(),
    };
    match state.agora.groups().create_group(&page.viewer, input).await {
        Ok(view) => Ok(see_other(&format!("/g/{}", view.group.slug))),
        Err(e) => {
            let e = ApiError::from(e);
            if e.status.is_server_error() || e.status.as_u16() == 401 || e.status.as_u16() == 403 {
                return Err(e);
            }
            let mut view = new_group_page(&page, &form);
            if e.field.as_deref() == Some("visibility") {
                view.visibility_error = Some(e.message.clone());
            } else if !attach_error(&mut view.fields, e.field.as_deref(), &e.message) {
                view.form_error = Some(e.message.clone());
            }
            let mut res = render(&view);
            *res.status_mut() = e.status;
            Ok(res)
        }
    }
}

pub struct InvitationRow {
    id: i64,
    group_name: String,
    visibility: &'static str,
    description: String,
}

#[derive(Template)]
#[template(path = "invitations.html")]
struct Invitations {
    layout: Layout,
    invitations: Vec<InvitationRow>,
}

/// `/invitations`: the viewer's open invitations.
pub async fn invitations(State(state): State<AppState>, page: Page) -> Result<Response, ApiError> {
    let rows = state.agora.groups().my_invitations(&page.viewer).await?;
    Ok(render(&Invitations {
        layout: page.layout("Invitations", "Your invitations.", "", true),
        invitations: rows
            .iter()
            .map(|(inv, view)| InvitationRow {
                id: inv.id.0,
                group_name: view.group.name.clone(),
                visibility: view.group.visibility.as_str(),
                description: view.group.description.clone(),
            })
            .collect(),
    }))
}

/// Accepts an invitation.
pub async fn accept(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    let view = state
        .agora
        .groups()
        .accept_invitation(&page.viewer, InvitationId(id))
        .await?;
    Ok(see_other(&format!("/g/{}?notice=joined", view.group.slug)))
}
