//! The award round against hand-checked outcomes (tests/fixtures/awards/README.md): every
//! criterion, exclusion, tie and cap; and 2025, when the city level no longer exists.

use std::path::Path;
use std::process::Command;

use chrono::NaiveDate;
use thidua::config::{Diagnostics, load_award_rules, load_candidates};
use thidua::score::{Audience, AwardRules, award_round};

use crate::common::{Sheet, copy_dir, repo, text};

fn bands() -> Vec<String> {
    ["Xuất sắc", "Tốt", "Khá", "Trung bình", "Yếu"].iter().map(std::string::ToString::to_string).collect()
}

fn outcome_rows(year: i32) -> Vec<String> {
    let dir = repo().join("tests/fixtures/awards");
    let mut d = Diagnostics::default();
    let rules = load_award_rules(&dir, &dir.join("rules.toml"), &mut d).map(|r| AwardRules { bands: bands(), ..r });
    let cands = load_candidates(&dir, &dir.join("candidates.toml"), &mut d);
    assert!(d.is_empty(), "{:#?}", d.problems());
    let (_, candidates) = cands.unwrap();
    let day = NaiveDate::from_ymd_opt(year, 12, 31).unwrap();
    award_round(&rules.unwrap(), &candidates, day)
        .iter()
        .map(|o| {
            let audience = match o.audience {
                Audience::Collective => "collective",
                Audience::Individual => "individual",
            };
            format!(
                "{audience},{},{},{},{}",
                o.code,
                o.level.clone().unwrap_or_default(),
                o.rank.map_or(String::new(), |r| r.to_string()),
                o.reason.token()
            )
        })
        .collect()
}

fn expected(file: &Path) -> Vec<String> {
    std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.trim().to_string())
        .collect()
}

#[test]
fn the_2024_round_matches_the_hand_checked_outcomes() {
    let want = expected(&repo().join("tests/fixtures/awards/expected-2024.csv"));
    let mut got = outcome_rows(2024);
    let mut want_sorted = want.clone();
    got.sort();
    want_sorted.sort();
    assert_eq!(got, want_sorted);
}

#[test]
fn in_2025_the_city_level_no_longer_exists() {
    let want = expected(&repo().join("tests/fixtures/awards/expected-2025.csv"));
    let mut got = outcome_rows(2025);
    let mut want_sorted = want.clone();
    got.sort();
    want_sorted.sort();
    assert_eq!(got, want_sorted);
    assert!(got.iter().all(|r| !r.contains("thanh_pho")), "{got:#?}");
}

#[test]
fn the_sample_wards_2024_round_gives_a_reason_for_every_decision() {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["config", "pipelines", "samples"] {
        copy_dir(&repo().join(sub), &dir.path().join(sub));
    }
    let out = Command::new(env!("CARGO_BIN_EXE_thidua"))
        .current_dir(dir.path())
        .args(["awards", "--year", "2024"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    let book = dir.path().join("output/2024/xet-khen-thuong-2024.xlsx");
    let rows = Sheet::read(&book, "Kết quả xét khen", 3).records();
    assert!(rows.len() > 30, "every competing unit and officer");
    assert!(rows.iter().all(|r| !text(&r["Kết quả xét"]).is_empty()));
    assert!(
        rows.iter().any(|r| text(&r["Kết quả xét"]).starts_with("Không xét: ")),
        "an exclusion in the sample facts"
    );
    assert!(rows.iter().any(|r| text(&r["Kết quả xét"]).starts_with("Chưa đạt tiêu chí ")));
    let awarded: Vec<_> =
        rows.iter().filter(|r| text(&r["Kết quả xét"]) == "Đủ tiêu chuẩn, đề nghị khen thưởng").collect();
    assert!(!awarded.is_empty());
    let checks = Sheet::read(&book, "Đánh giá tiêu chí", 3).records();
    assert!(checks.iter().any(|r| text(&r["Kết quả"]) == "Không áp dụng"));
    let list = Sheet::read(&book, "DS đề nghị khen thưởng", 0).all_text();
    assert!(
        list.contains("DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG")
            && list.contains("CHỦ TỊCH")
            && list.contains("Độc lập - Tự do - Hạnh phúc")
    );
    let minutes = Sheet::read(&book, "Biên bản họp (dự thảo)", 0).all_text();
    assert!(minutes.contains("Số phiếu đồng ý"));
    // The e-mail goes to the chairman and the Office–Statistics section: one message, one file.
    let outbox: Vec<_> =
        std::fs::read_dir(dir.path().join("output/outbox")).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(outbox.len(), 1, "{outbox:?}");
    let headers = crate::common::mail_headers(&std::fs::read_to_string(&outbox[0]).unwrap());
    let to_cc: String = headers.iter().filter(|(k, _)| k == "To" || k == "Cc").map(|(_, v)| v.as_str()).collect();
    assert!(to_cc.contains("chutich@giengday.example") && to_cc.contains("vanphong@giengday.example"), "{to_cc}");
}

/// The sample ward's 2024 round judged by the real pipeline, in a copy of the project that
/// `edit` may change first.
fn sample_round(edit: impl FnOnce(&Path)) -> Vec<thidua::score::Outcome> {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["config", "pipelines", "samples"] {
        copy_dir(&repo().join(sub), &dir.path().join(sub));
    }
    edit(dir.path());
    let mut d = Diagnostics::default();
    let config = thidua::config::load(&dir.path().join("config/thidua.toml"), &mut d).unwrap();
    let pipeline = thidua::pipeline::load(&config, "year_end_awards").unwrap();
    let tz = config.settings.ward.time_zone;
    let now = chrono::TimeZone::with_ymd_and_hms(&tz, 2025, 1, 6, 8, 0, 0).unwrap();
    let period = thidua::period::Period::year(2024).unwrap();
    let ctx = thidua::pipeline::RunContext { config: &config, period, now, dry_run: true, resend: false };
    thidua::pipeline::award_round(&pipeline, &ctx).unwrap().1.outcomes
}

fn verdict(outcomes: &[thidua::score::Outcome], unit: &str, level: &str, code: &str) -> thidua::score::CriterionResult {
    let o = outcomes.iter().find(|o| o.code == unit).unwrap_or_else(|| panic!("{unit}"));
    o.checks
        .iter()
        .find(|c| c.level == level && c.code == code)
        .cloned()
        .unwrap_or_else(|| panic!("{unit} {level} {code}"))
}

/// i3 of the province's Bằng khen asks for a PAR band of "Xuất sắc": judged on the bands of
/// the units' own PAR methodology (par-ward), not on the province's (par-province-876), whose
/// list made "Xuất sắc" unreachable.
#[test]
fn a_unit_rated_xuat_sac_meets_i3() {
    let outcomes = sample_round(|_| {});
    let tpht = verdict(&outcomes, "TPHT", "bang_khen_tinh", "i3");
    assert!(tpht.evidence.contains("Xuất sắc"), "{}", tpht.evidence);
    assert_eq!(tpht.verdict, thidua::score::Verdict::Met, "{}", tpht.evidence);
    let vhtt = verdict(&outcomes, "VHTT", "bang_khen_tinh", "i3");
    assert_eq!(vhtt.verdict, thidua::score::Verdict::NotMet, "Tốt is below Xuất sắc: {}", vhtt.evidence);
}

/// With no targets for the year, "met the plan's targets" is not met, and says why.
#[test]
fn i2_without_targets_is_not_met() {
    let outcomes = sample_round(|dir| std::fs::remove_file(dir.join("config/methodology/targets-2024.toml")).unwrap());
    for o in outcomes.iter().filter(|o| o.audience == Audience::Collective) {
        for c in o.checks.iter().filter(|c| c.code == "i2") {
            assert_eq!(c.verdict, thidua::score::Verdict::NotMet, "{} {}: {}", o.code, c.level, c.evidence);
            assert!(c.evidence.contains("không có chỉ tiêu để xét"), "{} {}: {}", o.code, c.level, c.evidence);
        }
    }
    assert!(outcomes.iter().filter(|o| o.audience == Audience::Collective).all(|o| o.level.is_none()));
}
