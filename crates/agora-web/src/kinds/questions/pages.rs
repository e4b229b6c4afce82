//! Q&A pages: a group's questions in lists, the accepted answers on a question's page, and
//! the accept buttons.

use std::collections::{HashMap, HashSet};

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;

use agora_core::PostId;
use agora_core::forum::TopicView;
use agora_core::groups::policy::Access;
use agora_core::paging::Cursor;
use agora_core::kinds::questions::QuestionList;

use crate::error::ApiError;
use crate::extract::{ApiForm as Form, ApiPath as Path, ApiQuery as Query};
use crate::kinds::{KindWeb, TopicPart, TopicWeb};
use crate::pages::topics::post_url;
use crate::pages::view::{Layout, TopicRow};
use crate::pages::{Page, fragment, render, see_other};
use crate::state::AppState;

/// Questions on the web.
pub(crate) const WEB: KindWeb = KindWeb {
    name: "question",
    api: super::api::routes,
    pages: || {
        Router::new()
            .route("/g/{slug}/questions", get(list))
            .route("/p/{id}/accept", post(accept))
    },
    topic: Some(TopicWeb {
        kind: agora_core::kinds::questions::QUESTION,
        part: |state, page, view| Box::pin(question_part(state, page, view)),
        group_lists: &[("questions", "Questions")],
    }),
    item_page: None,
    nav: None,
    profile_action: None,
    forbidden: &[
        (
            "not_an_answer",
            "Only a reply to a question can be accepted as its answer.",
        ),
        (
            "asker_only",
            "Only the member who asked, the group's moderators or site staff can accept an answer.",
        ),
        (
            "not_published",
            "This post is hidden or waiting for review; approve it before accepting it.",
        ),
    ],
    css: include_str!("../../../static/questions.css"),
};

/// The best answer under the question: its opening words and a link to it in the thread,
/// where it is shown in full (once).
#[derive(Template)]
#[template(path = "questions/best_answer.html")]
struct BestAnswer {
    author: String,
    excerpt: String,
    url: String,
}

/// The accept buttons of an answer the viewer may accept.
#[derive(Template)]
#[template(path = "questions/accept_form.html")]
struct AcceptButtons {
    post: i64,
    csrf: String,
    accepted: bool,
    best: bool,
}

/// What a question adds to its page: the accepted answers' and staff answers' badges, the
/// accept buttons, and the best answer under the question.
async fn question_part(
    state: &AppState,
    page: &Page,
    view: &TopicView,
) -> Result<TopicPart, ApiError> {
    let q = state
        .agora
        .questions()
        .question(&page.viewer, view.topic.id)
        .await?;
    let accepted: HashMap<PostId, bool> =
        q.record.accepted.iter().map(|a| (a.post, a.best)).collect();
    let official: HashSet<PostId> = q.record.official.iter().copied().collect();
    let mut part = TopicPart::default();
    let csrf = page.csrf();
    for shown in &view.posts {
        let p = &shown.item;
        let mut marks = String::new();
        match accepted.get(&p.id) {
            Some(true) => marks.push_str(r#"<span class="badge solved">Best answer</span>"#),
            Some(false) => marks.push_str(r#"<span class="badge solved">Accepted</span>"#),
            None => {}
        }
        if official.contains(&p.id) {
            marks.push_str(r#" <span class="badge">Official</span>"#);
        }
        if !marks.is_empty() {
            part.post_marks.insert(p.id.0, marks);
        }
        if shown.can.may("accept") {
            let buttons = AcceptButtons {
                post: p.id.0,
                csrf: csrf.clone(),
                accepted: accepted.contains_key(&p.id),
                best: accepted.get(&p.id) == Some(&true),
            };
            part.post_actions.insert(p.id.0, fragment(&buttons)?);
        }
    }
    if let Some(best) = q.record.accepted.iter().find(|a| a.best) {
        let post = state
            .agora
            .forum()
            .read_post(&page.viewer, best.post)
            .await?;
        part.below_opening = fragment(&BestAnswer {
            author: post.item.author.display_name.clone(),
            excerpt: agora_core::content::markdown::excerpt(&post.item.body_markdown, 240),
            url: post_url(view.topic.id.0, &view.topic.slug, best.number),
        })?;
    }
    Ok(part)
}

#[derive(Template)]
#[template(path = "questions/list.html")]
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
    if cursor.is_some() && listing.topics.items.is_empty() {
        return Err(ApiError::past_the_end());
    }
    let group = &listing.group;
    let days = state
        .agora
        .trust()
        .trust_settings()
        .await?
        .get("question_unanswered_days");
    let title = format!("Questions in {}", group.group.name);
    let labels = state.agora.status_labels().await?;
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
            .map(|t| TopicRow::new(t, None, &labels, &page.viewer))
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
