//! One run of a pipeline at a time: the daemon and a system cron (or two crons) may both
//! start one. An OS file lock, released when the process ends however it ends.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::Path;

use anyhow::{Context, Result};

use crate::outcome::{Failure, Tag};

/// Holds the lock while alive.
pub struct RunLock {
    _file: File,
}

pub fn acquire(store: &Path, pipeline: &str) -> Result<RunLock> {
    let dir = store.join("locks");
    std::fs::create_dir_all(&dir).with_context(|| format!("không tạo được {}", dir.display()))?;
    let path = dir.join(format!("{pipeline}.lock"));
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("không mở được tệp khóa {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(RunLock { _file: file }),
        Err(TryLockError::WouldBlock) => Err(anyhow::anyhow!(
            "pipeline \"{pipeline}\" đang chạy ở một tiến trình khác (khóa {}); lần chạy này dừng lại",
            path.display()
        ))
        .tag(Failure::Busy),
        Err(TryLockError::Error(e)) => Err(e).with_context(|| format!("không khóa được {}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_run_of_the_same_pipeline_is_refused_until_the_first_ends() {
        let dir = tempfile::tempdir().unwrap();
        let first = acquire(dir.path(), "monthly").unwrap();
        let err = acquire(dir.path(), "monthly").err().expect("locked");
        assert_eq!(crate::outcome::exit_code(&err), std::process::ExitCode::from(6));
        assert!(acquire(dir.path(), "year_end_awards").is_ok(), "other pipelines run freely");
        drop(first);
        assert!(acquire(dir.path(), "monthly").is_ok());
    }
}
