//! The candidates of a year's award round and their facts: from the year's figures (PAR,
//! service rates, targets, initiatives, the province's DTI ranking) and from the ward's own
//! facts file (confirmations, roles, titles, discipline, inspections).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use polars::prelude::*;

use super::Evaluation;
use crate::config::{Config, Officer, OfficerFacts, Unit, UnitFacts, UnitKind, WardFacts};
use crate::dataset::Dataset;
use crate::expr::keyed_f64;
use crate::score::{Audience, Candidate, Fact};
use crate::score::{TargetMeasure, Targets};

fn confirmed(c: Option<&crate::config::Confirmation>) -> (Fact, Option<String>) {
    match c {
        Some(c) => {
            let day = c.day().map_or_else(|| c.confirmed_at.to_string(), crate::vi::date);
            (Fact::Bool(c.value), Some(format!("{} xác nhận ngày {day}", c.confirmed_by)))
        }
        None => (Fact::Bool(false), Some("chưa có xác nhận".into())),
    }
}

/// The year's figures the candidates' facts are read from, keyed by unit or officer.
struct YearFigures<'a> {
    targets: Option<&'a Targets>,
    on_time: BTreeMap<String, f64>,
    par_total: BTreeMap<String, f64>,
    par_rank: BTreeMap<String, f64>,
    par_band: BTreeMap<String, String>,
    /// Per scope: the codes of data targets not met in the year.
    missed: BTreeMap<String, Vec<String>>,
    /// Per scope: how many data targets were measured on it in the year.
    measured: BTreeMap<String, usize>,
    top15: Option<bool>,
    dti_note: Option<String>,
}

impl<'a> YearFigures<'a> {
    fn new(config: &'a Config, ev: &Evaluation, year: i32) -> PolarsResult<Self> {
        let mut y = YearFigures {
            // The plan in force on the round day (after a merger, the new ward's plan).
            targets: crate::period::Period::year(year).and_then(|p| config.methodologies.plan_for(p)),
            on_time: keyed_f64(&ev.scorecard.scopes, "scope", "on_time_rate"),
            par_total: BTreeMap::new(),
            par_rank: BTreeMap::new(),
            par_band: BTreeMap::new(),
            missed: BTreeMap::new(),
            measured: BTreeMap::new(),
            top15: ev.indices.dti_rank.as_ref().map(|r| r.rank <= 15),
            dti_note: ev.indices.dti_rank.as_ref().map(|r| format!("phường xếp {}/{} toàn tỉnh", r.rank, r.communes)),
        };
        if let Some(par) = &ev.indices.par {
            let u = &par.result.units;
            y.par_total = keyed_f64(u, "unit", "total");
            y.par_rank = keyed_f64(u, "unit", "rank");
            let units = u.column("unit")?.str()?;
            let bands = u.column("band")?.str()?;
            y.par_band =
                units.iter().zip(bands.iter()).filter_map(|(k, b)| Some((k?.to_string(), b?.to_string()))).collect();
        }
        if let Some((_, t)) = &ev.indices.plan_targets {
            let (scope, code, met) = (t.column("scope")?.str()?, t.column("target")?.str()?, t.column("met")?.bool()?);
            for i in 0..t.height() {
                if let (Some(s), Some(_)) = (scope.get(i), met.get(i)) {
                    *y.measured.entry(s.to_string()).or_default() += 1;
                }
                if met.get(i) == Some(false)
                    && let (Some(s), Some(c)) = (scope.get(i), code.get(i))
                {
                    let name = y.target_name(c);
                    y.missed.entry(s.to_string()).or_default().push(name);
                }
            }
        }
        Ok(y)
    }

    /// A target as readers know it: its text in the plan, not its code.
    fn target_name(&self, code: &str) -> String {
        let target = self.targets.and_then(|t| t.targets.iter().find(|x| x.code == code));
        target.map_or_else(|| code.to_string(), |x| x.name.clone())
    }

    /// i2: the data targets the unit missed, and the manual targets of its kind not confirmed
    /// met; `None` when no target of the year applies to the unit (nothing to judge it on).
    fn failed_targets(&self, u: &Unit, uf: Option<&UnitFacts>) -> Option<Vec<String>> {
        let mut failed = self.missed.get(&u.code).cloned().unwrap_or_default();
        let mut judged = self.measured.get(&u.code).copied().unwrap_or(0);
        for target in self.targets.iter().flat_map(|t| &t.targets) {
            let applies = target.applies_to.iter().any(|a| a.covers(u.kind))
                && target.units.as_ref().is_none_or(|only| only.contains(&u.code));
            if applies && matches!(target.measure, TargetMeasure::Manual { .. }) {
                judged += 1;
                let ok = uf.is_some_and(|x| x.confirmations.iter().any(|c| c.target == target.code && c.met));
                if !ok {
                    failed.push(format!("{} (chưa xác nhận đạt)", target.name));
                }
            }
        }
        (judged > 0).then_some(failed)
    }
}

/// Every unit and officer of the year who can be proposed, with the facts the rules read.
pub(super) fn candidates(
    config: &Config,
    ev: &Evaluation,
    facts: Option<&WardFacts>,
    year: i32,
) -> PolarsResult<Vec<Candidate>> {
    let first = NaiveDate::from_ymd_opt(year, 1, 1).expect("year");
    let last = NaiveDate::from_ymd_opt(year, 12, 31).expect("year");
    let figures = YearFigures::new(config, ev, year)?;
    let mut out: Vec<Candidate> = config
        .registry
        .units
        .iter()
        .filter(|u| u.kind != UnitKind::Leadership && u.valid_on(last))
        .map(|u| unit_candidate(u, &figures, facts.and_then(|f| f.units.get(&u.code))))
        .collect();
    let people = OfficerFigures::new(ev)?;
    out.extend(
        config
            .registry
            .officers
            .iter()
            .filter(|o| o.active.overlaps(first, last))
            .map(|o| officer_candidate(o, &people, facts.and_then(|f| f.officers.get(&o.id)))),
    );
    Ok(out)
}

fn unit_candidate(u: &Unit, y: &YearFigures<'_>, uf: Option<&UnitFacts>) -> Candidate {
    let mut f = BTreeMap::new();
    let mut notes = BTreeMap::new();
    let (done, note) = confirmed(uf.and_then(|x| x.tasks_completed_well.as_ref()));
    f.insert("tasks_completed_well".into(), done);
    notes.extend(note.map(|n| ("tasks_completed_well".to_string(), n)));
    match y.failed_targets(u, uf) {
        Some(failed) => {
            f.insert("targets_met".into(), Fact::Bool(failed.is_empty()));
            if !failed.is_empty() {
                notes.insert("targets_met".into(), format!("chưa đạt: {}", failed.join("; ")));
            }
        }
        // No target to judge: the criterion is not met, and says why (never "đạt" by default).
        None => {
            notes.insert("targets_met".into(), "không có chỉ tiêu để xét".into());
        }
    }
    f.insert("par_rated".into(), Fact::Bool(u.par_rated));
    f.insert("handles_dossiers".into(), Fact::Bool(u.handles_dossiers));
    for (key, map) in [("par_total", &y.par_total), ("par_rank", &y.par_rank), ("on_time_rate", &y.on_time)] {
        if let Some(x) = map.get(&u.code) {
            f.insert(key.into(), Fact::Num(*x));
        }
    }
    if let Some(x) = y.par_band.get(&u.code) {
        f.insert("par_band".into(), Fact::Text(x.clone()));
    }
    if let Some(t) = y.top15 {
        f.insert("dti_ward_top15".into(), Fact::Bool(t));
        notes.extend(y.dti_note.clone().map(|n| ("dti_ward_top15".to_string(), n)));
    }
    if let Some(uf) = uf {
        f.insert("advising_roles".into(), Fact::List(uf.advising_roles.clone()));
        f.insert("under_discipline".into(), Fact::Bool(uf.under_discipline));
        f.insert("pending_inspection".into(), Fact::Bool(uf.pending_inspection));
        f.insert("under_investigation".into(), Fact::Bool(uf.under_investigation));
        if let Some(w) = uf.women_share {
            f.insert("women_share".into(), Fact::Num(w));
        }
    }
    Candidate {
        audience: Audience::Collective,
        code: u.code.clone(),
        name: u.name.clone(),
        unit: None,
        facts: f,
        notes,
    }
}

/// The year's figures per officer: dossiers, on-time rate, complaints, initiatives authored.
struct OfficerFigures {
    dossiers: BTreeMap<String, f64>,
    rate: BTreeMap<String, f64>,
    complaints: BTreeMap<String, f64>,
    authored: BTreeMap<String, f64>,
}

impl OfficerFigures {
    fn new(ev: &Evaluation) -> PolarsResult<Self> {
        let off = &ev.scorecard.officers;
        let mut authored: BTreeMap<String, f64> = BTreeMap::new();
        if let Some(ini) = ev.ingested.table(Dataset::Initiatives) {
            for a in ini.column("authors")?.str()?.iter().flatten() {
                for id in a.split([';', ',']).map(str::trim).filter(|x| !x.is_empty()) {
                    *authored.entry(id.to_string()).or_insert(0.0) += 1.0;
                }
            }
        }
        Ok(OfficerFigures {
            dossiers: keyed_f64(off, "officer_id", "active"),
            rate: keyed_f64(off, "officer_id", "on_time_rate"),
            complaints: keyed_f64(off, "officer_id", "complaints"),
            authored,
        })
    }
}

fn officer_candidate(o: &Officer, y: &OfficerFigures, of: Option<&OfficerFacts>) -> Candidate {
    let mut f = BTreeMap::new();
    let mut notes = BTreeMap::new();
    let (done, note) = confirmed(of.and_then(|x| x.tasks_completed_well.as_ref()));
    f.insert("tasks_completed_well".into(), done);
    notes.extend(note.map(|n| ("tasks_completed_well".to_string(), n)));
    f.insert("handles_dossiers".into(), Fact::Bool(y.dossiers.contains_key(&o.id)));
    f.insert("dossiers".into(), Fact::Num(y.dossiers.get(&o.id).copied().unwrap_or(0.0)));
    if let Some(r) = y.rate.get(&o.id) {
        f.insert("on_time_rate".into(), Fact::Num(*r));
    }
    f.insert("complaints".into(), Fact::Num(y.complaints.get(&o.id).copied().unwrap_or(0.0)));
    f.insert("initiatives_authored".into(), Fact::Num(y.authored.get(&o.id).copied().unwrap_or(0.0)));
    f.insert("female".into(), Fact::Bool(o.gender == crate::config::Gender::Female));
    if let Some(of) = of {
        if let Some(t) = &of.annual_title {
            f.insert("annual_title".into(), Fact::Text(t.clone()));
        }
        f.insert("under_discipline".into(), Fact::Bool(of.under_discipline));
        f.insert("pending_inspection".into(), Fact::Bool(of.pending_inspection));
        f.insert("under_investigation".into(), Fact::Bool(of.under_investigation));
    }
    Candidate {
        audience: Audience::Individual,
        code: o.id.clone(),
        name: o.name.clone(),
        unit: Some(o.unit.clone()),
        facts: f,
        notes,
    }
}

/// The rules cite the plan the round closes as `{plan}` ("Kế hoạch số 105/KH-UBND ngày
/// 17/05/2024 của UBND phường …") and `{plan_short}` ("Kế hoạch 105/KH-UBND"), in any of their
/// texts ([`crate::score::PLAN_PLACEHOLDERS`], checked when the rules load): filled from the
/// plan valid on the round day, so that a rules file names no ward's plan and serves any ward.
pub(super) fn cite_plan(rules: &mut crate::score::AwardRules, plan: Option<&crate::score::Plan>, year: i32) {
    let (long, short) = match plan {
        Some(p) => (format!("Kế hoạch số {} ngày {} của {}", p.number, crate::vi::date(p.date), p.issuer), p.short()),
        None => (format!("Kế hoạch thi đua năm {year} (chưa có tệp kế hoạch)"), format!("kế hoạch thi đua năm {year}")),
    };
    let fill = |text: &mut String| *text = text.replace("{plan_short}", &short).replace("{plan}", &long);
    fill(&mut rules.name);
    fill(&mut rules.decision);
    for level in &mut rules.levels {
        fill(&mut level.name);
        fill(&mut level.submit_to);
        level.criteria.iter_mut().for_each(|criterion| fill(&mut criterion.name));
    }
    rules.exclusions.iter_mut().for_each(|exclusion| fill(&mut exclusion.name));
}
