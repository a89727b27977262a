//! The year to date, and where each unit is heading against the year-end targets.
//!
//! Monthly counts add up (a dossier received, finished or active in a month counts in that
//! month, as the 766 rules count it). At the current pace the year ends with
//! `count × 12 / months`; what a unit needs is the gap between that and the target share of
//! its projected dossiers, in dossiers, so a unit head knows how many more to get right.

use anyhow::Result;
use polars::prelude::*;
use rust_xlsxwriter::Workbook;

use rust_xlsxwriter::Worksheet;

use super::table::{Formats, Kind, c, ward_last, write_with_ward};

/// (measure label, numerator, denominator, target share)
const MEASURES: &[(&str, &str, &str, f64)] = &[
    ("Hồ sơ đúng hạn (mục tiêu 100%)", "on_time", "active", 1.0),
    ("Hồ sơ trực tuyến (đủ điểm 766 từ 50%)", "online", "received", 0.5),
    ("Hồ sơ số hóa đầu vào và kết quả (đủ điểm từ 80%)", "digitised", "finished", 0.8),
];

pub(super) fn ytd_frame(history: &DataFrame, months: u32) -> PolarsResult<DataFrame> {
    let m = f64::from(months.max(1));
    let sums = history
        .clone()
        .lazy()
        .group_by([col("scope")])
        .agg(
            ["active", "on_time", "received", "online", "finished", "digitised"]
                .iter()
                .map(|c| col(*c).sum())
                .collect::<Vec<_>>(),
        )
        .collect()?;
    let parts: Vec<LazyFrame> = MEASURES
        .iter()
        .map(|(label, num, den, target)| {
            let (n, d) = (col(*num).cast(DataType::Float64), col(*den).cast(DataType::Float64));
            sums.clone().lazy().select([
                col("scope"),
                lit(*label).alias("measure"),
                n.clone().alias("ytd_num"),
                d.clone().alias("ytd_den"),
                when(d.clone().gt(lit(0.0)))
                    .then(n.clone() / d.clone())
                    .otherwise(lit(NULL).cast(DataType::Float64))
                    .alias("ytd_rate"),
                lit(*target).alias("target"),
                (d.clone() * lit(12.0 / m)).round(0, RoundMode::HalfAwayFromZero).alias("projected"),
                (n.clone() * lit(12.0 / m)).round(0, RoundMode::HalfAwayFromZero).alias("at_pace"),
                (d.clone() * lit(12.0 / m) * lit(*target) - n.clone() * lit(12.0 / m))
                    .clip_min(lit(0.0))
                    .ceil()
                    .alias("more_needed"),
                // The most the year can still reach: every dossier still to come done right.
                (n.clone() + d.clone() * lit(12.0 / m - 1.0)).round(0, RoundMode::HalfAwayFromZero).alias("best_case"),
                (d.clone() * lit(12.0 / m) * lit(*target)).ceil().alias("needed_total"),
                (d - n).alias("missed"),
            ])
        })
        .collect();
    concat(parts, UnionArgs::default())?
        .with_column(
            when(col("best_case").lt(col("needed_total")))
                .then(
                    lit("Không còn đạt được trong năm: đã có ")
                        + col("missed").cast(DataType::Int64).cast(DataType::String)
                        + lit(" hồ sơ không đạt"),
                )
                .otherwise(lit(""))
                .alias("reach_note"),
        )
        .with_column(
            when(col("best_case").lt(col("needed_total")))
                .then(lit(NULL).cast(DataType::Float64))
                .otherwise(col("more_needed"))
                .alias("more_needed"),
        )
        .sort(["scope"], SortMultipleOptions::default().with_maintain_order(true))
        .collect()
}

pub(super) fn add_ytd_sheet(
    wb: &mut Workbook,
    history: &DataFrame,
    months: u32,
    units: &DataFrame,
    lineage: &str,
    heading: &dyn Fn(&mut Worksheet, &str) -> Result<u32>,
    f: &Formats,
) -> Result<()> {
    let frame = ytd_frame(history, months)?
        .lazy()
        .join(
            units.clone().lazy(),
            [col("scope")],
            [col("label_code")],
            JoinArgs { maintain_order: MaintainOrderJoin::Left, ..JoinArgs::new(JoinType::Left) },
        )
        .with_column(col("unit_label").fill_null(col("scope")))
        .collect()?;
    let (frame, ward) = ward_last(&frame, "scope")?;
    let ws = wb.add_worksheet().set_name("Lũy kế năm")?;
    let row = heading(ws, &format!("LŨY KẾ {months} THÁNG VÀ HƯỚNG TỚI MỤC TIÊU CUỐI NĂM"))?;
    let mut note = "Theo nhịp hiện tại: số hồ sơ cả năm = lũy kế × 12 / số tháng; \"Cần thêm\" là số hồ sơ phải làm tốt hơn nhịp hiện tại để đạt tỷ lệ mục tiêu.".to_string();
    if !lineage.is_empty() {
        note = format!("{note} {lineage}");
    }
    ws.write_string_with_format(2, 0, &note, &f.note)?;
    write_with_ward(
        ws,
        row,
        &frame,
        &[
            c("Đơn vị", "unit_label", Kind::Text, 30.0),
            c("Chỉ tiêu", "measure", Kind::Text, 30.0),
            c("Lũy kế đạt", "ytd_num", Kind::Int, 10.0),
            c("Lũy kế hồ sơ", "ytd_den", Kind::Int, 10.0),
            c("Tỷ lệ lũy kế", "ytd_rate", Kind::Rate, 10.0),
            c("Mục tiêu", "target", Kind::Rate, 9.0),
            c("Dự kiến hồ sơ cả năm", "projected", Kind::Int, 11.0),
            c("Đạt theo nhịp hiện tại", "at_pace", Kind::Int, 11.0),
            c("Cần thêm (hồ sơ)", "more_needed", Kind::Int, 10.0),
            c("Ghi chú", "reach_note", Kind::Text, 24.0),
        ],
        ward,
        f,
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pace_and_what_is_still_needed() {
        // Four months: 96 of 100 on time, 40 of 100 received online, 70 of 90 digitised.
        let h = df![
            "scope" => ["A", "A", "A", "A"],
            "active" => [25i64, 25, 25, 25], "on_time" => [24i64, 24, 24, 24],
            "received" => [25i64, 25, 25, 25], "online" => [10i64, 10, 10, 10],
            "finished" => [20i64, 20, 25, 25], "digitised" => [15i64, 15, 20, 20],
        ]
        .unwrap();
        let y = ytd_frame(&h, 4).unwrap();
        let needed: Vec<Option<f64>> = y.column("more_needed").unwrap().f64().unwrap().iter().collect();
        // On time: 100% of 300 projected, but 4 are already late: no longer reachable (not "12
        // more"). Online: 50% of 300 = 150, 120 at pace → 30. Digitised: 80% of 270 = 216, 210
        // at pace → 6.
        assert_eq!(needed, [None, Some(30.0), Some(6.0)]);
        let notes: Vec<&str> = y.column("reach_note").unwrap().str().unwrap().iter().flatten().collect();
        assert_eq!(notes[0], "Không còn đạt được trong năm: đã có 4 hồ sơ không đạt");
        let pace: Vec<f64> = y.column("at_pace").unwrap().f64().unwrap().iter().flatten().collect();
        assert_eq!(pace, [288.0, 120.0, 210.0]);
    }
}
