//! `thidua check`: every problem of the configuration and the pipelines, as `file:line:
//! message`, and warnings about secrets files others can read.

use anyhow::Result;
use chrono::{Datelike, Utc};

use crate::config::{self, Config, Diagnostics};
use crate::outcome::{Failure, Tag};
use crate::pipeline;

pub(super) fn check(path: &std::path::Path) -> Result<()> {
    let mut diag = Diagnostics::default();
    let config = config::load(path, &mut diag);
    let mut pipelines = Vec::new();
    if let Some(config) = &config {
        for file in pipeline::pipeline_files(&config.settings.paths.pipelines) {
            pipelines.extend(pipeline::load_file(config, &file, &mut diag));
        }
        // The ward's facts, one file per year.
        let targets: Vec<String> =
            config.methodologies.targets.iter().flat_map(|t| t.targets.iter().map(|x| x.code.clone())).collect();
        let years: Vec<i32> = std::fs::read_dir(&config.settings.paths.facts)
            .map(|rd| rd.filter_map(Result::ok).filter_map(|e| e.path().file_stem()?.to_str()?.parse().ok()).collect())
            .unwrap_or_default();
        for year in years {
            config::load_facts(&config.root, &config.settings.paths.facts, year, &config.registry, &targets, &mut diag);
        }
        // This year's runs count working days with this year's holidays.
        let today = Utc::now().with_timezone(&config.settings.ward.time_zone);
        config.calendar.require_year(&config.root, &config.settings.paths.holidays, today.year(), &mut diag);
    }
    if !diag.is_empty() {
        for p in diag.problems() {
            eprintln!("{p}");
        }
        return Err(anyhow::anyhow!("{} vấn đề trong cấu hình", diag.problems().len())).tag(Failure::Config);
    }
    let config = config.expect("no problems means loaded");
    for warning in secret_warnings(&config, &pipelines) {
        eprintln!("{warning}");
    }
    println!(
        "Cấu hình hợp lệ: {} đơn vị, {} cán bộ, {} thủ tục, {} pipeline.",
        config.registry.units.len(),
        config.registry.officers.len(),
        config.procedures.iter().count(),
        pipelines.len()
    );
    Ok(())
}

/// Secrets files (the SMTP password, HTTP sources' tokens) that others than their owner
/// can read: a warning each, not a failure (the configuration itself is valid).
pub(super) fn secret_warnings(config: &Config, pipelines: &[pipeline::Pipeline]) -> Vec<String> {
    use crate::pull::http::Auth;
    let smtp = config.settings.smtp.iter().filter_map(|s| s.password.as_ref());
    let tokens = pipelines.iter().flat_map(|p| &p.sources).filter_map(|s| match &s.location {
        crate::pull::Location::Http(h) => match h.auth.as_ref()? {
            Auth::Bearer(secret) | Auth::Basic(_, secret) | Auth::Header(_, secret) => Some(secret),
        },
        crate::pull::Location::File { .. } => None,
    });
    let mut warnings: Vec<String> = smtp.chain(tokens).filter_map(|s| s.exposure(&config.root)).collect();
    warnings.dedup();
    warnings
}
