//! The index sheets of the monthly workbook (PAR, DTI, DDCI, when their data arrived) and
//! the lost-points sheet: every criterion where a unit lost points, largest first, with the
//! evidence behind it — what section IV.3 of the plan asks the PAR/DTI officer to review.

use anyhow::Result;
use polars::prelude::*;
use rust_xlsxwriter::{Workbook, Worksheet};

use super::table::{Col, Formats, Kind, c, write_table};
use crate::score::IndexMethod;
use crate::score::{IndexScores, Scored};

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

/// Units ranked, with one column per top-level component.
fn ranking_sheet(
    ws: &mut Worksheet,
    row: u32,
    s: &Scored,
    units: &DataFrame,
    unit_header: &str,
    f: &Formats,
) -> Result<u32> {
    let m = &s.method;
    let mut wide = s.result.units.clone().lazy().join(
        units.clone().lazy(),
        [col("unit")],
        [col("label_code")],
        JoinArgs::new(JoinType::Left),
    );
    let top: Vec<(String, String)> = m
        .components
        .iter()
        .filter(|c| c.parent.is_none())
        .map(|c| (c.code.clone(), format!("{} ({})", c.name, c.max_points)))
        .collect();
    for (code, _) in &top {
        let part = s
            .result
            .components
            .clone()
            .lazy()
            .filter(col("component").eq(lit(code.clone())))
            .select([col("unit").alias("p_unit"), col("points").alias(format!("pt_{code}"))]);
        wide = wide.join(part, [col("unit")], [col("p_unit")], JoinArgs::new(JoinType::Left));
    }
    let wide =
        wide.with_column(col("unit_label").fill_null(col("unit"))).sort(["rank"], Default::default()).collect()?;
    let point_cols: Vec<String> = top.iter().map(|(code, _)| format!("pt_{code}")).collect();
    let mut cols: Vec<Col<'_>> = vec![
        c("Hạng", "rank", Kind::Int, 7.0),
        c("Mã", "unit", Kind::Text, 12.0),
        c(unit_header, "unit_label", Kind::Text, 34.0),
        c("Tổng điểm", "total", Kind::Points, 10.0),
        c("Xếp loại", "band", Kind::Text, 12.0),
    ];
    cols.extend(top.iter().zip(&point_cols).map(|((_, header), column)| c(header, column, Kind::Points, 14.0)));
    write_table(ws, row, &wide, &cols, f)
}

pub(super) fn add_index_sheets(
    wb: &mut Workbook,
    scores: &IndexScores,
    units: &DataFrame,
    title: &dyn Fn(&mut Worksheet, &str) -> Result<u32>,
    f: &Formats,
) -> Result<()> {
    if let Some(par) = &scores.par {
        let ws = wb.add_worksheet().set_name("Chỉ số PAR")?;
        let row = title(ws, &format!("CHỈ SỐ CẢI CÁCH HÀNH CHÍNH — {}", par.method.name.to_uppercase()))?;
        ws.write_string_with_format(
            2,
            0,
            format!("Phương pháp: {} ({}).", par.method.id, par.method.decision),
            &f.note,
        )?;
        ranking_sheet(ws, row, par, units, "Đơn vị", f)?;
    }
    if let Some(dti) = &scores.dti {
        let ws = wb.add_worksheet().set_name("Chỉ số DTI")?;
        let row = title(ws, &format!("CHỈ SỐ CHUYỂN ĐỔI SỐ — {}", dti.method.name.to_uppercase()))?;
        let total = dti.result.units.column("total")?.f64()?.get(0).unwrap_or(0.0);
        let rank = scores.dti_rank.as_ref().map_or_else(
            || "Chưa có bảng xếp hạng cấp xã của tỉnh.".to_string(),
            |r| {
                format!(
                    "Xếp hạng trong tỉnh: {}/{} (DTI {:.4}){}.",
                    r.rank,
                    r.communes,
                    r.dti,
                    if r.rank <= 15 { ", trong top 15 của tỉnh" } else { ", ngoài top 15 của tỉnh" }
                )
            },
        );
        ws.write_string_with_format(
            2,
            0,
            format!("Chỉ số DTI của phường (tự tính từ điểm thẩm định): {total:.4}. {rank}"),
            &f.note,
        )?;
        write_table(
            ws,
            row,
            &labelled(dti)?,
            &[
                c("Trụ cột", "parent_name", Kind::Text, 26.0),
                c("Chỉ tiêu", "component_name", Kind::Text, 52.0),
                c("Điểm đạt", "points", Kind::Points, 10.0),
                c("Điểm tối đa", "max_applied", Kind::Points, 10.0),
                c("Điểm bị mất", "lost", Kind::Points, 10.0),
            ],
            f,
        )?;
    }
    if let Some(ddci) = &scores.ddci {
        let ws = wb.add_worksheet().set_name("Chỉ số DDCI")?;
        let row = title(ws, &format!("CHỈ SỐ NĂNG LỰC CẠNH TRANH — {}", ddci.method.name.to_uppercase()))?;
        ws.write_string_with_format(
            2,
            0,
            "Điểm thành phần chuẩn hóa min–max về thang 10 trên 3 năm gần nhất, gộp mọi đơn vị.",
            &f.note,
        )?;
        ranking_sheet(ws, row, ddci, scores.ddci_names.as_ref().unwrap_or(units), "Địa phương", f)?;
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
    let row = title(ws, &format!("{} — KHÔNG CÓ PHƯƠNG PHÁP ÁP DỤNG CHO KỲ NÀY", absent.title.to_uppercase()))?;
    ws.set_column_width(0, 110)?;
    ws.write_string_with_format(row, 0, &absent.why, &f.text)?;
    ws.set_row_height(row, 48)?;
    Ok(())
}

/// The plan's targets: every data target per scope, every manual one with who confirms it.
pub(super) fn add_plan_targets_sheet(
    wb: &mut Workbook,
    scores: &IndexScores,
    units: &DataFrame,
    title: &dyn Fn(&mut Worksheet, &str) -> Result<u32>,
    f: &Formats,
) -> Result<()> {
    let Some((name, df)) = &scores.plan_targets else { return Ok(()) };
    let ws = wb.add_worksheet().set_name("Chỉ tiêu kế hoạch")?;
    let row = title(ws, &format!("KẾT QUẢ THỰC HIỆN CHỈ TIÊU — {}", name.to_uppercase()))?;
    let df = df
        .clone()
        .lazy()
        .join(units.clone().lazy(), [col("scope")], [col("label_code")], JoinArgs::new(JoinType::Left))
        .with_column(col("unit_label").fill_null(col("scope")))
        .collect()?;
    write_table(
        ws,
        row,
        &df,
        &[
            c("Mã", "target", Kind::Text, 14.0),
            c("Chỉ tiêu", "target_name", Kind::Text, 50.0),
            c("Căn cứ", "plan_ref", Kind::Text, 18.0),
            c("Đối tượng", "unit_label", Kind::Text, 30.0),
            c("Cách đo", "measure", Kind::Text, 10.0),
            c("Thực hiện", "actual", Kind::Points, 10.0),
            c("Yêu cầu", "expected", Kind::Text, 10.0),
            c("Kết quả", "met", Kind::Met, 10.0),
            c("Ghi chú", "note", Kind::Text, 50.0),
        ],
        f,
    )?;
    Ok(())
}
