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
pub struct Received {
    pub rcpt: Vec<String>,
    pub data: Vec<u8>,
}

impl Received {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.data).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<String> {
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
pub struct TestSmtp {
    pub port: u16,
    state: Arc<Mutex<State>>,
}

impl TestSmtp {
    pub fn start() -> TestSmtp {
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

    pub fn received(&self) -> Vec<Received> {
        self.state.lock().unwrap().received.clone()
    }

    pub fn data_started(&self) -> usize {
        self.state.lock().unwrap().data_started
    }
}
