//! When a thing holds: a unit exists, an officer serves, a methodology or a plan applies.
//!
//! Everything dated in the configuration has a first day and, until it is replaced, no last
//! one. The two questions asked of it — does it hold on this day, does it hold on some day
//! of this period — are answered here once, so that a unit, a methodology and an award level
//! are never judged by three slightly different comparisons.

use chrono::NaiveDate;

use crate::period::Period;

/// `[from, to]`, both days included; `to = None` is open-ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Validity {
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

impl Validity {
    pub fn new(from: NaiveDate, to: Option<NaiveDate>) -> Validity {
        Validity { from, to }
    }

    /// From `from` on, with no end.
    pub fn since(from: NaiveDate) -> Validity {
        Validity { from, to: None }
    }

    /// Holds on `day`.
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.from <= day && self.to.is_none_or(|to| day <= to)
    }

    /// Holds on some day of `[first, last]`.
    pub fn overlaps(&self, first: NaiveDate, last: NaiveDate) -> bool {
        self.from <= last && self.to.is_none_or(|to| to >= first)
    }

    /// Holds on some day of the period.
    pub fn meets(&self, period: Period) -> bool {
        self.overlaps(period.first_day(), period.last_day())
    }

    /// The two hold together on some day.
    pub fn overlaps_with(&self, other: &Validity) -> bool {
        self.overlaps(other.from, other.to.unwrap_or(NaiveDate::MAX))
    }

    /// Ended before `day`.
    pub fn ended_before(&self, day: NaiveDate) -> bool {
        self.to.is_some_and(|to| to < day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn both_ends_are_included_and_an_open_end_runs_on() {
        let v = Validity::new(d(2024, 1, 1), Some(d(2025, 6, 30)));
        assert!(v.contains(d(2024, 1, 1)) && v.contains(d(2025, 6, 30)));
        assert!(!v.contains(d(2023, 12, 31)) && !v.contains(d(2025, 7, 1)));
        assert!(Validity::since(d(2025, 7, 1)).contains(d(2099, 1, 1)));
        assert!(v.ended_before(d(2025, 7, 1)) && !v.ended_before(d(2025, 6, 30)));
    }

    #[test]
    fn a_period_is_met_by_any_of_its_days() {
        let v = Validity::new(d(2024, 1, 1), Some(d(2025, 6, 30)));
        assert!(v.meets(Period::new(2025, 6).unwrap()));
        assert!(!v.meets(Period::new(2025, 7).unwrap()));
        assert!(v.meets(Period::year(2025).unwrap()));
        assert!(Validity::since(d(2025, 7, 1)).meets(Period::year(2025).unwrap()));
        assert!(v.overlaps_with(&Validity::since(d(2025, 6, 30))));
        assert!(!v.overlaps_with(&Validity::since(d(2025, 7, 1))));
    }
}
