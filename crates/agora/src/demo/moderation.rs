//! Moderation in action on the demo community, so that someone evaluating agora finds work in
//! the queue: a spam account's advert flagged by two members (one short of hiding it) and the
//! account itself flagged, a newcomer's first reply held for approval, a legal complaint about
//! a reply that gives away a member's address. (The audit log's record of pins, locks and idea
//! statuses is written where the demo's topics are loaded.)

use agora_core::MemberId;
use agora_core::audience::AudienceRef;
use agora_core::complaints::NewCase;
use agora_core::content::markdown;
use agora_core::flags::{NewReport, Reported};
use agora_core::forum::items::post_ref;
use agora_core::forum::{Hold, NewPost};
use agora_core::members::{DisplayName, EmailAddress, NewMember, Username};
use agora_core::time::Timestamp;
use agora_core::trust::TrustLevel;
use agora_core::viewer::SiteRole;
use agora_core::{GroupId, TopicId};

use crate::app::App;

/// What the staging needs from the loaded community.
pub struct Stage<'a> {
    pub now: Timestamp,
    pub password_hash: &'a str,
    /// A topic in a public group where the spam and the held reply go, and its group.
    pub busy_topic: (GroupId, TopicId),
    /// A public topic whose reply gives an address away, and its group.
    pub ride_topic: (GroupId, TopicId),
    /// Two members who flag.
    pub flaggers: [MemberId; 2],
    /// The member whose address is given away, who complains.
    pub complainant: (MemberId, &'a str),
}

/// Adds the moderation scene; returns how many members and replies it added.
pub async fn stage(app: &App, s: Stage<'_>) -> anyhow::Result<(usize, usize)> {
    let store: std::sync::Arc<dyn agora_core::store::Store> = app.store.clone();

    // The spam account, two days old, and its advert.
    let spammer_name = Username::parse("battery_deals_24")?;
    let spammer = store
        .insert_member(&NewMember {
            email: EmailAddress::parse("battery_deals_24@mailbox.example")?,
            display_name: DisplayName::parse("Battery Deals 24", spammer_name.as_str())?,
            username: spammer_name,
            password_hash: s.password_hash.to_owned(),
            role: SiteRole::Member,
            at: s.now.plus_seconds(-2 * 86_400),
            verified: true,
        })
        .await?;
    store
        .add_member(
            s.busy_topic.0,
            spammer,
            agora_core::groups::GroupRole::Member,
            s.now.plus_seconds(-2 * 86_400),
        )
        .await?;
    let advert = "Original Voltera batteries **60% off**, this week only! Order at \
        cheap-ebike-batteries.example and quote RIDERS for free shipping.";
    let rendered = markdown::render(advert);
    let spam = store
        .insert_post(&NewPost {
            topic_id: s.busy_topic.1,
            author: spammer,
            body_markdown: advert.to_owned(),
            body_html: rendered.html,
            body_text: rendered.text,
            at: s.now.plus_seconds(-5 * 3_600),
            hold: None,
            mentions: Vec::new(),
        })
        .await?;
    let report = |target, by, note: &str, hours_ago: i64| NewReport {
        target,
        audience: matches!(target, Reported::Item(_)).then(|| AudienceRef::group(s.busy_topic.0)),
        author: matches!(target, Reported::Item(_)).then_some(spammer),
        by,
        reason: "spam".into(),
        note: note.to_owned(),
        min_level: TrustLevel::Basic,
        at: s.now.plus_seconds(-hours_ago * 3_600),
    };
    for (n, by) in s.flaggers.iter().enumerate() {
        let hours = 4 - i64::try_from(n).unwrap_or(0);
        store
            .insert_report(&report(
                Reported::Item(post_ref(spam)),
                *by,
                "An advert for a shop that is not Voltera's.",
                hours,
            ))
            .await?;
    }
    store
        .insert_report(&report(
            Reported::Member(spammer),
            s.flaggers[0],
            "Joined two days ago and only posts adverts.",
            4,
        ))
        .await?;

    // A newcomer's first reply, held until a moderator approves it.
    let newcomer_name = Username::parse("lena_rides")?;
    let newcomer = store
        .insert_member(&NewMember {
            email: EmailAddress::parse("lena_rides@riders.example")?,
            display_name: DisplayName::parse("Lena Hoffmann", newcomer_name.as_str())?,
            username: newcomer_name,
            password_hash: s.password_hash.to_owned(),
            role: SiteRole::Member,
            at: s.now.plus_seconds(-86_400),
            verified: true,
        })
        .await?;
    store
        .add_member(
            s.busy_topic.0,
            newcomer,
            agora_core::groups::GroupRole::Member,
            s.now.plus_seconds(-86_400),
        )
        .await?;
    let first = "I commute 15 km with about 200 m of climbing, and the C2 has been fine for \
        me since March. The T5 is more bike than I need on tarmac.";
    let rendered = markdown::render(first);
    store
        .insert_post(&NewPost {
            topic_id: s.busy_topic.1,
            author: newcomer,
            body_markdown: first.to_owned(),
            body_html: rendered.html,
            body_text: rendered.text,
            at: s.now.plus_seconds(-3 * 3_600),
            hold: Some(Hold {
                reason: "other",
                note: "a new member's first posts wait for approval".into(),
            }),
            mentions: Vec::new(),
        })
        .await?;

    // A reply that gives a member's home away, and the member's legal complaint about it.
    let (complainant, complainant_name) = s.complainant;
    let careless = "If you ride the loop anticlockwise, stop at Nora's place on Seestraße 14 \
        in Konstanz: he leaves his garage open and lends tools to anyone.";
    let rendered = markdown::render(careless);
    let exposed = store
        .insert_post(&NewPost {
            topic_id: s.ride_topic.1,
            author: s.flaggers[1],
            body_markdown: careless.to_owned(),
            body_html: rendered.html,
            body_text: rendered.text,
            at: s.now.plus_seconds(-30 * 3_600),
            hold: None,
            mentions: Vec::new(),
        })
        .await?;
    store
        .insert_case(&NewCase {
            reference: "LC-DEMO-0001".into(),
            item: post_ref(exposed).into(),
            audience: AudienceRef::group(s.ride_topic.0),
            author: s.flaggers[1],
            complainant: Some(complainant),
            name: complainant_name.to_owned(),
            email: format!("{complainant_name}@riders.example"),
            kind: "privacy".into(),
            statement: "This reply gives my home address and says my garage is open. \
                Please remove the address: I did not agree to it being published."
                .into(),
            confirm_hash: None,
            hide_at_once: false,
            at: s.now.plus_seconds(-20 * 3_600),
            due_at: s.now.plus_seconds(28 * 3_600),
        })
        .await?;

    Ok((2, 3))
}
