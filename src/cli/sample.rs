//! `thidua sample`: the sample generator fed from the ward's own configuration, so the
//! generated exports name exactly the units, officers and holidays the registry knows.

use std::path::Path;

use anyhow::Result;
use chrono::NaiveDate;

use crate::config::Config;
use crate::config::load_checked as load_config;
use crate::period::Period;
use crate::sample::{BenchShape, SampleCriterion, SampleIndices, SampleOptions, SampleUnit, SampleWard, generate};
use crate::score::{IndexKind, IndexMethod};
use crate::validity::Series;

/// The leaves of the ward's PAR, DTI and DDCI methodologies of the year, by source: the file
/// of each series that applies to the year (valid on 31/12, else the latest valid in it), as a
/// pipeline naming the series would choose. The PAR appraisal rates the units that exist at
/// the year's end (after the 2025 merger: Việt Hưng's).
fn sample_indices(config: &Config, year: i32, last: NaiveDate) -> SampleIndices {
    let period = Period::year(year).expect("valid year");
    let method = |series: &str| -> Option<IndexMethod> {
        Series::named(series, &config.methodologies.indices).and_then(|s| s.for_period(period).cloned())
    };
    let leaves = |m: Option<IndexMethod>, kind: IndexKind, source: Option<&str>| -> Vec<SampleCriterion> {
        m.filter(|m| m.kind == kind)
            .map(|m| {
                m.leaves()
                    .filter(|c| source.is_none_or(|s| c.source.as_deref() == Some(s)))
                    .map(|c| SampleCriterion { code: c.code.clone(), name: c.name.clone(), max_points: c.max_points })
                    .collect()
            })
            .unwrap_or_default()
    };
    SampleIndices {
        par_criteria: leaves(method("par-ward"), IndexKind::Par, Some("S5")),
        dti_indicators: leaves(method("dti-ward"), IndexKind::Dti, Some("S6")),
        ddci_components: leaves(method("ddci-qn"), IndexKind::Ddci, None),
        par_units: config
            .registry
            .units
            .iter()
            .filter(|u| u.par_rated && u.valid.contains(last))
            .map(|u| u.code.clone())
            .collect(),
    }
}

/// `shape`: how the benchmark CSV (`dossiers`) writes its dates, "flat" or "national".
pub(super) fn sample(
    config_path: &Path,
    out: &Path,
    seed: u64,
    year: i32,
    dossiers: Option<usize>,
    shape: &str,
    per_unit_month: usize,
) -> Result<()> {
    let bench_shape = match shape {
        "flat" => BenchShape::Flat,
        "national" => BenchShape::National,
        other => anyhow::bail!("--shape phải là flat hoặc national, không phải {other:?}"),
    };
    let config = load_config(config_path)?;
    let first = NaiveDate::from_ymd_opt(year, 1, 1).expect("valid year");
    let last = NaiveDate::from_ymd_opt(year, 12, 31).expect("valid year");
    let units = config
        .registry
        .units
        .iter()
        .filter(|u| u.valid.overlaps(first, last))
        .map(|u| SampleUnit {
            code: u.code.clone(),
            name: u.name.clone(),
            handles_dossiers: u.handles_dossiers,
            officers: config
                .registry
                .officers
                .iter()
                .filter(|o| o.unit == u.code && o.active.overlaps(first, last))
                .map(|o| o.id.clone())
                .collect(),
            valid: u.valid,
            successor: u.successor.clone(),
        })
        .collect();
    let ward = SampleWard {
        ward_name: config.settings.ward.short_name.clone(),
        agency_code: config.settings.ward.agency_code.clone().unwrap_or_else(|| "H15.50.05.13".into()),
        year,
        units,
        // Every known holiday: the last downloads of a year are made the next January.
        holidays: config.calendar.holidays().collect(),
        indices: Some(sample_indices(&config, year, last)),
    };
    let out_dir = if out.is_absolute() { out.to_path_buf() } else { std::env::current_dir()?.join(out) };
    let mut summary =
        generate(&ward, &SampleOptions { seed, out_dir: out_dir.clone(), dossiers, bench_shape, per_unit_month })?;
    if let Some(n) = dossiers.filter(|&n| crate::sample::communes(n) > 1) {
        summary.files.extend(crate::sample::province_registry(
            &config.registry,
            first,
            last,
            crate::sample::communes(n),
            &out_dir,
        )?);
    }
    println!("Đã sinh {} hồ sơ mẫu trong {} tệp:", summary.dossiers, summary.files.len());
    for f in &summary.files {
        println!("  {}", f.display());
    }
    Ok(())
}
