//! # thidua
//!
//! Scorecards for a Vietnamese ward's emulation movement on administrative reform and
//! digital transformation: pull the exports, validate them, score every unit and officer,
//! report and deliver. A map of the stages, in the order data flows:
//!
//! | stage | module | entry point |
//! |---|---|---|
//! | configuration | [`config`] | [`config::load`] |
//! | pull | [`pull`] | [`pull::pull`] |
//! | ingest | [`ingest`] | [`ingest::ingest`] |
//! | store | [`store`] | [`store::Store`] |
//! | score | [`score`] | [`score::service_scorecard`], [`score::score_index`], [`score::award_round`] |
//! | report | [`report`] | [`report::monthly_workbook`], [`report::awards_workbook`], [`report::monthly_email`] |
//! | deliver | [`deliver`] | [`deliver::deliver`] (through [`deliver::Ledger`]) |
//! | pipeline | [`pipeline`] | [`pipeline::run`] = [`pipeline::evaluate`] + publish |
//! | schedule | [`schedule`] | [`schedule::daemon`]: the same `run` on a cron timer |
//!
//! [`cli`] parses the command line; [`outcome`] maps failures to exit codes;
//! [`sample`] generates a realistic year of exports for the sample ward.

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
