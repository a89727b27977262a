//! A pipeline: the stages strung together for one period, exactly as cron or the daemon
//! would run them. [`run`] reads like the architecture diagram: pull, ingest, store,
//! score, report, deliver.

mod indices;
mod period;
mod spec;

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use chrono::DateTime;
use chrono_tz::Tz;
use polars::prelude::*;

pub use indices::{IndexScores, ProvinceRank, Scored, score_indices};
pub use period::Period;
pub use spec::{Indices, Kind, Location, Pipeline, Source, load_file, pipeline_files};

use crate::config::{Config, Diagnostics, diag};
use crate::deliver::{Delivered, Outgoing, deliver};
use crate::ingest::{self, Dataset};
use crate::outcome::{Failure, Tag};
use crate::report::{MonthlyReport, monthly_email, monthly_workbook, summarise};
use crate::score::{ServiceInput, ServiceParams, ServiceScorecard, service_scorecard};
use crate::store::{Store, write_atomic};

/// What a run needs besides the pipeline.
pub struct RunContext<'a> {
    pub config: &'a Config,
    pub period: Period,
    /// "Now" in the ward's time zone (a parameter, so runs are reproducible in tests).
    pub now: DateTime<Tz>,
    /// Build everything, write and send nothing (exports are still archived).
    pub dry_run: bool,
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
    pub delivered: Option<Delivered>,
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

/// Everything a period's data yields before it is reported.
pub struct Evaluation {
    pub ingested: ingest::Ingested,
    pub scorecard: ServiceScorecard,
    pub indices: IndexScores,
}

/// Pulls, ingests, stores (unless a dry run) and scores one period.
pub fn evaluate(pipeline: &Pipeline, ctx: &RunContext<'_>) -> Result<Evaluation> {
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
    let store = Store::new(&paths.archive, &paths.store);
    let pulled = crate::pull::pull(pipeline, ctx.period, config, &store, ctx.now)?;
    let ingest_ctx = ingest::Context { registry: &config.registry, period: ctx.period, now: ctx.now.naive_local() };
    let ingested = ingest::ingest(&pulled.files, &ingest_ctx)?;
    let dossiers = ingested.table(Dataset::Dossiers).context("không có dữ liệu hồ sơ").tag(Failure::Data)?;
    if !ctx.dry_run {
        for (dataset, df) in &ingested.tables {
            store.write_table(dataset.name(), ctx.period, &mut df.clone())?;
        }
    }

    let holidays: Vec<_> = config.calendar.holidays().collect();
    let scorecard = service_scorecard(
        ServiceInput {
            dossiers: dossiers.clone().lazy(),
            feedback: ingested.table(Dataset::Feedback).map(|df| df.clone().lazy()),
            procedures: procedures_frame(config)?,
        },
        &ServiceParams { period: ctx.period, holidays: &holidays, method: &pipeline.methodology },
    )
    .map_err(anyhow::Error::from)
    .context("tính bảng điểm không thành công")?;

    let indices = score_indices(pipeline, &ingested, &scorecard, config, ctx.period)?;
    Ok(Evaluation { ingested, scorecard, indices })
}

/// Runs the pipeline for one period: evaluate, then build the workbook and deliver it.
pub fn run(pipeline: &Pipeline, ctx: &RunContext<'_>) -> Result<RunSummary> {
    let config = ctx.config;
    let paths = &config.settings.paths;
    let Evaluation { ingested, scorecard, indices } = evaluate(pipeline, ctx)?;
    let dossiers = ingested.table(Dataset::Dossiers).context("không có dữ liệu hồ sơ").tag(Failure::Data)?;
    let report = MonthlyReport {
        ward: &config.settings.ward,
        period: ctx.period,
        generated_at: ctx.now,
        method: &pipeline.methodology,
        registry: &config.registry,
        scorecard: &scorecard,
        findings: &ingested.findings,
        files: &ingested.files,
        indices: &indices,
    };
    let workbook = monthly_workbook(&report).context("không tạo được bảng tính")?;
    let file_name = ctx.period.fill(&pipeline.report_file);
    let summary = summarise(&scorecard, &config.registry, &ingested.findings)?;
    let email = monthly_email(&config.settings.ward.short_name, ctx.period, &summary, &file_name);

    let mut result = RunSummary {
        files: ingested.files.len(),
        rows: dossiers.height(),
        findings: ingested.findings.len(),
        units: summary.units.len(),
        ward_score: summary.ward_score,
        overdue: scorecard.overdue.height(),
        workbook: None,
        delivered: None,
    };
    if ctx.dry_run {
        return Ok(result);
    }
    let path = paths.output.join(ctx.period.to_string()).join(&file_name);
    write_atomic(&path, &workbook).with_context(|| format!("không ghi được {}", path.display()))?;
    result.workbook = Some(path);
    let stem = format!("{}-{}-{}", pipeline.id, ctx.period, ctx.now.format("%Y%m%dT%H%M%S"));
    let out = Outgoing {
        from: &config.settings.from,
        to: &pipeline.to,
        cc: &pipeline.cc,
        email: &email,
        attachment_name: &file_name,
        attachment: &workbook,
    };
    result.delivered = Some(deliver(&out, config.settings.smtp.as_ref(), &paths.outbox, &stem)?);
    Ok(result)
}
