//! The award round's documents for signing: Word files that follow Nghị định 30/2020/NĐ-CP.
//!
//! [`award_documents`] turns the round ([`AwardsReport`], the same value the award workbook is
//! built from) into one Tờ trình per proposing body with its Danh sách as an annex
//! (`to_trinh.rs`), the council's Biên bản with the vote table (`bien_ban.rs`) and one Báo cáo
//! thành tích per nominee (`bao_cao.rs`). Figures come from the round; every other word comes
//! from the ward's templates ([`Templates`], `config/templates/awards/`), so the office edits
//! wording without a release. The layout rules of the decree live in `layout.rs` only.
//! Decision: the documents are built with docx-rs (no Polars, no network, no second TLS
//! stack) and stay plain .docx that the office numbers, signs and uploads; [`pdf`] converts
//! them with LibreOffice when it is installed, never as a requirement.

mod bao_cao;
mod bien_ban;
mod format;
mod layout;
pub mod pdf;
mod templates;
mod to_trinh;

use std::collections::BTreeMap;

use anyhow::Result;

pub use templates::Templates;

use super::AwardsReport;
use super::awards::{level_name, nominees, prize, unit_name};
use crate::score::{Audience, Candidate, Level, Outcome};
use format::{integer, long_date};
use layout::Heading;
use templates::{Issuer, Text, Vars};

/// One produced document.
#[derive(Debug, Clone)]
pub struct Document {
    /// ASCII, e.g. `to-trinh-khen-thuong-cap-tren-2024.docx`, `bao-cao-thanh-tich-khu-pho-1.docx`.
    pub file_name: String,
    /// What it is, in Vietnamese (for a mail or a listing).
    pub title: String,
    pub bytes: Vec<u8>,
}

/// One council vote on a nominee.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Vote {
    pub agree: u32,
    pub total: u32,
}

/// The council's votes, by candidate, from the facts file's `[[vote]]` entries. A nominee
/// with no recorded vote gets "…/…" for the secretary to fill in; nothing is ever made up.
#[derive(Debug, Clone, Default)]
pub struct Votes(pub BTreeMap<(Audience, String), Vote>);

impl Votes {
    pub fn of(&self, o: &Outcome) -> Option<Vote> {
        self.0.get(&(o.audience, o.code.clone())).copied()
    }
}

/// Every document of the round: Tờ trình (with its Danh sách), Biên bản, one Báo cáo thành
/// tích per nominee, in that order.
pub fn award_documents(report: &AwardsReport<'_>, templates: &Templates) -> Result<Vec<Document>> {
    award_documents_with_votes(report, templates, &Votes::default())
}

/// As [`award_documents`], with the council's votes filled into the minutes.
pub fn award_documents_with_votes(
    report: &AwardsReport<'_>,
    templates: &Templates,
    votes: &Votes,
) -> Result<Vec<Document>> {
    let ctx = Ctx::new(report, templates);
    let mut out = to_trinh::documents(&ctx)?;
    out.push(bien_ban::document(&ctx, votes)?);
    out.extend(bao_cao::documents(&ctx)?);
    Ok(out)
}

/// A level's nominees of one audience, in print order.
struct Group<'a> {
    level: &'a Level,
    audience: Audience,
    outcomes: Vec<&'a Outcome>,
}

/// What every document needs: the round, the templates and the placeholders shared by all.
struct Ctx<'a> {
    r: &'a AwardsReport<'a>,
    t: &'a Templates,
    base: Vars,
}

/// "Phường Giếng Đáy" → "phường Giếng Đáy", as a name reads inside a sentence.
fn in_sentence(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

impl<'a> Ctx<'a> {
    fn new(r: &'a AwardsReport<'a>, t: &'a Templates) -> Ctx<'a> {
        let mut base = Vars::from([
            ("ward", in_sentence(&r.ward.name)),
            ("ward_short", r.ward.short_name.clone()),
            ("city", r.ward.city.as_deref().map(in_sentence).unwrap_or_default()),
            ("province", in_sentence(&r.ward.province)),
            ("year", r.year.to_string()),
            ("date", long_date(r.round_day)),
        ]);
        let movement = t.common.movement.fill(&base);
        base.insert("movement", movement);
        Ctx { r, t, base }
    }

    fn fill(&self, text: &Text, extra: &[(&'static str, String)]) -> String {
        let mut vars = self.base.clone();
        vars.extend(extra.iter().cloned());
        text.fill(&vars)
    }

    fn fill_all(&self, texts: &[Text], extra: &[(&'static str, String)]) -> Vec<String> {
        texts.iter().map(|t| self.fill(t, extra)).filter(|s| !s.trim().is_empty()).collect()
    }

    /// "Giếng Đáy, ngày 31 tháng 12 năm 2024".
    fn place_date(&self) -> String {
        format!("{}, {}", self.fill(&self.t.common.place, &[]), long_date(self.r.round_day))
    }

    /// The legal bases in force on the round's day.
    fn legal_bases(&self) -> Vec<String> {
        let day = self.r.round_day;
        self.t.common.legal_bases.iter().filter(|b| b.valid_on(day)).map(|b| self.fill(&b.text, &[])).collect()
    }

    /// The first lines of a document issued by `issuer`; `numbered` adds "Số: …/symbol".
    fn heading(&self, issuer: &Issuer, numbered: bool) -> Heading {
        let number = if numbered {
            format!("{}:       /{}", self.fill(&self.t.common.number_label, &[]), issuer.symbol)
        } else {
            String::new()
        };
        self.heading_of(self.fill(&issuer.parent_agency, &[]), self.fill_all(&issuer.agency, &[]), number)
    }

    fn heading_of(&self, parent_agency: String, agency: Vec<String>, number: String) -> Heading {
        Heading {
            parent_agency,
            agency,
            number,
            national_name: self.fill(&self.t.common.national_name, &[]),
            motto: self.fill(&self.t.common.motto, &[]),
            place_date: self.place_date(),
        }
    }

    /// The agency's name as it reads in a sentence ("Ủy ban nhân dân phường Giếng Đáy").
    fn agency_name(&self, issuer: &Issuer) -> String {
        self.fill_all(&issuer.agency, &[]).join(" ")
    }

    /// Nominees by level (highest first) and audience (collectives first), by rank.
    fn groups(&self) -> Vec<Group<'a>> {
        nominees(self.r).into_iter().map(|(level, audience, outcomes)| Group { level, audience, outcomes }).collect()
    }

    fn candidate(&self, o: &Outcome) -> Option<&'a Candidate> {
        self.r.candidates.iter().find(|c| c.code == o.code && c.audience == o.audience)
    }

    fn prize(&self, o: &Outcome) -> Option<f64> {
        prize(self.r, o)
    }

    fn level_name(&self, o: &Outcome) -> String {
        o.level.as_deref().map(|l| level_name(self.r, l)).unwrap_or_default()
    }

    fn unit_name(&self, o: &Outcome) -> String {
        unit_name(self.r, o.unit.as_ref())
    }

    /// An officer's position and unit, the unit left out when the position already names it
    /// ("Trưởng bộ phận Tư pháp - Hộ tịch", not "…, Bộ phận Tư pháp - Hộ tịch").
    fn position(&self, o: &Outcome) -> String {
        if o.audience == Audience::Collective {
            return String::new();
        }
        let position = self.r.registry.officer(&o.code).map_or(String::new(), |x| x.position.clone());
        let unit = self.unit_name(o);
        // The unit's distinctive words: "Bộ phận Địa chính - Xây dựng - …" → "địa chính",
        // "Trạm Y tế phường Giếng Đáy" → "trạm y tế".
        let short = self.r.ward.short_name.as_str();
        let key = unit.strip_prefix("Bộ phận ").unwrap_or(&unit);
        let key = key.split(" - ").next().unwrap_or(key).trim_end_matches(short).trim();
        let key = key.strip_suffix(" phường").unwrap_or(key).to_lowercase();
        match (position.is_empty(), unit.is_empty()) {
            (true, _) => unit,
            (false, true) => position,
            _ if position.to_lowercase().contains(&key) => position,
            _ => format!("{position}, {unit}"),
        }
    }

    /// "2 tập thể, 3 cá nhân" counts of a set of outcomes, and the prize total.
    fn counts(&self, list: &[&Outcome]) -> [(&'static str, String); 4] {
        let collectives = list.iter().filter(|o| o.audience == Audience::Collective).count();
        let individuals = list.len() - collectives;
        let prize: f64 = list.iter().filter_map(|o| self.prize(o)).sum();
        [
            ("count", list.len().to_string()),
            ("collectives", collectives.to_string()),
            ("individuals", individuals.to_string()),
            ("prize", integer(prize)),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::in_sentence;

    #[test]
    fn names_read_in_a_sentence() {
        assert_eq!(in_sentence("Phường Giếng Đáy"), "phường Giếng Đáy");
        assert_eq!(in_sentence("Thành phố Hạ Long"), "thành phố Hạ Long");
    }
}
