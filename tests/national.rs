//! The same 22 dossiers in the four shapes real systems deliver (national sync CSV and JSON,
//! VNPT iGate pages, the provincial "Xuất Excel") give the scorecard worked out by hand in
//! `tests/fixtures/national/README.md`, from files and over HTTP; what cannot be trusted
//! stops the run before anything is written or sent.

use calamine::Data;
use chrono::TimeZone;
use thidua::config::load_checked as load_config;
use thidua::period::Period;
use thidua::pipeline::{self, RunContext};

use crate::common::{Sheet, files_under, num, project, text};
use crate::httpd::{Reply, TestHttp};

/// Unit (by name), active, received, finished, on time, late, points, score, band, rank (0: none).
type Row = (&'static str, f64, f64, f64, f64, f64, f64, f64, &'static str, f64);

const EXPECTED: [Row; 5] = [
    ("Bộ phận Lao động - Thương binh và Xã hội", 2.0, 2.0, 2.0, 2.0, 0.0, 72.0, 100.0, "Xuất sắc", 1.0),
    ("Bộ phận Văn hóa - Thông tin", 2.0, 2.0, 1.0, 2.0, 0.0, 71.25, 98.96, "Xuất sắc", 2.0),
    ("Bộ phận Địa chính - Xây dựng", 7.0, 6.0, 4.0, 5.0, 2.0, 49.82, 69.20, "Trung bình", 3.0),
    ("Bộ phận Tư pháp - Hộ tịch", 7.0, 7.0, 5.0, 4.0, 3.0, 49.73, 69.07, "Trung bình", 4.0),
    ("Toàn phường", 19.0, 18.0, 13.0, 13.0, 6.0, 52.57, 73.02, "Khá", 0.0),
];

const OVERDUE: [(&str, f64); 6] = [
    ("000.12.30.H40-240909-0009", 2.0),
    ("000.12.30.H40-240923-0005", 2.0),
    ("000.12.30.H40-240905-0002", 1.0),
    ("000.12.30.H40-240918-0022", 1.0),
    ("000.12.30.H40-240925-0012", 1.0),
    ("000.12.30.H40-240911-0004", 0.0),
];

fn run(dir: &std::path::Path, pipeline_id: &str) -> anyhow::Result<thidua::pipeline::RunSummary> {
    let config = load_config(&dir.join("config/thidua.toml")).unwrap();
    let p = pipeline::load(&config, pipeline_id).unwrap();
    let now = config.settings.ward.time_zone.with_ymd_and_hms(2024, 10, 5, 8, 0, 0).unwrap();
    let ctx = RunContext { config: &config, period: Period::new(2024, 9).unwrap(), now, dry_run: false, resend: false };
    pipeline::run(&p, &ctx)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

/// The ranking, the counts and the overdue list of one workbook against the hand-worked ones.
fn assert_hand_computed(book: &std::path::Path, shape: &str) {
    let s = Sheet::read(book, "Tổng hợp", 3);
    let records = s.records();
    assert_eq!(records.len(), EXPECTED.len(), "{shape}");
    for (r, e) in records.iter().zip(EXPECTED) {
        let (code, active, received, finished, on_time, late, points, score, band, rank) = e;
        assert_eq!(text(&r["Đơn vị"]), code, "{shape}: order");
        for (col, want) in [
            ("Hồ sơ trong kỳ", active),
            ("Tiếp nhận trong kỳ", received),
            ("Đã giải quyết trong kỳ", finished),
            ("Đúng hạn", on_time),
            ("Trễ hạn", late),
            ("Điểm đạt", points),
            ("Điểm (thang 100)", score),
        ] {
            assert!(close(num(&r[col]), want), "{shape} {code} {col}: {:?}, want {want}", r[col]);
        }
        assert_eq!(text(&r["Xếp loại"]), band, "{shape} {code}");
        match rank {
            0.0 => assert!(matches!(r["Hạng"], Data::Empty), "{shape}: the ward row has no rank"),
            _ => assert_eq!(num(&r["Hạng"]), rank, "{shape} {code}"),
        }
    }
    let od = Sheet::read(book, "Hồ sơ quá hạn", 3).records();
    let got: Vec<(String, f64)> = od.iter().map(|r| (text(&r["Mã hồ sơ"]), num(&r["Số ngày làm việc trễ"]))).collect();
    assert_eq!(got, OVERDUE.map(|(id, d)| (id.to_string(), d)), "{shape}");
    // No citizen's data anywhere in the workbook.
    let all: String = ["Tổng hợp", "Hồ sơ quá hạn", "Chất lượng dữ liệu", "Nguồn dữ liệu", "Theo cán bộ"]
        .iter()
        .map(|n| Sheet::read(book, n, 0).all_text())
        .collect();
    for citizen in ["Mẫu Dân", "Công Dân", "Lê Thị Hồ Sơ", "Phạm Văn Nộp", "0912345678", "0987654321"] {
        assert!(!all.contains(citizen), "{shape}: {citizen} in the workbook");
    }
}

#[test]
fn four_shapes_of_the_same_dossiers_give_the_hand_computed_scorecard() {
    let dir = project("national");
    for (shape, profile) in [
        ("csv", "dvcqg-dongbo (theo cấu hình nguồn)"),
        ("json", "dvcqg-dongbo (theo cấu hình nguồn)"),
        ("igate", "igate-vnpt (theo cấu hình nguồn)"),
        ("excel", "xuat-excel-tinh (tự nhận ra)"),
    ] {
        let s = run(dir.path(), &format!("monthly-{shape}")).unwrap_or_else(|e| panic!("{shape}: {e:#}"));
        let book = s.workbook.unwrap();
        assert_hand_computed(&book, shape);
        let sources = Sheet::read(&book, "Nguồn dữ liệu", 3).records();
        assert!(sources.iter().all(|r| text(&r["Định dạng nguồn"]) == profile), "{shape}: {sources:?}");
        let dq = Sheet::read(&book, "Chất lượng dữ liệu", 3).all_text();
        assert!(dq.contains("Hồ sơ chưa được tiếp nhận hoặc không được tiếp nhận"), "{shape}: {dq}");
    }
    for table in
        files_under(&dir.path().join("store")).into_iter().filter(|p| p.extension().is_some_and(|x| x == "parquet"))
    {
        let bytes = std::fs::read(&table).unwrap();
        let dump = String::from_utf8_lossy(&bytes);
        assert!(!dump.contains("0912345678") && !dump.contains("ChuHoSo"), "{table:?}");
    }
}

/// The iGate pages served as the system serves them: Spring paging, ETags.
fn igate_server(dir: &std::path::Path) -> TestHttp {
    let pages: Vec<Vec<u8>> =
        (0..2).map(|i| std::fs::read(dir.join(format!("drop-igate/2024-09/igate-p{i}.json"))).unwrap()).collect();
    TestHttp::start(move |req, _| {
        let page: usize = req.query("page").and_then(|p| p.parse().ok()).unwrap_or(0);
        let etag = format!("\"p{page}\"");
        if req.header("If-None-Match") == Some(etag.as_str()) {
            return Reply::new(304, "application/json", "");
        }
        Reply::new(200, "application/json", pages[page].clone()).header("ETag", &etag)
    })
}

fn igate_over_http(dir: &std::path::Path, url: &str) {
    let p = dir.join("pipelines/monthly-igate.toml");
    let text = std::fs::read_to_string(&p).unwrap();
    let http = format!(
        "type = \"http\"\nprofile = \"igate-vnpt\"\n\n[source.http]\nurl = \"{url}\"\nquery = {{ page = \"{{page}}\", size = \"{{page_size}}\" }}\npagination = {{ type = \"spring\", size = 12 }}\n"
    );
    let text = text.replace("type = \"file\"\nglob = \"drop-igate/{period}/*\"\nprofile = \"igate-vnpt\"\n", &http);
    assert!(text.contains("spring"), "{text}");
    std::fs::write(&p, text).unwrap();
}

#[test]
fn igate_over_http_twice_scores_the_same_dossiers_when_the_first_page_is_unchanged() {
    let dir = project("national");
    let server = igate_server(dir.path());
    igate_over_http(dir.path(), &server.url("/pa/dossier/search"));
    for round in 0..2 {
        let s = run(dir.path(), "monthly-igate").unwrap_or_else(|e| panic!("round {round}: {e:#}"));
        assert_eq!(s.rows, 22, "round {round}: every record of both pages read");
        assert_hand_computed(&s.workbook.unwrap(), &format!("iGate over HTTP, round {round}"));
    }
    let reqs = server.requests();
    assert_eq!(reqs.len(), 4, "two pages, twice");
    assert_eq!(reqs[2].header("If-None-Match"), Some("\"p0\""), "the second pull asks whether page 0 changed");
}

#[test]
fn a_server_that_announces_more_records_than_it_sends_fails_the_pull() {
    let dir = project("national");
    let page0 = std::fs::read_to_string(dir.path().join("drop-igate/2024-09/igate-p0.json")).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&page0).unwrap();
    doc["last"] = serde_json::json!(true);
    let body = doc.to_string();
    let server = TestHttp::start(move |_, _| Reply::new(200, "application/json", body.clone()));
    igate_over_http(dir.path(), &server.url("/pa/dossier/search"));
    let err = run(dir.path(), "monthly-igate").unwrap_err();
    assert_eq!(thidua::outcome::exit_code(&err), std::process::ExitCode::from(4));
    assert!(format!("{err:#}").contains("máy chủ báo 22 bản ghi nhưng chỉ nhận được 12"), "{err:#}");
    assert!(!dir.path().join("output").exists(), "nothing written");
}

/// What a run that must not report leaves behind: no workbook, no e-mail, no table.
fn assert_nothing_published(dir: &std::path::Path) {
    assert!(files_under(&dir.join("output")).is_empty(), "{:?}", files_under(&dir.join("output")));
    let tables: Vec<_> =
        files_under(&dir.join("store")).into_iter().filter(|p| p.extension().is_some_and(|x| x == "parquet")).collect();
    assert!(tables.is_empty(), "{tables:?}");
}

#[test]
fn a_header_only_or_unreadable_dates_export_stops_before_anything_is_sent() {
    for (name, body, says) in [
        (
            "chi-co-tieu-de.csv",
            "MaHoSo,DonViXuLy,NgayTiepNhan,TrangThaiHoSo\n".to_string(),
            "tệp drop/2024-09/chi-co-tieu-de.csv: không có dòng dữ liệu nào",
        ),
        (
            "ngay-sai.csv",
            "MaHoSo,DonViXuLy,NgayTiepNhan,TrangThaiHoSo\n\
             A1,Bộ phận Tư pháp - Hộ tịch,2024/09/05 08h,4\nA2,Bộ phận Tư pháp - Hộ tịch,5 tháng 9,4\n"
                .to_string(),
            "2/2 dòng bị loại",
        ),
    ] {
        let dir = project("tiny");
        let drop = dir.path().join("drop/2024-09");
        std::fs::remove_file(drop.join("ho-so-thang-09.csv")).unwrap();
        std::fs::write(drop.join(name), body).unwrap();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_thidua"))
            .current_dir(dir.path())
            .args(["run", "monthly", "--period", "2024-09"])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(4), "{name}: {err}");
        assert!(err.contains(says) && err.contains("Không lập báo cáo, không gửi thư"), "{name}: {err}");
        assert_nothing_published(dir.path());
    }
}

#[test]
fn too_many_rejected_rows_stop_the_run_naming_the_file_the_rule_and_a_row() {
    let dir = project("tiny");
    let drop = dir.path().join("drop/2024-09");
    // 16 rows of the period (HS-B6 is August): HS-BAD and 5 statuses outside the table.
    let csv = std::fs::read_to_string(drop.join("ho-so-thang-09.csv")).unwrap();
    let mut lines: Vec<String> = csv.lines().map(str::to_string).collect();
    for line in lines.iter_mut().skip(1).take(5) {
        *line = line
            .replace("Đã trả kết quả", "Hoàn tất")
            .replace("Đã xử lý xong", "Hoàn tất")
            .replace("Đang xử lý", "Hoàn tất");
    }
    std::fs::write(drop.join("ho-so-thang-09.csv"), lines.join("\n") + "\n").unwrap();
    let err = run(dir.path(), "monthly").unwrap_err();
    let msg = format!("{err:#}");
    assert_eq!(thidua::outcome::exit_code(&err), std::process::ExitCode::from(4), "{msg}");
    assert!(msg.contains("tệp drop/2024-09/ho-so-thang-09.csv có 6/16 dòng bị loại"), "{msg}");
    assert!(msg.contains("Trạng thái không có trong bảng mã của định dạng dvcqg-dongbo"), "{msg}");
    assert!(msg.contains("ví dụ dòng 2: \"Hoàn tất\""), "{msg}");
    assert_nothing_published(dir.path());
    // With the pipeline's threshold raised, the same file is scored.
    let p = dir.path().join("pipelines/monthly.toml");
    let text = std::fs::read_to_string(&p).unwrap();
    std::fs::write(
        &p,
        text.replace("methodology = \"svc-766\"", "methodology = \"svc-766\"\nmax_rejected_share = 0.4"),
    )
    .unwrap();
    assert!(run(dir.path(), "monthly").is_ok());
}
