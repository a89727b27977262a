//! Ingest: archived exports → decoded, mapped, typed and validated canonical tables.
//!
//! One entry point, [`ingest`]. Per file: read (`tabular`), match headers and type
//! (`typing`), apply the dataset's rules (`checks`); then per dataset: resolve unit
//! names through the registry and drop dossiers downloaded twice. Problems in rows become
//! findings; a file that cannot be read at all stops the run with its name, so a report is
//! never built from part of the data without anyone knowing.
//!
//! A dossier log in UTF-8 CSV is streamed through `prefilter`, which keeps only the
//! period's records: a province's year of dossiers never has to fit in memory.

mod checks;
mod decode;
pub mod findings;
#[cfg(test)]
mod fuzz;
mod limits;
mod prefilter;
mod s2;
mod schema;
mod tabular;
mod typing;

use std::collections::BTreeMap;

use anyhow::{Context as _, Result};
use chrono::NaiveDateTime;
use polars::prelude::*;

pub use decode::{Encoding, decode_text, nfc};
pub use findings::{Example, Finding, Severity};
pub use schema::{Dataset, STATUSES};
pub use tabular::Format;

use crate::config::Registry;
use crate::outcome::{Failure, Tag};
use crate::pipeline::Period;
use crate::pull::{Content, Fetched};

/// What ingest needs to know besides the files.
pub struct Context<'a> {
    pub registry: &'a Registry,
    pub period: Period,
    /// The ward's local time now: values after it are impossible.
    pub now: NaiveDateTime,
}

/// How one file was read, for the sources sheet.
#[derive(Debug, Clone)]
pub struct FileReport {
    pub source: String,
    pub dataset: Dataset,
    pub name: String,
    pub origin: String,
    pub sha256: String,
    pub fetched_at: String,
    pub format: &'static str,
    pub encoding: Option<Encoding>,
    pub sheet: Option<String>,
    pub header_row: u32,
    pub rows_read: usize,
    pub rows_kept: usize,
    pub personal_dropped: Vec<String>,
    pub ignored: Vec<String>,
}

pub struct Ingested {
    pub tables: BTreeMap<Dataset, DataFrame>,
    pub findings: Vec<Finding>,
    pub files: Vec<FileReport>,
}

impl Ingested {
    pub fn table(&self, dataset: Dataset) -> Option<&DataFrame> {
        self.tables.get(&dataset)
    }
}

/// Reads, validates and combines every fetched file.
pub fn ingest(files: &[Fetched], ctx: &Context<'_>) -> Result<Ingested> {
    let mut findings = Vec::new();
    let mut reports = Vec::new();
    let mut parts: BTreeMap<Dataset, Vec<DataFrame>> = BTreeMap::new();
    for file in files {
        let (df, report) = ingest_file(file, ctx, &mut findings)
            .with_context(|| format!("tệp {} (nguồn \"{}\")", file.archived.origin, file.source.id))
            .tag(Failure::Data)?;
        parts.entry(file.dataset()).or_default().push(df);
        reports.push(report);
    }
    let mut tables = BTreeMap::new();
    for (dataset, frames) in parts {
        let lazy: Vec<LazyFrame> = frames.into_iter().map(IntoLazy::lazy).collect();
        let df = concat(lazy, UnionArgs::default())?.collect()?;
        let df = if dataset.has_units() {
            checks::resolve_units(dataset, df, ctx.registry, ctx.period.last_day(), &mut findings)?
        } else {
            df
        };
        let df = match dataset {
            Dataset::Dossiers => checks::dedupe_dossiers(df, &mut findings)?,
            _ => df,
        };
        tables.insert(dataset, df);
    }
    Ok(Ingested { tables, findings: checks::fold(findings), files: reports })
}

fn ingest_file(file: &Fetched, ctx: &Context<'_>, findings: &mut Vec<Finding>) -> Result<(DataFrame, FileReport)> {
    let dataset = file.dataset();
    let format = Format::of(&file.name)
        .with_context(|| "không nhận ra định dạng (dùng .csv, .xlsx, .xls hoặc .json)".to_string())?;
    let streamed = match (&file.content, dataset, format) {
        (Content::File(path), Dataset::Dossiers, Format::Csv) => read_streamed(file, path, ctx)?,
        _ => None,
    };
    let mut watch = crate::stopwatch::Stopwatch::start();
    let (parts, info, rows_read, mapping) = match streamed {
        Some(read) => read,
        None => {
            let raw = read_whole(file, dataset, format)?;
            let headers: Vec<String> = raw.df.get_column_names().iter().map(|s| s.to_string()).collect();
            let mapping = typing::map_headers(dataset, &file.source.columns, &headers);
            let rows = raw.df.height();
            (vec![raw.df], raw.info, rows, mapping)
        }
    };
    watch.lap("  read (in memory)");
    let typed = type_parts(dataset, parts, &mapping, &file.name, findings)?;
    watch.lap("  typing");
    let kept = checks::apply_rules(dataset, typed, &file.name, ctx.now, findings)?;
    watch.lap("  rules");
    let report = FileReport {
        source: file.source.id.clone(),
        dataset,
        name: file.name.clone(),
        origin: file.archived.origin.clone(),
        sha256: file.archived.sha256.clone(),
        fetched_at: file.archived.fetched_at.clone(),
        format: info.format,
        encoding: info.encoding,
        sheet: info.sheet,
        header_row: info.header_row,
        rows_read,
        rows_kept: kept.height(),
        personal_dropped: mapping.personal_dropped,
        ignored: mapping.ignored,
    };
    Ok((kept, report))
}

/// A file as read: its rows in parts (text), how it was read, its record count, its header map.
type Read = (Vec<DataFrame>, tabular::ReadInfo, usize, typing::Mapping);

/// Rows typed in groups of this many, so that a province's text and its intermediates
/// never exist for all rows at once.
const TYPING_GROUP: usize = 200_000;

/// Types the file's parts group by group, freeing each group's text once typed.
fn type_parts(
    dataset: Dataset,
    parts: Vec<DataFrame>,
    mapping: &typing::Mapping,
    file: &str,
    findings: &mut Vec<Finding>,
) -> Result<DataFrame> {
    let mut typed: Option<DataFrame> = None;
    let mut group: Option<DataFrame> = None;
    let mut parts = parts.into_iter().peekable();
    while let Some(part) = parts.next() {
        match &mut group {
            Some(g) => {
                g.vstack_mut(&part)?;
            }
            None => group = Some(part),
        }
        let full = group.as_ref().is_some_and(|g| g.height() >= TYPING_GROUP);
        if full || parts.peek().is_none() {
            let done = typing::type_frame(dataset, group.take().expect("a group"), mapping, file, findings)?;
            match &mut typed {
                Some(t) => {
                    t.vstack_mut(&done)?;
                }
                None => typed = Some(done),
            }
        }
    }
    typed.context("tệp không có dữ liệu")
}

/// The whole file in memory, in any format.
fn read_whole(file: &Fetched, dataset: Dataset, format: Format) -> Result<tabular::RawFrame> {
    let columns = &file.source.columns;
    let is_header = |t: &str| typing::is_known_header(dataset, columns, t);
    let bytes = file.bytes()?;
    // The portal's service-index trees are flattened to records before reading.
    let flattened;
    let bytes: &[u8] = match (dataset, format) {
        (Dataset::ServiceIndex, Format::Json) => {
            let doc: serde_json::Value = serde_json::from_slice(&bytes).context("JSON không hợp lệ")?;
            let records = s2::flatten(&doc).context("phản hồi chỉ số 766 không có metrics hay parent/children")?;
            flattened = serde_json::to_vec(&records)?;
            &flattened
        }
        _ => &bytes,
    };
    tabular::read(bytes, format, &is_header)
}

/// A UTF-8 dossier CSV streamed through the period filter: the period's records only,
/// the number of records in the file and how its header maps. `None` when the file is not
/// UTF-8.
fn read_streamed(file: &Fetched, path: &std::path::Path, ctx: &Context<'_>) -> Result<Option<Read>> {
    let Some(head) = prefilter::head(path)? else { return Ok(None) };
    let mapping = typing::map_headers(file.dataset(), &file.source.columns, &head.header);
    // A first line that is not the header (a title, another export): the whole-file reader
    // says what is missing.
    let schema = file.dataset().schema();
    if schema.fields.iter().any(|f| f.required && mapping.missing.contains(&f.name)) {
        return Ok(None);
    }
    let column = |field: &str| mapping.used.get(field).and_then(|h| head.header.iter().position(|x| x == h));
    let keep = (0..head.header.len()).filter(|&i| mapping.used.values().any(|h| *h == head.header[i])).collect();
    let plan = prefilter::Plan {
        keep,
        received: column("received_at"),
        finished: column("finished_at"),
        returned: column("returned_at"),
    };
    let window =
        prefilter::Window { first: ctx.period.first_day(), end: ctx.period.end_time().date(), today: ctx.now.date() };
    let mut watch = crate::stopwatch::Stopwatch::start();
    let Some(kept) = prefilter::filter(path, &head, &plan, window)? else { return Ok(None) };
    watch.lap("  stream + period filter");
    let encoding = if head.bom { Encoding::Utf8Bom } else { Encoding::Utf8 };
    let info = tabular::ReadInfo { format: "CSV", encoding: Some(encoding), sheet: None, header_row: 1 };
    Ok(Some((kept.frames, info, kept.records, mapping)))
}
