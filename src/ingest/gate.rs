//! The gate before anything is scored: a required source that yields no usable rows, or
//! whose files lost too many rows to the rules, is a data problem, not a report.
//!
//! A figure computed from nothing looks like any other figure once it is in a workbook
//! ("100 điểm, Xuất sắc" from an export nobody could read), so the run stops here, naming
//! the file, the rule that rejected most of its rows and an example row.

use anyhow::{Result, bail};

use super::{FileReport, Ingested};

/// What the pipeline requires of its sources.
pub struct Usability<'a> {
    /// Ids of the sources the run cannot do without.
    pub required: &'a [&'a str],
    /// The share of a file's rows the rules may reject before the file is not trusted.
    pub max_rejected_share: f64,
    /// The period, for the message.
    pub period: &'a str,
}

fn percent(x: f64) -> String {
    format!("{:.1}", x * 100.0).replace('.', ",") + " %"
}

impl Ingested {
    /// The file's main rejection: rule, count, and its first example "dòng N: giá trị".
    fn main_rejection(&self, file: &FileReport) -> Option<String> {
        let (rule, count) = file.rejected.iter().max_by_key(|(_, n)| *n)?;
        let example = self
            .findings
            .iter()
            .filter(|f| &f.rule == rule && f.dataset == file.dataset)
            .flat_map(|f| f.examples.iter())
            .find(|e| e.file == file.name)
            .map(|e| format!(", ví dụ dòng {}: \"{}\"", e.row, e.detail))
            .unwrap_or_default();
        Some(format!("\"{rule}\" ({count} dòng{example})"))
    }

    /// Stops the run when a required source cannot be trusted.
    pub fn check_usable(&self, u: &Usability<'_>) -> Result<()> {
        for id in u.required {
            let files: Vec<&FileReport> = self.files.iter().filter(|f| f.source == *id).collect();
            for f in &files {
                let share = if f.rows_checked == 0 { 0.0 } else { f.rejected_rows() as f64 / f.rows_checked as f64 };
                if share > u.max_rejected_share {
                    bail!(
                        "nguồn \"{id}\": tệp {} có {}/{} dòng bị loại ({}, quá mức cho phép {}), chủ yếu vì {}. \
                         Không lập báo cáo, không gửi thư: kiểm tra tệp (thidua inspect {}) rồi chạy lại.",
                        f.origin,
                        f.rejected_rows(),
                        f.rows_checked,
                        percent(share),
                        percent(u.max_rejected_share),
                        self.main_rejection(f).unwrap_or_else(|| "quy tắc dữ liệu".into()),
                        f.origin,
                    );
                }
            }
            let kept: usize = files.iter().map(|f| f.rows_kept).sum();
            if kept == 0 {
                let each: Vec<String> = files
                    .iter()
                    .map(|f| match f.rows_read {
                        0 => format!("tệp {}: không có dòng dữ liệu nào", f.origin),
                        n if f.rows_checked == 0 => {
                            format!("tệp {}: {n} dòng, không dòng nào thuộc kỳ {}", f.origin, u.period)
                        }
                        n => format!(
                            "tệp {}: {n} dòng, không dòng nào dùng được{}",
                            f.origin,
                            self.main_rejection(f).map(|r| format!(" (chủ yếu vì {r})")).unwrap_or_default()
                        ),
                    })
                    .collect();
                bail!(
                    "nguồn \"{id}\": không có dữ liệu dùng được cho kỳ {} — {}. Không lập báo cáo, không gửi thư.",
                    u.period,
                    each.join("; ")
                );
            }
        }
        Ok(())
    }
}
