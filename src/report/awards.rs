//! The award round's workbook: every candidate with the decision and its reason, every
//! criterion checked with its evidence, the printable proposal list (Danh sách đề nghị khen
//! thưởng, A4, to attach to the Tờ trình), a draft of the council minutes (Biên bản) with vote
//! columns, and the figures each nominee's achievement report needs.

use anyhow::Result;
use chrono::{DateTime, NaiveDate};
use chrono_tz::Tz;
use polars::prelude::*;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet};

use super::table::{Formats, Kind, c, fit_row, write_table};
use super::text::number;
use crate::config::Ward;
use crate::registry::Registry;
use crate::score::{Audience, AwardRules, Candidate, Outcome, Reason, Verdict};

pub struct AwardsReport<'a> {
    pub ward: &'a Ward,
    pub year: i32,
    pub round_day: NaiveDate,
    pub generated_at: DateTime<Tz>,
    pub rules: &'a AwardRules,
    /// The emulation plan the round closes (valid on the round day), as the lists cite it.
    pub plan: Option<&'a crate::score::Plan>,
    pub registry: &'a Registry,
    pub candidates: &'a [Candidate],
    pub outcomes: &'a [Outcome],
}

pub(crate) fn level_name(r: &AwardsReport<'_>, code: &str) -> String {
    r.rules.levels.iter().find(|l| l.code == code).map_or_else(|| code.to_string(), |l| l.name.clone())
}

/// The decision in words, for the council.
pub fn reason_vi(r: &AwardsReport<'_>, o: &Outcome) -> String {
    match &o.reason {
        Reason::Awarded => "Đủ tiêu chuẩn, đề nghị khen thưởng".into(),
        Reason::Excluded(code) => {
            let name = r.rules.exclusions.iter().find(|x| &x.code == code).map_or(code.as_str(), |x| x.name.as_str());
            format!("Không xét: {name}")
        }
        Reason::Failed(code) => {
            let failed = o.checks.iter().rev().find(|k| &k.code == code && k.verdict == Verdict::NotMet);
            match failed {
                Some(k) => format!("Chưa đạt tiêu chí {} — {} ({})", k.code, k.name, k.evidence),
                None => format!("Chưa đạt tiêu chí {code}"),
            }
        }
        Reason::Cap => "Đủ tiêu chuẩn nhưng vượt số lượng tối đa của mức khen".into(),
    }
}

pub(crate) fn prize(r: &AwardsReport<'_>, o: &Outcome) -> Option<f64> {
    let level = r.rules.levels.iter().find(|l| Some(&l.code) == o.level.as_ref())?;
    Some(level.prize_multiple(o.audience) * r.rules.base_salary_on(r.round_day)?)
}

pub(crate) fn unit_name(r: &AwardsReport<'_>, code: Option<&String>) -> String {
    code.and_then(|c| r.registry.unit(c)).map_or_else(String::new, |u| u.name.clone())
}

fn summary_frame(r: &AwardsReport<'_>) -> PolarsResult<DataFrame> {
    let o = r.outcomes;
    df![
        "audience" => o.iter().map(|x| x.audience.label().to_string()).collect::<Vec<_>>(),
        "code" => o.iter().map(|x| x.code.clone()).collect::<Vec<_>>(),
        "name" => o.iter().map(|x| x.name.clone()).collect::<Vec<_>>(),
        "unit" => o.iter().map(|x| unit_name(r, x.unit.as_ref())).collect::<Vec<_>>(),
        "level" => o.iter().map(|x| x.level.as_deref().map(|l| level_name(r, l))).collect::<Vec<_>>(),
        "rank" => o.iter().map(|x| x.rank.map(|k| k as i64)).collect::<Vec<_>>(),
        "reason" => o.iter().map(|x| reason_vi(r, x)).collect::<Vec<_>>(),
        "prize" => o.iter().map(|x| prize(r, x)).collect::<Vec<_>>(),
    ]
}

fn checks_frame(r: &AwardsReport<'_>) -> PolarsResult<DataFrame> {
    let rows: Vec<(&Outcome, &crate::score::CriterionResult)> =
        r.outcomes.iter().flat_map(|o| o.checks.iter().map(move |k| (o, k))).collect();
    df![
        "audience" => rows.iter().map(|(o, _)| o.audience.label().to_string()).collect::<Vec<_>>(),
        "code" => rows.iter().map(|(o, _)| o.code.clone()).collect::<Vec<_>>(),
        "name" => rows.iter().map(|(o, _)| o.name.clone()).collect::<Vec<_>>(),
        "level" => rows.iter().map(|(_, k)| level_name(r, &k.level)).collect::<Vec<_>>(),
        "criterion" => rows.iter().map(|(_, k)| k.code.clone()).collect::<Vec<_>>(),
        "criterion_name" => rows.iter().map(|(_, k)| k.name.clone()).collect::<Vec<_>>(),
        "verdict" => rows.iter().map(|(_, k)| match k.verdict {
            Verdict::Met => "Đạt",
            Verdict::NotMet => "Không đạt",
            Verdict::NotApplicable => "Không áp dụng",
        }.to_string()).collect::<Vec<_>>(),
        "evidence" => rows.iter().map(|(_, k)| k.evidence.clone()).collect::<Vec<_>>(),
    ]
}

/// Nominees in print order: level by level (highest first), collectives before individuals, by rank.
pub(crate) fn nominees<'a>(r: &'a AwardsReport<'_>) -> Vec<(&'a crate::score::Level, Audience, Vec<&'a Outcome>)> {
    let mut out = Vec::new();
    for level in &r.rules.levels {
        for audience in [Audience::Collective, Audience::Individual] {
            let mut list: Vec<&Outcome> =
                r.outcomes.iter().filter(|o| o.audience == audience && o.level.as_ref() == Some(&level.code)).collect();
            list.sort_by_key(|o| o.rank);
            if !list.is_empty() {
                out.push((level, audience, list));
            }
        }
    }
    out
}

fn header_block(ws: &mut Worksheet, r: &AwardsReport<'_>, last_col: u16, title: &str, subtitle: &str) -> Result<u32> {
    let bold =
        Format::new().set_bold().set_font_name("Times New Roman").set_font_size(13).set_align(FormatAlign::Center);
    let normal = Format::new().set_font_name("Times New Roman").set_font_size(13).set_align(FormatAlign::Center);
    let italic = normal.clone().set_italic();
    let half = last_col / 2;
    ws.merge_range(0, 0, 0, half.saturating_sub(1), "ỦY BAN NHÂN DÂN", &normal)?;
    ws.merge_range(1, 0, 1, half.saturating_sub(1), &r.ward.name.to_uppercase(), &bold)?;
    ws.merge_range(0, half, 0, last_col, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", &bold)?;
    ws.merge_range(1, half, 1, last_col, "Độc lập - Tự do - Hạnh phúc", &bold)?;
    ws.merge_range(
        2,
        half,
        2,
        last_col,
        &format!("{}, ngày ... tháng ... năm {}", r.ward.short_name, r.year),
        &italic,
    )?;
    ws.merge_range(4, 0, 4, last_col, title, &bold)?;
    ws.merge_range(5, 0, 5, last_col, subtitle, &italic.clone().set_text_wrap())?;
    ws.set_row_height(5, 36)?;
    Ok(7)
}

fn proposal_sheet(wb: &mut Workbook, r: &AwardsReport<'_>) -> Result<()> {
    let ws = wb.add_worksheet().set_name("DS đề nghị khen thưởng")?;
    let cell = Format::new()
        .set_font_name("Times New Roman")
        .set_font_size(12)
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter);
    let head = cell.clone().set_bold().set_align(FormatAlign::Center);
    let section = Format::new().set_font_name("Times New Roman").set_font_size(12).set_bold();
    let mut row = header_block(
        ws,
        r,
        4,
        "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG",
        &match r.plan {
            Some(p) => format!("Phong trào thi đua “{}” ({}; kèm theo Tờ trình số ..../TTr-UBND)", p.title, p.short()),
            None => format!("Phong trào thi đua năm {} (kèm theo Tờ trình số ..../TTr-UBND)", r.year),
        },
    )?;
    for (col, (h, w)) in [
        ("STT", 5.0),
        ("Tên tập thể / Họ và tên", 28.0),
        ("Chức vụ, đơn vị", 28.0),
        ("Thành tích chủ yếu", 26.0),
        ("Tiền thưởng (đồng)", 13.0),
    ]
    .iter()
    .enumerate()
    {
        ws.write_string_with_format(row, col as u16, *h, &head)?;
        ws.set_column_width(col as u16, *w)?;
    }
    ws.set_row_height(row, 34)?;
    ws.set_repeat_rows(row, row)?;
    row += 1;
    row = proposal_rows(ws, r, row, &cell, &section)?;
    let sign =
        Format::new().set_font_name("Times New Roman").set_font_size(13).set_bold().set_align(FormatAlign::Center);
    let total: f64 = r.outcomes.iter().filter_map(|o| prize(r, o)).sum();
    let nominated = r.outcomes.iter().filter(|o| o.level.is_some()).count();
    ws.merge_range(row, 0, row, 3, &format!("Tổng cộng: {nominated} tập thể, cá nhân"), &section)?;
    ws.write_number_with_format(row, 4, total, &cell.clone().set_bold().set_num_format("#,##0"))?;
    ws.merge_range(row + 2, 2, row + 2, 4, "TM. ỦY BAN NHÂN DÂN", &sign)?;
    ws.merge_range(row + 3, 2, row + 3, 4, "CHỦ TỊCH", &sign)?;
    let italic =
        Format::new().set_font_name("Times New Roman").set_font_size(12).set_italic().set_align(FormatAlign::Center);
    ws.merge_range(row + 4, 2, row + 4, 4, "(Ký, ghi rõ họ tên, đóng dấu)", &italic)?;
    ws.set_paper_size(9).set_portrait().set_print_fit_to_pages(1, 0).set_margins(0.6, 0.5, 0.7, 0.7, 0.3, 0.3);
    Ok(())
}

/// The nominees, level by level and collective before individual, from `row` on; returns the
/// row after the last.
fn proposal_rows(
    ws: &mut Worksheet,
    r: &AwardsReport<'_>,
    mut row: u32,
    cell: &Format,
    section: &Format,
) -> Result<u32> {
    let roman = ["I", "II", "III", "IV", "V"];
    let mut current = String::new();
    let mut level_no = 0;
    for (level, audience, list) in nominees(r) {
        if level.code != current {
            current = level.code.clone();
            ws.merge_range(
                row,
                0,
                row,
                4,
                &format!("{}. {}", roman.get(level_no).unwrap_or(&""), level.name.to_uppercase()),
                section,
            )?;
            level_no += 1;
            row += 1;
        }
        ws.merge_range(
            row,
            0,
            row,
            4,
            &format!(
                "{} ({} {})",
                audience.label(),
                list.len(),
                if audience == Audience::Collective { "tập thể" } else { "cá nhân" }
            ),
            section,
        )?;
        row += 1;
        for (i, o) in list.iter().enumerate() {
            let cand = r.candidates.iter().find(|c| c.code == o.code && c.audience == o.audience);
            let position = match audience {
                Audience::Collective => String::new(),
                Audience::Individual => {
                    let pos = r.registry.officer(&o.code).map_or(String::new(), |x| x.position.clone());
                    format!("{pos}, {}", unit_name(r, o.unit.as_ref()))
                }
            };
            let achieved = cand.map_or(String::new(), achievements);
            fit_row(ws, row, &[(&o.name, 28.0), (&position, 28.0), (&achieved, 26.0)], 16.0)?;
            ws.write_number_with_format(row, 0, (i + 1) as f64, &cell.clone().set_align(FormatAlign::Center))?;
            ws.write_string_with_format(row, 1, &o.name, cell)?;
            ws.write_string_with_format(row, 2, &position, cell)?;
            ws.write_string_with_format(row, 3, &achieved, cell)?;
            match prize(r, o) {
                Some(p) => ws.write_number_with_format(row, 4, p, &cell.clone().set_num_format("#,##0"))?,
                None => ws.write_blank(row, 4, cell)?,
            };
            row += 1;
        }
    }
    Ok(row)
}

/// The main achievements of a candidate, from its facts, in one line.
fn achievements(c: &Candidate) -> String {
    let f = |k: &str| c.facts.get(k).map(crate::score::Fact::show);
    let mut parts = Vec::new();
    if let Some(t) = f("par_total") {
        parts.push(format!("Chỉ số CCHC {t} điểm ({})", f("par_band").unwrap_or_default()));
    }
    if let Some(x) =
        c.facts.get("on_time_rate").and_then(|x| if let crate::score::Fact::Num(v) = x { Some(*v) } else { None })
    {
        parts.push(format!("{}% hồ sơ đúng hạn", number(x * 100.0, 1)));
    }
    if let Some(d) = f("dossiers").filter(|d| d != "0") {
        parts.push(format!("giải quyết {} hồ sơ", thousands(&d)));
    }
    if let Some(i) = f("initiatives_authored").filter(|d| d != "0") {
        parts.push(format!("{i} sáng kiến"));
    }
    if matches!(c.facts.get("targets_met"), Some(crate::score::Fact::Bool(true))) {
        parts.push("đạt các chỉ tiêu thi đua".into());
    }
    let text = parts.join("; ");
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => text,
    }
}

/// "1149" → "1.149", as Vietnamese documents write it.
fn thousands(digits: &str) -> String {
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(ch);
    }
    out
}

fn minutes_sheet(wb: &mut Workbook, r: &AwardsReport<'_>) -> Result<()> {
    let ws = wb.add_worksheet().set_name("Biên bản họp (dự thảo)")?;
    let text = Format::new().set_font_name("Times New Roman").set_font_size(12);
    let cell = text.clone().set_border(FormatBorder::Thin).set_text_wrap();
    let head = cell.clone().set_bold().set_align(FormatAlign::Center);
    let mut row = header_block(
        ws,
        r,
        6,
        "BIÊN BẢN HỌP HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG",
        &format!("Xét đề nghị khen thưởng phong trào thi đua năm {}", r.year),
    )?;
    for line in [
        "Thời gian: ..... giờ ..... ngày ..... tháng ..... năm .....".to_string(),
        format!("Địa điểm: Trụ sở UBND {}", r.ward.name),
        "Thành phần: Hội đồng Thi đua - Khen thưởng phường (có mặt ..../.... thành viên).".to_string(),
        "Chủ trì: ..................................... Thư ký: .....................................".to_string(),
        format!(
            "Nội dung: Hội đồng xét các tập thể, cá nhân đủ tiêu chuẩn theo {} và biểu quyết như sau:",
            r.rules.name
        ),
    ] {
        ws.write_string_with_format(row, 0, &line, &text)?;
        row += 1;
    }
    row += 1;
    for (col, (h, w)) in [
        ("STT", 5.0),
        ("Tập thể / cá nhân", 26.0),
        ("Đơn vị", 24.0),
        ("Hình thức đề nghị", 22.0),
        ("Số phiếu đồng ý", 8.0),
        ("Không đồng ý", 8.0),
        ("Tỷ lệ đồng ý (%)", 8.0),
    ]
    .iter()
    .enumerate()
    {
        ws.write_string_with_format(row, col as u16, *h, &head)?;
        ws.set_column_width(col as u16, *w)?;
    }
    row += 1;
    let mut n = 0;
    for (level, _, list) in nominees(r) {
        for o in list {
            n += 1;
            let unit = unit_name(r, o.unit.as_ref());
            fit_row(ws, row, &[(&o.name, 26.0), (&unit, 24.0), (&level.name, 22.0)], 16.0)?;
            ws.write_number_with_format(row, 0, f64::from(n), &cell)?;
            ws.write_string_with_format(row, 1, &o.name, &cell)?;
            ws.write_string_with_format(row, 2, &unit, &cell)?;
            ws.write_string_with_format(row, 3, &level.name, &cell)?;
            for col in 4..=6 {
                ws.write_blank(row, col, &cell)?;
            }
            row += 1;
        }
    }
    row += 1;
    ws.write_string_with_format(
        row,
        0,
        "Biên bản kết thúc lúc ..... giờ ..... cùng ngày, đã thông qua trước Hội đồng.",
        &text,
    )?;
    let sign = text.clone().set_bold().set_align(FormatAlign::Center);
    ws.merge_range(row + 2, 0, row + 2, 2, "THƯ KÝ", &sign)?;
    ws.merge_range(row + 2, 3, row + 2, 6, "CHỦ TỊCH HỘI ĐỒNG", &sign)?;
    let italic = text.clone().set_italic().set_align(FormatAlign::Center);
    ws.merge_range(row + 3, 0, row + 3, 2, "(Ký, ghi rõ họ tên)", &italic)?;
    ws.merge_range(row + 3, 3, row + 3, 6, "(Ký, ghi rõ họ tên)", &italic)?;
    ws.set_paper_size(9).set_portrait().set_print_fit_to_pages(1, 0);
    Ok(())
}

fn figures_frame(r: &AwardsReport<'_>) -> PolarsResult<DataFrame> {
    let keys = [
        "par_total",
        "par_band",
        "par_rank",
        "on_time_rate",
        "dossiers",
        "complaints",
        "initiatives_authored",
        "targets_met",
        "tasks_completed_well",
        "annual_title",
    ];
    let list: Vec<&Outcome> = r.outcomes.iter().filter(|o| o.level.is_some()).collect();
    let fact = |o: &Outcome, k: &str| -> Option<String> {
        let c = r.candidates.iter().find(|c| c.code == o.code && c.audience == o.audience)?;
        let v = c.facts.get(k)?.show();
        Some(match c.notes.get(k) {
            Some(n) => format!("{v} ({n})"),
            None => v,
        })
    };
    let mut cols = vec![
        Column::new("name".into(), list.iter().map(|o| o.name.clone()).collect::<Vec<_>>()),
        Column::new(
            "level".into(),
            list.iter().map(|o| level_name(r, o.level.as_deref().unwrap_or(""))).collect::<Vec<_>>(),
        ),
    ];
    for k in keys {
        cols.push(Column::new(k.into(), list.iter().map(|o| fact(o, k)).collect::<Vec<_>>()));
    }
    DataFrame::new_infer_height(cols)
}

pub fn awards_workbook(r: &AwardsReport<'_>) -> Result<Vec<u8>> {
    let f = Formats::new();
    let mut wb = Workbook::new();
    let title = |ws: &mut Worksheet, h: &str| -> Result<u32> {
        ws.write_string_with_format(0, 0, format!("{} — {h}", r.ward.name.to_uppercase()), &f.title)?;
        ws.write_string_with_format(
            1,
            0,
            format!(
                "Năm {}; xét ngày {}; lập lúc {}. Tiêu chuẩn: {} ({}).",
                r.year,
                r.round_day.format("%d/%m/%Y"),
                r.generated_at.format("%H:%M %d/%m/%Y"),
                r.rules.name,
                r.rules.decision
            ),
            &f.note,
        )?;
        Ok(3)
    };
    let ws = wb.add_worksheet().set_name("Kết quả xét khen")?;
    let row = title(ws, &format!("KẾT QUẢ XÉT KHEN THƯỞNG NĂM {}", r.year))?;
    write_table(
        ws,
        row,
        &summary_frame(r)?,
        &[
            c("Đối tượng", "audience", Kind::Text, 10.0),
            c("Mã", "code", Kind::Text, 18.0),
            c("Tên", "name", Kind::Text, 34.0),
            c("Đơn vị", "unit", Kind::Text, 30.0),
            c("Hình thức đề nghị", "level", Kind::Text, 36.0),
            c("Thứ tự", "rank", Kind::Int, 8.0),
            c("Kết quả xét", "reason", Kind::Text, 70.0),
            c("Tiền thưởng (đồng)", "prize", Kind::Int, 14.0),
        ],
        &f,
    )?;
    let ws = wb.add_worksheet().set_name("Đánh giá tiêu chí")?;
    let row = title(ws, "ĐÁNH GIÁ TỪNG TIÊU CHUẨN, KÈM CĂN CỨ")?;
    write_table(
        ws,
        row,
        &checks_frame(r)?,
        &[
            c("Đối tượng", "audience", Kind::Text, 10.0),
            c("Mã", "code", Kind::Text, 18.0),
            c("Tên", "name", Kind::Text, 30.0),
            c("Mức khen", "level", Kind::Text, 34.0),
            c("Mã tiêu chí", "criterion", Kind::Text, 10.0),
            c("Tiêu chí", "criterion_name", Kind::Text, 50.0),
            c("Kết quả", "verdict", Kind::Text, 12.0),
            c("Căn cứ", "evidence", Kind::Text, 60.0),
        ],
        &f,
    )?;
    proposal_sheet(&mut wb, r)?;
    minutes_sheet(&mut wb, r)?;
    let ws = wb.add_worksheet().set_name("Số liệu báo cáo thành tích")?;
    let row = title(ws, "SỐ LIỆU CHO BÁO CÁO THÀNH TÍCH CỦA TỪNG ĐỐI TƯỢNG ĐỀ NGHỊ")?;
    write_table(
        ws,
        row,
        &figures_frame(r)?,
        &[
            c("Tập thể / cá nhân", "name", Kind::Text, 32.0),
            c("Hình thức đề nghị", "level", Kind::Text, 34.0),
            c("Điểm chỉ số CCHC", "par_total", Kind::Text, 10.0),
            c("Xếp loại CCHC", "par_band", Kind::Text, 10.0),
            c("Hạng CCHC", "par_rank", Kind::Text, 8.0),
            c("Tỷ lệ đúng hạn", "on_time_rate", Kind::Text, 10.0),
            c("Hồ sơ giải quyết", "dossiers", Kind::Text, 10.0),
            c("Phản ánh có cơ sở", "complaints", Kind::Text, 10.0),
            c("Sáng kiến", "initiatives_authored", Kind::Text, 9.0),
            c("Đạt chỉ tiêu", "targets_met", Kind::Text, 30.0),
            c("Hoàn thành tốt nhiệm vụ", "tasks_completed_well", Kind::Text, 36.0),
            c("Danh hiệu năm", "annual_title", Kind::Text, 22.0),
        ],
        &f,
    )?;
    Ok(wb.save_to_buffer()?)
}
