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

/// A methodology, plan or set of rules that one file defines, dated, in a series of files that
/// follow one another (`par-ward-2024`, `par-ward-2025` in the series `par-ward`).
pub trait Dated {
    fn id(&self) -> &str;
    fn series(&self) -> &str;
    fn valid(&self) -> Validity;
}

/// The versions a pipeline named (by a file's id, or by a series), and the one that applies
/// to a period: valid on its last day, or else the latest one valid on some day of it.
#[derive(Debug, Clone)]
pub struct Series<T> {
    /// As the pipeline wrote it.
    pub name: String,
    pub versions: Vec<T>,
}

impl<T: Dated + Clone> Series<T> {
    /// Every item whose id or series is `name`, oldest first; `None` when there is none.
    pub fn named<'a>(name: &str, all: impl IntoIterator<Item = &'a T>) -> Option<Series<T>>
    where
        T: 'a,
    {
        let mut versions: Vec<T> = all.into_iter().filter(|m| m.id() == name || m.series() == name).cloned().collect();
        versions.sort_by_key(|m| m.valid().from);
        (!versions.is_empty()).then(|| Series { name: name.to_string(), versions })
    }

    pub fn for_period(&self, period: Period) -> Option<&T> {
        let last = period.last_day();
        self.versions
            .iter()
            .rev()
            .find(|m| m.valid().contains(last))
            .or_else(|| self.versions.iter().rev().find(|m| m.valid().meets(period)))
    }

    /// "par-ward-2024 (01/01/2024–31/12/2024), par-ward-2025 (từ 01/01/2025)": what exists,
    /// for a message saying none applies.
    pub fn spans(&self) -> String {
        let d = |x: NaiveDate| x.format("%d/%m/%Y").to_string();
        self.versions
            .iter()
            .map(|m| match m.valid().to {
                Some(to) => format!("{} ({}–{})", m.id(), d(m.valid().from), d(to)),
                None => format!("{} (từ {})", m.id(), d(m.valid().from)),
            })
            .collect::<Vec<_>>()
            .join(", ")
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

    #[derive(Clone)]
    struct M(&'static str, Validity);
    impl Dated for M {
        fn id(&self) -> &str {
            self.0
        }
        fn series(&self) -> &str {
            "par-ward"
        }
        fn valid(&self) -> Validity {
            self.1
        }
    }

    #[test]
    fn a_series_gives_the_version_of_the_period_and_none_before_it() {
        let all = [
            M("par-ward-2025", Validity::since(d(2025, 1, 1))),
            M("par-ward-2024", Validity::new(d(2024, 1, 1), Some(d(2024, 12, 31)))),
        ];
        let s = Series::named("par-ward", &all).unwrap();
        assert_eq!(s.for_period(Period::new(2024, 10).unwrap()).unwrap().0, "par-ward-2024");
        assert_eq!(s.for_period(Period::new(2026, 3).unwrap()).unwrap().0, "par-ward-2025");
        assert_eq!(s.for_period(Period::year(2025).unwrap()).unwrap().0, "par-ward-2025");
        assert!(s.for_period(Period::new(2023, 12).unwrap()).is_none());
        assert_eq!(Series::named("par-ward-2024", &all).unwrap().versions.len(), 1, "an id names one file");
        assert!(Series::named("dti-ward", &all).is_none());
        assert_eq!(s.spans(), "par-ward-2024 (01/01/2024–31/12/2024), par-ward-2025 (từ 01/01/2025)");
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
