//! Filing a legal complaint, and confirming a guest's.

use tracing::instrument;

use crate::agora::Legal;
use crate::error::{Invalid, Refused};
use crate::items::refs::{ItemRef, StoredRef};
use crate::mail::Mail;
use crate::members::{EmailAddress, SessionToken};
use crate::viewer::Viewer;

use super::{
    CONFIRM_SECS, ComplaintError, ComplaintInput, Filed, KINDS, LegalCase, NewCase, PER_HOUR,
    PER_MAIL_PER_DAY, REVIEW_SECS, one_line, reference, text,
};

impl Legal<'_> {
    /// Files a legal complaint about an item of any kind the viewer may read (its kind
    /// resolves it for them, `seen_item`), while it is shown. A verified member's complaint
    /// opens the case at once; a guest's (or an unverified member's) waits for the mailed link.
    /// A sanctioned member is refused.
    #[instrument(skip_all, fields(item = %item))]
    pub async fn file_complaint(
        self,
        viewer: &Viewer,
        client: &str,
        item: ItemRef,
        input: ComplaintInput,
    ) -> Result<Filed, ComplaintError> {
        if let Some(code) = crate::guard::Needs::Unsilenced.sanctioned(viewer) {
            return Err(ComplaintError::Refused(Refused::Forbidden(code)));
        }
        let seen = self.seen_item(viewer, item).await?;
        if !seen.facts.state.is_published() {
            return Err(ComplaintError::Refused(Refused::NotFound));
        }
        let kind = KINDS
            .iter()
            .find(|(k, _)| *k == input.kind)
            .map(|(k, _)| *k)
            .ok_or_else(|| {
                Invalid::new(
                    "kind",
                    "invalid_choice",
                    "Choose defamation, copyright, privacy or other.",
                )
            })?;
        let statement = text("statement", &input.statement, 20, 10_000, "Your statement")?;
        let member = match viewer.id() {
            Some(id) => self.store.member_by_id(id).await?,
            None => None,
        };
        let (name, email) = match &member {
            Some(m) => (m.display_name.clone(), m.email.clone()),
            None => (
                one_line("name", &input.name, 2, 100)?,
                EmailAddress::parse(&input.email)?.as_str().to_owned(),
            ),
        };
        if !input.good_faith {
            return Err(Invalid::new(
                "good_faith",
                "required",
                "Please confirm that you make this complaint in good faith and that it is accurate.",
            )
            .into());
        }
        // A member is limited as a member, a guest by the network address; both by the mail
        // address the complaint is answered at.
        let mut keys = vec![(format!("complaint-mail:{email}"), PER_MAIL_PER_DAY, 86_400)];
        keys.push(match viewer.id() {
            Some(id) => (format!("complaint:{}", id.0), PER_HOUR, 3_600),
            None => (
                crate::rate::per_address("complaint-client", client),
                PER_HOUR,
                3_600,
            ),
        });
        for (key, allowed, window) in keys {
            if let Some(retry_after_secs) = self.over_limit(&key, allowed, window).await? {
                return Err(ComplaintError::RateLimited { retry_after_secs });
            }
        }
        let verified = member.as_ref().is_some_and(|m| m.email_verified);
        let token = (!verified).then(SessionToken::generate);
        let site = self.site().site_settings().await?;
        let hide_at_once = site.complaints_hide_at_once.iter().any(|k| k == kind);
        let now = self.now();
        let new = NewCase {
            reference: reference(),
            item: StoredRef::from(item),
            audience: seen.audience,
            author: seen.author,
            complainant: member.as_ref().map(|m| m.id),
            name,
            email: email.clone(),
            kind: kind.to_owned(),
            statement,
            confirm_hash: token.as_ref().map(SessionToken::hash),
            hide_at_once,
            at: now,
            due_at: now.plus_seconds(REVIEW_SECS),
        };
        let case = self.store.insert_case(&new).await?;
        let site = site.name;
        match token {
            Some(token) => {
                let link = format!(
                    "{}/legal/complaints/confirm/{}",
                    self.config.public_url, token.0
                );
                self.deliver(Mail {
                    to: email,
                    subject: format!("Confirm your complaint {} to {site}", case.reference),
                    text: format!(
                        "Hello {name},\n\nyou filed a complaint ({kind}) about a {noun} at {site}. To confirm it, \
                         open this link within three days and confirm on the page it shows:\n\n{link}\n\n\
                         Once you do, our moderators review it within two days, and we write to you with \
                         the outcome. If you did not file this complaint, ignore this mail and nothing \
                         happens.\n\n— {site}\n",
                        name = new.name,
                        noun = item.kind,
                    ),
                    unsubscribe_url: None,
                })
                .await;
            }
            None => self.case_opened(&case, &email).await,
        }
        Ok(Filed {
            reference: case.reference,
            status: case.status,
        })
    }

    /// Confirms a guest's complaint with the token from the mail (a POST from the page the
    /// link opens, never the opening itself: mail scanners open links): the case opens, first
    /// in the moderators' queue; the item is hidden now only if complaints of its kind hide at
    /// once.
    pub async fn confirm_complaint(self, token: &str) -> Result<Filed, ComplaintError> {
        let hash = crate::members::session::hash_token(token.trim());
        let now = self.now();
        let hide = self.site().site_settings().await?.complaints_hide_at_once;
        let (case, email) = self
            .store
            .confirm_case(
                &hash,
                now,
                now.plus_seconds(-CONFIRM_SECS),
                now.plus_seconds(REVIEW_SECS),
                &hide,
            )
            .await?
            .ok_or(ComplaintError::InvalidToken)?;
        self.case_opened(&case, &email).await;
        Ok(Filed {
            reference: case.reference,
            status: case.status,
        })
    }

    /// Tells the complainant that a case opened (and the author, if the item is hidden).
    async fn case_opened(self, case: &LegalCase, complainant_email: &str) {
        let site = self.site_name().await;
        self.deliver(Mail {
            to: complainant_email.to_owned(),
            subject: format!("Your complaint {} to {site}", case.reference),
            text: format!(
                "Hello {name},\n\nthank you: your complaint {reference} is open. {hidden}Our moderators \
                 review it within two days, and we write to you with the outcome. Quote the \
                 reference if you write to us.\n\n— {site}\n",
                name = case.complainant_name,
                reference = case.reference,
                hidden = if case.item_hidden {
                    format!("The {} is hidden while they do. ", case.noun())
                } else {
                    String::new()
                },
            ),
            unsubscribe_url: None,
        })
        .await;
        if !case.item_hidden {
            return;
        }
        let noun = case.noun();
        self.mail_author(
            case,
            &format!("Your {noun} is hidden while a complaint is reviewed"),
            &format!(
                "a legal complaint was filed about your {noun}, and it is hidden while our moderators \
                 review it. You will hear from us when they have decided."
            ),
        )
        .await;
    }

    /// Mails the author of the case's item (a verified address only).
    pub(super) async fn mail_author(self, case: &LegalCase, subject: &str, body: &str) {
        let (Some(item), Some(author)) = (&case.item, case.item_author) else {
            return;
        };
        let author = self.store.member_by_id(author).await.ok().flatten();
        let Some(author) = author.filter(|a| a.email_verified) else {
            return;
        };
        let site = self.site_name().await;
        self.deliver(Mail {
            to: author.email.clone(),
            subject: format!("{subject} ({site})"),
            text: format!(
                "Hello {name},\n\n{body}\n\nThe {noun}: {url}/items/{kind}/{id}\nCase reference: {reference}\n\n— {site}\n",
                name = author.display_name,
                noun = case.noun(),
                url = self.config.public_url,
                kind = item.kind,
                id = item.id,
                reference = case.reference,
            ),
            unsubscribe_url: None,
        })
        .await;
    }
}

impl Legal<'_> {
    /// The site's name for a mail (empty if the settings cannot be read: the mail still goes).
    async fn site_name(self) -> String {
        self.site()
            .site_settings()
            .await
            .map(|s| s.name)
            .unwrap_or_default()
    }
}
