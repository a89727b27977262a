//! The command line: parse, dispatch, print. Each command is a file of this folder; this
//! one holds the arguments and the dispatch. Nothing but `main` imports the CLI.

mod check;
mod explain;
mod history;
mod init;
mod inspect;
mod outbox;
mod pull;
mod run;
mod sample;
mod score;

use std::path::PathBuf;

use anyhow::{Context, Result};

use clap::{Parser, Subcommand};

use crate::outcome::{Failure, Tag};
use crate::period::Period;

const EXIT_CODES: &str = "\
Mã thoát (exit codes):
  0  thành công (success)
  1  lỗi không lường trước (unexpected error)
  2  sai cú pháp lệnh (usage error)
  3  lỗi cấu hình: tệp cấu hình hoặc pipeline sai (configuration problem)
  4  lỗi dữ liệu: không có tệp xuất cho kỳ, tệp hỏng, thiếu cột (data problem)
  5  lỗi gửi báo cáo: thư còn chờ, chưa chắc đã tới hoặc bị từ chối (delivery problem)
  6  đang chạy: cùng pipeline, hoặc tiến trình khác đang gửi thư (busy)
  7  lỗi lưu trữ: không ghi được tệp, đầy đĩa, không có quyền (storage problem)";

/// thidua — bảng điểm cải cách hành chính, chuyển đổi số và khen thưởng phong trào thi đua.
///
/// Pulls the indicator exports of a ward, validates them, builds the monthly scorecards
/// and e-mails the workbook.
#[derive(Parser, Debug)]
#[command(name = "thidua", version, after_help = EXIT_CODES)]
pub struct Cli {
    /// Settings file; the project root is the folder above the one that holds it.
    #[arg(long, global = true, default_value = "config/thidua.toml", env = "THIDUA_CONFIG")]
    pub config: PathBuf,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Kiểm tra toàn bộ cấu hình và pipeline; liệt kê mọi lỗi dạng tệp:dòng: thông báo.
    Check,
    /// Tạo dự án cho một phường mới: cấu hình, đơn vị, cán bộ, pipeline và các tệp quốc gia.
    ///
    /// From a few answers (--ward-name, --province, …) and, optionally, the ward's units and
    /// officers as CSV; then runs `thidua check` on the new project. Never overwrites.
    #[command(after_long_help = init::HELP)]
    Init(init::InitArgs),
    /// Chạy một pipeline cho một kỳ (mặc định: tháng trước).
    Run {
        /// Pipeline id: the file name in pipelines/ without .toml (e.g. monthly).
        pipeline: String,
        /// Period YYYY-MM (default: last month in Asia/Ho_Chi_Minh).
        #[arg(long)]
        period: Option<Period>,
        /// Build everything but write no workbook and send no e-mail.
        #[arg(long)]
        dry_run: bool,
        /// Send again the e-mails the ledger says were delivered already.
        #[arg(long)]
        resend: bool,
    },
    /// Chỉ lấy và đọc dữ liệu của một kỳ (tệp hoặc API), báo những gì đã nhận.
    Pull {
        pipeline: String,
        #[arg(long)]
        period: Period,
    },
    /// Xem một tệp xuất trước khi dùng: định dạng nhận ra, cột, dòng bị loại, trạng thái, ngày.
    ///
    /// Reads FILE as a run would (every record), and says which format profile read it, the
    /// encoding and header row, field ← column (or JSON path), the personal-data columns
    /// dropped, the rows rejected by rule, the statuses with their meaning, the date layouts
    /// and the range of reception dates. Nothing is stored or sent.
    Inspect {
        file: PathBuf,
        /// Read with this format profile (`config/formats/<id>.toml`) instead of recognising one.
        #[arg(long)]
        profile: Option<String>,
        /// The dataset the file holds.
        #[arg(long, default_value = "dossiers", value_parser = parse_dataset)]
        dataset: crate::dataset::Dataset,
        /// Print one JSON object (rows, rejected, statuses, received_from, received_to, …).
        #[arg(long)]
        json: bool,
    },
    /// Lịch sử các lần chạy và các thư đã gửi (sổ gửi thư).
    History {
        /// How many runs and sends to show.
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// Thư đang chờ gửi (lỗi tạm thời); --flush gửi lại ngay.
    Outbox {
        #[arg(long)]
        flush: bool,
    },
    /// Chạy theo lịch: mọi pipeline có `schedule`, bù kỳ bị lỡ khi khởi động.
    Daemon,
    /// Tính một chỉ số (PAR, DTI, DDCI, PCI) từ tệp CSV các thành phần; in CSV kết quả.
    ///
    /// The input has a `unit` column and one column per leaf component code (a rate may
    /// also be given as `<code>.num` and `<code>.den`); min–max methods need a `year` column.
    Score {
        /// Methodology id (a file in config/methodology) or path to a methodology file.
        #[arg(long)]
        method: String,
        /// CSV of component values per unit.
        #[arg(long)]
        input: PathBuf,
        /// Year to score for min–max methods (default: the latest in the input).
        #[arg(long)]
        year: Option<i32>,
    },
    /// Chỉ ra đơn vị bị mất điểm ở đâu trong kỳ, lớn nhất trước, kèm căn cứ.
    Explain {
        /// Unit code or name (as in config/units.toml).
        unit: String,
        /// Period YYYY-MM.
        #[arg(long)]
        period: Period,
        /// Pipeline whose sources and methodologies are used.
        #[arg(long, default_value = "monthly")]
        pipeline: String,
    },
    /// Xét khen thưởng cuối năm: điều kiện, xếp hạng, danh sách đề nghị, dự thảo biên bản.
    Awards {
        /// The year judged (the round is held at its last day).
        #[arg(long)]
        year: i32,
        /// Pipeline of kind year_end_awards.
        #[arg(long, default_value = "year_end_awards")]
        pipeline: String,
        /// Build everything but write no workbook and send no e-mail.
        #[arg(long)]
        dry_run: bool,
    },
    /// Sinh dữ liệu mẫu một năm cho phường mẫu (tệp xuất như cán bộ tải về).
    Sample {
        /// Output folder [default: samples/<year>, the folder the pipelines' globs name].
        #[arg(long)]
        out: Option<PathBuf>,
        #[arg(long, default_value_t = 105)]
        seed: u64,
        #[arg(long, default_value_t = 2024)]
        year: i32,
        /// Write one large S1 CSV with this many dossiers instead (benchmark format).
        #[arg(long)]
        dossiers: Option<usize>,
        /// Dates of that CSV: flat (dd/MM/yyyy HH:mm:ss) or national (yyyyMMddHHmmss).
        #[arg(long, default_value = "flat", value_parser = ["flat", "national"], requires = "dossiers")]
        shape: String,
        /// Dossiers per unit per month on average (normal mode).
        #[arg(long, default_value_t = 100)]
        per_unit_month: usize,
    },
}

fn parse_dataset(s: &str) -> std::result::Result<crate::dataset::Dataset, String> {
    serde::Deserialize::deserialize(serde::de::value::StrDeserializer::<serde::de::value::Error>::new(s))
        .map_err(|e: serde::de::value::Error| e.to_string())
}

pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Check => check::check(&cli.config),
        Command::Init(args) => init::init(&args),
        Command::Run { pipeline, period, dry_run, resend } => {
            run::run_pipeline(&cli.config, &pipeline, period, dry_run, resend)
        }
        Command::Awards { year, pipeline, dry_run } => {
            let period = Period::year(year).context("năm không hợp lệ").tag(Failure::Config)?;
            run::run_pipeline(&cli.config, &pipeline, Some(period), dry_run, false)
        }
        Command::Pull { pipeline, period } => pull::pull(&cli.config, &pipeline, period),
        Command::Inspect { file, profile, dataset, json } => inspect::inspect(
            &cli.config,
            &inspect::Options { file: &file, profile, dataset, json },
            &mut std::io::stdout().lock(),
        ),
        Command::History { limit } => history::history(&cli.config, limit, &mut std::io::stdout().lock()),
        Command::Outbox { flush } => outbox::outbox(&cli.config, flush),
        Command::Daemon => crate::schedule::daemon(&cli.config),
        Command::Score { method, input, year } => {
            score::score(&cli.config, &method, &input, year, &mut std::io::stdout().lock())
        }
        Command::Explain { unit, period, pipeline } => {
            explain::explain(&cli.config, &pipeline, &unit, period, &mut std::io::stdout().lock())
        }
        Command::Sample { out, seed, year, dossiers, shape, per_unit_month } => {
            let out = out.unwrap_or_else(|| PathBuf::from(format!("samples/{year}")));
            sample::sample(&cli.config, &out, seed, year, dossiers, &shape, per_unit_month)
        }
    }
}
