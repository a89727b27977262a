//! The S1 dossier exports in their three real shapes (DATA-SOURCES.md S1a, S1b, S1c), checked
//! against the names the format profiles read (config/formats/*.toml), written out here so
//! that a drift in the generator fails, and the messy cases every shape must keep.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDateTime, Weekday};
use encoding_rs::WINDOWS_1252;
use serde_json::Value;

use super::*;

/// The header of the "Xuất Excel" downloads: names of the `xuat-excel-tinh` profile.
const EXCEL_HEADER: [&str; 29] = [
    "STT",
    "Mã hồ sơ",
    "Mã TTHC",
    "Tên thủ tục hành chính",
    "Mã lĩnh vực",
    "Lĩnh vực",
    "Đơn vị xử lý",
    "Người xử lý",
    "Kênh thực hiện",
    "Ngày nộp",
    "Ngày tiếp nhận",
    "Ngày hẹn trả",
    "Ngày kết thúc xử lý",
    "Ngày trả kết quả",
    "Ngày từ chối",
    "Trạng thái",
    "Số lần yêu cầu bổ sung",
    "Số ngày bổ sung",
    "Có phí, lệ phí",
    "Thanh toán trực tuyến",
    "Thành phần hồ sơ số hóa",
    "Kết quả điện tử",
    "Ký số",
    "Tái sử dụng dữ liệu",
    "Đánh giá",
    "Chủ hồ sơ",
    "Số điện thoại",
    "Email",
    "Địa chỉ",
];

/// TrangThaiHoSo: the national codes and words (the `dvcqg-dongbo` profile's table).
const NATIONAL: [(u8, &str); 10] = [
    (1, "Mới đăng ký"),
    (2, "Được tiếp nhận"),
    (3, "Không được tiếp nhận"),
    (4, "Đang xử lý"),
    (5, "Yêu cầu bổ sung giấy tờ"),
    (6, "Yêu cầu thực hiện nghĩa vụ tài chính"),
    (7, "Công dân yêu cầu rút hồ sơ"),
    (8, "Dừng xử lý"),
    (9, "Đã xử lý xong"),
    (10, "Đã trả kết quả"),
];

/// The `igate-vnpt` profile's ASSUMED tables: dossierStatus.id and applyMethod.id.
const IGATE_STATUS: [(u64, u8); 10] = [(0, 1), (1, 2), (2, 4), (3, 5), (4, 9), (5, 10), (6, 7), (7, 8), (8, 3), (9, 6)];
const IGATE_CHANNEL: [(u64, &str); 3] = [(0, "Trực tuyến"), (1, "Trực tiếp"), (2, "Bưu chính công ích")];
const CHANNEL_WORDS: [&str; 3] = ["Trực tiếp", "Trực tuyến", "Bưu chính công ích"];

/// Every field of a national sync record (S1a), in the order written.
const SYNC_KEYS: [&str; 27] = [
    "MaHoSo",
    "MaTTHC",
    "TenTTHC",
    "MaLinhVuc",
    "TenLinhVuc",
    "DonViXuLy",
    "NguoiXuLy",
    "KenhThucHien",
    "NgayNopHoSo",
    "NgayTiepNhan",
    "NgayHenTra",
    "NgayKetThucXuLy",
    "NgayTra",
    "NgayTuChoi",
    "TrangThaiHoSo",
    "HoSoCoThanhPhanSoHoa",
    "DuocThanhToanTrucTuyen",
    "ChuHoSo",
    "SoGiayToChuHoSo",
    "SoDienThoai",
    "Email",
    "DiaChi",
    "TrichYeuHoSo",
    "TaiLieuNop",
    "DanhSachLePhi",
    "DanhSachHoSoBoSung",
    "DanhSachGiayToKetQua",
];
const SYNC_DATES: [&str; 6] = ["NgayNopHoSo", "NgayTiepNhan", "NgayHenTra", "NgayKetThucXuLy", "NgayTra", "NgayTuChoi"];

fn word_code(word: &str) -> Option<u8> {
    NATIONAL.iter().find(|(_, w)| *w == word).map(|(c, _)| *c)
}

/// Working days by the test ward's calendar, counted independently of the generator's.
struct Days(BTreeSet<NaiveDate>);

impl Days {
    fn new() -> Days {
        Days(ward().holidays.into_iter().collect())
    }

    fn working(&self, d: NaiveDate) -> bool {
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !self.0.contains(&d)
    }

    /// `t` moved forward by `n` working days, same time of day.
    fn add(&self, t: NaiveDateTime, n: u32) -> NaiveDateTime {
        let mut d = t.date();
        for _ in 0..n {
            d = d.succ_opt().unwrap();
            while !self.working(d) {
                d = d.succ_opt().unwrap();
            }
        }
        d.and_time(t.time())
    }

    /// Working days after `a`'s day up to and including `b`'s.
    fn between(&self, a: NaiveDateTime, b: NaiveDateTime) -> u32 {
        let mut d = a.date();
        let mut n = 0;
        while d < b.date() {
            d = d.succ_opt().unwrap();
            n += u32::from(self.working(d));
        }
        n
    }
}

/// One data row of an Excel download, by header name.
#[derive(Clone, Debug, PartialEq)]
struct Row(BTreeMap<String, Data>);

impl Row {
    fn text(&self, col: &str) -> String {
        self.0.get(col).map_or(String::new(), |d| match d {
            Data::Empty => String::new(),
            Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
            other => other.to_string(),
        })
    }

    fn when(&self, col: &str) -> Option<NaiveDateTime> {
        match self.0.get(col)? {
            Data::DateTime(d) => d.as_datetime(),
            Data::String(s) => NaiveDateTime::parse_from_str(s, "%d/%m/%Y %H:%M:%S").ok(),
            _ => None,
        }
    }

    fn is_date_cell(&self, col: &str) -> bool {
        matches!(self.0.get(col), Some(Data::DateTime(_)))
    }

    fn status(&self) -> u8 {
        match (self.0.get("Trạng thái"), self.0.get("Mã trạng thái")) {
            (Some(Data::String(w)), None) => word_code(w).unwrap_or_else(|| panic!("not a national word: {w}")),
            (None, Some(Data::Float(c))) if (1.0..=10.0).contains(c) && c.fract() == 0.0 => *c as u8,
            other => panic!("status cell {other:?}"),
        }
    }

    fn number(&self, col: &str) -> u32 {
        self.text(col).parse().unwrap_or_else(|_| panic!("{col}: {:?}", self.0.get(col)))
    }
}

/// An Excel download: the rows above the header, the header, the data rows (None: an empty
/// row).
struct Excel {
    top: Vec<Vec<Data>>,
    header: Vec<String>,
    rows: Vec<Option<Row>>,
}

impl Excel {
    fn read(path: &Path) -> Excel {
        let mut wb = open_workbook_auto(path).unwrap();
        let name = wb.sheet_names()[0].clone();
        let range = wb.worksheet_range(&name).unwrap();
        let (rows, cols) = (range.end().unwrap().0 + 1, range.end().unwrap().1 + 1);
        let cells: Vec<Vec<Data>> = (0..rows)
            .map(|r| (0..cols).map(|c| range.get_value((r, c)).cloned().unwrap_or(Data::Empty)).collect())
            .collect();
        let header: Vec<String> = cells[3].iter().map(ToString::to_string).collect();
        let rows = cells[4..]
            .iter()
            .map(|r| {
                (!r.iter().all(|c| *c == Data::Empty)).then(|| {
                    Row(header.iter().cloned().zip(r.iter().cloned()).filter(|(h, _)| !h.is_empty()).collect())
                })
            })
            .collect();
        Excel { top: cells[..3].to_vec(), header, rows }
    }

    fn data(&self) -> impl Iterator<Item = &Row> {
        self.rows.iter().flatten()
    }
}

fn s1_path(dir: &Path, month: u32, reload: bool) -> PathBuf {
    let ym = format!("2024-{month:02}");
    let suffix = if reload { "-tai-lai" } else { "" };
    dir.join("ho-so").join(&ym).join(format!("ho-so-tthc-{ym}{suffix}.xlsx"))
}

fn sync_records(dir: &Path) -> Vec<Value> {
    let text = fs::read_to_string(dir.join("ho-so/2024-06/dong-bo-dvcqg-2024-06.json")).unwrap();
    match serde_json::from_str(&text).unwrap() {
        Value::Array(a) => a,
        other => panic!("not a top-level array: {other:.80}"),
    }
}

fn compact(s: &str) -> Option<NaiveDateTime> {
    (!s.is_empty()).then(|| {
        assert!(s.len() == 14 && s.bytes().all(|b| b.is_ascii_digit()), "not yyyyMMddHHmmss: {s:?}");
        NaiveDateTime::parse_from_str(s, "%Y%m%d%H%M%S").unwrap_or_else(|e| panic!("{s}: {e}"))
    })
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_else(|| panic!("{key} is not a string in {v:.200}"))
}

/// What every download shape says about one dossier, for the checks common to all.
#[derive(Debug)]
struct Rec {
    month: u32,
    id: String,
    unit: String,
    channel: String,
    status: u8,
    submitted: Option<NaiveDateTime>,
    received: Option<NaiveDateTime>,
    received_text: String,
    due: Option<NaiveDateTime>,
    finished: Option<NaiveDateTime>,
    refused: Option<NaiveDateTime>,
    supplement_requests: u32,
}

fn excel_recs(month: u32, x: &Excel) -> Vec<Rec> {
    x.data()
        .map(|r| Rec {
            month,
            id: r.text("Mã hồ sơ"),
            unit: r.text("Đơn vị xử lý"),
            channel: r.text("Kênh thực hiện"),
            status: r.status(),
            submitted: r.when("Ngày nộp"),
            received: r.when("Ngày tiếp nhận"),
            received_text: r.text("Ngày tiếp nhận"),
            due: r.when("Ngày hẹn trả"),
            finished: r.when("Ngày kết thúc xử lý"),
            refused: r.when("Ngày từ chối"),
            supplement_requests: r.number("Số lần yêu cầu bổ sung"),
        })
        .collect()
}

fn sync_recs(records: &[Value]) -> Vec<Rec> {
    records
        .iter()
        .map(|r| Rec {
            month: 6,
            id: str_of(r, "MaHoSo").into(),
            unit: str_of(r, "DonViXuLy").into(),
            channel: str_of(r, "KenhThucHien").into(),
            status: str_of(r, "TrangThaiHoSo").parse().unwrap(),
            submitted: compact(str_of(r, "NgayNopHoSo")),
            received: compact(str_of(r, "NgayTiepNhan")),
            received_text: str_of(r, "NgayTiepNhan").into(),
            due: compact(str_of(r, "NgayHenTra")),
            finished: compact(str_of(r, "NgayKetThucXuLy")),
            refused: compact(str_of(r, "NgayTuChoi")),
            supplement_requests: r["DanhSachHoSoBoSung"].as_array().unwrap().len() as u32,
        })
        .collect()
}

#[test]
fn monthly_dossier_downloads_carry_the_messy_cases() {
    let dir = tempfile::tempdir().unwrap();
    let summary = run(dir.path(), None);
    let oct = Excel::read(&s1_path(dir.path(), 10, false));
    let pages = oct.data().count().div_ceil(100);
    assert_eq!(summary.files.len(), 15 + pages + 12 + 12 + 1 + 2 + 2 + 1);
    assert_eq!(oct.top[0][0].to_string(), "ỦY BAN NHÂN DÂN PHƯỜNG GIẾNG ĐÁY");
    assert_eq!(oct.top[2][0].to_string(), "Từ ngày 01/10/2024 đến ngày 31/10/2024");
    let first = oct.data().next().unwrap().text("Mã hồ sơ");
    assert!(first.starts_with("H15.50.05.13-24") && first.len() == 24, "{first}");
    assert!(!dir.path().join("ho-so/2024-06/ho-so-tthc-2024-06.xlsx").exists(), "June is the sync JSON only");

    let mut recs = excel_month_recs(dir.path());
    recs.extend(sync_recs(&sync_records(dir.path())));
    check_statuses(&recs, summary.dossiers);
    check_messy_cases(&recs);
    check_reloads(dir.path());
}

/// The main Excel download of every month but June: the profile's header, the one empty row
/// in May, channels as words or codes and dates as cells or text, each in some months.
fn excel_month_recs(dir: &Path) -> Vec<Rec> {
    let mut recs = Vec::new();
    let (mut channel_words, mut channel_codes, mut date_cells, mut text_dates) = (0, 0, 0, 0);
    for m in (1..=12).filter(|&m| m != 6) {
        let x = Excel::read(&s1_path(dir, m, false));
        // The header right below the three title rows, by the profile's names.
        let mut want = EXCEL_HEADER.map(String::from).to_vec();
        if [4, 9].contains(&m) {
            want[15] = "Mã trạng thái".into();
        }
        assert_eq!(x.header, want, "header of month {m}");
        assert_eq!(x.rows.iter().filter(|r| r.is_none()).count(), usize::from(m == 5), "empty rows in month {m}");
        let channels: BTreeSet<String> = x.data().map(|r| r.text("Kênh thực hiện")).collect();
        if channels.iter().all(|c| c.is_empty() || CHANNEL_WORDS.contains(&c.as_str())) {
            channel_words += 1;
        } else {
            assert!(channels.iter().all(|c| ["", "1", "2", "3"].contains(&c.as_str())), "{m}: {channels:?}");
            channel_codes += 1;
        }
        let cells = x.data().filter(|r| r.is_date_cell("Ngày nộp")).count();
        assert!(cells == 0 || cells == x.data().count(), "month {m}: dates all cells or all text");
        if cells > 0 {
            date_cells += 1;
        } else {
            text_dates += 1;
        }
        recs.extend(excel_recs(m, &x));
    }
    assert!(channel_words >= 2 && channel_codes >= 2, "{channel_words} {channel_codes}");
    assert!(date_cells >= 2 && text_dates >= 2, "{date_cells} {text_dates}");
    recs
}

/// Every dossier is in some month, every month has a waiting (1) and a refused (3) dossier,
/// and the dates each status implies are there.
fn check_statuses(recs: &[Rec], dossiers: usize) {
    let ids: BTreeSet<&str> = recs.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids.len(), dossiers, "every dossier appears in some month");
    for m in 1..=12 {
        let statuses: BTreeSet<u8> = recs.iter().filter(|r| r.month == m).map(|r| r.status).collect();
        assert!(statuses.contains(&1) && statuses.contains(&3), "month {m}: {statuses:?}");
    }
    for r in recs {
        assert!(r.submitted.is_some(), "{r:?}");
        match r.status {
            1 | 3 => {
                assert!(r.received_text.is_empty() && r.due.is_none() && r.finished.is_none(), "{r:?}");
                assert_eq!(r.refused.is_some(), r.status == 3, "{r:?}");
                assert_eq!(r.channel, if r.month == 6 || [4, 7, 9].contains(&r.month) { "2" } else { "Trực tuyến" });
            }
            _ => {
                assert!(!r.received_text.is_empty() && r.refused.is_none(), "{r:?}");
                assert!(r.received.is_none_or(|t| r.submitted.unwrap() <= t), "filed before received: {r:?}");
            }
        }
        if matches!(r.status, 7..=10) {
            assert!(r.finished.is_some(), "{r:?}");
        }
    }
}

/// Each messy case of the real exports occurs somewhere in the year.
fn check_messy_cases(recs: &[Rec]) {
    let any = |f: &dyn Fn(&Rec) -> bool| recs.iter().any(f);
    assert!(any(&|r| r.received.is_some_and(|t| r.submitted < Some(t))), "filed online before reception");
    // Shown as of the next month's download: finishes early next month are already there.
    assert!(any(&|r| r.received.zip(r.finished).is_some_and(|(a, b)| a.month() == r.month && b.month() != r.month)));
    assert!(any(&|r| r.status > 3 && r.due.is_none()), "missing due date");
    assert!(any(&|r| r.channel.is_empty()), "empty channel");
    assert!(any(&|r| r.supplement_requests > 0), "supplement");
    assert!(any(&|r| r.status == 4) && any(&|r| r.status == 5), "unfinished");
    assert!(any(&|r| r.status == 9) && any(&|r| r.status == 10), "finished");
    let malformed: Vec<&Rec> = recs.iter().filter(|r| r.received_text == "31/02/2024 08:00:00").collect();
    assert!(malformed.len() == 1 && malformed[0].month == 2, "malformed date once, in February");
    for unknown in ["Phòng Tài nguyên và Môi trường TP", "UBND phường Giếng Đáy"] {
        assert!(any(&|r| r.unit == unknown), "unknown unit {unknown}");
    }
    assert!(any(&|r| r.unit.ends_with(' ')), "trailing space");
    assert!(any(&|r| r.unit.contains("  ")), "double space");
    assert!(any(&|r| r.unit.starts_with("BỘ PHẬN")), "upper case");
    assert!(any(&|r| r.unit.starts_with("bộ phận")), "lower case");
    assert!(any(&|r| r.unit != r.unit.nfc().collect::<String>()), "NFD name");
    assert!(any(&|r| r.due.zip(r.finished).is_some_and(|(d, f)| f > d) && r.supplement_requests == 0), "late");
}

/// The re-downloads of March, July and October: about 30% of the month's rows, nothing new,
/// some rows unchanged and some moved on (July: the same rows with real date cells).
fn check_reloads(dir: &Path) {
    for m in [3, 7, 10] {
        let main = Excel::read(&s1_path(dir, m, false));
        let again = Excel::read(&s1_path(dir, m, true));
        assert_eq!(again.header, main.header);
        let (main, again): (Vec<&Row>, Vec<&Row>) = (main.data().collect(), again.data().collect());
        assert!(again.len() * 5 < main.len() * 2 && again.len() * 5 > main.len(), "about 30% re-downloaded");
        let find = |id: &str| main.iter().find(|r| r.text("Mã hồ sơ") == id).copied();
        assert!(again.iter().all(|r| find(&r.text("Mã hồ sơ")).is_some()), "nothing new in the re-download");
        let same = |r: &Row| {
            let old = find(&r.text("Mã hồ sơ")).unwrap();
            EXCEL_HEADER
                .iter()
                .skip(1)
                .all(|h| if h.starts_with("Ngày") { r.when(h) == old.when(h) } else { r.text(h) == old.text(h) })
        };
        if m == 7 {
            assert!(again.iter().all(|r| r.is_date_cell("Ngày nộp")), "real date cells");
            assert!(main.iter().all(|r| !r.is_date_cell("Ngày nộp")), "text dates");
        } else {
            assert!(again.iter().any(|r| same(r)), "identical rows");
            assert!(again.iter().any(|r| !same(r)), "moved-on rows");
        }
    }
}

#[test]
fn the_sync_month_is_the_national_json_payload() {
    let dir = tempfile::tempdir().unwrap();
    run(dir.path(), None);
    let records = sync_records(dir.path());
    assert!(records.len() > 100);
    let days = Days::new();
    let fees: BTreeMap<String, bool> = procedures().into_iter().map(|p| (p.code, p.has_fee)).collect();
    let (mut statuses, mut moved, mut pending) = (BTreeSet::new(), 0, 0);
    for r in &records {
        let code = check_sync_record(r, &fees);
        statuses.insert(code);
        let (m, p) = check_sync_supplements(r, code, &days);
        (moved, pending) = (moved + m, pending + p);
    }
    let filed = |r: &Value| compact(str_of(r, "NgayNopHoSo"));
    let received = |r: &Value| compact(str_of(r, "NgayTiepNhan"));
    let online_before = records
        .iter()
        .filter(|r| str_of(r, "KenhThucHien") == "2")
        .all(|r| received(r).is_none_or(|t| filed(r) < Some(t)));
    assert!(online_before, "online dossiers are filed before an officer receives them");
    assert!(records.iter().filter(|r| str_of(r, "KenhThucHien") == "1").all(|r| filed(r) == received(r)), "in person");
    assert!(moved > 0, "some due date moved by a supplement");
    assert_eq!(pending > 0, statuses.contains(&5), "status 5 exactly while a supplement is waited for");
    assert!(statuses.contains(&1) && statuses.contains(&3), "{statuses:?}");
}

/// One record of the sync payload: the national fields, every date `yyyyMMddHHmmss`, the
/// dates its status implies, fees, papers and results. Returns its TrangThaiHoSo.
fn check_sync_record(r: &Value, fees: &BTreeMap<String, bool>) -> u8 {
    let keys: Vec<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
    let want: BTreeSet<&str> = SYNC_KEYS.into();
    assert_eq!(keys.iter().copied().collect::<BTreeSet<_>>(), want, "fields of {}", r["MaHoSo"]);
    let code: u8 = str_of(r, "TrangThaiHoSo").parse().unwrap();
    assert!((1..=10).contains(&code));
    for k in SYNC_DATES {
        compact(str_of(r, k));
    }
    assert!(!str_of(r, "NgayNopHoSo").is_empty());
    if code == 1 || code == 3 {
        assert_eq!(str_of(r, "NgayTiepNhan"), "", "{r}");
        assert_eq!(str_of(r, "NgayTuChoi").is_empty(), code == 1, "{r}");
    } else {
        assert!(!str_of(r, "NgayTiepNhan").is_empty() && str_of(r, "NgayTuChoi").is_empty(), "{r}");
    }
    assert!(["", "1", "2", "3"].contains(&str_of(r, "KenhThucHien")));
    assert!(["0", "1"].contains(&str_of(r, "HoSoCoThanhPhanSoHoa")));
    assert!(["0", "1", "2"].contains(&str_of(r, "DuocThanhToanTrucTuyen")));
    for k in ["ChuHoSo", "SoDienThoai", "DiaChi", "TrichYeuHoSo"] {
        assert!(!str_of(r, k).is_empty(), "{k}");
    }
    assert!(str_of(r, "SoGiayToChuHoSo").len() == 12);
    let fee = r["DanhSachLePhi"].as_array().unwrap();
    let positive = fee.iter().any(|f| str_of(f, "Gia").parse::<u32>().unwrap() > 0);
    assert_eq!(positive, fees[str_of(r, "MaTTHC")], "Gia > 0 iff the procedure has a fee");
    for f in fee {
        let keys: BTreeSet<&str> = f.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, BTreeSet::from(["TenPhiLePhi", "MaPhiLePhi", "HinhThucThu", "Gia", "LoaiPhiLePhi"]));
    }
    let papers = r["TaiLieuNop"].as_array().unwrap();
    assert!(!papers.is_empty());
    for p in papers {
        let keys: BTreeSet<&str> = p.as_object().unwrap().keys().map(String::as_str).collect();
        let want = [
            "TepDinhKemId",
            "TenTepDinhKem",
            "MaThanhPhanHoSo",
            "DuongDanTaiTepTin",
            "DuocSoHoa",
            "DuocTaiSuDung",
            "DuocLayTuKhoDMQG",
        ];
        assert_eq!(keys, want.into());
        assert_eq!(str_of(p, "DuocSoHoa"), str_of(r, "HoSoCoThanhPhanSoHoa"));
    }
    let results = !r["DanhSachGiayToKetQua"].as_array().unwrap().is_empty();
    assert!(!results || code == 9 || code == 10, "an electronic result only once finished");
    code
}

/// Each answered supplement moves the due date by its working days; NgayHenTra stays.
/// Returns whether the record's due date moved (0 or 1) and how many supplements are still
/// waited for.
fn check_sync_supplements(r: &Value, code: u8, days: &Days) -> (usize, usize) {
    let (mut moved, mut pending) = (0, 0);
    let asks = r["DanhSachHoSoBoSung"].as_array().unwrap();
    let due = compact(str_of(r, "NgayHenTra"));
    let (mut before, mut total) = (due, 0);
    for a in asks {
        let keys: BTreeSet<&str> = a.as_object().unwrap().keys().map(String::as_str).collect();
        let want = [
            "HoSoBoSungId",
            "NguoiYeuCauBoSung",
            "NoiDungBoSung",
            "NgayBoSung",
            "NgayTiepNhanBoSung",
            "NgayHenTraTruoc",
            "NgayHenTraMoi",
        ];
        assert_eq!(keys, want.into());
        assert_eq!(compact(str_of(a, "NgayHenTraTruoc")), before, "{r}");
        let asked = compact(str_of(a, "NgayBoSung")).unwrap();
        match compact(str_of(a, "NgayTiepNhanBoSung")) {
            Some(answered) => {
                assert!(answered > asked);
                total += days.between(asked, answered);
                let new = compact(str_of(a, "NgayHenTraMoi"));
                assert_eq!(new, due.map(|d| days.add(d, total)), "{r}");
                before = new;
            }
            None => {
                assert_eq!(code, 5, "waiting for the citizen: {r}");
                assert_eq!(str_of(a, "NgayHenTraMoi"), "");
                pending += 1;
            }
        }
    }
    let last = asks.iter().rev().find_map(|a| compact(str_of(a, "NgayHenTraMoi")));
    if let (Some(last), Some(due)) = (last, due) {
        assert_eq!(last, days.add(due, total));
        moved += usize::from(last != due);
    }
    (moved, pending)
}

/// An iGate instant: ISO 8601 with `+0700`, `+0000` or `Z`, as local time (Asia/Ho_Chi_Minh).
fn igate_time(v: &Value) -> Option<(NaiveDateTime, &'static str)> {
    let s = v.as_str()?;
    let (t, kind): (DateTime<FixedOffset>, _) = if s.ends_with('Z') {
        (DateTime::parse_from_rfc3339(s).unwrap(), "Z")
    } else {
        let t = DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.3f%z").unwrap_or_else(|e| panic!("{s}: {e}"));
        (t, if s.ends_with("+0700") { "+0700" } else { "+0000" })
    };
    assert!(s.contains(".000"), "{s}");
    Some(((t + Duration::hours(7)).naive_utc(), kind))
}

#[test]
fn igate_pages_are_the_october_download() {
    let dir = tempfile::tempdir().unwrap();
    run(dir.path(), None);
    let folder = dir.path().join("igate/2024-10");
    let n = fs::read_dir(&folder).unwrap().count();
    assert!(n >= 2, "several pages");
    let pages: Vec<Value> = (0..n)
        .map(|i| serde_json::from_str(&fs::read_to_string(folder.join(format!("trang-{i}.json"))).unwrap()).unwrap())
        .collect();
    let total: usize = pages.iter().map(|p| p["content"].as_array().unwrap().len()).sum();
    for (i, p) in pages.iter().enumerate() {
        let k = p["content"].as_array().unwrap().len();
        assert_eq!(p["totalElements"].as_u64(), Some(total as u64));
        assert_eq!(p["totalPages"].as_u64(), Some(n as u64));
        assert_eq!(p["number"].as_u64(), Some(i as u64));
        assert_eq!(p["size"].as_u64(), Some(100));
        assert_eq!(p["numberOfElements"].as_u64(), Some(k as u64));
        assert_eq!(p["last"].as_bool(), Some(i + 1 == n), "last only on the last page");
        assert!(if i + 1 < n { k == 100 } else { (1..=100).contains(&k) });
    }

    // The same dossiers as October's Excel download, as of the same moment.
    let excel = Excel::read(&s1_path(dir.path(), 10, false));
    let rows: Vec<&Row> = excel.data().collect();
    let records: Vec<&Value> = pages.iter().flat_map(|p| p["content"].as_array().unwrap()).collect();
    assert_eq!(records.len(), rows.len());
    let names: BTreeSet<String> = ward().units.iter().filter(|u| u.handles_dossiers).map(|u| u.name.clone()).collect();
    let days = Days::new();
    let mut offsets = BTreeSet::new();
    for (r, x) in records.iter().zip(&rows) {
        assert_eq!(r["code"].as_str().unwrap(), x.text("Mã hồ sơ"));
        assert!(r["id"].as_str().is_some_and(|id| id.len() == 24));
        let id = r["dossierStatus"]["id"].as_u64().unwrap();
        let national = IGATE_STATUS.iter().find(|s| s.0 == id).map(|s| s.1);
        assert_eq!(national, Some(x.status()), "{r}");
        assert!(r["dossierStatus"]["name"].is_string());
        match x.text("Kênh thực hiện").as_str() {
            "" => assert!(r.get("applyMethod").is_none()),
            word => {
                let id = r["applyMethod"]["id"].as_u64().unwrap();
                assert_eq!(IGATE_CHANNEL.iter().find(|c| c.0 == id).map(|c| c.1), Some(word));
                assert_eq!(r["applyMethod"]["name"].as_str(), Some(word));
            }
        }
        let agency = r["agency"].as_object().unwrap();
        assert!(agency.get("code").is_none() && names.contains(agency["name"].as_str().unwrap()), "{r}");
        assert_eq!(r["procedure"]["code"].as_str().unwrap(), x.text("Mã TTHC"));
        assert_eq!(r["procedure"]["translate"][0]["name"].as_str().unwrap(), x.text("Tên thủ tục hành chính"));
        assert_eq!(r["procedure"]["sector"]["code"].as_str().unwrap(), x.text("Mã lĩnh vực"));
        assert_eq!(r["procedure"]["sector"]["name"].as_str().unwrap(), x.text("Lĩnh vực"));
        let task = r["currentTask"].as_array().unwrap();
        let officer = task.first().map_or(String::new(), |t| t["assignee"]["fullname"].as_str().unwrap().to_string());
        assert_eq!(officer, x.text("Người xử lý"));
        let mut date = |key: &str| {
            igate_time(&r[key]).map(|(t, kind)| {
                offsets.insert(kind);
                t
            })
        };
        assert_eq!(date("appliedDate"), x.when("Ngày nộp"));
        assert_eq!(date("acceptedDate"), x.when("Ngày tiếp nhận"));
        assert_eq!(date("completedDate"), x.when("Ngày kết thúc xử lý"));
        assert_eq!(date("returnedDate"), x.when("Ngày trả kết quả"));
        // appointmentDate: the due date after the supplements, as the Excel's "Ngày hẹn trả"
        // moved by its "Số ngày bổ sung".
        let due = x.when("Ngày hẹn trả").map(|d| days.add(d, x.number("Số ngày bổ sung")));
        assert_eq!(date("appointmentDate"), due, "{r}");
        let asks = r["additionalRequirement"].as_array().unwrap();
        assert_eq!(asks.len() as u32, x.number("Số lần yêu cầu bổ sung"));
        if let Some(last) = asks.iter().rev().find_map(|a| igate_time(&a["newAppointmentDate"])) {
            assert_eq!(Some(last.0), due);
        }
        let fee = r["fee"].as_array().unwrap().iter().any(|f| f["amount"].as_u64().unwrap() > 0);
        assert_eq!(u32::from(fee), x.number("Có phí, lệ phí"));
        assert_eq!(r["paymentMethod"]["id"].as_u64().unwrap() as u32, x.number("Thanh toán trực tuyến"));
        assert_eq!(u32::from(r["digitizedInput"].as_bool().unwrap()), x.number("Thành phần hồ sơ số hóa"));
        assert_eq!(r["electronicResult"].as_u64().unwrap() as u32, x.number("Kết quả điện tử"));
        assert_eq!(r["dataReused"].as_u64().unwrap() as u32, x.number("Tái sử dụng dữ liệu"));
        let person = &r["applicant"]["data"];
        assert_eq!(person["fullname"].as_str().unwrap(), x.text("Chủ hồ sơ"));
        assert_eq!(person["phoneNumber"].as_str().unwrap(), x.text("Số điện thoại"));
        assert!(person["identityNumber"].is_string() && person["address"].is_string());
    }
    assert_eq!(offsets, BTreeSet::from(["+0700", "+0000", "Z"]));
}

/// A .VnTime cell read back: the Windows-1252 characters as TCVN3 bytes.
fn from_vntime(cell: &str) -> String {
    let (bytes, _, unmappable) = WINDOWS_1252.encode(cell);
    assert!(!unmappable, "{cell}");
    let text: String = bytes
        .iter()
        .map(|&b| if b < 0x80 { char::from(b) } else { crate::ingest::TCVN3_HIGH[usize::from(b - 0x80)] })
        .collect();
    text.nfc().collect()
}

#[test]
fn vntime_unit_cells_in_one_month_read_back_as_registry_names() {
    assert_eq!(from_vntime("Bé phËn T\u{AD} ph¸p - Hé tÞch"), "Bộ phận Tư pháp - Hộ tịch");
    let dir = tempfile::tempdir().unwrap();
    run(dir.path(), None);
    let ward = ward();
    let key = |s: &str| s.nfc().collect::<String>().to_lowercase().split_whitespace().collect::<Vec<_>>().join(" ");
    let known: BTreeSet<String> = ward
        .units
        .iter()
        .map(|u| key(&u.name))
        .chain(["Phòng Tài nguyên và Môi trường TP", "UBND phường Giếng Đáy"].map(key))
        .collect();
    let names: BTreeSet<&str> = ward.units.iter().map(|u| u.name.as_str()).collect();
    let mut legacy = BTreeMap::new();
    for m in (1..=12).filter(|&m| m != 6) {
        for reload in [false, true] {
            let path = s1_path(dir.path(), m, reload);
            if !path.exists() {
                continue;
            }
            for r in Excel::read(&path).data() {
                let cell = r.text("Đơn vị xử lý");
                if known.contains(&key(&cell)) {
                    continue;
                }
                let name = from_vntime(&cell);
                assert!(names.contains(name.as_str()), "month {m}: unit cell {cell:?} reads {name:?}");
                *legacy.entry(m).or_insert(0) += 1;
            }
        }
    }
    assert_eq!(legacy.keys().copied().collect::<Vec<_>>(), [8], "{legacy:?}");
    assert!((2..=4).contains(&legacy[&8]), "{legacy:?}");
}

#[test]
fn benchmark_csv_has_field_names_and_plain_values() {
    let dir = tempfile::tempdir().unwrap();
    let summary = run(dir.path(), Some(5000));
    assert_eq!(summary.files, vec![dir.path().join("ho-so-5000.csv")]);
    let text = fs::read_to_string(&summary.files[0]).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next().unwrap(), bench::HEADER);
    let rows: Vec<Vec<String>> = lines.map(split_csv).collect();
    assert_eq!(rows.len(), 5000);
    let ids: BTreeSet<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(ids.len(), 5000, "unique dossier ids");
    let mut statuses = BTreeSet::new();
    for r in &rows {
        assert_eq!(r.len(), 26);
        let status: u8 = r[12].parse().unwrap_or_else(|_| panic!("TrangThaiHoSo {:?}", r[12]));
        assert!((1..=10).contains(&status));
        statuses.insert(status);
        let b = r[8].as_bytes();
        if status == 3 {
            assert!(r[8].is_empty() && r[9].is_empty() && r[10].is_empty(), "refused: never received");
        } else {
            assert!(
                b.len() == 19 && b[2] == b'/' && b[5] == b'/' && b[10] == b' ' && r[8][6..10] == *"2024",
                "{}",
                r[8]
            );
        }
        for col in [13, 14, 15, 16, 17, 18, 19, 20] {
            assert!(r[col].parse::<u32>().is_ok(), "column {col}: {}", r[col]);
        }
        assert!(["", "-1", "0", "1"].contains(&r[21].as_str()));
        assert!(r[23].len() == 10 && r[23].starts_with("09"));
        assert!(r[25].starts_with("Tổ ") && r[25].ends_with("phường Giếng Đáy"));
    }
    assert!(statuses.is_superset(&BTreeSet::from([3, 7, 9, 10])), "{statuses:?}");
    let online = rows.iter().filter(|r| r[7] == "2").count() as f64 / 5000.0;
    assert!((0.3..0.65).contains(&online), "online share {online}");
    let missing_due = rows.iter().filter(|r| r[9].is_empty() && r[12] != "3").count();
    assert!((10..=100).contains(&missing_due), "missing due dates {missing_due}");
}

#[test]
fn national_benchmark_shape_differs_only_in_its_dates() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    run(a.path(), Some(3000));
    let opts = SampleOptions { dossiers: Some(3000), bench_shape: BenchShape::National, ..options(b.path(), 40) };
    let summary = generate(&ward(), &opts).unwrap();
    assert_eq!(summary.files, vec![b.path().join("ho-so-3000-dvcqg.csv")]);
    let flat = fs::read_to_string(a.path().join("ho-so-3000.csv")).unwrap();
    let national = fs::read_to_string(&summary.files[0]).unwrap();
    assert_eq!(flat.lines().count(), national.lines().count());
    assert_eq!(national.lines().next(), Some(bench::HEADER));
    let mut dates = 0;
    for (f, n) in flat.lines().skip(1).zip(national.lines().skip(1)) {
        let (f, n) = (split_csv(f), split_csv(n));
        for (col, (x, y)) in f.iter().zip(&n).enumerate() {
            if (8..=11).contains(&col) && !x.is_empty() {
                let t = NaiveDateTime::parse_from_str(x, "%d/%m/%Y %H:%M:%S").unwrap();
                assert_eq!(compact(y), Some(t));
                dates += 1;
            } else {
                assert_eq!(x, y, "column {col}");
            }
        }
    }
    assert!(dates > 3000 * 3);
}

#[test]
fn statuses_fees_and_igate_tables_match_the_profiles() {
    for (s, (code, word)) in dossier::Status::ALL.iter().zip(NATIONAL) {
        assert_eq!((s.code(), s.word()), (code, word));
        let id = IGATE_STATUS.iter().find(|x| x.1 == code).unwrap().0;
        assert_eq!(u64::from(igate::status(*s).0), id);
    }
    for (id, word) in IGATE_CHANNEL {
        let channel = [1, 2, 3].into_iter().find(|&c| excel_download::channel_word(c) == word).unwrap();
        assert_eq!(u64::from(igate::apply_method(channel)), id);
    }
    for p in &catalog::CATALOG {
        assert_eq!(catalog::fee(p).is_some_and(|f| f.1 > 0), p.has_fee, "{}", p.code);
    }
    // Once the profiles are in the repository, the header and the words must be theirs.
    let formats = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/formats");
    let profile = |name: &str| -> Option<toml::Table> { fs::read_to_string(formats.join(name)).ok()?.parse().ok() };
    if let Some(p) = profile("xuat-excel-tinh.toml") {
        let mut names: BTreeSet<String> = BTreeSet::new();
        for v in p["fields"].as_table().unwrap().values() {
            match v {
                toml::Value::String(s) => {
                    names.insert(s.clone());
                }
                toml::Value::Array(a) => names.extend(a.iter().filter_map(|x| x.as_str().map(String::from))),
                _ => {}
            }
        }
        names.extend(p["personal"].as_array().unwrap().iter().map(|x| x.as_str().unwrap().to_string()));
        for h in EXCEL_HEADER.iter().skip(1).chain(&["Mã trạng thái"]) {
            assert!(names.contains(*h), "{h} is not read by xuat-excel-tinh");
        }
        let status = p["codes"]["status"].as_table().unwrap();
        for (code, word) in NATIONAL {
            assert_eq!(status[word].as_integer(), Some(i64::from(code)));
        }
    }
    if let Some(p) = profile("igate-vnpt.toml") {
        let status = p["codes"]["status"].as_table().unwrap();
        for (id, code) in IGATE_STATUS {
            assert_eq!(status[&id.to_string()].as_integer(), Some(i64::from(code)));
        }
    }
}

/// The sample ward in the year of its merger, as `config/units.toml` has it: Giếng Đáy's units
/// end on 30/6/2025 and name their successors, Việt Hưng's start on 1/7/2025.
fn merged_ward() -> SampleWard {
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    let old = Validity::new(d(2019, 1, 1), Some(d(2025, 6, 30)));
    let new = Validity::since(d(2025, 7, 1));
    let unit = |code: &str, name: &str, handles: bool, officers: &[&str], valid: Validity, successor: Option<&str>| {
        SampleUnit {
            code: code.into(),
            name: name.into(),
            handles_dossiers: handles,
            officers: officers.iter().map(std::string::ToString::to_string).collect(),
            valid,
            successor: successor.map(String::from),
        }
    };
    SampleWard {
        ward_name: "Giếng Đáy".into(),
        merged: Vec::new(),
        agency_code: "H15.50.05.13".into(),
        year: 2025,
        units: vec![
            unit("TPHT", "Bộ phận Tư pháp - Hộ tịch", true, &["gd.a", "gd.b"], old, Some("VH.VP")),
            unit("DCXD", "Bộ phận Địa chính - Xây dựng", true, &["gd.c"], old, Some("VH.KT")),
            unit("LDTBXH", "Bộ phận Lao động - Thương binh và Xã hội", true, &["gd.d"], old, Some("VH.VHXH")),
            unit("VPTK", "Bộ phận Văn phòng - Thống kê", false, &["gd.e"], old, Some("VH.VP")),
            unit("VH.VP", "Văn phòng HĐND và UBND phường Việt Hưng", true, &["vh.a", "vh.b"], new, None),
            unit("VH.KT", "Phòng Kinh tế, Hạ tầng và Đô thị phường Việt Hưng", true, &["vh.c"], new, None),
            unit("VH.VHXH", "Phòng Văn hóa - Xã hội phường Việt Hưng", true, &["vh.d"], new, None),
        ],
        holidays: [
            (1, 1),
            (1, 27),
            (1, 28),
            (1, 29),
            (1, 30),
            (1, 31),
            (4, 7),
            (4, 30),
            (5, 1),
            (5, 2),
            (9, 1),
            (9, 2),
        ]
        .map(|(m, day)| d(2025, m, day))
        .to_vec(),
        indices: None,
    }
}

/// The registry unit a cell of an export names (spelling variants included), if any.
fn named<'a>(ward: &'a SampleWard, cell: &str) -> Option<&'a SampleUnit> {
    let key = |s: &str| s.nfc().collect::<String>().to_lowercase().split_whitespace().collect::<Vec<_>>().join(" ");
    ward.units.iter().find(|u| key(&u.name) == key(cell))
}

#[test]
fn across_a_merger_every_export_names_the_unit_that_exists_that_day() {
    let ward = merged_ward();
    let dir = tempfile::tempdir().unwrap();
    let opts = options(dir.path(), 40);
    generate(&ward, &opts).unwrap();
    let mut seen: BTreeMap<(u32, String), usize> = BTreeMap::new();
    let mut wrong = Vec::new();
    // Dossiers: the unit of a received dossier exists on the day it was received.
    for m in (1..=12).filter(|&m| m != 6 && m != 8) {
        let path = dir.path().join(format!("ho-so/2025-{m:02}/ho-so-tthc-2025-{m:02}.xlsx"));
        for r in Excel::read(&path).data() {
            let (Some(unit), Some(received)) = (named(&ward, &r.text("Đơn vị xử lý")), r.when("Ngày tiếp nhận"))
            else {
                continue;
            };
            if !unit.valid.contains(received.date()) {
                wrong.push(format!("{m:02}: {} received {received} by {}", r.text("Mã hồ sơ"), unit.code));
            }
            if received.month() == m {
                *seen.entry((m, unit.code.clone())).or_default() += 1;
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} dossiers name a unit that did not exist: {:#?}",
        wrong.len(),
        &wrong[..wrong.len().min(5)]
    );
    // Before the merger the old units take every dossier, after it their successors.
    for (m, codes) in [(5, ["TPHT", "DCXD", "LDTBXH"]), (10, ["VH.VP", "VH.KT", "VH.VHXH"])] {
        for code in codes {
            assert!(seen.get(&(m, code.to_string())).is_some_and(|&n| n >= 10), "{code} in month {m}: {seen:?}");
        }
    }
    // Documents, feedback and initiatives: only the units that exist in the month or on the day.
    for m in 1..=12 {
        let bytes = fs::read(dir.path().join(format!("van-ban/2025-{m:02}/van-ban-2025-{m:02}.csv"))).unwrap();
        let text = WINDOWS_1258.decode(&bytes).0.nfc().collect::<String>();
        let first = NaiveDate::from_ymd_opt(2025, m, 1).unwrap();
        for line in text.lines().skip(1) {
            let cell = match line.strip_prefix('"') {
                Some(quoted) => quoted.split('"').next().unwrap(),
                None => line.split(',').next().unwrap(),
            };
            let unit = named(&ward, cell).unwrap_or_else(|| panic!("{line}"));
            assert!(unit.valid.overlaps(first, first + Duration::days(27)), "documents of {} in {m:02}", unit.code);
        }
        let rows = sheet(&dir.path().join(format!("pakn/2025-{m:02}/pakn-2025-{m:02}.xlsx")));
        for r in &rows[5..] {
            let unit = named(&ward, &r[4]).unwrap();
            let day = NaiveDateTime::parse_from_str(&r[8], "%d/%m/%Y %H:%M:%S").unwrap().date();
            assert!(unit.valid.contains(day), "feedback {} about {} on {day}", r[1], unit.code);
        }
    }
    let rows = sheet(&dir.path().join("sang-kien/sang-kien-2025.xlsx"));
    for r in &rows[5..] {
        let unit = named(&ward, &r[1]).unwrap();
        let day = NaiveDate::parse_from_str(&r[4], "%d/%m/%Y").unwrap();
        assert!(unit.valid.contains(day), "initiative of {} registered on {day}", unit.code);
    }
}
