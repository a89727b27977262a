//! Property tests: the decoders and the export readers never panic, whatever the bytes.
//!
//! `cargo fuzz` needs nightly; proptest runs on stable inside `cargo test`. Inputs are
//! arbitrary bytes and, more usefully, valid exports (CSV in several encodings, a workbook,
//! JSON) with bytes flipped, inserted, deleted or cut off. An `Err` is a fine answer to a
//! broken file; a panic is not. `PROPTEST_CASES=20000 cargo test --lib ingest::fuzz` runs
//! a long campaign; by default each property runs a few dozen cases so `cargo test` stays
//! quick.

use std::collections::BTreeMap;
use std::path::Path;

use proptest::prelude::*;

use super::decode::{Encoding, decode_text, nfc};
use super::tabular::{Format, read};
use super::{Context, Dataset, ingest};
use crate::config::{Diagnostics, Registry};
use crate::pipeline::{Location, Period, Source};
use crate::pull::Fetched;
use crate::store::Archived;

fn config(default_cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(default_cases);
    ProptestConfig { cases, ..ProptestConfig::default() }
}

const CSV: &str = include_str!("../../tests/fixtures/tiny/drop/2024-09/ho-so-thang-09.csv");

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

fn known_header(t: &str) -> bool {
    ["MaHoSo", "DonViXuLy", "NgayTiepNhan", "Mã hồ sơ"].contains(&t)
}

fn registry() -> Registry {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tiny");
    let mut d = Diagnostics::default();
    let r = Registry::load(&root, &root.join("config/units.toml"), &root.join("config/officers.toml"), &mut d);
    assert!(d.is_empty(), "the tiny registry loads");
    r
}

fn fetched(dataset: Dataset, name: &str, bytes: Vec<u8>) -> Fetched {
    Fetched {
        source: Source {
            id: "fuzz".into(),
            dataset,
            location: Location::File { glob: "x".into() },
            required: true,
            columns: BTreeMap::new(),
        },
        name: name.into(),
        archived: Archived {
            source: "fuzz".into(),
            dataset: dataset.name().into(),
            period: "2024-09".into(),
            origin: format!("drop/{name}"),
            fetched_at: String::new(),
            sha256: String::new(),
            bytes: bytes.len() as u64,
            stored: String::new(),
        },
        bytes,
    }
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn decode_text_takes_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let (text, enc) = decode_text(&bytes);
        let normal = nfc(&text).into_owned();
        prop_assert_eq!(normal.as_str(), text.as_str(), "the output is NFC");
        if let Ok(s) = std::str::from_utf8(&bytes) && !s.starts_with('\u{FEFF}') {
            prop_assert_eq!(enc, Encoding::Utf8);
            let normal = nfc(s).into_owned();
            prop_assert_eq!(text.as_str(), normal.as_str());
        }
    }

    #[test]
    fn decode_text_takes_8bit_vietnamese_text(
        bytes in proptest::collection::vec(prop_oneof![0x20u8..0x7F, 0xA0u8..=0xFF, Just(b'\n')], 0..256)
    ) {
        let (text, _) = decode_text(&bytes);
        // One byte is at most one letter and two combining marks; NFC only shortens.
        prop_assert!(text.chars().count() <= 3 * bytes.len());
    }
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn readers_take_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048), format in 0..3usize) {
        let format = [Format::Csv, Format::Excel, Format::Json][format];
        let _ = read(&bytes, format, &known_header);
    }

    #[test]
    fn readers_take_mutated_exports(
        seed in 0..5usize,
        mutations in proptest::collection::vec(mutation(), 1..6),
    ) {
        let (bytes, format) = seeds().swap_remove(seed);
        let _ = read(&mutate(bytes, &mutations), format, &known_header);
    }

    #[test]
    fn ingest_takes_mutated_exports(
        seed in 0..5usize,
        mutations in proptest::collection::vec(mutation(), 0..6),
        dataset in 0..3usize,
    ) {
        let (bytes, format) = seeds().swap_remove(seed);
        let dataset = [Dataset::Dossiers, Dataset::Feedback, Dataset::ServiceIndex][dataset];
        let name = match format {
            Format::Csv => "x.csv",
            Format::Excel => "x.xlsx",
            Format::Json => "x.json",
        };
        let registry = registry();
        let ctx = Context {
            registry: &registry,
            period: Period::new(2024, 9).unwrap(),
            now: chrono::NaiveDate::from_ymd_opt(2024, 10, 5).unwrap().and_hms_opt(8, 0, 0).unwrap(),
        };
        let _ = ingest(&[fetched(dataset, name, mutate(bytes, &mutations))], &ctx);
    }
}
