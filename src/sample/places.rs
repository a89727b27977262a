//! The places the provincial DTI ranking (S6) and the DDCI survey (S7) name besides the sample
//! ward: Quảng Ninh's 13 district-level units and their communes.
//!
//! The district-level units are the province's real ones (as of 2024). Commune names are real
//! where they are well known (Hạ Long's wards above all) and generic ("Xã mẫu 037") otherwise.
//! The 5-digit codes have the shape of the national list of administrative units but are
//! sample codes, not the official ones; the sample ward is always "06694".

use unicode_normalization::UnicodeNormalization;

/// The sample ward's code in the ranking and the survey.
pub(crate) const WARD_CODE: &str = "06694";
/// The city the sample ward belongs to.
pub(crate) const CITY: &str = "Thành phố Hạ Long";

/// Hạ Long's wards with their sample codes, the best-known first (the DDCI survey takes the
/// first twelve that are not the sample ward). 06694 is left out: it is the sample ward's.
pub(crate) const HA_LONG_WARDS: [(&str, &str); 21] = [
    ("06676", "Bãi Cháy"),
    ("06697", "Hồng Gai"),
    ("06658", "Hà Khẩu"),
    ("06709", "Việt Hưng"),
    ("06667", "Hà Tu"),
    ("06673", "Hà Lầm"),
    ("06661", "Cao Xanh"),
    ("06652", "Hà Khánh"),
    ("06655", "Hà Phong"),
    ("06670", "Hà Trung"),
    ("06691", "Hồng Hải"),
    ("06700", "Hồng Hà"),
    ("06706", "Tuần Châu"),
    ("06679", "Cao Thắng"),
    ("06688", "Trần Hưng Đạo"),
    ("06703", "Bạch Đằng"),
    ("06685", "Yết Kiêu"),
    ("06682", "Hùng Thắng"),
    ("06712", "Đại Yên"),
    ("06664", "Giếng Đáy"),
    ("06715", "Hoành Bồ"),
];

/// Hạ Long's communes (the former Hoành Bồ district).
const HA_LONG_COMMUNES: [&str; 12] = [
    "Xã Thống Nhất",
    "Xã Sơn Dương",
    "Xã Quảng La",
    "Xã Lê Lợi",
    "Xã Dân Chủ",
    "Xã Vũ Oai",
    "Xã Hòa Bình",
    "Xã Tân Dân",
    "Xã Bằng Cả",
    "Xã Đồng Lâm",
    "Xã Đồng Sơn",
    "Xã Kỳ Thượng",
];

pub(crate) struct District {
    pub name: &'static str,
    /// Communes in the sample ranking.
    pub communes: usize,
    /// Known commune names; the rest are generic.
    pub known: &'static [&'static str],
    /// How far the district's communes lean above (or below) the provincial mean in DTI.
    pub lean: f64,
}

const fn d(name: &'static str, communes: usize, known: &'static [&'static str], lean: f64) -> District {
    District { name, communes, known, lean }
}

/// Quảng Ninh's district-level units; Hạ Long first, its communes given by the tables above.
pub(crate) const DISTRICTS: [District; 13] = [
    d(CITY, 33, &[], 0.07),
    d(
        "Thành phố Móng Cái",
        17,
        &[
            "Phường Ka Long",
            "Phường Trần Phú",
            "Phường Hòa Lạc",
            "Phường Ninh Dương",
            "Phường Hải Hòa",
            "Phường Bình Ngọc",
            "Phường Trà Cổ",
            "Phường Hải Yên",
            "Xã Vạn Ninh",
            "Xã Hải Sơn",
            "Xã Bắc Sơn",
            "Xã Vĩnh Trung",
            "Xã Vĩnh Thực",
        ],
        0.04,
    ),
    d(
        "Thành phố Cẩm Phả",
        16,
        &[
            "Phường Cẩm Đông",
            "Phường Cẩm Tây",
            "Phường Cẩm Thủy",
            "Phường Cẩm Thạch",
            "Phường Cẩm Trung",
            "Phường Cẩm Thành",
            "Phường Cẩm Bình",
            "Phường Cẩm Sơn",
            "Phường Cẩm Phú",
            "Phường Cẩm Thịnh",
            "Phường Quang Hanh",
            "Phường Cửa Ông",
            "Phường Mông Dương",
            "Xã Cộng Hòa",
            "Xã Cẩm Hải",
            "Xã Dương Huy",
        ],
        0.05,
    ),
    d(
        "Thành phố Uông Bí",
        10,
        &[
            "Phường Quang Trung",
            "Phường Trưng Vương",
            "Phường Thanh Sơn",
            "Phường Bắc Sơn",
            "Phường Nam Khê",
            "Phường Vàng Danh",
            "Phường Yên Thanh",
            "Phường Phương Đông",
            "Phường Phương Nam",
            "Xã Thượng Yên Công",
        ],
        0.05,
    ),
    d("Thị xã Đông Triều", 17, &["Phường Mạo Khê", "Phường Đông Triều", "Phường Đức Chính", "Phường Kim Sơn"], 0.02),
    d("Thị xã Quảng Yên", 17, &["Phường Quảng Yên", "Phường Minh Thành", "Phường Đông Mai", "Phường Yên Giang"], 0.02),
    d(
        "Huyện Vân Đồn",
        12,
        &[
            "Thị trấn Cái Rồng",
            "Xã Đông Xá",
            "Xã Hạ Long",
            "Xã Bình Dân",
            "Xã Đoàn Kết",
            "Xã Đài Xuyên",
            "Xã Vạn Yên",
            "Xã Minh Châu",
            "Xã Quan Lạn",
            "Xã Ngọc Vừng",
            "Xã Thắng Lợi",
            "Xã Bản Sen",
        ],
        0.02,
    ),
    d("Huyện Cô Tô", 3, &["Thị trấn Cô Tô", "Xã Đồng Tiến", "Xã Thanh Lân"], -0.01),
    d("Huyện Tiên Yên", 11, &["Thị trấn Tiên Yên", "Xã Đông Ngũ", "Xã Hải Lạng"], -0.02),
    d("Huyện Đầm Hà", 9, &["Thị trấn Đầm Hà"], -0.03),
    d("Huyện Hải Hà", 11, &["Thị trấn Quảng Hà", "Xã Cái Chiên"], -0.02),
    d("Huyện Bình Liêu", 7, &["Thị trấn Bình Liêu", "Xã Hoành Mô", "Xã Đồng Văn"], -0.06),
    d("Huyện Ba Chẽ", 8, &["Thị trấn Ba Chẽ"], -0.06),
];

pub(crate) struct Commune {
    pub code: String,
    pub name: String,
    /// Index into [`DISTRICTS`].
    pub district: usize,
}

fn key(name: &str) -> String {
    name.nfc().collect::<String>().to_lowercase()
}

/// Hạ Long's wards other than the sample ward, as (code, "Phường …").
/// Wards merged into the sample ward (`merged`) are gone from the list too.
pub(crate) fn other_ha_long_wards(ward_name: &str, merged: &[String]) -> Vec<(&'static str, String)> {
    let gone: Vec<String> =
        std::iter::once(ward_name).chain(merged.iter().map(String::as_str)).map(|n| key(n.trim())).collect();
    HA_LONG_WARDS.iter().filter(|w| !gone.contains(&key(w.1))).map(|w| (w.0, format!("Phường {}", w.1))).collect()
}

/// Every commune of the province, the sample ward first, in district order.
pub(crate) fn communes(ward_name: &str, merged: &[String]) -> Vec<Commune> {
    let mut out = vec![Commune { code: WARD_CODE.to_string(), name: format!("Phường {ward_name}"), district: 0 }];
    for (code, name) in other_ha_long_wards(ward_name, merged) {
        out.push(Commune { code: code.to_string(), name, district: 0 });
    }
    // Codes after Hạ Long's go up in steps of 3, as the national list's do.
    let mut next = 6718u32;
    let mut code = || {
        let c = format!("{next:05}");
        next += 3;
        c
    };
    for name in HA_LONG_COMMUNES.iter().take(DISTRICTS[0].communes.saturating_sub(out.len())) {
        out.push(Commune { code: code(), name: name.to_string(), district: 0 });
    }
    for (i, dist) in DISTRICTS.iter().enumerate().skip(1) {
        for k in 0..dist.communes {
            let name = match dist.known.get(k) {
                Some(n) => n.to_string(),
                None => format!("Xã mẫu {:03}", out.len() + 1),
            };
            out.push(Commune { code: code(), name, district: i });
        }
    }
    out
}
