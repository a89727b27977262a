//! Property tests: the decoders and the readers never panic, whatever the bytes, and a few
//! words in a legacy encoding are recognised.
//!
//! `cargo fuzz` needs nightly; proptest runs on stable inside `cargo test`. An `Err` is a fine
//! answer to a broken file; a panic is not. Valid exports with bytes flipped, inserted, deleted
//! or cut off go through the whole of ingest with the shipped profiles in the integration
//! tests (`tests/properties.rs`: they need the configuration loader, which sits above ingest).
//! `PROPTEST_CASES=20000 cargo test --lib ingest::properties` runs a long campaign; by default
//! each property runs a few dozen cases so `cargo test` stays quick.

use proptest::prelude::*;

use super::decode::{Encoding, decode_text, nfc};
use super::tabular::{Format, read};

fn known_header(t: &str) -> bool {
    ["MaHoSo", "DonViXuLy", "NgayTiepNhan", "Mã hồ sơ"].contains(&t)
}

fn config(default_cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(default_cases);
    ProptestConfig { cases, ..ProptestConfig::default() }
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
