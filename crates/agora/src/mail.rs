//! The mail transports: SMTP when `smtp_url` is set, otherwise an outbox folder in the data
//! folder (`mail/outbox/`) where every mail lands as an `.eml` file an operator can open (the
//! folder `0700`, each file `0600`: a mail may hold a live password-reset link); and,
//! for the test suite, a mailbox in memory that keeps each message exactly as the other two
//! would send it.

use std::path::{Path, PathBuf};

use async_trait::async_trait;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, Message};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use agora_core::mail::{Mail, MailError, Mailer};

/// Writes each mail into a folder as an `.eml` file (`UUID.eml`, as lettre's file transport
/// names them) that only agora's user may read.
pub struct OutboxMailer {
    from: Mailbox,
    dir: PathBuf,
}

impl OutboxMailer {
    /// An outbox in `dir`, created if missing; it and the folders made for it are private
    /// (`0700`), and an existing one is closed to others.
    pub fn new(dir: &Path, from: Mailbox) -> std::io::Result<Self> {
        agora_store::files::private_dir(dir)?;
        if let Some(mail) = dir.parent() {
            agora_store::files::close_to_others(mail)?;
        }
        Ok(Self {
            from,
            dir: dir.to_owned(),
        })
    }

    /// The folder mail lands in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

/// Keeps each mail in memory, formatted as the other transports send it (headers, encoding),
/// in the order they were handed over: what the test suite reads instead of a folder, whose
/// files' times cannot order mails sent within the same instant.
pub struct MemoryMailer {
    from: Mailbox,
    sent: std::sync::Mutex<Vec<String>>,
}

impl MemoryMailer {
    pub fn new(from: Mailbox) -> Self {
        Self {
            from,
            sent: std::sync::Mutex::default(),
        }
    }

    /// Every mail sent so far, oldest first, as its full text (headers and body).
    pub fn sent(&self) -> Vec<String> {
        self.sent.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

#[async_trait]
impl Mailer for MemoryMailer {
    async fn send(&self, mail: Mail) -> Result<(), MailError> {
        let message = message(&self.from, mail)?;
        let text = String::from_utf8_lossy(&message.formatted()).into_owned();
        self.sent
            .lock()
            .map_err(|_| MailError("the mailbox is poisoned".into()))?
            .push(text);
        Ok(())
    }
}

/// Sends through an SMTP server, e.g. `smtps://user:password@mail.example.com:465` or
/// `smtp://mail.example.com:587?tls=required`.
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpMailer {
    /// Connects lazily to the server named by `url`.
    pub fn new(url: &str, from: Mailbox) -> Result<Self, MailError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| MailError(format!("the SMTP URL is not valid: {e}")))?
            .build();
        Ok(Self { transport, from })
    }
}

fn message(from: &Mailbox, mail: Mail) -> Result<Message, MailError> {
    let to: Mailbox = mail
        .to
        .parse()
        .map_err(|e| MailError(format!("bad recipient {:?}: {e}", mail.to)))?;
    // A Message-ID of our own (mail without one is often taken for spam), in the sender's
    // domain as RFC 5322 suggests.
    let id = format!(
        "<{}@{}>",
        uuid::Uuid::new_v4().simple(),
        from.email.domain()
    );
    let mut builder = Message::builder()
        .from(from.clone())
        .to(to)
        .message_id(Some(id))
        .subject(mail.subject)
        .header(ContentType::TEXT_PLAIN);
    if let Some(url) = mail.unsubscribe_url {
        builder = builder
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe"),
                format!("<{url}>"),
            ))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                "List-Unsubscribe=One-Click".to_owned(),
            ));
    }
    builder
        .body(mail.text)
        .map_err(|e| MailError(format!("building the mail: {e}")))
}

#[async_trait]
impl Mailer for OutboxMailer {
    async fn send(&self, mail: Mail) -> Result<(), MailError> {
        let message = message(&self.from, mail)?;
        let name = uuid::Uuid::new_v4().hyphenated().to_string();
        // Written whole under a hidden temporary name, then renamed: whoever reads the folder
        // (an operator, a script that forwards `.eml` files) never catches half a mail.
        let partial = self.dir.join(format!(".{name}.partial"));
        let path = self.dir.join(format!("{name}.eml"));
        let text = message.formatted();
        tokio::task::spawn_blocking(move || {
            use std::io::Write as _;
            let written = agora_store::files::create_private(&partial).and_then(|mut file| {
                file.write_all(&text)?;
                file.sync_all()
            });
            match written.and_then(|()| std::fs::rename(&partial, &path)) {
                Ok(()) => Ok(()),
                Err(e) => {
                    let _ = std::fs::remove_file(&partial);
                    Err(e)
                }
            }
        })
        .await
        .map_err(|e| MailError(format!("writing to the outbox: {e}")))?
        .map_err(|e| MailError(format!("writing to the outbox: {e}")))
    }
}

#[async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, mail: Mail) -> Result<(), MailError> {
        let message = message(&self.from, mail)?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| MailError(format!("SMTP: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader listing the outbox while large mails are written never finds an `.eml` file
    /// shorter than it ends up: no half-written mail is ever visible under its final name.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_reader_never_catches_half_a_mail() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let outbox = dir.path().join("outbox");
        let from: Mailbox = "agora <agora@example.com>"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        let mailer = OutboxMailer::new(&outbox, from).unwrap_or_else(|e| panic!("{e}"));
        let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let reader = {
            let (outbox, done) = (outbox.clone(), done.clone());
            std::thread::spawn(move || {
                let mut shortest = std::collections::HashMap::<PathBuf, usize>::new();
                while !done.load(std::sync::atomic::Ordering::Relaxed) {
                    for entry in std::fs::read_dir(&outbox).into_iter().flatten().flatten() {
                        let path = entry.path();
                        if path.extension().is_some_and(|e| e == "eml") {
                            let len = std::fs::read(&path).map(|b| b.len()).unwrap_or(0);
                            let least = shortest.entry(path).or_insert(len);
                            *least = (*least).min(len);
                        }
                    }
                }
                shortest
            })
        };
        // A long body: written in more than one write call, so a reader can land between them.
        let body = "a line of a long bulletin\r\n".repeat(40_000);
        for n in 0..40 {
            mailer
                .send(Mail {
                    to: "ana@example.com".into(),
                    subject: format!("Bulletin {n}"),
                    text: body.clone(),
                    unsubscribe_url: None,
                })
                .await
                .unwrap_or_else(|e| panic!("{e}"));
        }
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        let shortest = reader
            .join()
            .unwrap_or_else(|_| panic!("the reader panicked"));
        assert!(!shortest.is_empty(), "the reader saw no mail at all");
        let half: Vec<(usize, u64)> = shortest
            .iter()
            .filter_map(|(path, least)| {
                let whole = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
                (*least as u64 != whole).then_some((*least, whole))
            })
            .collect();
        assert!(half.is_empty(), "half-written mails were read: {half:?}");
        let names: Vec<String> = std::fs::read_dir(&outbox)
            .unwrap_or_else(|e| panic!("{e}"))
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 40, "{names:?}");
        assert!(names.iter().all(|n| n.ends_with(".eml")), "{names:?}");
    }
}
