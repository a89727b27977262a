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

/// The emulation plan a year's targets come from, as reports cite it.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// Số, ký hiệu: "105/KH-UBND".
    pub number: String,
    pub date: chrono::NaiveDate,
    /// The issuing body: "UBND phường Giếng Đáy".
    pub issuer: String,
    /// The movement's title, as the plan words it.
    pub title: String,
    /// Where in the plan the one-stop section's targets are ("mục IV.4").
    pub one_stop_section: String,
    /// Where in the plan the deductions and lost points are listed ("mục IV.3").
    pub losses_section: String,
}

impl Plan {
    /// "Kế hoạch 105/KH-UBND".
    pub fn short(&self) -> String {
        format!("Kế hoạch {}", self.number)
    }
}

/// What a one-stop target measures each month, over the month's dossiers of a scope.
#[derive(Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum OneStopMetric {
    /// Resolved on time or early, of the dossiers due in the month.
    OnTimeRate,
    /// Results signed digitally, of the results returned.
    ESignedRate,
    /// Dossiers whose inputs were digitised, of those received.
    InputDigitisedRate,
    /// Results digitised, of the results returned.
    ResultDigitisedRate,
    /// Dossiers resolved late (a count).
    Late,
    /// Citizens' complaints about procedures still open (a count).
    ProcedureComplaintsOpen,
}

impl OneStopMetric {
    /// The scope table's (numerator, denominator) of a rate, or (count, the rows it is over).
    pub fn columns(self) -> (&'static str, &'static str) {
        match self {
            OneStopMetric::OnTimeRate => ("on_time", "active"),
            OneStopMetric::ESignedRate => ("e_signed", "finished"),
            OneStopMetric::InputDigitisedRate => ("input_digitised", "received"),
            OneStopMetric::ResultDigitisedRate => ("result_digitised", "finished"),
            OneStopMetric::Late => ("late", "active"),
            OneStopMetric::ProcedureComplaintsOpen => ("procedure_complaints_open", "feedback_active"),
        }
    }

    /// A rate to reach (at least the value) rather than a count not to pass (at most).
    pub fn is_rate(self) -> bool {
        !matches!(self, OneStopMetric::Late | OneStopMetric::ProcedureComplaintsOpen)
    }
}

/// A target the one-stop section is held to every month (the plan's `[[one_stop_target]]`).
#[derive(Debug, Clone, PartialEq)]
pub struct OneStopTarget {
    pub code: String,
    pub name: String,
    pub metric: OneStopMetric,
    /// A rate on 0..1 to reach, or a count not to pass.
    pub value: f64,
}

#[derive(Debug, Clone)]
pub struct Targets {
    pub id: String,
    /// The methodologies that follow one another under one name (`targets`): a pipeline names
    /// the series, and the file valid on the period's dates is used.
    pub series: String,
    pub name: String,
    pub decision: String,
    pub valid: crate::validity::Validity,
    pub plan: Plan,
    pub targets: Vec<Target>,
    pub one_stop: Vec<OneStopTarget>,
}
