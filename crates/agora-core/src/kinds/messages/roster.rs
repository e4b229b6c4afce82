//! Who takes part: accepting or declining a request, leaving, adding members. Declining tells
//! the one who wrote nothing more than that the request was not accepted. The member who adds
//! others chooses whether they read the earlier messages.

use super::{ConversationId, MessageError, ParticipantState};
use super::Messages;
use crate::error::{Invalid, Refused};
use crate::groups::policy::Access;
use crate::guard::Needs;
use crate::viewer::Viewer;

/// What a member does with a conversation they are in or were asked into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Accept,
    Decline,
    Leave,
}

impl Messages<'_> {
    /// Accepts or declines a request, or leaves the conversation.
    pub async fn answer(
        self,
        viewer: &Viewer,
        id: ConversationId,
        answer: Answer,
    ) -> Result<(), MessageError> {
        let actor = self.guard(viewer, Needs::SignedIn).await?;
        let (_, me, _) = self.readable(viewer, id).await?;
        let state = match (answer, me.state) {
            (Answer::Accept, ParticipantState::Requested) => ParticipantState::Active,
            (Answer::Decline, ParticipantState::Requested) => ParticipantState::Declined,
            (Answer::Leave, _) => ParticipantState::Left,
            (Answer::Accept | Answer::Decline, _) => {
                return Err(Refused::Forbidden("not_a_request").into());
            }
        };
        self.store
            .set_participant_state(id, actor.id, state, self.now())
            .await?;
        Ok(())
    }

    /// Adds the members named to the conversation; `history` lets them read the messages
    /// written before.
    pub async fn add(
        self,
        viewer: &Viewer,
        id: ConversationId,
        names: &[String],
        history: bool,
    ) -> Result<(), MessageError> {
        let actor = self.guard(viewer, Needs::Posting).await?;
        let (conversation, _, access) = self.readable(viewer, id).await?;
        if access < Access::Participate {
            return Err(Refused::Forbidden("accept_first").into());
        }
        let others = self.recipients(actor.id, names, "usernames").await?;
        let settings = self.site().site_settings().await?.trust;
        let landing = if conversation.moderation && crate::audience::speaks_for_the_site(viewer) {
            others
                .iter()
                .map(|m| (*m, ParticipantState::Active))
                .collect()
        } else {
            self.landing(viewer, actor.trust, &others, &settings)
                .await?
        };
        let max = settings.get("messages_max_participants");
        let from = if history {
            1
        } else {
            conversation.last_seq + 1
        };
        let members: Vec<_> = landing
            .into_iter()
            .map(|(member, state)| super::NewParticipant { member, state })
            .collect();
        self.store
            .add_participants(id, actor.id, &members, from, max, self.now())
            .await
            .map_err(|e| match e {
                crate::error::StoreError::Conflict { constraint }
                    if constraint == "messages_max_participants" =>
                {
                    MessageError::from(Invalid::new(
                        "usernames",
                        "too_many",
                        format!("A conversation has at most {max} members."),
                    ))
                }
                e => e.into(),
            })?;
        Ok(())
    }
}
