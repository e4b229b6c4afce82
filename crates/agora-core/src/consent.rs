//! Versioned documents (netiquette, terms, privacy policy) and the consent ledger. Joining
//! requires accepting the current versions; a new version asks members to accept it before
//! they post again. Every acceptance is a row (member, document, version, time) an operator
//! can show an auditor.

use serde::Serialize;

use crate::agora::Consent;
use crate::error::Refused;
use crate::error::{Invalid, StoreError};
use crate::ids::MemberId;
use crate::time::Timestamp;
use crate::viewer::Viewer;

/// The kinds of document, in the order they are shown.
pub const KINDS: [(&str, &str); 3] = [
    ("netiquette", "Netiquette"),
    ("terms", "Terms of use"),
    ("privacy", "Privacy policy"),
];

/// A published version of a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Document {
    pub kind: String,
    pub version: i64,
    pub body: String,
    pub published_at: Timestamp,
}

impl Document {
    /// The document's title.
    pub fn title(&self) -> &'static str {
        KINDS
            .iter()
            .find(|(k, _)| *k == self.kind)
            .map_or("Document", |(_, t)| t)
    }
}

/// One row of the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConsentRecord {
    pub subject: String,
    pub version: i64,
    pub granted: bool,
    pub at: Timestamp,
}

/// What a member accepts: a document kind and the version they read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acceptance {
    pub kind: String,
    pub version: i64,
}

impl Consent<'_> {
    /// The current version of every published document.
    pub async fn documents(self) -> Result<Vec<Document>, StoreError> {
        self.store.current_documents().await
    }

    /// A published document and its body as HTML for its page: rendered off the async threads
    /// once per version, then kept.
    pub async fn rendered_document(self, kind: &str) -> Result<(Document, String), Refused> {
        let doc = self
            .documents()
            .await?
            .into_iter()
            .find(|d| d.kind == kind)
            .ok_or(Refused::NotFound)?;
        let html = self.renderer.document(&doc.body).await?;
        Ok((doc, html.to_string()))
    }

    /// Publishes a new version of a document (admins); members accept it at their next visit.
    pub async fn publish_document(
        self,
        viewer: &Viewer,
        kind: &str,
        body: &str,
    ) -> Result<Document, Refused> {
        crate::audience::require(viewer, crate::audience::Duty::RunSite)?;
        let actor = viewer.actor().ok_or(Refused::SignInRequired)?;
        if !KINDS.iter().any(|(k, _)| *k == kind) {
            return Err(Refused::NotFound);
        }
        let body = body.trim().replace("\r\n", "\n");
        if body.is_empty() || body.chars().count() > 100_000 || body.contains('\0') {
            return Err(Invalid::new(
                "body",
                "invalid_length",
                "A document needs 1 to 100,000 characters.",
            )
            .into());
        }
        crate::content::markdown::check(&body).map_err(|e| e.invalid("body"))?;
        // The store writes the published version into the entry's detail.
        let audit = self.audit_entry(
            viewer,
            "document.publish",
            crate::audit::Target::document(kind),
            None,
            String::new(),
        );
        let doc = self
            .store
            .publish_document(kind, &body, actor.id, self.now(), &audit)
            .await?;
        // The settings name the documents published (the footer links them).
        if let Ok(mut guard) = self.settings_cache.write() {
            *guard = None;
        }
        Ok(doc)
    }

    /// Current documents the viewer has not accepted yet (none for a guest).
    pub async fn pending_documents(self, viewer: &Viewer) -> Result<Vec<Document>, StoreError> {
        match viewer.id() {
            Some(id) => self.store.pending_documents(id).await,
            None => Ok(Vec::new()),
        }
    }

    /// Records that the viewer accepted these versions; each must be a current version.
    pub async fn accept_documents(
        self,
        viewer: &Viewer,
        accepted: &[Acceptance],
    ) -> Result<(), Refused> {
        let id = viewer.id().ok_or(Refused::SignInRequired)?;
        let current = self.store.current_documents().await?;
        for a in accepted {
            if !current
                .iter()
                .any(|d| d.kind == a.kind && d.version == a.version)
            {
                return Err(Invalid::new(
                    "documents",
                    "not_current",
                    format!("Version {} of the {} is not the current one; reload and read the current version.", a.version, a.kind),
                )
                .into());
            }
        }
        self.record_acceptance(id, accepted).await?;
        Ok(())
    }

    pub(crate) async fn record_acceptance(
        self,
        member: MemberId,
        accepted: &[Acceptance],
    ) -> Result<(), StoreError> {
        let rows: Vec<(String, i64, bool)> = accepted
            .iter()
            .map(|a| (a.kind.clone(), a.version, true))
            .collect();
        self.store.record_consents(member, &rows, self.now()).await
    }

    /// The viewer's own consent ledger.
    pub async fn my_consents(self, viewer: &Viewer) -> Result<Vec<ConsentRecord>, Refused> {
        let id = viewer.id().ok_or(Refused::SignInRequired)?;
        Ok(self.store.consents_of(id).await?)
    }

    /// A member's consent ledger, for an auditor (admins).
    pub async fn consents_of(
        self,
        viewer: &Viewer,
        username: &str,
    ) -> Result<Vec<ConsentRecord>, Refused> {
        crate::audience::require(viewer, crate::audience::Duty::RunSite)?;
        let member = self
            .accounts()
            .member_by_name(username)
            .await?
            .ok_or(Refused::NotFound)?;
        Ok(self.store.consents_of(member.id).await?)
    }
}
