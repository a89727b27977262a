//! Reading an export into a grid of text cells, whatever its format.
//!
//! Every format ends as the same thing, a table of optional strings with the row number each
//! came from, so typing and validation are written once. Downloads carry title rows above
//! the header, in workbooks and CSV alike; the header is the row among the first 30 that
//! names the most known columns. CSV goes through Polars' own reader (it is the format of
//! large exports), after transcoding to UTF-8. A workbook cell typed in a legacy font
//! (TCVN3, VNI) is re-read cell by cell. Two columns with the same name are reported.

use std::io::Cursor;

use anyhow::{Context, Result, bail};
use calamine::{Data, Reader};
use polars::prelude::*;

use super::decode::{Encoding, decode_text, nfc};

/// Cells as text, by column, with the 1-based row (line) in the file of each record.
#[derive(Debug, Default)]
pub(super) struct Grid {
    pub header: Vec<String>,
    pub columns: Vec<Vec<Option<String>>>,
    pub rows: Vec<u32>,
}

/// How a file was read, for the sources sheet.
#[derive(Debug, Clone, Default)]
pub(super) struct ReadInfo {
    pub format: &'static str,
    pub encoding: Option<Encoding>,
    pub sheet: Option<String>,
    pub header_row: u32,
    /// Headers that appear twice: (name, the column used, the column left out).
    pub duplicates: Vec<(String, String, String)>,
    /// Workbook cells re-read from a legacy font (TCVN3, VNI).
    pub legacy_cells: usize,
    /// CSV records that did not fit the header, by line (dropped, values unread).
    pub refused: Vec<(usize, super::records::Refusal)>,
    /// Workbook cells holding a formula with no value Excel computed: (row, column).
    pub uncached_formulas: Vec<(u32, String)>,
}

/// Rows searched for the header line.
const HEADER_SEARCH: usize = 30;

/// A parsed export: string columns named by the export's headers, plus `__row`.
pub(super) struct RawFrame {
    pub df: DataFrame,
    pub info: ReadInfo,
}

/// The file formats exports arrive in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Excel,
    Json,
}

impl Format {
    pub fn label(self) -> &'static str {
        match self {
            Format::Csv => "CSV",
            Format::Excel => "Excel",
            Format::Json => "JSON",
        }
    }

    pub fn of(name: &str) -> Option<Format> {
        let ext = name.rsplit('.').next()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" | "txt" => Some(Format::Csv),
            "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => Some(Format::Excel),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

/// Reads a CSV or workbook export. `is_header` scores a cell text: does it name a known column?
pub(super) fn read(bytes: &[u8], format: Format, is_header: &dyn Fn(&str) -> bool) -> Result<RawFrame> {
    match format {
        Format::Csv => read_csv(bytes, is_header),
        Format::Excel => {
            let (grid, sheet, header_row, legacy_cells, uncached_formulas) = read_excel(bytes, is_header)?;
            let duplicates = duplicates(&grid.header, excel_column);
            let info = ReadInfo {
                format: "Excel",
                sheet: Some(sheet),
                header_row,
                duplicates,
                legacy_cells,
                uncached_formulas,
                ..ReadInfo::default()
            };
            Ok(RawFrame { df: grid_frame(grid)?, info })
        }
        Format::Json => bail!("JSON được đọc theo định dạng nguồn (xem ingest::json)"),
    }
}

/// Excel's name of a 0-based column: A, B, …, Z, AA, …
pub(super) fn excel_column(i: usize) -> String {
    let mut n = i + 1;
    let mut out = Vec::new();
    while n > 0 {
        out.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    format!("cột {}", String::from_utf8(out).unwrap_or_default())
}

fn csv_column(i: usize) -> String {
    format!("cột thứ {}", i + 1)
}

/// Headers that name the same column twice (compared as name keys): the first is used.
pub(super) fn duplicates(header: &[String], place: fn(usize) -> String) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for (j, h) in header.iter().enumerate() {
        let key = crate::registry::name_key(h);
        if key.is_empty() || h.starts_with("__col") {
            continue;
        }
        if let Some(i) = header[..j].iter().position(|x| crate::registry::name_key(x) == key) {
            out.push((h.clone(), place(i), place(j)));
        }
    }
    out
}

/// The header line of a CSV text: the line among the first 30 that names the most known
/// columns (at least two), else the first. Returns its index and byte offset.
pub(super) fn find_header_line(text: &str, is_header: &dyn Fn(&str) -> bool) -> (usize, usize) {
    let mut best = (0usize, 0usize, 0usize);
    let mut offset = 0;
    for (i, line) in text.split_inclusive('\n').take(HEADER_SEARCH).enumerate() {
        let cells = split_line(line.trim_end_matches(['\r', '\n']));
        let hits = cells.iter().filter(|c| is_header(c)).count();
        if hits >= 2 && hits > best.0 {
            best = (hits, i, offset);
        }
        offset += line.len();
    }
    (best.1, best.2)
}

/// One line's cells, split on its own most likely separator (quotes respected).
pub(super) fn split_line(line: &str) -> Vec<String> {
    let separator = guess_separator(line);
    let mut cells = Vec::new();
    super::records::split(line.as_bytes(), separator, 0, 1, &mut Vec::new(), |_, fields| {
        cells = fields.iter().map(|f| nfc(String::from_utf8_lossy(f).trim()).into_owned()).collect();
        false
    });
    cells
}

/// A whole CSV export: decoded, its header found below any title lines, its records split
/// and checked against the header (see [`super::records`]), every cell cleaned.
fn read_csv(bytes: &[u8], is_header: &dyn Fn(&str) -> bool) -> Result<RawFrame> {
    let (text, enc) = decode_text(bytes);
    if text.trim().is_empty() {
        bail!("tệp CSV rỗng");
    }
    let (line, offset) = find_header_line(&text, is_header);
    let body = &text[offset..];
    let header_line = body.lines().next().unwrap_or("");
    let separator = guess_separator(header_line);
    let header: Vec<String> = split_line(header_line)
        .into_iter()
        .enumerate()
        .map(|(i, h)| if h.is_empty() { format!("__col{i}") } else { h })
        .collect();
    let mut grid = Grid { columns: vec![Vec::new(); header.len()], header, rows: Vec::new() };
    let rest = &body.as_bytes()[header_line.len().min(body.len())..];
    let rest = rest.strip_prefix(b"\r").unwrap_or(rest);
    let rest = rest.strip_prefix(b"\n").unwrap_or(rest);
    let mut refused = Vec::new();
    super::records::split(rest, separator, grid.header.len(), line + 2, &mut refused, |row, fields| {
        for (column, f) in grid.columns.iter_mut().zip(fields) {
            let t = super::decode::clean(String::from_utf8_lossy(f).trim()).into_owned();
            column.push((!t.is_empty()).then_some(t));
        }
        grid.rows.push(row as u32);
        true
    });
    let duplicates = duplicates(&grid.header, csv_column);
    let info = ReadInfo {
        format: "CSV",
        encoding: Some(enc),
        header_row: line as u32 + 1,
        duplicates,
        refused,
        ..ReadInfo::default()
    };
    Ok(RawFrame { df: grid_frame(grid)?, info })
}

/// A small CSV file read whole, for a command that takes a list rather than an export
/// (`thidua init`'s units and officers): decoded as exports are (every encoding of
/// [`decode_text`], NFC), split on the separator its first line uses most, quoted as RFC 4180;
/// the first line is the header.
#[derive(Debug)]
pub struct CsvRows {
    pub encoding: Encoding,
    pub header: Vec<String>,
    /// Every record with the 1-based line it starts on (blank lines skipped).
    pub rows: Vec<(usize, Vec<String>)>,
    /// Records that do not fit the header (another number of fields, an unclosed quote): the
    /// line and why, never their values.
    pub refused: Vec<(usize, String)>,
}

pub fn read_csv_rows(bytes: &[u8]) -> CsvRows {
    let (text, encoding) = decode_text(bytes);
    let header_line = text.lines().next().unwrap_or("");
    let separator = guess_separator(header_line);
    let header = split_line(header_line);
    let rest = &text.as_bytes()[header_line.len()..];
    let rest = rest.strip_prefix(b"\r").unwrap_or(rest);
    let rest = rest.strip_prefix(b"\n").unwrap_or(rest);
    let (mut rows, mut refused) = (Vec::new(), Vec::new());
    super::records::split(rest, separator, header.len(), 2, &mut refused, |line, fields| {
        let cells = fields.iter().map(|f| super::decode::clean(String::from_utf8_lossy(f).trim()).into_owned());
        rows.push((line, cells.collect()));
        true
    });
    let refused = refused.into_iter().map(|(line, why)| (line, why.detail_vi())).collect();
    CsvRows { encoding, header, rows, refused }
}

/// The separator of a CSV export: whichever of `,` `;` tab `|` its header line uses most.
pub(super) fn guess_separator(header_line: &str) -> u8 {
    [b',', b';', b'\t', b'|']
        .into_iter()
        .max_by_key(|&c| header_line.bytes().filter(|&b| b == c).count())
        .unwrap_or(b',')
}

/// A cell as text; a string typed in a legacy font is re-read (`legacy` counts them).
fn cell_text(cell: &Data, legacy: &mut usize) -> Option<String> {
    match cell {
        Data::Empty | Data::Error(_) => None,
        Data::String(s) => {
            let t = s.trim();
            if t.is_empty() {
                return None;
            }
            match super::decode::repair_cell(t) {
                Some(fixed) => {
                    *legacy += 1;
                    Some(super::decode::clean(&fixed).into_owned())
                }
                None => Some(super::decode::clean(t).into_owned()),
            }
        }
        Data::Int(i) => Some(i.to_string()),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => Some(format!("{}", *f as i64)),
        Data::Float(f) => Some(f.to_string()),
        Data::Bool(b) => Some(if *b { "1" } else { "0" }.to_string()),
        Data::DateTime(dt) => dt
            .as_datetime()
            .map(|d| d.format("%Y-%m-%d %H:%M:%S").to_string())
            .or_else(|| Some(dt.as_f64().to_string())),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Some(s.clone()),
    }
}

/// The cells of the chosen sheet below its header that hold a formula Excel never computed
/// (a file written by a program, not saved from Excel): their value would read as empty.
fn uncached_formulas(
    book: &mut calamine::Sheets<Cursor<&[u8]>>,
    sheet: &str,
    range: &calamine::Range<Data>,
    header_row: u32,
) -> Vec<(u32, String)> {
    let Ok(formulas) = book.worksheet_formula(sheet) else { return vec![] };
    let (r0, c0) = formulas.start().unwrap_or((0, 0));
    formulas
        .cells()
        .filter(|(_, _, f)| !f.is_empty())
        .map(|(r, c, _)| (r0 + r as u32, c0 + c as u32))
        .filter(|&(r, c)| {
            r + 1 > header_row && matches!(range.get_value((r, c)), None | Some(Data::Empty))
                || matches!(range.get_value((r, c)), Some(Data::String(s)) if s.is_empty() && r + 1 > header_row)
        })
        .map(|(r, c)| (r + 1, excel_column(c as usize)))
        .collect()
}

/// A workbook as read: the grid, its sheet, header row, legacy-font cells, uncached formulas.
type ExcelRead = (Grid, String, u32, usize, Vec<(u32, String)>);

fn read_excel(bytes: &[u8], is_header: &dyn Fn(&str) -> bool) -> Result<ExcelRead> {
    let mut legacy = 0usize;
    super::limits::check_workbook(bytes, super::limits::MAX_WORKBOOK_BYTES)?;
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .context("không mở được tệp Excel (tệp hỏng hoặc không phải Excel)")?;
    let mut best: Option<(usize, String, calamine::Range<Data>, usize)> = None;
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).with_context(|| format!("không đọc được trang tính \"{name}\""))?;
        // The header row: most cells naming known columns, among the first 30 rows.
        let found = range
            .rows()
            .take(HEADER_SEARCH)
            .enumerate()
            .map(|(i, row)| {
                let mut ignore = 0;
                let hits = row.iter().filter_map(|c| cell_text(c, &mut ignore)).filter(|t| is_header(t)).count();
                (hits, i)
            })
            .max_by_key(|&(hits, i)| (hits, std::cmp::Reverse(i)));
        if let Some((hits, i)) = found
            && hits >= 2
            && best.as_ref().is_none_or(|b| hits > b.0)
        {
            best = Some((hits, name, range, i));
        }
    }
    let Some((_, sheet, range, header_idx)) = best else {
        bail!("không tìm thấy dòng tiêu đề cột (cần ít nhất 2 tên cột đã biết trong 30 dòng đầu của một trang tính)");
    };
    let start_row = range.start().map_or(0, |(r, _)| r) as usize;
    let mut rows_iter = range.rows().enumerate().skip(header_idx);
    let (_, header_cells) = rows_iter.next().expect("header row exists");
    let header: Vec<String> = header_cells
        .iter()
        .enumerate()
        .map(|(i, c)| cell_text(c, &mut legacy).unwrap_or_else(|| format!("__col{i}")))
        .collect();
    let mut grid = Grid { columns: vec![Vec::new(); header.len()], header, rows: Vec::new() };
    for (i, row) in rows_iter {
        let cells: Vec<Option<String>> = row.iter().map(|c| cell_text(c, &mut legacy)).collect();
        if cells.iter().all(Option::is_none) {
            continue; // blank separator rows are not records
        }
        for (col, cell) in grid.columns.iter_mut().zip(cells.into_iter().chain(std::iter::repeat(None))) {
            col.push(cell);
        }
        grid.rows.push((start_row + i + 1) as u32);
    }
    let header_row = (start_row + header_idx + 1) as u32;
    let uncached = uncached_formulas(&mut book, &sheet, &range, header_row);
    Ok((grid, sheet, header_row, legacy, uncached))
}

/// The grid as a frame of text columns plus `__row`.
pub(super) fn grid_frame(grid: Grid) -> Result<DataFrame> {
    let mut cols: Vec<Column> = Vec::with_capacity(grid.header.len() + 1);
    for (name, values) in grid.header.iter().zip(grid.columns) {
        if cols.iter().any(|c| c.name().as_str() == name) {
            continue; // a repeated header: the first one wins (reported as a finding)
        }
        cols.push(Column::new(name.as_str().into(), values));
    }
    cols.push(Column::new("__row".into(), grid.rows));
    Ok(DataFrame::new_infer_height(cols)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_csv_is_read_whole_with_its_lines() {
        let csv = "\u{FEFF}Mã đơn vị,Tên đơn vị\r\nKT,\"Phòng Kinh tế, Hạ tầng\"\r\n\r\nVP,Văn phòng,extra\r\nHCC,\"Trung tâm\nPhục vụ\"\r\n";
        let read = read_csv_rows(csv.as_bytes());
        assert_eq!(read.encoding, Encoding::Utf8Bom);
        assert_eq!(read.header, ["Mã đơn vị", "Tên đơn vị"]);
        assert_eq!(read.rows[0], (2, vec!["KT".to_string(), "Phòng Kinh tế, Hạ tầng".to_string()]));
        assert_eq!(read.rows.iter().map(|r| r.0).collect::<Vec<_>>(), [2, 5], "{read:?}");
        assert_eq!(read.refused.len(), 1);
        assert_eq!(read.refused[0].0, 4);
    }

    #[test]
    fn csv_separator_and_rows() {
        let raw = read(b"MaHoSo;DonViXuLy\nA1;T\xF4\xF2\nA2;X\n", Format::Csv, &|_| false).unwrap();
        assert_eq!(raw.info.encoding, Some(Encoding::Windows1258));
        let s = raw.df.column("DonViXuLy").unwrap().str().unwrap().get(0).unwrap().to_string();
        assert_eq!(s, "Tộ");
        let rows: Vec<u32> = raw.df.column("__row").unwrap().u32().unwrap().into_no_null_iter().collect();
        assert_eq!(rows, vec![2, 3]);
    }

    #[test]
    fn title_lines_above_a_csv_header_are_skipped() {
        let text = "UBND PHƯỜNG X\nDANH SÁCH HỒ SƠ;;\n\nMaHoSo,DonViXuLy,NgayTiepNhan\nA1,T,01/10/2024\n";
        let known = |t: &str| ["MaHoSo", "DonViXuLy", "NgayTiepNhan"].contains(&t);
        let raw = read(text.as_bytes(), Format::Csv, &known).unwrap();
        assert_eq!(raw.info.header_row, 4);
        let rows: Vec<u32> = raw.df.column("__row").unwrap().u32().unwrap().into_no_null_iter().collect();
        assert_eq!(rows, vec![5]);
        assert_eq!(raw.df.column("MaHoSo").unwrap().str().unwrap().get(0), Some("A1"));
    }

    #[test]
    fn a_header_written_twice_is_named_with_both_columns() {
        let raw = read(b"MaHoSo,DonViXuLy,maHoSo\nA,T,B\n", Format::Csv, &|_| false).unwrap();
        assert_eq!(raw.info.duplicates, [("maHoSo".to_string(), "cột thứ 1".to_string(), "cột thứ 3".to_string())]);
        assert_eq!(excel_column(27), "cột AB");
    }
}
