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
use crate::vi::number;

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
    let lost = crate::report::lost_points(&ev.scorecard, &ev.indices, &ev.method, period, &units)?
        .lazy()
        .filter(col("unit").eq(lit(u.code.clone())))
        .collect()?;

    writeln!(out, "{} — {}", u.name, period.label_vi())?;
    let mut headline: Vec<(&str, f64, f64)> = Vec::new();
    let scopes = &ev.scorecard.scopes;
    if let Some(i) = scopes.column("scope")?.str()?.iter().position(|s| s == Some(u.code.as_str())) {
        let f = |c: &str| scopes.column(c).ok()?.cast(&DataType::Float64).ok()?.f64().ok()?.get(i);
        let ranked = scopes.column("rank")?.null_count();
        let ranked = scopes.height() - ranked;
        match f("score") {
            Some(score) => {
                writeln!(
                    out,
                    "Bộ chỉ số 766 ({}): {}/100 điểm ({}), hạng {}/{ranked}; {} hồ sơ, {} hồ sơ trễ hạn.",
                    period.label_vi(),
                    number(score, 2),
                    scopes.column("band")?.str()?.get(i).unwrap_or(""),
                    f("rank").map_or("—".into(), |r| number(r, 0)),
                    number(f("active").unwrap_or(0.0), 0),
                    number(f("late").unwrap_or(0.0), 0)
                )?;
                headline.push((crate::report::SERVICE_INDEX, 100.0, score));
            }
            None => writeln!(out, "Bộ chỉ số 766 ({}): không có hồ sơ trong kỳ.", period.label_vi())?,
        }
    }
    if let Some(par) = &ev.indices.par {
        let r = &par.result.units;
        if let Some(i) = r.column("unit")?.str()?.iter().position(|s| s == Some(u.code.as_str())) {
            let total = r.column("total")?.f64()?.get(i).unwrap_or(0.0);
            writeln!(
                out,
                "Chỉ số CCHC năm {}: {}/{} điểm ({}), hạng {}/{} — {}.",
                period.year,
                number(total, 2),
                number(par.method.scale, 0),
                r.column("band")?.str()?.get(i).unwrap_or(""),
                r.column("rank")?.u32()?.get(i).map_or("—".into(), |x| x.to_string()),
                r.height(),
                par.method.name
            )?;
            headline.push((crate::report::PAR_INDEX, par.method.scale, total));
        }
    }
    if lost.height() == 0 {
        writeln!(out, "Không mất điểm ở tiêu chí nào.")?;
        return Ok(());
    }
    let col_str = |c: &str, i: usize| {
        lost.column(c).ok().and_then(|c| c.str().ok().and_then(|c| c.get(i).map(str::to_string))).unwrap_or_default()
    };
    let col_f =
        |c: &str, i: usize| lost.column(c).ok().and_then(|c| c.f64().ok().and_then(|c| c.get(i))).unwrap_or(0.0);
    // One block per index and period: its losses on its headline's scale, and their sum.
    let mut i = 0;
    while i < lost.height() {
        let index = col_str("index", i);
        writeln!(
            out,
            "\n{index}, {} — điểm bị mất trên điểm tổng (lớn nhất trước):",
            col_str("period", i).to_lowercase()
        )?;
        let mut sum = 0.0;
        while i < lost.height() && col_str("index", i) == index {
            sum += col_f("lost_score", i);
            let target = col_str("target", i);
            let target = if target.is_empty() { String::new() } else { format!("; {}", target.to_lowercase()) };
            writeln!(
                out,
                "  −{}  {} — {} (điểm tiêu chí {}{target})\n         {}",
                number(col_f("lost_score", i), 2),
                col_str("area", i),
                col_str("criterion", i),
                col_str("criterion_points", i),
                col_str("evidence", i)
            )?;
            let action = col_str("action", i);
            if !action.is_empty() {
                writeln!(out, "         → {action}")?;
            }
            i += 1;
        }
        match headline.iter().find(|(name, ..)| *name == index) {
            Some((_, full, score)) => {
                writeln!(out, "  Cộng: −{} điểm = {} − {}.", number(sum, 2), number(*full, 0), number(*score, 2))?;
            }
            None => writeln!(out, "  Cộng: −{} điểm.", number(sum, 2))?,
        }
    }
    Ok(())
}
