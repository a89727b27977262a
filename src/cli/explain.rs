//! `thidua explain <unit> --period YYYY-MM`: where a unit lost points, largest first, and the
//! evidence behind each automatic criterion — the review section IV.3 of the plan asks the
//! PAR/DTI officer to make. It evaluates the period like `run --dry-run` and prints.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use chrono::Utc;
use polars::prelude::*;

use crate::config::load_checked as load_config;
use crate::outcome::{Failure, Tag};
use crate::period::Period;
use crate::pipeline::{self, RunContext};

pub(super) fn explain(
    config_path: &Path,
    pipeline_id: &str,
    unit: &str,
    period: Period,
    out: &mut impl Write,
) -> Result<()> {
    let config = load_config(config_path)?;
    let day = period.last_day();
    let u = config
        .registry
        .resolve(unit, day)
        .with_context(|| format!("không có đơn vị \"{unit}\" trong danh mục vào ngày {}", day.format("%d/%m/%Y")))
        .tag(Failure::Config)?;
    let p = pipeline::load(&config, pipeline_id).tag(Failure::Config)?;
    let now = Utc::now().with_timezone(&config.settings.ward.time_zone);
    let ctx = RunContext { config: &config, period, now, dry_run: true, resend: false };
    let ev = pipeline::evaluate(&p, &ctx)?;
    let units = crate::report::unit_labels(&config.registry)?;
    let lost = crate::report::lost_points(&ev.scorecard, &ev.indices, &units)?
        .lazy()
        .filter(col("unit").eq(lit(u.code.clone())))
        .collect()?;

    writeln!(out, "{} ({}) — {}", u.name, u.code, period.label_vi())?;
    let scopes = &ev.scorecard.scopes;
    if let Some(i) = scopes.column("scope")?.str()?.iter().position(|s| s == Some(u.code.as_str())) {
        let f = |c: &str| {
            scopes
                .column(c)
                .ok()
                .and_then(|c| c.cast(&DataType::Float64).ok())
                .and_then(|c| c.f64().ok().and_then(|c| c.get(i)))
        };
        writeln!(
            out,
            "Bộ chỉ số 766: {:.2}/100, hạng {}, {} hồ sơ, {} trễ hạn.",
            f("score").unwrap_or(0.0),
            f("rank").map_or("—".into(), |r| format!("{r:.0}")),
            f("active").unwrap_or(0.0),
            f("late").unwrap_or(0.0)
        )?;
    }
    if let Some(par) = &ev.indices.par {
        let r = &par.result.units;
        if let Some(i) = r.column("unit")?.str()?.iter().position(|s| s == Some(u.code.as_str())) {
            writeln!(
                out,
                "Chỉ số CCHC ({}): {:.2} điểm, {}, hạng {}.",
                par.method.id,
                r.column("total")?.f64()?.get(i).unwrap_or(0.0),
                r.column("band")?.str()?.get(i).unwrap_or(""),
                r.column("rank")?.u32()?.get(i).map_or("—".into(), |x| x.to_string())
            )?;
        }
    }
    if lost.height() == 0 {
        writeln!(out, "Không mất điểm ở tiêu chí nào.")?;
        return Ok(());
    }
    writeln!(out, "\nĐiểm bị mất (lớn nhất trước):")?;
    let col_str = |c: &str, i: usize| {
        lost.column(c).ok().and_then(|c| c.str().ok().and_then(|c| c.get(i).map(str::to_string))).unwrap_or_default()
    };
    let col_f =
        |c: &str, i: usize| lost.column(c).ok().and_then(|c| c.f64().ok().and_then(|c| c.get(i))).unwrap_or(0.0);
    let mut total = 0.0;
    for i in 0..lost.height() {
        total += col_f("lost", i);
        writeln!(
            out,
            "  -{:.2}  [{}] {} — {} ({:.2}/{:.2})\n         {}",
            col_f("lost", i),
            col_str("index", i),
            col_str("area", i),
            col_str("criterion", i),
            col_f("points", i),
            col_f("max_applied", i),
            col_str("evidence", i)
        )?;
    }
    writeln!(out, "Tổng điểm bị mất: {total:.2}")?;
    Ok(())
}
