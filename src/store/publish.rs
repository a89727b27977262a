//! Publishing a period all or nothing: its tables and its workbook become visible together,
//! once everything has been built.
//!
//! Every file is first written whole to a temporary beside its target (fsynced); a failure
//! there (a full disk, a folder without write permission) removes the temporaries and
//! leaves every earlier result of the period as it was. Only then are the temporaries
//! renamed over their targets, one quick rename each.

use std::path::PathBuf;

use anyhow::{Context, Result};
use polars::prelude::*;

/// A period's table as the store keeps it (Parquet, zstd).
pub fn parquet_bytes(df: &mut DataFrame) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    ParquetWriter::new(&mut buf).with_compression(ParquetCompression::Zstd(None)).finish(df)?;
    Ok(buf)
}

/// Writes every (path, bytes) to a temporary, then renames them all into place.
pub fn publish_all(files: Vec<(PathBuf, Vec<u8>)>) -> Result<()> {
    let mut staged = Vec::with_capacity(files.len());
    for (path, bytes) in files {
        let dir = path.parent().context("đường dẫn không có thư mục")?.to_path_buf();
        std::fs::create_dir_all(&dir).with_context(|| format!("không tạo được thư mục {}", dir.display()))?;
        let mut tmp = super::temporary_in(&dir)?;
        std::io::Write::write_all(&mut tmp, &bytes)
            .and_then(|()| tmp.as_file().sync_all())
            .with_context(|| format!("không ghi được {}: {}", path.display(), cause_vi_path(&dir)))?;
        staged.push((tmp, path));
    }
    // Every file is whole on disk: now they replace the old ones.
    for (tmp, path) in staged {
        super::persist(tmp, &path)?;
    }
    Ok(())
}

/// Why a folder cannot take a file, as an officer would need to hear it.
fn cause_vi_path(dir: &std::path::Path) -> String {
    match std::fs::metadata(dir) {
        Ok(m) if m.permissions().readonly() => "thư mục không cho ghi".into(),
        Ok(_) => "đĩa đầy hoặc lỗi ghi".into(),
        Err(e) => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_replaced_when_one_file_cannot_be_written() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a/x.txt");
        std::fs::create_dir_all(a.parent().unwrap()).unwrap();
        std::fs::write(&a, b"old").unwrap();
        // A folder path that is a file: the second file cannot be staged.
        std::fs::write(dir.path().join("b"), b"not a folder").unwrap();
        let err = publish_all(vec![(a.clone(), b"new".to_vec()), (dir.path().join("b/y.txt"), b"y".to_vec())]);
        assert!(err.is_err());
        assert_eq!(std::fs::read(&a).unwrap(), b"old", "the first file was not replaced");
        let leftovers: Vec<_> = std::fs::read_dir(a.parent().unwrap()).unwrap().flatten().collect();
        assert_eq!(leftovers.len(), 1, "no temporary left behind");
        publish_all(vec![(a.clone(), b"new".to_vec())]).unwrap();
        assert_eq!(std::fs::read(&a).unwrap(), b"new");
    }
}
