//! How figures, dates and names are written in Vietnamese administrative documents: a decimal
//! comma, dots between thousands ("2.340.000 đồng"), "ngày 05 tháng 01 năm 2025" with the zero
//! that Nghị định 30/2020/NĐ-CP asks for before a day under 10 and months 1 and 2, and ASCII
//! file names made from Vietnamese names.

use chrono::{Datelike, NaiveDate};
use unicode_normalization::UnicodeNormalization;

/// A number with `decimals` places, a decimal comma and dots between thousands.
pub(super) fn decimal(x: f64, decimals: usize) -> String {
    crate::vi::number(x, decimals)
}

/// A count or an amount in đồng: "2.340.000".
pub(super) fn integer(x: f64) -> String {
    decimal(x.round(), 0)
}

/// A ratio (0..1) as a percentage with two decimals: 0.9666 → "96,66%".
pub(super) fn percent(ratio: f64) -> String {
    format!("{}%", decimal(ratio * 100.0, 2))
}

/// "31/12/2024".
pub(super) fn short_date(d: NaiveDate) -> String {
    crate::vi::date(d)
}

/// "ngày 31 tháng 12 năm 2024"; days under 10 and months 1, 2 get a leading zero (NĐ 30).
pub(super) fn long_date(d: NaiveDate) -> String {
    let month = if d.month() <= 2 { format!("{:02}", d.month()) } else { d.month().to_string() };
    format!("ngày {:02} tháng {month} năm {}", d.day(), d.year())
}

/// Every ISO date (2024-12-20) in a text rewritten as 20/12/2024: notes recorded by the round
/// carry dates as TOML writes them.
pub(super) fn vn_dates(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        let iso = bytes.get(i..i + 10).and_then(|w| std::str::from_utf8(w).ok()).and_then(|w| {
            let boundary = i == 0 || !bytes[i - 1].is_ascii_digit();
            let after = bytes.get(i + 10).is_none_or(|b| !b.is_ascii_digit());
            (boundary && after).then(|| NaiveDate::parse_from_str(w, "%Y-%m-%d").ok()).flatten()
        });
        match iso {
            Some(d) => {
                out.push_str(&short_date(d));
                i += 10;
            }
            None => {
                let ch = text[i..].chars().next().expect("char boundary");
                out.push(ch);
                i += ch.len_utf8();
            }
        }
    }
    out
}

/// An ASCII file-name part from a Vietnamese name: "Nguyễn Thị Kim Oanh" → "nguyen-thi-kim-oanh".
pub(super) fn slug(name: &str) -> String {
    let mut out = String::new();
    for ch in crate::vi::ascii_fold(name).chars() {
        let ch = if ch.is_ascii_alphanumeric() { ch.to_ascii_lowercase() } else { '-' };
        if ch != '-' || !out.is_empty() && !out.ends_with('-') {
            out.push(ch);
        }
    }
    out.trim_end_matches('-').to_string()
}

/// Roman numerals for the parts of a list (I, II, III…).
pub(super) fn roman(n: usize) -> String {
    const PARTS: [(usize, &str); 9] =
        [(100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")];
    let mut n = n;
    let mut out = String::new();
    for (value, letters) in PARTS {
        while n >= value {
            out.push_str(letters);
            n -= value;
        }
    }
    out
}

/// Upper case as Vietnamese documents print agency names and titles ("Ủy ban" → "ỦY BAN").
pub(super) fn upper(text: &str) -> String {
    text.nfc().collect::<String>().to_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_use_a_decimal_comma_and_thousands_dots() {
        assert_eq!(integer(2_340_000.0), "2.340.000");
        assert_eq!(integer(702_000.0), "702.000");
        assert_eq!(integer(0.0), "0");
        assert_eq!(decimal(1234.5, 1), "1.234,5");
        assert_eq!(decimal(95.123, 2), "95,12");
        assert_eq!(decimal(-0.001, 2), "0,00");
        assert_eq!(percent(0.9666), "96,66%");
        assert_eq!(percent(1.0), "100,00%");
    }

    #[test]
    fn dates_follow_decree_30() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(long_date(d(2024, 12, 31)), "ngày 31 tháng 12 năm 2024");
        assert_eq!(long_date(d(2025, 1, 5)), "ngày 05 tháng 01 năm 2025");
        assert_eq!(long_date(d(2025, 7, 1)), "ngày 01 tháng 7 năm 2025");
        assert_eq!(short_date(d(2024, 5, 17)), "17/05/2024");
        assert_eq!(
            vn_dates("Chủ tịch UBND phường xác nhận ngày 2024-12-20; số 12024-12-201"),
            "Chủ tịch UBND phường xác nhận ngày 20/12/2024; số 12024-12-201"
        );
    }

    #[test]
    fn slugs_are_ascii() {
        assert_eq!(slug("Nguyễn Thị Kim Oanh"), "nguyen-thi-kim-oanh");
        assert_eq!(slug("Đặng Văn Long"), "dang-van-long");
        assert_eq!(slug("Ủy ban MTTQ Việt Nam phường Giếng Đáy"), "uy-ban-mttq-viet-nam-phuong-gieng-day");
        assert_eq!(slug("Khu phố 10"), "khu-pho-10");
    }

    #[test]
    fn roman_and_upper() {
        assert_eq!([1, 2, 3, 4, 9, 14].map(roman), ["I", "II", "III", "IV", "IX", "XIV"]);
        assert_eq!(upper("Ủy ban nhân dân phường Giếng Đáy"), "ỦY BAN NHÂN DÂN PHƯỜNG GIẾNG ĐÁY");
    }
}
