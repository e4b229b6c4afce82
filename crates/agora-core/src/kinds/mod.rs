//! The registry of kinds: every kind of content beyond the plain discussion lives in a folder
//! of its own here (its use cases, its store trait, its settings, its periodic jobs, how its
//! items are reached and found) and declares what the shared code needs to know of it as one
//! [`Kind`]. It is registered with one line in [`kinds!`] below; topic creation, lists,
//! search, reports, reactions, bookmarks, the worker and the trust settings read [`ALL`], and
//! none of them names a kind.

use crate::forum::TopicKind;

/// What a kind tells the shared code about itself, declared as `KIND` in its folder.
pub struct Kind {
    /// Its name (`question`, `message`).
    pub name: &'static str,
    /// For a kind of topic: what topic creation, lists and pages need of it.
    pub topic: Option<KindSpec>,
    /// Its own actions on items (accepting an answer), each with its rule, asked by the item
    /// rule after what every action shares.
    pub actions: &'static [&'static crate::items::KindAction],
    /// Its events, recorded in the outbox beside the shared ones.
    pub events: &'static [&'static crate::events::KindEventSpec],
    /// The settings it declares, edited with the others on the admin's trust page.
    pub settings: &'static [crate::trust::KnobInfo],
    /// The work it has the worker do once a minute.
    pub jobs: &'static [PeriodicJob],
    /// Its consumers of the outbox, run by the worker beside the shared modules'.
    pub consumers: &'static [crate::events::Consumer],
    /// How reports, reactions, bookmarks and complaints reach its items, for a kind whose items
    /// are not posts.
    pub items: Option<&'static dyn crate::items::refs::ItemSource>,
    /// How search finds its items, for a kind whose items are not posts.
    pub search: Option<&'static dyn crate::search::items::SearchSource>,
    /// The labels the site gives its statuses (admins name the statuses of ideas), for
    /// badges wherever a topic of the kind is shown.
    pub status_labels: Option<LabelsLoad>,
    /// Its part of the demo community: loads what the demo's data holds for it (under
    /// `kinds.<name>`), returning how many records it wrote.
    pub demo: Option<DemoLoad>,
    /// The audience the kind keeps, if any (a conversation), and how far a viewer reaches
    /// into one by its id: what [`crate::audience`] asks of an audience no item stands for (a
    /// file of the media folder kept for it).
    pub audience: Option<AudienceReach>,
}

/// A kind's loader of the labels the site gives its statuses: (kind, status, label).
/// A kind's own audience and its reach (see [`Kind::audience`]).
#[derive(Clone, Copy)]
pub struct AudienceReach {
    pub kind: crate::audience::AudienceKind,
    /// How far the viewer reaches into the audience of this id (`Hidden` where it does not
    /// exist for them).
    pub reach:
        for<'a> fn(&'a crate::agora::Agora, &'a crate::viewer::Viewer, i64) -> ReachFuture<'a>,
}

/// What [`AudienceReach::reach`] returns.
pub type ReachFuture<'a> = std::pin::Pin<
    Box<
        dyn std::future::Future<
                Output = Result<crate::groups::policy::Access, crate::error::StoreError>,
            > + Send
            + 'a,
    >,
>;

pub type LabelsLoad = for<'a> fn(&'a crate::agora::Agora) -> LabelsFuture<'a>;

/// What loading a kind's status labels takes.
pub type LabelsFuture<'a> = std::pin::Pin<
    Box<
        dyn std::future::Future<
                Output = Result<Vec<(TopicKind, String, String)>, crate::error::StoreError>,
            > + Send
            + 'a,
    >,
>;

impl crate::agora::Agora {
    /// The labels the site gives the statuses of every kind, for badges in lists, search
    /// results and topic pages.
    pub async fn status_labels(&self) -> Result<StatusLabels, crate::error::StoreError> {
        let mut labels = Vec::new();
        for load in ALL.iter().filter_map(|k| k.status_labels) {
            labels.extend(load(self).await?);
        }
        Ok(StatusLabels::new(labels))
    }
}

/// A kind's loader of its part of the demo community.
pub type DemoLoad = for<'a> fn(DemoContext<'a>, &'a serde_json::Value) -> DemoFuture<'a>;

/// What a kind's demo loader is given: the store to write through (as the use cases would
/// have written), the demo's members by username and the demo's clock.
#[derive(Clone, Copy)]
pub struct DemoContext<'a> {
    pub store: &'a dyn crate::store::Store,
    pub members: &'a std::collections::HashMap<String, crate::ids::MemberId>,
    pub now: crate::time::Timestamp,
}

impl DemoContext<'_> {
    /// The demo member named `username`.
    pub fn member(&self, username: &str) -> Result<crate::ids::MemberId, String> {
        self.members
            .get(username)
            .copied()
            .ok_or_else(|| format!("the demo data names an unknown member {username:?}"))
    }
}

/// A demo loader's run: how many records it wrote.
pub type DemoFuture<'a> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<usize, String>> + Send + 'a>>;

/// Declares the kinds: for each, its folder (`pub mod`), its entry in [`ALL`] (the folder's
/// `KIND`) and its port (the store traits its use cases use), which the whole store must
/// offer ([`KindStores`]). One line per kind.
macro_rules! kinds {
    ($($kind:ident: $port:ident,)*) => {
        $(pub mod $kind;)*

        /// Every kind, in the order forms offer them.
        pub static ALL: &[&Kind] = &[$(&$kind::KIND),*];

        /// What the kinds need of the store: each kind's port (part of [`crate::store::Store`]).
        pub trait KindStores: $($kind::$port +)* Send + Sync {}
        impl<T: $($kind::$port +)* Send + Sync + ?Sized> KindStores for T {}
    };
}

kinds! {
    questions: QuestionsPort,
    ideas: IdeasPort,
    messages: MessagesPort,
}

/// What a kind of topic tells topic creation, lists, search and pages.
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
    /// Whether its replies answer it and its featured post is the accepted answer (search
    /// engines are told it is a question and its answers).
    pub answered: bool,
    /// The statuses that close it to its kind's actions (a merged idea takes no votes).
    pub closed: &'static [&'static str],
    /// Its loader of what its demo topics carry beyond a discussion's (a question's accepted
    /// answers, an idea's votes, status and merge).
    pub demo: Option<DemoTopicLoad>,
}

/// A kind's loader of one of its demo topics' own part.
pub type DemoTopicLoad = for<'a> fn(DemoContext<'a>, DemoTopic<'a>) -> DemoFuture<'a>;

/// A demo topic as the shared loader wrote it, given to its kind's loader once every topic of
/// its group is in (a merge names another by its place in the group).
#[derive(Clone, Copy)]
pub struct DemoTopic<'a> {
    pub group: crate::ids::GroupId,
    pub topic: crate::ids::TopicId,
    pub title: &'a str,
    pub author: crate::ids::MemberId,
    pub opened: crate::time::Timestamp,
    /// Its replies, in order, with when each was written.
    pub replies: &'a [(crate::ids::PostId, crate::time::Timestamp)],
    /// Who stands for the group's staff (its owner): their id and username, for the audit.
    pub staff: (crate::ids::MemberId, &'a str),
    /// The topics of its group, in the demo data's order.
    pub siblings: &'a [crate::ids::TopicId],
    /// The topic as the demo data says it; the kind reads its own fields.
    pub data: &'a serde_json::Value,
}

impl DemoTopic<'_> {
    /// An audit entry for what the group's staff did to the topic while the demo was loaded.
    pub fn staff_entry(
        &self,
        at: crate::time::Timestamp,
        action: &'static str,
        detail: String,
    ) -> crate::audit::NewAuditEntry {
        crate::audit::NewAuditEntry {
            at,
            actor: Some(self.staff.0),
            actor_name: self.staff.1.to_owned(),
            action,
            target: crate::audit::Target::topic(self.topic, self.title),
            group: Some(self.group),
            detail,
        }
    }

    /// The kind's own fields of the topic's data, or what is wrong with them.
    pub fn fields<T: serde::de::DeserializeOwned>(&self) -> Result<T, String> {
        serde_json::from_value(self.data.clone())
            .map_err(|e| format!("demo topic {:?}: {e}", self.title))
    }
}

/// Every kind of topic members may open beside discussions, in the order forms offer them.
pub fn topic_kinds() -> impl Iterator<Item = &'static KindSpec> {
    ALL.iter().filter_map(|k| k.topic.as_ref())
}

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

/// Every kind's actions on items, in the order of the registry.
pub fn actions() -> impl Iterator<Item = &'static crate::items::KindAction> {
    ALL.iter().flat_map(|k| k.actions.iter().copied())
}

/// Every kind's events, in the order of the registry.
pub fn events() -> impl Iterator<Item = &'static crate::events::KindEventSpec> {
    ALL.iter().flat_map(|k| k.events.iter().copied())
}

/// Every kind's periodic work.
pub fn jobs() -> impl Iterator<Item = &'static PeriodicJob> {
    ALL.iter().flat_map(|k| k.jobs.iter())
}

/// Every kind's settings.
pub fn settings() -> impl Iterator<Item = &'static crate::trust::KnobInfo> {
    ALL.iter().flat_map(|k| k.settings.iter())
}

/// The registry's entry for `kind`; `None` for a discussion or a kind not built yet.
pub fn spec(kind: TopicKind) -> Option<&'static KindSpec> {
    topic_kinds().find(|k| k.kind == kind)
}

/// Whether members may open topics of `kind` (discussions, and every registered kind).
pub fn is_open(kind: TopicKind) -> bool {
    kind == TopicKind::DISCUSSION || spec(kind).is_some()
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

/// Whether a topic of `kind` in `status` is closed to its kind's actions.
pub fn is_closed(kind: TopicKind, status: &str) -> bool {
    spec(kind).is_some_and(|k| k.closed.contains(&status))
}

/// Whether a topic of `kind` is answered by its replies (a question).
pub fn is_answered(kind: TopicKind) -> bool {
    spec(kind).is_some_and(|k| k.answered)
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
        .chain(topic_kinds().map(|k| k.kind.as_str()))
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
        let kinds: Vec<_> = topic_kinds().collect();
        for (i, k) in kinds.iter().enumerate() {
            assert!(kinds[i + 1..].iter().all(|o| o.kind != k.kind), "{k:?}");
            assert!(!k.initial_status.is_empty(), "{k:?}");
            assert!(crate::forum::model::is_status_name(k.initial_status));
            assert!(!k.badge.is_empty());
        }
        assert!(is_open(TopicKind::DISCUSSION));
        assert!(!is_open(TopicKind::new("poll")));
        assert_eq!(badge(TopicKind::DISCUSSION, ""), "");
        assert_eq!(badge(questions::QUESTION, "solved"), "Solved");
        assert_eq!(badge(questions::QUESTION, "open"), "Question");
        assert_eq!(badge(ideas::IDEA, "shipped"), "Shipped");
        let labels = StatusLabels::new(vec![(
            ideas::IDEA,
            "under_review".into(),
            "Under review".into(),
        )]);
        assert_eq!(labels.badge(ideas::IDEA, "under_review"), "Under review");
        assert_eq!(
            labels.badge(questions::QUESTION, "under_review"),
            "Question"
        );
        assert_eq!(labels.badge(ideas::IDEA, "merged"), "Merged");
        assert_eq!(open_names(""), "discussion, question or idea");
        assert_eq!(
            open_names("kind:"),
            "kind:discussion, kind:question or kind:idea"
        );
    }
}
