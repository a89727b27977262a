//! The one-stop section's targets (seed item 10; section IV.4 of the 2024 plan), held every
//! month: met or not, and by how much — the gap and the dossiers still missing. Which targets
//! and their wording are the plan's (`[[one_stop_target]]` of its file); what each metric
//! counts is here.

use polars::prelude::*;

use super::plan::OneStopTarget;

/// One row per scope and target: actual, target, met, gap (share or count), shortfall
/// (dossiers). A scope with no dossiers the target is over has no row for it.
pub(super) fn one_stop_targets(scopes: &DataFrame, targets: &[OneStopTarget]) -> PolarsResult<DataFrame> {
    let parts: Vec<LazyFrame> = targets.iter().map(|t| target_rows(scopes, t)).collect();
    if parts.is_empty() {
        return empty();
    }
    concat(parts, UnionArgs::default())?.collect()
}

fn target_rows(scopes: &DataFrame, t: &OneStopTarget) -> LazyFrame {
    let (num_col, den_col) = t.metric.columns();
    let num = col(num_col).cast(DataType::Float64);
    let den = col(den_col).cast(DataType::Float64);
    let frame = scopes.clone().lazy().filter(col(den_col).gt(lit(0i64)));
    let head = [col("scope"), lit(t.code.clone()).alias("target"), lit(t.name.clone()).alias("target_name")];
    if t.metric.is_rate() {
        let actual = num.clone() / den.clone();
        // Dossiers that would have had to count for the rate to reach the target.
        let shortfall = (lit(t.value) * den.clone() - num.clone()).ceil().clip_min(lit(0.0));
        frame.select(
            [
                head.to_vec(),
                vec![
                    lit(t.value).alias("target_value"),
                    actual.clone().alias("actual"),
                    lit("rate").alias("unit_of_measure"),
                    actual.clone().gt_eq(lit(t.value)).alias("met"),
                    (lit(t.value) - actual).clip_min(lit(0.0)).alias("gap"),
                    shortfall.cast(DataType::Int64).alias("shortfall"),
                ],
            ]
            .concat(),
        )
    } else {
        frame.select(
            [
                head.to_vec(),
                vec![
                    lit(t.value).alias("target_value"),
                    num.clone().alias("actual"),
                    lit("count").alias("unit_of_measure"),
                    num.clone().lt_eq(lit(t.value)).alias("met"),
                    (num.clone() - lit(t.value)).clip_min(lit(0.0)).alias("gap"),
                    (num - lit(t.value)).clip_min(lit(0.0)).cast(DataType::Int64).alias("shortfall"),
                ],
            ]
            .concat(),
        )
    }
}

/// The table with no row: no plan applies to the period, or it holds the section to nothing.
fn empty() -> PolarsResult<DataFrame> {
    df![
        "scope" => Vec::<String>::new(),
        "target" => Vec::<String>::new(),
        "target_name" => Vec::<String>::new(),
        "target_value" => Vec::<f64>::new(),
        "actual" => Vec::<f64>::new(),
        "unit_of_measure" => Vec::<String>::new(),
        "met" => Vec::<bool>::new(),
        "gap" => Vec::<f64>::new(),
        "shortfall" => Vec::<i64>::new(),
    ]
}
