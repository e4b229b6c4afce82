//! The lists of a group's questions (all, unanswered, answered, solved), read through the
//! forum's topic filter.

use super::*;

/// The lists of a group's questions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QuestionList {
    /// Every question, newest activity first.
    #[default]
    All,
    /// No answer after the set number of days.
    Unanswered,
    /// Answered, none accepted yet.
    Answered,
    /// An answer accepted.
    Solved,
}

impl QuestionList {
    /// From its name in an address (`unanswered`, `answered`, `solved`; `all` or none).
    pub fn parse(name: Option<&str>) -> Result<Self, Invalid> {
        match name {
            None | Some("all") => Ok(Self::All),
            Some("unanswered") => Ok(Self::Unanswered),
            Some("answered") => Ok(Self::Answered),
            Some("solved") => Ok(Self::Solved),
            Some(_) => Err(Invalid::new(
                "list",
                "invalid_choice",
                "List all, unanswered, answered or solved questions.",
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Unanswered => "unanswered",
            Self::Answered => "answered",
            Self::Solved => "solved",
        }
    }
}

impl Questions<'_> {
    /// A group's questions in one of its lists.
    pub async fn list(
        self,
        viewer: &Viewer,
        slug: &str,
        list: QuestionList,
        cursor: Option<Cursor>,
        limit: u32,
    ) -> Result<TopicListing, ForumError> {
        let days = self
            .trust()
            .trust_settings()
            .await?
            .get("question_unanswered_days");
        let mut filter = TopicFilter {
            kind: Some(QUESTION),
            ..TopicFilter::default()
        };
        match list {
            QuestionList::All => {}
            QuestionList::Unanswered => {
                filter.replied = Some(false);
                filter.created_before = Some(self.now().plus_seconds(-days * 86_400));
            }
            QuestionList::Answered => {
                filter.replied = Some(true);
                filter.status = Some(OPEN.into());
            }
            QuestionList::Solved => filter.status = Some(SOLVED.into()),
        }
        self.forum()
            .topics(viewer, slug, TopicSort::Latest, cursor, limit, &filter)
            .await
    }
}
