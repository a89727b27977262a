//! Which dossiers count in a month, and whether each was on time, by the 766 rules.
//!
//! A dossier counts when it was received before the period ended and was still open at
//! some point in it ("received or processed in the period"). Its end is the processing
//! end, else the return of the result (status priority); if neither happened before the
//! period ended it is judged as of the period's end. Working days the citizen spent
//! supplementing extend the due date; more than one supplement request is late whatever
//! the dates; without a due date the working days used are compared with the procedure's
//! legal maximum. All of it is expressions over the frame: no row loop.

use chrono::NaiveDate;
use polars::prelude::*;

use crate::pipeline::Period;

/// Working days in `[start, end)` (Polars' own, named apart from polars-ops' Series version).
fn bd_count(start: Expr, end: Expr, week: [bool; 7], holidays: Expr) -> Expr {
    polars::lazy::dsl::business_day_count(start, end, week, holidays)
}

/// Monday to Friday.
pub const WEEK: [bool; 7] = [true, true, true, true, true, false, false];

/// The holiday list as the single-row list literal Polars' business-day functions take.
pub fn holiday_list(holidays: &[NaiveDate]) -> PolarsResult<Expr> {
    let s = Series::new("holidays".into(), holidays.to_vec()).cast(&DataType::Date)?;
    Ok(lit(s.implode()?.into_series()).first())
}

fn date(e: Expr) -> Expr {
    e.cast(DataType::Date)
}

fn datetime(e: Expr) -> Expr {
    e.cast(DataType::Datetime(TimeUnit::Microseconds, None))
}

/// Adds the classification columns and keeps the dossiers that count in the period.
///
/// Expects the canonical dossier columns and `max_days` (the procedure's legal maximum,
/// null when unknown). Adds `received_in`, `finished_in`, `done`, `end_at` (the end used
/// for judging), `due_eff` (due date after supplement time), `late`, `late_reason`,
/// `days_late` (working days).
pub fn classify(dossiers: LazyFrame, period: Period, holidays: &[NaiveDate]) -> PolarsResult<LazyFrame> {
    let ps = lit(period.start_time());
    let pe = lit(period.end_time());
    let hol = holiday_list(holidays)?;
    let end_raw = coalesce(&[col("finished_at"), col("returned_at")]);
    let supp_n = col("supplement_requests").fill_null(lit(0i64));
    let supp_d = col("supplement_days").fill_null(lit(0i64));
    let due_day = date(col("due_at"));
    let due_day_moved = due_day.clone().dt().add_business_days(supp_d.clone(), WEEK, hol.clone(), Roll::Forward);
    let due_eff = when(supp_d.clone().gt(lit(0i64)))
        .then(col("due_at") + (datetime(due_day_moved) - datetime(due_day)))
        .otherwise(col("due_at"));

    let lf = dossiers
        .with_columns([end_raw.clone().alias("end_raw"), supp_n.alias("supp_n"), supp_d.alias("supp_d")])
        .filter(col("received_at").lt(pe.clone()).and(col("end_raw").is_null().or(col("end_raw").gt_eq(ps.clone()))))
        .with_columns([
            col("end_raw").is_not_null().and(col("end_raw").lt(pe.clone())).alias("done"),
            col("received_at").gt_eq(ps.clone()).alias("received_in"),
            due_eff.alias("due_eff"),
        ])
        .with_columns([
            col("done").and(col("end_raw").gt_eq(ps)).alias("finished_in"),
            when(col("done")).then(col("end_raw")).otherwise(pe).alias("end_at"),
        ])
        .with_columns([(bd_count(date(col("received_at")), date(col("end_at")), WEEK, hol.clone())
            .cast(DataType::Int64)
            - col("supp_d"))
        .alias("days_used")])
        .with_columns([
            col("due_at").is_not_null().and(col("end_at").gt(col("due_eff"))).alias("late_due"),
            col("due_at")
                .is_null()
                .and(col("max_days").is_not_null())
                .and(col("days_used").gt(col("max_days")))
                .alias("late_no_due"),
            col("supp_n").gt(lit(1i64)).alias("late_supp"),
        ])
        .with_columns([
            col("late_due").or(col("late_no_due")).or(col("late_supp")).alias("late"),
            when(col("late_due"))
                .then(lit("Quá ngày hẹn trả"))
                .when(col("late_no_due"))
                .then(lit("Quá thời hạn của thủ tục (không có ngày hẹn trả)"))
                .when(col("late_supp"))
                .then(lit("Yêu cầu bổ sung quá 1 lần"))
                .otherwise(lit(NULL).cast(DataType::String))
                .alias("late_reason"),
            when(col("late_due"))
                .then(
                    bd_count(date(col("due_eff")), date(col("end_at")), WEEK, hol)
                        .cast(DataType::Int64)
                        .clip_min(lit(1i64)),
                )
                .when(col("late_no_due"))
                .then(col("days_used") - col("max_days"))
                .otherwise(lit(0i64))
                .alias("days_late"),
        ]);
    Ok(lf)
}
