//! `thidua daemon` catches up a period that fell due while it was down — once.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use chrono::Utc;
use thidua::deliver::Ledger;
use thidua::pipeline::Kind;
use thidua::schedule;

use crate::common::project;

/// Starts the daemon, waits until it has scheduled its jobs, stops it; returns its output.
fn start_and_stop(dir: &std::path::Path) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_thidua"))
        .current_dir(dir)
        .arg("daemon")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let done = line.contains("đã lên lịch");
            let _ = tx.send(line);
            if done {
                break;
            }
        }
    });
    let mut out = String::new();
    while let Ok(line) = rx.recv_timeout(Duration::from_secs(120)) {
        out.push_str(&line);
        out.push('\n');
        if line.contains("đã lên lịch") {
            break;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    out
}

#[test]
fn the_daemon_catches_up_a_missed_month_once() {
    let dir = project("tiny");
    let pipeline = dir.path().join("pipelines/monthly.toml");
    let text = std::fs::read_to_string(&pipeline).unwrap();
    std::fs::write(
        &pipeline,
        text.replace("methodology = \"svc-766\"", "methodology = \"svc-766\"\nschedule = \"0 0 7 3 * *\""),
    )
    .unwrap();
    // The period due now by the real clock, with the fixture's exports dropped for it.
    let tz = chrono_tz::Asia::Ho_Chi_Minh;
    let cron = thidua::pipeline::parse_schedule("0 0 7 3 * *").unwrap();
    let last = cron.find_previous_occurrence(&Utc::now().with_timezone(&tz), true).unwrap();
    let period = schedule::period_for(Kind::MonthlyService, last);
    let drop = dir.path().join(format!("drop/{period}"));
    std::fs::create_dir_all(&drop).unwrap();
    // Three dossiers received in the period that the daemon catches up.
    let day = |d: u32| format!("{d:02}/{:02}/{} 08:00:00", period.month().unwrap(), period.year);
    let csv = format!(
        "MaHoSo,DonViXuLy,NgayTiepNhan,NgayHenTra,NgayKetThucXuLy,TrangThaiHoSo\n\
         D1,Bộ phận Tư pháp - Hộ tịch,{},{},{},10\nD2,Bộ phận Tư pháp - Hộ tịch,{},{},,4\n\
         D3,Bộ phận Địa chính - Xây dựng,{},{},{},9\n",
        day(1),
        day(5),
        day(2),
        day(2),
        day(9),
        day(3),
        day(6),
        day(8)
    );
    std::fs::write(drop.join("ho-so.csv"), csv).unwrap();
    for year in [period.year, period.year + 1] {
        let file = dir.path().join(format!("config/holidays/{year}.toml"));
        if !file.exists() {
            std::fs::write(
                &file,
                format!("year = {year}\n\n[[holiday]]\nname = \"Tết Dương lịch\"\nfrom = {year}-01-01\n"),
            )
            .unwrap();
        }
    }

    let out = start_and_stop(dir.path());
    assert!(out.contains(&format!("chạy bù monthly kỳ {period}")), "{out}");
    let ledger = Ledger::open(&dir.path().join("store/ledger.sqlite")).unwrap();
    assert!(ledger.succeeded("monthly", &period.to_string()).unwrap(), "{out}");
    assert_eq!(ledger.runs(10).unwrap().len(), 1);

    let out = start_and_stop(dir.path());
    assert!(!out.contains("chạy bù"), "caught up once only: {out}");
    assert_eq!(ledger.runs(10).unwrap().len(), 1);
}
