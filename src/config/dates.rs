//! TOML dates to chrono dates.
//!
//! TOML has native dates (`valid_from = 2024-01-01`), which the `toml` crate hands over as
//! its own `Datetime`; the registries use them so that a typo is a parse error with a line,
//! not a string that fails later.

use chrono::NaiveDate;
use toml::value::Datetime;

/// The calendar date of a TOML local date, or `None` if it has a time or offset.
pub(super) fn to_date(dt: &Datetime) -> Option<NaiveDate> {
    match (dt.date, dt.time, dt.offset) {
        (Some(d), None, None) => NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day)),
        _ => None,
    }
}

/// The `valid_from` / `valid_to` pair of a methodology or plan file: a problem at the span of
/// whichever is not a date, or ends before it starts.
pub(super) fn validity(
    src: &super::SourceText,
    from: &toml::Spanned<Datetime>,
    to: Option<&toml::Spanned<Datetime>>,
    diag: &mut super::Diagnostics,
) -> Option<crate::validity::Validity> {
    let valid_from = to_date(from.get_ref());
    if valid_from.is_none() {
        diag.at(src, &from.span(), "valid_from phải là một ngày (YYYY-MM-DD)");
    }
    let valid_to = to.and_then(|v| {
        let d = to_date(v.get_ref());
        if d.is_none() || d < valid_from {
            diag.at(src, &v.span(), "valid_to phải là một ngày, không trước valid_from");
        }
        d
    });
    Some(crate::validity::Validity::new(valid_from?, valid_to))
}
