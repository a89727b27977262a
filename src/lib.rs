//! # thidua
//!
//! Scorecards for a Vietnamese ward's emulation movement on administrative reform and
//! digital transformation: pull the exports, validate them, score every unit and officer,
//! report and deliver. Imports run one way, from the top of this table down:
//!
//! | floor | module | entry point |
//! |---|---|---|
//! | commands | [`cli`] (one file per command, `init/` a folder; only `main.rs` imports it) | [`cli::run`] |
//! | daemon | [`schedule`] | [`schedule::daemon`]: the same `run` on a cron timer |
//! | a period's run | [`pipeline`] (strings the stages together) | [`pipeline::run`] = [`pipeline::evaluate`] + publish |
//! | deliver | [`deliver`] | [`deliver::deliver`] (through [`deliver::Ledger`]) |
//! | report | [`report`] (reads score's frames; computes no score) | [`report::monthly_workbook`], [`report::awards_workbook`], [`report::award_documents`], [`report::monthly_email`] |
//! | configuration | [`config`] (spec types and loaders; runtime types belong to the stages) | [`config::load`]; [`config::load_partial`] (`check`: every file, whatever the others' problems) |
//! | ingest, score | [`ingest`], [`score`] (pure) | [`ingest::ingest`]; [`score::service_scorecard`], [`score::score_index`], [`score::award_round`] |
//! | pull | [`pull`] (owns sources and their HTTP state) | [`pull::pull`] |
//! | store | [`store`] (raw archive, hive-partitioned Parquet, atomic publish) | [`store::Store`] |
//! | shared values | [`period`], [`dataset`], [`validity`], [`vi`] (Vietnamese numbers and dates), [`registry`], [`national`], [`outcome`], [`secret`], [`lock`] | — |
//!
//! [`outcome`] maps failures to exit codes; [`sample`] generates a realistic year of exports
//! for the sample ward (beside ingest: it writes what ingest reads, and imports only the
//! registry and the store's atomic write).

pub mod cli;
pub mod config;
pub mod dataset;
pub mod deliver;
mod expr;
pub mod ingest;
pub mod lock;
pub mod national;
pub mod outcome;
pub mod period;
pub mod pipeline;
pub mod pull;
pub mod registry;
pub mod report;
pub mod sample;
pub mod schedule;
pub mod score;
pub mod secret;
mod stopwatch;
pub mod store;
pub mod validity;
pub mod vi;
