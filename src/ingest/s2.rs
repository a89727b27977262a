//! The national portal's service-index responses (S2) as records.
//!
//! The portal answers either `{"metrics": [{code, name, numerator, denominator, ratio,
//! score, maxScore}, …]}` for the department asked about, or a tree `{"parent": {…},
//! "children": [{…}, …]}` whose nodes carry `metrics` or raw counts (`totalReceived`,
//! `totalOnTime`, …). Both become one record per node and metric, with `level` telling the
//! department asked about (`root`) from its sub-departments (`child`).

use serde_json::{Map, Value, json};

fn node_name(node: &Map<String, Value>) -> Value {
    ["name", "departmentName", "tenDonVi", "id"].iter().find_map(|k| node.get(*k).cloned()).unwrap_or(Value::Null)
}

fn node_records(node: &Map<String, Value>, level: &str, out: &mut Vec<Value>) {
    let unit = node_name(node);
    if let Some(Value::Array(metrics)) = node.get("metrics") {
        for m in metrics.iter().filter_map(Value::as_object) {
            let mut r = m.clone();
            r.insert("unit".into(), unit.clone());
            r.insert("level".into(), json!(level));
            out.push(Value::Object(r));
        }
        return;
    }
    // Raw counts: each numeric field is a metric of its own.
    for (k, v) in node {
        if v.is_number() {
            out.push(json!({ "unit": unit, "level": level, "code": k, "numerator": v }));
        }
    }
}

/// The records of one response, or `None` when it has neither shape.
pub fn flatten(doc: &Value) -> Option<Value> {
    let obj = doc.as_object()?;
    let mut out = Vec::new();
    if obj.contains_key("metrics") {
        node_records(obj, "root", &mut out);
    } else if let (Some(Value::Object(parent)), children) = (obj.get("parent"), obj.get("children")) {
        node_records(parent, "root", &mut out);
        for c in children.and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_object) {
            node_records(c, "child", &mut out);
        }
    } else {
        return None;
    }
    Some(Value::Array(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_shapes_become_records() {
        let m = flatten(&json!({"metrics": [{"code": "TIEN_DO", "score": 18.5, "maxScore": 20}]})).unwrap();
        assert_eq!(m[0]["level"], "root");
        assert_eq!(m[0]["code"], "TIEN_DO");
        let t = flatten(&json!({
            "parent": {"name": "UBND phường", "totalReceived": 100, "totalOnTime": 95},
            "children": [{"name": "Tư pháp", "metrics": [{"code": "TIEN_DO", "score": 20}]}]
        }))
        .unwrap();
        let codes: Vec<&str> = t.as_array().unwrap().iter().map(|r| r["code"].as_str().unwrap()).collect();
        assert_eq!(codes, ["totalOnTime", "totalReceived", "TIEN_DO"]);
        assert_eq!(t[2]["unit"], "Tư pháp");
        assert!(flatten(&json!([1, 2])).is_none());
    }
}
