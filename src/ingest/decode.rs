//! Bytes from another system to NFC-normalised UTF-8 text.
//!
//! Polars reads UTF-8 only, and Vietnamese text arrives as UTF-8 (with or without BOM),
//! UTF-16 (Excel's "Unicode text") or Windows-1258, whose tone marks are combining
//! characters. Everything is transcoded and NFC-normalised here, once, so that a unit name
//! typed on two machines compares equal everywhere downstream.

use std::borrow::Cow;

use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1258};
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// The encoding a text file was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16,
    Windows1258,
}

impl Encoding {
    pub fn label(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 (BOM)",
            Encoding::Utf16 => "UTF-16",
            Encoding::Windows1258 => "Windows-1258",
        }
    }
}

/// Decodes a text export. Bytes that are not valid UTF-8 are read as Windows-1258, the
/// Vietnamese code page of Windows, which maps every byte (so nothing is lost).
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
            Err(_) => (WINDOWS_1258.decode_without_bom_handling(bytes).0, Encoding::Windows1258),
        }
    };
    (nfc(&text).into_owned(), enc)
}

/// NFC form of a string, without copying when it already is (the common case).
pub fn nfc(s: &str) -> Cow<'_, str> {
    if s.is_ascii() || is_nfc_quick(s.chars()) == IsNormalized::Yes {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.nfc().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
