//! Cells typed in the legacy .VnTime fonts: the text is stored as TCVN3 (TCVN 5712, "ABC")
//! bytes, which Excel keeps as the Windows-1252 characters they are, so "Bộ phận Tư pháp"
//! reads "Bé phËn T­ ph¸p". Some old templates still carry such cells.

use encoding_rs::WINDOWS_1252;
use unicode_normalization::UnicodeNormalization;

/// TCVN 5712 bytes 0x80..=0xFF (the same table the ingest decodes with); 0xB0..=0xB4 are the
/// combining tone marks.
pub(crate) const TCVN3_HIGH: [char; 128] = [
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

fn byte(c: char) -> Option<u8> {
    if c.is_ascii() {
        return Some(c as u8);
    }
    TCVN3_HIGH.iter().position(|&x| x == c).map(|i| 0x80 + i as u8)
}

/// The TCVN3 bytes of a text, or None when a letter has no TCVN3 spelling. A letter missing
/// from the table (most capitals with a tone) is written as its base letter and a
/// combining tone mark, as the fonts' keyboards do.
fn encode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len());
    for c in text.nfc() {
        if let Some(b) = byte(c) {
            out.push(b);
            continue;
        }
        let parts: Vec<char> = c.nfd().collect();
        let (&tone, marks) = parts.split_last()?;
        let base: String = marks.iter().collect::<String>().nfc().collect();
        let mut base = base.chars();
        let (Some(base), None) = (base.next(), base.next()) else { return None };
        out.extend([byte(base)?, byte(tone).filter(|b| (0xB0..=0xB4).contains(b))?]);
    }
    Some(out)
}

/// The cell text as a workbook typed in .VnTime stores it, or None when TCVN3 cannot spell it.
pub(crate) fn vntime_cell(text: &str) -> Option<String> {
    encode(text).map(|bytes| WINDOWS_1252.decode_without_bom_handling(&bytes).0.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_names_as_vntime_cells() {
        assert_eq!(vntime_cell("Bộ phận Tư pháp - Hộ tịch").as_deref(), Some("Bé phËn T\u{AD} ph¸p - Hé tÞch"));
        assert_eq!(vntime_cell("Đô thị").as_deref(), Some("§« thÞ"));
        // A capital with a tone: base letter and a combining mark.
        assert_eq!(encode("Ứ"), Some(vec![0xA6, 0xB3]));
        assert_eq!(encode("Ố"), Some(vec![0xFF]));
        assert_eq!(vntime_cell("Giếng Đáy").map(|c| c.is_ascii()), Some(false));
        assert_eq!(vntime_cell("Ǆ"), None);
    }
}
