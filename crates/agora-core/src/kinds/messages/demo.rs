//! Private conversations in the demo community (`kinds.message` in the demo's data): written
//! through the messages store as the use cases would have written them (a first message to someone never talked with stays a
//! request; each author has read what they wrote), so that someone evaluating agora finds, as
//! `frida_k`, a conversation with unread messages, a one-to-one and a request waiting.

use std::collections::HashMap;

use serde::Deserialize;

use super::{NewConversation, NewParticipant, ParticipantState};
use crate::content::markdown;
use crate::kinds::DemoContext;

/// A conversation as `community.json` tells it.
#[derive(Deserialize)]
struct DemoConversation {
    subject: String,
    /// Its members, the first the one who started it.
    members: Vec<String>,
    /// A moderation message from the site's staff.
    #[serde(default)]
    moderation: bool,
    /// The others have not answered yet: it waits in their requests (one message only).
    #[serde(default)]
    request: bool,
    days_ago: i64,
    messages: Vec<DemoMessage>,
    /// How many of the last messages each member has not read, by username.
    #[serde(default)]
    unread: HashMap<String, i64>,
}

#[derive(Deserialize)]
struct DemoMessage {
    author: String,
    body: String,
    hours_later: i64,
}

/// Writes the conversations; returns how many.
pub(super) async fn load(demo: DemoContext<'_>, data: &serde_json::Value) -> Result<usize, String> {
    let conversations: Vec<DemoConversation> =
        serde_json::from_value(data.clone()).map_err(|e| format!("demo conversations: {e}"))?;
    let store = demo.store;
    let now = demo.now;
    let id_of = |name: &str| demo.member(name);
    let failed = |e: crate::error::StoreError| e.to_string();
    for c in &conversations {
        let Some((first, replies)) = c.messages.split_first() else {
            return Err(format!("the demo conversation {:?} has no message", c.subject));
        };
        let Some(starter) = c.members.first() else {
            return Err(format!("the demo conversation {:?} has no members", c.subject));
        };
        if &first.author != starter || (c.request && !replies.is_empty()) {
            return Err(format!(
                "the demo conversation {:?}: its starter writes first, and a request has one message",
                c.subject
            ));
        }
        let opened = now.plus_seconds(-c.days_ago * 86_400);
        let at = |hours: i64| opened.plus_seconds(hours * 3_600).min(now);
        let state = if c.request {
            ParticipantState::Requested
        } else {
            ParticipantState::Active
        };
        let mut others = Vec::new();
        for name in &c.members[1..] {
            others.push(NewParticipant {
                member: id_of(name)?,
                state,
            });
        }
        let rendered = markdown::render(&first.body);
        let (id, _) = store
            .start_conversation(NewConversation {
                subject: c.subject.clone(),
                started_by: id_of(starter)?,
                moderation: c.moderation,
                others,
                body_markdown: first.body.clone(),
                body_html: rendered.html,
                copies: Vec::new(),
                at: at(first.hours_later),
                daily_limit: None,
            })
            .await
            .map_err(|e| format!("starting {:?}: {e}", c.subject))?;
        for m in replies {
            let rendered = markdown::render(&m.body);
            store
                .send_message(
                    id,
                    id_of(&m.author)?,
                    &m.body,
                    &rendered.html,
                    at(m.hours_later),
                )
                .await
                .map_err(failed)?;
        }
        if c.request {
            continue;
        }
        let last = i64::try_from(c.messages.len()).unwrap_or(i64::MAX);
        for name in &c.members {
            let unread = c.unread.get(name).copied().unwrap_or(0);
            store
                .mark_read(id, id_of(name)?, last - unread)
                .await
                .map_err(failed)?;
        }
    }
    Ok(conversations.len())
}
