//! Reading an export into a grid of text cells, whatever its format.
//!
//! Every format ends as the same thing, a table of optional strings with the row number each
//! came from, so typing and validation are written once. XLSX downloads carry title rows
//! above the header; the header is the first row among the first 30 that matches the most
//! known column names. CSV goes through Polars' own reader (it is the format of large
//! exports), after transcoding to UTF-8.

use std::io::Cursor;

use anyhow::{Context, Result, bail};
use calamine::{Data, Reader};
use polars::prelude::*;

use super::decode::{Encoding, decode_text, nfc};

/// Cells as text, by column, with the 1-based row (line) in the file of each record.
#[derive(Debug, Default)]
pub struct Grid {
    pub header: Vec<String>,
    pub columns: Vec<Vec<Option<String>>>,
    pub rows: Vec<u32>,
}

/// How a file was read, for the sources sheet.
#[derive(Debug, Clone)]
pub struct ReadInfo {
    pub format: &'static str,
    pub encoding: Option<Encoding>,
    pub sheet: Option<String>,
    pub header_row: u32,
}

/// A parsed export: string columns named by the export's headers, plus `__row`.
pub struct RawFrame {
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

/// Reads an export. `is_header` scores a cell text: does it name a known column?
pub fn read(bytes: &[u8], format: Format, is_header: &dyn Fn(&str) -> bool) -> Result<RawFrame> {
    match format {
        Format::Csv => read_csv(bytes),
        Format::Excel => {
            let (grid, sheet, header_row) = read_excel(bytes, is_header)?;
            let info = ReadInfo { format: "Excel", encoding: None, sheet: Some(sheet), header_row };
            Ok(RawFrame { df: grid_frame(grid)?, info })
        }
        Format::Json => {
            let (text, enc) = decode_text(bytes);
            let grid = read_json(&text)?;
            let info = ReadInfo { format: "JSON", encoding: Some(enc), sheet: None, header_row: 0 };
            Ok(RawFrame { df: grid_frame(grid)?, info })
        }
    }
}

fn read_csv(bytes: &[u8]) -> Result<RawFrame> {
    let (text, enc) = decode_text(bytes);
    let separator = guess_separator(text.lines().next().unwrap_or(""));
    read_csv_text(text.into_bytes(), separator, enc, None)
}

/// The separator of a CSV export: whichever of `,` `;` tab `|` its header line uses most.
pub fn guess_separator(header_line: &str) -> u8 {
    [b',', b';', b'\t', b'|']
        .into_iter()
        .max_by_key(|&c| header_line.bytes().filter(|&b| b == c).count())
        .unwrap_or(b',')
}

/// Reads UTF-8 CSV text, every column as text. `rows`: the record number of each record
/// when the text is an extract; by default data records count from line 2.
pub fn read_csv_text(text: Vec<u8>, separator: u8, enc: Encoding, rows: Option<Vec<u32>>) -> Result<RawFrame> {
    let df = CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .with_parse_options(CsvParseOptions::default().with_separator(separator))
        .into_reader_with_file_handle(Cursor::new(text))
        .finish()
        .map_err(anyhow::Error::from)
        .context("không đọc được CSV")?;
    let n = df.height() as u32;
    let rows = rows.unwrap_or_else(|| (2..n + 2).collect());
    if rows.len() != df.height() {
        bail!("số bản ghi đọc được ({}) khác số bản ghi đã lọc ({})", df.height(), rows.len());
    }
    let df = df.hstack(&[Column::new("__row".into(), rows)])?;
    let info = ReadInfo { format: "CSV", encoding: Some(enc), sheet: None, header_row: 1 };
    Ok(RawFrame { df, info })
}

fn cell_text(cell: &Data) -> Option<String> {
    match cell {
        Data::Empty | Data::Error(_) => None,
        Data::String(s) => {
            let t = s.trim();
            (!t.is_empty()).then(|| nfc(t).into_owned())
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

fn read_excel(bytes: &[u8], is_header: &dyn Fn(&str) -> bool) -> Result<(Grid, String, u32)> {
    super::limits::check_workbook(bytes, super::limits::MAX_WORKBOOK_BYTES)?;
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .context("không mở được tệp Excel (tệp hỏng hoặc không phải Excel)")?;
    let mut best: Option<(usize, String, calamine::Range<Data>, usize)> = None;
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).with_context(|| format!("không đọc được trang tính \"{name}\""))?;
        // The header row: most cells naming known columns, among the first 30 rows.
        let found = range
            .rows()
            .take(30)
            .enumerate()
            .map(|(i, row)| {
                let hits = row.iter().filter_map(cell_text).filter(|t| is_header(t)).count();
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
    let header: Vec<String> =
        header_cells.iter().enumerate().map(|(i, c)| cell_text(c).unwrap_or_else(|| format!("__col{i}"))).collect();
    let mut grid = Grid { columns: vec![Vec::new(); header.len()], header, rows: Vec::new() };
    for (i, row) in rows_iter {
        let cells: Vec<Option<String>> = row.iter().map(cell_text).collect();
        if cells.iter().all(Option::is_none) {
            continue; // blank separator rows are not records
        }
        for (col, cell) in grid.columns.iter_mut().zip(cells.into_iter().chain(std::iter::repeat(None))) {
            col.push(cell);
        }
        grid.rows.push((start_row + i + 1) as u32);
    }
    Ok((grid, sheet, (start_row + header_idx + 1) as u32))
}

fn read_json(text: &str) -> Result<Grid> {
    let value: serde_json::Value = serde_json::from_str(text).context("JSON không hợp lệ")?;
    let records = match value {
        serde_json::Value::Array(a) => a,
        serde_json::Value::Object(o) => {
            let mut arrays = o.into_iter().filter_map(|(_, v)| match v {
                serde_json::Value::Array(a) => Some(a),
                _ => None,
            });
            match (arrays.next(), arrays.next()) {
                (Some(a), None) => a,
                _ => bail!("JSON phải là một mảng bản ghi, hoặc một đối tượng chứa đúng một mảng"),
            }
        }
        _ => bail!("JSON phải là một mảng bản ghi"),
    };
    let mut grid = Grid::default();
    for (i, rec) in records.iter().enumerate() {
        let serde_json::Value::Object(obj) = rec else {
            bail!("bản ghi thứ {} không phải đối tượng JSON", i + 1);
        };
        for (key, v) in obj {
            let key = nfc(key).into_owned();
            let col = match grid.header.iter().position(|h| *h == key) {
                Some(c) => c,
                None => {
                    grid.header.push(key);
                    grid.columns.push(vec![None; i]);
                    grid.columns.len() - 1
                }
            };
            let text = match v {
                serde_json::Value::Null => None,
                serde_json::Value::String(s) => Some(nfc(s.trim()).into_owned()).filter(|s| !s.is_empty()),
                other => Some(other.to_string()),
            };
            grid.columns[col].push(text);
        }
        for col in &mut grid.columns {
            col.resize(i + 1, None);
        }
        grid.rows.push(i as u32 + 1);
    }
    Ok(grid)
}

fn grid_frame(grid: Grid) -> Result<DataFrame> {
    let mut cols: Vec<Column> = Vec::with_capacity(grid.header.len() + 1);
    for (name, values) in grid.header.iter().zip(grid.columns) {
        if cols.iter().any(|c| c.name().as_str() == name) {
            continue; // a repeated header: the first one wins
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
    fn csv_separator_and_rows() {
        let raw = read(b"MaHoSo;DonViXuLy\nA1;T\xF4\xF2\nA2;X\n", Format::Csv, &|_| false).unwrap();
        assert_eq!(raw.info.encoding, Some(Encoding::Windows1258));
        let s = raw.df.column("DonViXuLy").unwrap().str().unwrap().get(0).unwrap().to_string();
        assert_eq!(s, "Tộ");
        let rows: Vec<u32> = raw.df.column("__row").unwrap().u32().unwrap().into_no_null_iter().collect();
        assert_eq!(rows, vec![2, 3]);
    }

    #[test]
    fn json_records_with_missing_keys() {
        let g = read_json(r#"{"data":[{"a":"x","b":1},{"b":null,"c":true}]}"#).unwrap();
        assert_eq!(g.header, vec!["a", "b", "c"]);
        assert_eq!(g.columns[0], vec![Some("x".into()), None]);
        assert_eq!(g.columns[2], vec![None, Some("true".into())]);
    }
}
