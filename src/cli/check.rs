//! `thidua check`: every problem of the configuration and the pipelines, as `file:line:
//! message`, and warnings about secrets files others can read and addresses still to fill in.
//!
//! One run reports every problem of every file: the configuration is loaded as far as it
//! goes ([`config::load_partial`]) and the pipelines, the facts and the award templates are
//! checked against what loaded, so a ward fixing its files does not learn of the pipelines'
//! problems only on the third run. A problem in one file can bring others with it (an
//! officer of a unit whose entry did not check): the first in the list is the one to fix.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::Result;
use chrono::{Datelike, Utc};

use crate::config::{self, Config, Diagnostics, Problem, SourceText};
use crate::outcome::{Failure, Tag};
use crate::pipeline;

pub(super) fn check(path: &Path) -> Result<()> {
    let mut diag = Diagnostics::default();
    let config = config::load_partial(path, &mut diag);
    let mut pipelines = Vec::new();
    if let Some(config) = &config {
        let files = pipeline::pipeline_files(&config.settings.paths.pipelines);
        for file in &files {
            pipelines.extend(pipeline::load_file(config, file, &mut diag));
        }
        check_facts(config, &mut diag);
        check_templates(config, &mut diag);
        check_holiday_years(config, &files, &mut diag);
    }
    let problems = distinct(diag.problems());
    if !problems.is_empty() {
        for p in &problems {
            eprintln!("{p}");
        }
        return Err(anyhow::anyhow!("{} vấn đề trong cấu hình", problems.len())).tag(Failure::Config);
    }
    let config = config.expect("no problems means loaded");
    for warning in secret_warnings(&config, &pipelines).into_iter().chain(example_addresses(path, &config, &pipelines))
    {
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

/// The ward's facts, one file per year.
fn check_facts(config: &Config, diag: &mut Diagnostics) {
    let targets: Vec<String> =
        config.methodologies.targets.iter().flat_map(|t| t.targets.iter().map(|x| x.code.clone())).collect();
    for year in facts_years(config) {
        config::load_facts(&config.root, &config.settings.paths.facts, year, &config.registry, &targets, diag);
    }
}

fn facts_years(config: &Config) -> Vec<i32> {
    let mut years: Vec<i32> = std::fs::read_dir(&config.settings.paths.facts)
        .map(|rd| rd.filter_map(Result::ok).filter_map(|e| e.path().file_stem()?.to_str()?.parse().ok()).collect())
        .unwrap_or_default();
    years.sort_unstable();
    years
}

/// The award templates are the ward's files: checked whenever they are there, even before a
/// pipeline that uses them loads (a year_end_awards pipeline checks them too, and wants them).
fn check_templates(config: &Config, diag: &mut Diagnostics) {
    let dir = config.settings.paths.templates.join("awards");
    if dir.is_dir() {
        crate::report::Templates::load_into(&config.root, &dir, diag);
    }
}

/// Working days need the year's holidays: this year's (every run in it counts them), and
/// every year a pipeline file or a facts file (`config/facts/<year>.toml`) names.
fn check_holiday_years(config: &Config, pipeline_files: &[std::path::PathBuf], diag: &mut Diagnostics) {
    let (root, holidays) = (&config.root, &config.settings.paths.holidays);
    let today = Utc::now().with_timezone(&config.settings.ward.time_zone);
    config.calendar.require_year(root, holidays, today.year(), diag);
    for file in pipeline_files {
        if let Ok(text) = std::fs::read_to_string(file) {
            let src = SourceText { shown: file.strip_prefix(root).unwrap_or(file).to_path_buf(), text };
            config.calendar.require_years_named(root, holidays, &src, diag);
        }
    }
    for year in facts_years(config) {
        if let Some(missing) = config.calendar.missing_year(root, holidays, year) {
            let file = config.settings.paths.facts.join(format!("{year}.toml"));
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            let at = text.find("year").unwrap_or(0);
            let src = SourceText { shown: file.strip_prefix(root).unwrap_or(&file).to_path_buf(), text };
            diag.at(&src, &(at..at), format!("dữ kiện khen thưởng năm {year}: {missing}"));
        }
    }
}

/// The problems in the order found, each once (the award templates are checked on their
/// own and again by a year_end_awards pipeline).
fn distinct(problems: &[Problem]) -> Vec<&Problem> {
    let mut seen = BTreeSet::new();
    problems.iter().filter(|p| seen.insert((&p.file, p.line, &p.message))).collect()
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

/// Addresses still in the reserved `.example` domain (the sample ward's, or the stand-ins
/// `thidua init` writes): mail to them reaches no one. A warning, not a problem, so that a
/// new ward checks clean before it has every address.
fn example_addresses(settings: &Path, config: &Config, pipelines: &[pipeline::Pipeline]) -> Option<String> {
    let shown = |p: &Path| p.strip_prefix(&config.root).unwrap_or(p).display().to_string();
    let is_example = |a: &lettre::Address| a.domain() == "example" || a.domain().ends_with(".example");
    let count = |addresses: &mut dyn Iterator<Item = &lettre::Address>| addresses.filter(|a| is_example(a)).count();
    let (paths, registry) = (&config.settings.paths, &config.registry);
    let mut places = vec![
        (shown(settings), usize::from(is_example(&config.settings.from.email))),
        (shown(&paths.units), count(&mut registry.units.iter().filter_map(|u| u.head_email.as_ref()))),
        (shown(&paths.officers), count(&mut registry.officers.iter().filter_map(|o| o.email.as_ref()))),
    ];
    for p in pipelines {
        let file = shown(&paths.pipelines.join(format!("{}.toml", p.id)));
        places.push((file, count(&mut p.to.iter().chain(&p.cc).map(|m| &m.email))));
    }
    places.retain(|(_, n)| *n > 0);
    let total: usize = places.iter().map(|(_, n)| n).sum();
    (total > 0).then(|| {
        let listed: Vec<String> = places.iter().map(|(f, n)| format!("{f} ({n})")).collect();
        format!(
            "lưu ý: {total} địa chỉ e-mail còn là địa chỉ mẫu (tên miền .example, thư gửi tới đó không tới ai): {}; \
             thay bằng địa chỉ thật trước khi gửi thư",
            listed.join(", ")
        )
    })
}
