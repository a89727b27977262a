//! `thidua score`: one index methodology applied to a CSV of component values, printed as
//! CSV — so anyone can check the engine against a published table.

use std::io::{Cursor, Write};
use std::path::Path;

use anyhow::{Context, Result};
use polars::prelude::*;

use crate::config::load_checked as load_config;
use crate::config::{Diagnostics, diag, load_index_method};
use crate::ingest::decode_text;
use crate::outcome::{Failure, Tag};
use crate::score::{IndexMethod, score_index};

/// The methodology named by id (from the configuration) or by path.
fn method(config_path: &Path, method: &str) -> Result<IndexMethod> {
    let as_path = Path::new(method);
    if as_path.is_file() {
        let mut d = Diagnostics::default();
        let m = load_index_method(Path::new("."), as_path, &mut d);
        diag::into_result(d).tag(Failure::Config)?;
        return m.context("phương pháp không hợp lệ").tag(Failure::Config);
    }
    let config = load_config(config_path)?;
    let known: Vec<String> = config.methodologies.indices.iter().map(|m| m.id.clone()).collect();
    config
        .methodologies
        .index(method)
        .cloned()
        .with_context(|| format!("không có phương pháp \"{method}\" (có: {})", known.join(", ")))
        .tag(Failure::Config)
}

fn read_input(path: &Path) -> Result<DataFrame> {
    let bytes = std::fs::read(path).with_context(|| format!("không đọc được {}", path.display()))?;
    let (text, _) = decode_text(&bytes);
    CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(None)
        .with_schema_overwrite(Some(Arc::new(Schema::from_iter([Field::new("unit".into(), DataType::String)]))))
        .into_reader_with_file_handle(Cursor::new(text.into_bytes()))
        .finish()
        .map_err(anyhow::Error::from)
        .with_context(|| format!("không đọc được CSV {}", path.display()))
}

/// Runs the command: prints `unit,total,band,rank,<component points…>`.
pub(super) fn score(
    config_path: &Path,
    method_name: &str,
    input: &Path,
    year: Option<i32>,
    out: &mut impl Write,
) -> Result<()> {
    let m = method(config_path, method_name)?;
    let df = read_input(input).tag(Failure::Data)?;
    let r = score_index(&df, &m, year).with_context(|| format!("{}: {}", input.display(), m.id)).tag(Failure::Data)?;
    let codes: Vec<&str> = m.components.iter().map(|c| c.code.as_str()).collect();
    writeln!(out, "unit,total,band,rank,{}", codes.join(","))?;
    let units = &r.units;
    let unit = units.column("unit")?.str()?;
    let total = units.column("total")?.f64()?;
    let band = units.column("band")?.str()?;
    let rank = units.column("rank")?.u32()?;
    let points = r.components.clone().lazy().select([col("unit"), col("component"), col("points")]).collect()?;
    let (pu, pc, pp) =
        (points.column("unit")?.str()?, points.column("component")?.str()?, points.column("points")?.f64()?);
    let p = m.precision as usize;
    for i in 0..units.height() {
        let u = unit.get(i).unwrap_or("");
        let mut line = format!(
            "{},{},{},{}",
            csv_field(u),
            total.get(i).map_or(String::new(), |t| format!("{t:.p$}")),
            csv_field(band.get(i).unwrap_or("")),
            rank.get(i).map_or(String::new(), |r| r.to_string())
        );
        for code in &codes {
            let v = (0..points.height())
                .find(|&j| pu.get(j) == Some(u) && pc.get(j) == Some(*code))
                .and_then(|j| pp.get(j));
            line.push(',');
            line.push_str(&v.map_or(String::new(), |v| format!("{v:.4}")));
        }
        writeln!(out, "{line}")?;
    }
    Ok(())
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}
