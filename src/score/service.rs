//! The month's service scorecard: per unit, per officer, the whole ward, the overdue list and
//! the one-stop section's targets (seed item 10).

use chrono::NaiveDate;
use polars::prelude::*;

use super::classify::{WEEK, classify, holiday_list};
use super::method::ServiceMethod;
use super::points::{indicator_points, totals};
use crate::period::Period;

use super::scope::WARD_SCOPE;

/// What the scorecard is computed from: canonical frames, nothing read here.
pub struct ServiceInput {
    pub dossiers: LazyFrame,
    /// Canonical feedback (S4), when the pipeline has it.
    pub feedback: Option<LazyFrame>,
    /// `procedure_code`, `max_days` (Int64): legal maximum in working days.
    pub procedures: DataFrame,
}

pub struct ServiceParams<'a> {
    pub period: Period,
    pub holidays: &'a [NaiveDate],
    pub method: &'a ServiceMethod,
    /// The plan's monthly one-stop targets (none when no plan applies to the period).
    pub one_stop: &'a [super::plan::OneStopTarget],
}

/// The scorecard's tables. Scopes are unit codes, or [`WARD_SCOPE`].
pub struct ServiceScorecard {
    /// One row per scope: counts, rates, points, score on 100, band, rank.
    pub scopes: DataFrame,
    /// One row per scope and indicator.
    pub indicators: DataFrame,
    pub officers: DataFrame,
    pub overdue: DataFrame,
    pub targets: DataFrame,
    /// The national portal's own 766 scores beside these, when the portal was pulled.
    pub portal: Option<super::portal::PortalComparison>,
}

fn count(cond: Expr) -> Expr {
    cond.fill_null(lit(false)).cast(DataType::Int64).sum()
}

fn flag(name: &str) -> Expr {
    col(name).fill_null(lit(false))
}

/// The dossier counts every rate is made of.
fn dossier_counts() -> Vec<Expr> {
    let rin = col("received_in");
    let fin = col("finished_in");
    vec![
        len().cast(DataType::Int64).alias("active"),
        count(rin.clone()).alias("received"),
        count(fin.clone()).alias("finished"),
        count(col("late").not()).alias("on_time"),
        count(col("late")).alias("late"),
        count(col("late").and(col("done").not())).alias("overdue_open"),
        count(rin.clone().and(col("channel").fill_null(lit(1i64)).eq(lit(2i64)))).alias("online"),
        count(rin.clone().and(flag("has_fee"))).alias("with_fee"),
        count(rin.clone().and(flag("has_fee")).and(col("paid_online").fill_null(lit(0i64)).gt(lit(0i64))))
            .alias("paid_online"),
        count(fin.clone().and(flag("result_digitised"))).alias("result_digitised"),
        count(fin.clone().and(flag("input_digitised")).and(flag("result_digitised"))).alias("digitised"),
        count(fin.clone().and(flag("e_signed"))).alias("e_signed"),
        count(rin.clone().and(flag("input_digitised"))).alias("input_digitised"),
        count(rin.clone().and(flag("data_reused"))).alias("data_reused"),
        count(rin.and(col("supp_n").gt(lit(0i64)))).alias("supplemented"),
        count(fin.and(col("rating").eq(lit(-1i64)))).alias("disliked"),
    ]
}

/// Feedback counts per unit: on time, satisfied, complaints about procedures and officers.
fn feedback_counts(feedback: LazyFrame, period: Period, holidays: &[NaiveDate]) -> PolarsResult<LazyFrame> {
    let ps = lit(period.start_time());
    let pe = lit(period.end_time());
    let hol = holiday_list(holidays)?;
    // PAKN must be handled within 15 working days when the export has no due date.
    let due_default =
        col("received_at").cast(DataType::Date).dt().add_business_days(lit(15i64), WEEK, hol, Roll::Forward);
    let due = coalesce(&[col("due_at"), due_default.cast(DataType::Datetime(TimeUnit::Microseconds, None))]);
    let resolved_by_end = col("resolved_at").is_not_null().and(col("resolved_at").lt(pe.clone()));
    let on_time = when(resolved_by_end.clone())
        .then(col("resolved_at").lt_eq(col("due")))
        .otherwise(col("due").gt_eq(pe.clone()));
    let received_in = col("received_at").gt_eq(ps.clone()).and(col("received_at").lt(pe.clone()));
    Ok(feedback
        .filter(col("received_at").lt(pe).and(col("resolved_at").is_null().or(col("resolved_at").gt_eq(ps))))
        .with_columns([due.alias("due")])
        .group_by([col("unit_code").alias("scope_unit")])
        .agg([
            len().cast(DataType::Int64).alias("feedback_active"),
            count(on_time).alias("feedback_on_time"),
            count(col("satisfaction").is_not_null()).alias("feedback_rated"),
            count(col("satisfaction").eq(lit("satisfied"))).alias("feedback_satisfied"),
            count(received_in.and(col("category").eq(lit("procedure")))).alias("procedure_complaints"),
            count(col("category").eq(lit("procedure")).and(resolved_by_end.not())).alias("procedure_complaints_open"),
        ]))
}

/// The classified dossiers' columns read below: by [`dossier_counts`] (and the unit and officer
/// they group by) and by [`overdue`].
const CLASSIFIED: [&str; 27] = [
    "unit_code",
    "officer_id",
    "received_in",
    "finished_in",
    "done",
    "late",
    "channel",
    "has_fee",
    "paid_online",
    "result_digitised",
    "input_digitised",
    "e_signed",
    "data_reused",
    "supp_n",
    "rating",
    "dossier_id",
    "procedure_code",
    "procedure_name",
    "unit_name",
    "received_at",
    "due_at",
    "due_eff",
    "end_at",
    "late_due",
    "late_no_due",
    "late_reason",
    "days_late",
];

const FEEDBACK_COLS: [&str; 6] = [
    "feedback_active",
    "feedback_on_time",
    "feedback_rated",
    "feedback_satisfied",
    "procedure_complaints",
    "procedure_complaints_open",
];

/// Computes the month's service scorecard.
pub fn service_scorecard(input: ServiceInput, params: &ServiceParams<'_>) -> PolarsResult<ServiceScorecard> {
    let period = params.period;
    let dossiers = input.dossiers.join(
        input.procedures.lazy().select([col("procedure_code"), col("max_days")]),
        [col("procedure_code")],
        [col("procedure_code")],
        JoinArgs::new(JoinType::Left),
    );
    // Only the columns the counts, the officers and the overdue list read are kept: the
    // working columns of the on-time rules (end_raw, days_used, …) and the export's other
    // fields would otherwise be materialised for every dossier (BENCHMARKS.md: 10M memory).
    let classified =
        classify(dossiers, period, params.holidays, &params.method.on_time)?.select(CLASSIFIED.map(col)).collect()?;

    let units = classified
        .clone()
        .lazy()
        .filter(col("unit_code").is_not_null())
        .group_by([col("unit_code").alias("scope")])
        .agg(dossier_counts());
    let ward_exprs: Vec<Expr> = std::iter::once(lit(WARD_SCOPE).alias("scope")).chain(dossier_counts()).collect();
    let ward = classified.clone().lazy().select(ward_exprs);
    let mut scopes = concat([units, ward], UnionArgs::default())?;
    scopes = match input.feedback.clone() {
        Some(fb) => {
            let per_unit = feedback_counts(fb, period, params.holidays)?.collect()?;
            let ward_fb_exprs: Vec<Expr> = std::iter::once(lit(WARD_SCOPE).alias("scope_unit"))
                .chain(FEEDBACK_COLS.iter().map(|c| col(*c).sum()))
                .collect();
            let ward_fb = per_unit.clone().lazy().select(ward_fb_exprs);
            let all = concat([per_unit.lazy(), ward_fb], UnionArgs::default())?;
            scopes.join(all, [col("scope")], [col("scope_unit")], JoinArgs::new(JoinType::Left))
        }
        None => scopes
            .with_columns(FEEDBACK_COLS.iter().map(|c| lit(NULL).cast(DataType::Int64).alias(*c)).collect::<Vec<_>>()),
    };
    let scopes = scopes
        .with_columns(FEEDBACK_COLS.iter().map(|c| col(*c).fill_null(lit(0i64))).collect::<Vec<_>>())
        .collect()?;

    let indicators = indicator_points(scopes.clone().lazy(), params.method)?
        .sort(["scope", "order"], Default::default())
        .collect()?;
    let scores = totals(indicators.clone().lazy(), params.method, WARD_SCOPE);
    let scopes = scopes
        .lazy()
        .join(scores, [col("scope")], [col("scope")], JoinArgs::new(JoinType::Left))
        .with_columns(rates())
        // A scope without a single dossier has no score: "không có hồ sơ", never 100 points
        // from indicators that all had nothing to measure.
        .with_columns(
            ["score", "band", "rank"]
                .map(|c| when(col("active").gt(lit(0i64))).then(col(c)).otherwise(lit(NULL)).alias(c)),
        )
        // Ties on rank (and on size) by unit code: the same month lists the same way every run.
        .sort_by_exprs(
            [col("rank"), col("active"), col("scope")],
            SortMultipleOptions::default().with_order_descending_multi([false, true, false]).with_nulls_last(true),
        )
        .collect()?;

    Ok(ServiceScorecard {
        officers: officers(&classified, input.feedback, period)?,
        overdue: overdue(&classified)?,
        targets: super::one_stop::one_stop_targets(&scopes, params.one_stop)?,
        indicators,
        scopes,
        portal: None,
    })
}

/// The rates shown in reports (share of the relevant dossiers, 0..1).
fn rates() -> Vec<Expr> {
    let r = |num: &str, den: &str, name: &str| {
        when(col(den).gt(lit(0i64)))
            .then(col(num).cast(DataType::Float64) / col(den).cast(DataType::Float64))
            .otherwise(lit(NULL).cast(DataType::Float64))
            .alias(name)
    };
    vec![
        r("on_time", "active", "on_time_rate"),
        r("online", "received", "online_rate"),
        r("paid_online", "with_fee", "paid_online_rate"),
        r("input_digitised", "received", "input_digitised_rate"),
        r("result_digitised", "finished", "result_digitised_rate"),
        r("digitised", "finished", "digitised_rate"),
        r("e_signed", "finished", "e_signed_rate"),
        r("data_reused", "received", "data_reused_rate"),
        r("supplemented", "received", "supplement_rate"),
    ]
}

/// Per officer: their dossiers' figures and the substantiated complaints about them.
fn officers(classified: &DataFrame, feedback: Option<LazyFrame>, period: Period) -> PolarsResult<DataFrame> {
    let per_officer =
        classified.clone().lazy().filter(col("officer_id").is_not_null()).group_by([col("officer_id")]).agg(
            // One row per officer: the unit is the one their known dossiers belong to.
            std::iter::once(col("unit_code").drop_nulls().first().alias("unit_code"))
                .chain(dossier_counts())
                .collect::<Vec<_>>(),
        );
    let with_complaints = match feedback {
        Some(fb) => {
            let complaints = fb
                .filter(
                    col("officer_id")
                        .is_not_null()
                        .and(col("category").eq(lit("officer")))
                        .and(col("outcome").eq(lit("substantiated")))
                        .and(col("received_at").gt_eq(lit(period.start_time())))
                        .and(col("received_at").lt(lit(period.end_time()))),
                )
                .group_by([col("officer_id").alias("complained_officer")])
                .agg([len().cast(DataType::Int64).alias("complaints")]);
            per_officer
                .join(complaints, [col("officer_id")], [col("complained_officer")], JoinArgs::new(JoinType::Left))
                .with_columns([col("complaints").fill_null(lit(0i64))])
        }
        None => per_officer.with_columns([lit(0i64).alias("complaints")]),
    };
    with_complaints
        .with_columns(rates())
        .with_columns([col("on_time_rate")
            .round(4, RoundMode::HalfAwayFromZero)
            .rank(RankOptions { method: RankMethod::Min, descending: true }, None)
            .cast(DataType::UInt32)
            .alias("rank")])
        .sort_by_exprs(
            [col("rank"), col("active"), col("officer_id")],
            SortMultipleOptions::default().with_order_descending_multi([false, true, false]),
        )
        .collect()
}

fn overdue(classified: &DataFrame) -> PolarsResult<DataFrame> {
    classified
        .clone()
        .lazy()
        .filter(col("late"))
        .select([
            col("dossier_id"),
            col("procedure_code"),
            col("procedure_name"),
            col("unit_code"),
            col("unit_name"),
            col("officer_id"),
            col("received_at"),
            col("due_at"),
            col("due_eff"),
            when(col("done"))
                .then(col("end_at"))
                .otherwise(lit(NULL).cast(DataType::Datetime(TimeUnit::Microseconds, None)))
                .alias("finished_at"),
            when(col("done"))
                .then(lit("Đã kết thúc, trễ hạn"))
                .when(col("late_due").or(col("late_no_due")))
                .then(lit("Chưa kết thúc, đã quá hạn"))
                .otherwise(lit("Chưa kết thúc (bổ sung quá 1 lần)"))
                .alias("state"),
            col("late_reason"),
            col("days_late"),
            col("supp_n").alias("supplement_requests"),
        ])
        .sort_by_exprs(
            [col("days_late"), col("dossier_id")],
            SortMultipleOptions::default().with_order_descending_multi([true, false]),
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDateTime;

    /// One on-time dossier per unit, each handled by its own officer, listed in `units`'
    /// order: every unit and every officer scores the same.
    fn tied(units: &[&str]) -> ServiceInput {
        let n = units.len();
        let at = |d: &str| NaiveDateTime::parse_from_str(d, "%d/%m/%Y %H:%M").unwrap();
        let none_dt = || vec![None::<NaiveDateTime>; n];
        let dossiers = df![
            "dossier_id" => units.iter().map(|u| format!("HS-{u}")).collect::<Vec<_>>(),
            "procedure_code" => vec!["P1"; n],
            "procedure_name" => vec!["Thủ tục"; n],
            "unit_code" => units.to_vec(),
            "unit_name" => units.to_vec(),
            "officer_id" => units.iter().map(|u| format!("cb.{u}")).collect::<Vec<_>>(),
            "channel" => vec![1i64; n],
            "received_at" => vec![at("02/09/2024 08:00"); n],
            "due_at" => vec![at("10/09/2024 17:00"); n],
            "finished_at" => vec![at("05/09/2024 10:00"); n],
            "returned_at" => none_dt(),
            "refused_at" => none_dt(),
            "status" => vec![10i64; n],
            "supplement_requests" => vec![0i64; n],
            "supplement_days" => vec![0i64; n],
            "has_fee" => vec![false; n],
            "paid_online" => vec![0i64; n],
            "input_digitised" => vec![false; n],
            "result_digitised" => vec![false; n],
            "e_signed" => vec![false; n],
            "data_reused" => vec![false; n],
            "rating" => vec![None::<i64>; n],
        ]
        .unwrap();
        let procedures = df!["procedure_code" => ["P1"], "max_days" => [5i64]].unwrap();
        ServiceInput { dossiers: dossiers.lazy(), feedback: None, procedures }
    }

    fn column(df: &DataFrame, name: &str) -> Vec<String> {
        df.column(name).unwrap().str().unwrap().iter().map(|s| s.unwrap_or_default().to_string()).collect()
    }

    #[test]
    fn units_and_officers_tied_on_rank_are_listed_by_code_whatever_the_input_order() {
        let method = crate::score::points::tests::method();
        let params =
            ServiceParams { period: Period::new(2024, 9).unwrap(), holidays: &[], method: &method, one_stop: &[] };
        let mut units = vec!["U07", "U03", "U11", "U01", "U09", "U05", "U02", "U10", "U04", "U08", "U06"];
        let mut by_code = units.clone();
        by_code.sort_unstable();
        let with_ward: Vec<String> = by_code.iter().map(|u| (*u).to_string()).chain([WARD_SCOPE.to_string()]).collect();
        let officers: Vec<String> = by_code.iter().map(|u| format!("cb.{u}")).collect();
        for turn in 0..units.len() {
            units.rotate_left(1);
            if turn % 2 == 1 {
                units.reverse();
            }
            let sc = service_scorecard(tied(&units), &params).unwrap();
            let ranks: Vec<Option<u32>> = sc.scopes.column("rank").unwrap().u32().unwrap().iter().collect();
            assert!(ranks[..by_code.len()].iter().all(|r| *r == Some(1)), "all tied: {ranks:?}");
            assert_eq!(column(&sc.scopes, "scope"), with_ward, "input order {units:?}");
            assert_eq!(column(&sc.officers, "officer_id"), officers, "input order {units:?}");
        }
    }
}
