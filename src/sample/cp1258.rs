//! Windows-1258 encoding of Vietnamese text, as the document system's CSV export writes it.
//!
//! encoding_rs maps code points one to one, but cp1258 lacks most precomposed Vietnamese
//! letters: it has the vowels with their own marks (â ă ê ô ơ ư, đ) and a few toned ones, and
//! writes tones as combining marks. So a letter like "ộ" is written as "ô" + combining dot
//! below. Which mark gets composed matters: composing the first mark of the NFD form would
//! give "ọ" + circumflex, and "ọ" is not in cp1258.

use anyhow::{Result, bail};
use encoding_rs::WINDOWS_1258;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::compose;

fn encodable(c: char) -> bool {
    let mut buf = [0u8; 4];
    !WINDOWS_1258.encode(c.encode_utf8(&mut buf)).2
}

/// Rewrites `s` into code points that all exist in cp1258.
fn to_cp1258_chars(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if encodable(c) {
            out.push(c);
            continue;
        }
        let parts: Vec<char> = c.to_string().nfd().collect();
        let (base, marks) = (parts[0], &parts[1..]);
        // Compose the base with the one mark that yields a cp1258 letter, keep the rest combining.
        let composed =
            marks.iter().enumerate().find_map(|(i, &m)| compose(base, m).filter(|&p| encodable(p)).map(|p| (i, p)));
        match composed {
            Some((i, p)) => {
                out.push(p);
                out.extend(marks.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, m)| *m));
            }
            None => out.extend(parts.iter()),
        }
    }
    out
}

pub(crate) fn encode(s: &str) -> Result<Vec<u8>> {
    let prepared = to_cp1258_chars(s);
    let (bytes, _, had_errors) = WINDOWS_1258.encode(&prepared);
    if had_errors {
        bail!("text cannot be written in Windows-1258: {s:?}");
    }
    Ok(bytes.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_vietnamese_through_cp1258() {
        for s in ["Bộ phận Tư pháp - Hộ tịch", "Đơn vị,Tháng,Văn bản đến xử lý đúng hạn", "Ỷ Ữ ặ ẫ ỡ ự"]
        {
            let bytes = encode(s).unwrap();
            let (decoded, had_errors) = WINDOWS_1258.decode_without_bom_handling(&bytes);
            assert!(!had_errors);
            assert_eq!(decoded.nfc().collect::<String>(), s);
        }
        // "ộ" is "ô" (0xF4) followed by the combining dot below (0xF2).
        assert_eq!(encode("ộ").unwrap(), vec![0xF4, 0xF2]);
    }

    #[test]
    fn rejects_what_cp1258_cannot_write() {
        assert!(encode("漢").is_err());
    }
}
