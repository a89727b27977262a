//! The ward's units and officers as `thidua init` writes them into `config/units.toml` and
//! `config/officers.toml`: from the CSVs ([`super::lists`]) or, without them, the units every
//! commune-level government has had since 1/7/2025 (two-tier local government), for the ward
//! to complete. Names are NFC; codes are ASCII.

use chrono::NaiveDate;

use super::ward::{Ward, quoted};
use crate::registry::{Gender, UnitKind};
use crate::vi::ascii_fold;

/// The day the units of a ward start when a list does not say: the two-tier local
/// government (Luật Tổ chức chính quyền địa phương 2025) started on 1/7/2025.
pub(super) fn default_from() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 7, 1).expect("a date")
}

#[derive(Debug, Clone)]
pub(super) struct UnitRow {
    pub code: String,
    pub name: String,
    pub kind: UnitKind,
    pub aliases: Vec<String>,
    pub head: Option<String>,
    pub head_email: Option<String>,
    pub par_rated: bool,
    pub handles_dossiers: bool,
    pub valid_from: NaiveDate,
}

#[derive(Debug, Clone)]
pub(super) struct OfficerRow {
    pub id: String,
    pub name: String,
    pub unit: String,
    pub position: String,
    pub email: Option<String>,
    pub gender: Gender,
    pub active_from: NaiveDate,
}

/// Whether a kind of unit is rated by the PAR index and handles dossiers, unless a list says.
pub(super) fn kind_defaults(kind: UnitKind) -> (bool, bool) {
    match kind {
        UnitKind::Department => (true, true),
        UnitKind::OneStop => (true, false),
        _ => (false, false),
    }
}

/// The units of every ward since 1/7/2025: the office, the two specialised offices, the
/// public administration service centre (the one-stop section), police, health station
/// and the Front. Quarters, mass organisations, heads and addresses are the ward's to add.
pub(super) fn starter_units(ward: &Ward) -> Vec<UnitRow> {
    let w = ward.in_sentence();
    let economy =
        if w.starts_with("phường") { "Phòng Kinh tế, Hạ tầng và Đô thị" } else { "Phòng Kinh tế" };
    let units = [
        ("VP", format!("Văn phòng HĐND và UBND {w}"), UnitKind::Department),
        ("KT", format!("{economy} {w}"), UnitKind::Department),
        ("VHXH", format!("Phòng Văn hóa - Xã hội {w}"), UnitKind::Department),
        ("HCC", format!("Trung tâm Phục vụ hành chính công {w}"), UnitKind::OneStop),
        ("CA", format!("Công an {w}"), UnitKind::Police),
        ("TYT", format!("Trạm Y tế {w}"), UnitKind::HealthStation),
        ("MTTQ", format!("Ủy ban MTTQ Việt Nam {w}"), UnitKind::Front),
    ];
    units
        .into_iter()
        .map(|(code, name, kind)| {
            let (par_rated, handles_dossiers) = kind_defaults(kind);
            UnitRow {
                code: code.to_string(),
                name,
                kind,
                aliases: Vec::new(),
                head: None,
                head_email: None,
                par_rated,
                handles_dossiers,
                valid_from: default_from(),
            }
        })
        .collect()
}

/// `config/units.toml`; `source` says where the list came from.
pub(super) fn units_toml(ward: &Ward, units: &[UnitRow], source: &str) -> String {
    let kinds: Vec<&str> = UnitKind::ALL.iter().map(|k| k.key()).collect();
    let mut out = format!(
        "# Danh mục đơn vị (S9) của {}: {source}.\n\
         # kind: {}\n\
         # aliases: các tên khác mà tệp xuất dùng cho đơn vị (thêm khi `thidua inspect` hay trang\n\
         #   \"Chất lượng dữ liệu\" báo một tên đơn vị không nhận ra).\n\
         # short_name: tên ngắn trên trang thẻ đơn vị của bảng tính (\"Thẻ \" và 27 ký tự, dài hơn bị cắt);\n\
         #   không ghi thì dùng name.\n\
         # par_rated: đơn vị được chấm chỉ số CCHC; handles_dossiers: đơn vị giải quyết hồ sơ TTHC.\n\
         # Đơn vị có thời hạn: valid_from, và khi sáp nhập valid_to với successor (đơn vị kế thừa).\n\
         # head_email: thư điện tử của trưởng đơn vị, nhận phiếu điểm của đơn vị mỗi tháng.\n",
        ward.in_sentence(),
        kinds.join(" | ")
    );
    for u in units {
        out.push_str(&format!(
            "\n[[unit]]\ncode = {}\nname = {}\nkind = {}\n",
            quoted(&u.code),
            quoted(&u.name),
            quoted(u.kind.key())
        ));
        if !u.aliases.is_empty() {
            let aliases: Vec<String> = u.aliases.iter().map(|a| quoted(a)).collect();
            out.push_str(&format!("aliases = [{}]\n", aliases.join(", ")));
        }
        if let Some(head) = &u.head {
            out.push_str(&format!("head = {}\n", quoted(head)));
        }
        if let Some(email) = &u.head_email {
            out.push_str(&format!("head_email = {}\n", quoted(email)));
        }
        out.push_str(&format!(
            "par_rated = {}\nhandles_dossiers = {}\nvalid_from = {}\n",
            u.par_rated, u.handles_dossiers, u.valid_from
        ));
    }
    out
}

/// `config/officers.toml`.
pub(super) fn officers_toml(officers: &[OfficerRow], source: &str) -> String {
    let mut out = format!(
        "# Danh sách cán bộ, công chức (S9): {source}.\n\
         # id: tên đăng nhập trên Hệ thống một cửa (người xử lý hồ sơ, NguoiXuLy), để tính điểm từng cán bộ.\n\
         # unit: mã đơn vị trong config/units.toml. gender (female | male): quy tắc bằng điểm khi xét\n\
         # khen thưởng (ưu tiên nữ). Cán bộ có thời hạn: active_from, active_to.\n"
    );
    if officers.is_empty() {
        out.push_str(
            "#\n# [[officer]]\n# id = \"tendangnhap\"\n# name = \"Nguyễn Văn A\"\n# unit = \"VP\"\n\
             # position = \"Công chức Văn phòng - Thống kê\"\n# email = \"…\"\n# gender = \"male\"\n\
             # active_from = 2025-07-01\n",
        );
    }
    for o in officers {
        let gender = match o.gender {
            Gender::Female => "female",
            Gender::Male => "male",
        };
        out.push_str(&format!(
            "\n[[officer]]\nid = {}\nname = {}\nunit = {}\nposition = {}\n",
            quoted(&o.id),
            quoted(&o.name),
            quoted(&o.unit),
            quoted(&o.position)
        ));
        if let Some(email) = &o.email {
            out.push_str(&format!("email = {}\n", quoted(email)));
        }
        out.push_str(&format!("gender = \"{gender}\"\nactive_from = {}\n", o.active_from));
    }
    out
}

/// A unit code as written: ASCII capitals, digits, `.`, `_`, `-` ("vh.vp" → "VH.VP",
/// "Khu phố 1" → "KHU-PHO-1").
pub(super) fn code_of(s: &str) -> String {
    let folded = ascii_fold(s).to_ascii_uppercase();
    let words: Vec<String> = folded
        .split_whitespace()
        .map(|w| w.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')).collect())
        .filter(|w: &String| !w.is_empty())
        .collect();
    words.join("-")
}

/// A code made from a unit's name when the list gives none: the initials of its words
/// (acronyms and numbers whole), without the ward's own name: "Trạm Y tế phường Hồng Hà"
/// → "TYT", "Khu phố 3" → "KP3".
pub(super) fn code_from_name(name: &str, ward: &Ward) -> String {
    let own = name.strip_suffix(&ward.in_sentence()).unwrap_or(name);
    let mut code = String::new();
    for word in ascii_fold(own).split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()) {
        let acronym = word.len() > 1 && word.chars().all(|c| c.is_ascii_uppercase());
        if acronym || word.chars().all(|c| c.is_ascii_digit()) {
            code.push_str(word);
        } else if word != "va" {
            code.extend(word.chars().next().map(|c| c.to_ascii_uppercase()));
        }
    }
    code
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_ascii() {
        assert_eq!(code_of(" vh.vp "), "VH.VP");
        assert_eq!(code_of("Khu phố 1"), "KHU-PHO-1");
        assert_eq!(code_of("TỔ #2"), "TO-2");
    }
}
