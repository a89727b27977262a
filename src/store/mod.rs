//! The data store: every export byte for byte, and the canonical tables as Parquet.
//!
//! Raw files are the evidence behind any ranking, so they are kept exactly as received,
//! named by their SHA-256, with a JSON-lines manifest saying where and when each came from.
//! Exports carry citizens' personal data that ingest drops, so the raw archive is a folder
//! of its own, readable by the owner only (0700/0600), apart from the tables, which hold
//! none. The store folder is the owner's only too: it also holds the delivery ledger, with
//! every message sent ([`restrict`] is what both use). Every file is written under a
//! temporary name and renamed, so a crash never leaves half a file in view.
//!
//! Tables are plain Parquet in hive `key=value` folders under `store/tables/`, so DuckDB,
//! Spark, Trino or Polars read them as they are, with no export step (`docs/store.md`):
//!
//! ```text
//! store/tables/grain=month/dataset=dossiers/period=2024-10/data.parquet
//! store/tables/grain=year/dataset=dossiers/period=2024/data.parquet
//! ```
//!
//! The grain is the first key, one tree for months and one for years: a year's run (the award
//! round) stores the whole year's dossiers again, so a year's partitions must never meet its
//! months' in a scan by accident, as they did when both sat in `dossiers/`; a glob inside one
//! grain reads each run's rows once (a dossier still open at a month's end is, by design, in
//! both months' tables). The dataset comes next because each has its own columns
//! and an engine reads one at a time. The pull state, run locks and ledger stay beside
//! `tables/`, out of every scan. DuckDB reads the months of one dataset with
//! `read_parquet('store/tables/grain=month/dataset=dossiers/*/*.parquet', hive_partitioning =
//! true, hive_types = {'period': VARCHAR})`, Spark with
//! `spark.read.option("basePath", "store/tables").parquet("store/tables/grain=month/dataset=dossiers")`.
//! [`Store::open`] moves a store of the earlier layout (`store/dossiers/period=2024-10/`)
//! into this one, a folder at a time.
//!
//! A drop-folder file is copied by the kernel (`copy_file_range`) while another thread
//! streams it through SHA-256, so a province's multi-gigabyte dossier log never sits in
//! memory and the copy costs no time beyond the hash; its flush to disk runs beside ingest
//! (`pending.rs`). A file the archive already holds (same
//! path, size, modification time and inode as a manifest entry whose copy is still there) is
//! not hashed again, as git's index does: hashing 440 MB costs two seconds on a CPU without
//! SHA extensions, more than scoring it.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::DateTime;
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::period::Period;

mod pending;
mod publish;
mod tables;
pub use publish::{parquet_bytes, publish_all};
pub use tables::{Migration, Moved};

pub struct Store {
    archive: PathBuf,
    /// The store folder: pull state, run locks, the ledger, and the tables under `tables/`.
    root: PathBuf,
    /// Drop-folder files being copied and hashed, and copies still flushing (`pending.rs`).
    hashing: std::sync::Mutex<Vec<pending::Hashing>>,
    pending: std::sync::Mutex<Vec<pending::Pending>>,
}

/// Where an export came from, as the archive records it.
pub struct Received<'a> {
    pub source: &'a str,
    pub dataset: &'a str,
    pub period: Period,
    /// Path or URL, as given.
    pub origin: &'a str,
    pub file_name: &'a str,
    pub fetched_at: DateTime<Tz>,
}

/// A file as archived.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Archived {
    pub source: String,
    pub dataset: String,
    pub period: String,
    /// Where it came from (path or URL), as given.
    pub origin: String,
    pub fetched_at: String,
    pub sha256: String,
    pub bytes: u64,
    /// Path of the archived copy, relative to the store.
    pub stored: String,
    /// For drop-folder files: what identified the file on disk when it was hashed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seen: Option<FileStamp>,
}

/// Size, modification time and inode of a file: equal stamps mean the same bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileStamp {
    pub len: u64,
    pub mtime_ns: i128,
    pub inode: u64,
}

impl FileStamp {
    fn of(meta: &fs::Metadata) -> FileStamp {
        let mtime_ns = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as i128);
        #[cfg(unix)]
        let inode = std::os::unix::fs::MetadataExt::ino(meta);
        #[cfg(not(unix))]
        let inode = 0;
        FileStamp { len: meta.len(), mtime_ns, inode }
    }
}

/// Temporary files are named with this prefix, so that what a killed run left behind is
/// recognised and removed by the next one ([`sweep_temporary`]).
const TEMP_PREFIX: &str = ".thidua-tmp-";

/// Why a write failed, in the words an officer acts on; other causes as the OS says them.
fn write_cause(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::StorageFull => "đĩa đầy".into(),
        ErrorKind::QuotaExceeded => "hết hạn mức dung lượng (quota)".into(),
        ErrorKind::PermissionDenied => "không có quyền ghi".into(),
        ErrorKind::ReadOnlyFilesystem => "ổ đĩa chỉ cho đọc".into(),
        _ => e.to_string(),
    }
}

/// Names the path a write failed on and why: `không ghi được archive/…: đĩa đầy`.
trait Writing<T> {
    fn writing(self, path: &Path) -> Result<T>;
}

impl<T> Writing<T> for std::io::Result<T> {
    fn writing(self, path: &Path) -> Result<T> {
        self.map_err(|e| anyhow::anyhow!("không ghi được {}: {}", path.display(), write_cause(&e)))
    }
}

/// A temporary file in `dir` (created 0600), to be renamed over its final name.
fn temporary_in(dir: &Path) -> Result<tempfile::NamedTempFile> {
    tempfile::Builder::new().prefix(TEMP_PREFIX).tempfile_in(dir).writing(dir)
}

/// Renames a finished temporary file over `path` and makes the rename durable.
fn persist(tmp: tempfile::NamedTempFile, path: &Path) -> Result<()> {
    tmp.as_file().sync_all().writing(path)?;
    tmp.persist(path).map_err(|e| e.error).writing(path)?;
    if let Some(dir) = path.parent() {
        sync_dir(dir);
    }
    Ok(())
}

/// A rename lives in its folder: syncing the folder makes it durable, so a power cut
/// cannot undo it.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    fs::File::open(dir).and_then(|d| d.sync_all()).ok();
    #[cfg(not(unix))]
    let _ = dir;
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename.
/// The file is readable by its owner only (tempfile creates it 0600).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().context("đường dẫn không có thư mục")?;
    fs::create_dir_all(dir).writing(dir)?;
    let mut tmp = temporary_in(dir)?;
    tmp.write_all(bytes).writing(path)?;
    persist(tmp, path)
}

/// Removes the temporary files a killed run left under `dir` (older than an hour, so a
/// run in progress elsewhere keeps its own). They may hold a copy of an export with
/// citizens' data. Returns how many were removed.
pub fn sweep_temporary(dir: &Path) -> usize {
    let Ok(entries) = fs::read_dir(dir) else { return 0 };
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    let mut removed = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(meta) = entry.metadata() else { continue };
        if meta.is_dir() {
            removed += sweep_temporary(&path);
        } else if entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX)
            && meta.modified().is_ok_and(|t| t < hour_ago)
            && fs::remove_file(&path).is_ok()
        {
            removed += 1;
        }
    }
    removed
}

/// Copies `from` into `to` in the kernel (`copy_file_range`: no pass through this process,
/// a reflink where the file system has them) while another thread reads and hashes the
/// file: two cores, one read each, instead of read, hash and write one after another (the
/// flush to disk runs later, beside ingest: `pending.rs`). `None` when the file changed meanwhile (its size, modification
/// time or inode differ from `before`, or the two passes saw different lengths): the copy
/// and the hash might then not be of the same bytes.
fn copy_and_hash(from: &Path, before: &FileStamp, to: &mut fs::File, dir: &Path) -> Result<Option<(String, u64)>> {
    let reading = |e: std::io::Error| anyhow::Error::from(e).context(format!("không đọc được {}", from.display()));
    let mut input = fs::File::open(from).map_err(reading)?;
    let (copied, hashed) = std::thread::scope(|s| {
        let hasher = s.spawn(|| hash_file(from));
        let copied = std::io::copy(&mut input, to);
        (copied, hasher.join().unwrap_or_else(|_| Err(std::io::Error::other("hashing thread panicked"))))
    });
    let copied = copied.writing(dir)?;
    let (sha256, hashed) = hashed.map_err(reading)?;
    let after = fs::symlink_metadata(from).map_err(reading)?;
    Ok((copied == hashed && FileStamp::of(&after) == *before).then_some((sha256, hashed)))
}

/// The manifest entry of one archived export.
fn entry(got: &Received<'_>, sha256: String, bytes: u64, stored: String, seen: Option<FileStamp>) -> Archived {
    Archived {
        source: got.source.to_string(),
        dataset: got.dataset.to_string(),
        period: got.period.to_string(),
        origin: got.origin.to_string(),
        fetched_at: got.fetched_at.to_rfc3339(),
        sha256,
        bytes,
        stored,
        seen,
    }
}

/// SHA-256 (hex) and length of a file, read in 1 MiB blocks.
fn hash_file(path: &Path) -> std::io::Result<(String, u64)> {
    let mut input = fs::File::open(path)?;
    let mut ctx = aws_lc_rs::digest::Context::new(&aws_lc_rs::digest::SHA256);
    let mut buf = vec![0u8; 1 << 20];
    let mut len = 0u64;
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        ctx.update(&buf[..n]);
        len += n as u64;
    }
    Ok((hex::encode(ctx.finish()), len))
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, bytes))
}

/// The archive's name for a copy: source, period, hash prefix and a safe file name.
fn archive_name(source: &str, period: Period, sha256: &str, file_name: &str) -> String {
    let safe_name: String =
        file_name.chars().map(|c| if c.is_ascii_alphanumeric() || "-_.".contains(c) { c } else { '_' }).collect();
    format!("{source}/{period}/{}-{safe_name}", &sha256[..16])
}

/// Takes the group's and others' permissions off a file or folder, keeping the owner's
/// (a folder made 0755 becomes 0700; one its owner made 0500 stays so). The store's
/// folders and files, and the delivery ledger, are the owner's only.
pub fn restrict(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode =
            fs::metadata(path).with_context(|| format!("không đọc được {}", path.display()))?.permissions().mode();
        if mode & 0o077 != 0 {
            fs::set_permissions(path, fs::Permissions::from_mode(mode & 0o7700)).writing(path)?;
        }
    }
    Ok(())
}

/// Makes a folder (and its parents) and restricts it to its owner.
pub fn private_dir(dir: &Path) -> Result<()> {
    fs::create_dir_all(dir).writing(dir)?;
    restrict(dir)
}

impl Store {
    /// The archive and the store folder, as they are: nothing is looked at or moved. Enough
    /// for the archive and the pull state; a run opens its tables with [`Store::open`].
    pub fn new(archive: &Path, root: &Path) -> Store {
        Store {
            archive: archive.to_path_buf(),
            root: root.to_path_buf(),
            hashing: Default::default(),
            pending: Default::default(),
        }
    }

    /// Archives one fetched export held in memory and records it in the manifest.
    pub fn archive(&self, got: &Received<'_>, bytes: &[u8]) -> Result<Archived> {
        let sha256 = sha256_hex(bytes);
        let rel = archive_name(got.source, got.period, &sha256, got.file_name);
        let path = self.archive.join(&rel);
        private_dir(&self.archive)?;
        if !path.exists() {
            write_atomic(&path, bytes)?;
        }
        self.record(got, sha256, bytes.len() as u64, rel, None)
    }

    /// Archives a file from a drop folder, streaming, and says where to read it now. A file
    /// archived before (same path, size, modification time and inode) is recognised from
    /// the manifest and read from the archive. Any other is copied by the kernel and hashed
    /// on threads of their own while the run reads the drop file itself: its entry's
    /// `sha256` and `stored` are empty until [`Store::hashed`], which also checks that the
    /// file read is still the file hashed (`pending.rs`).
    pub fn archive_file(&self, got: &Received<'_>, from: &Path) -> Result<(Archived, PathBuf)> {
        let meta = fs::symlink_metadata(from).with_context(|| format!("không đọc được {}", from.display()))?;
        // The puller skips links already; the archive never copies through one either.
        anyhow::ensure!(!meta.file_type().is_symlink(), "không lưu {}: là liên kết tượng trưng", from.display());
        let stamp = FileStamp::of(&meta);
        private_dir(&self.archive)?;
        if let Some(known) = self.known_copy(got.origin, &stamp) {
            let read_at = self.archived_path(&known.stored);
            return Ok((self.record(got, known.sha256, known.bytes, known.stored, Some(stamp))?, read_at));
        }
        let dir = self.archive.join(format!("{}/{}", got.source, got.period));
        fs::create_dir_all(&dir).writing(&dir)?;
        let provisional = entry(got, String::new(), stamp.len, String::new(), Some(stamp.clone()));
        let job = pending::Hashing::start(temporary_in(&dir)?, from, stamp, dir, provisional.clone(), got)?;
        self.hold_hashing(job);
        Ok((provisional, from.to_path_buf()))
    }

    /// The manifest entry of an earlier archiving of the same file, if its copy is intact.
    fn known_copy(&self, origin: &str, stamp: &FileStamp) -> Option<Archived> {
        let text = fs::read_to_string(self.archive.join("manifest.jsonl")).ok()?;
        text.lines()
            .rev()
            .filter_map(|line| serde_json::from_str::<Archived>(line).ok())
            .find(|a| a.origin == origin && a.seen.as_ref() == Some(stamp))
            .filter(|a| fs::metadata(self.archive.join(&a.stored)).is_ok_and(|m| m.len() == a.bytes))
    }

    fn record(
        &self,
        got: &Received<'_>,
        sha256: String,
        bytes: u64,
        stored: String,
        seen: Option<FileStamp>,
    ) -> Result<Archived> {
        let entry = entry(got, sha256, bytes, stored, seen);
        self.append_manifest(&entry)?;
        Ok(entry)
    }

    fn append_manifest(&self, entry: &Archived) -> Result<()> {
        let path = self.archive.join("manifest.jsonl");
        let mut line = serde_json::to_string(entry)?;
        line.push('\n');
        // One write of one line with O_APPEND: concurrent runs never interleave within a line.
        let mut options = fs::OpenOptions::new();
        options.create(true).append(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut f = options.open(&path).writing(&path)?;
        // A manifest written by an earlier version may be readable by others.
        restrict(&path)?;
        f.write_all(line.as_bytes()).writing(&path)?;
        Ok(())
    }

    /// The bytes of an archived file (path relative to the archive).
    pub fn read_archived(&self, rel: &str) -> Result<Vec<u8>> {
        fs::read(self.archived_path(rel)).with_context(|| format!("không đọc được bản lưu {rel}"))
    }

    /// Where an archived file is (path relative to the archive).
    pub fn archived_path(&self, rel: &str) -> PathBuf {
        self.archive.join(rel)
    }

    /// A pull's saved state for one source and period (what the server said last time),
    /// as the puller wrote it; `None` when there is none.
    pub fn read_state(&self, source: &str, period: Period) -> Option<Vec<u8>> {
        fs::read(self.root.join(format!("http/{source}/{period}.json"))).ok()
    }

    pub fn write_state(&self, source: &str, period: Period, bytes: &[u8]) -> Result<()> {
        private_dir(&self.root)?;
        write_atomic(&self.root.join(format!("http/{source}/{period}.json")), bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archive_keeps_bytes_and_hash() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(&dir.path().join("archive"), &dir.path().join("store"));
        let now = chrono::Utc::now().with_timezone(&chrono_tz::Asia::Ho_Chi_Minh);
        let p = Period::new(2024, 10).unwrap();
        let got = Received {
            source: "ho-so",
            dataset: "dossiers",
            period: p,
            origin: "drop/x.csv",
            file_name: "x.csv",
            fetched_at: now,
        };
        let a = store.archive(&got, b"abc").unwrap();
        assert_eq!(a.sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(fs::read(dir.path().join("archive").join(&a.stored)).unwrap(), b"abc");
        let manifest = fs::read_to_string(dir.path().join("archive/manifest.jsonl")).unwrap();
        assert!(manifest.contains("\"sha256\":\"ba7816bf"));
    }

    /// A fresh project's store and a drop file holding `bytes`.
    fn with_drop_file(bytes: &[u8]) -> (tempfile::TempDir, Store, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(&dir.path().join("archive"), &dir.path().join("store"));
        let drop = dir.path().join("x.csv");
        fs::write(&drop, bytes).unwrap();
        (dir, store, drop)
    }

    /// October's `drop/x.csv` of the dossier source, received now.
    fn drop_x() -> Received<'static> {
        Received {
            source: "ho-so",
            dataset: "dossiers",
            period: Period::new(2024, 10).unwrap(),
            origin: "drop/x.csv",
            file_name: "x.csv",
            fetched_at: chrono::Utc::now().with_timezone(&chrono_tz::Asia::Ho_Chi_Minh),
        }
    }

    #[test]
    fn a_drop_file_is_streamed_once_and_recognised_after() {
        let (dir, store, drop) = with_drop_file(b"abc");
        let got = drop_x();
        // Read from the drop folder while it is copied and hashed; named in the archive, and
        // in the manifest, once hashed and flushed.
        let (provisional, read_at) = store.archive_file(&got, &drop).unwrap();
        assert_eq!((read_at.as_path(), provisional.sha256.as_str()), (drop.as_path(), ""));
        let first = store.hashed().unwrap().pop().unwrap();
        assert_eq!(first.sha256, sha256_hex(b"abc"));
        assert!(!dir.path().join("archive/manifest.jsonl").exists());
        store.settle().unwrap();
        assert_eq!(fs::read(store.archived_path(&first.stored)).unwrap(), b"abc");
        // Unchanged: recognised from the manifest (same copy, same hash).
        let (again, read_at) = store.archive_file(&got, &drop).unwrap();
        assert_eq!(read_at, store.archived_path(&first.stored));
        assert_eq!((again.sha256.as_str(), again.stored.as_str()), (first.sha256.as_str(), first.stored.as_str()));
        // Rewritten with other bytes: hashed and archived anew.
        std::thread::sleep(std::time::Duration::from_millis(20));
        fs::write(&drop, b"abd").unwrap();
        store.archive_file(&got, &drop).unwrap();
        let changed = store.hashed().unwrap().pop().unwrap();
        assert_eq!(changed.sha256, sha256_hex(b"abd"));
        // A store dropped with a copy still flushing (a run that stopped) settles it.
        let changed_path = store.archived_path(&changed.stored);
        std::mem::drop(store);
        assert_eq!(fs::read(changed_path).unwrap(), b"abd");
        let lines = fs::read_to_string(dir.path().join("archive/manifest.jsonl")).unwrap().lines().count();
        assert_eq!(lines, 3);
    }

    #[test]
    fn a_drop_file_rewritten_while_the_run_reads_it_stops_the_run_and_is_not_archived() {
        let (dir, store, drop) = with_drop_file(b"abc");
        let got = drop_x();
        store.archive_file(&got, &drop).unwrap();
        // The exporter rewrites the file while ingest is reading it.
        fs::write(&drop, b"abcdef").unwrap();
        let err = store.hashed().unwrap_err();
        assert_eq!(err.downcast_ref::<crate::outcome::Failure>(), Some(&crate::outcome::Failure::Data));
        assert!(format!("{err:#}").contains("drop/x.csv thay đổi trong khi đang đọc"), "{err:#}");
        store.settle().unwrap();
        let named: Vec<_> = walkdir(&dir.path().join("archive"));
        assert!(named.is_empty(), "nothing archived under a name: {named:?}");
    }

    /// Every file under `dir`.
    fn walkdir(dir: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for e in fs::read_dir(dir).into_iter().flatten().flatten() {
            if e.path().is_dir() {
                out.extend(walkdir(&e.path()));
            } else {
                out.push(e.path());
            }
        }
        out
    }

    #[test]
    fn a_file_that_changed_while_copied_is_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let from = dir.path().join("x.csv");
        fs::write(&from, b"abc").unwrap();
        let stamp = FileStamp::of(&fs::metadata(&from).unwrap());
        let mut to = tempfile::tempfile().unwrap();
        let done = copy_and_hash(&from, &stamp, &mut to, dir.path()).unwrap();
        assert_eq!(done, Some((sha256_hex(b"abc"), 3)));
        // As if the file had been rewritten between the stamp and the copy.
        let earlier = FileStamp { len: 2, ..stamp };
        let mut to = tempfile::tempfile().unwrap();
        assert_eq!(copy_and_hash(&from, &earlier, &mut to, dir.path()).unwrap(), None);
    }

    #[test]
    fn a_failed_write_names_its_path_and_cause() {
        use std::io::{Error, ErrorKind};
        let path = Path::new("archive/ho-so/2024-09/x.csv");
        let said = |kind: ErrorKind| format!("{:#}", Err::<(), _>(Error::from(kind)).writing(path).unwrap_err());
        assert_eq!(said(ErrorKind::StorageFull), "không ghi được archive/ho-so/2024-09/x.csv: đĩa đầy");
        assert_eq!(said(ErrorKind::PermissionDenied), "không ghi được archive/ho-so/2024-09/x.csv: không có quyền ghi");
        let other = format!("{:#}", Err::<(), _>(Error::from_raw_os_error(5)).writing(path).unwrap_err());
        assert!(
            other.starts_with("không ghi được archive/ho-so/2024-09/x.csv: ") && other.contains("os error 5"),
            "{other}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_is_never_archived() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(&dir.path().join("archive"), &dir.path().join("store"));
        let target = dir.path().join("elsewhere.csv");
        fs::write(&target, b"secret").unwrap();
        let link = dir.path().join("x.csv");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let got = Received {
            source: "ho-so",
            dataset: "dossiers",
            period: Period::new(2024, 10).unwrap(),
            origin: "drop/x.csv",
            file_name: "x.csv",
            fetched_at: chrono::Utc::now().with_timezone(&chrono_tz::Asia::Ho_Chi_Minh),
        };
        let err = format!("{:#}", store.archive_file(&got, &link).unwrap_err());
        assert!(err.contains("liên kết tượng trưng"), "{err}");
    }

    #[test]
    fn a_killed_runs_temporary_files_are_swept_later() {
        let dir = tempfile::tempdir().unwrap();
        let deep = dir.path().join("ho-so/2024-10");
        fs::create_dir_all(&deep).unwrap();
        let old = deep.join(format!("{TEMP_PREFIX}abc"));
        let fresh = deep.join(format!("{TEMP_PREFIX}def"));
        let kept = deep.join("1234-ho-so.csv");
        for p in [&old, &fresh, &kept] {
            fs::write(p, b"x").unwrap();
        }
        let two_hours_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
        fs::File::options().write(true).open(&old).unwrap().set_modified(two_hours_ago).unwrap();
        fs::File::options().write(true).open(&kept).unwrap().set_modified(two_hours_ago).unwrap();
        assert_eq!(sweep_temporary(dir.path()), 1);
        assert!(!old.exists() && fresh.exists() && kept.exists());
        // Finished writes leave no temporary file behind.
        write_atomic(&deep.join("t.txt"), b"y").unwrap();
        let names: Vec<String> =
            fs::read_dir(&deep).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        assert_eq!(names.iter().filter(|n| n.starts_with(TEMP_PREFIX)).count(), 1);
    }
}
