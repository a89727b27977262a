//! The emulation plan's targets as the scoring reads them: who each applies to, and how
//! it is measured (from data, or confirmed by a named person). Loaded and checked from the
//! methodology folder by `config`; scored by [`super::plan_targets`].

use serde::Deserialize;

use crate::registry::UnitKind;

/// Who a target applies to: the ward, a kind of unit, or individuals.
#[derive(Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum AppliesTo {
    Ward,
    Department,
    OneStop,
    Police,
    HealthStation,
    Front,
    MassOrganisation,
    Quarter,
    Individual,
}

impl AppliesTo {
    /// Whether the target applies to units of this kind.
    pub fn covers(self, kind: UnitKind) -> bool {
        use UnitKind as K;
        matches!(
            (self, kind),
            (AppliesTo::Department, K::Department)
                | (AppliesTo::OneStop, K::OneStop)
                | (AppliesTo::Police, K::Police)
                | (AppliesTo::HealthStation, K::HealthStation)
                | (AppliesTo::Front, K::Front)
                | (AppliesTo::MassOrganisation, K::MassOrganisation)
                | (AppliesTo::Quarter, K::Quarter)
        )
    }

    pub fn label(self) -> &'static str {
        match self {
            AppliesTo::Ward => "Toàn phường",
            AppliesTo::Department => "Các bộ phận chuyên môn",
            AppliesTo::OneStop => "Bộ phận Một cửa",
            AppliesTo::Police => "Công an phường",
            AppliesTo::HealthStation => "Trạm Y tế",
            AppliesTo::Front => "Mặt trận Tổ quốc",
            AppliesTo::MassOrganisation => "Các tổ chức chính trị - xã hội",
            AppliesTo::Quarter => "Các khu phố",
            AppliesTo::Individual => "Cá nhân",
        }
    }
}

/// The dataset a data-measured target is computed from.
#[derive(Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum TargetSource {
    Svc,
    Documents,
    Initiatives,
    Feedback,
    Par,
}

impl TargetSource {
    /// The metrics the pipeline computes for this source.
    pub fn metrics(self) -> &'static [&'static str] {
        match self {
            TargetSource::Svc => &[
                "on_time_rate",
                "late",
                "e_signed_rate",
                "input_digitised_rate",
                "result_digitised_rate",
                "digitised_rate",
                "online_rate",
                "paid_online_rate",
                "paid_online",
                "supplement_rate",
            ],
            TargetSource::Documents => &["electronic_rate", "signed_rate", "incoming_on_time_rate"],
            TargetSource::Initiatives => &["registered", "applied", "applied_rate", "authored"],
            TargetSource::Feedback => &["procedure_complaints_open", "officer_complaints"],
            TargetSource::Par => &["band", "previous_year_band", "total", "rank"],
        }
    }
}

#[derive(Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    AtLeast,
    AtMost,
    /// A band label at least as good as `value_label` (bands of the index, best first).
    BandAtLeast,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Measure {
    Manual {
        confirmed_by: String,
    },
    Data {
        source: TargetSource,
        metric: String,
        comparison: Comparison,
        value: Option<f64>,
        value_label: Option<String>,
    },
}

#[derive(Debug, Clone)]
pub struct Target {
    pub code: String,
    pub name: String,
    pub plan_ref: String,
    pub applies_to: Vec<AppliesTo>,
    /// Only these units, when set.
    pub units: Option<Vec<String>>,
    pub measure: Measure,
    pub note: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Targets {
    pub id: String,
    pub name: String,
    pub decision: String,
    pub valid: crate::validity::Validity,
    pub targets: Vec<Target>,
}
