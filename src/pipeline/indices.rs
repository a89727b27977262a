//! Scoring the indices a pipeline names (PAR, DTI, DDCI), each only when its data arrived:
//! PAR from the appraisal export plus the month's service rates and documents, DTI from the
//! ward's assessment with its place in the province's ranking, DDCI from the survey years.

use anyhow::{Context, Result};
use polars::prelude::*;

use crate::config::{Config, name_key};
use crate::dataset::Dataset;
use crate::ingest::Ingested;
use crate::period::Period;
use crate::pipeline::Pipeline;
use crate::score::{
    IndexMethod, IndexScores, ProvinceRank, Scored, ServiceScorecard, TargetFacts, ddci_inputs, dti_inputs, par_inputs,
    plan_targets, score_index,
};

fn applies(m: &IndexMethod, period: Period) -> bool {
    m.valid.meets(period)
}

fn province_rank(ranking: &DataFrame, ward_name: &str) -> Result<Option<ProvinceRank>> {
    let names = ranking.column("commune_name")?.str()?;
    let key = name_key(ward_name);
    let Some(i) = names.iter().position(|n| n.is_some_and(|n| name_key(n) == key)) else {
        return Ok(None);
    };
    let rank = ranking.column("rank")?.i64()?.get(i);
    let dti = ranking.column("dti")?.f64()?.get(i);
    Ok(rank.zip(dti).map(|(rank, dti)| ProvinceRank { rank, dti, communes: ranking.height() }))
}

pub fn score_indices(
    pipeline: &Pipeline,
    ingested: &Ingested,
    scorecard: &ServiceScorecard,
    config: &Config,
    period: Period,
) -> Result<IndexScores> {
    let mut out = IndexScores::default();
    let ix = &pipeline.indices;
    if let (Some(m), Some(appraisal)) = (&ix.par, ingested.table(Dataset::ParAppraisal))
        && applies(m, period)
    {
        let units: Vec<String> = config
            .registry
            .units
            .iter()
            .filter(|u| u.par_rated && u.valid_on(period.last_day()))
            .map(|u| u.code.clone())
            .collect();
        let input =
            par_inputs(m, &units, Some(appraisal), Some(&scorecard.scopes), ingested.table(Dataset::Documents))?;
        let result = score_index(&input, m, None).context("chấm điểm PAR")?;
        out.par = Some(Scored { method: m.clone(), result });
        out.par_evidence = Some(
            appraisal
                .clone()
                .lazy()
                .filter(col("evidence").is_not_null())
                .select([col("unit_code").alias("e_unit"), col("criterion").alias("e_component"), col("evidence")])
                .collect()?,
        );
    }
    if let (Some(m), Some(assessment)) = (&ix.dti, ingested.table(Dataset::DtiAssessment))
        && applies(m, period)
    {
        let ward = &config.settings.ward;
        let input = dti_inputs(m, &ward.name, assessment)?;
        let result = score_index(&input, m, None).context("chấm điểm DTI")?;
        out.dti = Some(Scored { method: m.clone(), result });
    }
    if let Some(ranking) = ingested.table(Dataset::DtiRanking) {
        out.dti_rank = province_rank(ranking, &config.settings.ward.name)?;
    }
    if let (Some(m), Some(survey)) = (&ix.ddci, ingested.table(Dataset::Ddci))
        && applies(m, period)
    {
        let input = ddci_inputs(m, survey)?;
        let latest = input.column("year")?.i32()?.iter().flatten().filter(|y| *y <= period.year).max();
        if let Some(year) = latest {
            let result = score_index(&input, m, Some(year)).context("chấm điểm DDCI")?;
            out.ddci = Some(Scored { method: m.clone(), result });
            out.ddci_names = Some(
                survey
                    .clone()
                    .lazy()
                    .group_by([col("locality_code").alias("label_code")])
                    .agg([col("locality_name").first().alias("unit_label")])
                    .collect()?,
            );
        }
    }
    if let Some(t) = config.methodologies.targets.iter().find(|t| t.valid.meets(period)) {
        let units: Vec<(String, crate::config::UnitKind)> = config
            .registry
            .units
            .iter()
            .filter(|u| u.valid_on(period.last_day()))
            .map(|u| (u.code.clone(), u.kind))
            .collect();
        let facts = TargetFacts {
            scopes: &scorecard.scopes,
            officers: &scorecard.officers,
            documents: ingested.table(Dataset::Documents),
            initiatives: ingested.table(Dataset::Initiatives),
            units: &units,
        };
        out.plan_targets = Some((format!("{} ({})", t.name, t.decision), plan_targets(t, &facts)?));
    }
    Ok(out)
}
