//! Bytes from another system to NFC-normalised UTF-8 text.
//!
//! Polars reads UTF-8 only, and Vietnamese text arrives as UTF-8 (with or without BOM),
//! UTF-16 (Excel's "Unicode text"), Windows-1258, whose tone marks are combining
//! characters, or one of the legacy font encodings still used by older ward software:
//! TCVN3 (the "ABC" .VnTime fonts, one byte per letter) and VNI-Windows (a base letter
//! followed by a byte for its marks). Everything is transcoded and NFC-normalised here,
//! once, so that a unit name typed on two machines compares equal everywhere downstream.
//!
//! The three 8-bit encodings decode any byte, so which one a file is in is a judgement:
//! each is tried and the one whose non-ASCII words are most often well-formed Vietnamese
//! syllables (one tone mark at most, a known vowel cluster between a known initial and
//! final consonant) wins, Windows-1258 on a tie. A file whose lines are partly UTF-8 and
//! partly 8-bit (rows pasted in from another export) is decoded line by line.

use std::borrow::Cow;

use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1252, WINDOWS_1258};
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// The encoding a text file was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16,
    Windows1258,
    /// TCVN 5712 (VN3), the "ABC" encoding of the .VnTime fonts.
    Tcvn3,
    /// VNI-Windows: base letters followed by mark bytes.
    Vni,
    /// UTF-8 lines mixed with lines in an 8-bit encoding (the one given).
    Mixed(Legacy),
}

/// The 8-bit encodings a non-UTF-8 file may be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Legacy {
    Windows1258,
    Tcvn3,
    Vni,
}

impl Legacy {
    const ALL: [Legacy; 3] = [Legacy::Windows1258, Legacy::Tcvn3, Legacy::Vni];

    fn decode(self, bytes: &[u8]) -> String {
        match self {
            Legacy::Windows1258 => WINDOWS_1258.decode_without_bom_handling(bytes).0.into_owned(),
            Legacy::Tcvn3 => bytes.iter().map(|&b| tcvn3(b)).collect(),
            Legacy::Vni => decode_vni(bytes),
        }
    }

    fn encoding(self) -> Encoding {
        match self {
            Legacy::Windows1258 => Encoding::Windows1258,
            Legacy::Tcvn3 => Encoding::Tcvn3,
            Legacy::Vni => Encoding::Vni,
        }
    }
}

impl Encoding {
    pub fn label(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 (BOM)",
            Encoding::Utf16 => "UTF-16",
            Encoding::Windows1258 => "Windows-1258",
            Encoding::Tcvn3 => "TCVN3 (ABC)",
            Encoding::Vni => "VNI-Windows",
            Encoding::Mixed(Legacy::Windows1258) => "UTF-8 lẫn Windows-1258",
            Encoding::Mixed(Legacy::Tcvn3) => "UTF-8 lẫn TCVN3 (ABC)",
            Encoding::Mixed(Legacy::Vni) => "UTF-8 lẫn VNI-Windows",
        }
    }
}

/// Decodes a text export. Bytes that are not valid UTF-8 are read in the 8-bit Vietnamese
/// encoding they most plausibly are (every byte maps to something, so nothing is lost).
pub fn decode_text(bytes: &[u8]) -> (String, Encoding) {
    let (text, enc): (Cow<'_, str>, Encoding) = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        (String::from_utf8_lossy(rest), Encoding::Utf8Bom)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        (UTF_16LE.decode_without_bom_handling(rest).0, Encoding::Utf16)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        (UTF_16BE.decode_without_bom_handling(rest).0, Encoding::Utf16)
    } else {
        match std::str::from_utf8(bytes) {
            Ok(s) => (Cow::Borrowed(s), Encoding::Utf8),
            Err(_) => {
                let (text, enc) = decode_8bit(bytes);
                (Cow::Owned(text), enc)
            }
        }
    };
    (nfc(&text).into_owned(), enc)
}

/// Not UTF-8 as a whole: either every line is in one 8-bit encoding, or some lines are
/// UTF-8 with Vietnamese letters and the rest are 8-bit.
fn decode_8bit(bytes: &[u8]) -> (String, Encoding) {
    let lines: Vec<&[u8]> = bytes.split_inclusive(|&b| b == b'\n').collect();
    let utf8_vietnamese = lines.iter().any(|l| !l.is_ascii() && std::str::from_utf8(l).is_ok());
    if !utf8_vietnamese {
        let legacy = detect_legacy(bytes);
        return (legacy.decode(bytes), legacy.encoding());
    }
    let legacy_lines: Vec<u8> =
        lines.iter().filter(|l| std::str::from_utf8(l).is_err()).flat_map(|l| l.iter().copied()).collect();
    let legacy = detect_legacy(&legacy_lines);
    let text = lines
        .iter()
        .map(|l| match std::str::from_utf8(l) {
            Ok(s) => s.to_string(),
            Err(_) => legacy.decode(l),
        })
        .collect();
    (text, Encoding::Mixed(legacy))
}

/// A workbook cell typed in a legacy font (.VnTime, VNI-Times): Excel keeps the font's bytes
/// as the Windows-1252 characters they are, so "Bộ phận" reads "Bé phËn". The cell is judged
/// on its own (a workbook mixes Unicode and legacy cells): re-read as TCVN3 or VNI, it is
/// taken only when it then reads as Vietnamese strictly better than as it was.
pub(super) fn repair_cell(s: &str) -> Option<String> {
    if s.is_ascii() {
        return None;
    }
    let (bytes, _, unmappable) = WINDOWS_1252.encode(s);
    if unmappable {
        return None;
    }
    let mut best = (plausibility(s).max(0), None);
    for legacy in [Legacy::Tcvn3, Legacy::Vni] {
        let decoded = nfc(&legacy.decode(&bytes)).into_owned();
        let score = plausibility(&decoded);
        if score > best.0 {
            best = (score, Some(decoded));
        }
    }
    best.1
}

/// Bytes enough to tell the encodings apart: a large export is judged by its beginning.
const DETECT_BYTES: usize = 256 * 1024;

/// The 8-bit encoding under which the bytes read most like Vietnamese.
fn detect_legacy(bytes: &[u8]) -> Legacy {
    let sample = &bytes[..bytes.len().min(DETECT_BYTES)];
    let mut best = (i64::MIN, Legacy::Windows1258);
    for legacy in Legacy::ALL {
        let score = plausibility(&legacy.decode(sample));
        // Strictly better only: on a tie the earlier (Windows-1258, then TCVN3) stays.
        if score > best.0 {
            best = (score, legacy);
        }
    }
    best.1
}

/// A cell's text for every output: NFC, with control characters (NUL, ESC, BEL, …) removed
/// except line breaks and tabs. Without copying when there is nothing to change.
pub(super) fn clean(s: &str) -> Cow<'_, str> {
    let controls = s.chars().any(|c| c.is_control() && c != '\n' && c != '\t');
    match (nfc(s), controls) {
        (text, false) => text,
        (text, true) => Cow::Owned(text.chars().filter(|c| !c.is_control() || *c == '\n' || *c == '\t').collect()),
    }
}

/// NFC form of a string, without copying when it already is (the common case).
pub fn nfc(s: &str) -> Cow<'_, str> {
    if s.is_ascii() || is_nfc_quick(s.chars()) == IsNormalized::Yes {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.nfc().collect())
    }
}

/// TCVN 5712 bytes 0x80..=0xFF. Checked against glibc's TCVN5712-1 converter, byte by byte
/// (`iconv -f TCVN5712-1`); 0xB0..=0xB4 are the combining tone marks, which NFC composes.
pub const TCVN3_HIGH: [char; 128] = [
    '\u{00C0}', '\u{1EA2}', '\u{00C3}', '\u{00C1}', '\u{1EA0}', '\u{1EB6}', '\u{1EAC}', '\u{00C8}', // 0x80
    '\u{1EBA}', '\u{1EBC}', '\u{00C9}', '\u{1EB8}', '\u{1EC6}', '\u{00CC}', '\u{1EC8}', '\u{0128}', // 0x88
    '\u{00CD}', '\u{1ECA}', '\u{00D2}', '\u{1ECE}', '\u{00D5}', '\u{00D3}', '\u{1ECC}', '\u{1ED8}', // 0x90
    '\u{1EDC}', '\u{1EDE}', '\u{1EE0}', '\u{1EDA}', '\u{1EE2}', '\u{00D9}', '\u{1EE6}', '\u{0168}', // 0x98
    '\u{00A0}', '\u{0102}', '\u{00C2}', '\u{00CA}', '\u{00D4}', '\u{01A0}', '\u{01AF}', '\u{0110}', // 0xA0
    '\u{0103}', '\u{00E2}', '\u{00EA}', '\u{00F4}', '\u{01A1}', '\u{01B0}', '\u{0111}', '\u{1EB0}', // 0xA8
    '\u{0300}', '\u{0309}', '\u{0303}', '\u{0301}', '\u{0323}', '\u{00E0}', '\u{1EA3}', '\u{00E3}', // 0xB0
    '\u{00E1}', '\u{1EA1}', '\u{1EB2}', '\u{1EB1}', '\u{1EB3}', '\u{1EB5}', '\u{1EAF}', '\u{1EB4}', // 0xB8
    '\u{1EAE}', '\u{1EA6}', '\u{1EA8}', '\u{1EAA}', '\u{1EA4}', '\u{1EC0}', '\u{1EB7}', '\u{1EA7}', // 0xC0
    '\u{1EA9}', '\u{1EAB}', '\u{1EA5}', '\u{1EAD}', '\u{00E8}', '\u{1EC2}', '\u{1EBB}', '\u{1EBD}', // 0xC8
    '\u{00E9}', '\u{1EB9}', '\u{1EC1}', '\u{1EC3}', '\u{1EC5}', '\u{1EBF}', '\u{1EC7}', '\u{00EC}', // 0xD0
    '\u{1EC9}', '\u{1EC4}', '\u{1EBE}', '\u{1ED2}', '\u{0129}', '\u{00ED}', '\u{1ECB}', '\u{00F2}', // 0xD8
    '\u{1ED4}', '\u{1ECF}', '\u{00F5}', '\u{00F3}', '\u{1ECD}', '\u{1ED3}', '\u{1ED5}', '\u{1ED7}', // 0xE0
    '\u{1ED1}', '\u{1ED9}', '\u{1EDD}', '\u{1EDF}', '\u{1EE1}', '\u{1EDB}', '\u{1EE3}', '\u{00F9}', // 0xE8
    '\u{1ED6}', '\u{1EE7}', '\u{0169}', '\u{00FA}', '\u{1EE5}', '\u{1EEB}', '\u{1EED}', '\u{1EEF}', // 0xF0
    '\u{1EE9}', '\u{1EF1}', '\u{1EF3}', '\u{1EF7}', '\u{1EF9}', '\u{00FD}', '\u{1EF5}', '\u{1ED0}', // 0xF8
];

pub(super) fn tcvn3(b: u8) -> char {
    if b < 0x80 { char::from(b) } else { TCVN3_HIGH[usize::from(b - 0x80)] }
}

/// What a VNI-Windows byte above 0x7F stands for: marks that follow their base letter (as
/// combining characters, composed by NFC), or a letter of its own. From the VNI-Windows
/// font layout: the mark bytes of capitals are those of small letters minus 0x20.
fn vni_high(b: u8) -> Option<&'static str> {
    if b < 0xC0 {
        return None;
    }
    let lower = b | 0x20;
    let upper = b < 0xE0;
    Some(match lower {
        0xF8 => "\u{300}",        // ø: huyền
        0xF9 => "\u{301}",        // ù: sắc
        0xFB => "\u{309}",        // û: hỏi
        0xF5 => "\u{303}",        // õ: ngã
        0xEF => "\u{323}",        // ï: nặng
        0xE2 => "\u{302}",        // â: the circumflex of â, ê, ô
        0xEA => "\u{306}",        // ê: the breve of ă
        0xE0 => "\u{302}\u{300}", // à: ầ ề ồ
        0xE1 => "\u{302}\u{301}", // á: ấ ế ố
        0xE5 => "\u{302}\u{309}", // å: ẩ ể ổ
        0xE3 => "\u{302}\u{303}", // ã: ẫ ễ ỗ
        0xE4 => "\u{302}\u{323}", // ä: ậ ệ ộ
        0xE8 => "\u{306}\u{300}", // è: ằ
        0xE9 => "\u{306}\u{301}", // é: ắ
        0xFA => "\u{306}\u{309}", // ú: ẳ
        0xFC => "\u{306}\u{303}", // ü: ẵ
        0xEB => "\u{306}\u{323}", // ë: ặ
        0xF4 if upper => "Ơ",
        0xF4 => "ơ",
        0xF6 if upper => "Ư",
        0xF6 => "ư",
        0xF1 if upper => "Đ",
        0xF1 => "đ",
        0xEC if upper => "Ì",
        0xEC => "ì",
        0xED if upper => "Í",
        0xED => "í",
        0xE6 if upper => "Ỉ",
        0xE6 => "ỉ",
        0xF3 if upper => "Ĩ",
        0xF3 => "ĩ",
        0xF2 if upper => "Ị",
        0xF2 => "ị",
        0xEE if upper => "Ỵ",
        0xEE => "ỵ",
        _ => return None,
    })
}

/// VNI-Windows to Unicode (not yet NFC). Bytes VNI leaves alone are Windows-1252.
fn decode_vni(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for (i, &b) in bytes.iter().enumerate() {
        match vni_high(b) {
            Some(s) => out.push_str(s),
            None if b < 0x80 => out.push(char::from(b)),
            None => out.push_str(&WINDOWS_1252.decode_without_bom_handling(&bytes[i..=i]).0),
        }
    }
    out
}

/// How Vietnamese a decoded text reads: +1 for each word with a non-ASCII letter that is a
/// well-formed syllable, −1 for each that is not and for each stray Latin-1 symbol
/// (`¸ ª µ ¶`, what TCVN3 letters look like when read as a code page).
fn plausibility(text: &str) -> i64 {
    let nfd: String = text.nfd().collect();
    let mut score = 0;
    for word in nfd.split(|c: char| !(c.is_alphabetic() || is_mark(c))) {
        if !word.is_ascii() {
            score += if syllable(word) { 1 } else { -1 };
        }
    }
    score
        - nfd.chars().filter(|c| ('\u{A1}'..='\u{BF}').contains(c) || ('\u{80}'..='\u{9F}').contains(c)).count() as i64
}

fn is_mark(c: char) -> bool {
    ('\u{300}'..='\u{36F}').contains(&c)
}

const TONES: [char; 5] = ['\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}'];
const INITIALS: [&str; 27] = [
    "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr", "b", "c", "d", "đ", "g", "h", "k", "l", "m",
    "n", "p", "r", "s", "t", "v", "x",
];
const FINALS: [&str; 9] = ["", "c", "ch", "m", "n", "ng", "nh", "p", "t"];
const NUCLEI: [&str; 52] = [
    "a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia",
    "iê", "iu", "oa", "oă", "oe", "oi", "oo", "ôi", "ơi", "ua", "uâ", "uê", "ui", "uô", "uơ", "uy", "ưa", "ưi", "ươ",
    "ưu", "yê", "iêu", "oai", "oao", "oay", "oeo", "uây", "uôi", "ươi", "ươu", "yêu",
];
const EXTRA_NUCLEI: [&str; 3] = ["uya", "uyê", "uyu"];

/// Is a word (NFD) one Vietnamese syllable: at most one tone, letters with only the marks
/// Vietnamese gives them, an initial, a known vowel cluster and a final consonant?
fn syllable(word: &str) -> bool {
    let mut bare = String::new();
    let mut tones = 0;
    for c in word.chars().flat_map(char::to_lowercase) {
        if TONES.contains(&c) {
            tones += 1;
        } else if is_mark(c) {
            let letter = match (bare.pop(), c) {
                (Some('a'), '\u{302}') => 'â',
                (Some('e'), '\u{302}') => 'ê',
                (Some('o'), '\u{302}') => 'ô',
                (Some('a'), '\u{306}') => 'ă',
                (Some('o'), '\u{31B}') => 'ơ',
                (Some('u'), '\u{31B}') => 'ư',
                _ => return false,
            };
            bare.push(letter);
        } else {
            bare.push(c);
        }
    }
    if tones > 1 || !bare.chars().all(|c| c.is_ascii_lowercase() || "ăâêôơưđ".contains(c)) {
        return false;
    }
    // "oo" only comes before -ng or -c (xoong, soóc): "ngoõ" is not Vietnamese, "ngô" is.
    let nucleus_ok =
        |n: &str, f: &str| (NUCLEI.contains(&n) || EXTRA_NUCLEI.contains(&n)) && (n != "oo" || f == "ng" || f == "c");
    let rest_ok = |rest: &str| FINALS.iter().any(|f| rest.strip_suffix(f).is_some_and(|n| nucleus_ok(n, f)));
    rest_ok(&bare) || INITIALS.iter().any(|i| bare.strip_prefix(i).is_some_and(rest_ok))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A text as a workbook typed in .VnTime stores it: TCVN3 bytes read as Windows-1252.
    fn as_vntime_cell(text: &str) -> String {
        let bytes: Vec<u8> =
            text.chars()
                .map(|c| {
                    if c.is_ascii() { c as u8 } else { (0x80..=0xFF).find(|&b| tcvn3(b) == c).expect("a TCVN3 letter") }
                })
                .collect();
        WINDOWS_1252.decode_without_bom_handling(&bytes).0.into_owned()
    }

    #[test]
    fn a_vntime_cell_is_read_back_and_unicode_cells_stay() {
        for name in ["Bộ phận Tư pháp - Hộ tịch", "Bộ phận Địa chính - Xây dựng", "Nguyễn Thị Hương"]
        {
            let cell = as_vntime_cell(name);
            assert_ne!(cell, name);
            assert_eq!(repair_cell(&cell).as_deref(), Some(name), "{cell}");
            assert_eq!(repair_cell(name), None, "Unicode Vietnamese is left alone: {name}");
        }
        for plain in ["Hà Nam", "Cà Mau", "Tô", "Café"] {
            assert_eq!(repair_cell(plain), None, "{plain}");
        }
    }

    #[test]
    fn windows_1258_and_bom_decode_to_nfc() {
        // "Hộ tịch" in Windows-1258: ô is precomposed (0xF4), the dot below is combining (0xF2).
        let cp1258 = b"H\xF4\xF2 ti\xF2ch";
        let (text, enc) = decode_text(cp1258);
        assert_eq!(enc, Encoding::Windows1258);
        assert_eq!(text, "Hộ tịch");
        let (text, enc) = decode_text("\u{FEFF}Mã hồ sơ".as_bytes());
        assert_eq!((text.as_str(), enc), ("Mã hồ sơ", Encoding::Utf8Bom));
        let nfd: String = "Địa chính".nfd().collect();
        assert_eq!(decode_text(nfd.as_bytes()).0, "Địa chính");
    }

    fn decoded(bytes: &[u8]) -> (String, Encoding) {
        decode_text(bytes)
    }

    #[test]
    fn tcvn3_is_detected_and_converted() {
        // Bytes from glibc (`iconv -t TCVN5712-1`), not from our own table.
        let unit = b"B\xe9 ph\xcbn T\xad ph\xb8p - H\xe9 t\xdech";
        assert_eq!(decoded(unit), ("Bộ phận Tư pháp - Hộ tịch".into(), Encoding::Tcvn3));
        let name = b"Nguy\xd4n Th\xde H\xad\xacng";
        assert_eq!(decoded(name), ("Nguyễn Thị Hương".into(), Encoding::Tcvn3));
        let header = b"M\xb7 h\xe5 s\xac,\xa7\xacn v\xde x\xf6 l\xfd,Ng\xb5y ti\xd5p nh\xcbn,Tr\xb9ng th\xb8i\n";
        assert_eq!(decoded(header).0, "Mã hồ sơ,Đơn vị xử lý,Ngày tiếp nhận,Trạng thái\n");
        // The combining tone bytes 0xB0..=0xB4 compose with the letter before them.
        assert_eq!(decoded(b"Ho\xb3a \xae\xacn").0, "Hóa đơn");
    }

    #[test]
    fn vni_windows_is_detected_and_converted() {
        let unit = b"Bo\xe4 pha\xe4n T\xf6 pha\xf9p - Ho\xe4 t\xf2ch";
        assert_eq!(decoded(unit), ("Bộ phận Tư pháp - Hộ tịch".into(), Encoding::Vni));
        let name = b"Nguye\xe3n Th\xf2 H\xf6\xf4ng";
        assert_eq!(decoded(name), ("Nguyễn Thị Hương".into(), Encoding::Vni));
        // Capitals: the mark bytes minus 0x20, and Đ, Ơ, Ị of their own.
        assert_eq!(decoded(b"\xd1\xd4N V\xd2 X\xd6\xdb LY\xd9").0, "ĐƠN VỊ XỬ LÝ");
        assert_eq!(decoded(b"Tra\xefng tha\xf9i,Nga\xf8y tie\xe1p nha\xe4n").0, "Trạng thái,Ngày tiếp nhận");
    }

    #[test]
    fn windows_1258_stays_windows_1258() {
        // glibc's CP1258 bytes: base letters with combining tone bytes.
        let unit = b"B\xf4\xf2 ph\xe2\xf2n T\xfd ph\xe1p - H\xf4\xf2 ti\xf2ch";
        assert_eq!(decoded(unit), ("Bộ phận Tư pháp - Hộ tịch".into(), Encoding::Windows1258));
        let name = b"Nguy\xea\xden Thi\xf2 H\xfd\xf5ng";
        assert_eq!(decoded(name), ("Nguyễn Thị Hương".into(), Encoding::Windows1258));
    }

    #[test]
    fn utf8_lines_mixed_with_8bit_lines_are_decoded_line_by_line() {
        let mut bytes = "MaHoSo,DonViXuLy\nHS1,Bộ phận Tư pháp - Hộ tịch\n".as_bytes().to_vec();
        bytes.extend_from_slice(b"HS2,Bo\xe4 pha\xe4n T\xf6 pha\xf9p - Ho\xe4 t\xf2ch\n");
        let (text, enc) = decoded(&bytes);
        assert_eq!(enc, Encoding::Mixed(Legacy::Vni));
        assert_eq!(text.matches("Bộ phận Tư pháp - Hộ tịch").count(), 2, "{text}");
    }

    #[test]
    fn the_sample_wards_windows_1258_exports_are_read_as_windows_1258() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/2024/van-ban");
        let mut n = 0;
        for month in std::fs::read_dir(dir).unwrap() {
            for file in std::fs::read_dir(month.unwrap().path()).unwrap() {
                let bytes = std::fs::read(file.unwrap().path()).unwrap();
                let (text, enc) = decode_text(&bytes);
                assert_eq!(enc, Encoding::Windows1258);
                assert!(text.starts_with("Đơn vị,Tháng,Văn bản đi") && text.contains("Bộ phận Tư pháp - Hộ tịch"));
                n += 1;
            }
        }
        assert_eq!(n, 12);
    }

    #[test]
    fn syllables() {
        for ok in ["nghiêng", "Hương", "quốc", "gìn", "khuya", "Đơn", "người", "ổn", "xoong"] {
            assert!(syllable(&ok.nfd().collect::<String>()), "{ok}");
        }
        for bad in ["Hụũ", "tiịch", "phaän", "NguyÔn", "oo\u{301}\u{300}", "Ngoõ"] {
            assert!(!syllable(&bad.nfd().collect::<String>()), "{bad}");
        }
    }
}
