//! The plan's targets for the period (`targets-<year>.toml`): each data-measured target
//! checked for every scope it applies to, each manual one listed with who must confirm it.
//!
//! The one-stop section's dossier targets are the ward's figures: every dossier is received
//! through it, whichever section then handles it.

use std::collections::{BTreeMap, HashMap};

use polars::prelude::*;

use super::plan::{AppliesTo, Comparison, Measure, Target, TargetSource, Targets};
use super::scope::WARD_SCOPE;
use crate::expr::keyed_f64;
use crate::registry::UnitKind;

/// Everything targets are measured on, already computed for the period.
pub struct TargetFacts<'a> {
    /// The service scorecard's scope table (units and the ward row).
    pub scopes: &'a DataFrame,
    /// The service scorecard's officer table.
    pub officers: &'a DataFrame,
    pub documents: Option<&'a DataFrame>,
    pub initiatives: Option<&'a DataFrame>,
    /// Units valid in the period, with their kind.
    pub units: &'a [(String, UnitKind)],
}

/// Per scope (unit code or the ward) the document and initiative metrics.
fn derived(facts: &TargetFacts<'_>) -> PolarsResult<HashMap<(String, String), f64>> {
    let mut out = HashMap::new();
    if let Some(docs) = facts.documents {
        let sums = |by: Option<&str>| -> PolarsResult<DataFrame> {
            let aggs = [
                col("outgoing_electronic").sum().cast(DataType::Float64).alias("e"),
                (col("outgoing") - col("outgoing_secret").fill_null(lit(0i64)))
                    .sum()
                    .cast(DataType::Float64)
                    .alias("d"),
                col("outgoing_signed").sum().cast(DataType::Float64).alias("s"),
                col("incoming_on_time").sum().cast(DataType::Float64).alias("io"),
                col("incoming").sum().cast(DataType::Float64).alias("i"),
            ];
            match by {
                Some(c) => docs
                    .clone()
                    .lazy()
                    .filter(col(c).is_not_null())
                    .group_by([col(c).alias("scope")])
                    .agg(aggs)
                    .collect(),
                None => docs.clone().lazy().select(aggs).with_column(lit(WARD_SCOPE).alias("scope")).collect(),
            }
        };
        for df in [sums(Some("unit_code"))?, sums(None)?] {
            for (metric, num, den) in
                [("electronic_rate", "e", "d"), ("signed_rate", "s", "e"), ("incoming_on_time_rate", "io", "i")]
            {
                let n = keyed_f64(&df, "scope", num);
                for (scope, d) in keyed_f64(&df, "scope", den) {
                    if d > 0.0 {
                        out.insert((scope.clone(), metric.to_string()), n.get(&scope).copied().unwrap_or(0.0) / d);
                    }
                }
            }
        }
    }
    if let Some(ini) = facts.initiatives {
        let units = ini.column("unit_code")?.str()?;
        let status = ini.column("status")?.str()?;
        let authors = ini.column("authors")?.str()?;
        let (mut reg, mut applied) = (0.0, 0.0);
        for i in 0..ini.height() {
            let is_applied = status.get(i) == Some("applied");
            reg += 1.0;
            applied += f64::from(u8::from(is_applied));
            if let Some(u) = units.get(i) {
                *out.entry((u.to_string(), "registered".into())).or_insert(0.0) += 1.0;
                *out.entry((u.to_string(), "applied".into())).or_insert(0.0) += f64::from(u8::from(is_applied));
            }
            for a in authors.get(i).unwrap_or("").split([';', ',']).map(str::trim).filter(|a| !a.is_empty()) {
                *out.entry((a.to_string(), "authored".into())).or_insert(0.0) += 1.0;
            }
        }
        // The register is the whole list: a unit that is not in it registered nothing.
        for (u, _) in facts.units {
            out.entry((u.clone(), "registered".into())).or_insert(0.0);
            out.entry((u.clone(), "applied".into())).or_insert(0.0);
        }
        out.insert((WARD_SCOPE.into(), "registered".into()), reg);
        out.insert((WARD_SCOPE.into(), "applied".into()), applied);
        if reg > 0.0 {
            out.insert((WARD_SCOPE.into(), "applied_rate".into()), applied / reg);
        }
    }
    Ok(out)
}

/// The scopes a target is checked on: the ward row, units of the kinds named, or officers.
fn scopes_of(t: &Target, source: Option<TargetSource>, facts: &TargetFacts<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for a in &t.applies_to {
        match (a, source) {
            (AppliesTo::Ward, _) => out.push(WARD_SCOPE.to_string()),
            // Every dossier passes through the one-stop section: its targets are the ward's.
            (AppliesTo::OneStop, Some(TargetSource::Svc | TargetSource::Feedback)) => out.push(WARD_SCOPE.to_string()),
            (AppliesTo::Individual, _) => {
                if let Ok(ids) = facts.officers.column("officer_id").and_then(|c| c.str().cloned()) {
                    out.extend(ids.iter().flatten().map(str::to_string));
                }
            }
            (a, _) => out.extend(facts.units.iter().filter(|(_, k)| a.covers(*k)).map(|(c, _)| c.clone())),
        }
    }
    if let Some(only) = &t.units {
        out.retain(|s| only.contains(s));
    }
    out.dedup();
    out
}

/// One row per target and scope: actual, expected, met (null when it cannot be told).
pub fn plan_targets(targets: &Targets, facts: &TargetFacts<'_>) -> PolarsResult<DataFrame> {
    let extra = derived(facts)?;
    let (mut code, mut name, mut plan_ref, mut scope, mut measure, mut actual, mut expected, mut met, mut note) =
        (vec![], vec![], vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
    for t in &targets.targets {
        let mut push = |s: String, m: &str, a: Option<f64>, e: String, ok: Option<bool>, n: Option<String>| {
            code.push(t.code.clone());
            name.push(t.name.clone());
            plan_ref.push(t.plan_ref.clone());
            scope.push(s);
            measure.push(m.to_string());
            actual.push(a);
            expected.push(e);
            met.push(ok);
            note.push(n.or_else(|| t.note.clone()));
        };
        match &t.measure {
            Measure::Manual { confirmed_by } => {
                let who = t.applies_to.iter().map(|a| a.label()).collect::<Vec<_>>().join(", ");
                push(who, "Xác nhận", None, String::new(), None, Some(format!("Cần {confirmed_by} xác nhận")));
            }
            Measure::Data { source, metric, comparison, value, value_label } => {
                let table: Option<BTreeMap<String, f64>> = match (source, t.applies_to.contains(&AppliesTo::Individual))
                {
                    (TargetSource::Svc | TargetSource::Feedback, true) => Some(keyed_f64(
                        facts.officers,
                        "officer_id",
                        if metric == "officer_complaints" { "complaints" } else { metric },
                    )),
                    (TargetSource::Svc | TargetSource::Feedback, false) => {
                        Some(keyed_f64(facts.scopes, "scope", metric))
                    }
                    _ => None,
                };
                let expect = match comparison {
                    Comparison::AtLeast => format!("≥ {}", value.unwrap_or(0.0)),
                    Comparison::AtMost => format!("≤ {}", value.unwrap_or(0.0)),
                    Comparison::BandAtLeast => format!("≥ {}", value_label.clone().unwrap_or_default()),
                };
                for s in scopes_of(t, Some(*source), facts) {
                    let a = match &table {
                        Some(tab) => tab.get(&s).copied(),
                        None => extra.get(&(s.clone(), metric.clone())).copied(),
                    };
                    let ok = match (comparison, a, value) {
                        (Comparison::AtLeast, Some(a), Some(v)) => Some(a + 1e-9 >= *v),
                        (Comparison::AtMost, Some(a), Some(v)) => Some(a <= *v + 1e-9),
                        _ => None,
                    };
                    let why = a.is_none().then(|| "Chưa có dữ liệu trong kỳ".to_string());
                    push(s, "Tự tính", a, expect.clone(), ok, why);
                }
            }
        }
    }
    df![
        "target" => code, "target_name" => name, "plan_ref" => plan_ref, "scope" => scope, "measure" => measure,
        "actual" => actual, "expected" => expected, "met" => met, "note" => note,
    ]
}
