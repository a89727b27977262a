//! Ingest: archived exports → decoded, mapped, typed and validated canonical tables.
//!
//! One entry point, [`ingest`]. Per file: settle its format profile (named by the source,
//! or recognised from the headers or JSON paths the file has), read it (`tabular`, `json`),
//! map and type its fields onto the national model (`typing`), apply the dataset's rules
//! (`checks`); then per dataset: resolve unit names through the registry and drop dossiers
//! downloaded twice. Problems in rows become findings; a file that cannot be read at all
//! stops the run with its name, and [`Ingested::check_usable`] stops it when a required
//! source yields nothing usable, so a report is never built from data nobody could read.
//!
//! A dossier log in UTF-8 CSV is streamed through `prefilter`, which keeps only the
//! period's records and has them typed group by group while it reads on: a province's year
//! of dossiers never has to fit in memory, as text or typed.

mod checks;
mod dates;
mod decode;
pub mod findings;
mod gate;
mod json;
mod limits;
mod prefilter;
mod profile;
#[cfg(test)]
mod properties;
mod records;
mod schema;
mod tabular;
mod typing;

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context as _, Result, bail};
use chrono::NaiveDateTime;
use chrono_tz::Tz;
use polars::prelude::*;

pub use decode::{Encoding, TCVN3_HIGH, decode_text, nfc};
pub use findings::{Example, Finding, Severity};
pub use gate::Usability;
pub use profile::{Choice, DEFAULT_DATES, Profile, Source};
pub use schema::FieldType;
pub use tabular::{CsvRows, Format, read_csv_rows};
pub use typing::Layouts;

use crate::dataset::Dataset;
use crate::outcome::{Failure, Tag};
use crate::period::Period;
use crate::pull::{Content, Fetched};
use crate::registry::{Registry, name_key};

/// What ingest needs to know besides the files.
pub struct Context<'a> {
    pub registry: &'a Registry,
    pub period: Period,
    /// The ward's local time now: values after it are impossible.
    pub now: NaiveDateTime,
    /// The ward's time zone: times written with an offset are converted to it.
    pub tz: Tz,
    /// The format profiles of `config/formats/`.
    pub profiles: &'a [Profile],
    /// Read every record, not only the period's (`thidua inspect`).
    pub whole_file: bool,
}

/// How one file was read, for the sources sheet and `thidua inspect`.
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
    /// The format profile the file was read with, and how it was settled.
    pub profile: String,
    pub profile_choice: Choice,
    /// JSON: where the records were found.
    pub records_at: Option<String>,
    /// Records in the file.
    pub rows_read: usize,
    /// Records typed and checked (the period's, for a streamed dossier log).
    pub rows_checked: usize,
    pub rows_kept: usize,
    /// Rows left out, by rule.
    pub rejected: Vec<(String, usize)>,
    /// Canonical field ← the export's columns or paths.
    pub fields: Vec<(String, Vec<String>)>,
    pub personal_dropped: Vec<String>,
    pub ignored: Vec<String>,
    pub date_layouts: Layouts,
}

impl FileReport {
    pub fn rejected_rows(&self) -> usize {
        self.rows_checked - self.rows_kept
    }
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

    /// Fills in the hashes of the drop-folder files the archive hashed while they were read.
    pub fn hashed(&mut self, archived: &[crate::store::Archived]) {
        for file in self.files.iter_mut().filter(|f| f.sha256.is_empty()) {
            if let Some(a) = archived.iter().find(|a| a.origin == file.origin && a.source == file.source) {
                file.sha256.clone_from(&a.sha256);
            }
        }
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
    let mut watch = crate::stopwatch::Stopwatch::start();
    for (dataset, frames) in parts {
        let lazy: Vec<LazyFrame> = frames.into_iter().map(IntoLazy::lazy).collect();
        let df = concat(lazy, UnionArgs::default())?.collect()?;
        watch.lap("  files together");
        let df = if dataset.has_units() {
            checks::resolve_units(dataset, df, ctx.registry, ctx.period.last_day(), &mut findings)?
        } else {
            df
        };
        watch.lap("  units");
        let df = match dataset {
            Dataset::Dossiers => checks::dedupe_dossiers(df, &mut findings)?,
            _ => df,
        };
        watch.lap("  repeated dossiers");
        tables.insert(dataset, df);
    }
    Ok(Ingested { tables, findings: checks::fold(findings), files: reports })
}

/// The profiles a file of this dataset and format may be read with: the source's own, or
/// every profile of the dataset that reads the format, or the dataset's built-in names.
fn candidates(file: &Fetched, format: Format, ctx: &Context<'_>) -> Result<(Vec<Profile>, Choice)> {
    let dataset = file.dataset();
    let extra = &file.source.columns;
    if let Some(id) = &file.source.profile {
        let p = ctx.profiles.iter().find(|p| &p.id == id).with_context(|| format!("không có định dạng \"{id}\""))?;
        if !p.formats.contains(&format) {
            bail!("định dạng \"{id}\" không đọc tệp {}", format.label());
        }
        return Ok((vec![p.clone().with_columns(extra)], Choice::Named));
    }
    let found: Vec<Profile> = ctx
        .profiles
        .iter()
        .filter(|p| p.dataset == dataset && p.formats.contains(&format))
        .map(|p| p.clone().with_columns(extra))
        .collect();
    if found.is_empty() {
        return Ok((vec![Profile::builtin(dataset).with_columns(extra)], Choice::Builtin));
    }
    Ok((found, Choice::Recognised))
}

/// Settles which of the candidates reads a file whose headers or paths are `present`.
fn settle(candidates: Vec<Profile>, choice: Choice, present: &BTreeSet<String>) -> Result<Profile> {
    if choice != Choice::Recognised {
        return Ok(candidates.into_iter().next().expect("one candidate"));
    }
    let refs: Vec<&Profile> = candidates.iter().collect();
    if let Some(p) = profile::recognise(&refs, present) {
        return Ok(p.clone());
    }
    // The nearest profile says what the file lacks.
    let schema = candidates[0].dataset.schema();
    let found = |p: &Profile, field: &str| {
        p.fields.get(field).is_some_and(|ss| ss.iter().any(|s| present.contains(&name_key(s.path()))))
    };
    let nearest = candidates
        .iter()
        .max_by_key(|p| schema.fields.iter().filter(|f| found(p, f.name)).count())
        .expect("candidates");
    let lacking: Vec<String> = schema
        .fields
        .iter()
        .filter(|f| f.required && !found(nearest, f.name))
        .map(|f| {
            let names: Vec<String> =
                nearest.fields.get(f.name).into_iter().flatten().map(profile::Source::key).collect();
            format!("{} (\"{}\")", f.name, names.join("\" / \""))
        })
        .collect();
    let ids: Vec<&str> = candidates.iter().map(|p| p.id.as_str()).collect();
    bail!(
        "không nhận ra định dạng tệp: gần nhất là {}, nhưng thiếu cột bắt buộc {} (đã thử {}); chỉ định \
         profile = \"…\" cho nguồn, hoặc viết một định dạng mới trong config/formats/ (thidua inspect cho \
         biết tệp có những cột nào)",
        nearest.id,
        lacking.join(", "),
        ids.join(", ")
    )
}

/// What reading produced, whatever the format.
struct Read {
    parts: Parts,
    info: tabular::ReadInfo,
    rows_read: usize,
    mapping: typing::Mapping,
    profile: Profile,
    records_at: Option<String>,
}

fn ingest_file(file: &Fetched, ctx: &Context<'_>, findings: &mut Vec<Finding>) -> Result<(DataFrame, FileReport)> {
    let dataset = file.dataset();
    let format = Format::of(&file.name)
        .with_context(|| "không nhận ra định dạng (dùng .csv, .xlsx, .xls hoặc .json)".to_string())?;
    let (cands, choice) = candidates(file, format, ctx)?;
    let streamed = match (&file.content, dataset, format, ctx.whole_file) {
        (Content::File(path), Dataset::Dossiers, Format::Csv, false) => {
            read_streamed(path, &file.name, &cands, choice, ctx)?
        }
        _ => None,
    };
    let mut watch = crate::stopwatch::Stopwatch::start();
    let read = match streamed {
        Some(read) => read,
        None if format == Format::Json => read_json(file, cands, choice)?,
        None => read_table(file, format, cands, choice)?,
    };
    watch.lap("  read (in memory)");
    let before = findings.len();
    report_reading(&read, &file.name, findings);
    let (typed, layouts, rows) = match read.parts {
        Parts::Text(parts) => {
            let rows = parts.iter().map(DataFrame::height).sum::<usize>();
            let (typed, layouts) = type_parts(parts, &read.mapping, &read.profile, &file.name, ctx.tz, findings)?;
            (typed, layouts, rows)
        }
        Parts::Typed(parts) => join_typed(parts, findings)?,
    };
    let rows_checked = rows + read.info.refused.len();
    watch.lap("  typing");
    let kept = checks::apply_rules(dataset, typed, &file.name, ctx.now, findings)?;
    watch.lap("  rules");
    let rejected = findings[before..]
        .iter()
        .filter(|f| f.severity == Severity::Rejected)
        .map(|f| (f.rule.clone(), f.count))
        .collect();
    let report = FileReport {
        source: file.source.id.clone(),
        dataset,
        name: file.name.clone(),
        origin: file.archived.origin.clone(),
        sha256: file.archived.sha256.clone(),
        fetched_at: file.archived.fetched_at.clone(),
        format: read.info.format,
        encoding: read.info.encoding,
        sheet: read.info.sheet,
        header_row: read.info.header_row,
        profile: read.profile.id.clone(),
        profile_choice: choice,
        records_at: read.records_at,
        rows_read: read.rows_read,
        rows_checked,
        rows_kept: kept.height(),
        rejected,
        fields: read.mapping.used.iter().map(|(f, h)| (f.to_string(), h.clone())).collect(),
        personal_dropped: read.mapping.personal_dropped,
        ignored: read.mapping.ignored,
        date_layouts: layouts,
    };
    Ok((kept, report))
}

/// Findings about the file as a whole: repeated headers, legacy-font cells.
fn report_reading(read: &Read, file: &str, findings: &mut Vec<Finding>) {
    let dataset = read.profile.dataset;
    if !read.info.duplicates.is_empty() {
        findings.push(Finding {
            dataset,
            severity: Severity::Warning,
            rule: "Hai cột cùng tên (dùng cột đầu, bỏ qua cột sau)".into(),
            count: read.info.duplicates.len(),
            examples: read
                .info
                .duplicates
                .iter()
                .map(|(name, first, other)| Example {
                    file: file.to_string(),
                    row: read.info.header_row,
                    detail: format!("\"{name}\": {first} và {other}"),
                })
                .collect(),
        });
    }
    // Records that did not fit: named by line and rule, never by their values.
    let mut by_rule: BTreeMap<&'static str, Vec<(usize, String)>> = BTreeMap::new();
    for (line, r) in &read.info.refused {
        by_rule.entry(r.rule_vi()).or_default().push((*line, r.detail_vi()));
    }
    for (rule, rows) in by_rule {
        findings.push(Finding {
            dataset,
            severity: Severity::Rejected,
            rule: rule.to_string(),
            count: rows.len(),
            examples: rows
                .into_iter()
                .take(findings::MAX_EXAMPLES)
                .map(|(line, detail)| Example { file: file.to_string(), row: line as u32, detail })
                .collect(),
        });
    }
    if !read.info.uncached_formulas.is_empty() {
        findings.push(Finding {
            dataset,
            severity: Severity::Warning,
            rule: "Ô có công thức nhưng không có giá trị đã tính (mở tệp bằng Excel rồi lưu lại; giá trị bỏ trống)"
                .into(),
            count: read.info.uncached_formulas.len(),
            examples: read
                .info
                .uncached_formulas
                .iter()
                .take(findings::MAX_EXAMPLES)
                .map(|(row, column)| Example { file: file.to_string(), row: *row, detail: column.clone() })
                .collect(),
        });
    }
    if read.info.legacy_cells > 0 {
        findings.push(Finding {
            dataset,
            severity: Severity::Info,
            rule: "Ô gõ bằng phông chữ cũ (TCVN3/VNI) đã chuyển sang Unicode".into(),
            count: read.info.legacy_cells,
            examples: vec![],
        });
    }
}

/// Adds one part's count of values read with each date layout to the file's.
fn add_layouts(into: &mut Layouts, part: Layouts) {
    for (field, counts) in part {
        for (label, n) in counts {
            *into.entry(field).or_default().entry(label).or_default() += n;
        }
    }
}

/// An export's rows as read: as text, or already typed group by group (a streamed log).
enum Parts {
    Text(Vec<DataFrame>),
    Typed(Vec<TypedBlock>),
}

/// One group of a streamed log's rows, typed beside the stream.
struct TypedBlock {
    frame: DataFrame,
    /// Rows before typing (those it rejected included).
    rows: usize,
    layouts: Layouts,
    findings: Vec<Finding>,
}

/// Types one group of a streamed log's rows (on the stream's collector thread).
fn type_block(raw: DataFrame, read: &StreamTyping<'_>) -> Result<TypedBlock> {
    let rows = raw.height();
    let mut findings = Vec::new();
    let (frame, layouts) = typing::type_frame(raw, read.mapping, read.profile, read.file, read.tz, &mut findings)?;
    Ok(TypedBlock { frame, rows, layouts, findings })
}

/// What typing a streamed group needs.
struct StreamTyping<'a> {
    mapping: &'a typing::Mapping,
    profile: &'a Profile,
    file: &'a str,
    tz: Tz,
}

/// The typed groups in file order as one table, their layouts summed and their findings in
/// order; and the rows typed.
fn join_typed(blocks: Vec<TypedBlock>, findings: &mut Vec<Finding>) -> Result<(DataFrame, Layouts, usize)> {
    let (mut typed, mut layouts, mut rows): (Option<DataFrame>, Layouts, usize) = (None, Layouts::new(), 0);
    for b in blocks {
        rows += b.rows;
        findings.extend(b.findings);
        add_layouts(&mut layouts, b.layouts);
        // A group that kept nothing adds nothing; the table keeps its columns all the same.
        match &mut typed {
            Some(t) if t.height() == 0 => *t = b.frame,
            Some(t) if b.frame.height() > 0 => {
                t.vstack_mut(&b.frame)?;
            }
            Some(_) => {}
            None => typed = Some(b.frame),
        }
    }
    Ok((typed.context("tệp không có dữ liệu")?, layouts, rows))
}

/// Rows typed in groups of this many, so that a province's text and its intermediates
/// never exist for all rows at once.
const TYPING_GROUP: usize = 200_000;

/// Types the file's parts group by group, freeing each group's text once typed.
fn type_parts(
    parts: Vec<DataFrame>,
    mapping: &typing::Mapping,
    profile: &Profile,
    file: &str,
    tz: Tz,
    findings: &mut Vec<Finding>,
) -> Result<(DataFrame, Layouts)> {
    let mut typed: Option<DataFrame> = None;
    let mut group: Option<DataFrame> = None;
    let mut layouts = Layouts::new();
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
            let (done, seen) =
                typing::type_frame(group.take().expect("a group"), mapping, profile, file, tz, findings)?;
            add_layouts(&mut layouts, seen);
            match &mut typed {
                Some(t) => {
                    t.vstack_mut(&done)?;
                }
                None => typed = Some(done),
            }
        }
    }
    Ok((typed.context("tệp không có dữ liệu")?, layouts))
}

fn keys(headers: &[String]) -> BTreeSet<String> {
    headers.iter().map(|h| name_key(h)).collect()
}

/// A CSV or workbook in memory.
fn read_table(file: &Fetched, format: Format, cands: Vec<Profile>, choice: Choice) -> Result<Read> {
    let bytes = file.bytes()?;
    let is_header = |t: &str| cands.iter().any(|p| p.knows(t));
    let raw = tabular::read(&bytes, format, &is_header)?;
    let headers: Vec<String> = raw.df.get_column_names().iter().map(std::string::ToString::to_string).collect();
    let profile = settle(cands, choice, &keys(&headers))?;
    let mapping = typing::map_headers(&profile, &headers);
    let rows_read = raw.df.height() + raw.info.refused.len();
    Ok(Read { parts: Parts::Text(vec![raw.df]), info: raw.info, rows_read, mapping, profile, records_at: None })
}

/// A JSON export: records where the profile says, values by path.
fn read_json(file: &Fetched, cands: Vec<Profile>, choice: Choice) -> Result<Read> {
    let bytes = file.bytes()?;
    let (text, enc) = decode_text(&bytes);
    let doc: serde_json::Value = serde_json::from_str(&text).context("JSON không hợp lệ")?;
    // Each candidate may keep its records elsewhere: the first whose path holds records and
    // whose fields are found wins.
    let mut located = None;
    for p in &cands {
        if let Ok((records, at)) = json::records(doc.clone(), &p.records) {
            let present: BTreeSet<String> = json::paths(&records).iter().map(|x| name_key(x)).collect();
            if choice != Choice::Recognised || p.fit(&present).is_some() {
                located = Some((records, at, present));
                break;
            }
        }
    }
    let (records, at, present) = match located {
        Some(l) => l,
        None => {
            let paths: Vec<String> = cands.iter().flat_map(|p| p.records.clone()).collect();
            let (records, at) = json::records(doc, &paths)?;
            let present = json::paths(&records).iter().map(|x| name_key(x)).collect();
            (records, at, present)
        }
    };
    let all_paths = json::paths(&records);
    let profile = settle(cands, choice, &present)?;
    let sources: Vec<&Source> = profile.fields.values().flatten().collect();
    let grid = json::grid(&records, &sources)?;
    let mut mapping = typing::map_headers(&profile, &grid.header);
    // What the records hold besides the profile's fields: personal data, or ignored.
    let used: BTreeSet<String> = sources.iter().map(|s| name_key(s.path())).collect();
    let personal: Vec<String> = profile.personal.iter().map(|p| name_key(p)).collect();
    for p in &all_paths {
        let key = name_key(p);
        let under = |root: &String| key == *root || key.starts_with(&format!("{root}."));
        if used.iter().any(|u| *u == key || u.starts_with(&format!("{key}."))) {
            continue;
        }
        if personal.iter().any(under) {
            if personal.contains(&key) {
                mapping.personal_dropped.push(p.clone());
            }
        } else if !p.contains('.') {
            mapping.ignored.push(p.clone());
        }
    }
    let rows_read = records.len();
    let info = tabular::ReadInfo { format: "JSON", encoding: Some(enc), ..tabular::ReadInfo::default() };
    Ok(Read {
        parts: Parts::Text(vec![tabular::grid_frame(grid)?]),
        info,
        rows_read,
        mapping,
        profile,
        records_at: Some(if at.is_empty() { "(gốc)".into() } else { at }),
    })
}

/// A UTF-8 dossier CSV streamed through the period filter: the period's records only.
/// `None` when the file is not UTF-8 or its header lacks a required column (the whole-file
/// reader then says what is missing).
fn read_streamed(
    path: &std::path::Path,
    file: &str,
    cands: &[Profile],
    choice: Choice,
    ctx: &Context<'_>,
) -> Result<Option<Read>> {
    let is_header = |t: &str| cands.iter().any(|p| p.knows(t));
    let Some(head) = prefilter::head(path, &is_header)? else { return Ok(None) };
    let Ok(profile) = settle(cands.to_vec(), choice, &keys(&head.header)) else { return Ok(None) };
    let mapping = typing::map_headers(&profile, &head.header);
    let schema = profile.dataset.schema();
    if schema.fields.iter().any(|f| f.required && mapping.missing.contains(&f.name)) {
        return Ok(None);
    }
    let column = |field: &str| {
        mapping.used.get(field).and_then(|hs| hs.first()).and_then(|h| head.header.iter().position(|x| x == h))
    };
    // A header named twice: its first column is the one read (as every reader does).
    let mut keep: Vec<usize> = mapping.columns().filter_map(|h| head.header.iter().position(|x| x == h)).collect();
    keep.sort_unstable();
    keep.dedup();
    let plan = prefilter::Plan {
        keep,
        received: column("received_at"),
        finished: column("finished_at"),
        returned: column("returned_at"),
    };
    let window =
        prefilter::Window { first: ctx.period.first_day(), end: ctx.period.end_time().date(), today: ctx.now.date() };
    let mut watch = crate::stopwatch::Stopwatch::start();
    let typing = StreamTyping { mapping: &mapping, profile: &profile, file, tz: ctx.tz };
    let Some(kept) = prefilter::filter(path, &head, &plan, window, &|raw| type_block(raw, &typing))? else {
        return Ok(None);
    };
    if kept.frames.is_empty() {
        return Ok(None); // an empty file: the whole-file reader says so
    }
    watch.lap("  stream + filter + typing");
    let encoding = if head.bom { Encoding::Utf8Bom } else { Encoding::Utf8 };
    let duplicates = tabular::duplicates(&head.header, |i| format!("cột thứ {}", i + 1));
    let info = tabular::ReadInfo {
        format: "CSV",
        encoding: Some(encoding),
        header_row: head.skip as u32 + 1,
        duplicates,
        refused: kept.refused,
        ..tabular::ReadInfo::default()
    };
    Ok(Some(Read {
        parts: Parts::Typed(kept.frames),
        info,
        rows_read: kept.records,
        mapping,
        profile,
        records_at: None,
    }))
}
