//! `thidua history` and `thidua outbox`: what the ledger knows, and flushing what waits.

use std::path::Path;

use anyhow::Result;

use crate::cli::load_config;
use crate::deliver::{Ledger, flush};
use crate::outcome::{Failure, Tag};

fn ledger(config_path: &Path) -> Result<(crate::config::Config, Ledger)> {
    let config = load_config(config_path)?;
    let ledger = Ledger::open(&config.settings.paths.store.join("ledger.sqlite")).tag(Failure::Storage)?;
    Ok((config, ledger))
}

/// A ledger time (UTC, RFC 3339) in the ward's time zone.
fn local(ts: &str, tz: chrono_tz::Tz) -> String {
    chrono::DateTime::parse_from_rfc3339(ts)
        .map_or_else(|_| ts.to_string(), |t| t.with_timezone(&tz).format("%d/%m/%Y %H:%M:%S").to_string())
}

pub fn history(config_path: &Path, limit: usize) -> Result<()> {
    let (config, l) = ledger(config_path)?;
    let tz = config.settings.ward.time_zone;
    println!("Các lần chạy (mới nhất trước):");
    for r in l.runs(limit)? {
        println!(
            "  #{} {} {} bắt đầu {} kết thúc {} — {}: {}",
            r.id,
            r.pipeline,
            r.period,
            local(&r.started_at, tz),
            r.finished_at.as_deref().map_or_else(|| "(chưa)".to_string(), |t| local(t, tz)),
            r.outcome.as_deref().unwrap_or("đang chạy hoặc bị dừng"),
            r.message.as_deref().unwrap_or("")
        );
    }
    println!("Thư (mới nhất trước):");
    let after = resend_after(&config);
    for s in l.sends_with(limit, after)? {
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
        println!(
            "  {} {} {} → {}: {} (lần thử {}, {}, {}){}{rule}",
            s.pipeline,
            s.period,
            s.kind,
            s.recipient,
            status_vi(&s.status),
            s.attempts,
            s.message_id,
            local(&s.updated_at, tz),
            s.last_error.map_or(String::new(), |e| format!(" — {e}"))
        );
    }
    Ok(())
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

fn resend_after(config: &crate::config::Config) -> chrono::Duration {
    let d = config.settings.smtp.as_ref().map_or(std::time::Duration::from_secs(86_400), |s| s.uncertain_resend_after);
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::days(1))
}

pub fn outbox(config_path: &Path, do_flush: bool) -> Result<()> {
    let (config, l) = ledger(config_path)?;
    let pending = l.pending(None, None, resend_after(&config))?;
    println!("{} thư đang chờ gửi.", pending.len());
    for p in &pending {
        println!("  {} {} {} → {} (đã thử {} lần)", p.pipeline, p.period, p.kind, p.recipient, p.attempts);
    }
    if do_flush && !pending.is_empty() {
        let s = &config.settings;
        let d = flush(&l, s.smtp.as_ref(), &s.paths.outbox, &s.from, &s.paths.store)?;
        println!("Thư: {}.", d.line_vi());
        if let Some(e) = &d.config_error {
            return Err(anyhow::anyhow!("lỗi cấu hình SMTP: {e}")).tag(Failure::Config);
        }
        if !d.complete() {
            return Err(anyhow::anyhow!(
                "còn {} thư chưa gửi được",
                d.queued.len() + d.failed.len() + d.uncertain.len()
            ))
            .tag(Failure::Delivery);
        }
    }
    Ok(())
}
