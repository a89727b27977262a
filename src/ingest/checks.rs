//! Rules about what the values mean, beyond their types: units the registry does not know,
//! the same dossier in two downloads, times that cannot be, counts below zero.
//!
//! Each rule is a row predicate plus what to do with the rows it catches, so the whole set
//! reads as a table and each becomes one finding.

use std::collections::HashMap;

use anyhow::Result;
use chrono::{NaiveDate, NaiveDateTime};
use polars::prelude::*;

use super::findings::{Finding, Severity};
use super::typing::{finding_for, finding_with};
use crate::dataset::Dataset;
use crate::national::{self, Status};
use crate::registry::Registry;

/// What happens to the rows a rule catches.
enum Action {
    /// Keep the row unchanged.
    Keep,
    /// Set these columns to null in those rows.
    Null(&'static [&'static str]),
}

struct Rule {
    rule: &'static str,
    severity: Severity,
    when: Expr,
    detail: Expr,
    action: Action,
}

fn status_in(pred: impl Fn(Status) -> bool) -> Expr {
    col("status").is_in(lit(Series::new("s".into(), national::codes(pred))).implode(true), false)
}

fn dossier_rules(now: NaiveDateTime) -> Vec<Rule> {
    let now = lit(now);
    let fmt = |c: &str| col(c).dt().strftime("%d/%m/%Y %H:%M");
    let ended = status_in(|s| s.is_received() && !s.is_open());
    let no_end = col("finished_at").is_null().and(col("returned_at").is_null()).and(col("refused_at").is_null());
    let status_text = col("status").cast(DataType::String);
    vec![
        Rule {
            rule: "Hồ sơ chưa được tiếp nhận hoặc không được tiếp nhận (trạng thái 1, 3): không tính",
            severity: Severity::Info,
            when: status_in(|s| !s.is_received()),
            detail: col("dossier_id"),
            action: Action::Keep,
        },
        Rule {
            rule: "Ngày tiếp nhận ở tương lai",
            severity: Severity::Rejected,
            when: col("received_at").gt(now.clone()),
            detail: fmt("received_at"),
            action: Action::Keep,
        },
        Rule {
            rule: "Ngày kết thúc xử lý trước ngày tiếp nhận (bỏ qua ngày kết thúc)",
            severity: Severity::Warning,
            when: col("finished_at").lt(col("received_at")),
            detail: fmt("finished_at"),
            action: Action::Null(&["finished_at"]),
        },
        Rule {
            rule: "Ngày hẹn trả trước ngày tiếp nhận (bỏ qua ngày hẹn trả, xét theo thời hạn của thủ tục)",
            severity: Severity::Warning,
            when: col("due_at").lt(col("received_at")),
            detail: fmt("due_at"),
            action: Action::Null(&["due_at"]),
        },
        Rule {
            rule: "Trạng thái đang giải quyết nhưng có ngày kết thúc hoặc ngày trả (coi là chưa kết thúc)",
            severity: Severity::Warning,
            when: status_in(Status::is_open).and(col("finished_at").is_not_null().or(col("returned_at").is_not_null())),
            detail: status_text.clone(),
            action: Action::Null(&["finished_at", "returned_at"]),
        },
        Rule {
            rule: "Ngày kết thúc hoặc ngày trả ở tương lai (bỏ qua)",
            severity: Severity::Warning,
            when: col("finished_at").gt(now.clone()).or(col("returned_at").gt(now)),
            detail: fmt("finished_at"),
            action: Action::Null(&["finished_at", "returned_at"]),
        },
        Rule {
            rule: "Số lần hoặc số ngày bổ sung âm (bỏ qua)",
            severity: Severity::Warning,
            when: col("supplement_requests").lt(lit(0)).or(col("supplement_days").lt(lit(0))),
            detail: col("supplement_requests").cast(DataType::String),
            action: Action::Null(&["supplement_requests", "supplement_days"]),
        },
        Rule {
            rule: "Kênh thực hiện ngoài 1, 2, 3 (coi như trực tiếp)",
            severity: Severity::Warning,
            when: col("channel").is_in(lit(Series::new("c".into(), [1i64, 2, 3])).implode(true), false).not(),
            detail: col("channel").cast(DataType::String),
            action: Action::Null(&["channel"]),
        },
        Rule {
            rule: "Mã thanh toán trực tuyến ngoài 0, 1, 2 (bỏ qua)",
            severity: Severity::Warning,
            when: col("paid_online").is_in(lit(Series::new("p".into(), [0i64, 1, 2])).implode(true), false).not(),
            detail: col("paid_online").cast(DataType::String),
            action: Action::Null(&["paid_online"]),
        },
        Rule {
            rule: "Đánh giá ngoài -1, 0, 1 (bỏ qua)",
            severity: Severity::Warning,
            when: col("rating").is_in(lit(Series::new("r".into(), [-1i64, 0, 1])).implode(true), false).not(),
            detail: col("rating").cast(DataType::String),
            action: Action::Null(&["rating"]),
        },
        Rule {
            rule: "Hồ sơ đã kết thúc nhưng không có ngày kết thúc, ngày trả hay ngày từ chối (tính là chưa kết thúc)",
            severity: Severity::Warning,
            when: ended.and(no_end),
            detail: status_text,
            action: Action::Keep,
        },
        Rule {
            rule: "Hồ sơ không có ngày hẹn trả (xét theo thời hạn của thủ tục)",
            severity: Severity::Info,
            when: col("due_at").is_null().and(status_in(Status::is_received).or(col("status").is_null())),
            detail: col("procedure_code"),
            action: Action::Keep,
        },
    ]
}

fn feedback_rules(now: NaiveDateTime) -> Vec<Rule> {
    vec![Rule {
        rule: "Ngày tiếp nhận phản ánh ở tương lai",
        severity: Severity::Rejected,
        when: col("received_at").gt(lit(now)),
        detail: col("received_at").dt().strftime("%d/%m/%Y %H:%M"),
        action: Action::Keep,
    }]
}

fn points_rules() -> Vec<Rule> {
    let over = |c: &str| col(c).gt(col("max_points"));
    vec![
        Rule {
            rule: "Điểm chấm âm (loại bỏ dòng)",
            severity: Severity::Rejected,
            when: col("self_points").lt(lit(0.0)).or(col("appraised_points").lt(lit(0.0))),
            detail: col("appraised_points").cast(DataType::String),
            action: Action::Keep,
        },
        Rule {
            rule: "Điểm chấm lớn hơn điểm tối đa (tính bằng điểm tối đa)",
            severity: Severity::Warning,
            when: over("self_points").or(over("appraised_points")),
            detail: col("appraised_points").cast(DataType::String),
            action: Action::Keep,
        },
    ]
}

fn documents_rules() -> Vec<Rule> {
    let counts =
        ["outgoing", "outgoing_electronic", "outgoing_signed", "outgoing_secret", "incoming", "incoming_on_time"];
    let negative = counts.iter().map(|c| col(*c).lt(lit(0))).reduce(polars::prelude::Expr::or).expect("columns");
    vec![Rule {
        rule: "Số văn bản âm (loại bỏ dòng)",
        severity: Severity::Rejected,
        when: negative,
        detail: col("unit_name"),
        action: Action::Keep,
    }]
}

/// Applies the dataset's rules to one file's typed rows.
pub(super) fn apply_rules(
    dataset: Dataset,
    df: DataFrame,
    file: &str,
    now: NaiveDateTime,
    findings: &mut Vec<Finding>,
) -> Result<DataFrame> {
    let rules = match dataset {
        Dataset::Dossiers => dossier_rules(now),
        Dataset::Feedback => feedback_rules(now),
        Dataset::Documents => documents_rules(),
        Dataset::Initiatives | Dataset::DtiRanking | Dataset::Ddci | Dataset::ServiceIndex => vec![],
        Dataset::ParAppraisal | Dataset::DtiAssessment => points_rules(),
    };
    let mut df = df;
    for r in rules {
        let hit = r.when.fill_null(lit(false));
        // The detail is formatted for the rows caught only, and a rule that catches nothing
        // changes nothing: most rules on most files cost one filter.
        let Some(f) = finding_with(&df, dataset, r.severity, r.rule.to_string(), hit.clone(), r.detail, file)? else {
            continue;
        };
        findings.push(f);
        df = match (r.severity, r.action) {
            (Severity::Rejected, _) => df.lazy().filter(hit.not()).collect()?,
            (_, Action::Null(cols)) => df
                .lazy()
                .with_columns(
                    cols.iter()
                        .map(|c| when(hit.clone()).then(lit(NULL)).otherwise(col(*c)).alias(*c))
                        .collect::<Vec<_>>(),
                )
                .collect()?,
            (_, Action::Keep) => df,
        };
    }
    Ok(df)
}

/// Maps export unit names to registry codes as of `day`; unknown names stay with a null code.
pub(super) fn resolve_units(
    dataset: Dataset,
    df: DataFrame,
    registry: &Registry,
    day: NaiveDate,
    findings: &mut Vec<Finding>,
) -> Result<DataFrame> {
    // Each name resolved once, then looked up row by row: a join would copy every column of
    // a province's table to add this one.
    let mut codes: StringChunked = {
        let mut resolved: HashMap<&str, Option<&str>> = HashMap::new();
        let names = df.column("unit_name")?.str()?;
        names
            .iter()
            .map(|name| {
                let name = name?;
                *resolved.entry(name).or_insert_with(|| registry.resolve(name, day).map(|u| u.code.as_str()))
            })
            .collect()
    };
    codes.rename("unit_code".into());
    let mut out = df;
    out.with_column(codes.into_column())?;
    // Only the rows with an unknown unit are looked at by file: a copy of every file's rows
    // would cost a province's table again (+246 MiB at 10M dossiers).
    let unknown = col("unit_code").is_null().and(col("unit_name").is_not_null());
    let unknown_rows = out
        .clone()
        .lazy()
        .filter(unknown)
        .select([col("source_file"), col("source_row"), col("unit_name")])
        .collect()?;
    let files = unknown_rows.column("source_file")?.str()?.unique()?;
    for file in files.iter().flatten() {
        let in_file = unknown_rows.clone().lazy().filter(col("source_file").eq(lit(file))).collect()?;
        let rule = "Đơn vị không có trong danh mục (không xếp hạng, vẫn tính vào toàn phường)".to_string();
        if let Some(f) = finding_for(&in_file, dataset, Severity::Warning, rule, lit(true), "unit_name", file)? {
            merge(findings, f);
        }
    }
    Ok(out)
}

/// Keeps one row per dossier across overlapping downloads: the one that knows the most
/// (most dates filled in), and among equals the one from the file read last.
pub(super) fn dedupe_dossiers(df: DataFrame, findings: &mut Vec<Finding>) -> Result<DataFrame> {
    let before = df.height();
    // One hashing pass says whether there is anything to fold (one download: nothing).
    if df.column("dossier_id")?.n_unique()? == before {
        return Ok(df);
    }
    let knowledge = ["finished_at", "returned_at", "refused_at", "due_at", "status"]
        .iter()
        .map(|c| col(*c).is_not_null().cast(DataType::Int32))
        .reduce(|a, b| a + b)
        .expect("columns");
    let dup_mask = len().over([col("dossier_id")])?.gt(lit(1));
    let dups = df.clone().lazy().filter(dup_mask).sort(["dossier_id"], Default::default()).collect()?;
    let out = df
        .lazy()
        .with_row_index("__order", None)
        .with_column(knowledge.alias("__knowledge"))
        .sort_by_exprs([col("__knowledge"), col("__order")], SortMultipleOptions::default())
        .unique_stable(Some(cols(["dossier_id"])), UniqueKeepStrategy::Last)
        .sort(["__order"], Default::default())
        .drop(cols(["__order", "__knowledge"]))
        .collect()?;
    let removed = before - out.height();
    if removed > 0 {
        let first_file = dups.column("source_file")?.str()?.get(0).unwrap_or("").to_string();
        if let Some(mut f) = finding_for(
            &dups,
            Dataset::Dossiers,
            Severity::Info,
            "Hồ sơ trùng giữa các lần tải (giữ bản ghi đầy đủ nhất)".to_string(),
            lit(true),
            "dossier_id",
            &first_file,
        )? {
            let files = dups.column("source_file")?.str()?;
            for (ex, file) in f.examples.iter_mut().zip(files.iter()) {
                ex.file = file.unwrap_or("").to_string();
            }
            f.count = removed;
            findings.push(f);
        }
    }
    Ok(out)
}

/// Adds a finding, folding it into an earlier one with the same rule and dataset.
pub(super) fn merge(findings: &mut Vec<Finding>, f: Finding) {
    match findings.iter_mut().find(|x| x.rule == f.rule && x.dataset == f.dataset) {
        Some(x) => {
            x.count += f.count;
            let room = super::findings::MAX_EXAMPLES.saturating_sub(x.examples.len());
            x.examples.extend(f.examples.into_iter().take(room));
        }
        None => findings.push(f),
    }
}

/// Folds findings of the same rule from several files into one, most severe first.
pub(super) fn fold(findings: Vec<Finding>) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::new();
    for f in findings {
        merge(&mut out, f);
    }
    out.sort_by_key(|f| f.severity);
    out
}
