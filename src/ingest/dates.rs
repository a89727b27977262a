//! Date and time cells to local times of the ward (Asia/Ho_Chi_Minh).
//!
//! Exports write the same instant many ways: `20241007080000` (the national sync),
//! `07/10/2024 08:00:00` (Excel downloads), ISO 8601 with an offset (`…+0700`, `…Z`,
//! `…+0000`, iGate), Excel serial day numbers. A column is parsed first with the one
//! layout most of its values use (Polars' fast path); the values that layout misses are
//! parsed one by one, in Rust, with every layout of the profile, then offsets and serials.
//! A time with an offset is converted to the ward's zone; a time without one is taken as
//! already local. Which layouts were met is counted, for `thidua inspect`.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use polars::prelude::*;

/// Layouts with an offset, tried on values the profile's layouts miss.
const OFFSET_LAYOUTS: &[&str] = &["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M:%S%.f%z"];

/// How a value was read, as a person would name it.
pub(super) fn layout_label(layout: &str) -> String {
    layout
        .replace("%Y", "yyyy")
        .replace("%m", "MM")
        .replace("%d", "dd")
        .replace("%H", "HH")
        .replace("%M", "mm")
        .replace("%S", "ss")
        .replace("%.f", ".fff")
        .replace("%.3f", ".fff")
}

pub(super) const OFFSET_LABEL: &str = "ISO 8601 có múi giờ (đổi sang giờ Việt Nam)";
pub(super) const SERIAL_LABEL: &str = "số ngày kiểu Excel";

fn naive(s: &str, layout: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(s, layout)
        .ok()
        .or_else(|| NaiveDate::parse_from_str(s, layout).ok().and_then(|d| d.and_hms_opt(0, 0, 0)))
}

/// Excel serial day numbers (days since 1899-12-30), within 1954–2119.
fn serial(s: &str) -> Option<NaiveDateTime> {
    let x: f64 = s.parse().ok()?;
    if !(20000.0..80000.0).contains(&x) {
        return None;
    }
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?.and_hms_opt(0, 0, 0)?;
    // Whole seconds: the fraction of a day Excel stores is not exact.
    let seconds = (x * 86_400.0).round() as i64;
    base.checked_add_signed(chrono::Duration::seconds(seconds))
}

fn with_offset(s: &str, tz: Tz) -> Option<NaiveDateTime> {
    let parsed = DateTime::parse_from_rfc3339(s)
        .ok()
        .or_else(|| OFFSET_LAYOUTS.iter().find_map(|l| DateTime::parse_from_str(s, l).ok()))
        .or_else(|| {
            s.strip_suffix('Z').and_then(|t| naive(t, "%Y-%m-%dT%H:%M:%S%.f")).map(|n| n.and_utc().fixed_offset())
        })?;
    Some(parsed.with_timezone(&tz).naive_local())
}

/// One value: the local time and the label of the layout that read it.
pub(super) fn parse_one(s: &str, layouts: &[String], tz: Tz) -> Option<(NaiveDateTime, String)> {
    let s = s.trim();
    if let Some((t, l)) = layouts.iter().find_map(|l| naive(s, l).map(|t| (t, l))) {
        return Some((t, layout_label(l)));
    }
    if let Some(t) = with_offset(s, tz) {
        return Some((t, OFFSET_LABEL.to_string()));
    }
    serial(s).map(|t| (t, SERIAL_LABEL.to_string()))
}

/// The layout (of `layouts`) that most of a column's first values are written in.
pub(super) fn usual_layout<'a>(values: &StringChunked, layouts: &'a [String]) -> Option<&'a str> {
    let sample: Vec<&str> = values.iter().flatten().map(str::trim).filter(|v| !v.is_empty()).take(200).collect();
    layouts
        .iter()
        .map(|l| (l.as_str(), sample.iter().filter(|v| naive(v, l).is_some()).count()))
        .filter(|(_, n)| *n > 0)
        .max_by_key(|(_, n)| *n)
        .map(|(l, _)| l)
}

/// Whether a layout has a date but no time (Polars parses it as a date, then widens it).
pub(super) fn is_date_only(layout: &str) -> bool {
    !["%H", "%M", "%S", "%T", "%R"].iter().any(|t| layout.contains(t))
}

/// Fills the values `parsed` left null, where `raw` has text, value by value; returns the
/// column and how many values each layout read there.
pub(super) fn fill_missed(
    raw: &StringChunked,
    parsed: &Column,
    layouts: &[String],
    tz: Tz,
) -> PolarsResult<(Column, BTreeMap<String, usize>)> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let micros = parsed.cast(&DataType::Int64)?;
    let micros = micros.i64()?;
    let out: Int64Chunked = raw
        .iter()
        .zip(micros.iter())
        .map(|(text, done)| match (done, text) {
            (Some(m), _) => Some(m),
            (None, Some(t)) if !t.trim().is_empty() => {
                let (time, label) = parse_one(t, layouts, tz)?;
                *seen.entry(label).or_default() += 1;
                Some(time.and_utc().timestamp_micros())
            }
            _ => None,
        })
        .collect();
    let column = out.into_datetime(TimeUnit::Microseconds, None).into_column().with_name(parsed.name().clone());
    Ok((column, seen))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, m: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, mi, 0).unwrap()
    }

    #[test]
    fn every_way_of_writing_the_same_instant() {
        let tz = chrono_tz::Asia::Ho_Chi_Minh;
        let layouts: Vec<String> = ["%Y%m%d%H%M%S", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y"].map(String::from).to_vec();
        let want = at(2024, 10, 7, 8, 0);
        for s in [
            "20241007080000",
            "07/10/2024 08:00:00",
            "2024-10-07T08:00:00.000+0700",
            "2024-10-07T01:00:00.000+0000",
            "2024-10-07T01:00:00Z",
            "2024-10-07T08:00:00+07:00",
            "45572.3333333333",
        ] {
            assert_eq!(parse_one(s, &layouts, tz).map(|p| p.0), Some(want), "{s}");
        }
        assert_eq!(parse_one("07/10/2024", &layouts, tz).unwrap().0, at(2024, 10, 7, 0, 0));
        assert_eq!(parse_one("20241007080000", &layouts, tz).unwrap().1, "yyyyMMddHHmmss");
        assert!(parse_one("2024-13-45", &layouts, tz).is_none());
        assert!(parse_one("31/02/2024 08:00:00", &layouts, tz).is_none());
    }

    #[test]
    fn the_ward_zone_has_one_offset_since_1975() {
        // Converting with +07:00 is what chrono-tz does for every instant thidua meets.
        use chrono::{Offset, TimeZone};
        let tz = chrono_tz::Asia::Ho_Chi_Minh;
        for y in [1976, 2000, 2024, 2100] {
            let off = tz.offset_from_utc_datetime(&at(y, 6, 1, 0, 0)).fix().local_minus_utc();
            assert_eq!(off, 7 * 3600, "{y}");
        }
    }
}
