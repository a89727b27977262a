//! The typed outcome that decides `thidua`'s exit code.
//!
//! Plumbing errors carry `anyhow` context all the way up; only the *kind* of failure matters
//! to cron and monitoring, so a failure is tagged once, where its kind is known, and `main`
//! maps the tag to an exit code. Untagged errors are unexpected (exit 1).

use std::fmt;
use std::process::ExitCode;

/// What went wrong, as far as an operator needs to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// A configuration or pipeline file is missing or invalid (exit 3).
    Config,
    /// Input data could not be used: no export for the period, unreadable file (exit 4).
    Data,
    /// The report was built but could not be delivered (exit 5).
    Delivery,
    /// The same pipeline is already running, or another process is sending (exit 6).
    Busy,
    /// A file could not be written: a full disk, a folder without permission (exit 7).
    Storage,
}

impl Failure {
    pub fn exit_code(self) -> u8 {
        match self {
            Failure::Config => 3,
            Failure::Data => 4,
            Failure::Delivery => 5,
            Failure::Busy => 6,
            Failure::Storage => 7,
        }
    }

    /// The outcome as the ledger records it.
    pub fn code(self) -> &'static str {
        match self {
            Failure::Config => "config",
            Failure::Data => "data",
            Failure::Delivery => "delivery",
            Failure::Busy => "busy",
            Failure::Storage => "storage",
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Failure::Config => "lỗi cấu hình (configuration problem)",
            Failure::Data => "lỗi dữ liệu (data problem)",
            Failure::Delivery => "lỗi gửi báo cáo (delivery problem)",
            Failure::Busy => "đang chạy (already running)",
            Failure::Storage => "lỗi lưu trữ (storage problem)",
        })
    }
}

impl std::error::Error for Failure {}

/// Tags an error with its failure kind, keeping the whole context chain.
pub trait Tag<T> {
    fn tag(self, kind: Failure) -> anyhow::Result<T>;
}

impl<T, E: Into<anyhow::Error>> Tag<T> for Result<T, E> {
    fn tag(self, kind: Failure) -> anyhow::Result<T> {
        self.map_err(|e| e.into().context(kind))
    }
}

/// The exit code for an error: the outermost failure tag wins, untagged errors give 1.
/// (anyhow can downcast through every layer of context, so a tag is found wherever it is.)
pub fn exit_code(err: &anyhow::Error) -> ExitCode {
    ExitCode::from(err.downcast_ref::<Failure>().map_or(1, |f| f.exit_code()))
}

/// The error as shown to a person: the whole context chain, without the query plans that
/// Polars appends to its own errors (useful to a developer, noise to a ward officer).
pub fn user_message(err: &anyhow::Error) -> String {
    let full = format!("{err:#}");
    let cut = ["\n\nResolved plan until failure", "\n\nError originated just after this operation"]
        .iter()
        .filter_map(|m| full.find(m))
        .min()
        .unwrap_or(full.len());
    full[..cut].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tagged_errors_map_to_their_exit_code() {
        let err = Err::<(), _>(anyhow::anyhow!("no export")).tag(Failure::Data).unwrap_err().context("running monthly");
        assert_eq!(exit_code(&err), ExitCode::from(4));
        assert_eq!(exit_code(&anyhow::anyhow!("boom")), ExitCode::from(1));
    }
}
