//! The layout of an administrative document (Nghị định 30/2020/NĐ-CP, Phụ lục I), on docx-rs.
//!
//! A4 portrait; margins top and bottom 20 mm, left 30 mm, right 15 mm (the low ends of NĐ 30's
//! ranges, which leave the widest text); Times New Roman, body 14 pt. The first page carries
//! the heading table: agency on the left (parent agency upright, issuing agency bold, a short
//! rule under it, then the number), the Quốc hiệu (bold capitals, 12 pt) and tiêu ngữ (bold,
//! 13 pt, a rule as long as the line) on the right with the place and date in italics. Page
//! numbers sit centred in the top margin from page 2 on (a PAGE field; the first page has its
//! own empty header). The rules are paragraph borders indented to the wanted length: docx-rs
//! draws no shapes, and a border prints the same in Word and LibreOffice. The one decision
//! taken against the crate: header rows of long tables repeat on every page, which docx-rs
//! cannot say, so `<w:tblHeader/>` is added to each table's first row when packing.

use std::io::Cursor;

use anyhow::{Context, Result};
use docx_rs::{
    AlignmentType, BorderType, Docx, Header, LineSpacing, LineSpacingType, PageMargin, PageNum, Paragraph,
    ParagraphBorder, ParagraphBorderPosition, ParagraphBorders, Run, RunFonts, SpecialIndentType, Table, TableBorder,
    TableBorderPosition, TableBorders, TableCell, TableLayoutType, TableRow, VAlignType, WidthType,
};
use unicode_normalization::UnicodeNormalization;

use super::format::upper;

/// A4 in twips (1 mm = 56,7 twips).
pub(super) const PAGE_WIDTH: u32 = 11906;
pub(super) const PAGE_HEIGHT: u32 = 16838;
pub(super) const MARGIN_TOP: i32 = 1134;
pub(super) const MARGIN_BOTTOM: i32 = 1134;
pub(super) const MARGIN_LEFT: i32 = 1701;
pub(super) const MARGIN_RIGHT: i32 = 851;
/// The width between the margins.
pub(super) const TEXT_WIDTH: usize = (PAGE_WIDTH as i32 - MARGIN_LEFT - MARGIN_RIGHT) as usize;
/// The heading's left (agency) column; the rest is the Quốc hiệu's.
const LEFT_COLUMN: usize = 3740;
const RIGHT_COLUMN: usize = TEXT_WIDTH - LEFT_COLUMN;
/// Word's default cell padding, each side.
const CELL_PADDING: usize = 108;

/// Sizes in half-points, as `w:sz` writes them.
pub(super) const BODY: usize = 28;
pub(super) const TABLE: usize = 26;
const NATIONAL: usize = 24;
const MOTTO: usize = 26;
const AGENCY: usize = 26;
const NUMBER: usize = 26;
const COPIES_LABEL: usize = 24;
const COPIES: usize = 22;
const PAGE_NUMBER: usize = 26;

const FONT: &str = "Times New Roman";

fn fonts() -> RunFonts {
    RunFonts::new().ascii(FONT).hi_ansi(FONT).cs(FONT).east_asia(FONT)
}

/// How a run of text looks.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Look {
    pub size: usize,
    pub bold: bool,
    pub italic: bool,
}

impl Look {
    pub(super) const BODY: Look = Look { size: BODY, bold: false, italic: false };
    pub(super) const BOLD: Look = Look { size: BODY, bold: true, italic: false };
    pub(super) const ITALIC: Look = Look { size: BODY, bold: false, italic: true };
    pub(super) const CELL: Look = Look { size: TABLE, bold: false, italic: false };
    pub(super) const CELL_BOLD: Look = Look { size: TABLE, bold: true, italic: false };
}

pub(super) fn run(text: &str, look: Look) -> Run {
    let mut r = Run::new().add_text(text.nfc().collect::<String>()).size(look.size).fonts(fonts());
    if look.bold {
        r = r.bold();
    }
    if look.italic {
        r = r.italic();
    }
    r
}

fn spacing(before: u32, after: u32) -> LineSpacing {
    LineSpacing::new().before(before).after(after).line(264).line_rule(LineSpacingType::Auto)
}

/// A one-run paragraph with no space around it (heading lines, table cells).
pub(super) fn line(text: &str, look: Look, align: AlignmentType) -> Paragraph {
    Paragraph::new().add_run(run(text, look)).align(align).line_spacing(spacing(0, 0)).size(look.size)
}

/// A body paragraph: justified, first line indented 1,25 cm, 6 pt after. A line with dots to
/// fill by hand is left-aligned: justified, its words would spread across the page.
pub(super) fn body(text: &str) -> Paragraph {
    let align = if text.contains("……") { AlignmentType::Left } else { AlignmentType::Both };
    Paragraph::new()
        .add_run(run(text, Look::BODY))
        .align(align)
        .indent(None, Some(SpecialIndentType::FirstLine(709)), None, None)
        .line_spacing(spacing(0, 120))
        .size(BODY)
}

/// A section heading ("I. THÀNH PHẦN"): bold, kept with what follows.
pub(super) fn heading(text: &str) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, Look::BOLD))
        .align(AlignmentType::Both)
        .indent(None, Some(SpecialIndentType::FirstLine(709)), None, None)
        .line_spacing(spacing(120, 120))
        .keep_next(true)
        .size(BODY)
}

pub(super) fn blank_line() -> Paragraph {
    line("", Look::BODY, AlignmentType::Left)
}

pub(super) fn page_break() -> Paragraph {
    Paragraph::new().add_run(Run::new().add_break(docx_rs::BreakType::Page))
}

/// Approximate printed width of a text in twips (Times New Roman metrics, per 1000 em), enough
/// to size the short rules NĐ 30 draws under the tiêu ngữ and the agency name.
pub(super) fn text_width(text: &str, look: Look) -> usize {
    let em: usize =
        text.nfd().filter(|c| !unicode_normalization::char::is_combining_mark(*c)).map(|c| glyph(c, look.bold)).sum();
    em * look.size * 10 / 1000
}

fn glyph(c: char, bold: bool) -> usize {
    const REGULAR_LOWER: [usize; 26] = [
        444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500, 278, 778, 500, 500, 500, 500, 333, 389, 278, 500, 500,
        722, 500, 500, 444,
    ];
    const BOLD_LOWER: [usize; 26] = [
        500, 556, 444, 556, 444, 333, 500, 556, 278, 333, 556, 278, 833, 556, 500, 556, 556, 444, 389, 333, 556, 500,
        722, 500, 500, 444,
    ];
    const REGULAR_UPPER: [usize; 26] = [
        722, 667, 667, 722, 611, 556, 722, 722, 333, 389, 722, 611, 889, 722, 722, 556, 722, 667, 556, 611, 722, 722,
        944, 722, 722, 611,
    ];
    const BOLD_UPPER: [usize; 26] = [
        722, 667, 722, 722, 667, 611, 778, 778, 389, 500, 778, 667, 944, 722, 778, 611, 778, 722, 556, 667, 722, 722,
        1000, 722, 722, 667,
    ];
    let c = match c {
        'đ' => 'd',
        'Đ' => 'D',
        c => c,
    };
    match c {
        'a'..='z' => (if bold { BOLD_LOWER } else { REGULAR_LOWER })[c as usize - 'a' as usize],
        'A'..='Z' => (if bold { BOLD_UPPER } else { REGULAR_UPPER })[c as usize - 'A' as usize],
        '0'..='9' => 500,
        ' ' => 250,
        '-' | '(' | ')' => 333,
        '.' | ',' | ':' | ';' => 250,
        _ => 556,
    }
}

/// A short rule of `rule` twips centred in a cell `column` wide: an empty paragraph with a top
/// border, placed under the line it underlines (a border on that line itself would narrow it).
fn rule(column: usize, rule: usize) -> Paragraph {
    let inner = column.saturating_sub(2 * CELL_PADDING);
    let side = (inner.saturating_sub(rule) / 2) as i32;
    let mut p = Paragraph::new()
        .indent(Some(side), None, Some(side), None)
        .line_spacing(LineSpacing::new().before(60).after(0).line(80).line_rule(LineSpacingType::Exact))
        .size(4);
    p.property = p.property.set_borders(ParagraphBorders::with_empty().set(
        ParagraphBorder::new(ParagraphBorderPosition::Top).val(BorderType::Single).size(6).space(0).color("000000"),
    ));
    p
}

/// A new A4 document with NĐ 30's margins, Times New Roman and page numbers from page 2.
pub(super) fn document(created: &str) -> Docx {
    let numbers = Header::new().add_paragraph(
        Paragraph::new().add_page_num(PageNum::new()).align(AlignmentType::Center).size(PAGE_NUMBER).fonts(fonts()),
    );
    Docx::new()
        .page_size(PAGE_WIDTH, PAGE_HEIGHT)
        .page_margin(PageMargin {
            top: MARGIN_TOP,
            left: MARGIN_LEFT,
            bottom: MARGIN_BOTTOM,
            right: MARGIN_RIGHT,
            header: 567,
            footer: 567,
            gutter: 0,
        })
        .default_fonts(fonts())
        .default_size(BODY)
        .header(numbers)
        .first_header(Header::new())
        .created_at(created)
        .updated_at(created)
}

/// What the first lines of a document say (already filled, in sentence case: agency lines and
/// the Quốc hiệu are set in capitals here).
pub(super) struct Heading {
    pub parent_agency: String,
    pub agency: Vec<String>,
    /// "Số: …/TTr-UBND", or empty for documents without a number.
    pub number: String,
    pub national_name: String,
    pub motto: String,
    /// "Giếng Đáy, ngày 31 tháng 12 năm 2024".
    pub place_date: String,
}

fn cell(width: usize) -> TableCell {
    TableCell::new().width(width, WidthType::Dxa).vertical_align(VAlignType::Top)
}

fn borderless(rows: Vec<TableRow>, grid: Vec<usize>) -> Table {
    Table::without_borders(rows).set_grid(grid).width(TEXT_WIDTH, WidthType::Dxa).layout(TableLayoutType::Fixed)
}

/// The heading table: agency and number on the left, Quốc hiệu, tiêu ngữ, place and date on the right.
pub(super) fn heading_block(h: &Heading) -> Table {
    let agency_look = Look { size: AGENCY, bold: true, italic: false };
    let mut left = cell(LEFT_COLUMN);
    if !h.parent_agency.trim().is_empty() {
        left = left.add_paragraph(line(
            &upper(&h.parent_agency),
            Look { bold: false, ..agency_look },
            AlignmentType::Center,
        ));
    }
    let agency: Vec<String> = h.agency.iter().map(|a| upper(a)).filter(|a| !a.trim().is_empty()).collect();
    let widest = agency.iter().map(|a| text_width(a, agency_look)).max().unwrap_or(0);
    for a in &agency {
        left = left.add_paragraph(line(a, agency_look, AlignmentType::Center));
    }
    if !agency.is_empty() {
        // NĐ 30: a rule 1/3 to 1/2 as long as the agency's line.
        left = left.add_paragraph(rule(LEFT_COLUMN, (widest * 2 / 5).clamp(900, LEFT_COLUMN / 2)));
    }
    if !h.number.is_empty() {
        left = left.add_paragraph(
            line(&h.number, Look { size: NUMBER, ..Look::default() }, AlignmentType::Center)
                .line_spacing(spacing(160, 0)),
        );
    }
    let motto_look = Look { size: MOTTO, bold: true, italic: false };
    let right = cell(RIGHT_COLUMN)
        .add_paragraph(line(
            &upper(&h.national_name),
            Look { size: NATIONAL, bold: true, italic: false },
            AlignmentType::Center,
        ))
        .add_paragraph(line(&h.motto, motto_look, AlignmentType::Center))
        .add_paragraph(rule(RIGHT_COLUMN, text_width(&h.motto, motto_look)))
        .add_paragraph(line(&h.place_date, Look::ITALIC, AlignmentType::Center).line_spacing(spacing(160, 0)));
    borderless(vec![TableRow::new(vec![left, right])], vec![LEFT_COLUMN, RIGHT_COLUMN])
}

/// The document's kind and subject, centred and bold, with a short rule under the subject.
pub(super) fn title(kind: &str, subject: &[String]) -> Vec<Paragraph> {
    let mut out =
        vec![line(&upper(kind), Look::BOLD, AlignmentType::Center).line_spacing(spacing(360, 0)).keep_next(true)];
    for s in subject {
        out.push(line(s, Look::BOLD, AlignmentType::Center).keep_next(true));
    }
    out.push(rule(TEXT_WIDTH + 2 * CELL_PADDING, TEXT_WIDTH / 3).keep_next(true));
    out.push(blank_line());
    out
}

/// "Kính gửi: …" centred, one recipient a line.
pub(super) fn addressees(label: &str, to: &[String]) -> Vec<Paragraph> {
    match to {
        [] => vec![],
        [one] => vec![
            line("", Look::BODY, AlignmentType::Center)
                .add_run(run(&format!("{label}: "), Look::BODY))
                .add_run(run(one, Look::BODY))
                .line_spacing(spacing(0, 240)),
        ],
        many => {
            let mut out = vec![line(&format!("{label}:"), Look::BODY, AlignmentType::Center)];
            out.extend(many.iter().map(|t| line(&format!("- {t}"), Look::BODY, AlignmentType::Center)));
            out.push(blank_line());
            out
        }
    }
}

/// One column of the signature area.
pub(super) enum SignColumn {
    /// "Nơi nhận:" (12 pt bold italic) and its list (11 pt, "- " before each line).
    Copies { label: String, lines: Vec<String> },
    /// Authority and title (bold capitals), a note (italic), space to sign, the name (bold).
    Signer { lines: Vec<String>, note: String, name: String },
}

fn sign_cell(c: &SignColumn, width: usize) -> TableCell {
    let mut cell = cell(width);
    match c {
        SignColumn::Copies { label, lines } => {
            cell = cell.add_paragraph(line(
                &format!("{label}:"),
                Look { size: COPIES_LABEL, bold: true, italic: true },
                AlignmentType::Left,
            ));
            for l in lines {
                cell = cell.add_paragraph(line(
                    &format!("- {l}"),
                    Look { size: COPIES, ..Look::default() },
                    AlignmentType::Left,
                ));
            }
        }
        SignColumn::Signer { lines, note, name } => {
            for l in lines.iter().filter(|l| !l.trim().is_empty()) {
                cell = cell.add_paragraph(line(&upper(l), Look::BOLD, AlignmentType::Center));
            }
            if !note.trim().is_empty() {
                cell = cell.add_paragraph(line(note, Look::ITALIC, AlignmentType::Center));
            }
            for _ in 0..4 {
                cell = cell.add_paragraph(blank_line());
            }
            cell = cell.add_paragraph(line(name, Look::BOLD, AlignmentType::Center));
        }
    }
    cell
}

/// The signature area: two columns side by side, kept on one page.
pub(super) fn signatures(left: &SignColumn, right: &SignColumn) -> Table {
    let (lw, rw) = (TEXT_WIDTH * 9 / 20, TEXT_WIDTH - TEXT_WIDTH * 9 / 20);
    borderless(vec![TableRow::new(vec![sign_cell(left, lw), sign_cell(right, rw)]).cant_split()], vec![lw, rw])
}

/// A table cell's line, with 2 pt above and below so rows do not touch their borders.
fn cell_line(text: &str, look: Look, align: AlignmentType) -> Paragraph {
    line(text, look, align).line_spacing(spacing(40, 40))
}

/// A grid table with a bold header row that repeats on every page.
pub(super) struct Grid {
    widths: Vec<usize>,
    rows: Vec<TableRow>,
}

impl Grid {
    /// Columns sized by share of the text width (the last takes the remainder).
    pub(super) fn new(headers: &[String], shares: &[usize]) -> Grid {
        let total: usize = shares.iter().sum();
        let mut widths: Vec<usize> = shares.iter().map(|s| TEXT_WIDTH * s / total).collect();
        let used: usize = widths.iter().take(widths.len().saturating_sub(1)).sum();
        if let Some(last) = widths.last_mut() {
            *last = TEXT_WIDTH - used;
        }
        let cells = headers
            .iter()
            .zip(&widths)
            .map(|(h, w)| {
                cell(*w).vertical_align(VAlignType::Center).add_paragraph(line(
                    h,
                    Look::CELL_BOLD,
                    AlignmentType::Center,
                ))
            })
            .collect();
        Grid { rows: vec![TableRow::new(cells).cant_split()], widths }
    }

    /// A data row; `align` per column.
    pub(super) fn row(&mut self, values: &[String], align: &[AlignmentType]) {
        let cells = values
            .iter()
            .zip(&self.widths)
            .enumerate()
            .map(|(i, (v, w))| {
                let a = align.get(i).copied().unwrap_or(AlignmentType::Left);
                cell(*w).vertical_align(VAlignType::Center).add_paragraph(cell_line(v, Look::CELL, a))
            })
            .collect();
        self.rows.push(TableRow::new(cells).cant_split());
    }

    /// A row across every column (a group's title), inside the grid.
    pub(super) fn span_row(&mut self, text: &str) {
        let c = cell(TEXT_WIDTH).grid_span(self.widths.len()).add_paragraph(line(
            text,
            Look::CELL_BOLD,
            AlignmentType::Left,
        ));
        self.rows.push(TableRow::new(vec![c]).cant_split());
    }

    /// A bold row: the first cells merged for the label, then the last column's value.
    pub(super) fn total_row(&mut self, label: &str, value: &str) {
        let n = self.widths.len();
        let label_width: usize = self.widths[..n - 1].iter().sum();
        let cells = vec![
            cell(label_width).grid_span(n - 1).add_paragraph(cell_line(label, Look::CELL_BOLD, AlignmentType::Center)),
            cell(self.widths[n - 1]).add_paragraph(cell_line(value, Look::CELL_BOLD, AlignmentType::Right)),
        ];
        self.rows.push(TableRow::new(cells).cant_split());
    }

    pub(super) fn table(self) -> Table {
        let border = |p| TableBorder::new(p).border_type(BorderType::Single).size(4).color("000000");
        let borders = TableBorders::new()
            .set(border(TableBorderPosition::Top))
            .set(border(TableBorderPosition::Bottom))
            .set(border(TableBorderPosition::Left))
            .set(border(TableBorderPosition::Right))
            .set(border(TableBorderPosition::InsideH))
            .set(border(TableBorderPosition::InsideV));
        Table::new(self.rows)
            .set_grid(self.widths)
            .width(TEXT_WIDTH, WidthType::Dxa)
            .layout(TableLayoutType::Fixed)
            .set_borders(borders)
    }
}

/// The bytes of the .docx.
pub(super) fn pack(docx: Docx) -> Result<Vec<u8>> {
    let mut xml = docx.build();
    xml.document = repeat_header_rows(&xml.document);
    let mut buf = Cursor::new(Vec::new());
    xml.pack(&mut buf).context("không đóng gói được tệp .docx")?;
    Ok(buf.into_inner())
}

/// Marks the first row of every table as a header row (`w:tblHeader`), so that a table running
/// over a page break repeats it. Every row is written `cantSplit`, so the first such mark after
/// each `<w:tbl>` belongs to its first row.
fn repeat_header_rows(document: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(document);
    let (table, mark) = ("<w:tbl>", "<w:cantSplit />");
    let mut out = String::with_capacity(text.len() + 256);
    let mut rest: &str = &text;
    while let Some(t) = rest.find(table) {
        let (head, tail) = rest.split_at(t + table.len());
        out.push_str(head);
        match tail.find(mark) {
            Some(m) if tail[..m].find(table).is_none() => {
                out.push_str(&tail[..m + mark.len()]);
                out.push_str("<w:tblHeader />");
                rest = &tail[m + mark.len()..];
            }
            _ => rest = tail,
        }
    }
    out.push_str(rest);
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_are_plausible() {
        // "Độc lập - Tự do - Hạnh phúc" at 13 pt bold prints about 5,4 cm (≈ 3 060 twips).
        let w = text_width("Độc lập - Tự do - Hạnh phúc", Look { size: 26, bold: true, italic: false });
        assert!((2800..3300).contains(&w), "{w}");
        // The Quốc hiệu at 12 pt bold fits the right column.
        let q = text_width("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", Look { size: 24, bold: true, italic: false });
        assert!(q + 2 * CELL_PADDING < RIGHT_COLUMN, "{q}");
    }

    #[test]
    fn header_rows_are_marked_once_per_table() {
        let xml = b"<w:tbl><w:tr><w:trPr><w:cantSplit /></w:trPr></w:tr><w:tr><w:trPr><w:cantSplit /></w:trPr></w:tr></w:tbl><w:tbl><w:tr></w:tr></w:tbl>";
        let out = String::from_utf8(repeat_header_rows(xml)).unwrap();
        assert_eq!(out.matches("<w:tblHeader />").count(), 1, "{out}");
    }
}
