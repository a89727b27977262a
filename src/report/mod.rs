//! Report: workbooks and e-mail bodies from scorecards (report reads Polars frames: the
//! scorecards are frames; it computes no score from them). Nothing is computed here that
//! changes a score; the stage only arranges, labels and formats.

mod award_words;
mod awards;
mod awards_email;
mod card;
mod charts;
pub mod documents;
mod indices;
mod losses;
mod message;
mod monthly_email;
mod officers;
mod portal;
mod summary;
mod table;
mod tabs;
mod text;
mod workbook;
mod ytd;

pub use award_words::AwardNames;
pub use awards::{AwardsReport, awards_workbook, reason_vi};
pub use awards_email::awards_email;
pub use card::{UnitCard, card_email, card_workbook, lateness, named_overdue, unit_card};
pub use documents::{Document, Templates, award_documents};
pub use losses::{DTI_INDEX, PAR_INDEX, SERVICE_INDEX, lost_points};
pub use message::Email;
pub use monthly_email::monthly_email;
pub use summary::{Summary, UnitLine, summarise};
pub use table::excel_serial;
pub use text::{escape, number, percent};
pub use workbook::{MonthlyReport, SHEETS, monthly_workbook, unit_labels};
