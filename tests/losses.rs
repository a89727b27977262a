//! Points a unit head can act on, on the shipped sample ward: the losses are grouped by index
//! and period and stated on the headline's scale, so the month's 766 losses add up to
//! 100 − the unit's score; each says what recovers it, or that nothing can this month, while
//! the month is open, and what the next month needs once it is over; the
//! e-mails carry them as losses under headers, and their HTML part says all the text part says.

use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

use chrono::TimeZone;

use crate::common::{Sheet, copy_dir, files_under, mime_parts, num, repo, strip_tags, text};

const UNITS: [&str; 4] = ["LDTBXH", "TPHT", "DCXD", "VHTT"];

/// The sample ward after October 2024's run and the 2024 award round.
fn sample() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        for sub in ["config", "pipelines", "samples"] {
            copy_dir(&repo().join(sub), &dir.path().join(sub));
        }
        for args in [&["run", "monthly", "--period", "2024-10"][..], &["awards", "--year", "2024"][..]] {
            let out = Command::new(env!("CARGO_BIN_EXE_thidua")).current_dir(dir.path()).args(args).output().unwrap();
            assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        }
        dir
    })
    .path()
}

fn explain(unit: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_thidua"))
        .current_dir(sample())
        .args(["explain", unit, "--period", "2024-10"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    stdout
}

/// "83,44" → 8344 hundredths.
fn cents(vi: &str) -> i64 {
    let x: f64 = vi.trim().replace('.', "").replace(',', ".").parse().unwrap_or_else(|_| panic!("not a number: {vi}"));
    (x * 100.0).round() as i64
}

/// The lines of explain's block for one index: its losses, up to its "Cộng" line.
fn block<'a>(out: &'a str, heading: &str) -> Vec<&'a str> {
    let start = out.find(heading).unwrap_or_else(|| panic!("no block «{heading}»:\n{out}"));
    out[start..].lines().skip(1).take_while(|l| !l.starts_with("  Cộng")).collect()
}

/// The losses of a block, in hundredths.
fn losses(lines: &[&str]) -> Vec<i64> {
    lines.iter().filter_map(|l| l.strip_prefix("  −")).map(|l| cents(l.split_whitespace().next().unwrap())).collect()
}

#[test]
fn the_months_766_losses_add_up_to_100_minus_the_score_in_explain_and_on_the_sheet() {
    let sheet = Sheet::read(&sample().join("output/2024-10/bang-diem-dich-vu-cong-2024-10.xlsx"), "Điểm bị mất", 3);
    let rows = sheet.records();
    for unit in UNITS {
        let out = explain(unit);
        assert!(!out.contains("Tổng điểm bị mất"), "one index's points are never added to another's:\n{out}");
        let score = cents(
            out.lines()
                .find_map(|l| l.strip_prefix("Bộ chỉ số 766 (tháng 10/2024): "))
                .and_then(|l| l.split('/').next())
                .unwrap_or_else(|| panic!("{out}")),
        );
        let lost = losses(&block(&out, "\nBộ chỉ số 766, tháng 10/2024 — "));
        assert!(!lost.is_empty(), "{out}");
        assert_eq!(lost.iter().sum::<i64>(), 10_000 - score, "{unit}: the 766 losses add up to 100 − score:\n{out}");
        // The year's PAR losses are their own block, on PAR's own 100.
        assert!(out.contains("\nChỉ số CCHC (PAR), năm 2024 — "), "{out}");

        // The sheet says the same, per unit and index, with the period of each.
        let name = out.lines().next().unwrap().split(" — ").next().unwrap().to_string();
        let mine: Vec<_> = rows.iter().filter(|r| text(&r["Đơn vị"]) == name).collect();
        let on_sheet: i64 = mine
            .iter()
            .filter(|r| text(&r["Chỉ số"]) == "Bộ chỉ số 766")
            .map(|r| (num(&r["Điểm bị mất (trên điểm tổng của chỉ số)"]) * 100.0).round() as i64)
            .sum();
        assert_eq!(on_sheet, 10_000 - score, "{unit} on the sheet");
        for r in &mine {
            let period = if text(&r["Chỉ số"]) == "Bộ chỉ số 766" { "Tháng 10/2024" } else { "Năm 2024" };
            assert_eq!(text(&r["Kỳ"]), period, "{r:?}");
        }
    }
}

#[test]
fn a_closed_months_losses_say_what_the_next_month_needs() {
    // The sample's run is made long after October: October cannot change, November can.
    // DCXD has 2 late dossiers: on-time points need all of them.
    let dcxd = explain("DCXD");
    let on_time = block(&dcxd, "\nBộ chỉ số 766, tháng 10/2024 — ");
    let at = on_time.iter().position(|l| l.contains("Tỷ lệ hồ sơ giải quyết đúng hạn")).expect(&dcxd);
    let advice = on_time[at + 2];
    assert!(
        advice.contains(
            "Tháng 11/2024 cần 100% hồ sơ giải quyết đúng hạn (tháng 10/2024 đạt 70/72, thiếu 2 hồ sơ) để không mất "
        ),
        "{dcxd}"
    );
    assert!(advice.contains("Mỗi hồ sơ trễ hạn làm mất "), "{advice}");

    // VHTT has 5 of 19 online: October needed 10 of them for the 50 % threshold.
    let vhtt = explain("VHTT");
    let lines = block(&vhtt, "\nBộ chỉ số 766, tháng 10/2024 — ");
    let at = lines.iter().position(|l| l.contains("Tỷ lệ hồ sơ trực tuyến")).expect(&vhtt);
    assert!(lines[at].contains("ngưỡng 50%") && lines[at + 1].contains("Đạt 5/19 hồ sơ"), "{vhtt}");
    let advice = lines[at + 2];
    assert!(
        advice.contains("Tháng 11/2024 cần ít nhất 50% hồ sơ nộp trực tuyến (tháng 10/2024 đạt 5/19, thiếu 5 hồ sơ)"),
        "{vhtt}"
    );
    // The points at stake are the loss as printed.
    let lost = lines[at].trim_start().trim_start_matches('−').split_whitespace().next().unwrap();
    assert!(advice.contains(&format!("để không mất {lost} điểm")), "{vhtt}");
    for (who, out) in [("DCXD", &dcxd), ("VHTT", &vhtt)] {
        assert!(!out.contains("Cần thêm") && !out.contains("lấy lại"), "{who}: no advice for a closed month:\n{out}");
    }
}

#[test]
fn an_open_months_losses_say_what_recovers_them_and_never_advise_the_unreachable() {
    // The same October, run on its last evening: the rest of the month can still change it.
    let dir = tempfile::tempdir().unwrap();
    for sub in ["config", "pipelines", "samples"] {
        copy_dir(&repo().join(sub), &dir.path().join(sub));
    }
    let config = thidua::config::load_checked(&dir.path().join("config/thidua.toml")).unwrap();
    let p = thidua::pipeline::load(&config, "monthly").unwrap();
    let now = config.settings.ward.time_zone.with_ymd_and_hms(2024, 10, 31, 20, 0, 0).unwrap();
    let period = thidua::period::Period::new(2024, 10).unwrap();
    let ctx = thidua::pipeline::RunContext { config: &config, period, now, dry_run: false, resend: false };
    let book = thidua::pipeline::run(&p, &ctx).unwrap().workbook.unwrap();
    let rows = Sheet::read(&book, "Điểm bị mất", 3).records();
    let action = |unit: &str, criterion: &str| {
        let r = rows
            .iter()
            .find(|r| text(&r["Đơn vị"]).contains(unit) && text(&r["Tiêu chí"]) == criterion)
            .unwrap_or_else(|| panic!("no {criterion} for {unit}"));
        text(&r["Việc cần làm"])
    };
    // DCXD's 2 late dossiers: full on-time points need 100 %, out of reach this month.
    let on_time = action("Địa chính", "Tỷ lệ hồ sơ giải quyết đúng hạn");
    assert!(
        on_time.contains("Không thể lấy lại trong tháng 10/2024: đã có 2 hồ sơ trễ hạn, chỉ đủ điểm khi đạt 100%"),
        "{on_time}"
    );
    assert!(!on_time.contains("Cần thêm"), "{on_time}");
    // VHTT's 5 of 19 online: 9 more online dossiers make 14 of 28, the 50 % threshold.
    let online = action("Văn hóa", "Tỷ lệ hồ sơ trực tuyến");
    assert!(online.contains("Cần thêm 9 hồ sơ nộp trực tuyến (đạt 14/28) để đạt ngưỡng 50%, lấy lại "), "{online}");
    assert!(!online.contains("Tháng 11/2024"), "{online}");
}

fn squeeze(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// (text part, HTML part as text) of every e-mail the sample's runs wrote.
fn mails() -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for f in files_under(&sample().join("output")).into_iter().filter(|f| f.extension().is_some_and(|e| e == "eml")) {
        let raw = std::fs::read_to_string(&f).unwrap();
        let parts = mime_parts(&raw);
        let part = |t: &str| {
            parts
                .iter()
                .find(|(c, _)| c.starts_with(t))
                .map(|(_, b)| String::from_utf8_lossy(b).replace("\r\n", "\n"))
                .unwrap()
        };
        out.push((f.file_name().unwrap().to_string_lossy().into_owned(), part("text/plain"), part("text/html")));
    }
    assert!(out.len() >= 6, "the summary, four unit mails and the awards mail: {}", out.len());
    out
}

#[test]
fn the_html_part_says_everything_the_text_part_says() {
    for (name, plain, html) in mails() {
        let shown = squeeze(&strip_tags(&html));
        for line in plain.lines().map(str::trim).filter(|l| !l.is_empty() && *l != "--") {
            let line = line.trim_start_matches("- ");
            for piece in line.split('|').flat_map(|p| p.split(": ")).map(str::trim).filter(|p| !p.is_empty()) {
                assert!(shown.contains(&squeeze(piece)), "{name}: the HTML part lacks «{piece}»");
            }
        }
    }
    // The award round's legal bases and its assumptions reach Outlook and Gmail readers too.
    let (_, _, html) = mails().into_iter().find(|(n, ..)| n.contains("year_end_awards")).unwrap();
    let shown = strip_tags(&html);
    assert!(shown.contains("Luật Thi đua, khen thưởng") && shown.contains("là giả định"), "{shown}");
}

#[test]
fn mails_show_losses_as_losses_under_headers_and_close_with_the_sender() {
    for (name, plain, html) in mails() {
        assert!(plain.contains("Trân trọng,\nVăn phòng UBND phường Giếng Đáy"), "{name}:\n{plain}");
        assert!(strip_tags(&html).contains("Trân trọng,"), "{name}");
        if name.contains("unit_") && plain.contains("Điểm bị mất") {
            assert!(plain.contains("  Tiêu chí | Điểm bị mất | Căn cứ | Việc cần làm"), "{name}:\n{plain}");
            // October is over when the sample runs: nothing is offered as getting points back.
            assert!(!plain.contains("lấy lại"), "{name}:\n{plain}");
            assert!(plain.contains("Bộ chỉ số 766, tháng 10/2024: mất "), "{name}:\n{plain}");
            assert!(plain.contains(" | −"), "losses are shown as losses: {name}:\n{plain}");
            assert!(html.contains("<th "), "{name}");
        }
    }
}

/// The card workbooks the unit mails carry: (mail, bytes).
fn card_workbooks() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for f in files_under(&sample().join("output")).into_iter().filter(|f| f.to_string_lossy().contains("unit_")) {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        for (ctype, body) in mime_parts(&std::fs::read_to_string(&f).unwrap()) {
            if ctype.contains("spreadsheetml") {
                out.push((name.clone(), body));
            }
        }
    }
    assert_eq!(out.len(), UNITS.len(), "one card per unit mail");
    out
}

#[test]
fn a_cards_overdue_dossiers_name_the_officer_as_the_monthly_workbook_does() {
    use calamine::{Data, Reader, open_workbook_auto_from_rs};
    // The monthly workbook's overdue sheet: who handled each late dossier, by name.
    let monthly = sample().join("output/2024-10/bang-diem-dich-vu-cong-2024-10.xlsx");
    let officer: std::collections::HashMap<String, String> = Sheet::read(&monthly, "Hồ sơ quá hạn", 3)
        .records()
        .iter()
        .map(|r| (text(&r["Mã hồ sơ"]), text(&r["Cán bộ xử lý"])))
        .collect();
    assert!(!officer.is_empty() && officer.values().all(|n| !n.is_empty() && !n.starts_with("gd.")), "{officer:?}");
    let mut seen = 0;
    for (mail, bytes) in card_workbooks() {
        let mut wb = open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).unwrap();
        // The card itself: each overdue line says whose dossier it is.
        let card = wb.worksheet_range("Thẻ đơn vị").unwrap();
        let lines: Vec<String> =
            card.rows().map(|r| r.iter().map(ToString::to_string).collect::<Vec<_>>().join(" | ")).collect();
        let listed = lines.iter().position(|l| l.starts_with("Hồ sơ quá hạn (")).expect(&mail);
        for line in &lines[listed + 1..] {
            let Some((id, _)) = line.split_once(" — ") else { continue };
            let Some(name) = officer.get(id) else { continue };
            assert!(line.contains(name.as_str()), "{mail}: the card's line of {id} names {name}: «{line}»");
            seen += 1;
        }
        // Its overdue sheet too.
        let sheet = wb.worksheet_range("Hồ sơ quá hạn").unwrap();
        let rows: Vec<&[Data]> = sheet.rows().collect();
        if let Some(head) = rows.iter().position(|r| r.first().is_some_and(|c| *c == "Mã hồ sơ")) {
            let at = rows[head].iter().position(|c| *c == "Cán bộ xử lý").expect(&mail);
            for r in &rows[head + 1..] {
                assert_eq!(Some(&r[at].to_string()), officer.get(&r[0].to_string()), "{mail}: {r:?}");
            }
        }
    }
    assert!(seen >= 10, "the sample's late dossiers were found on the cards: {seen}");
}

#[test]
fn explain_an_officer_by_login_or_name_says_who_they_are_and_their_late_dossiers() {
    for who in ["gd.vuthilan", "Vũ Thị Lan"] {
        let out = explain(who);
        assert!(out.starts_with("Vũ Thị Lan, Trưởng bộ phận"), "{out}");
        assert!(!out.contains("gd."), "no login is shown: {out}");
        assert!(out.contains("hạng ") && out.contains("\nHồ sơ trễ hạn:\n"), "{out}");
        assert!(!out.contains("trễ 0 ngày"), "{out}");
    }
}
