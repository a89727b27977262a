//! Pull: fetch the period's exports and archive them, without reading what is inside.
//!
//! Today a source is a drop folder: an officer downloads the export and saves it where the
//! pipeline's glob looks (`{period}` and friends are filled in). Files are taken in name
//! order, so that of two overlapping downloads the later-named one is read last.

use std::path::PathBuf;

use anyhow::{Context, Result};
use chrono::DateTime;
use chrono_tz::Tz;

use crate::config::Config;
use crate::ingest::Dataset;
use crate::outcome::{Failure, Tag};
use crate::pipeline::{Location, Period, Pipeline, Source};
use crate::store::{Archived, Received, Store};

/// One export as received, archived, with its bytes for ingest.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub source: Source,
    /// The name shown to people (file name, or path relative to the project).
    pub name: String,
    pub archived: Archived,
    pub bytes: Vec<u8>,
}

impl Fetched {
    pub fn dataset(&self) -> Dataset {
        self.source.dataset
    }
}

/// What a source yielded for the period.
#[derive(Debug, Clone)]
pub struct Pulled {
    pub files: Vec<Fetched>,
    /// Optional sources that had nothing for the period: (source id, where it looked).
    pub absent: Vec<(String, String)>,
}

/// Fetches every source of the pipeline for the period and archives what arrived.
pub fn pull(pipeline: &Pipeline, period: Period, config: &Config, store: &Store, now: DateTime<Tz>) -> Result<Pulled> {
    let mut pulled = Pulled { files: Vec::new(), absent: Vec::new() };
    for source in &pipeline.sources {
        let Location::File { glob } = &source.location;
        let pattern = config.root.join(period.fill(glob));
        let pattern_text = pattern.to_string_lossy().into_owned();
        let mut paths: Vec<PathBuf> = glob::glob(&pattern_text)
            .with_context(|| format!("glob không hợp lệ: {pattern_text}"))
            .tag(Failure::Config)?
            .filter_map(Result::ok)
            .filter(|p| p.is_file())
            .collect();
        paths.sort();
        if paths.is_empty() {
            let shown = pattern.strip_prefix(&config.root).unwrap_or(&pattern).display().to_string();
            if source.required {
                return Err(anyhow::anyhow!(
                    "nguồn \"{}\" không có tệp nào cho kỳ {period} (tìm theo {shown})",
                    source.id
                ))
                .tag(Failure::Data);
            }
            pulled.absent.push((source.id.clone(), shown));
            continue;
        }
        for path in paths {
            let bytes = std::fs::read(&path)
                .with_context(|| format!("không đọc được {}", path.display()))
                .tag(Failure::Data)?;
            let shown = path.strip_prefix(&config.root).unwrap_or(&path).display().to_string();
            let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let got = Received {
                source: &source.id,
                dataset: source.dataset.name(),
                period,
                origin: &shown,
                file_name: &file_name,
                fetched_at: now,
            };
            let archived = store.archive(&got, &bytes).context("không lưu được bản gốc vào kho lưu trữ")?;
            pulled.files.push(Fetched { source: source.clone(), name: file_name, archived, bytes });
        }
    }
    Ok(pulled)
}
