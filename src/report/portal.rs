//! The national portal's 766 ranking of the province's communes, and the ward's six groups
//! beside thidua's recomputation: one sheet, so the chairman sees the ward's place in the
//! province and the office sees which group the two disagree on.

use anyhow::Result;
use polars::prelude::*;
use rust_xlsxwriter::{ConditionalFormatFormula, Format, Workbook, Worksheet};

use super::table::{Formats, Kind, c, write_table};
use crate::score::PortalComparison;

pub(super) const SHEET: &str = "Xếp hạng 766 tỉnh";
pub(super) const GROUPS_SHEET: &str = "Cổng DVC và tính lại";

/// "hạng 3/102 trong tỉnh" (or why there is none).
pub(super) fn rank_text(p: &PortalComparison) -> String {
    match p.ward_rank {
        Some((rank, of)) => format!("hạng {rank}/{of} trong tỉnh"),
        None => "không có dòng của phường trong bảng xếp hạng của tỉnh".to_string(),
    }
}

/// Adds the two sheets; `heading` writes a sheet's title rows and returns the first free row.
pub(super) fn add_portal_sheets(
    wb: &mut Workbook,
    p: &PortalComparison,
    heading: &dyn Fn(&mut Worksheet, &str) -> Result<u32>,
    f: &Formats,
) -> Result<()> {
    let ws = wb.add_worksheet().set_name(SHEET)?;
    let row = heading(ws, "XẾP HẠNG CHỈ SỐ 766 CỦA CÁC XÃ, PHƯỜNG TRONG TỈNH (CỔNG DỊCH VỤ CÔNG QUỐC GIA)")?;
    ws.write_string_with_format(
        row,
        0,
        format!(
            "Phường: {}{}. Xếp hạng theo tổng điểm trên Cổng, bằng điểm thì cùng hạng.",
            rank_text(p),
            p.ward_total.map(|t| format!(", tổng điểm {}", super::number(t, 2))).unwrap_or_default()
        ),
        &f.note,
    )?;
    let table_row = row + 2;
    let ranking = p
        .ranking
        .clone()
        .lazy()
        .with_column(when(col("is_ward")).then(lit("Phường")).otherwise(lit("")).alias("mark"))
        .collect()?;
    let cols = [
        c("Hạng", "rank", Kind::Int, 7.0),
        c("Mã cơ quan", "agency_code", Kind::Text, 16.0),
        c("Xã, phường", "name", Kind::Text, 36.0),
        c("Công khai, minh bạch (18)", "ckmb", Kind::Points, 11.0),
        c("Tiến độ giải quyết (20)", "tdgq", Kind::Points, 11.0),
        c("Dịch vụ công trực tuyến (12)", "clgq", Kind::Points, 11.0),
        c("Thanh toán trực tuyến (10)", "tttt", Kind::Points, 11.0),
        c("Mức độ hài lòng (18)", "mdhl", Kind::Points, 11.0),
        c("Số hóa hồ sơ (22)", "mdsh", Kind::Points, 11.0),
        c("Tổng điểm (100)", "total_score", Kind::Points, 11.0),
        c("", "mark", Kind::Text, 9.0),
    ];
    let last = write_table(ws, table_row, &ranking, &cols, f)?;
    if last > table_row {
        let ward = Format::new().set_bold().set_background_color(0xFFF2CC);
        let rule = format!("=$K{}=\"Phường\"", table_row + 2);
        ws.add_conditional_format(
            table_row + 1,
            0,
            last,
            cols.len() as u16 - 1,
            &ConditionalFormatFormula::new().set_rule(rule.as_str()).set_format(ward),
        )?;
    }
    ws.set_print_area(0, 0, last, cols.len() as u16 - 1)?;

    let ws = wb.add_worksheet().set_name(GROUPS_SHEET)?;
    let row = heading(ws, "ĐIỂM 766 CỦA PHƯỜNG: CỔNG DỊCH VỤ CÔNG QUỐC GIA VÀ TÍNH LẠI TỪ HỒ SƠ")?;
    ws.write_string_with_format(
        row,
        0,
        format!(
            "Điểm trên Cổng là điểm chính thức; chênh lệch quá {} điểm ở nhóm tính lại được là một vấn đề dữ liệu.",
            super::number(crate::score::TOLERANCE, 1)
        ),
        &f.note,
    )?;
    write_groups(ws, row + 2, p, f)?;
    Ok(())
}

/// The ward's six groups: the portal's score, thidua's, and the gap where the dossier export
/// computes the whole group. Returns the last row written.
fn write_groups(ws: &mut Worksheet, row: u32, p: &PortalComparison, f: &Formats) -> Result<u32> {
    let g = p
        .groups
        .clone()
        .lazy()
        .with_column(
            when(col("comparable"))
                .then(lit("Tính lại được cả nhóm"))
                .when(col("recomputed").is_not_null())
                .then(lit("Chỉ tính lại được một phần nhóm từ tệp hồ sơ: không so sánh"))
                .otherwise(lit("Đo trên Cổng, không tính được từ tệp hồ sơ"))
                .alias("note"),
        )
        .collect()?;
    write_table(
        ws,
        row,
        &g,
        &[
            c("Nhóm chỉ số", "group_name", Kind::Text, 36.0),
            c("Mã trên Cổng", "portal_code", Kind::Text, 16.0),
            c("Điểm tối đa", "max_points", Kind::Points, 11.0),
            c("Điểm trên Cổng", "portal", Kind::Points, 11.0),
            c("Điểm tính lại từ hồ sơ", "recomputed", Kind::Points, 11.0),
            c("Chênh lệch", "gap", Kind::Points, 11.0),
            c("Ghi chú", "note", Kind::Text, 40.0),
        ],
        f,
    )
}
