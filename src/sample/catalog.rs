//! The ward-level procedure catalogue and how the sample spreads it over the given units.
//!
//! Codes follow the national catalogue's shape (`x.xxxxxx.000.00.00.H15`) and the names, times
//! and fees are those typical of a ward, but they are plausible sample values, not a copy of
//! Quảng Ninh's published catalogue. Units are matched by keywords in their names, so the
//! sample works with whatever unit registry the caller has.

use unicode_normalization::UnicodeNormalization;

use super::SampleUnit;

/// One procedure of the sample catalogue (written into configuration by other commands).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SampleProcedure {
    pub code: String,
    pub name: String,
    pub field: String,
    pub max_days: u32,
    pub has_fee: bool,
}

pub(crate) struct Field {
    pub code: &'static str,
    pub name: &'static str,
    /// Lower-case words of a unit name that make it the natural handler, best first.
    keywords: &'static [&'static str],
}

/// After the 2025 reform a ward's justice and civil-status officers work in its Office
/// ("Văn phòng HĐND và UBND") and land matters go to the economy and urban section ("Phòng
/// Kinh tế, Hạ tầng và Đô thị"): those words come last, after the names of the older sections.
pub(crate) static FIELDS: [Field; 7] = [
    Field {
        code: "CT", name: "Chứng thực", keywords: &["tiếp nhận", "một cửa", "tư pháp", "văn phòng"]
    },
    Field { code: "HT", name: "Hộ tịch", keywords: &["tư pháp", "hộ tịch", "văn phòng"] },
    Field {
        code: "DD", name: "Đất đai", keywords: &["địa chính", "đất đai", "tài nguyên", "kinh tế", "đô thị"]
    },
    Field {
        code: "TNN", name: "Tài nguyên nước", keywords: &["địa chính", "tài nguyên", "kinh tế", "đô thị"]
    },
    Field { code: "BTXH", name: "Bảo trợ xã hội", keywords: &["lao động", "xã hội"] },
    Field { code: "NCC", name: "Người có công", keywords: &["lao động", "thương binh", "xã hội"] },
    Field { code: "VHCS", name: "Văn hóa cơ sở", keywords: &["văn hóa"] },
];

pub(crate) struct Entry {
    pub code: &'static str,
    pub name: &'static str,
    pub field: usize,
    pub max_days: u32,
    pub has_fee: bool,
    /// Relative frequency among the procedures of the same unit.
    pub weight: u32,
}

const fn e(code: &'static str, name: &'static str, field: usize, max_days: u32, has_fee: bool, weight: u32) -> Entry {
    Entry { code, name, field, max_days, has_fee, weight }
}

pub(crate) static CATALOG: [Entry; 17] = [
    e(
        "2.000815.000.00.00.H15",
        "Cấp bản sao có chứng thực từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có thẩm quyền của Việt Nam cấp hoặc chứng nhận",
        0,
        0,
        true,
        40,
    ),
    e("2.000884.000.00.00.H15", "Chứng thực chữ ký trong các giấy tờ, văn bản", 0, 0, true, 15),
    e(
        "2.001035.000.00.00.H15",
        "Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản, quyền sử dụng đất và nhà ở",
        0,
        2,
        true,
        6,
    ),
    e("1.001193.000.00.00.H15", "Đăng ký khai sinh", 1, 0, false, 8),
    e("1.000894.000.00.00.H15", "Đăng ký kết hôn", 1, 0, false, 3),
    e("1.000656.000.00.00.H15", "Đăng ký khai tử", 1, 0, false, 3),
    e("1.004873.000.00.00.H15", "Cấp Giấy xác nhận tình trạng hôn nhân", 1, 3, true, 6),
    e("2.000635.000.00.00.H15", "Cấp bản sao Trích lục hộ tịch", 1, 0, true, 5),
    e("1.004859.000.00.00.H15", "Thay đổi, cải chính, bổ sung thông tin hộ tịch", 1, 3, true, 2),
    e("1.001022.000.00.00.H15", "Đăng ký nhận cha, mẹ, con", 1, 3, true, 1),
    e("1.003554.000.00.00.H15", "Hòa giải tranh chấp đất đai", 2, 10, false, 2),
    e(
        "1.001990.000.00.00.H15",
        "Xác nhận hợp đồng chuyển nhượng, tặng cho quyền sử dụng đất của hộ gia đình, cá nhân",
        2,
        5,
        true,
        3,
    ),
    e("1.001645.000.00.00.H15", "Đăng ký khai thác nước dưới đất", 3, 10, false, 1),
    e(
        "1.001776.000.00.00.H15",
        "Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hàng tháng, hỗ trợ kinh phí chăm sóc, nuôi dưỡng hàng tháng",
        4,
        7,
        false,
        3,
    ),
    e("2.000744.000.00.00.H15", "Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội", 4, 3, false, 1),
    e("1.010803.000.00.00.H15", "Giải quyết chế độ mai táng phí đối với cựu chiến binh", 5, 5, false, 1),
    e("1.000954.000.00.00.H15", "Xét tặng danh hiệu Gia đình văn hóa hằng năm", 6, 5, false, 1),
];

/// The fee or charge a procedure's dossiers list (name, amount in VND): plausible sample
/// values. Civil-status registrations that are free list their charge at 0; None: nothing
/// listed. An amount above 0 exactly when the procedure has a fee.
pub(crate) fn fee(p: &Entry) -> Option<(&'static str, u32)> {
    let code = p.code.split_once(".000.").map_or(p.code, |c| c.0);
    Some(match code {
        "2.000815" => ("Phí chứng thực bản sao từ bản chính", 10_000),
        "2.000884" => ("Phí chứng thực chữ ký", 10_000),
        "2.001035" => ("Phí chứng thực hợp đồng, giao dịch", 50_000),
        "1.004873" => ("Lệ phí cấp Giấy xác nhận tình trạng hôn nhân", 15_000),
        "2.000635" => ("Phí cấp bản sao Trích lục hộ tịch", 8_000),
        "1.004859" => ("Lệ phí thay đổi, cải chính, bổ sung thông tin hộ tịch", 15_000),
        "1.001022" => ("Lệ phí đăng ký nhận cha, mẹ, con", 15_000),
        "1.001990" => ("Phí xác nhận hợp đồng chuyển nhượng, tặng cho", 50_000),
        "1.001193" | "1.000894" | "1.000656" => ("Lệ phí đăng ký hộ tịch (miễn)", 0),
        _ => return None,
    })
}

/// The sample's procedure catalogue.
pub fn procedures() -> Vec<SampleProcedure> {
    CATALOG
        .iter()
        .map(|p| SampleProcedure {
            code: p.code.to_string(),
            name: p.name.to_string(),
            field: FIELDS[p.field].name.to_string(),
            max_days: p.max_days,
            has_fee: p.has_fee,
        })
        .collect()
}

/// For each dossier-handling unit (in the given order), its procedures with cumulative weights.
pub(crate) fn assign(units: &[&SampleUnit]) -> Vec<Vec<(usize, u32)>> {
    let n = units.len();
    let keys: Vec<String> =
        units.iter().map(|u| format!("{} {}", u.name, u.code).nfc().collect::<String>().to_lowercase()).collect();
    let mut owner: Vec<Option<usize>> = vec![None; FIELDS.len()];
    for f in 0..FIELDS.len() {
        owner[f] = FIELDS[f].keywords.iter().find_map(|k| keys.iter().position(|key| key.contains(k)));
    }
    // Unmatched fields go round-robin, to units without work first.
    let mut rr = 0;
    for f in 0..FIELDS.len() {
        if owner[f].is_none() {
            let idle = (0..n).find(|u| !owner.contains(&Some(*u)));
            owner[f] = Some(idle.unwrap_or_else(|| {
                rr += 1;
                (rr - 1) % n
            }));
        }
    }
    // Every handling unit should have dossiers: take a field from the busiest unit.
    for u in 0..n {
        if owner.contains(&Some(u)) {
            continue;
        }
        let count = |o: usize| owner.iter().filter(|x| **x == Some(o)).count();
        if let Some(busiest) = (0..n).filter(|&o| count(o) > 1).max_by_key(|&o| (count(o), n - o))
            && let Some(f) = (0..FIELDS.len()).rev().find(|&f| owner[f] == Some(busiest))
        {
            owner[f] = Some(u);
        }
    }
    (0..n)
        .map(|u| {
            let mut acc = 0;
            CATALOG
                .iter()
                .enumerate()
                .filter(|(_, p)| owner[p.field] == Some(u))
                .map(|(i, p)| {
                    acc += p.weight;
                    (i, acc)
                })
                .collect()
        })
        .collect()
}

/// How well a unit performs: the first dossier-handling unit is the best, the last the weakest,
/// so the rankings the pipeline computes have a clear top and bottom for every seed.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Profile {
    pub volume: f64,
    pub late: f64,
    pub online_start: f64,
    pub online_end: f64,
    pub digitised: f64,
    pub result_e: f64,
    pub signed: f64,
    pub reused: f64,
    pub supplement: f64,
    pub unhappy: f64,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Rank {
    Best,
    Middle,
    Weakest,
}

pub(crate) fn rank(i: usize, n: usize) -> Rank {
    match i {
        0 => Rank::Best,
        _ if i + 1 == n => Rank::Weakest,
        _ => Rank::Middle,
    }
}

pub(crate) fn profile(i: usize, n: usize) -> Profile {
    let wobble = (i % 3) as f64 * 0.01;
    match rank(i, n) {
        Rank::Best => Profile {
            volume: 1.15,
            late: 0.008,
            online_start: 0.45,
            online_end: 0.68,
            digitised: 0.995,
            result_e: 0.99,
            signed: 1.0,
            reused: 0.5,
            supplement: 0.03,
            unhappy: 0.005,
        },
        Rank::Weakest => Profile {
            volume: 0.85,
            late: 0.11,
            online_start: 0.24,
            online_end: 0.38,
            digitised: 0.72,
            result_e: 0.8,
            signed: 0.9,
            reused: 0.15,
            supplement: 0.1,
            unhappy: 0.05,
        },
        Rank::Middle => Profile {
            volume: 1.0,
            late: 0.035 + wobble,
            online_start: 0.33 + wobble,
            online_end: 0.58 + wobble,
            digitised: 0.86 + 2.0 * wobble,
            result_e: 0.93,
            signed: 0.96,
            reused: 0.3,
            supplement: 0.06,
            unhappy: 0.012,
        },
    }
}
