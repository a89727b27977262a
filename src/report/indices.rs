//! The index sheets of the monthly workbook (PAR, DTI, DDCI, when their data arrived) and
//! the lost-points sheet: every criterion where a unit lost points, largest first, with the
//! evidence behind it — what section IV.3 of the plan asks the PAR/DTI officer to review.

use anyhow::Result;
use polars::prelude::*;
use rust_xlsxwriter::{Workbook, Worksheet};

use super::table::{Col, Formats, Kind, c, note_across, print_layout, write_table};
use crate::score::IndexMethod;
use crate::score::{IndexScores, Scored};
use crate::vi::number;

/// Component code → name and parent name, to label engine rows.
fn component_labels(m: &IndexMethod) -> PolarsResult<DataFrame> {
    let name_of = |code: &Option<String>| {
        code.as_ref().and_then(|p| m.components.iter().find(|c| &c.code == p)).map(|c| c.name.clone())
    };
    df![
        "l_component" => m.components.iter().map(|c| c.code.clone()).collect::<Vec<_>>(),
        "component_name" => m.components.iter().map(|c| c.name.clone()).collect::<Vec<_>>(),
        "parent_name" => m.components.iter().map(|c| name_of(&c.parent)).collect::<Vec<_>>(),
        "is_leaf" => m.components.iter().map(|c| c.op.is_some()).collect::<Vec<_>>(),
    ]
}

pub(super) fn labelled(s: &Scored) -> PolarsResult<DataFrame> {
    s.result
        .components
        .clone()
        .lazy()
        .join(
            component_labels(&s.method)?.lazy(),
            [col("component")],
            [col("l_component")],
            JoinArgs::new(JoinType::Left),
        )
        .collect()
}

/// What a ranking sheet says around its table: the header of the units' column, the note
/// under the title, and whose line is highlighted (the ward among the province's communes).
struct Wording<'a> {
    unit_header: &'a str,
    note: &'a str,
    highlight: Option<&'a str>,
}

/// Units ranked, with one column per top-level component.
fn ranking_sheet(
    ws: &mut Worksheet,
    row: u32,
    s: &Scored,
    units: &DataFrame,
    w: &Wording<'_>,
    f: &Formats,
) -> Result<u32> {
    let Wording { unit_header, note, highlight } = *w;
    let m = &s.method;
    let top: Vec<(String, String)> = m
        .components
        .iter()
        .filter(|c| c.parent.is_none())
        .map(|c| (c.code.clone(), format!("{} ({})", c.name, points_vi(c.max_points))))
        .collect();
    let wide = ranked_units(s, units, &top)?;
    let point_cols: Vec<String> = top.iter().map(|(code, _)| format!("pt_{code}")).collect();
    let mut cols: Vec<Col<'_>> = vec![
        c("Hạng", "rank", Kind::Int, 7.0),
        c(unit_header, "unit_label", Kind::Text, 30.0),
        c("Tổng điểm", "total", Kind::Points, 10.0),
    ];
    // A methodology without bands leaves the column out rather than empty.
    if wide.column("band")?.null_count() < wide.height() {
        cols.push(c("Xếp loại", "band", Kind::Text, 11.0));
    }
    cols.extend(top.iter().zip(&point_cols).map(|((_, header), column)| c(header, column, Kind::Points, 13.0)));
    let last = write_table(ws, row, &wide, &cols, f)?;
    // The ward's own line among the province's communes, in bold on yellow.
    if let Some(ward) = highlight {
        let labels = wide.column("unit_label")?.str()?;
        for (i, label) in labels.iter().enumerate() {
            if label.is_some_and(|l| l.eq_ignore_ascii_case(ward)) {
                for (j, col) in cols.iter().enumerate() {
                    let base = match col.kind {
                        Kind::Int => &f.int,
                        Kind::Points => &f.points,
                        _ => &f.wrapped,
                    };
                    ws.set_cell_format(
                        row + 1 + i as u32,
                        j as u16,
                        &base.clone().set_bold().set_background_color(0xFFF2CC),
                    )?;
                }
            }
        }
    }
    note_across(ws, 2, note, &cols, f)?;
    print_layout(ws, row, last, &cols, true)?;
    Ok(last)
}

/// One row per unit, best first, its name and the points of each top-level component
/// (`pt_<code>`); units tied on rank by code, so the sheet lists them the same way every run.
fn ranked_units(s: &Scored, units: &DataFrame, top: &[(String, String)]) -> PolarsResult<DataFrame> {
    let mut wide = s.result.units.clone().lazy().join(
        units.clone().lazy(),
        [col("unit")],
        [col("label_code")],
        JoinArgs::new(JoinType::Left),
    );
    for (code, _) in top {
        let part = s
            .result
            .components
            .clone()
            .lazy()
            .filter(col("component").eq(lit(code.clone())))
            .select([col("unit").alias("p_unit"), col("points").alias(format!("pt_{code}"))]);
        wide = wide.join(part, [col("unit")], [col("p_unit")], JoinArgs::new(JoinType::Left));
    }
    wide.with_column(col("unit_label").fill_null(col("unit")))
        .sort_by_exprs([col("rank"), col("unit")], SortMultipleOptions::default())
        .collect()
}

/// "12,5", "20": a maximum as text, with no trailing zeros.
fn points_vi(x: f64) -> String {
    let s = number(x, 2);
    s.trim_end_matches('0').trim_end_matches(',').to_string()
}

pub(super) fn add_index_sheets(
    wb: &mut Workbook,
    scores: &IndexScores,
    units: &DataFrame,
    ward: &str,
    title: &dyn Fn(&mut Worksheet, &str) -> Result<u32>,
    f: &Formats,
) -> Result<()> {
    if let Some(par) = &scores.par {
        let ws = wb.add_worksheet().set_name("Chỉ số PAR")?;
        let row = title(ws, "CHỈ SỐ CẢI CÁCH HÀNH CHÍNH (PAR) CỦA CÁC ĐƠN VỊ")?;
        let mut note = format!(
            "Chỉ số của cả năm (theo kết quả thẩm định), không tính riêng cho tháng báo cáo. Phương pháp: {}, ban hành theo {}.",
            par.method.name, par.method.decision
        );
        if !scores.par_unappraised.is_empty() {
            note.push_str(&format!(" Chưa có kết quả thẩm định, không chấm: {}.", scores.par_unappraised.join(", ")));
        }
        ranking_sheet(ws, row, par, units, &Wording { unit_header: "Đơn vị", note: &note, highlight: None }, f)?;
    }
    if let Some(dti) = &scores.dti {
        let ws = wb.add_worksheet().set_name("Chỉ số DTI")?;
        let row = title(ws, "CHỈ SỐ CHUYỂN ĐỔI SỐ (DTI) CỦA PHƯỜNG")?;
        let total = dti.result.units.column("total")?.f64()?.get(0).unwrap_or(0.0);
        let rank = scores.dti_rank.as_ref().map_or_else(
            || "Chưa có bảng xếp hạng cấp xã của tỉnh.".to_string(),
            |r| {
                // After a merger the year's ranking names the successor ward.
                let of =
                    if r.commune.eq_ignore_ascii_case(ward) { String::new() } else { format!(" của {}", r.commune) };
                format!(
                    "Xếp hạng trong tỉnh{of}: {}/{} (DTI {}){}.",
                    r.rank,
                    r.communes,
                    number(r.dti, 4),
                    if r.rank <= 15 { ", trong top 15 của tỉnh" } else { ", ngoài top 15 của tỉnh" }
                )
            },
        );
        let note = format!(
            "Chỉ số của cả năm, không tính riêng cho tháng báo cáo. Chỉ số DTI của phường (tự tính từ điểm thẩm định): {}. {rank} Phương pháp: {}, ban hành theo {}.",
            number(total, 4),
            dti.method.name,
            dti.method.decision
        );
        // A pillar's row carries its own name in "Trụ cột" and reads "Cộng trụ cột", in bold.
        let rows = labelled(dti)?
            .lazy()
            .with_columns([
                when(col("is_leaf").not())
                    .then(col("component_name"))
                    .otherwise(col("parent_name"))
                    .alias("parent_name"),
                when(col("is_leaf").not())
                    .then(lit("Cộng trụ cột"))
                    .otherwise(col("component_name"))
                    .alias("component_name"),
            ])
            .collect()?;
        let cols = [
            c("Trụ cột", "parent_name", Kind::Text, 24.0),
            c("Chỉ tiêu", "component_name", Kind::Text, 60.0),
            c("Điểm đạt", "points", Kind::Points, 10.0),
            c("Điểm tối đa", "max_applied", Kind::Points, 10.0),
            c("Điểm bị mất", "lost", Kind::Points, 10.0),
        ];
        let last = write_table(ws, row, &rows, &cols, f)?;
        let pillar = rows.column("is_leaf")?.bool()?;
        for (i, leaf) in pillar.iter().enumerate() {
            if leaf == Some(false) {
                let r = row + 1 + i as u32;
                for (j, col) in cols.iter().enumerate() {
                    let base = if col.kind == Kind::Text { &f.wrapped } else { &f.points };
                    ws.set_cell_format(r, j as u16, &base.clone().set_bold().set_background_color(0xF2F2F2))?;
                }
            }
        }
        note_across(ws, 2, &note, &cols, f)?;
        print_layout(ws, row, last, &cols, true)?;
    }
    if let Some(ddci) = &scores.ddci {
        let ws = wb.add_worksheet().set_name("Chỉ số DDCI")?;
        let row = title(ws, "CHỈ SỐ NĂNG LỰC CẠNH TRANH (DDCI) CỦA CÁC XÃ, PHƯỜNG")?;
        let note = format!(
            "{}, ban hành theo {}. Mỗi thành phần được chuẩn hóa min–max trên 3 năm gần nhất, gộp mọi địa phương, về thang điểm tối đa của thành phần (ghi trong ngoặc ở tiêu đề cột).",
            ddci.method.name, ddci.method.decision
        );
        let names = scores.ddci_names.as_ref().unwrap_or(units);
        let wording = Wording { unit_header: "Địa phương", note: &note, highlight: Some(ward) };
        ranking_sheet(ws, row, ddci, names, &wording, f)?;
    }
    for absent in &scores.absent {
        absent_sheet(wb, absent, title, f)?;
    }
    Ok(())
}

/// The sheet of an index or of the plan's targets that the period has no methodology for:
/// it says so, so that a missing sheet is never taken for a missing problem.
fn absent_sheet(
    wb: &mut Workbook,
    absent: &crate::score::Absent,
    title: &dyn Fn(&mut Worksheet, &str) -> Result<u32>,
    f: &Formats,
) -> Result<()> {
    let ws = wb.add_worksheet().set_name(absent.sheet)?;
    let row = title(ws, &format!("{} — {}", absent.title.to_uppercase(), absent.missing.to_uppercase()))?;
    ws.set_column_width(0, 110)?;
    ws.write_string_with_format(row, 0, &absent.why, &f.text)?;
    ws.set_row_height(row, 48)?;
    Ok(())
}

/// The plan's targets: every data target per scope, every manual one with who confirms it.
/// A target the plan words as a share ("100% …", "ít nhất 10% …") shows its figures as
/// percentages, any other as counts; officers are named, not shown by their login.
pub(super) fn add_plan_targets_sheet(
    wb: &mut Workbook,
    scores: &IndexScores,
    units: &DataFrame,
    officers: &DataFrame,
    title: &dyn Fn(&mut Worksheet, &str) -> Result<u32>,
    f: &Formats,
) -> Result<()> {
    let Some((name, df)) = &scores.plan_targets else { return Ok(()) };
    let ws = wb.add_worksheet().set_name("Chỉ tiêu kế hoạch")?;
    let row = title(ws, "KẾT QUẢ THỰC HIỆN CHỈ TIÊU CỦA KẾ HOẠCH")?;
    let df = df
        .clone()
        .lazy()
        .join(units.clone().lazy(), [col("scope")], [col("label_code")], JoinArgs::new(JoinType::Left))
        .join(
            officers.clone().lazy(),
            [col("scope")],
            [col("label_officer")],
            JoinArgs { maintain_order: MaintainOrderJoin::Left, ..JoinArgs::new(JoinType::Left) },
        )
        .with_column(col("unit_label").fill_null(col("officer_name")).fill_null(col("scope")))
        .collect()?;
    // "≥ 1" of a share is "≥ 100%", "≥ 0.1" is "≥ 10%"; a count is written the Vietnamese way.
    // A share: the plan words it with "%" and no unit's figure is above 1 (t04 counts the
    // dossiers paid online, "≥ 1" of them, although its text says "100% cơ quan").
    let shares = target_is_share(&df)?;
    let expected: Vec<Option<String>> =
        df.column("expected")?.str()?.iter().zip(&shares).map(|(e, share)| e.map(|e| expected_vi(e, *share))).collect();
    let codes: Vec<(String, String)> = {
        let t = df.column("target")?.str()?;
        let n = df.column("target_name")?.str()?;
        t.iter().zip(n.iter()).filter_map(|(t, n)| Some((t?.to_string(), n?.to_string()))).collect()
    };
    let notes: Vec<Option<String>> =
        df.column("note")?.str()?.iter().map(|n| n.map(|n| name_targets(n, &codes))).collect();
    let actual: Vec<Option<f64>> = df.column("actual")?.cast(&DataType::Float64)?.f64()?.iter().collect();
    let pick = |want: bool| -> Vec<Option<f64>> {
        actual.iter().zip(&shares).map(|(a, s)| if *s == want { *a } else { None }).collect()
    };
    let mut df = df;
    df.with_column(Column::new("actual_rate".into(), pick(true)))?;
    df.with_column(Column::new("actual_count".into(), pick(false)))?;
    df.with_column(Column::new("expected".into(), expected))?;
    df.with_column(Column::new("note".into(), notes))?;
    let cols = [
        c("Chỉ tiêu", "target_name", Kind::Text, 36.0),
        c("Căn cứ", "plan_ref", Kind::Text, 24.0),
        c("Đối tượng", "unit_label", Kind::Text, 22.0),
        c("Cách đo", "measure", Kind::Text, 8.0),
        c("Thực hiện (tỷ lệ)", "actual_rate", Kind::Rate, 10.0),
        c("Thực hiện (số)", "actual_count", Kind::Int, 9.0),
        c("Yêu cầu", "expected", Kind::Text, 9.0),
        c("Kết quả", "met", Kind::Met, 9.0),
        c("Ghi chú", "note", Kind::Text, 26.0),
    ];
    let last = write_table(ws, row, &df, &cols, f)?;
    note_across(ws, 2, &format!("Kế hoạch: {name}."), &cols, f)?;
    print_layout(ws, row, last, &cols, true)?;
    Ok(())
}

/// For each row, whether its target is a share (see [`add_plan_targets_sheet`]).
fn target_is_share(df: &DataFrame) -> PolarsResult<Vec<bool>> {
    let (code, name) = (df.column("target")?.str()?, df.column("target_name")?.str()?);
    let actual = df.column("actual")?.cast(&DataType::Float64)?;
    let actual = actual.f64()?;
    let above_one: std::collections::BTreeSet<&str> = (0..df.height())
        .filter(|&i| actual.get(i).is_some_and(|a| a > 1.0 + 1e-9))
        .filter_map(|i| code.get(i))
        .collect();
    Ok((0..df.height())
        .map(|i| name.get(i).is_some_and(|n| n.contains('%')) && code.get(i).is_some_and(|c| !above_one.contains(c)))
        .collect())
}

/// "≥ 100%" for "≥ 1" of a share, "≤ 0" for a count.
fn expected_vi(e: &str, share: bool) -> String {
    let Some((op, v)) = e.split_once(' ') else { return e.to_string() };
    match v.parse::<f64>() {
        Ok(x) if share => format!("{op} {}", crate::vi::percent(x, 0)),
        Ok(x) => format!("{op} {}", points_vi(x)),
        Err(_) => e.to_string(),
    }
}

/// A note's "chỉ tiêu t08b" names the target instead: "chỉ tiêu “Số hóa kết quả …”".
fn name_targets(note: &str, codes: &[(String, String)]) -> String {
    let mut out = note.to_string();
    for word in note.split(|c: char| !c.is_alphanumeric() && c != '_') {
        if word.len() < 2 || !word.starts_with('t') || !word[1..].starts_with(|c: char| c.is_ascii_digit()) {
            continue;
        }
        if let Some((_, name)) = codes.iter().find(|(code, _)| code == word || code.starts_with(&format!("{word}_"))) {
            out = out.replace(word, &format!("“{name}”"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::{Band, Component, IndexKind, IndexResult, LeafOp, Total};

    fn scored(units: &[&str], totals: &[f64], ranks: &[u32]) -> Scored {
        let method = IndexMethod {
            id: "t".into(),
            series: "t".into(),
            name: "t".into(),
            decision: "t".into(),
            valid: crate::validity::Validity::since(chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()),
            kind: IndexKind::Par,
            total: Total::Sum,
            scale: 100.0,
            precision: 2,
            window_years: None,
            bands: vec![Band { label: "Tốt".into(), min: 0.0 }],
            components: vec![Component {
                code: "a".into(),
                name: "A".into(),
                max_points: 100.0,
                parent: None,
                op: Some(LeafOp::Points),
                source: None,
            }],
        };
        let result = IndexResult {
            units: df![
                "unit" => units, "total" => totals, "band" => vec!["Tốt"; units.len()], "rank" => ranks,
            ]
            .unwrap(),
            components: df!["unit" => units, "component" => vec!["a"; units.len()], "points" => totals].unwrap(),
        };
        Scored { method, result }
    }

    #[test]
    fn units_tied_on_an_index_rank_are_listed_by_code_whatever_the_input_order() {
        let labels = df!["label_code" => ["U9", "U1"], "unit_label" => ["Bộ phận A", "Bộ phận Z"]].unwrap();
        let top = [("a".to_string(), "A (100)".to_string())];
        let mut rows: Vec<(&str, f64, u32)> =
            vec![("U4", 80.0, 1), ("U2", 80.0, 1), ("U9", 70.0, 5), ("U1", 80.0, 1), ("U3", 80.0, 1), ("U7", 70.0, 5)];
        for turn in 0..rows.len() {
            rows.rotate_left(1);
            if turn % 2 == 1 {
                rows.reverse();
            }
            let units: Vec<&str> = rows.iter().map(|r| r.0).collect();
            let totals: Vec<f64> = rows.iter().map(|r| r.1).collect();
            let ranks: Vec<u32> = rows.iter().map(|r| r.2).collect();
            let wide = ranked_units(&scored(&units, &totals, &ranks), &labels, &top).unwrap();
            let order: Vec<&str> = wide.column("unit").unwrap().str().unwrap().iter().flatten().collect();
            assert_eq!(order, ["U1", "U2", "U3", "U4", "U7", "U9"], "input order {units:?}");
        }
    }
}
