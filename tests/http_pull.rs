//! Pulling over HTTP against a local server: pagination, the auth header, retries (500 then
//! 200, 429 with Retry-After), a timeout, a truncated body, the wrong content type, an
//! oversized body, 401 naming the source and its token's variable, conditional requests,
//! and the whole monthly pipeline from an API giving the same workbook as from files.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::TimeZone;
use thidua::config::load_checked as load_config;
use thidua::period::Period;
use thidua::pipeline::{self, RunContext};
use thidua::pull::http::{Auth, Body, Fetched, HttpFormat, HttpSource, Method, Pages, Pagination, Validator, fetch};
use thidua::secret::Secret;

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
        max_pages: 1000,
        max_duration: Duration::from_secs(60),
        ca_file: None,
        any_content_type: false,
    }
}

fn period() -> Period {
    Period::new(2024, 10).unwrap()
}

fn bodies(pages: &Pages) -> Vec<String> {
    pages
        .pages
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
    h.body = Some(Body::Json(
        r#"{"timeType":"month","year":{year},"month":{month},"currentPage":{page},"pageSize":{page_size}}"#.into(),
    ));
    h.pagination = Pagination::Page { size: 2, first: 1 };
    let pages = fetch("s2", &h, period(), &BTreeMap::new(), &|_| None).unwrap();
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
    let pages = fetch("api", &h, period(), &BTreeMap::new(), &|_| None).unwrap();
    assert_eq!(pages.pages.len(), 2);
    assert!(bodies(&pages)[1].contains("[2]"));
    assert!(server.requests()[1].target.ends_with("/api?cursor=2"));
}

/// The tiny fixture with its dossiers pulled from `url` with a bearer token (`auth` table),
/// and holidays for the current year, so that `thidua check` passes on it.
pub(crate) fn http_project(url: &str, auth: &str) -> tempfile::TempDir {
    let dir = http_source_project(&format!(
        "url = \"{url}\"\nformat = \"csv\"\nquery = {{ tuNgay = \"{{from}}\", denNgay = \"{{to}}\" }}\nauth = {auth}\n"
    ));
    crate::cli::holidays_for_this_year(dir.path());
    dir
}

/// The tiny fixture with its dossiers pulled over HTTP as `table` (the lines of `[source.http]`) says.
fn http_source_project(table: &str) -> tempfile::TempDir {
    let dir = project("tiny");
    let p = dir.path().join("pipelines/monthly.toml");
    let text = std::fs::read_to_string(&p).unwrap();
    let http = format!("type = \"http\"\n\n[source.http]\n{table}");
    std::fs::write(&p, text.replace("type = \"file\"\nglob = \"drop/{period}/*\"\n", &http)).unwrap();
    dir
}

/// A secret in a file of its own, for `Secret::File`.
fn secret_file(value: &str) -> tempfile::NamedTempFile {
    let f = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(f.path(), value).unwrap();
    f
}

/// The origin (`http://127.0.0.1:port`) of a test server: two ports are two origins.
fn origin(server: &TestHttp) -> String {
    server.url("")
}

#[test]
fn a_next_link_to_another_origin_is_refused_before_any_secret_goes_there() {
    let other = TestHttp::start(|_, _| Reply::new(200, "application/json", r#"{"items":[2],"next":""}"#));
    let next = other.url("/api?cursor=2");
    let server =
        TestHttp::start(move |_, _| Reply::new(200, "application/json", format!(r#"{{"items":[1],"next":"{next}"}}"#)));
    let token = secret_file("ma-bi-mat");
    for auth in [
        Auth::Bearer(Secret::File(token.path().to_path_buf())),
        Auth::Header("X-Api-Key".into(), Secret::File(token.path().to_path_buf())),
    ] {
        let mut h = source(server.url("/api"));
        h.pagination = Pagination::NextLink("next".into());
        h.auth = Some(auth);
        let err = format!("{:#}", fetch("api", &h, period(), &BTreeMap::new(), &|_| None).unwrap_err());
        assert!(err.contains("nguồn \"api\"") && err.contains(&origin(&other)), "{err}");
        assert!(!err.contains("ma-bi-mat"), "{err}");
    }
    assert!(other.requests().is_empty(), "the other origin is never asked: {:?}", other.requests());

    // As a user meets it: `thidua pull` fails on its data (exit 4) and names both.
    let dir = http_source_project(&format!(
        "url = \"{}\"\nformat = \"json\"\npagination = {{ type = \"next_link\", field = \"next\" }}\n\
         auth = {{ type = \"header\", name = \"X-Api-Key\", value_env = \"THIDUA_API_KEY\" }}\n",
        server.url("/api")
    ));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_thidua"))
        .current_dir(dir.path())
        .env("THIDUA_API_KEY", "ma-bi-mat")
        .args(["pull", "monthly", "--period", "2024-09"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(err.contains("nguồn \"ho-so\"") && err.contains(&origin(&other)), "{err}");
    assert!(other.requests().is_empty(), "{:?}", other.requests());
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
    assert_eq!(bodies(&fetch("ho-so", &h, period(), &BTreeMap::new(), &|_| None).unwrap()), ["[]"]);
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
    let pages = fetch("ho-so", &source(server.url("/x")), period(), &BTreeMap::new(), &|_| None).unwrap();
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
    let err = format!("{:#}", fetch("cham", &h, period(), &BTreeMap::new(), &|_| None).unwrap_err());
    assert!(err.contains("hết thời gian chờ") && err.contains("sau 2 lần thử"), "{err}");

    let cut = TestHttp::start(|_, _| {
        let mut r = Reply::new(200, "application/json", r#"[{"a":1},"#);
        r.declared_len = Some(1000);
        r
    });
    let mut h = source(cut.url("/cut"));
    h.retries = 1;
    let err = format!("{:#}", fetch("cat", &h, period(), &BTreeMap::new(), &|_| None).unwrap_err());
    assert!(err.contains("bị cắt ngang"), "{err}");

    let html = TestHttp::start(|_, _| Reply::new(200, "text/html; charset=utf-8", "<html>Đăng nhập</html>"));
    let err =
        format!("{:#}", fetch("dang-nhap", &source(html.url("/")), period(), &BTreeMap::new(), &|_| None).unwrap_err());
    assert!(err.contains("kiểu nội dung \"text/html; charset=utf-8\""), "{err}");
    assert_eq!(html.requests().len(), 1, "the wrong type is not retried");

    let big = TestHttp::start(|_, _| Reply::new(200, "application/json", vec![b' '; 5000]));
    let mut h = source(big.url("/big"));
    h.max_bytes = 1000;
    let err = format!("{:#}", fetch("lon", &h, period(), &BTreeMap::new(), &|_| None).unwrap_err());
    assert!(err.contains("vượt giới hạn max_bytes = 1000"), "{err}");
}

#[test]
fn an_unchanged_export_is_not_downloaded_again() {
    let server = TestHttp::start(|req, _| match req.header("If-None-Match") {
        Some("\"v1\"") => Reply::new(304, "application/json", ""),
        _ => Reply::new(200, "application/json", "[1,2]").header("ETag", "\"v1\""),
    });
    let h = source(server.url("/x"));
    let pages = fetch("x", &h, period(), &BTreeMap::new(), &|_| None).unwrap();
    let (key, Fetched::Body { validator, .. }) = &pages.pages[0] else { panic!("a body first") };
    assert_eq!(validator.etag.as_deref(), Some("\"v1\""));
    let last: BTreeMap<String, Validator> = [(key.clone(), validator.clone())].into();
    let again = fetch("x", &h, period(), &last, &|k| (k == key).then(|| b"[1,2]".to_vec())).unwrap();
    assert_eq!(bodies(&again), ["304"]);
    assert_eq!(again.records, 2, "a 304 page is counted from its archived body");
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
        let ward = Sheet::read(&book, "Tổng hợp", 3).find("Đơn vị", "Toàn phường");
        assert!((num(&ward["Điểm (thang 100)"]) - 72.90).abs() < 1e-9, "round {round}: {:?}", ward["Điểm (thang 100)"]);
    }
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[1].header("If-None-Match"), Some("\"hs-2024-09\""), "the second run asks whether it changed");
}

/// A form field's value, decoded (`+` and `%XX`).
fn form_value(body: &str, field: &str) -> Option<String> {
    let raw = body.split('&').find_map(|kv| kv.strip_prefix(&format!("{field}=")))?;
    let bytes = raw.replace('+', " ").into_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            out.push(u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap(), 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The province's communes as `report_tinh_766_service` answers (codes as strings, scores as
/// numbers, ROW_STT a display position), plus one department that is not a commune.
/// By hand, ranked by TONG_SCORE with ties shared after rounding to 2 decimals:
/// 1 Hồng Hải 95.50, 2 Bãi Cháy 92.10, 3 Thử Nghiệm 80.00 and 3 Hà Khánh 80.004 → 80.00,
/// 5 Hà Lầm 70.00; the department (CAPDONVIID 1) is not ranked.
fn portal_rows() -> serde_json::Value {
    let row = |stt: u32, code: &str, name: &str, kind: &str, level: &str, g: [f64; 6], total: f64| {
        serde_json::json!({
            "ID": stt, "TEN": name, "TEN_COQUAN": format!("UBND {name}"), "MA_COQUAN": code,
            "LOAI_COQUAN": kind, "CAPDONVIID": level, "ID_COQUAN": format!("{}", 1000 + stt),
            "CKMB": g[0], "TDGQ": g[1], "CLGQ": g[2], "TTTT": g[3], "MDHL": g[4], "MDSH": g[5],
            "TONG_SCORE": total, "ROW_STT": stt,
        })
    };
    serde_json::json!([
        row(1, "H15.50.01", "Phường Hà Lầm", "3", "2", [14.0, 14.0, 10.0, 6.0, 12.0, 14.0], 70.0),
        row(2, "H15.50.99", "Sở Nội vụ", "2", "1", [18.0, 20.0, 12.0, 10.0, 18.0, 22.0], 100.0),
        row(3, "H15.50.05", "Phường Thử Nghiệm", "3", "2", [17.0, 14.0, 12.0, 6.67, 12.0, 18.33], 80.0),
        row(4, "H15.50.02", "Phường Hồng Hải", "3", "2", [18.0, 19.5, 12.0, 10.0, 16.0, 20.0], 95.5),
        row(5, "H15.50.03", "Phường Hà Khánh", "3", "2", [16.0, 16.0, 12.0, 8.0, 10.0, 18.004], 80.004),
        row(6, "H15.50.04", "Phường Bãi Cháy", "3", "2", [18.0, 19.0, 12.0, 9.1, 14.0, 20.0], 92.1),
    ])
}

#[test]
fn the_provinces_766_ranking_from_the_portal_with_the_ward_and_its_groups_beside_ours() {
    let server = TestHttp::start(|req, _| {
        assert_eq!(req.header("Content-Type"), Some("application/x-www-form-urlencoded"));
        let params = form_value(&req.body, "params").unwrap_or_else(|| panic!("no params= in {:?}", req.body));
        let p: serde_json::Value = serde_json::from_str(&params).unwrap();
        assert_eq!(p["service"], "report_tinh_766_service");
        assert_eq!(
            (p["p_nam"].as_str(), p["p_tinh_id"].as_str(), p["p_thang"].as_u64()),
            (Some("2024"), Some("398126"), Some(9))
        );
        // The portal's JSP labels its JSON as HTML.
        Reply::new(200, "text/html;charset=UTF-8", portal_rows().to_string())
    });
    let dir = project("tiny");
    let settings = dir.path().join("config/thidua.toml");
    let text = std::fs::read_to_string(&settings).unwrap();
    std::fs::write(&settings, text.replace("short_name = ", "portal_code = \"H15.50.05\"\nshort_name = ")).unwrap();
    let p = dir.path().join("pipelines/monthly.toml");
    let text = std::fs::read_to_string(&p).unwrap();
    let portal = format!(
        "\n[[source]]\nid = \"cong-766\"\ndataset = \"service_index\"\ntype = \"portal766\"\nurl = \"{}\"\nprovince_id = \"398126\"\nrequired = false\n",
        server.url("/jsp/rest.jsp")
    );
    std::fs::write(&p, text.replace("\n[report]", &format!("{portal}\n[report]"))).unwrap();
    let config = load_config(&settings).unwrap();
    let pl = pipeline::load(&config, "monthly").unwrap();
    let now = config.settings.ward.time_zone.with_ymd_and_hms(2024, 10, 5, 8, 0, 0).unwrap();
    let ctx = RunContext { config: &config, period: Period::new(2024, 9).unwrap(), now, dry_run: false, resend: false };
    let book = pipeline::run(&pl, &ctx).unwrap().workbook.unwrap();

    let sheet = Sheet::read(&book, "Xếp hạng 766 tỉnh", 5);
    let ranked: Vec<(String, f64, String)> = sheet
        .records()
        .iter()
        .map(|r| (crate::common::text(&r["Xã, phường"]), num(&r["Hạng"]), r[""].to_string()))
        .collect();
    let want = [
        ("Phường Hồng Hải", 1.0, ""),
        ("Phường Bãi Cháy", 2.0, ""),
        ("Phường Hà Khánh", 3.0, ""),
        ("Phường Thử Nghiệm", 3.0, "Phường"),
        ("Phường Hà Lầm", 5.0, ""),
    ];
    assert_eq!(ranked, want.map(|(n, r, m)| (n.to_string(), r, m.to_string())));
    let summary = Sheet::read(&book, "Tổng hợp", 3).all_text();
    assert!(summary.contains("phường hạng 3/5 trong tỉnh, tổng điểm 80,00"), "{summary}");

    // The ward's groups beside ours: TDGQ 14 on the portal, 13,33 recomputed (10 of 15 on
    // time × 20): a finding; CLGQ, TTTT and MDHL agree; MDSH is computed only in part.
    let groups = Sheet::read(&book, "Cổng DVC và tính lại", 5);
    let tdgq = groups.find("Mã trên Cổng", "TDGQ");
    assert_eq!((num(&tdgq["Điểm trên Cổng"]), num(&tdgq["Điểm tính lại từ hồ sơ"])), (14.0, 13.33));
    assert!((num(&tdgq["Chênh lệch"]) - 0.67).abs() < 1e-9);
    assert!(matches!(groups.find("Mã trên Cổng", "MDSH")["Chênh lệch"], calamine::Data::Empty));
    let dq = Sheet::read(&book, "Chất lượng dữ liệu", 3).all_text();
    assert!(dq.contains("Điểm nhóm 766 trên Cổng DVC khác điểm tính lại từ hồ sơ hơn 0,5 điểm"), "{dq}");
    assert!(dq.contains("Tiến độ giải quyết (TDGQ): Cổng 14,00, tính lại 13,33"), "{dq}");
    assert!(!dq.contains("(CLGQ)") && !dq.contains("(MDSH)"), "{dq}");
    let mail = crate::common::files_under(&dir.path().join("output/outbox"))
        .into_iter()
        .find(|p| p.to_string_lossy().contains("summary"))
        .unwrap();
    let raw = std::fs::read_to_string(mail).unwrap();
    let body: String = crate::common::mime_parts(&raw)
        .into_iter()
        .filter(|(t, _)| t.starts_with("text/plain"))
        .map(|(_, b)| String::from_utf8_lossy(&b).into_owned())
        .collect();
    assert!(body.contains("Chỉ số 766 trên Cổng Dịch vụ công quốc gia: hạng 3/5 trong tỉnh"), "{body}");
}

#[test]
fn a_redirect_is_followed_on_the_same_origin_only_and_never_carries_a_secret_elsewhere() {
    let other = TestHttp::start(|_, _| Reply::new(200, "application/json", r#"["của máy chủ khác"]"#));
    let elsewhere = other.url("/lay-ma");
    let server = TestHttp::start(move |req, _| match req.target.as_str() {
        "/cu" => Reply::new(302, "text/plain", "").header("Location", "/moi"),
        "/moi" => Reply::new(200, "application/json", "[1]"),
        "/vong" => Reply::new(302, "text/plain", "").header("Location", "/vong"),
        _ => Reply::new(302, "text/plain", "").header("Location", &elsewhere),
    });
    let key = secret_file("khoa-api");
    let mut h = source(server.url("/cu"));
    h.auth = Some(Auth::Header("X-Api-Key".into(), Secret::File(key.path().to_path_buf())));
    let pages = fetch("api", &h, period(), &BTreeMap::new(), &|_| None).unwrap();
    assert_eq!(bodies(&pages), ["[1]"], "a move on the same server is followed");
    assert_eq!(server.requests()[1].header("X-Api-Key"), Some("khoa-api"));

    let token = secret_file("ma-bi-mat");
    for auth in [
        Auth::Header("X-Api-Key".into(), Secret::File(key.path().to_path_buf())),
        Auth::Bearer(Secret::File(token.path().to_path_buf())),
    ] {
        let mut h = source(server.url("/di-noi-khac"));
        h.auth = Some(auth);
        let err = format!("{:#}", fetch("api", &h, period(), &BTreeMap::new(), &|_| None).unwrap_err());
        assert!(err.contains("nguồn \"api\"") && err.contains(&other.url("/lay-ma")), "{err}");
    }
    assert!(other.requests().is_empty(), "the other origin is never asked: {:?}", other.requests());

    let err =
        format!("{:#}", fetch("api", &source(server.url("/vong")), period(), &BTreeMap::new(), &|_| None).unwrap_err());
    assert!(err.contains("chuyển hướng quá 5 lần"), "{err}");
}

#[test]
fn a_server_that_ignores_the_page_number_is_asked_twice() {
    let server = TestHttp::start(|_, _| Reply::new(200, "application/json", r#"{"data":[1,2]}"#));
    let mut h = source(server.url("/ho-so"));
    h.query = [("page".to_string(), "{page}".to_string())].into();
    h.pagination = Pagination::Page { size: 2, first: 1 };
    let err = format!("{:#}", fetch("ho-so", &h, period(), &BTreeMap::new(), &|_| None).unwrap_err());
    assert!(err.contains("nguồn \"ho-so\"") && err.contains("giống hệt trang trước"), "{err}");
    assert_eq!(server.requests().len(), 2);
}

/// A server with new full pages forever (two records a page, numbered by `page`), slow or not.
fn endless(delay: Duration) -> TestHttp {
    TestHttp::start(move |req, _| {
        let page: u64 = req.query("page").and_then(|p| p.parse().ok()).unwrap_or(0);
        let mut r = Reply::new(200, "application/json", format!(r#"{{"data":[{},{}]}}"#, 2 * page, 2 * page + 1));
        r.delay = delay;
        r
    })
}

/// `thidua pull` of the tiny fixture from `server`, paged by `page`, with `limits` lines.
fn pull_endless(server: &TestHttp, limits: &str) -> std::process::Output {
    let dir = http_source_project(&format!(
        "url = \"{}\"\nformat = \"json\"\nquery = {{ page = \"{{page}}\" }}\n\
         pagination = {{ type = \"page\", size = 2 }}\n{limits}",
        server.url("/ho-so")
    ));
    std::process::Command::new(env!("CARGO_BIN_EXE_thidua"))
        .current_dir(dir.path())
        .args(["pull", "monthly", "--period", "2024-09"])
        .output()
        .unwrap()
}

#[test]
fn a_source_stops_at_its_page_limit() {
    let server = endless(Duration::ZERO);
    let out = pull_endless(&server, "max_pages = 5\n");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(err.contains("nguồn \"ho-so\"") && err.contains("max_pages = 5"), "{err}");
    assert_eq!(server.requests().len(), 5);
}

#[test]
fn a_source_stops_at_its_time_budget() {
    let server = endless(Duration::from_millis(300));
    let start = std::time::Instant::now();
    let out = pull_endless(&server, "max_seconds = 1\n");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(err.contains("nguồn \"ho-so\"") && err.contains("max_seconds = 1"), "{err}");
    assert!(start.elapsed() < Duration::from_secs(4), "{:?}", start.elapsed());
    assert!((2..=5).contains(&server.requests().len()), "{}", server.requests().len());
}
