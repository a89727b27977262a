//! What readers look at first: native Excel charts (units ranked, each unit's score month by
//! month, the share of targets met), colour scales on rates and colours on bands. Charts
//! point at the tables in the workbook, so they stay true if someone edits a number.

use anyhow::Result;
use polars::prelude::*;
use rust_xlsxwriter::{
    Chart, ChartDataLabel, ChartDataLabelPosition, ChartFont, ChartFormat, ChartLine, ConditionalFormatFormula,
    ConditionalFormatText, ConditionalFormatTextRule, Format, Workbook, Worksheet,
};

use super::table::{Col, Formats, Kind, c, print_layout, set_apart_rows, write_table};
use crate::score::{Measure, Operator, ServiceMethod, WARD_SCOPE};

/// Where the ranked units are on the summary sheet.
pub(super) struct SummaryLayout<'a> {
    pub sheet: &'a str,
    pub header_row: u32,
    pub units: u32,
    pub label_col: u16,
    pub score_col: u16,
}

/// The rate a column must reach for the indicator's full points: its threshold, or 100 % for
/// a linear indicator (None: no indicator of the methodology scores it).
pub(super) fn full_points_at(method: &ServiceMethod, column: &str) -> Option<f64> {
    let measure = match column {
        "on_time_rate" => Measure::OnTime,
        "online_rate" => Measure::Online,
        "paid_online_rate" => Measure::PaidOnline,
        "result_digitised_rate" => Measure::ResultDigitised,
        "digitised_rate" => Measure::Digitised,
        "data_reused_rate" => Measure::DataReused,
        _ => return None,
    };
    let i = method.indicators.iter().find(|i| i.measure == measure)?;
    Some(match i.operator {
        Operator::Linear => 1.0,
        Operator::Threshold { threshold } => threshold,
    })
}

/// Green at or above the full-points rate, amber within 10 % of it, red further below.
pub(super) const COLOUR_NOTE: &str = "Màu ở các cột tỷ lệ: xanh — đạt mức được đủ điểm theo phương pháp chấm; vàng — thấp hơn mức đó không quá 10%; đỏ — thấp hơn nữa.";

/// Colours the rate columns by their distance to the rate that earns full points (never by
/// rank among the rows: 95 % on time is amber, not red, because 100 % is the target), and a
/// colour per band.
pub(super) fn colour_summary(
    ws: &mut Worksheet,
    header_row: u32,
    last_row: u32,
    cols: &[Col<'_>],
    method: &ServiceMethod,
) -> Result<()> {
    if last_row <= header_row {
        return Ok(());
    }
    let first = header_row + 1;
    for (i, col) in cols.iter().enumerate() {
        let i = i as u16;
        if let (Kind::Rate, Some(target)) = (col.kind, full_points_at(method, col.column)) {
            let cell = rust_xlsxwriter::row_col_to_cell(first, i);
            let near = target * 0.9;
            for (rule, colour) in [
                (format!("=AND(ISNUMBER({cell}),{cell}>={target}-0.00001)"), 0xC6EFCE),
                (format!("=AND(ISNUMBER({cell}),{cell}<{target}-0.00001,{cell}>={near})"), 0xFFEB9C),
                (format!("=AND(ISNUMBER({cell}),{cell}<{near})"), 0xFFC7CE),
            ] {
                let cf = ConditionalFormatFormula::new()
                    .set_rule(rule.as_str())
                    .set_format(Format::new().set_background_color(colour));
                ws.add_conditional_format(first, i, last_row, i, &cf)?;
            }
        } else if col.column == "band" {
            for (label, colour) in [
                ("Xuất sắc", 0xC6EFCE),
                ("Tốt", 0xE2F0D9),
                ("Khá", 0xFFF2CC),
                ("Trung bình", 0xFCE4D6),
                ("Yếu", 0xFFC7CE),
            ] {
                let rule = ConditionalFormatText::new()
                    .set_rule(ConditionalFormatTextRule::BeginsWith(label.to_string()))
                    .set_format(Format::new().set_background_color(colour));
                ws.add_conditional_format(first, i, last_row, i, &rule)?;
            }
        }
    }
    Ok(())
}

/// The share of the one-stop targets each unit meets, highest first; ties by unit code,
/// as in every other ranked list.
fn targets_share(targets: &DataFrame, units: &DataFrame) -> PolarsResult<DataFrame> {
    targets
        .clone()
        .lazy()
        .filter(col("scope").neq(lit(WARD_SCOPE)))
        .group_by([col("scope")])
        .agg([col("met").cast(DataType::Float64).mean().alias("share")])
        .join(units.clone().lazy(), [col("scope")], [col("label_code")], JoinArgs::new(JoinType::Left))
        .with_column(col("unit_label").fill_null(col("scope")))
        .sort_by_exprs(
            [col("share"), col("scope")],
            SortMultipleOptions::default().with_order_descending_multi([true, false]).with_nulls_last(true),
        )
        .collect()
}

/// The trend table: one row per unit (by this month's score, best first) and the ward last,
/// one column per month of the year.
pub(super) fn trend_frame(history: &DataFrame, units: &DataFrame) -> PolarsResult<(DataFrame, Vec<String>)> {
    let months: Vec<String> = {
        let mut m: Vec<String> = history.column("period")?.str()?.iter().flatten().map(str::to_string).collect();
        m.sort();
        m.dedup();
        m
    };
    let score_of = |m: &str, s: &str| -> PolarsResult<Option<f64>> {
        let (p, sc, score) =
            (history.column("period")?.str()?, history.column("scope")?.str()?, history.column("score")?.f64()?);
        Ok((0..history.height()).find(|&i| p.get(i) == Some(m) && sc.get(i) == Some(s)).and_then(|i| score.get(i)))
    };
    let mut scopes: Vec<String> = history.column("scope")?.str()?.iter().flatten().map(str::to_string).collect();
    scopes.sort();
    scopes.dedup();
    // Ranked by the latest month (a unit without it last), the ward after every unit.
    let latest = months.last().cloned().unwrap_or_default();
    let mut keyed: Vec<(bool, f64, String)> = Vec::new();
    for s in scopes {
        let score = score_of(&latest, &s)?.unwrap_or(f64::NEG_INFINITY);
        keyed.push((s == WARD_SCOPE, -score, s));
    }
    keyed.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)).then(a.2.cmp(&b.2)));
    let scopes: Vec<String> = keyed.into_iter().map(|k| k.2).collect();
    let mut cols = vec![Column::new("scope".into(), scopes.clone())];
    for m in &months {
        let values: Vec<Option<f64>> = scopes.iter().map(|s| score_of(m, s)).collect::<PolarsResult<_>>()?;
        cols.push(Column::new(m.as_str().into(), values));
    }
    let wide = DataFrame::new_infer_height(cols)?
        .lazy()
        .join(
            units.clone().lazy(),
            [col("scope")],
            [col("label_code")],
            JoinArgs { maintain_order: MaintainOrderJoin::Left, ..JoinArgs::new(JoinType::Left) },
        )
        .with_column(col("unit_label").fill_null(col("scope")))
        .collect()?;
    Ok((wide, months))
}

/// Times New Roman, as the cells are.
fn font(size: f64) -> ChartFont {
    let mut f = ChartFont::new();
    f.set_name("Times New Roman").set_size(size);
    f
}

fn bold_font(size: f64) -> ChartFont {
    let mut f = font(size);
    f.set_bold();
    f
}

/// A chart's title, and its axes' names, in the cells' font. (`x_axis` is the horizontal axis:
/// a bar chart's values, the other charts' categories.)
fn dress(chart: &mut Chart, title: &str, x: &str, y: &str) {
    chart.title().set_name(title).set_font(&bold_font(12.0));
    chart.x_axis().set_name(x).set_name_font(&bold_font(10.0)).set_font(&font(10.0));
    chart.y_axis().set_name(y).set_name_font(&bold_font(10.0)).set_font(&font(10.0));
    chart.legend().set_font(&font(10.0));
}

/// The trend sheet and the chart sheet; `heading` writes a sheet's title rows.
#[allow(clippy::too_many_arguments)]
pub(super) fn add_charts(
    wb: &mut Workbook,
    layout: &SummaryLayout<'_>,
    history: &DataFrame,
    targets: &DataFrame,
    units: &DataFrame,
    lineage: &str,
    heading: &dyn Fn(&mut Worksheet, &str) -> Result<u32>,
    f: &Formats,
) -> Result<()> {
    let (trend, months) = trend_frame(history, units)?;
    let ws = wb.add_worksheet().set_name("Xu hướng")?;
    let year = months.first().and_then(|m| m.split('-').next()).unwrap_or_default().to_string();
    let row = heading(ws, &format!("ĐIỂM BỘ CHỈ SỐ 766 CỦA CÁC ĐƠN VỊ THEO THÁNG, NĂM {year}"))?;
    let mut note = "Đơn vị xếp theo điểm tháng gần nhất; dòng cuối là toàn phường.".to_string();
    if !lineage.is_empty() {
        note = format!("{note} {lineage}");
    }
    ws.write_string_with_format(2, 0, &note, &f.note)?;
    let month_headers: Vec<String> =
        months.iter().map(|m| format!("Tháng {}", m.split('-').rev().collect::<Vec<_>>().join("/"))).collect();
    let mut cols = vec![c("Đơn vị", "unit_label", Kind::Text, 44.0)];
    cols.extend(months.iter().zip(&month_headers).map(|(m, h)| c(h, m, Kind::Points, 10.0)));
    // The latest change, with its arrow, after the months (the chart reads the months only).
    let trend = match &months[..] {
        [.., before, last] => {
            cols.push(c("Thay đổi so với tháng trước", "change", Kind::Change, 12.0));
            trend
                .lazy()
                .with_column(
                    (col(last.as_str()) - col(before.as_str())).round(2, RoundMode::HalfAwayFromZero).alias("change"),
                )
                .collect()?
        }
        _ => trend,
    };
    let trend_header = row;
    let trend_last = write_table(ws, trend_header, &trend, &cols, f)?;
    let ward_last = trend.column("scope")?.str()?.iter().last().flatten() == Some(WARD_SCOPE);
    if ward_last {
        set_apart_rows(ws, trend_header, trend_last, trend_last, &cols, f)?;
    }
    print_layout(ws, trend_header, trend_last, &cols, true)?;

    let share = targets_share(targets, units)?;

    let ws = wb.add_worksheet().set_name("Biểu đồ")?;
    heading(ws, "BIỂU ĐỒ ĐIỂM BỘ CHỈ SỐ 766 VÀ CHỈ TIÊU CỦA CÁC ĐƠN VỊ")?;
    // Page 1: the units ranked (rank 1 on top), the share of targets met and its table;
    // page 2: the trend.
    ws.insert_chart(3, 0, &ranking_chart(layout))?;

    // The targets share table under the charts, and its chart beside the ranking (both on
    // page 1).
    let share_header = 21;
    let share_cols = [c("Đơn vị", "unit_label", Kind::Text, 36.0), c("Tỷ lệ chỉ tiêu đạt", "share", Kind::Rate, 12.0)];
    let share_last = write_table(ws, share_header, &share, &share_cols, f)?;
    // The trend on the next page.
    let page_two = share_last.max(share_header + 1) + 2;
    if !months.is_empty() {
        let line = trend_chart(trend.height() as u32, trend_header, months.len() as u16, ward_last);
        ws.insert_chart(page_two + 1, 0, &line)?;
    }

    if share.height() > 0 {
        ws.insert_chart_with_offset(3, 0, &share_chart(share_header, share_last), 505, 0)?;
    }
    // Two pages, at 100 %: the charts are drawn at the size their fonts were chosen for.
    ws.set_freeze_panes(0, 0)?;
    ws.set_page_breaks(&[page_two])?;
    // The sheet's title on page 2 too (not the share table's header).
    ws.set_repeat_rows(0, 1)?;
    ws.set_print_area(0, 0, page_two + 24, 10)?;
    ws.set_print_scale(100);
    Ok(())
}

/// The units' 766 scores, rank 1 on top, from the summary sheet.
fn ranking_chart(layout: &SummaryLayout<'_>) -> Chart {
    let mut bar = Chart::new_bar();
    dress(&mut bar, "Điểm Bộ chỉ số 766 theo đơn vị, xếp theo hạng", "Điểm (thang 100)", "Đơn vị");
    bar.set_width(490).set_height(330);
    let (first, last) = (layout.header_row + 1, layout.header_row + layout.units.max(1));
    bar.add_series()
        .set_name("Điểm")
        .set_categories((layout.sheet, first, layout.label_col, last, layout.label_col))
        .set_values((layout.sheet, first, layout.score_col, last, layout.score_col))
        .set_data_label(ChartDataLabel::new().show_value().set_num_format("0.00").set_font(&font(10.0)));
    bar.y_axis().set_reverse();
    bar.x_axis().set_min(0).set_max(100).set_major_unit(20).set_num_format("0");
    bar.legend().set_hidden();
    bar
}

/// One line per unit over the months of the trend sheet, the ward's drawn thick and labelled.
fn trend_chart(rows: u32, trend_header: u32, months: u16, ward_last: bool) -> Chart {
    let mut line = Chart::new_line();
    dress(&mut line, "Điểm Bộ chỉ số 766 theo tháng (đường đậm: toàn phường)", "Tháng", "Điểm (thang 100)");
    line.set_width(900).set_height(400);
    let (c0, c1) = (1u16, months);
    for r in 0..rows {
        let row = trend_header + 1 + r;
        let ward = ward_last && r + 1 == rows;
        let width = if ward { 4.0 } else { 1.75 };
        let mut stroke = ChartLine::new();
        stroke.set_width(width);
        if ward {
            stroke.set_color(0x000000);
        }
        let series = line
            .add_series()
            .set_name(("Xu hướng", row, 0))
            .set_categories(("Xu hướng", trend_header, c0, trend_header, c1))
            .set_values(("Xu hướng", row, c0, row, c1))
            .set_format(ChartFormat::new().set_line(&stroke));
        if ward {
            series.set_data_label(
                ChartDataLabel::new()
                    .show_value()
                    .set_position(ChartDataLabelPosition::Below)
                    .set_num_format("0.00")
                    .set_font(&bold_font(10.0)),
            );
        }
    }
    line.y_axis().set_min(0).set_max(100).set_major_unit(20).set_num_format("0");
    line
}

/// The share of the plan's targets each unit meets, from the table under the charts.
fn share_chart(share_header: u32, share_last: u32) -> Chart {
    // Bars, not columns: the units' names read across, not slanted.
    let mut col = Chart::new_bar();
    dress(&mut col, "Tỷ lệ chỉ tiêu kế hoạch mỗi đơn vị đạt", "Tỷ lệ chỉ tiêu đạt", "Đơn vị");
    col.set_width(415).set_height(330);
    let (first, last) = (share_header + 1, share_last);
    col.add_series()
        .set_name("Tỷ lệ đạt")
        .set_categories(("Biểu đồ", first, 0, last, 0))
        .set_values(("Biểu đồ", first, 1, last, 1))
        .set_data_label(ChartDataLabel::new().show_value().set_num_format("0%").set_font(&font(10.0)));
    col.y_axis().set_reverse();
    col.x_axis().set_min(0).set_max(1).set_major_unit(0.25).set_num_format("0%");
    col.legend().set_hidden();
    col
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_meeting_the_same_share_of_targets_are_listed_by_code() {
        // Names in the opposite order to codes: the tie goes by code, as on the ranking.
        let units = df!["label_code" => ["U1", "U2", "U3"], "unit_label" => ["Tổ C", "Tổ B", "Tổ A"]].unwrap();
        let targets = df![
            "scope" => ["U3", "U2", "U1", "U3", "U2", "U1", WARD_SCOPE],
            "met" => [true, true, true, false, true, false, true],
        ]
        .unwrap();
        let share = targets_share(&targets, &units).unwrap();
        let order: Vec<&str> = share.column("scope").unwrap().str().unwrap().iter().flatten().collect();
        assert_eq!(order, ["U2", "U1", "U3"]);
    }
}
