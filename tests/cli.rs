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
