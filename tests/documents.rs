//! The award round's Word documents for the sample ward's 2024 round: the layout Nghị định
//! 30/2020/NĐ-CP asks for, read back from each .docx's XML, and every figure against the award
//! workbook built from the same round (read back with calamine).
//!
//! The round is the one `thidua awards` judges (`pipeline::award_round`, on a temporary copy of
//! `config/`, `pipelines/` and `samples/`); a first test checks that `thidua awards --year 2024`
//! writes the same workbook and the same documents into `output/2024/`.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use calamine::Data;
use chrono::{NaiveDate, TimeZone};
use thidua::config::{Config, Diagnostics};
use thidua::period::Period;
use thidua::pipeline::RunContext;
use thidua::report::documents::{Votes, award_documents_with_votes};
use thidua::report::{AwardsReport, Document, Templates, award_documents, awards_workbook};
use thidua::score::{AwardRules, Candidate, Outcome};

use crate::common::{Sheet, copy_dir, repo};

/// The sample ward's 2024 round, evaluated once for all tests.
struct Round {
    dir: tempfile::TempDir,
    config: Config,
    rules: AwardRules,
    candidates: Vec<Candidate>,
    outcomes: Vec<Outcome>,
    now: chrono::DateTime<chrono_tz::Tz>,
}

impl Round {
    fn rules(&self) -> &AwardRules {
        &self.rules
    }

    fn report(&self) -> AwardsReport<'_> {
        AwardsReport {
            ward: self.config.settings.ward.of(Period::year(2024).unwrap()),
            year: 2024,
            round_day: NaiveDate::from_ymd_opt(2024, 12, 31).unwrap(),
            generated_at: self.now,
            rules: self.rules(),
            plan: self.config.methodologies.plan_for(Period::year(2024).unwrap()).map(|t| &t.plan),
            registry: &self.config.registry,
            candidates: &self.candidates,
            outcomes: &self.outcomes,
        }
    }

    fn templates_dir(&self) -> PathBuf {
        self.dir.path().join("config/templates/awards")
    }

    fn templates(&self) -> Templates {
        Templates::load(&self.templates_dir()).unwrap()
    }
}

fn round() -> &'static Round {
    static ROUND: OnceLock<Round> = OnceLock::new();
    ROUND.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        for sub in ["config", "pipelines", "samples"] {
            copy_dir(&repo().join(sub), &dir.path().join(sub));
        }
        let mut d = Diagnostics::default();
        let config = thidua::config::load(&dir.path().join("config/thidua.toml"), &mut d).unwrap();
        assert!(d.is_empty(), "{:#?}", d.problems());
        let pipeline = thidua::pipeline::load(&config, "year_end_awards").unwrap();
        let tz = config.settings.ward.time_zone;
        let now = tz.with_ymd_and_hms(2025, 1, 6, 8, 0, 0).unwrap();
        let period = Period::year(2024).unwrap();
        let ctx = RunContext { config: &config, period, now, dry_run: true, resend: false };
        let (_, round) = thidua::pipeline::award_round(&pipeline, &ctx).unwrap();
        Round { dir, config, rules: round.rules, candidates: round.candidates, outcomes: round.outcomes, now }
    })
}

struct Docx {
    parts: BTreeMap<String, String>,
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&")
}

/// The elements `<tag …>…</tag>` (or `<tag/>`) in `xml`, matching the exact tag name.
fn elements<'a>(xml: &'a str, tag: &str) -> Vec<&'a str> {
    let (open, close) = (format!("<{tag}"), format!("</{tag}>"));
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find(&open) {
        let after = &rest[i + open.len()..];
        if !after.starts_with([' ', '>', '/']) {
            rest = after;
            continue;
        }
        let tag_end = after.find('>').unwrap();
        if after[..tag_end].ends_with('/') {
            out.push(&rest[i..i + open.len() + tag_end + 1]);
            rest = &after[tag_end + 1..];
            continue;
        }
        let end = after.find(&close).map_or(after.len(), |e| e + close.len());
        out.push(&rest[i..i + open.len() + end]);
        rest = &after[end..];
    }
    out
}

fn attr(element: &str, name: &str) -> Option<String> {
    let head = &element[..element.find('>').unwrap_or(element.len())];
    let key = format!(" {name}=\"");
    let start = head.find(&key)? + key.len();
    Some(unescape(&head[start..start + head[start..].find('"')?]))
}

fn texts(xml: &str) -> String {
    elements(xml, "w:t")
        .iter()
        .map(|t| unescape(&t[t.find('>').unwrap() + 1..t.rfind("</w:t>").unwrap_or(t.len())]))
        .collect()
}

impl Docx {
    fn open(d: &Document) -> Docx {
        let mut zip = ::zip::ZipArchive::new(std::io::Cursor::new(&d.bytes)).unwrap();
        let mut parts = BTreeMap::new();
        for i in 0..zip.len() {
            let mut f = zip.by_index(i).unwrap();
            let name = f.name().unwrap().to_string();
            let mut s = String::new();
            if name.ends_with(".xml") || name.ends_with(".rels") {
                f.read_to_string(&mut s).unwrap();
                parts.insert(name, s);
            }
        }
        Docx { parts }
    }

    fn document(&self) -> &str {
        &self.parts["word/document.xml"]
    }

    /// Every paragraph's text, in order (table cells included).
    fn paragraphs(&self) -> Vec<String> {
        elements(self.document(), "w:p").iter().map(|p| texts(p)).collect()
    }

    fn text(&self) -> String {
        self.paragraphs().join("\n")
    }

    /// Every table row as its cells' texts.
    fn rows(&self) -> Vec<Vec<String>> {
        elements(self.document(), "w:tr")
            .iter()
            .map(|r| elements(r, "w:tc").iter().map(|c| texts(c)).collect())
            .collect()
    }

    fn headers_and_footers(&self) -> Vec<&str> {
        self.parts
            .iter()
            .filter(|(k, _)| k.starts_with("word/header") || k.starts_with("word/footer"))
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

fn documents() -> &'static Vec<Document> {
    static DOCS: OnceLock<Vec<Document>> = OnceLock::new();
    DOCS.get_or_init(|| {
        let r = round();
        let docs = award_documents(&r.report(), &r.templates()).unwrap();
        // THIDUA_DOCS_DIR=/some/dir keeps the documents, to open or print them by hand.
        if let Some(dir) = std::env::var_os("THIDUA_DOCS_DIR") {
            std::fs::create_dir_all(&dir).unwrap();
            for d in &docs {
                std::fs::write(Path::new(&dir).join(&d.file_name), &d.bytes).unwrap();
            }
        }
        docs
    })
}

/// The award workbook of the same round, written to a file for calamine.
fn workbook() -> &'static Path {
    static BOOK: OnceLock<PathBuf> = OnceLock::new();
    BOOK.get_or_init(|| {
        let r = round();
        let path = r.dir.path().join("xet-khen-thuong-2024-trong-bo-nho.xlsx");
        std::fs::write(&path, awards_workbook(&r.report()).unwrap()).unwrap();
        path
    })
}

fn cell(c: &Data) -> String {
    match c {
        Data::Empty => String::new(),
        Data::Float(f) if f.fract() == 0.0 => format!("{f:.0}"),
        other => other.to_string(),
    }
}

/// "2.340.000", "96,50%", "95,12": the figures as the documents write them.
fn thousands(x: f64) -> String {
    let digits = format!("{:.0}", x.round());
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(ch);
    }
    out
}

fn comma(x: f64, decimals: usize) -> String {
    format!("{x:.decimals$}").replace('.', ",")
}

fn is(d: &Document, prefix: &str) -> bool {
    d.file_name.starts_with(prefix)
}

// ---------------------------------------------------------------------------------------------

#[test]
fn the_round_here_is_the_round_thidua_awards_runs() {
    let r = round();
    let out = Command::new(env!("CARGO_BIN_EXE_thidua"))
        .current_dir(r.dir.path())
        .args(["awards", "--year", "2024"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let real = r.dir.path().join("output/2024/xet-khen-thuong-2024.xlsx");
    for sheet in ["Kết quả xét khen", "Số liệu báo cáo thành tích"] {
        let want: Vec<Vec<String>> =
            Sheet::read(&real, sheet, 3).rows[3..].iter().map(|r| r.iter().map(cell).collect()).collect();
        let got: Vec<Vec<String>> =
            Sheet::read(workbook(), sheet, 3).rows[3..].iter().map(|r| r.iter().map(cell).collect()).collect();
        assert_eq!(got, want, "sheet {sheet}");
    }
    // The same documents, published beside the workbook.
    let folder = r.dir.path().join("output/2024/van-ban");
    for d in documents() {
        let written = std::fs::read(folder.join(&d.file_name)).unwrap_or_else(|e| panic!("{}: {e}", d.file_name));
        let written = Docx::open(&Document { bytes: written, ..d.clone() });
        assert_eq!(written.document(), Docx::open(d).document(), "{}", d.file_name);
    }
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), documents().len());
}

#[test]
fn every_document_has_the_layout_of_decree_30() {
    let docs = documents();
    // 2 Tờ trình, 1 Biên bản, 27 Báo cáo thành tích (27 nominations, 4 units that registered no
    // initiative fail i2 since the register counts them as 0 rather than "no data").
    assert_eq!(docs.len(), 30);
    let mm = |x: f64| x * 56.7;
    for d in docs {
        assert!(d.file_name.is_ascii() && d.file_name.ends_with(".docx"), "{}", d.file_name);
        let x = Docx::open(d);
        let doc = x.document();
        let sect = elements(doc, "w:sectPr").pop().unwrap_or_else(|| panic!("{}: no sectPr", d.file_name));
        let size = elements(sect, "w:pgSz")[0];
        assert_eq!(attr(size, "w:w").as_deref(), Some("11906"), "{}: A4 width", d.file_name);
        assert_eq!(attr(size, "w:h").as_deref(), Some("16838"), "{}: A4 height", d.file_name);
        let margin = elements(sect, "w:pgMar")[0];
        let m = |k: &str| attr(margin, k).unwrap().parse::<f64>().unwrap();
        for (k, lo, hi) in
            [("w:top", 20.0, 25.0), ("w:bottom", 20.0, 25.0), ("w:left", 30.0, 35.0), ("w:right", 15.0, 20.0)]
        {
            assert!(m(k) >= mm(lo) - 1.0 && m(k) <= mm(hi) + 1.0, "{}: {k} = {} twips", d.file_name, m(k));
        }
        assert!(!elements(sect, "w:titlePg").is_empty(), "{}: no page number on page 1", d.file_name);
        // Times New Roman, 13–14 pt body.
        let styles = &x.parts["word/styles.xml"];
        let defaults = elements(styles, "w:docDefaults")[0];
        assert_eq!(attr(elements(defaults, "w:rFonts")[0], "w:ascii").as_deref(), Some("Times New Roman"));
        let body = attr(elements(defaults, "w:sz")[0], "w:val").unwrap().parse::<u32>().unwrap();
        assert!((26..=28).contains(&body), "{}: body {body} half-points", d.file_name);
        for f in elements(doc, "w:rFonts") {
            assert_eq!(attr(f, "w:ascii").as_deref(), Some("Times New Roman"), "{}: {f}", d.file_name);
        }
        let mut sizes: BTreeMap<u32, usize> = BTreeMap::new();
        for s in elements(doc, "w:r").iter().flat_map(|r| elements(r, "w:sz")) {
            *sizes.entry(attr(s, "w:val").unwrap().parse().unwrap()).or_default() += 1;
        }
        assert!(sizes.keys().all(|s| (22..=28).contains(s)), "{}: sizes {sizes:?}", d.file_name);
        let most = sizes.iter().max_by_key(|(_, n)| **n).map(|(s, _)| *s).unwrap();
        assert!((26..=28).contains(&most), "{}: most text at {most} half-points", d.file_name);
        // Quốc hiệu, tiêu ngữ, page numbers.
        let text = x.text();
        assert!(text.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), "{}", d.file_name);
        assert!(text.contains("Độc lập - Tự do - Hạnh phúc"), "{}", d.file_name);
        assert!(text.contains("Giếng Đáy, ngày 31 tháng 12 năm 2024"), "{}", d.file_name);
        assert!(
            x.headers_and_footers()
                .iter()
                .any(|h| elements(h, "w:instrText").iter().any(|i| texts_of_instr(i) == "PAGE")),
            "{}: no PAGE field",
            d.file_name
        );
        assert!(!text.contains('{') && !text.contains('}'), "{}: a placeholder left: {text}", d.file_name);
    }
}

fn texts_of_instr(i: &str) -> String {
    i[i.find('>').unwrap() + 1..i.rfind("</").unwrap_or(i.len())].trim().to_string()
}

#[test]
fn the_proposals_list_every_nominee_with_the_workbooks_level_and_prize() {
    let rows = Sheet::read(workbook(), "Kết quả xét khen", 3).records();
    let nominated: Vec<_> = rows.iter().filter(|r| !cell(&r["Hình thức đề nghị"]).is_empty()).collect();
    assert_eq!(nominated.len(), 27);
    let proposals: Vec<Docx> = documents().iter().filter(|d| is(d, "to-trinh")).map(Docx::open).collect();
    assert_eq!(proposals.len(), 2, "one to the city, one to the ward chairman");
    let listed: Vec<Vec<String>> =
        proposals.iter().flat_map(Docx::rows).filter(|r| r.len() == 5 && r[0].parse::<u32>().is_ok()).collect();
    assert_eq!(listed.len(), nominated.len(), "{listed:#?}");
    let mut total = 0.0;
    for n in &nominated {
        let (name, level, prize) =
            (cell(&n["Tên"]), cell(&n["Hình thức đề nghị"]), crate::common::num(&n["Tiền thưởng (đồng)"]));
        total += prize;
        assert!(
            listed.iter().any(|r| r[1] == name && r[3] == level && r[4] == thousands(prize)),
            "{name} / {level} / {prize} not in {listed:#?}"
        );
    }
    // The position names the unit once: left out when the position already says it.
    let position = |name: &str| listed.iter().find(|r| r[1] == name).map(|r| r[2].clone()).unwrap();
    assert_eq!(position("Trần Quốc Khánh"), "Trưởng bộ phận Địa chính - Xây dựng");
    assert_eq!(position("Ngô Thị Phương"), "Trạm trưởng Trạm Y tế");
    assert_eq!(position("Hoàng Thị Mai"), "Kế toán trưởng, Bộ phận Tài chính - Kế toán");
    let text: String = proposals.iter().map(Docx::text).collect::<Vec<_>>().join("\n");
    let counted: usize = proposals
        .iter()
        .flat_map(Docx::rows)
        .filter_map(|r| r.first()?.strip_prefix("Tổng cộng: ")?.split(' ').next()?.parse::<usize>().ok())
        .sum();
    assert_eq!(counted, nominated.len());
    let prizes: f64 = proposals
        .iter()
        .flat_map(Docx::rows)
        .filter(|r| r.first().is_some_and(|c| c.starts_with("Tổng cộng: ")))
        .map(|r| r[1].replace('.', "").parse::<f64>().unwrap())
        .sum();
    assert_eq!(prizes, total);
    for basis in ["Luật Thi đua, khen thưởng số 06/2022/QH15", "Nghị định số 98/2023/NĐ-CP", "Kế hoạch số 105/KH-UBND"]
    {
        assert!(text.contains(basis), "{basis}");
    }
    assert!(!text.contains("152/2025"), "the 2024 round is under Decree 98");
    assert!(text.contains("Số:       /TTr-UBND") && text.contains("TỜ TRÌNH") && text.contains("Kính gửi: "));
    assert!(text.contains("DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG") && text.contains("TM. ỦY BAN NHÂN DÂN"));
    assert!(text.contains("Nơi nhận:"));
}

#[test]
fn the_minutes_list_the_council_and_leave_votes_blank_without_them() {
    let r = round();
    let minutes = documents().iter().find(|d| is(d, "bien-ban")).map(Docx::open).unwrap();
    let text = minutes.text();
    assert!(text.contains("BIÊN BẢN") && text.contains("Số:       /BB-HĐTĐKT"));
    for officer in ["gd.dangvanlong", "gd.phamthithuha", "gd.dinhvancuong"] {
        assert!(text.contains(&r.config.registry.officer(officer).unwrap().name), "{officer}");
    }
    let votes: Vec<Vec<String>> =
        minutes.rows().into_iter().filter(|r| r.len() == 5 && r[0].parse::<u32>().is_ok()).collect();
    assert_eq!(votes.len(), 27);
    assert!(votes.iter().all(|r| r[3] == "…/…" && r[4] == "…%"), "{votes:#?}");
    assert!(text.contains("trong 42 tập thể, cá nhân được xét có 27"), "{text}");

    // With votes recorded, the count and the share with a decimal comma.
    let first = r.outcomes.iter().find(|o| o.level.is_some()).unwrap();
    let votes = Votes(BTreeMap::from([(
        (first.audience, first.code.clone()),
        thidua::report::documents::Vote { agree: 7, total: 9 },
    )]));
    let docs = award_documents_with_votes(&r.report(), &r.templates(), &votes).unwrap();
    let minutes = docs.iter().find(|d| is(d, "bien-ban")).map(Docx::open).unwrap();
    let row = minutes.rows().into_iter().find(|row| row.get(1) == Some(&first.name)).unwrap();
    assert_eq!(row[3..], ["7/9".to_string(), "77,78%".to_string()]);
}

#[test]
fn each_achievement_report_carries_the_workbooks_figures() {
    let r = round();
    let templates = r.templates();
    let rows = Sheet::read(workbook(), "Số liệu báo cáo thành tích", 3).records();
    let reports: Vec<&Document> = documents().iter().filter(|d| is(d, "bao-cao")).collect();
    assert_eq!(reports.len(), rows.len());
    let files: BTreeSet<&str> = reports.iter().map(|d| d.file_name.as_str()).collect();
    assert_eq!(files.len(), reports.len(), "one file per nominee");
    for row in &rows {
        let name = cell(&row["Tập thể / cá nhân"]);
        let level = cell(&row["Hình thức đề nghị"]);
        let d = reports.iter().find(|d| d.title.contains(&format!(": {name} ("))).unwrap_or_else(|| panic!("{name}"));
        let x = Docx::open(d);
        let paras = x.paragraphs();
        let text = x.text();
        assert!(text.contains(&name) && text.contains(&format!("Đề nghị tặng {level}")), "{name}");
        // A figure must sit in a paragraph about it.
        let has = |about: &str, figure: &str| {
            paras.iter().any(|p| {
                p.to_lowercase().contains(about)
                    && p.split([' ', ':', ';', '(', ')']).any(|w| w.trim_end_matches('.') == figure)
            })
        };
        let value = |k: &str| cell(&row[k]);
        if !value("Điểm chỉ số CCHC").is_empty() {
            let x: f64 = value("Điểm chỉ số CCHC").parse().unwrap();
            assert!(has("chỉ số cải cách hành chính", &comma(x, 2)), "{name}: PAR");
        }
        if !value("Xếp loại CCHC").is_empty() {
            assert!(has("xếp loại", &value("Xếp loại CCHC")), "{name}: band");
        }
        if !value("Tỷ lệ đúng hạn").is_empty() {
            let x: f64 = value("Tỷ lệ đúng hạn").parse().unwrap();
            assert!(has("đúng hạn", &format!("{}%", comma(x * 100.0, 2))), "{name}: on-time {x}");
        }
        let dossiers = value("Hồ sơ giải quyết");
        if !dossiers.is_empty() && dossiers != "0" {
            assert!(has("hồ sơ", &thousands(dossiers.parse().unwrap())), "{name}: dossiers {dossiers}");
        }
        if !value("Phản ánh có cơ sở").is_empty() {
            assert!(has("phản ánh", &value("Phản ánh có cơ sở")), "{name}: complaints");
        }
        if !value("Sáng kiến").is_empty() {
            assert!(has("sáng kiến", &value("Sáng kiến")), "{name}: initiatives");
        }
        if value("Đạt chỉ tiêu") == "có" {
            assert!(paras.iter().any(|p| p.contains("chỉ tiêu thi đua")), "{name}: targets");
        }
        let done = value("Hoàn thành tốt nhiệm vụ");
        if let Some(note) = done.strip_prefix("có (").and_then(|n| n.strip_suffix(')')) {
            let (who, day) = note.split_once(" xác nhận ngày ").unwrap();
            let day = NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap().format("%d/%m/%Y").to_string();
            assert!(text.contains(&format!("{who} xác nhận ngày {day}")), "{name}: {note}");
        }
        let title = value("Danh hiệu năm");
        if !title.is_empty() {
            let vi = &templates.common.titles[&title];
            assert!(
                x.rows().iter().any(|r| r == &["2024".to_string(), vi.clone(), templates.common.blank.clone()]),
                "{name}: {vi}"
            );
        }
    }
}

#[test]
fn edited_templates_change_the_wording() {
    let r = round();
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&r.templates_dir(), dir.path());
    let edit = |file: &str, from: &str, to: &str| {
        let path = dir.path().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{file}: {from}");
        std::fs::write(&path, text.replace(from, to)).unwrap();
    };
    edit(
        "to-trinh.toml",
        "kính trình {recipient} xem xét, quyết định./.",
        "trân trọng kính trình {recipient} (MẪU PHƯỜNG ĐÃ SỬA)./.",
    );
    edit(
        "bao-cao-thanh-tich.toml",
        "Những giải pháp, mô hình, cách làm hiệu quả trong năm",
        "Các mô hình tiêu biểu của năm {year}",
    );
    edit("chung.toml", "blank = \"……………\"", "blank = \"__________\"");
    let docs = award_documents(&r.report(), &Templates::load(dir.path()).unwrap()).unwrap();
    let all: Vec<String> = docs.iter().map(|d| Docx::open(d).text()).collect();
    assert!(
        all.iter()
            .any(|t| t.contains("trân trọng kính trình Ủy ban nhân dân thành phố Hạ Long (MẪU PHƯỜNG ĐÃ SỬA)./."))
    );
    assert!(all.iter().filter(|t| t.contains("Các mô hình tiêu biểu của năm 2024")).count() == 27);
    assert!(all.iter().any(|t| t.contains("__________")));
}

#[test]
fn no_internal_code_reaches_a_document() {
    let r = round();
    let words: BTreeSet<String> = r
        .config
        .registry
        .units
        .iter()
        .map(|u| u.name.clone())
        .chain(r.config.registry.officers.iter().map(|o| o.position.clone()))
        .flat_map(|t| t.split(|c: char| !c.is_alphanumeric()).map(str::to_string).collect::<Vec<_>>())
        .collect();
    let codes: BTreeSet<String> = r
        .config
        .registry
        .units
        .iter()
        .map(|u| u.code.clone())
        .chain(r.config.registry.officers.iter().map(|o| o.id.clone()))
        .chain(r.rules().levels.iter().map(|l| l.code.clone()))
        .filter(|c| !words.contains(c))
        .collect();
    for d in documents() {
        let text = Docx::open(d).text();
        for word in text.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.')) {
            let word = word.trim_matches('.');
            assert!(!codes.contains(word), "{}: code {word}", d.file_name);
            assert!(
                !(word.contains('_') && word.chars().all(|c| c.is_ascii_lowercase() || c == '_')),
                "{}: {word}",
                d.file_name
            );
            assert!(!word.starts_with("gd."), "{}: login {word}", d.file_name);
        }
    }
}

#[test]
fn a_document_converts_to_pdf_when_libreoffice_is_there() {
    if thidua::report::documents::pdf::available().is_none() {
        eprintln!("LibreOffice không có: bỏ qua");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = documents().iter().find(|d| is(d, "to-trinh")).unwrap();
    let path = dir.path().join(&d.file_name);
    std::fs::write(&path, &d.bytes).unwrap();
    let pdf = thidua::report::documents::pdf::to_pdf(&path, dir.path()).unwrap();
    assert!(std::fs::read(pdf).unwrap().starts_with(b"%PDF"));
}

/// A fresh copy of the sample ward, for a test that edits it.
fn fresh_ward() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["config", "pipelines", "samples"] {
        copy_dir(&repo().join(sub), &dir.path().join(sub));
    }
    dir
}

#[test]
fn votes_in_the_facts_file_reach_the_minutes_and_a_wrong_one_is_refused() {
    let dir = fresh_ward();
    let facts = dir.path().join("config/facts/2024.toml");
    let text = std::fs::read_to_string(&facts).unwrap();
    let nominee =
        round().outcomes.iter().find(|o| o.level.is_some() && o.audience == thidua::score::Audience::Individual);
    let nominee = nominee.unwrap();
    let vote = format!("\n[[vote]]\nofficer = \"{}\"\nagree = 7\ntotal = 9\n", nominee.code);
    std::fs::write(&facts, format!("{text}{vote}")).unwrap();
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_thidua"))
            .current_dir(dir.path())
            .args(["awards", "--year", "2024"])
            .output()
            .unwrap()
    };
    let out = run();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let minutes =
        std::fs::read(dir.path().join("output/2024/van-ban/bien-ban-hop-hoi-dong-thi-dua-khen-thuong-2024.docx"))
            .unwrap();
    let minutes = Docx::open(&Document { file_name: "bien-ban".into(), title: String::new(), bytes: minutes });
    let row = minutes.rows().into_iter().find(|row| row.get(1) == Some(&nominee.name)).unwrap();
    assert_eq!(row[3..], ["7/9".to_string(), "77,78%".to_string()]);

    // More agreeing than voting: a problem with the file and line, nothing published.
    std::fs::remove_dir_all(dir.path().join("output")).unwrap();
    std::fs::write(&facts, format!("{text}{}", vote.replace("agree = 7", "agree = 10"))).unwrap();
    let out = run();
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stderr));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("config/facts/2024.toml:") && err.contains("phiếu bầu 10/9"), "{err}");
    assert!(!dir.path().join("output/2024").exists());
}

#[test]
fn check_wants_the_award_templates() {
    let dir = fresh_ward();
    std::fs::remove_dir_all(dir.path().join("config/templates/awards")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_thidua")).current_dir(dir.path()).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("config/templates/awards") && err.contains("to-trinh.toml"), "{err}");
}
