//! Report: workbooks and e-mail bodies from scorecards. Nothing is computed here that
//! changes a score; the stage only arranges, labels and formats.

mod awards;
mod card;
mod charts;
pub mod documents;
mod email;
mod indices;
mod portal;
mod summary;
mod table;
mod workbook;
mod ytd;

pub use awards::{AwardsReport, awards_workbook, reason_vi};
pub use card::{UnitCard, card_email, card_workbook, unit_card};
pub use documents::{Document, Templates, award_documents};
pub use email::{Email, awards_email, escape, monthly_email, number, percent};
pub use indices::lost_points;
pub use summary::{Summary, UnitLine, summarise};
pub use table::excel_serial;
pub use workbook::{MonthlyReport, SHEETS, monthly_workbook, unit_labels};
