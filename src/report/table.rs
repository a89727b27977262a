//! Writing a frame as a worksheet table with explicitly typed cells.
//!
//! Each column says what its cells are: text (codes stay text, and text that looks like a
//! formula is still text), whole numbers, rates (numbers shown as %), points, or dates
//! (real Excel dates, not strings). The header is frozen and filtered, widths are set.
//!
//! Printed, a table is never shrunk to fit: a ward office reads it on A4 at 9 pt or more.
//! A table wider than a landscape page at 85 % is split into pages side by side, each
//! repeating the columns that say whose row it is (up to the first text column), instead of
//! fitting it to one page width (which printed the 28-column ranking at 6.8 pt).

use anyhow::{Context, Result};
use chrono::{NaiveDate, NaiveDateTime};
use polars::prelude::*;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Worksheet};

use crate::score::WARD_SCOPE;

/// What the cells of a column are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Text,
    Int,
    /// A share in 0..1, shown as a percentage.
    Rate,
    /// Points or scores, two decimals.
    Points,
    DateTime,
    /// A boolean shown as "Đạt" / "Chưa đạt".
    Met,
    /// A change in points, with its sign and an arrow: "▲ +1,25", "▼ -2,91".
    Change,
}

/// One column of a sheet: its Vietnamese header, the frame column, kind and width.
pub(super) struct Col<'a> {
    pub header: &'a str,
    pub column: &'a str,
    pub kind: Kind,
    pub width: f64,
}

pub(super) const fn c<'a>(header: &'a str, column: &'a str, kind: Kind, width: f64) -> Col<'a> {
    Col { header, column, kind, width }
}

pub(super) struct Formats {
    pub title: Format,
    pub note: Format,
    pub header: Format,
    pub text: Format,
    pub int: Format,
    pub rate: Format,
    pub points: Format,
    pub change: Format,
    pub datetime: Format,
    /// Text that wraps within its column (long names, targets, reasons).
    pub wrapped: Format,
    /// "Đạt" on green, "Chưa đạt" on red.
    pub met: Format,
    pub not_met: Format,
}

impl Formats {
    pub(super) fn new() -> Formats {
        let cell = Format::new()
            .set_border(FormatBorder::Thin)
            .set_font_name("Times New Roman")
            .set_font_size(12)
            .set_align(FormatAlign::VerticalCenter);
        Formats {
            title: Format::new().set_bold().set_font_size(14).set_font_name("Times New Roman"),
            note: Format::new().set_italic().set_font_name("Times New Roman").set_font_size(11),
            header: cell
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_background_color(0xDDEBF7),
            text: cell.clone(),
            wrapped: cell.clone().set_text_wrap(),
            met: cell.clone().set_background_color(0xC6EFCE).set_font_color(0x006100),
            not_met: cell.clone().set_background_color(0xFFC7CE).set_font_color(0x9C0006),
            int: cell.clone().set_num_format("#,##0"),
            rate: cell.clone().set_num_format("0.0%"),
            points: cell.clone().set_num_format("0.00"),
            change: cell.clone().set_num_format("\"▲ \"+0.00;[Red]\"▼ \"-0.00;0.00"),
            datetime: cell.set_num_format("dd/mm/yyyy hh:mm"),
        }
    }
}

/// Excel keeps at most 32,767 characters in a cell (and rust_xlsxwriter refuses more).
const CELL_LIMIT: usize = 32_000;

/// Text as a cell may hold it: cut at Excel's limit with a marker, control characters
/// (other than line breaks and tabs) removed.
pub(super) fn cell_text(v: &str) -> std::borrow::Cow<'_, str> {
    let controls = v.chars().any(|c| c.is_control() && c != '\n' && c != '\t');
    if !controls && v.len() <= CELL_LIMIT {
        return std::borrow::Cow::Borrowed(v);
    }
    let kept: String = v.chars().filter(|c| !c.is_control() || *c == '\n' || *c == '\t').take(CELL_LIMIT).collect();
    if kept.chars().count() == CELL_LIMIT && v.chars().count() > CELL_LIMIT {
        std::borrow::Cow::Owned(kept + " …[đã cắt bớt]")
    } else {
        std::borrow::Cow::Owned(kept)
    }
}

/// Days since 1899-12-30: how Excel stores a date and time.
pub fn excel_serial(dt: NaiveDateTime) -> f64 {
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30).expect("valid").and_hms_opt(0, 0, 0).expect("valid");
    (dt - epoch).num_milliseconds() as f64 / 86_400_000.0
}

/// Writes the header at `row` and the frame below it; returns the last row written.
pub(super) fn write_table(ws: &mut Worksheet, row: u32, df: &DataFrame, cols: &[Col<'_>], f: &Formats) -> Result<u32> {
    // Lines each data row needs for its wrapped text (1 when nothing wraps).
    let mut lines = vec![1.0f64; df.height()];
    for (i, col) in cols.iter().enumerate() {
        let ci = i as u16;
        ws.write_string_with_format(row, ci, col.header, &f.header)?;
        ws.set_column_width(ci, col.width)?;
        let series = df
            .column(col.column)
            .map_err(anyhow::Error::from)
            .with_context(|| format!("cột {} không có trong bảng", col.column))?
            .as_materialized_series();
        write_column(ws, row + 1, ci, series, col.kind, col.width, &mut lines, f)?;
        // A rank is centred, so that "1" does not run into the name beside it.
        if col.column == "rank" {
            for i in 0..df.height() as u32 {
                ws.set_cell_format(row + 1 + i, ci, &f.int.clone().set_align(FormatAlign::Center))?;
            }
        }
    }
    let last = row + df.height() as u32;
    for (i, n) in lines.iter().enumerate() {
        if *n > 1.0 {
            ws.set_row_height(row + 1 + i as u32, n * LINE_PT + 3.0)?;
        }
    }
    ws.set_freeze_panes(row + 1, 0)?;
    if !cols.is_empty() {
        ws.autofilter(row, 0, last.max(row + 1), cols.len() as u16 - 1)?;
    }
    // Headers wrap onto up to three lines.
    let header_lines = cols.iter().map(|c| lines_of(c.header, c.width)).fold(1.0, f64::max).clamp(3.0, 5.0);
    ws.set_row_height(row, header_lines * LINE_PT + 3.0)?;
    ws.set_footer("&CTrang &P/&N");
    print_layout(ws, row, last, cols, false)?;
    Ok(last)
}

/// The height of one line of 12 pt text, in points.
const LINE_PT: f64 = 15.0;
/// The width inside the margins of an A4 landscape page (297 mm, 0,4 inch margins), in points.
const PAGE_PT: f64 = 841.9 - 2.0 * 0.4 * 72.0;
/// The smallest print scale: 11 pt notes print at 9,35 pt, 12 pt cells at 10,2 pt.
pub(super) const MIN_SCALE: u16 = 85;

/// A column width in Excel's characters (of the default 11 pt Calibri) as printed points,
/// with the 7 % more that LibreOffice gives a column (measured on its PDF), so that a table
/// planned for one page is on one page there too.
fn width_pt(chars: f64) -> f64 {
    (chars * 7.0 + 5.0) * 0.75 * 1.07
}

/// How many lines `text` takes in a column `width` characters wide (a line of Times New Roman
/// 12 pt holds about 1,09 letters per width unit on LibreOffice's PDF; 1,05 leaves room for
/// the words that wrap early).
fn lines_of(text: &str, width: f64) -> f64 {
    let per_line = (width * 1.05 - 1.0).max(1.0);
    text.split('\n').map(|part| (part.chars().count() as f64 / per_line).ceil().max(1.0)).sum()
}

/// A4 landscape at 100 %, or the scale (at least [`MIN_SCALE`]) that fits the table's width;
/// a wider table is split into pages side by side, each repeating the columns up to the first
/// text column (rank and name), which also stay in view on screen. The header repeats on
/// every page. With `widen`, a narrow table's print area runs on over blank columns to the
/// page's right edge, so that a title or note longer than the table is not cut off.
pub(super) fn print_layout(
    ws: &mut Worksheet,
    header_row: u32,
    last_row: u32,
    cols: &[Col<'_>],
    widen: bool,
) -> Result<()> {
    let widths: Vec<f64> = cols.iter().map(|c| width_pt(c.width)).collect();
    let total: f64 = widths.iter().sum();
    let fit = (PAGE_PT / total.max(1.0) * 100.0).floor();
    let scale = fit.clamp(f64::from(MIN_SCALE), 100.0) as u16;
    ws.set_paper_size(9).set_landscape().set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3).set_print_scale(scale);
    ws.set_repeat_rows(header_row, header_row)?;
    // Pages side by side are printed across, then down: a row's halves follow each other.
    ws.set_page_order(false);
    let room = PAGE_PT * 100.0 / f64::from(scale);
    let mut last_col = cols.len().saturating_sub(1) as u16;
    if fit < f64::from(MIN_SCALE) {
        let keys = cols.iter().position(|c| c.kind == Kind::Text).map_or(0, |i| i + 1);
        let key_width: f64 = widths[..keys].iter().sum();
        let mut breaks = Vec::new();
        let mut used = key_width;
        for (i, w) in widths.iter().enumerate().skip(keys) {
            if used + w > room && used > key_width {
                breaks.push(i as u32);
                used = key_width;
            }
            used += w;
        }
        ws.set_vertical_page_breaks(&breaks)?;
        if keys > 0 {
            ws.set_repeat_columns(0, keys as u16 - 1)?;
            ws.set_freeze_panes(header_row + 1, keys as u16)?;
        }
    } else if widen {
        // Blank columns (Excel's default width) up to the page's right edge.
        let mut used = total;
        while used + width_pt(8.43) <= room * 0.97 {
            used += width_pt(8.43);
            last_col += 1;
        }
    }
    ws.set_print_area(0, 0, last_row.max(header_row + 1), last_col)?;
    Ok(())
}

/// Page breaks between the groups of rows that share `key` (a unit's indicators), so that no
/// group is split over two pages when it fits on one. Heights are estimated as `write_table`
/// sets them; the first page also holds the `header_row` rows of titles above the table.
pub(super) fn keep_groups_on_pages(
    ws: &mut Worksheet,
    header_row: u32,
    df: &DataFrame,
    cols: &[Col<'_>],
    key: &str,
) -> Result<()> {
    let mut heights = vec![LINE_PT + 1.0; df.height()];
    for col in cols.iter().filter(|c| c.kind == Kind::Text) {
        let s = df.column(col.column)?.cast(&DataType::String)?;
        for (i, v) in s.str()?.iter().enumerate() {
            let n = v.map_or(1.0, |v| lines_of(v, col.width));
            if n > 1.0 {
                heights[i] = heights[i].max(n * LINE_PT + 3.0);
            }
        }
    }
    let total: f64 = cols.iter().map(|c| width_pt(c.width)).sum();
    let scale = (PAGE_PT / total.max(1.0) * 100.0).floor().clamp(f64::from(MIN_SCALE), 100.0) / 100.0;
    // A4 landscape, 0,6 inch top and bottom margins, in the sheet's points.
    let page = (595.3 - 2.0 * 0.6 * 72.0) / scale;
    let header = cols.iter().map(|c| lines_of(c.header, c.width)).fold(1.0, f64::max).clamp(3.0, 5.0) * LINE_PT + 3.0;
    let keys = df.column(key)?.cast(&DataType::String)?;
    let keys = keys.str()?;
    let mut breaks = Vec::new();
    let mut used = f64::from(header_row) * (LINE_PT + 1.0) + header;
    let mut i = 0;
    while i < df.height() {
        let mut j = i;
        while j < df.height() && keys.get(j) == keys.get(i) {
            j += 1;
        }
        let group: f64 = heights[i..j].iter().sum();
        if used + group > page && used > header + 1.0 && group <= page - header {
            breaks.push(header_row + 1 + i as u32);
            used = header;
        }
        used += group;
        while used > page {
            used -= page - header;
        }
        i = j;
    }
    ws.set_page_breaks(&breaks)?;
    Ok(())
}

/// A note written across the columns of the table's first printed page, wrapped onto as
/// many lines as it needs (a long note overflowing the page was cut off in print).
pub(super) fn note_across(ws: &mut Worksheet, row: u32, text: &str, cols: &[Col<'_>], f: &Formats) -> Result<()> {
    let widths: Vec<f64> = cols.iter().map(|c| width_pt(c.width)).collect();
    let total: f64 = widths.iter().sum();
    let scale = (PAGE_PT / total.max(1.0) * 100.0).floor().clamp(f64::from(MIN_SCALE), 100.0);
    let room = PAGE_PT * 100.0 / scale;
    let (mut used, mut last) = (0.0, 0usize);
    for (i, w) in widths.iter().enumerate() {
        if used + w > room {
            break;
        }
        used += w;
        last = i;
    }
    // 11 pt italic Times New Roman: about 5 points a character.
    let lines = (text.chars().count() as f64 * 5.0 / used.max(1.0)).ceil().max(1.0);
    let fmt = f.note.clone().set_text_wrap().set_align(FormatAlign::Top);
    if last == 0 {
        ws.write_string_with_format(row, 0, text, &f.note)?;
    } else {
        ws.merge_range(row, 0, row, last as u16, text, &fmt)?;
        ws.set_row_height(row, lines * 14.0 + 2.0)?;
    }
    Ok(())
}

/// The ward's rows (`first..=last`, below the units') set apart: bold, shaded, a double rule
/// above, and outside the filter, so that sorting or filtering the units leaves them be.
pub(super) fn set_apart_rows(
    ws: &mut Worksheet,
    header_row: u32,
    first: u32,
    last: u32,
    cols: &[Col<'_>],
    f: &Formats,
) -> Result<()> {
    if first <= header_row + 1 || last < first {
        return Ok(());
    }
    for row in first..=last {
        for (i, col) in cols.iter().enumerate() {
            let base = match col.kind {
                Kind::Text | Kind::Met => &f.wrapped,
                Kind::Int => &f.int,
                Kind::Rate => &f.rate,
                Kind::Points => &f.points,
                Kind::Change => &f.change,
                Kind::DateTime => &f.datetime,
            };
            let mut total = base.clone().set_bold().set_background_color(0xF2F2F2);
            if row == first {
                total = total.set_border_top(FormatBorder::Double);
            }
            ws.set_cell_format(row, i as u16, &total)?;
        }
    }
    ws.autofilter(header_row, 0, first - 1, cols.len() as u16 - 1)?;
    Ok(())
}

/// The ward's rows after the units' (keeping each side's order), and how many there are.
pub(super) fn ward_last(df: &DataFrame, key: &str) -> PolarsResult<(DataFrame, usize)> {
    let sorted = df
        .clone()
        .lazy()
        .with_column(col(key).eq(lit(WARD_SCOPE)).fill_null(lit(false)).alias("is_ward_row"))
        .sort(["is_ward_row"], SortMultipleOptions::default().with_maintain_order(true))
        .collect()?;
    let n = sorted.column("is_ward_row")?.bool()?.sum().unwrap_or(0) as usize;
    Ok((sorted, n))
}

/// Writes the table with the ward's rows (last, `ward` of them) set apart from the units'.
pub(super) fn write_with_ward(
    ws: &mut Worksheet,
    row: u32,
    df: &DataFrame,
    cols: &[Col<'_>],
    ward: usize,
    f: &Formats,
) -> Result<u32> {
    let last = write_table(ws, row, df, cols, f)?;
    if ward > 0 && df.height() > ward {
        set_apart_rows(ws, row, last + 1 - ward as u32, last, cols, f)?;
    }
    print_layout(ws, row, last, cols, true)?;
    Ok(last)
}

#[allow(clippy::too_many_arguments)]
fn write_column(
    ws: &mut Worksheet,
    first: u32,
    ci: u16,
    s: &Series,
    kind: Kind,
    width: f64,
    lines: &mut [f64],
    f: &Formats,
) -> Result<()> {
    match kind {
        Kind::Text => {
            let s = s.cast(&DataType::String)?;
            for (i, v) in s.str()?.iter().enumerate() {
                match v {
                    Some(v) => {
                        let n = lines_of(v, width);
                        let fmt = if n > 1.0 { &f.wrapped } else { &f.text };
                        lines[i] = lines[i].max(n);
                        ws.write_string_with_format(first + i as u32, ci, cell_text(v).as_ref(), fmt)?
                    }
                    None => ws.write_blank(first + i as u32, ci, &f.text)?,
                };
            }
        }
        Kind::Met => {
            for (i, v) in s.bool()?.iter().enumerate() {
                let (text, fmt) = match v {
                    Some(true) => ("Đạt", &f.met),
                    Some(false) => ("Chưa đạt", &f.not_met),
                    None => ("", &f.text),
                };
                ws.write_string_with_format(first + i as u32, ci, text, fmt)?;
            }
        }
        Kind::Int | Kind::Rate | Kind::Points | Kind::Change => {
            let fmt = match kind {
                Kind::Int => &f.int,
                Kind::Rate => &f.rate,
                Kind::Change => &f.change,
                _ => &f.points,
            };
            let s = s.cast(&DataType::Float64)?;
            for (i, v) in s.f64()?.iter().enumerate() {
                match v {
                    Some(v) if v.is_finite() => ws.write_number_with_format(first + i as u32, ci, v, fmt)?,
                    _ => ws.write_blank(first + i as u32, ci, fmt)?,
                };
            }
        }
        Kind::DateTime => {
            let s = s.cast(&DataType::Datetime(TimeUnit::Microseconds, None))?;
            let phys = s.datetime()?.physical().clone();
            for (i, v) in phys.iter().enumerate() {
                match v.and_then(chrono::DateTime::from_timestamp_micros) {
                    Some(dt) => {
                        ws.write_number_with_format(first + i as u32, ci, excel_serial(dt.naive_utc()), &f.datetime)?
                    }
                    None => ws.write_blank(first + i as u32, ci, &f.datetime)?,
                };
            }
        }
    }
    Ok(())
}

/// Sets a row's height for its wrapped text: LibreOffice does not grow rows by itself, so
/// without this a long cell is drawn over the rows below. `cells` are (text, column width in
/// characters); `line_pt` is the height of one line.
pub(super) fn fit_row(ws: &mut Worksheet, row: u32, cells: &[(&str, f64)], line_pt: f64) -> Result<()> {
    let lines = cells
        .iter()
        .map(|(text, width)| {
            let per_line = (width * 0.95).max(1.0);
            text.split('\n').map(|part| (part.chars().count() as f64 / per_line).ceil().max(1.0)).sum::<f64>()
        })
        .fold(1.0, f64::max);
    ws.set_row_height(row, lines * line_pt + 3.0)?;
    Ok(())
}
