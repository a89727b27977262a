//! The plan's targets (`config/methodology/targets-<year>.toml`): what each target is,
//! whom it applies to, and how it is measured — from data the pipeline computes, or by a
//! manual confirmation (who confirms is named here; who confirmed and when is recorded by
//! the ward as a fact).

use std::path::Path;

use serde::Deserialize;
use toml::Spanned;
use toml::value::Datetime;

use super::diag::Diagnostics;
use crate::score::{AppliesTo, Comparison, Target, TargetMeasure as Measure, TargetSource, Targets};

#[derive(Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum MeasureName {
    Manual,
    Data,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetsSpec {
    id: String,
    name: String,
    decision: String,
    valid_from: Spanned<Datetime>,
    valid_to: Option<Spanned<Datetime>>,
    #[serde(rename = "target")]
    targets: Vec<Spanned<TargetSpec>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetSpec {
    code: String,
    name: String,
    plan_ref: String,
    applies_to: Vec<AppliesTo>,
    /// Only these units (codes), when a target belongs to one section.
    units: Option<Vec<String>>,
    measure: MeasureName,
    confirmed_by: Option<String>,
    source: Option<TargetSource>,
    metric: Option<String>,
    comparison: Option<Comparison>,
    value: Option<f64>,
    value_label: Option<String>,
    note: Option<String>,
}

pub fn load_targets(root: &Path, path: &Path, diag: &mut Diagnostics) -> Option<Targets> {
    let (src, spec) = diag.parse::<TargetsSpec>(root, path)?;
    let before = diag.problems().len();
    let valid = super::dates::validity(&src, &spec.valid_from, spec.valid_to.as_ref(), diag);
    let mut targets = Vec::new();
    for t in spec.targets {
        let span = t.span();
        let t = t.into_inner();
        if targets.iter().any(|x: &Target| x.code == t.code) {
            diag.at(&src, &span, format!("mã chỉ tiêu trùng: {}", t.code));
        }
        if t.applies_to.is_empty() {
            diag.at(&src, &span, format!("chỉ tiêu {}: applies_to không được rỗng", t.code));
        }
        let measure = match t.measure {
            MeasureName::Manual => {
                if t.source.is_some() || t.metric.is_some() || t.comparison.is_some() {
                    diag.at(
                        &src,
                        &span,
                        format!("chỉ tiêu {}: measure = \"manual\" không dùng source, metric, comparison", t.code),
                    );
                }
                match t.confirmed_by {
                    Some(who) => Measure::Manual { confirmed_by: who },
                    None => {
                        diag.at(
                            &src,
                            &span,
                            format!("chỉ tiêu {}: measure = \"manual\" cần confirmed_by (ai xác nhận)", t.code),
                        );
                        continue;
                    }
                }
            }
            MeasureName::Data => {
                let (Some(source), Some(metric), Some(comparison)) = (t.source, t.metric, t.comparison) else {
                    diag.at(
                        &src,
                        &span,
                        format!("chỉ tiêu {}: measure = \"data\" cần source, metric và comparison", t.code),
                    );
                    continue;
                };
                if !source.metrics().contains(&metric.as_str()) {
                    diag.at(
                        &src,
                        &span,
                        format!(
                            "chỉ tiêu {}: metric \"{metric}\" không có (có: {})",
                            t.code,
                            source.metrics().join(", ")
                        ),
                    );
                }
                match (comparison, t.value, &t.value_label) {
                    (Comparison::BandAtLeast, _, Some(_))
                    | (Comparison::AtLeast | Comparison::AtMost, Some(_), None) => {}
                    _ => diag.at(
                        &src,
                        &span,
                        format!("chỉ tiêu {}: at_least/at_most cần value; band_at_least cần value_label", t.code),
                    ),
                }
                Measure::Data { source, metric, comparison, value: t.value, value_label: t.value_label }
            }
        };
        targets.push(Target {
            code: t.code,
            name: t.name,
            plan_ref: t.plan_ref,
            applies_to: t.applies_to,
            units: t.units,
            measure,
            note: t.note,
        });
    }
    (diag.problems().len() == before).then_some(Targets {
        id: spec.id,
        name: spec.name,
        decision: spec.decision,
        valid: valid?,
        targets,
    })
}
