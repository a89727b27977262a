//! Archive copies whose flush to disk runs beside the rest of the run.
//!
//! A province's export is hundreds of megabytes: copying and hashing it takes a fraction of a
//! second, but making the copy durable (`fsync`) takes as long again, and the run used to
//! wait for it before reading a byte (BENCHMARKS.md). The flush needs the disk, not the CPU,
//! so it now runs on its own thread while ingest reads the copy (the bytes are in the page
//! cache), and the copy takes its archive name, with its manifest line, only once the flush
//! is done: a crash before that leaves a temporary file for the sweep, never a named copy
//! that is not what it says. [`Store::settle`] is the wait; a run calls it before it
//! publishes anything, and dropping the store settles what is left (a run that stopped on
//! bad data still keeps its evidence).

use std::path::PathBuf;
use std::thread::JoinHandle;

use anyhow::Result;

use super::{Archived, Store, Writing, persist};

/// One copy made and hashed, still flushing.
pub(super) struct Pending {
    pub tmp: tempfile::NamedTempFile,
    /// Where it goes once flushed.
    pub path: PathBuf,
    pub flush: JoinHandle<std::io::Result<()>>,
    pub entry: Archived,
}

impl Pending {
    /// Starts flushing `tmp` on a thread of its own.
    pub(super) fn start(tmp: tempfile::NamedTempFile, path: PathBuf, entry: Archived) -> Result<Pending> {
        let file = tmp.as_file().try_clone().writing(&path)?;
        let flush = std::thread::spawn(move || file.sync_all());
        Ok(Pending { tmp, path, flush, entry })
    }
}

impl Store {
    /// Where an archived export can be read now: its temporary copy while it is flushing,
    /// else its place in the archive.
    pub fn readable_path(&self, archived: &Archived) -> PathBuf {
        let pending = self.pending.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        match pending.iter().find(|p| p.entry.stored == archived.stored) {
            Some(p) => p.tmp.path().to_path_buf(),
            None => self.archived_path(&archived.stored),
        }
    }

    /// Waits for every copy still flushing, then names each in the archive and records it in
    /// the manifest. The first failure is returned after every other copy was settled.
    pub fn settle(&self) -> Result<()> {
        let pending = std::mem::take(&mut *self.pending.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
        let mut first_error = None;
        for p in pending {
            if let Err(e) = self.settle_one(p) {
                first_error.get_or_insert(e);
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    fn settle_one(&self, p: Pending) -> Result<()> {
        let flushed = p.flush.join().unwrap_or_else(|_| Err(std::io::Error::other("flushing thread panicked")));
        flushed.writing(&p.path)?;
        if !p.path.exists() {
            persist(p.tmp, &p.path)?;
        }
        self.append_manifest(&p.entry)
    }

    pub(super) fn hold(&self, pending: Pending) {
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
