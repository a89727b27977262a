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
    Absent, IndexMethod, IndexScores, ProvinceRank, Scored, ServiceScorecard, TargetFacts, ddci_inputs, dti_inputs,
    par_inputs, plan_targets, score_index,
};
use crate::validity::Series;

fn province_rank(ranking: &DataFrame, ward_name: &str) -> Result<Option<ProvinceRank>> {
    let names = ranking.column("commune_name")?.str()?;
    let key = name_key(ward_name);
    let Some(i) = names.iter().position(|n| n.is_some_and(|n| name_key(n) == key)) else {
        return Ok(None);
    };
    let rank = ranking.column("rank")?.i64()?.get(i);
    let dti = ranking.column("dti")?.f64()?.get(i);
    let commune = names.get(i).unwrap_or(ward_name).to_string();
    Ok(rank.zip(dti).map(|(rank, dti)| ProvinceRank { commune, rank, dti, communes: ranking.height() }))
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
    if let Some(m) = chosen(ix.par.as_ref(), period, "Chỉ số PAR", "Chỉ số cải cách hành chính", &mut out.absent)
        && let Some(appraisal) = ingested.table(Dataset::ParAppraisal)
    {
        score_par(m, appraisal, ingested, scorecard, config, period, &mut out)?;
    }
    if let Some(m) = chosen(ix.dti.as_ref(), period, "Chỉ số DTI", "Chỉ số chuyển đổi số", &mut out.absent)
        && let Some(assessment) = ingested.table(Dataset::DtiAssessment)
    {
        let input = dti_inputs(m, &config.settings.ward.of(period).name, assessment)?;
        let result = score_index(&input, m, None).context("chấm điểm DTI")?;
        out.dti = Some(Scored { method: m.clone(), result });
    }
    if let Some(ranking) = ingested.table(Dataset::DtiRanking) {
        // The ranking is yearly: it names the ward of the year's end (after 1/7/2025 the new
        // ward), so a month before a merger finds its ward there under its successor's name.
        let ward = &config.settings.ward;
        out.dti_rank = match province_rank(ranking, &ward.of(period).name)? {
            Some(r) => Some(r),
            None => match Period::year(period.year) {
                Some(year) => province_rank(ranking, &ward.of(year).name)?,
                None => None,
            },
        };
    }
    if let Some(m) = chosen(ix.ddci.as_ref(), period, "Chỉ số DDCI", "Chỉ số năng lực cạnh tranh", &mut out.absent)
        && let Some(survey) = ingested.table(Dataset::Ddci)
    {
        score_ddci(m, survey, period, &mut out)?;
    }
    match config.methodologies.plan_for(period) {
        Some(t) => {
            out.plan_targets =
                Some((format!("{} ({})", t.name, t.decision), targets_of(t, ingested, scorecard, config, period)?));
            out.plan = Some(t.plan.clone());
        }
        None => out.absent.push(Absent {
            sheet: "Chỉ tiêu kế hoạch",
            title: "Chỉ tiêu kế hoạch thi đua".into(),
            missing: crate::score::NO_METHOD,
            why: format!(
                "Không có kế hoạch thi đua (tệp chỉ tiêu) nào áp dụng cho {}: thêm tệp có valid_from, valid_to \
                 bao kỳ này vào config/methodology/.",
                period.label_vi()
            ),
        }),
    }
    Ok(out)
}

/// The version of a named index valid in the period; when the pipeline names one and no file
/// covers the period, why not, for the sheet and the command.
fn chosen<'a>(
    series: Option<&'a Series<IndexMethod>>,
    period: Period,
    sheet: &'static str,
    title: &str,
    absent: &mut Vec<Absent>,
) -> Option<&'a IndexMethod> {
    let series = series?;
    let found = series.for_period(period);
    if found.is_none() {
        absent.push(Absent {
            sheet,
            title: title.to_string(),
            missing: crate::score::NO_METHOD,
            why: format!(
                "Không có phương pháp \"{}\" nào áp dụng cho {} (đã có: {}): {} của kỳ này chưa được chấm. Thêm \
                 tệp phương pháp có valid_from, valid_to bao kỳ này vào config/methodology/.",
                series.name,
                period.label_vi(),
                series.spans(),
                title
            ),
        });
    }
    found
}

fn score_par(
    m: &IndexMethod,
    appraisal: &DataFrame,
    ingested: &Ingested,
    scorecard: &ServiceScorecard,
    config: &Config,
    period: Period,
    out: &mut IndexScores,
) -> Result<()> {
    // Only the units the appraisal rates are scored: a unit it does not rate (one that ended
    // before the appraised year's end) would otherwise get the points of its dossiers alone,
    // a score computed from nothing appraised.
    let rated: std::collections::HashSet<&str> = appraisal.column("unit_code")?.str()?.iter().flatten().collect();
    let (units, unappraised): (Vec<&crate::config::Unit>, Vec<&crate::config::Unit>) = config
        .registry
        .units
        .iter()
        .filter(|u| u.par_rated && u.valid_on(period.last_day()))
        .partition(|u| rated.contains(u.code.as_str()));
    out.par_unappraised = unappraised.iter().map(|u| u.name.clone()).collect();
    if units.is_empty() {
        out.absent.push(Absent {
            sheet: "Chỉ số PAR",
            title: "Chỉ số cải cách hành chính".into(),
            missing: crate::score::NO_APPRAISAL,
            why: format!(
                "Kết quả thẩm định Chỉ số cải cách hành chính đã nhận không chấm đơn vị nào đang hoạt động trong {} \
                 ({}): Chỉ số PAR của kỳ này không được tính.",
                period.label_vi(),
                out.par_unappraised.join(", ")
            ),
        });
        return Ok(());
    }
    let units: Vec<String> = units.iter().map(|u| u.code.clone()).collect();
    let input = par_inputs(m, &units, Some(appraisal), Some(&scorecard.scopes), ingested.table(Dataset::Documents))?;
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
    Ok(())
}

fn score_ddci(m: &IndexMethod, survey: &DataFrame, period: Period, out: &mut IndexScores) -> Result<()> {
    let input = ddci_inputs(m, survey)?;
    let latest = input.column("year")?.i32()?.iter().flatten().filter(|y| *y <= period.year).max();
    let Some(year) = latest else { return Ok(()) };
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
    Ok(())
}

/// The plan's targets over the units valid at the period's end.
fn targets_of(
    t: &crate::score::Targets,
    ingested: &Ingested,
    scorecard: &ServiceScorecard,
    config: &Config,
    period: Period,
) -> Result<DataFrame> {
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
    Ok(plan_targets(t, &facts)?)
}
