//! The service-index methodology (Bộ chỉ số 766) as data the scoring core reads.
//!
//! The code knows the operators and what each measure means in a dossier; how many points
//! an indicator is worth, its threshold, what an empty denominator gives and the bands are
//! all read from `config/methodology/svc-766.toml`, because the portal's weights change.

use serde::Deserialize;

/// A rate the scoring core can compute from dossiers and feedback.
#[derive(Deserialize, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Finished on time, plus unfinished and not yet due, over dossiers active in the period.
    OnTime,
    /// Online dossiers over dossiers received.
    Online,
    /// Paid online over received dossiers of procedures with a fee.
    PaidOnline,
    /// Electronic result over dossiers finished.
    ResultDigitised,
    /// Digitised input and result over dossiers finished.
    Digitised,
    /// Data reused over dossiers received.
    DataReused,
    /// Feedback resolved by its due date, over feedback due or resolved in the period.
    FeedbackOnTime,
    /// Satisfied over rated feedback.
    FeedbackSatisfied,
    /// 1 − (late rate + disliked or complained-about rate), over dossiers finished.
    Satisfaction,
}

/// How a rate becomes points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Operator {
    /// `max · rate`.
    Linear,
    /// `min(max, max · rate / threshold)`.
    Threshold { threshold: f64 },
}

/// What an indicator gives when its denominator is zero.
#[derive(Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ZeroRule {
    /// Not applicable: left out of both points and maximum.
    NotApplicable,
    /// Nothing to do, so full points (e.g. no dossier had a fee).
    Full,
    /// No points.
    Zero,
    /// Its points move to the other indicators of its group, pro rata.
    Redistribute,
}

#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub code: String,
    pub name: String,
    pub max_points: f64,
    /// Why the group has no indicator computed from dossier data, if it has none.
    pub note: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Indicator {
    pub code: String,
    pub name: String,
    pub group: String,
    pub max_points: f64,
    pub measure: Measure,
    pub operator: Operator,
    pub zero_denominator: ZeroRule,
    /// The metric code of this indicator in the national portal's API (S2), if mapped.
    pub portal_code: Option<String>,
}

#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct Band {
    pub label: String,
    pub min: f64,
}

/// The validated methodology: groups, indicators, bands (highest first), precision.
#[derive(Debug, Clone)]
pub struct ServiceMethod {
    pub id: String,
    pub name: String,
    pub decision: String,
    pub precision: u32,
    pub groups: Vec<Group>,
    pub indicators: Vec<Indicator>,
    pub bands: Vec<Band>,
}

impl ServiceMethod {
    pub fn band(&self, score: f64) -> &str {
        self.bands.iter().find(|b| score >= b.min).map_or("", |b| b.label.as_str())
    }
}
