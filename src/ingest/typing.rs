//! From an export's text columns to the canonical, typed columns of a dataset.
//!
//! The profile says which export columns feed each canonical field (several may, the first
//! value present wins row by row); unmatched columns are dropped (personal data among them).
//! Each value is typed with Polars expressions, and a value that does not parse becomes null
//! plus a finding with its file and row: a malformed date in one row must not cost the other
//! thousand rows. Codes (status, channel) go through the profile's tables onto the national
//! codes; a status outside the table rejects its row, because a guess would change what
//! is counted.

use std::collections::BTreeMap;

use anyhow::{Result, bail};
use chrono_tz::Tz;
use polars::prelude::*;

use super::dates;
use super::findings::{Example, Finding, MAX_EXAMPLES, Severity};
use super::profile::Profile;
use super::schema::{Field, FieldType, Schema as DatasetSchema};
use crate::dataset::Dataset;
use crate::expr::first_match;
use crate::national;
use crate::registry::name_key;

/// Which export columns feed which canonical field, and what was dropped.
#[derive(Debug, Default, Clone)]
pub(super) struct Mapping {
    /// Field → the export's column names that carry it, in the profile's order.
    pub used: BTreeMap<&'static str, Vec<String>>,
    pub personal_dropped: Vec<String>,
    pub ignored: Vec<String>,
    pub missing: Vec<&'static str>,
}

impl Mapping {
    /// Every column the mapping reads.
    pub(super) fn columns(&self) -> impl Iterator<Item = &String> {
        self.used.values().flatten()
    }
}

/// The longest value a field may hold (characters): longer is no real export's.
pub(super) const MAX_FIELD_CHARS: usize = 4000;

/// Date layouts met per field: label → values read with it.
pub type Layouts = BTreeMap<&'static str, BTreeMap<String, usize>>;

/// Matches the export's headers (or a JSON grid's source keys) to the profile's fields.
pub(super) fn map_headers(profile: &Profile, headers: &[String]) -> Mapping {
    let schema = profile.dataset.schema();
    let mut m = Mapping::default();
    let keyed: Vec<(String, &String)> = headers.iter().filter(|h| *h != "__row").map(|h| (name_key(h), h)).collect();
    for f in schema.fields {
        let Some(sources) = profile.fields.get(f.name) else { continue };
        for s in sources {
            let key = name_key(&s.key());
            if let Some((_, h)) = keyed.iter().find(|(k, _)| *k == key)
                && !m.columns().any(|u| u == *h)
            {
                m.used.entry(f.name).or_default().push((*h).clone());
            }
        }
    }
    let personal: Vec<String> = profile.personal.iter().map(|p| name_key(p)).collect();
    for (key, h) in &keyed {
        if m.columns().any(|u| u == *h) || h.starts_with("__col") {
            continue;
        }
        if personal.contains(key) {
            m.personal_dropped.push((*h).clone());
        } else {
            m.ignored.push((*h).clone());
        }
    }
    m.missing = schema.fields.iter().filter(|f| !m.used.contains_key(f.name)).map(|f| f.name).collect();
    m
}

/// A column's text. Every reader hands typing its text trimmed, NFC, with empty cells as
/// null, so the column is used as it is: a trimmed copy of a province's text would double
/// the memory of the run (see BENCHMARKS.md).
fn text(name: &str) -> Expr {
    col(name).cast(DataType::String)
}

/// A field's text: the first of its columns with a value, row by row.
fn field_text(headers: &[String]) -> Expr {
    match headers {
        [] => lit(NULL).cast(DataType::String),
        [one] => text(one),
        many => coalesce(&many.iter().map(|h| text(h)).collect::<Vec<_>>()),
    }
}

/// Parses with one layout; values in any other layout stay null (see [`dates::fill_missed`]).
fn parse_with(raw: Expr, layout: &str) -> Expr {
    let dt = DataType::Datetime(TimeUnit::Microseconds, None);
    let opts = StrptimeOptions { format: Some(layout.into()), strict: false, exact: true, cache: true };
    if dates::is_date_only(layout) {
        raw.str().strptime(DataType::Date, opts, lit("raise")).cast(dt)
    } else {
        raw.str().strptime(dt, opts, lit("raise"))
    }
}

/// An export's values looked up in a code table (keys compared in lower case).
fn coded(raw: Expr, table: &BTreeMap<String, i64>) -> Expr {
    let mut by_code: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for (k, v) in table {
        by_code.entry(*v).or_default().push(k.clone());
    }
    let key = raw.str().to_lowercase();
    let branches = by_code
        .into_iter()
        .map(|(code, keys)| (key.clone().is_in(lit(Series::new("k".into(), keys)).implode(true), false), lit(code)));
    first_match(branches, lit(NULL).cast(DataType::Int64))
}

fn typed(field: &Field, raw: Expr, profile: &Profile) -> Expr {
    match (field.ty, profile.code_table(field.name)) {
        (FieldType::Int | FieldType::Status, Some(table)) => coded(raw, table),
        (FieldType::Status, None) => raw.cast(DataType::Int64),
        (FieldType::Text | FieldType::DateTime, _) => raw,
        (FieldType::Int, None) => raw.cast(DataType::Int64),
        (FieldType::Number, _) => raw.cast(DataType::Float64),
        (FieldType::Flag, _) => {
            let v = raw.cast(DataType::Int64);
            when(v.clone().eq(lit(1)))
                .then(lit(true))
                .when(v.eq(lit(0)))
                .then(lit(false))
                .otherwise(lit(NULL).cast(DataType::Boolean))
        }
        (FieldType::Code(codes), _) => {
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

/// How a rejected or ignored value is named to the officer: the export's column and field.
fn column_label(field: &Field, mapping: &Mapping) -> String {
    match mapping.used.get(field.name) {
        Some(h) => format!("cột \"{}\" ({})", h.join("\" / \""), field.name),
        None => format!("trường {}", field.name),
    }
}

/// When a required field may be empty: dossiers never received (status 1, 3) carry no
/// received date.
fn exempt(dataset: Dataset, field: &Field) -> Expr {
    match (dataset, field.name) {
        (Dataset::Dossiers, "received_at") => col("status")
            .is_in(lit(Series::new("s".into(), national::codes(|s| !s.is_received()))).implode(true), false)
            .fill_null(lit(false)),
        _ => lit(false),
    }
}

/// Types one export. Rows missing a required value are rejected; bad optional values are
/// nulled; a status outside the profile's table rejects the row.
pub(super) fn type_frame(
    raw: DataFrame,
    mapping: &Mapping,
    profile: &Profile,
    file: &str,
    tz: Tz,
    findings: &mut Vec<Finding>,
) -> Result<(DataFrame, Layouts)> {
    let dataset = profile.dataset;
    let schema = dataset.schema();
    require_columns(schema, mapping, profile)?;
    let (exprs, date_fields) = typed_columns(&raw, schema, mapping, profile);
    let mut df = raw.lazy().select(exprs).collect()?;
    let layouts = fill_dates(&mut df, date_fields, profile, tz)?;
    let (checks, reject) = row_checks(schema, mapping, profile);
    findings.extend(caught(&df, dataset, checks, file)?);
    let raw_cols: Vec<String> = schema.fields.iter().map(|f| format!("__raw_{}", f.name)).collect();
    let kept = df
        .lazy()
        .filter(reject.not())
        .drop(by_name(raw_cols, true, false))
        .with_column(lit(file).alias("source_file"))
        .collect()?;
    Ok((kept, layouts))
}

/// Every required field has a column, or the file is refused naming the headers looked for.
fn require_columns(schema: &DatasetSchema, mapping: &Mapping, profile: &Profile) -> Result<()> {
    let missing_required: Vec<&Field> =
        schema.fields.iter().filter(|f| f.required && mapping.missing.contains(&f.name)).collect();
    if missing_required.is_empty() {
        return Ok(());
    }
    let wanted: Vec<String> = missing_required
        .iter()
        .map(|f| {
            let names: Vec<String> =
                profile.fields.get(f.name).into_iter().flatten().map(super::profile::Source::key).collect();
            format!("{} (\"{}\")", f.name, names.join("\" / \""))
        })
        .collect();
    bail!("thiếu cột bắt buộc theo định dạng {}: {}", profile.id, wanted.join(", "));
}

/// For each field its raw text (`__raw_<field>`) and its typed value; date fields are read
/// with the layout most of their values have, and listed for [`fill_dates`].
fn typed_columns<'s>(
    raw: &DataFrame,
    schema: &'s DatasetSchema,
    mapping: &Mapping,
    profile: &Profile,
) -> (Vec<Expr>, Vec<(&'s str, Option<String>)>) {
    let mut exprs = Vec::new();
    let mut date_fields = Vec::new();
    for f in schema.fields {
        let headers = mapping.used.get(f.name).map_or(&[][..], Vec::as_slice);
        let raw_text = field_text(headers);
        // The export's own text, shared rather than copied where one column feeds the field:
        // a province's million rows must not be held twice.
        exprs.push(raw_text.clone().alias(format!("__raw_{}", f.name)));
        match f.ty {
            FieldType::DateTime if !headers.is_empty() => {
                let layout = headers.iter().find_map(|h| {
                    raw.column(h).ok().and_then(|c| c.str().ok()).and_then(|v| dates::usual_layout(v, &profile.dates))
                });
                date_fields.push((f.name, layout.map(str::to_string)));
                exprs.push(match layout {
                    Some(l) => parse_with(raw_text, l).alias(f.name),
                    None => lit(NULL).cast(DataType::Datetime(TimeUnit::Microseconds, None)).alias(f.name),
                });
            }
            FieldType::DateTime => {
                exprs.push(lit(NULL).cast(DataType::Datetime(TimeUnit::Microseconds, None)).alias(f.name));
            }
            _ => exprs.push(typed(f, raw_text, profile).alias(f.name)),
        }
    }
    exprs.push(col("__row").alias("source_row"));
    (exprs, date_fields)
}

/// Values the usual layout did not read are read one by one with every layout; returns how
/// many values of each date field each layout read.
fn fill_dates(
    df: &mut DataFrame,
    date_fields: Vec<(&'static str, Option<String>)>,
    profile: &Profile,
    tz: Tz,
) -> Result<Layouts> {
    let mut layouts: Layouts = BTreeMap::new();
    for (name, layout) in date_fields {
        let raw_col = format!("__raw_{name}");
        let parsed = df.column(name)?.clone();
        let fast = parsed.len() - parsed.null_count();
        if let Some(l) = &layout
            && fast > 0
        {
            layouts.entry(name).or_default().insert(dates::layout_label(l), fast);
        }
        let missed = parsed.null_count() > df.column(&raw_col)?.null_count();
        if missed || layout.is_none() {
            let raw_text = df.column(&raw_col)?.str()?.clone();
            let (filled, seen) = dates::fill_missed(&raw_text, &parsed, &profile.dates, tz)?;
            for (label, n) in seen {
                *layouts.entry(name).or_default().entry(label).or_default() += n;
            }
            df.with_column(filled)?;
        }
    }
    Ok(layouts)
}

/// A rule over the typed rows: its Vietnamese wording, the rows it catches, what happens to
/// them and the value shown as an example.
type RowCheck = (String, Expr, Severity, Expr);

/// Every field's checks, and the condition that drops a row (any rejecting check caught it).
fn row_checks(schema: &DatasetSchema, mapping: &Mapping, profile: &Profile) -> (Vec<RowCheck>, Expr) {
    let dataset = profile.dataset;
    let mut reject = lit(false);
    let mut checks = Vec::new();
    for f in schema.fields {
        let raw_col = format!("__raw_{}", f.name);
        let label = column_label(f, mapping);
        // A value no real export has: dropped with its row, named by its length only.
        let long = col(&raw_col).str().len_chars().gt(lit(MAX_FIELD_CHARS as u32)).fill_null(lit(false));
        let length = col(&raw_col).str().len_chars().cast(DataType::String) + lit(" ký tự");
        reject = reject.or(long.clone());
        checks.push((
            format!("Giá trị quá dài ở {label} (quá {MAX_FIELD_CHARS} ký tự; loại bỏ dòng)"),
            long,
            Severity::Rejected,
            length,
        ));
        let bad = col(&raw_col).is_not_null().and(col(f.name).is_null());
        let check = if f.required {
            let cond = col(f.name).is_null().and(exempt(dataset, f).not());
            (format!("Thiếu hoặc sai giá trị bắt buộc ở {label} (loại bỏ dòng)"), cond, Severity::Rejected)
        } else if f.ty == FieldType::Status {
            (
                format!("Trạng thái không có trong bảng mã của định dạng {} (loại bỏ dòng)", profile.id),
                bad,
                Severity::Rejected,
            )
        } else {
            (format!("Giá trị không hợp lệ ở {label} (bỏ qua giá trị)"), bad, Severity::Warning)
        };
        if check.2 == Severity::Rejected {
            reject = reject.or(check.1.clone());
        }
        checks.push((check.0, check.1, check.2, col(&raw_col)));
    }
    (checks, reject)
}

/// The findings of the checks that caught rows, every check counted in one pass.
fn caught(df: &DataFrame, dataset: Dataset, checks: Vec<RowCheck>, file: &str) -> Result<Vec<Finding>> {
    let counts = df
        .clone()
        .lazy()
        .select(checks.iter().enumerate().map(|(i, c)| c.1.clone().sum().alias(format!("c{i}"))).collect::<Vec<_>>())
        .collect()?;
    let mut findings = Vec::new();
    for (i, (rule, cond, severity, detail)) in checks.into_iter().enumerate() {
        let n = counts.column(&format!("c{i}"))?.cast(&DataType::UInt64)?.u64()?.get(0).unwrap_or(0);
        if n == 0 {
            continue;
        }
        if let Some(finding) = finding_with(df, dataset, severity, rule, cond, detail, file)? {
            findings.push(finding);
        }
    }
    Ok(findings)
}

/// Counts the rows matching `cond` and keeps the first examples (row and raw value).
pub(super) fn finding_for(
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
pub(super) fn finding_with(
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
