//! The month's workbook: ranking, units, officers, overdue dossiers, targets, data quality
//! and the sources used — in Vietnamese, for a ward office to open, filter and print.

use anyhow::Result;
use chrono::DateTime;
use chrono_tz::Tz;
use polars::prelude::*;
use rust_xlsxwriter::{DocProperties, Workbook, Worksheet};

use super::officers::{left_keep_order, officer_labels, with_officer_names};
use super::table::{Formats, Kind, c, print_layout, ward_last, write_with_ward};
use crate::config::Ward;
use crate::ingest::{FileReport, Finding};
use crate::period::Period;
use crate::registry::Registry;
use crate::score::IndexScores;
use crate::score::{ServiceMethod, ServiceScorecard, WARD_SCOPE, group_column};

/// Everything the monthly report shows, already computed.
pub struct MonthlyReport<'a> {
    pub ward: &'a Ward,
    pub period: Period,
    pub generated_at: DateTime<Tz>,
    pub method: &'a ServiceMethod,
    pub registry: &'a Registry,
    pub scorecard: &'a ServiceScorecard,
    pub findings: &'a [Finding],
    pub files: &'a [FileReport],
    pub indices: &'a IndexScores,
    /// Every lost point (see [`lost_points`](super::losses::lost_points)).
    pub lost: &'a DataFrame,
    /// `period`, `scope`, `score`, … for each month of the year so far.
    pub history: &'a DataFrame,
    /// One card per ranked unit.
    pub cards: &'a [super::card::UnitCard],
}

/// Sheet names (at most 31 characters, as Excel requires).
pub const SHEETS: [&str; 7] =
    ["Tổng hợp", "Điểm theo chỉ số", "Theo cán bộ", "Hồ sơ quá hạn", "Chỉ tiêu", "Chất lượng dữ liệu", "Nguồn dữ liệu"];

/// Unit code → name (`label_code`, `unit_label`), to join for display.
pub fn unit_labels(registry: &Registry) -> PolarsResult<DataFrame> {
    Ok(labels(registry)?.0)
}

/// Unit code → name, and officer id → name, as frames to join for display.
fn labels(registry: &Registry) -> PolarsResult<(DataFrame, DataFrame)> {
    let mut codes: Vec<String> = registry.units.iter().map(|u| u.code.clone()).collect();
    let mut names: Vec<String> = registry.units.iter().map(|u| u.name.clone()).collect();
    codes.push(WARD_SCOPE.into());
    names.push("Toàn phường".into());
    let units = df!["label_code" => codes, "unit_label" => names]?;
    Ok((units, officer_labels(registry)?))
}

fn with_unit_label(df: &DataFrame, key: &str, units: &DataFrame) -> PolarsResult<DataFrame> {
    df.clone()
        .lazy()
        .join(units.clone().lazy(), [col(key)], [col("label_code")], left_keep_order())
        .with_column(col("unit_label").fill_null(col(key)))
        .collect()
}

fn title(ws: &mut Worksheet, r: &MonthlyReport<'_>, heading: &str, f: &Formats) -> Result<u32> {
    ws.write_string_with_format(0, 0, format!("{} — {}", r.ward.name.to_uppercase(), heading), &f.title)?;
    ws.write_string_with_format(
        1,
        0,
        format!(
            "Kỳ báo cáo: {} (từ {} đến {}). Lập lúc {}.",
            r.period.label_vi(),
            r.period.first_day().format("%d/%m/%Y"),
            r.period.last_day().format("%d/%m/%Y"),
            r.generated_at.format("%H:%M %d/%m/%Y"),
        ),
        &f.note,
    )?;
    Ok(3)
}

/// Builds the workbook and returns its bytes.
pub fn monthly_workbook(r: &MonthlyReport<'_>) -> Result<Vec<u8>> {
    let f = Formats::new();
    let (units, officers) = labels(r.registry)?;
    let l = Labels { units, officers };
    let mut wb = Workbook::new();
    // Level 1 of 9: deflating the sheets' XML was most of the save (BENCHMARKS.md, the
    // writing stage); the file grows a little, the save takes less.
    wb.set_zip_compression_level(1);
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!("Bảng điểm dịch vụ công {} {}", r.ward.name, r.period.label_vi()))
            .set_author("thidua")
            .set_company(&r.ward.name),
    );
    let layout = summary_sheet(&mut wb, r, &l, &f)?;
    let lineage = lineage_note(r.registry, r.period);
    let heading = |ws: &mut Worksheet, h: &str| title(ws, r, h, &f);
    super::charts::add_charts(&mut wb, &layout, r.history, &r.scorecard.targets, &l.units, &lineage, &heading, &f)?;
    // Months actually in the history (a month never run is not counted).
    let months = r.history.column("period")?.n_unique()? as u32;
    super::ytd::add_ytd_sheet(&mut wb, r.history, months, &l.units, &lineage, &heading, &f)?;
    indicators_sheet(&mut wb, r, &l, &f)?;
    if let Some(portal) = &r.scorecard.portal {
        super::portal::add_portal_sheets(&mut wb, portal, &heading, &f)?;
    }
    officers_sheet(&mut wb, r, &l, &f)?;
    overdue_sheet(&mut wb, r, &l, &f)?;
    targets_sheet(&mut wb, r, &l, &f)?;
    super::indices::add_index_sheets(&mut wb, r.indices, &l.units, &r.ward.name, &heading, &f)?;
    super::indices::add_plan_targets_sheet(&mut wb, r.indices, &l.units, &l.officers, &heading, &f)?;
    super::losses::add_lost_points_sheet(&mut wb, r.lost, r.indices.plan.as_ref(), &heading, &f)?;
    // One printable card per ranked unit, its tab named as officers call the unit.
    let short: Vec<&str> = r
        .cards
        .iter()
        .map(|card| r.registry.unit(&card.line.code).map_or(card.line.name.as_str(), |u| u.short_name.as_str()))
        .collect();
    for (card, tab) in r.cards.iter().zip(super::tabs::tab_names("Thẻ ", &short)) {
        super::card::card_sheet(wb.add_worksheet().set_name(tab)?, card, &r.ward.name, r.period, &f)?;
    }
    // The audit annex last: what the input files said and where they came from.
    quality_sheet(&mut wb, r, &f)?;
    sources_sheet(&mut wb, r, &f)?;
    Ok(wb.save_to_buffer()?)
}

/// Which units of the period carry the months of units merged into them this year, said on
/// the trend and the year to date ("" when none was merged).
fn lineage_note(registry: &Registry, period: Period) -> String {
    let year_start = Period::year(period.year).map_or(period.first_day(), Period::first_day);
    let day = period.last_day();
    let lines: Vec<String> = registry
        .units
        .iter()
        .filter(|u| u.valid_on(day))
        .filter_map(|u| {
            let before: Vec<&crate::registry::Unit> = registry
                .predecessors(&u.code)
                .into_iter()
                .filter(|p| p.valid.to.is_some_and(|to| to >= year_start && to < day))
                .collect();
            let until = before.iter().filter_map(|p| p.valid.to).max()?;
            let names: Vec<&str> = before.iter().map(|p| p.name.as_str()).collect();
            Some(format!("{} gồm {} đến {}", u.name, names.join(", "), until.format("%d/%m/%Y")))
        })
        .collect();
    if lines.is_empty() {
        String::new()
    } else {
        format!("Sau sáp nhập, số liệu các tháng trước được tính cho đơn vị kế thừa: {}.", lines.join("; "))
    }
}

/// The display names joined onto the frames: unit code → name, officer id → name.
struct Labels {
    units: DataFrame,
    officers: DataFrame,
}

/// The ranking: last month beside this month, the groups, the rates, the method notes.
fn summary_sheet(
    wb: &mut Workbook,
    r: &MonthlyReport<'_>,
    l: &Labels,
    f: &Formats,
) -> Result<super::charts::SummaryLayout<'static>> {
    let units = &l.units;
    let sc = r.scorecard;
    let ws = wb.add_worksheet().set_name(SHEETS[0])?;
    let row = title(ws, r, &format!("XẾP HẠNG CHẤT LƯỢNG GIẢI QUYẾT TTHC {}", r.period.label_vi().to_uppercase()), f)?;
    if let Some(p) = &sc.portal {
        ws.write_string_with_format(
            2,
            0,
            format!(
                "Trên Cổng Dịch vụ công quốc gia: phường {}{} (trang \"{}\").",
                super::portal::rank_text(p),
                p.ward_total.map(|t| format!(", tổng điểm {}", super::number(t, 2))).unwrap_or_default(),
                super::portal::SHEET
            ),
            &f.note,
        )?;
    }
    // Last month's score beside this month's, when last month was run.
    let prev = r
        .history
        .clone()
        .lazy()
        .filter(col("period").eq(lit(r.period.prev().to_string())))
        .select([col("scope").alias("p_scope"), col("score").alias("score_prev")]);
    let scopes = with_unit_label(&sc.scopes, "scope", units)?
        .lazy()
        .join(
            prev,
            [col("scope")],
            [col("p_scope")],
            JoinArgs { maintain_order: MaintainOrderJoin::Left, ..JoinArgs::new(JoinType::Left) },
        )
        .with_column((col("score") - col("score_prev")).round(2, RoundMode::HalfAwayFromZero).alias("score_change"))
        .with_column(when(col("active").eq(lit(0i64))).then(lit("Không có hồ sơ")).otherwise(col("band")).alias("band"))
        .collect()?;
    // One column per group that has indicators: its points, with its maximum in the header.
    let groups: Vec<(String, String)> = r
        .method
        .groups
        .iter()
        .filter(|g| r.method.indicators.iter().any(|i| i.group == g.code))
        .map(|g| (format!("{} ({} điểm)", g.name, g.max_points), group_column(&g.code)))
        .collect();
    let mut cols = vec![
        c("Hạng", "rank", Kind::Int, 7.0),
        c("Đơn vị", "unit_label", Kind::Text, 44.0),
        c("Điểm (thang 100)", "score", Kind::Points, 11.0),
        c("Điểm tháng trước", "score_prev", Kind::Points, 10.0),
        c("Thay đổi", "score_change", Kind::Change, 10.0),
        c("Xếp loại", "band", Kind::Text, 12.0),
        c("Điểm đạt", "points", Kind::Points, 10.0),
        c("Điểm tối đa áp dụng", "max_points", Kind::Points, 11.0),
    ];
    cols.extend(groups.iter().map(|(header, column)| c(header, column, Kind::Points, 12.0)));
    cols.extend([
        c("Hồ sơ trong kỳ", "active", Kind::Int, 10.0),
        c("Tiếp nhận trong kỳ", "received", Kind::Int, 10.0),
        c("Đã giải quyết trong kỳ", "finished", Kind::Int, 11.0),
        c("Đúng hạn", "on_time", Kind::Int, 9.0),
        c("Trễ hạn", "late", Kind::Int, 9.0),
        c("Tỷ lệ đúng hạn", "on_time_rate", Kind::Rate, 10.0),
        c("Tỷ lệ trực tuyến", "online_rate", Kind::Rate, 10.0),
        c("Tỷ lệ thanh toán trực tuyến", "paid_online_rate", Kind::Rate, 12.0),
        c("Tỷ lệ số hóa đầu vào", "input_digitised_rate", Kind::Rate, 10.0),
        c("Tỷ lệ kết quả điện tử", "result_digitised_rate", Kind::Rate, 10.0),
        c("Tỷ lệ số hóa hồ sơ và kết quả", "digitised_rate", Kind::Rate, 12.0),
        c("Tỷ lệ ký số", "e_signed_rate", Kind::Rate, 9.0),
        c("Tỷ lệ tái sử dụng dữ liệu", "data_reused_rate", Kind::Rate, 11.0),
        c("Tỷ lệ phải bổ sung", "supplement_rate", Kind::Rate, 10.0),
    ]);
    let (scopes, ward) = ward_last(&scopes, "scope")?;
    let last = write_with_ward(ws, row, &scopes, &cols, ward, f)?;
    super::charts::colour_summary(ws, row, last, &cols, r.method)?;
    let at = |name: &str| cols.iter().position(|c| c.column == name).unwrap_or(0) as u16;
    let layout = super::charts::SummaryLayout {
        sheet: SHEETS[0],
        header_row: row,
        units: scopes.column("rank")?.u32()?.iter().flatten().count() as u32,
        label_col: at("unit_label"),
        score_col: at("score"),
    };
    let notes = method_notes(ws, r, last + 2, f)?;
    // On paper: every column, the rates on the pages after the ranking's, and the notes.
    print_layout(ws, row, last + 1 + notes, &cols, true)?;
    Ok(layout)
}

/// The notes under the ranking: the methodology, how the score is made, the on-time rules
/// chosen, the groups not computed from dossiers.
fn method_notes(ws: &mut Worksheet, r: &MonthlyReport<'_>, row: u32, f: &Formats) -> Result<u32> {
    let notes: Vec<String> = r
        .method
        .groups
        .iter()
        .filter_map(|g| g.note.as_ref().map(|n| format!("Nhóm \"{}\" ({} điểm): {}.", g.name, g.max_points, n)))
        .collect();
    let on_time = r.method.on_time.notes_vi().into_iter().map(|n| format!("Đúng hạn — {n}."));
    let mut n = 0;
    for (i, line) in [format!("Phương pháp: {} ({}).", r.method.name, r.method.decision)]
        .into_iter()
        .chain(std::iter::once(
        "Điểm thang 100 = điểm đạt / điểm tối đa của các chỉ số tính được từ dữ liệu hồ sơ × 100; hạng bằng nhau khi điểm (làm tròn) bằng nhau, hạng kế tiếp bị bỏ qua.".to_string(),
    )
    .chain(on_time)
    .chain(notes)
    .chain(std::iter::once(super::charts::COLOUR_NOTE.to_string()))
    .chain(std::iter::once(
        "Ô tỷ lệ để trống: đơn vị không có hồ sơ để tính tỷ lệ đó trong kỳ (ví dụ không có hồ sơ có phí, lệ phí cho tỷ lệ thanh toán trực tuyến)."
            .to_string(),
    )))
    .enumerate()
    {
        // One line each: a note's own line breaks and runs of spaces print as gaps.
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        ws.write_string_with_format(row + i as u32, 0, &line, &f.note)?;
        n = i as u32 + 1;
    }
    Ok(n)
}

/// Every indicator of every scope: numerator, denominator, rate, points, lost.
fn indicators_sheet(wb: &mut Workbook, r: &MonthlyReport<'_>, l: &Labels, f: &Formats) -> Result<()> {
    let units = &l.units;
    let sc = r.scorecard;
    let ws = wb.add_worksheet().set_name(SHEETS[1])?;
    let row = title(ws, r, "ĐIỂM THEO TỪNG CHỈ SỐ CỦA TỪNG ĐƠN VỊ", f)?;
    let (ind, ward) = ward_last(&with_unit_label(&sc.indicators, "scope", units)?, "scope")?;
    let cols = vec![
        c("Đơn vị", "unit_label", Kind::Text, 34.0),
        c("Nhóm chỉ số", "group_name", Kind::Text, 24.0),
        c("Chỉ số", "indicator_name", Kind::Text, 40.0),
        c("Tử số", "numerator", Kind::Int, 9.0),
        c("Mẫu số", "denominator", Kind::Int, 9.0),
        c("Tỷ lệ", "rate", Kind::Rate, 9.0),
        c("Điểm đạt", "points", Kind::Points, 9.0),
        c("Điểm tối đa áp dụng", "max_applied", Kind::Points, 11.0),
        c("Điểm bị mất", "lost", Kind::Points, 9.0),
    ];
    write_with_ward(ws, row, &ind, &cols, ward, f)?;
    super::table::keep_groups_on_pages(ws, row, &ind, &cols, "scope")?;
    Ok(())
}

/// Officers ranked by their on-time rate.
fn officers_sheet(wb: &mut Workbook, r: &MonthlyReport<'_>, l: &Labels, f: &Formats) -> Result<()> {
    let sc = r.scorecard;
    let ws = wb.add_worksheet().set_name(SHEETS[2])?;
    let row = title(ws, r, "KẾT QUẢ GIẢI QUYẾT HỒ SƠ THEO CÁN BỘ", f)?;
    let off = with_officer_names(&with_unit_label(&sc.officers, "unit_code", &l.units)?, r.registry)?;
    let cols = [
        c("Hạng", "rank", Kind::Int, 7.0),
        c("Họ và tên", "officer_name", Kind::Text, 22.0),
        c("Chức vụ", "officer_position", Kind::Text, 24.0),
        c("Đơn vị", "unit_label", Kind::Text, 24.0),
        c("Hồ sơ trong kỳ", "active", Kind::Int, 9.0),
        c("Đúng hạn", "on_time", Kind::Int, 9.0),
        c("Trễ hạn", "late", Kind::Int, 8.0),
        c("Tỷ lệ đúng hạn", "on_time_rate", Kind::Rate, 9.0),
        c("Đã giải quyết trong kỳ", "finished", Kind::Int, 10.0),
        c("Tỷ lệ ký số", "e_signed_rate", Kind::Rate, 9.0),
        c("Tỷ lệ kết quả điện tử", "result_digitised_rate", Kind::Rate, 10.0),
        c("Phản ánh có cơ sở về cán bộ", "complaints", Kind::Int, 11.0),
    ];
    write_with_ward(ws, row, &off, &cols, 0, f)?;
    let note = "Hạng theo tỷ lệ hồ sơ đúng hạn (làm tròn 4 chữ số), bằng tỷ lệ thì cùng hạng; không xét số hồ sơ đã xử lý. Trong cùng hạng, người xử lý nhiều hồ sơ hơn đứng trước.";
    super::table::note_across(ws, 2, note, &cols, f)?;

    Ok(())
}

/// The overdue and late dossiers, most days late first.
fn overdue_sheet(wb: &mut Workbook, r: &MonthlyReport<'_>, l: &Labels, f: &Formats) -> Result<()> {
    let units = &l.units;
    let sc = r.scorecard;
    let ws = wb.add_worksheet().set_name(SHEETS[3])?;
    let row = title(ws, r, "DANH SÁCH HỒ SƠ QUÁ HẠN, TRỄ HẠN", f)?;
    // A unit the registry does not know is shown by the name the export gave it.
    let overdue = with_unit_label(&sc.overdue, "unit_code", units)?
        .lazy()
        .with_column(col("unit_label").fill_null(col("unit_name")))
        .collect()?;
    let overdue = with_officer_names(&overdue, r.registry)?;
    let cols = [
        // Page 1: which dossier, whose, how late and why; page 2: its dates.
        c("Mã hồ sơ", "dossier_id", Kind::Text, 24.0),
        c("Tên thủ tục", "procedure_name", Kind::Text, 34.0),
        c("Đơn vị", "unit_label", Kind::Text, 26.0),
        c("Cán bộ xử lý", "officer_name", Kind::Text, 20.0),
        c("Số ngày làm việc trễ", "days_late", Kind::Int, 9.0),
        c("Tình trạng", "state", Kind::Text, 20.0),
        c("Lý do", "late_reason", Kind::Text, 22.0),
        c("Ngày tiếp nhận", "received_at", Kind::DateTime, 16.0),
        c("Ngày hẹn trả", "due_at", Kind::DateTime, 16.0),
        c("Hạn sau thời gian bổ sung", "due_eff", Kind::DateTime, 16.0),
        c("Ngày kết thúc", "finished_at", Kind::DateTime, 16.0),
        c("Số lần yêu cầu bổ sung", "supplement_requests", Kind::Int, 10.0),
        c("Mã TTHC", "procedure_code", Kind::Text, 22.0),
    ];
    write_with_ward(ws, row, &overdue, &cols, 0, f)?;
    let note = format!(
        "Hồ sơ trễ hạn trong kỳ và hồ sơ chưa kết thúc đã quá hạn, trễ nhiều ngày nhất trước. {}. Đơn vị không có trong danh mục của phường được ghi theo tên trong tệp hồ sơ.",
        match r.method.on_time.supplements_over_one {
            crate::score::OverOneSupplement::Late =>
                "Hồ sơ phải bổ sung quá 1 lần được tính là trễ hạn, kể cả khi số ngày trễ là 0",
            crate::score::OverOneSupplement::ByDates => "Hồ sơ phải bổ sung quá 1 lần được xét theo ngày",
        }
    );
    super::table::note_across(ws, 2, &note, &cols, f)?;

    Ok(())
}

/// The one-stop section's targets of the plan, per unit and the ward.
fn targets_sheet(wb: &mut Workbook, r: &MonthlyReport<'_>, l: &Labels, f: &Formats) -> Result<()> {
    let units = &l.units;
    let sc = r.scorecard;
    let ws = wb.add_worksheet().set_name(SHEETS[4])?;
    let Some(plan) = &r.indices.plan else {
        let row = title(ws, r, "CHỈ TIÊU GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH CỦA CÁC ĐƠN VỊ", f)?;
        ws.set_column_width(0, 110)?;
        let why = format!(
            "Không có kế hoạch thi đua nào áp dụng cho {}: không có chỉ tiêu để đối chiếu (thêm tệp chỉ tiêu có [plan] vào config/methodology/).",
            r.period.label_vi()
        );
        ws.write_string_with_format(row, 0, why, &f.text)?;
        return Ok(());
    };
    let heading =
        format!("CHỈ TIÊU GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH CỦA CÁC ĐƠN VỊ ({} {})", plan.one_stop_section, plan.short());
    let row = title(ws, r, &heading.to_uppercase(), f)?;
    let targets = with_unit_label(&sc.targets, "scope", units)?
        .lazy()
        .with_columns([
            when(col("unit_of_measure").eq(lit("rate")))
                .then(col("actual"))
                .otherwise(lit(NULL).cast(DataType::Float64))
                .alias("actual_rate"),
            when(col("unit_of_measure").eq(lit("count")))
                .then(col("actual"))
                .otherwise(lit(NULL).cast(DataType::Float64))
                .alias("actual_count"),
            // Percentage points, not a share: 2,30 for 97,7% against 100%.
            when(col("unit_of_measure").eq(lit("rate")))
                .then(col("gap") * lit(100.0))
                .otherwise(lit(NULL).cast(DataType::Float64))
                .alias("gap_points"),
            when(col("unit_of_measure").eq(lit("rate")))
                .then(col("target_value"))
                .otherwise(lit(NULL).cast(DataType::Float64))
                .alias("target_rate"),
            when(col("unit_of_measure").eq(lit("count")))
                .then(col("target_value"))
                .otherwise(lit(NULL).cast(DataType::Float64))
                .alias("target_count"),
        ])
        .collect()?;
    let (targets, ward) = ward_last(&targets, "scope")?;
    write_with_ward(
        ws,
        row,
        &targets,
        &[
            c("Đơn vị", "unit_label", Kind::Text, 30.0),
            c("Chỉ tiêu", "target_name", Kind::Text, 46.0),
            c("Mục tiêu (tỷ lệ)", "target_rate", Kind::Rate, 10.0),
            c("Mục tiêu (số hồ sơ)", "target_count", Kind::Int, 10.0),
            c("Thực hiện (tỷ lệ)", "actual_rate", Kind::Rate, 11.0),
            c("Thực hiện (số hồ sơ)", "actual_count", Kind::Int, 11.0),
            c("Kết quả", "met", Kind::Met, 10.0),
            c("Còn thiếu (điểm phần trăm)", "gap_points", Kind::Points, 12.0),
            c("Còn thiếu (hồ sơ)", "shortfall", Kind::Int, 11.0),
        ],
        ward,
        f,
    )?;

    Ok(())
}

/// Every finding about the input, with file, row and value.
fn quality_sheet(wb: &mut Workbook, r: &MonthlyReport<'_>, f: &Formats) -> Result<()> {
    let ws = wb.add_worksheet().set_name(SHEETS[5])?;
    let row = title(ws, r, "PHỤ LỤC KIỂM TRA NGUỒN (1/2) — CHẤT LƯỢNG DỮ LIỆU ĐẦU VÀO", f)?;
    write_with_ward(
        ws,
        row,
        &findings_frame(r.findings)?,
        &[
            c("Dữ liệu", "dataset", Kind::Text, 18.0),
            c("Mức độ", "severity", Kind::Text, 14.0),
            c("Quy tắc", "rule", Kind::Text, 60.0),
            c("Số dòng", "count", Kind::Int, 9.0),
            c("Tệp", "file", Kind::Text, 34.0),
            c("Dòng", "row", Kind::Int, 7.0),
            c("Giá trị", "detail", Kind::Text, 30.0),
        ],
        0,
        f,
    )?;

    Ok(())
}

/// The files used: where from, their hash, how each was read.
fn sources_sheet(wb: &mut Workbook, r: &MonthlyReport<'_>, f: &Formats) -> Result<()> {
    let ws = wb.add_worksheet().set_name(SHEETS[6])?;
    let row = title(ws, r, "PHỤ LỤC KIỂM TRA NGUỒN (2/2) — NGUỒN DỮ LIỆU ĐÃ DÙNG", f)?;
    ws.write_string_with_format(
        2,
        0,
        "Phụ lục dành cho kiểm tra, đối chiếu: mã nguồn, đường dẫn và mã băm SHA-256 của từng tệp đã dùng.",
        &f.note,
    )?;
    write_with_ward(
        ws,
        row,
        &files_frame(r.files)?,
        &[
            c("Nguồn", "source", Kind::Text, 12.0),
            c("Dữ liệu", "dataset", Kind::Text, 18.0),
            c("Tệp", "name", Kind::Text, 34.0),
            c("Nơi lấy", "origin", Kind::Text, 40.0),
            c("Thời điểm lấy", "fetched_at", Kind::Text, 26.0),
            c("SHA-256", "sha256", Kind::Text, 20.0),
            c("Định dạng", "format", Kind::Text, 9.0),
            c("Bảng mã", "encoding", Kind::Text, 13.0),
            c("Trang tính", "sheet", Kind::Text, 16.0),
            c("Định dạng nguồn", "profile", Kind::Text, 22.0),
            c("Dòng tiêu đề", "header_row", Kind::Int, 8.0),
            c("Số dòng đọc", "rows_read", Kind::Int, 9.0),
            c("Số dòng bị loại", "rows_rejected", Kind::Int, 9.0),
            c("Số dòng dùng", "rows_kept", Kind::Int, 9.0),
            c("Cột dữ liệu cá nhân đã loại bỏ", "personal", Kind::Text, 30.0),
            c("Cột không dùng", "ignored", Kind::Text, 24.0),
        ],
        0,
        f,
    )?;

    Ok(())
}

/// One row per example of each finding (the count on every row of its finding).
fn findings_frame(findings: &[Finding]) -> PolarsResult<DataFrame> {
    let (mut dataset, mut severity, mut rule, mut count, mut file, mut row, mut detail) =
        (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
    for fd in findings {
        let examples: Vec<Option<&crate::ingest::Example>> =
            if fd.examples.is_empty() { vec![None] } else { fd.examples.iter().map(Some).collect() };
        for ex in examples {
            dataset.push(fd.dataset.label_vi().to_string());
            severity.push(fd.severity.label().to_string());
            rule.push(fd.rule.clone());
            count.push(fd.count as i64);
            file.push(ex.map(|e| e.file.clone()));
            row.push(ex.map(|e| i64::from(e.row)));
            detail.push(ex.map(|e| e.detail.clone()));
        }
    }
    df![
        "dataset" => dataset, "severity" => severity, "rule" => rule, "count" => count,
        "file" => file, "row" => row, "detail" => detail,
    ]
}

fn files_frame(files: &[FileReport]) -> PolarsResult<DataFrame> {
    df![
        "source" => files.iter().map(|f| f.source.clone()).collect::<Vec<_>>(),
        "dataset" => files.iter().map(|f| f.dataset.label_vi().to_string()).collect::<Vec<_>>(),
        "name" => files.iter().map(|f| f.name.clone()).collect::<Vec<_>>(),
        "origin" => files.iter().map(|f| f.origin.clone()).collect::<Vec<_>>(),
        "fetched_at" => files.iter().map(|f| fetched_vi(&f.fetched_at)).collect::<Vec<_>>(),
        "sha256" => files.iter().map(|f| f.sha256.clone()).collect::<Vec<_>>(),
        "format" => files.iter().map(|f| f.format.to_string()).collect::<Vec<_>>(),
        "encoding" => files.iter().map(|f| f.encoding.map(|e| e.label().to_string())).collect::<Vec<_>>(),
        "sheet" => files.iter().map(|f| f.sheet.clone()).collect::<Vec<_>>(),
        "header_row" => files.iter().map(|f| i64::from(f.header_row)).collect::<Vec<_>>(),
        "profile" => files.iter().map(|f| format!("{} ({})", f.profile, f.profile_choice.label_vi())).collect::<Vec<_>>(),
        "rows_read" => files.iter().map(|f| f.rows_read as i64).collect::<Vec<_>>(),
        "rows_rejected" => files.iter().map(|f| f.rejected_rows() as i64).collect::<Vec<_>>(),
        "rows_kept" => files.iter().map(|f| f.rows_kept as i64).collect::<Vec<_>>(),
        "personal" => files.iter().map(|f| f.personal_dropped.join(", ")).collect::<Vec<_>>(),
        "ignored" => files.iter().map(|f| f.ignored.join(", ")).collect::<Vec<_>>(),
    ]
}

/// "02/12/2026 02:03:52" for an RFC 3339 time (to the second, in its own offset); other text
/// as it is.
fn fetched_vi(at: &str) -> String {
    DateTime::parse_from_rfc3339(at).map_or_else(|_| at.to_string(), |t| t.format("%d/%m/%Y %H:%M:%S").to_string())
}
