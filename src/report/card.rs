//! A unit's own card, for its head: the unit's figures and rank, the points it lost (largest
//! first, with the evidence) and its overdue dossiers — as an e-mail body (HTML and text)
//! and a small workbook attached to it. Its overdue dossiers name the officer handling each
//! as the monthly workbook does (one mapping, [`with_officer_names`]): the head acts on a
//! person, whom a login does not name.

use anyhow::Result;
use polars::prelude::*;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet};

use super::message::{Block, Cell, Email, Message, Span};
use super::officers::with_officer_names;
use super::summary::UnitLine;
use super::table::{Formats, Kind, c, fit_row, write_table};
use super::text::{number, percent};
use crate::period::Period;
use crate::registry::Registry;

pub struct UnitCard {
    pub line: UnitLine,
    pub units_ranked: usize,
    /// The unit's rows of the lost-points table.
    pub lost: DataFrame,
    /// The unit's overdue dossiers, with the `officer_name` handling each.
    pub overdue: DataFrame,
}

/// The ward's overdue dossiers as the cards list them: each with the name of the officer
/// handling it. Named once for every card (a province has 160), then split by unit.
pub fn named_overdue(overdue: &DataFrame, registry: &Registry) -> PolarsResult<DataFrame> {
    with_officer_names(overdue, registry)
}

/// One unit's card, from the ward's losses and its [`named_overdue`] dossiers.
pub fn unit_card(
    line: &UnitLine,
    units_ranked: usize,
    lost: &DataFrame,
    overdue: &DataFrame,
) -> PolarsResult<UnitCard> {
    let mine = |df: &DataFrame, key: &str| df.clone().lazy().filter(col(key).eq(lit(line.code.clone()))).collect();
    Ok(UnitCard { line: line.clone(), units_ranked, lost: mine(lost, "unit")?, overdue: mine(overdue, "unit_code")? })
}

/// The columns of an overdue line, as [`overdue_line`] reads them.
const OVERDUE_LINE: [&str; 5] = ["dossier_id", "procedure_name", "days_late", "state", "officer_name"];

/// "trễ 5 ngày làm việc — Vũ Thị Lan": how late, and who handles it (when the export says).
fn overdue_line(r: &[String]) -> String {
    let late = lateness(&r[2], &r[3]);
    if r[4].is_empty() { late } else { format!("{late} — {}", r[4]) }
}

/// The losses of one index in one period, as the card and the e-mail show them.
struct Section {
    index: String,
    period: String,
    /// (criterion, "−5,68", evidence, what to do about it)
    rows: Vec<[String; 4]>,
    /// Criteria left out of `rows`.
    more: usize,
    total: f64,
}

impl Section {
    /// "Bộ chỉ số 766, tháng 10/2024: mất 16,56 điểm trên thang 100 (100 − 83,44)".
    fn heading(&self, l: &UnitLine) -> String {
        let scale = if self.index == super::losses::DTI_INDEX { "trên 1.000 điểm" } else { "trên thang 100" };
        let why = if self.index == super::losses::SERVICE_INDEX {
            format!(" (100 − {})", number(l.score, 2))
        } else {
            String::new()
        };
        format!("{}, {}: mất {} điểm {scale}{why}", self.index, self.period.to_lowercase(), number(self.total, 2))
    }

    fn more_line(&self) -> Option<String> {
        (self.more > 0).then(|| format!("Và {} tiêu chí khác (xem trang \"Điểm bị mất\" của tệp đính kèm).", self.more))
    }
}

/// The card's losses, one section per index and period, the largest `limit` of each.
fn sections(lost: &DataFrame, limit: usize) -> Vec<Section> {
    let s = |c: &str, i: usize| {
        lost.column(c).ok().and_then(|c| c.str().ok()?.get(i).map(str::to_string)).unwrap_or_default()
    };
    let x = |i: usize| lost.column("lost_score").ok().and_then(|c| c.f64().ok()?.get(i)).unwrap_or(0.0);
    let mut out: Vec<Section> = Vec::new();
    for i in 0..lost.height() {
        let (index, period) = (s("index", i), s("period", i));
        if out.last().is_none_or(|sec| sec.index != index || sec.period != period) {
            out.push(Section { index, period, rows: Vec::new(), more: 0, total: 0.0 });
        }
        let sec = out.last_mut().expect("pushed");
        sec.total += x(i);
        if sec.rows.len() < limit {
            sec.rows.push([s("criterion", i), format!("−{}", number(x(i), 2)), s("evidence", i), s("action", i)]);
        } else {
            sec.more += 1;
        }
    }
    out
}

/// "trễ 5 ngày làm việc"; a dossier late for its supplements only says so, and one late by
/// the calendar but by less than a working day says that — never "trễ 0 ngày".
pub fn lateness(days: &str, state: &str) -> String {
    match days {
        "" | "0" if state.contains("bổ sung") => state.to_string(),
        "" | "0" => "trễ hạn dưới 1 ngày làm việc".to_string(),
        d => format!("trễ {d} ngày làm việc"),
    }
}

/// The one-page card on a sheet: header, figures against their targets, the points lost
/// per index (largest first, with evidence and what to do about them), the overdue dossiers;
/// set up for one A4 page.
pub(super) fn card_sheet(ws: &mut Worksheet, card: &UnitCard, ward: &str, period: Period, f: &Formats) -> Result<()> {
    let l = &card.line;
    let cell = Format::new()
        .set_font_name("Times New Roman")
        .set_font_size(11)
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    let head = cell.clone().set_bold().set_background_color(0xDDEBF7);
    let good = cell.clone().set_font_color(0x2E7D32).set_bold();
    let bad = cell.clone().set_font_color(0xC62828).set_bold();
    let widths = [(0u16, 36.0), (1, 12.0), (2, 14.0), (3, 30.0)];
    for (col, w) in widths {
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
        ("Số hồ sơ trễ hạn", number(l.late as f64, 0), "0", Some(on_time_met)),
        ("Số hồ sơ trong kỳ", number(l.active as f64, 0), "", None),
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
    for sec in sections(&card.lost, 8) {
        row += 2;
        ws.merge_range(row, 0, row, 3, &sec.heading(l), &head)?;
        row += 1;
        for (c, h) in ["Tiêu chí", "Điểm bị mất"].iter().enumerate() {
            ws.write_string_with_format(row, c as u16, *h, &head)?;
        }
        ws.merge_range(row, 2, row, 3, "Căn cứ và việc cần làm", &head)?;
        for r in &sec.rows {
            row += 1;
            let why = if r[3].is_empty() { r[2].clone() } else { format!("{}\n{}", r[2], r[3]) };
            fit_row(ws, row, &[(&r[0], 36.0), (&why, 44.0)], 15.0)?;
            ws.write_string_with_format(row, 0, &r[0], &cell)?;
            ws.write_string_with_format(row, 1, &r[1], &bad)?;
            ws.merge_range(row, 2, row, 3, &why, &cell)?;
        }
        if let Some(more) = sec.more_line() {
            row += 1;
            ws.merge_range(row, 0, row, 3, &more, &cell)?;
        }
    }
    row += 2;
    ws.merge_range(row, 0, row, 3, &format!("Hồ sơ quá hạn ({})", card.overdue.height()), &head)?;
    if card.overdue.height() == 0 {
        row += 1;
        ws.merge_range(row, 0, row, 3, "Không có hồ sơ quá hạn.", &cell)?;
    }
    for r in rows(&card.overdue, &OVERDUE_LINE, 12) {
        row += 1;
        let (dossier, late) = (format!("{} — {}", r[0], r[1]), overdue_line(&r));
        fit_row(ws, row, &[(&dossier, 36.0), (&late, 56.0)], 15.0)?;
        ws.write_string_with_format(row, 0, &dossier, &cell)?;
        ws.merge_range(row, 1, row, 3, &late, &cell)?;
    }
    // Its four columns (92 characters) fit A4 portrait at 95 %: 11 pt prints at 10,5 pt. A long
    // card runs onto a second page rather than shrinking to one (it printed at 6,6 pt).
    ws.set_paper_size(9).set_portrait().set_print_scale(95).set_margins(0.5, 0.5, 0.6, 0.6, 0.3, 0.3);
    ws.set_print_area(0, 0, row, 3)?;
    Ok(())
}

/// The card's workbook: the card, then every lost point and every overdue dossier, each
/// sheet titled with the unit and the month.
pub fn card_workbook(card: &UnitCard, ward: &str, period: Period) -> Result<Vec<u8>> {
    let f = Formats::new();
    let mut wb = Workbook::new();
    // Level 1 of 9: deflating the sheets' XML was most of the save (BENCHMARKS.md, the
    // writing stage); the file grows a little, the save takes less.
    wb.set_zip_compression_level(1);
    card_sheet(wb.add_worksheet().set_name("Thẻ đơn vị")?, card, ward, period, &f)?;
    let title = |ws: &mut Worksheet, what: &str| -> Result<u32> {
        ws.write_string_with_format(
            0,
            0,
            format!(
                "{} — {} — {} {}",
                ward.to_uppercase(),
                what,
                card.line.name.to_uppercase(),
                period.label_vi().to_uppercase()
            ),
            &f.title,
        )?;
        Ok(2)
    };
    let ws = wb.add_worksheet().set_name("Điểm bị mất")?;
    let row = title(ws, "ĐIỂM BỊ MẤT")?;
    ws.write_string_with_format(row - 1, 0, super::losses::SCALE_NOTE, &f.note)?;
    // write_table lays the page out (≥ 85 %, split side by side rather than shrunk).
    write_table(ws, row, &card.lost, &super::losses::lost_columns(), &f)?;
    let ws = wb.add_worksheet().set_name("Hồ sơ quá hạn")?;
    let row = title(ws, "HỒ SƠ QUÁ HẠN")?;
    if card.overdue.height() == 0 {
        ws.write_string_with_format(row, 0, "Không có hồ sơ quá hạn trong kỳ.", &f.note)?;
    } else {
        let mut cols =
            vec![c("Mã hồ sơ", "dossier_id", Kind::Text, 26.0), c("Tên thủ tục", "procedure_name", Kind::Text, 40.0)];
        // Officers by name when the list carries them; a login is not for readers.
        if card.overdue.schema().contains("officer_name") {
            cols.push(c("Cán bộ xử lý", "officer_name", Kind::Text, 22.0));
        }
        cols.extend([
            c("Ngày hẹn trả", "due_at", Kind::DateTime, 16.0),
            c("Tình trạng", "state", Kind::Text, 24.0),
            c("Số ngày làm việc trễ", "days_late", Kind::Int, 10.0),
        ]);
        write_table(ws, row, &card.overdue, &cols, &f)?;
    }
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
        rows: rows
            .into_iter()
            .map(|r| {
                r.into_iter()
                    .enumerate()
                    .map(|(i, t)| if i == 1 && t.starts_with('−') { Cell::Number(t) } else { Cell::Text(t) })
                    .collect()
            })
            .collect(),
    };
    let mut blocks = vec![Block::Para(vec![
        Span::Text("Kết quả giải quyết TTHC ".into()),
        Span::Bold(period.label_vi()),
        Span::Text(format!(" của {}: ", l.name)),
        Span::Bold(format!("{} điểm", number(l.score, 2))),
        Span::Text(format!(" ({}), hạng ", l.band)),
        Span::Bold(format!("{}/{}", l.rank, card.units_ranked)),
        Span::Text(format!(
            "; {} hồ sơ, đúng hạn {}, {} hồ sơ trễ hạn.",
            number(l.active as f64, 0),
            percent(l.on_time_rate),
            number(l.late as f64, 0)
        )),
    ])];
    for sec in sections(&card.lost, 8) {
        blocks.push(Block::Heading(sec.heading(l)));
        blocks.push(table(
            &["Tiêu chí", "Điểm bị mất", "Căn cứ", "Việc cần làm"],
            sec.rows.iter().map(|r| r.to_vec()).collect(),
        ));
        if let Some(more) = sec.more_line() {
            blocks.push(Block::Para(vec![Span::Text(more)]));
        }
    }
    let overdue = rows(&card.overdue, &OVERDUE_LINE, 20);
    if !overdue.is_empty() {
        blocks.push(Block::Heading(format!("Hồ sơ quá hạn ({} hồ sơ)", card.overdue.height())));
        blocks.push(Block::Table {
            header: ["Mã hồ sơ", "Thủ tục", "Thời gian trễ", "Cán bộ xử lý"].map(String::from).to_vec(),
            rows: overdue
                .into_iter()
                .map(|r| {
                    let [id, procedure, days, state, officer] = <[String; 5]>::try_from(r).unwrap_or_default();
                    vec![
                        Cell::Code(id),
                        Cell::Text(procedure),
                        Cell::Code(lateness(&days, &state)),
                        Cell::Text(officer),
                    ]
                })
                .collect(),
        });
    }
    Message {
        subject,
        greeting,
        blocks,
        closing: vec![format!("Chi tiết trong tệp đính kèm {attachment}.")],
        sender: super::message::ward_office(ward_short),
    }
    .render()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_follow_the_index_and_period_and_say_what_was_left_out() {
        let lost = df![
            "index" => ["Bộ chỉ số 766", "Bộ chỉ số 766", "Bộ chỉ số 766", "Chỉ số CCHC (PAR)"],
            "period" => ["Tháng 10/2024", "Tháng 10/2024", "Tháng 10/2024", "Năm 2024"],
            "criterion" => ["a", "b", "c", "d"],
            "lost_score" => [5.0, 3.0, 1.5, 2.0],
            "evidence" => ["", "", "", ""],
            "action" => ["", "", "", ""],
        ]
        .unwrap();
        let s = sections(&lost, 2);
        assert_eq!(s.len(), 2, "one section per index and period");
        assert_eq!((s[0].rows.len(), s[0].more, s[0].total), (2, 1, 9.5));
        assert_eq!(s[0].rows[0][1], "−5,00", "a loss is shown as one");
        assert!(s[0].more_line().unwrap().starts_with("Và 1 tiêu chí khác"));
        let line = UnitLine {
            rank: 1,
            code: "U".into(),
            name: "U".into(),
            score: 90.5,
            band: "Xuất sắc".into(),
            active: 1,
            late: 0,
            on_time_rate: None,
        };
        assert_eq!(s[0].heading(&line), "Bộ chỉ số 766, tháng 10/2024: mất 9,50 điểm trên thang 100 (100 − 90,50)");
        assert_eq!(s[1].heading(&line), "Chỉ số CCHC (PAR), năm 2024: mất 2,00 điểm trên thang 100");
    }

    #[test]
    fn overdue_dossiers_name_the_officer_and_keep_a_login_the_register_does_not_know() {
        use crate::registry::{Gender, Officer};
        let day = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        let hung = Officer {
            id: "gd.nguyenvanhung.x01".into(),
            name: "Nguyễn Văn Hùng".into(),
            unit: "U".into(),
            position: "Công chức".into(),
            email: None,
            gender: Gender::Male,
            active: crate::validity::Validity::since(day),
        };
        let registry = Registry::from_units(Vec::new(), vec![hung]);
        let overdue = df![
            "dossier_id" => ["HS-1", "HS-2", "HS-3"],
            "procedure_name" => ["Chứng thực", "Hộ tịch", "Khác"],
            "unit_code" => ["U", "U", "V"],
            "officer_id" => ["gd.nguyenvanhung.x01", "gd.khongro", "gd.nguyenvanhung.x01"],
            "days_late" => [3i64, 1, 2],
            "state" => ["Đã kết thúc, trễ hạn"; 3],
        ]
        .unwrap();
        let lost = df!["unit" => [""; 0], "index" => [""; 0]].unwrap();
        let line = UnitLine {
            rank: 1,
            code: "U".into(),
            name: "U".into(),
            score: 90.0,
            band: String::new(),
            active: 2,
            late: 2,
            on_time_rate: None,
        };
        let card = unit_card(&line, 1, &lost, &named_overdue(&overdue, &registry).unwrap()).unwrap();
        let lines: Vec<String> =
            rows(&card.overdue, &OVERDUE_LINE, 12).iter().map(|r| format!("{} {}", r[0], overdue_line(r))).collect();
        assert_eq!(
            lines,
            ["HS-1 trễ 3 ngày làm việc — Nguyễn Văn Hùng", "HS-2 trễ 1 ngày làm việc — gd.khongro"],
            "the unit's own dossiers, by the officer's name or, unknown, as the export wrote it"
        );
    }

    #[test]
    fn a_dossier_late_for_its_supplements_says_so_not_zero_days() {
        assert_eq!(lateness("0", "Chưa kết thúc (bổ sung quá 1 lần)"), "Chưa kết thúc (bổ sung quá 1 lần)");
        assert_eq!(lateness("4", "Đã kết thúc, trễ hạn"), "trễ 4 ngày làm việc");
        assert_eq!(lateness("0", "Đã kết thúc, trễ hạn"), "trễ hạn dưới 1 ngày làm việc");
    }
}
