//! The ward's facts for the award round (`config/facts/<year>.toml`): confirmations of tasks
//! completed and of manual targets (who and when), advising roles, women's share, annual
//! titles, discipline, inspections. Recorded by the Office–Statistics section; see
//! `config/facts/README.md`.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;
use toml::value::Datetime;

use super::dates::to_date;
use super::diag::{Diagnostics, SourceText};
use crate::registry::Registry;

#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct Confirmation {
    pub value: bool,
    pub confirmed_by: String,
    pub confirmed_at: Datetime,
}

impl Confirmation {
    /// The day of the confirmation (checked to be a date when the file is loaded).
    pub fn day(&self) -> Option<chrono::NaiveDate> {
        to_date(&self.confirmed_at)
    }
}

#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct TargetConfirmation {
    pub target: String,
    pub met: bool,
    pub confirmed_by: String,
    pub confirmed_at: Datetime,
    pub note: Option<String>,
}

#[derive(Deserialize, Debug, Clone, Default)]
#[serde(deny_unknown_fields)]
pub struct UnitFacts {
    pub code: String,
    pub women_share: Option<f64>,
    #[serde(default)]
    pub advising_roles: Vec<String>,
    #[serde(default)]
    pub under_discipline: bool,
    #[serde(default)]
    pub pending_inspection: bool,
    #[serde(default)]
    pub under_investigation: bool,
    pub tasks_completed_well: Option<Confirmation>,
    #[serde(rename = "confirmation", default)]
    pub confirmations: Vec<TargetConfirmation>,
}

#[derive(Deserialize, Debug, Clone, Default)]
#[serde(deny_unknown_fields)]
pub struct OfficerFacts {
    pub id: String,
    pub annual_title: Option<String>,
    pub tasks_completed_well: Option<Confirmation>,
    #[serde(default)]
    pub under_discipline: bool,
    #[serde(default)]
    pub pending_inspection: bool,
    #[serde(default)]
    pub under_investigation: bool,
}

/// The council's vote on one nominee (Hội đồng Thi đua – Khen thưởng), as its minutes record it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VoteCount {
    pub agree: u32,
    pub total: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VoteSpec {
    unit: Option<String>,
    officer: Option<String>,
    agree: u32,
    total: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FactsSpec {
    year: i32,
    #[serde(rename = "unit", default)]
    units: Vec<Spanned<UnitFacts>>,
    #[serde(rename = "officer", default)]
    officers: Vec<Spanned<OfficerFacts>>,
    #[serde(rename = "vote", default)]
    votes: Vec<Spanned<VoteSpec>>,
}

#[derive(Debug, Clone, Default)]
pub struct WardFacts {
    pub year: i32,
    pub units: BTreeMap<String, UnitFacts>,
    pub officers: BTreeMap<String, OfficerFacts>,
    /// The council's votes, by unit code and by officer id (none before the council meets).
    pub unit_votes: BTreeMap<String, VoteCount>,
    pub officer_votes: BTreeMap<String, VoteCount>,
}

impl WardFacts {
    /// A ward-wide manual target counts as confirmed met if any unit's row confirms it.
    pub fn target_confirmation(&self, target: &str) -> Option<&TargetConfirmation> {
        self.units.values().flat_map(|u| &u.confirmations).find(|c| c.target == target)
    }
}

/// Loads `<dir>/<year>.toml`; `None` (and no problem) when the year has no file.
pub fn load_facts(
    root: &Path,
    dir: &Path,
    year: i32,
    registry: &Registry,
    targets: &[String],
    diag: &mut Diagnostics,
) -> Option<WardFacts> {
    let path = dir.join(format!("{year}.toml"));
    if !path.is_file() {
        return None;
    }
    let (src, spec) = diag.parse::<FactsSpec>(root, &path)?;
    let before = diag.problems().len();
    if spec.year != year {
        diag.at(&src, &(0..0), format!("year = {} không khớp tên tệp {year}.toml", spec.year));
    }
    let mut facts = WardFacts { year, ..Default::default() };
    for u in spec.units {
        let span = u.span();
        let u = u.into_inner();
        if registry.unit(&u.code).is_none() {
            diag.at(&src, &span, format!("đơn vị \"{}\" không có trong danh mục đơn vị", u.code));
        }
        for c in &u.confirmations {
            if !targets.is_empty() && !targets.contains(&c.target) {
                diag.at(
                    &src,
                    &span,
                    format!("đơn vị {}: chỉ tiêu \"{}\" không có trong tệp chỉ tiêu", u.code, c.target),
                );
            }
            if to_date(&c.confirmed_at).is_none() {
                diag.at(&src, &span, format!("đơn vị {}: confirmed_at phải là ngày YYYY-MM-DD", u.code));
            }
        }
        if u.tasks_completed_well.as_ref().is_some_and(|c| c.day().is_none()) {
            diag.at(&src, &span, format!("đơn vị {}: confirmed_at phải là ngày YYYY-MM-DD", u.code));
        }
        if u.women_share.is_some_and(|w| !(0.0..=1.0).contains(&w)) {
            diag.at(&src, &span, format!("đơn vị {}: women_share phải trong 0..1", u.code));
        }
        facts.units.insert(u.code.clone(), u);
    }
    for o in spec.officers {
        let span = o.span();
        let o = o.into_inner();
        if registry.officer(&o.id).is_none() {
            diag.at(&src, &span, format!("cán bộ \"{}\" không có trong danh sách cán bộ", o.id));
        }
        if o.tasks_completed_well.as_ref().is_some_and(|c| c.day().is_none()) {
            diag.at(&src, &span, format!("cán bộ {}: confirmed_at phải là ngày YYYY-MM-DD", o.id));
        }
        facts.officers.insert(o.id.clone(), o);
    }
    for v in spec.votes {
        check_vote(&src, v, registry, &mut facts, diag);
    }
    (diag.problems().len() == before).then_some(facts)
}

/// A vote names one unit or one officer of the registry, and no more votes agree than were cast.
fn check_vote(
    src: &SourceText,
    v: Spanned<VoteSpec>,
    registry: &Registry,
    facts: &mut WardFacts,
    diag: &mut Diagnostics,
) {
    let span = v.span();
    let v = v.into_inner();
    let count = VoteCount { agree: v.agree, total: v.total };
    if count.total == 0 || count.agree > count.total {
        diag.at(
            src,
            &span,
            format!("phiếu bầu {}/{}: số đồng ý phải từ 0 đến tổng số phiếu (lớn hơn 0)", count.agree, count.total),
        );
    }
    match (v.unit, v.officer) {
        (Some(u), None) if registry.unit(&u).is_some() => {
            facts.unit_votes.insert(u, count);
        }
        (None, Some(o)) if registry.officer(&o).is_some() => {
            facts.officer_votes.insert(o, count);
        }
        (Some(x), None) | (None, Some(x)) => {
            diag.at(src, &span, format!("phiếu bầu cho \"{x}\": không có trong danh mục đơn vị hay danh sách cán bộ"));
        }
        _ => {
            diag.at(
                src,
                &span,
                "mỗi [[vote]] ghi đúng một trong unit = \"<mã đơn vị>\" hoặc officer = \"<id cán bộ>\"",
            );
        }
    }
}
