//! S3 monthly CSVs of the document management system, in Windows-1258 like its export.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use rand::Rng;
use rand::rngs::StdRng;

use super::catalog::Rank;
use super::{SampleWard, cp1258, write_atomic};

const HEADER: &str = "Đơn vị,Tháng,Văn bản đi,Văn bản đi gửi điện tử,Văn bản đi ký số,Văn bản mật,Văn bản đến,Văn bản đến xử lý đúng hạn";

/// `ranks[i]` is how unit `i` of the ward performs; the weakest sends more on paper and
/// handles more incoming documents late.
pub(crate) fn write_year(rng: &mut StdRng, ward: &SampleWard, ranks: &[Rank], out_dir: &Path) -> Result<Vec<PathBuf>> {
    // Each unit has its own usual volume, varied month by month.
    let sizes: Vec<(u32, u32)> =
        ward.units.iter().map(|_| (rng.random_range(8..=45), rng.random_range(20..=120))).collect();
    let mut files = Vec::new();
    for month in 1..=12u32 {
        let mut csv = String::from(HEADER);
        csv.push_str("\r\n");
        let first = chrono::NaiveDate::from_ymd_opt(ward.year, month, 1).context("year out of range")?;
        let last =
            first.checked_add_months(chrono::Months::new(1)).context("year out of range")? - chrono::Days::new(1);
        for (i, unit) in ward.units.iter().enumerate() {
            // A unit that no longer (or not yet) exists in the month sends nothing.
            if !unit.valid.overlaps(first, last) {
                continue;
            }
            let weak = ranks[i] == Rank::Weakest;
            let (out_base, in_base) = sizes[i];
            let outgoing = ((out_base as f64 * rng.random_range(0.7..1.35)).round() as u32).clamp(5, 60);
            let secret = match rng.random::<f64>() {
                r if r < 0.8 => 0,
                r if r < 0.95 => 1,
                _ => 2,
            };
            let paper = if rng.random_bool(if weak { 0.6 } else { 0.12 }) { rng.random_range(1..=2) } else { 0 };
            let electronic = outgoing - secret - paper;
            let unsigned = if rng.random_bool(if weak { 0.5 } else { 0.1 }) { rng.random_range(1..=2) } else { 0 };
            let signed = electronic.saturating_sub(unsigned);
            let incoming = ((in_base as f64 * rng.random_range(0.75..1.3)).round() as u32).clamp(10, 150);
            let late = if rng.random_bool(if weak { 0.7 } else { 0.2 }) {
                rng.random_range(1..=if weak { 6 } else { 3 })
            } else {
                0
            };
            let on_time = incoming - late;
            csv.push_str(&format!(
                "{},{month:02}/{},{outgoing},{electronic},{signed},{secret},{incoming},{on_time}\r\n",
                csv_field(&unit.name),
                ward.year
            ));
        }
        let ym = format!("{}-{month:02}", ward.year);
        let path = out_dir.join("van-ban").join(&ym).join(format!("van-ban-{ym}.csv"));
        write_atomic(&path, &cp1258::encode(&csv)?)?;
        files.push(path);
    }
    Ok(files)
}

/// Standard CSV quoting: only when the value needs it.
pub(crate) fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}
