//! The store as other engines read it: one hive-partitioned dataset under `store/tables/`
//! (`grain=…/dataset=…/period=…`), where a scan of the whole folder counts every run's rows
//! once — the months once, and a year's table beside them, never mixed in.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::TimeZone;
use polars::prelude::*;
use thidua::config::load_checked as load_config;
use thidua::dataset::Dataset;
use thidua::period::Period;
use thidua::pipeline::{self, RunContext};
use thidua::store::Store;

use crate::common::{copy_dir, files_under, project, repo};

/// Rows per (grain, dataset, period).
type Counts = BTreeMap<(String, String, String), u32>;

/// A copy of the shipped configuration, pipelines and sample exports.
fn sample_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["config", "pipelines", "samples"] {
        copy_dir(&repo().join(sub), &dir.path().join(sub));
    }
    dir
}

fn grain(period: Period) -> &'static str {
    if period.is_year() { "year" } else { "month" }
}

/// What the store holds for one period, table by table through the store's own reader.
fn saved(store: &Store, period: Period) -> Counts {
    let mut out = Counts::new();
    for dataset in Dataset::ALL {
        if let Some(lf) = store.read_table(dataset, period).unwrap() {
            let rows = lf.collect().unwrap().height() as u32;
            out.insert((grain(period).into(), dataset.name().into(), period.to_string()), rows);
        }
    }
    out
}

/// The hive columns, as text: left to inference, `period=2024` would be a number and
/// `period=2024-10` a string.
fn hive_args() -> ScanArgsParquet {
    let keys = Schema::from_iter(["grain", "dataset", "period"].map(|k| Field::new(k.into(), DataType::String)));
    ScanArgsParquet {
        hive_options: HiveOptions { enabled: Some(true), schema: Some(Arc::new(keys)), ..HiveOptions::new_enabled() },
        ..Default::default()
    }
}

/// Rows per hive partition in one scan of `pattern`.
fn hive_counts(pattern: &Path) -> Counts {
    let lf = LazyFrame::scan_parquet(PlRefPath::new(pattern.to_str().unwrap()), hive_args()).unwrap();
    let df = lf
        .group_by([col("grain"), col("dataset"), col("period")])
        .agg([len().alias("rows")])
        .collect()
        .unwrap_or_else(|e| panic!("hive scan of {}: {e}", pattern.display()));
    let text = |name: &str| df.column(name).unwrap().str().unwrap().clone();
    let (g, d, p) = (text("grain"), text("dataset"), text("period"));
    let rows = df.column("rows").unwrap().cast(&DataType::UInt32).unwrap();
    let rows = rows.u32().unwrap();
    (0..df.height())
        .map(|i| {
            let key = |s: &StringChunked| s.get(i).unwrap().to_string();
            ((key(&g), key(&d), key(&p)), rows.get(i).unwrap())
        })
        .collect()
}

/// Every dataset under `tables/`, each in one hive scan of both grains, as another engine
/// would read them (one scan cannot hold them all: each dataset has its own columns).
fn whole_store(tables: &Path) -> Counts {
    let files = files_under(tables);
    let datasets: BTreeSet<String> = files
        .iter()
        .flat_map(|f| f.components().filter_map(|c| c.as_os_str().to_str()?.strip_prefix("dataset=").map(String::from)))
        .collect();
    let mut counts = Counts::new();
    for dataset in datasets {
        counts.extend(hive_counts(&tables.join(format!("*/dataset={dataset}/*/*.parquet"))));
    }
    assert_eq!(files.len(), counts.len(), "one file per partition, each scanned: {files:#?}");
    counts
}

#[test]
fn a_hive_scan_of_the_whole_store_counts_every_run_once() {
    let dir = sample_project();
    let config = load_config(&dir.path().join("config/thidua.toml")).unwrap();
    let paths = &config.settings.paths;
    let store = Store::new(&paths.archive, &paths.store);
    let tz = config.settings.ward.time_zone;
    let mut written = Counts::new();
    let mut dossiers_per_month = Vec::new();
    let runs = [
        ("monthly", Period::new(2024, 8).unwrap(), tz.with_ymd_and_hms(2024, 9, 3, 7, 0, 0).unwrap()),
        ("monthly", Period::new(2024, 9).unwrap(), tz.with_ymd_and_hms(2024, 10, 3, 7, 0, 0).unwrap()),
        ("monthly", Period::new(2024, 10).unwrap(), tz.with_ymd_and_hms(2024, 11, 3, 7, 0, 0).unwrap()),
        ("year_end_awards", Period::year(2024).unwrap(), tz.with_ymd_and_hms(2025, 1, 5, 7, 0, 0).unwrap()),
    ];
    for (id, period, now) in runs {
        let p = pipeline::load(&config, id).unwrap();
        let ctx = RunContext { config: &config, period, now, dry_run: false, resend: false };
        let summary = pipeline::run(&p, &ctx).unwrap_or_else(|e| panic!("{id} {period}: {e:#}"));
        let this_run = saved(&store, period);
        let dossiers = this_run[&(grain(period).to_string(), "dossiers".to_string(), period.to_string())];
        assert_eq!(dossiers as usize, summary.rows, "{id} {period}: the stored dossiers are the run's");
        if !period.is_year() {
            dossiers_per_month.push(dossiers);
        }
        written.extend(this_run);
    }
    assert!(written.len() > 8, "several datasets per run: {written:#?}");

    // Everything under tables/: each dataset (one schema) over both grains in one scan.
    let tables = dir.path().join("store/tables");
    assert_eq!(whole_store(&tables), written);

    // What DuckDB and Spark are told to read: one grain of one dataset, the months once each.
    let months = hive_counts(&tables.join("grain=month/dataset=dossiers/*/*.parquet"));
    assert_eq!(months.len(), 3, "{months:#?}");
    assert_eq!(months.values().sum::<u32>(), dossiers_per_month.iter().sum::<u32>());
    // The year's table is the whole year's dossiers again: apart, so nothing counts twice.
    let year = written[&("year".to_string(), "dossiers".to_string(), "2024".to_string())];
    assert!(dossiers_per_month.iter().all(|&m| year > m), "year {year}, months {dossiers_per_month:?}");
}

fn thidua(dir: &Path, args: &[&str]) -> std::process::Output {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_thidua")).current_dir(dir).args(args).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out
}

#[test]
fn a_store_in_the_old_layout_is_moved_once_and_said_so() {
    let dir = project("tiny");
    thidua(dir.path(), &["run", "monthly", "--period", "2024-09"]);
    // The store as the layout before hive partitions left it: `store/<dataset>/period=<p>/`,
    // with a year's table beside the month's.
    let store = dir.path().join("store");
    let month = store.join("tables/grain=month/dataset=dossiers/period=2024-09");
    let bytes = std::fs::read(month.join("data.parquet")).unwrap();
    std::fs::create_dir(store.join("dossiers")).unwrap();
    std::fs::rename(&month, store.join("dossiers/period=2024-09")).unwrap();
    copy_dir(&store.join("dossiers/period=2024-09"), &store.join("dossiers/period=2024"));
    std::fs::remove_dir_all(store.join("tables")).unwrap();

    // A dry run writes no table, so what is in the new layout afterwards was moved there.
    let out = thidua(dir.path(), &["run", "monthly", "--period", "2024-09", "--dry-run"]);
    let log = String::from_utf8_lossy(&out.stderr);
    for (period, grain) in [("2024-09", "month"), ("2024", "year")] {
        // Paths as the configuration gives them (relative to the project).
        let line = format!(
            "thidua: đã chuyển bảng dossiers kỳ {period} sang bố cục phân vùng mới: ./store/dossiers/period={period} \
             → ./store/tables/grain={grain}/dataset=dossiers/period={period}"
        );
        assert!(log.lines().any(|l| l == line), "{line}\n{log}");
    }
    assert_eq!(std::fs::read(month.join("data.parquet")).unwrap(), bytes);
    assert_eq!(
        std::fs::read(store.join("tables/grain=year/dataset=dossiers/period=2024/data.parquet")).unwrap(),
        bytes
    );
    assert!(!store.join("dossiers").exists(), "the old folder is gone");

    let again = thidua(dir.path(), &["run", "monthly", "--period", "2024-09", "--dry-run"]);
    assert!(!String::from_utf8_lossy(&again.stderr).contains("đã chuyển"), "moved once only");
}

#[test]
fn an_unreadable_earlier_month_stops_the_run_naming_the_file() {
    let dir = project("tiny");
    let august = dir.path().join("store/tables/grain=month/dataset=dossiers/period=2024-08/data.parquet");
    std::fs::create_dir_all(august.parent().unwrap()).unwrap();
    std::fs::write(&august, b"PAR1 cut short").unwrap();
    let config = load_config(&dir.path().join("config/thidua.toml")).unwrap();
    let p = pipeline::load(&config, "monthly").unwrap();
    let now = config.settings.ward.time_zone.with_ymd_and_hms(2024, 10, 5, 8, 0, 0).unwrap();
    let ctx = RunContext { config: &config, period: Period::new(2024, 9).unwrap(), now, dry_run: false, resend: false };
    let Err(err) = pipeline::run(&p, &ctx) else { panic!("August's trend point would be silently missing") };
    assert_eq!(thidua::outcome::exit_code(&err), std::process::ExitCode::from(7), "{err:#}");
    let shown = thidua::outcome::user_message(&err);
    assert!(shown.contains(&format!("không đọc được bảng đã lưu {}", august.display())), "{shown}");
    assert!(!dir.path().join("output").exists(), "nothing published");
}
