//! One SMTP conversation per recipient, step by step, so that how it ends can be told
//! apart: nothing sent, refused, or sent without a reply.
//!
//! lettre's high-level `send` hides where a failure happened, and only that decides whether
//! a message may be sent again: a failure before the body was handed over (a refused
//! connection, a 4xx, a wrong password) cannot have delivered anything, while a timeout
//! after the body leaves the message perhaps stored by the server. The conversation is
//! therefore driven command by command on lettre's `SmtpConnection`, and the caller is told
//! just before the body goes. Waits follow RFC 5321 §4.5.3.2: the command timeout applies
//! to the conversation, the reply to the end of the data may take `data_timeout` (10
//! minutes by default) — a slow relay that stores the message and answers late is waited for,
//! not given up on and sent to again.

use lettre::Address;
use lettre::transport::smtp::authentication::{Credentials, DEFAULT_MECHANISMS};
use lettre::transport::smtp::client::{SmtpConnection, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
use lettre::transport::smtp::extension::ClientId;

use crate::config::{Security, Smtp};

/// How one send ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Delivered,
    /// A 5xx for this recipient (or this message): not sent again until someone asks.
    Rejected(String),
    /// Nothing was delivered and another try may succeed (4xx, refused or cut connection
    /// before the body).
    Transient(String),
    /// The body went and no reply came: the server may hold the message.
    Uncertain(String),
    /// The configuration is wrong (password, TLS, the sender refused): fix it; the message
    /// stays queued and goes on the next run.
    Config(String),
}

/// An SMTP error in Vietnamese, naming the server's reply when there is one and the cause
/// (timeout, refused connection) otherwise. lettre's errors never carry the credentials.
fn describe(e: &lettre::transport::smtp::Error, smtp: &Smtp, waited: std::time::Duration) -> String {
    if e.is_timeout() || std::error::Error::source(e).is_some_and(|s| s.to_string().contains("os error 11")) {
        return format!("máy chủ thư {}:{} không trả lời sau {} giây", smtp.host, smtp.port, waited.as_secs());
    }
    match e.status() {
        Some(code) => format!("máy chủ thư trả lời {code}: {e}"),
        None if e.is_tls() => format!("lỗi TLS với {}:{}: {e}", smtp.host, smtp.port),
        None => format!("lỗi kết nối tới {}:{}: {e}", smtp.host, smtp.port),
    }
}

/// "24 giờ", "5 phút", "30 giây".
pub fn span_vi(d: std::time::Duration) -> String {
    let s = d.as_secs();
    match s {
        s if s >= 3600 && s % 3600 == 0 => format!("{} giờ", s / 3600),
        s if s >= 60 && s % 60 == 0 => format!("{} phút", s / 60),
        s => format!("{s} giây"),
    }
}

/// An open, authenticated connection.
pub struct Session {
    conn: SmtpConnection,
}

impl Session {
    /// Connects, secures and logs in. Authentication and TLS failures are configuration
    /// problems; anything else here is transient (nothing was sent).
    pub fn open(smtp: &Smtp) -> Result<Session, Outcome> {
        let hello = ClientId::default();
        let tls = |host: &str| {
            TlsParameters::new(host.to_string()).map_err(|e| Outcome::Config(format!("lỗi TLS với {host}: {e}")))
        };
        let wrapper = match smtp.security {
            Security::Tls => Some(tls(&smtp.host)?),
            _ => None,
        };
        let timeout = Some(smtp.timeout);
        let mut conn =
            SmtpConnection::connect((smtp.host.as_str(), smtp.port), timeout, &hello, wrapper.as_ref(), None).map_err(
                |e| match e.is_tls() {
                    true => Outcome::Config(describe(&e, smtp, smtp.timeout)),
                    false => Outcome::Transient(describe(&e, smtp, smtp.timeout)),
                },
            )?;
        if smtp.security == Security::Starttls {
            conn.starttls(&tls(&smtp.host)?, &hello).map_err(|e| {
                Outcome::Config(format!(
                    "không bật được STARTTLS với {}:{} ({}); kiểm tra [smtp] security",
                    smtp.host,
                    smtp.port,
                    describe(&e, smtp, smtp.timeout)
                ))
            })?;
        }
        if let Some(user) = &smtp.username {
            let password = match &smtp.password {
                Some(secret) => secret.read().map_err(|e| Outcome::Config(format!("{e:#}")))?,
                None => return Err(Outcome::Config(format!("thiếu mật khẩu SMTP cho tài khoản {user}"))),
            };
            conn.auth(DEFAULT_MECHANISMS, &Credentials::new(user.clone(), password)).map_err(|e| {
                match e.is_transient() || e.is_timeout() {
                    true => Outcome::Transient(describe(&e, smtp, smtp.timeout)),
                    false => Outcome::Config(format!(
                        "máy chủ thư từ chối đăng nhập tài khoản {user} ({}); kiểm tra mật khẩu ở {}",
                        describe(&e, smtp, smtp.timeout),
                        smtp.password.as_ref().map_or_else(String::new, super::super::secret::Secret::place)
                    )),
                }
            })?;
        }
        Ok(Session { conn })
    }

    /// Sends one message to one recipient. `before_body` runs just before the body is handed
    /// over (the ledger records it); an error there stops the send before the body.
    pub fn send(
        &mut self,
        smtp: &Smtp,
        from: &Address,
        to: &Address,
        message: &[u8],
        before_body: impl FnOnce() -> anyhow::Result<()>,
    ) -> anyhow::Result<Outcome> {
        let definite = |e: &lettre::transport::smtp::Error| {
            let why = describe(e, smtp, smtp.timeout);
            if e.is_permanent() { Outcome::Rejected(why) } else { Outcome::Transient(why) }
        };
        if let Err(e) = self.conn.command(Mail::new(Some(from.clone()), vec![])) {
            return Ok(match e.is_permanent() {
                true => Outcome::Config(format!(
                    "máy chủ thư từ chối địa chỉ gửi {from}: {}",
                    describe(&e, smtp, smtp.timeout)
                )),
                false => definite(&e),
            });
        }
        if let Err(e) = self.conn.command(Rcpt::new(to.clone(), vec![])) {
            return Ok(definite(&e));
        }
        if let Err(e) = self.conn.command(Data) {
            return Ok(definite(&e));
        }
        before_body()?;
        // The reply to the end of the data may be slow: RFC 5321 asks clients to wait.
        let _ = self.conn.set_timeout(Some(smtp.data_timeout));
        let sent = self.conn.message(message);
        let _ = self.conn.set_timeout(Some(smtp.timeout));
        Ok(match sent {
            Ok(_) => Outcome::Delivered,
            Err(e) if e.status().is_some() => definite(&e),
            Err(e) => Outcome::Uncertain(format!(
                "{}; thư có thể đã tới: sẽ gửi lại một lần, cùng Message-ID, sau {}",
                describe(&e, smtp, smtp.data_timeout),
                span_vi(smtp.uncertain_resend_after)
            )),
        })
    }

    /// Ends a transaction a refusal left open, so the next recipient starts clean.
    pub fn reset(&mut self) -> bool {
        self.conn.command("RSET\r\n").is_ok()
    }

    /// Whether the connection can carry another message (after an uncertain send it cannot).
    pub fn usable(&self) -> bool {
        !self.conn.has_broken()
    }

    pub fn quit(mut self) {
        let _ = self.conn.quit();
    }
}
