//! What a conversation's page draws: its messages (each with its reactions and bookmark bar,
//! as a topic's posts have), its members as the viewer may know them, and the forms' state.

use std::collections::HashMap;

use askama::Template;

use agora_core::MemberId;
use agora_core::items::Capabilities;
use agora_core::items::refs::ItemRef;
use agora_core::kinds::messages::{ConversationPage, ParticipantState, message_facts, message_ref};

use super::state_label;
use crate::error::ApiError;
use crate::kinds::messages::api::shown_state;
use crate::pages::Page;
use crate::pages::reactions::item_bar;
use crate::pages::view::{Layout, ago, hue, initial};
use crate::state::AppState;

/// A message as the page draws it.
pub struct MessageView {
    id: i64,
    seq: i64,
    username: String,
    display_name: String,
    initial: String,
    hue: u8,
    avatar: Option<String>,
    iso: String,
    ago: String,
    edited: bool,
    deleted: bool,
    body_html: String,
    /// The viewer wrote it.
    own: bool,
    /// Written by a member the viewer ignores: collapsed.
    ignored: bool,
    /// The reactions and bookmark bar under it (HTML), as under a post.
    bar: Option<String>,
    /// The viewer may report it to the site's staff.
    can_report: bool,
}

/// A member of the conversation as the viewer may know them.
pub struct Member {
    username: String,
    display_name: String,
    initial: String,
    hue: u8,
    /// Empty while taking part; "not accepted", "left"…
    label: &'static str,
    me: bool,
}

#[derive(Template)]
#[template(path = "messages/conversation.html")]
pub(super) struct ConversationView {
    layout: Layout,
    id: i64,
    subject: String,
    moderation: bool,
    /// The viewer was asked and has not answered: accept or decline, no reply.
    request: bool,
    /// Who started it (display name).
    starter: String,
    can_reply: bool,
    members: Vec<Member>,
    messages: Vec<MessageView>,
    /// The `before` that shows the messages before these, when there are some.
    earlier: Option<i64>,
    /// Later messages exist than those shown.
    later: bool,
    /// The `before` of this page, kept by its links.
    before: Option<i64>,
    draft: String,
    reply_error: Option<String>,
    add_value: String,
    add_history: bool,
    add_error: Option<String>,
    notice: Option<&'static str>,
}

/// What a page shows beyond the conversation: a draft, a form's refusal, a notice.
#[derive(Default)]
pub(super) struct Extras {
    pub(super) draft: String,
    pub(super) reply_error: Option<String>,
    pub(super) add_value: String,
    pub(super) add_history: bool,
    pub(super) add_error: Option<String>,
    pub(super) notice: Option<&'static str>,
}

pub(super) async fn draw(
    state: &AppState,
    page: &Page,
    view: &ConversationPage,
    before: Option<i64>,
    extras: Extras,
) -> Result<ConversationView, ApiError> {
    let me = view.me.member;
    // The reactions, the viewer's bookmarks and whom the viewer ignores: one read, as for a
    // topic's posts.
    let refs: Vec<ItemRef> = view
        .messages
        .iter()
        .filter(|m| !m.deleted)
        .map(|m| message_ref(m.id))
        .collect();
    let mut shown = state.agora.reactions().shown(&page.viewer, &refs).await?;
    let csrf = page.csrf();
    let mut messages = Vec::with_capacity(view.messages.len());
    for m in &view.messages {
        let can = Capabilities::of(&page.viewer, view.access, &message_facts(m));
        let bar = if m.deleted {
            None
        } else {
            item_bar(page, &csrf, message_ref(m.id), &mut shown, can.react)?
        };
        messages.push((m, bar, can.flag && m.author != me));
    }
    let authors: Vec<MemberId> = view.messages.iter().map(|m| m.author).collect();
    let avatars = state.agora.media().avatars_of(&authors).await?;
    let avatars: HashMap<MemberId, String> = avatars
        .iter()
        .map(|(id, a)| (*id, a.url(96).to_owned()))
        .collect();
    let c = &view.conversation;
    let starter = view
        .participants
        .iter()
        .find(|p| p.member == c.started_by)
        .map(|p| p.display_name.clone())
        .unwrap_or_default();
    let last_shown = view.messages.last().map_or(0, |m| m.seq);
    Ok(ConversationView {
        layout: page.layout(&c.subject, "A private conversation.", "messages", true),
        id: c.id.0,
        subject: c.subject.clone(),
        moderation: c.moderation,
        request: view.me.state == ParticipantState::Requested,
        starter,
        can_reply: view.me.state == ParticipantState::Active,
        members: view
            .participants
            .iter()
            .map(|p| Member {
                username: p.username.clone(),
                display_name: p.display_name.clone(),
                initial: initial(&p.display_name, &p.username),
                hue: hue(&p.username),
                label: state_label(shown_state(p, me)),
                me: p.member == me,
            })
            .collect(),
        messages: messages
            .into_iter()
            .map(|(m, bar, can_report)| MessageView {
                id: m.id.0,
                seq: m.seq,
                username: m.author_username.clone(),
                display_name: m.author_display_name.clone(),
                initial: initial(&m.author_display_name, &m.author_username),
                hue: hue(&m.author_username),
                avatar: avatars.get(&m.author).cloned(),
                iso: m.created_at.to_rfc3339(),
                ago: ago(m.created_at),
                edited: m.edited_at.is_some(),
                deleted: m.deleted,
                body_html: m.body_html.clone(),
                own: m.author == me,
                ignored: shown.ignored.contains(&m.author),
                bar,
                can_report,
            })
            .collect(),
        earlier: view.earlier.then_some(view.first_seq),
        later: last_shown < c.last_seq && before.is_some(),
        before,
        draft: extras.draft,
        reply_error: extras.reply_error,
        add_value: extras.add_value,
        add_history: extras.add_history,
        add_error: extras.add_error,
        notice: extras.notice,
    })
}
