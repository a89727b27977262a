//! `thidua run` (and `thidua awards`): one pipeline for one period, and what it did.

use anyhow::{Context, Result};
use chrono::Utc;

use crate::config::load_checked as load_config;
use crate::outcome::{Failure, Tag};
use crate::period::Period;
use crate::pipeline::{self, RunContext};

pub(super) fn run_pipeline(
    path: &std::path::Path,
    id: &str,
    period: Option<Period>,
    dry_run: bool,
    resend: bool,
) -> Result<()> {
    let config = load_config(path)?;
    let tz = config.settings.ward.time_zone;
    let pipeline = pipeline::load(&config, id).tag(Failure::Config)?;
    // Unattended runs say it too, in cron's mail, not only `thidua check`.
    for warning in super::check::secret_warnings(&config, std::slice::from_ref(&pipeline)) {
        eprintln!("{warning}");
    }
    let period = period.unwrap_or_else(|| Period::month_before(Utc::now().with_timezone(&tz).date_naive()));
    let ctx = RunContext { config: &config, period, now: Utc::now().with_timezone(&tz), dry_run, resend };
    let s = pipeline::run(&pipeline, &ctx).with_context(|| format!("pipeline {id}, kỳ {period}"))?;
    println!("{} — {}: {}", pipeline.name, period.label_vi(), s.headline);
    for warning in &s.warnings {
        eprintln!("Cảnh báo: {warning}");
    }
    if let Some(path) = &s.workbook {
        println!("Bảng tính: {}", path.display());
    }
    match &s.delivery {
        Some(d) if config.settings.smtp.is_some() => println!("Thư: {}.", d.line_vi()),
        Some(d) => {
            println!(
                "Thư (hộp thư đi {}, mỗi thư một tệp .eml gửi cho mọi người nhận của nó): {} tệp mới, {} người nhận \
                 đã có thư từ trước.",
                config.settings.paths.outbox.display(),
                d.outbox_files.len(),
                d.already
            );
        }
        None => println!("Chạy thử (--dry-run): không ghi tệp, không gửi thư."),
    }
    Ok(())
}
