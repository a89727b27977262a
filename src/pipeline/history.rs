//! The year so far, month by month, from the store: each earlier month whose canonical tables
//! were saved by a run is scored again (the scoring is pure and cheap at a ward's size), so
//! trends need no state of their own. Each month is scored by the 766 methodology valid then,
//! and under the units of the period shown: a unit merged away lends its months to its
//! successor (the dossiers of Giếng Đáy's Văn phòng and Tư pháp in May 2025 are Việt Hưng's
//! Văn phòng's May), so a merged ward's trend and year to date line up.

use anyhow::Result;
use polars::prelude::*;

use super::Pipeline;
use crate::config::Config;
use crate::dataset::Dataset;
use crate::outcome::{Failure, Tag};
use crate::period::Period;
use crate::score::{ServiceInput, ServiceParams, ServiceScorecard, service_scorecard};
use crate::store::Store;

/// `period`, `scope`, `score`, `on_time_rate`, `online_rate` for every month of the year up to
/// `period` (the current month from `current`, earlier ones from the store when present; a
/// saved table that cannot be read stops the run rather than leave its month out).
pub(super) fn year_history(
    pipeline: &Pipeline,
    config: &Config,
    store: &Store,
    period: Period,
    current: &ServiceScorecard,
    current_method: &crate::score::ServiceMethod,
    procedures: &DataFrame,
) -> Result<DataFrame> {
    let pick = |sc: &ServiceScorecard, p: Period| -> PolarsResult<LazyFrame> {
        Ok(sc.scopes.clone().lazy().select([
            lit(p.to_string()).alias("period"),
            col("scope"),
            col("score"),
            col("on_time_rate"),
            col("online_rate"),
            col("active"),
            col("on_time"),
            col("received"),
            col("online"),
            col("finished"),
            col("digitised"),
        ]))
    };
    let mut parts = Vec::new();
    let holidays: Vec<_> = config.calendar.holidays().collect();
    if let Some(month) = period.month() {
        for m in 1..month {
            let p = Period::new(period.year, m).expect("a month");
            let Some(dossiers) = store.read_table(Dataset::Dossiers, p).tag(Failure::Storage)? else { continue };
            let lineage = lineage(config, period)?;
            let feedback = store.read_table(Dataset::Feedback, p).tag(Failure::Storage)?;
            let method = pipeline.methodology.for_period(p).unwrap_or(current_method);
            let sc = service_scorecard(
                ServiceInput {
                    dossiers: under_successors(dossiers, &lineage),
                    feedback: feedback.map(|f| under_successors(f, &lineage)),
                    procedures: procedures.clone(),
                },
                &ServiceParams { period: p, holidays: &holidays, method, one_stop: &[] },
            )?;
            parts.push(pick(&sc, p)?);
        }
    }
    parts.push(pick(current, period)?);
    Ok(concat(parts, UnionArgs::default())?.collect()?)
}

/// Every unit code of the registry and the code that carries its line at the end of `period`
/// (itself while it exists): `from`, `to`.
fn lineage(config: &Config, period: Period) -> PolarsResult<DataFrame> {
    let day = period.last_day();
    let (from, to): (Vec<String>, Vec<String>) = config
        .registry
        .units
        .iter()
        .filter_map(|u| Some((u.code.clone(), config.registry.successor_on(&u.code, day)?.code.clone())))
        .filter(|(a, b)| a != b)
        .unzip();
    df!["l_from" => from, "l_to" => to]
}

/// The table with each merged-away unit's rows under its successor.
fn under_successors(rows: LazyFrame, lineage: &DataFrame) -> LazyFrame {
    if lineage.height() == 0 {
        return rows;
    }
    rows.join(
        lineage.clone().lazy(),
        [col("unit_code")],
        [col("l_from")],
        JoinArgs { maintain_order: MaintainOrderJoin::Left, ..JoinArgs::new(JoinType::Left) },
    )
    .with_column(col("l_to").fill_null(col("unit_code")).alias("unit_code"))
    .drop(cols(["l_to"]))
}
