//! The README's first command on the shipped sample ward, run as a user runs it.

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

#[test]
fn monthly_run_on_the_shipped_sample_ward() {
    let dir = sample_project();
    let out = Command::new(env!("CARGO_BIN_EXE_thidua"))
        .current_dir(dir.path())
        .args(["run", "monthly", "--period", "2024-10"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    let book = dir.path().join("output/2024-10/bang-diem-dich-vu-cong-2024-10.xlsx");
    assert!(book.is_file(), "{stdout}");
    let outbox: Vec<_> = std::fs::read_dir(dir.path().join("output/outbox")).unwrap().collect();
    assert_eq!(outbox.len(), 3 + 4, "the chairman and two in copy, and the head of each ranked unit");

    let summary = Sheet::read(&book, "Tổng hợp", 3);
    let records = summary.records();
    assert!(records.len() >= 4, "every dossier-handling unit and the ward row");
    let ward = summary.find("Mã đơn vị", "TOAN_PHUONG");
    let score = num(&ward["Điểm (thang 100)"]);
    assert!((0.0..=100.0).contains(&score));
    assert!(num(&ward["Hồ sơ trong kỳ"]) > 100.0);
    let mut last_rank = 0.0;
    for r in records.iter().filter(|r| text(&r["Mã đơn vị"]) != "TOAN_PHUONG") {
        let rank = num(&r["Hạng"]);
        assert!(rank >= last_rank, "ranked best first");
        last_rank = rank;
    }
    // The sample's messy cases reach the data-quality sheet.
    let dq = Sheet::read(&book, "Chất lượng dữ liệu", 3).all_text();
    assert!(dq.contains("Đơn vị không có trong danh mục"), "{dq}");
    assert!(dq.contains("không có ngày hẹn trả"), "{dq}");

    // The indices, the plan's targets and the lost points, from the sample's S5, S6, S7.
    let par = Sheet::read(&book, "Chỉ số PAR", 3).records();
    assert_eq!(par.len(), 7, "every PAR-rated unit of the registry");
    assert!(par.iter().all(|r| (0.0..=100.0).contains(&num(&r["Tổng điểm"]))));
    let dti = Sheet::read(&book, "Chỉ số DTI", 3);
    assert!(text(&dti.rows[2][0]).contains("trong top 15 của tỉnh"), "{:?}", dti.rows[2][0]);
    assert!(!Sheet::read(&book, "Chỉ số DDCI", 3).records().is_empty());
    let lost = Sheet::read(&book, "Điểm bị mất", 3).records();
    assert!(lost.iter().any(|r| text(&r["Chỉ số"]) == "Chỉ số CCHC (PAR)"));
    assert!(lost.iter().any(|r| text(&r["Căn cứ"]).starts_with("Đạt ")));
    let targets = Sheet::read(&book, "Chỉ tiêu kế hoạch", 3).records();
    let on_time = targets.iter().find(|r| text(&r["Mã"]) == "t10a_dung_han").expect("target 10a");
    assert_eq!(text(&on_time["Đối tượng"]), "Toàn phường", "the one-stop section's targets are the ward's figures");
    assert!(targets.iter().any(|r| text(&r["Cách đo"]) == "Xác nhận"));
}

#[test]
fn explain_shows_lost_points_with_their_evidence() {
    let dir = sample_project();
    let out = Command::new(env!("CARGO_BIN_EXE_thidua"))
        .current_dir(dir.path())
        .args(["explain", "Bộ phận Văn hóa - Thông tin", "--period", "2024-10"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.starts_with("Bộ phận Văn hóa - Thông tin (VHTT) — tháng 10/2024"), "{stdout}");
    assert!(stdout.contains("Điểm bị mất (lớn nhất trước):") && stdout.contains("Tổng điểm bị mất:"), "{stdout}");
    assert!(stdout.contains("[Chỉ số CCHC (PAR)]") && stdout.contains("[Bộ chỉ số 766]"), "{stdout}");
    assert!(!dir.path().join("output").exists(), "explain writes nothing");
}

#[test]
fn explain_a_whole_year_reads_every_months_exports() {
    let dir = sample_project();
    let out = Command::new(env!("CARGO_BIN_EXE_thidua"))
        .current_dir(dir.path())
        .args(["explain", "TPHT", "--period", "2024"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.starts_with("Bộ phận Tư pháp - Hộ tịch (TPHT) — năm 2024"), "{stdout}");
    // A year's dossiers: far more than any month's.
    let dossiers: f64 = stdout
        .lines()
        .find(|l| l.starts_with("Bộ chỉ số 766:"))
        .and_then(|l| l.split(", ").find(|p| p.ends_with("hồ sơ")))
        .and_then(|p| p.trim_end_matches(" hồ sơ").parse().ok())
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(dossiers > 1000.0, "{stdout}");
}
