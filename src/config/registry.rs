//! Loading `units.toml` and `officers.toml` into the registry ([`crate::registry`]) and
//! checking them: every problem with its line, names that clash, successors that loop.

use crate::validity::Validity;
use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use serde::Deserialize;
use toml::Spanned;
use toml::value::Datetime;
use unicode_normalization::UnicodeNormalization;

use super::dates::to_date;
use super::diag::{Diagnostics, SourceText};
use crate::registry::{Gender, Officer, Registry, Unit, UnitKind, name_key};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UnitsSpec {
    #[serde(default)]
    unit: Vec<Spanned<UnitSpec>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UnitSpec {
    code: String,
    name: String,
    short_name: Option<String>,
    kind: UnitKind,
    #[serde(default)]
    aliases: Vec<String>,
    head: Option<String>,
    head_email: Option<Spanned<String>>,
    #[serde(default)]
    par_rated: bool,
    #[serde(default)]
    handles_dossiers: bool,
    valid_from: Spanned<Datetime>,
    valid_to: Option<Spanned<Datetime>>,
    successor: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OfficersSpec {
    #[serde(default)]
    officer: Vec<Spanned<OfficerSpec>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OfficerSpec {
    id: String,
    name: String,
    unit: Spanned<String>,
    position: String,
    email: Option<Spanned<String>>,
    gender: Gender,
    active_from: Spanned<Datetime>,
    active_to: Option<Spanned<Datetime>>,
}

/// Loads and checks `units.toml` and `officers.toml`, recording every problem.
pub fn load_registry(root: &Path, units: &Path, officers: &Path, diag: &mut Diagnostics) -> Registry {
    let mut checked = Vec::new();
    if let Some((src, spec)) = diag.parse::<UnitsSpec>(root, units) {
        for u in spec.unit {
            if let Some(unit) = check_unit(&src, &u, diag) {
                checked.push(unit);
            }
        }
        check_units_together(&src, &checked, diag);
    }
    let mut reg = Registry::from_units(checked, Vec::new());
    if let Some((src, spec)) = diag.parse::<OfficersSpec>(root, officers) {
        let mut seen = BTreeMap::new();
        for o in spec.officer {
            if seen.insert(o.get_ref().id.clone(), ()).is_some() {
                diag.at(&src, &o.span(), format!("mã cán bộ trùng: {}", o.get_ref().id));
            }
            if let Some(officer) = check_officer(&src, &o, &reg, diag) {
                reg.officers.push(officer);
            }
        }
    }
    reg
}

fn date_or_problem(src: &SourceText, dt: &Spanned<Datetime>, what: &str, diag: &mut Diagnostics) -> Option<NaiveDate> {
    let d = to_date(dt.get_ref());
    if d.is_none() {
        diag.at(src, &dt.span(), format!("{what} phải là một ngày (YYYY-MM-DD), không có giờ"));
    }
    d
}

fn email_or_problem(
    src: &SourceText,
    email: Option<&Spanned<String>>,
    diag: &mut Diagnostics,
) -> Option<lettre::Address> {
    let email = email?;
    match email.get_ref().parse::<lettre::Address>() {
        Ok(a) => Some(a),
        Err(e) => {
            diag.at(src, &email.span(), format!("địa chỉ e-mail không hợp lệ \"{}\": {e}", email.get_ref()));
            None
        }
    }
}

fn check_unit(src: &SourceText, u: &Spanned<UnitSpec>, diag: &mut Diagnostics) -> Option<Unit> {
    let span = u.span();
    let s = u.get_ref();
    let from = date_or_problem(src, &s.valid_from, "valid_from", diag);
    let to = s.valid_to.as_ref().map(|dt| date_or_problem(src, dt, "valid_to", diag));
    let head_email = email_or_problem(src, s.head_email.as_ref(), diag);
    let (from, to) = (from?, to.map_or(Some(None), |d| d.map(Some))?);
    if to.is_some_and(|to| to < from) {
        diag.at(src, &span, format!("đơn vị {}: valid_to trước valid_from", s.code));
    }
    if s.code.trim().is_empty() || s.code.chars().any(char::is_whitespace) {
        diag.at(src, &span, format!("mã đơn vị \"{}\" không được rỗng hay có dấu cách", s.code));
    }
    Some(Unit {
        code: s.code.clone(),
        name: s.name.nfc().collect(),
        short_name: s.short_name.as_ref().unwrap_or(&s.name).nfc().collect(),
        kind: s.kind,
        aliases: s.aliases.iter().map(|a| a.nfc().collect()).collect(),
        head: s.head.clone(),
        head_email,
        par_rated: s.par_rated,
        handles_dossiers: s.handles_dossiers,
        valid: Validity::new(from, to),
        successor: s.successor.clone(),
    })
}

fn check_units_together(src: &SourceText, units: &[Unit], diag: &mut Diagnostics) {
    let line_of = |code: &str| {
        let at = src.text.find(&format!("\"{code}\"")).unwrap_or(0);
        at..at
    };
    let mut codes = BTreeMap::new();
    for u in units {
        if codes.insert(u.code.as_str(), ()).is_some() {
            diag.at(src, &line_of(&u.code), format!("mã đơn vị trùng: {}", u.code));
        }
    }
    for u in units {
        if let Some(succ) = &u.successor {
            match units.iter().find(|x| &x.code == succ) {
                None => diag.at(
                    src,
                    &line_of(&u.code),
                    format!("đơn vị {}: successor \"{succ}\" không có trong danh mục", u.code),
                ),
                Some(next) if u.valid.to.is_none_or(|to| next.valid.from <= to) => diag.at(
                    src,
                    &line_of(&u.code),
                    format!("đơn vị {}: đơn vị kế thừa {succ} phải bắt đầu sau ngày valid_to của đơn vị cũ", u.code),
                ),
                Some(_) => {}
            }
        }
    }
    // Two units valid at the same time must not share a name or alias: units are grouped
    // by name key first, so a province's thousands of units are not compared pairwise.
    let mut by_key: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, u) in units.iter().enumerate() {
        let mut keys: Vec<String> = [&u.code, &u.name].into_iter().chain(&u.aliases).map(|n| name_key(n)).collect();
        keys.sort();
        keys.dedup();
        for k in keys {
            by_key.entry(k).or_default().push(i);
        }
    }
    let mut clashes: BTreeMap<(usize, usize), &str> = BTreeMap::new();
    for (k, idx) in &by_key {
        for (n, &i) in idx.iter().enumerate() {
            for &j in &idx[n + 1..] {
                let (a, b) = (&units[i], &units[j]);
                let overlap = a.valid.overlaps_with(&b.valid);
                if overlap {
                    clashes.entry((i, j)).or_insert(k);
                }
            }
        }
    }
    for ((i, j), k) in clashes {
        let (a, b) = (&units[i], &units[j]);
        diag.at(src, &line_of(&b.code), format!("đơn vị {} và {} cùng tên hoặc tên gọi khác \"{k}\"", a.code, b.code));
    }
}

fn check_officer(
    src: &SourceText,
    o: &Spanned<OfficerSpec>,
    reg: &Registry,
    diag: &mut Diagnostics,
) -> Option<Officer> {
    let s = o.get_ref();
    if reg.unit(s.unit.get_ref()).is_none() {
        diag.at(
            src,
            &s.unit.span(),
            format!("cán bộ {}: đơn vị \"{}\" không có trong danh mục đơn vị", s.id, s.unit.get_ref()),
        );
    }
    let from = date_or_problem(src, &s.active_from, "active_from", diag);
    let to = s.active_to.as_ref().map(|dt| date_or_problem(src, dt, "active_to", diag));
    let email = email_or_problem(src, s.email.as_ref(), diag);
    let (from, to) = (from?, to.map_or(Some(None), |d| d.map(Some))?);
    Some(Officer {
        id: s.id.clone(),
        name: s.name.nfc().collect(),
        unit: s.unit.get_ref().clone(),
        position: s.position.clone(),
        email,
        gender: s.gender,
        active: Validity::new(from, to),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(code: &str, name: &str, from: (i32, u32, u32), to: Option<NaiveDate>, succ: Option<&str>) -> Unit {
        Unit {
            code: code.into(),
            name: name.into(),
            short_name: name.into(),
            kind: UnitKind::Department,
            aliases: vec![],
            head: None,
            head_email: None,
            par_rated: true,
            handles_dossiers: true,
            valid: Validity::new(NaiveDate::from_ymd_opt(from.0, from.1, from.2).unwrap(), to),
            successor: succ.map(Into::into),
        }
    }

    #[test]
    fn names_resolve_in_any_spelling_and_follow_the_merger() {
        let end = NaiveDate::from_ymd_opt(2025, 6, 30);
        let reg = Registry::from_units(
            vec![
                unit("TPHT", "Bộ phận Tư pháp - Hộ tịch", (2020, 1, 1), end, Some("VH.TP")),
                unit("VH.TP", "Phòng Tư pháp Việt Hưng", (2025, 7, 1), None, None),
            ],
            vec![],
        );
        let oct24 = NaiveDate::from_ymd_opt(2024, 10, 1).unwrap();
        let nfd: String = "Bộ phận Tư pháp – Hộ tịch".nfd().collect();
        assert_eq!(reg.resolve(&format!("  {}  ", nfd.to_uppercase()), oct24).unwrap().code, "TPHT");
        let aug25 = NaiveDate::from_ymd_opt(2025, 8, 1).unwrap();
        assert_eq!(reg.resolve("TPHT", aug25).unwrap().code, "VH.TP");
        assert!(reg.resolve("Phòng Tư pháp Việt Hưng", oct24).is_none());
    }

    #[test]
    fn a_successor_carries_the_line_of_every_unit_merged_into_it() {
        let end = NaiveDate::from_ymd_opt(2025, 6, 30);
        let reg = Registry::from_units(
            vec![
                unit("VPTK", "Văn phòng - Thống kê", (2020, 1, 1), end, Some("VH.VP")),
                unit("TPHT", "Tư pháp - Hộ tịch", (2020, 1, 1), end, Some("VH.VP")),
                unit("VH.VP", "Văn phòng HĐND và UBND", (2025, 7, 1), None, None),
                unit("CA", "Công an", (2020, 1, 1), None, None),
            ],
            vec![],
        );
        let (may25, aug25) =
            (NaiveDate::from_ymd_opt(2025, 5, 31).unwrap(), NaiveDate::from_ymd_opt(2025, 8, 31).unwrap());
        assert_eq!(reg.successor_on("TPHT", aug25).unwrap().code, "VH.VP");
        assert_eq!(reg.successor_on("TPHT", may25).unwrap().code, "TPHT");
        assert_eq!(reg.successor_on("CA", aug25).unwrap().code, "CA");
        assert!(reg.successor_on("VH.VP", may25).is_none(), "not yet there");
        let before: Vec<&str> = reg.predecessors("VH.VP").iter().map(|u| u.code.as_str()).collect();
        assert_eq!(before, ["VPTK", "TPHT"]);
        assert!(reg.predecessors("CA").is_empty());
    }
}
