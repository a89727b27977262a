//! Valid exports (CSV in several encodings, a workbook, JSON) with bytes flipped, inserted,
//! deleted or cut off, through the whole of ingest with the shipped format profiles, in memory
//! and from disk: an `Err` is a fine answer to a broken file; a panic is not.
//! `PROPTEST_CASES=20000 cargo test --test integration properties` runs a long campaign.

use std::collections::BTreeMap;
use std::path::Path;

use proptest::prelude::*;
use thidua::config::{Diagnostics, Registry};
use thidua::dataset::Dataset;
use thidua::ingest::{Context, Format, ingest};
use thidua::period::Period;
use thidua::pull::{Content, Fetched, Location, Source};

fn config(default_cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(default_cases);
    ProptestConfig { cases, ..ProptestConfig::default() }
}

const CSV: &str = include_str!("fixtures/tiny/drop/2024-09/ho-so-thang-09.csv");

fn json_export() -> Vec<u8> {
    r#"[{"MaHoSo":"HS-1","DonViXuLy":"Bộ phận Tư pháp - Hộ tịch","NgayTiepNhan":"05/09/2024 08:00:00","NgayHenTra":"06/09/2024 17:00:00","TrangThaiHoSo":"Đang xử lý","SoLanYeuCauBoSung":0,"ChuHoSo":"Nguyễn Thị Hương"},{"MaHoSo":"HS-2","DonViXuLy":null,"NgayTiepNhan":"x"}]"#.as_bytes().to_vec()
}

fn xlsx_export() -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "DANH SÁCH HỒ SƠ").unwrap();
    for (r, line) in CSV.trim_start_matches('\u{FEFF}').lines().take(8).enumerate() {
        for (c, cell) in line.split(',').enumerate() {
            ws.write_string(r as u32 + 2, c as u16, cell).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

/// The valid exports that mutations start from, with their format.
fn seeds() -> Vec<(Vec<u8>, Format)> {
    let tcvn3: Vec<u8> =
        b"MaHoSo,DonViXuLy,NgayTiepNhan\nHS1,B\xe9 ph\xcbn T\xad ph\xb8p - H\xe9 t\xdech,05/09/2024\n".to_vec();
    let vni: Vec<u8> = b"MaHoSo;DonViXuLy;NgayTiepNhan\nHS1;Bo\xe4 pha\xe4n T\xf6 pha\xf9p;05/09/2024\n".to_vec();
    vec![
        (CSV.as_bytes().to_vec(), Format::Csv),
        (tcvn3, Format::Csv),
        (vni, Format::Csv),
        (xlsx_export(), Format::Excel),
        (json_export(), Format::Json),
    ]
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        (any::<usize>(), proptest::collection::vec(any::<u8>(), 1..16)).prop_map(|(i, v)| Mutation::Insert(i, v)),
        (any::<usize>(), 1usize..64).prop_map(|(i, n)| Mutation::Delete(i, n)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn mutate(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        let len = bytes.len().max(1);
        match m {
            Mutation::Flip(i, b) => {
                if let Some(x) = bytes.get_mut(i % len) {
                    *x ^= b | 1;
                }
            }
            Mutation::Insert(i, v) => {
                let at = i % (bytes.len() + 1);
                bytes.splice(at..at, v.iter().copied());
            }
            Mutation::Delete(i, n) => {
                let at = i % len;
                let end = (at + n).min(bytes.len());
                if at < end {
                    bytes.drain(at..end);
                }
            }
            Mutation::Truncate(i) => bytes.truncate(i % len),
        }
    }
    bytes
}

fn shipped_profiles() -> Vec<thidua::ingest::Profile> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut d = Diagnostics::default();
    let p = thidua::config::load_profiles(root, &root.join("config/formats"), &mut d);
    assert!(d.is_empty(), "the shipped profiles load");
    p
}

fn registry() -> Registry {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tiny");
    let mut d = Diagnostics::default();
    let r = thidua::config::load_registry(
        &root,
        &root.join("config/units.toml"),
        &root.join("config/officers.toml"),
        &mut d,
    );
    assert!(d.is_empty(), "the tiny registry loads");
    r
}

/// The export in memory, or on disk (where a dossier CSV takes the streaming path).
fn fetched(dataset: Dataset, name: &str, bytes: Vec<u8>, dir: Option<&Path>) -> Fetched {
    let source = Source {
        id: "fuzz".into(),
        dataset,
        location: Location::File { glob: "x".into() },
        required: true,
        profile: None,
        columns: BTreeMap::new(),
    };
    let period = Period::new(2024, 9).unwrap();
    let mut f = Fetched::from_bytes(source, name, &format!("drop/{name}"), period, bytes);
    if let (Some(dir), Content::Bytes(bytes)) = (dir, &f.content) {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        f.content = Content::File(path);
    }
    f
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn ingest_takes_mutated_exports(
        seed in 0..5usize,
        mutations in proptest::collection::vec(mutation(), 0..6),
        dataset in 0..3usize,
        on_disk in any::<bool>(),
    ) {
        let (bytes, format) = seeds().swap_remove(seed);
        let dataset = [Dataset::Dossiers, Dataset::Feedback, Dataset::ServiceIndex][dataset];
        let name = match format {
            Format::Csv => "x.csv",
            Format::Excel => "x.xlsx",
            Format::Json => "x.json",
        };
        let registry = registry();
        let profiles = shipped_profiles();
        let ctx = Context {
            registry: &registry,
            period: Period::new(2024, 9).unwrap(),
            now: chrono::NaiveDate::from_ymd_opt(2024, 10, 5).unwrap().and_hms_opt(8, 0, 0).unwrap(),
            tz: chrono_tz::Asia::Ho_Chi_Minh,
            profiles: &profiles,
            whole_file: false,
        };
        let dir = tempfile::tempdir().unwrap();
        let file = fetched(dataset, name, mutate(bytes, &mutations), on_disk.then_some(dir.path()));
        let _ = ingest(&[file], &ctx);
    }
}
