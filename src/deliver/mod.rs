//! Deliver: every message to every recipient exactly once, through the ledger.
//!
//! Each recipient is a send of its own (one SMTP envelope each), recorded in the ledger
//! ([`ledger`]) before anything leaves: a period run again sends nothing already delivered
//! (unless asked to resend); a transient failure (4xx, timeout, refused connection) is retried
//! with backoff and then stays queued for the next run or `thidua outbox --flush`; a permanent
//! one (5xx) fails that recipient only. With no `[smtp]` in the settings, each message is
//! written to the outbox folder as an `.eml` file instead. TLS is required unless plain was
//! asked for by name for a localhost relay; the password is read from its environment
//! variable or file when sending and never appears in a log or an error.

pub mod ledger;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use lettre::address::Envelope;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{Message, SmtpTransport, Transport};

pub use ledger::{Enqueued, Ledger, Pending, SendKey};

use crate::config::{Security, Smtp};
use crate::report::Email;
use crate::store::{sha256_hex, write_atomic};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// One message for its audience.
pub struct Mail {
    /// What it is, for the ledger: `summary`, or `unit:<code>` for a unit head's card.
    pub kind: String,
    pub to: Vec<Mailbox>,
    pub cc: Vec<Mailbox>,
    pub email: Email,
    pub attachment_name: String,
    pub attachment: Vec<u8>,
}

/// Where and how messages go.
pub struct Route<'a> {
    pub pipeline: &'a str,
    pub period: &'a str,
    pub from: &'a Mailbox,
    pub smtp: Option<&'a Smtp>,
    pub outbox: &'a Path,
    /// Domain of Message-IDs.
    pub domain: &'a str,
}

/// What happened to the sends of one run or flush.
#[derive(Debug, Default, Clone)]
pub struct Delivery {
    pub delivered: Vec<String>,
    pub already: usize,
    /// Still queued after a transient failure: (recipient, error).
    pub queued: Vec<(String, String)>,
    /// Failed permanently: (recipient, error).
    pub failed: Vec<(String, String)>,
    pub outbox_files: Vec<PathBuf>,
}

impl Delivery {
    pub fn complete(&self) -> bool {
        self.queued.is_empty() && self.failed.is_empty()
    }
}

/// Subjects and display names come from data and configuration: no control character
/// may reach a header (a CR/LF would start a new header line; lettre panics on one in a
/// display name).
fn header_safe(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

fn mailbox_safe(m: &Mailbox) -> Mailbox {
    Mailbox::new(m.name.as_deref().map(header_safe), m.email.clone())
}

pub fn build_message(from: &Mailbox, mail: &Mail, message_id: &str) -> Result<Message> {
    if !mail.attachment_name.is_ascii() {
        bail!("tên tệp đính kèm phải là ASCII: {}", mail.attachment_name);
    }
    let mut builder = Message::builder()
        .from(mailbox_safe(from))
        .subject(header_safe(&mail.email.subject))
        .message_id(Some(message_id.to_string()));
    for to in &mail.to {
        builder = builder.to(mailbox_safe(to));
    }
    for cc in &mail.cc {
        builder = builder.cc(mailbox_safe(cc));
    }
    let body = MultiPart::mixed()
        .multipart(MultiPart::alternative_plain_html(mail.email.text.clone(), mail.email.html.clone()))
        .singlepart(
            Attachment::new(mail.attachment_name.clone())
                .body(mail.attachment.clone(), ContentType::parse(XLSX).expect("valid content type")),
        );
    Ok(builder.multipart(body)?)
}

fn transport(smtp: &Smtp) -> Result<SmtpTransport> {
    let mut builder = match smtp.security {
        Security::Tls => SmtpTransport::relay(&smtp.host)?,
        Security::Starttls => SmtpTransport::starttls_relay(&smtp.host)?,
        Security::Plain => SmtpTransport::builder_dangerous(&smtp.host),
    }
    .port(smtp.port)
    .timeout(Some(smtp.timeout));
    if let Some(user) = &smtp.username {
        let password = match &smtp.password {
            Some(secret) => secret.read()?,
            None => bail!("thiếu mật khẩu SMTP cho tài khoản {user}"),
        };
        builder = builder.credentials(Credentials::new(user.clone(), password));
    }
    Ok(builder.build())
}

/// How a failed attempt ends: try again later, or give up on this recipient.
enum Failure {
    Transient(String),
    Permanent(String),
}

fn send_one(t: &SmtpTransport, from: &Mailbox, p: &Pending, smtp: &Smtp) -> Result<(), Failure> {
    let to: lettre::Address =
        p.recipient.parse().map_err(|e| Failure::Permanent(format!("địa chỉ không hợp lệ: {e}")))?;
    let envelope = Envelope::new(Some(from.email.clone()), vec![to]).map_err(|e| Failure::Permanent(e.to_string()))?;
    let mut delay = smtp.retry_delay;
    for attempt in 1..=smtp.retry_attempts.max(1) {
        match t.send_raw(&envelope, &p.message) {
            Ok(_) => return Ok(()),
            // lettre's errors name the server and its reply, never the credentials.
            Err(e) if e.is_permanent() => return Err(Failure::Permanent(e.to_string())),
            Err(e) if attempt == smtp.retry_attempts.max(1) => return Err(Failure::Transient(e.to_string())),
            Err(_) => {
                std::thread::sleep(delay);
                delay *= 2;
            }
        }
    }
    Err(Failure::Transient("hết số lần thử".into()))
}

fn slug(s: &str) -> String {
    s.chars().map(|c| if c.is_ascii_alphanumeric() || "-_.@".contains(c) { c } else { '_' }).collect()
}

/// Queues every recipient of every message, then sends what is pending for this run.
pub fn deliver(mails: &[Mail], route: &Route<'_>, ledger: &Ledger, resend: bool) -> Result<Delivery> {
    let mut out = Delivery::default();
    for mail in mails {
        for rcpt in mail.to.iter().chain(&mail.cc) {
            let recipient = rcpt.email.to_string();
            let key =
                SendKey { pipeline: route.pipeline, period: route.period, kind: &mail.kind, recipient: &recipient };
            let generation = ledger.generation(&key, resend)?;
            let seed = format!("{}|{}|{}|{recipient}|{generation}", route.pipeline, route.period, mail.kind);
            let message_id = format!("<{}.{}@{}>", &sha256_hex(seed.as_bytes())[..24], generation, route.domain);
            let message = build_message(route.from, mail, &message_id)?.formatted();
            if ledger.enqueue(&key, &message, &message_id, resend)? == Enqueued::AlreadyDelivered {
                out.already += 1;
            }
        }
    }
    let flushed = flush(ledger, route.smtp, route.outbox, route.from, Some(route.pipeline), Some(route.period))?;
    Ok(Delivery { already: out.already, ..flushed })
}

/// Sends every pending send (of one pipeline and period, or all).
pub fn flush(
    ledger: &Ledger,
    smtp: Option<&Smtp>,
    outbox: &Path,
    from: &Mailbox,
    pipeline: Option<&str>,
    period: Option<&str>,
) -> Result<Delivery> {
    let mut out = Delivery::default();
    let pending = ledger.pending(pipeline, period)?;
    if pending.is_empty() {
        return Ok(out);
    }
    let t = smtp.map(transport).transpose()?;
    for p in pending {
        ledger.mark_sending(p.id)?;
        match (&t, smtp) {
            (Some(t), Some(s)) => match send_one(t, from, &p, s) {
                Ok(()) => {
                    ledger.mark_delivered(p.id)?;
                    out.delivered.push(p.recipient);
                }
                Err(Failure::Transient(e)) => {
                    ledger.mark_queued(p.id, &e)?;
                    out.queued.push((p.recipient, e));
                }
                Err(Failure::Permanent(e)) => {
                    ledger.mark_failed(p.id, &e)?;
                    out.failed.push((p.recipient, e));
                }
            },
            _ => {
                let path =
                    outbox.join(format!("{}-{}-{}-{}.eml", p.pipeline, p.period, slug(&p.kind), slug(&p.recipient)));
                write_atomic(&path, &p.message)
                    .with_context(|| format!("không ghi được thư vào {}", outbox.display()))?;
                ledger.mark_delivered(p.id)?;
                out.delivered.push(p.recipient);
                out.outbox_files.push(path);
            }
        }
    }
    Ok(out)
}
