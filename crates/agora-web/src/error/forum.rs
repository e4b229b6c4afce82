//! The forum's errors (a merged idea, a locked topic, the posting limits) and search's.

use axum::http::StatusCode;

use agora_core::forum::ForumError;
use agora_core::search::SearchError;

use super::{ApiError, human_seconds};

impl From<ForumError> for ApiError {
    fn from(e: ForumError) -> Self {
        match e {
            ForumError::Refused(r) => r.into(),
            ForumError::Merged { into } => Self::new(
                StatusCode::FORBIDDEN,
                "merged",
                match into {
                    Some(t) => format!(
                        "This idea was merged into another idea, /t/{}: its votes moved there. Vote on that one.",
                        t.0
                    ),
                    None => {
                        "This idea was merged into another idea and takes no more votes.".into()
                    }
                },
            ),
            ForumError::Locked => Self::new(
                StatusCode::FORBIDDEN,
                "topic_locked",
                "This topic is locked; it takes no more replies or edits.",
            ),
            ForumError::NewcomerDailyLimit {
                per_day,
                retry_after_secs,
            } => {
                let mut e = Self::rate_limited(retry_after_secs);
                e.code = "newcomer_daily_limit";
                e.message = format!(
                    "New members may post {per_day} times a day. Thank you for joining in: \
                     post again in {}, and the limit lifts as you read and take part.",
                    human_seconds(retry_after_secs)
                );
                e
            }
            ForumError::RateLimited { retry_after_secs } => {
                let mut e = Self::rate_limited(retry_after_secs);
                e.message = format!(
                    "You are posting very fast. Take a breath and post again in {}.",
                    human_seconds(retry_after_secs)
                );
                e
            }
        }
    }
}

impl From<SearchError> for ApiError {
    fn from(e: SearchError) -> Self {
        match e {
            SearchError::Invalid(i) => i.into(),
            SearchError::Store(s) => s.into(),
        }
    }
}
