//! Starting a conversation. Who lands where is decided here, before anything is written:
//! - a recipient who blocks the starter is written as having declined: the starter sees
//!   "not accepted", never that they are blocked;
//! - a first message from someone the recipient never talked with, or from a member below a
//!   trust level (a setting), is a request: it waits in the recipient's "Requests" and nothing
//!   else happens for them until they accept;
//! - a member below another level may not write to strangers at all, and a new member starts a
//!   few conversations a day (settings), each refusal saying what to do;
//! - the site's staff may send a moderation message, marked as such, which no block or request
//!   stops.

use tracing::instrument;

use super::store::{NewConversation, NewParticipant};
use super::{ConversationId, MessageError, ParticipantState, SUBJECT_MAX};
use super::Messages;
use crate::content::media::Copies;
use crate::error::{Invalid, Refused};
use crate::forum::PostBody;
use crate::guard::Needs;
use crate::ids::MemberId;
use crate::members::Username;
use crate::trust::TrustLevel;
use crate::viewer::Viewer;

/// A conversation to start, as typed.
#[derive(Debug, Clone, Default)]
pub struct StartInput {
    /// The members written to, by username.
    pub to: Vec<String>,
    pub subject: String,
    pub body: String,
    /// A moderation message from the site's staff.
    pub moderation: bool,
}

/// The subject as typed, trimmed, or why not.
pub(super) fn subject(raw: &str) -> Result<String, Invalid> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(Invalid::new(
            "subject",
            "required",
            "Give the conversation a subject.",
        ));
    }
    if s.chars().any(crate::members::is_forbidden_in_text) {
        return Err(Invalid::new(
            "subject",
            "invalid_characters",
            "A subject may not contain control, invisible or direction-changing characters.",
        ));
    }
    if s.chars().count() > SUBJECT_MAX {
        return Err(Invalid::new(
            "subject",
            "too_long",
            format!("A subject may be at most {SUBJECT_MAX} characters long."),
        ));
    }
    Ok(s.to_owned())
}

/// The level a trust setting names (0 to 4).
pub(super) fn level(n: i64) -> TrustLevel {
    match n {
        i64::MIN..=0 => TrustLevel::New,
        1 => TrustLevel::Basic,
        2 => TrustLevel::Member,
        3 => TrustLevel::Regular,
        _ => TrustLevel::Leader,
    }
}

impl Messages<'_> {
    /// Starts a conversation with the members named in `input.to`.
    #[instrument(skip_all)]
    pub async fn start(
        self,
        viewer: &Viewer,
        input: StartInput,
    ) -> Result<ConversationId, MessageError> {
        let actor = self.guard(viewer, Needs::Posting).await?;
        if input.moderation && !crate::audience::speaks_for_the_site(viewer) {
            return Err(Refused::Forbidden("staff_only").into());
        }
        let subject = subject(&input.subject)?;
        let body = PostBody::parse(&input.body)?;
        let others = self.recipients(actor.id, &input.to, "to").await?;
        let settings = self.site().site_settings().await?.trust;
        let max = settings.get("messages_max_participants");
        if others.len() as i64 + 1 > max {
            return Err(Invalid::new(
                "to",
                "too_many",
                format!("A conversation has at most {max} members, you included."),
            )
            .into());
        }
        let states = if input.moderation {
            others
                .iter()
                .map(|m| (*m, ParticipantState::Active))
                .collect()
        } else {
            self.landing(viewer, actor.trust, &others, &settings)
                .await?
        };
        self.pace(actor.id)?;
        let rendered = self.render_new(body.as_str(), "body").await?;
        // The conversation's own copies of remote images, under a salt of their own until it
        // has an id; the store records them as its with it.
        let salt = format!("conversation-new:{}", uuid::Uuid::new_v4());
        // Its mentions of the members it is started with link their profiles.
        let named = input.to.iter().map(|n| n.trim().trim_start_matches('@').to_owned());
        let members = super::send::mentionable(&rendered, named);
        let (rendered, copies) = self
            .forum()
            .with_links(body.as_str(), rendered, &Copies::Unrecorded(salt), members)
            .await?;
        let (id, _) = self
            .store
            .start_conversation(NewConversation {
                subject,
                started_by: actor.id,
                moderation: input.moderation,
                others: states
                    .into_iter()
                    .map(|(member, state)| NewParticipant { member, state })
                    .collect(),
                body_markdown: body.as_str().to_owned(),
                body_html: rendered.html,
                copies,
                at: self.now(),
                daily_limit: (actor.trust == TrustLevel::New).then(|| {
                    let allowed = settings.get("messages_new_per_day");
                    (allowed, self.now().plus_seconds(-86_400))
                }),
            })
            .await
            .map_err(|e| match e {
                crate::error::StoreError::Conflict { constraint }
                    if constraint == "messages_new_per_day" =>
                {
                    MessageError::DailyLimit {
                        allowed: settings.get("messages_new_per_day"),
                        retry_after_secs: 3_600,
                    }
                }
                e => e.into(),
            })?;
        tracing::info!(conversation = %id, "conversation started");
        Ok(id)
    }

    /// The members named, each once, without the one writing; an unknown name is an error
    /// naming it, on `field` (the request's name for the list).
    pub(super) async fn recipients(
        self,
        me: MemberId,
        names: &[String],
        field: &'static str,
    ) -> Result<Vec<MemberId>, MessageError> {
        let mut ids = Vec::new();
        for raw in names {
            let name = raw.trim().trim_start_matches('@');
            if name.is_empty() {
                continue;
            }
            let unknown = || {
                Invalid::new(
                    field,
                    "unknown_member",
                    format!("There is no member named {name}; check the spelling."),
                )
            };
            // Only what can be a username is looked up (PostgreSQL refuses a NUL in a string).
            let name = Username::parse(name).map_err(|_| unknown())?;
            let member = self
                .store
                .member_by_username(name.as_str())
                .await?
                .ok_or_else(unknown)?;
            if member.id != me && !ids.contains(&member.id) {
                ids.push(member.id);
            }
        }
        if ids.is_empty() {
            return Err(Invalid::new(
                field,
                "required",
                "Name at least one other member to write to.",
            )
            .into());
        }
        Ok(ids)
    }

    /// Where each recipient of a member's first message lands, or why the member may not
    /// write to them.
    pub(super) async fn landing(
        self,
        viewer: &Viewer,
        trust: TrustLevel,
        others: &[MemberId],
        settings: &crate::trust::TrustSettings,
    ) -> Result<Vec<(MemberId, ParticipantState)>, MessageError> {
        let me = viewer.id().ok_or(Refused::SignInRequired)?;
        let blocks = self.store.blocks_between(me, others).await?;
        if blocks.iter().any(|(_, mine)| *mine) {
            return Err(Refused::Forbidden("you_block").into());
        }
        let strangers_from = level(settings.get("messages_strangers_min_level"));
        let requests_below = level(settings.get("messages_request_below_level"));
        let mut states = Vec::new();
        let mut strangers = false;
        for &other in others {
            let talked = self.store.have_talked(me, other).await?;
            strangers |= !talked;
            let state = if blocks.iter().any(|(b, _)| *b == other) {
                ParticipantState::Declined
            } else if !talked || trust < requests_below {
                ParticipantState::Requested
            } else {
                ParticipantState::Active
            };
            states.push((other, state));
        }
        if strangers && trust < strangers_from {
            return Err(Refused::Forbidden("strangers_not_allowed").into());
        }
        if trust == TrustLevel::New {
            let allowed = settings.get("messages_new_per_day");
            let since = self.now().plus_seconds(-86_400);
            if self.store.conversations_started(me, since).await? >= allowed {
                return Err(MessageError::DailyLimit {
                    allowed,
                    retry_after_secs: 3_600,
                });
            }
        }
        Ok(states)
    }
}
