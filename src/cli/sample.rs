//! `thidua sample`: the sample generator fed from the ward's own configuration, so the
//! generated exports name exactly the units, officers and holidays the registry knows.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
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
    // The ward as it was at the year's end (Giếng Đáy for 2024, Việt Hưng from 1/7/2025), as the
    // reports of that year name it; a ward with no one-stop code of its own yet keeps the code
    // of the ward it succeeded (the one-stop system's code of the new ward is not known).
    let period = Period::year(year).context("năm ngoài phạm vi")?;
    let of_year = config.settings.ward.of(period);
    let agency_code = std::iter::once(of_year)
        .chain(config.settings.ward.former.iter().rev().map(|(_, w)| w))
        .find_map(|w| w.agency_code.clone())
        .unwrap_or_else(|| "H15.50.05.13".into());
    let ward = SampleWard {
        ward_name: of_year.short_name.clone(),
        merged: config
            .settings
            .ward
            .former
            .iter()
            .filter(|(until, _)| *until < period.last_day())
            .map(|(_, w)| w.short_name.clone())
            .collect(),
        agency_code,
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
    if dossiers.is_none() {
        let today = chrono::Utc::now().with_timezone(&config.settings.ward.time_zone).date_naive();
        summary.files = drop_months_not_ended(summary.files, year, today)?;
    }
    println!("Đã sinh {} hồ sơ mẫu trong {} tệp:", summary.dossiers, summary.files.len());
    for f in &summary.files {
        println!("  {}", f.display());
    }
    Ok(())
}

/// A month's exports are downloaded after it ends: for a year in progress, the folders of the
/// months not ended by `today` (`…/<kind>/<yyyy-mm>/`) are removed with what they hold, so the
/// sample of 2026 made in December 2026 stops at November, as a ward's drop folder would. The
/// yearly files (PAR, DTI, DDCI, initiatives) stay: the year's draw is one, whatever the day.
fn drop_months_not_ended(files: Vec<PathBuf>, year: i32, today: NaiveDate) -> Result<Vec<PathBuf>> {
    let not_ended = |month: u32| Period::new(year, month).is_some_and(|p| p.last_day() >= today);
    let month_dir = |f: &Path| -> Option<PathBuf> {
        let dir = f.parent()?;
        let (y, m) = dir.file_name()?.to_str()?.split_once('-')?;
        (y.parse::<i32>().ok()? == year && m.parse::<u32>().is_ok_and(not_ended)).then(|| dir.to_path_buf())
    };
    let mut kept = Vec::new();
    let mut gone = std::collections::BTreeSet::new();
    for f in files {
        match month_dir(&f) {
            Some(dir) => {
                gone.insert(dir);
            }
            None => kept.push(f),
        }
    }
    for dir in &gone {
        std::fs::remove_dir_all(dir).with_context(|| format!("xóa {}", dir.display()))?;
    }
    if !gone.is_empty() {
        println!("Bỏ {} thư mục của các tháng chưa kết thúc (hôm nay {}).", gone.len(), today.format("%d/%m/%Y"));
    }
    Ok(kept)
}
