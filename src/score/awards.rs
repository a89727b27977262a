//! The award round (section III of the plan): who gets which award, and why.
//!
//! Pure rule evaluation over facts per candidate (a unit or an officer). Exclusions first;
//! then levels from the highest that exists on the round's date (the city level ends on
//! 30/6/2025); a candidate meeting every criterion of a level is eligible there; eligible
//! candidates are ranked, ties broken by the women rule (Decree 152 art. 4), and a level's
//! cap sends the rest down to the next level. Every decision keeps its evidence.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use chrono::NaiveDate;

/// A fact about a candidate.
#[derive(Debug, Clone, PartialEq)]
pub enum Fact {
    Bool(bool),
    Num(f64),
    Text(String),
    List(Vec<String>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    Collective,
    Individual,
}

impl Audience {
    pub fn label(self) -> &'static str {
        match self {
            Audience::Collective => "Tập thể",
            Audience::Individual => "Cá nhân",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    IsTrue,
    AtLeast(f64),
    AtMost(f64),
    /// A band at least as good as this label (bands best first in `AwardRules::bands`).
    BandAtLeast(String),
    /// A list fact containing the value (or a text fact equal to it).
    Contains(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    pub fact: String,
    pub test: Test,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Criterion {
    pub code: String,
    pub name: String,
    pub audience: Audience,
    /// Met when any check is (one check for a plain criterion).
    pub any: Vec<Check>,
    /// A boolean fact: when false the criterion does not apply.
    pub applies_if: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Level {
    pub code: String,
    pub name: String,
    pub valid: crate::validity::Validity,
    pub submit_to: String,
    pub cap_collective: Option<usize>,
    pub cap_individual: Option<usize>,
    pub prize_multiple_collective: f64,
    pub prize_multiple_individual: f64,
    pub criteria: Vec<Criterion>,
}

impl Level {
    pub fn valid_on(&self, day: NaiveDate) -> bool {
        self.valid.contains(day)
    }

    fn cap(&self, a: Audience) -> Option<usize> {
        match a {
            Audience::Collective => self.cap_collective,
            Audience::Individual => self.cap_individual,
        }
    }

    pub fn prize_multiple(&self, a: Audience) -> f64 {
        match a {
            Audience::Collective => self.prize_multiple_collective,
            Audience::Individual => self.prize_multiple_individual,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Exclusion {
    pub code: String,
    pub name: String,
    pub fact: String,
}

/// What every text of a rules file may cite: the plan the round closes, as `{plan}` ("Kế
/// hoạch số 105/KH-UBND ngày 17/05/2024 của UBND phường …") and `{plan_short}` ("Kế hoạch
/// 105/KH-UBND"). The round fills them; loading the rules reports any other `{name}`.
pub const PLAN_PLACEHOLDERS: &[&str] = &["plan", "plan_short"];

/// Validated award rules.
#[derive(Debug, Clone)]
pub struct AwardRules {
    pub id: String,
    /// The series of files this one belongs to (its id when the file names none).
    pub series: String,
    pub name: String,
    pub decision: String,
    /// The award rounds (years) the rules apply to.
    pub valid: crate::validity::Validity,
    pub women_share_collective: f64,
    /// (from, amount in đồng), sorted by date.
    pub base_salary: Vec<(NaiveDate, f64)>,
    /// Highest first.
    pub levels: Vec<Level>,
    pub exclusions: Vec<Exclusion>,
    /// PAR band labels, best first (for `band_at_least`): the round sets them from the units'
    /// own PAR methodology.
    pub bands: Vec<String>,
}

impl AwardRules {
    pub fn base_salary_on(&self, day: NaiveDate) -> Option<f64> {
        self.base_salary.iter().rev().find(|(from, _)| *from <= day).map(|(_, a)| *a)
    }
}

#[derive(Debug, Clone)]
pub struct Candidate {
    pub audience: Audience,
    pub code: String,
    pub name: String,
    /// The unit of an individual.
    pub unit: Option<String>,
    pub facts: BTreeMap<String, Fact>,
    /// What a fact rests on, shown beside it (e.g. which targets were missed, who confirmed).
    pub notes: BTreeMap<String, String>,
}

/// The result of one criterion for one candidate.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Met,
    NotMet,
    NotApplicable,
}

#[derive(Debug, Clone)]
pub struct CriterionResult {
    pub level: String,
    pub code: String,
    pub name: String,
    pub verdict: Verdict,
    /// The facts the criterion looked at, for the council (the report words them).
    pub evidence: Vec<Evidence>,
}

/// One fact a criterion looked at: its value (none when the candidate has no such fact) and
/// what it rests on.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    pub fact: String,
    pub value: Option<Fact>,
    pub note: Option<String>,
}

/// Why a candidate ended where it did.
#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    Awarded,
    Excluded(String),
    /// The first criterion failed at the lowest level considered.
    Failed(String),
    /// Eligible but cut by a level's cap, and no lower level took it.
    Cap,
}

impl Reason {
    pub fn token(&self) -> String {
        match self {
            Reason::Awarded => "awarded".into(),
            Reason::Excluded(c) => format!("excluded:{c}"),
            Reason::Failed(c) => format!("failed:{c}"),
            Reason::Cap => "cap".into(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Outcome {
    pub audience: Audience,
    pub code: String,
    pub name: String,
    pub unit: Option<String>,
    pub level: Option<String>,
    /// Rank within the awarded level's list (1..n).
    pub rank: Option<usize>,
    pub reason: Reason,
    /// Every criterion of every level considered.
    pub checks: Vec<CriterionResult>,
}

fn check(c: &Check, facts: &BTreeMap<String, Fact>, bands: &[String]) -> bool {
    let f = facts.get(&c.fact);
    match (&c.test, f) {
        (Test::IsTrue, Some(Fact::Bool(b))) => *b,
        (Test::AtLeast(v), Some(Fact::Num(x))) => *x + 1e-9 >= *v,
        (Test::AtMost(v), Some(Fact::Num(x))) => *x <= *v + 1e-9,
        (Test::BandAtLeast(want), Some(Fact::Text(have))) => {
            let pos = |l: &str| bands.iter().position(|b| b == l);
            matches!((pos(have), pos(want)), (Some(h), Some(w)) if h <= w)
        }
        (Test::Contains(v), Some(Fact::List(list))) => list.iter().any(|x| x == v),
        (Test::Contains(v), Some(Fact::Text(t))) => t == v,
        _ => false,
    }
}

fn evaluate(c: &Criterion, cand: &Candidate, level: &str, bands: &[String]) -> CriterionResult {
    let evidence = c
        .any
        .iter()
        .map(|k| Evidence {
            fact: k.fact.clone(),
            value: cand.facts.get(&k.fact).cloned(),
            note: cand.notes.get(&k.fact).cloned(),
        })
        .collect();
    let applies = c.applies_if.as_ref().is_none_or(|f| matches!(cand.facts.get(f), Some(Fact::Bool(true))));
    let verdict = if !applies {
        Verdict::NotApplicable
    } else if c.any.iter().any(|k| check(k, &cand.facts, bands)) {
        Verdict::Met
    } else {
        Verdict::NotMet
    };
    CriterionResult { level: level.to_string(), code: c.code.clone(), name: c.name.clone(), verdict, evidence }
}

fn num(c: &Candidate, f: &str) -> f64 {
    match c.facts.get(f) {
        Some(Fact::Num(x)) => *x,
        _ => 0.0,
    }
}

/// Women first: a woman, or a collective with at least `share` women.
fn women_first(c: &Candidate, share: f64) -> bool {
    match c.audience {
        Audience::Individual => matches!(c.facts.get("female"), Some(Fact::Bool(true))),
        Audience::Collective => num(c, "women_share") + 1e-9 >= share,
    }
}

/// The ranking order: collectives by PAR total; individuals by complaints (fewer first),
/// on-time rate, initiatives, dossiers; then the women rule; then code.
fn order(a: &Candidate, b: &Candidate, share: f64) -> Ordering {
    let desc = |f: &str| num(b, f).partial_cmp(&num(a, f)).unwrap_or(Ordering::Equal);
    let merit = match a.audience {
        Audience::Collective => desc("par_total"),
        Audience::Individual => num(a, "complaints")
            .partial_cmp(&num(b, "complaints"))
            .unwrap_or(Ordering::Equal)
            .then_with(|| desc("on_time_rate"))
            .then_with(|| desc("initiatives_authored"))
            .then_with(|| desc("dossiers")),
    };
    merit.then_with(|| women_first(b, share).cmp(&women_first(a, share))).then_with(|| a.code.cmp(&b.code))
}

/// Runs the round held on `day` (the end of the year judged).
pub fn award_round(rules: &AwardRules, candidates: &[Candidate], day: NaiveDate) -> Vec<Outcome> {
    let levels: Vec<&Level> = rules.levels.iter().filter(|l| l.valid_on(day)).collect();
    let mut outcomes: Vec<Outcome> = candidates
        .iter()
        .map(|c| Outcome {
            audience: c.audience,
            code: c.code.clone(),
            name: c.name.clone(),
            unit: c.unit.clone(),
            level: None,
            rank: None,
            reason: Reason::Failed(String::new()),
            checks: Vec::new(),
        })
        .collect();
    for (o, c) in outcomes.iter_mut().zip(candidates) {
        if let Some(x) = rules.exclusions.iter().find(|x| matches!(c.facts.get(&x.fact), Some(Fact::Bool(true)))) {
            o.reason = Reason::Excluded(x.code.clone());
        }
    }
    for level in &levels {
        for audience in [Audience::Collective, Audience::Individual] {
            let mut eligible: Vec<usize> = Vec::new();
            for (i, c) in candidates.iter().enumerate() {
                let o = &mut outcomes[i];
                if c.audience != audience || o.level.is_some() || matches!(o.reason, Reason::Excluded(_)) {
                    continue;
                }
                let results: Vec<CriterionResult> = level
                    .criteria
                    .iter()
                    .filter(|k| k.audience == audience)
                    .map(|k| evaluate(k, c, &level.code, &rules.bands))
                    .collect();
                match results.iter().find(|r| r.verdict == Verdict::NotMet) {
                    Some(failed) if o.reason != Reason::Cap => o.reason = Reason::Failed(failed.code.clone()),
                    Some(_) => {}
                    None => eligible.push(i),
                }
                o.checks.extend(results);
            }
            eligible.sort_by(|&a, &b| order(&candidates[a], &candidates[b], rules.women_share_collective));
            let cap = level.cap(audience).unwrap_or(usize::MAX);
            for (k, &i) in eligible.iter().enumerate() {
                let o = &mut outcomes[i];
                if k < cap {
                    o.level = Some(level.code.clone());
                    o.rank = Some(k + 1);
                    o.reason = Reason::Awarded;
                } else {
                    o.reason = Reason::Cap;
                }
            }
        }
    }
    outcomes
}
