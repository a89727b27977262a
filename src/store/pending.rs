//! Archiving a drop-folder file beside the rest of the run.
//!
//! A province's export is hundreds of megabytes. Hashing it (SHA-256, what names it in the
//! archive) takes a core for a third of a second, copying it another, and making the copy
//! durable (`fsync`) as long again, and the run used to wait for all three before reading a
//! byte (BENCHMARKS.md). None of them changes what is read, so the copy and the hash run on
//! threads of their own while ingest reads the drop file itself, and [`Store::hashed`] waits
//! for them once ingest is done. It also checks that the file is still the one hashed (size,
//! modification time, inode, before and after): a file rewritten while the run read it stops
//! the run, since its figures would be of no version the archive holds. The flush then runs
//! while the scores and the workbook are made, and the copy takes its archive name, with its
//! manifest line, only once flushed: a crash before that leaves a temporary file for the
//! sweep, never a named copy that is not what it says. [`Store::settle`] waits for the
//! flush; a run calls it before it publishes anything, and dropping the store settles what
//! is left (a run that stopped on bad data still keeps its evidence).

use std::path::{Path, PathBuf};
use std::thread::JoinHandle;

use anyhow::{Result, anyhow};

use super::{Archived, FileStamp, Received, Store, Writing, archive_name, copy_and_hash, persist};
use crate::outcome::{Failure, Tag};
use crate::period::Period;

/// A drop-folder file being copied and hashed.
pub(super) struct Hashing {
    tmp: tempfile::NamedTempFile,
    from: PathBuf,
    stamp: FileStamp,
    /// Its manifest entry, without the hash and the archive name yet.
    entry: Archived,
    period: Period,
    file_name: String,
    job: JoinHandle<Result<Option<(String, u64)>>>,
}

impl Hashing {
    /// Starts copying `from` into `tmp` and hashing it.
    pub(super) fn start(
        tmp: tempfile::NamedTempFile,
        from: &Path,
        stamp: FileStamp,
        dir: PathBuf,
        entry: Archived,
        got: &Received<'_>,
    ) -> Result<Hashing> {
        let mut to = tmp.as_file().try_clone().writing(tmp.path())?;
        let (source, before) = (from.to_path_buf(), stamp.clone());
        let job = std::thread::spawn(move || copy_and_hash(&source, &before, &mut to, &dir));
        let (period, file_name) = (got.period, got.file_name.to_string());
        Ok(Hashing { tmp, from: from.to_path_buf(), stamp, entry, period, file_name, job })
    }
}

/// One copy made and hashed, still flushing.
pub(super) struct Pending {
    tmp: tempfile::NamedTempFile,
    /// Where it goes once flushed.
    path: PathBuf,
    flush: JoinHandle<std::io::Result<()>>,
    entry: Archived,
}

impl Pending {
    /// Starts flushing `tmp` on a thread of its own.
    fn start(tmp: tempfile::NamedTempFile, path: PathBuf, entry: Archived) -> Result<Pending> {
        let file = tmp.as_file().try_clone().writing(&path)?;
        let flush = std::thread::spawn(move || file.sync_all());
        Ok(Pending { tmp, path, flush, entry })
    }
}

/// Takes what a mutex holds, a poisoned one included (a panicked thread left it as it was).
fn take<T>(held: &std::sync::Mutex<Vec<T>>) -> Vec<T> {
    std::mem::take(&mut *held.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
}

/// The first error of a batch, once every item was handled.
fn first_error<T>(results: impl Iterator<Item = Result<T>>) -> Result<Vec<T>> {
    let (mut done, mut error) = (Vec::new(), None);
    for r in results {
        match r {
            Ok(t) => done.push(t),
            Err(e) => {
                error.get_or_insert(e);
            }
        }
    }
    error.map_or(Ok(done), Err)
}

impl Store {
    pub(super) fn hold_hashing(&self, job: Hashing) {
        self.hashing.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(job);
    }

    /// Waits for the drop-folder files being hashed and returns their entries, hash and
    /// archive name filled in; their flush to disk starts. A file that changed since it was
    /// first looked at is refused (a data problem: the run read it while it changed).
    pub fn hashed(&self) -> Result<Vec<Archived>> {
        first_error(take(&self.hashing).into_iter().map(|job| self.hashed_one(job)))
    }

    fn hashed_one(&self, job: Hashing) -> Result<Archived> {
        let copied = job.job.join().unwrap_or_else(|_| Err(anyhow!("lỗi nội bộ khi lưu {}", job.entry.origin)));
        let now = std::fs::symlink_metadata(&job.from).ok().map(|m| FileStamp::of(&m));
        let (sha256, len) = match copied.tag(Failure::Storage)? {
            Some(done) if now.as_ref() == Some(&job.stamp) => done,
            _ => {
                return Err(anyhow!(
                    "tệp {} thay đổi trong khi đang đọc (kích thước, thời điểm sửa hoặc inode khác lúc bắt đầu): \
                     không dùng số liệu đã đọc; chạy lại khi tệp đã được ghi xong",
                    job.entry.origin
                ))
                .tag(Failure::Data);
            }
        };
        let stored = archive_name(&job.entry.source, job.period, &sha256, &job.file_name);
        let path = self.archive.join(&stored);
        let entry = Archived { sha256, bytes: len, stored, ..job.entry };
        if path.exists() {
            drop(job.tmp);
            self.append_manifest(&entry).tag(Failure::Storage)?;
        } else {
            self.hold(Pending::start(job.tmp, path, entry.clone()).tag(Failure::Storage)?);
        }
        Ok(entry)
    }

    /// Waits for every file still being hashed and every copy still flushing, then names
    /// each copy in the archive and records it in the manifest. The first failure is
    /// returned after every other copy was settled.
    pub fn settle(&self) -> Result<()> {
        let hashed = self.hashed().map(|_| ());
        let flushed =
            first_error(take(&self.pending).into_iter().map(|p| self.settle_one(p)).map(|r| r.tag(Failure::Storage)));
        hashed.and(flushed.map(|_| ()))
    }

    fn settle_one(&self, p: Pending) -> Result<()> {
        let flushed = p.flush.join().unwrap_or_else(|_| Err(std::io::Error::other("flushing thread panicked")));
        flushed.writing(&p.path)?;
        if !p.path.exists() {
            persist(p.tmp, &p.path)?;
        }
        self.append_manifest(&p.entry)
    }

    fn hold(&self, pending: Pending) {
        self.pending.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(pending);
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        if let Err(e) = self.settle() {
            eprintln!("thidua: {}", crate::outcome::user_message(&e));
        }
    }
}
