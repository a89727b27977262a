//! The canonical tables: one Parquet file per grain, dataset and period, in hive folders
//! (`tables/grain=month/dataset=dossiers/period=2024-10/data.parquet`), found by the
//! dataset's identity rather than a folder name typed at the call site.
//!
//! Reading tells "absent" from "unreadable": no saved table for a period is an ordinary
//! answer (that month was never run), while a file that is there but cannot be read is an
//! error naming it, never a month silently left out of a trend. A store written before the
//! hive layout (`<store>/dossiers/period=2024-10/`) is moved into it when a run opens the
//! store, one `rename` per period folder: each folder is wholly in the old place or wholly in
//! the new, whenever the move is cut short, and the next run moves the rest. The file keeps
//! its name, `data.parquet`, for that reason: engines read `*.parquet` whatever it is called.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use polars::prelude::{DataFrame, IntoLazy, LazyFrame, ParquetReader, SerReader};

use super::{Store, Writing, private_dir, sync_dir, write_atomic};
use crate::dataset::Dataset;
use crate::period::Period;

/// The partition key that keeps a year's tables apart from its months': a year's dossiers
/// are the months' dossiers again, so the two must never sit in one scan by accident.
fn grain(period: Period) -> &'static str {
    if period.is_year() { "year" } else { "month" }
}

/// One period folder moved from the old layout, or left there because the new layout
/// already had the same table.
#[derive(Debug, PartialEq, Eq)]
pub struct Moved {
    pub dataset: Dataset,
    pub period: Period,
    pub from: PathBuf,
    pub to: PathBuf,
}

/// What opening a store did to tables of the old layout.
#[derive(Debug, Default)]
pub struct Migration {
    pub moved: Vec<Moved>,
    /// Old folders not moved: the new layout holds a table for the same period.
    pub kept: Vec<Moved>,
}

impl Migration {
    /// One line per folder, for the log, in Vietnamese.
    pub fn lines_vi(&self) -> Vec<String> {
        let moved = self.moved.iter().map(|m| {
            format!(
                "đã chuyển bảng {} kỳ {} sang bố cục phân vùng mới: {} → {}",
                m.dataset.name(),
                m.period,
                m.from.display(),
                m.to.display()
            )
        });
        let kept = self.kept.iter().map(|m| {
            format!(
                "không chuyển {}: {} đã có bảng {} kỳ {} (bảng đó được dùng; xem lại rồi xoá thư mục cũ)",
                m.from.display(),
                m.to.display(),
                m.dataset.name(),
                m.period
            )
        });
        moved.chain(kept).collect()
    }
}

impl Store {
    /// Opens the store for a run: tables left in the old layout are moved into the hive
    /// layout first, and each move is logged on stderr. Moving renames folders and writes no
    /// data, so a dry run does it too (it reads the earlier months' tables like a real run).
    pub fn open(archive: &Path, root: &Path) -> Result<Store> {
        let store = Store::new(archive, root);
        for line in store.migrate_layout()?.lines_vi() {
            eprintln!("thidua: {line}");
        }
        Ok(store)
    }

    /// The root of the hive-partitioned dataset, the folder other engines are pointed at.
    pub fn tables_dir(&self) -> PathBuf {
        self.root.join("tables")
    }

    /// The folder of one partition: `tables/grain=…/dataset=…/period=…`.
    fn partition(&self, dataset: Dataset, period: Period) -> PathBuf {
        self.tables_dir()
            .join(format!("grain={}", grain(period)))
            .join(format!("dataset={}", dataset.name()))
            .join(format!("period={period}"))
    }

    /// Where the table of `dataset` for `period` is kept.
    pub fn table_path(&self, dataset: Dataset, period: Period) -> PathBuf {
        self.partition(dataset, period).join("data.parquet")
    }

    /// The saved table of `dataset` for `period`: `None` when no run saved one, an error
    /// naming the file when it is there but cannot be read.
    pub fn read_table(&self, dataset: Dataset, period: Period) -> Result<Option<LazyFrame>> {
        let path = self.table_path(dataset, period);
        let file = match fs::File::open(&path) {
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

    /// Moves every `<store>/<dataset>/period=<p>/` folder of the old layout to its hive
    /// partition, one rename each; a folder whose partition already exists stays (and is
    /// reported). Only folders named for a known dataset and a valid period are touched.
    pub fn migrate_layout(&self) -> Result<Migration> {
        let mut done = Migration::default();
        for dataset in Dataset::ALL {
            let old = self.root.join(dataset.name());
            if !old.is_dir() {
                continue;
            }
            let unreadable = || format!("không đọc được thư mục {}", old.display());
            let mut folders: Vec<PathBuf> = fs::read_dir(&old)
                .with_context(unreadable)?
                .map(|e| e.map(|e| e.path()))
                .collect::<Result<_, _>>()
                .with_context(unreadable)?;
            // In order, so the log reads month by month.
            folders.sort();
            for from in folders {
                let period = from.file_name().and_then(|n| n.to_str()?.strip_prefix("period=")?.parse().ok());
                let Some(period) = period.filter(|_| from.is_dir()) else { continue };
                let to = self.partition(dataset, period);
                let moved = Moved { dataset, period, from, to };
                // An empty partition (a publish cut short) is replaced by the rename.
                if self.table_path(dataset, period).exists() {
                    done.kept.push(moved);
                    continue;
                }
                let parent = moved.to.parent().expect("a partition has a parent");
                fs::create_dir_all(parent).writing(parent)?;
                match fs::rename(&moved.from, &moved.to) {
                    Ok(()) => {}
                    // Another run moved it first.
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                    // Another run published the same period meanwhile: the new table wins.
                    Err(_) if moved.to.exists() => {
                        done.kept.push(moved);
                        continue;
                    }
                    Err(e) => return Err(e).writing(&moved.to),
                }
                sync_dir(parent);
                sync_dir(&old);
                done.moved.push(moved);
            }
            // The dataset's old folder goes once it is empty (a kept period keeps it).
            fs::remove_dir(&old).ok();
        }
        if !done.moved.is_empty() {
            sync_dir(&self.root);
        }
        Ok(done)
    }
}

#[cfg(test)]
mod tests {
    use polars::prelude::df;

    use super::*;

    fn store(dir: &Path) -> Store {
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
        assert!(store.read_table(Dataset::Dossiers, Period::year(2024).unwrap()).unwrap().is_none(), "the year");
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

    #[test]
    fn months_and_years_are_hive_partitions_of_their_own() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(dir.path());
        let rel = |d, p: &str| {
            let path = store.table_path(d, p.parse().unwrap());
            path.strip_prefix(dir.path()).unwrap().to_string_lossy().into_owned()
        };
        assert_eq!(
            rel(Dataset::Dossiers, "2024-10"),
            "store/tables/grain=month/dataset=dossiers/period=2024-10/data.parquet"
        );
        assert_eq!(
            rel(Dataset::ParAppraisal, "2024"),
            "store/tables/grain=year/dataset=par_appraisal/period=2024/data.parquet"
        );
    }

    /// Writes a table where the layout before hive partitions kept it.
    fn write_old(root: &Path, dataset: &str, period: &str, rows: &[&str]) -> Vec<u8> {
        let bytes = super::super::parquet_bytes(&mut df!["dossier_id" => rows].unwrap()).unwrap();
        write_atomic(&root.join(format!("{dataset}/period={period}/data.parquet")), &bytes).unwrap();
        bytes
    }

    #[test]
    fn an_old_store_is_moved_into_the_hive_layout_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(dir.path());
        let root = dir.path().join("store");
        let sept = write_old(&root, "dossiers", "2024-09", &["a", "b"]);
        let year = write_old(&root, "dossiers", "2024", &["a", "b", "c"]);
        write_old(&root, "feedback", "2024-09", &["x"]);
        // Not tables: the pull state, and a folder that is no dataset of ours.
        write_atomic(&root.join("http/ho-so/2024-09.json"), b"{}").unwrap();
        write_atomic(&root.join("notes/period=2024-09/x.txt"), b"mine").unwrap();
        // A partition a publish left empty is no table: the old one takes its place.
        fs::create_dir_all(root.join("tables/grain=month/dataset=feedback/period=2024-09")).unwrap();

        let done = store.migrate_layout().unwrap();
        assert_eq!(done.moved.len(), 3, "{done:?}");
        assert!(done.kept.is_empty());
        let sept_p = Period::new(2024, 9).unwrap();
        let year_p = Period::year(2024).unwrap();
        assert_eq!(fs::read(store.table_path(Dataset::Dossiers, sept_p)).unwrap(), sept);
        assert_eq!(fs::read(store.table_path(Dataset::Dossiers, year_p)).unwrap(), year);
        assert_eq!(store.read_table(Dataset::Feedback, sept_p).unwrap().unwrap().collect().unwrap().height(), 1);
        assert!(!root.join("dossiers").exists() && !root.join("feedback").exists(), "old folders gone");
        assert!(root.join("http/ho-so/2024-09.json").is_file() && root.join("notes/period=2024-09/x.txt").is_file());
        let lines = done.lines_vi();
        assert!(
            lines.iter().any(|l| l.starts_with("đã chuyển bảng dossiers kỳ 2024-09 sang bố cục phân vùng mới: ")
                && l.ends_with("store/tables/grain=month/dataset=dossiers/period=2024-09")),
            "{lines:#?}"
        );
        // Once: a second opening finds nothing to move.
        let again = store.migrate_layout().unwrap();
        assert!(again.moved.is_empty() && again.kept.is_empty());
    }

    #[test]
    fn an_old_folder_whose_period_is_already_in_the_new_layout_stays() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(dir.path());
        let root = dir.path().join("store");
        let p = Period::new(2024, 9).unwrap();
        store.write_table(Dataset::Dossiers, p, &mut df!["dossier_id" => ["new"]].unwrap()).unwrap();
        write_old(&root, "dossiers", "2024-09", &["old", "old"]);
        let done = store.migrate_layout().unwrap();
        assert!(done.moved.is_empty());
        assert_eq!(done.kept.len(), 1);
        assert!(done.lines_vi()[0].starts_with("không chuyển "), "{:?}", done.lines_vi());
        assert_eq!(store.read_table(Dataset::Dossiers, p).unwrap().unwrap().collect().unwrap().height(), 1);
        assert!(root.join("dossiers/period=2024-09/data.parquet").is_file(), "left for a person to look at");
    }
}
