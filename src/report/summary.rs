//! The month at a glance: what the e-mail says, read off the scorecard frames.

use anyhow::Result;
use polars::prelude::*;

use crate::ingest::{Finding, Severity};
use crate::registry::Registry;
use crate::score::{ServiceScorecard, WARD_SCOPE};

#[derive(Debug, Clone, PartialEq)]
pub struct UnitLine {
    pub rank: u32,
    pub code: String,
    pub name: String,
    pub score: f64,
    pub band: String,
    pub active: i64,
    pub late: i64,
    pub on_time_rate: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub ward_score: Option<f64>,
    pub ward_band: String,
    pub active: i64,
    pub late: i64,
    pub overdue_open: i64,
    pub on_time_rate: Option<f64>,
    pub online_rate: Option<f64>,
    /// Ranked units, best first.
    pub units: Vec<UnitLine>,
    /// Units with at least one target not met, and the names of those targets.
    pub below_target: Vec<(String, Vec<String>)>,
    /// Where the targets come from: "mục IV.4 Kế hoạch 105/KH-UBND" (none without a plan).
    pub targets_cited: Option<String>,
    pub rejected_rows: usize,
    pub findings: usize,
    /// The ward on the national portal's 766 ranking: "hạng N/M trong tỉnh" and its total.
    pub province_rank: Option<String>,
}

fn get_f64(df: &DataFrame, name: &str, i: usize) -> Option<f64> {
    df.column(name).ok()?.cast(&DataType::Float64).ok()?.f64().ok()?.get(i)
}

fn get_i64(df: &DataFrame, name: &str, i: usize) -> i64 {
    df.column(name)
        .ok()
        .and_then(|c| c.cast(&DataType::Int64).ok())
        .and_then(|c| c.i64().ok().and_then(|c| c.get(i)))
        .unwrap_or(0)
}

fn get_str(df: &DataFrame, name: &str, i: usize) -> String {
    df.column(name).ok().and_then(|c| c.str().ok().and_then(|c| c.get(i).map(str::to_string))).unwrap_or_default()
}

pub fn summarise(sc: &ServiceScorecard, registry: &Registry, findings: &[Finding]) -> Result<Summary> {
    let s = &sc.scopes;
    let mut units = Vec::new();
    let mut ward = None;
    for i in 0..s.height() {
        let code = get_str(s, "scope", i);
        if code == WARD_SCOPE {
            ward = Some(i);
            continue;
        }
        let Some(score) = get_f64(s, "score", i) else { continue };
        units.push(UnitLine {
            rank: get_i64(s, "rank", i) as u32,
            name: registry.unit(&code).map_or_else(|| code.clone(), |u| u.name.clone()),
            code,
            score,
            band: get_str(s, "band", i),
            active: get_i64(s, "active", i),
            late: get_i64(s, "late", i),
            on_time_rate: get_f64(s, "on_time_rate", i),
        });
    }
    // As the scorecard ranks them: ties by size, then by code (the cards follow this order).
    units.sort_by(|a, b| a.rank.cmp(&b.rank).then(b.active.cmp(&a.active)).then_with(|| a.code.cmp(&b.code)));
    let t = &sc.targets;
    let mut below: Vec<(String, Vec<String>)> = Vec::new();
    for i in 0..t.height() {
        let met = t.column("met")?.bool()?.get(i).unwrap_or(true);
        let scope = get_str(t, "scope", i);
        if met || scope == WARD_SCOPE {
            continue;
        }
        let name = registry.unit(&scope).map_or_else(|| scope.clone(), |u| u.name.clone());
        let target = get_str(t, "target_name", i);
        match below.iter_mut().find(|(n, _)| *n == name) {
            Some((_, list)) => list.push(target),
            None => below.push((name, vec![target])),
        }
    }
    let w = ward.unwrap_or(usize::MAX);
    let at = |name: &str| if w == usize::MAX { None } else { get_f64(s, name, w) };
    let count = |name: &str| if w == usize::MAX { 0 } else { get_i64(s, name, w) };
    Ok(Summary {
        ward_score: at("score"),
        ward_band: if w == usize::MAX { String::new() } else { get_str(s, "band", w) },
        active: count("active"),
        late: count("late"),
        overdue_open: count("overdue_open"),
        on_time_rate: at("on_time_rate"),
        online_rate: at("online_rate"),
        units,
        below_target: below,
        targets_cited: None,
        rejected_rows: findings.iter().filter(|f| f.severity == Severity::Rejected).map(|f| f.count).sum(),
        findings: findings.len(),
        province_rank: sc.portal.as_ref().map(|p| {
            let total = p.ward_total.map(|t| format!(", tổng điểm {}", super::number(t, 2))).unwrap_or_default();
            format!("{}{total}", super::portal::rank_text(p))
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scorecard(scopes: DataFrame) -> ServiceScorecard {
        ServiceScorecard {
            scopes,
            indicators: DataFrame::empty(),
            officers: DataFrame::empty(),
            overdue: DataFrame::empty(),
            targets: DataFrame::empty(),
            portal: None,
        }
    }

    #[test]
    fn units_tied_on_rank_and_size_are_listed_by_code() {
        // As a scorecard might hold them: tied units in no particular order.
        let scopes = df![
            "scope" => ["U3", "U1", WARD_SCOPE, "U4", "U2"],
            "score" => [90.0, 90.0, 88.0, 80.0, 90.0],
            "rank" => [Some(1u32), Some(1), None, Some(4), Some(1)],
            "band" => ["Tốt", "Tốt", "Tốt", "Khá", "Tốt"],
            "active" => [5i64, 5, 20, 5, 5],
            "late" => [0i64, 0, 0, 0, 0],
            "on_time_rate" => [1.0, 1.0, 1.0, 1.0, 1.0],
        ]
        .unwrap();
        let s = summarise(&scorecard(scopes), &Registry::default(), &[]).unwrap();
        let codes: Vec<&str> = s.units.iter().map(|u| u.code.as_str()).collect();
        assert_eq!(codes, ["U1", "U2", "U3", "U4"]);
    }
}
