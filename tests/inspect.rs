//! `thidua inspect` on the example export of every shipped format profile reports the counts
//! worked out in `config/formats/examples/README.md`.

use crate::common::repo;

fn inspect(file: &str, extra: &[&str]) -> (Option<i32>, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_thidua"))
        .current_dir(repo())
        .args(["--config", "config/thidua.toml", "inspect"])
        .arg(repo().join("config/formats/examples").join(file))
        .args(extra)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The citizens' names and phones of the CSV example (the same dossiers are in every file).
fn citizens() -> Vec<String> {
    let text = std::fs::read_to_string(repo().join("config/formats/examples/dvcqg-dongbo.csv")).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let at = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (name, phone) = (at("ChuHoSo"), at("SoDienThoai"));
    let values: Vec<String> = text
        .lines()
        .skip(1)
        .flat_map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            [cells[name].to_string(), cells[phone].to_string()]
        })
        .filter(|v| v.len() > 3)
        .collect();
    assert!(values.len() >= 12, "{values:?}");
    values
}

#[test]
fn every_shipped_profiles_example_is_counted_right() {
    let statuses = serde_json::json!({ "1": 1, "4": 1, "5": 1, "7": 1, "9": 1, "10": 1 });
    for (file, profile, rows, rejected, personal) in [
        ("dvcqg-dongbo.json", "dvcqg-dongbo", 6, 0, "SoGiayToChuHoSo"),
        ("dvcqg-dongbo.csv", "dvcqg-dongbo", 8, 2, "ChuHoSo"),
        ("igate-vnpt.json", "igate-vnpt", 6, 0, "applicant.data.fullname"),
        ("xuat-excel-tinh.xlsx", "xuat-excel-tinh", 7, 1, "Chủ hồ sơ"),
    ] {
        let (code, out, err) = inspect(file, &["--json"]);
        assert_eq!(code, Some(0), "{file}: {err}");
        let r: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{file}: {e}: {out}"));
        assert_eq!(r["profile"], profile, "{file}");
        assert_eq!(r["profile_choice"], "tự nhận ra", "{file}");
        assert_eq!((r["rows"].as_u64(), r["rejected"].as_u64()), (Some(rows), Some(rejected)), "{file}");
        assert_eq!(r["statuses"], statuses, "{file}");
        assert_eq!(
            (r["received_from"].as_str(), r["received_to"].as_str()),
            (Some("2024-10-07"), Some("2024-10-14")),
            "{file}"
        );
        let dropped: Vec<&str> = r["personal_dropped"].as_array().unwrap().iter().filter_map(|v| v.as_str()).collect();
        assert!(dropped.contains(&personal), "{file}: {dropped:?}");
        // Citizens' data never printed, even among the examples of findings.
        for citizen in citizens() {
            assert!(!out.contains(&citizen), "{file}: {citizen}");
        }
    }
}

#[test]
fn the_csv_example_names_its_rejected_rows_and_the_text_report_reads_as_a_page() {
    let (_, out, _) = inspect("dvcqg-dongbo.csv", &["--json"]);
    let r: serde_json::Value = serde_json::from_str(&out).unwrap();
    let rules: Vec<&str> =
        r["rejected_by_rule"].as_array().unwrap().iter().filter_map(|x| x["rule"].as_str()).collect();
    assert!(rules.iter().any(|x| x.starts_with("Trạng thái không có trong bảng mã")), "{rules:?}");
    assert!(rules.iter().any(|x| x.contains("\"NgayTiepNhan\" (received_at)")), "{rules:?}");
    assert_eq!(r["date_layouts"]["received_at"]["yyyyMMddHHmmss"], 6, "{}", r["date_layouts"]);
    let (code, text, _) = inspect("dvcqg-dongbo.csv", &[]);
    assert_eq!(code, Some(0));
    for line in [
        "Định dạng nguồn: dvcqg-dongbo (tự nhận ra)",
        "received_at ← NgayTiepNhan",
        "Số dòng: đọc 8, loại 2, dùng 6",
        "10 Đã trả kết quả: 1 (kết thúc: đã giải quyết)",
        "Ngày tiếp nhận: từ 2024-10-07 đến 2024-10-14",
    ] {
        assert!(text.contains(line), "{line}\n{text}");
    }
    // A profile named on the command line that reads the file wrongly says so.
    let (code, _, err) = inspect("dvcqg-dongbo.csv", &["--profile", "xuat-excel-tinh"]);
    assert_eq!(code, Some(4), "{err}");
    assert!(err.contains("thiếu cột bắt buộc theo định dạng xuat-excel-tinh"), "{err}");
}
