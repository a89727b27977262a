//! A temporary project: a fixture folder copied with the shipped methodology and holidays,
//! and helpers to read a workbook back.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use calamine::{Data, Reader};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for entry in std::fs::read_dir(src).unwrap() {
        let entry = entry.unwrap();
        let to = dst.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &to);
        } else {
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
}

/// A copy of `tests/fixtures/<name>` in a temporary folder, with the shipped
/// `config/methodology` and `config/holidays`.
pub fn project(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("tests/fixtures").join(name), dir.path());
    copy_dir(&repo().join("config/methodology"), &dir.path().join("config/methodology"));
    copy_dir(&repo().join("config/holidays"), &dir.path().join("config/holidays"));
    dir
}

/// A sheet read back: cells by row, and the row index of the header.
pub struct Sheet {
    pub rows: Vec<Vec<Data>>,
    pub header_row: usize,
}

impl Sheet {
    pub fn read(path: &Path, name: &str, header_row: usize) -> Sheet {
        let mut wb = calamine::open_workbook_auto(path).unwrap();
        let range = wb.worksheet_range(name).unwrap_or_else(|e| panic!("sheet {name}: {e}"));
        Sheet { rows: range.rows().map(<[Data]>::to_vec).collect(), header_row }
    }

    fn col(&self, header: &str) -> usize {
        self.rows[self.header_row]
            .iter()
            .position(|c| *c == header)
            .unwrap_or_else(|| panic!("no column {header:?} in {:?}", self.rows[self.header_row]))
    }

    /// Data rows as maps from header to cell.
    pub fn records(&self) -> Vec<HashMap<String, Data>> {
        let headers: Vec<String> = self.rows[self.header_row].iter().map(ToString::to_string).collect();
        self.rows[self.header_row + 1..]
            .iter()
            .take_while(|r| r.iter().any(|c| !matches!(c, Data::Empty)))
            .map(|r| headers.iter().cloned().zip(r.iter().cloned()).collect())
            .collect()
    }

    /// The data row whose `key` column holds `value`.
    pub fn find(&self, key: &str, value: &str) -> HashMap<String, Data> {
        let k = self.col(key);
        let headers: Vec<String> = self.rows[self.header_row].iter().map(ToString::to_string).collect();
        let row = self.rows[self.header_row + 1..]
            .iter()
            .find(|r| r.get(k).is_some_and(|c| *c == value))
            .unwrap_or_else(|| panic!("no row with {key} = {value}"));
        headers.into_iter().zip(row.iter().cloned()).collect()
    }

    /// Every text cell in the sheet, for scans.
    pub fn all_text(&self) -> String {
        self.rows.iter().flatten().map(ToString::to_string).collect::<Vec<_>>().join("\n")
    }
}

pub fn num(cell: &Data) -> f64 {
    match cell {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        other => panic!("expected a number, got {other:?}"),
    }
}

pub fn text(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.clone(),
        other => panic!("expected text, got {other:?}"),
    }
}
