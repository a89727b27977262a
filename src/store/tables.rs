//! The canonical tables: one Parquet file per dataset and period, found by the dataset's
//! identity rather than a folder name typed at the call site.
//!
//! Reading tells "absent" from "unreadable": no saved table for a period is an ordinary
//! answer (that month was never run), while a file that is there but cannot be read is an
//! error naming it, never a month silently left out of a trend.

use std::path::PathBuf;

use anyhow::{Context, Result};
use polars::prelude::{DataFrame, IntoLazy, LazyFrame, ParquetReader, SerReader};

use super::{Store, private_dir, write_atomic};
use crate::dataset::Dataset;
use crate::period::Period;

impl Store {
    /// Where the table of `dataset` for `period` is kept.
    pub fn table_path(&self, dataset: Dataset, period: Period) -> PathBuf {
        self.root.join(format!("{}/period={period}/data.parquet", dataset.name()))
    }

    /// The saved table of `dataset` for `period`: `None` when no run saved one, an error
    /// naming the file when it is there but cannot be read.
    pub fn read_table(&self, dataset: Dataset, period: Period) -> Result<Option<LazyFrame>> {
        let path = self.table_path(dataset, period);
        let file = match std::fs::File::open(&path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e).with_context(|| format!("không đọc được bảng đã lưu {}", path.display())),
        };
        let df = ParquetReader::new(file)
            .finish()
            .map_err(anyhow::Error::from)
            .with_context(|| format!("không đọc được bảng đã lưu {} (tệp hỏng?)", path.display()))?;
        Ok(Some(df.lazy()))
    }

    /// Saves a canonical table for one period (replacing an earlier run's).
    pub fn write_table(&self, dataset: Dataset, period: Period, df: &mut DataFrame) -> Result<PathBuf> {
        let path = self.table_path(dataset, period);
        let buf =
            super::parquet_bytes(df).with_context(|| format!("không ghi được bảng {} {period}", dataset.name()))?;
        private_dir(&self.root)?;
        write_atomic(&path, &buf)?;
        Ok(path)
    }
}

#[cfg(test)]
mod tests {
    use polars::prelude::df;

    use super::*;

    fn store(dir: &std::path::Path) -> Store {
        Store::new(&dir.join("archive"), &dir.join("store"))
    }

    #[test]
    fn a_saved_table_reads_back_and_a_missing_one_is_none() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(dir.path());
        let p = Period::new(2024, 10).unwrap();
        let mut df = df!["dossier_id" => ["a", "b", "c"]].unwrap();
        store.write_table(Dataset::Dossiers, p, &mut df).unwrap();
        let back = store.read_table(Dataset::Dossiers, p).unwrap().expect("saved").collect().unwrap();
        assert!(back.equals(&df));
        assert!(store.read_table(Dataset::Feedback, p).unwrap().is_none(), "another dataset");
        assert!(store.read_table(Dataset::Dossiers, p.prev()).unwrap().is_none(), "another period");
    }

    #[test]
    fn an_unreadable_table_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(dir.path());
        let p = Period::new(2024, 9).unwrap();
        let path = store.table_path(Dataset::Feedback, p);
        write_atomic(&path, b"not parquet").unwrap();
        let Err(err) = store.read_table(Dataset::Feedback, p) else { panic!("a broken file read as a table") };
        let err = format!("{err:#}");
        assert!(err.contains("không đọc được bảng đã lưu") && err.contains(&path.display().to_string()), "{err}");
    }
}
