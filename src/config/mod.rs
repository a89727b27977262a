//! Configuration of the ward: settings, registries, holiday calendar, procedure catalogue.
//!
//! Spec types mirror the TOML files (`deny_unknown_fields`) and are checked into the
//! validated types below; only validated types reach the stages. Loading collects every
//! problem of every file (see [`diag`]) instead of stopping at the first.

mod calendar;
mod dates;
pub mod diag;
mod methodology;
mod procedures;
mod registry;
mod settings;

use std::path::{Path, PathBuf};

pub use calendar::Calendar;
pub use diag::{Diagnostics, Problem, SourceText};
pub use methodology::load_service_method;
pub use procedures::{Procedure, Procedures};
pub use registry::{Gender, Officer, Registry, Unit, UnitKind, name_key};
pub use settings::{Paths, Secret, Security, Settings, Smtp, Ward};

/// Everything about the ward that the pipelines need.
#[derive(Debug, Clone)]
pub struct Config {
    /// The project folder: the parent of the folder that holds `thidua.toml`.
    pub root: PathBuf,
    pub settings: Settings,
    pub registry: Registry,
    pub calendar: Calendar,
    pub procedures: Procedures,
}

/// The project root of a settings file at `<root>/config/thidua.toml`.
pub fn root_of(settings_path: &Path) -> PathBuf {
    let dir = settings_path.parent().unwrap_or(Path::new("."));
    let root = dir.parent().unwrap_or(Path::new("."));
    if root.as_os_str().is_empty() { PathBuf::from(".") } else { root.to_path_buf() }
}

/// Loads and checks the whole configuration. Returns the config only if there were no problems.
pub fn load(settings_path: &Path, diag: &mut Diagnostics) -> Option<Config> {
    let root = root_of(settings_path);
    let (src, spec) = diag.parse::<settings::SettingsSpec>(&root, settings_path)?;
    let settings = spec.check(&root, &src, diag)?;
    let p = &settings.paths;
    let registry = Registry::load(&root, &p.units, &p.officers, diag);
    let calendar = Calendar::load(&root, &p.holidays, diag);
    let procedures = Procedures::load(&root, &p.procedures, diag);
    diag.is_empty().then_some(Config { root, settings, registry, calendar, procedures })
}
