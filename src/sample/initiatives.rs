//! S8 initiatives register (sổ đăng ký sáng kiến, mô hình, giải pháp) for the year.

use std::path::{Path, PathBuf};

use anyhow::Result;
use rand::Rng;
use rand::rngs::StdRng;
use unicode_normalization::UnicodeNormalization;

use super::SampleWard;
use super::calendar::{Calendar, Ts, hms};
use super::catalog::Rank;
use super::xlsx::{self, FIRST_DATA_ROW};

const HEADERS: [&str; 7] =
    ["STT", "Đơn vị", "Tên sáng kiến, mô hình, giải pháp", "Tác giả", "Ngày đăng ký", "Trạng thái", "Ngày công nhận"];
const WIDTHS: [f64; 7] = [6.0, 32.0, 70.0, 34.0, 14.0, 22.0, 14.0];
/// Titles with the words of a unit name they suit ("" suits any unit).
const TITLES: [(&str, &[&str]); 32] = [
    ("Ứng dụng mã QR tra cứu tiến độ giải quyết hồ sơ tại Bộ phận một cửa", &["tiếp nhận", "một cửa"]),
    ("Mô hình “Sáng thứ Bảy cùng dân” tiếp nhận hồ sơ ngoài giờ", &["tiếp nhận", "tư pháp"]),
    ("Số hóa sổ hộ tịch lưu trữ từ năm 1990 đến nay", &["tư pháp"]),
    ("Số hóa kết quả giải quyết thủ tục chứng thực còn hiệu lực", &["tư pháp", "tiếp nhận"]),
    ("Giải pháp nhắc hạn xử lý hồ sơ qua nhóm tin nhắn nội bộ", &["tiếp nhận", "địa chính", "lao động"]),
    ("Lập bản đồ số các điểm ngập úng trên địa bàn phường", &["địa chính"]),
    ("Số hóa hồ sơ địa chính phục vụ tra cứu nguồn gốc đất", &["địa chính"]),
    ("Quản lý hồ sơ người có công bằng bảng tính dùng chung", &["lao động"]),
    ("Chi trả trợ cấp xã hội không dùng tiền mặt qua tài khoản ngân hàng", &["lao động", "tài chính"]),
    ("Tuyên truyền cải cách hành chính qua hệ thống loa truyền thanh thông minh", &["văn hóa"]),
    ("Trang thông tin điện tử phường tiếp nhận phản ánh của người dân", &["văn hóa", "văn phòng"]),
    ("Mô hình “Cà phê doanh nhân” đối thoại với hộ kinh doanh", &["văn phòng", "tài chính"]),
    ("Ứng dụng chữ ký số trong phát hành văn bản nội bộ", &["văn phòng"]),
    ("Đối soát thu phí, lệ phí thanh toán trực tuyến hằng ngày", &["tài chính"]),
    ("Hướng dẫn người dân kích hoạt tài khoản định danh điện tử mức độ 2 tại nhà", &["công an", "đoàn"]),
    ("Chuẩn hóa dữ liệu dân cư phục vụ Đề án 06", &["công an"]),
    ("Sổ sức khỏe điện tử cho người cao tuổi", &["y tế"]),
    ("Đặt lịch khám bệnh trực tuyến tại Trạm Y tế", &["y tế"]),
    ("Mô hình “Tổ công nghệ số cộng đồng” hỗ trợ người dân nộp hồ sơ trực tuyến", &["đoàn", "mttq"]),
    ("Mô hình “Chợ 4.0” thanh toán không dùng tiền mặt", &["phụ nữ"]),
    ("Sổ tay chuyển đổi số cho hộ kinh doanh", &["phụ nữ", "cựu chiến binh", "mttq"]),
    ("Mô hình “Cựu chiến binh gương mẫu tham gia chuyển đổi số”", &["cựu chiến binh"]),
    ("Lấy ý kiến người dân về chất lượng phục vụ qua mã QR", &["mttq", "mặt trận"]),
    ("Mô hình “Khu phố không rác thải nhựa”", &["khu phố"]),
    ("Mô hình “Camera an ninh khu dân cư”", &["khu phố"]),
    ("Mô hình “Nhà văn hóa số” tại khu phố", &["khu phố"]),
    ("Nhóm tin nhắn khu phố tiếp nhận phản ánh của người dân", &["khu phố"]),
    ("Mô hình “Tuyến phố văn minh đô thị”", &["khu phố"]),
    ("Hướng dẫn người dân nộp hồ sơ trực tuyến tại nhà văn hóa khu phố", &["khu phố"]),
    ("Ứng dụng chữ ký số trong phát hành văn bản của khu phố", &["khu phố"]),
    ("Sổ tay hướng dẫn thủ tục hành chính bằng hình ảnh cho người cao tuổi", &[""]),
    ("Giải pháp lưu trữ hồ sơ điện tử dùng chung của đơn vị", &[""]),
];

/// A title that suits the unit, unused ones first; similar quarters may share a model.
fn pick_title(rng: &mut StdRng, unit_name: &str, used: &mut Vec<&'static str>) -> &'static str {
    let key: String = unit_name.nfc().collect::<String>().to_lowercase();
    let suits = |hints: &[&str], generic: bool| {
        hints.iter().any(|h| if generic { h.is_empty() } else { !h.is_empty() && key.contains(h) })
    };
    let mut pool: Vec<&'static str> = TITLES.iter().filter(|t| suits(t.1, false)).map(|t| t.0).collect();
    if pool.is_empty() {
        pool = TITLES.iter().filter(|t| suits(t.1, true)).map(|t| t.0).collect();
    }
    let fresh: Vec<&'static str> = pool.iter().copied().filter(|t| !used.contains(t)).collect();
    let from = if fresh.is_empty() { &pool } else { &fresh };
    let title = from[rng.random_range(0..from.len())];
    used.push(title);
    title
}

pub(crate) fn write_year(
    rng: &mut StdRng,
    cal: &Calendar,
    ward: &SampleWard,
    ranks: &[Rank],
    out_dir: &Path,
) -> Result<PathBuf> {
    let year = ward.year;
    // A few units register nothing (the weakest always among them): the plan's "100% of units
    // register" target must have someone to miss it.
    let mut counts: Vec<usize> = ranks
        .iter()
        .map(|r| match (r, rng.random::<f64>()) {
            (Rank::Weakest, _) => 0,
            (_, x) if x < 0.12 => 0,
            (_, x) if x < 0.6 => 1,
            _ => 2,
        })
        .collect();
    // Residential quarters have no officers in the registry: they register at most one model,
    // with no author id.
    counts.iter_mut().zip(&ward.units).filter(|(_, u)| u.officers.is_empty()).for_each(|(c, _)| *c = (*c).min(1));
    let mut used = Vec::new();
    let council = cal.add_working(cal.day_of(chrono::NaiveDate::from_ymd_opt(year, 12, 15).expect("valid date")), 0);
    let mut entries = Vec::new();
    for (i, unit) in ward.units.iter().enumerate() {
        // Registered from March to November, on a day the unit exists.
        let exists = |d: u32| unit.valid.contains(cal.date(d));
        let months: Vec<u32> =
            (3..=11).filter(|&m| cal.month_days(year, m).any(|d| exists(d) && cal.is_working(d))).collect();
        if months.is_empty() {
            continue;
        }
        for _ in 0..counts[i] {
            let month =
                if months.len() == 9 { rng.random_range(3..=11) } else { months[rng.random_range(0..months.len())] };
            let working: Vec<u32> = cal.month_days(year, month).filter(|&d| cal.is_working(d) && exists(d)).collect();
            let day = working[rng.random_range(0..working.len())];
            let mut authors: Vec<String> =
                unit.officers.get(rng.random_range(0..unit.officers.len().max(1))).cloned().into_iter().collect();
            if unit.officers.len() > 1 && rng.random_bool(0.4) {
                let other = unit.officers.iter().find(|o| **o != authors[0]).cloned();
                authors.extend(other);
            }
            let status = match rng.random::<f64>() {
                x if x < 0.3 => "Áp dụng hiệu quả",
                x if x < 0.4 => "Không được công nhận",
                _ => "Đã đăng ký",
            };
            let name = pick_title(rng, &unit.name, &mut used);
            entries.push((day, i, name, authors.join("; "), status));
        }
    }
    entries.sort_by_key(|e| (e.0, e.1));
    let path = out_dir.join("sang-kien").join(format!("sang-kien-{year}.xlsx"));
    let heading = format!("ỦY BAN NHÂN DÂN PHƯỜNG {}", ward.ward_name.to_uppercase());
    let title = format!("SỔ ĐĂNG KÝ SÁNG KIẾN, MÔ HÌNH, GIẢI PHÁP NĂM {year}");
    let sub = format!("Phong trào thi đua cải cách hành chính, chuyển đổi số năm {year}");
    let mut wb = xlsx::workbook(cal, Ts::new(council + 7, hms(10, 0, 0)))?;
    let ws = xlsx::titled_sheet(&mut wb, "Sổ đăng ký sáng kiến", [&heading, &title, &sub], &HEADERS, &WIDTHS)?;
    for (n, (day, unit, name, authors, status)) in entries.iter().enumerate() {
        let row = FIRST_DATA_ROW + n as u32;
        ws.write_number(row, 0, (n + 1) as f64)?;
        ws.write_string(row, 1, &ward.units[*unit].name)?;
        ws.write_string(row, 2, *name)?;
        xlsx::text(ws, row, 3, authors)?;
        ws.write_string(row, 4, cal.fmt_date(*day))?;
        ws.write_string(row, 5, *status)?;
        if *status == "Áp dụng hiệu quả" {
            ws.write_string(row, 6, cal.fmt_date(council))?;
        }
    }
    xlsx::save(&mut wb, &path)?;
    Ok(path)
}
