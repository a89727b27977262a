//! The unit and officer lists of a province-sized sample: `thidua sample --dossiers N` above
//! one commune's size writes a dossier file for many communes, and the run needs every
//! commune's units and officers to attribute it.

use std::path::{Path, PathBuf};

use anyhow::Result;
use chrono::NaiveDate;

/// The registry of a province-sized benchmark file: every unit and officer of the ward,
/// cloned once per commune under the names the generator writes ("… (xã 07)"), without
/// aliases (they would be ambiguous across communes) or e-mail addresses (no unit cards).
pub fn province_registry(
    registry: &crate::registry::Registry,
    first: NaiveDate,
    last: NaiveDate,
    communes: usize,
    out: &Path,
) -> Result<Vec<PathBuf>> {
    use toml::{Table, Value};
    let date = |d: NaiveDate| -> Result<Value> { Ok(Value::Datetime(d.to_string().parse()?)) };
    let kind = |k: crate::registry::UnitKind| -> Result<Value> {
        Ok(Value::String(serde_json::to_value(k)?.as_str().unwrap_or_default().to_string()))
    };
    let gender = |g: crate::registry::Gender| -> Result<Value> {
        Ok(Value::String(serde_json::to_value(g)?.as_str().unwrap_or_default().to_string()))
    };
    let (mut units, mut officers) = (Vec::new(), Vec::new());
    for c in 1..=communes {
        for u in registry.units.iter().filter(|u| u.valid.overlaps(first, last)) {
            let mut t = Table::new();
            t.insert("code".into(), Value::String(format!("{}.X{c:02}", u.code)));
            t.insert("name".into(), Value::String(format!("{} (xã {c:02})", u.name)));
            t.insert("kind".into(), kind(u.kind)?);
            t.insert("par_rated".into(), Value::Boolean(u.par_rated));
            t.insert("handles_dossiers".into(), Value::Boolean(u.handles_dossiers));
            t.insert("valid_from".into(), date(u.valid.from)?);
            units.push(Value::Table(t));
            for o in registry.officers.iter().filter(|o| o.unit == u.code) {
                let mut t = Table::new();
                t.insert("id".into(), Value::String(format!("{}.x{c:02}", o.id)));
                t.insert("name".into(), Value::String(o.name.clone()));
                t.insert("unit".into(), Value::String(format!("{}.X{c:02}", u.code)));
                t.insert("position".into(), Value::String(o.position.clone()));
                t.insert("gender".into(), gender(o.gender)?);
                t.insert("active_from".into(), date(o.active.from)?);
                officers.push(Value::Table(t));
            }
        }
    }
    let mut files = Vec::new();
    for (name, key, items) in [("units.toml", "unit", units), ("officers.toml", "officer", officers)] {
        let mut doc = Table::new();
        doc.insert(key.into(), Value::Array(items));
        let path = out.join(name);
        let text = format!(
            "# Danh mục cho tệp mẫu cấp tỉnh ({communes} xã), sinh bởi `thidua sample --dossiers`.\n{}",
            toml::to_string(&doc)?
        );
        crate::store::write_atomic(&path, text.as_bytes())?;
        files.push(path);
    }
    Ok(files)
}
