//! `thidua history` and `thidua outbox`: what the ledger knows, and flushing what waits.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

use crate::config::load_checked as load_config;
use crate::deliver::Ledger;
use crate::deliver::ledger::{RunRow, SendRow};
use crate::outcome::{Failure, Tag};

pub(super) fn ledger(config_path: &Path) -> Result<(crate::config::Config, Ledger)> {
    let config = load_config(config_path)?;
    let ledger = Ledger::open(&config.settings.paths.store.join("ledger.sqlite")).tag(Failure::Storage)?;
    Ok((config, ledger))
}

/// A ledger time (UTC, RFC 3339) in the ward's time zone.
fn local(ts: &str, tz: chrono_tz::Tz) -> String {
    chrono::DateTime::parse_from_rfc3339(ts)
        .map_or_else(|_| ts.to_string(), |t| t.with_timezone(&tz).format("%d/%m/%Y %H:%M:%S").to_string())
}

/// Prints the runs and sends, newest first. A reader that stops early (`thidua history |
/// head`) closes the pipe: that ends the output, it is not an error.
pub(super) fn history(config_path: &Path, limit: usize, out: &mut dyn Write) -> Result<()> {
    let (config, l) = ledger(config_path)?;
    let tz = config.settings.ward.time_zone;
    let (runs, sends) = (l.runs(limit)?, l.sends_with(limit, resend_after(&config))?);
    match write_history(&runs, &sends, tz, out) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        written => written.context("không ghi được ra đầu ra chuẩn"),
    }
}

fn write_history(runs: &[RunRow], sends: &[SendRow], tz: chrono_tz::Tz, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "Các lần chạy (mới nhất trước):")?;
    for r in runs {
        writeln!(
            out,
            "  #{} {} {} bắt đầu {} kết thúc {} — {}: {}",
            r.id,
            r.pipeline,
            r.period,
            local(&r.started_at, tz),
            r.finished_at.as_deref().map_or_else(|| "(chưa)".to_string(), |t| local(t, tz)),
            r.outcome.as_deref().unwrap_or("đang chạy hoặc bị dừng"),
            r.message.as_deref().unwrap_or("")
        )?;
    }
    writeln!(out, "Thư (mới nhất trước):")?;
    for s in sends {
        let rule = match (&s.resend_due, s.status.as_str()) {
            (Some(due), _) => format!(
                " — chưa chắc đã tới: sẽ gửi lại một lần, cùng Message-ID, từ {} (hoặc thidua run --resend)",
                local(due, tz)
            ),
            (None, "uncertain") => {
                " — chưa chắc đã tới, đã gửi lại một lần: không tự gửi nữa; kiểm tra với người nhận".to_string()
            }
            _ => String::new(),
        };
        writeln!(
            out,
            "  {} {} {} → {}: {} (lần thử {}, {}, {}){}{rule}",
            s.pipeline,
            s.period,
            s.kind,
            s.recipient,
            status_vi(&s.status),
            s.attempts,
            s.message_id,
            local(&s.updated_at, tz),
            s.last_error.as_deref().map_or(String::new(), |e| format!(" — {e}"))
        )?;
    }
    out.flush()
}

fn status_vi(s: &str) -> &str {
    match s {
        "queued" => "đang chờ gửi",
        "sending" => "đang gửi",
        "uncertain" => "chưa chắc đã tới",
        "delivered" => "đã gửi",
        "failed" => "không gửi được",
        other => other,
    }
}

pub(super) fn resend_after(config: &crate::config::Config) -> chrono::Duration {
    let d = config.settings.smtp.as_ref().map_or(std::time::Duration::from_secs(86_400), |s| s.uncertain_resend_after);
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::days(1))
}
