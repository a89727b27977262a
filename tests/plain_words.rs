//! What readers see is words, names and Vietnamese numbers: no cell or tab name of a shipped
//! workbook and no e-mail body shows an internal code (unit codes, the ward scope,
//! methodology and target ids, award-level codes), an officer's login, a snake_case key, an
//! ISO timestamp or a number written with a decimal point. The sample ward's October 2024
//! run and its 2024 award round are scanned whole, the workbooks the mails carry (unit cards)
//! included; only the audit annex ("Nguồn dữ liệu", marked as such) may
//! show source ids, paths and hashes, and the data-quality sheet may quote an export's own
//! values (they are what the file says, shown so the file can be corrected).

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

use calamine::{Data, Reader, open_workbook_auto_from_rs};

use crate::common::{copy_dir, files_under, mime_parts, repo, strip_tags};

/// Sheets that are allowed to show what the files and systems themselves say.
const ANNEXES: [&str; 2] = ["Nguồn dữ liệu", "Chất lượng dữ liệu"];

struct Run {
    _dir: tempfile::TempDir,
    /// (where, text) of every text a reader sees.
    texts: Vec<(String, String)>,
    codes: BTreeSet<String>,
}

fn run() -> &'static Run {
    static RUN: OnceLock<Run> = OnceLock::new();
    RUN.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        for sub in ["config", "pipelines", "samples"] {
            copy_dir(&repo().join(sub), &dir.path().join(sub));
        }
        for args in [&["run", "monthly", "--period", "2024-10"][..], &["awards", "--year", "2024"][..]] {
            let out = Command::new(env!("CARGO_BIN_EXE_thidua")).current_dir(dir.path()).args(args).output().unwrap();
            assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        }
        let mut texts = Vec::new();
        for f in files_under(&dir.path().join("output")) {
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            if name.ends_with(".xlsx") {
                texts.extend(workbook_texts(&name, &std::fs::read(&f).unwrap()));
            } else if name.ends_with(".eml") {
                let raw = std::fs::read_to_string(&f).unwrap();
                texts.extend(mail_texts(&name, &raw));
                texts.extend(attachment_texts(&name, &raw));
            }
        }
        Run { codes: internal_codes(dir.path()), _dir: dir, texts }
    })
}

fn workbook_texts(file: &str, bytes: &[u8]) -> Vec<(String, String)> {
    let mut wb = open_workbook_auto_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    // A tab's name is read before any cell: it is scanned too, the annexes' included.
    let mut out: Vec<(String, String)> =
        wb.sheet_names().into_iter().map(|sheet| (format!("{file} / tên trang"), sheet)).collect();
    for sheet in wb.sheet_names() {
        if ANNEXES.contains(&sheet.as_str()) {
            continue;
        }
        let range = wb.worksheet_range(&sheet).unwrap();
        for (r, c, cell) in range.used_cells() {
            if let Data::String(s) = cell {
                out.push((format!("{file} / {sheet} / R{}C{}", r + 1, c + 1), s.clone()));
            }
        }
    }
    out
}

fn mail_texts(file: &str, raw: &str) -> Vec<(String, String)> {
    mime_parts(raw)
        .into_iter()
        .filter(|(ctype, _)| ctype.starts_with("text/"))
        .map(|(ctype, body)| {
            let text = String::from_utf8_lossy(&body).into_owned();
            // Markup is not text: keep what a reader sees of an HTML part.
            let text = if ctype.starts_with("text/html") { strip_tags(&text) } else { text };
            (format!("{file} ({ctype})"), text)
        })
        .collect()
}

/// The workbooks a mail carries (a unit's card, with its lost points and overdue dossiers),
/// read like the shipped ones: the head opens them as they are sent.
fn attachment_texts(file: &str, raw: &str) -> Vec<(String, String)> {
    mime_parts(raw)
        .into_iter()
        .filter(|(ctype, _)| ctype.contains("spreadsheetml"))
        .flat_map(|(_, body)| workbook_texts(&format!("{file} (tệp đính kèm)"), &body))
        .collect()
}

/// Unit codes, the ward scope, officers' logins, methodology, target and award-level ids.
fn internal_codes(dir: &Path) -> BTreeSet<String> {
    let mut d = thidua::config::Diagnostics::default();
    let config = thidua::config::load(&dir.join("config/thidua.toml"), &mut d).unwrap();
    let m = &config.methodologies;
    let mut codes: BTreeSet<String> = config.registry.units.iter().map(|u| u.code.clone()).collect();
    codes.extend(config.registry.officers.iter().map(|o| o.id.clone()));
    codes.insert(thidua::score::WARD_SCOPE.to_string());
    codes.extend(m.indices.iter().map(|x| x.id.clone()));
    codes.extend(m.service.iter().map(|x| x.id.clone()));
    codes.extend(
        m.targets.iter().flat_map(|t| std::iter::once(t.id.clone()).chain(t.targets.iter().map(|x| x.code.clone()))),
    );
    codes.extend(
        m.awards.iter().flat_map(|a| std::iter::once(a.id.clone()).chain(a.levels.iter().map(|l| l.code.clone()))),
    );
    // Codes that are also words a reader writes: the police ("CA") is "Công an" in text, and
    // an abbreviation the units' own names use ("Ủy ban MTTQ Việt Nam phường") is a word.
    let named: BTreeSet<&str> = config.registry.units.iter().flat_map(|u| u.name.split_whitespace()).collect();
    codes.retain(|c| c.len() > 2 && !named.contains(c.as_str()));
    codes
}

/// Words of a text, cut at spaces and punctuation that never sits inside a code or a number.
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| c.is_whitespace() || "()[]{}:;,!?\"'“”‘’/|<>=+*«»–—".contains(c))
        .map(|w| w.trim_end_matches('.'))
        .filter(|w| !w.is_empty())
}

/// "0.8790", "91.01", "12.5": a decimal point (a dot before 1, 2 or 4+ digits, or after 0);
/// "4.244" and "1.234.567" are thousands, as Vietnamese writes them.
fn decimal_point(w: &str) -> bool {
    let Some((int, frac)) = w.split_once('.') else { return false };
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if !digits(int) || !frac.split('.').all(digits) {
        return false;
    }
    let thousands = int.len() <= 3 && int != "0" && frac.split('.').all(|g| g.len() == 3);
    !thousands
}

fn snake_case(w: &str) -> bool {
    w.contains('_') && w.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') && w.len() > 3
}

fn iso_timestamp(w: &str) -> bool {
    let b = w.as_bytes();
    b.len() >= 16 && b[4] == b'-' && b[7] == b'-' && b[10] == b'T' && b[..4].iter().all(u8::is_ascii_digit)
}

#[test]
fn readers_see_no_internal_code_login_key_or_decimal_point() {
    let run = run();
    assert!(run.texts.len() > 1000, "the outputs were read: {}", run.texts.len());
    assert!(
        run.texts.iter().any(|(place, _)| place.contains("(tệp đính kèm) / Hồ sơ quá hạn")),
        "the cards the mails carry were read"
    );
    let mut seen: Vec<String> = Vec::new();
    let mut by_place: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for (place, text) in &run.texts {
        for w in words(text) {
            let what = if run.codes.contains(w) {
                "mã nội bộ"
            } else if w.starts_with("gd.") {
                "tên đăng nhập"
            } else if snake_case(w) {
                "khóa snake_case"
            } else if decimal_point(w) {
                "dấu chấm thập phân"
            } else if iso_timestamp(w) {
                "thời điểm ISO"
            } else {
                continue;
            };
            let sheet: String = place.split(" / R").next().unwrap_or(place).to_string();
            *by_place.entry(format!("{sheet}: {what}")).or_default() += 1;
            seen.push(format!("{place}: {what} «{w}» in «{}»", text.chars().take(120).collect::<String>()));
        }
    }
    // PLAIN_WORDS_SHOW=xet-khen (with --nocapture) prints every finding whose place contains the text.
    if let Ok(show) = std::env::var("PLAIN_WORDS_SHOW") {
        seen.iter().filter(|s| s.contains(&show)).for_each(|s| eprintln!("{s}"));
    }
    let summary: Vec<String> = by_place.iter().map(|(k, n)| format!("{n:5} {k}")).collect();
    assert!(
        seen.is_empty(),
        "{} problems:\n{}\nfirst 40:\n{}",
        seen.len(),
        summary.join("\n"),
        seen[..seen.len().min(40)].join("\n")
    );
}

#[test]
fn the_scan_catches_what_it_looks_for() {
    assert!(decimal_point("0.8790") && decimal_point("91.01") && decimal_point("12.5") && decimal_point("0.123"));
    assert!(!decimal_point("4.244") && !decimal_point("1.234.567") && !decimal_point("91,01"));
    assert!(!decimal_point("H15.50.05.13-241029-0004") && !decimal_point("v2"));
    assert!(snake_case("targets_met") && snake_case("t05_van_ban_dien_tu") && !snake_case("Giếng_Đáy"));
    assert!(iso_timestamp("2026-12-02T02:03:52.697142896+07:00") && !iso_timestamp("02/12/2026"));
    let words: Vec<&str> = words("targets_met: không (chưa đạt: t05_van_ban_dien_tu); 0.8881.").collect();
    assert_eq!(words, ["targets_met", "không", "chưa", "đạt", "t05_van_ban_dien_tu", "0.8881"]);
}
