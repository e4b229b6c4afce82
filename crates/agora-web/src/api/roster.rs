//! The members list for managers in the API (`GET /api/v1/admin/members`, and `.csv`), and
//! the query both it and the admin page read.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use agora_core::Invalid;
use agora_core::site::roster::{Days, Roster, RosterQuery, RosterRow, RosterSort, csv_cell};
use agora_core::trust::TrustLevel;
use agora_core::viewer::SiteRole;

use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiQuery, Auth};
use crate::state::AppState;

/// Search, filters, order and page of the members list. Every field is optional.
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RosterParams {
    /// Text found anywhere in the username, display name or address, in any case.
    pub q: Option<String>,
    /// `admin`, `moderator` or `member`.
    pub role: Option<String>,
    /// Trust level 0–4.
    pub trust: Option<String>,
    /// Joined within the last N days (`30`), or not (`-30`).
    pub joined: Option<String>,
    /// Last seen within the last N days (`7`), or not, including never (`-90`).
    pub seen: Option<String>,
    /// `none`, or at least this many posts (`1`, `10`).
    pub posts: Option<String>,
    /// `joined` (newest first, the default), `seen`, `posts` or `name`.
    pub sort: Option<String>,
    /// Rows to skip (pages of 50).
    pub offset: Option<u32>,
}

/// A parameter that was sent with a value (an empty one is not sent: a form's "any" choice).
/// Choices are taken as sent, not trimmed: `1 ` is no trust level.
fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().filter(|s| !s.is_empty())
}

impl RosterParams {
    /// The query these parameters ask, or the first one that is wrong, saying what to send.
    pub fn query(&self) -> Result<RosterQuery, Invalid> {
        let role = given(&self.role)
            .map(|r| {
                SiteRole::parse(r).ok_or_else(|| {
                    Invalid::new(
                        "role",
                        "invalid_choice",
                        "Choose admin, moderator or member.",
                    )
                })
            })
            .transpose()?;
        let trust = given(&self.trust)
            .map(|t| {
                t.parse()
                    .ok()
                    .and_then(TrustLevel::from_number)
                    .ok_or_else(|| {
                        Invalid::new("trust", "invalid_choice", "A trust level is 0 to 4.")
                    })
            })
            .transpose()?;
        let days = |field: &'static str, v: Option<&str>| {
            v.map(|d| {
                Days::parse(d).ok_or_else(|| {
                    Invalid::new(
                        field,
                        "invalid_choice",
                        "Give a number of days: 30 for within the last 30 days, -30 for not.",
                    )
                })
            })
            .transpose()
        };
        let (no_posts, min_posts) = match given(&self.posts) {
            None => (false, None),
            Some("none") | Some("0") => (true, None),
            Some(n) => match n.parse::<i64>() {
                Ok(n) if n > 0 => (false, Some(n)),
                _ => {
                    return Err(Invalid::new(
                        "posts",
                        "invalid_choice",
                        "Give none, or the least number of posts (1, 10, …).",
                    ));
                }
            },
        };
        let sort = match given(&self.sort) {
            None => RosterSort::default(),
            Some(s) => RosterSort::parse(s).ok_or_else(|| {
                Invalid::new(
                    "sort",
                    "invalid_choice",
                    "Sort by joined, seen, posts or name.",
                )
            })?,
        };
        Ok(RosterQuery {
            text: given(&self.q)
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned),
            role,
            trust,
            joined: days("joined", given(&self.joined))?,
            seen: days("seen", given(&self.seen))?,
            min_posts,
            no_posts,
            sort,
            offset: self.offset.unwrap_or(0),
        })
    }

    /// The parameters as a query string (without `offset`), for links to other pages and
    /// the export.
    pub fn query_string(&self) -> String {
        let pairs = [
            ("q", &self.q),
            ("role", &self.role),
            ("trust", &self.trust),
            ("joined", &self.joined),
            ("seen", &self.seen),
            ("posts", &self.posts),
            ("sort", &self.sort),
        ];
        pairs
            .iter()
            .filter_map(|(k, v)| given(v).map(|v| format!("{k}={}", encode(v))))
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// Percent-encodes a query value.
fn encode(v: &str) -> String {
    let mut out = String::new();
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// One member in the list.
#[derive(Debug, Serialize, ToSchema)]
pub struct RosterMember {
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub email_verified: bool,
    /// `admin`, `moderator` or `member`.
    pub role: &'static str,
    /// 0–4.
    pub trust_level: i64,
    /// Whether an admin set the trust level by hand.
    pub trust_locked: bool,
    pub joined_at: String,
    /// The day the member last visited (`YYYY-MM-DD`), or null if never.
    pub last_seen: Option<String>,
    /// Topics and replies they wrote that are not deleted.
    pub posts: i64,
}

impl From<&RosterRow> for RosterMember {
    fn from(r: &RosterRow) -> Self {
        let m = &r.member;
        Self {
            username: m.username.clone(),
            display_name: m.display_name.clone(),
            email: m.email.clone(),
            email_verified: m.email_verified,
            role: m.role.as_str(),
            trust_level: m.trust_level.number(),
            trust_locked: m.trust_locked,
            joined_at: m.created_at.to_rfc3339(),
            last_seen: r.last_seen().map(|t| day(&t.to_rfc3339())),
            posts: r.posts,
        }
    }
}

fn day(rfc3339: &str) -> String {
    rfc3339.get(..10).unwrap_or(rfc3339).to_owned()
}

/// A page of the members list.
#[derive(Debug, Serialize, ToSchema)]
pub struct RosterResponse {
    pub members: Vec<RosterMember>,
    /// How many members match in all.
    pub total: i64,
    /// The `offset` of the next page, if there is one.
    pub next_offset: Option<u32>,
}

impl RosterResponse {
    pub fn new(roster: &Roster, offset: u32) -> Self {
        let end = offset + roster.rows.len() as u32;
        Self {
            members: roster.rows.iter().map(RosterMember::from).collect(),
            total: roster.total,
            next_offset: (i64::from(end) < roster.total).then_some(end),
        }
    }
}

/// The members a manager asks for (admins): search, filters, order; 50 a page.
#[utoipa::path(get, path = "/api/v1/admin/members", tag = "members", params(RosterParams),
    responses((status = 200, body = RosterResponse), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(params): ApiQuery<RosterParams>,
) -> Result<axum::Json<RosterResponse>, ApiError> {
    let query = params.query()?;
    let offset = query.offset;
    let roster = state.agora.site().roster(&auth.viewer, query).await?;
    Ok(axum::Json(RosterResponse::new(&roster, offset)))
}

/// The same members as a spreadsheet (CSV, admins): every match, not a page.
#[utoipa::path(get, path = "/api/v1/admin/members.csv", tag = "members", params(RosterParams),
    responses((status = 200, content_type = "text/csv", body = String), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn export(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(params): ApiQuery<RosterParams>,
) -> Result<Response, ApiError> {
    csv_response(&state, &auth.viewer, &params).await
}

/// The CSV of the members matching `params`, as a download.
pub async fn csv_response(
    state: &AppState,
    viewer: &agora_core::Viewer,
    params: &RosterParams,
) -> Result<Response, ApiError> {
    let query = params.query()?;
    let roster = state.agora.site().roster_export(viewer, query).await?;
    let mut csv = String::from(
        "username,display_name,email,email_verified,role,trust_level,joined,last_seen,posts\r\n",
    );
    for r in &roster.rows {
        let m = RosterMember::from(r);
        let cells = [
            csv_cell(&m.username),
            csv_cell(&m.display_name),
            csv_cell(&m.email),
            csv_cell(if m.email_verified { "yes" } else { "no" }),
            csv_cell(m.role),
            csv_cell(&m.trust_level.to_string()),
            csv_cell(&day(&m.joined_at)),
            csv_cell(m.last_seen.as_deref().unwrap_or("")),
            csv_cell(&m.posts.to_string()),
        ];
        csv.push_str(&cells.join(","));
        csv.push_str("\r\n");
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"members.csv\"",
            ),
            (header::CACHE_CONTROL, "private, no-store"),
        ],
        csv,
    )
        .into_response())
}
