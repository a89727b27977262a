//! Rows that do not fit are refused, not shifted, and nothing of them reaches an output:
//! a missing or an extra field, an unclosed quote, an over-long line or field, a due date
//! before the received date, control characters, formulas Excel never computed.

use std::path::Path;

use crate::common::{Sheet, files_under, mime_parts, project};

const HEADER: &str = "MaHoSo,MaTTHC,TenTTHC,DonViXuLy,NguoiXuLy,KenhThucHien,NgayTiepNhan,NgayHenTra,NgayKetThucXuLy,NgayTra,TrangThaiHoSo,SoLanYeuCauBoSung,SoNgayBoSung,CoPhiLePhi,DuocThanhToanTrucTuyen,HoSoCoThanhPhanSoHoa,CoKetQuaDienTu,KySo,TaiSuDungDuLieu,DanhGia,ChuHoSo,SoDienThoai";

/// One good row of the tiny fixture's shape (22 fields), numbered.
fn row(n: usize, unit: &str, citizen: &str) -> String {
    format!(
        "HS-M{n:03},P-CT,Chứng thực bản sao,{unit},gd.a,2,05/09/2024 08:00:00,06/09/2024 17:00:00,06/09/2024 10:00:00,,Đã xử lý xong,0,0,1,1,1,1,1,1,1,{citizen},0912000{n:03}"
    )
}

/// Runs the tiny fixture on one CSV; returns (exit code, stdout+stderr).
fn run_on(dir: &Path, csv: &str) -> (Option<i32>, String) {
    let drop = dir.join("drop/2024-09");
    std::fs::remove_dir_all(&drop).unwrap();
    std::fs::create_dir_all(&drop).unwrap();
    std::fs::write(drop.join("ho-so.csv"), csv).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_thidua"))
        .current_dir(dir)
        .args(["run", "monthly", "--period", "2024-09"])
        .output()
        .unwrap();
    (out.status.code(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

/// Every text any output holds: workbook cells, e-mail headers and bodies, store tables.
fn every_output(dir: &Path) -> String {
    let mut all = String::new();
    for f in files_under(&dir.join("output")).into_iter().chain(files_under(&dir.join("store"))) {
        let bytes = std::fs::read(&f).unwrap();
        match f.extension().and_then(|e| e.to_str()) {
            Some("xlsx") => {
                for sheet in calamine_sheets(&f) {
                    all.push_str(&Sheet::read(&f, &sheet, 0).all_text());
                }
            }
            Some("eml") => {
                let raw = String::from_utf8_lossy(&bytes).into_owned();
                all.push_str(&raw);
                for (ctype, body) in mime_parts(&raw) {
                    if ctype.starts_with("text/") {
                        all.push_str(&String::from_utf8_lossy(&body));
                    }
                }
            }
            Some("parquet") => {
                use polars::prelude::SerReader;
                let df = polars::prelude::ParquetReader::new(std::io::Cursor::new(bytes)).finish().unwrap();
                for c in df.columns() {
                    if let Ok(s) = c.str() {
                        s.iter().flatten().for_each(|v| all.push_str(v));
                    }
                }
            }
            _ => {} // locks, the ledger (SQLite), pull state: not outputs a person reads
        }
    }
    all
}

fn calamine_sheets(path: &Path) -> Vec<String> {
    use calamine::Reader;
    calamine::open_workbook_auto(path).unwrap().sheet_names()
}

#[test]
fn a_row_with_a_missing_or_an_extra_field_is_refused_by_line_and_its_values_never_shown() {
    let dir = project("tiny");
    let mut lines = vec![HEADER.to_string()];
    for n in 0..10 {
        lines.push(row(n, "Bộ phận Tư pháp - Hộ tịch", "Nguyễn Thị Bình Thường"));
    }
    // Line 12: the rating column is missing (the citizen's name would land in DanhGia).
    let missing = row(10, "Bộ phận Tư pháp - Hộ tịch", "Lê Văn Lệch Cột").replacen(",1,Lê Văn", ",Lê Văn", 1);
    // Line 13: an extra field.
    let extra = row(11, "Bộ phận Tư pháp - Hộ tịch", "Trần Thị Thừa Cột") + ",thêm";
    lines.push(missing);
    lines.push(extra);
    let (code, said) = run_on(dir.path(), &(lines.join("\n") + "\n"));
    assert_eq!(code, Some(0), "{said}");
    let book = dir.path().join("output/2024-09/bang-diem-2024-09.xlsx");
    let dq = Sheet::read(&book, "Chất lượng dữ liệu", 3);
    let refused: Vec<(f64, String)> = dq
        .records()
        .iter()
        .filter(|r| r["Quy tắc"].to_string().starts_with("Dòng có số cột khác dòng tiêu đề"))
        .map(|r| (crate::common::num(&r["Dòng"]), r["Giá trị"].to_string()))
        .collect();
    assert_eq!(refused, [(12.0, "21 cột, dòng tiêu đề có 22".into()), (13.0, "23 cột, dòng tiêu đề có 22".into())]);
    let all = every_output(dir.path());
    for citizen in ["Lệch Cột", "Thừa Cột", "Bình Thường", "0912000"] {
        assert!(!all.contains(citizen), "{citizen} reached an output");
    }
    let summary = Sheet::read(&book, "Tổng hợp", 3);
    assert_eq!(crate::common::num(&summary.find("Đơn vị", "Bộ phận Tư pháp - Hộ tịch")["Hồ sơ trong kỳ"]), 10.0);
}

#[test]
fn an_unclosed_quote_costs_its_line_not_the_rest_of_the_file() {
    let dir = project("tiny");
    let mut lines = vec![HEADER.to_string(), row(0, "Bộ phận Tư pháp - Hộ tịch", "X")];
    lines.push(row(1, "\"Bộ phận Tư pháp - Hộ tịch", "Y"));
    for n in 2..52 {
        lines.push(row(n, "Bộ phận Địa chính - Xây dựng", "Z"));
    }
    let (code, said) = run_on(dir.path(), &(lines.join("\n") + "\n"));
    assert_eq!(code, Some(0), "{said}");
    assert!(said.contains("51 hồ sơ trong kỳ (đọc 51 dòng)"), "the 50 rows after the bad line are kept: {said}");
    let dq = Sheet::read(&dir.path().join("output/2024-09/bang-diem-2024-09.xlsx"), "Chất lượng dữ liệu", 3);
    let bad = dq.find("Quy tắc", "Dấu ngoặc kép mở mà không đóng (loại bỏ dòng, đọc tiếp từ dòng sau)");
    assert_eq!(crate::common::num(&bad["Dòng"]), 3.0);
}

#[test]
fn over_long_cells_and_lines_and_control_characters_never_break_or_reach_an_output() {
    let dir = project("tiny");
    let long_name = "Chứng thực ".repeat(4000); // 44,000 characters, 43,999 once trimmed
    let mut lines = vec![format!("{HEADER},{}", "Cột thừa rất dài ".repeat(2500))];
    for n in 0..8 {
        lines.push(row(n, "Bộ phận Tư pháp - Hộ tịch", "Ai Đó") + ",");
    }
    // A procedure name over the field limit, a 2 MB line, control characters in a name.
    lines.push(row(8, "Bộ phận Tư pháp - Hộ tịch", "Ai Đó").replace("Chứng thực bản sao", &long_name) + ",");
    lines.push(row(9, "Bộ phận Tư pháp - Hộ tịch", "Ai Đó") + "," + &"x".repeat(2 << 20));
    lines.push(
        row(10, "Bộ phận Tư pháp - Hộ tịch", "Ai Đó")
            .replace("Chứng thực bản sao", "Chứng\u{0}thực\u{1b}[31m bản\u{7} sao")
            + ",",
    );
    // A due date before the received date: not "8 working days late".
    lines.push(
        row(11, "Bộ phận Tư pháp - Hộ tịch", "Ai Đó").replace("06/09/2024 17:00:00", "26/08/2024 17:00:00") + ",",
    );
    let (code, said) = run_on(dir.path(), &(lines.join("\n") + "\n"));
    assert_eq!(code, Some(0), "{said}");
    let book = dir.path().join("output/2024-09/bang-diem-2024-09.xlsx");
    let dq = Sheet::read(&book, "Chất lượng dữ liệu", 3);
    let too_long =
        dq.find("Quy tắc", "Giá trị quá dài ở cột \"TenTTHC\" (procedure_name) (quá 4000 ký tự; loại bỏ dòng)");
    assert_eq!(
        (crate::common::num(&too_long["Dòng"]), too_long["Giá trị"].to_string()),
        (10.0, "43999 ký tự".into()),
        "trimmed"
    );
    let line = dq.find("Quy tắc", "Dòng quá dài (loại bỏ dòng, không đọc giá trị)");
    assert_eq!(crate::common::num(&line["Dòng"]), 11.0);
    let due =
        dq.find("Quy tắc", "Ngày hẹn trả trước ngày tiếp nhận (bỏ qua ngày hẹn trả, xét theo thời hạn của thủ tục)");
    assert_eq!(crate::common::num(&due["Dòng"]), 13.0);
    let overdue = Sheet::read(&book, "Hồ sơ quá hạn", 3).all_text();
    assert!(!overdue.contains("HS-M011"), "a due date before reception is not a late dossier: {overdue}");
    let all = every_output(dir.path());
    assert!(
        !all.contains('\u{0}') && !all.contains('\u{1b}') && !all.contains('\u{7}'),
        "a control character in an output"
    );
    assert!(all.contains("Chứngthực[31m bản sao"), "the text around the controls is kept");
    let sources = Sheet::read(&book, "Nguồn dữ liệu", 3).all_text();
    assert!(sources.contains("…[đã cắt bớt]"), "the 42,500-character header is cut to fit its cell");
}
