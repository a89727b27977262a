//! Where a unit's points went: every point lost, on the monthly 766 and on the yearly
//! indices, with the reason — for the workbook's sheet, the unit cards and `thidua explain`.

use anyhow::Result;
use polars::prelude::*;
use rust_xlsxwriter::{Workbook, Worksheet};

use super::table::{Col, Formats, Kind, c, write_table};
use crate::score::{IndexScores, ServiceScorecard};

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
        let mut rows = super::indices::labelled(par)?.lazy().filter(col("is_leaf").and(col("lost").gt(lit(0.005))));
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
