//! The award round's Word documents for the sample ward's 2024 round: the layout Nghị định
//! 30/2020/NĐ-CP asks for, read back from each .docx's XML, and every figure against the award
//! workbook built from the same round (read back with calamine).
//!
//! The round is built as `pipeline::run_awards` builds it: the real pipeline evaluates the
//! sample year in a temporary copy of `config/`, `pipelines/` and `samples/`, then the
//! candidates' facts are put together as `pipeline/awards.rs` does (that module is private, so
//! the few lines are repeated below). A first test checks the repetition against the workbook
//! that `thidua awards` writes, so the two cannot drift apart.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use calamine::Data;
use chrono::{NaiveDate, TimeZone};
use polars::prelude::*;
use thidua::config::{Config, Diagnostics, TargetMeasure, UnitKind, WardFacts};
use thidua::ingest::Dataset;
use thidua::pipeline::{Evaluation, Period, Pipeline, RunContext};
use thidua::report::documents::{Votes, award_documents_with_votes};
use thidua::report::{AwardsReport, Document, Templates, award_documents, awards_workbook};
use thidua::score::{Audience, AwardRules, Candidate, Fact, Outcome, award_round};

use crate::common::{Sheet, copy_dir, repo};

/// The sample ward's 2024 round, evaluated once for all tests.
struct Round {
    dir: tempfile::TempDir,
    config: Config,
    pipeline: Pipeline,
    candidates: Vec<Candidate>,
    outcomes: Vec<Outcome>,
    now: chrono::DateTime<chrono_tz::Tz>,
}

impl Round {
    fn rules(&self) -> &AwardRules {
        self.pipeline.awards.as_ref().unwrap()
    }

    fn report(&self) -> AwardsReport<'_> {
        AwardsReport {
            ward: &self.config.settings.ward,
            year: 2024,
            round_day: NaiveDate::from_ymd_opt(2024, 12, 31).unwrap(),
            generated_at: self.now,
            rules: self.rules(),
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
        let ev = thidua::pipeline::evaluate(&pipeline, &ctx).unwrap();
        let targets: Vec<String> =
            config.methodologies.targets.iter().flat_map(|t| t.targets.iter().map(|x| x.code.clone())).collect();
        let mut d = Diagnostics::default();
        let facts = thidua::config::load_facts(
            &config.root,
            &config.settings.paths.facts,
            2024,
            &config.registry,
            &targets,
            &mut d,
        );
        assert!(d.is_empty(), "{:#?}", d.problems());
        let candidates = candidates(&config, &ev, facts.as_ref(), 2024);
        let outcomes = award_round(pipeline.awards.as_ref().unwrap(), &candidates, period.last_day());
        Round { dir, config, pipeline, candidates, outcomes, now }
    })
}

fn keyed_f64(df: &DataFrame, key: &str, value: &str) -> BTreeMap<String, f64> {
    let (Ok(k), Ok(v)) = (df.column(key), df.column(value)) else { return BTreeMap::new() };
    let v = v.cast(&DataType::Float64).unwrap();
    k.str().unwrap().iter().zip(v.f64().unwrap().iter()).filter_map(|(k, v)| Some((k?.to_string(), v?))).collect()
}

fn confirmed(c: &Option<thidua::config::Confirmation>) -> (Fact, String) {
    match c {
        Some(c) => (Fact::Bool(c.value), format!("{} xác nhận ngày {}", c.confirmed_by, c.confirmed_at)),
        None => (Fact::Bool(false), "chưa có xác nhận".into()),
    }
}

/// `pipeline/awards.rs::candidates`, line for line, on the public API.
fn candidates(config: &Config, ev: &Evaluation, facts: Option<&WardFacts>, year: i32) -> Vec<Candidate> {
    let first = NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
    let last = NaiveDate::from_ymd_opt(year, 12, 31).unwrap();
    let sc = &ev.scorecard;
    let on_time = keyed_f64(&sc.scopes, "scope", "on_time_rate");
    let (mut par_total, mut par_rank, mut par_band) = (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
    if let Some(par) = &ev.indices.par {
        let u = &par.result.units;
        par_total = keyed_f64(u, "unit", "total");
        par_rank = keyed_f64(u, "unit", "rank");
        let units = u.column("unit").unwrap().str().unwrap();
        let bands = u.column("band").unwrap().str().unwrap();
        par_band = units.iter().zip(bands.iter()).filter_map(|(k, b)| Some((k?.to_string(), b?.to_string()))).collect();
    }
    let top15 = ev.indices.dti_rank.as_ref().map(|r| r.rank <= 15);
    let mut missed: BTreeMap<String, Vec<String>> = BTreeMap::new();
    if let Some((_, t)) = &ev.indices.plan_targets {
        let scope = t.column("scope").unwrap().str().unwrap();
        let code = t.column("target").unwrap().str().unwrap();
        let met = t.column("met").unwrap().bool().unwrap();
        for i in 0..t.height() {
            if met.get(i) == Some(false)
                && let (Some(s), Some(c)) = (scope.get(i), code.get(i))
            {
                missed.entry(s.to_string()).or_default().push(c.to_string());
            }
        }
    }
    let targets =
        config.methodologies.targets.iter().find(|t| t.valid_from <= last && t.valid_to.is_none_or(|to| to >= first));
    let mut out = Vec::new();
    for u in config.registry.units.iter().filter(|u| u.kind != UnitKind::Leadership && u.valid_on(last)) {
        let uf = facts.and_then(|f| f.units.get(&u.code));
        let mut f = BTreeMap::new();
        let mut notes = BTreeMap::new();
        let (done, note) = confirmed(&uf.and_then(|x| x.tasks_completed_well.clone()));
        f.insert("tasks_completed_well".to_string(), done);
        notes.insert("tasks_completed_well".to_string(), note);
        let mut failed = missed.get(&u.code).cloned().unwrap_or_default();
        if let Some(t) = targets {
            for target in &t.targets {
                let applies = target.applies_to.iter().any(|a| a.covers(u.kind))
                    && target.units.as_ref().is_none_or(|only| only.contains(&u.code));
                if applies && matches!(target.measure, TargetMeasure::Manual { .. }) {
                    let ok = uf.is_some_and(|x| x.confirmations.iter().any(|c| c.target == target.code && c.met));
                    if !ok {
                        failed.push(format!("{} (chưa xác nhận đạt)", target.code));
                    }
                }
            }
        }
        f.insert("targets_met".into(), Fact::Bool(failed.is_empty()));
        if !failed.is_empty() {
            notes.insert("targets_met".into(), format!("chưa đạt: {}", failed.join(", ")));
        }
        f.insert("par_rated".into(), Fact::Bool(u.par_rated));
        f.insert("handles_dossiers".into(), Fact::Bool(u.handles_dossiers));
        for (key, map) in [("par_total", &par_total), ("par_rank", &par_rank), ("on_time_rate", &on_time)] {
            if let Some(x) = map.get(&u.code) {
                f.insert(key.into(), Fact::Num(*x));
            }
        }
        if let Some(x) = par_band.get(&u.code) {
            f.insert("par_band".into(), Fact::Text(x.clone()));
        }
        if let Some(t) = top15 {
            f.insert("dti_ward_top15".into(), Fact::Bool(t));
            if let Some(r) = &ev.indices.dti_rank {
                notes.insert("dti_ward_top15".into(), format!("phường xếp {}/{} toàn tỉnh", r.rank, r.communes));
            }
        }
        if let Some(uf) = uf {
            f.insert("advising_roles".into(), Fact::List(uf.advising_roles.clone()));
            f.insert("under_discipline".into(), Fact::Bool(uf.under_discipline));
            f.insert("pending_inspection".into(), Fact::Bool(uf.pending_inspection));
            f.insert("under_investigation".into(), Fact::Bool(uf.under_investigation));
            if let Some(w) = uf.women_share {
                f.insert("women_share".into(), Fact::Num(w));
            }
        }
        out.push(Candidate {
            audience: Audience::Collective,
            code: u.code.clone(),
            name: u.name.clone(),
            unit: None,
            facts: f,
            notes,
        });
    }
    let off = &sc.officers;
    let (dossiers, rate, complaints) = (
        keyed_f64(off, "officer_id", "active"),
        keyed_f64(off, "officer_id", "on_time_rate"),
        keyed_f64(off, "officer_id", "complaints"),
    );
    let mut authored: BTreeMap<String, f64> = BTreeMap::new();
    if let Some(ini) = ev.ingested.table(Dataset::Initiatives) {
        for a in ini.column("authors").unwrap().str().unwrap().iter().flatten() {
            for id in a.split([';', ',']).map(str::trim).filter(|x| !x.is_empty()) {
                *authored.entry(id.to_string()).or_insert(0.0) += 1.0;
            }
        }
    }
    for o in config.registry.officers.iter().filter(|o| o.active_during(first, last)) {
        let of = facts.and_then(|f| f.officers.get(&o.id));
        let mut f = BTreeMap::new();
        let mut notes = BTreeMap::new();
        let (done, note) = confirmed(&of.and_then(|x| x.tasks_completed_well.clone()));
        f.insert("tasks_completed_well".to_string(), done);
        notes.insert("tasks_completed_well".to_string(), note);
        f.insert("handles_dossiers".into(), Fact::Bool(dossiers.contains_key(&o.id)));
        f.insert("dossiers".into(), Fact::Num(dossiers.get(&o.id).copied().unwrap_or(0.0)));
        if let Some(r) = rate.get(&o.id) {
            f.insert("on_time_rate".into(), Fact::Num(*r));
        }
        f.insert("complaints".into(), Fact::Num(complaints.get(&o.id).copied().unwrap_or(0.0)));
        f.insert("initiatives_authored".into(), Fact::Num(authored.get(&o.id).copied().unwrap_or(0.0)));
        f.insert("female".into(), Fact::Bool(o.gender == thidua::config::Gender::Female));
        if let Some(of) = of {
            if let Some(t) = &of.annual_title {
                f.insert("annual_title".into(), Fact::Text(t.clone()));
            }
            f.insert("under_discipline".into(), Fact::Bool(of.under_discipline));
            f.insert("pending_inspection".into(), Fact::Bool(of.pending_inspection));
            f.insert("under_investigation".into(), Fact::Bool(of.under_investigation));
        }
        out.push(Candidate {
            audience: Audience::Individual,
            code: o.id.clone(),
            name: o.name.clone(),
            unit: Some(o.unit.clone()),
            facts: f,
            notes,
        });
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Reading a .docx back.

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
}

#[test]
fn every_document_has_the_layout_of_decree_30() {
    let docs = documents();
    assert!(docs.len() > 30, "{}", docs.len());
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
    assert_eq!(nominated.len(), 31);
    let proposals: Vec<Docx> = documents().iter().filter(|d| is(d, "to-trinh")).map(Docx::open).collect();
    assert_eq!(proposals.len(), 2, "one to the city, one to the ward chairman");
    let listed: Vec<Vec<String>> =
        proposals.iter().flat_map(|p| p.rows()).filter(|r| r.len() == 5 && r[0].parse::<u32>().is_ok()).collect();
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
        .flat_map(|p| p.rows())
        .filter_map(|r| r.first()?.strip_prefix("Tổng cộng: ")?.split(' ').next()?.parse::<usize>().ok())
        .sum();
    assert_eq!(counted, nominated.len());
    let prizes: f64 = proposals
        .iter()
        .flat_map(|p| p.rows())
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
    assert_eq!(votes.len(), 31);
    assert!(votes.iter().all(|r| r[3] == "…/…" && r[4] == "…%"), "{votes:#?}");
    assert!(text.contains("trong 42 tập thể, cá nhân được xét có 31"), "{text}");

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
    assert!(all.iter().filter(|t| t.contains("Các mô hình tiêu biểu của năm 2024")).count() == 31);
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
