//! The whole monthly pipeline on the hand-computed fixture (tests/fixtures/tiny/README.md),
//! with the workbook read back cell by cell.

use std::path::Path;

use calamine::{Data, DataType as _};
use chrono::TimeZone;
use polars::prelude::{ParquetReader, SerReader};
use rust_xlsxwriter::{Format, Workbook};
use thidua::config::load_checked as load_config;
use thidua::period::Period;
use thidua::pipeline::{self, RunContext};

use crate::common::{Sheet, num, project, text};

/// The second, overlapping download: title rows, Vietnamese headers, Excel date cells,
/// and a copy of HS-A1.
fn write_second_download(path: &Path) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("Danh sách hồ sơ").unwrap();
    ws.write_string(0, 0, "ỦY BAN NHÂN DÂN PHƯỜNG THỬ NGHIỆM").unwrap();
    ws.write_string(1, 0, "DANH SÁCH HỒ SƠ THỦ TỤC HÀNH CHÍNH").unwrap();
    let headers = [
        "STT",
        "Mã hồ sơ",
        "Mã TTHC",
        "Tên thủ tục hành chính",
        "Đơn vị xử lý",
        "Người xử lý",
        "Kênh thực hiện",
        "Ngày tiếp nhận",
        "Ngày hẹn trả",
        "Ngày kết thúc xử lý",
        "Ngày trả kết quả",
        "Trạng thái",
        "Số lần yêu cầu bổ sung",
        "Số ngày bổ sung",
        "Có phí, lệ phí",
        "Thanh toán trực tuyến",
        "Thành phần hồ sơ số hóa",
        "Kết quả điện tử",
        "Ký số",
        "Tái sử dụng dữ liệu",
        "Đánh giá",
        "Chủ hồ sơ",
        "Số điện thoại",
    ];
    for (i, h) in headers.iter().enumerate() {
        ws.write_string(4, i as u16, *h).unwrap();
    }
    let date = Format::new().set_num_format("dd/mm/yyyy hh:mm:ss");
    let serial = |d: u32, h: u32| -> f64 {
        let dt = chrono::NaiveDate::from_ymd_opt(2024, 9, d).unwrap().and_hms_opt(h, 0, 0).unwrap();
        thidua::report::excel_serial(dt)
    };
    ws.write_number(5, 0, 1).unwrap();
    for (c, v) in [
        (1, "HS-A1"),
        (2, "P-CT"),
        (3, "Chứng thực bản sao"),
        (4, "Bộ phận Tư pháp - Hộ tịch"),
        (5, "gd.a"),
        (11, "Đã trả kết quả"),
    ] {
        ws.write_string(5, c, v).unwrap();
    }
    ws.write_number(5, 6, 2).unwrap();
    for (c, v) in [(7, serial(5, 8)), (8, serial(6, 17)), (9, serial(6, 10)), (10, serial(6, 11))] {
        ws.write_number_with_format(5, c, v, &date).unwrap();
    }
    for (c, v) in [(12, 0), (13, 0), (14, 1), (15, 1), (16, 1), (17, 1), (18, 1), (19, 1), (20, 1)] {
        ws.write_number(5, c, f64::from(v)).unwrap();
    }
    ws.write_string(5, 21, "Nguyễn Thị Mẫu Dân").unwrap();
    ws.write_string(5, 22, "0912345678").unwrap();
    wb.save(path).unwrap();
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

#[test]
fn monthly_run_matches_the_hand_computed_fixture() {
    let dir = project("tiny");
    write_second_download(&dir.path().join("drop/2024-09/ho-so-tai-lai.xlsx"));
    let config = load_config(&dir.path().join("config/thidua.toml")).unwrap();
    let p = pipeline::load(&config, "monthly").unwrap();
    let tz = config.settings.ward.time_zone;
    let now = tz.with_ymd_and_hms(2024, 10, 5, 8, 0, 0).unwrap();
    let ctx = RunContext { config: &config, period: Period::new(2024, 9).unwrap(), now, dry_run: false, resend: false };
    let summary = pipeline::run(&p, &ctx).unwrap();
    assert_eq!(summary.files, 2);
    assert_eq!(
        summary.rows, 15,
        "17 CSV rows less HS-BAD (rejected) and HS-B6 (finished in August: outside the period); \
         the XLSX copy of HS-A1 merged"
    );
    assert_eq!(summary.overdue, 5);
    let book = summary.workbook.clone().unwrap();
    assert_eq!(book, dir.path().join("output/2024-09/bang-diem-2024-09.xlsx"));

    // Ranking: C and D share rank 1, then A (3), then B (4); the ward row has no rank.
    let s = Sheet::read(&book, "Tổng hợp", 3);
    let expect = [
        ("Bộ phận Lao động - Thương binh và Xã hội", 1.0, 100.0, "Xuất sắc"),
        ("Bộ phận Văn hóa - Thông tin", 1.0, 100.0, "Xuất sắc"),
        ("Bộ phận Tư pháp - Hộ tịch", 3.0, 69.21, "Trung bình"),
        ("Bộ phận Địa chính - Xây dựng", 4.0, 59.20, "Trung bình"),
    ];
    let records = s.records();
    assert_eq!(records.len(), 5);
    for (row, (code, rank, score, band)) in records.iter().zip(expect) {
        assert_eq!(text(&row["Đơn vị"]), code);
        assert_eq!(num(&row["Hạng"]), rank, "{code}");
        assert!(close(num(&row["Điểm (thang 100)"]), score), "{code}: {:?}", row["Điểm (thang 100)"]);
        assert_eq!(text(&row["Xếp loại"]), band);
    }
    let a = s.find("Đơn vị", "Bộ phận Tư pháp - Hộ tịch");
    for (col, v) in [
        ("Hồ sơ trong kỳ", 6.0),
        ("Tiếp nhận trong kỳ", 6.0),
        ("Đã giải quyết trong kỳ", 4.0),
        ("Đúng hạn", 4.0),
        ("Trễ hạn", 2.0),
    ] {
        assert_eq!(num(&a[col]), v, "{col}");
    }
    assert!(close(num(&a["Điểm đạt"]), 49.83));
    assert!(close(num(&a["Điểm tối đa áp dụng"]), 72.0));
    assert!(close(num(&a["Tỷ lệ đúng hạn"]), 4.0 / 6.0));
    assert!(close(num(&a["Tỷ lệ thanh toán trực tuyến"]), 2.0 / 3.0));
    let ward = s.find("Đơn vị", "Toàn phường");
    assert!(matches!(ward["Hạng"], Data::Empty));
    assert!(close(num(&ward["Điểm (thang 100)"]), 72.90));
    for (col, v) in [
        ("Hồ sơ trong kỳ", 15.0),
        ("Tiếp nhận trong kỳ", 14.0),
        ("Đã giải quyết trong kỳ", 12.0),
        ("Đúng hạn", 10.0),
        ("Trễ hạn", 5.0),
    ] {
        assert_eq!(num(&ward[col]), v, "ward {col}");
    }
    assert!(close(num(&a["Tiến độ giải quyết (20 điểm)"]), 13.33));
    assert!(close(num(&a["Số hóa hồ sơ (22 điểm)"]), 7.83), "4.5 + 2.5 + 0.8333 rounded");
    assert!(close(num(&a["Mức độ hài lòng (18 điểm)"]), 10.0));
    let b = s.find("Đơn vị", "Bộ phận Địa chính - Xây dựng");
    assert!(close(num(&b["Điểm đạt"]), 42.63));

    // Points per indicator for unit A, and B's, by hand.
    let ind = Sheet::read(&book, "Điểm theo chỉ số", 3);
    let points = |unit: &str, indicator: &str| -> (f64, f64) {
        let r = ind
            .records()
            .into_iter()
            .find(|r| text(&r["Đơn vị"]) == unit && text(&r["Chỉ số"]) == indicator)
            .unwrap_or_else(|| panic!("{unit} {indicator}"));
        (num(&r["Điểm đạt"]), num(&r["Điểm tối đa áp dụng"]))
    };
    let a_points = [
        ("Tỷ lệ hồ sơ giải quyết đúng hạn", 40.0 / 3.0, 20.0),
        ("Tỷ lệ hồ sơ trực tuyến", 12.0, 12.0),
        ("Tỷ lệ hồ sơ thanh toán trực tuyến", 20.0 / 3.0, 10.0),
        ("Tỷ lệ hồ sơ cấp kết quả điện tử", 4.5, 6.0),
        ("Tỷ lệ số hóa hồ sơ, kết quả", 2.5, 4.0),
        ("Tỷ lệ khai thác, tái sử dụng dữ liệu số hóa", 2.0 * (1.0 / 3.0) / 0.8, 2.0),
        ("Mức độ hài lòng trong giải quyết TTHC", 10.0, 18.0),
        ("Tỷ lệ phản ánh, kiến nghị xử lý đúng hạn", 0.0, 0.0),
    ];
    for (name, p, m) in a_points {
        let (got_p, got_m) = points("Bộ phận Tư pháp - Hộ tịch", name);
        assert!(close(got_p, p) && close(got_m, m), "A {name}: {got_p} / {got_m}, want {p} / {m}");
    }
    assert!(close(points("Bộ phận Địa chính - Xây dựng", "Tỷ lệ hồ sơ trực tuyến").0, 6.0));
    assert!(close(points("Bộ phận Địa chính - Xây dựng", "Mức độ hài lòng trong giải quyết TTHC").0, 12.0));
    assert!(
        close(points("Bộ phận Lao động - Thương binh và Xã hội", "Tỷ lệ hồ sơ thanh toán trực tuyến").0, 10.0),
        "no fee dossier: full points"
    );

    // Overdue list: order, days late, reasons, real dates.
    let od = Sheet::read(&book, "Hồ sơ quá hạn", 3);
    let rows = od.records();
    let ids: Vec<String> = rows.iter().map(|r| text(&r["Mã hồ sơ"])).collect();
    // A5 (due 30/09 17:00, open) is judged on 30/09 by calendar days: on time.
    assert_eq!(ids, ["HS-A2", "HS-B2", "HS-B5", "HS-X1", "HS-A4"]);
    let days: Vec<f64> = rows.iter().map(|r| num(&r["Số ngày làm việc trễ"])).collect();
    assert_eq!(days, [1.0, 1.0, 1.0, 1.0, 0.0]);
    assert_eq!(text(&rows[2]["Tình trạng"]), "Chưa kết thúc, đã quá hạn");
    assert_eq!(text(&rows[1]["Lý do"]), "Quá thời hạn của thủ tục (không có ngày hẹn trả)");
    assert_eq!(text(&rows[4]["Lý do"]), "Yêu cầu bổ sung quá 1 lần");
    assert!(matches!(rows[0]["Ngày hẹn trả"], Data::DateTime(_)), "{:?}", rows[0]["Ngày hẹn trả"]);
    assert_eq!(rows[0]["Ngày hẹn trả"].as_datetime().unwrap().to_string(), "2024-09-06 17:00:00");
    assert_eq!(
        text(&rows[3]["Đơn vị"]),
        "Phòng Tài nguyên và Môi trường TP",
        "an unknown unit keeps the export's name"
    );

    // Targets: the ward meets none; unit C meets all five.
    let tg = Sheet::read(&book, "Chỉ tiêu", 3);
    let trs = tg.records();
    let ward_targets: Vec<_> = trs.iter().filter(|r| text(&r["Đơn vị"]) == "Toàn phường").collect();
    assert_eq!(ward_targets.len(), 5);
    assert!(ward_targets.iter().all(|r| text(&r["Kết quả"]) == "Chưa đạt"));
    let shortfalls: Vec<f64> = ward_targets.iter().map(|r| num(&r["Còn thiếu (hồ sơ)"])).collect();
    assert_eq!(shortfalls, [5.0, 3.0, 3.0, 3.0, 5.0]);
    let c_targets: Vec<_> =
        trs.iter().filter(|r| text(&r["Đơn vị"]) == "Bộ phận Lao động - Thương binh và Xã hội").collect();
    assert_eq!(c_targets.len(), 5);
    assert!(c_targets.iter().all(|r| text(&r["Kết quả"]) == "Đạt"));

    // Officers.
    let off = Sheet::read(&book, "Theo cán bộ", 3);
    let ranks: Vec<(String, f64)> = off.records().iter().map(|r| (text(&r["Họ và tên"]), num(&r["Hạng"]))).collect();
    assert_eq!(ranks[..2].iter().map(|r| r.1).collect::<Vec<_>>(), [1.0, 1.0]);
    // An officer the list does not know (gd.x) is shown by the export's login.
    assert_eq!(
        ranks[2..],
        [
            ("Nguyễn Văn An".into(), 3.0),
            ("Trần Thị Bình".into(), 3.0),
            ("Lê Văn Cường".into(), 5.0),
            ("gd.x".into(), 6.0)
        ]
    );

    // Data quality: the rejected row named with file and row; unknown unit; duplicate.
    let dq = Sheet::read(&book, "Chất lượng dữ liệu", 3);
    let bad = dq.find("Giá trị", "31/02/2024 08:00:00");
    assert_eq!(text(&bad["Tệp"]), "ho-so-thang-09.csv");
    assert_eq!(num(&bad["Dòng"]), 18.0);
    assert_eq!(text(&bad["Mức độ"]), "Loại bỏ dòng");
    let unknown = dq.find("Giá trị", "Phòng Tài nguyên và Môi trường TP");
    assert_eq!(num(&unknown["Dòng"]), 17.0);
    assert!(dq.all_text().contains("Hồ sơ trùng giữa các lần tải"));

    // Sources: hash of the file as dropped, personal columns dropped.
    let src = Sheet::read(&book, "Nguồn dữ liệu", 3);
    let csv = src.find("Tệp", "ho-so-thang-09.csv");
    let bytes = std::fs::read(dir.path().join("drop/2024-09/ho-so-thang-09.csv")).unwrap();
    assert_eq!(text(&csv["SHA-256"]), thidua::store::sha256_hex(&bytes));
    assert_eq!(text(&csv["Bảng mã"]), "UTF-8 (BOM)");
    assert_eq!(text(&csv["Cột dữ liệu cá nhân đã loại bỏ"]), "ChuHoSo, SoDienThoai");
    let xlsx = src.find("Tệp", "ho-so-tai-lai.xlsx");
    assert_eq!(num(&xlsx["Dòng tiêu đề"]), 5.0);

    // The archive holds the bytes as dropped; the e-mail went to the outbox with the workbook.
    let archived = std::fs::read_dir(dir.path().join("archive/ho-so/2024-09")).unwrap().count();
    assert_eq!(archived, 2);
    let outbox: Vec<_> =
        std::fs::read_dir(dir.path().join("output/outbox")).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(outbox.len(), 3, "the chairman, and the heads of units A and B: {outbox:?}");
    let eml = std::fs::read_to_string(dir.path().join("output/outbox/monthly-2024-09-summary.eml")).unwrap();
    assert!(eml.contains("To: =?utf-8?") || eml.contains("To: \"Ch"), "{}", &eml[..400.min(eml.len())]);
    assert!(eml.contains("filename=\"bang-diem-2024-09.xlsx\""));

    // No citizen's personal data in the store, the workbook or the e-mail.
    for name in [
        "Tổng hợp",
        "Điểm theo chỉ số",
        "Theo cán bộ",
        "Hồ sơ quá hạn",
        "Chỉ tiêu",
        "Chất lượng dữ liệu",
        "Nguồn dữ liệu",
    ] {
        let all = Sheet::read(&book, name, 0).all_text();
        assert!(!all.contains("Mẫu Dân") && !all.contains("0912345678"), "personal data in sheet {name}");
    }
    for table in ["store/tables/grain=month/dataset=dossiers/period=2024-09/data.parquet"] {
        let df = ParquetReader::new(std::fs::File::open(dir.path().join(table)).unwrap()).finish().unwrap();
        let dump = format!("{:?}", df.get_column_names());
        assert!(!dump.contains("ChuHoSo") && !dump.contains("SoDienThoai"), "{dump}");
        for c in df.columns() {
            if let Ok(s) = c.str() {
                assert!(s.iter().flatten().all(|v| !v.contains("Mẫu Dân") && !v.contains("0912345678")));
            }
        }
    }
    assert!(!eml.contains("0912345678"));
}

#[test]
fn a_second_dry_run_writes_nothing() {
    let dir = project("tiny");
    let config = load_config(&dir.path().join("config/thidua.toml")).unwrap();
    let p = pipeline::load(&config, "monthly").unwrap();
    let now = config.settings.ward.time_zone.with_ymd_and_hms(2024, 10, 5, 8, 0, 0).unwrap();
    let ctx = RunContext { config: &config, period: Period::new(2024, 9).unwrap(), now, dry_run: true, resend: false };
    let s = pipeline::run(&p, &ctx).unwrap();
    assert!(s.workbook.is_none() && s.delivery.is_none());
    assert!(!dir.path().join("output").exists());
    assert!(!dir.path().join("store").exists());
}

#[test]
fn a_period_without_exports_is_a_data_problem() {
    let dir = project("tiny");
    let config = load_config(&dir.path().join("config/thidua.toml")).unwrap();
    let p = pipeline::load(&config, "monthly").unwrap();
    let now = config.settings.ward.time_zone.with_ymd_and_hms(2024, 10, 5, 8, 0, 0).unwrap();
    let ctx = RunContext { config: &config, period: Period::new(2024, 8).unwrap(), now, dry_run: false, resend: false };
    let err = pipeline::run(&p, &ctx).unwrap_err();
    assert_eq!(thidua::outcome::exit_code(&err), std::process::ExitCode::from(4));
    assert!(format!("{err:#}").contains("nguồn \"ho-so\" không có tệp nào cho kỳ 2024-08"), "{err:#}");
    assert!(!dir.path().join("output").exists(), "nothing written");
}
