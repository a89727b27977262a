//! The year so far, month by month, from the store: each earlier month whose canonical tables
//! were saved by a run is scored again (the scoring is pure and cheap at a ward's size), so
//! trends need no state of their own and follow today's methodology.

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
            let sc = service_scorecard(
                ServiceInput {
                    dossiers,
                    feedback: store.read_table(Dataset::Feedback, p).tag(Failure::Storage)?,
                    procedures: procedures.clone(),
                },
                &ServiceParams { period: p, holidays: &holidays, method: &pipeline.methodology },
            )?;
            parts.push(pick(&sc, p)?);
        }
    }
    parts.push(pick(current, period)?);
    Ok(concat(parts, UnionArgs::default())?.collect()?)
}
