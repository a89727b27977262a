//! `thidua inspect FILE`: what an officer runs on a new export before trusting it.
//!
//! The file is read exactly as a run would read it (every record, not only one period's):
//! the profile chosen and why, the encoding, the header row, which export column or JSON
//! path feeds each field, the personal-data columns dropped, the rows rejected and by which
//! rule, the statuses with their national meaning, the date layouts met and the range of
//! reception dates. Nothing is archived, stored or sent. `--json` prints the same facts as
//! one object for scripts.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context as _, Result};
use chrono::Utc;
use polars::prelude::*;
use serde_json::{Value, json};

use crate::config::load_checked as load_config;
use crate::dataset::Dataset;
use crate::ingest::{self, FileReport, Ingested};
use crate::national::Status;
use crate::outcome::{Failure, Tag};
use crate::period::Period;
use crate::pull::Fetched;
use crate::pull::{Location, Source};

pub(super) struct Options<'a> {
    pub file: &'a Path,
    pub profile: Option<String>,
    pub dataset: Dataset,
    pub json: bool,
}

pub(super) fn inspect(config_path: &Path, o: &Options<'_>, out: &mut dyn std::io::Write) -> Result<()> {
    let config = load_config(config_path)?;
    if let Some(id) = &o.profile
        && !config.formats.iter().any(|p| &p.id == id)
    {
        let known: Vec<&str> = config.formats.iter().map(|p| p.id.as_str()).collect();
        return Err(anyhow::anyhow!("không có định dạng \"{id}\" (có: {})", known.join(", "))).tag(Failure::Config);
    }
    let bytes =
        std::fs::read(o.file).with_context(|| format!("không đọc được {}", o.file.display())).tag(Failure::Data)?;
    let tz = config.settings.ward.time_zone;
    let now = Utc::now().with_timezone(&tz);
    let period = Period::month_before(now.date_naive());
    let name = o.file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let source = Source {
        id: "inspect".into(),
        dataset: o.dataset,
        location: Location::File { glob: o.file.display().to_string() },
        required: true,
        profile: o.profile.clone(),
        columns: BTreeMap::new(),
    };
    let fetched = Fetched::from_bytes(source, &name, &o.file.display().to_string(), period, bytes);
    let mut ctx = crate::pipeline::ingest_context(&config, period, now);
    ctx.whole_file = true;
    let got = ingest::ingest(&[fetched], &ctx)?;
    let report = facts(&got)?;
    if o.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?;
    } else {
        write_text(&report, out)?;
    }
    Ok(())
}

/// Status code → rows, over the rows kept.
fn statuses(df: &DataFrame) -> Result<BTreeMap<String, u64>> {
    let mut out = BTreeMap::new();
    let Ok(status) = df.column("status") else { return Ok(out) };
    for v in status.cast(&DataType::Int64)?.i64()?.iter() {
        let key = v.map_or_else(|| "không có".to_string(), |c| c.to_string());
        *out.entry(key).or_default() += 1;
    }
    Ok(out)
}

fn day_range(df: &DataFrame) -> Result<(Option<String>, Option<String>)> {
    let Ok(c) = df.column("received_at") else { return Ok((None, None)) };
    let days = df
        .clone()
        .lazy()
        .select([
            col(c.name().as_str()).min().dt().strftime("%Y-%m-%d").alias("from"),
            col(c.name().as_str()).max().dt().strftime("%Y-%m-%d").alias("to"),
        ])
        .collect()?;
    let get = |n: &str| days.column(n).ok()?.str().ok()?.get(0).map(str::to_string);
    Ok((get("from"), get("to")))
}

/// Everything inspect says, as one JSON object (the text output is written from it).
fn facts(got: &Ingested) -> Result<Value> {
    let f: &FileReport = got.files.first().context("không có tệp")?;
    let empty = DataFrame::empty();
    let table = got.table(f.dataset).unwrap_or(&empty);
    let statuses = statuses(table)?;
    let meaning: BTreeMap<&String, Value> = statuses
        .keys()
        .map(|k| {
            let s = k.parse().ok().and_then(Status::from_code);
            (k, json!({ "label": s.map(Status::label), "meaning": s.map(Status::meaning) }))
        })
        .collect();
    let (from, to) = day_range(table)?;
    let rejected: Vec<Value> = f.rejected.iter().map(|(rule, n)| json!({ "rule": rule, "rows": n })).collect();
    let findings: Vec<Value> = got
        .findings
        .iter()
        .map(|x| {
            json!({
                "severity": x.severity.label(),
                "rule": x.rule,
                "rows": x.count,
                "examples": x.examples.iter().map(|e| json!({ "row": e.row, "value": e.detail })).collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(json!({
        "file": f.origin,
        "dataset": f.dataset.name(),
        "format": f.format,
        "encoding": f.encoding.map(crate::ingest::Encoding::label),
        "sheet": f.sheet,
        "header_row": f.header_row,
        "records_at": f.records_at,
        "profile": f.profile,
        "profile_choice": f.profile_choice.label_vi(),
        "fields": f.fields.iter().map(|(k, v)| (k.clone(), json!(v))).collect::<serde_json::Map<_, _>>(),
        "personal_dropped": f.personal_dropped,
        "ignored": f.ignored,
        "rows": f.rows_read,
        "rejected": f.rejected_rows(),
        "kept": f.rows_kept,
        "rejected_by_rule": rejected,
        "statuses": statuses,
        "status_meaning": meaning,
        "date_layouts": f.date_layouts,
        "received_from": from,
        "received_to": to,
        "findings": findings,
    }))
}

fn write_text(r: &Value, out: &mut dyn std::io::Write) -> Result<()> {
    let s = |k: &str| r[k].as_str().unwrap_or("—").to_string();
    writeln!(out, "Tệp: {}", s("file"))?;
    writeln!(out, "Định dạng nguồn: {} ({})", s("profile"), s("profile_choice"))?;
    writeln!(out, "Kiểu tệp: {}, bảng mã: {}", s("format"), s("encoding"))?;
    if r["records_at"].is_string() {
        writeln!(out, "Bản ghi JSON tại: {}", s("records_at"))?;
    } else {
        writeln!(
            out,
            "Dòng tiêu đề cột: {}{}",
            r["header_row"],
            r["sheet"].as_str().map(|x| format!(" (trang {x})")).unwrap_or_default()
        )?;
    }
    writeln!(out, "Trường ← cột hoặc đường dẫn trong tệp:")?;
    for (k, v) in r["fields"].as_object().into_iter().flatten() {
        let cols: Vec<&str> = v.as_array().into_iter().flatten().filter_map(Value::as_str).collect();
        writeln!(out, "  {k} ← {}", cols.join(" | "))?;
    }
    let list = |k: &str| r[k].as_array().into_iter().flatten().filter_map(Value::as_str).collect::<Vec<_>>().join(", ");
    writeln!(out, "Cột dữ liệu cá nhân đã loại bỏ: {}", list("personal_dropped"))?;
    writeln!(out, "Cột không dùng: {}", list("ignored"))?;
    writeln!(out, "Số dòng: đọc {}, loại {}, dùng {}", r["rows"], r["rejected"], r["kept"])?;
    for x in r["rejected_by_rule"].as_array().into_iter().flatten() {
        writeln!(out, "  loại {} dòng: {}", x["rows"], x["rule"].as_str().unwrap_or(""))?;
    }
    writeln!(out, "Trạng thái (mã quốc gia → số hồ sơ):")?;
    let mut statuses: Vec<(&String, &Value)> = r["statuses"].as_object().into_iter().flatten().collect();
    statuses.sort_by_key(|(k, _)| k.parse::<i64>().unwrap_or(i64::MAX));
    for (k, n) in statuses {
        let m = &r["status_meaning"][k];
        writeln!(
            out,
            "  {k} {}: {n} ({})",
            m["label"].as_str().unwrap_or(""),
            m["meaning"].as_str().unwrap_or("không có trạng thái")
        )?;
    }
    writeln!(out, "Định dạng ngày gặp trong tệp:")?;
    for (field, layouts) in r["date_layouts"].as_object().into_iter().flatten() {
        let each: Vec<String> = layouts.as_object().into_iter().flatten().map(|(l, n)| format!("{l} ({n})")).collect();
        writeln!(out, "  {field}: {}", each.join(", "))?;
    }
    writeln!(out, "Ngày tiếp nhận: từ {} đến {}", s("received_from"), s("received_to"))?;
    let findings = r["findings"].as_array().map_or(0, Vec::len);
    writeln!(out, "Vấn đề dữ liệu: {findings}")?;
    for x in r["findings"].as_array().into_iter().flatten() {
        writeln!(
            out,
            "  [{}] {} — {} dòng",
            x["severity"].as_str().unwrap_or(""),
            x["rule"].as_str().unwrap_or(""),
            x["rows"]
        )?;
        for e in x["examples"].as_array().into_iter().flatten() {
            writeln!(out, "      dòng {}: {}", e["row"], e["value"].as_str().unwrap_or(""))?;
        }
    }
    Ok(())
}
