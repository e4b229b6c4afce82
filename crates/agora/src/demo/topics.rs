//! The demo's topics: each with its replies, pins and locks, reactions and bookmarks; what a
//! topic carries for its kind (a question's accepted answers, an idea's votes and status) is
//! handed to its kind's loader (`agora_core::kinds::KindSpec::demo`).

use serde::Deserialize;

use agora_core::MemberId;
use agora_core::content::markdown;
use agora_core::forum::{NewPost, NewTopic, TopicFlags, TopicKind, TopicTitle};
use agora_core::time::Timestamp;

use crate::app::App;

#[derive(Deserialize)]
pub(super) struct DemoTopic {
    pub(super) title: String,
    author: String,
    tags: Vec<String>,
    body: String,
    pinned: bool,
    locked: bool,
    days_ago: i64,
    pub(super) replies: Vec<DemoReply>,
    /// `discussion` when absent, or a kind's name (`question`, `idea`).
    #[serde(default)]
    kind: Option<String>,
    /// Reactions on its posts.
    #[serde(default)]
    reactions: Vec<DemoReaction>,
    /// Bookmarks on its posts.
    #[serde(default)]
    bookmarks: Vec<DemoBookmark>,
    /// The rest, its kind's own (a question's accepted answers, an idea's votes), read by the
    /// kind's loader (`agora_core::kinds::KindSpec::demo`).
    #[serde(flatten)]
    pub(super) own: serde_json::Value,
}

/// A demo topic as loaded: its id, kind, opening and replies, for its kind's loader.
pub(super) struct Loaded {
    pub(super) topic: agora_core::TopicId,
    kind: TopicKind,
    author: MemberId,
    opened: Timestamp,
    replies: Vec<(agora_core::PostId, Timestamp)>,
}

/// A reaction on a post of a demo topic: `post` 0 is the opening post, `n` the nth reply.
#[derive(Deserialize)]
struct DemoReaction {
    post: usize,
    by: String,
    emoji: String,
}

/// A bookmark on a post of a demo topic, with a reminder `remind_days` from now.
#[derive(Deserialize)]
struct DemoBookmark {
    post: usize,
    by: String,
    note: String,
    remind_days: Option<i64>,
}

#[derive(Deserialize)]
pub(super) struct DemoReply {
    author: String,
    body: String,
    hours_later: i64,
}

/// An audit entry for what a group's owner did while the demo was loaded.
fn staff_entry(
    (id, name): (MemberId, &str),
    at: Timestamp,
    action: &'static str,
    target: agora_core::audit::Target,
    group: agora_core::GroupId,
    detail: String,
) -> agora_core::audit::NewAuditEntry {
    agora_core::audit::NewAuditEntry {
        at,
        actor: Some(id),
        actor_name: name.to_owned(),
        action,
        target,
        group: Some(group),
        detail,
    }
}

pub(super) async fn load_topic(
    app: &App,
    group: agora_core::GroupId,
    t: &DemoTopic,
    id_of: &impl Fn(&str) -> anyhow::Result<MemberId>,
    now: Timestamp,
    staff: (MemberId, &str),
) -> anyhow::Result<Loaded> {
    let store: std::sync::Arc<dyn agora_core::store::Store> = app.store.clone();
    let opened = now.plus_seconds(-t.days_ago * 86_400);
    let title = TopicTitle::parse(&t.title)?;
    let body = markdown::render(&t.body);
    let kind = match t.kind.as_deref() {
        None => TopicKind::DISCUSSION,
        Some(name) => TopicKind::from_name(name)
            .ok_or_else(|| anyhow::anyhow!("demo topic {:?}: unknown kind {name}", t.title))?,
    };
    let (topic, opening) = store
        .insert_topic(&NewTopic {
            group_id: group,
            kind,
            status: kind.initial_status().to_owned(),
            slug: title.slug(),
            title: title.as_str().to_owned(),
            tags: t.tags.clone(),
            author: id_of(&t.author)?,
            body_markdown: t.body.clone(),
            body_html: body.html,
            body_text: body.text,
            at: opened,
            hold: None,
            mentions: Vec::new(),
        })
        .await?;
    let mut replies = Vec::new();
    for r in &t.replies {
        let rendered = markdown::render(&r.body);
        let at = opened.plus_seconds(r.hours_later * 3_600).min(now);
        let id = store
            .insert_post(&NewPost {
                topic_id: topic,
                author: id_of(&r.author)?,
                body_markdown: r.body.clone(),
                body_html: rendered.html,
                body_text: rendered.text,
                at,
                hold: None,
                mentions: Vec::new(),
            })
            .await?;
        replies.push((id, at));
    }
    if t.pinned || t.locked {
        let done = [(t.pinned, "topic.pin"), (t.locked, "topic.lock")];
        let audit: Vec<_> = done
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, action)| {
                staff_entry(
                    staff,
                    opened.plus_seconds(3_600).min(now),
                    action,
                    agora_core::audit::Target::topic(topic, &t.title),
                    group,
                    String::new(),
                )
            })
            .collect();
        store
            .set_topic_flags(
                topic,
                TopicFlags {
                    pinned: Some(t.pinned),
                    locked: Some(t.locked),
                },
                opened,
                &audit,
            )
            .await?;
    }
    let posts: Vec<(agora_core::PostId, Timestamp)> = std::iter::once((opening, opened))
        .chain(replies.iter().copied())
        .collect();
    load_reactions(&store, t, &posts, id_of, now).await?;
    Ok(Loaded {
        topic,
        kind,
        author: id_of(&t.author)?,
        opened,
        replies,
    })
}

/// The kinds' own parts of a group's demo topics (`loaded`, in the data's order), once all of
/// them are in.
pub(super) async fn load_kinds_parts(
    group: agora_core::GroupId,
    topics: &[DemoTopic],
    loaded: &[Loaded],
    staff: (MemberId, &str),
    demo: agora_core::kinds::DemoContext<'_>,
) -> anyhow::Result<()> {
    let siblings: Vec<agora_core::TopicId> = loaded.iter().map(|l| l.topic).collect();
    for (t, l) in topics.iter().zip(loaded) {
        let Some(load) = agora_core::kinds::spec(l.kind).and_then(|k| k.demo) else {
            continue;
        };
        let topic = agora_core::kinds::DemoTopic {
            group,
            topic: l.topic,
            title: &t.title,
            author: l.author,
            opened: l.opened,
            replies: &l.replies,
            staff,
            siblings: &siblings,
            data: &t.own,
        };
        load(demo, topic).await.map_err(anyhow::Error::msg)?;
    }
    Ok(())
}

/// A demo topic's reactions and bookmarks, on its posts (`posts[0]` the opening one).
async fn load_reactions(
    store: &std::sync::Arc<dyn agora_core::store::Store>,
    t: &DemoTopic,
    posts: &[(agora_core::PostId, Timestamp)],
    id_of: &impl Fn(&str) -> anyhow::Result<MemberId>,
    now: Timestamp,
) -> anyhow::Result<()> {
    let post = |n: usize| {
        posts
            .get(n)
            .copied()
            .ok_or_else(|| anyhow::anyhow!("demo topic {:?}: no post {n}", t.title))
    };
    for (n, r) in t.reactions.iter().enumerate() {
        let (id, at) = post(r.post)?;
        let hours = i64::try_from(n).unwrap_or(0) * 2 + 1;
        store
            .add_reaction(&agora_core::reactions::ReactionChange {
                item: agora_core::forum::items::post_ref(id),
                member: id_of(&r.by)?,
                emoji: r.emoji.clone(),
                at: at.plus_seconds(hours * 3_600).min(now),
                events: Vec::new(),
            })
            .await?;
    }
    for b in &t.bookmarks {
        let (id, at) = post(b.post)?;
        store
            .put_bookmark(&agora_core::bookmarks::NewBookmark {
                member: id_of(&b.by)?,
                item: agora_core::forum::items::post_ref(id),
                at: at.plus_seconds(86_400).min(now),
                remind_at: b.remind_days.map(|d| now.plus_seconds(d * 86_400)),
                note: b.note.clone(),
            })
            .await?;
    }
    Ok(())
}
