//! A real SMTP server on loopback for the delivery tests (mailin-embedded), whose replies
//! are chosen per recipient: `reject…` gets 550, `tempfail…` gets 451 the first time, and
//! `slow…` makes the DATA command hang (so a client can be killed mid-send).

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, TcpListener};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mailin_embedded::response::{self, Response};
use mailin_embedded::{Handler, Server};

/// A message as the server stored it: envelope recipient and raw data.
#[derive(Debug, Clone)]
pub(crate) struct Received {
    pub rcpt: Vec<String>,
    pub data: Vec<u8>,
}

impl Received {
    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.data).into_owned()
    }

    pub(crate) fn header(&self, name: &str) -> Option<String> {
        let text = self.text();
        text.lines()
            .take_while(|l| !l.is_empty())
            .find(|l| l.to_ascii_lowercase().starts_with(&format!("{}:", name.to_ascii_lowercase())))
            .map(|l| l[name.len() + 1..].trim().to_string())
    }
}

#[derive(Default)]
struct State {
    received: Vec<Received>,
    tempfailed: HashMap<String, usize>,
    data_started: usize,
}

#[derive(Clone)]
struct Recorder {
    state: Arc<Mutex<State>>,
    rcpt: Vec<String>,
    data: Vec<u8>,
}

impl Handler for Recorder {
    fn helo(&mut self, _ip: IpAddr, _domain: &str) -> Response {
        self.rcpt.clear();
        response::OK
    }

    fn mail(&mut self, _ip: IpAddr, _domain: &str, _from: &str) -> Response {
        self.rcpt.clear();
        self.data.clear();
        response::OK
    }

    fn rcpt(&mut self, to: &str) -> Response {
        let mut s = self.state.lock().unwrap();
        if to.starts_with("reject") {
            return response::NO_MAILBOX;
        }
        if to.starts_with("tempfail") {
            let n = s.tempfailed.entry(to.to_string()).or_default();
            *n += 1;
            if *n == 1 {
                return response::INTERNAL_ERROR;
            }
        }
        self.rcpt.push(to.to_string());
        response::OK
    }

    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, to: &[String]) -> Response {
        let slow = to.iter().any(|t| t.starts_with("slow"));
        self.state.lock().unwrap().data_started += 1;
        if slow {
            std::thread::sleep(Duration::from_secs(3));
        }
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let msg = Received { rcpt: std::mem::take(&mut self.rcpt), data: std::mem::take(&mut self.data) };
        self.state.lock().unwrap().received.push(msg);
        response::OK
    }
}

/// A running server; it lives until the test process ends.
pub(crate) struct TestSmtp {
    pub port: u16,
    state: Arc<Mutex<State>>,
}

impl TestSmtp {
    pub(crate) fn start() -> TestSmtp {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(Mutex::new(State::default()));
        let handler = Recorder { state: state.clone(), rcpt: vec![], data: vec![] };
        let mut server = Server::new(handler);
        server.with_name("thidua-test").with_num_threads(4).with_tcp_listener(listener);
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        TestSmtp { port, state }
    }

    pub(crate) fn received(&self) -> Vec<Received> {
        self.state.lock().unwrap().received.clone()
    }

    pub(crate) fn data_started(&self) -> usize {
        self.state.lock().unwrap().data_started
    }
}

/// A scripted SMTP server (hand-written, so that replies can be late or never come):
/// - AUTH PLAIN accepts `password`, else 535;
/// - `reject…` gets 550 at RCPT;
/// - `slow…` gets its 250 after the data `delay` (the message is stored before the wait,
///   as real servers store before they reply);
/// - `lost…` the first time: the data is read, nothing stored, the connection closed after
///   the delay without a reply (the message is lost); later: stored, 250.
pub(crate) struct ScriptedSmtp {
    pub port: u16,
    received: Arc<Mutex<Vec<Received>>>,
}

impl ScriptedSmtp {
    pub(crate) fn start(password: &str, delay: Duration) -> ScriptedSmtp {
        use std::io::{BufRead, BufReader, Write};
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let password = Arc::new(Mutex::new(password.to_string()));
        let received = Arc::new(Mutex::new(Vec::new()));
        let lost_once: Arc<Mutex<Vec<String>>> = Arc::new(Mutex::new(Vec::new()));
        let (pw, rx) = (password, received.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (pw, rx, lost_once) = (pw.clone(), rx.clone(), lost_once.clone());
                std::thread::spawn(move || {
                    let mut out = stream.try_clone().unwrap();
                    let mut lines = BufReader::new(stream);
                    let _ = out.write_all(b"220 scripted ESMTP\r\n");
                    let mut rcpt: Vec<String> = Vec::new();
                    let mut line = String::new();
                    loop {
                        line.clear();
                        if lines.read_line(&mut line).unwrap_or(0) == 0 {
                            return;
                        }
                        let verb = line.split([' ', '\r', '\n']).next().unwrap_or("").to_ascii_uppercase();
                        let reply: String = match verb.as_str() {
                            "EHLO" => "250-scripted\r\n250 AUTH PLAIN\r\n".into(),
                            "AUTH" => {
                                use base64::Engine;
                                let b64 = line.trim_end().rsplit(' ').next().unwrap_or("");
                                let plain = base64::engine::general_purpose::STANDARD.decode(b64).unwrap_or_default();
                                let given =
                                    String::from_utf8_lossy(&plain).rsplit('\0').next().unwrap_or("").to_string();
                                if given == *pw.lock().unwrap() {
                                    "235 2.7.0 ok\r\n".into()
                                } else {
                                    "535 5.7.8 Authentication credentials invalid\r\n".into()
                                }
                            }
                            "MAIL" => {
                                rcpt.clear();
                                "250 ok\r\n".into()
                            }
                            "RCPT" => {
                                let to = line.split(['<', '>']).nth(1).unwrap_or("").to_string();
                                if to.starts_with("reject") {
                                    "550 5.1.1 no such mailbox\r\n".into()
                                } else {
                                    rcpt.push(to);
                                    "250 ok\r\n".into()
                                }
                            }
                            "DATA" => {
                                let _ = out.write_all(b"354 go ahead\r\n");
                                let mut data = Vec::new();
                                loop {
                                    line.clear();
                                    if lines.read_line(&mut line).unwrap_or(0) == 0 {
                                        return;
                                    }
                                    if line == ".\r\n" {
                                        break;
                                    }
                                    data.extend_from_slice(line.as_bytes());
                                }
                                let slow = rcpt.iter().any(|r| r.starts_with("slow"));
                                let lose = rcpt.iter().any(|r| r.starts_with("lost")) && {
                                    let mut l = lost_once.lock().unwrap();
                                    let first = !l.contains(&rcpt[0]);
                                    l.push(rcpt[0].clone());
                                    first
                                };
                                if lose {
                                    std::thread::sleep(delay);
                                    return; // no reply, nothing stored
                                }
                                rx.lock().unwrap().push(Received { rcpt: std::mem::take(&mut rcpt), data });
                                if slow {
                                    std::thread::sleep(delay);
                                }
                                "250 2.0.0 queued\r\n".into()
                            }
                            "RSET" | "NOOP" => "250 ok\r\n".into(),
                            "QUIT" => {
                                let _ = out.write_all(b"221 bye\r\n");
                                return;
                            }
                            _ => "502 5.5.2 unknown\r\n".into(),
                        };
                        if out.write_all(reply.as_bytes()).is_err() {
                            return;
                        }
                    }
                });
            }
        });
        ScriptedSmtp { port, received }
    }

    pub(crate) fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    pub(crate) fn to(&self, rcpt: &str) -> Vec<Received> {
        self.received().into_iter().filter(|m| m.rcpt.iter().any(|r| r == rcpt)).collect()
    }
}
