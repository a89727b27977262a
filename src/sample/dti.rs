//! S6 digital transformation (DTI): the ward's own assessment by indicator, and the province's
//! ranking of every commune, in which the sample ward stands about twelfth.
//!
//! The ward's value in the ranking is its appraised points over the maximum, rounded to four
//! decimals, so the two files agree the way the published ones do.

use std::path::{Path, PathBuf};

use anyhow::Result;
use rand::Rng;
use rand::rngs::StdRng;
use rust_xlsxwriter::Format;

use super::calendar::{Calendar, Ts, hms};
use super::places::{self, DISTRICTS};
use super::xlsx::{self, FIRST_DATA_ROW};
use super::{SampleIndices, SampleWard};

pub(crate) const WARD_HEADERS: [&str; 6] =
    ["STT", "Mã chỉ tiêu", "Chỉ tiêu", "Điểm tối đa", "Điểm tự đánh giá", "Điểm thẩm định"];
const WARD_WIDTHS: [f64; 6] = [6.0, 26.0, 70.0, 10.0, 12.0, 12.0];
pub(crate) const RANKING_HEADERS: [&str; 6] =
    ["STT", "Mã xã", "Tên xã, phường, thị trấn", "Huyện, thị xã, thành phố", "Chỉ số DTI", "Xếp hạng"];
const RANKING_WIDTHS: [f64; 6] = [6.0, 9.0, 30.0, 26.0, 12.0, 10.0];
/// DTI values are handled in ten-thousandths, as published.
const UNIT: f64 = 10_000.0;

/// Writes the ward's assessment and the provincial ranking (nothing without indicators).
pub(crate) fn write_year(
    rng: &mut StdRng,
    cal: &Calendar,
    ward: &SampleWard,
    ix: &SampleIndices,
    out_dir: &Path,
) -> Result<Vec<PathBuf>> {
    let maxes: Vec<f64> = ix.dti_indicators.iter().map(|c| c.max_points.max(0.0)).collect();
    let max_total: f64 = maxes.iter().sum();
    if max_total <= 0.0 {
        return Ok(Vec::new());
    }
    let points: Vec<(f64, f64)> = maxes.iter().map(|&m| assess(rng, m)).collect();
    let dti = (points.iter().map(|p| p.1).sum::<f64>() / max_total * UNIT).round() as u32;
    let dir = out_dir.join("dti").join(ward.year.to_string());
    Ok(vec![write_assessment(cal, ward, ix, &points, &dir)?, write_ranking(rng, cal, ward, dti, &dir)?])
}

/// (self-assessed, appraised) points of one indicator: mostly 75–97 % of the maximum, some
/// in full, appraisal taking off a little now and then.
fn assess(rng: &mut StdRng, max: f64) -> (f64, f64) {
    let step = if max >= 10.0 { 0.5 } else { 0.25 };
    let round = |x: f64| ((x / step).round() * step).clamp(0.0, max);
    if rng.random_bool(0.18) {
        return (max, max);
    }
    let own = round(max * rng.random_range(0.75..0.97));
    let appraised = if rng.random_bool(0.5) { own } else { round(own - max * rng.random_range(0.02..0.1)) };
    (own, appraised.min(own))
}

fn write_assessment(
    cal: &Calendar,
    ward: &SampleWard,
    ix: &SampleIndices,
    points: &[(f64, f64)],
    dir: &Path,
) -> Result<PathBuf> {
    let year = ward.year;
    let path = dir.join(format!("dti-phuong-{year}.xlsx"));
    let heading = format!("ỦY BAN NHÂN DÂN PHƯỜNG {}", ward.ward_name.to_uppercase());
    let title = format!("KẾT QUẢ ĐÁNH GIÁ CHỈ SỐ CHUYỂN ĐỔI SỐ CẤP XÃ NĂM {year}");
    let at = Ts::new(cal.nth_working_day(year + 1, 4, 8), hms(10, 5, 0));
    let mut wb = xlsx::workbook_by(cal, at, "Hệ thống đánh giá chuyển đổi số tỉnh Quảng Ninh")?;
    let ws =
        xlsx::titled_sheet(&mut wb, "Chỉ số DTI", [&heading, &title, "(Số liệu mẫu)"], &WARD_HEADERS, &WARD_WIDTHS)?;
    for (i, (crit, (own, appraised))) in ix.dti_indicators.iter().zip(points).enumerate() {
        let row = FIRST_DATA_ROW + i as u32;
        ws.write_number(row, 0, (i + 1) as f64)?;
        ws.write_string(row, 1, &crit.code)?;
        ws.write_string(row, 2, &crit.name)?;
        ws.write_number(row, 3, crit.max_points.max(0.0))?;
        ws.write_number(row, 4, *own)?;
        ws.write_number(row, 5, *appraised)?;
    }
    xlsx::save(&mut wb, &path)?;
    Ok(path)
}

/// The province's ranking: the ward (DTI `dti` in ten-thousandths) with 10 to 12 communes
/// ahead of it, the others spread below; the cities lean higher, the mountain districts lower;
/// one tie shares a rank and skips the next, as published lists do.
fn write_ranking(rng: &mut StdRng, cal: &Calendar, ward: &SampleWard, dti: u32, dir: &Path) -> Result<PathBuf> {
    let year = ward.year;
    let communes = places::communes(&ward.ward_name, &ward.merged);
    let ahead: usize = rng.random_range(10..=12);
    let w = dti.clamp(1_000, 9_900);
    // Order the others by district lean plus noise, then give them distinct values around w.
    let mut others: Vec<(usize, f64)> = (1..communes.len())
        .map(|i| {
            let noise = (rng.random::<f64>() + rng.random::<f64>() - 1.0) * 0.08;
            // Wards and towns lean higher than rural communes.
            let urban = if communes[i].name.starts_with("Xã") { -0.03 } else { 0.02 };
            (i, DISTRICTS[communes[i].district].lean + urban + noise)
        })
        .collect();
    others.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let behind = others.len() - ahead;
    let distinct = |rng: &mut StdRng, lo: u32, hi: u32, k: usize| -> Vec<u32> {
        let mut v: Vec<u32> =
            rand::seq::index::sample(rng, (hi - lo) as usize, k).into_iter().map(|x| lo + x as u32).collect();
        v.sort_unstable_by(|a, b| b.cmp(a));
        v
    };
    let top = (w + 900).min(9_700).max(w + 100);
    let mut values = distinct(rng, w + 1, top + 1, ahead);
    let mut low = distinct(rng, w * 45 / 100, w, behind);
    let tie = rng.random_range(behind / 5..behind / 2);
    low[tie + 1] = low[tie];
    values.extend(low);
    let mut rows: Vec<(usize, u32)> = vec![(0, w)];
    rows.extend(others.iter().zip(values).map(|(o, v)| (o.0, v)));
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));

    let path = dir.join(format!("xep-hang-dti-cap-xa-{year}.xlsx"));
    let title = format!("BẢNG XẾP HẠNG CHỈ SỐ CHUYỂN ĐỔI SỐ CẤP XÃ NĂM {year} (SỐ LIỆU MẪU)");
    let sub = format!("({} xã, phường, thị trấn thuộc tỉnh Quảng Ninh)", rows.len());
    let at = Ts::new(cal.nth_working_day(year + 1, 5, 6), hms(9, 30, 0));
    let mut wb = xlsx::workbook_by(cal, at, "Sở Thông tin và Truyền thông tỉnh Quảng Ninh")?;
    let ws = xlsx::titled_sheet(
        &mut wb,
        "Xếp hạng DTI cấp xã",
        ["ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH", &title, &sub],
        &RANKING_HEADERS,
        &RANKING_WIDTHS,
    )?;
    let four = Format::new().set_num_format("0.0000");
    for (n, &(c, v)) in rows.iter().enumerate() {
        let row = FIRST_DATA_ROW + n as u32;
        let rank = 1 + rows.iter().filter(|r| r.1 > v).count();
        ws.write_number(row, 0, (n + 1) as f64)?;
        ws.write_string(row, 1, &communes[c].code)?;
        ws.write_string(row, 2, &communes[c].name)?;
        ws.write_string(row, 3, DISTRICTS[communes[c].district].name)?;
        ws.write_number_with_format(row, 4, f64::from(v) / UNIT, &four)?;
        ws.write_number(row, 5, rank as f64)?;
    }
    xlsx::save(&mut wb, &path)?;
    Ok(path)
}
