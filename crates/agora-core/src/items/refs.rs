//! Item references: every piece of content a member can write is named by its kind and id,
//! `(kind, id)`, so the services that work on any item (reports, legal complaints, the audit
//! log, reactions, bookmarks, search) store and accept one reference and never a column per
//! kind. A kind makes its items reachable by declaring an [`ItemSource`] in its own folder, as
//! its `Kind::items` ([`crate::kinds`]); the shared services resolve a reference through it, which
//! applies the kind's audience and the item rule, and so never learn the kind.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::agora::Agora;
use crate::audience::{AudienceKind, AudienceRef};
use crate::error::Refused;
use crate::events::Place;
use crate::groups::policy::Access;
use crate::ids::MemberId;
use crate::items::reported::{Look, ReportedItem};
use crate::items::{Action, Denied, ItemFacts, decide};
use crate::time::Timestamp;
use crate::viewer::Viewer;

/// The kind of an item, as references name it (`post`, `message`): a word a kind declares for
/// itself in its own folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct ItemKind(&'static str);

impl ItemKind {
    /// A kind's word; used once, in the kind's own module.
    pub const fn new(word: &'static str) -> Self {
        Self(word)
    }

    pub fn as_str(self) -> &'static str {
        self.0
    }

    /// The registered kind named `s`, if any: posts, a kind of the registry, or one an
    /// application learnt when it was built (`Agora::with_kind`).
    pub fn parse(s: &str) -> Option<Self> {
        let learnt = LEARNT.read().unwrap_or_else(|e| e.into_inner());
        std::iter::once(crate::forum::items::POSTS.kind())
            .chain(
                crate::kinds::ALL
                    .iter()
                    .filter_map(|k| k.items)
                    .map(|i| i.kind()),
            )
            .chain(learnt.iter().map(|w| Self(w)))
            .find(|k| k.0 == s)
    }

    /// Makes the word of a kind declared outside the registry (a kind a test declares for
    /// itself) one that references read back; its items stay reachable only through the
    /// application that knows the kind.
    pub(crate) fn learn(self) {
        let mut learnt = LEARNT.write().unwrap_or_else(|e| e.into_inner());
        if !learnt.contains(&self.0) {
            learnt.push(self.0);
        }
    }
}

/// A kind read back (an event's payload) is one this version knows; an unknown one fails, and
/// the event holding it is unknown (consumers fail on it, then park it for the admins).
impl<'de> Deserialize<'de> for ItemKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let word = String::deserialize(d)?;
        Self::parse(&word).ok_or_else(|| serde::de::Error::custom(format!("no item kind {word:?}")))
    }
}

impl std::fmt::Display for ItemKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

/// One item, by kind and id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ItemRef {
    pub kind: ItemKind,
    pub id: i64,
}

impl ItemRef {
    pub fn new(kind: ItemKind, id: i64) -> Self {
        Self { kind, id }
    }

    /// The reference named by a kind's word and an id, if the kind is registered.
    pub fn parse(kind: &str, id: i64) -> Option<Self> {
        ItemKind::parse(kind).map(|kind| Self { kind, id })
    }
}

/// The words of item kinds learnt at run time ([`ItemKind::learn`]).
static LEARNT: std::sync::RwLock<Vec<&'static str>> = std::sync::RwLock::new(Vec::new());

impl std::fmt::Display for ItemRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.kind, self.id)
    }
}

/// An item as one viewer may see it: where it lives, how far the viewer reaches there, what the
/// item rule needs, and what a list of mixed items shows of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemSeen {
    pub item: ItemRef,
    pub audience: AudienceRef,
    /// The viewer's reach into the audience.
    pub access: Access,
    pub facts: ItemFacts,
    /// What it belongs to, for lists: a topic's title, a conversation's subject.
    pub title: String,
    /// Its opening words, as plain text.
    pub excerpt: String,
    pub author: MemberId,
    pub author_name: String,
    pub created_at: Timestamp,
    /// Where it sits: its container (a topic, a conversation) and its number there; the web
    /// layer's registry of kinds makes a link from these.
    pub container: i64,
    pub position: i64,
}

impl ItemSeen {
    /// Whether the viewer may take `action` on it.
    pub fn allows(&self, viewer: &Viewer, action: Action) -> Result<(), Denied> {
        decide(viewer, self.access, &self.facts, action)
    }
}

/// What a kind declares so that every shared service can reach its items.
#[async_trait]
pub trait ItemSource: Send + Sync {
    /// The word references use for this kind.
    fn kind(&self) -> ItemKind;

    /// The item `id` as `viewer` may see it: `Refused::NotFound` when it does not exist for
    /// them (whether it exists at all is never told), after the kind's audience and the item
    /// rule's `Read`.
    async fn seen(&self, agora: &Agora, viewer: &Viewer, id: i64) -> Result<ItemSeen, Refused>;

    /// Where a change to the item (a reaction) shows, for those who keep copies of pages (the
    /// guest cache, through [`crate::events::Event::places`]). By default its audience: a
    /// group's pages, and for the audiences beyond groups the audience itself, which the
    /// audience rule decides whether guests see; a kind whose items show on a page of their
    /// own says so.
    fn places(&self, seen: &ItemSeen) -> Vec<Place> {
        match seen.audience.kind {
            AudienceKind::Group => vec![Place::Group {
                group: seen.audience.id,
                topic: None,
            }],
            AudienceKind::Site | AudienceKind::Conversation | AudienceKind::Staff => {
                vec![Place::Audience {
                    audience: seen.audience,
                }]
            }
        }
    }

    /// What `moderator` is shown of the reported item `id`: in a list ([`Look::Line`]: the
    /// item alone) or on its report's page ([`Look::Whole`]: with what the kind shows around
    /// it). The shared services call it only for a moderator the policy lets decide the item's
    /// reports ([`crate::audience::decides_reports`]), whatever their reach into the item's
    /// audience; a kind whose items are private shows the least it can and records each look
    /// in the audit log. `Refused::NotFound` when the item is gone.
    async fn reported(
        &self,
        agora: &Agora,
        moderator: &Viewer,
        id: i64,
        look: Look,
    ) -> Result<ReportedItem, Refused>;

    /// The audit log's word for the system hiding an item of this kind after enough members
    /// flagged it.
    fn auto_hide_action(&self) -> &'static str {
        "item.auto_hide"
    }
}

impl Agora {
    /// Every kind of item the shared services reach: posts, and each registered kind's items
    /// (`Kind::items`).
    pub(crate) fn item_sources(&self) -> impl Iterator<Item = &'static dyn ItemSource> + '_ {
        std::iter::once(&crate::forum::items::POSTS as &'static dyn ItemSource)
            .chain(self.kinds.iter().filter_map(|k| k.items))
    }

    /// The declaration of `kind`, if this application knows it.
    pub(crate) fn item_source(&self, kind: ItemKind) -> Option<&'static dyn ItemSource> {
        self.item_sources().find(|s| s.kind() == kind)
    }

    /// The kind of item named `word`, if this application knows it.
    pub fn item_kind(&self, word: &str) -> Option<ItemKind> {
        self.item_sources()
            .map(|s| s.kind())
            .find(|k| k.as_str() == word)
    }

    /// The reference named by a kind's word and an id, if the application knows the kind.
    pub fn item_ref(&self, word: &str, id: i64) -> Option<ItemRef> {
        self.item_kind(word).map(|kind| ItemRef { kind, id })
    }

    /// The item `r` as `viewer` may see it, through its kind's declaration.
    pub async fn seen_item(&self, viewer: &Viewer, r: ItemRef) -> Result<ItemSeen, Refused> {
        let source = self.item_source(r.kind).ok_or(Refused::NotFound)?;
        source.seen(self, viewer, r.id).await
    }

    /// Where a change to the item `seen` shows, as its kind says.
    pub fn item_places(&self, seen: &ItemSeen) -> Vec<Place> {
        self.item_source(seen.item.kind)
            .map(|s| s.places(seen))
            .unwrap_or_default()
    }

    /// The reported item `r` as its kind shows it to `moderator`; the caller has asked the
    /// policy whether they decide its reports.
    pub(crate) async fn reported_item(
        &self,
        moderator: &Viewer,
        r: ItemRef,
        look: Look,
    ) -> Result<ReportedItem, Refused> {
        let source = self.item_source(r.kind).ok_or(Refused::NotFound)?;
        source.reported(self, moderator, r.id, look).await
    }
}

/// A reference as the store keeps it: the kind's word as text, which [`Agora::item_ref`]
/// reads back when the kind is known.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct StoredRef {
    pub kind: String,
    pub id: i64,
}

impl From<ItemRef> for StoredRef {
    fn from(r: ItemRef) -> Self {
        Self {
            kind: r.kind.as_str().to_owned(),
            id: r.id,
        }
    }
}
