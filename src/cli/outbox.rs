//! `thidua outbox`: the sends waiting to go; `--flush` sends them now (refused while another
//! process is sending).

use std::path::Path;

use anyhow::Result;

use super::history::{ledger, resend_after};
use crate::deliver::flush;
use crate::outcome::{Failure, Tag};

pub(super) fn outbox(config_path: &Path, do_flush: bool) -> Result<()> {
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
