//! Q&A: a group's questions in lists, a question's accepted and official answers and its
//! times, accepting and taking back answers.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use agora_core::PostId;
use agora_core::TopicId;
use agora_core::paging::{Cursor, page_size};
use agora_core::kinds::questions::{QuestionList, QuestionView};

use crate::api::dto::{TopicListResponse, TopicSummary};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Auth};
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(tags((name = "questions", description = "Q&A: questions, accepted and official answers")))]
struct QuestionsDoc;

/// The routes of this kind, with their OpenAPI description.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(QuestionsDoc::openapi())
        .routes(routes!(list))
        .routes(routes!(show))
        .routes(routes!(accept, unaccept))
}

/// Which of a group's questions to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QuestionListQuery {
    /// `all` (default), `unanswered` (no answer after the site's number of days), `answered`
    /// (answered, none accepted) or `solved`.
    pub list: Option<String>,
    /// From a previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// 1–100, default 30.
    pub limit: Option<u32>,
}

/// Accepting an answer.
#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct AcceptAnswerRequest {
    /// Make it the best answer, shown under the question and in search results (the first
    /// accepted answer is the best until another is chosen).
    #[serde(default)]
    pub best: bool,
}

/// An accepted answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct AcceptedResponse {
    pub post_id: i64,
    pub number: i64,
    pub best: bool,
    /// Who accepted it; null once they erased their account.
    pub accepted_by: Option<String>,
    pub accepted_at: String,
}

/// A question's answers and times.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionResponse {
    pub topic_id: i64,
    /// `open` or `solved`.
    pub status: String,
    pub asked_at: String,
    pub accepted: Vec<AcceptedResponse>,
    /// Ids of the answers written by site staff.
    pub official: Vec<i64>,
    pub first_answer_at: Option<String>,
    pub first_accepted_at: Option<String>,
    /// Seconds from the question to its first answer by someone else.
    pub time_to_first_answer_secs: Option<i64>,
    /// Seconds from the question to its first accepted answer.
    pub time_to_accepted_answer_secs: Option<i64>,
}

impl From<&QuestionView> for QuestionResponse {
    fn from(q: &QuestionView) -> Self {
        Self {
            topic_id: q.topic.0,
            status: q.status.clone(),
            asked_at: q.asked_at.to_rfc3339(),
            accepted: q
                .record
                .accepted
                .iter()
                .map(|a| AcceptedResponse {
                    post_id: a.post.0,
                    number: a.number,
                    best: a.best,
                    accepted_by: a.accepted_by.clone(),
                    accepted_at: a.accepted_at.to_rfc3339(),
                })
                .collect(),
            official: q.record.official.iter().map(|p| p.0).collect(),
            first_answer_at: q.record.first_answer_at.map(|t| t.to_rfc3339()),
            first_accepted_at: q.record.first_accepted_at.map(|t| t.to_rfc3339()),
            time_to_first_answer_secs: q.time_to_first_answer(),
            time_to_accepted_answer_secs: q.time_to_accepted_answer(),
        }
    }
}

/// A group's questions: all, unanswered, answered or solved, newest activity first.
#[utoipa::path(get, path = "/api/v1/groups/{slug}/questions", tag = "questions",
    params(("slug" = String, Path), QuestionListQuery),
    responses((status = 200, body = TopicListResponse), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(slug): ApiPath<String>,
    ApiQuery(q): ApiQuery<QuestionListQuery>,
) -> Result<Json<TopicListResponse>, ApiError> {
    let list = QuestionList::parse(q.list.as_deref())?;
    let limit = page_size(q.limit)?;
    let cursor = q.cursor.as_deref().map(Cursor::decode).transpose()?;
    let listing = state
        .agora
        .questions()
        .list(&auth.viewer, &slug, list, cursor, limit)
        .await?;
    let slug = &listing.group.group.slug;
    Ok(Json(TopicListResponse {
        pinned: Vec::new(),
        topics: listing
            .topics
            .items
            .iter()
            .map(|t| TopicSummary::new(t, slug))
            .collect(),
        next_cursor: listing.topics.next.map(Cursor::encode),
    }))
}

/// A question's accepted and official answers and its times (404 for a topic that is not a
/// question).
#[utoipa::path(get, path = "/api/v1/topics/{id}/question", tag = "questions",
    params(("id" = i64, Path)),
    responses((status = 200, body = QuestionResponse), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<QuestionResponse>, ApiError> {
    let view = state
        .agora
        .questions()
        .question(&auth.viewer, TopicId(id))
        .await?;
    Ok(Json(QuestionResponse::from(&view)))
}

/// Accepts an answer (the asker, the group's moderators, site staff); accepting it again with
/// `best` makes it the best.
#[utoipa::path(post, path = "/api/v1/posts/{id}/accept", tag = "questions",
    params(("id" = i64, Path)), request_body = AcceptAnswerRequest,
    responses((status = 200, body = QuestionResponse), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "asker_only, not_an_answer, not_published, suspended"),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn accept(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<AcceptAnswerRequest>,
) -> Result<Json<QuestionResponse>, ApiError> {
    let view = state
        .agora
        .questions()
        .accept_answer(&auth.viewer, PostId(id), req.best)
        .await?;
    Ok(Json(QuestionResponse::from(&view)))
}

/// Takes back the acceptance of an answer.
#[utoipa::path(delete, path = "/api/v1/posts/{id}/accept", tag = "questions",
    params(("id" = i64, Path)),
    responses((status = 200, body = QuestionResponse), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn unaccept(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<QuestionResponse>, ApiError> {
    let view = state
        .agora
        .questions()
        .unaccept_answer(&auth.viewer, PostId(id))
        .await?;
    Ok(Json(QuestionResponse::from(&view)))
}
