//! Property tests: the decoders and the export readers never panic, whatever the bytes.
//!
//! `cargo fuzz` needs nightly; proptest runs on stable inside `cargo test`. Inputs are
//! arbitrary bytes and, more usefully, valid exports (CSV in several encodings, a workbook,
//! JSON) with bytes flipped, inserted, deleted or cut off. An `Err` is a fine answer to a
//! broken file; a panic is not. `PROPTEST_CASES=20000 cargo test --lib ingest::properties` runs
//! a long campaign; by default each property runs a few dozen cases so `cargo test` stays
//! quick.

use std::collections::BTreeMap;
use std::path::Path;

use proptest::prelude::*;

use super::decode::{Encoding, decode_text, nfc};
use super::tabular::{Format, read};
use super::{Context, ingest};
use crate::config::{Diagnostics, Registry};
use crate::dataset::Dataset;
use crate::period::Period;
use crate::pull::{Content, Fetched};
use crate::pull::{Location, Source};

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

fn shipped_profiles() -> Vec<super::Profile> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut d = Diagnostics::default();
    let p = crate::config::load_profiles(root, &root.join("config/formats"), &mut d);
    assert!(d.is_empty(), "the shipped profiles load");
    p
}

fn registry() -> Registry {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tiny");
    let mut d = Diagnostics::default();
    let r = crate::config::load_registry(
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

/// Real text from exports: unit and people's names, statuses, procedures, headers.
const PHRASES: [&str; 24] = [
    "Bộ phận Tư pháp - Hộ tịch",
    "Nguyễn Thị Hương",
    "Bộ phận Địa chính - Xây dựng",
    "Trần Văn Đức",
    "Đã trả kết quả",
    "Đang xử lý",
    "Chứng thực bản sao",
    "Đăng ký khai sinh",
    "Lê Thị Thu Hằng",
    "Phạm Quốc Việt",
    "Bộ phận Lao động - Thương binh và Xã hội",
    "Trạm Y tế phường Giếng Đáy",
    "Mã hồ sơ",
    "Ngày tiếp nhận",
    "Trạng thái",
    "Số điện thoại",
    "Hỗ trợ chi phí mai táng",
    "Vũ Minh Yến",
    "Ngô Quang Nam",
    "Yêu cầu bổ sung",
    "Văn hóa - Thông tin",
    "Hoàng Thị Ngọc Ánh",
    "Đỗ Mạnh Hùng",
    "Xác nhận tình trạng hôn nhân",
];

fn encode_tcvn3(text: &str) -> Vec<u8> {
    let table: std::collections::HashMap<char, u8> = (0x80..=0xFFu8).map(|b| (super::decode::tcvn3(b), b)).collect();
    text.chars().map(|c| if c.is_ascii() { c as u8 } else { table[&c] }).collect()
}

/// Unicode (NFC) to VNI-Windows: base letter, then the byte for its marks.
fn encode_vni(text: &str) -> Vec<u8> {
    use unicode_normalization::UnicodeNormalization;
    let mut out = Vec::new();
    for ch in text.chars() {
        let d: Vec<char> = std::iter::once(ch).nfd().collect();
        let (base, marks) = (d[0], &d[1..]);
        let up = base.is_uppercase();
        let low = base.to_lowercase().next().unwrap();
        let tone = marks.iter().copied().find(|m| ['\u{300}', '\u{301}', '\u{309}', '\u{303}', '\u{323}'].contains(m));
        let tone_byte = |t: char| match t {
            '\u{300}' => 0xF8u8,
            '\u{301}' => 0xF9,
            '\u{309}' => 0xFB,
            '\u{303}' => 0xF5,
            _ => 0xEF,
        };
        let (letter, mark): (u8, Option<u8>) = if ch == 'đ' || ch == 'Đ' {
            (0xF1, None)
        } else if marks.contains(&'\u{31B}') {
            (if low == 'o' { 0xF4 } else { 0xF6 }, tone.map(tone_byte))
        } else if marks.contains(&'\u{302}') {
            let m = match tone {
                None => 0xE2,
                Some('\u{300}') => 0xE0,
                Some('\u{301}') => 0xE1,
                Some('\u{309}') => 0xE5,
                Some('\u{303}') => 0xE3,
                Some(_) => 0xE4,
            };
            (low as u8, Some(m))
        } else if marks.contains(&'\u{306}') {
            let m = match tone {
                None => 0xEA,
                Some('\u{300}') => 0xE8,
                Some('\u{301}') => 0xE9,
                Some('\u{309}') => 0xFA,
                Some('\u{303}') => 0xFC,
                Some(_) => 0xEB,
            };
            (low as u8, Some(m))
        } else if let Some(t) = tone.filter(|_| low == 'i') {
            let i = match t {
                '\u{300}' => 0xEC,
                '\u{301}' => 0xED,
                '\u{309}' => 0xE6,
                '\u{303}' => 0xF3,
                _ => 0xF2,
            };
            (i, None)
        } else if low == 'y' && tone == Some('\u{323}') {
            (0xEE, None)
        } else if let Some(t) = tone {
            (low as u8, Some(tone_byte(t)))
        } else {
            out.push(ch as u8);
            continue;
        };
        // Capitals: ASCII letters upper-cased, the VNI bytes above 0xC0 minus 0x20.
        let fix = |b: u8| {
            if !up {
                b
            } else if b.is_ascii() {
                b.to_ascii_uppercase()
            } else {
                b - 0x20
            }
        };
        out.push(fix(letter));
        out.extend(mark.map(fix));
    }
    out
}

/// Unicode to Windows-1258 as Windows writes it: the letter with its shape (â, ư, …)
/// precomposed, the tone as a combining byte.
fn encode_cp1258(text: &str) -> Vec<u8> {
    use unicode_normalization::UnicodeNormalization;
    let mut shaped = String::new();
    for ch in text.chars() {
        let d: Vec<char> = std::iter::once(ch).nfd().collect();
        let mut letter = d[0];
        for &m in &d[1..] {
            if ['\u{302}', '\u{306}', '\u{31B}'].contains(&m) {
                letter = unicode_normalization::char::compose(letter, m).expect("a Vietnamese letter");
            }
        }
        shaped.push(letter);
        shaped.extend(d[1..].iter().filter(|m| !['\u{302}', '\u{306}', '\u{31B}'].contains(m)));
    }
    let (bytes, _, errors) = encoding_rs::WINDOWS_1258.encode(&shaped);
    assert!(!errors, "{shaped}");
    bytes.into_owned()
}

proptest! {
    #![proptest_config(config(256))]

    /// A few cells of real Vietnamese text in a legacy encoding, even a single name, are
    /// recognised and read back.
    #[test]
    fn legacy_encodings_are_recognised_on_short_texts(
        picks in proptest::collection::vec(0..PHRASES.len(), 1..6),
        enc in 0..3usize,
        sep in prop_oneof![Just(","), Just(";"), Just("\n")],
    ) {
        let text: String = picks.iter().map(|&i| PHRASES[i]).collect::<Vec<_>>().join(sep);
        let (bytes, expected) = match enc {
            0 => (encode_tcvn3(&text), Encoding::Tcvn3),
            1 => (encode_vni(&text), Encoding::Vni),
            _ => (encode_cp1258(&text), Encoding::Windows1258),
        };
        let (decoded, found) = decode_text(&bytes);
        prop_assert_eq!(found, expected);
        prop_assert_eq!(decoded, text);
    }
}

/// Found by the property above: "Ngô Quang Nam" in VNI is "Ngoâ Quang Nam", whose bytes read
/// as TCVN3 gave "Ngoõ Quang Nam", which scored as well until "oo" was allowed only before
/// -ng and -c (xoong). On a true tie TCVN3 (the national standard) wins.
#[test]
fn a_vni_name_alone_is_not_taken_for_tcvn3() {
    let alone = encode_vni("Ngô Quang Nam");
    assert_eq!(decode_text(&alone), ("Ngô Quang Nam".to_string(), Encoding::Vni));
}
