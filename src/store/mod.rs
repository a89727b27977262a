//! The data store: every export byte for byte, and the canonical tables as Parquet.
//!
//! Raw files are the evidence behind any ranking, so they are kept exactly as received,
//! named by their SHA-256, with a JSON-lines manifest saying where and when each came from.
//! Exports carry citizens' personal data that ingest drops, so the raw archive is a folder
//! of its own, readable by the owner only (0700/0600), apart from the tables, which hold
//! none.
//! Tables are plain Parquet partitioned by dataset and period (`tables/dossiers/period=2024-10/`)
//! so that DuckDB, Spark or Polars can read them without this program. Every file is written
//! under a temporary name and renamed, so a crash never leaves half a file in view.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::DateTime;
use chrono_tz::Tz;
use polars::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::pipeline::Period;

pub struct Store {
    archive: PathBuf,
    tables: PathBuf,
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
#[derive(Debug, Clone, Serialize)]
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
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename.
/// The file is readable by its owner only (tempfile creates it 0600).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().context("đường dẫn không có thư mục")?;
    fs::create_dir_all(dir).with_context(|| format!("không tạo được thư mục {}", dir.display()))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("không tạo được tệp tạm trong {}", dir.display()))?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).with_context(|| format!("không ghi được {}", path.display()))?;
    Ok(())
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Makes a folder (and its parents) and restricts it to its owner.
fn private_dir(dir: &Path) -> Result<()> {
    fs::create_dir_all(dir).with_context(|| format!("không tạo được thư mục {}", dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

impl Store {
    pub fn new(archive: &Path, tables: &Path) -> Store {
        Store { archive: archive.to_path_buf(), tables: tables.to_path_buf() }
    }

    /// Archives one fetched export and records it in the manifest.
    pub fn archive(&self, got: &Received<'_>, bytes: &[u8]) -> Result<Archived> {
        let Received { source, dataset, period, origin, file_name, fetched_at } = *got;
        let sha256 = sha256_hex(bytes);
        let safe_name: String =
            file_name.chars().map(|c| if c.is_ascii_alphanumeric() || "-_.".contains(c) { c } else { '_' }).collect();
        let rel = format!("{source}/{period}/{}-{safe_name}", &sha256[..16]);
        let path = self.archive.join(&rel);
        private_dir(&self.archive)?;
        if !path.exists() {
            write_atomic(&path, bytes)?;
        }
        let entry = Archived {
            source: source.to_string(),
            dataset: dataset.to_string(),
            period: period.to_string(),
            origin: origin.to_string(),
            fetched_at: fetched_at.to_rfc3339(),
            sha256,
            bytes: bytes.len() as u64,
            stored: rel,
        };
        self.append_manifest(&entry)?;
        Ok(entry)
    }

    fn append_manifest(&self, entry: &Archived) -> Result<()> {
        let path = self.archive.join("manifest.jsonl");
        let mut line = serde_json::to_string(entry)?;
        line.push('\n');
        // One write of one line with O_APPEND: concurrent runs never interleave within a line.
        let mut f = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .with_context(|| format!("không ghi được sổ lưu trữ {}", path.display()))?;
        f.write_all(line.as_bytes())?;
        Ok(())
    }

    /// The bytes of an archived file (path relative to the archive).
    pub fn read_archived(&self, rel: &str) -> Result<Vec<u8>> {
        fs::read(self.archive.join(rel)).with_context(|| format!("không đọc được bản lưu {rel}"))
    }

    /// What an HTTP source's server said last time for each page, and where the page is archived.
    pub fn http_state(&self, source: &str, period: Period) -> BTreeMap<String, (crate::pull::http::Validator, String)> {
        let path = self.tables.join(format!("http/{source}/{period}.json"));
        fs::read(&path).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default()
    }

    pub fn save_http_state(
        &self,
        source: &str,
        period: Period,
        state: &BTreeMap<String, (crate::pull::http::Validator, String)>,
    ) -> Result<()> {
        let path = self.tables.join(format!("http/{source}/{period}.json"));
        write_atomic(&path, &serde_json::to_vec_pretty(state)?)
    }

    pub fn table_path(&self, dataset: &str, period: Period) -> PathBuf {
        self.tables.join(format!("{dataset}/period={period}/data.parquet"))
    }

    /// Saves a canonical table for one period (replacing an earlier run's).
    pub fn write_table(&self, dataset: &str, period: Period, df: &mut DataFrame) -> Result<PathBuf> {
        let path = self.table_path(dataset, period);
        let mut buf = Vec::new();
        ParquetWriter::new(&mut buf)
            .with_compression(ParquetCompression::Zstd(None))
            .finish(df)
            .map_err(anyhow::Error::from)
            .with_context(|| format!("không ghi được bảng {dataset} {period}"))?;
        write_atomic(&path, &buf)?;
        Ok(path)
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
}
