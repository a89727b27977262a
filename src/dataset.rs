//! Dataset identity: which canonical tables the pipeline keeps, their names in the store and
//! their Vietnamese labels. Every stage speaks of datasets (pull fetches them, ingest types
//! them, the store files them, reports label them), so their identity sits at the bottom;
//! each dataset's schema (its fields and types) stays with ingest, which owns it.

use serde::Deserialize;

/// The datasets the pipeline keeps (S1, S3, S4, S8 in DATA-SOURCES.md).
#[derive(Deserialize, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Dataset {
    Dossiers,
    Documents,
    Feedback,
    Initiatives,
    /// S5: PAR appraisal, one row per unit and criterion.
    ParAppraisal,
    /// S6: the ward's DTI assessment, one row per indicator.
    DtiAssessment,
    /// S6: the province's ranking of communes by DTI.
    DtiRanking,
    /// S7: DDCI survey scores, one row per year, locality and component.
    Ddci,
    /// S2: the national portal's 766 scores, one row per agency (communes of the province).
    ServiceIndex,
}

impl Dataset {
    /// Every dataset, in the order of the enum.
    pub const ALL: [Dataset; 9] = [
        Dataset::Dossiers,
        Dataset::Documents,
        Dataset::Feedback,
        Dataset::Initiatives,
        Dataset::ParAppraisal,
        Dataset::DtiAssessment,
        Dataset::DtiRanking,
        Dataset::Ddci,
        Dataset::ServiceIndex,
    ];

    /// The dataset a store folder is named for.
    pub fn from_name(name: &str) -> Option<Dataset> {
        Dataset::ALL.into_iter().find(|d| d.name() == name)
    }

    /// Whether rows name a unit of the ward (resolved through the registry).
    pub fn has_units(self) -> bool {
        matches!(
            self,
            Dataset::Dossiers | Dataset::Documents | Dataset::Feedback | Dataset::Initiatives | Dataset::ParAppraisal
        )
    }

    /// The folder name in the store.
    pub fn name(self) -> &'static str {
        match self {
            Dataset::Dossiers => "dossiers",
            Dataset::Documents => "documents",
            Dataset::Feedback => "feedback",
            Dataset::Initiatives => "initiatives",
            Dataset::ParAppraisal => "par_appraisal",
            Dataset::DtiAssessment => "dti_assessment",
            Dataset::DtiRanking => "dti_ranking",
            Dataset::Ddci => "ddci",
            Dataset::ServiceIndex => "service_index",
        }
    }

    /// The name ward staff read.
    pub fn label_vi(self) -> &'static str {
        match self {
            Dataset::Dossiers => "Hồ sơ TTHC",
            Dataset::Documents => "Văn bản điện tử",
            Dataset::Feedback => "Phản ánh, kiến nghị",
            Dataset::Initiatives => "Sáng kiến, mô hình",
            Dataset::ParAppraisal => "Chấm điểm CCHC (PAR)",
            Dataset::DtiAssessment => "Đánh giá DTI của phường",
            Dataset::DtiRanking => "Xếp hạng DTI cấp xã",
            Dataset::Ddci => "Khảo sát DDCI",
            Dataset::ServiceIndex => "Chỉ số 766 trên Cổng DVC",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where a dataset sits in [`Dataset::ALL`]: a new variant breaks this match, and so
    /// cannot be forgotten in the list.
    fn position(d: Dataset) -> usize {
        match d {
            Dataset::Dossiers => 0,
            Dataset::Documents => 1,
            Dataset::Feedback => 2,
            Dataset::Initiatives => 3,
            Dataset::ParAppraisal => 4,
            Dataset::DtiAssessment => 5,
            Dataset::DtiRanking => 6,
            Dataset::Ddci => 7,
            Dataset::ServiceIndex => 8,
        }
    }

    #[test]
    fn every_dataset_is_listed_once_and_found_by_its_name() {
        for (i, d) in Dataset::ALL.into_iter().enumerate() {
            assert_eq!(position(d), i, "{d:?}");
            assert_eq!(Dataset::from_name(d.name()), Some(d));
            // The store's folder name is the name pipelines give it.
            let parsed: Dataset = serde_json::from_str(&format!("\"{}\"", d.name())).unwrap();
            assert_eq!(parsed, d);
        }
        assert_eq!(Dataset::from_name("http"), None);
    }
}
