//! Delivery under the faults real mail servers have, against a scripted SMTP server on
//! loopback: a 250 that comes after the command timeout, a reply that never comes, a wrong
//! password fixed later, a 550 for one recipient, `outbox --flush` during a run, and the
//! process killed at random moments. Every recipient gets each message exactly once.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use crate::common::project;
use crate::smtp::ScriptedSmtp;

struct Setup<'a> {
    to: &'a [&'a str],
    timeout: u64,
    data_timeout: u64,
    resend_after: u64,
}

/// The tiny fixture sending through the scripted server as "vanphong" (password in a file).
fn smtp_project(port: u16, password: &str, s: &Setup<'_>) -> tempfile::TempDir {
    let dir = project("tiny");
    let settings = dir.path().join("config/thidua.toml");
    let mut text = std::fs::read_to_string(&settings).unwrap();
    text.push_str(&format!(
        "\n[smtp]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"plain\"\nusername = \"vanphong\"\n\
         password_file = \"secrets/smtp\"\ntimeout_seconds = {}\ndata_timeout_seconds = {}\n\
         uncertain_resend_after_seconds = {}\nretry_attempts = 3\nretry_delay_ms = 50\n",
        s.timeout, s.data_timeout, s.resend_after
    ));
    std::fs::write(&settings, text).unwrap();
    set_password(dir.path(), password);
    let pipeline = dir.path().join("pipelines/monthly.toml");
    let text = std::fs::read_to_string(&pipeline).unwrap();
    let list: Vec<String> = s.to.iter().map(|a| format!("\"{a}\"")).collect();
    std::fs::write(
        &pipeline,
        text.replace("to = [\"Chủ tịch <chutich@tiny.example>\"]", &format!("to = [{}]", list.join(", "))),
    )
    .unwrap();
    dir
}

fn set_password(dir: &Path, password: &str) {
    let path = dir.join("secrets/smtp");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, password).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
}

fn thidua(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_thidua")).current_dir(dir).args(args).output().unwrap()
}

fn run(dir: &Path) -> Output {
    thidua(dir, &["run", "monthly", "--period", "2024-09"])
}

fn said(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// Each recipient has exactly one message on the server, and all messages to one
/// recipient (were there more) would carry one Message-ID.
fn exactly_once(server: &ScriptedSmtp, recipients: &[&str]) {
    for r in recipients {
        let got = server.to(r);
        assert_eq!(got.len(), 1, "{r} got {} copies", got.len());
    }
}

/// Each recipient has the message, every copy under one Message-ID.
fn one_message(server: &ScriptedSmtp, recipients: &[&str]) {
    for r in recipients {
        let ids: std::collections::BTreeSet<String> = server
            .to(r)
            .iter()
            .filter_map(|m| {
                String::from_utf8_lossy(&m.data)
                    .lines()
                    .find(|l| l.to_ascii_lowercase().starts_with("message-id:"))
                    .map(str::to_string)
            })
            .collect();
        assert_eq!(ids.len(), 1, "{r}: {ids:?}");
    }
}

const HEADS: [&str; 2] = ["a@tiny.example", "b@tiny.example"];

#[test]
fn a_250_that_comes_after_the_command_timeout_is_waited_for_and_counted_once() {
    // The relay stores the message, then takes 3 s to say so; commands time out after 1 s.
    let server = ScriptedSmtp::start("dung", Duration::from_secs(3));
    let to = ["slow1@tiny.example", "slow2@tiny.example"];
    let dir = smtp_project(server.port, "dung", &Setup { to: &to, timeout: 1, data_timeout: 30, resend_after: 86_400 });
    let first = run(dir.path());
    assert_eq!(first.status.code(), Some(0), "{}", said(&first));
    assert!(said(&first).contains("đã gửi 4, đã gửi từ trước 0"), "{}", said(&first));
    let again = run(dir.path());
    assert!(said(&again).contains("đã gửi 0, đã gửi từ trước 4"), "{}", said(&again));
    let flush = thidua(dir.path(), &["outbox", "--flush"]);
    assert_eq!(flush.status.code(), Some(0), "{}", said(&flush));
    exactly_once(&server, &[to[0], to[1], HEADS[0], HEADS[1]]);
}

#[test]
fn a_reply_that_never_comes_is_uncertain_and_goes_again_once_only_after_the_delay() {
    // "lost…": the first time, the server reads the data and hangs up without a reply.
    let server = ScriptedSmtp::start("dung", Duration::from_secs(2));
    let to = ["lost@tiny.example"];
    let dir = smtp_project(server.port, "dung", &Setup { to: &to, timeout: 1, data_timeout: 1, resend_after: 4 });
    let first = run(dir.path());
    assert_eq!(first.status.code(), Some(5), "{}", said(&first));
    assert!(said(&first).contains("lost@tiny.example: chưa chắc đã tới"), "{}", said(&first));
    assert!(said(&first).contains("không trả lời sau 1 giây"), "the cause in Vietnamese: {}", said(&first));
    assert!(!said(&first).contains("os error"), "{}", said(&first));
    assert!(server.to(to[0]).is_empty());
    // At once again: not retried blindly; history says what will happen, and when.
    let again = run(dir.path());
    assert_eq!(again.status.code(), Some(5), "{}", said(&again));
    assert!(server.to(to[0]).is_empty(), "an uncertain send is not sent again before its delay");
    let history = said(&thidua(dir.path(), &["history"]));
    assert!(history.contains("sẽ gửi lại một lần, cùng Message-ID, từ"), "{history}");
    // After the delay: sent once more, delivered; and never again.
    std::thread::sleep(Duration::from_secs(5));
    let later = run(dir.path());
    assert_eq!(later.status.code(), Some(0), "{}", said(&later));
    let last = run(dir.path());
    assert_eq!(last.status.code(), Some(0), "{}", said(&last));
    exactly_once(&server, &[to[0], HEADS[0], HEADS[1]]);
}

#[test]
fn a_wrong_password_is_a_configuration_problem_and_the_run_after_the_fix_delivers() {
    let server = ScriptedSmtp::start("mat-khau-dung", Duration::from_secs(0));
    let to = ["chutich@tiny.example"];
    let dir = smtp_project(
        server.port,
        "mat-khau-sai",
        &Setup { to: &to, timeout: 5, data_timeout: 30, resend_after: 86_400 },
    );
    let wrong = run(dir.path());
    assert_eq!(wrong.status.code(), Some(3), "{}", said(&wrong));
    assert!(said(&wrong).contains("máy chủ thư từ chối đăng nhập tài khoản vanphong"), "{}", said(&wrong));
    assert!(!said(&wrong).contains("mat-khau"), "the password is never printed");
    assert!(server.received().is_empty());
    set_password(dir.path(), "mat-khau-dung");
    let fixed = run(dir.path());
    assert_eq!(fixed.status.code(), Some(0), "{}", said(&fixed));
    assert!(said(&fixed).contains("đã gửi 3, đã gửi từ trước 0"), "{}", said(&fixed));
    exactly_once(&server, &[to[0], HEADS[0], HEADS[1]]);
}

#[test]
fn a_rejected_recipient_is_counted_failed_never_already_sent() {
    let server = ScriptedSmtp::start("dung", Duration::from_secs(0));
    let to = ["reject@tiny.example", "ok@tiny.example"];
    let dir = smtp_project(server.port, "dung", &Setup { to: &to, timeout: 5, data_timeout: 30, resend_after: 86_400 });
    let first = run(dir.path());
    assert_eq!(first.status.code(), Some(5), "{}", said(&first));
    let again = run(dir.path());
    assert_eq!(again.status.code(), Some(5), "still not delivered: {}", said(&again));
    assert!(
        said(&again).contains("reject@tiny.example: không gửi được (đã thất bại ở lần gửi trước"),
        "{}",
        said(&again)
    );
    exactly_once(&server, &[to[1], HEADS[0], HEADS[1]]);
    assert!(server.to(to[0]).is_empty());
}

#[test]
fn outbox_flush_during_a_run_is_refused_and_nobody_gets_two() {
    let server = ScriptedSmtp::start("dung", Duration::from_millis(800));
    let to = ["slow1@tiny.example", "slow2@tiny.example", "slow3@tiny.example"];
    let dir = smtp_project(server.port, "dung", &Setup { to: &to, timeout: 5, data_timeout: 30, resend_after: 86_400 });
    let mut child = Command::new(env!("CARGO_BIN_EXE_thidua"))
        .current_dir(dir.path())
        .args(["run", "monthly", "--period", "2024-09"])
        .spawn()
        .unwrap();
    let start = Instant::now();
    while server.received().is_empty() && start.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(10));
    }
    let flush = thidua(dir.path(), &["outbox", "--flush"]);
    assert_eq!(flush.status.code(), Some(6), "{}", said(&flush));
    assert!(said(&flush).contains("một tiến trình khác đang gửi thư"), "{}", said(&flush));
    assert!(child.wait().unwrap().success());
    exactly_once(&server, &[to[0], to[1], to[2], HEADS[0], HEADS[1]]);
}

#[test]
fn killed_at_random_moments_while_a_slow_server_answers_twenty_times_everyone_gets_one() {
    use rand::{Rng, SeedableRng};
    let seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64;
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let to = ["slow1@tiny.example", "slow2@tiny.example"];
    let mut uncertain = 0;
    for trial in 0..20 {
        let server = ScriptedSmtp::start("dung", Duration::from_millis(250));
        let dir =
            smtp_project(server.port, "dung", &Setup { to: &to, timeout: 5, data_timeout: 30, resend_after: 86_400 });
        let mut child = Command::new(env!("CARGO_BIN_EXE_thidua"))
            .current_dir(dir.path())
            .args(["run", "monthly", "--period", "2024-09"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(rng.random_range(200..1600)));
        let _ = child.kill();
        child.wait().unwrap();
        let after = run(dir.path());
        let text = said(&after);
        assert!(matches!(after.status.code(), Some(0 | 5)), "trial {trial}: {text}");
        let everyone = [to[0], to[1], HEADS[0], HEADS[1]];
        if text.contains("chưa chắc đã tới") {
            // Killed with a body half sent: the server may or may not hold it, so it is not
            // sent again until its resend is due. Never two copies meanwhile; once due, each
            // recipient has it, under one Message-ID (a mail client shows one message).
            uncertain += 1;
            for r in everyone {
                assert!(server.to(r).len() <= 1, "trial {trial}: {r} got {} copies", server.to(r).len());
            }
            let settings = dir.path().join("config/thidua.toml");
            let config = std::fs::read_to_string(&settings).unwrap();
            std::fs::write(
                &settings,
                config.replace("uncertain_resend_after_seconds = 86400", "uncertain_resend_after_seconds = 0"),
            )
            .unwrap();
            let flush = thidua(dir.path(), &["outbox", "--flush"]);
            assert!(flush.status.success(), "trial {trial}: {}", said(&flush));
            one_message(&server, &everyone);
        } else {
            exactly_once(&server, &everyone);
        }
    }
    eprintln!("20 kills (seed {seed}): {uncertain} left a send uncertain (not sent again), every recipient got one");
}
