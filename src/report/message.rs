//! An e-mail described once and rendered twice: as plain text and as HTML that every mail
//! client shows the same way (tables and inline styles only: no scripts, no remote images, no
//! CSS classes). Each message of the project is a [`Message`] of blocks; the two renderings
//! cannot drift apart because neither is written by hand, and every text from data is
//! escaped in one place.

use std::fmt::Write as _;

use super::text::escape;

/// A message as sent: subject, plain-text body, HTML body.
pub struct Email {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Part of a paragraph.
pub(super) enum Span {
    Text(String),
    Bold(String),
}

/// A table cell.
pub(super) enum Cell {
    Text(String),
    /// A figure: right-aligned in HTML so that a column of them reads down.
    Number(String),
    /// A reference kept on one line (a dossier's number).
    Code(String),
}

/// One block of a message body.
pub(super) enum Block {
    Para(Vec<Span>),
    /// A bold lead-in line ("Đơn vị dẫn đầu:").
    Heading(String),
    /// Labelled figures, one per line.
    Facts(Vec<(String, String)>),
    List(Vec<String>),
    Table {
        header: Vec<String>,
        rows: Vec<Vec<Cell>>,
    },
    /// A warning the reader must not miss.
    Warning(String),
}

pub(super) struct Message {
    pub subject: String,
    pub greeting: String,
    pub blocks: Vec<Block>,
    /// The closing lines (the attachment, what to do next).
    pub closing: Vec<String>,
    /// Who sends it, signed under "Trân trọng," ("Văn phòng UBND phường Giếng Đáy").
    pub sender: Vec<String>,
}

/// The sender's block of every message from the ward office.
pub(super) fn ward_office(ward_short: &str) -> Vec<String> {
    vec![format!("Văn phòng UBND phường {ward_short}"), "Bộ phận Văn phòng - Thống kê".to_string()]
}

const FOOTER: &str =
    "Thư do hệ thống lập tự động từ số liệu của phường; mọi trao đổi xin gửi Bộ phận Văn phòng - Thống kê.";

const TD: &str =
    "style=\"padding:4px 8px;border:1px solid #cccccc;font-family:Arial,sans-serif;font-size:13px;vertical-align:top\"";
const TD_CODE: &str = "style=\"padding:4px 8px;border:1px solid #cccccc;font-family:Arial,sans-serif;font-size:13px;vertical-align:top;white-space:nowrap\"";
const TD_NUM: &str = "style=\"padding:4px 8px;border:1px solid #cccccc;font-family:Arial,sans-serif;font-size:13px;vertical-align:top;text-align:right;white-space:nowrap\"";
const TH: &str = "style=\"padding:4px 8px;border:1px solid #cccccc;background:#ddebf7;font-family:Arial,sans-serif;font-size:13px;text-align:left\"";
const TABLE: &str = "<table cellpadding=\"0\" cellspacing=\"0\" style=\"border-collapse:collapse\">";

fn spans_text(spans: &[Span]) -> String {
    spans
        .iter()
        .map(|s| match s {
            Span::Text(t) | Span::Bold(t) => t.as_str(),
        })
        .collect()
}

fn spans_html(spans: &[Span]) -> String {
    spans
        .iter()
        .map(|s| match s {
            Span::Text(t) => escape(t),
            Span::Bold(t) => format!("<b>{}</b>", escape(t)),
        })
        .collect()
}

fn cell_text(c: &Cell) -> &str {
    match c {
        Cell::Text(t) | Cell::Number(t) | Cell::Code(t) => t,
    }
}

impl Block {
    fn text(&self, out: &mut String) {
        match self {
            Block::Para(spans) => {
                let _ = writeln!(out, "{}\n", spans_text(spans));
            }
            Block::Heading(h) => {
                let _ = writeln!(out, "{h}");
            }
            Block::Facts(facts) => {
                for (k, v) in facts {
                    let _ = writeln!(out, "- {k}: {v}");
                }
                out.push('\n');
            }
            Block::List(items) => {
                for i in items {
                    let _ = writeln!(out, "  - {i}");
                }
                out.push('\n');
            }
            Block::Table { header, rows } => {
                let shown: Vec<usize> = (0..header.len()).filter(|&c| !header[c].is_empty()).collect();
                // Empty trailing cells leave no dangling separator in the text.
                let line = |cells: Vec<&str>| cells.join(" | ").trim_end().trim_end_matches('|').trim_end().to_string();
                let _ = writeln!(out, "  {}", line(shown.iter().map(|&c| header[c].as_str()).collect()));
                for r in rows {
                    let _ =
                        writeln!(out, "  {}", line(shown.iter().map(|&c| r.get(c).map_or("", cell_text)).collect()));
                }
                out.push('\n');
            }
            Block::Warning(w) => {
                let _ = writeln!(out, "Lưu ý: {w}\n");
            }
        }
    }

    fn html(&self, out: &mut String) {
        match self {
            Block::Para(spans) => {
                let _ = write!(out, "<p>{}</p>", spans_html(spans));
            }
            Block::Heading(h) => {
                let _ = write!(out, "<p><b>{}</b></p>", escape(h));
            }
            Block::Facts(facts) => {
                out.push_str(TABLE);
                for (k, v) in facts {
                    let _ = write!(out, "<tr><th {TH}>{}</th><td {TD}>{}</td></tr>", escape(k), escape(v));
                }
                out.push_str("</table>");
            }
            Block::List(items) => {
                out.push_str("<ul>");
                for i in items {
                    let _ = write!(out, "<li>{}</li>", escape(i));
                }
                out.push_str("</ul>");
            }
            Block::Table { header, rows } => {
                out.push_str(TABLE);
                out.push_str("<tr>");
                for h in header {
                    let _ = write!(out, "<th {TH}>{}</th>", escape(h));
                }
                out.push_str("</tr>");
                for r in rows {
                    out.push_str("<tr>");
                    for c in r {
                        match c {
                            Cell::Text(t) => {
                                let _ = write!(out, "<td {TD}>{}</td>", escape(t));
                            }
                            Cell::Number(t) => {
                                let _ = write!(out, "<td {TD_NUM}>{}</td>", escape(t));
                            }
                            Cell::Code(t) => {
                                let _ = write!(out, "<td {TD_CODE}>{}</td>", escape(t));
                            }
                        }
                    }
                    out.push_str("</tr>");
                }
                out.push_str("</table>");
            }
            Block::Warning(w) => {
                let _ = write!(out, "<p style=\"color:#c62828\"><b>Lưu ý:</b> {}</p>", escape(w));
            }
        }
    }
}

impl Message {
    /// Both bodies from the one description.
    pub(super) fn render(&self) -> Email {
        let mut text = format!("{}\n\n", self.greeting);
        let mut html = format!(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{}</title></head><body style=\"font-family:Arial,sans-serif;font-size:14px;color:#222222\"><p>{}</p>",
            escape(&self.subject),
            escape(&self.greeting)
        );
        for b in &self.blocks {
            b.text(&mut text);
            b.html(&mut html);
        }
        text.push_str(&self.closing.join("\n"));
        text.push_str("\n\nTrân trọng,\n");
        text.push_str(&self.sender.join("\n"));
        text.push_str(&format!("\n\n-- \n{FOOTER}\n"));
        for line in &self.closing {
            let _ = write!(html, "<p>{}</p>", escape(line));
        }
        let sender: Vec<String> = self.sender.iter().map(|l| escape(l)).collect();
        let _ = write!(html, "<p>Trân trọng,<br><b>{}</b></p>", sender.join("<br>"));
        let _ = write!(html, "<p style=\"color:#777777;font-size:12px\">{}</p></body></html>", escape(FOOTER));
        Email { subject: self.subject.clone(), text, html }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_bodies_carry_the_same_words_and_html_is_escaped() {
        let m = Message {
            subject: "Thử <b>".into(),
            greeting: "Kính gửi Chủ tịch,".into(),
            blocks: vec![
                Block::Para(vec![Span::Text("Điểm ".into()), Span::Bold("90,18".into())]),
                Block::Facts(vec![("Hồ sơ".into(), "425".into())]),
                Block::Table {
                    header: vec!["Hạng".into(), "Đơn vị".into()],
                    rows: vec![vec![Cell::Number("1".into()), Cell::Text("<script>".into())]],
                },
                Block::Warning("chưa có tệp".into()),
            ],
            closing: vec!["Chi tiết trong tệp đính kèm a.xlsx.".into()],
            sender: ward_office("Giếng Đáy"),
        };
        let e = m.render();
        for words in ["Kính gửi Chủ tịch,", "90,18", "Hồ sơ", "425", "Hạng", "chưa có tệp", "a.xlsx"] {
            assert!(e.text.contains(words) && e.html.contains(words), "{words}");
        }
        assert!(e.html.contains("&lt;script&gt;") && !e.html.contains("<script>"));
        assert!(e.text.contains("- Hồ sơ: 425") && e.text.contains("  1 | <script>"));
        for closing in ["Trân trọng,", "Văn phòng UBND phường Giếng Đáy", "Bộ phận Văn phòng - Thống kê"]
        {
            assert!(e.text.contains(closing) && e.html.contains(closing), "{closing}");
        }
    }
}
