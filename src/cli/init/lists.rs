//! The ward's lists of units and officers as CSV (`--units`, `--officers`), the way an office
//! keeps them in Excel: read like an export (UTF-8 with or without BOM, UTF-16,
//! Windows-1258, TCVN3, VNI; `,` `;` or tab; NFC), headers matched without regard to case,
//! marks or spaces ("Mã đơn vị" = "ma don vi"), every problem reported as `file:line`.
//! A column the list does not know is a problem, as an unknown key is in a TOML file: a
//! misspelt header never silently drops what it holds.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;

use super::roster::{OfficerRow, UnitRow, code_from_name, code_of, default_from, kind_defaults};
use super::ward::Ward;
use crate::registry::{Gender, UnitKind, name_key};
use crate::vi::ascii_fold;

/// A column of a list: the header as documented, other headers accepted, whether required.
struct Column {
    header: &'static str,
    also: &'static [&'static str],
    required: bool,
}

const fn col(header: &'static str, also: &'static [&'static str], required: bool) -> Column {
    Column { header, also, required }
}

/// The columns of `--units`, in the order of [`UnitCol`].
const UNIT_COLUMNS: [Column; 9] = [
    col("Mã đơn vị", &["Mã", "code"], false),
    col("Tên đơn vị", &["Tên", "Đơn vị", "name"], true),
    col("Loại", &["Loại đơn vị", "kind"], true),
    col("Trưởng đơn vị", &["Thủ trưởng", "head"], false),
    col("E-mail", &["Thư điện tử", "E-mail trưởng đơn vị", "head_email"], false),
    col("Tên gọi khác", &["Tên khác", "aliases"], false),
    col("Chấm điểm CCHC", &["CCHC", "par_rated"], false),
    col("Giải quyết hồ sơ", &["Xử lý hồ sơ", "handles_dossiers"], false),
    col("Từ ngày", &["Ngày bắt đầu", "valid_from"], false),
];

#[derive(Clone, Copy)]
enum UnitCol {
    Code,
    Name,
    Kind,
    Head,
    Email,
    Aliases,
    ParRated,
    Dossiers,
    From,
}

/// The columns of `--officers`, in the order of [`OfficerCol`].
const OFFICER_COLUMNS: [Column; 7] = [
    col("Tên đăng nhập", &["Tài khoản", "Người xử lý", "id"], true),
    col("Họ và tên", &["Họ tên", "name"], true),
    col("Đơn vị", &["Mã đơn vị", "unit"], true),
    col("Chức vụ", &["position"], false),
    col("Giới tính", &["gender"], true),
    col("E-mail", &["Thư điện tử", "email"], false),
    col("Từ ngày", &["Ngày bắt đầu", "active_from"], false),
];

#[derive(Clone, Copy)]
enum OfficerCol {
    Id,
    Name,
    Unit,
    Position,
    Gender,
    Email,
    From,
}

/// A list read: its rows with their lines, and which column holds what.
struct List<'a> {
    shown: String,
    columns: &'static [Column],
    /// The header line as the file writes it.
    header: Vec<String>,
    rows: Vec<(usize, Vec<String>)>,
    at: Vec<Option<usize>>,
    problems: &'a mut Vec<String>,
}

/// The cell of a column in a row, if the list has the column and the cell is not empty.
fn cell(at: &[Option<usize>], row: &[String], column: usize) -> Option<String> {
    at[column].and_then(|i| row.get(i)).filter(|s| !s.is_empty()).cloned()
}

impl List<'_> {
    fn problem(&mut self, line: usize, message: impl std::fmt::Display) {
        self.problems.push(format!("{}:{line}: {message}", self.shown));
    }

    /// A problem with one cell: `file:line: cột "<header as the file writes it>": message`.
    fn at(&mut self, line: usize, column: usize, message: impl std::fmt::Display) {
        let name = self.at[column].and_then(|i| self.header.get(i)).map_or(self.columns[column].header, String::as_str);
        let problem = format!("{}:{line}: cột \"{name}\": {message}", self.shown);
        self.problems.push(problem);
    }
}

/// The header's key: without marks, case, spaces or punctuation ("E-mail" = "email").
fn key(header: &str) -> String {
    ascii_fold(header).to_ascii_lowercase().chars().filter(char::is_ascii_alphanumeric).collect()
}

fn read<'a>(path: &Path, columns: &'static [Column], problems: &'a mut Vec<String>) -> Option<List<'a>> {
    let shown = path.display().to_string();
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            problems.push(format!("{shown}: không đọc được tệp: {e}"));
            return None;
        }
    };
    // A workbook given as is: its bytes would read as a header of garbage.
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        problems.push(format!(
            "{shown}: là tệp Excel, không phải CSV: trong Excel chọn Tệp > Lưu thành > CSV UTF-8 (phân cách bằng \
             dấu phẩy), rồi cho init tệp .csv đó"
        ));
        return None;
    }
    let csv = crate::ingest::read_csv_rows(&bytes);
    let mut list =
        List { shown, columns, header: csv.header.clone(), rows: csv.rows, at: vec![None; columns.len()], problems };
    for (line, why) in csv.refused {
        list.problem(line, format!("dòng bị bỏ qua: {why}"));
    }
    for (i, header) in csv.header.iter().enumerate() {
        let k = key(header);
        match columns.iter().position(|c| key(c.header) == k || c.also.iter().any(|a| key(a) == k)) {
            Some(c) if list.at[c].is_some() => list.problem(1, format!("cột \"{header}\" trùng với một cột trước")),
            Some(c) => list.at[c] = Some(i),
            // An ordinal column, as lists in Vietnamese offices have: nothing to read.
            None if k == "stt" || k.is_empty() => {}
            None => {
                let known: Vec<&str> = columns.iter().map(|c| c.header).collect();
                list.problem(1, format!("cột \"{header}\" không dùng được (các cột: {}, STT)", known.join(", ")));
            }
        }
    }
    for (c, column) in columns.iter().enumerate() {
        if column.required && list.at[c].is_none() {
            list.problem(1, format!("thiếu cột \"{}\"", column.header));
        }
    }
    Some(list)
}

/// The units of `--units` that read, and every problem as `file:line: message`.
pub(super) fn units(path: &Path, ward: &Ward) -> (Vec<UnitRow>, Vec<String>) {
    let mut problems = Vec::new();
    let mut units: Vec<(usize, UnitRow)> = Vec::new();
    if let Some(mut list) = read(path, &UNIT_COLUMNS, &mut problems) {
        let rows = std::mem::take(&mut list.rows);
        for (line, row) in &rows {
            if let Some(unit) = unit(&mut list, *line, row, ward) {
                units.push((*line, unit));
            }
        }
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for (line, u) in &mut units {
            let n = seen.entry(u.code.clone()).or_default();
            *n += 1;
            if *n > 1 && list.at[UnitCol::Code as usize].is_none() {
                // Codes made from names: the second "KP" becomes "KP2".
                u.code = format!("{}{n}", u.code);
            } else if *n > 1 {
                list.at(*line, UnitCol::Code as usize, format!("mã đơn vị trùng: {}", u.code));
            }
        }
        if units.is_empty() && list.problems.is_empty() {
            list.problem(1, "tệp không có đơn vị nào");
        }
    }
    (units.into_iter().map(|(_, u)| u).collect(), problems)
}

fn unit(list: &mut List<'_>, line: usize, row: &[String], ward: &Ward) -> Option<UnitRow> {
    let at = list.at.clone();
    let cell = |c: UnitCol| cell(&at, row, c as usize);
    let Some(name) = cell(UnitCol::Name) else {
        list.at(line, UnitCol::Name as usize, "trống: mỗi đơn vị cần tên đầy đủ như tệp xuất ghi");
        return None;
    };
    let code = cell(UnitCol::Code).map_or_else(|| code_from_name(&name, ward), |c| code_of(&c));
    if code.is_empty() {
        list.at(line, UnitCol::Code as usize, format!("không tạo được mã cho \"{name}\": ghi mã (chữ không dấu, số)"));
    }
    let kind = match cell(UnitCol::Kind) {
        None => {
            list.at(line, UnitCol::Kind as usize, format!("trống: ghi loại của \"{name}\" ({})", kinds_help()));
            None
        }
        Some(k) => kind_of(&k).or_else(|| {
            list.at(line, UnitCol::Kind as usize, format!("\"{k}\" không phải loại đơn vị ({})", kinds_help()));
            None
        }),
    };
    let head_email = cell(UnitCol::Email);
    if let Some(e) = &head_email
        && e.parse::<lettre::Address>().is_err()
    {
        list.at(
            line,
            UnitCol::Email as usize,
            format!("\"{e}\" không phải địa chỉ e-mail (ghi dạng ten@ten-mien, ví dụ vanphong@hongha.gov.vn)"),
        );
    }
    let (par_default, dossiers_default) = kind.map_or((false, false), kind_defaults);
    let par_rated = yes_no(list, line, UnitCol::ParRated as usize, cell(UnitCol::ParRated)).unwrap_or(par_default);
    let handles_dossiers =
        yes_no(list, line, UnitCol::Dossiers as usize, cell(UnitCol::Dossiers)).unwrap_or(dossiers_default);
    let valid_from = date(list, line, UnitCol::From as usize, cell(UnitCol::From)).unwrap_or_else(default_from);
    let aliases = cell(UnitCol::Aliases)
        .map(|a| a.split(';').map(str::trim).filter(|a| !a.is_empty()).map(str::to_string).collect())
        .unwrap_or_default();
    Some(UnitRow {
        code,
        name,
        kind: kind?,
        aliases,
        head: cell(UnitCol::Head),
        head_email,
        par_rated,
        handles_dossiers,
        valid_from,
    })
}

/// The officers of `--officers` that read, each in a unit of `units` (named by its code, its
/// name or another of its names), and every problem as `file:line: message`.
pub(super) fn officers(path: &Path, units: &[UnitRow]) -> (Vec<OfficerRow>, Vec<String>) {
    let mut problems = Vec::new();
    let mut officers: Vec<OfficerRow> = Vec::new();
    if let Some(mut list) = read(path, &OFFICER_COLUMNS, &mut problems) {
        let rows = std::mem::take(&mut list.rows);
        for (line, row) in &rows {
            if let Some(o) = officer(&mut list, *line, row, units) {
                if officers.iter().any(|x| x.id == o.id) {
                    list.at(*line, OfficerCol::Id as usize, format!("tên đăng nhập trùng: {}", o.id));
                }
                officers.push(o);
            }
        }
    }
    (officers, problems)
}

fn officer(list: &mut List<'_>, line: usize, row: &[String], units: &[UnitRow]) -> Option<OfficerRow> {
    let at = list.at.clone();
    let cell = |c: OfficerCol| cell(&at, row, c as usize);
    let id = cell(OfficerCol::Id);
    let name = cell(OfficerCol::Name);
    if id.as_ref().is_some_and(|i| i.chars().any(char::is_whitespace)) {
        list.at(line, OfficerCol::Id as usize, "có dấu cách: ghi tên người dùng trên Hệ thống một cửa");
    }
    if id.is_none() {
        list.at(line, OfficerCol::Id as usize, "trống: ghi tên người dùng trên Hệ thống một cửa, để tính điểm cán bộ");
    }
    if name.is_none() {
        list.at(line, OfficerCol::Name as usize, "trống");
    }
    let unit = match cell(OfficerCol::Unit) {
        None => {
            list.at(line, OfficerCol::Unit as usize, "trống: ghi mã hoặc tên đơn vị trong danh mục đơn vị");
            None
        }
        Some(u) => {
            let named = |x: &UnitRow| std::iter::once(&x.name).chain(&x.aliases).any(|n| name_key(n) == name_key(&u));
            let found = units.iter().find(|x| x.code == code_of(&u) || named(x));
            if found.is_none() {
                list.at(line, OfficerCol::Unit as usize, format!("\"{u}\" không có trong danh mục đơn vị"));
            }
            found.map(|x| x.code.clone())
        }
    };
    let gender = match cell(OfficerCol::Gender) {
        Some(g) if matches!(key(&g).as_str(), "nu" | "female" | "f") => Some(Gender::Female),
        Some(g) if matches!(key(&g).as_str(), "nam" | "male" | "m") => Some(Gender::Male),
        given => {
            let given = given.map_or_else(|| "trống".to_string(), |g| format!("\"{g}\""));
            list.at(line, OfficerCol::Gender as usize, format!("{given}: ghi Nam hoặc Nữ"));
            None
        }
    };
    let email = cell(OfficerCol::Email);
    if let Some(e) = &email
        && e.parse::<lettre::Address>().is_err()
    {
        list.at(
            line,
            OfficerCol::Email as usize,
            format!("\"{e}\" không phải địa chỉ e-mail (ghi dạng ten@ten-mien, ví dụ vanphong@hongha.gov.vn)"),
        );
    }
    let active_from = date(list, line, OfficerCol::From as usize, cell(OfficerCol::From)).unwrap_or_else(default_from);
    Some(OfficerRow {
        id: id?,
        name: name?,
        unit: unit?,
        position: cell(OfficerCol::Position).unwrap_or_default(),
        email,
        gender: gender?,
        active_from,
    })
}

/// The kind a list writes, in English (`one_stop`) or Vietnamese ("Bộ phận Một cửa", "Công an").
fn kind_of(text: &str) -> Option<UnitKind> {
    let k = key(text);
    let also: &[(&str, UnitKind)] = &[
        ("lanhdao", UnitKind::Leadership),
        ("phongchuyenmon", UnitKind::Department),
        ("bophan", UnitKind::Department),
        ("phong", UnitKind::Department),
        ("vanphong", UnitKind::Department),
        ("motcua", UnitKind::OneStop),
        ("trungtamphucvuhanhchinhcong", UnitKind::OneStop),
        ("bophantiepnhanvatraketqua", UnitKind::OneStop),
        ("yte", UnitKind::HealthStation),
        ("mttq", UnitKind::Front),
        ("mattran", UnitKind::Front),
        ("doanthe", UnitKind::MassOrganisation),
        ("tochucchinhtrixahoi", UnitKind::MassOrganisation),
        ("todanpho", UnitKind::Quarter),
        ("thon", UnitKind::Quarter),
    ];
    UnitKind::ALL
        .into_iter()
        .find(|kind| key(kind.key()) == k || key(kind.label()) == k)
        .or_else(|| also.iter().find(|(a, _)| *a == k).map(|(_, kind)| *kind))
}

fn kinds_help() -> String {
    let listed: Vec<String> = UnitKind::ALL.iter().map(|k| format!("{} ({})", k.label(), k.key())).collect();
    format!("dùng: {}", listed.join(", "))
}

fn yes_no(list: &mut List<'_>, line: usize, column: usize, text: Option<String>) -> Option<bool> {
    let text = text?;
    match key(&text).as_str() {
        "co" | "x" | "1" | "true" | "yes" | "c" => Some(true),
        "khong" | "0" | "false" | "no" | "k" => Some(false),
        _ => {
            list.at(line, column, format!("\"{text}\": ghi Có hoặc Không"));
            None
        }
    }
}

/// dd/mm/yyyy (as offices write dates) or yyyy-mm-dd.
fn date(list: &mut List<'_>, line: usize, column: usize, text: Option<String>) -> Option<NaiveDate> {
    let text = text?;
    let day = NaiveDate::parse_from_str(&text, "%d/%m/%Y").or_else(|_| NaiveDate::parse_from_str(&text, "%Y-%m-%d"));
    match day {
        Ok(d) => Some(d),
        Err(_) => {
            list.at(line, column, format!("\"{text}\": ghi ngày dạng dd/mm/yyyy (ví dụ 01/07/2025)"));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_help_names_every_column() {
        for c in UNIT_COLUMNS.iter().chain(&OFFICER_COLUMNS) {
            assert!(super::super::HELP.lines().any(|l| l.trim_start().starts_with(c.header)), "{}", c.header);
        }
        for kind in UnitKind::ALL {
            assert_eq!(kind_of(kind.label()), Some(kind));
            assert_eq!(kind_of(kind.key()), Some(kind));
            assert!(super::super::HELP.contains(kind.key()), "{}", kind.key());
        }
        assert_eq!(kind_of("trung tâm phục vụ hành chính công"), Some(UnitKind::OneStop));
        assert_eq!(key("Mã  Đơn vị"), key("ma don vi"));
    }
}
