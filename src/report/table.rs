//! Writing a frame as a worksheet table with explicitly typed cells.
//!
//! Each column says what its cells are: text (codes stay text, and text that looks like a
//! formula is still text), whole numbers, rates (numbers shown as %), points, or dates
//! (real Excel dates, not strings). The header is frozen and filtered, widths are set.

use anyhow::{Context, Result};
use chrono::{NaiveDate, NaiveDateTime};
use polars::prelude::*;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Worksheet};

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
    pub datetime: Format,
}

impl Formats {
    pub(super) fn new() -> Formats {
        let cell = Format::new().set_border(FormatBorder::Thin).set_font_name("Times New Roman").set_font_size(12);
        Formats {
            title: Format::new().set_bold().set_font_size(14).set_font_name("Times New Roman"),
            note: Format::new().set_italic().set_font_name("Times New Roman"),
            header: cell
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_background_color(0xDDEBF7),
            text: cell.clone(),
            int: cell.clone().set_num_format("#,##0"),
            rate: cell.clone().set_num_format("0.0%"),
            points: cell.clone().set_num_format("0.00"),
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
    for (i, col) in cols.iter().enumerate() {
        let ci = i as u16;
        ws.write_string_with_format(row, ci, col.header, &f.header)?;
        ws.set_column_width(ci, col.width)?;
        let series = df
            .column(col.column)
            .map_err(anyhow::Error::from)
            .with_context(|| format!("cột {} không có trong bảng", col.column))?
            .as_materialized_series();
        write_column(ws, row + 1, ci, series, col.kind, f)?;
    }
    let last = row + df.height() as u32;
    ws.set_freeze_panes(row + 1, 0)?;
    if !cols.is_empty() {
        ws.autofilter(row, 0, last.max(row + 1), cols.len() as u16 - 1)?;
        // Print only the table (titles and notes may run wider), one page wide.
        ws.set_print_area(0, 0, last.max(row + 1), cols.len() as u16 - 1)?;
    }
    // Headers wrap onto up to three lines.
    ws.set_row_height(row, 48)?;
    // Printed: A4 landscape, one page wide, the header on every page, page numbers.
    // (Sheets that print differently, like the one-page cards, set their own after this.)
    ws.set_paper_size(9).set_landscape().set_print_fit_to_pages(1, 0).set_repeat_rows(row, row)?;
    ws.set_footer("&CTrang &P/&N");
    Ok(last)
}

fn write_column(ws: &mut Worksheet, first: u32, ci: u16, s: &Series, kind: Kind, f: &Formats) -> Result<()> {
    match kind {
        Kind::Text => {
            let s = s.cast(&DataType::String)?;
            for (i, v) in s.str()?.iter().enumerate() {
                match v {
                    Some(v) => ws.write_string_with_format(first + i as u32, ci, cell_text(v).as_ref(), &f.text)?,
                    None => ws.write_blank(first + i as u32, ci, &f.text)?,
                };
            }
        }
        Kind::Met => {
            for (i, v) in s.bool()?.iter().enumerate() {
                let text = match v {
                    Some(true) => "Đạt",
                    Some(false) => "Chưa đạt",
                    None => "",
                };
                ws.write_string_with_format(first + i as u32, ci, text, &f.text)?;
            }
        }
        Kind::Int | Kind::Rate | Kind::Points => {
            let fmt = match kind {
                Kind::Int => &f.int,
                Kind::Rate => &f.rate,
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
