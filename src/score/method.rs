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
    /// The group's column in the national portal's 766 table (CKMB, TDGQ, CLGQ, TTTT, MDHL,
    /// MDSH), to set the portal's score beside the recomputed one.
    pub portal_code: Option<String>,
}

/// How the end of a dossier is compared with its due date.
#[derive(Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Compare {
    /// The end's calendar day against the due date's day, in the ward's time zone (what the
    /// one-stop systems count: `date(NgayKetThucXuLy) <= date(NgayHenTra)`).
    CalendarDay,
    /// The end's time against the due time.
    Time,
}

/// A dossier exported without a due date.
#[derive(Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum NoDueDate {
    /// Working days used against the procedure's legal maximum (on time when unknown).
    ProcedureMaximum,
    /// Counted on time (as one provincial system does).
    OnTime,
}

/// Whether a kind of dossier is counted on time whatever its dates.
#[derive(Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Exempt {
    OnTime,
    ByDates,
}

/// More than one supplement request.
#[derive(Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum OverOneSupplement {
    /// Late whatever the dates (Decision 766's wording).
    Late,
    ByDates,
}

/// The named edge rules of the on-time comparison (`[on_time]` in the methodology file).
#[derive(Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct OnTimeRules {
    pub compare: Compare,
    pub no_due_date: NoDueDate,
    /// Status 7, withdrawn at the citizen's request.
    pub withdrawn: Exempt,
    /// Status 8, processing stopped.
    pub stopped: Exempt,
    /// Status 5 or 6, waiting for the citizen, still open at the period's end.
    pub paused: Exempt,
    pub supplements_over_one: OverOneSupplement,
}

impl OnTimeRules {
    /// The rules as the workbook's method notes state them.
    pub fn notes_vi(&self) -> Vec<String> {
        let exempt = |e: Exempt, what: &str| match e {
            Exempt::OnTime => format!("{what}: tính là đúng hạn"),
            Exempt::ByDates => format!("{what}: xét theo ngày như hồ sơ khác"),
        };
        vec![
            match self.compare {
                Compare::CalendarDay => {
                    "So sánh theo ngày lịch (giờ Việt Nam): đúng hạn khi ngày kết thúc không sau ngày hẹn trả;                      hồ sơ chưa kết thúc được xét tại ngày cuối kỳ"
                        .to_string()
                }
                Compare::Time => "So sánh theo thời điểm: đúng hạn khi thời điểm kết thúc không sau giờ hẹn trả;                      hồ sơ chưa kết thúc được xét tại thời điểm hết kỳ"
                    .to_string(),
            },
            match self.no_due_date {
                NoDueDate::ProcedureMaximum => {
                    "Hồ sơ không có ngày hẹn trả: so số ngày làm việc đã dùng với thời hạn giải quyết của thủ tục".to_string()
                }
                NoDueDate::OnTime => "Hồ sơ không có ngày hẹn trả: tính là đúng hạn".to_string(),
            },
            exempt(self.withdrawn, "Hồ sơ công dân rút (trạng thái 7)"),
            exempt(self.stopped, "Hồ sơ dừng xử lý (trạng thái 8)"),
            exempt(self.paused, "Hồ sơ đang chờ bổ sung hoặc thực hiện nghĩa vụ tài chính khi hết kỳ (trạng thái 5, 6)"),
            match self.supplements_over_one {
                OverOneSupplement::Late => "Hồ sơ phải bổ sung quá 1 lần: tính là trễ hạn".to_string(),
                OverOneSupplement::ByDates => "Hồ sơ phải bổ sung quá 1 lần: xét theo ngày".to_string(),
            },
            "Hồ sơ trạng thái 1, 3 (chưa/không được tiếp nhận) không tính; thời gian công dân bổ sung được cộng vào hạn"
                .to_string(),
        ]
    }
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
    /// The series of files this one belongs to (its id when the file names none).
    pub series: String,
    pub name: String,
    pub decision: String,
    /// The days the methodology applies to.
    pub valid: crate::validity::Validity,
    pub precision: u32,
    pub groups: Vec<Group>,
    pub indicators: Vec<Indicator>,
    pub bands: Vec<Band>,
    pub on_time: OnTimeRules,
}

impl ServiceMethod {
    pub fn band(&self, score: f64) -> &str {
        self.bands.iter().find(|b| score >= b.min).map_or("", |b| b.label.as_str())
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// The shipped choice of edge rules, for tests of the scoring core.
    pub(crate) fn rules() -> OnTimeRules {
        OnTimeRules {
            compare: Compare::CalendarDay,
            no_due_date: NoDueDate::ProcedureMaximum,
            withdrawn: Exempt::OnTime,
            stopped: Exempt::OnTime,
            paused: Exempt::OnTime,
            supplements_over_one: OverOneSupplement::Late,
        }
    }
}
