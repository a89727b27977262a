//! The README's first command on the shipped sample ward, run as a user runs it.

use std::process::Command;

use std::path::Path;

use calamine::Reader;
use polars::prelude::{DataType, ParquetReader, SerReader};

use crate::common::{Sheet, copy_dir, files_under, mime_parts, num, repo, text};

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
    assert_eq!(outbox.len(), 1 + 4, "the summary (to the chairman, two in copy), and each ranked unit's card");

    let summary = Sheet::read(&book, "Tổng hợp", 3);
    let records = summary.records();
    assert!(records.len() >= 4, "every dossier-handling unit and the ward row");
    let ward = summary.find("Đơn vị", "Toàn phường");
    let score = num(&ward["Điểm (thang 100)"]);
    assert!((0.0..=100.0).contains(&score));
    assert!(num(&ward["Hồ sơ trong kỳ"]) > 100.0);
    let mut last_rank = 0.0;
    for r in records.iter().filter(|r| text(&r["Đơn vị"]) != "Toàn phường") {
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
    let on_time = targets
        .iter()
        .find(|r| text(&r["Chỉ tiêu"]).starts_with("100% hồ sơ tiếp nhận trong kỳ được giải quyết đúng hạn"))
        .expect("target 10a");
    assert_eq!(text(&on_time["Đối tượng"]), "Toàn phường", "the one-stop section's targets are the ward's figures");
    assert!(targets.iter().any(|r| text(&r["Cách đo"]) == "Xác nhận"));

    assert_no_citizen_data(dir.path());
}

/// Export columns that hold citizens' personal data (the dossier and feedback exports).
const PERSONAL: [&str; 6] = ["Chủ hồ sơ", "Số điện thoại", "Email", "Địa chỉ", "Người phản ánh", "Nội dung"];

/// Every value of a personal column in the sample's workbooks, except values that the
/// ward's own configuration also holds (an officer may share a citizen's name).
fn citizen_values(project: &Path) -> Vec<String> {
    let mut config = String::new();
    for f in files_under(&project.join("config")).into_iter().filter(|p| p.extension().is_some_and(|e| e == "toml")) {
        config.push_str(&std::fs::read_to_string(f).unwrap());
    }
    let mut values = std::collections::BTreeSet::new();
    for file in files_under(&project.join("samples")).into_iter().filter(|p| p.extension().is_some_and(|e| e == "xlsx"))
    {
        let mut wb = calamine::open_workbook_auto(&file).unwrap();
        for name in wb.sheet_names() {
            let range = wb.worksheet_range(&name).unwrap();
            let rows: Vec<_> = range.rows().collect();
            let Some(h) =
                rows.iter().take(30).position(|r| r.iter().any(|c| PERSONAL.contains(&c.to_string().as_str())))
            else {
                continue;
            };
            let cols: Vec<usize> =
                (0..rows[h].len()).filter(|&i| PERSONAL.contains(&rows[h][i].to_string().as_str())).collect();
            for row in &rows[h + 1..] {
                for &c in &cols {
                    let v = row.get(c).map(std::string::ToString::to_string).unwrap_or_default().trim().to_string();
                    if v.chars().count() >= 6 && !config.contains(&v) {
                        values.insert(v);
                    }
                }
            }
        }
    }
    values.into_iter().collect()
}

/// What a workbook says: the text of every part, XML entities undone.
fn workbook_text(book: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(book)).expect("a workbook");
    let mut out = String::new();
    for i in 0..zip.len() {
        let mut part = String::new();
        let _ = std::io::Read::read_to_string(&mut zip.by_index(i).unwrap(), &mut part);
        out.push_str(
            &part
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&apos;", "'")
                .replace("&amp;", "&"),
        );
        out.push('\n');
    }
    out
}

/// No citizen's name, phone, e-mail, address or feedback text in the Parquet tables, the
/// workbooks or the e-mails (bodies, headers and attached workbooks).
fn assert_no_citizen_data(project: &Path) {
    let values = citizen_values(project);
    let phones = values.iter().filter(|v| v.len() >= 9 && v.chars().all(|c| c.is_ascii_digit())).count();
    let emails = values.iter().filter(|v| v.contains('@')).count();
    assert!(
        values.len() > 500 && phones > 100 && emails > 10,
        "{} values, {phones} phones, {emails} e-mails",
        values.len()
    );
    let matcher = Matcher::new(&values);
    let mut scanned: Vec<(String, String)> = Vec::new();
    for file in files_under(&project.join("store")) {
        if file.extension().is_some_and(|e| e == "parquet") {
            let df = ParquetReader::new(std::fs::File::open(&file).unwrap()).finish().unwrap();
            let mut blob = format!("{:?}\n", df.get_column_names());
            for c in df.columns() {
                let s = c.cast(&DataType::String).unwrap();
                for v in s.str().unwrap().iter().flatten() {
                    blob.push_str(v);
                    blob.push('\n');
                }
            }
            scanned.push((file.display().to_string(), blob));
        }
    }
    for file in files_under(&project.join("output")) {
        let bytes = std::fs::read(&file).unwrap();
        if file.extension().is_some_and(|e| e == "xlsx") {
            scanned.push((file.display().to_string(), workbook_text(&bytes)));
        } else if file.extension().is_some_and(|e| e == "eml") {
            let raw = String::from_utf8(bytes).unwrap();
            scanned.push((format!("{} (headers)", file.display()), raw.split("\r\n\r\n").next().unwrap().to_string()));
            for (ctype, body) in mime_parts(&raw) {
                let text =
                    if ctype.starts_with("text/") { String::from_utf8(body).unwrap() } else { workbook_text(&body) };
                scanned.push((format!("{} ({ctype})", file.display()), text));
            }
        }
    }
    let tables = scanned.iter().filter(|(n, _)| n.ends_with(".parquet")).count();
    let mails = scanned.iter().filter(|(n, _)| n.contains(".eml (text/html")).count();
    assert!(tables >= 4 && mails >= 5, "{tables} tables, {mails} e-mails scanned");
    assert!(scanned.iter().any(|(_, t)| t.contains("Bộ phận Tư pháp - Hộ tịch")), "the scan reads real text");
    eprintln!(
        "personal-data scan: {} citizen values ({phones} phones, {emails} e-mails) against {} texts \
         ({tables} Parquet tables, {mails} HTML bodies)",
        values.len(),
        scanned.len()
    );
    for (name, text) in &scanned {
        if let Some(v) = matcher.find(text) {
            panic!("citizen data {v:?} in {name}");
        }
    }
}

/// Finds any of many values in a text: the values by their first word, tried wherever a
/// word starts in the text.
struct Matcher<'a> {
    by_first_word: std::collections::HashMap<&'a str, Vec<&'a str>>,
}

fn first_word(s: &str) -> &str {
    let end = s.find(|c: char| !c.is_alphanumeric()).unwrap_or(s.len());
    &s[..end]
}

impl<'a> Matcher<'a> {
    fn new(values: &'a [String]) -> Matcher<'a> {
        let mut by_first_word: std::collections::HashMap<&str, Vec<&str>> = std::collections::HashMap::new();
        for v in values {
            by_first_word.entry(first_word(v)).or_default().push(v);
        }
        Matcher { by_first_word }
    }

    fn find(&self, text: &str) -> Option<&'a str> {
        let mut prev_alnum = false;
        for (i, c) in text.char_indices() {
            if c.is_alphanumeric() && !prev_alnum {
                let rest = &text[i..];
                if let Some(found) =
                    self.by_first_word.get(first_word(rest)).and_then(|vs| vs.iter().find(|v| rest.starts_with(**v)))
                {
                    return Some(found);
                }
            }
            prev_alnum = c.is_alphanumeric();
        }
        None
    }
}

#[test]
fn the_citizen_data_matcher_finds_values_inside_text() {
    let values = vec!["Nguyễn Văn An".to_string(), "0912345678".to_string(), "an.nv@gmail.com".to_string()];
    let m = Matcher::new(&values);
    assert_eq!(m.find("Chủ hồ sơ: Nguyễn Văn An, phường"), Some("Nguyễn Văn An"));
    assert_eq!(m.find("<t>0912345678</t>"), Some("0912345678"));
    assert_eq!(m.find("gửi an.nv@gmail.com"), Some("an.nv@gmail.com"));
    assert_eq!(m.find("Nguyễn Văn Anh 0912345"), Some("Nguyễn Văn An"), "a prefix is enough to fail safe");
    assert_eq!(m.find("Trần Văn An 912345678"), None);
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
    assert!(stdout.starts_with("Bộ phận Văn hóa - Thông tin — tháng 10/2024"), "{stdout}");
    // One block per index and period, each with its own sum; never one total of both.
    assert!(stdout.contains("\nBộ chỉ số 766, tháng 10/2024 — điểm bị mất"), "{stdout}");
    assert!(stdout.contains("\nChỉ số CCHC (PAR), năm 2024 — điểm bị mất"), "{stdout}");
    assert!(!stdout.contains("Tổng điểm bị mất"), "{stdout}");
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
    assert!(stdout.starts_with("Bộ phận Tư pháp - Hộ tịch — năm 2024"), "{stdout}");
    // A year's dossiers: far more than any month's.
    let dossiers: f64 = stdout
        .lines()
        .find(|l| l.starts_with("Bộ chỉ số 766 (năm 2024):"))
        .and_then(|l| l.split("; ").nth(1))
        .and_then(|p| p.split(" hồ sơ").next()?.replace('.', "").parse().ok())
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(dossiers > 1000.0, "{stdout}");
}
