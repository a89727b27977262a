//! The daemon: every pipeline with a `schedule`, run on its cron timer in Asia/Ho_Chi_Minh,
//! by the very same [`pipeline::run`] as `thidua run` from the command line.
//!
//! Schedules have six fields, seconds first: `sec min hour day-of-month month day-of-week`
//! (e.g. `0 0 7 3 * *`: 07:00 on the 3rd of every month); day-of-month and day-of-week must
//! both match when both are given. A monthly pipeline fired on a day scores the month before;
//! a year-end pipeline scores the year it fires in. On start-up the daemon runs, once, the
//! latest period that fell due while it was down and that the ledger has no successful run
//! for. The pipeline lock keeps it from racing a system cron doing the same.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::{DateTime, Datelike, Months, Utc};
use chrono_tz::Tz;
use croner::Cron;

use crate::config::load_checked as load_config;
use crate::deliver::Ledger;
use crate::period::Period;
use crate::pipeline::{self, Kind, Pipeline, RunContext};

/// The period a run fired at `at` scores.
pub fn period_for(kind: Kind, at: DateTime<Tz>) -> Period {
    let day = at.date_naive();
    match kind {
        Kind::MonthlyService => {
            let prev = day - Months::new(1);
            Period::new(prev.year(), prev.month()).expect("a month")
        }
        Kind::YearEndAwards => Period::year(day.year()).expect("a year"),
    }
}

/// The latest period due by `now` that has no successful run yet, if any.
pub fn missed(p: &Pipeline, cron: &Cron, now: DateTime<Tz>, ledger: &Ledger) -> Result<Option<Period>> {
    let Ok(last) = cron.find_previous_occurrence(&now, true) else { return Ok(None) };
    let period = period_for(p.kind, last);
    Ok((!ledger.succeeded(&p.id, &period.to_string())?).then_some(period))
}

fn run_once(config_path: &Path, id: &str, period: Option<Period>) {
    let result = (|| -> Result<String> {
        let config = load_config(config_path)?;
        let tz = config.settings.ward.time_zone;
        let p = pipeline::load(&config, id)?;
        let now = Utc::now().with_timezone(&tz);
        let period = period.unwrap_or_else(|| period_for(p.kind, now));
        let ctx = RunContext { config: &config, period, now, dry_run: false, resend: false };
        let s = pipeline::run(&p, &ctx)?;
        Ok(format!("{id} {period}: {}", s.headline))
    })();
    match result {
        Ok(line) => println!("thidua daemon: {line}"),
        Err(e) => eprintln!("thidua daemon: {id}: {}", crate::outcome::user_message(&e)),
    }
}

/// Runs until interrupted.
pub fn daemon(config_path: &Path) -> Result<()> {
    let config = load_config(config_path)?;
    let tz = config.settings.ward.time_zone;
    let mut scheduled: Vec<(String, String)> = Vec::new();
    let ledger = Ledger::open(&config.settings.paths.store.join("ledger.sqlite"))?;
    for file in pipeline::pipeline_files(&config.settings.paths.pipelines) {
        let id = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let p = pipeline::load(&config, &id)?;
        let Some(schedule) = p.schedule.clone() else { continue };
        if let Some(period) = missed(&p, &schedule.cron, Utc::now().with_timezone(&tz), &ledger)? {
            println!("thidua daemon: chạy bù {id} kỳ {period}");
            run_once(config_path, &id, Some(period));
        }
        scheduled.push((id, schedule.text));
    }
    drop(ledger);
    if scheduled.is_empty() {
        println!("thidua daemon: không có pipeline nào có schedule; dừng.");
        return Ok(());
    }
    let runtime = tokio::runtime::Runtime::new().context("không khởi động được tokio")?;
    runtime.block_on(async move {
        let sched = tokio_cron_scheduler::JobScheduler::new().await.context("không tạo được bộ lập lịch")?;
        for (id, schedule) in scheduled {
            let path: PathBuf = config_path.to_path_buf();
            let job = tokio_cron_scheduler::Job::new_async_tz(schedule.as_str(), tz, move |_, _| {
                let (path, id) = (path.clone(), id.clone());
                Box::pin(async move {
                    // The run is blocking work (files, Polars, SMTP): keep it off the timer threads.
                    let _ = tokio::task::spawn_blocking(move || run_once(&path, &id, None)).await;
                })
            })
            .with_context(|| format!("lịch không hợp lệ: {schedule}"))?;
            sched.add(job).await.context("không thêm được lịch chạy")?;
            println!("thidua daemon: đã lên lịch \"{schedule}\" (giờ {tz})");
        }
        sched.start().await.context("không khởi động được bộ lập lịch")?;
        tokio::signal::ctrl_c().await.ok();
        println!("thidua daemon: dừng.");
        anyhow::Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn schedules_fire_in_ho_chi_minh_time_and_pick_their_period() {
        let tz = chrono_tz::Asia::Ho_Chi_Minh;
        let cron = pipeline::parse_schedule("0 0 7 3 * *").unwrap();
        // 02:00 UTC on 3/11 is 09:00 in Hồ Chí Minh: the 07:00 run of that day has passed.
        let now = Utc.with_ymd_and_hms(2024, 11, 3, 2, 0, 0).unwrap().with_timezone(&tz);
        let last = cron.find_previous_occurrence(&now, true).unwrap();
        assert_eq!(last.to_rfc3339(), "2024-11-03T07:00:00+07:00");
        assert_eq!(period_for(Kind::MonthlyService, last).to_string(), "2024-10");
        assert_eq!(period_for(Kind::YearEndAwards, last).to_string(), "2024");
        assert!(pipeline::parse_schedule("0 7 3 * *").is_err(), "five fields: seconds are required");
    }
}
