//! The registry of content kinds beyond the plain discussion: each kind's module declares
//! what the shared code needs to know of it (that members may open one, the status it starts
//! in, the badge it wears in lists) as one `KindSpec`, and is listed once in [`KINDS`].
//! Topic creation, lists, search and pages read this list; none of them names a kind.

use crate::forum::TopicKind;

/// What a kind tells the shared code about itself.
#[derive(Debug)]
pub struct KindSpec {
    pub kind: TopicKind,
    /// The status a new topic of this kind starts in (`is:open`, `is:new`).
    pub initial_status: &'static str,
    /// Its badges by status, in lists, search results and on its page (`solved` → `Solved`).
    pub badges: &'static [(&'static str, &'static str)],
    /// The badge for any other status (`Question`).
    pub badge: &'static str,
    /// The words for starting one: (the compose page's title, its submit button): ("Ask a
    /// question", "Post question").
    pub compose: (&'static str, &'static str),
    /// The statuses in which it is settled (a question `solved`): its badge is shown as done.
    pub done: &'static [&'static str],
    /// What its featured post is called, beside another result of the topic and on the post
    /// itself: ("Accepted answer", "Best answer"); empty for a kind that features none.
    pub featured: (&'static str, &'static str),
}

/// Every kind members may open beside discussions, in the order forms offer them.
pub const KINDS: &[KindSpec] = &[crate::questions::KIND, crate::ideas::KIND];

/// Work a kind has the worker do once a minute (what is due by time alone), declared in its own
/// folder: it returns how many events it recorded.
pub struct PeriodicJob {
    /// What it does, for the logs.
    pub name: &'static str,
    pub run: for<'a> fn(&'a crate::agora::Agora) -> JobFuture<'a>,
}

/// A periodic job's run: how many events it recorded.
pub type JobFuture<'a> = std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<usize, crate::error::StoreError>> + Send + 'a>,
>;

/// Every kind's periodic work, one line per kind.
pub const JOBS: &[PeriodicJob] = &[crate::questions::REMINDERS];

/// The settings each kind declares in its own folder, one line per kind.
pub const SETTINGS: &[&[crate::trust::KnobInfo]] = &[
    crate::questions::SETTINGS,
    crate::ideas::SETTINGS,
    crate::messages::SETTINGS,
];

/// The registry's entry for `kind`; `None` for a discussion or a kind not built yet.
pub fn spec(kind: TopicKind) -> Option<&'static KindSpec> {
    KINDS.iter().find(|k| k.kind == kind)
}

/// Whether members may open topics of `kind` (discussions, and every registered kind).
pub fn is_open(kind: TopicKind) -> bool {
    kind == TopicKind::Discussion || spec(kind).is_some()
}

/// The labels a site gives its kinds' statuses (admins name the statuses of ideas), by kind:
/// what a topic's badge says wherever it is shown, so that a list, the topic's page and its
/// board say the same word.
#[derive(Debug, Clone, Default)]
pub struct StatusLabels(Vec<(TopicKind, String, String)>);

impl StatusLabels {
    /// Labels as (kind, status, label).
    pub fn new(labels: Vec<(TopicKind, String, String)>) -> Self {
        Self(labels)
    }

    /// The badge of a topic of `kind` in `status`: the site's label for the status, or else
    /// the kind's own badge ([`badge`]); empty for a discussion.
    pub fn badge(&self, kind: TopicKind, status: &str) -> String {
        self.0
            .iter()
            .find(|(k, s, _)| *k == kind && s == status)
            .map_or_else(|| badge(kind, status).to_owned(), |(_, _, l)| l.clone())
    }
}

/// The badge a topic of `kind` in `status` wears when the site names no label for the status;
/// empty for a discussion.
pub fn badge(kind: TopicKind, status: &str) -> &'static str {
    spec(kind).map_or("", |k| {
        k.badges
            .iter()
            .find(|(s, _)| *s == status)
            .map_or(k.badge, |(_, b)| b)
    })
}

/// Whether a topic of `kind` in `status` is settled (its badge shown as done).
pub fn is_done(kind: TopicKind, status: &str) -> bool {
    spec(kind).is_some_and(|k| k.done.contains(&status))
}

/// What the featured post of a topic of `kind` is called: (beside another result, on the post
/// itself).
pub fn featured_words(kind: TopicKind) -> (&'static str, &'static str) {
    spec(kind).map_or(("", ""), |k| k.featured)
}

/// The names of the kinds members may open, for messages, each after `prefix`:
/// `discussion, question or idea`.
pub fn open_names(prefix: &str) -> String {
    let mut names: Vec<String> = std::iter::once("discussion")
        .chain(KINDS.iter().map(|k| k.kind.as_str()))
        .map(|n| format!("{prefix}{n}"))
        .collect();
    let last = names.pop().unwrap_or_default();
    if names.is_empty() {
        last
    } else {
        format!("{} or {last}", names.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_listed_once_and_starts_in_a_status_of_its_own() {
        for (i, k) in KINDS.iter().enumerate() {
            assert!(KINDS[i + 1..].iter().all(|o| o.kind != k.kind), "{k:?}");
            assert!(!k.initial_status.is_empty(), "{k:?}");
            assert!(crate::forum::model::is_status_name(k.initial_status));
            assert!(!k.badge.is_empty());
        }
        assert!(is_open(TopicKind::Discussion));
        assert!(!is_open(TopicKind::Poll));
        assert_eq!(badge(TopicKind::Discussion, ""), "");
        assert_eq!(badge(TopicKind::Question, "solved"), "Solved");
        assert_eq!(badge(TopicKind::Question, "open"), "Question");
        assert_eq!(badge(TopicKind::Idea, "shipped"), "Shipped");
        let labels = StatusLabels::new(vec![(
            TopicKind::Idea,
            "under_review".into(),
            "Under review".into(),
        )]);
        assert_eq!(
            labels.badge(TopicKind::Idea, "under_review"),
            "Under review"
        );
        assert_eq!(
            labels.badge(TopicKind::Question, "under_review"),
            "Question"
        );
        assert_eq!(labels.badge(TopicKind::Idea, "merged"), "Merged");
        assert_eq!(open_names(""), "discussion, question or idea");
        assert_eq!(
            open_names("kind:"),
            "kind:discussion, kind:question or kind:idea"
        );
    }
}
