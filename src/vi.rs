//! Numbers and dates as Vietnamese text writes them: a decimal comma, dots between thousands,
//! dd/mm/yyyy. At the bottom of the house so that every stage that words something for ward
//! staff (the award evidence in score, the reports, the documents) writes numbers one way.

use chrono::NaiveDate;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// "87,50", "1.149": `decimals` places, a decimal comma, thousands grouped with dots.
pub fn number(x: f64, decimals: usize) -> String {
    let fixed = format!("{:.decimals$}", x.abs());
    let (int, frac) = fixed.split_once('.').unwrap_or((&fixed, ""));
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            grouped.push('.');
        }
        grouped.push(ch);
    }
    let sign = if x < 0.0 && fixed.chars().any(|c| c.is_ascii_digit() && c != '0') { "-" } else { "" };
    if frac.is_empty() { format!("{sign}{grouped}") } else { format!("{sign}{grouped},{frac}") }
}

/// "88,81%" for 0.8881 (a share on 0..1), with `decimals` places.
pub fn percent(share: f64, decimals: usize) -> String {
    format!("{}%", number(share * 100.0, decimals))
}

/// "20/12/2024".
pub fn date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// Vietnamese letters without their marks: "Đông Hưng" → "Dong Hung" (codes, ids and file
/// names made from names).
pub fn ascii_fold(s: &str) -> String {
    s.nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'đ' => 'd',
            'Đ' => 'D',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_numbers() {
        assert_eq!(number(87.5, 2), "87,50");
        assert_eq!(number(1149.0, 0), "1.149");
        assert_eq!(number(1_234_567.891, 1), "1.234.567,9");
        assert_eq!(number(-2.91, 2), "-2,91");
        assert_eq!(number(-0.001, 2), "0,00");
        assert_eq!(percent(0.8881, 2), "88,81%");
        assert_eq!(date(NaiveDate::from_ymd_opt(2024, 12, 20).unwrap()), "20/12/2024");
        assert_eq!(ascii_fold("Đông Hưng, Ỷ Lan"), "Dong Hung, Y Lan");
    }
}
