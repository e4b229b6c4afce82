//! Ideas pages: a board sorted by votes, trending or newest; the shipped changelog; on an
//! idea's page its votes, status history and the staff's status and merge forms.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;

use agora_core::TopicId;
use agora_core::forum::TopicView;
use agora_core::groups::Visibility;
use agora_core::kinds::ideas::{IdeaSort, status_label};
use agora_core::paging::Cursor;

use crate::error::ApiError;
use crate::extract::{ApiForm as Form, ApiPath as Path, ApiQuery as Query};
use crate::kinds::{KindWeb, TopicPart, TopicWeb};
use crate::pages::view::{Layout, TopicRow, ago, date};
use crate::pages::{Page, fragment, render, see_other};
use crate::state::AppState;

/// A status change as the idea's page lists it.
pub(crate) struct ChangeRow {
    pub to_label: String,
    pub note: String,
    /// Who changed it: their display name, and username for the link to their profile
    /// (`None` once they erased their account).
    pub by: String,
    pub by_username: Option<String>,
    /// For a merge: the original's address and title, when the viewer may read it.
    pub merged_into: Option<(String, String)>,
    pub ago: String,
    pub iso: String,
}

/// Ideas on the web.
pub(crate) const WEB: KindWeb = KindWeb {
    name: "idea",
    api: super::api::routes,
    pages: || {
        Router::new()
            .route("/g/{slug}/ideas", get(board))
            .route("/g/{slug}/changelog", get(changelog))
            .route("/t/{id}/idea", post(act))
    },
    topic: Some(TopicWeb {
        kind: agora_core::kinds::ideas::IDEA,
        part: |state, page, view| Box::pin(idea_part(state, page, view)),
        group_lists: &[("ideas", "Ideas")],
    }),
    item_page: None,
    nav: None,
    profile_action: None,
    forbidden: &[
        ("not_votable", "Only an idea takes votes."),
        (
            "vote_budget",
            "You have used all your votes on open ideas; take one back, or wait until an idea you voted for is closed.",
        ),
    ],
    css: include_str!("../../../static/ideas.css"),
};

/// What an idea adds to its page, under the opening post.
#[derive(Template)]
#[template(path = "ideas/idea_box.html")]
struct IdeaBox {
    /// The topic's id.
    id: i64,
    csrf: String,
    votes: i64,
    voted: bool,
    can_vote: bool,
    status_label: String,
    history: Vec<ChangeRow>,
    /// Staff see the status and merge forms.
    staff: bool,
    /// (name, label) of every status, for the staff's form.
    statuses: Vec<(String, String)>,
    status: String,
    /// Ids of ideas merged into this one.
    merged_from: Vec<i64>,
}

/// The idea part of a topic's page, for an idea; a merged idea's page leads to its original
/// (staff stay, to undo the merge).
async fn idea_part(state: &AppState, page: &Page, view: &TopicView) -> Result<TopicPart, ApiError> {
    let idea = state
        .agora
        .ideas()
        .idea(&page.viewer, view.topic.id)
        .await?;
    let staff = agora_core::kinds::ideas::Ideas::idea_staff(&page.viewer, view.group.access);
    let redirect = idea
        .record
        .merged_into
        .filter(|_| !staff)
        .map(|original| format!("/t/{}", original.0));
    let statuses = state.agora.ideas().idea_statuses().await?;
    let label = |name: &str| status_label(&statuses, name);
    let mut history = Vec::with_capacity(idea.record.history.len());
    for c in &idea.record.history {
        history.push(ChangeRow {
            to_label: label(&c.to),
            merged_into: merge_target(state, page, c).await,
            note: c.note.clone(),
            by: c
                .by_display_name
                .clone()
                .or_else(|| c.by.clone())
                .unwrap_or_else(|| "a former member".into()),
            by_username: c.by.clone(),
            ago: ago(c.at),
            iso: c.at.to_rfc3339(),
        });
    }
    let part = IdeaBox {
        id: view.topic.id.0,
        csrf: page.csrf(),
        votes: idea.record.votes,
        voted: idea.record.voted,
        can_vote: view.can.may("vote"),
        status_label: label(&idea.topic.status),
        history,
        staff,
        statuses: statuses
            .iter()
            .map(|s| (s.name.clone(), s.label.clone()))
            .collect(),
        status: idea.topic.status.clone(),
        merged_from: idea.record.merged_from.iter().map(|t| t.0).collect(),
    };
    Ok(TopicPart {
        redirect,
        badge: Some(part.status_label.clone()),
        below_opening: fragment(&part)?,
        ..TopicPart::default()
    })
}

/// For a merge in an idea's history, the original it went into (its address and title), read
/// from the change's note (`Merged into topic:22`) when the viewer may read it.
async fn merge_target(
    state: &AppState,
    page: &Page,
    change: &agora_core::kinds::ideas::StatusChange,
) -> Option<(String, String)> {
    if change.to != agora_core::kinds::ideas::MERGED {
        return None;
    }
    let id = change
        .note
        .strip_prefix("Merged into topic:")?
        .parse::<i64>()
        .ok()?;
    let view = state
        .agora
        .forum()
        .topic(&page.viewer, TopicId(id), 1, 1)
        .await
        .ok()?;
    let t = &view.topic;
    Some((format!("/t/{}/{}", t.id.0, t.slug), t.title.clone()))
}

/// An idea on the board.
struct IdeaRow {
    row: TopicRow,
    votes: i64,
    status_label: String,
}

#[derive(Template)]
#[template(path = "ideas/board.html")]
struct IdeasPage {
    layout: Layout,
    slug: String,
    group_name: String,
    sort: &'static str,
    can_post: bool,
    ideas: Vec<IdeaRow>,
    next_cursor: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct IdeasQuery {
    sort: Option<String>,
    cursor: Option<String>,
}

/// `/g/{slug}/ideas?sort=trending`: a group's ideas.
pub async fn board(
    State(state): State<AppState>,
    page: Page,
    Path(slug): Path<String>,
    Query(q): Query<IdeasQuery>,
) -> Result<Response, ApiError> {
    let sort = IdeaSort::parse(q.sort.as_deref())?;
    let cursor = q.cursor.as_deref().map(Cursor::decode).transpose()?;
    let board = state
        .agora
        .ideas()
        .list(&page.viewer, &slug, sort, cursor, 30)
        .await?;
    if cursor.is_some() && board.ideas.items.is_empty() {
        return Err(ApiError::past_the_end());
    }
    let group = &board.group.group;
    let labels = state.agora.status_labels().await?;
    let view = IdeasPage {
        layout: page.layout(
            &format!("Ideas in {}", group.name),
            &format!("Ideas for {} and how they stand.", group.name),
            "groups",
            group.visibility != Visibility::Public || sort != IdeaSort::Votes,
        ),
        slug: group.slug.clone(),
        group_name: group.name.clone(),
        sort: sort.as_str(),
        can_post: board.group.access >= agora_core::groups::policy::Access::Participate,
        ideas: board
            .ideas
            .items
            .iter()
            .map(|i| {
                let row = TopicRow::new(&i.topic, None, &labels, &page.viewer);
                IdeaRow {
                    votes: i.votes,
                    status_label: row.badge.clone(),
                    row,
                }
            })
            .collect(),
        next_cursor: board.ideas.next.map(Cursor::encode),
    };
    Ok(render(&view))
}

struct ShippedRow {
    title: String,
    url: String,
    note: String,
    iso: String,
    date: String,
}

#[derive(Template)]
#[template(path = "ideas/changelog.html")]
struct ChangelogPage {
    layout: Layout,
    slug: String,
    group_name: String,
    shipped: Vec<ShippedRow>,
}

/// `/g/{slug}/changelog`: what shipped from a board's ideas.
pub async fn changelog(
    State(state): State<AppState>,
    page: Page,
    Path(slug): Path<String>,
) -> Result<Response, ApiError> {
    let (group, shipped) = state
        .agora
        .ideas()
        .shipped_ideas(&page.viewer, &slug)
        .await?;
    let g = &group.group;
    let view = ChangelogPage {
        layout: page.layout(
            &format!("Shipped from {}", g.name),
            &format!("Ideas from {} that shipped.", g.name),
            "groups",
            g.visibility != Visibility::Public,
        ),
        slug: g.slug.clone(),
        group_name: g.name.clone(),
        shipped: shipped
            .iter()
            .map(|(t, c)| ShippedRow {
                title: t.title.clone(),
                url: format!("/t/{}/{}", t.id.0, t.slug),
                note: c.note.clone(),
                iso: c.at.to_rfc3339(),
                date: date(c.at),
            })
            .collect(),
    };
    Ok(render(&view))
}

#[derive(Debug, Deserialize)]
pub struct IdeaForm {
    #[serde(default)]
    csrf: String,
    /// `vote`, `unvote`, `status`, `merge` or `unmerge`.
    #[serde(default)]
    action: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    note: String,
    /// For a merge: the original's address or id.
    #[serde(default)]
    into: String,
}

/// The number at the end of `/t/12/slug` or `12`.
fn topic_number(into: &str) -> Option<i64> {
    let trimmed = into.trim();
    let path = trimmed
        .split_once("/t/")
        .map_or(trimmed, |(_, rest)| rest)
        .split(['/', '?', '#'])
        .next()
        .unwrap_or_default();
    path.parse().ok().filter(|n: &i64| *n > 0)
}

/// Votes, takes a vote back, sets a status, merges or unmerges; back to the idea.
pub async fn act(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(form): Form<IdeaForm>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    let topic = TopicId(id);
    let viewer = &page.viewer;
    let shown = match form.action.as_str() {
        "vote" => state.agora.ideas().vote(viewer, topic).await?,
        "unvote" => state.agora.ideas().unvote(viewer, topic).await?,
        "status" => {
            state
                .agora
                .ideas()
                .set_idea_status(viewer, topic, &form.status, &form.note)
                .await?
        }
        "merge" => {
            let into = topic_number(&form.into).ok_or_else(|| {
                agora_core::Invalid::new(
                    "into",
                    "invalid_format",
                    "Give the original idea's address (/t/12/…) or its number.",
                )
            })?;
            state
                .agora
                .ideas()
                .merge_idea(viewer, topic, TopicId(into))
                .await?
        }
        "unmerge" => state.agora.ideas().unmerge_idea(viewer, topic).await?,
        _ => {
            return Err(agora_core::Invalid::new(
                "action",
                "invalid_choice",
                "Vote, take the vote back, set a status, merge or unmerge.",
            )
            .into());
        }
    };
    Ok(see_other(&format!(
        "/t/{}/{}",
        shown.topic.id.0, shown.topic.slug
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_original_is_named_by_address_or_number() {
        assert_eq!(topic_number("12"), Some(12));
        assert_eq!(topic_number(" /t/12/gpx-export?page=2 "), Some(12));
        assert_eq!(topic_number("https://riders.example/t/7/x#post-3"), Some(7));
        assert_eq!(topic_number("/g/ideas"), None);
        assert_eq!(topic_number("-3"), None);
    }
}
