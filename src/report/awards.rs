//! The award round's workbook, for the office that prepares the council: every candidate with
//! the decision and its reason, every criterion checked with the facts it looked at (in words
//! and Vietnamese numbers), and the figures each nominee's achievement report needs, as
//! numbers. The documents to sign (Tờ trình with its Danh sách, Biên bản, Báo cáo thành tích)
//! are Word files drafted by `documents`; the workbook does not print them a second time.

use anyhow::Result;
use chrono::{DateTime, NaiveDate};
use chrono_tz::Tz;
use polars::prelude::*;
use rust_xlsxwriter::{Workbook, Worksheet};

use super::award_words::{self, AwardNames};
use super::table::{Col, Formats, Kind, c, note_across, write_table};
use crate::config::Ward;
use crate::registry::Registry;
use crate::score::{Audience, AwardRules, Candidate, Fact, Outcome, Reason, Verdict};

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
    /// The names of annual titles and advising roles (the ward's templates).
    pub names: &'a AwardNames,
}

pub(crate) fn level_name(r: &AwardsReport<'_>, code: &str) -> String {
    r.rules.levels.iter().find(|l| l.code == code).map_or_else(|| code.to_string(), |l| l.name.clone())
}

/// The decision in words, for the council.
pub fn reason_vi(r: &AwardsReport<'_>, o: &Outcome) -> Result<String> {
    Ok(match &o.reason {
        Reason::Awarded => "Đủ tiêu chuẩn, đề nghị khen thưởng".into(),
        Reason::Excluded(code) => {
            let name = r.rules.exclusions.iter().find(|x| &x.code == code).map_or(code.as_str(), |x| x.name.as_str());
            format!("Không xét: {name}")
        }
        Reason::Failed(code) => {
            let failed = o.checks.iter().rev().find(|k| &k.code == code && k.verdict == Verdict::NotMet);
            match failed {
                Some(k) => format!("Chưa đạt tiêu chí: {} ({})", k.name, award_words::evidence(&k.evidence, r.names)?),
                None => "Chưa đạt tiêu chí của mức khen nào".into(),
            }
        }
        Reason::Cap => "Đủ tiêu chuẩn nhưng vượt số lượng tối đa của mức khen".into(),
    })
}

pub(crate) fn prize(r: &AwardsReport<'_>, o: &Outcome) -> Option<f64> {
    let level = r.rules.levels.iter().find(|l| Some(&l.code) == o.level.as_ref())?;
    Some(level.prize_multiple(o.audience) * r.rules.base_salary_on(r.round_day)?)
}

pub(crate) fn unit_name(r: &AwardsReport<'_>, code: Option<&String>) -> String {
    code.and_then(|c| r.registry.unit(c)).map_or_else(String::new, |u| u.name.clone())
}

fn summary_frame(r: &AwardsReport<'_>) -> Result<DataFrame> {
    let o = r.outcomes;
    let reasons = o.iter().map(|x| reason_vi(r, x)).collect::<Result<Vec<_>>>()?;
    Ok(df![
        "audience" => o.iter().map(|x| x.audience.label().to_string()).collect::<Vec<_>>(),
        "name" => o.iter().map(|x| x.name.clone()).collect::<Vec<_>>(),
        "unit" => o.iter().map(|x| position_and_unit(r, x)).collect::<Vec<_>>(),
        "level" => o.iter().map(|x| x.level.as_deref().map(|l| level_name(r, l))).collect::<Vec<_>>(),
        "rank" => o.iter().map(|x| x.rank.map(|k| k as i64)).collect::<Vec<_>>(),
        "reason" => reasons,
        "prize" => o.iter().map(|x| prize(r, x)).collect::<Vec<_>>(),
    ]?)
}

/// An officer's position and unit ("Công chức Văn phòng - Thống kê, Bộ phận …"); nothing for
/// a collective.
fn position_and_unit(r: &AwardsReport<'_>, o: &Outcome) -> String {
    match o.audience {
        Audience::Collective => String::new(),
        Audience::Individual => {
            let position = r.registry.officer(&o.code).map(|x| x.position.as_str()).filter(|p| !p.is_empty());
            let unit = unit_name(r, o.unit.as_ref());
            position.map_or_else(|| unit.clone(), |p| format!("{p}, {unit}"))
        }
    }
}

fn checks_frame(r: &AwardsReport<'_>) -> Result<DataFrame> {
    let rows: Vec<(&Outcome, &crate::score::CriterionResult)> =
        r.outcomes.iter().flat_map(|o| o.checks.iter().map(move |k| (o, k))).collect();
    let evidence = rows.iter().map(|(_, k)| award_words::evidence(&k.evidence, r.names)).collect::<Result<Vec<_>>>()?;
    Ok(df![
        "audience" => rows.iter().map(|(o, _)| o.audience.label().to_string()).collect::<Vec<_>>(),
        "name" => rows.iter().map(|(o, _)| o.name.clone()).collect::<Vec<_>>(),
        "level" => rows.iter().map(|(_, k)| level_name(r, &k.level)).collect::<Vec<_>>(),
        "criterion_name" => rows.iter().map(|(_, k)| k.name.clone()).collect::<Vec<_>>(),
        "verdict" => rows.iter().map(|(_, k)| match k.verdict {
            Verdict::Met => "Đạt",
            Verdict::NotMet => "Không đạt",
            Verdict::NotApplicable => "Không áp dụng",
        }.to_string()).collect::<Vec<_>>(),
        "evidence" => evidence,
    ]?)
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

/// A nominee's fact as a number (`None` when it has none).
fn fact_num(c: Option<&Candidate>, key: &str) -> Option<f64> {
    match c?.facts.get(key)? {
        Fact::Num(x) => Some(*x),
        _ => None,
    }
}

/// A nominee's fact in words with what it rests on ("có (… xác nhận ngày 20/12/2024)").
fn fact_words(r: &AwardsReport<'_>, c: Option<&Candidate>, key: &str) -> Result<Option<String>> {
    let Some(c) = c else { return Ok(None) };
    let value = match c.facts.get(key) {
        Some(f) => award_words::value(key, f, r.names)?,
        // No fact, only why ("không có chỉ tiêu để xét").
        None => return Ok(c.notes.get(key).cloned()),
    };
    Ok(Some(match c.notes.get(key) {
        Some(n) => format!("{value} ({n})"),
        None => value,
    }))
}

fn figures_frame(r: &AwardsReport<'_>) -> Result<DataFrame> {
    let list: Vec<&Outcome> = r.outcomes.iter().filter(|o| o.level.is_some()).collect();
    let cands: Vec<Option<&Candidate>> =
        list.iter().map(|o| r.candidates.iter().find(|c| c.code == o.code && c.audience == o.audience)).collect();
    let mut cols = vec![
        Column::new("name".into(), list.iter().map(|o| o.name.clone()).collect::<Vec<_>>()),
        Column::new(
            "level".into(),
            list.iter().map(|o| level_name(r, o.level.as_deref().unwrap_or(""))).collect::<Vec<_>>(),
        ),
    ];
    for k in ["par_total", "par_rank", "on_time_rate", "dossiers", "complaints", "initiatives_authored"] {
        cols.push(Column::new(k.into(), cands.iter().map(|c| fact_num(*c, k)).collect::<Vec<_>>()));
    }
    for k in ["par_band", "targets_met", "tasks_completed_well", "annual_title"] {
        let words = cands.iter().map(|c| fact_words(r, *c, k)).collect::<Result<Vec<_>>>()?;
        cols.push(Column::new(k.into(), words));
    }
    Ok(DataFrame::new_infer_height(cols)?)
}

pub fn awards_workbook(r: &AwardsReport<'_>) -> Result<Vec<u8>> {
    let f = Formats::new();
    let mut wb = Workbook::new();
    // The note under the title wraps across the printed width (the rules' decision is long).
    let title = |ws: &mut Worksheet, h: &str, cols: &[Col<'_>]| -> Result<u32> {
        ws.write_string_with_format(0, 0, format!("{} — {h}", r.ward.name.to_uppercase()), &f.title)?;
        note_across(
            ws,
            1,
            &format!(
                "Năm {}; xét ngày {}; lập lúc {}. Tiêu chuẩn: {} ({}).",
                r.year,
                r.round_day.format("%d/%m/%Y"),
                r.generated_at.format("%H:%M %d/%m/%Y"),
                r.rules.name,
                r.rules.decision
            ),
            cols,
            &f,
        )?;
        Ok(3)
    };
    let ws = wb.add_worksheet().set_name("Kết quả xét khen")?;
    let cols = [
        c("Đối tượng", "audience", Kind::Text, 9.0),
        c("Tên", "name", Kind::Text, 24.0),
        c("Chức vụ, đơn vị", "unit", Kind::Text, 28.0),
        c("Hình thức đề nghị", "level", Kind::Text, 24.0),
        c("Thứ tự", "rank", Kind::Int, 7.0),
        c("Kết quả xét", "reason", Kind::Text, 46.0),
        c("Tiền thưởng (đồng)", "prize", Kind::Int, 12.0),
    ];
    let row = title(ws, &format!("KẾT QUẢ XÉT KHEN THƯỞNG NĂM {}", r.year), &cols)?;
    write_table(ws, row, &summary_frame(r)?, &cols, &f)?;
    let ws = wb.add_worksheet().set_name("Đánh giá tiêu chí")?;
    let cols = [
        c("Đối tượng", "audience", Kind::Text, 9.0),
        c("Tên", "name", Kind::Text, 24.0),
        c("Mức khen", "level", Kind::Text, 22.0),
        c("Tiêu chí", "criterion_name", Kind::Text, 40.0),
        c("Kết quả", "verdict", Kind::Text, 10.0),
        c("Căn cứ", "evidence", Kind::Text, 50.0),
    ];
    let row = title(ws, "ĐÁNH GIÁ TỪNG TIÊU CHUẨN, KÈM CĂN CỨ", &cols)?;
    write_table(ws, row, &checks_frame(r)?, &cols, &f)?;
    let ws = wb.add_worksheet().set_name("Số liệu báo cáo thành tích")?;
    let cols = [
        c("Tập thể / cá nhân", "name", Kind::Text, 22.0),
        c("Hình thức đề nghị", "level", Kind::Text, 20.0),
        c("Điểm chỉ số CCHC", "par_total", Kind::Points, 9.0),
        c("Xếp loại CCHC", "par_band", Kind::Text, 9.0),
        c("Hạng CCHC", "par_rank", Kind::Int, 7.0),
        c("Tỷ lệ đúng hạn", "on_time_rate", Kind::Rate, 9.0),
        c("Hồ sơ giải quyết", "dossiers", Kind::Int, 9.0),
        c("Phản ánh có cơ sở", "complaints", Kind::Int, 9.0),
        c("Sáng kiến", "initiatives_authored", Kind::Int, 8.0),
        c("Đạt chỉ tiêu", "targets_met", Kind::Text, 18.0),
        c("Hoàn thành tốt nhiệm vụ", "tasks_completed_well", Kind::Text, 20.0),
        c("Danh hiệu năm", "annual_title", Kind::Text, 14.0),
    ];
    let row = title(ws, "SỐ LIỆU CHO BÁO CÁO THÀNH TÍCH CỦA TỪNG ĐỐI TƯỢNG ĐỀ NGHỊ", &cols)?;
    write_table(ws, row, &figures_frame(r)?, &cols, &f)?;
    Ok(wb.save_to_buffer()?)
}
