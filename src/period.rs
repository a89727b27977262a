//! A reporting period: one calendar month, or a whole year, in Asia/Ho_Chi_Minh.
//!
//! Timestamps in exports are local wall-clock times without an offset, so a period is a
//! pair of local dates; "now" is converted to the ward's time zone before the default
//! period (the month before today) is chosen. A year is the same rules over a longer range:
//! its file patterns match every month (`{period}` → `2024-*`), overlapping downloads merge.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Months, NaiveDate, NaiveDateTime};

/// Where a run stands in the period it reports on: advice to a unit is worded for what it can
/// still change, the rest of this month or only the next one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MonthState {
    /// The run is made before the period ends (`thidua run --period` for the current month).
    Open,
    /// The period is over: the usual run, made in the month after.
    Closed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    pub year: i32,
    /// `None` for the whole year.
    month: Option<u32>,
}

impl Period {
    /// A month.
    pub fn new(year: i32, month: u32) -> Option<Period> {
        NaiveDate::from_ymd_opt(year, month, 1).map(|_| Period { year, month: Some(month) })
    }

    /// A whole year.
    pub fn year(year: i32) -> Option<Period> {
        NaiveDate::from_ymd_opt(year, 1, 1).map(|_| Period { year, month: None })
    }

    pub fn month(self) -> Option<u32> {
        self.month
    }

    pub fn is_year(self) -> bool {
        self.month.is_none()
    }

    /// The month before the one `today` falls in (the caller reads the clock, in the ward's
    /// time zone).
    pub fn month_before(today: NaiveDate) -> Period {
        let prev = today - Months::new(1);
        Period { year: prev.year(), month: Some(prev.month()) }
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month.unwrap_or(1), 1).expect("validated period")
    }

    /// The first day after the period: the period is `[first_day, end)`.
    pub fn end(self) -> NaiveDate {
        self.first_day() + Months::new(if self.is_year() { 12 } else { 1 })
    }

    pub fn last_day(self) -> NaiveDate {
        self.end().pred_opt().expect("not the first day of time")
    }

    pub fn start_time(self) -> NaiveDateTime {
        self.first_day().and_hms_opt(0, 0, 0).expect("midnight")
    }

    pub fn end_time(self) -> NaiveDateTime {
        self.end().and_hms_opt(0, 0, 0).expect("midnight")
    }

    /// The period before: the previous month, or the previous year.
    pub fn prev(self) -> Period {
        match self.month {
            Some(_) => {
                let d = self.first_day() - Months::new(1);
                Period { year: d.year(), month: Some(d.month()) }
            }
            None => Period { year: self.year - 1, month: None },
        }
    }

    /// The period after: the next month, or the next year.
    pub fn next(self) -> Period {
        match self.month {
            Some(_) => {
                let d = self.end();
                Period { year: d.year(), month: Some(d.month()) }
            }
            None => Period { year: self.year + 1, month: None },
        }
    }

    /// Whether the period is still open at `now` (local wall-clock time in the ward): a
    /// report made after its end can no longer change it.
    pub fn state_at(self, now: NaiveDateTime) -> MonthState {
        if now < self.end_time() { MonthState::Open } else { MonthState::Closed }
    }

    /// The names [`Period::fill`] replaces. Any other `{name}` stays as written, so a
    /// misspelt `{perod}` would look for a folder that never exists: `thidua check` reports a
    /// name outside this list (see `pull::unknown_placeholders`).
    pub const PLACEHOLDERS: &[&str] = &["period", "year", "month", "quarter"];

    /// `{period}`, `{year}`, `{month}` and `{quarter}` in a path or name template; for a
    /// year, `{period}` and `{month}` match every month.
    pub fn fill(self, template: &str) -> String {
        let (period, month, quarter) = match self.month {
            Some(m) => (self.to_string(), format!("{m:02}"), ((m - 1) / 3 + 1).to_string()),
            None => (format!("{}-*", self.year), "*".to_string(), "*".to_string()),
        };
        template
            .replace("{period}", &period)
            .replace("{year}", &self.year.to_string())
            .replace("{month}", &month)
            .replace("{quarter}", &quarter)
    }

    /// "tháng 10/2024" or "năm 2024", as ward staff write it.
    pub fn label_vi(self) -> String {
        match self.month {
            Some(m) => format!("tháng {m:02}/{}", self.year),
            None => format!("năm {}", self.year),
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.month {
            Some(m) => write!(f, "{}-{m:02}", self.year),
            None => write!(f, "{}", self.year),
        }
    }
}

impl FromStr for Period {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("kỳ \"{s}\" không hợp lệ: dùng YYYY-MM (một tháng, ví dụ 2024-10) hoặc YYYY (cả năm)");
        let digits = |x: &str, n: usize| x.len() == n && x.bytes().all(|b| b.is_ascii_digit());
        match s.split_once('-') {
            None if digits(s, 4) => Period::year(s.parse().map_err(|_| bad())?).ok_or_else(bad),
            Some((y, m)) if digits(y, 4) && digits(m, 2) => {
                Period::new(y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?).ok_or_else(bad)
            }
            _ => Err(bad()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_is_open_until_its_end_and_is_followed_by_the_next() {
        let oct: Period = "2024-10".parse().unwrap();
        let at = |d: u32, m: u32, h: u32| NaiveDate::from_ymd_opt(2024, m, d).unwrap().and_hms_opt(h, 0, 0).unwrap();
        assert_eq!(oct.state_at(at(31, 10, 23)), MonthState::Open);
        assert_eq!(oct.state_at(at(1, 11, 0)), MonthState::Closed, "the end is the first moment of November");
        assert_eq!(oct.next().to_string(), "2024-11");
        assert_eq!("2024-12".parse::<Period>().unwrap().next().to_string(), "2025-01");
        assert_eq!(Period::year(2024).unwrap().next(), Period::year(2025).unwrap());
    }

    #[test]
    fn parses_fills_and_bounds() {
        let p: Period = "2024-12".parse().unwrap();
        assert_eq!(p.end(), NaiveDate::from_ymd_opt(2025, 1, 1).unwrap());
        assert_eq!(p.last_day(), NaiveDate::from_ymd_opt(2024, 12, 31).unwrap());
        assert_eq!(p.fill("a/{year}-{month}/{period}-q{quarter}"), "a/2024-12/2024-12-q4");
        assert_eq!(p.prev().to_string(), "2024-11");
        assert!("2024-13".parse::<Period>().is_err());
        assert!("24-1".parse::<Period>().is_err());
        assert!("2024-1".parse::<Period>().is_err());
    }

    #[test]
    fn fill_replaces_every_listed_placeholder_and_nothing_else() {
        for period in ["2024-10".parse::<Period>().unwrap(), Period::year(2024).unwrap()] {
            for name in Period::PLACEHOLDERS {
                let filled = period.fill(&format!("a/{{{name}}}/b"));
                assert!(!filled.contains('{'), "{{{name}}} left in {filled}");
            }
            assert_eq!(period.fill("a/{perod}/b"), "a/{perod}/b");
        }
    }

    #[test]
    fn a_year_spans_every_month() {
        let y: Period = "2024".parse().unwrap();
        assert!(y.is_year());
        assert_eq!((y.first_day().to_string(), y.last_day().to_string()), ("2024-01-01".into(), "2024-12-31".into()));
        assert_eq!(y.fill("ho-so/{period}/*.xlsx"), "ho-so/2024-*/*.xlsx");
        assert_eq!(y.fill("sang-kien-{year}.xlsx"), "sang-kien-2024.xlsx");
        assert_eq!((y.label_vi(), y.prev().to_string()), ("năm 2024".into(), "2023".into()));
    }
}
