//! Secrets: the SMTP password and an HTTP source's token, given through an environment
//! variable or a file, never reach the output, the errors, the ledger, the store or the
//! outbox, even when the servers fail (an HTTP server that echoes the token back, an SMTP
//! server that refuses the login). And `thidua check` warns about secrets files that others
//! can read.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

use base64::Engine;

use crate::common::files_under;
use crate::http_pull::http_project;
use crate::httpd::{Reply, TestHttp};

const TOKEN: &str = "tok-bi-mat-7781-XYZ";
const PASSWORD: &str = "Mat-Khau-SMTP-9431!";

/// An SMTP server that offers AUTH and refuses every login with 535; it records the AUTH lines.
fn login_refusing_smtp() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let auth = Arc::new(Mutex::new(Vec::new()));
    let seen = auth.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let seen = seen.clone();
            std::thread::spawn(move || {
                let mut out = stream.try_clone().unwrap();
                let _ = out.write_all(b"220 test ESMTP\r\n");
                for line in BufReader::new(stream).lines() {
                    let Ok(line) = line else { return };
                    let verb = line.split(' ').next().unwrap_or("").to_ascii_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "EHLO" => b"250-test\r\n250 AUTH PLAIN LOGIN\r\n",
                        "AUTH" => {
                            seen.lock().unwrap().push(line.clone());
                            b"535 5.7.8 Authentication credentials invalid\r\n"
                        }
                        "QUIT" => {
                            let _ = out.write_all(b"221 bye\r\n");
                            return;
                        }
                        _ => b"250 OK\r\n",
                    };
                    if out.write_all(reply).is_err() {
                        return;
                    }
                }
            });
        }
    });
    (port, auth)
}

fn add_smtp(dir: &Path, port: u16, password: &str) {
    let settings = dir.join("config/thidua.toml");
    let mut text = std::fs::read_to_string(&settings).unwrap();
    text.push_str(&format!(
        "\n[smtp]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"plain\"\nusername = \"vanphong\"\n{password}\ntimeout_seconds = 10\nretry_attempts = 1\nretry_delay_ms = 10\n"
    ));
    std::fs::write(&settings, text).unwrap();
}

fn write_secret(dir: &Path, rel: &str, value: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, format!("{value}\n")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
}

fn run(dir: &Path, envs: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_thidua"));
    cmd.current_dir(dir).args(["run", "monthly", "--period", "2024-09"]);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

/// The secret, and the forms it takes on the wire, nowhere in the output or the project
/// (except the secrets files themselves).
fn assert_nowhere(dir: &Path, out: &Output, secret: &str) {
    let b64 = base64::engine::general_purpose::STANDARD.encode(secret);
    let forms = [secret.to_string(), b64.trim_end_matches('=').to_string()];
    let shown = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let mut scanned = 0;
    for form in &forms {
        assert!(!shown.contains(form.as_str()), "{form} in the output: {shown}");
        for file in files_under(dir).into_iter().filter(|p| !p.starts_with(dir.join("secrets"))) {
            let bytes = std::fs::read(&file).unwrap();
            assert!(!bytes.windows(form.len()).any(|w| w == form.as_bytes()), "{form} in {}", file.display());
            scanned += 1;
        }
    }
    let ledger = dir.join("store/ledger.sqlite");
    assert!(ledger.is_file(), "the run was recorded");
    let db = rusqlite::Connection::open(&ledger).unwrap();
    let mut dump = String::new();
    for table in ["runs", "sends"] {
        let mut st = db.prepare(&format!("SELECT * FROM {table}")).unwrap();
        let n = st.column_count();
        let mut rows = st.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            for i in 0..n {
                if let Ok(Some(s)) = r.get::<_, Option<String>>(i) {
                    dump.push_str(&s);
                }
            }
        }
    }
    assert!(!dump.is_empty());
    assert!(forms.iter().all(|f| !dump.contains(f.as_str())), "the secret in the ledger");
    assert!(scanned > 4, "scanned {scanned} files");
}

#[test]
fn a_token_echoed_by_a_failing_server_stays_out_of_errors_ledger_and_store() {
    // The server answers 500 and puts the Authorization header it got in its reply.
    let server = TestHttp::start(|req, _| {
        let got = req.header("Authorization").unwrap_or("none").to_string();
        Reply::new(500, "text/plain", format!("loi may chu, ban gui: {got}")).header("X-Echo", &got)
    });
    let dir = http_project(
        &server.url("/api/ho-so"),
        "{ type = \"bearer\", token_file = \"secrets/dvc-token\" }\nretries = 1",
    );
    write_secret(dir.path(), "secrets/dvc-token", TOKEN);
    let out = run(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(4), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(server.requests().iter().all(|r| r.header("Authorization") == Some(&format!("Bearer {TOKEN}"))));
    assert!(String::from_utf8_lossy(&out.stderr).contains("500"), "the error says what the server did");
    assert_nowhere(dir.path(), &out, TOKEN);

    // The same through the environment.
    let dir =
        http_project(&server.url("/api/ho-so"), "{ type = \"bearer\", token_env = \"THIDUA_DVC_TOKEN\" }\nretries = 1");
    let out = run(dir.path(), &[("THIDUA_DVC_TOKEN", TOKEN)]);
    assert_eq!(out.status.code(), Some(4));
    assert_nowhere(dir.path(), &out, TOKEN);
}

#[test]
fn an_smtp_password_refused_by_the_server_stays_out_of_errors_ledger_and_outbox() {
    let csv = std::fs::read(crate::common::repo().join("tests/fixtures/tiny/drop/2024-09/ho-so-thang-09.csv")).unwrap();
    let server = TestHttp::start(move |_, _| Reply::new(200, "text/csv; charset=utf-8", csv.clone()));
    let (port, auth) = login_refusing_smtp();

    // The password from a file, the token from the environment.
    let dir = http_project(&server.url("/api/ho-so"), "{ type = \"bearer\", token_env = \"THIDUA_DVC_TOKEN\" }");
    add_smtp(dir.path(), port, "password_file = \"secrets/smtp\"");
    write_secret(dir.path(), "secrets/smtp", PASSWORD);
    let out = run(dir.path(), &[("THIDUA_DVC_TOKEN", TOKEN)]);
    assert_eq!(out.status.code(), Some(3), "a configuration problem: {}", String::from_utf8_lossy(&out.stderr));
    let sent = auth.lock().unwrap().clone();
    assert!(!sent.is_empty(), "the client logged in");
    let plain = base64::engine::general_purpose::STANDARD.decode(sent[0].rsplit(' ').next().unwrap()).unwrap();
    assert!(String::from_utf8_lossy(&plain).contains(PASSWORD), "the password really was read and sent");
    assert_nowhere(dir.path(), &out, PASSWORD);
    assert_nowhere(dir.path(), &out, TOKEN);

    // The password from the environment, the token from a file.
    let dir = http_project(&server.url("/api/ho-so"), "{ type = \"bearer\", token_file = \"secrets/dvc-token\" }");
    add_smtp(dir.path(), port, "password_env = \"THIDUA_SMTP_PASSWORD\"");
    write_secret(dir.path(), "secrets/dvc-token", TOKEN);
    let out = run(dir.path(), &[("THIDUA_SMTP_PASSWORD", PASSWORD)]);
    assert_eq!(out.status.code(), Some(3));
    assert_nowhere(dir.path(), &out, PASSWORD);
    assert_nowhere(dir.path(), &out, TOKEN);
}

#[test]
fn check_warns_about_secrets_files_others_can_read() {
    use std::os::unix::fs::PermissionsExt;
    let dir = http_project("https://dvc.example/api", "{ type = \"bearer\", token_file = \"secrets/dvc-token\" }");
    add_smtp(dir.path(), 25, "password_file = \"secrets/smtp\"");
    write_secret(dir.path(), "secrets/dvc-token", TOKEN);
    write_secret(dir.path(), "secrets/smtp", PASSWORD);
    let check = || Command::new(env!("CARGO_BIN_EXE_thidua")).current_dir(dir.path()).arg("check").output().unwrap();
    let out = check();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("cảnh báo"), "0600 is fine");

    let mode = |rel: &str, m: u32| {
        std::fs::set_permissions(dir.path().join(rel), std::fs::Permissions::from_mode(m)).unwrap();
    };
    mode("secrets/smtp", 0o644);
    mode("secrets/dvc-token", 0o640);
    let out = check();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "a warning, not a failure: {err}");
    assert!(
        err.contains("secrets/smtp: cảnh báo: tệp bí mật có quyền 644, nhóm hoặc người dùng khác đọc được"),
        "{err}"
    );
    assert!(err.contains("secrets/dvc-token: cảnh báo: tệp bí mật có quyền 640"), "{err}");
    assert!(!err.contains(TOKEN) && !err.contains(PASSWORD));
}
