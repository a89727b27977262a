//! The binary as a user runs it: exit codes and messages.

use std::path::Path;
use std::process::Command;

use crate::common::{copy_dir, project, repo};

fn thidua() -> Command {
    Command::new(env!("CARGO_BIN_EXE_thidua"))
}

/// The current year where the ward is (`check` asks for its holidays).
fn this_year() -> i32 {
    use chrono::Datelike;
    chrono::Utc::now().with_timezone(&chrono_tz::Asia::Ho_Chi_Minh).year()
}

/// Writes a holiday file for the current year (without days off) where a project has none,
/// and says so: `thidua check` fails without one.
pub(crate) fn holidays_for_this_year(root: &Path) {
    let file = root.join(format!("config/holidays/{}.toml", this_year()));
    if !file.exists() {
        eprintln!("note: {} is not shipped yet; the test writes one without days off", file.display());
        std::fs::write(&file, format!("year = {}\n", this_year())).unwrap();
    }
}

#[test]
fn check_passes_on_the_shipped_config() {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["config", "pipelines"] {
        copy_dir(&repo().join(sub), &dir.path().join(sub));
    }
    holidays_for_this_year(dir.path());
    let out = thidua().current_dir(dir.path()).arg("check").output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}{}", stdout, String::from_utf8_lossy(&out.stderr));
    assert!(stdout.starts_with("Cấu hình hợp lệ:"), "{stdout}");
}

#[test]
fn check_without_this_years_holidays_names_the_file_and_exits_3() {
    let dir = project("tiny");
    let file = format!("config/holidays/{}.toml", this_year());
    std::fs::remove_file(dir.path().join(&file)).ok();
    let out = thidua().current_dir(dir.path()).arg("check").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains(&format!("{file}: chưa có lịch nghỉ lễ, Tết năm {}", this_year())), "{stderr}");

    holidays_for_this_year(dir.path());
    let out = thidua().current_dir(dir.path()).arg("check").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn check_names_file_and_line_and_exits_3() {
    let dir = project("tiny");
    let pipeline = dir.path().join("pipelines/monthly.toml");
    let text = std::fs::read_to_string(&pipeline).unwrap();
    std::fs::write(&pipeline, text.replace("dataset = \"dossiers\"", "dataset = \"dosiers\"")).unwrap();
    let out = thidua().current_dir(dir.path()).arg("check").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("pipelines/monthly.toml:"), "{stderr}");
    assert!(stderr.contains("dosiers"), "{stderr}");
}

/// The 1-based line of the first line of `text` that contains `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap_or_else(|| panic!("{needle:?} not in the file")) + 1
}

/// Replaces `from` by `to` in a project file and returns the line it is on.
fn break_file(root: &Path, file: &str, from: &str, to: &str) -> usize {
    let path = root.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file}: {from:?}");
    let text = text.replacen(from, to, 1);
    std::fs::write(&path, &text).unwrap();
    line_of(&text, to)
}

#[test]
fn check_reports_every_problem_of_every_file_in_one_run() {
    let dir = project("tiny");
    let root = dir.path();
    holidays_for_this_year(root);
    copy_dir(&repo().join("config/templates"), &root.join("config/templates"));
    let settings = break_file(root, "config/thidua.toml", "Asia/Ho_Chi_Minh", "Asia/Hanoi");
    let units = break_file(root, "config/units.toml", "\"b@tiny.example\"", "\"b at tiny\"");
    let glob = break_file(root, "pipelines/monthly.toml", "drop/{period}/*", "drop/{perod}/*");
    let report = break_file(root, "pipelines/monthly.toml", "bang-diem-{period}.xlsx", "bang-diem-{perid}.xlsx");
    let template =
        break_file(root, "config/templates/awards/chung.toml", "place = \"{ward_short}\"", "place = \"{wardshort}\"");
    let rules = "config/methodology/awards-2024.toml";
    let criterion = break_file(root, rules, "nhiệm vụ tại {plan_short}", "nhiệm vụ tại {plan_shrt}");
    let decision = break_file(root, rules, "decision = \"{plan}", "decision = \"{plan_long}");
    std::fs::create_dir_all(root.join("config/facts")).unwrap();
    // A facts file for a year without holidays, naming a unit that is not in the registry.
    std::fs::write(root.join("config/facts/2023.toml"), "year = 2023\n\n[[unit]]\ncode = \"ZZ\"\n").unwrap();

    let out = thidua().current_dir(root).arg("check").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    for (place, says) in [
        (format!("config/thidua.toml:{settings}:"), "Asia/Hanoi"),
        (format!("config/units.toml:{units}:"), "b at tiny"),
        (format!("pipelines/monthly.toml:{glob}:"), "{perod}"),
        (format!("pipelines/monthly.toml:{report}:"), "{perid}"),
        (format!("config/templates/awards/chung.toml:{template}:"), "{wardshort}"),
        (format!("{rules}:{criterion}:"), "{plan_shrt}, không phải chỗ giữ chỗ thidua điền — có phải {plan_short}?"),
        (format!("{rules}:{decision}:"), "{plan_long}"),
        ("config/facts/2023.toml:3:".to_string(), "\"ZZ\""),
        ("config/facts/2023.toml:1:".to_string(), "config/holidays/2023.toml"),
    ] {
        assert!(stderr.lines().any(|l| l.starts_with(&place) && l.contains(says)), "{place} … {says}\n{stderr}");
    }
    // Each problem once, though the templates are checked on their own and by no pipeline here.
    assert_eq!(stderr.matches("{wardshort}").count(), 1, "{stderr}");
}

#[test]
fn a_bad_period_is_a_usage_error() {
    let out = thidua().current_dir(repo()).args(["run", "monthly", "--period", "2024-13"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("YYYY-MM"));
}

#[test]
fn help_documents_exit_codes() {
    let out = thidua().arg("--help").output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("lỗi dữ liệu") && stdout.contains("check") && stdout.contains("sample"), "{stdout}");
}

#[test]
fn history_into_a_pipe_that_closes_early_ends_quietly() {
    use std::io::Read;
    let dir = project("tiny");
    let out = thidua().current_dir(dir.path()).args(["run", "monthly", "--period", "2024-09"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // More runs, with long messages (a list of problems), so that the output is more than
    // a pipe holds and `history` is still writing when the reader goes away.
    let ledger = thidua::deliver::Ledger::open(&dir.path().join("store/ledger.sqlite")).unwrap();
    let problems = "pipelines/monthly.toml:12: nguồn \"dvc\" không tồn tại\n".repeat(40);
    for _ in 0..60 {
        let id = ledger.start_run("monthly", "2024-09", &[]).unwrap();
        ledger.finish_run(id, "config", &problems, &[], &[]).unwrap();
    }
    drop(ledger);

    let mut child = thidua()
        .current_dir(dir.path())
        .args(["history", "--limit", "50"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut head = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut head).unwrap();
    // The reader has closed (as `head` does); history goes on writing into the closed pipe.
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}
