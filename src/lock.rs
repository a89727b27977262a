//! Locks between processes: one run of a pipeline at a time (the daemon and a system cron,
//! or two crons, may both start one), and one process sending mail at a time (`run`,
//! `outbox --flush` and the daemon all send from the same ledger). OS file locks under
//! `store/locks/`, released when the process ends however it ends.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::Path;

use anyhow::{Context, Result};

use crate::outcome::{Failure, Tag};

/// Holds the lock while alive.
pub struct RunLock {
    _file: File,
}

fn open(store: &Path, name: &str) -> Result<(File, std::path::PathBuf)> {
    let dir = store.join("locks");
    std::fs::create_dir_all(&dir).with_context(|| format!("không tạo được {}", dir.display()))?;
    crate::store::restrict(store)?;
    crate::store::restrict(&dir)?;
    let path = dir.join(format!("{name}.lock"));
    let mut options = OpenOptions::new();
    options.create(true).truncate(false).write(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(&path).with_context(|| format!("không mở được tệp khóa {}", path.display()))?;
    Ok((file, path))
}

/// The name of the lock every sender takes.
const SENDING: &str = "gui-thu";

/// The sending lock, waiting for another sender to finish (a run of another pipeline).
pub fn sending(store: &Path) -> Result<RunLock> {
    let (file, path) = open(store, SENDING)?;
    file.lock().with_context(|| format!("không khóa được {}", path.display()))?;
    Ok(RunLock { _file: file })
}

/// The sending lock, or a refusal when another process is sending (`outbox --flush`).
pub fn sending_now(store: &Path) -> Result<RunLock> {
    let (file, path) = open(store, SENDING)?;
    match file.try_lock() {
        Ok(()) => Ok(RunLock { _file: file }),
        Err(TryLockError::WouldBlock) => {
            Err(anyhow::anyhow!("một tiến trình khác đang gửi thư (khóa {}); chạy lại sau khi nó xong", path.display()))
                .tag(Failure::Busy)
        }
        Err(TryLockError::Error(e)) => Err(e).with_context(|| format!("không khóa được {}", path.display())),
    }
}

/// One run of a pipeline at a time.
pub fn acquire(store: &Path, pipeline: &str) -> Result<RunLock> {
    let (file, path) = open(store, pipeline)?;
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

    #[test]
    fn one_sender_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        let run = sending(dir.path()).unwrap();
        let err = sending_now(dir.path()).err().expect("a flush during a run is refused");
        assert_eq!(crate::outcome::exit_code(&err), std::process::ExitCode::from(6));
        drop(run);
        assert!(sending_now(dir.path()).is_ok());
    }
}
