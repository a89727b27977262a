//! `thidua pull <pipeline> --period`: only pull and ingest, and say what arrived.

use std::path::Path;

use anyhow::Result;
use chrono::Utc;

use crate::config::load_checked as load_config;
use crate::ingest;
use crate::outcome::{Failure, Tag};
use crate::period::Period;
use crate::pipeline;
use crate::store::Store;

pub(super) fn pull(config_path: &Path, id: &str, period: Period) -> Result<()> {
    let config = load_config(config_path)?;
    let p = pipeline::load(&config, id).tag(Failure::Config)?;
    let now = Utc::now().with_timezone(&config.settings.ward.time_zone);
    let paths = &config.settings.paths;
    let store = Store::new(&paths.archive, &paths.store);
    let pulled = crate::pull::pull(&p.sources, period, &config.root, &store, now)?;
    let ctx = crate::pipeline::ingest_context(&config, period, now);
    let mut got = ingest::ingest(&pulled.files, &ctx)?;
    got.hashed(&store.hashed()?);
    store.settle()?;
    println!("{} — {}: {} tệp", p.name, period.label_vi(), pulled.files.len());
    for f in &got.files {
        println!(
            "  [{}] {} — định dạng {} ({}), {} dòng đọc, {} dòng dùng, SHA-256 {}",
            f.source,
            f.origin,
            f.profile,
            f.profile_choice.label_vi(),
            f.rows_read,
            f.rows_kept,
            &f.sha256[..16]
        );
    }
    for (source, note) in &pulled.notes {
        println!("  [{source}] {note}");
    }
    for (source, looked) in &pulled.absent {
        println!("  [{source}] không có dữ liệu (tìm theo {looked})");
    }
    for (dataset, df) in &got.tables {
        println!("  {}: {} dòng", dataset.label_vi(), df.height());
    }
    println!("{} vấn đề dữ liệu.", got.findings.len());
    Ok(())
}
