//! Pulling over HTTP against a local server: pagination, the auth header, retries (500 then
//! 200, 429 with Retry-After), a timeout, a truncated body, the wrong content type, an
//! oversized body, 401 naming the source and its token's variable, conditional requests,
//! and the whole monthly pipeline from an API giving the same workbook as from files.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::TimeZone;
use thidua::cli::load_config;
use thidua::config::Secret;
use thidua::pipeline::{self, Period, RunContext};
use thidua::pull::http::{Auth, Fetched, HttpFormat, HttpSource, Method, Pagination, Validator, fetch};

use crate::common::{Sheet, num, project};
use crate::httpd::{Reply, TestHttp};

fn source(url: String) -> HttpSource {
    HttpSource {
        url,
        method: Method::Get,
        body: None,
        query: BTreeMap::new(),
        format: HttpFormat::Json,
        auth: None,
        pagination: Pagination::None,
        timeout: Duration::from_secs(5),
        connect_timeout: Duration::from_secs(2),
        max_bytes: 1_000_000,
        retries: 2,
        ca_file: None,
    }
}

fn period() -> Period {
    Period::new(2024, 10).unwrap()
}

fn bodies(pages: &[(String, Fetched)]) -> Vec<String> {
    pages
        .iter()
        .map(|(_, f)| match f {
            Fetched::Body { bytes, .. } => String::from_utf8_lossy(bytes).into_owned(),
            Fetched::NotModified { .. } => "304".into(),
        })
        .collect()
}

#[test]
fn pages_until_a_short_page_with_the_period_in_the_body() {
    let server = TestHttp::start(|req, _| {
        let body: serde_json::Value = serde_json::from_str(&req.body).unwrap();
        let page = body["currentPage"].as_u64().unwrap();
        let records: Vec<u64> = (1..=5u64).filter(|r| (r - 1) / 2 + 1 == page).collect();
        Reply::new(200, "application/json", serde_json::json!({ "data": records }).to_string())
    });
    let mut h = source(server.url("/reporting/evaluation/tien-do"));
    h.method = Method::Post;
    h.body = Some(
        r#"{"timeType":"month","year":{year},"month":{month},"currentPage":{page},"pageSize":{page_size}}"#.into(),
    );
    h.pagination = Pagination::Page { size: 2, first: 1 };
    let pages = fetch("s2", &h, period(), &BTreeMap::new()).unwrap();
    assert_eq!(bodies(&pages), [r#"{"data":[1,2]}"#, r#"{"data":[3,4]}"#, r#"{"data":[5]}"#]);
    let first: serde_json::Value = serde_json::from_str(&server.requests()[0].body).unwrap();
    assert_eq!((first["year"].as_u64(), first["month"].as_u64()), (Some(2024), Some(10)));
}

#[test]
fn a_next_link_is_followed_until_empty() {
    let server = TestHttp::start(|req, _| {
        let body = if req.target.contains("cursor=2") {
            r#"{"items":[2],"next":""}"#.to_string()
        } else {
            let host = req.header("Host").unwrap_or_default();
            format!(r#"{{"items":[1],"next":"http://{host}/api?cursor=2"}}"#)
        };
        Reply::new(200, "application/json", body)
    });
    let mut h = source(server.url("/api"));
    h.pagination = Pagination::NextLink("next".into());
    let pages = fetch("api", &h, period(), &BTreeMap::new()).unwrap();
    assert_eq!(pages.len(), 2);
    assert!(bodies(&pages)[1].contains("[2]"));
    assert!(server.requests()[1].target.ends_with("/api?cursor=2"));
}

/// The tiny fixture with its dossiers pulled from `url` with a bearer token (`auth` table).
pub fn http_project(url: &str, auth: &str) -> tempfile::TempDir {
    let dir = project("tiny");
    let p = dir.path().join("pipelines/monthly.toml");
    let text = std::fs::read_to_string(&p).unwrap();
    let http = format!(
        "type = \"http\"\n\n[source.http]\nurl = \"{url}\"\nformat = \"csv\"\nquery = {{ tuNgay = \"{{from}}\", denNgay = \"{{to}}\" }}\nauth = {auth}\n"
    );
    std::fs::write(&p, text.replace("type = \"file\"\nglob = \"drop/{period}/*\"\n", &http)).unwrap();
    dir
}

#[test]
fn the_auth_header_is_sent_and_a_401_names_the_source_and_its_variable() {
    let server = TestHttp::start(|req, _| match req.header("Authorization") {
        Some("Bearer dung-ma") => Reply::new(200, "application/json", "[]"),
        _ => Reply::new(401, "application/json", r#"{"error":"unauthorized"}"#),
    });
    let token = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(token.path(), "dung-ma\n").unwrap();
    let mut h = source(server.url("/ho-so"));
    h.auth = Some(Auth::Bearer(Secret::File(token.path().to_path_buf())));
    assert_eq!(bodies(&fetch("ho-so", &h, period(), &BTreeMap::new()).unwrap()), ["[]"]);
    assert_eq!(server.requests()[0].method, "GET");

    // As a user meets it: `thidua pull` with the wrong token in the variable.
    let dir = http_project(&server.url("/ho-so"), "{ type = \"bearer\", token_env = \"THIDUA_DVC_TOKEN\" }");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_thidua"))
        .current_dir(dir.path())
        .env("THIDUA_DVC_TOKEN", "ma-sai-bi-mat")
        .args(["pull", "monthly", "--period", "2024-09"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(
        err.contains("nguồn \"ho-so\"") && err.contains("biến môi trường THIDUA_DVC_TOKEN") && err.contains("401"),
        "{err}"
    );
    assert!(!err.contains("ma-sai-bi-mat"), "the token never appears in an error");
    assert_eq!(server.requests().len(), 2, "a 401 is not retried");
}

#[test]
fn a_500_then_200_is_retried_and_a_429_waits_for_retry_after() {
    let server = TestHttp::start(|_, n| match n {
        0 => Reply::new(500, "text/plain", "lỗi"),
        1 => Reply::new(429, "text/plain", "chậm lại").header("Retry-After", "1"),
        _ => Reply::new(200, "application/json", "[1]"),
    });
    let start = std::time::Instant::now();
    let pages = fetch("ho-so", &source(server.url("/x")), period(), &BTreeMap::new()).unwrap();
    assert_eq!(bodies(&pages), ["[1]"]);
    assert_eq!(server.requests().len(), 3);
    assert!(start.elapsed() >= Duration::from_millis(1400), "waited 0.5 s, then the 1 s Retry-After");
}

#[test]
fn a_timeout_a_truncated_body_the_wrong_type_and_an_oversized_body_are_named() {
    let slow = TestHttp::start(|_, _| {
        let mut r = Reply::new(200, "application/json", "[]");
        r.delay = Duration::from_secs(3);
        r
    });
    let mut h = source(slow.url("/slow"));
    h.timeout = Duration::from_millis(700);
    h.retries = 1;
    let err = format!("{:#}", fetch("cham", &h, period(), &BTreeMap::new()).unwrap_err());
    assert!(err.contains("hết thời gian chờ") && err.contains("sau 2 lần thử"), "{err}");

    let cut = TestHttp::start(|_, _| {
        let mut r = Reply::new(200, "application/json", r#"[{"a":1},"#);
        r.declared_len = Some(1000);
        r
    });
    let mut h = source(cut.url("/cut"));
    h.retries = 1;
    let err = format!("{:#}", fetch("cat", &h, period(), &BTreeMap::new()).unwrap_err());
    assert!(err.contains("bị cắt ngang"), "{err}");

    let html = TestHttp::start(|_, _| Reply::new(200, "text/html; charset=utf-8", "<html>Đăng nhập</html>"));
    let err = format!("{:#}", fetch("dang-nhap", &source(html.url("/")), period(), &BTreeMap::new()).unwrap_err());
    assert!(err.contains("kiểu nội dung \"text/html; charset=utf-8\""), "{err}");
    assert_eq!(html.requests().len(), 1, "the wrong type is not retried");

    let big = TestHttp::start(|_, _| Reply::new(200, "application/json", vec![b' '; 5000]));
    let mut h = source(big.url("/big"));
    h.max_bytes = 1000;
    let err = format!("{:#}", fetch("lon", &h, period(), &BTreeMap::new()).unwrap_err());
    assert!(err.contains("vượt giới hạn max_bytes = 1000"), "{err}");
}

#[test]
fn an_unchanged_export_is_not_downloaded_again() {
    let server = TestHttp::start(|req, _| match req.header("If-None-Match") {
        Some("\"v1\"") => Reply::new(304, "application/json", ""),
        _ => Reply::new(200, "application/json", "[1,2]").header("ETag", "\"v1\""),
    });
    let h = source(server.url("/x"));
    let pages = fetch("x", &h, period(), &BTreeMap::new()).unwrap();
    let (key, Fetched::Body { validator, .. }) = &pages[0] else { panic!("a body first") };
    assert_eq!(validator.etag.as_deref(), Some("\"v1\""));
    let last: BTreeMap<String, Validator> = [(key.clone(), validator.clone())].into();
    let again = fetch("x", &h, period(), &last).unwrap();
    assert_eq!(bodies(&again), ["304"]);
}

#[test]
fn the_monthly_pipeline_from_an_api_gives_the_same_figures_as_from_files() {
    let csv = std::fs::read(crate::common::repo().join("tests/fixtures/tiny/drop/2024-09/ho-so-thang-09.csv")).unwrap();
    let server = TestHttp::start(move |req, _| {
        if req.header("Authorization") != Some("Bearer ma-phuong") {
            return Reply::new(401, "text/plain", "");
        }
        if req.header("If-None-Match") == Some("\"hs-2024-09\"") {
            return Reply::new(304, "text/csv", "");
        }
        assert_eq!(req.query("tuNgay").as_deref(), Some("01%2F09%2F2024"));
        Reply::new(200, "text/csv; charset=utf-8", csv.clone()).header("ETag", "\"hs-2024-09\"")
    });
    let dir = http_project(&server.url("/api/ho-so"), "{ type = \"bearer\", token_file = \"secrets/dvc-token\" }");
    std::fs::create_dir_all(dir.path().join("secrets")).unwrap();
    std::fs::write(dir.path().join("secrets/dvc-token"), "ma-phuong\n").unwrap();
    for round in 0..2 {
        let config = load_config(&dir.path().join("config/thidua.toml")).unwrap();
        let pl = pipeline::load(&config, "monthly").unwrap();
        let now = config.settings.ward.time_zone.with_ymd_and_hms(2024, 10, 5, 8, 0, 0).unwrap();
        let ctx =
            RunContext { config: &config, period: Period::new(2024, 9).unwrap(), now, dry_run: false, resend: false };
        let s = pipeline::run(&pl, &ctx).unwrap();
        let book = s.workbook.unwrap();
        let ward = Sheet::read(&book, "Tổng hợp", 3).find("Mã đơn vị", "TOAN_PHUONG");
        assert!((num(&ward["Điểm (thang 100)"]) - 69.20).abs() < 1e-9, "round {round}: {:?}", ward["Điểm (thang 100)"]);
    }
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[1].header("If-None-Match"), Some("\"hs-2024-09\""), "the second run asks whether it changed");
}

#[test]
fn the_portals_766_scores_sit_beside_ours_and_a_gap_over_half_a_point_is_a_finding() {
    let server = TestHttp::start(|req, _| {
        let body: serde_json::Value = serde_json::from_str(&req.body).unwrap_or_else(|e| panic!("{e}: {:?}", req.body));
        assert_eq!((body["year"].as_u64(), body["month"].as_u64()), (Some(2024), Some(9)));
        let metrics = serde_json::json!({ "metrics": [
            { "code": "DUNG_HAN", "name": "Tỷ lệ hồ sơ giải quyết đúng hạn", "numerator": 9, "denominator": 15, "ratio": 60.0, "score": 14.0, "maxScore": 20 },
            { "code": "TRUC_TUYEN", "name": "Tỷ lệ hồ sơ trực tuyến", "numerator": 8, "denominator": 14, "ratio": 57.1, "score": 12.0, "maxScore": 12 },
            { "code": "KHAC", "name": "Chỉ số không ánh xạ", "numerator": null, "denominator": null, "ratio": null, "score": null, "maxScore": 2 }
        ]});
        Reply::new(200, "application/json", metrics.to_string())
    });
    let dir = project("tiny");
    let p = dir.path().join("pipelines/monthly.toml");
    let text = std::fs::read_to_string(&p).unwrap();
    let s2 = format!(
        "\n[[source]]\nid = \"chi-so-766\"\ndataset = \"service_index\"\ntype = \"http\"\nrequired = false\n\n[source.http]\nurl = \"{}\"\nmethod = \"post\"\nbody = '{{\"timeType\":\"month\",\"year\":{{year}},\"month\":{{month}},\"rootDepartmentId\":\"H15.50.05.13\",\"currentPage\":{{page}},\"pageSize\":{{page_size}}}}'\npagination = {{ type = \"page\", size = 200 }}\n",
        server.url("/reporting/evaluation/tien-do")
    );
    std::fs::write(&p, text.replace("\n[report]", &format!("{s2}\n[report]"))).unwrap();
    let config = load_config(&dir.path().join("config/thidua.toml")).unwrap();
    let pl = pipeline::load(&config, "monthly").unwrap();
    let now = config.settings.ward.time_zone.with_ymd_and_hms(2024, 10, 5, 8, 0, 0).unwrap();
    let ctx = RunContext { config: &config, period: Period::new(2024, 9).unwrap(), now, dry_run: false, resend: false };
    let book = pipeline::run(&pl, &ctx).unwrap().workbook.unwrap();
    let ind = Sheet::read(&book, "Điểm theo chỉ số", 3).records();
    let ward = |name: &str| {
        ind.iter()
            .find(|r| {
                crate::common::text(&r["Mã đơn vị"]) == "TOAN_PHUONG" && crate::common::text(&r["Chỉ số"]) == name
            })
            .unwrap()
            .clone()
    };
    let on_time = ward("Tỷ lệ hồ sơ giải quyết đúng hạn");
    assert_eq!((num(&on_time["Điểm đạt"]), num(&on_time["Điểm trên Cổng DVC"])), (12.0, 14.0));
    assert_eq!(num(&ward("Tỷ lệ hồ sơ trực tuyến")["Điểm trên Cổng DVC"]), 12.0);
    let dq = Sheet::read(&book, "Chất lượng dữ liệu", 3).all_text();
    assert!(dq.contains("Điểm 766 trên Cổng DVC khác điểm tính lại từ hồ sơ hơn 0.5 điểm"), "{dq}");
    assert!(
        dq.contains("Cổng 14.00, tính lại 12.00") && !dq.contains("Tỷ lệ hồ sơ trực tuyến (ho_so_truc_tuyen)"),
        "{dq}"
    );
}
