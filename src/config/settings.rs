//! `config/thidua.toml`: who the ward is, where files go, and how mail leaves.
//!
//! Secrets are never in this file: the SMTP password is read from an environment variable
//! or a file that the settings only *name*, at the moment of sending.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::diag::{Diagnostics, SourceText};
use crate::secret::Secret;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SettingsSpec {
    ward: WardSpec,
    #[serde(default)]
    paths: PathsSpec,
    mail: MailSpec,
    smtp: Option<Spanned<SmtpSpec>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WardSpec {
    id: String,
    name: String,
    short_name: String,
    /// The ward's agency code in the one-stop system (prefix of dossier ids).
    agency_code: Option<String>,
    /// The ward's MA_COQUAN on the national portal's 766 ranking (selects its row).
    portal_code: Option<String>,
    city: Option<String>,
    province: String,
    time_zone: Spanned<String>,
    /// What the ward was before a merger or a renaming, latest last.
    #[serde(default)]
    former: Vec<Spanned<FormerSpec>>,
}

/// An earlier identity of the ward, until the day it ended.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FormerSpec {
    name: String,
    short_name: String,
    agency_code: Option<String>,
    portal_code: Option<String>,
    city: Option<String>,
    until: toml::value::Datetime,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, default)]
struct PathsSpec {
    archive: PathBuf,
    store: PathBuf,
    output: PathBuf,
    units: PathBuf,
    officers: PathBuf,
    holidays: PathBuf,
    procedures: PathBuf,
    methodology: PathBuf,
    formats: PathBuf,
    facts: PathBuf,
    templates: PathBuf,
    pipelines: PathBuf,
}

impl Default for PathsSpec {
    fn default() -> Self {
        PathsSpec {
            archive: "archive".into(),
            store: "store".into(),
            output: "output".into(),
            units: "config/units.toml".into(),
            officers: "config/officers.toml".into(),
            holidays: "config/holidays".into(),
            procedures: "config/procedures.toml".into(),
            methodology: "config/methodology".into(),
            formats: "config/formats".into(),
            facts: "config/facts".into(),
            templates: "config/templates".into(),
            pipelines: "pipelines".into(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MailSpec {
    from: Spanned<String>,
    outbox: Option<PathBuf>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SmtpSpec {
    host: String,
    port: Option<u16>,
    #[serde(default)]
    security: Security,
    username: Option<String>,
    password_env: Option<String>,
    password_file: Option<PathBuf>,
    timeout_seconds: Option<u64>,
    /// How long the reply to the end of a message's data may take (RFC 5321 §4.5.3.2: 10
    /// minutes), default 600.
    data_timeout_seconds: Option<u64>,
    /// A send left without a reply after its data may have arrived: it goes again once, with
    /// the same Message-ID, after this many seconds (default 86400, a day).
    uncertain_resend_after_seconds: Option<u64>,
    /// Attempts per send within one run (transient failures), default 3.
    retry_attempts: Option<u32>,
    /// First wait between attempts, doubled each time, default 2000 ms.
    retry_delay_ms: Option<u64>,
}

/// How the SMTP connection is protected. TLS is required unless plain is asked for by name.
#[derive(Deserialize, Debug, Clone, Copy, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum Security {
    /// STARTTLS on port 587 (default).
    #[default]
    Starttls,
    /// Implicit TLS on port 465.
    Tls,
    /// No encryption: only for a relay on localhost.
    Plain,
}

#[derive(Debug, Clone)]
pub struct Ward {
    pub id: String,
    pub name: String,
    pub short_name: String,
    pub agency_code: Option<String>,
    /// The ward's MA_COQUAN on the national portal (its row in the province's 766 ranking).
    pub portal_code: Option<String>,
    pub city: Option<String>,
    pub province: String,
    pub time_zone: chrono_tz::Tz,
    /// Earlier identities (before a merger), oldest first, each with its last day.
    pub former: Vec<(chrono::NaiveDate, Ward)>,
}

impl Ward {
    /// The ward as it was on the period's last day: titles, documents and the province's
    /// rankings name the ward of the time ("Phường Giếng Đáy" for 2024, "Phường Việt Hưng"
    /// from 1/7/2025).
    pub fn of(&self, period: crate::period::Period) -> &Ward {
        let day = period.last_day();
        self.former.iter().find(|(until, _)| day <= *until).map_or(self, |(_, w)| w)
    }
}

#[derive(Debug, Clone)]
pub struct Paths {
    /// Exports exactly as received (they may hold citizens' data: owner-only permissions).
    pub archive: PathBuf,
    /// Canonical tables (Parquet), free of personal data.
    pub store: PathBuf,
    pub output: PathBuf,
    pub outbox: PathBuf,
    pub units: PathBuf,
    pub officers: PathBuf,
    pub holidays: PathBuf,
    pub procedures: PathBuf,
    pub methodology: PathBuf,
    /// Format profiles of the systems whose exports are read (`<id>.toml`).
    pub formats: PathBuf,
    /// The ward's facts for the award round, one file per year.
    pub facts: PathBuf,
    /// The wording of the documents thidua drafts (`awards/` for the award round).
    pub templates: PathBuf,
    pub pipelines: PathBuf,
}

#[derive(Debug, Clone)]
pub struct Smtp {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub username: Option<String>,
    pub password: Option<Secret>,
    pub timeout: std::time::Duration,
    pub data_timeout: std::time::Duration,
    pub uncertain_resend_after: std::time::Duration,
    pub retry_attempts: u32,
    pub retry_delay: std::time::Duration,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub ward: Ward,
    pub paths: Paths,
    pub from: lettre::message::Mailbox,
    pub smtp: Option<Smtp>,
}

impl SettingsSpec {
    pub(super) fn check(self, root: &Path, src: &SourceText, diag: &mut Diagnostics) -> Option<Settings> {
        let tz = match self.ward.time_zone.get_ref().parse::<chrono_tz::Tz>() {
            Ok(tz) => Some(tz),
            Err(_) => {
                diag.at(
                    src,
                    &self.ward.time_zone.span(),
                    format!("múi giờ không hợp lệ: \"{}\" (dùng Asia/Ho_Chi_Minh)", self.ward.time_zone.get_ref()),
                );
                None
            }
        };
        let from = match self.mail.from.get_ref().parse::<lettre::message::Mailbox>() {
            Ok(m) => Some(m),
            Err(e) => {
                diag.at(src, &self.mail.from.span(), format!("mail.from không hợp lệ: {e}"));
                None
            }
        };
        let smtp = self.smtp.and_then(|s| check_smtp(root, src, s, diag));
        let p = self.paths;
        let abs = |p: PathBuf| if p.is_absolute() { p } else { root.join(p) };
        let output = abs(p.output);
        let paths = Paths {
            outbox: self.mail.outbox.map_or_else(|| output.join("outbox"), abs),
            archive: abs(p.archive),
            store: abs(p.store),
            output,
            units: abs(p.units),
            officers: abs(p.officers),
            holidays: abs(p.holidays),
            procedures: abs(p.procedures),
            methodology: abs(p.methodology),
            formats: abs(p.formats),
            facts: abs(p.facts),
            templates: abs(p.templates),
            pipelines: abs(p.pipelines),
        };
        let tz = tz?;
        let former = former(src, &self.ward, tz, diag);
        Some(Settings {
            ward: Ward {
                id: self.ward.id,
                name: self.ward.name,
                short_name: self.ward.short_name,
                agency_code: self.ward.agency_code,
                portal_code: self.ward.portal_code,
                city: self.ward.city,
                province: self.ward.province,
                time_zone: tz,
                former,
            },
            paths,
            from: from?,
            smtp,
        })
    }
}

/// The ward's earlier identities, in order, each ending before the next.
fn former(src: &SourceText, w: &WardSpec, tz: chrono_tz::Tz, diag: &mut Diagnostics) -> Vec<(chrono::NaiveDate, Ward)> {
    let mut out: Vec<(chrono::NaiveDate, Ward)> = Vec::new();
    for f in &w.former {
        let span = f.span();
        let f = f.get_ref();
        let Some(until) = super::dates::to_date(&f.until) else {
            diag.at(src, &span, "[[ward.former]] until phải là một ngày (YYYY-MM-DD): ngày cuối cùng của tên cũ");
            continue;
        };
        if out.last().is_some_and(|(last, _)| *last >= until) {
            diag.at(src, &span, "[[ward.former]] phải xếp theo thời gian, tên cũ nhất trước");
        }
        let ward = Ward {
            id: w.id.clone(),
            name: f.name.clone(),
            short_name: f.short_name.clone(),
            agency_code: f.agency_code.clone(),
            portal_code: f.portal_code.clone(),
            city: f.city.clone(),
            province: w.province.clone(),
            time_zone: tz,
            former: Vec::new(),
        };
        out.push((until, ward));
    }
    out
}

fn check_smtp(root: &Path, src: &SourceText, s: Spanned<SmtpSpec>, diag: &mut Diagnostics) -> Option<Smtp> {
    let span = s.span();
    let s = s.into_inner();
    let password = match (s.password_env, s.password_file) {
        (Some(_), Some(_)) => {
            diag.at(src, &span, "smtp: chỉ dùng một trong password_env hoặc password_file");
            None
        }
        (Some(var), None) => Some(Secret::Env(var)),
        (None, Some(file)) => Some(Secret::File(if file.is_absolute() { file } else { root.join(file) })),
        (None, None) => None,
    };
    if s.username.is_some() && password.is_none() {
        diag.at(src, &span, "smtp: có username nhưng thiếu password_env hoặc password_file");
    }
    if s.security == Security::Plain && !matches!(s.host.as_str(), "localhost" | "127.0.0.1" | "::1") {
        diag.at(
            src,
            &span,
            format!(
                "smtp: security = \"plain\" chỉ dùng cho máy chủ chuyển tiếp trên localhost, không dùng cho {}",
                s.host
            ),
        );
    }
    Some(Smtp {
        port: s.port.unwrap_or(match s.security {
            Security::Starttls => 587,
            Security::Tls => 465,
            Security::Plain => 25,
        }),
        host: s.host,
        security: s.security,
        username: s.username,
        password,
        timeout: std::time::Duration::from_secs(s.timeout_seconds.unwrap_or(30)),
        data_timeout: std::time::Duration::from_secs(s.data_timeout_seconds.unwrap_or(600)),
        uncertain_resend_after: std::time::Duration::from_secs(s.uncertain_resend_after_seconds.unwrap_or(86_400)),
        retry_attempts: s.retry_attempts.unwrap_or(3),
        retry_delay: std::time::Duration::from_millis(s.retry_delay_ms.unwrap_or(2000)),
    })
}
