//! A temporary project: a fixture folder copied with the shipped methodology and holidays,
//! and helpers to read a workbook back.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use calamine::{Data, Reader};

pub(crate) fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub(crate) fn copy_dir(src: &Path, dst: &Path) {
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
/// `config/methodology`, `config/holidays` and `config/formats`.
pub(crate) fn project(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("tests/fixtures").join(name), dir.path());
    copy_dir(&repo().join("config/methodology"), &dir.path().join("config/methodology"));
    copy_dir(&repo().join("config/holidays"), &dir.path().join("config/holidays"));
    copy_dir(&repo().join("config/formats"), &dir.path().join("config/formats"));
    dir
}

/// A sheet read back: cells by row, and the row index of the header.
pub(crate) struct Sheet {
    pub rows: Vec<Vec<Data>>,
    pub header_row: usize,
}

impl Sheet {
    pub(crate) fn read(path: &Path, name: &str, header_row: usize) -> Sheet {
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
    pub(crate) fn records(&self) -> Vec<HashMap<String, Data>> {
        let headers: Vec<String> = self.rows[self.header_row].iter().map(ToString::to_string).collect();
        self.rows[self.header_row + 1..]
            .iter()
            .take_while(|r| r.iter().any(|c| !matches!(c, Data::Empty)))
            .map(|r| headers.iter().cloned().zip(r.iter().cloned()).collect())
            .collect()
    }

    /// The data row whose `key` column holds `value`.
    pub(crate) fn find(&self, key: &str, value: &str) -> HashMap<String, Data> {
        let k = self.col(key);
        let headers: Vec<String> = self.rows[self.header_row].iter().map(ToString::to_string).collect();
        let row = self.rows[self.header_row + 1..]
            .iter()
            .find(|r| r.get(k).is_some_and(|c| *c == value))
            .unwrap_or_else(|| panic!("no row with {key} = {value}"));
        headers.into_iter().zip(row.iter().cloned()).collect()
    }

    /// Every text cell in the sheet, for scans.
    pub(crate) fn all_text(&self) -> String {
        self.rows.iter().flatten().map(ToString::to_string).collect::<Vec<_>>().join("\n")
    }
}

pub(crate) fn num(cell: &Data) -> f64 {
    match cell {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        other => panic!("expected a number, got {other:?}"),
    }
}

pub(crate) fn text(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.clone(),
        other => panic!("expected text, got {other:?}"),
    }
}

/// Every file under a folder (none if it does not exist).
pub(crate) fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else { return out };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// The parts of a raw e-mail, decoded: (content type, body bytes), leaves only.
pub(crate) fn mime_parts(raw: &str) -> Vec<(String, Vec<u8>)> {
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((raw, ""));
    let header = |name: &str| -> Option<String> {
        let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
        unfolded
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with(&format!("{}:", name.to_ascii_lowercase())))
            .map(|l| l[name.len() + 1..].trim().to_string())
    };
    let ctype = header("Content-Type").unwrap_or_else(|| "text/plain".into());
    if let Some(b) = ctype.split("boundary=").nth(1) {
        let boundary = format!("--{}", b.trim_matches('"').split(';').next().unwrap().trim_matches('"'));
        return body
            .split(boundary.as_str())
            .skip(1)
            .filter(|p| !p.starts_with("--"))
            .flat_map(|p| mime_parts(p.trim_start_matches("\r\n")))
            .collect();
    }
    let data = match header("Content-Transfer-Encoding").as_deref().map(str::to_ascii_lowercase).as_deref() {
        Some("base64") => {
            use base64::Engine;
            let b64: String = body.split_whitespace().collect();
            base64::engine::general_purpose::STANDARD.decode(b64).unwrap_or_default()
        }
        Some("quoted-printable") => quoted_printable(body),
        _ => body.as_bytes().to_vec(),
    };
    vec![(ctype, data)]
}

fn quoted_printable(s: &str) -> Vec<u8> {
    let s = s.replace("=\r\n", "");
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'='
            && let Some(Ok(v)) = b.get(i + 1..i + 3).map(|h| u8::from_str_radix(&String::from_utf8_lossy(h), 16))
        {
            out.push(v);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

/// The header lines of a raw message, unfolded: (name, value).
pub(crate) fn mail_headers(raw: &str) -> Vec<(String, String)> {
    let head = raw.split("\r\n\r\n").next().unwrap_or("");
    let mut out: Vec<(String, String)> = Vec::new();
    for line in head.split("\r\n") {
        if line.starts_with([' ', '\t']) {
            if let Some(last) = out.last_mut() {
                last.1.push_str(line);
            }
        } else if let Some((k, v)) = line.split_once(':') {
            out.push((k.to_string(), v.trim().to_string()));
        } else {
            out.push((line.to_string(), String::new()));
        }
    }
    out
}

/// What a reader sees of an HTML part: the text between tags, entities decoded.
pub(crate) fn strip_tags(html: &str) -> String {
    // Bold runs inside a sentence; every other tag ends a piece of text.
    let html = html.replace("<b>", "").replace("</b>", "");
    let mut out = String::new();
    let mut inside = false;
    for ch in html.chars() {
        match ch {
            '<' => inside = true,
            '>' => {
                inside = false;
                out.push(' ');
            }
            _ if !inside => out.push(ch),
            _ => {}
        }
    }
    out.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// A copy of the shipped project with `thidua run monthly` done for each period, and the last
/// period's workbook.
pub(crate) fn sample_month(periods: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["config", "pipelines", "samples"] {
        copy_dir(&repo().join(sub), &dir.path().join(sub));
    }
    for period in periods {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_thidua"))
            .current_dir(dir.path())
            .args(["run", "monthly", "--period", period])
            .output()
            .unwrap();
        assert!(out.status.success(), "{period}: {}", String::from_utf8_lossy(&out.stderr));
    }
    let last = periods.last().expect("a period");
    let book = dir.path().join(format!("output/{last}/bang-diem-dich-vu-cong-{last}.xlsx"));
    (dir, book)
}
