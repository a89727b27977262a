//! The plan's targets (`config/methodology/targets-<year>.toml`): what each target is,
//! whom it applies to, and how it is measured — from data the pipeline computes, or by a
//! manual confirmation (who confirms is named here; who confirmed and when is recorded by
//! the ward as a fact).

use std::path::Path;

use serde::Deserialize;
use toml::Spanned;
use toml::value::Datetime;

use super::diag::Diagnostics;
use crate::score::{
    AppliesTo, Comparison, OneStopMetric, OneStopTarget, Plan, Target, TargetMeasure as Measure, TargetSource, Targets,
};

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
    series: Option<String>,
    name: String,
    decision: String,
    valid_from: Spanned<Datetime>,
    valid_to: Option<Spanned<Datetime>>,
    plan: Spanned<PlanSpec>,
    #[serde(rename = "target")]
    targets: Vec<Spanned<TargetSpec>>,
    #[serde(rename = "one_stop_target", default)]
    one_stop: Vec<Spanned<OneStopSpec>>,
}

/// The plan itself: number, date, issuer and title, as reports and e-mails cite it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanSpec {
    number: String,
    date: Datetime,
    issuer: String,
    title: String,
    one_stop_section: String,
    losses_section: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OneStopSpec {
    code: String,
    name: String,
    metric: OneStopMetric,
    value: f64,
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
    let plan = plan(&src, spec.plan, diag);
    let one_stop = one_stop(&src, spec.one_stop, diag);
    let (valid, plan) = (valid?, plan?);
    (diag.problems().len() == before).then(|| Targets {
        series: spec.series.unwrap_or_else(|| spec.id.clone()),
        id: spec.id,
        name: spec.name,
        decision: spec.decision,
        valid,
        plan,
        targets,
        one_stop,
    })
}

fn plan(src: &super::SourceText, spec: Spanned<PlanSpec>, diag: &mut Diagnostics) -> Option<Plan> {
    let span = spec.span();
    let p = spec.into_inner();
    let Some(date) = super::dates::to_date(&p.date) else {
        diag.at(src, &span, "[plan] date phải là một ngày (YYYY-MM-DD): ngày ban hành kế hoạch");
        return None;
    };
    for (key, value) in [("number", &p.number), ("issuer", &p.issuer), ("title", &p.title)] {
        if value.trim().is_empty() {
            diag.at(src, &span, format!("[plan] {key} không được để trống"));
        }
    }
    Some(Plan {
        number: p.number,
        date,
        issuer: p.issuer,
        title: p.title,
        one_stop_section: p.one_stop_section,
        losses_section: p.losses_section,
    })
}

fn one_stop(src: &super::SourceText, specs: Vec<Spanned<OneStopSpec>>, diag: &mut Diagnostics) -> Vec<OneStopTarget> {
    let mut out: Vec<OneStopTarget> = Vec::new();
    for s in specs {
        let span = s.span();
        let s = s.into_inner();
        if out.iter().any(|t| t.code == s.code) {
            diag.at(src, &span, format!("mã chỉ tiêu trùng: {}", s.code));
        }
        if s.metric.is_rate() && !(0.0..=1.0).contains(&s.value) {
            diag.at(src, &span, format!("chỉ tiêu {}: tỷ lệ viết trên thang 0..1 (1.0 = 100%)", s.code));
        }
        if !s.metric.is_rate() && (s.value < 0.0 || s.value.fract() != 0.0) {
            diag.at(src, &span, format!("chỉ tiêu {}: số hồ sơ, phản ánh phải là số nguyên không âm", s.code));
        }
        out.push(OneStopTarget { code: s.code, name: s.name, metric: s.metric, value: s.value });
    }
    out
}
