//! Delivery against a real SMTP server on loopback: recipients and attachments, a second
//! run that sends nothing, 4xx then 250, 5xx for one recipient, and a process killed in the
//! middle of sending — nothing lost, nothing sent twice.

use std::io::Cursor;
use std::process::Command;
use std::time::{Duration, Instant};

use base64::Engine;
use calamine::Reader;
use chrono::TimeZone;
use thidua::config::load_checked as load_config;
use thidua::deliver::Ledger;
use thidua::period::Period;
use thidua::pipeline::{self, RunContext, RunSummary};

use crate::common::project;
use crate::smtp::{Received, TestSmtp};

/// The tiny fixture, sending through the test server to `to`.
fn smtp_project(port: u16, to: &[&str]) -> tempfile::TempDir {
    let dir = project("tiny");
    let settings = dir.path().join("config/thidua.toml");
    let mut text = std::fs::read_to_string(&settings).unwrap();
    text.push_str(&format!(
        "\n[smtp]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"plain\"\ntimeout_seconds = 10\nretry_attempts = 3\nretry_delay_ms = 50\n"
    ));
    std::fs::write(&settings, text).unwrap();
    let pipeline = dir.path().join("pipelines/monthly.toml");
    let text = std::fs::read_to_string(&pipeline).unwrap();
    let list: Vec<String> = to.iter().map(|a| format!("\"{a}\"")).collect();
    std::fs::write(
        &pipeline,
        text.replace("to = [\"Chủ tịch <chutich@tiny.example>\"]", &format!("to = [{}]", list.join(", "))),
    )
    .unwrap();
    dir
}

fn run(dir: &std::path::Path, resend: bool) -> anyhow::Result<RunSummary> {
    let config = load_config(&dir.join("config/thidua.toml")).unwrap();
    let p = pipeline::load(&config, "monthly").unwrap();
    let now = config.settings.ward.time_zone.with_ymd_and_hms(2024, 10, 5, 8, 0, 0).unwrap();
    let ctx = RunContext { config: &config, period: Period::new(2024, 9).unwrap(), now, dry_run: false, resend };
    pipeline::run(&p, &ctx)
}

fn to(server: &TestSmtp, rcpt: &str) -> Vec<Received> {
    server.received().into_iter().filter(|m| m.rcpt.iter().any(|r| r == rcpt)).collect()
}

/// The base64 attachment of a raw message.
fn attachment(m: &Received) -> Vec<u8> {
    let text = m.text();
    let at = text.find("Content-Disposition: attachment").expect("an attachment");
    let body_start = text[at..].find("\r\n\r\n").unwrap() + at + 4;
    let body_end = text[body_start..].find("\r\n--").unwrap() + body_start;
    let b64: String = text[body_start..body_end].split_whitespace().collect();
    base64::engine::general_purpose::STANDARD.decode(b64).unwrap()
}

#[test]
fn mail_arrives_with_its_recipients_and_an_attachment_that_opens() {
    let server = TestSmtp::start();
    let dir = smtp_project(server.port, &["chutich@tiny.example"]);
    let s = run(dir.path(), false).unwrap();
    let d = s.delivery.unwrap();
    assert_eq!(d.delivered.len(), 3, "the chairman and the heads of units A and B: {d:?}");
    let summary = to(&server, "chutich@tiny.example");
    assert_eq!(summary.len(), 1);
    assert!(summary[0].header("Subject").unwrap().starts_with("=?utf-8?"), "a Vietnamese subject, encoded");
    let book = attachment(&summary[0]);
    let wb = calamine::open_workbook_auto_from_rs(Cursor::new(book)).unwrap();
    assert!(wb.sheet_names().contains(&"Tổng hợp".to_string()));
    let card = to(&server, "a@tiny.example");
    assert_eq!(card.len(), 1, "unit A's head gets the unit's own card");
    let mut wb = calamine::open_workbook_auto_from_rs(Cursor::new(attachment(&card[0]))).unwrap();
    assert!(wb.worksheet_range("Hồ sơ quá hạn").is_ok());
    assert!(card[0].text().contains("HS-A2"), "the unit's overdue dossiers are in the body");
}

#[test]
fn a_delivered_period_sends_nothing_the_second_time_unless_resent() {
    let server = TestSmtp::start();
    let dir = smtp_project(server.port, &["chutich@tiny.example"]);
    run(dir.path(), false).unwrap();
    let s = run(dir.path(), false).unwrap();
    let d = s.delivery.unwrap();
    assert!(d.delivered.is_empty() && d.already == 3, "{d:?}");
    assert_eq!(server.received().len(), 3);
    run(dir.path(), true).unwrap();
    assert_eq!(server.received().len(), 6, "--resend sends every message again");
    let ids: std::collections::BTreeSet<_> =
        to(&server, "chutich@tiny.example").iter().map(|m| m.header("Message-ID")).collect();
    assert_eq!(ids.len(), 2, "a resend is a new message");
}

#[test]
fn a_transient_4xx_is_retried_then_delivered() {
    let server = TestSmtp::start();
    let dir = smtp_project(server.port, &["tempfail@tiny.example"]);
    let d = run(dir.path(), false).unwrap().delivery.unwrap();
    assert!(d.delivered.contains(&"tempfail@tiny.example".to_string()), "{d:?}");
    assert_eq!(to(&server, "tempfail@tiny.example").len(), 1);
    let ledger = Ledger::open(&dir.path().join("store/ledger.sqlite")).unwrap();
    let sends = ledger.sends(10).unwrap();
    let s = sends.iter().find(|s| s.recipient == "tempfail@tiny.example").unwrap();
    assert_eq!((s.status.as_str(), s.attempts), ("delivered", 1), "one send, retried inside it: {s:?}");
}

#[test]
fn a_permanent_5xx_for_one_recipient_never_resends_to_the_others() {
    let server = TestSmtp::start();
    let dir = smtp_project(server.port, &["ok@tiny.example", "reject@tiny.example"]);
    let err = run(dir.path(), false).unwrap_err();
    assert_eq!(thidua::outcome::exit_code(&err), std::process::ExitCode::from(5));
    assert!(format!("{err:#}").contains("reject@tiny.example: không gửi được"), "{err:#}");
    assert_eq!(to(&server, "ok@tiny.example").len(), 1);
    // Run again: nothing new for the others, and the rejected address is not hammered.
    let _ = run(dir.path(), false);
    assert_eq!(to(&server, "ok@tiny.example").len(), 1);
    assert_eq!(server.received().len(), 3, "ok, and the two unit heads, once each");
    let ledger = Ledger::open(&dir.path().join("store/ledger.sqlite")).unwrap();
    let failed: Vec<_> = ledger.sends(20).unwrap().into_iter().filter(|s| s.status == "failed").collect();
    assert_eq!(failed.len(), 1);
    assert!(failed[0].last_error.as_deref().unwrap_or("").contains("550"), "{failed:?}");
}

#[test]
fn killed_in_the_middle_of_sending_then_run_again_loses_nothing_and_sends_nothing_twice() {
    let server = TestSmtp::start();
    // The summary goes first and to "slow": the server hangs on its DATA, the process dies there.
    let dir = smtp_project(server.port, &["slow@tiny.example"]);
    let bin = env!("CARGO_BIN_EXE_thidua");
    let mut child =
        Command::new(bin).current_dir(dir.path()).args(["run", "monthly", "--period", "2024-09"]).spawn().unwrap();
    let start = Instant::now();
    while server.data_started() == 0 && start.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(server.data_started() > 0, "the run reached the server");
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(server.received().is_empty(), "killed before the server accepted anything");
    // Run again (the server is still slow, but alive): everything arrives once.
    let out =
        Command::new(bin).current_dir(dir.path()).args(["run", "monthly", "--period", "2024-09"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for rcpt in ["slow@tiny.example", "a@tiny.example", "b@tiny.example"] {
        assert_eq!(to(&server, rcpt).len(), 1, "{rcpt} got exactly one message");
    }
    // And a third run sends nothing.
    let out =
        Command::new(bin).current_dir(dir.path()).args(["run", "monthly", "--period", "2024-09"]).output().unwrap();
    assert!(out.status.success());
    assert_eq!(server.received().len(), 3);
    let ledger = Ledger::open(&dir.path().join("store/ledger.sqlite")).unwrap();
    assert!(ledger.sends(10).unwrap().iter().all(|s| s.status == "delivered"));
    let runs = ledger.runs(10).unwrap();
    assert_eq!(runs.len(), 3);
    assert!(runs.iter().any(|r| r.outcome.is_none()), "the killed run is recorded as never finished");
}
