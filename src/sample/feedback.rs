//! S4 citizen feedback (phản ánh, kiến nghị): one workbook per month, as of its download on
//! the third working day of the following month.

use std::path::{Path, PathBuf};

use anyhow::Result;
use rand::Rng;
use rand::rngs::StdRng;

use super::calendar::{Calendar, Ts, hms};
use super::catalog::{CATALOG, Rank};
use super::dossier::office_time;
use super::people::Citizen;
use super::xlsx::{self, FIRST_DATA_ROW};
use super::{SampleWard, Units};

const HEADERS: [&str; 13] = [
    "STT",
    "Mã PAKN",
    "Người phản ánh",
    "Số điện thoại",
    "Đơn vị",
    "Cán bộ",
    "Phân loại",
    "Nội dung",
    "Ngày tiếp nhận",
    "Hạn xử lý",
    "Ngày xử lý xong",
    "Kết quả",
    "Đánh giá",
];
const WIDTHS: [f64; 13] = [6.0, 16.0, 24.0, 13.0, 32.0, 20.0, 20.0, 60.0, 20.0, 20.0, 20.0, 16.0, 14.0];
const ABOUT_PROCEDURE: [&str; 4] = [
    "Đề nghị hướng dẫn cụ thể thành phần hồ sơ thủ tục “{}”",
    "Phản ánh hồ sơ thủ tục “{}” đã quá hạn nhưng chưa được trả kết quả",
    "Phản ánh phải nộp lại giấy tờ đã có trong Cơ sở dữ liệu quốc gia về dân cư khi làm thủ tục “{}”",
    "Phản ánh không thanh toán trực tuyến được phí, lệ phí thủ tục “{}” trên Cổng Dịch vụ công",
];
const ABOUT_OFFICER: [&str; 4] = [
    "Phản ánh cán bộ có thái độ thiếu tôn trọng khi tiếp công dân",
    "Phản ánh cán bộ hẹn trả kết quả nhiều lần nhưng không đúng hẹn",
    "Phản ánh cán bộ yêu cầu nộp thêm giấy tờ ngoài quy định",
    "Phản ánh cán bộ không có mặt tại vị trí làm việc trong giờ hành chính",
];

struct Feedback {
    month: u32,
    at: Ts,
    received: Ts,
    due: Ts,
    /// When it is (or will be) resolved; None: still open long after.
    done: Option<Ts>,
    unit: usize,
    officer: Option<usize>,
    content: String,
    outcome: &'static str,
    rating: &'static str,
    citizen: Citizen,
}

impl Feedback {
    fn visible_done(&self) -> Option<Ts> {
        self.done.filter(|d| *d <= self.at)
    }
}

/// `ranks[i]` ranks `ward.units[i]`; complaints about officers lean towards the weakest unit.
pub(crate) fn write_year(
    rng: &mut StdRng,
    cal: &Calendar,
    ward: &SampleWard,
    units: &Units,
    ranks: &[Rank],
    out_dir: &Path,
) -> Result<Vec<PathBuf>> {
    let mut counts: Vec<usize> = (0..12)
        .map(|_| match rng.random::<f64>() {
            r if r < 0.25 => 0,
            r if r < 0.55 => 1,
            r if r < 0.8 => 2,
            r if r < 0.92 => 3,
            _ => 4,
        })
        .collect();
    if !counts.contains(&0) {
        counts[rng.random_range(0..12)] = 0;
    }
    let staffed: Vec<usize> = (0..ward.units.len()).filter(|&i| !ward.units[i].officers.is_empty()).collect();
    let weakest = (0..ward.units.len()).find(|&i| ranks[i] == Rank::Weakest && !ward.units[i].officers.is_empty());
    let handling = &units.index;
    let mut all = Vec::new();
    for month in 1..=12u32 {
        let (ny, nm) = if month == 12 { (ward.year + 1, 1) } else { (ward.year, month + 1) };
        let at = Ts::new(cal.nth_working_day(ny, nm, 3), hms(9, 15, 0));
        let working: Vec<u32> = cal.month_days(ward.year, month).filter(|&d| cal.is_working(d)).collect();
        for _ in 0..counts[month as usize - 1] {
            let day = working[rng.random_range(0..working.len())];
            let received = office_time(rng, cal, day);
            // Feedback is about a unit that exists on the day it is received.
            let date = cal.date(received.day);
            let staffed_then: Vec<usize> =
                staffed.iter().copied().filter(|&i| ward.units[i].valid.contains(date)).collect();
            let handling_then: Vec<usize> =
                (0..handling.len()).filter(|&h| units.handling[h].valid.contains(date)).collect();
            let handling_then = if handling_then.is_empty() { (0..handling.len()).collect() } else { handling_then };
            let due = Ts::new(cal.add_working(received.day, 15), received.sec);
            // Most are resolved within the 15 working days, some late, a few left open.
            let r: f64 = rng.random();
            let took = if r < 0.8 { rng.random_range(2..=14) } else { rng.random_range(16..=25) };
            let done_day = cal.add_working(received.day, took);
            let done = (r < 0.92).then(|| office_time(rng, cal, done_day));
            let about_officer = !staffed_then.is_empty() && rng.random_bool(0.3);
            let (unit, officer, content, outcome) = if about_officer {
                let unit = match weakest {
                    Some(w) if ward.units[w].valid.contains(date) && rng.random_bool(0.4) => w,
                    _ => staffed_then[rng.random_range(0..staffed_then.len())],
                };
                let officer = rng.random_range(0..ward.units[unit].officers.len());
                let outcome = if rng.random_bool(0.15) { "Có cơ sở" } else { "Không có cơ sở" };
                (unit, Some(officer), ABOUT_OFFICER[rng.random_range(0..4)].to_string(), outcome)
            } else {
                let h = handling_then[rng.random_range(0..handling_then.len())];
                let procs = &units.procs[h];
                let p = procs.get(rng.random_range(0..procs.len().max(1))).map_or(0, |p| p.0);
                let text = ABOUT_PROCEDURE[rng.random_range(0..4)].replace("{}", CATALOG[p].name);
                (handling[h], None, text, "Đã giải quyết")
            };
            let rating = match rng.random::<f64>() {
                r if r < 0.6 => "Hài lòng",
                r if r < 0.75 => "Không hài lòng",
                _ => "",
            };
            let citizen = Citizen::random(rng);
            all.push(Feedback { month, at, received, due, done, unit, officer, content, outcome, rating, citizen });
        }
    }
    all.sort_by_key(|f| f.received);
    ensure_cases(cal, ward, &mut all, weakest.or(staffed.first().copied()));
    let mut files = Vec::new();
    for month in 1..=12u32 {
        let rows: Vec<&Feedback> = all.iter().filter(|f| f.month == month).collect();
        files.push(write_month(cal, ward, month, &rows, &all, out_dir)?);
    }
    Ok(files)
}

/// Whatever the seed: one substantiated complaint (about the culprit, on a day its unit
/// exists), one late resolution, one still open.
fn ensure_cases(cal: &Calendar, ward: &SampleWard, all: &mut [Feedback], culprit: Option<usize>) {
    if !all.iter().any(|f| f.outcome == "Có cơ sở" && f.visible_done().is_some())
        && let Some(w) = culprit
        && let Some(f) = all
            .iter_mut()
            .find(|f| f.visible_done().is_some() && ward.units[w].valid.contains(cal.date(f.received.day)))
    {
        (f.unit, f.officer, f.outcome) = (w, Some(0), "Có cơ sở");
        f.content = ABOUT_OFFICER[2].to_string();
    }
    if !all.iter().any(|f| f.visible_done().is_some_and(|d| d > f.due)) {
        for f in all.iter_mut().filter(|f| f.outcome != "Có cơ sở") {
            let late = Ts::new(cal.add_working(f.due.day, 1), hms(16, 20, 0));
            if late <= f.at {
                f.done = Some(late);
                break;
            }
        }
    }
    if !all.iter().any(|f| f.visible_done().is_none())
        && let Some(f) = all.iter_mut().rev().find(|f| f.outcome != "Có cơ sở")
    {
        f.done = None;
    }
}

fn write_month(
    cal: &Calendar,
    ward: &SampleWard,
    month: u32,
    rows: &[&Feedback],
    all: &[Feedback],
    out_dir: &Path,
) -> Result<PathBuf> {
    let ym = format!("{}-{month:02}", ward.year);
    let path = out_dir.join("pakn").join(&ym).join(format!("pakn-{ym}.xlsx"));
    let days = cal.month_days(ward.year, month);
    let (ny, nm) = if month == 12 { (ward.year + 1, 1) } else { (ward.year, month + 1) };
    let at = rows.first().map_or(Ts::new(cal.nth_working_day(ny, nm, 3), hms(9, 15, 0)), |f| f.at);
    let heading = format!("ỦY BAN NHÂN DÂN PHƯỜNG {}", ward.ward_name.to_uppercase());
    let period = format!("Từ ngày {} đến ngày {}", cal.fmt_date(days.start), cal.fmt_date(days.end - 1));
    let mut wb = xlsx::workbook(cal, at)?;
    let ws = xlsx::titled_sheet(
        &mut wb,
        "Danh sách PAKN",
        [&heading, "TỔNG HỢP PHẢN ÁNH, KIẾN NGHỊ CỦA CÁ NHÂN, TỔ CHỨC", &period],
        &HEADERS,
        &WIDTHS,
    )?;
    for (n, f) in rows.iter().enumerate() {
        let row = FIRST_DATA_ROW + n as u32;
        let number = all.iter().position(|g| std::ptr::eq(g, *f)).unwrap_or(0) + 1;
        let unit = &ward.units[f.unit];
        let done = f.visible_done();
        ws.write_number(row, 0, (n + 1) as f64)?;
        ws.write_string(row, 1, format!("PAKN-{}-{number:03}", ward.year))?;
        ws.write_string(row, 2, f.citizen.name())?;
        ws.write_string(row, 3, f.citizen.phone())?;
        ws.write_string(row, 4, &unit.name)?;
        xlsx::text(ws, row, 5, f.officer.map_or("", |o| unit.officers[o].as_str()))?;
        ws.write_string(row, 6, if f.officer.is_some() { "Hành vi cán bộ" } else { "Thủ tục hành chính" })?;
        ws.write_string(row, 7, &f.content)?;
        ws.write_string(row, 8, cal.fmt_ts(f.received))?;
        ws.write_string(row, 9, cal.fmt_ts(f.due))?;
        xlsx::text(ws, row, 10, &done.map_or(String::new(), |d| cal.fmt_ts(d)))?;
        ws.write_string(row, 11, if done.is_some() { f.outcome } else { "Đang giải quyết" })?;
        xlsx::text(ws, row, 12, if done.is_some() { f.rating } else { "" })?;
    }
    xlsx::save(&mut wb, &path)?;
    Ok(path)
}
