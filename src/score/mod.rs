//! Score: pure functions from canonical frames and a methodology to scorecards.
//!
//! Nothing here reads a file, a clock or the network: the period, the holidays and the
//! methodology are parameters, so every rule is tested on `df!` literals. The pieces:
//! `classify` judges each dossier, `service` aggregates per unit, officer and ward,
//! `points` turns counts into points through the methodology, `targets` checks the
//! one-stop section's targets.

mod awards;
mod classify;
mod index;
mod indices;
mod inputs;
mod method;
mod one_stop;
mod plan;
mod plan_targets;
mod points;
mod portal;
mod recovery;
mod scope;
mod service;

pub use awards::{
    Audience, AwardRules, Candidate, Check, Criterion, CriterionResult, Evidence, Exclusion, Fact, Level, Outcome,
    PLAN_PLACEHOLDERS, Reason, Test, Verdict, award_round,
};
pub use index::{Component, IndexKind, IndexMethod, IndexResult, LeafOp, Total, score_index};
pub use indices::{Absent, IndexScores, NO_APPRAISAL, NO_METHOD, ProvinceRank, Scored};
pub use inputs::{ddci_inputs, dti_inputs, par_inputs};
pub use method::{
    Band, Compare, Exempt, Group, Indicator, Measure, NoDueDate, OnTimeRules, Operator, OverOneSupplement,
    ServiceMethod, ZeroRule,
};
pub use plan::{
    AppliesTo, Comparison, Measure as TargetMeasure, OneStopMetric, OneStopTarget, Plan, Target, TargetSource, Targets,
};
pub use plan_targets::{TargetFacts, plan_targets};
pub use points::group_column;
pub use portal::{GroupGap, PortalComparison, TOLERANCE, compare_with_portal};
pub use recovery::{Recovery, Remedy, recovery, shortfall};
pub use scope::WARD_SCOPE;
pub use service::{ServiceInput, ServiceParams, ServiceScorecard, service_scorecard};

macro_rules! dated {
    ($($t:ty),*) => {$(
        impl crate::validity::Dated for $t {
            fn id(&self) -> &str {
                &self.id
            }
            fn series(&self) -> &str {
                &self.series
            }
            fn valid(&self) -> crate::validity::Validity {
                self.valid
            }
        }
    )*};
}
dated!(ServiceMethod, IndexMethod, Targets, AwardRules);
