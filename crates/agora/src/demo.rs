//! The demo community: Voltera Riders, the customer community of a fictional e-bike maker,
//! loaded from `demo/community.json` into an empty database. Every demo account has the
//! password [`PASSWORD`].

use agora_core::trust::{TrustLevel, TrustState};
use std::collections::HashMap;

use anyhow::{Context as _, bail};
use serde::Deserialize;

use agora_core::MemberId;
use agora_core::content::markdown;
use agora_core::forum::{NewPost, NewTopic, TopicFlags, TopicKind, TopicTitle};
use agora_core::groups::{GroupRole, NewGroup, Visibility};
use agora_core::kinds::ideas::{IdeaChange, VoteChange};
use agora_core::kinds::questions::Acceptance;
use agora_core::members::{DisplayName, EmailAddress, NewMember, Password, Username};
use agora_core::time::Timestamp;
use agora_core::viewer::SiteRole;

use crate::app::App;

mod moderation;

/// The password of every demo account.
pub const PASSWORD: &str = "voltera-demo-2026";

const DATA: &str = include_str!("demo/community.json");

const TERMS: &str = "# Terms of use\n\nVoltera Riders is run by Voltera GmbH for owners, future owners and dealers of Voltera bikes.\n\n1. You are responsible for what you post. Post only what you may share.\n2. Follow the netiquette. Moderators may hide posts and limit accounts that do not.\n3. Staff answers are marked; they are help, not a warranty statement.\n4. You keep the rights to your posts and let us show them in the community.\n5. You can download your data or erase your account at any time from your profile.";

const PRIVACY: &str = "# Privacy policy\n\nWe keep what the community needs to work: your username, display name, email address, what you post, and a record of your visits to count reading for trust levels.\n\n- Your email address is never shown to other members and never shared.\n- We send mail only for your account (verification, password reset) and for what you opted into.\n- You can download all your data as one file, or erase your account, from your profile.\n- Questions: privacy@voltera.example.";

#[derive(Deserialize)]
struct Community {
    site: Site,
    members: Vec<DemoMember>,
    groups: Vec<DemoGroup>,
    /// Each kind's part, by the kind's name (`message`: private conversations).
    #[serde(default)]
    kinds: HashMap<String, serde_json::Value>,
}

#[derive(Deserialize)]
struct Site {
    name: String,
    goal: String,
    netiquette: String,
}

#[derive(Deserialize)]
struct DemoMember {
    username: String,
    display_name: String,
    bio: String,
    role: String,
    /// The member's trust level (0–4); regulars of a long-running community by default.
    #[serde(default = "demo_trust")]
    trust: i64,
}

fn demo_trust() -> i64 {
    2
}

#[derive(Deserialize)]
struct DemoGroup {
    slug: String,
    name: String,
    description: String,
    visibility: String,
    owner: String,
    moderators: Vec<String>,
    members: Vec<String>,
    pending: Vec<String>,
    invited: Vec<String>,
    topics: Vec<DemoTopic>,
}

#[derive(Deserialize)]
struct DemoTopic {
    title: String,
    author: String,
    tags: Vec<String>,
    body: String,
    pinned: bool,
    locked: bool,
    days_ago: i64,
    replies: Vec<DemoReply>,
    /// `discussion` when absent, or `question`.
    #[serde(default)]
    kind: Option<String>,
    /// For a question: the replies (by index) its asker accepted, the first the best.
    #[serde(default)]
    accepted: Vec<usize>,
    /// For an idea: who voted for it, its status and the staff's note.
    #[serde(default)]
    votes: Vec<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    status_note: Option<String>,
    /// For a duplicate idea: the topic (by index in its group) it is merged into.
    #[serde(default)]
    merged_into: Option<usize>,
    /// Reactions on its posts.
    #[serde(default)]
    reactions: Vec<DemoReaction>,
    /// Bookmarks on its posts.
    #[serde(default)]
    bookmarks: Vec<DemoBookmark>,
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
struct DemoReply {
    author: String,
    body: String,
    hours_later: i64,
}

/// What loading did.
#[derive(Debug, PartialEq, Eq)]
pub enum Loaded {
    /// The community was loaded: (members, groups, topics, replies).
    Fresh(usize, usize, usize, usize),
    /// The database already holds members; nothing was changed.
    AlreadyPopulated,
}

/// Loads the demo community into an empty database.
pub async fn load(app: &App) -> anyhow::Result<Loaded> {
    let store: std::sync::Arc<dyn agora_core::store::Store> = app.store.clone();
    if store.count_members().await? > 0 {
        return Ok(Loaded::AlreadyPopulated);
    }
    let data: Community = serde_json::from_str(DATA).context("reading the demo data")?;
    let now = Timestamp::now();

    store.put_setting("name", &data.site.name).await?;
    store.put_setting("goal", &data.site.goal).await?;
    store
        .put_setting("netiquette", &data.site.netiquette)
        .await?;

    // One hash for all demo accounts: they share a password, and argon2 is slow on purpose.
    let hasher = agora_core::members::PasswordHasher::recommended();
    let hash = hasher
        .hash(&Password::parse_new(PASSWORD)?)
        .await
        .map_err(anyhow::Error::msg)?;
    let mut ids: HashMap<String, MemberId> = HashMap::new();
    let joined = now.plus_seconds(-420 * 86_400);
    for m in &data.members {
        let username = Username::parse(&m.username)?;
        let id = store
            .insert_member(&NewMember {
                email: EmailAddress::parse(&format!("{}@riders.example", m.username))?,
                display_name: DisplayName::parse(&m.display_name, username.as_str())?,
                username,
                password_hash: hash.clone(),
                role: SiteRole::parse(&m.role).unwrap_or(SiteRole::Member),
                at: joined,
                verified: true,
            })
            .await?;
        store
            .update_profile(id, &m.display_name, &m.bio, joined)
            .await?;
        let trust = TrustLevel::from_number(m.trust)
            .with_context(|| format!("{}: a trust level is 0 to 4", m.username))?;
        let trust = TrustState {
            level: trust,
            earned: trust,
            locked: None,
        };
        store.put_trust(id, &trust, &[]).await?;
        ids.insert(m.username.clone(), id);
    }
    let id_of = |name: &str| -> anyhow::Result<MemberId> {
        ids.get(name)
            .copied()
            .with_context(|| format!("the demo data names an unknown member {name:?}"))
    };

    // The documents members accept, and every demo member's acceptance in the ledger.
    let publisher = id_of("mara")?;
    let documents = [
        ("netiquette", data.site.netiquette.clone()),
        ("terms", TERMS.to_owned()),
        ("privacy", PRIVACY.to_owned()),
    ];
    let mut accepted = Vec::new();
    for (kind, body) in documents {
        let doc = store
            .publish_document(kind, &body, publisher, joined, &[])
            .await?;
        accepted.push((doc.kind, doc.version, true));
    }
    for id in ids.values() {
        store.record_consents(*id, &accepted, joined).await?;
    }

    let (mut topics, mut replies) = (0, 0);
    let mut loaded: HashMap<String, (agora_core::GroupId, Vec<agora_core::TopicId>)> =
        HashMap::new();
    for g in &data.groups {
        let Some(visibility) = Visibility::parse(&g.visibility) else {
            bail!("the demo group {} has an unknown visibility", g.slug);
        };
        let group = store
            .insert_group(&NewGroup {
                slug: g.slug.clone(),
                name: g.name.clone(),
                description: g.description.clone(),
                visibility,
                owner: id_of(&g.owner)?,
                at: joined,
            })
            .await?;
        for name in &g.moderators {
            store
                .add_member(group, id_of(name)?, GroupRole::Moderator, joined)
                .await?;
        }
        for name in &g.members {
            store
                .add_member(group, id_of(name)?, GroupRole::Member, joined)
                .await?;
        }
        for name in &g.pending {
            store
                .insert_request(group, id_of(name)?, now.plus_seconds(-86_400))
                .await?;
        }
        for name in &g.invited {
            store
                .insert_invitation(
                    group,
                    id_of(name)?,
                    id_of(&g.owner)?,
                    now.plus_seconds(-7_200),
                )
                .await?;
        }
        let owner = (id_of(&g.owner)?, g.owner.as_str());
        let mut ids = Vec::new();
        for t in &g.topics {
            ids.push(load_topic(app, group, t, &id_of, now, owner).await?);
            topics += 1;
            replies += t.replies.len();
        }
        loaded.insert(g.slug.clone(), (group, ids.clone()));
        for (t, &id) in g.topics.iter().zip(&ids) {
            if let Some(index) = t.merged_into {
                let original = *ids
                    .get(index)
                    .ok_or_else(|| anyhow::anyhow!("demo topic {:?}: no topic {index}", t.title))?;
                let store: std::sync::Arc<dyn agora_core::store::Store> = app.store.clone();
                store
                    .merge_idea(
                        &IdeaChange {
                            topic: id,
                            to: agora_core::kinds::ideas::MERGED.into(),
                            note: format!("Merged into topic:{original}"),
                            by: owner.0,
                            at: now.plus_seconds(-86_400),
                            audit: vec![staff_entry(
                                owner,
                                now.plus_seconds(-86_400),
                                "idea.merge",
                                agora_core::audit::Target::topic(id, &t.title),
                                group,
                                format!("into topic:{original}"),
                            )],
                            events: Vec::new(),
                        },
                        original,
                    )
                    .await?;
            }
        }
    }
    let topic_of = |slug: &str, index: usize| {
        loaded
            .get(slug)
            .and_then(|(g, ts)| ts.get(index).map(|t| (*g, *t)))
            .with_context(|| format!("the demo has no topic {index} in {slug}"))
    };
    let (more_members, more_replies) = moderation::stage(
        app,
        moderation::Stage {
            now,
            password_hash: &hash,
            busy_topic: topic_of("getting-started", 1)?,
            ride_topic: topic_of("rides-and-routes", 0)?,
            flaggers: [id_of("frida_k")?, id_of("dan_commutes")?],
            complainant: (id_of("nora_h")?, "nora_h"),
        },
    )
    .await?;
    let demo = agora_core::kinds::DemoContext {
        store: &*store,
        members: &ids,
        now,
    };
    for kind in agora_core::kinds::ALL {
        if let (Some(load), Some(part)) = (kind.demo, data.kinds.get(kind.name)) {
            load(demo, part).await.map_err(anyhow::Error::msg)?;
        }
    }
    Ok(Loaded::Fresh(
        data.members.len() + more_members,
        data.groups.len(),
        topics,
        replies + more_replies,
    ))
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

async fn load_topic(
    app: &App,
    group: agora_core::GroupId,
    t: &DemoTopic,
    id_of: &impl Fn(&str) -> anyhow::Result<MemberId>,
    now: Timestamp,
    staff: (MemberId, &str),
) -> anyhow::Result<agora_core::TopicId> {
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
    for (n, &index) in t.accepted.iter().enumerate() {
        let &(post, answered) = replies.get(index).ok_or_else(|| {
            anyhow::anyhow!("demo topic {:?}: no reply {index} to accept", t.title)
        })?;
        store
            .accept_answer(&Acceptance {
                topic,
                post,
                best: n == 0,
                by: id_of(&t.author)?,
                at: answered.plus_seconds(3_600).min(now),
                audit: Vec::new(),
                events: Vec::new(),
            })
            .await?;
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
    for (n, name) in t.votes.iter().enumerate() {
        let hours = i64::try_from(n).unwrap_or(0) * 7 + 1;
        store
            .vote(&VoteChange {
                topic,
                member: id_of(name)?,
                at: opened.plus_seconds(hours * 3_600).min(now),
                budget: None,
                closed: Vec::new(),
                events: Vec::new(),
            })
            .await?;
    }
    let posts: Vec<(agora_core::PostId, Timestamp)> = std::iter::once((opening, opened))
        .chain(replies.iter().copied())
        .collect();
    load_reactions(&store, t, &posts, id_of, now).await?;
    if let Some(status) = &t.status {
        store
            .set_idea_status(&IdeaChange {
                topic,
                to: status.clone(),
                note: t.status_note.clone().unwrap_or_default(),
                by: staff.0,
                at: opened.plus_seconds(t.days_ago * 86_400 / 2).min(now),
                audit: vec![staff_entry(
                    staff,
                    opened.plus_seconds(t.days_ago * 86_400 / 2).min(now),
                    "idea.status",
                    agora_core::audit::Target::topic(topic, &t.title),
                    group,
                    status.clone(),
                )],
                events: Vec::new(),
            })
            .await?;
    }
    Ok(topic)
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
