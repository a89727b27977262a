//! Whole-module tests: determinism, and that every messy case reaches the files (the S1
//! dossier shapes in `tests/dossier_exports.rs`).

use std::collections::BTreeSet;
use std::path::Path;

use calamine::{Data, Reader, open_workbook_auto};
use chrono::NaiveDate;
use encoding_rs::WINDOWS_1258;
use unicode_normalization::UnicodeNormalization;

use super::*;

mod dossier_exports;

fn ward() -> SampleWard {
    let unit = |code: &str, name: &str, handles: bool, officers: &[&str]| SampleUnit {
        code: code.into(),
        name: name.into(),
        handles_dossiers: handles,
        officers: officers.iter().map(std::string::ToString::to_string).collect(),
        valid: crate::validity::Validity::since(NaiveDate::from_ymd_opt(2019, 1, 1).unwrap()),
        successor: None,
    };
    let d = |m, d| NaiveDate::from_ymd_opt(2024, m, d).unwrap();
    SampleWard {
        ward_name: "Giếng Đáy".into(),
        merged: Vec::new(),
        agency_code: "H15.50.05.13".into(),
        year: 2024,
        units: vec![
            unit("TPHT", "Bộ phận Tư pháp - Hộ tịch", true, &["gd.nguyenthihoa", "gd.tranvanbinh"]),
            unit("DCXD", "Bộ phận Địa chính - Xây dựng", true, &["gd.lequanghuy", "gd.phamvanduc"]),
            unit("VHXH", "Bộ phận Văn hóa - Xã hội", true, &["gd.vuthilan", "gd.dangminhtuan"]),
            unit("VPTK", "Văn phòng - Thống kê", false, &["gd.buithithu"]),
            unit("CA", "Công an phường", false, &["gd.dovanhung", "gd.ngoquangvinh"]),
            unit("MTTQ", "Ủy ban Mặt trận Tổ quốc Việt Nam phường", false, &["gd.hoangthimai"]),
        ],
        holidays: vec![
            d(1, 1),
            d(2, 8),
            d(2, 9),
            d(2, 12),
            d(2, 13),
            d(2, 14),
            d(4, 18),
            d(4, 29),
            d(4, 30),
            d(5, 1),
            d(9, 2),
            d(9, 3),
        ],
        indices: Some(indices()),
    }
}

/// A small hand-made slice of the PAR, DTI and DDCI methodologies.
fn indices() -> SampleIndices {
    let c =
        |code: &str, name: &str, max_points: f64| SampleCriterion { code: code.into(), name: name.into(), max_points };
    SampleIndices {
        par_criteria: vec![
            c("ke_hoach_cchc", "Ban hành kế hoạch cải cách hành chính năm đúng thời hạn, đủ nội dung", 2.0),
            c("bao_cao_cchc", "Thực hiện chế độ báo cáo cải cách hành chính định kỳ đúng quy định", 2.0),
            c("ra_soat_van_ban", "Rà soát, kiểm tra, xử lý văn bản quy phạm pháp luật", 3.0),
            c("cong_khai_tthc", "Công khai thủ tục hành chính đầy đủ, kịp thời, đúng quy định", 3.0),
            c("ky_luat_ky_cuong", "Chấp hành kỷ luật, kỷ cương hành chính; văn hóa công vụ", 6.0),
            c("an_toan_thong_tin", "Bảo đảm an toàn thông tin mạng", 4.0),
        ],
        dti_indicators: vec![
            c("ke_hoach_cds", "Ban hành kế hoạch chuyển đổi số năm của phường đúng thời hạn", 30.0),
            c("kinh_phi_cds", "Bố trí kinh phí thực hiện chuyển đổi số", 40.0),
            c("ho_gia_dinh_cap_quang", "Tỷ lệ hộ gia đình có cáp quang", 30.0),
            c("ho_so_toan_trinh", "Tỷ lệ hồ sơ trực tuyến toàn trình", 60.0),
            c("dinh_danh_muc_2", "Tỷ lệ người dân có tài khoản định danh điện tử mức độ 2", 60.0),
        ],
        ddci_components: vec![
            c("minh_bach_tiep_can_thong_tin", "Tính minh bạch và tiếp cận thông tin", 12.5),
            c("chi_phi_thoi_gian", "Chi phí thời gian", 12.5),
            c("ho_tro_doanh_nghiep", "Hỗ trợ doanh nghiệp", 12.5),
            c("vai_tro_nguoi_dung_dau", "Vai trò người đứng đầu", 12.5),
        ],
        // KP9 is not in the registry this year: not rated.
        par_units: ["TPHT", "DCXD", "VHXH", "VPTK", "KP9", "MTTQ"].map(String::from).to_vec(),
    }
}

/// The sample's options with seed 42: the ward's own exports (no bench file), flat shape.
fn options(dir: &Path, per_unit_month: usize) -> SampleOptions {
    SampleOptions {
        seed: 42,
        out_dir: dir.to_path_buf(),
        dossiers: None,
        bench_shape: BenchShape::Flat,
        per_unit_month,
    }
}

fn run(dir: &Path, dossiers: Option<usize>) -> SampleSummary {
    generate(&ward(), &SampleOptions { dossiers, ..options(dir, 40) }).unwrap()
}

/// All rows of the first sheet, as text ("" for empty cells).
fn sheet(path: &Path) -> Vec<Vec<String>> {
    let mut wb = open_workbook_auto(path).unwrap();
    let name = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&name).unwrap();
    let (rows, cols) = (range.end().unwrap().0 + 1, range.end().unwrap().1 + 1);
    (0..rows).map(|r| (0..cols).map(|c| range.get_value((r, c)).map_or(String::new(), cell_text)).collect()).collect()
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::DateTime(_) => format!("DATETIME:{d}"),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

#[test]
fn same_seed_gives_identical_bytes() {
    for dossiers in [None, Some(3000)] {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (sa, sb) = (run(a.path(), dossiers), run(b.path(), dossiers));
        assert_eq!(sa.dossiers, sb.dossiers);
        assert_eq!(sa.files.len(), sb.files.len());
        for (fa, fb) in sa.files.iter().zip(&sb.files) {
            assert_eq!(fa.strip_prefix(a.path()).unwrap(), fb.strip_prefix(b.path()).unwrap());
            assert!(fs::read(fa).unwrap() == fs::read(fb).unwrap(), "{} differs", fa.display());
        }
        // No temporary file is left behind.
        let leftovers = walk(a.path()).into_iter().filter(|p| p.to_string_lossy().ends_with(".tmp")).count();
        assert_eq!(leftovers, 0);
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() { out.extend(walk(&path)) } else { out.push(path) }
    }
    out
}

/// `a` later than `b`, both `dd/MM/yyyy HH:mm:ss`.
fn after(a: &str, b: &str) -> bool {
    let key = |s: &str| format!("{}{}{}{}", &s[6..10], &s[3..5], &s[0..2], &s[11..]);
    key(a) > key(b)
}

#[test]
fn document_csvs_are_windows_1258() {
    let dir = tempfile::tempdir().unwrap();
    run(dir.path(), None);
    let bytes = fs::read(dir.path().join("van-ban/2024-03/van-ban-2024-03.csv")).unwrap();
    assert!(std::str::from_utf8(&bytes).is_err(), "not UTF-8");
    let text: String = WINDOWS_1258.decode_without_bom_handling(&bytes).0.nfc().collect();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "Đơn vị,Tháng,Văn bản đi,Văn bản đi gửi điện tử,Văn bản đi ký số,Văn bản mật,Văn bản đến,Văn bản đến xử lý đúng hạn"
    );
    assert_eq!(lines.len(), 1 + ward().units.len());
    assert!(lines[1].starts_with("Bộ phận Tư pháp - Hộ tịch,03/2024,"));
    for line in &lines[1..] {
        let n: Vec<u32> = line.split(',').skip(2).map(|x| x.parse().unwrap()).collect();
        assert!(
            (5..=60).contains(&n[0]) && n[1] + n[3] <= n[0] && n[1] + n[3] + 2 >= n[0] && n[2] <= n[1] && n[5] <= n[4]
        );
    }
}

#[test]
fn feedback_and_initiatives_workbooks() {
    let dir = tempfile::tempdir().unwrap();
    run(dir.path(), None);
    let mut feedback = Vec::new();
    for m in 1..=12 {
        let rows = sheet(&dir.path().join(format!("pakn/2024-{m:02}/pakn-2024-{m:02}.xlsx")));
        assert_eq!(rows[4][1], "Mã PAKN");
        feedback.push(rows.into_iter().skip(5).collect::<Vec<_>>());
    }
    assert!(feedback.iter().any(Vec::is_empty), "a month without feedback");
    let all: Vec<&Vec<String>> = feedback.iter().flatten().collect();
    assert!(all.iter().any(|r| r[11] == "Có cơ sở" && r[6] == "Hành vi cán bộ" && !r[5].is_empty()));
    assert!(all.iter().any(|r| r[11] == "Đang giải quyết" && r[10].is_empty()));
    assert!(all.iter().any(|r| !r[10].is_empty() && after(&r[10], &r[9])), "resolved late");
    assert!(all.iter().all(|r| (r[6] == "Hành vi cán bộ") != r[5].is_empty()));

    let reg = sheet(&dir.path().join("sang-kien/sang-kien-2024.xlsx"));
    assert_eq!(
        reg[4],
        [
            "STT",
            "Đơn vị",
            "Tên sáng kiến, mô hình, giải pháp",
            "Tác giả",
            "Ngày đăng ký",
            "Trạng thái",
            "Ngày công nhận"
        ]
    );
    let units: BTreeSet<&str> = reg[5..].iter().map(|r| r[1].as_str()).collect();
    assert!(units.len() < ward().units.len() && !units.contains("Bộ phận Văn hóa - Xã hội"));
}

/// Splits one CSV line with standard quoting.
fn split_csv(line: &str) -> Vec<String> {
    let (mut out, mut cur, mut quoted, mut chars) = (Vec::new(), String::new(), false, line.chars().peekable());
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

#[test]
fn procedures_are_mapped_to_every_handling_unit() {
    let ward = ward();
    let units = Units::new(&ward).unwrap();
    assert!(units.procs.iter().all(|p| !p.is_empty()));
    assert_eq!(procedures().len(), catalog::CATALOG.len());
    assert!(procedures().iter().all(|p| p.max_days <= 10 && p.code.ends_with(".H15")));
}

#[test]
fn without_indices_no_index_files() {
    let dir = tempfile::tempdir().unwrap();
    let opts = options(dir.path(), 10);
    let summary = generate(&SampleWard { indices: None, ..ward() }, &opts).unwrap();
    // One page of iGate JSON for October at this volume.
    assert_eq!(summary.files.len(), 15 + 1 + 12 + 12 + 1);
    for folder in ["par", "dti", "ddci"] {
        assert!(!dir.path().join(folder).exists(), "{folder}");
    }
}

/// A number cell, or None for an empty one (panics on text).
fn num(s: &str) -> Option<f64> {
    (!s.is_empty()).then(|| s.parse().unwrap_or_else(|_| panic!("not a number: {s:?}")))
}

#[test]
fn index_result_workbooks() {
    let dir = tempfile::tempdir().unwrap();
    let summary = run(dir.path(), None);
    let ix = indices();
    let files: Vec<PathBuf> = [
        "par/2023/cham-diem-cchc-2023.xlsx",
        "par/2024/cham-diem-cchc-2024.xlsx",
        "dti/2024/dti-phuong-2024.xlsx",
        "dti/2024/xep-hang-dti-cap-xa-2024.xlsx",
        "ddci/ddci-2022-2024.xlsx",
    ]
    .iter()
    .map(|f| dir.path().join(f))
    .collect();
    assert_eq!(summary.files[summary.files.len() - 5..], files[..]);

    let totals_by_year: Vec<f64> = [2023, 2024]
        .into_iter()
        .map(|year| {
            par_appraisal_total(&sheet(&dir.path().join(format!("par/{year}/cham-diem-cchc-{year}.xlsx"))), year, &ix)
        })
        .collect();
    assert!(totals_by_year[1] > totals_by_year[0], "{totals_by_year:?}");

    let ward_dti = dti_ward_value(&sheet(&files[2]), &ix);
    let ranking = sheet(&files[3]);
    check_dti_ranking(&ranking, ward_dti);
    check_ddci_survey(&sheet(&files[4]), &ranking, &ix);
}

/// S5 of `year`: one row per rated unit (registry order of par_units) and criterion, TPHT
/// first and VHXH last. Returns the ward's total (appraised, else self-assessed, points).
fn par_appraisal_total(rows: &[Vec<String>], year: i32, ix: &SampleIndices) -> f64 {
    let ward = ward();
    let units = ["TPHT", "DCXD", "VHXH", "VPTK", "MTTQ"];
    assert_eq!(rows[0][0], "ỦY BAN NHÂN DÂN PHƯỜNG GIẾNG ĐÁY");
    assert_eq!(rows[1][0], format!("BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {year}"));
    assert!(rows[3].iter().all(String::is_empty));
    assert_eq!(rows[4], par_appraisal::HEADERS.map(String::from));
    let data = &rows[5..];
    assert_eq!(data.len(), units.len() * ix.par_criteria.len());
    let mut totals = vec![0.0; units.len()];
    let mut empty = 0;
    for (k, r) in data.iter().enumerate() {
        let (u, c) = (k / ix.par_criteria.len(), k % ix.par_criteria.len());
        assert_eq!(r[0], (k + 1).to_string());
        assert_eq!(r[1], units[u]);
        assert_eq!(r[2], ward.units.iter().find(|x| x.code == units[u]).unwrap().name);
        assert_eq!(
            (r[3].as_str(), r[4].as_str()),
            (ix.par_criteria[c].code.as_str(), ix.par_criteria[c].name.as_str())
        );
        let (max, own, appraised) = (num(&r[5]).unwrap(), num(&r[6]).unwrap(), num(&r[7]));
        assert_eq!(max, ix.par_criteria[c].max_points);
        assert!((0.0..=max).contains(&own) && (own * 4.0).fract() == 0.0, "{r:?}");
        if let Some(a) = appraised {
            assert!((0.0..=own).contains(&a) && (a * 4.0).fract() == 0.0, "{r:?}");
        } else {
            empty += 1;
        }
        assert!(!r[8].is_empty());
        totals[u] += appraised.unwrap_or(own);
    }
    assert!(empty >= 1, "an unappraised row in {year}");
    // TPHT (best in the dossiers too) strictly first, VHXH (weakest) strictly last.
    assert!((0..units.len()).all(|u| u == 0 || totals[0] > totals[u]), "{totals:?}");
    assert!((0..units.len()).all(|u| u == 2 || totals[2] < totals[u]), "{totals:?}");
    totals.iter().sum::<f64>()
}

/// S6, the ward's own assessment: one row per indicator. Returns the value the ranking must
/// show for the ward (appraised over maximum points, four decimals).
fn dti_ward_value(dti: &[Vec<String>], ix: &SampleIndices) -> f64 {
    assert_eq!(dti[4], dti::WARD_HEADERS.map(String::from));
    assert_eq!(dti.len() - 5, ix.dti_indicators.len());
    let (mut got, mut max_total) = (0.0, 0.0);
    for (r, c) in dti[5..].iter().zip(&ix.dti_indicators) {
        assert_eq!(r[1], c.code);
        let (max, own, appraised) = (num(&r[3]).unwrap(), num(&r[4]).unwrap(), num(&r[5]).unwrap());
        assert!(appraised <= own && own <= max && appraised >= 0.6 * max, "{r:?}");
        got += appraised;
        max_total += max;
    }
    (got / max_total * 10_000.0).round() / 10_000.0
}

/// S6, the provincial ranking: every commune of the 13 districts once, the ward about twelfth
/// with `ward_dti`, sorted by value with one tie.
fn check_dti_ranking(ranking: &[Vec<String>], ward_dti: f64) {
    assert_eq!(ranking[1][0], "BẢNG XẾP HẠNG CHỈ SỐ CHUYỂN ĐỔI SỐ CẤP XÃ NĂM 2024 (SỐ LIỆU MẪU)");
    assert_eq!(ranking[4], dti::RANKING_HEADERS.map(String::from));
    let data = &ranking[5..];
    assert!((160..=180).contains(&data.len()), "{}", data.len());
    let codes: BTreeSet<&str> = data.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(codes.len(), data.len(), "unique codes");
    assert!(data.iter().all(|r| r[1].len() == 5 && r[1].bytes().all(|b| b.is_ascii_digit())));
    let districts: BTreeSet<&str> = data.iter().map(|r| r[3].as_str()).collect();
    assert_eq!(districts.len(), 13);
    let own = data.iter().position(|r| r[1] == "06694").unwrap();
    assert_eq!((data[own][2].as_str(), data[own][3].as_str()), ("Phường Giếng Đáy", "Thành phố Hạ Long"));
    assert_eq!(num(&data[own][4]), Some(ward_dti));
    let rank = num(&data[own][5]).unwrap();
    assert!((10.0..=15.0).contains(&rank), "rank {rank}");
    assert!(data.iter().filter(|r| r[2] == "Phường Giếng Đáy").count() == 1);
    let (mut ties, mut prev) = (0, (f64::INFINITY, 0.0));
    for (n, r) in data.iter().enumerate() {
        let (v, rk) = (num(&r[4]).unwrap(), num(&r[5]).unwrap());
        assert!((0.0..=1.0).contains(&v) && (v * 10_000.0 - (v * 10_000.0).round()).abs() < 1e-6);
        assert!(v <= prev.0, "sorted by value");
        if v == prev.0 {
            ties += 1;
            assert_eq!(rk, prev.1, "tied rank");
        } else {
            assert_eq!(rk, (n + 1) as f64, "rank skips after a tie");
        }
        prev = (v, rk);
    }
    assert_eq!(ties, 1, "one tie");
}

/// S7: 3 years × 13 wards × components, the wards named as in the `ranking`, the sample ward
/// improving.
fn check_ddci_survey(ddci: &[Vec<String>], ranking: &[Vec<String>], ix: &SampleIndices) {
    assert_eq!(ddci[4], ddci::HEADERS.map(String::from));
    let data = &ddci[5..];
    assert_eq!(data.len(), 3 * 13 * ix.ddci_components.len());
    let units: BTreeSet<(&str, &str)> = data.iter().map(|r| (r[1].as_str(), r[2].as_str())).collect();
    assert_eq!(units.len(), 13);
    assert!(units.contains(&("06694", "Phường Giếng Đáy")));
    let ranked: BTreeSet<(&str, &str)> = ranking[5..].iter().map(|r| (r[1].as_str(), r[2].as_str())).collect();
    assert!(units.is_subset(&ranked), "same codes and names as the ranking");
    for r in data {
        let v = num(&r[5]).unwrap();
        assert!((5.5..=8.5).contains(&v) && (v * 100.0 - (v * 100.0).round()).abs() < 1e-6, "{r:?}");
    }
    for c in &ix.ddci_components {
        let own: Vec<f64> =
            data.iter().filter(|r| r[1] == "06694" && r[3] == c.code).map(|r| num(&r[5]).unwrap()).collect();
        assert_eq!(own.len(), 3);
        assert!(own[0] < own[1] && own[1] < own[2], "{own:?}");
    }
    let years: BTreeSet<&str> = data.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(years, BTreeSet::from(["2022", "2023", "2024"]));
}

/// The standings hold whatever the seed.
#[test]
fn par_standings_hold_for_many_seeds() {
    let ward = ward();
    let ix = ward.indices.as_ref().unwrap();
    let units = Units::new(&ward).unwrap();
    let ranks = units.ranks(&ward);
    let cal = calendar::Calendar::new(ward.year, &ward.holidays);
    for seed in 0..40 {
        let dir = tempfile::tempdir().unwrap();
        let files = par_appraisal::write_years(&mut stream(seed, 5), &cal, &ward, ix, &ranks, dir.path()).unwrap();
        let mut sums = Vec::new();
        for f in &files {
            let rows = sheet(f);
            let mut totals = [0.0; 5];
            for (k, r) in rows[5..].iter().enumerate() {
                totals[k / ix.par_criteria.len()] += num(&r[7]).or(num(&r[6])).unwrap();
            }
            assert!(rows[5..].iter().any(|r| r[7].is_empty()), "seed {seed}");
            assert!(
                (1..5).all(|u| totals[0] > totals[u]) && (0..5).all(|u| u == 2 || totals[2] < totals[u]),
                "seed {seed}: {totals:?}"
            );
            sums.push(totals.iter().sum::<f64>());
        }
        assert!(sums[1] > sums[0], "seed {seed}: {sums:?}");
    }
}
