//! Deliver: put the built e-mail where it goes: the outbox folder, or an SMTP server.
//!
//! With no `[smtp]` in the settings, the message is written as an `.eml` file to the
//! outbox (any mail client opens it, and a relay can pick it up). With SMTP, TLS is required
//! unless plain was asked for by name for a localhost relay; the password is read from its
//! environment variable or file at this moment and is never logged or echoed in an error.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{Message, SmtpTransport, Transport};

use crate::config::{Secret, Security, Smtp};
use crate::outcome::{Failure, Tag};
use crate::report::Email;
use crate::store::write_atomic;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// One e-mail to send, with its attachment.
pub struct Outgoing<'a> {
    pub from: &'a Mailbox,
    pub to: &'a [Mailbox],
    pub cc: &'a [Mailbox],
    pub email: &'a Email,
    pub attachment_name: &'a str,
    pub attachment: &'a [u8],
}

/// Where a message went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivered {
    Outbox(PathBuf),
    Smtp { host: String, message_id: String },
}

/// Subjects come from data: no control character may reach a header.
fn header_safe(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

pub fn build_message(out: &Outgoing<'_>) -> Result<Message> {
    if !out.attachment_name.is_ascii() {
        bail!("tên tệp đính kèm phải là ASCII: {}", out.attachment_name);
    }
    let mut builder = Message::builder().from(out.from.clone()).subject(header_safe(&out.email.subject));
    for to in out.to {
        builder = builder.to(to.clone());
    }
    for cc in out.cc {
        builder = builder.cc(cc.clone());
    }
    let body = MultiPart::mixed()
        .multipart(MultiPart::alternative_plain_html(out.email.text.clone(), out.email.html.clone()))
        .singlepart(
            Attachment::new(out.attachment_name.to_string())
                .body(out.attachment.to_vec(), ContentType::parse(XLSX).expect("valid content type")),
        );
    Ok(builder.multipart(body)?)
}

/// Writes the message to the outbox as `<stem>.eml`.
pub fn to_outbox(outbox: &Path, stem: &str, message: &Message) -> Result<PathBuf> {
    let path = outbox.join(format!("{stem}.eml"));
    write_atomic(&path, &message.formatted())
        .with_context(|| format!("không ghi được thư vào {}", outbox.display()))?;
    Ok(path)
}

fn read_secret(secret: &Secret) -> Result<String> {
    match secret {
        Secret::Env(var) => {
            std::env::var(var).with_context(|| format!("biến môi trường {var} (mật khẩu SMTP) chưa được đặt"))
        }
        Secret::File(path) => std::fs::read_to_string(path)
            .map(|s| s.trim_end_matches(['\r', '\n']).to_string())
            .with_context(|| format!("không đọc được tệp mật khẩu SMTP {}", path.display())),
    }
}

/// Sends through the configured SMTP server.
pub fn send_smtp(smtp: &Smtp, message: &Message) -> Result<String> {
    let mut builder = match smtp.security {
        Security::Tls => SmtpTransport::relay(&smtp.host)?,
        Security::Starttls => SmtpTransport::starttls_relay(&smtp.host)?,
        Security::Plain => SmtpTransport::builder_dangerous(&smtp.host),
    }
    .port(smtp.port)
    .timeout(Some(smtp.timeout));
    if let Some(user) = &smtp.username {
        let password = match &smtp.password {
            Some(secret) => read_secret(secret)?,
            None => bail!("thiếu mật khẩu SMTP cho tài khoản {user}"),
        };
        builder = builder.credentials(Credentials::new(user.clone(), password));
    }
    let message_id = message.headers().get_raw("Message-ID").map(str::to_string).unwrap_or_default();
    // lettre's errors name the server and the SMTP reply, never the credentials.
    builder
        .build()
        .send(message)
        .with_context(|| format!("gửi thư qua máy chủ SMTP {}:{} không thành công", smtp.host, smtp.port))?;
    Ok(message_id)
}

/// Delivers one message: SMTP when configured, otherwise the outbox.
pub fn deliver(out: &Outgoing<'_>, smtp: Option<&Smtp>, outbox: &Path, stem: &str) -> Result<Delivered> {
    let message = build_message(out).tag(Failure::Delivery)?;
    match smtp {
        Some(smtp) => {
            let message_id = send_smtp(smtp, &message).tag(Failure::Delivery)?;
            Ok(Delivered::Smtp { host: smtp.host.clone(), message_id })
        }
        None => Ok(Delivered::Outbox(to_outbox(outbox, stem, &message).tag(Failure::Delivery)?)),
    }
}
