//! The binary as a user runs it: exit codes and messages.

use std::process::Command;

use crate::common::{project, repo};

fn thidua() -> Command {
    Command::new(env!("CARGO_BIN_EXE_thidua"))
}

#[test]
fn check_passes_on_the_shipped_config() {
    let out = thidua().current_dir(repo()).arg("check").output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}{}", stdout, String::from_utf8_lossy(&out.stderr));
    assert!(stdout.starts_with("Cấu hình hợp lệ:"), "{stdout}");
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
