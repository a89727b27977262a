//! TOML dates to chrono dates.
//!
//! TOML has native dates (`valid_from = 2024-01-01`), which the `toml` crate hands over as
//! its own `Datetime`; the registries use them so that a typo is a parse error with a line,
//! not a string that fails later.

use chrono::NaiveDate;
use toml::value::Datetime;

/// The calendar date of a TOML local date, or `None` if it has a time or offset.
pub fn to_date(dt: &Datetime) -> Option<NaiveDate> {
    match (dt.date, dt.time, dt.offset) {
        (Some(d), None, None) => NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day)),
        _ => None,
    }
}
