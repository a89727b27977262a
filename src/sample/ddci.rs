//! S7 DDCI business survey: raw component scores (0..10) of the sample ward and twelve other
//! Hạ Long wards over three years, in long format, as the survey's data tables come. The
//! sample ward improves on every component year on year.

use std::path::{Path, PathBuf};

use anyhow::Result;
use rand::Rng;
use rand::rngs::StdRng;
use rust_xlsxwriter::Format;

use super::calendar::{Calendar, Ts, hms};
use super::places;
use super::xlsx::{self, FIRST_DATA_ROW};
use super::{SampleIndices, SampleWard};

pub(crate) const HEADERS: [&str; 6] = ["Năm", "Mã đơn vị", "Đơn vị", "Mã thành phần", "Thành phần", "Điểm"];
const WIDTHS: [f64; 6] = [8.0, 11.0, 26.0, 30.0, 40.0, 8.0];
/// Wards of the city surveyed besides the sample ward.
pub(crate) const OTHER_WARDS: usize = 12;

/// Writes `ddci/ddci-{year-2}-{year}.xlsx` (nothing without components).
pub(crate) fn write_years(
    rng: &mut StdRng,
    cal: &Calendar,
    ward: &SampleWard,
    ix: &SampleIndices,
    out_dir: &Path,
) -> Result<Vec<PathBuf>> {
    let comps = &ix.ddci_components;
    if comps.is_empty() {
        return Ok(Vec::new());
    }
    let mut units = vec![(places::WARD_CODE.to_string(), format!("Phường {}", ward.ward_name))];
    units.extend(
        places::other_ha_long_wards(&ward.ward_name, &ward.merged)
            .into_iter()
            .take(OTHER_WARDS)
            .map(|w| (w.0.into(), w.1)),
    );
    let years = [ward.year - 2, ward.year - 1, ward.year];
    let round = |x: f64| (x.clamp(5.5, 8.5) * 100.0).round() / 100.0;
    // scores[u][y][c]
    let mut scores = Vec::new();
    for u in 0..units.len() {
        let base: f64 = if u == 0 { rng.random_range(6.1..6.7) } else { rng.random_range(5.9..7.9) };
        let offsets: Vec<f64> = comps.iter().map(|_| rng.random_range(-0.6..0.6)).collect();
        let mut by_year = Vec::new();
        let mut drift = 0.0;
        for y in 0..years.len() {
            let row: Vec<f64> = if u == 0 {
                // Steady gains on every component: at least 0.15 a year, never clamped away.
                offsets.iter().map(|o| round(base + o + drift)).collect()
            } else {
                offsets.iter().map(|o| round(base + o + drift + rng.random_range(-0.25..0.25))).collect()
            };
            by_year.push(row);
            if y + 1 < years.len() {
                drift += if u == 0 { rng.random_range(0.15..0.55) } else { rng.random_range(-0.3..0.35) };
            }
        }
        scores.push(by_year);
    }
    let (first, last) = (years[0], ward.year);
    let path = out_dir.join("ddci").join(format!("ddci-{first}-{last}.xlsx"));
    let title = format!(
        "KẾT QUẢ KHẢO SÁT CHỈ SỐ NĂNG LỰC CẠNH TRANH CẤP PHƯỜNG, XÃ (DDCI) CÁC NĂM {first}, {} VÀ {last}",
        years[1]
    );
    let at = Ts::new(cal.nth_working_day(last + 1, 3, 20), hms(10, 0, 0));
    let mut wb = xlsx::workbook_by(cal, at, "UBND thành phố Hạ Long")?;
    let ws = xlsx::titled_sheet(
        &mut wb,
        "DDCI",
        ["ỦY BAN NHÂN DÂN THÀNH PHỐ HẠ LONG", &title, "(Số liệu mẫu; điểm thô các chỉ số thành phần, thang điểm 10)"],
        &HEADERS,
        &WIDTHS,
    )?;
    let two = Format::new().set_num_format("0.00");
    let mut row = FIRST_DATA_ROW;
    for (y, year) in years.iter().enumerate() {
        for (u, (code, name)) in units.iter().enumerate() {
            for (c, comp) in comps.iter().enumerate() {
                ws.write_number(row, 0, f64::from(*year))?;
                ws.write_string(row, 1, code)?;
                ws.write_string(row, 2, name)?;
                ws.write_string(row, 3, &comp.code)?;
                ws.write_string(row, 4, &comp.name)?;
                ws.write_number_with_format(row, 5, scores[u][y][c], &two)?;
                row += 1;
            }
        }
    }
    xlsx::save(&mut wb, &path)?;
    Ok(vec![path])
}
