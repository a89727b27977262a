//! The national portal's own 766 scores (S2) beside the ones recomputed from dossiers.
//!
//! The portal publishes, for every commune of a province, six group scores and their total
//! (`report_tinh_766_service`). It is authoritative, so the province's communes are ranked
//! by its total (ties share the rank, after rounding to the published two decimals;
//! `ROW_STT` is a display position, not a rank), and the ward's own groups are set beside
//! the recomputation, group by group. A group the dossier export can compute in full that
//! differs by more than half a point is a data-quality finding: an export that misses
//! dossiers, a rule read differently, a unit mapped wrongly.

use polars::prelude::*;

use super::method::ServiceMethod;
use super::points::group_column;
use super::scope::WARD_SCOPE;

/// A group whose portal score and recomputed points differ by more than the tolerance.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupGap {
    pub group: String,
    pub name: String,
    pub portal_code: String,
    pub portal: f64,
    pub recomputed: f64,
}

pub const TOLERANCE: f64 = 0.5;

/// The province's ranking and the ward's groups, side by side with the recomputation.
#[derive(Debug, Clone)]
pub struct PortalComparison {
    /// Every commune: `agency_code`, `name`, the six groups (`ckmb` …), `total_score`,
    /// `rank` (shared), `is_ward`, best first.
    pub ranking: DataFrame,
    /// The ward's rank and the number of communes ranked.
    pub ward_rank: Option<(u32, u32)>,
    pub ward_total: Option<f64>,
    /// One row per group: `group`, `group_name`, `portal_code`, `max_points`, `portal`,
    /// `recomputed`, `gap`, `comparable` (the export computes the whole group).
    pub groups: DataFrame,
    pub gaps: Vec<GroupGap>,
}

/// The portal's group columns, in the order the portal shows them.
pub(super) const PORTAL_GROUPS: [&str; 6] = ["ckmb", "tdgq", "clgq", "tttt", "mdhl", "mdsh"];

/// Communes only (CAPDONVIID 2 or LOAI_COQUAN 3), when the table says which rows are.
fn communes(portal: &DataFrame) -> PolarsResult<LazyFrame> {
    let is_commune = col("agency_level").eq(lit(2i64)).or(col("agency_kind").eq(lit(3i64))).fill_null(lit(false));
    let some = portal.clone().lazy().select([is_commune.clone().sum().alias("n")]).collect()?;
    let n = some.column("n")?.cast(&DataType::UInt64)?.u64()?.get(0).unwrap_or(0);
    let all = portal.clone().lazy();
    Ok(if n > 0 { all.filter(is_commune) } else { all })
}

fn f64_at(df: &DataFrame, column: &str, row: usize) -> Option<f64> {
    df.column(column).ok()?.cast(&DataType::Float64).ok()?.f64().ok()?.get(row)
}

/// Ranks the province's communes and compares the ward's groups with the scorecard's.
pub fn compare_with_portal(
    scopes: &DataFrame,
    portal: &DataFrame,
    method: &ServiceMethod,
    ward_code: Option<&str>,
) -> PolarsResult<PortalComparison> {
    let ward_code = ward_code.unwrap_or("").trim().to_string();
    let mut keep =
        vec![col("agency_code"), coalesce(&[col("name"), col("agency_name"), col("agency_code")]).alias("name")];
    keep.extend(PORTAL_GROUPS.iter().map(|g| col(*g)));
    keep.push(col("total_score"));
    let ranking = communes(portal)?
        .select(keep)
        .unique_stable(Some(cols(["agency_code"])), UniqueKeepStrategy::First)
        .with_columns([
            col("total_score")
                .round(2, RoundMode::HalfAwayFromZero)
                .rank(RankOptions { method: RankMethod::Min, descending: true }, None)
                .cast(DataType::UInt32)
                .alias("rank"),
            col("agency_code").eq(lit(ward_code.clone())).fill_null(lit(false)).alias("is_ward"),
        ])
        .sort_by_exprs([col("rank"), col("agency_code")], SortMultipleOptions::default())
        .collect()?;
    let ranked = ranking.column("rank")?.u32()?.iter().flatten().count() as u32;
    let ward_row = ranking.column("is_ward")?.bool()?.iter().position(|w| w == Some(true));
    let ward_rank = ward_row.and_then(|i| ranking.column("rank").ok()?.u32().ok()?.get(i)).map(|r| (r, ranked));
    let ward_total = ward_row.and_then(|i| f64_at(&ranking, "total_score", i));

    let ward_scope = scopes.column("scope")?.str()?.iter().position(|s| s == Some(WARD_SCOPE));
    let (mut code, mut name, mut pcode, mut max, mut theirs, mut ours, mut comparable) =
        (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
    let mut gaps = Vec::new();
    for g in &method.groups {
        let Some(p) = &g.portal_code else { continue };
        let computed: f64 = method.indicators.iter().filter(|i| i.group == g.code).map(|i| i.max_points).sum();
        let whole = (computed - g.max_points).abs() < 1e-9;
        let portal_value = ward_row.and_then(|i| f64_at(&ranking, &p.to_lowercase(), i));
        let recomputed =
            if computed > 0.0 { ward_scope.and_then(|i| f64_at(scopes, &group_column(&g.code), i)) } else { None };
        if let (true, Some(a), Some(b)) = (whole, portal_value, recomputed)
            && (a - b).abs() > TOLERANCE
        {
            gaps.push(GroupGap {
                group: g.code.clone(),
                name: g.name.clone(),
                portal_code: p.clone(),
                portal: a,
                recomputed: b,
            });
        }
        code.push(g.code.clone());
        name.push(g.name.clone());
        pcode.push(p.clone());
        max.push(g.max_points);
        theirs.push(portal_value);
        ours.push(recomputed);
        comparable.push(whole);
    }
    let groups = df![
        "group" => code, "group_name" => name, "portal_code" => pcode, "max_points" => max,
        "portal" => theirs, "recomputed" => ours, "comparable" => comparable,
    ]?
    .lazy()
    .with_column(
        when(col("comparable"))
            .then((col("portal") - col("recomputed")).round(2, RoundMode::HalfAwayFromZero))
            .otherwise(lit(NULL).cast(DataType::Float64))
            .alias("gap"),
    )
    .collect()?;
    Ok(PortalComparison { ranking, ward_rank, ward_total, groups, gaps })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::method::{Band, Group, Indicator, Measure, Operator, ZeroRule};

    fn method() -> ServiceMethod {
        let group = |code: &str, max: f64, p: &str| Group {
            code: code.into(),
            name: code.into(),
            max_points: max,
            note: None,
            portal_code: Some(p.into()),
        };
        ServiceMethod {
            id: "t".into(),
            series: "svc-766".into(),
            name: "t".into(),
            decision: "t".into(),
            valid: crate::validity::Validity::since(chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()),
            precision: 2,
            groups: vec![
                group("tien_do", 20.0, "TDGQ"),
                group("so_hoa", 22.0, "MDSH"),
                group("cong_khai", 18.0, "CKMB"),
            ],
            indicators: vec![
                Indicator {
                    code: "dung_han".into(),
                    name: "đúng hạn".into(),
                    group: "tien_do".into(),
                    max_points: 20.0,
                    measure: Measure::OnTime,
                    operator: Operator::Linear,
                    zero_denominator: ZeroRule::NotApplicable,
                },
                Indicator {
                    code: "kq".into(),
                    name: "kết quả".into(),
                    group: "so_hoa".into(),
                    max_points: 6.0,
                    measure: Measure::ResultDigitised,
                    operator: Operator::Linear,
                    zero_denominator: ZeroRule::NotApplicable,
                },
            ],
            bands: vec![Band { label: "Yếu".into(), min: 0.0 }],
            on_time: crate::score::method::tests::rules(),
        }
    }

    #[test]
    fn communes_ranked_by_total_with_ties_and_the_ward_found() {
        let portal = df![
            "name" => [Some("Phường A"), Some("Phường B"), Some("Phường C"), Some("Sở X"), Some("Phường D")],
            "agency_name" => [None::<&str>, None, None, None, None],
            "agency_code" => ["A", "B", "C", "SX", "D"],
            "agency_level" => [2i64, 2, 2, 1, 2],
            "agency_kind" => [3i64, 3, 3, 2, 3],
            "ckmb" => [18.0, 18.0, 17.0, 18.0, 18.0], "tdgq" => [19.0, 20.0, 15.0, 20.0, 20.0],
            "clgq" => [12.0; 5], "tttt" => [10.0; 5], "mdhl" => [18.0; 5], "mdsh" => [20.0; 5],
            // B and D tie after rounding (97.004 → 97.00, 96.996 → 97.00); A is 4th.
            "total_score" => [96.0, 97.004, 92.0, 99.0, 96.996],
        ]
        .unwrap();
        let scopes = df!["scope" => [WARD_SCOPE], "group_tien_do" => [17.0], "group_so_hoa" => [4.0]].unwrap();
        let c = compare_with_portal(&scopes, &portal, &method(), Some("A")).unwrap();
        let codes: Vec<&str> = c.ranking.column("agency_code").unwrap().str().unwrap().iter().flatten().collect();
        assert_eq!(codes, ["B", "D", "A", "C"], "the department SX is not a commune");
        let ranks: Vec<u32> = c.ranking.column("rank").unwrap().u32().unwrap().iter().flatten().collect();
        assert_eq!(ranks, [1, 1, 3, 4]);
        assert_eq!(c.ward_rank, Some((3, 4)));
        // TDGQ: portal 19 vs 17 recomputed → a gap; MDSH is computed only in part: no gap.
        assert_eq!(c.gaps.len(), 1);
        assert_eq!((c.gaps[0].portal_code.as_str(), c.gaps[0].portal, c.gaps[0].recomputed), ("TDGQ", 19.0, 17.0));
        let comparable: Vec<bool> = c.groups.column("comparable").unwrap().bool().unwrap().iter().flatten().collect();
        assert_eq!(comparable, [true, false, false]);
        assert!(compare_with_portal(&scopes, &portal, &method(), Some("ZZ")).unwrap().ward_rank.is_none());
    }
}
