//! Loading an index methodology file (`config/methodology/<id>.toml`) and checking it,
//! with a line for every problem. The format is documented in `config/methodology/README.md`.

use std::collections::HashSet;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;
use toml::value::Datetime;

use super::diag::{Diagnostics, SourceText};
use crate::score::{Band, Component, IndexKind, IndexMethod, LeafOp, Total, ZeroRule};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IndexSpec {
    id: Spanned<String>,
    series: Option<String>,
    name: String,
    decision: String,
    valid_from: Spanned<Datetime>,
    valid_to: Option<Spanned<Datetime>>,
    index: IndexKind,
    total: Spanned<TotalName>,
    scale: f64,
    precision: u32,
    two_source: Option<Spanned<TwoSourceSpec>>,
    window: Option<WindowSpec>,
    #[serde(rename = "band", default)]
    bands: Vec<Spanned<Band>>,
    #[serde(rename = "component")]
    components: Vec<Spanned<ComponentSpec>>,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum TotalName {
    Sum,
    Normalised,
    TwoSource,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TwoSourceSpec {
    appraised: String,
    survey: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WindowSpec {
    years: i32,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum OpName {
    Points,
    Scaled,
    Threshold,
    Linear,
    Minmax,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ComponentSpec {
    code: String,
    name: String,
    max_points: f64,
    operator: Option<OpName>,
    input_scale: Option<f64>,
    threshold: Option<f64>,
    zero_denominator: Option<ZeroRule>,
    parent: Option<String>,
    source: Option<String>,
}

fn leaf_op(src: &SourceText, c: &Spanned<ComponentSpec>, has_window: bool, diag: &mut Diagnostics) -> Option<LeafOp> {
    let s = c.get_ref();
    let at = c.span();
    let mut bad = |msg: String| diag.at(src, &at, format!("thành phần {}: {msg}", s.code));
    let zero = s.zero_denominator.unwrap_or(ZeroRule::NotApplicable);
    if zero == ZeroRule::Redistribute {
        bad("zero_denominator = \"redistribute\" chỉ dùng trong svc-766".into());
    }
    let op = match s.operator? {
        OpName::Points => LeafOp::Points,
        OpName::Scaled => match s.input_scale {
            Some(x) if x > 0.0 => LeafOp::Scaled { input_scale: x },
            _ => {
                bad("operator = \"scaled\" cần input_scale > 0".into());
                return None;
            }
        },
        OpName::Threshold => match s.threshold {
            Some(t) if t > 0.0 && t <= 1.0 => LeafOp::Threshold { threshold: t, zero },
            _ => {
                bad("operator = \"threshold\" cần threshold trong (0, 1]".into());
                return None;
            }
        },
        OpName::Linear => LeafOp::Linear { zero },
        OpName::Minmax => {
            if !has_window {
                bad("operator = \"minmax\" cần bảng [window] years = N".into());
            }
            LeafOp::MinMax
        }
    };
    if s.threshold.is_some() && !matches!(op, LeafOp::Threshold { .. }) {
        bad("threshold chỉ dùng với operator = \"threshold\"".into());
    }
    if s.input_scale.is_some() && !matches!(op, LeafOp::Scaled { .. } | LeafOp::MinMax) {
        bad("input_scale chỉ dùng với operator = \"scaled\" hoặc \"minmax\"".into());
    }
    if s.zero_denominator.is_some() && !matches!(op, LeafOp::Threshold { .. } | LeafOp::Linear { .. }) {
        bad("zero_denominator chỉ dùng với operator = \"threshold\" hoặc \"linear\"".into());
    }
    Some(op)
}

/// Loads and checks one index methodology file.
pub fn load_index_method(root: &Path, path: &Path, diag: &mut Diagnostics) -> Option<IndexMethod> {
    let (src, spec) = diag.parse::<IndexSpec>(root, path)?;
    let before = diag.problems().len();
    if path.file_stem().and_then(|s| s.to_str()) != Some(spec.id.get_ref().as_str()) {
        diag.at(&src, &spec.id.span(), format!("id \"{}\" phải trùng tên tệp", spec.id.get_ref()));
    }
    let valid = super::dates::validity(&src, &spec.valid_from, spec.valid_to.as_ref(), diag);
    check_bands(&src, &spec.bands, diag);
    let components = components(&src, &spec, diag);
    let total = total(&src, &spec, &components, diag);
    if spec.scale <= 0.0 {
        diag.at(&src, &spec.total.span(), "scale phải dương");
    }
    if diag.problems().len() != before {
        return None;
    }
    Some(IndexMethod {
        series: spec.series.unwrap_or_else(|| spec.id.get_ref().clone()),
        id: spec.id.into_inner(),
        name: spec.name,
        decision: spec.decision,
        valid: valid?,
        kind: spec.index,
        total,
        scale: spec.scale,
        precision: spec.precision,
        window_years: spec.window.map(|w| w.years),
        bands: spec.bands.into_iter().map(Spanned::into_inner).collect(),
        components,
    })
}

/// Bands run from best to worst.
fn check_bands(src: &SourceText, bands: &[Spanned<Band>], diag: &mut Diagnostics) {
    let mut last = f64::INFINITY;
    for b in bands {
        if b.get_ref().min >= last {
            diag.at(src, &b.span(), "các hạng phải xếp từ cao xuống thấp (min giảm dần)");
        }
        last = b.get_ref().min;
    }
}

/// The component tree: unique codes, parents that exist and have no operator, leaves with
/// one, children within their parent's points, no cycles.
fn components(src: &SourceText, spec: &IndexSpec, diag: &mut Diagnostics) -> Vec<Component> {
    let mut seen = HashSet::new();
    for c in &spec.components {
        if !seen.insert(c.get_ref().code.clone()) {
            diag.at(src, &c.span(), format!("mã thành phần trùng: {}", c.get_ref().code));
        }
        if c.get_ref().max_points < 0.0 {
            diag.at(src, &c.span(), format!("thành phần {}: max_points không được âm", c.get_ref().code));
        }
    }
    let is_parent = |code: &str| spec.components.iter().any(|c| c.get_ref().parent.as_deref() == Some(code));
    let mut components = Vec::new();
    for c in &spec.components {
        let s = c.get_ref();
        if let Some(p) = &s.parent {
            match spec.components.iter().find(|x| &x.get_ref().code == p) {
                None => diag.at(src, &c.span(), format!("thành phần {}: parent \"{p}\" không tồn tại", s.code)),
                Some(pc) if pc.get_ref().operator.is_some() => {
                    diag.at(src, &pc.span(), format!("thành phần {p} có thành phần con nên không được có operator"));
                }
                Some(_) => {}
            }
        }
        let op = if is_parent(&s.code) {
            None
        } else if s.operator.is_none() {
            diag.at(
                src,
                &c.span(),
                format!("thành phần {} là lá nên cần operator (points, scaled, threshold, linear, minmax)", s.code),
            );
            None
        } else {
            leaf_op(src, c, spec.window.is_some(), diag)
        };
        if is_parent(&s.code) {
            let kids: f64 = spec
                .components
                .iter()
                .filter(|k| k.get_ref().parent.as_deref() == Some(s.code.as_str()))
                .map(|k| k.get_ref().max_points)
                .sum();
            if kids > s.max_points + 1e-9 {
                diag.at(
                    src,
                    &c.span(),
                    format!(
                        "thành phần {}: tổng điểm các thành phần con {kids} vượt max_points {}",
                        s.code, s.max_points
                    ),
                );
            }
        }
        components.push(Component {
            code: s.code.clone(),
            name: s.name.clone(),
            max_points: s.max_points,
            parent: s.parent.clone(),
            op,
            source: s.source.clone(),
        });
    }
    // A parent chain must end: no cycles.
    for c in &components {
        let mut p = c.parent.as_deref();
        for _ in 0..=components.len() {
            p = p.and_then(|code| components.iter().find(|x| x.code == code)).and_then(|x| x.parent.as_deref());
        }
        if p.is_some() {
            diag.at(src, &(0..0), format!("thành phần {} nằm trong một vòng parent", c.code));
        }
    }
    components
}

/// How the top-level components make the total.
fn total(src: &SourceText, spec: &IndexSpec, components: &[Component], diag: &mut Diagnostics) -> Total {
    let top = |code: &str| components.iter().any(|c| c.code == code && c.parent.is_none());
    match (*spec.total.get_ref(), &spec.two_source) {
        (TotalName::Sum, None) => Total::Sum,
        (TotalName::Normalised, None) => Total::Normalised,
        (TotalName::TwoSource, Some(ts)) => {
            let t = ts.get_ref();
            for code in [&t.appraised, &t.survey] {
                if !top(code) {
                    diag.at(src, &ts.span(), format!("two_source: \"{code}\" phải là một thành phần cấp cao nhất"));
                }
            }
            Total::TwoSource { appraised: t.appraised.clone(), survey: t.survey.clone() }
        }
        (TotalName::TwoSource, None) => {
            diag.at(src, &spec.total.span(), "total = \"two_source\" cần bảng [two_source] appraised, survey");
            Total::Sum
        }
        (_, Some(ts)) => {
            diag.at(src, &ts.span(), "bảng [two_source] chỉ dùng với total = \"two_source\"");
            Total::Sum
        }
    }
}
