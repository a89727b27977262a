//! A unit's own card, for its head: the unit's figures and rank, the points it lost (largest
//! first, with the evidence) and its overdue dossiers — as an e-mail body (HTML and text)
//! and a small workbook attached to it.

use anyhow::Result;
use polars::prelude::*;
use rust_xlsxwriter::{Format, FormatBorder, Workbook, Worksheet};

use super::message::{Block, Cell, Email, Message, Span};
use super::summary::UnitLine;
use super::table::{Formats, Kind, c, fit_row, write_table};
use super::text::{number, percent};
use crate::period::Period;

pub struct UnitCard {
    pub line: UnitLine,
    pub units_ranked: usize,
    /// The unit's rows of the lost-points table.
    pub lost: DataFrame,
    /// The unit's overdue dossiers.
    pub overdue: DataFrame,
}

pub fn unit_card(
    line: &UnitLine,
    units_ranked: usize,
    lost: &DataFrame,
    overdue: &DataFrame,
) -> PolarsResult<UnitCard> {
    let mine = |df: &DataFrame, key: &str| df.clone().lazy().filter(col(key).eq(lit(line.code.clone()))).collect();
    Ok(UnitCard { line: line.clone(), units_ranked, lost: mine(lost, "unit")?, overdue: mine(overdue, "unit_code")? })
}

/// The one-page card on a sheet: header, figures against their targets, the points lost
/// (largest first, with evidence), the overdue dossiers; set up for one A4 page.
pub(super) fn card_sheet(ws: &mut Worksheet, card: &UnitCard, ward: &str, period: Period, f: &Formats) -> Result<()> {
    let l = &card.line;
    let cell =
        Format::new().set_font_name("Times New Roman").set_font_size(11).set_border(FormatBorder::Thin).set_text_wrap();
    let head = cell.clone().set_bold().set_background_color(0xDDEBF7);
    let good = cell.clone().set_font_color(0x2E7D32).set_bold();
    let bad = cell.clone().set_font_color(0xC62828).set_bold();
    for (col, w) in [(0u16, 40.0), (1, 14.0), (2, 14.0), (3, 12.0)] {
        ws.set_column_width(col, w)?;
    }
    ws.merge_range(
        0,
        0,
        0,
        3,
        &format!("{} — THẺ KẾT QUẢ {}", ward.to_uppercase(), period.label_vi().to_uppercase()),
        &f.title,
    )?;
    ws.merge_range(
        1,
        0,
        1,
        3,
        &format!("{}: {} điểm ({}), hạng {}/{}", l.name, number(l.score, 2), l.band, l.rank, card.units_ranked),
        &f.title,
    )?;
    let mut row = 3;
    for (c, h) in ["Chỉ tiêu", "Thực hiện", "Mục tiêu", "Kết quả"].iter().enumerate() {
        ws.write_string_with_format(row, c as u16, *h, &head)?;
    }
    let on_time_met = l.late == 0;
    let figures: [(&str, String, &str, Option<bool>); 4] = [
        ("Điểm Bộ chỉ số 766 (thang 100)", number(l.score, 2), "≥ 90", Some(l.score >= 90.0)),
        ("Tỷ lệ hồ sơ đúng hạn", percent(l.on_time_rate), "100%", Some(on_time_met)),
        ("Số hồ sơ trễ hạn", l.late.to_string(), "0", Some(on_time_met)),
        ("Số hồ sơ trong kỳ", l.active.to_string(), "", None),
    ];
    for (label, value, target, met) in figures {
        row += 1;
        ws.write_string_with_format(row, 0, label, &cell)?;
        ws.write_string_with_format(row, 1, &value, &cell)?;
        ws.write_string_with_format(row, 2, target, &cell)?;
        match met {
            Some(true) => ws.write_string_with_format(row, 3, "Đạt", &good)?,
            Some(false) => ws.write_string_with_format(row, 3, "Chưa đạt", &bad)?,
            None => ws.write_blank(row, 3, &cell)?,
        };
    }
    row += 2;
    ws.merge_range(row, 0, row, 3, "Điểm bị mất (lớn nhất trước) và căn cứ", &head)?;
    for r in rows(&card.lost, &["criterion", "lost", "evidence"], 10) {
        row += 1;
        fit_row(ws, row, &[(&r[0], 40.0), (&r[2], 26.0)], 15.0)?;
        ws.write_string_with_format(row, 0, &r[0], &cell)?;
        ws.write_string_with_format(row, 1, format!("−{}", r[1]), &bad)?;
        ws.merge_range(row, 2, row, 3, &r[2], &cell)?;
    }
    row += 2;
    ws.merge_range(row, 0, row, 3, &format!("Hồ sơ quá hạn ({})", card.overdue.height()), &head)?;
    for r in rows(&card.overdue, &["dossier_id", "procedure_name", "days_late"], 12) {
        row += 1;
        fit_row(ws, row, &[(&format!("{} — {}", r[0], r[1]), 40.0)], 15.0)?;
        ws.write_string_with_format(row, 0, format!("{} — {}", r[0], r[1]), &cell)?;
        ws.merge_range(row, 1, row, 3, &format!("trễ {} ngày làm việc", r[2]), &cell)?;
    }
    ws.set_paper_size(9).set_portrait().set_print_fit_to_pages(1, 1).set_margins(0.5, 0.5, 0.6, 0.6, 0.3, 0.3);
    Ok(())
}

pub fn card_workbook(card: &UnitCard, ward: &str, period: Period) -> Result<Vec<u8>> {
    let f = Formats::new();
    let mut wb = Workbook::new();
    card_sheet(wb.add_worksheet().set_name("Thẻ đơn vị")?, card, ward, period, &f)?;
    let ws = wb.add_worksheet().set_name("Điểm bị mất")?;
    write_table(ws, 0, &card.lost, &super::losses::lost_columns(), &f)?;
    let ws = wb.add_worksheet().set_name("Hồ sơ quá hạn")?;
    write_table(
        ws,
        0,
        &card.overdue,
        &[
            c("Mã hồ sơ", "dossier_id", Kind::Text, 26.0),
            c("Tên thủ tục", "procedure_name", Kind::Text, 40.0),
            c("Cán bộ xử lý", "officer_id", Kind::Text, 18.0),
            c("Ngày hẹn trả", "due_at", Kind::DateTime, 16.0),
            c("Tình trạng", "state", Kind::Text, 24.0),
            c("Số ngày làm việc trễ", "days_late", Kind::Int, 10.0),
        ],
        &f,
    )?;
    Ok(wb.save_to_buffer()?)
}

fn rows(df: &DataFrame, cols: &[&str], limit: usize) -> Vec<Vec<String>> {
    (0..df.height().min(limit))
        .map(|i| {
            cols.iter()
                .map(|c| {
                    df.column(c).ok().and_then(|s| s.get(i).ok()).map_or(String::new(), |v| match v {
                        AnyValue::String(s) => s.to_string(),
                        AnyValue::Float64(x) => number(x, 2),
                        AnyValue::Null => String::new(),
                        other => other.to_string(),
                    })
                })
                .collect()
        })
        .collect()
}

pub fn card_email(ward_short: &str, period: Period, card: &UnitCard, head: Option<&str>, attachment: &str) -> Email {
    let l = &card.line;
    let subject = format!(
        "[{ward_short}] Kết quả {} của {}: {} điểm, hạng {}/{}",
        period.label_vi(),
        l.name,
        number(l.score, 2),
        l.rank,
        card.units_ranked
    );
    let greeting =
        head.map_or_else(|| format!("Kính gửi Thủ trưởng {},", l.name), |h| format!("Kính gửi đồng chí {h},"));
    let table = |header: &[&str], rows: Vec<Vec<String>>| Block::Table {
        header: header.iter().map(|h| (*h).to_string()).collect(),
        rows: rows.into_iter().map(|r| r.into_iter().map(Cell::Text).collect()).collect(),
    };
    let mut blocks = vec![Block::Para(vec![
        Span::Text("Kết quả giải quyết TTHC ".into()),
        Span::Bold(period.label_vi()),
        Span::Text(format!(" của {}: ", l.name)),
        Span::Bold(format!("{} điểm", number(l.score, 2))),
        Span::Text(format!(" ({}), hạng ", l.band)),
        Span::Bold(format!("{}/{}", l.rank, card.units_ranked)),
        Span::Text(format!("; {} hồ sơ, đúng hạn {}, {} hồ sơ trễ hạn.", l.active, percent(l.on_time_rate), l.late)),
    ])];
    let lost = rows(&card.lost, &["criterion", "lost", "evidence"], 10);
    if !lost.is_empty() {
        blocks.push(Block::Heading("Điểm bị mất (lớn nhất trước)".into()));
        blocks.push(table(&["Tiêu chí", "Điểm bị mất", "Căn cứ"], lost));
    }
    let overdue = rows(&card.overdue, &["dossier_id", "procedure_name", "days_late"], 20);
    if !overdue.is_empty() {
        blocks.push(Block::Heading("Hồ sơ quá hạn".into()));
        blocks.push(table(&["Mã hồ sơ", "Thủ tục", "Số ngày làm việc trễ"], overdue));
    }
    Message { subject, greeting, blocks, closing: vec![format!("Chi tiết trong tệp đính kèm {attachment}.")] }.render()
}
