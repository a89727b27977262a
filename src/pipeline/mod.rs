//! A pipeline: the stages strung together for one period, exactly as cron or the daemon
//! would run them. [`run`] reads like the architecture diagram: pull, ingest, store,
//! score, report, deliver.

mod awards;
mod history;
mod indices;
mod spec;

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use chrono::DateTime;
use chrono_tz::Tz;
use polars::prelude::*;

pub use indices::score_indices;
pub use spec::{Indices, Kind, Pipeline, Schedule, load_file, parse_schedule, pipeline_files};

use crate::config::{Config, Diagnostics, diag};
use crate::dataset::Dataset;
use crate::deliver::{Attached, Delivery, Ledger, Mail, Route};
use crate::ingest;
use crate::outcome::{Failure, Tag};
use crate::period::{MonthState, Period};
use crate::report::{MonthlyReport, monthly_email, monthly_workbook, summarise};
use crate::score::{IndexScores, ServiceInput, ServiceParams, ServiceScorecard, service_scorecard};
use crate::store::Store;

/// What ingest needs of the ward's configuration for one period.
pub fn ingest_context(config: &Config, period: Period, now: DateTime<Tz>) -> ingest::Context<'_> {
    ingest::Context {
        registry: &config.registry,
        period,
        now: now.naive_local(),
        tz: config.settings.ward.time_zone,
        profiles: &config.formats,
        whole_file: false,
    }
}

/// What a run needs besides the pipeline.
pub struct RunContext<'a> {
    pub config: &'a Config,
    pub period: Period,
    /// "Now" in the ward's time zone (a parameter, so runs are reproducible in tests).
    pub now: DateTime<Tz>,
    /// Build everything, write and send nothing (exports are still archived).
    pub dry_run: bool,
    /// Send again what the ledger says was delivered already.
    pub resend: bool,
}

impl RunContext<'_> {
    /// Whether the period is still open now: what its advice can still change.
    pub fn month_state(&self) -> MonthState {
        self.period.state_at(self.now.naive_local())
    }
}

#[derive(Debug)]
pub struct RunSummary {
    pub files: usize,
    pub rows: usize,
    pub findings: usize,
    pub units: usize,
    pub ward_score: Option<f64>,
    pub overdue: usize,
    pub workbook: Option<PathBuf>,
    pub delivery: Option<Delivery>,
    /// SHA-256 of every input file.
    pub inputs: Vec<String>,
    /// One line for the person who ran it, in Vietnamese.
    pub headline: String,
    /// What the run could not do and said so on its sheets (an index no methodology covers).
    pub warnings: Vec<String>,
}

/// Loads a pipeline by id (`pipelines/<id>.toml`), reporting every problem in it.
pub fn load(config: &Config, id: &str) -> Result<Pipeline> {
    let path = config.settings.paths.pipelines.join(format!("{id}.toml"));
    if !path.is_file() {
        let known: Vec<String> = pipeline_files(&config.settings.paths.pipelines)
            .iter()
            .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
            .collect();
        bail!("không có pipeline \"{id}\" (có: {})", known.join(", "));
    }
    let mut d = Diagnostics::default();
    let pipeline = load_file(config, &path, &mut d);
    diag::into_result(d)?;
    pipeline.context("pipeline không hợp lệ")
}

fn procedures_frame(config: &Config) -> PolarsResult<DataFrame> {
    let (codes, days): (Vec<String>, Vec<i64>) =
        config.procedures.iter().map(|p| (p.code.clone(), i64::from(p.max_days))).unzip();
    df!["procedure_code" => codes, "max_days" => days]
}

/// What one run opens once and hands to every stage that needs it.
struct Shared {
    store: Store,
    procedures: DataFrame,
}

impl Shared {
    fn open(config: &Config) -> Result<Shared> {
        let paths = &config.settings.paths;
        let store = Store::open(&paths.archive, &paths.store).tag(Failure::Storage)?;
        Ok(Shared { store, procedures: procedures_frame(config)? })
    }
}

/// Everything a period's data yields before it is reported.
pub struct Evaluation {
    /// The 766 methodology valid in the period, which scored it.
    pub method: crate::score::ServiceMethod,
    pub ingested: ingest::Ingested,
    pub scorecard: ServiceScorecard,
    pub indices: IndexScores,
}

/// Pulls, ingests, stores (unless a dry run) and scores one period.
pub fn evaluate(pipeline: &Pipeline, ctx: &RunContext<'_>) -> Result<Evaluation> {
    evaluate_with(pipeline, ctx, &Shared::open(ctx.config)?)
}

fn evaluate_with(pipeline: &Pipeline, ctx: &RunContext<'_>, shared: &Shared) -> Result<Evaluation> {
    let config = ctx.config;
    let paths = &config.settings.paths;
    if !config.calendar.has_year(ctx.period.year) {
        return Err(anyhow::anyhow!(
            "chưa có lịch nghỉ năm {} ({}/{}.toml): cần để tính ngày làm việc",
            ctx.period.year,
            paths.holidays.display(),
            ctx.period.year
        ))
        .tag(Failure::Config);
    }
    let method = pipeline.service_method(ctx.period)?.clone();
    let one_stop = config.methodologies.plan_for(ctx.period).map_or(&[][..], |t| t.one_stop.as_slice());
    let mut watch = crate::stopwatch::Stopwatch::start();
    let pulled = crate::pull::pull(&pipeline.sources, ctx.period, &config.root, &shared.store, ctx.now)?;
    watch.lap("pull + archive");
    let mut ingested = ingest::ingest(&pulled.files, &ingest_context(config, ctx.period, ctx.now))?;
    watch.lap("ingest");
    ingested.hashed(&shared.store.hashed().context("không lưu được bản gốc vào kho lưu trữ")?);
    watch.lap("archive (hash)");
    let required: Vec<&str> = pipeline.sources.iter().filter(|s| s.required).map(|s| s.id.as_str()).collect();
    let period = ctx.period.to_string();
    ingested
        .check_usable(&ingest::Usability {
            required: &required,
            max_rejected_share: pipeline.max_rejected_share,
            period: &period,
        })
        .tag(Failure::Data)?;
    ingested.findings.extend(pull_notes(pipeline, &pulled.notes));
    let dossiers = ingested.table(Dataset::Dossiers).context("không có dữ liệu hồ sơ").tag(Failure::Data)?;

    let holidays: Vec<_> = config.calendar.holidays().collect();
    let mut scorecard = service_scorecard(
        ServiceInput {
            dossiers: dossiers.clone().lazy(),
            feedback: ingested.table(Dataset::Feedback).map(|df| df.clone().lazy()),
            procedures: shared.procedures.clone(),
        },
        &ServiceParams { period: ctx.period, holidays: &holidays, method: &method, one_stop },
    )
    .map_err(anyhow::Error::from)
    .context("tính bảng điểm không thành công")?;

    if let Some(portal) = ingested.table(Dataset::ServiceIndex) {
        let compared = crate::score::compare_with_portal(
            &scorecard.scopes,
            portal,
            &method,
            config.settings.ward.of(ctx.period).portal_code.as_deref(),
        )?;
        ingested.findings.extend(portal_findings(&compared, config.settings.ward.of(ctx.period)));
        scorecard.portal = Some(compared);
    }
    watch.lap("score (766)");
    let indices = score_indices(pipeline, &ingested, &scorecard, config, ctx.period)?;
    watch.lap("score (indices)");
    Ok(Evaluation { method, ingested, scorecard, indices })
}

/// A pull's notes (fewer records than last time, ...) as data-quality findings.
fn pull_notes(pipeline: &Pipeline, notes: &[(String, String)]) -> Vec<ingest::Finding> {
    notes
        .iter()
        .map(|(id, note)| ingest::Finding {
            dataset: pipeline.sources.iter().find(|s| &s.id == id).map_or(Dataset::Dossiers, |s| s.dataset),
            severity: ingest::Severity::Warning,
            rule: format!("Nguồn \"{id}\": {note}"),
            count: 1,
            examples: vec![],
        })
        .collect()
}

/// The portal's groups that differ from the recomputation by more than the tolerance, and a
/// ward the portal's table does not have, as findings.
fn portal_findings(c: &crate::score::PortalComparison, ward: &crate::config::Ward) -> Vec<ingest::Finding> {
    let mut out = Vec::new();
    let finding = |rule: String, examples: Vec<ingest::Example>| ingest::Finding {
        dataset: Dataset::ServiceIndex,
        severity: ingest::Severity::Warning,
        count: examples.len().max(1),
        rule,
        examples,
    };
    if !c.gaps.is_empty() {
        out.push(finding(
            format!("Điểm nhóm 766 trên Cổng DVC khác điểm tính lại từ hồ sơ hơn {} điểm", crate::score::TOLERANCE)
                .replace('.', ","),
            c.gaps
                .iter()
                .map(|g| ingest::Example {
                    file: "Cổng Dịch vụ công quốc gia".into(),
                    row: 0,
                    detail: format!(
                        "{} ({}): Cổng {}, tính lại {}",
                        g.name,
                        g.portal_code,
                        crate::report::number(g.portal, 2),
                        crate::report::number(g.recomputed, 2)
                    ),
                })
                .collect(),
        ));
    }
    if c.ward_rank.is_none() {
        let code = ward.portal_code.as_deref().unwrap_or("(chưa khai báo [ward] portal_code)");
        out.push(finding(format!("Bảng xếp hạng 766 của tỉnh không có dòng của phường (MA_COQUAN = {code})"), vec![]));
    }
    out
}

/// Runs the pipeline for one period: evaluate, then build the workbook and deliver it.
///
/// One run of a pipeline at a time (a lock file under the store), and every run that
/// writes is recorded in the ledger with its inputs, outputs and outcome.
pub fn run(pipeline: &Pipeline, ctx: &RunContext<'_>) -> Result<RunSummary> {
    if ctx.dry_run {
        return run_kind(pipeline, ctx, None);
    }
    let store = &ctx.config.settings.paths.store;
    let _lock = crate::lock::acquire(store, &pipeline.id)?;
    let paths = &ctx.config.settings.paths;
    for dir in [&paths.archive, &paths.store, &paths.output] {
        crate::store::sweep_temporary(dir);
    }
    let ledger = Ledger::open(&store.join("ledger.sqlite")).tag(Failure::Storage)?;
    let id = ledger.start_run(&pipeline.id, &ctx.period.to_string(), &[])?;
    let result = run_kind(pipeline, ctx, Some(&ledger));
    match &result {
        Ok(s) => {
            let mut outputs: Vec<String> = s.workbook.iter().map(|p| p.display().to_string()).collect();
            outputs.extend(s.delivery.iter().flat_map(|d| d.outbox_files.iter().map(|p| p.display().to_string())));
            ledger.finish_run(id, "ok", &s.headline, &s.inputs, &outputs)?;
        }
        Err(e) => {
            let outcome = e.downcast_ref::<Failure>().map_or("error", |f| f.code());
            ledger.finish_run(id, outcome, &crate::outcome::user_message(e), &[], &[])?;
        }
    }
    result
}

fn run_kind(pipeline: &Pipeline, ctx: &RunContext<'_>, ledger: Option<&Ledger>) -> Result<RunSummary> {
    let shared = Shared::open(ctx.config)?;
    match pipeline.kind {
        Kind::MonthlyService => run_monthly(pipeline, ctx, &shared, ledger),
        Kind::YearEndAwards => run_awards(pipeline, ctx, &shared, ledger),
    }
}

fn run_monthly(
    pipeline: &Pipeline,
    ctx: &RunContext<'_>,
    shared: &Shared,
    ledger: Option<&Ledger>,
) -> Result<RunSummary> {
    let config = ctx.config;
    let Evaluation { method, ingested, scorecard, indices } = evaluate_with(pipeline, ctx, shared)?;
    let mut watch = crate::stopwatch::Stopwatch::start();
    let dossiers = ingested.table(Dataset::Dossiers).context("không có dữ liệu hồ sơ").tag(Failure::Data)?;
    let lost = crate::report::lost_points(
        &scorecard,
        &indices,
        &method,
        ctx.period,
        ctx.month_state(),
        &crate::report::unit_labels(&config.registry)?,
    )?;
    let history =
        history::year_history(pipeline, config, &shared.store, ctx.period, &scorecard, &method, &shared.procedures)?;
    watch.lap("history (year)");
    let mut summary = summarise(&scorecard, &config.registry, &ingested.findings)?;
    summary.targets_cited = indices.plan.as_ref().map(|p| format!("{} {}", p.one_stop_section, p.short()));
    let overdue = crate::report::named_overdue(&scorecard.overdue, &config.registry)?;
    let cards: Vec<crate::report::UnitCard> = summary
        .units
        .iter()
        .map(|line| crate::report::unit_card(line, summary.units.len(), &lost, &overdue))
        .collect::<PolarsResult<_>>()?;
    let report = MonthlyReport {
        ward: config.settings.ward.of(ctx.period),
        period: ctx.period,
        generated_at: ctx.now,
        method: &method,
        registry: &config.registry,
        scorecard: &scorecard,
        findings: &ingested.findings,
        files: &ingested.files,
        indices: &indices,
        lost: &lost,
        history: &history,
        cards: &cards,
    };
    watch.lap("summary + cards");
    let workbook = monthly_workbook(&report).context("không tạo được bảng tính")?;
    watch.lap("workbook");
    let file_name = ctx.period.fill(&pipeline.report_file);
    let email = monthly_email(&config.settings.ward.of(ctx.period).short_name, ctx.period, &summary, &file_name);
    let mut mails = vec![summary_mail(pipeline, email, &file_name, &workbook)];
    mails.extend(unit_mails(config, ctx.period, &cards)?);
    watch.lap("e-mails");

    let result = RunSummary {
        files: ingested.files.len(),
        rows: dossiers.height(),
        findings: ingested.findings.len(),
        inputs: ingested.files.iter().map(|f| f.sha256.clone()).collect(),
        units: summary.units.len(),
        ward_score: summary.ward_score,
        overdue: scorecard.overdue.height(),
        workbook: None,
        delivery: None,
        warnings: indices.absent.iter().map(|a| a.why.clone()).collect(),
        headline: format!(
            "{} tệp, {} hồ sơ trong kỳ (đọc {} dòng), {} đơn vị xếp hạng, điểm toàn phường {}, {} hồ sơ trễ hạn, \
             {} vấn đề dữ liệu.",
            ingested.files.len(),
            summary.active,
            dossiers.height(),
            summary.units.len(),
            summary.ward_score.map_or_else(|| "không có hồ sơ".into(), |x| crate::report::number(x, 2)),
            scorecard.overdue.height(),
            ingested.findings.len()
        ),
    };
    let out = Outputs { file_name: &file_name, workbook: &workbook, documents: &[], tables: &ingested.tables };
    publish(pipeline, ctx, &shared.store, &out, mails, ledger, result)
}

/// The summary with the workbook, to the pipeline's recipients.
fn summary_mail(pipeline: &Pipeline, email: crate::report::Email, file_name: &str, workbook: &[u8]) -> Mail {
    Mail {
        kind: "summary".into(),
        to: pipeline.to.clone(),
        cc: pipeline.cc.clone(),
        email,
        attachments: vec![Attached::new(file_name, workbook.to_vec())],
    }
}

/// A personal e-mail to each ranked unit's head with the unit's own card.
fn unit_mails(config: &Config, period: Period, cards: &[crate::report::UnitCard]) -> Result<Vec<Mail>> {
    let mut mails = Vec::new();
    for card in cards {
        let Some(unit) = config.registry.unit(&card.line.code) else { continue };
        let Some(address) = &unit.head_email else { continue };
        let name = format!(
            "the-don-vi-{}-{period}.xlsx",
            unit.code.to_ascii_lowercase().replace(|c: char| !c.is_ascii_alphanumeric(), "-")
        );
        let attachment = crate::report::card_workbook(card, &config.settings.ward.of(period).name, period)?;
        let email = crate::report::card_email(
            &config.settings.ward.of(period).short_name,
            period,
            card,
            unit.head.as_deref(),
            &name,
        );
        mails.push(Mail {
            kind: format!("unit:{}", unit.code),
            to: vec![lettre::message::Mailbox::new(unit.head.clone(), address.clone())],
            cc: vec![],
            email,
            attachments: vec![Attached::new(name, attachment)],
        });
    }
    Ok(mails)
}

/// The year's award round: the candidates' facts, the decisions, the proposal workbook.
fn run_awards(
    pipeline: &Pipeline,
    ctx: &RunContext<'_>,
    shared: &Shared,
    ledger: Option<&Ledger>,
) -> Result<RunSummary> {
    let config = ctx.config;
    let templates =
        pipeline.templates.as_ref().context("pipeline không có mẫu văn bản khen thưởng").tag(Failure::Config)?;
    let year = ctx.period.year;
    let (ev, round) = award_round_with(pipeline, ctx, shared)?;
    let (facts, outcomes) = (&round.facts, &round.outcomes);
    let report = round.report(config, ctx)?;
    let workbook = crate::report::awards_workbook(&report).context("không tạo được bảng tính xét khen thưởng")?;
    let documents = crate::report::documents::award_documents_with_votes(&report, templates, &round.votes)
        .context("không soạn được văn bản xét khen thưởng")
        .tag(Failure::Config)?;
    let file_name = ctx.period.fill(&pipeline.report_file);
    let listed: Vec<(String, String)> = documents.iter().map(|d| (d.title.clone(), d.file_name.clone())).collect();
    let email = crate::report::awards_email(&report, &file_name, &listed, facts.is_none());
    let nominees = outcomes.iter().filter(|o| o.level.is_some()).count();
    let result = RunSummary {
        files: ev.ingested.files.len(),
        rows: ev.ingested.table(Dataset::Dossiers).map_or(0, DataFrame::height),
        findings: ev.ingested.findings.len(),
        inputs: ev.ingested.files.iter().map(|f| f.sha256.clone()).collect(),
        units: nominees,
        ward_score: None,
        overdue: ev.scorecard.overdue.height(),
        workbook: None,
        delivery: None,
        warnings: ev.indices.absent.iter().map(|a| a.why.clone()).collect(),
        headline: format!(
            "{} ứng viên, {} được đề nghị khen thưởng, {} văn bản dự thảo{}.",
            outcomes.len(),
            nominees,
            documents.len(),
            if facts.is_none() {
                format!(" (chưa có config/facts/{year}.toml: chưa ai có xác nhận hoàn thành nhiệm vụ)")
            } else {
                String::new()
            }
        ),
    };
    let mut mail = summary_mail(pipeline, email, &file_name, &workbook);
    mail.attachments.extend(documents.iter().map(|d| Attached::new(&d.file_name, d.bytes.clone())));
    let drafts: Vec<(String, Vec<u8>)> =
        documents.into_iter().map(|d| (format!("{DOCUMENTS_DIR}/{}", d.file_name), d.bytes)).collect();
    let out = Outputs { file_name: &file_name, workbook: &workbook, documents: &drafts, tables: &ev.ingested.tables };
    publish(pipeline, ctx, &shared.store, &out, vec![mail], ledger, result)
}

/// A year's award round as judged: every candidate with its facts, the outcome for each,
/// and what the ward recorded (facts file, council votes).
pub struct AwardRound {
    /// The rules valid on the round day, the PAR bands of the round's PAR methodology with them.
    pub rules: crate::score::AwardRules,
    pub candidates: Vec<crate::score::Candidate>,
    pub outcomes: Vec<crate::score::Outcome>,
    pub facts: Option<crate::config::WardFacts>,
    pub votes: crate::report::documents::Votes,
    /// The names the ward's templates give to annual titles and advising roles.
    pub names: crate::report::AwardNames,
}

impl AwardRound {
    /// The round as the workbook and the documents present it.
    pub fn report<'a>(&'a self, config: &'a Config, ctx: &RunContext<'_>) -> Result<crate::report::AwardsReport<'a>> {
        Ok(crate::report::AwardsReport {
            ward: config.settings.ward.of(ctx.period),
            year: ctx.period.year,
            round_day: ctx.period.last_day(),
            generated_at: ctx.now,
            rules: &self.rules,
            plan: config.methodologies.plan_for(ctx.period).map(|t| &t.plan),
            registry: &config.registry,
            candidates: &self.candidates,
            outcomes: &self.outcomes,
            names: &self.names,
        })
    }
}

/// Evaluates the year and judges every candidate against the pipeline's award rules on the
/// round day (the period's last day).
pub fn award_round(pipeline: &Pipeline, ctx: &RunContext<'_>) -> Result<(Evaluation, AwardRound)> {
    award_round_with(pipeline, ctx, &Shared::open(ctx.config)?)
}

fn award_round_with(pipeline: &Pipeline, ctx: &RunContext<'_>, shared: &Shared) -> Result<(Evaluation, AwardRound)> {
    if !ctx.period.is_year() {
        return Err(anyhow::anyhow!("xét khen thưởng chạy theo năm: dùng --period {} (cả năm)", ctx.period.year))
            .tag(Failure::Config);
    }
    let series =
        pipeline.awards.as_ref().context("pipeline không có bộ tiêu chuẩn khen thưởng").tag(Failure::Config)?;
    let mut rules = series
        .for_period(ctx.period)
        .with_context(|| {
            format!(
                "không có bộ tiêu chuẩn khen thưởng \"{}\" áp dụng cho năm {} (đã có: {})",
                series.name,
                ctx.period.year,
                series.spans()
            )
        })
        .tag(Failure::Config)?
        .clone();
    let year = ctx.period.year;
    let ev = evaluate_with(pipeline, ctx, shared)?;
    // "Xếp loại từ Tốt trở lên" is judged on the bands of the units' own PAR methodology.
    rules.bands =
        ev.indices.par.as_ref().map(|p| p.method.bands.iter().map(|b| b.label.clone()).collect()).unwrap_or_default();
    awards::cite_plan(&mut rules, ctx.config.methodologies.plan_for(ctx.period).map(|t| &t.plan), year);
    let facts = award_facts(ctx.config, year)?;
    let candidates = awards::candidates(ctx.config, &ev, facts.as_ref(), year)?;
    let outcomes = crate::score::award_round(&rules, &candidates, ctx.period.last_day());
    let votes = votes(facts.as_ref());
    let names = pipeline.templates.as_ref().map(crate::report::AwardNames::from_templates).unwrap_or_default();
    Ok((ev, AwardRound { rules, candidates, outcomes, facts, votes, names }))
}

/// The folder of `output/<period>/` that holds the drafted documents.
pub const DOCUMENTS_DIR: &str = "van-ban";

/// The ward's facts file for the round's year (`None` when there is none yet).
fn award_facts(config: &Config, year: i32) -> Result<Option<crate::config::WardFacts>> {
    let target_codes: Vec<String> =
        config.methodologies.targets.iter().flat_map(|t| t.targets.iter().map(|x| x.code.clone())).collect();
    let mut d = Diagnostics::default();
    let facts = crate::config::load_facts(
        &config.root,
        &config.settings.paths.facts,
        year,
        &config.registry,
        &target_codes,
        &mut d,
    );
    diag::into_result(d).tag(Failure::Config)?;
    Ok(facts)
}

/// The council's votes recorded in the facts file, by candidate.
fn votes(facts: Option<&crate::config::WardFacts>) -> crate::report::documents::Votes {
    use crate::report::documents::{Vote, Votes};
    use crate::score::Audience;
    let Some(f) = facts else { return Votes::default() };
    let vote = |c: &crate::config::VoteCount| Vote { agree: c.agree, total: c.total };
    Votes(
        f.unit_votes
            .iter()
            .map(|(k, c)| ((Audience::Collective, k.clone()), vote(c)))
            .chain(f.officer_votes.iter().map(|(k, c)| ((Audience::Individual, k.clone()), vote(c))))
            .collect(),
    )
}

/// What a run publishes besides its mails.
struct Outputs<'a> {
    file_name: &'a str,
    workbook: &'a [u8],
    /// Other files of the period, by path under `output/<period>/`.
    documents: &'a [(String, Vec<u8>)],
    tables: &'a std::collections::BTreeMap<Dataset, DataFrame>,
}

/// Publishes the period all or nothing — its tables in the store and its workbook under
/// `output/<period>/` become visible together, after everything was built — then delivers
/// the mails through the ledger (unless a dry run). A configuration problem of the mail
/// server is exit 3 (the mails stay queued); sends not all delivered are exit 5.
fn publish(
    pipeline: &Pipeline,
    ctx: &RunContext<'_>,
    store: &Store,
    out: &Outputs<'_>,
    mails: Vec<Mail>,
    ledger: Option<&Ledger>,
    mut result: RunSummary,
) -> Result<RunSummary> {
    let config = ctx.config;
    let paths = &config.settings.paths;
    let Some(ledger) = ledger.filter(|_| !ctx.dry_run) else {
        return Ok(result);
    };
    let path = paths.output.join(ctx.period.to_string()).join(out.file_name);
    let mut files = Vec::new();
    for (dataset, df) in out.tables {
        let bytes = crate::store::parquet_bytes(&mut df.clone())
            .with_context(|| format!("không ghi được bảng {} {}", dataset.name(), ctx.period))?;
        files.push((store.table_path(*dataset, ctx.period), bytes));
    }
    files.push((path.clone(), out.workbook.to_vec()));
    let folder = paths.output.join(ctx.period.to_string());
    files.extend(out.documents.iter().map(|(rel, bytes)| (folder.join(rel), bytes.clone())));
    // The exports scored are on disk, under their archive names, before any result is.
    store.settle().context("không lưu được bản gốc vào kho lưu trữ").tag(Failure::Storage)?;
    crate::store::publish_all(files).tag(Failure::Storage)?;
    result.workbook = Some(path);
    let period = ctx.period.to_string();
    let route = Route {
        pipeline: &pipeline.id,
        period: &period,
        from: &config.settings.from,
        smtp: config.settings.smtp.as_ref(),
        outbox: &paths.outbox,
        domain: config.settings.from.email.domain(),
        store: &paths.store,
    };
    let delivery = crate::deliver::deliver(&mails, &route, ledger, ctx.resend).tag(Failure::Storage)?;
    let complete = delivery.complete();
    let problems: Vec<String> = delivery
        .queued
        .iter()
        .map(|(r, e)| format!("{r}: còn trong hàng đợi ({e})"))
        .chain(delivery.uncertain.iter().map(|(r, e)| format!("{r}: chưa chắc đã tới ({e})")))
        .chain(delivery.failed.iter().map(|(r, e)| format!("{r}: không gửi được ({e})")))
        .collect();
    let config_error = delivery.config_error.clone();
    result.delivery = Some(delivery);
    if let Some(e) = config_error {
        return Err(anyhow::anyhow!(
            "không gửi được thư vì cấu hình SMTP: {e}. Thư vẫn trong hàng đợi; sửa cấu hình rồi chạy lại \
             (hoặc thidua outbox --flush)"
        ))
        .tag(Failure::Config);
    }
    if !complete {
        return Err(anyhow::anyhow!("{} thư chưa gửi được:\n{}", problems.len(), problems.join("\n")))
            .tag(Failure::Delivery);
    }
    Ok(result)
}
