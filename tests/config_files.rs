//! Every shipped configuration and pipeline file loads; a broken one is named with its line.

use thidua::config::{self, Diagnostics};
use thidua::pipeline;

use crate::common::{project, repo};

#[test]
fn shipped_config_and_every_pipeline_load() {
    let mut diag = Diagnostics::default();
    let config = config::load(&repo().join("config/thidua.toml"), &mut diag);
    assert!(diag.is_empty(), "{:#?}", diag.problems());
    let config = config.unwrap();
    assert!(config.registry.units.len() >= 20, "sections, police, health, front, mass organisations, quarters");
    assert!(config.calendar.has_year(2024));
    let files = pipeline::pipeline_files(&config.settings.paths.pipelines);
    assert!(!files.is_empty());
    for file in files {
        let p = pipeline::load_file(&config, &file, &mut diag);
        assert!(p.is_some() && diag.is_empty(), "{}: {:#?}", file.display(), diag.problems());
    }
}

#[test]
fn the_2024_holidays_are_the_plans() {
    let mut diag = Diagnostics::default();
    let config = config::load(&repo().join("config/thidua.toml"), &mut diag).unwrap();
    let days: Vec<String> = config
        .calendar
        .holidays()
        .filter(|d| d.to_string().starts_with("2024"))
        .map(|d| d.format("%d/%m").to_string())
        .collect();
    assert_eq!(
        days,
        [
            "01/01", "08/02", "09/02", "10/02", "11/02", "12/02", "13/02", "14/02", "18/04", "27/04", "28/04", "29/04",
            "30/04", "01/05", "31/08", "01/09", "02/09", "03/09"
        ]
    );
}

#[test]
fn successors_map_old_units_after_the_merger() {
    let mut diag = Diagnostics::default();
    let config = config::load(&repo().join("config/thidua.toml"), &mut diag).unwrap();
    let aug25 = chrono::NaiveDate::from_ymd_opt(2025, 8, 1).unwrap();
    let unit = config.registry.resolve("Bộ phận Tư pháp - Hộ tịch", aug25).unwrap();
    assert!(unit.code.starts_with("VH."), "{}", unit.code);
    for u in &config.registry.units {
        if u.valid.to.is_some() {
            assert!(u.successor.is_some(), "{} ends without a successor", u.code);
        }
    }
}

#[test]
fn every_problem_is_reported_with_file_and_line() {
    let dir = project("tiny");
    let units = dir.path().join("config/units.toml");
    let text = std::fs::read_to_string(&units).unwrap();
    // Line 2: a bad code is fine TOML; break a date and an e-mail further down instead.
    let broken = text.replacen("head_email = \"b@tiny.example\"", "head_email = \"not an address\"", 1).replacen(
        "valid_from = 2020-01-01\n\n[[unit]]\ncode = \"C\"",
        "valid_from = 2020-01-01T08:00:00\n\n[[unit]]\ncode = \"C\"",
        1,
    );
    std::fs::write(&units, broken).unwrap();
    let officers = dir.path().join("config/officers.toml");
    let text = std::fs::read_to_string(&officers).unwrap();
    std::fs::write(&officers, text.replacen("unit = \"B\"", "unit = \"ZZ\"", 1)).unwrap();
    let mut diag = Diagnostics::default();
    assert!(config::load(&dir.path().join("config/thidua.toml"), &mut diag).is_none());
    let shown: Vec<String> = diag.problems().iter().map(ToString::to_string).collect();
    assert!(shown.iter().any(|p| p.starts_with("config/units.toml:14:") && p.contains("not an address")), "{shown:#?}");
    assert!(shown.iter().any(|p| p.starts_with("config/units.toml:") && p.contains("valid_from")), "{shown:#?}");
    assert!(shown.iter().any(|p| p.starts_with("config/officers.toml:20:") && p.contains("\"ZZ\"")), "{shown:#?}");
}

#[test]
fn settings_that_do_not_parse_still_let_every_other_file_be_checked() {
    let dir = project("tiny");
    let settings = dir.path().join("config/thidua.toml");
    let text = std::fs::read_to_string(&settings).unwrap();
    std::fs::write(&settings, text.replace("[mail]\n", "[mail]\nfrom_name = \"Văn phòng\"\n")).unwrap();
    let officers = dir.path().join("config/officers.toml");
    let text = std::fs::read_to_string(&officers).unwrap();
    std::fs::write(&officers, text.replacen("unit = \"B\"", "unit = \"ZZ\"", 1)).unwrap();
    let mut diag = Diagnostics::default();
    let partial = config::load_partial(&settings, &mut diag);
    let shown: Vec<String> = diag.problems().iter().map(ToString::to_string).collect();
    assert!(shown.iter().any(|p| p.starts_with("config/thidua.toml:") && p.contains("from_name")), "{shown:#?}");
    // The [paths] of the file that did not parse are still followed: officers are checked.
    assert!(shown.iter().any(|p| p.starts_with("config/officers.toml:20:") && p.contains("\"ZZ\"")), "{shown:#?}");
    assert!(partial.is_some_and(|c| c.registry.units.len() == 5));
    let mut diag = Diagnostics::default();
    assert!(config::load(&settings, &mut diag).is_none(), "a command other than check refuses");
}
