//! The candidates of a year's award round and their facts: from the year's figures (PAR,
//! service rates, targets, initiatives, the province's DTI ranking) and from the ward's own
//! facts file (confirmations, roles, titles, discipline, inspections).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use polars::prelude::*;

use super::Evaluation;
use crate::config::{Config, UnitKind, WardFacts};
use crate::dataset::Dataset;
use crate::expr::keyed_f64;
use crate::score::TargetMeasure;
use crate::score::{Audience, Candidate, Fact};

fn confirmed(c: &Option<crate::config::Confirmation>) -> (Fact, Option<String>) {
    match c {
        Some(c) => (Fact::Bool(c.value), Some(format!("{} xác nhận ngày {}", c.confirmed_by, c.confirmed_at))),
        None => (Fact::Bool(false), Some("chưa có xác nhận".into())),
    }
}

pub fn candidates(
    config: &Config,
    ev: &Evaluation,
    facts: Option<&WardFacts>,
    year: i32,
) -> PolarsResult<Vec<Candidate>> {
    let first = NaiveDate::from_ymd_opt(year, 1, 1).expect("year");
    let last = NaiveDate::from_ymd_opt(year, 12, 31).expect("year");
    let sc = &ev.scorecard;
    let on_time = keyed_f64(&sc.scopes, "scope", "on_time_rate");
    let (mut par_total, mut par_rank, mut par_band) = (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
    if let Some(par) = &ev.indices.par {
        let u = &par.result.units;
        par_total = keyed_f64(u, "unit", "total");
        par_rank = keyed_f64(u, "unit", "rank");
        let units = u.column("unit")?.str()?;
        let bands = u.column("band")?.str()?;
        par_band = units.iter().zip(bands.iter()).filter_map(|(k, b)| Some((k?.to_string(), b?.to_string()))).collect();
    }
    let top15 = ev.indices.dti_rank.as_ref().map(|r| r.rank <= 15);
    // Targets per scope: the codes of data targets not met in the year.
    let mut missed: BTreeMap<String, Vec<String>> = BTreeMap::new();
    if let Some((_, t)) = &ev.indices.plan_targets {
        let (scope, code, met) = (t.column("scope")?.str()?, t.column("target")?.str()?, t.column("met")?.bool()?);
        for i in 0..t.height() {
            if met.get(i) == Some(false)
                && let (Some(s), Some(c)) = (scope.get(i), code.get(i))
            {
                missed.entry(s.to_string()).or_default().push(c.to_string());
            }
        }
    }
    let targets =
        config.methodologies.targets.iter().find(|t| t.valid_from <= last && t.valid_to.is_none_or(|to| to >= first));

    let mut out = Vec::new();
    for u in config.registry.units.iter().filter(|u| u.kind != UnitKind::Leadership && u.valid_on(last)) {
        let uf = facts.and_then(|f| f.units.get(&u.code));
        let mut f = BTreeMap::new();
        let mut notes = BTreeMap::new();
        let (done, note) = confirmed(&uf.and_then(|x| x.tasks_completed_well.clone()));
        f.insert("tasks_completed_well".into(), done);
        notes.extend(note.map(|n| ("tasks_completed_well".to_string(), n)));
        // i2: no data target missed, and every manual target of this kind of unit confirmed met.
        let mut failed = missed.get(&u.code).cloned().unwrap_or_default();
        if let Some(t) = targets {
            for target in &t.targets {
                let applies = target.applies_to.iter().any(|a| a.covers(u.kind))
                    && target.units.as_ref().is_none_or(|only| only.contains(&u.code));
                if applies && matches!(target.measure, TargetMeasure::Manual { .. }) {
                    let ok = uf.is_some_and(|x| x.confirmations.iter().any(|c| c.target == target.code && c.met));
                    if !ok {
                        failed.push(format!("{} (chưa xác nhận đạt)", target.code));
                    }
                }
            }
        }
        f.insert("targets_met".into(), Fact::Bool(failed.is_empty()));
        if !failed.is_empty() {
            notes.insert("targets_met".into(), format!("chưa đạt: {}", failed.join(", ")));
        }
        f.insert("par_rated".into(), Fact::Bool(u.par_rated));
        f.insert("handles_dossiers".into(), Fact::Bool(u.handles_dossiers));
        if let Some(x) = par_total.get(&u.code) {
            f.insert("par_total".into(), Fact::Num(*x));
        }
        if let Some(x) = par_rank.get(&u.code) {
            f.insert("par_rank".into(), Fact::Num(*x));
        }
        if let Some(x) = par_band.get(&u.code) {
            f.insert("par_band".into(), Fact::Text(x.clone()));
        }
        if let Some(x) = on_time.get(&u.code) {
            f.insert("on_time_rate".into(), Fact::Num(*x));
        }
        if let Some(t) = top15 {
            f.insert("dti_ward_top15".into(), Fact::Bool(t));
            if let Some(r) = &ev.indices.dti_rank {
                notes.insert("dti_ward_top15".into(), format!("phường xếp {}/{} toàn tỉnh", r.rank, r.communes));
            }
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
        out.push(Candidate {
            audience: Audience::Collective,
            code: u.code.clone(),
            name: u.name.clone(),
            unit: None,
            facts: f,
            notes,
        });
    }

    let off = &sc.officers;
    let (dossiers, rate, complaints) = (
        keyed_f64(off, "officer_id", "active"),
        keyed_f64(off, "officer_id", "on_time_rate"),
        keyed_f64(off, "officer_id", "complaints"),
    );
    let mut authored: BTreeMap<String, f64> = BTreeMap::new();
    if let Some(ini) = ev.ingested.table(Dataset::Initiatives) {
        for a in ini.column("authors")?.str()?.iter().flatten() {
            for id in a.split([';', ',']).map(str::trim).filter(|x| !x.is_empty()) {
                *authored.entry(id.to_string()).or_insert(0.0) += 1.0;
            }
        }
    }
    for o in config.registry.officers.iter().filter(|o| o.active_during(first, last)) {
        let of = facts.and_then(|f| f.officers.get(&o.id));
        let mut f = BTreeMap::new();
        let mut notes = BTreeMap::new();
        let (done, note) = confirmed(&of.and_then(|x| x.tasks_completed_well.clone()));
        f.insert("tasks_completed_well".into(), done);
        notes.extend(note.map(|n| ("tasks_completed_well".to_string(), n)));
        f.insert("handles_dossiers".into(), Fact::Bool(dossiers.contains_key(&o.id)));
        f.insert("dossiers".into(), Fact::Num(dossiers.get(&o.id).copied().unwrap_or(0.0)));
        if let Some(r) = rate.get(&o.id) {
            f.insert("on_time_rate".into(), Fact::Num(*r));
        }
        f.insert("complaints".into(), Fact::Num(complaints.get(&o.id).copied().unwrap_or(0.0)));
        f.insert("initiatives_authored".into(), Fact::Num(authored.get(&o.id).copied().unwrap_or(0.0)));
        f.insert("female".into(), Fact::Bool(o.gender == crate::config::Gender::Female));
        if let Some(of) = of {
            if let Some(t) = &of.annual_title {
                f.insert("annual_title".into(), Fact::Text(t.clone()));
            }
            f.insert("under_discipline".into(), Fact::Bool(of.under_discipline));
            f.insert("pending_inspection".into(), Fact::Bool(of.pending_inspection));
            f.insert("under_investigation".into(), Fact::Bool(of.under_investigation));
        }
        out.push(Candidate {
            audience: Audience::Individual,
            code: o.id.clone(),
            name: o.name.clone(),
            unit: Some(o.unit.clone()),
            facts: f,
            notes,
        });
    }
    Ok(out)
}
