//! `thidua sample`: the sample generator fed from the ward's own configuration, so the
//! generated exports name exactly the units, officers and holidays the registry knows.

use std::path::Path;

use anyhow::Result;
use chrono::NaiveDate;

use crate::cli::load_config;
use crate::sample::{SampleOptions, SampleUnit, SampleWard, generate};

pub fn sample(
    config_path: &Path,
    out: &Path,
    seed: u64,
    year: i32,
    dossiers: Option<usize>,
    per_unit_month: usize,
) -> Result<()> {
    let config = load_config(config_path)?;
    let first = NaiveDate::from_ymd_opt(year, 1, 1).expect("valid year");
    let last = NaiveDate::from_ymd_opt(year, 12, 31).expect("valid year");
    let units = config
        .registry
        .units
        .iter()
        .filter(|u| u.valid_from <= last && u.valid_to.is_none_or(|to| to >= first))
        .map(|u| SampleUnit {
            code: u.code.clone(),
            name: u.name.clone(),
            handles_dossiers: u.handles_dossiers,
            officers: config
                .registry
                .officers
                .iter()
                .filter(|o| o.unit == u.code && o.active_from <= last && o.active_to.is_none_or(|to| to >= first))
                .map(|o| o.id.clone())
                .collect(),
        })
        .collect();
    let ward = SampleWard {
        ward_name: config.settings.ward.short_name.clone(),
        agency_code: config.settings.ward.agency_code.clone().unwrap_or_else(|| "H15.50.05.13".into()),
        year,
        units,
        // Every known holiday: the last downloads of a year are made the next January.
        holidays: config.calendar.holidays().collect(),
    };
    let out_dir = if out.is_absolute() { out.to_path_buf() } else { std::env::current_dir()?.join(out) };
    let summary = generate(&ward, &SampleOptions { seed, out_dir, dossiers, per_unit_month })?;
    println!("Đã sinh {} hồ sơ mẫu trong {} tệp:", summary.dossiers, summary.files.len());
    for f in &summary.files {
        println!("  {}", f.display());
    }
    Ok(())
}
