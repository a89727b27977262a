//! Text as ward staff read it: Vietnamese numbers (decimal comma), percentages, and text
//! made safe for HTML. Shared by the workbooks, the e-mails and the documents.

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

/// "87,50", "1.149": Vietnamese decimal comma and thousands dots (one formatter: [`crate::vi`]).
pub fn number(x: f64, decimals: usize) -> String {
    crate::vi::number(x, decimals)
}

/// "88,81%" for a share of 0.8881; "—" when there is nothing to measure.
pub fn percent(x: Option<f64>) -> String {
    x.map_or_else(|| "—".to_string(), |x| crate::vi::percent(x, 2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_formats() {
        assert_eq!(escape("<b>\"A&B\"</b>"), "&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;");
        assert_eq!(number(87.5, 2), "87,50");
        assert_eq!(number(1149.0, 0), "1.149");
        assert_eq!(percent(Some(0.8881)), "88,81%");
        assert_eq!(percent(None), "—");
    }
}
