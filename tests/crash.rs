//! Crash safety: the real binary killed (SIGKILL) at random moments of a run, many times
//! over, on one project. After each kill nothing half-written is in view (every workbook
//! opens with its sheets, every Parquet table reads, every .eml parses with its workbook,
//! no file but the expected ones and `.thidua-tmp-*` temporaries), the ledger passes SQLite's
//! integrity check and every row is one a run could leave, and the next run completes and
//! delivers every message.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use polars::prelude::{ParquetReader, SerReader};
use rand::{Rng, SeedableRng};

use crate::common::{files_under, mail_headers, mime_parts, project};

const KILLS: usize = 30;

fn thidua(dir: &Path, resend: bool) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_thidua"));
    cmd.current_dir(dir).args(["run", "monthly", "--period", "2024-09"]);
    if resend {
        cmd.arg("--resend");
    }
    cmd.stdout(Stdio::null()).stderr(Stdio::piped());
    cmd
}

fn workbook_opens(bytes: &[u8], what: &str) {
    let wb = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes.to_vec()))
        .unwrap_or_else(|e| panic!("{what} does not open: {e}"));
    assert!(!calamine::Reader::sheet_names(&wb).is_empty(), "{what} has no sheet");
}

/// Checks every file of the project; returns how many `.thidua-tmp-*` leftovers there are.
fn check_files(dir: &Path) -> usize {
    let mut temporaries = 0;
    for file in files_under(dir) {
        let rel = file.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let ext = file.extension().map(|e| e.to_string_lossy().into_owned()).unwrap_or_default();
        if name.starts_with(".thidua-tmp-") {
            temporaries += 1;
            continue;
        }
        if rel.starts_with("config/") || rel.starts_with("pipelines/") || rel.starts_with("drop/") || rel == "README.md"
        {
            continue;
        }
        let bytes = std::fs::read(&file).unwrap();
        match ext.as_str() {
            "xlsx" => workbook_opens(&bytes, &rel),
            "parquet" => {
                ParquetReader::new(std::io::Cursor::new(bytes)).finish().unwrap_or_else(|e| panic!("{rel}: {e}"));
            }
            "eml" => {
                let raw = String::from_utf8(bytes).unwrap_or_else(|_| panic!("{rel} is not text"));
                let headers = mail_headers(&raw);
                for h in ["From", "To", "Subject", "Message-ID"] {
                    assert!(headers.iter().any(|(k, _)| k.eq_ignore_ascii_case(h)), "{rel} has no {h}");
                }
                assert!(raw.trim_end().ends_with("--"), "{rel} ends inside its last MIME part");
                let attached: Vec<_> = mime_parts(&raw).into_iter().filter(|(t, _)| !t.starts_with("text/")).collect();
                assert_eq!(attached.len(), 1, "{rel}: one workbook attached");
                workbook_opens(&attached[0].1, &format!("{rel} (attachment)"));
            }
            "jsonl" => {
                for line in String::from_utf8(bytes).unwrap().lines() {
                    serde_json::from_str::<serde_json::Value>(line).unwrap_or_else(|e| panic!("{rel}: {e}: {line}"));
                }
            }
            _ if rel.starts_with("archive/") => {}
            _ if rel.starts_with("store/locks/") && ext == "lock" => {}
            _ if rel.starts_with("store/ledger.sqlite") => {}
            _ => panic!("an unexpected file after a kill: {rel}"),
        }
    }
    temporaries
}

/// The ledger after a kill: intact, and every row one that a run could leave. Returns the
/// sends by status, and the runs as (all, unfinished).
fn check_ledger(dir: &Path) -> (BTreeMap<String, usize>, (usize, usize)) {
    let path = dir.join("store/ledger.sqlite");
    let mut statuses = BTreeMap::new();
    if !path.exists() {
        return (statuses, (0, 0));
    }
    let db = rusqlite::Connection::open(&path).unwrap();
    let ok: String = db.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(ok, "ok");
    let mut st = db.prepare("SELECT id, finished_at, outcome FROM runs").unwrap();
    let runs = st
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, Option<String>>(2)?)))
        .unwrap();
    let (mut all, mut unfinished) = (0, 0);
    for run in runs {
        let (id, finished, outcome) = run.unwrap();
        assert_eq!(finished.is_some(), outcome.is_some(), "run {id}: finished without an outcome or the reverse");
        all += 1;
        unfinished += usize::from(finished.is_none());
    }
    let mut st = db.prepare("SELECT status, length(message), message_id FROM sends").unwrap();
    let sends =
        st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?))).unwrap();
    for send in sends {
        let (status, len, id) = send.unwrap();
        assert!(len > 1000 && id.starts_with('<'), "a send without its message: {status} {len} {id}");
        *statuses.entry(status).or_default() += 1;
    }
    (statuses, (all, unfinished))
}

/// Every message delivered once the last run is done, each in the outbox.
fn check_delivered(dir: &Path) {
    let (statuses, _) = check_ledger(dir);
    assert_eq!(statuses.get("delivered"), Some(&3), "{statuses:?}");
    assert_eq!(statuses.values().sum::<usize>(), 3, "{statuses:?}");
    let eml = files_under(&dir.join("output/outbox"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .count();
    assert_eq!(eml, 3);
}

#[test]
fn killed_at_random_moments_leaves_nothing_half_written_and_the_next_run_delivers() {
    let dir = project("tiny");
    // How long a whole run takes here, to spread the kills over it (not asserted).
    let start = Instant::now();
    let out = thidua(dir.path(), false).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let whole = start.elapsed();
    check_files(dir.path());
    check_delivered(dir.path());

    let seed = 0x0074_6964_7561;
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut outcomes: BTreeMap<&str, usize> = BTreeMap::new();
    let mut leftovers = 0;
    for i in 0..KILLS {
        // Spread over the run: kill i falls in the i-th slice of 1.2 × its duration.
        let slice = whole.mul_f64(1.2 / KILLS as f64);
        let delay = slice * i as u32 + slice.mul_f64(rng.random::<f64>());
        let (_, (runs_before, _)) = check_ledger(dir.path());
        let mut child = thidua(dir.path(), true).spawn().unwrap();
        std::thread::sleep(delay);
        child.kill().ok();
        // A run may end just before the kill lands: then it ended by itself, successfully.
        let finished_first = child.wait().unwrap().success();
        leftovers = check_files(dir.path());
        let (sends, (runs, unfinished)) = check_ledger(dir.path());
        // Where the kill fell, as the ledger tells it.
        let stage = if finished_first {
            "finished before the kill"
        } else if runs == runs_before {
            "killed before the run was recorded"
        } else if sends.get("delivered") == Some(&3) {
            "killed after the run was recorded, before queueing the mails"
        } else {
            "killed while queueing or writing the mails"
        };
        *outcomes.entry(stage).or_default() += 1;
        assert!(unfinished <= i + 1, "{unfinished} unfinished runs after {} kills", i + 1);
        // The next run completes and delivers what the killed one left queued.
        let out = thidua(dir.path(), false).output().unwrap();
        assert!(out.status.success(), "run after kill {i} ({delay:?}): {}", String::from_utf8_lossy(&out.stderr));
        check_files(dir.path());
        check_delivered(dir.path());
    }
    eprintln!(
        "crash test: {KILLS} kills over a {whole:?} run (seed {seed:#x}): {outcomes:?}; {leftovers} temporary leftovers"
    );
}
