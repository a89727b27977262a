//! JSON exports: records found where the profile says, nested values read by path, and
//! the facts of nested lists counted, into the same grid of text cells as every format.
//!
//! Only the paths a profile names are read, so a citizen's name nested under `applicant`
//! never becomes a cell; the paths present are listed so that the sources sheet and
//! `thidua inspect` can say what was dropped.

use std::collections::BTreeSet;

use anyhow::{Result, bail};
use serde_json::Value;

use super::decode::nfc;
use super::profile::Source;
use super::tabular::Grid;

/// How many records are looked at to learn which paths a file has.
const SAMPLE: usize = 200;

/// The records of a document: the first of `paths` that holds an array ("" is the document
/// itself); an object with exactly one array is read as that array. Returns the path used.
pub(super) fn records(doc: Value, paths: &[String]) -> Result<(Vec<Value>, String)> {
    for p in paths {
        if let Some(Value::Array(_)) = walk(&doc, p) {
            let Some(Value::Array(a)) = take(doc, p) else { unreachable!("checked above") };
            return Ok((a, p.clone()));
        }
    }
    if let Value::Object(o) = doc {
        let mut arrays = o.into_iter().filter_map(|(k, v)| match v {
            Value::Array(a) => Some((k, a)),
            _ => None,
        });
        if let (Some((k, a)), None) = (arrays.next(), arrays.next()) {
            return Ok((a, k));
        }
    }
    bail!("JSON phải là một mảng bản ghi, hoặc một đối tượng chứa mảng bản ghi (tìm ở: {})", shown(paths))
}

fn shown(paths: &[String]) -> String {
    paths
        .iter()
        .map(|p| if p.is_empty() { "gốc tài liệu".to_string() } else { p.clone() })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The value at a dotted path, by reference; "" is the value itself.
fn walk<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    if path.is_empty() {
        return Some(v);
    }
    path.split('.').try_fold(v, |v, key| v.get(key))
}

fn take(v: Value, path: &str) -> Option<Value> {
    if path.is_empty() {
        return Some(v);
    }
    path.split('.').try_fold(v, |mut v, key| v.get_mut(key).map(Value::take))
}

/// Every path in the first records (objects dotted, arrays by their own path, entries
/// of arrays of objects continued below it).
pub(super) fn paths(records: &[Value]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for r in records.iter().take(SAMPLE) {
        collect(r, "", &mut out);
    }
    out
}

fn collect(v: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(o) => {
            for (k, child) in o {
                let p = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                out.insert(p.clone());
                collect(child, &p, out);
            }
        }
        Value::Array(a) => {
            for entry in a.iter().take(SAMPLE) {
                collect(entry, prefix, out);
            }
        }
        _ => {}
    }
}

/// A path through objects; an array met on the way stands for its first entry.
fn value_at<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    let mut cur = v;
    for key in path.split('.') {
        cur = match cur {
            Value::Array(a) => a.first()?.get(key)?,
            other => other.get(key)?,
        };
    }
    match cur {
        Value::Array(a) if a.first().is_some_and(|x| !x.is_array() && !x.is_object()) => a.first(),
        other => Some(other),
    }
}

/// The list at the longest prefix of `path` that is an array, and the rest of the path.
fn list_at<'a>(v: &'a Value, path: &'a str) -> Option<(&'a Vec<Value>, &'a str)> {
    let mut cur = v;
    let mut rest = path;
    loop {
        if let Value::Array(a) = cur {
            return Some((a, rest));
        }
        if rest.is_empty() {
            return None;
        }
        let (key, tail) = rest.split_once('.').unwrap_or((rest, ""));
        cur = cur.get(key)?;
        rest = tail;
    }
}

/// A scalar as cell text: strings trimmed and NFC, numbers as written, booleans as 1/0.
fn text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(nfc(s.trim()).into_owned()).filter(|s| !s.is_empty()),
        Value::Bool(b) => Some(if *b { "1" } else { "0" }.to_string()),
        Value::Number(n) => Some(n.to_string()),
        other => Some(other.to_string()),
    }
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|x| x != 0.0),
        Value::String(s) => matches!(s.trim().to_lowercase().as_str(), "1" | "true" | "có"),
        _ => false,
    }
}

fn positive(v: &Value) -> bool {
    match v {
        Value::Number(n) => n.as_f64().is_some_and(|x| x > 0.0),
        Value::String(s) => s.trim().replace([',', ' '], "").parse::<f64>().is_ok_and(|x| x > 0.0),
        _ => false,
    }
}

/// One source's cell for one record.
fn cell(record: &Value, source: &Source) -> Option<String> {
    let flag = |b: bool| Some(if b { "1" } else { "0" }.to_string());
    match source {
        Source::Column(p) => value_at(record, p).and_then(text),
        Source::Count(p) => list_at(record, p).map(|(a, _)| a.len().to_string()),
        Source::NonEmpty(p) => list_at(record, p).and_then(|(a, _)| flag(!a.is_empty())),
        Source::Last(p) => {
            let (a, field) = list_at(record, p)?;
            a.iter().rev().filter_map(|e| walk(e, field)).find_map(text)
        }
        Source::Any(p) => {
            let (a, field) = list_at(record, p)?;
            flag(a.iter().filter_map(|e| walk(e, field)).any(truthy))
        }
        Source::AnyPositive(p) => {
            let (a, field) = list_at(record, p)?;
            flag(a.iter().filter_map(|e| walk(e, field)).any(positive))
        }
    }
}

/// The grid of the given sources (columns named by [`Source::key`]), rows numbered from 1.
/// Sources no record has are left out, so they count as missing.
pub(super) fn grid(records: &[Value], sources: &[&Source]) -> Result<Grid> {
    let mut g = Grid::default();
    for (i, r) in records.iter().enumerate() {
        if !r.is_object() {
            bail!("bản ghi thứ {} không phải đối tượng JSON", i + 1);
        }
    }
    for s in sources {
        let column: Vec<Option<String>> = records.iter().map(|r| cell(r, s)).collect();
        let present = match s {
            Source::Column(p) => records.iter().any(|r| value_at(r, p).is_some()),
            _ => records.iter().any(|r| list_at(r, s.path()).is_some()),
        };
        if present && !g.header.contains(&s.key()) {
            g.header.push(s.key());
            g.columns.push(column);
        }
    }
    g.rows = (1..=records.len() as u32).collect();
    Ok(g)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_lists_and_facts() {
        let doc = json!({"content": [
            {"code": "A", "agency": {"code": "TP"}, "procedure": {"translate": [{"name": "Chứng thực"}]},
             "DanhSachHoSoBoSung": [{"NgayHenTraMoi": "20240910170000"}, {"NgayHenTraMoi": "20240912170000"}, {"NgayHenTraMoi": ""}],
             "DanhSachLePhi": [{"Gia": "0"}, {"Gia": "20000"}], "TaiLieuNop": [{"DuocSoHoa": "0"}],
             "DanhSachGiayToKetQua": [], "applicant": {"data": {"fullname": "Nguyễn Văn A"}}},
            {"code": "B", "agency": {"code": "DC"}}
        ], "totalPages": 1});
        let (recs, at) = records(doc, &["".into(), "content".into()]).unwrap();
        assert_eq!((recs.len(), at.as_str()), (2, "content"));
        let p = paths(&recs);
        assert!(p.contains("agency.code") && p.contains("applicant.data.fullname") && p.contains("DanhSachLePhi.Gia"));
        let sources = [
            Source::Column("code".into()),
            Source::Column("procedure.translate.name".into()),
            Source::Count("DanhSachHoSoBoSung".into()),
            Source::Last("DanhSachHoSoBoSung.NgayHenTraMoi".into()),
            Source::AnyPositive("DanhSachLePhi.Gia".into()),
            Source::Any("TaiLieuNop.DuocSoHoa".into()),
            Source::NonEmpty("DanhSachGiayToKetQua".into()),
            Source::Column("khong.co".into()),
        ];
        let g = grid(&recs, &sources.iter().collect::<Vec<_>>()).unwrap();
        let col = |k: &str| g.columns[g.header.iter().position(|h| h == k).unwrap()].clone();
        assert_eq!(col("procedure.translate.name"), [Some("Chứng thực".into()), None]);
        assert_eq!(col("count(DanhSachHoSoBoSung)"), [Some("3".into()), None]);
        assert_eq!(col("last(DanhSachHoSoBoSung.NgayHenTraMoi)")[0].as_deref(), Some("20240912170000"));
        assert_eq!(col("any_positive(DanhSachLePhi.Gia)")[0].as_deref(), Some("1"));
        assert_eq!(col("any(TaiLieuNop.DuocSoHoa)")[0].as_deref(), Some("0"));
        assert_eq!(col("non_empty(DanhSachGiayToKetQua)")[0].as_deref(), Some("0"));
        assert!(!g.header.contains(&"khong.co".to_string()), "a path no record has is missing");
        assert_eq!(g.rows, [1, 2]);
    }

    #[test]
    fn a_document_without_records_is_named() {
        let e = records(json!({"a": 1}), &["content".into()]).unwrap_err().to_string();
        assert!(e.contains("content"), "{e}");
    }
}
