//! S5 PAR appraisal: the table of self-assessed and appraised points per unit and criterion
//! that the ward's appraisal council returns, for the sample year and the year before.
//!
//! One unit is clearly best and one clearly weakest (the same as in the dossier exports when
//! they are rated), the sample year is better than the year before, and a few rows were never
//! appraised (empty cell: the pipeline falls back to the self-assessed points).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use rand::Rng;
use rand::rngs::StdRng;

use super::calendar::{Calendar, Ts, hms};
use super::catalog::Rank;
use super::xlsx::{self, FIRST_DATA_ROW};
use super::{SampleIndices, SampleUnit, SampleWard};

pub(crate) const HEADERS: [&str; 9] = [
    "STT",
    "Mã đơn vị",
    "Đơn vị",
    "Mã tiêu chí",
    "Tiêu chí",
    "Điểm tối đa",
    "Điểm tự chấm",
    "Điểm thẩm định",
    "Tài liệu kiểm chứng",
];
const WIDTHS: [f64; 9] = [6.0, 12.0, 34.0, 24.0, 60.0, 10.0, 10.0, 10.0, 46.0];
const STEP: f64 = 0.25;
/// Why points were lost: by the unit itself or in appraisal.
const SHORTFALL: [&str; 6] = [
    "Chưa có báo cáo quý {}",
    "Báo cáo gửi chậm so với thời hạn quy định",
    "Tài liệu kiểm chứng chưa đầy đủ nội dung theo yêu cầu",
    "Văn bản ban hành chậm so với thời hạn",
    "Tài liệu kiểm chứng không thuộc kỳ đánh giá",
    "Chưa thực hiện đủ số lần theo kế hoạch",
];
/// Why a whole criterion was lost.
const NOTHING: [&str; 3] =
    ["Thiếu tài liệu kiểm chứng", "Không có tài liệu kiểm chứng", "Không thực hiện nhiệm vụ trong năm đánh giá"];
/// Documents cited as evidence: (kind, number suffix).
const EVIDENCE: [(&str, &str); 5] = [
    ("Kế hoạch", "KH-UBND"),
    ("Báo cáo", "BC-UBND"),
    ("Quyết định", "QĐ-UBND"),
    ("Thông báo", "TB-UBND"),
    ("Công văn", "UBND-VP"),
];

#[derive(Clone, Copy)]
struct Cell {
    max: f64,
    own: f64,
    /// None: not appraised.
    appraised: Option<f64>,
}

impl Cell {
    fn counted(&self) -> f64 {
        self.appraised.unwrap_or(self.own)
    }
}

/// How often a unit loses points: below the maximum in its own assessment, a little in
/// appraisal, a whole criterion in appraisal.
struct Habit {
    own_less: f64,
    small: f64,
    whole: f64,
}

/// `table[u][c]`: unit u (in `par_units` order), criterion c.
type Table = Vec<Vec<Cell>>;

pub(crate) fn write_years(
    rng: &mut StdRng,
    cal: &Calendar,
    ward: &SampleWard,
    ix: &SampleIndices,
    ranks: &[Rank],
    out_dir: &Path,
) -> Result<Vec<PathBuf>> {
    // Codes the registry does not know this year are not rated.
    let rated: Vec<(&SampleUnit, Rank)> = ix
        .par_units
        .iter()
        .filter_map(|c| ward.units.iter().position(|u| u.code == *c))
        .map(|i| (&ward.units[i], ranks[i]))
        .collect();
    if rated.is_empty() || ix.par_criteria.is_empty() {
        return Ok(Vec::new());
    }
    let n = rated.len();
    let best = rated.iter().position(|r| r.1 == Rank::Best).unwrap_or(0);
    let weakest = rated.iter().position(|r| r.1 == Rank::Weakest).or_else(|| (0..n).rev().find(|&u| u != best));
    let habits: Vec<Habit> = (0..n)
        .map(|u| match u {
            _ if u == best => Habit { own_less: 0.03, small: 0.05, whole: 0.0 },
            _ if Some(u) == weakest => Habit { own_less: 0.2, small: 0.3, whole: 0.06 },
            _ => Habit { own_less: 0.08, small: rng.random_range(0.1..0.22), whole: 0.02 },
        })
        .collect();
    let maxes: Vec<f64> = ix.par_criteria.iter().map(|c| c.max_points.max(0.0)).collect();
    let mut before = draw(rng, &habits, &maxes, 1.35);
    let mut now = draw(rng, &habits, &maxes, 1.0);
    for t in [&mut before, &mut now] {
        leave_unappraised(rng, t, best, weakest);
        keep_standing(t, best, weakest);
    }
    worsen_until_below(&mut before, total(&now), weakest.unwrap_or(best));
    let mut files = Vec::new();
    for (year, table) in [(ward.year - 1, &before), (ward.year, &now)] {
        // A year's table lists the units that existed in it (the year before a merger has none
        // of the new units: no table).
        let first = chrono::NaiveDate::from_ymd_opt(year, 1, 1).context("year out of range")?;
        let last = chrono::NaiveDate::from_ymd_opt(year, 12, 31).context("year out of range")?;
        let rows: Vec<usize> = (0..n).filter(|&u| rated[u].0.valid.overlaps(first, last)).collect();
        if !rows.is_empty() {
            files.push(write_table(rng, cal, ward, ix, &rated, &rows, year, table, out_dir)?);
        }
    }
    Ok(files)
}

fn draw(rng: &mut StdRng, habits: &[Habit], maxes: &[f64], worse: f64) -> Table {
    habits
        .iter()
        .map(|h| {
            maxes
                .iter()
                .map(|&max| {
                    let steps = (max / STEP).floor() as u32;
                    let mut own = max;
                    if steps > 0 && rng.random_bool((h.own_less * worse).min(1.0)) {
                        own -= STEP * f64::from(rng.random_range(1..=steps.min(3)));
                    }
                    let r: f64 = rng.random();
                    let appraised = if r < h.whole * worse {
                        0.0
                    } else if r < (h.whole + h.small) * worse {
                        (own - STEP * f64::from(rng.random_range(1..=4u32))).max(0.0)
                    } else {
                        own
                    };
                    Cell { max, own, appraised: Some(appraised) }
                })
                .collect()
        })
        .collect()
}

fn total(t: &Table) -> f64 {
    t.iter().flatten().map(Cell::counted).sum()
}

/// About one row in sixty (at least one) was not appraised, among the middling units when
/// there are any.
fn leave_unappraised(rng: &mut StdRng, t: &mut Table, best: usize, weakest: Option<usize>) {
    let middle: Vec<usize> = (0..t.len()).filter(|&u| u != best && Some(u) != weakest).collect();
    let pool = if middle.is_empty() { (0..t.len()).collect() } else { middle };
    let cells: Vec<(usize, usize)> = pool.iter().flat_map(|&u| (0..t[u].len()).map(move |c| (u, c))).collect();
    let k = (t.len() * t[0].len()).div_ceil(60).min(cells.len());
    for i in rand::seq::index::sample(rng, cells.len(), k) {
        let (u, c) = cells[i];
        t[u][c].appraised = None;
    }
}

/// Whatever the draw: the best unit strictly ahead of every other, the weakest strictly behind.
fn keep_standing(t: &mut Table, best: usize, weakest: Option<usize>) {
    let totals = |t: &Table| t.iter().map(|r| r.iter().map(Cell::counted).sum::<f64>()).collect::<Vec<f64>>();
    let limit = t.len() * t[0].len() * 8;
    for _ in 0..limit {
        let s = totals(t);
        let Some(rival) = (0..t.len()).filter(|&u| u != best).max_by(|&a, &b| s[a].total_cmp(&s[b])) else { break };
        if s[best] > s[rival] {
            break;
        }
        if let Some(c) = t[best].iter().position(|c| c.counted() < c.max) {
            let cell = &mut t[best][c];
            cell.own = cell.max;
            cell.appraised = cell.appraised.map(|_| cell.max);
        } else if let Some(cell) = t[rival].iter_mut().find(|c| c.appraised.is_some_and(|a| a >= STEP)) {
            cell.appraised = cell.appraised.map(|a| a - STEP);
        } else {
            break;
        }
    }
    let Some(w) = weakest else { return };
    for _ in 0..limit {
        let s = totals(t);
        let Some(rival) = (0..t.len()).filter(|&u| u != w).min_by(|&a, &b| s[a].total_cmp(&s[b])) else { break };
        if s[w] < s[rival] {
            break;
        }
        // The criterion worth most goes entirely.
        match t[w].iter_mut().filter(|c| c.appraised.is_some_and(|a| a > 0.0)).max_by(|a, b| a.max.total_cmp(&b.max)) {
            Some(cell) => cell.appraised = Some(0.0),
            None => break,
        }
    }
}

/// The year before must come out worse: whatever the draw, its weakest unit loses more.
fn worsen_until_below(before: &mut Table, now: f64, weakest: usize) {
    while total(before) >= now {
        let Some(cell) = before[weakest].iter_mut().find(|c| c.appraised.is_some_and(|a| a > 0.0)) else { return };
        cell.appraised = cell.appraised.map(|a| (a - 1.0).max(0.0));
    }
}

#[allow(clippy::too_many_arguments)]
fn write_table(
    rng: &mut StdRng,
    cal: &Calendar,
    ward: &SampleWard,
    ix: &SampleIndices,
    rated: &[(&SampleUnit, Rank)],
    rows: &[usize],
    year: i32,
    t: &Table,
    out_dir: &Path,
) -> Result<PathBuf> {
    let path = out_dir.join("par").join(year.to_string()).join(format!("cham-diem-cchc-{year}.xlsx"));
    let heading = format!("ỦY BAN NHÂN DÂN PHƯỜNG {}", ward.ward_name.to_uppercase());
    let title = format!("BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {year}");
    let at = Ts::new(cal.nth_working_day(year + 1, 1, 10), hms(15, 20, 0));
    let mut wb = xlsx::workbook_by(cal, at, &format!("UBND phường {}", ward.ward_name))?;
    let ws = xlsx::titled_sheet(&mut wb, "Chấm điểm CCHC", [&heading, &title, "(Số liệu mẫu)"], &HEADERS, &WIDTHS)?;
    let working: Vec<u32> = (1..=12).flat_map(|m| cal.month_days(year, m)).filter(|&d| cal.is_working(d)).collect();
    let mut row = FIRST_DATA_ROW;
    for &u in rows {
        let unit = rated[u].0;
        for (c, crit) in ix.par_criteria.iter().enumerate() {
            let cell = t[u][c];
            ws.write_number(row, 0, f64::from(row - FIRST_DATA_ROW + 1))?;
            ws.write_string(row, 1, &unit.code)?;
            ws.write_string(row, 2, &unit.name)?;
            ws.write_string(row, 3, &crit.code)?;
            ws.write_string(row, 4, &crit.name)?;
            ws.write_number(row, 5, cell.max)?;
            ws.write_number(row, 6, cell.own)?;
            if let Some(a) = cell.appraised {
                ws.write_number(row, 7, a)?;
            }
            let note = match cell.appraised {
                Some(a) if a == 0.0 && cell.own > 0.0 => NOTHING[rng.random_range(0..NOTHING.len())].to_string(),
                Some(a) if a < cell.own => shortfall(rng),
                _ if cell.own < cell.max => shortfall(rng),
                _ => {
                    let (kind, suffix) = EVIDENCE[rng.random_range(0..EVIDENCE.len())];
                    let day = working[rng.random_range(0..working.len())];
                    format!("{kind} số {}/{suffix} ngày {}", rng.random_range(2..=350), cal.fmt_date(day))
                }
            };
            ws.write_string(row, 8, note)?;
            row += 1;
        }
    }
    xlsx::save(&mut wb, &path)?;
    Ok(path)
}

fn shortfall(rng: &mut StdRng) -> String {
    SHORTFALL[rng.random_range(0..SHORTFALL.len())].replace("{}", ["I", "II", "III", "IV"][rng.random_range(0..4)])
}
