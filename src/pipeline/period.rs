//! A reporting period: one calendar month in Asia/Ho_Chi_Minh.
//!
//! Timestamps in exports are local wall-clock times without an offset, so a period is a
//! pair of local dates; "now" is converted to the ward's time zone before the default
//! period (the month before today) is chosen.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Months, NaiveDate, NaiveDateTime, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    pub year: i32,
    pub month: u32,
}

impl Period {
    pub fn new(year: i32, month: u32) -> Option<Period> {
        NaiveDate::from_ymd_opt(year, month, 1).map(|_| Period { year, month })
    }

    /// The month before the current month in the given time zone.
    pub fn previous(tz: chrono_tz::Tz) -> Period {
        let today = Utc::now().with_timezone(&tz).date_naive();
        let prev = today - Months::new(1);
        Period { year: prev.year(), month: prev.month() }
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("validated period")
    }

    /// The first day of the next month: the period is `[first_day, end)`.
    pub fn end(self) -> NaiveDate {
        self.first_day() + Months::new(1)
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

    pub fn prev(self) -> Period {
        let d = self.first_day() - Months::new(1);
        Period { year: d.year(), month: d.month() }
    }

    /// `{period}`, `{year}`, `{month}` and `{quarter}` in a path or name template.
    pub fn fill(self, template: &str) -> String {
        template
            .replace("{period}", &self.to_string())
            .replace("{year}", &self.year.to_string())
            .replace("{month}", &format!("{:02}", self.month))
            .replace("{quarter}", &((self.month - 1) / 3 + 1).to_string())
    }

    /// "tháng 10/2024", as ward staff write it.
    pub fn label_vi(self) -> String {
        format!("tháng {:02}/{}", self.month, self.year)
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:02}", self.year, self.month)
    }
}

impl FromStr for Period {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("kỳ \"{s}\" không hợp lệ: dùng dạng YYYY-MM, ví dụ 2024-10");
        let (y, m) = s.split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        let year = y.parse().map_err(|_| bad())?;
        let month = m.parse().map_err(|_| bad())?;
        Period::new(year, month).ok_or_else(bad)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_fills_and_bounds() {
        let p: Period = "2024-12".parse().unwrap();
        assert_eq!(p.end(), NaiveDate::from_ymd_opt(2025, 1, 1).unwrap());
        assert_eq!(p.last_day(), NaiveDate::from_ymd_opt(2024, 12, 31).unwrap());
        assert_eq!(p.fill("a/{year}-{month}/{period}-q{quarter}"), "a/2024-12/2024-12-q4");
        assert_eq!(p.prev().to_string(), "2024-11");
        assert!("2024-13".parse::<Period>().is_err());
        assert!("24-1".parse::<Period>().is_err());
    }
}
