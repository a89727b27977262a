//! What readers look at first: native Excel charts (units ranked, each unit's score month by
//! month, the share of targets met), colour scales on rates and colours on bands. Charts
//! point at the tables in the workbook, so they stay true if someone edits a number.

use anyhow::Result;
use polars::prelude::*;
use rust_xlsxwriter::{
    Chart, ConditionalFormat3ColorScale, ConditionalFormatText, ConditionalFormatTextRule, Format, Workbook, Worksheet,
};

use super::table::{Col, Formats, Kind, c, write_table};
use crate::score::WARD_SCOPE;

/// Where the ranked units are on the summary sheet.
pub(super) struct SummaryLayout<'a> {
    pub sheet: &'a str,
    pub header_row: u32,
    pub units: u32,
    pub label_col: u16,
    pub score_col: u16,
}

/// Colour scales on rate columns and a colour per band on the summary table.
pub(super) fn colour_summary(ws: &mut Worksheet, header_row: u32, last_row: u32, cols: &[Col<'_>]) -> Result<()> {
    if last_row <= header_row {
        return Ok(());
    }
    for (i, col) in cols.iter().enumerate() {
        let i = i as u16;
        match (col.kind, col.column) {
            // Lower is better for supplement requests: red for high, green for low.
            (Kind::Rate, "supplement_rate") => {
                let scale = ConditionalFormat3ColorScale::new().set_minimum_color(0x63BE7B).set_maximum_color(0xF8696B);
                ws.add_conditional_format(header_row + 1, i, last_row, i, &scale)?;
            }
            (Kind::Rate, _) => {
                ws.add_conditional_format(header_row + 1, i, last_row, i, &ConditionalFormat3ColorScale::new())?;
            }
            (_, "band") => {
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
                    ws.add_conditional_format(header_row + 1, i, last_row, i, &rule)?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// The trend table: one row per unit (and the ward), one column per month of the year.
pub(super) fn trend_frame(history: &DataFrame, units: &DataFrame) -> PolarsResult<(DataFrame, Vec<String>)> {
    let months: Vec<String> = {
        let mut m: Vec<String> = history.column("period")?.str()?.iter().flatten().map(str::to_string).collect();
        m.sort();
        m.dedup();
        m
    };
    let scopes: Vec<String> = {
        let mut s: Vec<String> = history.column("scope")?.str()?.iter().flatten().map(str::to_string).collect();
        s.sort();
        s.dedup();
        // The ward last.
        s.sort_by_key(|x| x == WARD_SCOPE);
        s
    };
    let mut cols = vec![Column::new("scope".into(), scopes.clone())];
    for m in &months {
        let rows = history.clone().lazy().filter(col("period").eq(lit(m.clone()))).collect()?;
        let (sc, score) = (rows.column("scope")?.str()?, rows.column("score")?.f64()?);
        let values: Vec<Option<f64>> = scopes
            .iter()
            .map(|s| (0..rows.height()).find(|&i| sc.get(i) == Some(s)).and_then(|i| score.get(i)))
            .collect();
        cols.push(Column::new(m.as_str().into(), values));
    }
    let wide = DataFrame::new_infer_height(cols)?
        .lazy()
        .join(units.clone().lazy(), [col("scope")], [col("label_code")], JoinArgs::new(JoinType::Left))
        .with_column(col("unit_label").fill_null(col("scope")))
        .collect()?;
    Ok((wide, months))
}

/// The trend sheet and the chart sheet.
pub(super) fn add_charts(
    wb: &mut Workbook,
    layout: &SummaryLayout<'_>,
    history: &DataFrame,
    targets: &DataFrame,
    units: &DataFrame,
    lineage: &str,
    f: &Formats,
) -> Result<()> {
    let (trend, months) = trend_frame(history, units)?;
    let ws = wb.add_worksheet().set_name("Xu hướng")?;
    ws.write_string_with_format(0, 0, "ĐIỂM BỘ CHỈ SỐ 766 THEO THÁNG (các tháng đã chạy trong năm)", &f.title)?;
    if !lineage.is_empty() {
        ws.write_string_with_format(1, 0, lineage, &f.note)?;
    }
    let month_headers: Vec<String> =
        months.iter().map(|m| format!("Tháng {}", m.split('-').rev().collect::<Vec<_>>().join("/"))).collect();
    let mut cols = vec![c("Mã đơn vị", "scope", Kind::Text, 13.0), c("Đơn vị", "unit_label", Kind::Text, 36.0)];
    cols.extend(months.iter().zip(&month_headers).map(|(m, h)| c(h, m, Kind::Points, 11.0)));
    let trend_header = 2;
    write_table(ws, trend_header, &trend, &cols, f)?;

    // The share of the one-stop targets each unit meets.
    let share = targets
        .clone()
        .lazy()
        .filter(col("scope").neq(lit(WARD_SCOPE)))
        .group_by([col("scope")])
        .agg([col("met").cast(DataType::Float64).mean().alias("share")])
        .join(units.clone().lazy(), [col("scope")], [col("label_code")], JoinArgs::new(JoinType::Left))
        .with_column(col("unit_label").fill_null(col("scope")))
        .sort(["scope"], Default::default())
        .collect()?;

    let ws = wb.add_worksheet().set_name("Biểu đồ")?;
    ws.write_string_with_format(0, 0, "BIỂU ĐỒ", &f.title)?;
    let mut bar = Chart::new_bar();
    bar.title().set_name("Điểm Bộ chỉ số 766 theo đơn vị (thang 100)");
    bar.set_width(640).set_height(320);
    let (first, last) = (layout.header_row + 1, layout.header_row + layout.units.max(1));
    bar.add_series()
        .set_name("Điểm")
        .set_categories((layout.sheet, first, layout.label_col, last, layout.label_col))
        .set_values((layout.sheet, first, layout.score_col, last, layout.score_col));
    ws.insert_chart(2, 4, &bar)?;

    if !months.is_empty() {
        let mut line = Chart::new_line();
        line.title().set_name("Xu hướng điểm theo tháng");
        line.set_width(640).set_height(320);
        let (c0, c1) = (2u16, 2 + months.len() as u16 - 1);
        for r in 0..trend.height() as u32 {
            let row = trend_header + 1 + r;
            line.add_series()
                .set_name(("Xu hướng", row, 1))
                .set_categories(("Xu hướng", trend_header, c0, trend_header, c1))
                .set_values(("Xu hướng", row, c0, row, c1));
        }
        ws.insert_chart(19, 4, &line)?;
    }

    // The targets share table beside the charts, and its chart.
    let share_header = 2;
    write_table(
        ws,
        share_header,
        &share,
        &[
            c("Mã đơn vị", "scope", Kind::Text, 12.0),
            c("Đơn vị", "unit_label", Kind::Text, 30.0),
            c("Tỷ lệ chỉ tiêu đạt", "share", Kind::Rate, 12.0),
        ],
        f,
    )?;
    if share.height() > 0 {
        let mut col = Chart::new_column();
        col.title().set_name("Tỷ lệ chỉ tiêu của Bộ phận Một cửa đạt được, theo đơn vị");
        col.set_width(640).set_height(320);
        let (first, last) = (share_header + 1, share_header + share.height() as u32);
        col.add_series().set_name("Tỷ lệ đạt").set_categories(("Biểu đồ", first, 1, last, 1)).set_values((
            "Biểu đồ",
            first,
            2,
            last,
            2,
        ));
        ws.insert_chart(36, 4, &col)?;
    }
    // The table at A:C, the charts from E: all on one page.
    ws.set_print_area(0, 0, 54, 14)?;
    ws.set_landscape().set_paper_size(9).set_print_fit_to_pages(1, 1);
    Ok(())
}
