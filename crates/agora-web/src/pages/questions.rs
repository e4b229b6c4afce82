//! Q&A pages: a group's questions in lists, the accepted answers on a question's page, and
//! the accept buttons.

use std::collections::{HashMap, HashSet};

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use agora_core::PostId;
use agora_core::forum::{TopicKind, TopicView};
use agora_core::groups::policy::Access;
use agora_core::paging::Cursor;
use agora_core::questions::{QuestionList, SOLVED};

use crate::error::ApiError;
use crate::extract::{ApiForm as Form, ApiPath as Path, ApiQuery as Query};
use crate::pages::topics::post_url;
use crate::pages::view::{Layout, TopicRow};
use crate::pages::{Page, render, see_other};
use crate::state::AppState;

/// What a question's page adds to a topic page.
#[derive(Debug, Default)]
pub(crate) struct QuestionPart {
    pub solved: bool,
    /// The best answer, shown under the question: (author's name, its HTML, its address).
    pub best: Option<(String, String, String)>,
    /// Accepted answers, and whether each is the best.
    pub accepted: HashMap<PostId, bool>,
    /// Answers by site staff.
    pub official: HashSet<PostId>,
}

/// The question part of a topic's page, for a question.
pub(crate) async fn question_part(
    state: &AppState,
    page: &Page,
    view: &TopicView,
) -> Result<Option<QuestionPart>, ApiError> {
    if view.topic.kind != TopicKind::Question {
        return Ok(None);
    }
    let q = state
        .agora
        .questions()
        .question(&page.viewer, view.topic.id)
        .await?;
    let mut part = QuestionPart {
        solved: q.status == SOLVED,
        accepted: q.record.accepted.iter().map(|a| (a.post, a.best)).collect(),
        official: q.record.official.iter().copied().collect(),
        best: None,
    };
    if let Some(best) = q.record.accepted.iter().find(|a| a.best) {
        let post = state
            .agora
            .forum()
            .read_post(&page.viewer, best.post)
            .await?;
        part.best = Some((
            post.item.author.display_name.clone(),
            post.item.body_html.clone(),
            post_url(view.topic.id.0, &view.topic.slug, best.number),
        ));
    }
    Ok(Some(part))
}

#[derive(Template)]
#[template(path = "questions.html")]
struct QuestionsPage {
    layout: Layout,
    slug: String,
    group_name: String,
    list: &'static str,
    can_post: bool,
    topics: Vec<TopicRow>,
    next_cursor: Option<String>,
    unanswered_days: i64,
}

#[derive(Debug, Deserialize)]
pub struct QuestionsQuery {
    list: Option<String>,
    cursor: Option<String>,
}

/// `/g/{slug}/questions?list=unanswered`: a group's questions.
pub async fn list(
    State(state): State<AppState>,
    page: Page,
    Path(slug): Path<String>,
    Query(q): Query<QuestionsQuery>,
) -> Result<Response, ApiError> {
    let list = QuestionList::parse(q.list.as_deref())?;
    let cursor = q.cursor.as_deref().map(Cursor::decode).transpose()?;
    let listing = state
        .agora
        .questions()
        .list(&page.viewer, &slug, list, cursor, 30)
        .await?;
    let group = &listing.group;
    let days = state.agora.trust().trust_settings().await?
        [agora_core::trust::Knob::QuestionUnansweredDays];
    let title = format!("Questions in {}", group.group.name);
    let view = QuestionsPage {
        layout: page.layout(
            &title,
            &format!("Questions and answers in {}.", group.group.name),
            "groups",
            list != QuestionList::All
                || group.group.visibility != agora_core::groups::Visibility::Public,
        ),
        slug: group.group.slug.clone(),
        group_name: group.group.name.clone(),
        list: list.as_str(),
        can_post: group.access >= Access::Participate,
        topics: listing
            .topics
            .items
            .iter()
            .map(|t| TopicRow::new(t, None))
            .collect(),
        next_cursor: listing.topics.next.map(Cursor::encode),
        unanswered_days: days,
    };
    Ok(render(&view))
}

#[derive(Debug, Deserialize)]
pub struct AcceptForm {
    #[serde(default)]
    csrf: String,
    /// `accept`, `best` or `unaccept`.
    #[serde(default)]
    action: String,
}

/// Accepts an answer, makes it the best, or takes the acceptance back; back to the answer.
pub async fn accept(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(form): Form<AcceptForm>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    let post = PostId(id);
    match form.action.as_str() {
        "accept" => {
            state
                .agora
                .questions()
                .accept_answer(&page.viewer, post, false)
                .await?
        }
        "best" => {
            state
                .agora
                .questions()
                .accept_answer(&page.viewer, post, true)
                .await?
        }
        "unaccept" => {
            state
                .agora
                .questions()
                .unaccept_answer(&page.viewer, post)
                .await?
        }
        _ => {
            return Err(agora_core::Invalid::new(
                "action",
                "invalid_choice",
                "Accept the answer, make it the best, or take it back.",
            )
            .into());
        }
    };
    let (answer, topic, _) = state.agora.forum().post(&page.viewer, post).await?;
    Ok(see_other(&post_url(topic.id.0, &topic.slug, answer.number)))
}
