//! Working-day arithmetic and allocation-free timestamp formatting.
//!
//! Timestamps are (day index, second of day) instead of chrono values because the benchmark
//! writes millions of them: a precomputed (year, month, day) table turns formatting into a few
//! byte stores, and comparisons stay plain integer comparisons.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// A moment as (days since the calendar's first day, seconds since midnight).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Ts {
    pub day: u32,
    pub sec: u32,
}

impl Ts {
    pub(super) fn new(day: u32, sec: u32) -> Ts {
        Ts { day, sec }
    }
}

pub(crate) const fn hms(h: u32, m: u32, s: u32) -> u32 {
    h * 3600 + m * 60 + s
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Working,
    Saturday,
    Off,
}

/// Days from 1 January of the year before the sample year to 31 December two years after, so
/// that late dossiers and downloads early in the next year never fall off the end.
pub(crate) struct Calendar {
    start: NaiveDate,
    kinds: Vec<Kind>,
    ymd: Vec<(u16, u8, u8)>,
}

impl Calendar {
    pub(super) fn new(year: i32, holidays: &[NaiveDate]) -> Calendar {
        let start = NaiveDate::from_ymd_opt(year - 1, 1, 1).expect("valid year");
        let end = NaiveDate::from_ymd_opt(year + 2, 12, 31).expect("valid year");
        let mut kinds = Vec::new();
        let mut ymd = Vec::new();
        let mut d = start;
        while d <= end {
            let kind = if holidays.contains(&d) || d.weekday() == Weekday::Sun {
                Kind::Off
            } else if d.weekday() == Weekday::Sat {
                Kind::Saturday
            } else {
                Kind::Working
            };
            kinds.push(kind);
            ymd.push((d.year() as u16, d.month() as u8, d.day() as u8));
            d += Duration::days(1);
        }
        Calendar { start, kinds, ymd }
    }

    pub(super) fn day_of(&self, date: NaiveDate) -> u32 {
        (date - self.start).num_days() as u32
    }

    /// The date of a day index.
    pub(super) fn date(&self, day: u32) -> NaiveDate {
        self.start + Duration::days(day.into())
    }

    pub(super) fn ymd(&self, day: u32) -> (u16, u8, u8) {
        self.ymd[day as usize]
    }

    pub(super) fn is_working(&self, day: u32) -> bool {
        self.kinds.get(day as usize) == Some(&Kind::Working)
    }

    pub(super) fn is_saturday(&self, day: u32) -> bool {
        self.kinds.get(day as usize) == Some(&Kind::Saturday)
    }

    /// `day` itself when it is a working day, else the next working day.
    pub(super) fn next_working(&self, mut day: u32) -> u32 {
        while !self.is_working(day) && (day as usize) < self.kinds.len() {
            day += 1;
        }
        day
    }

    /// The last working day before `day`.
    pub(super) fn prev_working(&self, day: u32) -> u32 {
        let mut d = day.saturating_sub(1);
        while !self.is_working(d) && d > 0 {
            d -= 1;
        }
        d
    }

    /// The day `n` working days after `day` (n = 0: `day` or the next working day).
    pub(super) fn add_working(&self, day: u32, n: u32) -> u32 {
        let mut d = self.next_working(day);
        if !self.is_working(day) && n > 0 {
            // Landing on the next working day already used up one step.
            return self.add_working(d, n - 1);
        }
        for _ in 0..n {
            d = self.next_working(d + 1);
        }
        d
    }

    /// Day indices of a calendar month, first to last.
    pub(super) fn month_days(&self, year: i32, month: u32) -> std::ops::Range<u32> {
        let first = NaiveDate::from_ymd_opt(year, month, 1).expect("valid month");
        let next = if month == 12 {
            NaiveDate::from_ymd_opt(year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(year, month + 1, 1)
        }
        .expect("valid month");
        self.day_of(first)..self.day_of(next)
    }

    /// The n-th (1-based) working day of a month: when officers download last month's export.
    pub(super) fn nth_working_day(&self, year: i32, month: u32, n: u32) -> u32 {
        let first = self.month_days(year, month).start;
        self.add_working(first, n - 1)
    }

    /// `dd/MM/yyyy HH:mm:ss`, the exports' text date format.
    pub(super) fn write_ts(&self, ts: Ts, buf: &mut [u8; 19]) {
        let (y, m, d) = self.ymd(ts.day);
        let (h, mi, s) = (ts.sec / 3600, ts.sec / 60 % 60, ts.sec % 60);
        two(&mut buf[0..2], d as u32);
        buf[2] = b'/';
        two(&mut buf[3..5], m as u32);
        buf[5] = b'/';
        two(&mut buf[6..8], y as u32 / 100);
        two(&mut buf[8..10], y as u32 % 100);
        buf[10] = b' ';
        two(&mut buf[11..13], h);
        buf[13] = b':';
        two(&mut buf[14..16], mi);
        buf[16] = b':';
        two(&mut buf[17..19], s);
    }

    /// `yyyyMMddHHmmss`, the national sync's date format.
    pub(super) fn write_compact(&self, ts: Ts, buf: &mut [u8; 14]) {
        let (y, m, d) = self.ymd(ts.day);
        let (h, mi, s) = (ts.sec / 3600, ts.sec / 60 % 60, ts.sec % 60);
        for (k, v) in [y as u32 / 100, y as u32 % 100, m as u32, d as u32, h, mi, s].into_iter().enumerate() {
            two(&mut buf[2 * k..2 * k + 2], v);
        }
    }

    pub(super) fn fmt_compact(&self, ts: Ts) -> String {
        let mut buf = [0u8; 14];
        self.write_compact(ts, &mut buf);
        String::from_utf8_lossy(&buf).into_owned()
    }

    /// The local date and time of a moment.
    pub(super) fn datetime(&self, ts: Ts) -> chrono::NaiveDateTime {
        self.start.and_hms_opt(0, 0, 0).expect("midnight")
            + Duration::days(ts.day.into())
            + Duration::seconds(ts.sec.into())
    }

    pub(super) fn fmt_ts(&self, ts: Ts) -> String {
        let mut buf = [0u8; 19];
        self.write_ts(ts, &mut buf);
        String::from_utf8_lossy(&buf).into_owned()
    }

    /// `dd/MM/yyyy`.
    pub(super) fn fmt_date(&self, day: u32) -> String {
        let mut s = self.fmt_ts(Ts::new(day, 0));
        s.truncate(10);
        s
    }
}

fn two(out: &mut [u8], v: u32) {
    out[0] = b'0' + (v / 10 % 10) as u8;
    out[1] = b'0' + (v % 10) as u8;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn working_days_skip_weekends_and_holidays() {
        let hol = [NaiveDate::from_ymd_opt(2024, 9, 2).unwrap()];
        let cal = Calendar::new(2024, &hol);
        let fri = cal.day_of(NaiveDate::from_ymd_opt(2024, 8, 30).unwrap());
        let tue = cal.day_of(NaiveDate::from_ymd_opt(2024, 9, 3).unwrap());
        assert_eq!(cal.add_working(fri, 1), tue);
        assert_eq!(cal.add_working(fri, 0), fri);
        let sat = fri + 1;
        assert_eq!(cal.add_working(sat, 0), tue);
        assert_eq!(cal.add_working(sat, 1), tue);
        assert_eq!(cal.add_working(sat, 2), tue + 1);
        assert_eq!(cal.fmt_ts(Ts::new(fri, hms(7, 30, 5))), "30/08/2024 07:30:05");
        assert_eq!(cal.fmt_date(tue), "03/09/2024");
        assert_eq!(cal.fmt_compact(Ts::new(fri, hms(17, 0, 9))), "20240830170009");
        assert_eq!(cal.datetime(Ts::new(tue, hms(8, 1, 2))).to_string(), "2024-09-03 08:01:02");
        assert_eq!(cal.prev_working(tue), fri);
    }
}
