//! The index sheets of the monthly workbook (PAR, DTI, DDCI, when their data arrived) and
//! the lost-points sheet: every criterion where a unit lost points, largest first, with the
//! evidence behind it — what section IV.3 of the plan asks the PAR/DTI officer to review.

use anyhow::Result;
use polars::prelude::*;
use rust_xlsxwriter::{Workbook, Worksheet};

use super::table::{Col, Formats, Kind, c, write_table};
use crate::score::{IndexMethod, ServiceScorecard};
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

fn labelled(s: &Scored) -> PolarsResult<DataFrame> {
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

/// The evidence text of each row, built from the columns named (the table is small).
fn evidence_column(df: &DataFrame, text: impl Fn(usize) -> String) -> PolarsResult<DataFrame> {
    let ev: Vec<String> = (0..df.height()).map(text).collect();
    let mut out = df.clone();
    out.with_column(Column::new("evidence".into(), ev))?;
    Ok(out)
}

fn f64_at(df: &DataFrame, name: &str, i: usize) -> Option<f64> {
    df.column(name).ok()?.cast(&DataType::Float64).ok()?.f64().ok()?.get(i)
}

fn str_at(df: &DataFrame, name: &str, i: usize) -> Option<String> {
    df.column(name).ok()?.str().ok()?.get(i).map(str::to_string)
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

/// Every lost point, largest first per unit, from the service scorecard and PAR.
pub fn lost_points(sc: &ServiceScorecard, scores: &IndexScores, units: &DataFrame) -> PolarsResult<DataFrame> {
    // The overdue dossiers of each unit: the evidence behind lost on-time points.
    let mut late: std::collections::HashMap<String, Vec<String>> = std::collections::HashMap::new();
    let (ou, oid) = (sc.overdue.column("unit_code")?.str()?, sc.overdue.column("dossier_id")?.str()?);
    for (u, id) in ou.iter().zip(oid.iter()) {
        if let (Some(u), Some(id)) = (u, id) {
            late.entry(u.to_string()).or_default().push(id.to_string());
        }
    }
    let service = sc
        .indicators
        .clone()
        .lazy()
        .filter(col("scope").neq(lit(crate::score::WARD_SCOPE)).and(col("lost").gt(lit(0.005))))
        .select([
            lit("Bộ chỉ số 766").alias("index"),
            col("scope").alias("unit"),
            col("group_name").alias("area"),
            col("indicator_name").alias("criterion"),
            col("indicator"),
            col("numerator"),
            col("denominator"),
            col("points"),
            col("max_applied"),
            col("lost"),
        ])
        .collect()?;
    let service = evidence_column(&service, |i| {
        let unit = str_at(&service, "unit", i).unwrap_or_default();
        let (n, d) =
            (f64_at(&service, "numerator", i).unwrap_or(0.0), f64_at(&service, "denominator", i).unwrap_or(0.0));
        match late.get(&unit) {
            Some(ids) if str_at(&service, "indicator", i).as_deref() == Some("dung_han") => {
                let more = if ids.len() > 5 { format!(" và {} hồ sơ khác", ids.len() - 5) } else { String::new() };
                format!(
                    "Đạt {n}/{d}. Hồ sơ trễ hạn: {}{more}",
                    ids.iter().take(5).cloned().collect::<Vec<_>>().join(", ")
                )
            }
            _ => format!("Đạt {n}/{d}"),
        }
    })?
    .drop_many(["indicator", "numerator", "denominator"]);
    let mut parts = vec![service.lazy()];
    if let Some(par) = &scores.par {
        let mut rows = labelled(par)?.lazy().filter(col("is_leaf").and(col("lost").gt(lit(0.005))));
        rows = match &scores.par_evidence {
            Some(ev) => rows.join(
                ev.clone().lazy(),
                [col("unit"), col("component")],
                [col("e_unit"), col("e_component")],
                JoinArgs::new(JoinType::Left),
            ),
            None => rows.with_column(lit(NULL).cast(DataType::String).alias("evidence")),
        };
        let rows = rows
            .select([
                lit("Chỉ số CCHC (PAR)").alias("index"),
                col("unit"),
                col("parent_name").alias("area"),
                col("component_name").alias("criterion"),
                col("input"),
                col("evidence").alias("note"),
                col("points"),
                col("max_applied"),
                col("lost"),
            ])
            .collect()?;
        let rows = evidence_column(&rows, |i| match (str_at(&rows, "note", i), f64_at(&rows, "input", i)) {
            (Some(note), _) => note,
            (None, Some(x)) => format!("Giá trị đầu vào: {}", (x * 10_000.0).round() / 10_000.0),
            (None, None) => "Chưa có điểm (không có trong tệp chấm điểm)".to_string(),
        })?
        .drop_many(["input", "note"]);
        parts.push(rows.lazy());
    }
    concat(parts, UnionArgs::default())?
        .join(units.clone().lazy(), [col("unit")], [col("label_code")], JoinArgs::new(JoinType::Left))
        .with_column(col("unit_label").fill_null(col("unit")))
        .sort_by_exprs(
            [col("unit"), col("lost")],
            SortMultipleOptions::default().with_order_descending_multi([false, true]),
        )
        .collect()
}

/// The columns of a lost-points table: the criterion, its points and the evidence.
pub(super) fn lost_columns() -> Vec<Col<'static>> {
    vec![
        c("Chỉ số", "index", Kind::Text, 18.0),
        c("Lĩnh vực / nhóm", "area", Kind::Text, 28.0),
        c("Tiêu chí", "criterion", Kind::Text, 44.0),
        c("Điểm đạt", "points", Kind::Points, 9.0),
        c("Điểm tối đa", "max_applied", Kind::Points, 9.0),
        c("Điểm bị mất", "lost", Kind::Points, 9.0),
        c("Căn cứ", "evidence", Kind::Text, 60.0),
    ]
}

pub(super) fn add_lost_points_sheet(
    wb: &mut Workbook,
    lost: &DataFrame,
    plan: Option<&crate::score::Plan>,
    title: &dyn Fn(&mut Worksheet, &str) -> Result<u32>,
    f: &Formats,
) -> Result<()> {
    let ws = wb.add_worksheet().set_name("Điểm bị mất")?;
    let cited = plan.map_or(String::new(), |p| format!(" ({} {})", p.losses_section, p.short()));
    let row = title(ws, &format!("CÁC TIÊU CHÍ BỊ TRỪ ĐIỂM, MẤT ĐIỂM{}", cited.to_uppercase()))?;
    let mut cols = vec![
        c("Chỉ số", "index", Kind::Text, 18.0),
        c("Mã đơn vị", "unit", Kind::Text, 12.0),
        c("Đơn vị", "unit_label", Kind::Text, 32.0),
    ];
    cols.extend(lost_columns().into_iter().skip(1));
    write_table(ws, row, lost, &cols, f)?;
    ws.set_landscape().set_paper_size(9).set_print_fit_to_pages(1, 0);
    Ok(())
}
