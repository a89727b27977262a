//! Bad input: a file that cannot be used stops the run with its name and the reason (exit 4,
//! nothing written); bad rows in a usable file become findings. Never a panic.

use std::collections::BTreeMap;

use chrono::TimeZone;
use thidua::cli::load_config;
use thidua::ingest::{self, Dataset, Severity};
use thidua::pipeline::{self, Location, Period, RunContext, Source};
use thidua::pull::Fetched;

use crate::common::project;

/// Runs the tiny fixture with the drop folder holding only `name` with `bytes`.
fn run_with(name: &str, bytes: &[u8]) -> anyhow::Error {
    let dir = project("tiny");
    let drop = dir.path().join("drop/2024-09");
    std::fs::remove_dir_all(&drop).unwrap();
    std::fs::create_dir_all(&drop).unwrap();
    std::fs::write(drop.join(name), bytes).unwrap();
    let config = load_config(&dir.path().join("config/thidua.toml")).unwrap();
    let p = pipeline::load(&config, "monthly").unwrap();
    let now = config.settings.ward.time_zone.with_ymd_and_hms(2024, 10, 5, 8, 0, 0).unwrap();
    let ctx = RunContext { config: &config, period: Period::new(2024, 9).unwrap(), now, dry_run: false, resend: false };
    let err = pipeline::run(&p, &ctx).expect_err("bad input must fail the run");
    assert_eq!(thidua::outcome::exit_code(&err), std::process::ExitCode::from(4), "{err:#}");
    assert!(!dir.path().join("output").exists(), "no partial output");
    assert!(!dir.path().join("store/dossiers").exists(), "no table stored");
    err
}

fn assert_names(err: &anyhow::Error, file: &str, reason: &str) {
    let shown = format!("{err:#}");
    assert!(shown.contains(file) && shown.contains(reason), "{shown}");
}

#[test]
fn truncated_xlsx() {
    let good =
        std::fs::read(crate::common::repo().join("samples/gieng-day-2024/sang-kien/sang-kien-2024.xlsx")).unwrap();
    let err = run_with("ho-so.xlsx", &good[..good.len() / 2]);
    assert_names(&err, "drop/2024-09/ho-so.xlsx", "không mở được tệp Excel");
}

#[test]
fn the_wrong_export_in_the_dossier_folder() {
    // The initiatives register shares "Đơn vị" and "Trạng thái" with dossiers, not the rest.
    let other =
        std::fs::read(crate::common::repo().join("samples/gieng-day-2024/sang-kien/sang-kien-2024.xlsx")).unwrap();
    let err = run_with("nham-tep.xlsx", &other);
    assert_names(&err, "nham-tep.xlsx", "thiếu cột bắt buộc: dossier_id");
}

#[test]
fn xlsx_without_a_known_header() {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["Họ tên", "Ghi chú", "Số tiền"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
        ws.write_string(1, c as u16, "x").unwrap();
    }
    let err = run_with("bang-luong.xlsx", &wb.save_to_buffer().unwrap());
    assert_names(&err, "bang-luong.xlsx", "không tìm thấy dòng tiêu đề cột");
}

#[test]
fn csv_missing_a_required_column() {
    let err = run_with("ho-so.csv", "MaHoSo,DonViXuLy,NgayHenTra\nHS1,Tư pháp,06/09/2024 17:00:00\n".as_bytes());
    assert_names(&err, "ho-so.csv", "thiếu cột bắt buộc: received_at (\"NgayTiepNhan\" / \"Ngày tiếp nhận\")");
}

#[test]
fn json_that_is_not_records() {
    let err = run_with("ho-so.json", br#"{"total": 3}"#);
    assert_names(&err, "ho-so.json", "JSON phải là một mảng bản ghi");
    let err = run_with("ho-so.json", b"[{\"MaHoSo\": ");
    assert_names(&err, "ho-so.json", "JSON không hợp lệ");
}

#[test]
fn a_file_of_unknown_format() {
    let err = run_with("bao-cao.pdf", b"%PDF-1.7");
    assert_names(&err, "bao-cao.pdf", "không nhận ra định dạng");
}

fn fetched(name: &str, bytes: &[u8]) -> Fetched {
    let source = Source {
        id: "ho-so".into(),
        dataset: Dataset::Dossiers,
        location: Location::File { glob: "x".into() },
        required: true,
        columns: BTreeMap::new(),
    };
    Fetched::from_bytes(source, name, &format!("drop/{name}"), Period::new(2024, 9).unwrap(), bytes.to_vec())
}

#[test]
fn bad_rows_become_findings_with_file_and_row() {
    let dir = project("tiny");
    let config = load_config(&dir.path().join("config/thidua.toml")).unwrap();
    // Semicolons, JSON-ish junk, a future date, negative counts, an unknown status, a bad channel.
    let csv = "MaHoSo;DonViXuLy;NgayTiepNhan;NgayHenTra;TrangThaiHoSo;SoLanYeuCauBoSung;SoNgayBoSung;KenhThucHien\n\
               HS1;Bộ phận Tư pháp - Hộ tịch;05/09/2024 08:00:00;06/09/2024 17:00:00;Đang xử lý;-1;-3;2\n\
               HS2;Bộ phận Tư pháp - Hộ tịch;05/09/2030 08:00:00;06/09/2030 17:00:00;Đang xử lý;0;0;2\n\
               HS3;Bộ phận Tư pháp - Hộ tịch;05/09/2024 08:00:00;;Hoàn tất?;0;0;9\n\
               HS4;Bộ phận Tư pháp - Hộ tịch;hôm qua;06/09/2024 17:00:00;Đang xử lý;0;0;x\n\
               ;Bộ phận Tư pháp - Hộ tịch;05/09/2024 08:00:00;06/09/2024 17:00:00;Đang xử lý;0;0;1\n";
    let ctx = ingest::Context {
        registry: &config.registry,
        period: Period::new(2024, 9).unwrap(),
        now: chrono::NaiveDate::from_ymd_opt(2024, 10, 5).unwrap().and_hms_opt(8, 0, 0).unwrap(),
    };
    let got = ingest::ingest(&[fetched("ho-so.csv", csv.as_bytes())], &ctx).unwrap();
    let table = got.table(Dataset::Dossiers).unwrap();
    assert_eq!(table.height(), 2, "HS1 and HS3 kept; HS2 (future), HS4 (bad date) and the row without id rejected");
    let find = |rule: &str| {
        got.findings
            .iter()
            .find(|f| f.rule.starts_with(rule))
            .unwrap_or_else(|| panic!("no finding {rule}: {:#?}", got.findings))
    };
    let future = find("Ngày tiếp nhận ở tương lai");
    assert_eq!((future.severity, future.count, future.examples[0].row), (Severity::Rejected, 1, 3));
    let bad_date = find("Thiếu hoặc sai giá trị bắt buộc ở cột received_at");
    assert_eq!((bad_date.examples[0].row, bad_date.examples[0].detail.as_str()), (5, "hôm qua"));
    assert_eq!(find("Thiếu hoặc sai giá trị bắt buộc ở cột dossier_id").examples[0].row, 6);
    assert_eq!(find("Số lần hoặc số ngày bổ sung âm").examples[0].row, 2);
    assert_eq!(find("Giá trị không hợp lệ ở cột status").examples[0].detail, "Hoàn tất?");
    assert_eq!(find("Kênh thực hiện ngoài 1, 2, 3").examples[0].row, 4);
    assert!(got.findings.iter().all(|f| f.examples.iter().all(|e| e.file == "ho-so.csv")));
}
