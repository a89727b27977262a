//! The layout the sample workbooks share, as the ward's systems export it: three merged
//! title rows, an empty row, the header on row 5 and data from row 6 (the dossier downloads
//! have no empty row: their header is on row 4).

use std::path::Path;

use anyhow::Result;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, Worksheet};

use super::calendar::{Calendar, Ts};
use super::write_atomic;

/// Zero-based index of the first data row (row 6 in Excel).
pub(crate) const FIRST_DATA_ROW: u32 = 5;

/// A workbook whose creation time is the download moment, so the bytes depend on the seed only.
pub(crate) fn workbook(cal: &Calendar, at: Ts) -> Result<Workbook> {
    workbook_by(cal, at, "Hệ thống thông tin giải quyết TTHC")
}

/// Like [`workbook`], for a workbook made by someone other than the dossier system.
pub(crate) fn workbook_by(cal: &Calendar, at: Ts, author: &str) -> Result<Workbook> {
    let mut wb = Workbook::new();
    let props = DocProperties::new().set_author(author).set_creation_datetime(&excel_datetime(cal, at)?);
    wb.set_properties(&props);
    Ok(wb)
}

pub(crate) fn excel_datetime(cal: &Calendar, ts: Ts) -> Result<ExcelDateTime> {
    let (y, m, d) = cal.ymd(ts.day);
    let (h, mi, s) = (ts.sec / 3600, ts.sec / 60 % 60, ts.sec % 60);
    Ok(ExcelDateTime::from_ymd(y, m, d)?.and_hms(h as u16, mi as u8, s as u8)?)
}

/// Adds a sheet with the title rows and the header; `widths` are per column.
pub(crate) fn titled_sheet<'a>(
    wb: &'a mut Workbook,
    name: &str,
    titles: [&str; 3],
    headers: &[&str],
    widths: &[f64],
) -> Result<&'a mut Worksheet> {
    titled_sheet_at(wb, name, titles, headers, widths, FIRST_DATA_ROW - 1)
}

/// Like [`titled_sheet`], with the header on the given zero-based row (3: right below the
/// title rows).
pub(crate) fn titled_sheet_at<'a>(
    wb: &'a mut Workbook,
    name: &str,
    titles: [&str; 3],
    headers: &[&str],
    widths: &[f64],
    header_row: u32,
) -> Result<&'a mut Worksheet> {
    let ws = wb.add_worksheet();
    ws.set_name(name)?;
    let title = Format::new().set_bold().set_align(FormatAlign::Center);
    let header = Format::new().set_bold().set_border(rust_xlsxwriter::FormatBorder::Thin).set_text_wrap();
    let last = headers.len() as u16 - 1;
    for (row, text) in titles.iter().enumerate() {
        ws.merge_range(row as u32, 0, row as u32, last, text, &title)?;
    }
    for (col, h) in headers.iter().enumerate() {
        ws.write_string_with_format(header_row, col as u16, *h, &header)?;
    }
    for (col, w) in widths.iter().enumerate() {
        ws.set_column_width(col as u16, *w)?;
    }
    Ok(ws)
}

pub(crate) fn save(wb: &mut Workbook, path: &Path) -> Result<()> {
    let bytes = wb.save_to_buffer()?;
    write_atomic(path, &bytes)
}

/// Writes text, or nothing at all for an empty value (an empty cell, not an empty string).
pub(crate) fn text(ws: &mut Worksheet, row: u32, col: u16, value: &str) -> Result<()> {
    if !value.is_empty() {
        ws.write_string(row, col, value)?;
    }
    Ok(())
}
