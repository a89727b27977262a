//! Pipeline files (`pipelines/<id>.toml`) as written, and their checked form.
//!
//! The file name is the pipeline id. Sources are a closed set of kinds (`type = "file"`
//! today), each feeding one dataset whose canonical columns the ingest stage knows; a source
//! may add header names for a dataset's columns when a system exports other names.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::config::{Config, Diagnostics, SourceText};
use crate::dataset::Dataset;
use crate::pull::{Location, Source};
use crate::score::{IndexKind, IndexMethod};
use crate::validity::Series;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PipelineSpec {
    name: String,
    kind: Kind,
    /// Methodology id: a file `<id>.toml` in the methodology folder.
    methodology: Spanned<String>,
    #[serde(rename = "source", default)]
    sources: Vec<Spanned<SourceSpec>>,
    /// Index methodologies scored when their data is present.
    #[serde(default)]
    indices: IndicesSpec,
    /// Award rules id (year_end_awards pipelines).
    awards: Option<Spanned<String>>,
    /// When `thidua daemon` runs it: six cron fields, Asia/Ho_Chi_Minh (see `schedule`).
    schedule: Option<Spanned<String>>,
    /// The share of a required source's rows the rules may reject before the run stops
    /// (default 0.2).
    max_rejected_share: Option<Spanned<f64>>,
    report: ReportSpec,
    mail: Spanned<MailSpec>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct IndicesSpec {
    par: Option<Spanned<String>>,
    dti: Option<Spanned<String>>,
    ddci: Option<Spanned<String>>,
}

/// The index methodologies a pipeline scores (each when its data is present), each a series
/// of files of which the one valid in the period is used.
#[derive(Debug, Clone, Default)]
pub struct Indices {
    pub par: Option<Series<IndexMethod>>,
    pub dti: Option<Series<IndexMethod>>,
    pub ddci: Option<Series<IndexMethod>>,
}

/// What the pipeline builds.
#[derive(Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// The month's service scorecard per unit and officer (Bộ chỉ số 766).
    MonthlyService,
    /// The year's award round: eligibility, ranking and the proposal documents.
    YearEndAwards,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceSpec {
    id: String,
    dataset: Dataset,
    #[serde(rename = "type")]
    kind: SourceKind,
    /// For `type = "file"`: where the files are; may use `{period}`, `{year}`, `{month}`.
    glob: Option<String>,
    #[serde(default = "yes")]
    required: bool,
    /// The format profile (`config/formats/<id>.toml`) the exports are read with; without
    /// it thidua recognises the shape and says which it chose.
    profile: Option<String>,
    /// Extra export header names per canonical column.
    #[serde(default)]
    columns: BTreeMap<String, Vec<String>>,
    /// For `type = "http"`: the `[source.http]` table.
    http: Option<crate::pull::HttpSpec>,
    /// For `type = "portal766"`: the national portal's endpoint (default the portal's own).
    url: Option<String>,
    /// For `type = "portal766"`: the province's id on the portal (`p_tinh_id`).
    province_id: Option<String>,
}

fn yes() -> bool {
    true
}

/// The kinds of source (a closed set).
#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum SourceKind {
    /// Files an officer drops into a folder.
    File,
    /// An export API of the provincial or national system.
    Http,
    /// The national portal's 766 scores of every commune of a province (S2).
    Portal766,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReportSpec {
    file_name: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MailSpec {
    to: Vec<String>,
    #[serde(default)]
    cc: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Pipeline {
    pub id: String,
    pub name: String,
    pub kind: Kind,
    /// The 766 methodology's files: the one valid in the period scores it.
    pub methodology: Series<crate::score::ServiceMethod>,
    pub indices: Indices,
    /// The award rules' files: the ones valid on the round day judge it.
    pub awards: Option<Series<crate::score::AwardRules>>,
    /// The wording of the award round's documents (`config/templates/awards/`).
    pub templates: Option<crate::report::Templates>,
    pub schedule: Option<Schedule>,
    pub sources: Vec<Source>,
    /// The share of a required source's rows the rules may reject (0..1).
    pub max_rejected_share: f64,
    /// Workbook file name template (ASCII), e.g. `bang-diem-{period}.xlsx`.
    pub report_file: String,
    pub to: Vec<lettre::message::Mailbox>,
    pub cc: Vec<lettre::message::Mailbox>,
}

impl Pipeline {
    /// The 766 methodology valid in the period; none is a configuration problem (exit 3)
    /// naming the files there are, never a score computed by another year's rules.
    pub fn service_method(&self, period: crate::period::Period) -> anyhow::Result<&crate::score::ServiceMethod> {
        use crate::outcome::Tag;
        self.methodology
            .for_period(period)
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "không có phương pháp dịch vụ \"{}\" nào áp dụng cho {} (đã có: {}): thêm tệp phương pháp có \
                     valid_from, valid_to bao kỳ này vào config/methodology/",
                    self.methodology.name,
                    period.label_vi(),
                    self.methodology.spans()
                )
            })
            .tag(crate::outcome::Failure::Config)
    }
}

/// When the daemon runs a pipeline: the six cron fields as written, and parsed once.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub text: String,
    pub cron: croner::Cron,
}

/// Parses a schedule the way the scheduler will: six fields, seconds first.
pub fn parse_schedule(schedule: &str) -> Result<croner::Cron, String> {
    use croner::parser::{CronParser, Seconds};
    CronParser::builder()
        .seconds(Seconds::Required)
        .dom_and_dow(true)
        .build()
        .parse(schedule)
        .map_err(|e| format!("lịch \"{schedule}\" không hợp lệ ({e}): dùng 6 trường \"giây phút giờ ngày tháng thứ\", ví dụ \"0 0 7 3 * *\""))
}

/// The pipeline files in the configured folder, sorted by id.
pub fn pipeline_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "toml")).collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// Loads and checks one pipeline file, recording every problem.
pub fn load_file(config: &Config, path: &Path, diag: &mut Diagnostics) -> Option<Pipeline> {
    let (src, spec) = diag.parse::<PipelineSpec>(&config.root, path)?;
    let id = path.file_stem()?.to_string_lossy().into_owned();
    check(config, id, &src, spec, diag)
}

fn check(
    config: &Config,
    id: String,
    src: &SourceText,
    spec: PipelineSpec,
    diag: &mut Diagnostics,
) -> Option<Pipeline> {
    let before = diag.problems().len();
    let methodology = Series::named(spec.methodology.get_ref(), &config.methodologies.service);
    if methodology.is_none() {
        let known: Vec<&str> = config.methodologies.service.iter().map(|m| m.series.as_str()).collect();
        diag.at(
            src,
            &spec.methodology.span(),
            format!("không có phương pháp dịch vụ \"{}\" (có: {})", spec.methodology.get_ref(), known.join(", ")),
        );
    }
    let sources = check_sources(config, src, spec.sources, diag);
    let file = spec.report.file_name.get_ref();
    if !file.is_ascii() || !file.ends_with(".xlsx") || file.contains('/') {
        diag.at(
            src,
            &spec.report.file_name.span(),
            "report.file_name phải là tên tệp ASCII kết thúc bằng .xlsx, không có thư mục",
        );
    }
    for (text, problem) in crate::pull::unknown_in("report.file_name", file, crate::period::Period::PLACEHOLDERS) {
        diag.at_first(src, &spec.report.file_name.span(), &text, problem);
    }
    let (to, cc) = check_mail(src, spec.mail, diag);
    let indices = check_indices(config, src, &spec.indices, diag);
    let awards = check_awards(config, src, spec.awards.as_ref(), spec.kind, diag);
    let templates = if spec.kind == Kind::YearEndAwards { check_templates(config, src, diag) } else { None };
    let schedule = check_schedule(src, spec.schedule.as_ref(), diag);
    let max_rejected_share = check_share(src, spec.max_rejected_share.as_ref(), diag);
    let methodology = methodology?;
    (diag.problems().len() == before).then(|| Pipeline {
        id,
        name: spec.name,
        kind: spec.kind,
        methodology,
        indices,
        awards,
        templates,
        schedule,
        sources,
        max_rejected_share,
        report_file: file.clone(),
        to,
        cc,
    })
}

/// Every source, checked; a pipeline needs at least one dossier source.
fn check_sources(
    config: &Config,
    src: &SourceText,
    specs: Vec<Spanned<SourceSpec>>,
    diag: &mut Diagnostics,
) -> Vec<Source> {
    let mut sources: Vec<Source> = Vec::new();
    for s in specs {
        let span = s.span();
        let mut s = s.into_inner();
        if sources.iter().any(|x| x.id == s.id) {
            diag.at(src, &span, format!("nguồn trùng mã \"{}\"", s.id));
        }
        for problem in source_refs(config, &s) {
            diag.at(src, &span, problem);
        }
        let unknown = crate::pull::unknown_placeholders(&s.id, s.glob.as_deref(), s.url.as_deref(), s.http.as_ref());
        unknown.into_iter().for_each(|(text, problem)| diag.at_first(src, &span, &text, problem));
        match location(config, s.kind, s.glob.clone(), s.http.take(), &s) {
            Ok(location) => sources.push(Source {
                id: s.id,
                dataset: s.dataset,
                location,
                required: s.required,
                profile: s.profile,
                columns: s.columns,
            }),
            Err(problems) => problems.into_iter().for_each(|p| diag.at(src, &span, p)),
        }
    }
    if !sources.iter().any(|s| s.dataset == Dataset::Dossiers) {
        diag.at(src, &(0..0), "pipeline cần ít nhất một nguồn dataset = \"dossiers\"");
    }
    sources
}

/// What a source names elsewhere: its columns in the dataset, its profile, its keys by kind.
fn source_refs(config: &Config, s: &SourceSpec) -> Vec<String> {
    let mut out = Vec::new();
    for column in s.columns.keys() {
        if !s.dataset.schema().has_field(column) {
            let known: Vec<&str> = s.dataset.schema().fields.iter().map(|f| f.name).collect();
            out.push(format!(
                "nguồn \"{}\": cột \"{column}\" không có trong dữ liệu {} (có: {})",
                s.id,
                s.dataset.name(),
                known.join(", ")
            ));
        }
    }
    if s.kind != SourceKind::Http && s.http.is_some() {
        out.push(format!("nguồn \"{}\": chỉ type = \"http\" dùng bảng [source.http]", s.id));
    }
    if s.kind != SourceKind::Portal766 && (s.url.is_some() || s.province_id.is_some()) {
        out.push(format!("nguồn \"{}\": url và province_id chỉ dùng cho type = \"portal766\"", s.id));
    }
    if let Some(id) = &s.profile {
        match config.formats.iter().find(|p| &p.id == id) {
            None => {
                let known: Vec<&str> = config.formats.iter().map(|p| p.id.as_str()).collect();
                out.push(format!(
                    "nguồn \"{}\": không có định dạng \"{id}\" trong config/formats (có: {})",
                    s.id,
                    known.join(", ")
                ));
            }
            Some(p) if p.dataset != s.dataset => out.push(format!(
                "nguồn \"{}\": định dạng \"{id}\" dành cho dữ liệu {}, không phải {}",
                s.id,
                p.dataset.name(),
                s.dataset.name()
            )),
            Some(_) => {}
        }
    }
    out
}

/// Where a source's exports come from, by its kind.
fn location(
    config: &Config,
    kind: SourceKind,
    glob: Option<String>,
    http: Option<crate::pull::HttpSpec>,
    s: &SourceSpec,
) -> Result<Location, Vec<String>> {
    match (kind, glob) {
        (SourceKind::File, Some(glob)) => match glob::Pattern::new(&glob) {
            Ok(_) => Ok(Location::File { glob }),
            Err(e) => Err(vec![format!("nguồn \"{}\": glob không hợp lệ: {e}", s.id)]),
        },
        (SourceKind::File, None) => Err(vec![format!("nguồn \"{}\": type = \"file\" cần glob", s.id)]),
        (SourceKind::Http, None) => match http.unwrap_or_default().check(&s.id, &config.root) {
            Ok(h) => Ok(Location::Http(Box::new(h))),
            Err(e) => Err(vec![e]),
        },
        (SourceKind::Portal766, None) => {
            let mut problems = Vec::new();
            if s.dataset != Dataset::ServiceIndex {
                problems.push(format!("nguồn \"{}\": type = \"portal766\" cần dataset = \"service_index\"", s.id));
            }
            match crate::pull::portal766(s.url.as_deref(), s.province_id.as_deref()) {
                Ok(h) if problems.is_empty() => Ok(Location::Http(Box::new(h))),
                Ok(_) => Err(problems),
                Err(e) => {
                    problems.push(format!("nguồn \"{}\": {e}", s.id));
                    Err(problems)
                }
            }
        }
        (SourceKind::Http | SourceKind::Portal766, Some(_)) => {
            Err(vec![format!("nguồn \"{}\": chỉ type = \"file\" dùng glob", s.id)])
        }
    }
}

fn check_mail(
    src: &SourceText,
    mail: Spanned<MailSpec>,
    diag: &mut Diagnostics,
) -> (Vec<lettre::message::Mailbox>, Vec<lettre::message::Mailbox>) {
    let mail_span = mail.span();
    let mail = mail.into_inner();
    let mut parse = |list: Vec<String>| -> Vec<lettre::message::Mailbox> {
        list.into_iter()
            .filter_map(|a| match a.parse() {
                Ok(m) => Some(m),
                Err(e) => {
                    diag.at(src, &mail_span, format!("địa chỉ nhận không hợp lệ \"{a}\": {e}"));
                    None
                }
            })
            .collect()
    };
    let to = parse(mail.to);
    let cc = parse(mail.cc);
    if to.is_empty() {
        diag.at(src, &mail_span, "mail.to cần ít nhất một người nhận");
    }
    (to, cc)
}

fn check_indices(config: &Config, src: &SourceText, spec: &IndicesSpec, diag: &mut Diagnostics) -> Indices {
    let mut index = |name: &Option<Spanned<String>>, kind: IndexKind| -> Option<Series<IndexMethod>> {
        let name = name.as_ref()?;
        match Series::named(name.get_ref(), &config.methodologies.indices) {
            Some(s) if s.versions.iter().all(|m| m.kind == kind) => Some(s),
            Some(s) => {
                let m = s.versions.iter().find(|m| m.kind != kind).expect("one of another kind");
                diag.at(
                    src,
                    &name.span(),
                    format!("phương pháp \"{}\" là chỉ số {:?}, không phải {kind:?}", m.id, m.kind),
                );
                None
            }
            None => {
                diag.at(
                    src,
                    &name.span(),
                    format!("không có phương pháp chỉ số \"{}\" trong thư mục phương pháp", name.get_ref()),
                );
                None
            }
        }
    };
    Indices {
        par: index(&spec.par, IndexKind::Par),
        dti: index(&spec.dti, IndexKind::Dti),
        ddci: index(&spec.ddci, IndexKind::Ddci),
    }
}

fn check_awards(
    config: &Config,
    src: &SourceText,
    id: Option<&Spanned<String>>,
    kind: Kind,
    diag: &mut Diagnostics,
) -> Option<Series<crate::score::AwardRules>> {
    match (id, kind) {
        (Some(id), _) => {
            let found = Series::named(id.get_ref(), &config.methodologies.awards);
            if found.is_none() {
                diag.at(src, &id.span(), format!("không có bộ tiêu chuẩn khen thưởng \"{}\"", id.get_ref()));
            }
            found
        }
        (None, Kind::YearEndAwards) => {
            diag.at(src, &(0..0), "pipeline year_end_awards cần awards = \"<id>\" (tệp trong thư mục phương pháp)");
            None
        }
        (None, _) => None,
    }
}

/// The award round drafts its documents from the ward's templates: they must be there and
/// well formed before the round runs.
fn check_templates(config: &Config, src: &SourceText, diag: &mut Diagnostics) -> Option<crate::report::Templates> {
    let dir = config.settings.paths.templates.join("awards");
    if !dir.is_dir() {
        let shown = dir.strip_prefix(&config.root).unwrap_or(&dir).display().to_string();
        diag.at(
            src,
            &(0..0),
            format!(
                "pipeline year_end_awards cần thư mục mẫu văn bản {shown} (chung.toml, to-trinh.toml, bien-ban.toml, \
                 bao-cao-thanh-tich.toml; sao chép từ config/templates/awards của thidua)"
            ),
        );
        return None;
    }
    crate::report::Templates::load_into(&config.root, &dir, diag)
}

fn check_schedule(src: &SourceText, s: Option<&Spanned<String>>, diag: &mut Diagnostics) -> Option<Schedule> {
    let s = s?;
    match parse_schedule(s.get_ref()) {
        Ok(cron) => Some(Schedule { text: s.get_ref().clone(), cron }),
        Err(e) => {
            diag.at(src, &s.span(), e);
            None
        }
    }
}

fn check_share(src: &SourceText, x: Option<&Spanned<f64>>, diag: &mut Diagnostics) -> f64 {
    match x {
        Some(x) if !(0.0..=1.0).contains(x.get_ref()) => {
            diag.at(src, &x.span(), "max_rejected_share phải trong khoảng 0..1 (ví dụ 0.2 = 20 %)");
            0.2
        }
        Some(x) => *x.get_ref(),
        None => 0.2,
    }
}
