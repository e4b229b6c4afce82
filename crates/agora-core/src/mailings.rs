//! Mail a member chose to get: the opt-ins (bulletins, for now), each off until the member
//! switches it on and recorded in the consent ledger like an acceptance; a one-click
//! unsubscribe link in every such mail; and bulletins, the community's newsletter, which
//! admins send to the members who opted in.

use serde::Serialize;
use sha2::{Digest, Sha256};
use tracing::instrument;

use crate::agora::Mailings;
use crate::error::Refused;
use crate::error::{Invalid, StoreError};
use crate::events::{Consumer, Event, Handled, Start};
use crate::ids::MemberId;
use crate::mail::Mail;
use crate::time::Timestamp;
use crate::viewer::Viewer;

/// The kinds of mail a member opts into: (ledger subject, name, what it is). Only mail agora
/// sends is offered: notification and digest mail come with the issues that send them.
pub const OPT_INS: [(&str, &str, &str); 1] = [(
    "email_bulletins",
    "Bulletins",
    "The community's newsletter: news, events and surveys.",
)];

/// The kinds of mail an unsubscribe link names, by their place here. Links already mailed
/// name bulletins by 2, so the list keeps its order; the first two are offered by none.
const LINK_KINDS: [&str; 3] = ["email_notifications", "email_digests", "email_bulletins"];

/// A member's choice for one kind of mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OptIn {
    pub subject: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub granted: bool,
}

/// A member a mailing goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub id: MemberId,
    pub display_name: String,
    pub email: String,
}

/// A bulletin as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bulletin {
    pub id: i64,
    pub subject: String,
    pub body: String,
    pub sent_by: String,
    pub created_at: Timestamp,
    /// Members who had opted in when it was sent.
    pub recipients: i64,
    /// Mails handed to the transport so far.
    pub sent: i64,
}

/// Checks that every name is an opt-in.
pub(crate) fn check_subjects(field: &'static str, subjects: &[String]) -> Result<(), Invalid> {
    match subjects
        .iter()
        .find(|s| !OPT_INS.iter().any(|(known, _, _)| known == s))
    {
        Some(bad) => Err(Invalid::new(
            field,
            "invalid_choice",
            format!(
                "{bad:?} is not a kind of mail agora sends; choose from {}.",
                OPT_INS.map(|(s, _, _)| s).join(", ")
            ),
        )),
        None => Ok(()),
    }
}

/// The signature of an unsubscribe link: the member and the kind of mail, keyed by the site's
/// secret, so nobody can unsubscribe someone else.
fn signature(secret: &str, member: MemberId, subject: &str) -> String {
    let digest = Sha256::digest(format!("unsubscribe:{secret}:{}:{subject}", member.0).as_bytes());
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// The consumer that delivers bulletins: it backfills, so a bulletin sent before any worker ran
/// is still delivered.
pub(crate) const MAIL: Consumer = Consumer {
    name: "mail",
    start: Start::Backfill,
    handle: |agora, _, event| {
        Box::pin(async move {
            match event {
                Event::BulletinSent { bulletin, .. } => {
                    agora.mailings().deliver_bulletin(*bulletin).await
                }
                _ => Ok(Handled::Done),
            }
        })
    },
};

impl Mailings<'_> {
    /// The viewer's choices, in the order of [`OPT_INS`]; what was never chosen is off.
    pub async fn email_preferences(self, viewer: &Viewer) -> Result<Vec<OptIn>, Refused> {
        let id = viewer.id().ok_or(Refused::SignInRequired)?;
        Ok(self.opt_ins_of(id).await?)
    }

    async fn opt_ins_of(self, member: MemberId) -> Result<Vec<OptIn>, StoreError> {
        let ledger = self.store.consents_of(member).await?;
        Ok(OPT_INS
            .iter()
            .map(|&(subject, name, description)| OptIn {
                subject,
                name,
                description,
                granted: ledger
                    .iter()
                    .rev()
                    .find(|r| r.subject == subject)
                    .is_some_and(|r| r.granted),
            })
            .collect())
    }

    /// Sets the viewer's choices; only changes are written to the ledger.
    pub async fn set_email_preferences(
        self,
        viewer: &Viewer,
        choices: &[(String, bool)],
    ) -> Result<Vec<OptIn>, Refused> {
        let id = viewer.id().ok_or(Refused::SignInRequired)?;
        let names: Vec<String> = choices.iter().map(|(s, _)| s.clone()).collect();
        check_subjects("preferences", &names)?;
        let current = self.opt_ins_of(id).await?;
        let rows: Vec<(String, i64, bool)> = choices
            .iter()
            .filter(|(s, on)| {
                current
                    .iter()
                    .any(|c| c.subject == s.as_str() && c.granted != *on)
            })
            .map(|(s, on)| (s.clone(), 0, *on))
            .collect();
        if !rows.is_empty() {
            self.store.record_consents(id, &rows, self.now()).await?;
        }
        Ok(self.opt_ins_of(id).await?)
    }

    /// The one-click unsubscribe address for `member` and one kind of mail.
    pub async fn unsubscribe_url(
        self,
        member: MemberId,
        subject: &str,
    ) -> Result<String, StoreError> {
        let secret = self.site().form_secret().await?;
        let index = LINK_KINDS
            .iter()
            .position(|s| *s == subject)
            .unwrap_or(LINK_KINDS.len());
        Ok(format!(
            "{}/unsubscribe/{}-{index}-{}",
            self.config.public_url,
            member.0,
            signature(&secret, member, subject)
        ))
    }

    /// Reads an unsubscribe token: the member and the kind of mail, if the signature holds.
    async fn read_unsubscribe(self, token: &str) -> Result<(MemberId, &'static str), Refused> {
        let mut parts = token.trim().splitn(3, '-');
        let member = parts
            .next()
            .and_then(|p| p.parse::<i64>().ok())
            .map(MemberId);
        let index = parts.next().and_then(|p| p.parse::<usize>().ok());
        let sig = parts.next().unwrap_or_default();
        let subject = index
            .and_then(|i| LINK_KINDS.get(i))
            .and_then(|kind| OPT_INS.iter().find(|(s, _, _)| s == kind));
        let (Some(member), Some((subject, _, _))) = (member, subject) else {
            return Err(Refused::NotFound);
        };
        let secret = self.site().form_secret().await?;
        if signature(&secret, member, subject) != sig {
            return Err(Refused::NotFound);
        }
        Ok((member, subject))
    }

    /// What an unsubscribe link is for: the name of the kind of mail, and whether the member
    /// still gets it.
    pub async fn unsubscribe_target(self, token: &str) -> Result<(&'static str, bool), Refused> {
        let (member, subject) = self.read_unsubscribe(token).await?;
        let granted = self
            .opt_ins_of(member)
            .await?
            .into_iter()
            .find(|o| o.subject == subject)
            .is_some_and(|o| o.granted);
        let name = OPT_INS
            .iter()
            .find(|(s, _, _)| *s == subject)
            .map_or("mail", |(_, n, _)| n);
        Ok((name, granted))
    }

    /// Unsubscribes with the token from a mail, no sign-in needed; recorded in the ledger.
    /// Returns the name of the kind of mail.
    #[instrument(skip_all)]
    pub async fn unsubscribe(self, token: &str) -> Result<&'static str, Refused> {
        let (member, subject) = self.read_unsubscribe(token).await?;
        let (name, granted) = self.unsubscribe_target(token).await?;
        if granted {
            self.store
                .record_consents(member, &[(subject.to_owned(), 0, false)], self.now())
                .await?;
        }
        Ok(name)
    }

    /// How many members a bulletin would reach now.
    pub async fn bulletin_audience(self, viewer: &Viewer) -> Result<i64, Refused> {
        require_admin(viewer)?;
        Ok(self
            .store
            .count_opted_in("email_bulletins", self.now())
            .await?)
    }

    /// Sends a bulletin to every verified member who opted into bulletins (admins). The mails
    /// go out in the background; the bulletin's `sent` count shows the progress.
    pub async fn send_bulletin(
        self,
        viewer: &Viewer,
        subject: &str,
        body: &str,
    ) -> Result<Bulletin, Refused> {
        let actor = require_admin(viewer)?;
        let subject = subject.trim();
        if subject.is_empty()
            || subject.chars().count() > 150
            || subject.chars().any(char::is_control)
        {
            return Err(Invalid::new(
                "subject",
                "invalid_length",
                "A subject needs 1 to 150 characters on one line.",
            )
            .into());
        }
        let body = body.trim().replace("\r\n", "\n");
        if body.is_empty() || body.chars().count() > 50_000 || body.contains('\0') {
            return Err(Invalid::new(
                "body",
                "invalid_length",
                "A bulletin needs 1 to 50,000 characters.",
            )
            .into());
        }
        let recipients = self
            .store
            .count_opted_in("email_bulletins", self.now())
            .await?;
        // The store completes the target with the new bulletin's id.
        let audit = self.audit_entry(
            viewer,
            "bulletin.send",
            crate::audit::Target::new_bulletin(),
            None,
            format!("{subject} ({recipients} recipients)"),
        );
        let bulletin = self
            .store
            .insert_bulletin(subject, &body, actor, self.now(), recipients, &audit)
            .await?;
        // The event recorded with it has the worker deliver it (in this process at once, or
        // after a restart: delivery survives one).
        self.nudge_worker();
        Ok(bulletin)
    }

    /// Mails the next members of a bulletin's audience (those opted in now, by id after the
    /// last one mailed), recording after each mail how far it got; `More` until all are mailed.
    pub(crate) async fn deliver_bulletin(self, id: i64) -> Result<Handled, StoreError> {
        const PAGE: u32 = 100;
        let Some((bulletin, mut through)) = self.store.bulletin_delivery(id).await? else {
            return Ok(Handled::Done);
        };
        let site = self.site().site_settings().await?.name;
        let page = self
            .store
            .opted_in("email_bulletins", self.now(), through, PAGE)
            .await?;
        let mut sent = bulletin.sent;
        for r in &page {
            let url = self.unsubscribe_url(r.id, "email_bulletins").await?;
            self.deliver(Mail {
                to: r.email.clone(),
                subject: format!("{} ({site})", bulletin.subject),
                text: format!(
                    "Hello {name},\n\n{body}\n\n— {site}\n\nYou get this because you opted into {site}'s bulletins. \
                     Unsubscribe with one click: {url}\n",
                    name = r.display_name,
                    body = bulletin.body,
                ),
                unsubscribe_url: Some(url),
            })
            .await;
            sent += 1;
            through = r.id;
            self.store.bulletin_progress(id, through, sent).await?;
        }
        Ok(if page.len() == PAGE as usize {
            Handled::More
        } else {
            Handled::Done
        })
    }

    /// Bulletins sent, newest first (admins).
    pub async fn bulletins(self, viewer: &Viewer) -> Result<Vec<Bulletin>, Refused> {
        require_admin(viewer)?;
        Ok(self.store.bulletins(50).await?)
    }
}

fn require_admin(viewer: &Viewer) -> Result<MemberId, Refused> {
    crate::audience::require(viewer, crate::audience::Duty::RunSite)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_binds_the_member_and_the_kind_of_mail() {
        let a = signature("s3cret", MemberId(7), "email_bulletins");
        assert_eq!(a.len(), 32);
        assert_eq!(a, signature("s3cret", MemberId(7), "email_bulletins"));
        assert_ne!(a, signature("s3cret", MemberId(8), "email_bulletins"));
        assert_ne!(a, signature("s3cret", MemberId(7), "email_digests"));
        assert_ne!(a, signature("other", MemberId(7), "email_bulletins"));
    }

    #[test]
    fn only_known_kinds_of_mail_are_accepted() {
        assert!(check_subjects("x", &["email_bulletins".into()]).is_ok());
        assert_eq!(
            check_subjects("x", &["spam".into()]).map_err(|e| e.code),
            Err("invalid_choice")
        );
        // Nothing sends notification or digest mail yet: no member may be offered them.
        for unsent in ["email_notifications", "email_digests"] {
            assert!(check_subjects("x", &[unsent.into()]).is_err(), "{unsent}");
        }
    }
}
