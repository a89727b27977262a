//! Configuration of the ward: settings, registries, holiday calendar, procedure catalogue.
//!
//! Spec types mirror the TOML files (`deny_unknown_fields`) and are checked into the
//! validated types below; only validated types reach the stages. Loading collects every
//! problem of every file (see [`diag`]) instead of stopping at the first.

mod awards;
mod calendar;
mod dates;
pub mod diag;
mod facts;
mod formats;
mod index_method;
mod methodology;
mod plan;
mod procedures;
mod registry;
mod settings;

use std::path::{Path, PathBuf};

pub use crate::registry::{Gender, Officer, Registry, Unit, UnitKind, name_key};
pub use awards::{COLLECTIVE_FACTS, INDIVIDUAL_FACTS, fact_of, load_award_rules, load_candidates};
pub use calendar::Calendar;
pub use diag::{Diagnostics, Problem, SourceText};
pub use facts::{Confirmation, OfficerFacts, TargetConfirmation, UnitFacts, VoteCount, WardFacts, load_facts};
pub use formats::load_profiles;
pub use index_method::load_index_method;
pub use methodology::load_service_method;
pub use plan::load_targets;
pub use procedures::{Procedure, Procedures};
pub use registry::load_registry;
pub use settings::{Paths, Security, Settings, Smtp, Ward};

/// Everything about the ward that the pipelines need.
#[derive(Debug, Clone)]
pub struct Config {
    /// The project folder: the parent of the folder that holds `thidua.toml`.
    pub root: PathBuf,
    pub settings: Settings,
    pub registry: Registry,
    pub calendar: Calendar,
    pub procedures: Procedures,
    pub methodologies: Methodologies,
    /// The format profiles of `config/formats/`: how each system's exports map onto the
    /// canonical datasets.
    pub formats: Vec<crate::ingest::Profile>,
}

/// Every methodology file of `config/methodology/`, by kind.
#[derive(Debug, Clone, Default)]
pub struct Methodologies {
    pub service: Vec<crate::score::ServiceMethod>,
    pub indices: Vec<crate::score::IndexMethod>,
    pub targets: Vec<crate::score::Targets>,
    pub awards: Vec<crate::score::AwardRules>,
}

impl Methodologies {
    /// Loads every `*.toml` in the folder, telling the kinds apart by their keys:
    /// `index` (an index tree), `indicator` (the service index), `target` (the plan's targets).
    pub fn load(root: &Path, dir: &Path, diag: &mut Diagnostics) -> Methodologies {
        let mut all = Methodologies::default();
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|rd| {
                rd.filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        for path in files {
            let shown = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
            let keys = std::fs::read_to_string(&path).ok().and_then(|t| t.parse::<toml::Table>().ok());
            match keys {
                Some(t) if t.contains_key("index") => all.indices.extend(load_index_method(root, &path, diag)),
                Some(t) if t.contains_key("indicator") => {
                    all.service.extend(methodology::load_service_method(root, &path, diag));
                }
                Some(t) if t.contains_key("target") => all.targets.extend(load_targets(root, &path, diag)),
                Some(t) if t.contains_key("level") => all.awards.extend(load_award_rules(root, &path, diag)),
                Some(_) => diag.file(&shown, "không nhận ra loại phương pháp: cần khóa index, indicator hoặc target"),
                // Unreadable or invalid TOML: let the parser report it with its line.
                None => drop(diag.parse::<toml::Table>(root, &path)),
            }
        }
        all
    }

    /// The emulation plan (targets file) that applies to the period: valid on its last day,
    /// or else the latest valid on some day of it.
    pub fn plan_for(&self, period: crate::period::Period) -> Option<&crate::score::Targets> {
        let mut plans: Vec<&crate::score::Targets> = self.targets.iter().collect();
        plans.sort_by_key(|t| std::cmp::Reverse(t.valid.from));
        plans
            .iter()
            .find(|t| t.valid.contains(period.last_day()))
            .or_else(|| plans.iter().find(|t| t.valid.meets(period)))
            .copied()
    }

    pub fn service(&self, id: &str) -> Option<&crate::score::ServiceMethod> {
        self.service.iter().find(|m| m.id == id)
    }

    pub fn index(&self, id: &str) -> Option<&crate::score::IndexMethod> {
        self.indices.iter().find(|m| m.id == id)
    }
}

/// The project root of a settings file at `<root>/config/thidua.toml`.
pub fn root_of(settings_path: &Path) -> PathBuf {
    let dir = settings_path.parent().unwrap_or(Path::new("."));
    let root = dir.parent().unwrap_or(Path::new("."));
    if root.as_os_str().is_empty() { PathBuf::from(".") } else { root.to_path_buf() }
}

/// Loads the configuration for a command, or fails with every problem listed (exit 3).
pub fn load_checked(settings_path: &Path) -> anyhow::Result<Config> {
    use crate::outcome::{Failure, Tag};
    let mut d = Diagnostics::default();
    let config = load(settings_path, &mut d);
    diag::into_result(d).tag(Failure::Config)?;
    anyhow::Context::context(config, "cấu hình không hợp lệ").tag(Failure::Config)
}

/// Loads and checks the whole configuration. Returns the config only if there were no problems.
pub fn load(settings_path: &Path, diag: &mut Diagnostics) -> Option<Config> {
    let config = load_partial(settings_path, diag)?;
    diag.is_empty().then_some(config)
}

/// Loads every file it can, whatever problems the others have, and records every problem:
/// `thidua check` goes on with it to the pipelines and the facts, so that one run lists them
/// all. A file with problems contributes what checked; settings that do not parse contribute
/// their `[paths]` (or the default folders). `None` only when the settings file cannot be
/// read. Not for running: a configuration with a problem is not valid ([`load`] refuses it).
pub fn load_partial(settings_path: &Path, diag: &mut Diagnostics) -> Option<Config> {
    let root = root_of(settings_path);
    let settings = match diag.parse::<settings::SettingsSpec>(&root, settings_path) {
        Some((src, spec)) => spec.check(&root, &src, diag),
        None => settings::stand_in(&root, &std::fs::read_to_string(settings_path).ok()?),
    };
    let p = &settings.paths;
    let registry = load_registry(&root, &p.units, &p.officers, diag);
    let calendar = Calendar::load(&root, &p.holidays, diag);
    let procedures = Procedures::load(&root, &p.procedures, diag);
    let methodologies = Methodologies::load(&root, &p.methodology, diag);
    let formats = load_profiles(&root, &p.formats, diag);
    Some(Config { root, settings, registry, calendar, procedures, methodologies, formats })
}
