//! Award rules (`config/methodology/awards-<year>.toml`) and the ward's facts per year
//! (`config/facts/<year>.toml`): loading and checking, with a line for every problem.

use crate::validity::Validity;
use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use serde::Deserialize;
use toml::Spanned;
use toml::value::Datetime;

use super::dates::to_date;
use super::diag::{Diagnostics, SourceText};
use crate::score::{
    Audience, AwardRules, Candidate, Check, Criterion, Exclusion, Fact, Level, PLAN_PLACEHOLDERS, Test,
};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesSpec {
    id: String,
    series: Option<String>,
    name: Spanned<String>,
    decision: Spanned<String>,
    valid_from: Spanned<Datetime>,
    valid_to: Option<Spanned<Datetime>>,
    women_share_collective: f64,
    #[serde(default)]
    base_salary: Vec<SalarySpec>,
    #[serde(rename = "level")]
    levels: Vec<Spanned<LevelSpec>>,
    #[serde(rename = "exclusion", default)]
    exclusions: Vec<Exclusion2>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SalarySpec {
    from: Datetime,
    amount: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Exclusion2 {
    code: String,
    name: Spanned<String>,
    fact: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LevelSpec {
    code: String,
    name: Spanned<String>,
    valid_from: Datetime,
    valid_to: Option<Datetime>,
    submit_to: Spanned<String>,
    cap_collective: Option<usize>,
    cap_individual: Option<usize>,
    prize_multiple_collective: f64,
    prize_multiple_individual: f64,
    #[serde(rename = "criterion", default)]
    criteria: Vec<Spanned<CriterionSpec>>,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum TestName {
    IsTrue,
    AtLeast,
    AtMost,
    BandAtLeast,
    Contains,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct CheckSpec {
    fact: String,
    test: TestName,
    value: Option<f64>,
    value_label: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CriterionSpec {
    code: String,
    name: Spanned<String>,
    audience: Audience,
    fact: Option<String>,
    test: Option<TestName>,
    value: Option<f64>,
    value_label: Option<String>,
    any: Option<Vec<CheckSpec>>,
    applies_if: Option<String>,
}

/// The facts a candidate can have, with their kind (for checking rules).
/// The facts a rules file may test, per audience (the report labels each one).
pub const COLLECTIVE_FACTS: &[&str] = &[
    "tasks_completed_well",
    "targets_met",
    "par_rated",
    "par_total",
    "par_band",
    "par_rank",
    "dti_ward_top15",
    "advising_roles",
    "handles_dossiers",
    "on_time_rate",
    "under_discipline",
    "pending_inspection",
    "under_investigation",
    "women_share",
];
pub const INDIVIDUAL_FACTS: &[&str] = &[
    "tasks_completed_well",
    "handles_dossiers",
    "dossiers",
    "on_time_rate",
    "complaints",
    "initiatives_authored",
    "annual_title",
    "under_discipline",
    "pending_inspection",
    "under_investigation",
    "female",
];

fn check_of(c: &CheckSpec) -> Result<Check, String> {
    let test = match (c.test, c.value, &c.value_label) {
        (TestName::IsTrue, None, None) => Test::IsTrue,
        (TestName::AtLeast, Some(v), None) => Test::AtLeast(v),
        (TestName::AtMost, Some(v), None) => Test::AtMost(v),
        (TestName::BandAtLeast, None, Some(l)) => Test::BandAtLeast(l.clone()),
        (TestName::Contains, None, Some(l)) => Test::Contains(l.clone()),
        _ => {
            return Err(format!(
                "fact {}: is_true không có value; at_least/at_most cần value; band_at_least/contains cần value_label",
                c.fact
            ));
        }
    };
    Ok(Check { fact: c.fact.clone(), test })
}

fn date(src: &SourceText, span: &std::ops::Range<usize>, dt: &Datetime, diag: &mut Diagnostics) -> Option<NaiveDate> {
    let d = to_date(dt);
    if d.is_none() {
        diag.at(src, span, "ngày phải có dạng YYYY-MM-DD");
    }
    d
}

/// A text of the rules may cite the plan the round closes ([`PLAN_PLACEHOLDERS`]); any
/// other `{name}` would reach the award documents as written, so it is a problem at its line.
fn cited(src: &SourceText, what: &str, text: &Spanned<String>, diag: &mut Diagnostics) {
    for (_, problem) in crate::pull::unknown_in(what, text.get_ref(), PLAN_PLACEHOLDERS) {
        diag.at(src, &text.span(), problem);
    }
}

/// Loads the award rules (the PAR bands they compare with are set by the round, from the
/// units' own PAR methodology).
pub fn load_award_rules(root: &Path, path: &Path, diag: &mut Diagnostics) -> Option<AwardRules> {
    let (src, spec) = diag.parse::<RulesSpec>(root, path)?;
    let before = diag.problems().len();
    let valid = super::dates::validity(&src, &spec.valid_from, spec.valid_to.as_ref(), diag);
    cited(&src, "name", &spec.name, diag);
    cited(&src, "decision", &spec.decision, diag);
    let levels: Vec<Level> = spec.levels.iter().filter_map(|l| level(&src, l, diag)).collect();
    for x in &spec.exclusions {
        if !COLLECTIVE_FACTS.contains(&x.fact.as_str()) && !INDIVIDUAL_FACTS.contains(&x.fact.as_str()) {
            diag.file(&src.shown, format!("loại trừ {}: fact \"{}\" không có", x.code, x.fact));
        }
        cited(&src, &format!("loại trừ {}: name", x.code), &x.name, diag);
    }
    let mut base_salary: Vec<(NaiveDate, f64)> =
        spec.base_salary.iter().filter_map(|s| to_date(&s.from).map(|d| (d, s.amount))).collect();
    base_salary.sort_by_key(|(d, _)| *d);
    let valid = valid?;
    (diag.problems().len() == before).then_some(AwardRules {
        series: spec.series.unwrap_or_else(|| spec.id.clone()),
        id: spec.id,
        name: spec.name.into_inner(),
        decision: spec.decision.into_inner(),
        valid,
        women_share_collective: spec.women_share_collective,
        base_salary,
        levels,
        exclusions: spec
            .exclusions
            .into_iter()
            .map(|x| Exclusion { code: x.code, name: x.name.into_inner(), fact: x.fact })
            .collect(),
        bands: Vec::new(),
    })
}

/// One award level with its criteria; `None` (with a problem) when its dates are not dates.
fn level(src: &SourceText, l: &Spanned<LevelSpec>, diag: &mut Diagnostics) -> Option<Level> {
    let span = l.span();
    let s = l.get_ref();
    let from = date(src, &span, &s.valid_from, diag);
    let to = s.valid_to.as_ref().and_then(|d| date(src, &span, d, diag));
    let criteria = s.criteria.iter().filter_map(|c| criterion(src, c, diag)).collect();
    cited(src, &format!("mức khen {}: name", s.code), &s.name, diag);
    cited(src, &format!("mức khen {}: submit_to", s.code), &s.submit_to, diag);
    Some(Level {
        code: s.code.clone(),
        name: s.name.get_ref().clone(),
        valid: Validity::new(from?, to),
        submit_to: s.submit_to.get_ref().clone(),
        cap_collective: s.cap_collective,
        cap_individual: s.cap_individual,
        prize_multiple_collective: s.prize_multiple_collective,
        prize_multiple_individual: s.prize_multiple_individual,
        criteria,
    })
}

/// One criterion: a single fact test or `any` of several, each fact known for its audience.
fn criterion(src: &SourceText, c: &Spanned<CriterionSpec>, diag: &mut Diagnostics) -> Option<Criterion> {
    let cs = c.get_ref();
    let known = match cs.audience {
        Audience::Collective => COLLECTIVE_FACTS,
        Audience::Individual => INDIVIDUAL_FACTS,
    };
    let checks: Vec<CheckSpec> = match (&cs.fact, &cs.any) {
        (Some(fact), None) => vec![CheckSpec {
            fact: fact.clone(),
            test: cs.test.unwrap_or(TestName::IsTrue),
            value: cs.value,
            value_label: cs.value_label.clone(),
        }],
        (None, Some(any)) if !any.is_empty() => any.clone(),
        _ => {
            diag.at(
                src,
                &c.span(),
                format!("tiêu chí {}: cần hoặc fact/test, hoặc any = [...], không cả hai", cs.code),
            );
            return None;
        }
    };
    let mut any = Vec::new();
    for k in &checks {
        if !known.contains(&k.fact.as_str()) {
            diag.at(
                src,
                &c.span(),
                format!(
                    "tiêu chí {}: fact \"{}\" không có cho {:?} (có: {})",
                    cs.code,
                    k.fact,
                    cs.audience,
                    known.join(", ")
                ),
            );
        }
        match check_of(k) {
            Ok(x) => any.push(x),
            Err(e) => diag.at(src, &c.span(), format!("tiêu chí {}: {e}", cs.code)),
        }
    }
    if let Some(f) = &cs.applies_if
        && !known.contains(&f.as_str())
    {
        diag.at(src, &c.span(), format!("tiêu chí {}: applies_if \"{f}\" không phải fact đã biết", cs.code));
    }
    cited(src, &format!("tiêu chí {}: name", cs.code), &cs.name, diag);
    Some(Criterion {
        code: cs.code.clone(),
        name: cs.name.get_ref().clone(),
        audience: cs.audience,
        any,
        applies_if: cs.applies_if.clone(),
    })
}

/// A TOML value as a fact (dates and tables are not facts).
pub fn fact_of(v: &toml::Value) -> Option<Fact> {
    Some(match v {
        toml::Value::Boolean(b) => Fact::Bool(*b),
        toml::Value::Integer(i) => Fact::Num(*i as f64),
        toml::Value::Float(x) => Fact::Num(*x),
        toml::Value::String(s) => Fact::Text(s.clone()),
        toml::Value::Array(a) => Fact::List(a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect()),
        _ => return None,
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CandidatesSpec {
    year: i32,
    #[serde(default)]
    collective: Vec<CandidateSpec>,
    #[serde(default)]
    individual: Vec<CandidateSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CandidateSpec {
    code: String,
    name: String,
    unit: Option<String>,
    facts: BTreeMap<String, toml::Value>,
}

/// Candidates with their facts already computed (a file the council can also prepare by hand).
pub fn load_candidates(root: &Path, path: &Path, diag: &mut Diagnostics) -> Option<(i32, Vec<Candidate>)> {
    let (_, spec) = diag.parse::<CandidatesSpec>(root, path)?;
    let to = |audience, c: CandidateSpec| Candidate {
        audience,
        code: c.code,
        name: c.name,
        unit: c.unit,
        facts: c.facts.iter().filter_map(|(k, v)| fact_of(v).map(|f| (k.clone(), f))).collect(),
        notes: BTreeMap::new(),
    };
    let mut all: Vec<Candidate> = spec.collective.into_iter().map(|c| to(Audience::Collective, c)).collect();
    all.extend(spec.individual.into_iter().map(|c| to(Audience::Individual, c)));
    Some((spec.year, all))
}
