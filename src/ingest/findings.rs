//! The validation report: what was wrong with the input, counted, with the first examples.
//!
//! Bad rows never crash a run. Each rule that fires becomes one finding with its count and
//! up to five examples naming the file and row, and the month's workbook shows them on
//! the data-quality sheet.

use crate::dataset::Dataset;

/// How a finding affected the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The row could not be used and was left out of the scorecard.
    Rejected,
    /// The row was kept; the value named was ignored or corrected.
    Warning,
    /// Worth knowing; nothing was changed.
    Info,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Rejected => "Loại bỏ dòng",
            Severity::Warning => "Cảnh báo",
            Severity::Info => "Thông tin",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub file: String,
    /// Row in the file (1-based, as a spreadsheet shows it); 0 when it concerns the file.
    pub row: u32,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub dataset: Dataset,
    pub severity: Severity,
    pub rule: String,
    pub count: usize,
    pub examples: Vec<Example>,
}

pub const MAX_EXAMPLES: usize = 5;
