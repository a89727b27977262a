//! Deliver: every message to every recipient at most once, and eventually once.
//!
//! Each recipient is a send of its own (one SMTP envelope each), recorded in the ledger
//! ([`ledger`]) before anything leaves: a period run again sends nothing already delivered
//! (unless asked to resend). How a send ends decides what happens next ([`smtp::Outcome`]):
//! a transient failure before the body went is retried with backoff and then stays queued;
//! a 5xx fails that recipient only; a wrong password or a TLS problem is a configuration
//! problem (exit 3) and the messages stay queued for the run after the fix; a send left
//! without a reply after its body is *uncertain* and goes again once, with the same
//! Message-ID, only after a delay (the ledger's doc states the rule). One process sends at
//! a time (a lock shared by `run`, `outbox --flush` and the daemon). With no `[smtp]`, each
//! message is written once to the outbox folder as an `.eml` file for a mail client to
//! send, addressed to all its recipients. TLS is required unless plain was asked for by name
//! for a localhost relay; the password is read when sending and never appears in a log or
//! an error.

pub mod ledger;
pub mod smtp;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use lettre::Message;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart};

pub use ledger::{Enqueued, Ledger, Pending, SendKey};
use smtp::{Outcome, Session};

use crate::config::Smtp;
use crate::report::Email;
use crate::store::{sha256_hex, write_atomic};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// One message for its audience.
pub struct Mail {
    /// What it is, for the ledger: `summary`, or `unit:<code>` for a unit head's card.
    pub kind: String,
    pub to: Vec<Mailbox>,
    pub cc: Vec<Mailbox>,
    pub email: Email,
    /// The files sent with it (ASCII names; the type follows the extension).
    pub attachments: Vec<Attached>,
}

/// A file sent with a message.
#[derive(Debug, Clone)]
pub struct Attached {
    pub name: String,
    pub bytes: Vec<u8>,
}

impl Attached {
    pub fn new(name: impl Into<String>, bytes: Vec<u8>) -> Attached {
        Attached { name: name.into(), bytes }
    }

    fn content_type(&self) -> ContentType {
        let kind = match self.name.rsplit('.').next() {
            Some("docx") => DOCX,
            Some("pdf") => "application/pdf",
            _ => XLSX,
        };
        ContentType::parse(kind).expect("valid content type")
    }
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
    /// Where the sending lock lives (the store).
    pub store: &'a Path,
}

/// What happened to the sends of one run or flush, each counted once.
#[derive(Debug, Default, Clone)]
pub struct Delivery {
    pub delivered: Vec<String>,
    /// Delivered by an earlier run.
    pub already: usize,
    /// Still queued after a transient failure: (recipient, error).
    pub queued: Vec<(String, String)>,
    /// Sent without a reply after the body (now or earlier), waiting for their rule.
    pub uncertain: Vec<(String, String)>,
    /// Failed permanently, now or in an earlier run: (recipient, error).
    pub failed: Vec<(String, String)>,
    /// A configuration problem stopped sending (the sends stay queued).
    pub config_error: Option<String>,
    pub outbox_files: Vec<PathBuf>,
}

impl Delivery {
    pub fn complete(&self) -> bool {
        self.queued.is_empty() && self.failed.is_empty() && self.uncertain.is_empty() && self.config_error.is_none()
    }

    /// One line for the person who ran it.
    pub fn line_vi(&self) -> String {
        format!(
            "đã gửi {}, đã gửi từ trước {}, còn chờ gửi {}, chưa chắc đã tới {}, không gửi được {}",
            self.delivered.len(),
            self.already,
            self.queued.len(),
            self.uncertain.len(),
            self.failed.len()
        )
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
    if let Some(a) = mail.attachments.iter().find(|a| !a.name.is_ascii()) {
        bail!("tên tệp đính kèm phải là ASCII: {}", a.name);
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
    let mut body = MultiPart::mixed()
        .multipart(MultiPart::alternative_plain_html(mail.email.text.clone(), mail.email.html.clone()));
    for a in &mail.attachments {
        body = body.singlepart(Attachment::new(a.name.clone()).body(a.bytes.clone(), a.content_type()));
    }
    Ok(builder.multipart(body)?)
}

/// Sends one recipient's message, retrying transient failures before the body with
/// backoff; the session is reopened when a failure broke it.
fn send_one(
    session: &mut Option<Session>,
    smtp: &Smtp,
    from: &Mailbox,
    p: &Pending,
    ledger: &Ledger,
) -> Result<Outcome> {
    let Ok(to) = p.recipient.parse::<lettre::Address>() else {
        return Ok(Outcome::Rejected(format!("địa chỉ không hợp lệ: {}", p.recipient)));
    };
    let mut delay = smtp.retry_delay;
    let attempts = smtp.retry_attempts.max(1);
    for attempt in 1..=attempts {
        if session.as_ref().is_none_or(|s| !s.usable()) {
            *session = match Session::open(smtp) {
                Ok(s) => Some(s),
                Err(Outcome::Transient(e)) if attempt < attempts => {
                    std::thread::sleep(delay);
                    delay *= 2;
                    let _ = e;
                    continue;
                }
                Err(outcome) => return Ok(outcome),
            };
        }
        let s = session.as_mut().expect("opened above");
        let outcome = s.send(smtp, &from.email, &to, &p.message, || ledger.mark_data(p.id))?;
        match outcome {
            Outcome::Transient(_) if attempt < attempts => {
                if !s.reset() {
                    *session = None;
                }
                std::thread::sleep(delay);
                delay *= 2;
            }
            Outcome::Rejected(_) => {
                if !s.reset() {
                    *session = None;
                }
                return Ok(outcome);
            }
            other => return Ok(other),
        }
    }
    Ok(Outcome::Transient("hết số lần thử".into()))
}

fn slug(s: &str) -> String {
    s.chars().map(|c| if c.is_ascii_alphanumeric() || "-_.@".contains(c) { c } else { '_' }).collect()
}

/// Queues every recipient of every message, then sends what is pending for this run.
pub fn deliver(mails: &[Mail], route: &Route<'_>, ledger: &Ledger, resend: bool) -> Result<Delivery> {
    let _sending = crate::lock::sending(route.store)?;
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
            match ledger.enqueue(&key, &message, &message_id, resend)? {
                Enqueued::AlreadyDelivered => out.already += 1,
                Enqueued::Failed => {
                    out.failed.push((recipient, "đã thất bại ở lần gửi trước (dùng --resend sau khi sửa)".into()));
                }
                Enqueued::Queued(_) | Enqueued::Waiting(_) => {}
            }
        }
    }
    let flushed = send_pending(ledger, route.smtp, route.outbox, route.from, Some(route.pipeline), Some(route.period))?;
    out.delivered = flushed.delivered;
    out.queued = flushed.queued;
    out.uncertain = flushed.uncertain;
    out.failed.extend(flushed.failed);
    out.config_error = flushed.config_error;
    out.outbox_files = flushed.outbox_files;
    Ok(out)
}

/// Sends every pending send (of one pipeline and period, or all), refusing when another
/// process is sending (`thidua outbox --flush`).
pub fn flush(ledger: &Ledger, smtp: Option<&Smtp>, outbox: &Path, from: &Mailbox, store: &Path) -> Result<Delivery> {
    let _sending = crate::lock::sending_now(store)?;
    send_pending(ledger, smtp, outbox, from, None, None)
}

fn resend_after(smtp: Option<&Smtp>) -> chrono::Duration {
    let d = smtp.map_or(std::time::Duration::from_secs(86_400), |s| s.uncertain_resend_after);
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::days(1))
}

fn send_pending(
    ledger: &Ledger,
    smtp: Option<&Smtp>,
    outbox: &Path,
    from: &Mailbox,
    pipeline: Option<&str>,
    period: Option<&str>,
) -> Result<Delivery> {
    let mut out = Delivery::default();
    let pending = ledger.pending(pipeline, period, resend_after(smtp))?;
    match smtp {
        Some(smtp) => send_smtp(ledger, smtp, from, pending, &mut out)?,
        None => write_outbox(ledger, outbox, pending, &mut out)?,
    }
    // Uncertain sends not due yet are reported as such, every run, until their rule acts.
    let sent_now: Vec<String> = out.uncertain.iter().map(|u| u.0.clone()).collect();
    out.uncertain.extend(ledger.uncertain(pipeline, period)?.into_iter().filter(|u| !sent_now.contains(&u.0)));
    Ok(out)
}

fn send_smtp(ledger: &Ledger, smtp: &Smtp, from: &Mailbox, pending: Vec<Pending>, out: &mut Delivery) -> Result<()> {
    let mut session = None;
    for p in pending {
        if out.config_error.is_some() {
            out.queued.push((p.recipient, "chưa gửi: lỗi cấu hình SMTP ở trên".into()));
            continue;
        }
        ledger.mark_sending(p.id, p.resending_uncertain)?;
        match send_one(&mut session, smtp, from, &p, ledger)? {
            Outcome::Delivered => {
                ledger.mark_delivered(p.id)?;
                out.delivered.push(p.recipient);
            }
            Outcome::Transient(e) => {
                ledger.mark_queued(p.id, &e)?;
                out.queued.push((p.recipient, e));
            }
            Outcome::Uncertain(e) => {
                ledger.mark_uncertain(p.id, &e)?;
                out.uncertain.push((p.recipient, e));
            }
            Outcome::Rejected(e) => {
                ledger.mark_failed(p.id, &e)?;
                out.failed.push((p.recipient, e));
            }
            Outcome::Config(e) => {
                ledger.mark_queued(p.id, &e)?;
                out.queued.push((p.recipient.clone(), e.clone()));
                out.config_error = Some(e);
            }
        }
    }
    if let Some(s) = session {
        s.quit();
    }
    Ok(())
}

/// One `.eml` per message (all its recipients in To and Cc), for a mail client to send:
/// a message to three people is one file, never three copies.
fn write_outbox(ledger: &Ledger, outbox: &Path, pending: Vec<Pending>, out: &mut Delivery) -> Result<()> {
    let mut written: Vec<(String, String, String)> = Vec::new();
    for p in pending {
        let id = (p.pipeline.clone(), p.period.clone(), p.kind.clone());
        ledger.mark_sending(p.id, false)?;
        if !written.contains(&id) {
            let path = outbox.join(format!("{}-{}-{}.eml", p.pipeline, p.period, slug(&p.kind)));
            write_atomic(&path, &p.message).with_context(|| format!("không ghi được thư vào {}", outbox.display()))?;
            out.outbox_files.push(path);
            written.push(id);
        }
        ledger.mark_delivered(p.id)?;
        out.delivered.push(p.recipient);
    }
    Ok(())
}
