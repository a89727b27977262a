//! From an export's text columns to the canonical, typed columns of a dataset.
//!
//! Headers are matched to canonical columns by name key; unmatched columns are dropped
//! (personal data among them). Each value is typed with Polars expressions, and a value that
//! does not parse becomes null plus a finding with its file and row: a malformed date in one
//! row must not cost the other thousand rows.

use std::collections::BTreeMap;

use anyhow::{Result, bail};
use polars::prelude::*;

use super::findings::{Example, Finding, MAX_EXAMPLES, Severity};
use super::schema::{Dataset, Field, FieldType};
use crate::config::name_key;
use crate::expr::first_match;

/// Date and time layouts seen in exports, most common first.
const DATETIME_FORMATS: &[&str] =
    &["%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%d-%m-%Y %H:%M:%S"];
const DATE_FORMATS: &[&str] = &["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"];

/// Which export header feeds which canonical column, and what was dropped.
#[derive(Debug, Default, Clone)]
pub struct Mapping {
    pub used: BTreeMap<&'static str, String>,
    pub personal_dropped: Vec<String>,
    pub ignored: Vec<String>,
    pub missing: Vec<&'static str>,
}

fn field_keys(field: &Field, extra: &BTreeMap<String, Vec<String>>) -> Vec<String> {
    let mut keys: Vec<String> = field.headers.iter().map(|h| name_key(h)).collect();
    keys.push(name_key(field.name));
    if let Some(more) = extra.get(field.name) {
        keys.extend(more.iter().map(|h| name_key(h)));
    }
    keys
}

/// Whether a header cell names a column of the dataset (used to find the header row).
pub fn is_known_header(dataset: Dataset, extra: &BTreeMap<String, Vec<String>>, text: &str) -> bool {
    let key = name_key(text);
    let schema = dataset.schema();
    schema.fields.iter().any(|f| field_keys(f, extra).contains(&key))
        || schema.personal.iter().any(|p| name_key(p) == key)
}

/// Matches the export's headers to the dataset's columns.
pub fn map_headers(dataset: Dataset, extra: &BTreeMap<String, Vec<String>>, headers: &[String]) -> Mapping {
    let schema = dataset.schema();
    let mut m = Mapping::default();
    for h in headers.iter().filter(|h| *h != "__row") {
        let key = name_key(h);
        match schema.fields.iter().find(|f| field_keys(f, extra).contains(&key)) {
            Some(f) if !m.used.contains_key(f.name) => {
                m.used.insert(f.name, h.clone());
            }
            Some(_) => m.ignored.push(h.clone()),
            None if schema.personal.iter().any(|p| name_key(p) == key) => m.personal_dropped.push(h.clone()),
            None if h.starts_with("__col") => {}
            None => m.ignored.push(h.clone()),
        }
    }
    m.missing = schema.fields.iter().filter(|f| !m.used.contains_key(f.name)).map(|f| f.name).collect();
    m
}

fn text(name: &str) -> Expr {
    let s = col(name).cast(DataType::String).str().strip_chars(lit(NULL));
    when(s.clone().eq(lit(""))).then(lit(NULL).cast(DataType::String)).otherwise(s)
}

/// The layout most of a column's first values are written in, so that the column is parsed
/// with one format (Polars' fast path) instead of trying every layout on every value.
fn usual_layout(values: &Column) -> Option<&'static str> {
    let values = values.str().ok()?;
    let sample: Vec<&str> = values.iter().flatten().map(str::trim).filter(|v| !v.is_empty()).take(200).collect();
    let fits = |f: &str| -> usize {
        sample
            .iter()
            .filter(|v| {
                chrono::NaiveDateTime::parse_from_str(v, f).is_ok() || chrono::NaiveDate::parse_from_str(v, f).is_ok()
            })
            .count()
    };
    DATETIME_FORMATS
        .iter()
        .chain(DATE_FORMATS)
        .map(|f| (*f, fits(f)))
        .filter(|(_, n)| *n > 0)
        .max_by_key(|(_, n)| *n)
        .map(|(f, _)| f)
}

/// Parses with one layout; values in any other layout stay null (see [`parse_datetime`]).
fn parse_with(raw: Expr, layout: &str) -> Expr {
    let dt = DataType::Datetime(TimeUnit::Microseconds, None);
    let opts = StrptimeOptions { format: Some(layout.into()), strict: false, exact: true, cache: true };
    if DATE_FORMATS.contains(&layout) {
        raw.str().strptime(DataType::Date, opts, lit("raise")).cast(dt)
    } else {
        raw.str().strptime(dt, opts, lit("raise"))
    }
}

/// Every layout exports use, tried in turn (slow: only for columns that mix layouts).
fn parse_datetime(raw: Expr) -> Expr {
    let dt = DataType::Datetime(TimeUnit::Microseconds, None);
    let opts = |fmt: &str| StrptimeOptions { format: Some(fmt.into()), strict: false, exact: true, cache: true };
    let mut tries: Vec<Expr> =
        DATETIME_FORMATS.iter().map(|f| raw.clone().str().strptime(dt.clone(), opts(f), lit("raise"))).collect();
    tries.extend(
        DATE_FORMATS.iter().map(|f| raw.clone().str().strptime(DataType::Date, opts(f), lit("raise")).cast(dt.clone())),
    );
    // Excel serial day numbers (days since 1899-12-30), as some exports write dates.
    let serial = raw.cast(DataType::Float64);
    let in_range = serial.clone().gt_eq(lit(20000.0)).and(serial.clone().lt(lit(80000.0)));
    let micros = ((serial - lit(25569.0)) * lit(86_400_000_000.0)).round(0, RoundMode::HalfToEven);
    tries.push(when(in_range).then(micros.cast(DataType::Int64).cast(dt)).otherwise(lit(NULL)));
    coalesce(&tries)
}

fn typed(field: &Field, raw: Expr) -> Expr {
    match field.ty {
        FieldType::Text => raw,
        FieldType::Int => raw.cast(DataType::Int64),
        FieldType::Number => raw.cast(DataType::Float64),
        FieldType::Flag => {
            let v = raw.cast(DataType::Int64);
            when(v.clone().eq(lit(1)))
                .then(lit(true))
                .when(v.eq(lit(0)))
                .then(lit(false))
                .otherwise(lit(NULL).cast(DataType::Boolean))
        }
        FieldType::DateTime => parse_datetime(raw),
        FieldType::Code(codes) => {
            let key = raw.str().to_lowercase();
            let branches = codes.iter().map(|(code, labels)| {
                let mut keys: Vec<String> = labels.iter().map(|l| name_key(l)).collect();
                keys.push((*code).to_string());
                (key.clone().is_in(lit(Series::new("k".into(), keys)).implode(true), false), lit(*code))
            });
            first_match(branches, lit(NULL).cast(DataType::String))
        }
    }
}

/// Types one export. Rows missing a required value are rejected; bad optional values are nulled.
pub fn type_frame(
    dataset: Dataset,
    raw: DataFrame,
    mapping: &Mapping,
    file: &str,
    findings: &mut Vec<Finding>,
) -> Result<DataFrame> {
    let schema = dataset.schema();
    let missing_required: Vec<&str> =
        schema.fields.iter().filter(|f| f.required && mapping.missing.contains(&f.name)).map(|f| f.name).collect();
    if !missing_required.is_empty() {
        let wanted: Vec<String> = missing_required
            .iter()
            .map(|name| {
                let f = schema.fields.iter().find(|f| f.name == *name).expect("schema field");
                format!("{name} (\"{}\")", f.headers.join("\" / \""))
            })
            .collect();
        bail!("thiếu cột bắt buộc: {}", wanted.join(", "));
    }
    let mut exprs = Vec::new();
    let mut one_layout = Vec::new();
    for f in schema.fields {
        let header = mapping.used.get(f.name);
        let raw_text = match header {
            Some(header) => text(header),
            None => lit(NULL).cast(DataType::String),
        };
        // The export's own column, shared rather than copied: a province's million rows
        // must not be held twice. Findings trim it when they look at it.
        exprs.push(match header {
            Some(header) => col(header.as_str()).cast(DataType::String).alias(format!("__raw_{}", f.name)),
            None => lit(NULL).cast(DataType::String).alias(format!("__raw_{}", f.name)),
        });
        let layout = match (f.ty, header) {
            (FieldType::DateTime, Some(h)) => raw.column(h).ok().and_then(usual_layout),
            _ => None,
        };
        match layout {
            Some(layout) => {
                one_layout.push(f.name);
                exprs.push(parse_with(raw_text, layout).alias(f.name));
            }
            None => exprs.push(typed(f, raw_text).alias(f.name)),
        }
    }
    exprs.push(col("__row").alias("source_row"));
    let mut df = raw.lazy().select(exprs).collect()?;
    // A column parsed with its usual layout is parsed again with every layout when some of
    // its values did not fit, so a file mixing layouts loses nothing.
    for name in one_layout {
        let raw_col = format!("__raw_{name}");
        let missed = df
            .clone()
            .lazy()
            .select([text(&raw_col).is_not_null().and(col(name).is_null()).alias("missed")])
            .collect()?;
        if missed.column("missed")?.bool()?.any() {
            df = df.lazy().with_column(parse_datetime(text(&raw_col)).alias(name)).collect()?;
        }
    }

    let mut reject = lit(false);
    let mut checks = Vec::new();
    for f in schema.fields {
        let raw_col = format!("__raw_{}", f.name);
        let bad = text(&raw_col).is_not_null().and(col(f.name).is_null());
        let (rule, cond, severity) = if f.required {
            (format!("Thiếu hoặc sai giá trị bắt buộc ở cột {}", f.name), col(f.name).is_null(), Severity::Rejected)
        } else {
            (format!("Giá trị không hợp lệ ở cột {} (bỏ qua giá trị)", f.name), bad, Severity::Warning)
        };
        if f.required {
            reject = reject.or(cond.clone());
        }
        checks.push((rule, cond, severity, raw_col));
    }
    // Every column's check counted in one pass; only those that caught rows are listed.
    let counts = df
        .clone()
        .lazy()
        .select(checks.iter().enumerate().map(|(i, c)| c.1.clone().sum().alias(format!("c{i}"))).collect::<Vec<_>>())
        .collect()?;
    for (i, (rule, cond, severity, raw_col)) in checks.into_iter().enumerate() {
        let caught = counts.column(&format!("c{i}"))?.cast(&DataType::UInt64)?.u64()?.get(0).unwrap_or(0);
        if caught == 0 {
            continue;
        }
        if let Some(finding) = finding_for(&df, dataset, severity, rule, cond, &raw_col, file)? {
            findings.push(finding);
        }
    }
    let raw_cols: Vec<String> = schema.fields.iter().map(|f| format!("__raw_{}", f.name)).collect();
    let kept = df
        .lazy()
        .filter(reject.not())
        .drop(by_name(raw_cols, true, false))
        .with_column(lit(file).alias("source_file"))
        .collect()?;
    Ok(kept)
}

/// Counts the rows matching `cond` and keeps the first examples (row and raw value).
pub fn finding_for(
    df: &DataFrame,
    dataset: Dataset,
    severity: Severity,
    rule: String,
    cond: Expr,
    detail_col: &str,
    file: &str,
) -> Result<Option<Finding>> {
    finding_with(df, dataset, severity, rule, cond, col(detail_col), file)
}

/// Counts the rows matching `cond` and keeps the first examples, with `detail` computed
/// for those rows only.
pub fn finding_with(
    df: &DataFrame,
    dataset: Dataset,
    severity: Severity,
    rule: String,
    cond: Expr,
    detail: Expr,
    file: &str,
) -> Result<Option<Finding>> {
    let hits = df
        .clone()
        .lazy()
        .filter(cond)
        .select([col("source_row"), detail.cast(DataType::String).str().strip_chars(lit(NULL)).alias("detail")])
        .collect()?;
    if hits.height() == 0 {
        return Ok(None);
    }
    let rows = hits.column("source_row")?.u32()?;
    let details = hits.column("detail")?.str()?;
    let examples = rows
        .iter()
        .zip(details.iter())
        .take(MAX_EXAMPLES)
        .map(|(row, detail)| Example {
            file: file.to_string(),
            row: row.unwrap_or(0),
            detail: detail.unwrap_or("(trống)").to_string(),
        })
        .collect();
    Ok(Some(Finding { dataset, severity, rule, count: hits.height(), examples }))
}
