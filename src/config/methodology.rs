//! Loading a service methodology file and checking it, with lines for every problem.

use std::path::Path;

use serde::Deserialize;
use toml::Spanned;
use toml::value::Datetime;

use super::diag::Diagnostics;
use crate::score::{Band, Group, Indicator, Measure, OnTimeRules, Operator, ServiceMethod, ZeroRule};

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum OperatorName {
    Linear,
    Threshold,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IndicatorSpec {
    code: String,
    name: String,
    group: String,
    max_points: f64,
    measure: Measure,
    operator: OperatorName,
    threshold: Option<f64>,
    zero_denominator: ZeroRule,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MethodSpec {
    id: String,
    series: Option<String>,
    name: String,
    decision: String,
    valid_from: Spanned<Datetime>,
    valid_to: Option<Spanned<Datetime>>,
    precision: u32,
    #[serde(rename = "band")]
    bands: Vec<Spanned<Band>>,
    #[serde(rename = "group")]
    groups: Vec<Spanned<Group>>,
    #[serde(rename = "indicator")]
    indicators: Vec<Spanned<IndicatorSpec>>,
    /// The named edge rules of the on-time comparison.
    on_time: OnTimeRules,
}

/// Loads `config/methodology/<id>.toml`.
pub fn load_service_method(root: &Path, path: &Path, diag: &mut Diagnostics) -> Option<ServiceMethod> {
    let (src, spec) = diag.parse::<MethodSpec>(root, path)?;
    let before = diag.problems().len();
    let valid = super::dates::validity(&src, &spec.valid_from, spec.valid_to.as_ref(), diag);
    let mut last = f64::INFINITY;
    for b in &spec.bands {
        if b.get_ref().min >= last {
            diag.at(&src, &b.span(), "các hạng phải xếp từ cao xuống thấp (min giảm dần)");
        }
        last = b.get_ref().min;
    }
    for g in &spec.groups {
        let sum: f64 = spec
            .indicators
            .iter()
            .filter(|i| i.get_ref().group == g.get_ref().code)
            .map(|i| i.get_ref().max_points)
            .sum();
        if sum > g.get_ref().max_points + 1e-9 {
            diag.at(
                &src,
                &g.span(),
                format!(
                    "nhóm {}: tổng điểm chỉ số {sum} vượt điểm tối đa {}",
                    g.get_ref().code,
                    g.get_ref().max_points
                ),
            );
        }
    }
    for i in &spec.indicators {
        let ind = i.get_ref();
        if !spec.groups.iter().any(|g| g.get_ref().code == ind.group) {
            diag.at(&src, &i.span(), format!("chỉ số {}: nhóm \"{}\" không tồn tại", ind.code, ind.group));
        }
        if ind.max_points <= 0.0 {
            diag.at(&src, &i.span(), format!("chỉ số {}: max_points phải dương", ind.code));
        }
        match (ind.operator, ind.threshold) {
            (OperatorName::Threshold, Some(t)) if t > 0.0 && t <= 1.0 => {}
            (OperatorName::Threshold, _) => {
                diag.at(
                    &src,
                    &i.span(),
                    format!("chỉ số {}: operator = \"threshold\" cần threshold trong (0, 1]", ind.code),
                );
            }
            (OperatorName::Linear, Some(_)) => {
                diag.at(&src, &i.span(), format!("chỉ số {}: operator = \"linear\" không dùng threshold", ind.code));
            }
            (OperatorName::Linear, None) => {}
        }
    }
    let valid = valid?;
    (diag.problems().len() == before).then(|| ServiceMethod {
        series: spec.series.unwrap_or_else(|| spec.id.clone()),
        id: spec.id,
        name: spec.name,
        decision: spec.decision,
        valid,
        precision: spec.precision,
        groups: spec.groups.into_iter().map(Spanned::into_inner).collect(),
        indicators: spec
            .indicators
            .into_iter()
            .map(|i| {
                let i = i.into_inner();
                Indicator {
                    operator: match i.operator {
                        OperatorName::Linear => Operator::Linear,
                        OperatorName::Threshold => Operator::Threshold { threshold: i.threshold.unwrap_or(1.0) },
                    },
                    code: i.code,
                    name: i.name,
                    group: i.group,
                    max_points: i.max_points,
                    measure: i.measure,
                    zero_denominator: i.zero_denominator,
                }
            })
            .collect(),
        bands: spec.bands.into_iter().map(Spanned::into_inner).collect(),
        on_time: spec.on_time,
    })
}
