//! The shipped sample ward in 2025 and 2026: each month is scored by the methodology, targets
//! and ward valid then (Giếng Đáy's until 30/6/2025, Việt Hưng's after), and the 2025 trend
//! carries the merged units' months under their successors.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{Sheet, copy_dir, num, repo, text};

/// A copy of the shipped configuration, pipelines and sample exports.
fn sample_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["config", "pipelines", "samples"] {
        copy_dir(&repo().join(sub), &dir.path().join(sub));
    }
    dir
}

/// `thidua run monthly --period <period>` in `dir`; the workbook and what the command printed.
fn run_monthly(dir: &Path, period: &str) -> (PathBuf, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_thidua"))
        .current_dir(dir)
        .args(["run", "monthly", "--period", period])
        .output()
        .unwrap();
    let printed = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{period}: {printed}");
    let book = dir.join(format!("output/{period}/bang-diem-dich-vu-cong-{period}.xlsx"));
    assert!(book.is_file(), "{period}: {printed}");
    (book, printed)
}

/// The first cells of a sheet (title, period, method lines), joined.
fn heading(book: &Path, sheet: &str) -> String {
    Sheet::read(book, sheet, 0).rows.iter().take(3).flatten().map(ToString::to_string).collect::<Vec<_>>().join("\n")
}

/// What the month's index and targets sheets say they were scored by, and the units the PAR
/// sheet ranks.
struct Methods {
    par: String,
    dti: String,
    plan_targets: String,
    one_stop: String,
    par_units: Vec<String>,
}

fn methods(book: &Path) -> Methods {
    Methods {
        par: heading(book, "Chỉ số PAR"),
        dti: heading(book, "Chỉ số DTI"),
        plan_targets: heading(book, "Chỉ tiêu kế hoạch"),
        one_stop: heading(book, "Chỉ tiêu"),
        par_units: Sheet::read(book, "Chỉ số PAR", 3).records().iter().map(|r| text(&r["Đơn vị"])).collect(),
    }
}

/// A unit's name in the project's registry (the sheets name units, not codes).
fn unit_name(dir: &Path, code: &str) -> String {
    let registry: toml::Table = std::fs::read_to_string(dir.join("config/units.toml")).unwrap().parse().unwrap();
    let unit = registry["unit"].as_array().unwrap().iter().find(|u| u["code"].as_str() == Some(code));
    unit.and_then(|u| u["name"].as_str()).unwrap_or_else(|| panic!("{code}")).to_string()
}

/// No sheet or line of the run says an index or the targets went unscored.
fn assert_every_method_applies(period: &str, book: &Path, printed: &str) {
    assert!(!printed.contains("Không có phương pháp"), "{period}: {printed}");
    for sheet in ["Chỉ số PAR", "Chỉ số DTI", "Chỉ số DDCI", "Chỉ tiêu kế hoạch"] {
        let all = Sheet::read(book, sheet, 0).all_text();
        assert!(!all.contains("Không có phương pháp"), "{period} {sheet}: {all}");
    }
}

#[test]
fn june_2025_is_scored_by_the_old_ward_s_methods_and_july_by_the_new_ward_s() {
    let dir = sample_project();
    let (june, printed) = run_monthly(dir.path(), "2025-06");
    assert_every_method_applies("2025-06", &june, &printed);
    // The 2025 appraisal rates the units standing at the year's end (Việt Hưng's): Giếng Đáy's
    // units of June have none, so June has no PAR score (it gave them 14–34 points from their
    // dossiers alone), and the sheet and the command say so, naming them.
    let par = Sheet::read(&june, "Chỉ số PAR", 0).all_text();
    assert!(par.starts_with("PHƯỜNG GIẾNG ĐÁY") && par.contains("CHƯA CÓ KẾT QUẢ THẨM ĐỊNH"), "{par}");
    let tpht = unit_name(dir.path(), "TPHT");
    assert!(par.contains(&tpht) && printed.contains("Cảnh báo") && printed.contains(&tpht), "{par}\n{printed}");
    let dti = heading(&june, "Chỉ số DTI");
    assert!(dti.contains("Bộ chỉ số chuyển đổi số cấp phường năm 2024"), "{dti}");
    // The 2025 ranking names the ward of the year's end: June finds itself there as Việt Hưng.
    assert!(dti.contains("Xếp hạng trong tỉnh của Phường Việt Hưng: "), "{dti}");
    let plan_targets = heading(&june, "Chỉ tiêu kế hoạch");
    assert!(plan_targets.contains("phường Giếng Đáy (đến 30/6/2025)"), "{plan_targets}");
    assert!(heading(&june, "Chỉ tiêu").starts_with("PHƯỜNG GIẾNG ĐÁY"));

    let (july, printed) = run_monthly(dir.path(), "2025-07");
    assert_every_method_applies("2025-07", &july, &printed);
    let m = methods(&july);
    assert!(
        m.par.starts_with("PHƯỜNG VIỆT HƯNG")
            && m.par.contains("Phương pháp: Bộ chỉ số cải cách hành chính cấp xã năm 2025 "),
        "{}",
        m.par
    );
    assert!(
        m.dti.starts_with("PHƯỜNG VIỆT HƯNG") && m.dti.contains("Bộ chỉ số chuyển đổi số cấp xã năm 2025"),
        "{}",
        m.dti
    );
    assert!(m.plan_targets.contains("phường Việt Hưng (từ 01/7/2025)"), "{}", m.plan_targets);
    assert!(m.one_stop.starts_with("PHƯỜNG VIỆT HƯNG"), "{}", m.one_stop);
    assert_eq!(m.par_units.len(), 4, "Việt Hưng's PAR-rated units: {:?}", m.par_units);
    assert!(m.par_units.iter().all(|u| u.contains("Việt Hưng")), "{:?}", m.par_units);
    // The successors' appraisal is in the 2025 sample: the Office is rated, not left at zero.
    let par = Sheet::read(&july, "Chỉ số PAR", 3);
    assert!(num(&par.find("Đơn vị", &unit_name(dir.path(), "VH.VP"))["Tổng điểm"]) > 50.0);
}

#[test]
fn october_2025_and_march_2026_are_scored_by_the_methods_of_their_year() {
    let dir = sample_project();
    let (oct, printed) = run_monthly(dir.path(), "2025-10");
    assert_every_method_applies("2025-10", &oct, &printed);
    let m = methods(&oct);
    assert!(m.par.contains("Phương pháp: Bộ chỉ số cải cách hành chính cấp xã năm 2025 "), "{}", m.par);
    assert!(m.dti.contains("Bộ chỉ số chuyển đổi số cấp xã năm 2025"), "{}", m.dti);
    assert!(m.plan_targets.contains("năm 2025 của phường Việt Hưng (từ 01/7/2025)"), "{}", m.plan_targets);
    assert!(m.par_units.iter().all(|u| u.contains("Việt Hưng")), "{:?}", m.par_units);

    let (march, printed) = run_monthly(dir.path(), "2026-03");
    assert_every_method_applies("2026-03", &march, &printed);
    let m = methods(&march);
    assert!(
        m.par.starts_with("PHƯỜNG VIỆT HƯNG")
            && m.par.contains("Phương pháp: Bộ chỉ số cải cách hành chính cấp xã năm 2026 "),
        "{}",
        m.par
    );
    assert!(m.dti.contains("Bộ chỉ số chuyển đổi số cấp xã năm 2026"), "{}", m.dti);
    assert!(m.plan_targets.contains("năm 2026 của phường Việt Hưng"), "{}", m.plan_targets);
    assert!(m.par_units.iter().all(|u| u.contains("Việt Hưng")), "{:?}", m.par_units);
    let targets = Sheet::read(&march, "Chỉ tiêu kế hoạch", 3).records();
    assert!(
        targets
            .iter()
            .any(|r| text(&r["Chỉ tiêu"]).starts_with("100% hồ sơ tiếp nhận trong kỳ được giải quyết đúng hạn")),
        "the 2026 plan's targets are judged"
    );
}

#[test]
fn the_2025_trend_shows_the_new_ward_s_units_with_their_predecessors_months() {
    let dir = sample_project();
    for period in ["2025-05", "2025-06"] {
        run_monthly(dir.path(), period);
    }
    let (oct, _) = run_monthly(dir.path(), "2025-10");
    let trend = Sheet::read(&oct, "Xu hướng", 3);
    let header: Vec<String> = trend.rows[3].iter().map(ToString::to_string).collect();
    for month in ["Tháng 05/2025", "Tháng 06/2025", "Tháng 10/2025"] {
        assert!(header.iter().any(|h| h == month), "{header:?}");
    }
    let rows = trend.records();
    let names: Vec<String> = rows.iter().map(|r| text(&r["Đơn vị"])).collect();
    for old in ["TPHT", "DCXD", "LDTBXH", "VHTT"] {
        let old = unit_name(dir.path(), old);
        assert!(!names.contains(&old), "{old} is shown under its successor: {names:?}");
    }
    for successor in ["VH.VP", "VH.KT", "VH.VHXH"] {
        let row = trend.find("Đơn vị", &unit_name(dir.path(), successor));
        for month in ["Tháng 05/2025", "Tháng 06/2025", "Tháng 10/2025"] {
            let score = num(&row[month]);
            assert!((0.0..=100.0).contains(&score), "{successor} {month}: {score}");
        }
    }
    let note = trend.rows.iter().take(3).flatten().map(ToString::to_string).collect::<String>();
    assert!(
        note.contains("Văn phòng HĐND và UBND phường Việt Hưng gồm Bộ phận Văn phòng - Thống kê, Bộ phận Tư pháp - Hộ tịch đến 30/06/2025"),
        "{note}"
    );
}

/// `thidua sample` gives back the shipped exports byte for byte: 2024 under Giếng Đáy's name,
/// 2025 and 2026 under Việt Hưng's (each year names the ward of its end). A file regenerated
/// later than the shipped one may only add months (a year that was in progress).
#[test]
fn the_shipped_samples_are_what_thidua_sample_makes_for_their_year() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("config"), &dir.path().join("config"));
    for year in ["2024", "2025", "2026"] {
        let out = Command::new(env!("CARGO_BIN_EXE_thidua"))
            .current_dir(dir.path())
            .args(["sample", "--year", year])
            .output()
            .unwrap();
        assert!(out.status.success(), "{year}: {}", String::from_utf8_lossy(&out.stderr));
        let shipped = repo().join("samples").join(year);
        let shipped_files = crate::common::files_under(&shipped);
        assert!(shipped_files.len() > 40, "{year}: {} files", shipped_files.len());
        for file in shipped_files {
            let rel = file.strip_prefix(repo()).unwrap();
            let made = std::fs::read(dir.path().join(rel)).unwrap_or_else(|e| panic!("{}: {e}", rel.display()));
            assert!(made == std::fs::read(&file).unwrap(), "{} differs from what thidua sample makes", rel.display());
        }
    }
}

/// The 2025 round is held on 31/12/2025, under Decree 152/2025 (awards-2025): Việt Hưng's units
/// are judged, the city's Giấy khen is gone and the plan cited is Việt Hưng's.
#[test]
fn the_2025_award_round_follows_decree_152_and_judges_the_new_ward_s_units() {
    let dir = sample_project();
    let out = Command::new(env!("CARGO_BIN_EXE_thidua"))
        .current_dir(dir.path())
        .args(["awards", "--year", "2025"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let book = dir.path().join("output/2025/xet-khen-thuong-2025.xlsx");
    let head = heading(&book, "Kết quả xét khen");
    assert!(head.starts_with("PHƯỜNG VIỆT HƯNG") && head.contains("Nghị định số 152/2025/NĐ-CP"), "{head}");
    assert!(!head.contains("98/2023"), "{head}");
    let results = Sheet::read(&book, "Kết quả xét khen", 3);
    let all = results.all_text();
    assert!(!all.contains("Giấy khen của Chủ tịch UBND thành phố"), "no city level after 30/6/2025");
    // The rules cite the plan valid on the round day (Việt Hưng's), from its file.
    assert!(all.contains("tại Kế hoạch …/KH-UBND (số kế hoạch: giả định"), "{all}");
    assert!(head.contains("của UBND phường Việt Hưng, mục III"), "{head}");
    // The sheet names units, not codes: every collective is one of Việt Hưng's units.
    let registry: toml::Table = std::fs::read_to_string(dir.path().join("config/units.toml")).unwrap().parse().unwrap();
    let new_ward: Vec<&str> = registry["unit"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["code"].as_str().is_some_and(|c| c.starts_with("VH.")))
        .filter_map(|u| u["name"].as_str())
        .collect();
    let units: Vec<String> =
        results.records().iter().filter(|r| text(&r["Đối tượng"]) == "Tập thể").map(|r| text(&r["Tên"])).collect();
    assert!(!units.is_empty() && units.iter().all(|u| new_ward.contains(&u.as_str())), "{units:?}");
    let proposed = results.records().iter().filter(|r| text(&r["Kết quả xét"]).starts_with("Đủ tiêu chuẩn")).count();
    assert!(proposed > 0, "someone is proposed");
}
