//! `thidua explain <unit> --period YYYY-MM`: where a unit lost points, largest first, and the
//! evidence behind each automatic criterion — the review section IV.3 of the plan asks the
//! PAR/DTI officer to make. It evaluates the period like `run --dry-run` and prints.

use std::io::Write;
use std::path::Path;

use anyhow::Result;
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
    let key = crate::registry::name_key(unit);
    let officer =
        config.registry.officers.iter().find(|o| o.id == unit || crate::registry::name_key(&o.name) == key).cloned();
    let u = match (config.registry.resolve(unit, day), &officer) {
        (Some(u), _) => Some(u),
        (None, Some(_)) => None,
        (None, None) => {
            return Err(anyhow::anyhow!(
                "không có đơn vị hay cán bộ \"{unit}\" trong danh mục vào ngày {}",
                crate::vi::date(day)
            ))
            .tag(Failure::Config);
        }
    };
    let p = pipeline::load(&config, pipeline_id).tag(Failure::Config)?;
    let now = Utc::now().with_timezone(&config.settings.ward.time_zone);
    let ctx = RunContext { config: &config, period, now, dry_run: true, resend: false };
    let ev = pipeline::evaluate(&p, &ctx)?;
    let Some(u) = u else {
        let o = officer.expect("an officer when no unit");
        return explain_officer(&config.registry, &o, &ev.scorecard, period, out);
    };
    let units = crate::report::unit_labels(&config.registry)?;
    let lost = crate::report::lost_points(&ev.scorecard, &ev.indices, &ev.method, period, ctx.month_state(), &units)?
        .lazy()
        .filter(col("unit").eq(lit(u.code.clone())))
        .collect()?;

    writeln!(out, "{} — {}", u.name, period.label_vi())?;
    let headline = write_headlines(out, u, &ev, period)?;
    write_losses(out, &lost, &headline)
}

/// The unit's 766 and PAR lines; returns each index's (name, full scale, score) for the sums.
fn write_headlines(
    out: &mut impl Write,
    u: &crate::registry::Unit,
    ev: &pipeline::Evaluation,
    period: Period,
) -> Result<Vec<(&'static str, f64, f64)>> {
    let mut headline: Vec<(&'static str, f64, f64)> = Vec::new();
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
    Ok(headline)
}

/// One block per index and period: its losses on its headline's scale, and their sum.
fn write_losses(out: &mut impl Write, lost: &DataFrame, headline: &[(&'static str, f64, f64)]) -> Result<()> {
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

/// An officer's month: their dossiers, on time and late, their place among the ward's
/// officers, and the late dossiers by name — the points themselves are their unit's.
fn explain_officer(
    registry: &crate::registry::Registry,
    o: &crate::registry::Officer,
    sc: &crate::score::ServiceScorecard,
    period: Period,
    out: &mut impl Write,
) -> Result<()> {
    let unit = registry.unit(&o.unit).map_or(o.unit.as_str(), |u| u.name.as_str());
    writeln!(out, "{}, {}, {} — {}", o.name, o.position, unit, period.label_vi())?;
    let f = &sc.officers;
    let Some(i) = f.column("officer_id")?.str()?.iter().position(|s| s == Some(o.id.as_str())) else {
        writeln!(out, "Không có hồ sơ nào do cán bộ xử lý trong kỳ.")?;
        return Ok(());
    };
    let x = |c: &str| f.column(c).ok()?.cast(&DataType::Float64).ok()?.f64().ok()?.get(i);
    writeln!(
        out,
        "Hồ sơ do cán bộ xử lý: {} hồ sơ, {} đúng hạn ({}), {} trễ hạn; hạng {}/{} trong phường theo tỷ lệ đúng hạn.",
        number(x("active").unwrap_or(0.0), 0),
        number(x("on_time").unwrap_or(0.0), 0),
        x("on_time_rate").map_or("—".to_string(), |r| crate::vi::percent(r, 2)),
        number(x("late").unwrap_or(0.0), 0),
        x("rank").map_or("—".to_string(), |r| number(r, 0)),
        f.height()
    )?;
    let late = sc.overdue.clone().lazy().filter(col("officer_id").eq(lit(o.id.clone()))).collect()?;
    let s = |c: &str, k: usize| late.column(c).ok().and_then(|c| c.str().ok()?.get(k).map(str::to_string));
    let days = |k: usize| late.column("days_late").ok()?.cast(&DataType::Int64).ok()?.i64().ok()?.get(k);
    if late.height() > 0 {
        writeln!(out, "\nHồ sơ trễ hạn:")?;
    }
    for k in 0..late.height() {
        let when = crate::report::lateness(
            &days(k).map_or(String::new(), |d| d.to_string()),
            &s("state", k).unwrap_or_default(),
        );
        writeln!(
            out,
            "  {} — {}: {when}",
            s("dossier_id", k).unwrap_or_default(),
            s("procedure_name", k).unwrap_or_default()
        )?;
    }
    writeln!(out, "\nĐiểm Bộ chỉ số 766 là của đơn vị: thidua explain \"{unit}\" --period {period}.")?;
    Ok(())
}
