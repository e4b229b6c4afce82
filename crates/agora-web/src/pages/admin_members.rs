//! `/admin/members`: the members list for managers. Search, filters (role, trust level,
//! joined, last seen, posts), sort, pages of 50, each member's role and trust level set in
//! place, and the same list as a spreadsheet (`/admin/members.csv`).

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use agora_core::site::roster::{PAGE, RosterSort};

use crate::api::roster::{RosterParams, RosterResponse, csv_response};
use crate::error::ApiError;
use crate::extract::ApiQuery as Query;
use crate::pages::admin::require_admin;
use crate::pages::view::{Layout, date};
use crate::pages::{Page, render};
use crate::state::AppState;

pub struct MemberRow {
    username: String,
    display_name: String,
    role: &'static str,
    joined: String,
    joined_iso: String,
    last_seen: Option<(String, String)>,
    posts: i64,
    is_me: bool,
    trust_level: i64,
    trust_locked: bool,
}

/// A choice in one of the filter's lists: (value, label, chosen).
type Choice = (String, &'static str, bool);

fn choices(options: &[(&str, &'static str)], chosen: Option<&str>) -> Vec<Choice> {
    options
        .iter()
        .map(|(v, label)| ((*v).to_owned(), *label, chosen.unwrap_or("") == *v))
        .collect()
}

#[derive(Template)]
#[template(path = "admin_members.html")]
struct Members {
    layout: Layout,
    tab: &'static str,
    total: i64,
    shown_from: u32,
    shown_to: u32,
    q: String,
    roles: Vec<Choice>,
    trust: Vec<Choice>,
    joined: Vec<Choice>,
    seen: Vec<Choice>,
    posts: Vec<Choice>,
    sorts: Vec<Choice>,
    members: Vec<MemberRow>,
    /// Links to the previous and next pages (with the same filters).
    previous: Option<String>,
    next: Option<String>,
    export: String,
    error: Option<String>,
    notice: Option<&'static str>,
    levels: Vec<(i64, &'static str)>,
}

#[derive(Debug, serde::Deserialize)]
pub struct Notice {
    notice: Option<String>,
}

/// The members list.
pub async fn members(
    State(state): State<AppState>,
    page: Page,
    Query(params): Query<RosterParams>,
    Query(q): Query<Notice>,
) -> Result<Response, ApiError> {
    require_admin(&page)?;
    let params = &params;
    let (roster, error) = match params.query() {
        Ok(query) => (
            Some(state.agora.site().roster(&page.viewer, query).await?),
            None,
        ),
        Err(invalid) => (None, Some(invalid.message)),
    };
    let offset = params.offset.unwrap_or(0);
    if offset > 0 && roster.as_ref().is_some_and(|r| r.rows.is_empty()) {
        return Err(ApiError::past_the_end());
    }
    let response = roster.as_ref().map(|r| RosterResponse::new(r, offset));
    let qs = params.query_string();
    let link = |offset: u32| {
        let sep = if qs.is_empty() { "" } else { "&" };
        format!("/admin/members?{qs}{sep}offset={offset}")
    };
    let rows = roster.as_ref().map(|r| r.rows.as_slice()).unwrap_or(&[]);
    let refused = error.is_some();
    let sort = RosterSort::ALL
        .iter()
        .map(|(_, name, label)| (*name, *label))
        .collect::<Vec<_>>();
    let mut page_response = render(&Members {
        layout: page.layout("Admin: members", "Members.", "admin", true),
        tab: "members",
        total: roster.as_ref().map_or(0, |r| r.total),
        shown_from: if rows.is_empty() { 0 } else { offset + 1 },
        shown_to: offset + rows.len() as u32,
        q: params.q.clone().unwrap_or_default(),
        roles: choices(
            &[
                ("", "Any role"),
                ("admin", "Admins"),
                ("moderator", "Moderators"),
                ("member", "Members"),
            ],
            params.role.as_deref(),
        ),
        trust: choices(
            &[
                ("", "Any level"),
                ("0", "0 new"),
                ("1", "1 basic"),
                ("2", "2 member"),
                ("3", "3 regular"),
                ("4", "4 leader"),
            ],
            params.trust.as_deref(),
        ),
        joined: choices(
            &[
                ("", "Any time"),
                ("7", "In the last 7 days"),
                ("30", "In the last 30 days"),
                ("365", "In the last year"),
                ("-365", "More than a year ago"),
            ],
            params.joined.as_deref(),
        ),
        seen: choices(
            &[
                ("", "Any time"),
                ("7", "In the last 7 days"),
                ("30", "In the last 30 days"),
                ("-30", "Not for 30 days or never"),
                ("-90", "Not for 90 days or never"),
            ],
            params.seen.as_deref(),
        ),
        posts: choices(
            &[
                ("", "Any"),
                ("none", "None"),
                ("1", "At least 1"),
                ("10", "At least 10"),
                ("100", "At least 100"),
            ],
            params.posts.as_deref(),
        ),
        sorts: choices(&sort, params.sort.as_deref().or(Some("joined"))),
        members: rows
            .iter()
            .map(|r| MemberRow {
                username: r.member.username.clone(),
                display_name: r.member.display_name.clone(),
                role: r.member.role.as_str(),
                joined: date(r.member.created_at),
                joined_iso: r.member.created_at.to_rfc3339(),
                last_seen: r.last_seen().map(|t| (date(t), t.to_rfc3339())),
                posts: r.posts,
                is_me: page.viewer.id() == Some(r.member.id),
                trust_level: r.member.trust().number(),
                trust_locked: r.member.trust_locked,
            })
            .collect(),
        previous: (offset > 0).then(|| link(offset.saturating_sub(PAGE))),
        next: response.as_ref().and_then(|r| r.next_offset).map(link),
        export: if qs.is_empty() {
            "/admin/members.csv".to_owned()
        } else {
            format!("/admin/members.csv?{qs}")
        },
        error,
        notice: match q.notice.as_deref() {
            Some("role") => Some("Role changed."),
            Some("trust") => Some("Trust level changed."),
            _ => None,
        },
        levels: agora_core::trust::TrustLevel::ALL
            .iter()
            .map(|l| (l.number(), l.name()))
            .collect(),
    });
    if refused {
        // A filter that is not one of the form's choices: the page says which, as a 422.
        *page_response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(page_response)
}

/// The members list as a spreadsheet, with the page's filters.
pub async fn export(
    State(state): State<AppState>,
    page: Page,
    Query(params): Query<RosterParams>,
) -> Result<Response, ApiError> {
    require_admin(&page)?;
    csv_response(&state, &page.viewer, &params).await
}
