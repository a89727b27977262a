//! The indices a period scored (PAR, DTI, DDCI, the plan's targets), each only when its data
//! arrived: what the reports show beside the service scorecard.

use polars::prelude::*;

use super::index::{IndexMethod, IndexResult};

/// The ward's place in the province's DTI ranking of communes.
#[derive(Debug, Clone, PartialEq)]
pub struct ProvinceRank {
    /// The commune as the ranking names it: the ward of the ranked year's end, which after a
    /// merger is not the ward of an earlier month.
    pub commune: String,
    pub rank: i64,
    pub dti: f64,
    pub communes: usize,
}

pub struct Scored {
    pub method: IndexMethod,
    pub result: IndexResult,
}

#[derive(Default)]
pub struct IndexScores {
    pub par: Option<Scored>,
    /// The appraisal's note per unit and criterion (`unit`, `component`, `evidence`).
    pub par_evidence: Option<DataFrame>,
    /// PAR-rated units of the period the appraisal does not rate (a unit that ended before
    /// the appraised year's end, e.g. after a merger): not scored, named on the sheet.
    pub par_unappraised: Vec<String>,
    pub dti: Option<Scored>,
    pub dti_rank: Option<ProvinceRank>,
    pub ddci: Option<Scored>,
    /// DDCI locality code → name (`label_code`, `unit_label`), from the survey file.
    pub ddci_names: Option<DataFrame>,
    /// The plan's targets for the period: (name of the targets file, one row per target and scope).
    pub plan_targets: Option<(String, DataFrame)>,
    /// The emulation plan that applies to the period, as reports cite it.
    pub plan: Option<super::plan::Plan>,
    /// The indices the pipeline names that no methodology file covers in the period: said on
    /// their sheet and by the command, never left out in silence.
    pub absent: Vec<Absent>,
}

/// An index the period could not be scored on, and why, in Vietnamese.
#[derive(Debug, Clone, PartialEq)]
pub struct Absent {
    /// The sheet it would have had ("Chỉ số PAR").
    pub sheet: &'static str,
    pub title: String,
    /// What the sheet's heading says is missing ("không có phương pháp áp dụng cho kỳ này").
    pub missing: &'static str,
    pub why: String,
}

/// The heading of an index with no methodology for the period.
pub const NO_METHOD: &str = "không có phương pháp áp dụng cho kỳ này";
/// The heading of an index whose data rates none of the period's units.
pub const NO_APPRAISAL: &str = "chưa có kết quả thẩm định cho các đơn vị của kỳ này";
