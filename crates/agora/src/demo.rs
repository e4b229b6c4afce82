//! The demo community: Voltera Riders, the customer community of a fictional e-bike maker,
//! loaded from `demo/community.json` into an empty database. Every demo account has the
//! password [`PASSWORD`].
//! The site, its members, documents and groups are loaded here; each group's topics in
//! `demo/topics.rs`, moderation at work in `demo/moderation.rs`; each kind's part (private
//! conversations) by the kind's own loader (`agora_core::kinds::Kind::demo`).

use agora_core::trust::{TrustLevel, TrustState};
use std::collections::HashMap;

use anyhow::{Context as _, bail};
use serde::Deserialize;

use agora_core::MemberId;
use agora_core::groups::{GroupRole, NewGroup, Visibility};
use agora_core::members::{DisplayName, EmailAddress, NewMember, Password, Username};
use agora_core::time::Timestamp;
use agora_core::viewer::SiteRole;

use crate::app::App;

mod moderation;
mod topics;

use topics::{DemoTopic, load_kinds_parts, load_topic};

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
        let mut in_group = Vec::new();
        for t in &g.topics {
            in_group.push(load_topic(app, group, t, &id_of, now, owner).await?);
            topics += 1;
            replies += t.replies.len();
        }
        let demo = agora_core::kinds::DemoContext {
            store: &*store,
            members: &ids,
            now,
        };
        load_kinds_parts(group, &g.topics, &in_group, owner, demo).await?;
        loaded.insert(
            g.slug.clone(),
            (group, in_group.iter().map(|l| l.topic).collect()),
        );
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
