//! From counts to points: the methodology joined as a frame, so one set of expressions
//! scores every indicator of every unit at once.
//!
//! Input is one row per scope (a unit, or the whole ward) with the counts from
//! [`aggregate`](super::service); output is one row per scope and indicator with rate,
//! points, the maximum that applied and the points lost. An indicator with nothing to
//! measure follows its zero-denominator rule; "redistribute" hands its maximum to the
//! applicable indicators of the same group, in proportion to theirs.

use polars::prelude::*;

use super::method::{Measure, Operator, ServiceMethod, ZeroRule};

/// The (numerator, denominator) counts of a measure, as column expressions.
fn counts(measure: Measure) -> (Expr, Expr) {
    match measure {
        Measure::OnTime => (col("on_time"), col("active")),
        Measure::Online => (col("online"), col("received")),
        Measure::PaidOnline => (col("paid_online"), col("with_fee")),
        Measure::ResultDigitised => (col("result_digitised"), col("finished")),
        Measure::Digitised => (col("digitised"), col("finished")),
        Measure::DataReused => (col("data_reused"), col("received")),
        Measure::FeedbackOnTime => (col("feedback_on_time"), col("feedback_active")),
        Measure::FeedbackSatisfied => (col("feedback_satisfied"), col("feedback_rated")),
        Measure::Satisfaction => (
            (col("active") - col("late") - col("disliked") - col("procedure_complaints")).clip_min(lit(0i64)),
            col("active"),
        ),
    }
}

fn zero_code(z: ZeroRule) -> &'static str {
    match z {
        ZeroRule::NotApplicable => "na",
        ZeroRule::Full => "full",
        ZeroRule::Zero => "zero",
        ZeroRule::Redistribute => "redistribute",
    }
}

fn method_frame(method: &ServiceMethod) -> PolarsResult<DataFrame> {
    let ind = &method.indicators;
    let group_name = |g: &str| method.groups.iter().find(|x| x.code == g).map_or(g.to_string(), |x| x.name.clone());
    df![
        "indicator" => ind.iter().map(|i| i.code.clone()).collect::<Vec<_>>(),
        "indicator_name" => ind.iter().map(|i| i.name.clone()).collect::<Vec<_>>(),
        "group" => ind.iter().map(|i| i.group.clone()).collect::<Vec<_>>(),
        "group_name" => ind.iter().map(|i| group_name(&i.group)).collect::<Vec<_>>(),
        "max_points" => ind.iter().map(|i| i.max_points).collect::<Vec<_>>(),
        "threshold" => ind.iter().map(|i| match i.operator {
            Operator::Linear => None,
            Operator::Threshold { threshold } => Some(threshold),
        }).collect::<Vec<_>>(),
        "zero_rule" => ind.iter().map(|i| zero_code(i.zero_denominator)).collect::<Vec<_>>(),
        "order" => (0..ind.len() as u32).collect::<Vec<_>>(),
    ]
}

/// One row per scope and indicator: numerator, denominator, rate, points, max_applied, lost.
pub fn indicator_points(scopes: LazyFrame, method: &ServiceMethod) -> PolarsResult<LazyFrame> {
    let long: Vec<LazyFrame> = method
        .indicators
        .iter()
        .map(|i| {
            let (num, den) = counts(i.measure);
            scopes.clone().select([
                col("scope"),
                lit(i.code.clone()).alias("indicator"),
                num.cast(DataType::Float64).alias("numerator"),
                den.cast(DataType::Float64).alias("denominator"),
            ])
        })
        .collect();
    let by_scope_group = [col("scope"), col("group")];
    let max = col("max_points");
    let has_den = col("denominator").gt(lit(0.0));
    let zero = col("zero_rule");
    let rate =
        when(has_den.clone()).then(col("numerator") / col("denominator")).otherwise(lit(NULL).cast(DataType::Float64));
    let raw = when(col("threshold").is_not_null())
        .then(max.clone() * (col("rate") / col("threshold")).clip_max(lit(1.0)))
        .otherwise(max.clone() * col("rate"));
    let applicable = has_den.clone().or(zero.clone().eq(lit("full"))).or(zero.clone().eq(lit("zero")));
    let moved = when(col("applicable").not().and(zero.clone().eq(lit("redistribute"))))
        .then(max.clone())
        .otherwise(lit(0.0))
        .sum()
        .over(by_scope_group.clone())?;
    let receiving = col("base_max").sum().over(by_scope_group)?;
    let frame = method_frame(method)?.lazy();
    let lf = concat(long, UnionArgs::default())?
        .join(frame, [col("indicator")], [col("indicator")], JoinArgs::new(JoinType::Inner))
        .with_columns([rate.alias("rate"), applicable.alias("applicable")])
        .with_columns([
            when(has_den)
                .then(raw)
                .when(zero.clone().eq(lit("full")))
                .then(max.clone())
                .when(zero.eq(lit("zero")))
                .then(lit(0.0))
                .otherwise(lit(NULL).cast(DataType::Float64))
                .alias("base_points"),
            when(col("applicable")).then(max.clone()).otherwise(lit(0.0)).alias("base_max"),
        ])
        .with_columns([when(receiving.clone().gt(lit(0.0)))
            .then(col("base_max") + moved * col("base_max") / receiving)
            .otherwise(col("base_max"))
            .alias("max_applied")])
        .with_columns([(col("base_points") * col("max_applied") / max).fill_null(lit(0.0)).alias("points")])
        .with_columns([(col("max_applied") - col("points")).alias("lost")])
        .drop(cols(["base_points", "base_max"]));
    Ok(lf)
}

/// Per scope: points, max applied, the score on 100 rounded to the published precision,
/// its band, and (for units, not the ward row) the rank with shared ranks: 1, 2, 2, 4.
pub fn totals(points: LazyFrame, method: &ServiceMethod, ward_scope: &str) -> LazyFrame {
    let p = method.precision;
    let mut band: Option<ChainedThen> = None;
    let mut first: Option<Then> = None;
    for b in &method.bands {
        let cond = col("score").gt_eq(lit(b.min));
        match (first.take(), band.take()) {
            (None, None) => first = Some(when(cond).then(lit(b.label.clone()))),
            (Some(t), _) => band = Some(t.when(cond).then(lit(b.label.clone()))),
            (None, Some(c)) => band = Some(c.when(cond).then(lit(b.label.clone()))),
        }
    }
    let band = match (first, band) {
        (_, Some(c)) => c.otherwise(lit(NULL).cast(DataType::String)),
        (Some(t), None) => t.otherwise(lit(NULL).cast(DataType::String)),
        (None, None) => lit(NULL).cast(DataType::String),
    };
    let is_unit = col("scope").neq(lit(ward_scope.to_string()));
    points
        .group_by([col("scope")])
        .agg([col("points").sum().alias("points"), col("max_applied").sum().alias("max_points")])
        .with_columns([
            when(col("max_points").gt(lit(0.0)))
                .then((lit(100.0) * col("points") / col("max_points")).round(p, RoundMode::HalfAwayFromZero))
                .otherwise(lit(NULL).cast(DataType::Float64))
                .alias("score"),
            col("points").round(p, RoundMode::HalfAwayFromZero),
        ])
        .with_columns([
            band.alias("band"),
            when(is_unit.clone())
                .then(col("score"))
                .otherwise(lit(NULL).cast(DataType::Float64))
                .rank(RankOptions { method: RankMethod::Min, descending: true }, None)
                .cast(DataType::UInt32)
                .alias("rank"),
        ])
        .with_columns([when(is_unit).then(col("rank")).otherwise(lit(NULL).cast(DataType::UInt32)).alias("rank")])
}
