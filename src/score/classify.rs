//! Which dossiers count in a month, and whether each was on time, by the 766 rules.
//!
//! The national status decides what a dossier is: 1 and 3 were never received and do not
//! count; 2, 4, 5 and 6 are open as of the export, whatever end dates they carry; 7 and 8
//! ended without a result, 9 and 10 finished. A counted dossier was received before the
//! period ended and was still open at some point in it ("received or processed in the
//! period"). Its end is the processing end, else the return of the result, else the refusal
//! (status priority); if none happened before the period ended it is judged as of the
//! period's end. Working days the citizen spent supplementing extend the due date. The edge
//! rules (calendar days or times, no due date, withdrawn, stopped, paused, more than one
//! supplement) are the methodology's named settings. All of it is expressions over the
//! frame: no row loop.

use chrono::NaiveDate;
use polars::prelude::*;

use super::method::{Compare, Exempt, NoDueDate, OnTimeRules, OverOneSupplement};
use crate::national::{self, Status};
use crate::period::Period;

/// Working days in `[start, end)` (Polars' own, named apart from polars-ops' Series version).
fn bd_count(start: Expr, end: Expr, week: [bool; 7], holidays: Expr) -> Expr {
    polars::lazy::dsl::business_day_count(start, end, week, holidays)
}

/// Monday to Friday.
pub(super) const WEEK: [bool; 7] = [true, true, true, true, true, false, false];

/// The holiday list as the single-row list literal Polars' business-day functions take.
pub(super) fn holiday_list(holidays: &[NaiveDate]) -> PolarsResult<Expr> {
    let s = Series::new("holidays".into(), holidays.to_vec()).cast(&DataType::Date)?;
    Ok(lit(s.implode()?.into_series()).first())
}

fn date(e: Expr) -> Expr {
    e.cast(DataType::Date)
}

fn datetime(e: Expr) -> Expr {
    e.cast(DataType::Datetime(TimeUnit::Microseconds, None))
}

fn status_is(pred: impl Fn(Status) -> bool) -> Expr {
    col("status").is_in(lit(Series::new("s".into(), national::codes(pred))).implode(true), false).fill_null(lit(false))
}

fn status_eq(s: Status) -> Expr {
    col("status").eq(lit(s.code())).fill_null(lit(false))
}

/// Adds the classification columns and keeps the dossiers that count in the period.
///
/// Expects the canonical dossier columns and `max_days` (the procedure's legal maximum,
/// null when unknown). Adds `received_in`, `finished_in`, `done`, `end_at` (the end used
/// for judging), `end_day`, `due_eff` (due date after supplement time), `exempt`, `late`,
/// `late_reason`, `days_late` (working days).
pub(super) fn classify(
    dossiers: LazyFrame,
    period: Period,
    holidays: &[NaiveDate],
    rules: &OnTimeRules,
) -> PolarsResult<LazyFrame> {
    let ps = lit(period.start_time());
    let pe = lit(period.end_time());
    let hol = holiday_list(holidays)?;
    // An open status has no end, whatever dates the export shows.
    let end_raw = when(status_is(Status::is_open))
        .then(lit(NULL).cast(DataType::Datetime(TimeUnit::Microseconds, None)))
        .otherwise(coalesce(&[col("finished_at"), col("returned_at"), col("refused_at")]));
    let supp_n = col("supplement_requests").fill_null(lit(0i64));
    let supp_d = col("supplement_days").fill_null(lit(0i64));
    let due_day = date(col("due_at"));
    let due_day_moved = due_day.clone().dt().add_business_days(supp_d.clone(), WEEK, hol.clone(), Roll::Forward);
    let due_eff = when(supp_d.clone().gt(lit(0i64)))
        .then(col("due_at") + (datetime(due_day_moved) - datetime(due_day)))
        .otherwise(col("due_at"));
    // The day an unfinished dossier is judged at: the period's last day (calendar days), or
    // the instant the period ends (times).
    let undone_day = match rules.compare {
        Compare::CalendarDay => lit(period.last_day()).cast(DataType::Date),
        Compare::Time => lit(period.end_time().date()).cast(DataType::Date),
    };
    let is_late_by_due = match rules.compare {
        Compare::CalendarDay => col("end_day").gt(date(col("due_eff"))),
        Compare::Time => col("end_at").gt(col("due_eff")),
    };
    let on_time_if = |e: Exempt, cond: Expr| match e {
        Exempt::OnTime => cond,
        Exempt::ByDates => lit(false),
    };
    let exempt = on_time_if(rules.withdrawn, status_eq(Status::Withdrawn))
        .or(on_time_if(rules.stopped, status_eq(Status::Stopped)))
        .or(on_time_if(
            rules.paused,
            status_is(|s| matches!(s, Status::AwaitingSupplement | Status::AwaitingPayment)).and(col("done").not()),
        ));
    let late_no_due = match rules.no_due_date {
        NoDueDate::ProcedureMaximum => {
            col("due_at").is_null().and(col("max_days").is_not_null()).and(col("days_used").gt(col("max_days")))
        }
        NoDueDate::OnTime => lit(false),
    };
    let late_supp = match rules.supplements_over_one {
        OverOneSupplement::Late => col("supp_n").gt(lit(1i64)),
        OverOneSupplement::ByDates => lit(false),
    };

    let lf = dossiers
        .filter(col("status").is_null().or(status_is(Status::is_received)))
        .with_columns([end_raw.alias("end_raw"), supp_n.alias("supp_n"), supp_d.alias("supp_d")])
        .filter(col("received_at").lt(pe.clone()).and(col("end_raw").is_null().or(col("end_raw").gt_eq(ps.clone()))))
        .with_columns([
            col("end_raw").is_not_null().and(col("end_raw").lt(pe.clone())).alias("done"),
            col("received_at").gt_eq(ps.clone()).alias("received_in"),
            due_eff.alias("due_eff"),
        ])
        .with_columns([
            col("done").and(col("end_raw").gt_eq(ps)).alias("finished_in"),
            when(col("done")).then(col("end_raw")).otherwise(pe).alias("end_at"),
            when(col("done")).then(date(col("end_raw"))).otherwise(undone_day).cast(DataType::Date).alias("end_day"),
        ])
        .with_columns([
            (bd_count(date(col("received_at")), col("end_day"), WEEK, hol.clone()).cast(DataType::Int64)
                - col("supp_d"))
            .alias("days_used"),
            exempt.alias("exempt"),
        ])
        .with_columns([
            col("exempt").not().and(col("due_at").is_not_null()).and(is_late_by_due).alias("late_due"),
            col("exempt").not().and(late_no_due).alias("late_no_due"),
            col("exempt").not().and(late_supp).alias("late_supp"),
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
                    bd_count(date(col("due_eff")), col("end_day"), WEEK, hol).cast(DataType::Int64).clip_min(lit(1i64)),
                )
                .when(col("late_no_due"))
                .then(col("days_used") - col("max_days"))
                .otherwise(lit(0i64))
                .alias("days_late"),
        ]);
    Ok(lf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::method::tests::rules;
    use chrono::NaiveDateTime;

    fn t(s: &str) -> Option<NaiveDateTime> {
        (!s.is_empty()).then(|| NaiveDateTime::parse_from_str(s, "%d/%m/%Y %H:%M").unwrap())
    }

    /// Statuses by their national meaning; calendar days against times of day.
    fn dossiers() -> DataFrame {
        let rows: [(&str, i64, &str, &str, &str); 9] = [
            ("N1", 1, "", "", ""),                                                  // submitted, never received
            ("N3", 3, "", "", ""),                                                  // not accepted
            ("P5", 5, "10/09/2024 08:00", "20/09/2024 17:00", ""),                  // waiting for a supplement
            ("W7", 7, "10/09/2024 08:00", "20/09/2024 17:00", "25/09/2024 09:00"),  // withdrawn late
            ("S8", 8, "10/09/2024 08:00", "20/09/2024 17:00", "25/09/2024 09:00"),  // stopped late
            ("L9", 9, "10/09/2024 08:00", "20/09/2024 17:00", "23/09/2024 10:00"),  // a day late
            ("D9", 10, "10/09/2024 08:00", "20/09/2024 17:00", "20/09/2024 18:00"), // same day, after hours
            ("O4", 4, "25/09/2024 08:00", "30/09/2024 17:00", ""),                  // open, due the last day
            ("X4", 4, "10/09/2024 08:00", "30/09/2024 17:00", "15/09/2024 10:00"),  // open with an end date
        ];
        let col_of = |i: usize| -> Vec<Option<NaiveDateTime>> { rows.iter().map(|r| t([r.2, r.3, r.4][i])).collect() };
        df![
            "dossier_id" => rows.iter().map(|r| r.0).collect::<Vec<_>>(),
            "status" => rows.iter().map(|r| r.1).collect::<Vec<_>>(),
            "received_at" => col_of(0),
            "due_at" => col_of(1),
            "finished_at" => col_of(2),
            "returned_at" => vec![None::<NaiveDateTime>; 9],
            "refused_at" => vec![None::<NaiveDateTime>; 9],
            "supplement_requests" => vec![0i64; 9],
            "supplement_days" => vec![0i64; 9],
            "max_days" => vec![None::<i64>; 9],
        ]
        .unwrap()
    }

    fn late(rules: &OnTimeRules) -> Vec<(String, bool, bool)> {
        let out = classify(dossiers().lazy(), Period::new(2024, 9).unwrap(), &[], rules)
            .unwrap()
            .select([col("dossier_id"), col("late"), col("done")])
            .collect()
            .unwrap();
        let ids = out.column("dossier_id").unwrap().str().unwrap();
        let late = out.column("late").unwrap().bool().unwrap();
        let done = out.column("done").unwrap().bool().unwrap();
        (0..out.height())
            .map(|i| (ids.get(i).unwrap().to_string(), late.get(i).unwrap(), done.get(i).unwrap()))
            .collect()
    }

    #[test]
    fn statuses_decide_what_counts_and_calendar_days_what_is_late() {
        let got = late(&rules());
        let ids: Vec<&str> = got.iter().map(|g| g.0.as_str()).collect();
        assert_eq!(ids, ["P5", "W7", "S8", "L9", "D9", "O4", "X4"], "1 and 3 were never received");
        let late_ids: Vec<&str> = got.iter().filter(|g| g.1).map(|g| g.0.as_str()).collect();
        assert_eq!(late_ids, ["L9"], "paused, withdrawn and stopped count on time; same day is on time");
        let x4 = got.iter().find(|g| g.0 == "X4").unwrap();
        assert!(!x4.2, "an open status has no end, whatever date the export shows");
    }

    #[test]
    fn by_times_and_by_dates_the_same_dossiers_are_late() {
        let strict = OnTimeRules {
            compare: Compare::Time,
            withdrawn: Exempt::ByDates,
            stopped: Exempt::ByDates,
            paused: Exempt::ByDates,
            ..rules()
        };
        let late_ids: Vec<String> = late(&strict).into_iter().filter(|g| g.1).map(|g| g.0).collect();
        assert_eq!(late_ids, ["P5", "W7", "S8", "L9", "D9", "O4", "X4"], "open at 1/10 00:00 is past 17:00 on 30/9");
    }
}
