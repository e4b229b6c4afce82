//! Mail that agora sends (verification links, password resets), and the port it is sent
//! through. The binary provides a real SMTP transport when one is configured and otherwise an
//! outbox folder of `.eml` files, so an operator without a mail server still sees every mail.

use async_trait::async_trait;

/// One mail, plain text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub text: String,
    /// A one-click unsubscribe address (`List-Unsubscribe`), for mail a member opted into.
    pub unsubscribe_url: Option<String>,
}

/// Why a mail could not be handed over.
#[derive(Debug, thiserror::Error)]
#[error("mail not sent: {0}")]
pub struct MailError(pub String);

/// Where mail goes.
#[async_trait]
pub trait Mailer: Send + Sync {
    /// Hands one mail to the transport.
    async fn send(&self, mail: Mail) -> Result<(), MailError>;
}
