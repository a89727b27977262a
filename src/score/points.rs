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
use crate::expr::first_match;

/// The column holding a group's points in the scope table.
pub fn group_column(code: &str) -> String {
    format!("group_{code}")
}

/// The (numerator, denominator) counts of a measure, as column expressions.
pub(super) fn counts(measure: Measure) -> (Expr, Expr) {
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
pub(super) fn indicator_points(scopes: LazyFrame, method: &ServiceMethod) -> PolarsResult<LazyFrame> {
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
pub(super) fn totals(points: LazyFrame, method: &ServiceMethod, ward_scope: &str) -> LazyFrame {
    let p = method.precision;
    let band = first_match(
        method.bands.iter().map(|b| (col("score").gt_eq(lit(b.min)), lit(b.label.clone()))),
        lit(NULL).cast(DataType::String),
    );
    let is_unit = col("scope").neq(lit(ward_scope.to_string()));
    let mut sums = vec![col("points").sum().alias("points"), col("max_applied").sum().alias("max_points")];
    sums.extend(method.groups.iter().map(|g| {
        when(col("group").eq(lit(g.code.clone())))
            .then(col("points"))
            .otherwise(lit(0.0))
            .sum()
            .round(p, RoundMode::HalfAwayFromZero)
            .alias(group_column(&g.code))
    }));
    points
        .group_by([col("scope")])
        .agg(sums)
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

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::score::method::{Band, Group, Indicator};

    /// A small methodology: two groups, four indicators, two bands.
    pub(crate) fn method() -> ServiceMethod {
        let ind = |code: &str, group: &str, max: f64, measure, operator, zero| Indicator {
            code: code.into(),
            name: code.into(),
            group: group.into(),
            max_points: max,
            measure,
            operator,
            zero_denominator: zero,
        };
        ServiceMethod {
            id: "t".into(),
            series: "svc-766".into(),
            name: "t".into(),
            decision: "t".into(),
            valid: crate::validity::Validity::since(chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()),
            precision: 2,
            groups: vec![
                Group { code: "g1".into(), name: "G1".into(), max_points: 30.0, note: None, portal_code: None },
                Group { code: "g2".into(), name: "G2".into(), max_points: 18.0, note: None, portal_code: None },
            ],
            indicators: vec![
                ind("on_time", "g1", 20.0, Measure::OnTime, Operator::Linear, ZeroRule::NotApplicable),
                ind("paid", "g1", 10.0, Measure::PaidOnline, Operator::Linear, ZeroRule::Full),
                ind("fb", "g2", 12.0, Measure::FeedbackOnTime, Operator::Linear, ZeroRule::Redistribute),
                ind(
                    "sat",
                    "g2",
                    6.0,
                    Measure::Satisfaction,
                    Operator::Threshold { threshold: 0.9 },
                    ZeroRule::NotApplicable,
                ),
            ],
            bands: vec![Band { label: "Tốt".into(), min: 60.0 }, Band { label: "Yếu".into(), min: 0.0 }],
            on_time: crate::score::method::tests::rules(),
        }
    }

    fn counts() -> DataFrame {
        df![
            "scope" => ["U1", "U2"],
            "active" => [10i64, 4], "late" => [1i64, 0], "disliked" => [0i64, 0], "procedure_complaints" => [0i64, 0],
            "on_time" => [9i64, 4], "with_fee" => [0i64, 2], "paid_online" => [0i64, 1],
            "feedback_active" => [0i64, 2], "feedback_on_time" => [0i64, 1],
            "online" => [0i64, 0], "received" => [0i64, 0], "result_digitised" => [0i64, 0], "finished" => [0i64, 0],
            "digitised" => [0i64, 0], "data_reused" => [0i64, 0], "feedback_satisfied" => [0i64, 0], "feedback_rated" => [0i64, 0],
        ]
        .unwrap()
    }

    fn get(df: &DataFrame, scope: &str, indicator: &str, column: &str) -> f64 {
        let row = df
            .clone()
            .lazy()
            .filter(col("scope").eq(lit(scope)).and(col("indicator").eq(lit(indicator))))
            .collect()
            .unwrap();
        row.column(column).unwrap().f64().unwrap().get(0).unwrap()
    }

    #[test]
    fn zero_denominators_follow_their_rule() {
        let out = indicator_points(counts().lazy(), &method()).unwrap().collect().unwrap();
        // U1: no fee dossiers → full points; no feedback → its 12 points move to "sat" (6 + 12).
        assert_eq!(get(&out, "U1", "paid", "points"), 10.0);
        assert_eq!(get(&out, "U1", "fb", "max_applied"), 0.0);
        assert_eq!(get(&out, "U1", "sat", "max_applied"), 18.0);
        // sat = (10 - 1) / 10 = 0.9 → threshold met → all 18.
        assert!((get(&out, "U1", "sat", "points") - 18.0).abs() < 1e-9);
        // U2 has feedback: nothing moves; 1/2 on time → 6 of 12.
        assert_eq!(get(&out, "U2", "sat", "max_applied"), 6.0);
        assert_eq!(get(&out, "U2", "fb", "points"), 6.0);
        assert_eq!(get(&out, "U2", "paid", "points"), 5.0);
        assert_eq!(get(&out, "U2", "paid", "lost"), 5.0);
    }

    #[test]
    fn ranks_are_shared_after_rounding_and_the_next_is_skipped() {
        let points = df![
            "scope" => ["U1", "U2", "U3", "U4", "W"],
            "group" => ["g1"; 5],
            "points" => [59.954, 59.9549, 60.0, 12.0, 50.0],
            "max_applied" => [100.0; 5],
        ]
        .unwrap();
        let out = totals(points.lazy(), &method(), "W").sort(["scope"], Default::default()).collect().unwrap();
        let score: Vec<f64> = out.column("score").unwrap().f64().unwrap().iter().flatten().collect();
        assert_eq!(score, [59.95, 59.95, 60.0, 12.0, 50.0]);
        let rank: Vec<Option<u32>> = out.column("rank").unwrap().u32().unwrap().iter().collect();
        assert_eq!(rank, [Some(2), Some(2), Some(1), Some(4), None], "the ward row is not ranked");
        let band: Vec<&str> = out.column("band").unwrap().str().unwrap().iter().flatten().collect();
        assert_eq!(band, ["Yếu", "Yếu", "Tốt", "Yếu", "Yếu"]);
        assert_eq!(out.column("group_g1").unwrap().f64().unwrap().get(0), Some(59.95));
    }
}
