//! The README's first command on the shipped sample ward, run as a user runs it.

use std::process::Command;

use crate::common::{Sheet, copy_dir, num, repo, text};

#[test]
fn monthly_run_on_the_shipped_sample_ward() {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["config", "pipelines", "samples"] {
        copy_dir(&repo().join(sub), &dir.path().join(sub));
    }
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
    assert_eq!(outbox.len(), 1);

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
}
