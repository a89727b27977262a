//! Cells typed in the legacy .VnTime fonts: the text is stored as TCVN3 (TCVN 5712, "ABC")
//! bytes, which Excel keeps as the Windows-1252 characters they are, so "Bộ phận Tư pháp"
//! reads "Bé phËn T­ ph¸p". Some old templates still carry such cells.

use encoding_rs::WINDOWS_1252;
use unicode_normalization::UnicodeNormalization;

// TCVN 5712 bytes 0x80..=0xFF: the table the ingest decodes with, read the other way.
use crate::ingest::TCVN3_HIGH;

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
