//! The cases the site's staff work through: the list, one case, notes and decisions. Who sees
//! a case is the policy's (`audience::staff_desk`, `decides_cases`), from the audience the case
//! keeps; what they see of its item is the item's kind's.

use crate::agora::Legal;
use crate::audience::{self, AudienceRef};
use crate::error::{Invalid, Refused, StoreError};
use crate::flags::refused;
use crate::items::reported::Look;
use crate::mail::Mail;
use crate::viewer::Viewer;

use super::{CaseEvent, CaseStatus, CaseView, ComplaintError, LegalCase, text};

impl Legal<'_> {
    /// The case with its item as the item's kind shows it to `viewer` (none if it is gone).
    async fn view(self, viewer: &Viewer, case: LegalCase, look: Look) -> CaseView {
        let item = match case
            .item
            .as_ref()
            .and_then(|r| self.item_ref(&r.kind, r.id))
        {
            Some(r) => self.reported_item(viewer, r, look).await.ok(),
            None => None,
        };
        CaseView { case, item }
    }

    /// Cases about items the viewer decides complaints about, open ones first (the site's
    /// staff: a group's items where they read the group, every audience beyond groups).
    pub async fn legal_cases(self, viewer: &Viewer) -> Result<Vec<CaseView>, ComplaintError> {
        let desk = audience::staff_desk(viewer).map_err(refused)?;
        let mut out = Vec::new();
        for case in self.store.cases(&desk, 200).await? {
            out.push(self.view(viewer, case, Look::Line).await);
        }
        Ok(out)
    }

    /// One case, if the viewer decides it.
    async fn routed_case(
        self,
        viewer: &Viewer,
        id: i64,
    ) -> Result<(LegalCase, Vec<CaseEvent>), ComplaintError> {
        audience::staff_desk(viewer).map_err(refused)?;
        let (case, events) = self.store.case(id).await?.ok_or(Refused::NotFound)?;
        if let Some(r) = case.audience {
            let routed = crate::flags::routed_audience(self.store, viewer, r).await?;
            if !audience::decides_cases(viewer, routed) {
                return Err(Refused::NotFound.into());
            }
        }
        Ok((case, events))
    }

    /// One case with every step and its item as its kind shows it (the site's staff who
    /// decide complaints about the item).
    pub async fn legal_case(
        self,
        viewer: &Viewer,
        id: i64,
    ) -> Result<(CaseView, Vec<CaseEvent>), ComplaintError> {
        let (case, events) = self.routed_case(viewer, id).await?;
        Ok((self.view(viewer, case, Look::Whole).await, events))
    }

    /// Adds an internal note to a case, or (`to_complainant`) a message agora mails to the
    /// complainant; both are kept as steps of the case.
    pub async fn note_case(
        self,
        viewer: &Viewer,
        id: i64,
        note: &str,
        to_complainant: bool,
    ) -> Result<(), ComplaintError> {
        let (case, _) = self.routed_case(viewer, id).await?;
        let note = text("note", note, 1, 5_000, "A note")?;
        let actor = viewer
            .actor()
            .ok_or(ComplaintError::Refused(Refused::SignInRequired))?;
        let action = if to_complainant { "message" } else { "note" };
        self.store
            .add_case_event(
                case.id,
                Some(actor.id),
                &actor.username,
                action,
                &note,
                self.now(),
            )
            .await?;
        if to_complainant {
            self.mail_complainant(
                &case,
                &format!("A message about your complaint {}", case.reference),
                &note,
            )
            .await?;
        }
        Ok(())
    }

    async fn mail_complainant(
        self,
        case: &LegalCase,
        subject: &str,
        body: &str,
    ) -> Result<(), StoreError> {
        let Some(email) = self.store.case_email(case.id).await? else {
            return Ok(());
        };
        let site = self.site().site_settings().await?.name;
        self.deliver(Mail {
            to: email,
            subject: format!("{subject} ({site})"),
            text: format!(
                "Hello {name},\n\n{body}\n\nCase reference: {reference}\n\n— {site}\n",
                name = case.complainant_name,
                reference = case.reference,
            ),
            unsubscribe_url: None,
        })
        .await;
        Ok(())
    }

    /// Decides an open case: `remove` upholds the complaint and hides the item, `restore` does
    /// not and leaves it shown (showing it again if the case hid it). The reason is kept as a
    /// step of the case, logged, and mailed to the complainant, and to the author when the
    /// item is or was hidden.
    pub async fn decide_case(
        self,
        viewer: &Viewer,
        id: i64,
        decision: &str,
        reason: &str,
    ) -> Result<CaseView, ComplaintError> {
        let (case, _) = self.routed_case(viewer, id).await?;
        let status = match decision {
            "remove" => CaseStatus::Removed,
            "restore" => CaseStatus::Restored,
            _ => {
                return Err(Invalid::new(
                    "decision",
                    "invalid_choice",
                    "Choose remove or restore.",
                )
                .into());
            }
        };
        let reason = text("reason", reason, 1, 5_000, "A reason")?;
        if case.status != CaseStatus::Open {
            return Err(ComplaintError::Refused(Refused::Forbidden("case_not_open")));
        }
        let actor = viewer
            .actor()
            .ok_or(ComplaintError::Refused(Refused::SignInRequired))?;
        let action = if status == CaseStatus::Removed {
            "legal.remove"
        } else {
            "legal.restore"
        };
        let audit = self.audit_entry(
            viewer,
            action,
            crate::audit::Target::case(case.id, &case.reference),
            case.audience.and_then(AudienceRef::group_id),
            reason.clone(),
        );
        let decided = self
            .store
            .decide_case(
                case.id,
                actor.id,
                &actor.username,
                status,
                &reason,
                self.now(),
                &audit,
            )
            .await?;
        if !decided {
            return Err(ComplaintError::Refused(Refused::Forbidden("case_not_open")));
        }
        let noun = case.noun();
        let (outcome, author_text) = match (status, case.item_hidden) {
            (CaseStatus::Removed, _) => (
                format!("the moderators upheld your complaint: the {noun} is removed."),
                format!(
                    "the moderators reviewed a legal complaint about your {noun} and decided to remove it."
                ),
            ),
            (_, true) => (
                format!("the moderators did not uphold your complaint: the {noun} is shown again."),
                format!("the moderators reviewed the complaint about your {noun} and restored it."),
            ),
            (_, false) => (
                format!("the moderators did not uphold your complaint: the {noun} stays."),
                String::new(),
            ),
        };
        self.mail_complainant(
            &case,
            &format!("A decision on your complaint {}", case.reference),
            &format!("{outcome}\n\nTheir reason: {reason}"),
        )
        .await?;
        if !author_text.is_empty() {
            self.mail_author(
                &case,
                &format!("A decision on the complaint about your {noun}"),
                &format!("{author_text}\n\nTheir reason: {reason}"),
            )
            .await;
        }
        let (case, _) = self.store.case(case.id).await?.ok_or(Refused::NotFound)?;
        Ok(self.view(viewer, case, Look::Line).await)
    }
}
