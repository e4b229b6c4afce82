//! The orders of topic lists (a group's and the site-wide latest): latest activity, most
//! replies, top over a period and unanswered. Parsing them from a request, the key a page
//! continues after, and what the store ranks `Top` by.
//!
//! Every order pages by cursor (its key and the topic's id). `Top` ranks by the replies
//! written and the reactions given to the topic's posts in the period (`Period::All`: every
//! reply and reaction the topic has), in the one place the store computes it (`agora-store`'s
//! `topic_sorts::score`).

use async_trait::async_trait;

use crate::error::{Invalid, StoreError};
use crate::forum::{LatestFilter, Period, Topic, TopicFilter, TopicInGroup, TopicSort};
use crate::ids::GroupId;
use crate::paging::Cursor;
use crate::time::Timestamp;

/// The period a `Top` list covers when none is asked for.
pub const DEFAULT_PERIOD: Period = Period::Week;

impl Period {
    /// Every period, shortest first.
    pub const ALL: [Self; 5] = [Self::Day, Self::Week, Self::Month, Self::Year, Self::All];

    /// The name in addresses and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::Week => "week",
            Self::Month => "month",
            Self::Year => "year",
            Self::All => "all",
        }
    }

    /// What pages call it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Day => "Today",
            Self::Week => "This week",
            Self::Month => "This month",
            Self::Year => "This year",
            Self::All => "All time",
        }
    }

    /// The period a client named; `None` for anything else.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == name)
    }

    /// When the period that ends `now` began (the last 24 hours, 7, 30 or 365 days); `None`
    /// for all time.
    pub fn since(self, now: Timestamp) -> Option<Timestamp> {
        let days = match self {
            Self::Day => 1,
            Self::Week => 7,
            Self::Month => 30,
            Self::Year => 365,
            Self::All => return None,
        };
        Some(now.plus_seconds(-days * 86_400))
    }
}

impl TopicSort {
    /// The order a list's `sort` and `period` ask for (`latest` when neither). `period`
    /// belongs to `top` (a week when not given) and is left aside for the other orders, so a
    /// page's form may always send it; a value that names no sort or period is refused on its
    /// field.
    pub fn parse(sort: Option<&str>, period: Option<&str>) -> Result<Self, Invalid> {
        let period = match period.filter(|p| !p.is_empty()) {
            None => DEFAULT_PERIOD,
            Some(name) => Period::parse(name).ok_or_else(|| {
                Invalid::new(
                    "period",
                    "invalid_choice",
                    "A period is day, week, month, year or all.",
                )
            })?,
        };
        Ok(match sort.filter(|s| !s.is_empty()) {
            None | Some("latest") => Self::Latest,
            Some("replies") => Self::Replies,
            Some("top") => Self::Top(period),
            Some("unanswered") => Self::Unanswered,
            Some(_) => {
                return Err(Invalid::new(
                    "sort",
                    "invalid_choice",
                    "Sort by latest, replies, top or unanswered.",
                ));
            }
        })
    }

    /// The name in addresses and the API.
    pub fn name(self) -> &'static str {
        match self {
            Self::Latest => "latest",
            Self::Replies => "replies",
            Self::Top(_) => "top",
            Self::Unanswered => "unanswered",
        }
    }

    /// The period of a `Top` list.
    pub fn period(self) -> Option<Period> {
        match self {
            Self::Top(period) => Some(period),
            _ => None,
        }
    }

    /// Whether pinned topics lead the list (on its first page) and stay out of its pages; a
    /// top or unanswered list ranks them among the rest.
    pub fn pins_first(self) -> bool {
        matches!(self, Self::Latest | Self::Replies)
    }

    /// The key a list in this order continues after, read from a topic. A `Top` list's key
    /// is its score, which the store returns beside each topic.
    pub(crate) fn key(self, topic: &Topic) -> i64 {
        match self {
            Self::Latest => topic.last_activity_at.0,
            Self::Replies | Self::Top(_) => topic.reply_count,
            Self::Unanswered => topic.created_at.0,
        }
    }
}

/// What the store ranks `Top` lists by: each topic's score over the period since `since`
/// (`None`: all time), highest first, then the newest (highest id) first; a page continues
/// after `after` (score and id) and holds at most `limit`.
#[async_trait]
pub trait TopStore: Send + Sync {
    /// A group's topics with their scores (only topics written or replied to in the period).
    async fn top_topics(
        &self,
        group: GroupId,
        since: Option<Timestamp>,
        after: Option<Cursor>,
        limit: u32,
        with_deleted: bool,
        filter: &TopicFilter,
    ) -> Result<Vec<(Topic, i64)>, StoreError>;
    /// The topics of the groups in `scope` with their scores (`filter.tag` narrows;
    /// `filter.before` is the cursor).
    async fn top_latest(
        &self,
        scope: &crate::audience::AudienceScope,
        since: Option<Timestamp>,
        filter: &LatestFilter,
        limit: u32,
    ) -> Result<Vec<(TopicInGroup, i64)>, StoreError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sort_and_its_period_are_parsed_and_a_bad_one_is_refused_on_its_field() {
        assert_eq!(TopicSort::parse(None, None), Ok(TopicSort::Latest));
        assert_eq!(
            TopicSort::parse(Some("top"), None),
            Ok(TopicSort::Top(Period::Week))
        );
        assert_eq!(
            TopicSort::parse(Some("top"), Some("year")),
            Ok(TopicSort::Top(Period::Year))
        );
        assert_eq!(
            TopicSort::parse(Some("unanswered"), Some("day")),
            Ok(TopicSort::Unanswered)
        );
        assert_eq!(
            TopicSort::parse(Some("best"), None).map_err(|e| e.field),
            Err("sort")
        );
        assert_eq!(
            TopicSort::parse(Some("latest"), Some("decade")).map_err(|e| e.field),
            Err("period")
        );
        for period in Period::ALL {
            assert_eq!(Period::parse(period.as_str()), Some(period));
        }
        let now = Timestamp(1_000_000_000_000_000);
        assert_eq!(
            Period::Day.since(now),
            Some(Timestamp(now.0 - 86_400_000_000))
        );
        assert_eq!(Period::All.since(now), None);
    }
}
