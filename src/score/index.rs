//! The index engine: PAR, DTI, DDCI and PCI from a frame of component values per unit.
//!
//! Every index is a tree of components read from a methodology file; the code knows only
//! the operators. Leaves turn an input into a normalised value (0..1) and points; a parent
//! sums its children, capped at its maximum; the total is a sum, a normalised share of the
//! maximum, or appraisal plus survey. Ranks are taken on the total rounded to the published
//! precision, so equal published scores share a rank and the next is skipped.

use anyhow::{Result, bail};
use polars::prelude::*;

use super::method::{Band, ZeroRule};
use crate::expr::first_match;

/// Which index a methodology computes.
#[derive(serde::Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum IndexKind {
    Par,
    Dti,
    Ddci,
    Pci,
}

/// How the top-level components make the total.
#[derive(Debug, Clone, PartialEq)]
pub enum Total {
    /// Σ points.
    Sum,
    /// scale · Σ points / Σ max.
    Normalised,
    /// appraised + survey points; without a survey, appraised rescaled to the scale.
    TwoSource { appraised: String, survey: String },
}

/// How a leaf turns its input into a normalised value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LeafOp {
    /// The input is points, capped at the maximum.
    Points,
    /// The input is on 0..input_scale.
    Scaled { input_scale: f64 },
    /// A rate; full points at `threshold`.
    Threshold { threshold: f64, zero: ZeroRule },
    /// A rate; points proportional.
    Linear { zero: ZeroRule },
    /// Rescaled to 1..10 by the min and max over a window of years, all units pooled.
    MinMax,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Component {
    pub code: String,
    pub name: String,
    pub max_points: f64,
    pub parent: Option<String>,
    /// `None` for a parent (its points are its children's).
    pub op: Option<LeafOp>,
    pub source: Option<String>,
}

/// A validated index methodology.
#[derive(Debug, Clone)]
pub struct IndexMethod {
    pub id: String,
    /// The series of files this one belongs to (its id when the file names none).
    pub series: String,
    pub name: String,
    pub decision: String,
    pub valid: crate::validity::Validity,
    pub kind: IndexKind,
    pub total: Total,
    pub scale: f64,
    pub precision: u32,
    pub window_years: Option<i32>,
    pub bands: Vec<Band>,
    /// In file order.
    pub components: Vec<Component>,
}

impl IndexMethod {
    pub fn leaves(&self) -> impl Iterator<Item = &Component> {
        self.components.iter().filter(|c| c.op.is_some())
    }

    fn depth(&self, c: &Component) -> usize {
        let mut d = 0;
        let mut p = c.parent.as_deref();
        while let Some(code) = p {
            d += 1;
            p = self.components.iter().find(|x| x.code == code).and_then(|x| x.parent.as_deref());
            if d > self.components.len() {
                break;
            }
        }
        d
    }
}

/// Per unit: the total, band and rank; per unit and component: input, normalised, points,
/// the maximum that applied and the points lost.
pub struct IndexResult {
    pub units: DataFrame,
    pub components: DataFrame,
}

fn f64_col(name: &str) -> Expr {
    col(name).cast(DataType::Float64)
}

fn null_f64() -> Expr {
    lit(NULL).cast(DataType::Float64)
}

/// The input of a leaf: its column, or numerator/denominator columns (`code.num`, `code.den`).
/// Returns (input, zero-denominator flag).
fn leaf_input(code: &str, schema: &Schema) -> Result<(Expr, Expr)> {
    let (num, den) = (format!("{code}.num"), format!("{code}.den"));
    if schema.contains(&num) && schema.contains(&den) {
        let zero = f64_col(&den).eq(lit(0.0)).fill_null(lit(false));
        let rate = when(zero.clone()).then(null_f64()).otherwise(f64_col(&num) / f64_col(&den));
        Ok((rate, zero))
    } else if schema.contains(code) {
        Ok((f64_col(code), lit(false)))
    } else {
        bail!("thiếu cột cho thành phần \"{code}\" (hoặc cặp cột {code}.num, {code}.den)")
    }
}

fn zero_rule(op: LeafOp) -> ZeroRule {
    match op {
        LeafOp::Threshold { zero, .. } | LeafOp::Linear { zero } => zero,
        _ => ZeroRule::NotApplicable,
    }
}

/// Scores one index for every unit of `input` (a `unit` column and one column per leaf).
/// With a min–max component, `input` has a `year` column and `year` picks the year scored.
pub fn score_index(input: &DataFrame, method: &IndexMethod, year: Option<i32>) -> Result<IndexResult> {
    if !input.schema().contains("unit") {
        bail!("thiếu cột \"unit\"");
    }
    let (frame, pooled) = scored_year(input, method, year)?;
    let leaves = leaf_rows(input.schema(), method, &frame, pooled.as_ref())?;
    let components = with_parents(method, leaves)?
        .lazy()
        .with_columns([(col("max_applied") - col("points")).alias("lost")])
        .sort(["unit", "order"], SortMultipleOptions::default().with_maintain_order(true))
        .collect()?;
    let units = unit_totals(input, method, &components)?;
    Ok(IndexResult { units, components })
}

/// The rows scored and, for a min–max method, the rows of the window pooled for its min and max.
fn scored_year(input: &DataFrame, method: &IndexMethod, year: Option<i32>) -> Result<(LazyFrame, Option<LazyFrame>)> {
    let frame = input.clone().lazy().with_column(col("unit").cast(DataType::String));
    let Some(w) = method.window_years else { return Ok((frame, None)) };
    if !input.schema().contains("year") {
        bail!("phương pháp {} cần cột \"year\" (chuẩn hóa min–max trên {w} năm)", method.id);
    }
    let y = match year {
        Some(y) => y,
        None => input.column("year")?.cast(&DataType::Int32)?.i32()?.max().unwrap_or(0),
    };
    let in_window = f64_col("year").gt(lit(f64::from(y - w))).and(f64_col("year").lt_eq(lit(f64::from(y))));
    let pooled = frame.clone().filter(in_window);
    Ok((frame.filter(f64_col("year").eq(lit(f64::from(y)))), Some(pooled)))
}

/// One row per unit and leaf: input, normalised value, the maximum that applied and points.
fn leaf_rows(
    schema: &Schema,
    method: &IndexMethod,
    frame: &LazyFrame,
    pooled: Option<&LazyFrame>,
) -> Result<DataFrame> {
    let mut long = Vec::new();
    for (order, c) in method.components.iter().enumerate() {
        let Some(op) = c.op else { continue };
        // A component tracked but not scored (max_points = 0, e.g. DTI's smart-city pillar) may
        // be missing from a published table: it has no input, and no points to give.
        let (x, zero_den) = match leaf_input(&c.code, schema) {
            Err(_) if c.max_points == 0.0 => (null_f64(), lit(false)),
            other => other?,
        };
        let normalised = normalise(op, c, &x, pooled)?;
        let rule = zero_rule(op);
        let normalised = match rule {
            ZeroRule::Full => when(zero_den.clone()).then(lit(1.0)).otherwise(normalised),
            ZeroRule::Zero => when(zero_den.clone()).then(lit(0.0)).otherwise(normalised),
            ZeroRule::NotApplicable | ZeroRule::Redistribute => normalised,
        };
        let applicable = match rule {
            ZeroRule::NotApplicable | ZeroRule::Redistribute => zero_den.not(),
            _ => lit(true),
        };
        long.push(frame.clone().select([
            col("unit"),
            lit(c.code.clone()).alias("component"),
            lit(order as u32).alias("order"),
            x.alias("input"),
            normalised.alias("normalised"),
            when(applicable).then(lit(c.max_points)).otherwise(lit(0.0)).alias("max_applied"),
        ]));
    }
    Ok(concat(long, UnionArgs::default())?
        .with_columns([(col("normalised").fill_null(lit(0.0)) * col("max_applied")).alias("points")])
        .collect()?)
}

/// A leaf's input turned into a value on 0..1 by its operator.
fn normalise(op: LeafOp, c: &Component, x: &Expr, pooled: Option<&LazyFrame>) -> Result<Expr> {
    let max = lit(c.max_points);
    Ok(match op {
        LeafOp::Points if c.max_points > 0.0 => x.clone().clip(lit(0.0), max.clone()) / max,
        LeafOp::Points => null_f64(),
        LeafOp::Scaled { input_scale } => (x.clone() / lit(input_scale)).clip(lit(0.0), lit(1.0)),
        LeafOp::Threshold { threshold, .. } => (x.clone().clip_min(lit(0.0)) / lit(threshold)).clip_max(lit(1.0)),
        LeafOp::Linear { .. } => x.clone().clip(lit(0.0), lit(1.0)),
        LeafOp::MinMax => {
            let stats = pooled
                .expect("window checked")
                .clone()
                .select([f64_col(&c.code).min().alias("mn"), f64_col(&c.code).max().alias("mx")])
                .collect()?;
            let mn = stats.column("mn")?.f64()?.get(0);
            let mx = stats.column("mx")?.f64()?.get(0);
            match (mn, mx) {
                (Some(mn), Some(mx)) if mx > mn => {
                    (lit(1.0) + lit(9.0) * (x.clone() - lit(mn)) / lit(mx - mn)).clip(lit(1.0), lit(10.0)) / lit(10.0)
                }
                _ => when(x.clone().is_not_null()).then(lit(1.0)).otherwise(null_f64()),
            }
        }
    })
}

/// The leaves with a row per unit and parent added, deepest parents first: points =
/// min(Σ children, max); the max applied is the parent's own, unless none of its children applied.
fn with_parents(method: &IndexMethod, mut rows: DataFrame) -> Result<DataFrame> {
    let mut parents: Vec<&Component> = method.components.iter().filter(|c| c.op.is_none()).collect();
    parents.sort_by_key(|c| std::cmp::Reverse(method.depth(c)));
    let codes: Vec<String> = method.components.iter().map(|c| c.code.clone()).collect();
    let parent_col: Vec<Option<String>> = method.components.iter().map(|c| c.parent.clone()).collect();
    let tree = df!["t_component" => codes, "parent" => parent_col]?;
    for p in parents {
        let order = method.components.iter().position(|c| c.code == p.code).expect("own component") as u32;
        let kids = rows
            .clone()
            .lazy()
            .join(tree.clone().lazy(), [col("component")], [col("t_component")], JoinArgs::new(JoinType::Left))
            .filter(col("parent").eq(lit(p.code.clone())))
            .group_by([col("unit")])
            .agg([col("points").sum().alias("kids_points"), col("max_applied").sum().alias("kids_max")])
            .select([
                col("unit"),
                lit(p.code.clone()).alias("component"),
                lit(order).alias("order"),
                null_f64().alias("input"),
                when(col("kids_max").gt(lit(0.0))).then(lit(p.max_points)).otherwise(lit(0.0)).alias("max_applied"),
                col("kids_points").clip_max(lit(p.max_points)).alias("points"),
            ])
            .with_columns([when(col("max_applied").gt(lit(0.0)))
                .then(col("points") / col("max_applied"))
                .otherwise(null_f64())
                .alias("normalised")])
            .select(["unit", "component", "order", "input", "normalised", "max_applied", "points"].map(col))
            .collect()?;
        rows = rows.vstack(&kids)?;
    }
    Ok(rows)
}

/// Per unit, in the input's order: the total from the top-level components, its band and rank.
fn unit_totals(input: &DataFrame, method: &IndexMethod, components: &DataFrame) -> Result<DataFrame> {
    let top: Vec<String> = method.components.iter().filter(|c| c.parent.is_none()).map(|c| c.code.clone()).collect();
    let top_rows = components
        .clone()
        .lazy()
        .filter(col("component").is_in(lit(Series::new("t".into(), top)).implode(true), false));
    let band = first_match(
        method.bands.iter().map(|b| (col("total").gt_eq(lit(b.min)), lit(b.label.clone()))),
        lit(NULL).cast(DataType::String),
    );
    let order = input.column("unit")?.cast(&DataType::String)?;
    let first_seen = df!["o_unit" => order.str()?.iter().map(|u| u.map(str::to_string)).collect::<Vec<_>>()]?
        .lazy()
        .with_row_index("o", None)
        .group_by([col("o_unit")])
        .agg([col("o").min()]);
    Ok(top_rows
        .group_by([col("unit")])
        .agg([total(method).alias("total")])
        .with_columns([col("total").round(method.precision, RoundMode::HalfAwayFromZero)])
        .with_columns([
            band.alias("band"),
            col("total")
                .rank(RankOptions { method: RankMethod::Min, descending: true }, None)
                .cast(DataType::UInt32)
                .alias("rank"),
        ])
        .join(first_seen, [col("unit")], [col("o_unit")], JoinArgs::new(JoinType::Left))
        .sort(["o"], Default::default())
        .drop(cols(["o"]))
        .collect()?)
}

/// The total over a unit's top-level rows, by the method's rule.
fn total(method: &IndexMethod) -> Expr {
    match &method.total {
        Total::Sum => col("points").sum(),
        Total::Normalised => lit(method.scale) * col("points").sum() / col("max_applied").sum(),
        Total::TwoSource { appraised, survey } => {
            let pts = |code: &str| col("points").filter(col("component").eq(lit(code.to_string()))).sum();
            let has_survey = col("input").filter(col("component").eq(lit(survey.clone()))).is_not_null().any(true);
            let appraised_max = method.components.iter().find(|c| &c.code == appraised).map_or(1.0, |c| c.max_points);
            when(has_survey)
                .then(pts(appraised) + pts(survey))
                .otherwise(pts(appraised) * lit(method.scale / appraised_max))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tracked_component_worth_nothing_may_be_missing_from_the_table() {
        let m = method(
            Total::Sum,
            vec![leaf("a", 10.0, LeafOp::Points, None), leaf("smart_city", 0.0, LeafOp::Points, None)],
        );
        let input = df!["unit" => ["X"], "a" => [7.0]].unwrap();
        let r = score_index(&input, &m, None).unwrap();
        assert_eq!(r.units.column("total").unwrap().f64().unwrap().get(0), Some(7.0));
        let missing_scored =
            method(Total::Sum, vec![leaf("a", 10.0, LeafOp::Points, None), leaf("b", 5.0, LeafOp::Points, None)]);
        assert!(score_index(&input, &missing_scored, None).is_err(), "a scored component is still required");
    }

    fn leaf(code: &str, max: f64, op: LeafOp, parent: Option<&str>) -> Component {
        Component {
            code: code.into(),
            name: code.into(),
            max_points: max,
            parent: parent.map(Into::into),
            op: Some(op),
            source: None,
        }
    }

    fn method(total: Total, components: Vec<Component>) -> IndexMethod {
        IndexMethod {
            id: "t".into(),
            name: "t".into(),
            decision: "t".into(),
            series: "test".into(),
            valid: crate::validity::Validity::since(chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()),
            kind: IndexKind::Par,
            total,
            scale: 100.0,
            precision: 2,
            window_years: None,
            bands: vec![Band { label: "Tốt".into(), min: 80.0 }, Band { label: "Khá".into(), min: 0.0 }],
            components,
        }
    }

    fn points(r: &IndexResult, unit: &str, code: &str) -> f64 {
        let df = r
            .components
            .clone()
            .lazy()
            .filter(col("unit").eq(lit(unit)).and(col("component").eq(lit(code))))
            .collect()
            .unwrap();
        df.column("points").unwrap().f64().unwrap().get(0).unwrap()
    }

    fn totals(r: &IndexResult) -> Vec<(String, f64, u32)> {
        let u = &r.units;
        (0..u.height())
            .map(|i| {
                (
                    u.column("unit").unwrap().str().unwrap().get(i).unwrap().to_string(),
                    u.column("total").unwrap().f64().unwrap().get(i).unwrap(),
                    u.column("rank").unwrap().u32().unwrap().get(i).unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn capped_points_thresholds_ratios_and_parents() {
        // Area A (max 10) = a1 points (max 6) + a2 threshold 0.5 (max 6): children can exceed the parent.
        // b: linear over num/den, zero denominator gives full points.
        let m = method(
            Total::Sum,
            vec![
                Component {
                    code: "A".into(),
                    name: "A".into(),
                    max_points: 10.0,
                    parent: None,
                    op: None,
                    source: None,
                },
                leaf("a1", 6.0, LeafOp::Points, Some("A")),
                leaf("a2", 6.0, LeafOp::Threshold { threshold: 0.5, zero: ZeroRule::NotApplicable }, Some("A")),
                leaf("b", 90.0, LeafOp::Linear { zero: ZeroRule::Full }, None),
            ],
        );
        let input = df![
            "unit" => ["U1", "U2", "U3"],
            "a1" => [Some(7.5), Some(3.0), None],
            "a2" => [0.25, 0.75, 0.5],
            "b.num" => [45.0, 0.0, 90.0],
            "b.den" => [90.0, 0.0, 90.0],
        ]
        .unwrap();
        let r = score_index(&input, &m, None).unwrap();
        // U1: a1 capped 6, a2 = 6 · 0.25/0.5 = 3, A = min(9, 10) = 9; b = 90 · 0.5 = 45 → 54.
        assert_eq!((points(&r, "U1", "a1"), points(&r, "U1", "a2"), points(&r, "U1", "A")), (6.0, 3.0, 9.0));
        // U2: a1 3, a2 full 6, A 9; b: 0/0 → full 90 → 99.
        assert_eq!(points(&r, "U2", "b"), 90.0);
        // U3: a1 missing → 0 (lost), a2 6, A 6; b 90 → 96.
        assert_eq!(points(&r, "U3", "A"), 6.0);
        assert_eq!(totals(&r), [("U1".into(), 54.0, 3), ("U2".into(), 99.0, 1), ("U3".into(), 96.0, 2)]);
        let lost: f64 = r
            .components
            .clone()
            .lazy()
            .filter(col("unit").eq(lit("U3")).and(col("component").eq(lit("a1"))))
            .collect()
            .unwrap()
            .column("lost")
            .unwrap()
            .f64()
            .unwrap()
            .get(0)
            .unwrap();
        assert_eq!(lost, 6.0);
    }

    #[test]
    fn two_source_rescales_without_a_survey() {
        let m = method(
            Total::TwoSource { appraised: "tham_dinh".into(), survey: "dieu_tra".into() },
            vec![leaf("tham_dinh", 68.5, LeafOp::Points, None), leaf("dieu_tra", 31.5, LeafOp::Points, None)],
        );
        let input =
            df!["unit" => ["P1", "P2"], "tham_dinh" => [60.0, 61.65], "dieu_tra" => [Some(25.0), None]].unwrap();
        let r = score_index(&input, &m, None).unwrap();
        // P1: 60 + 25 = 85. P2: 61.65 · 100 / 68.5 = 90.00.
        assert_eq!(totals(&r), [("P1".into(), 85.0, 2), ("P2".into(), 90.0, 1)]);
    }

    #[test]
    fn normalised_total_and_shared_ranks_after_rounding() {
        let mut m = method(
            Total::Normalised,
            vec![
                leaf("x", 100.0, LeafOp::Scaled { input_scale: 1.0 }, None),
                leaf("y", 0.0, LeafOp::Scaled { input_scale: 1.0 }, None),
            ],
        );
        m.scale = 1.0;
        m.precision = 4;
        let input = df!["unit" => ["A", "B", "C"], "x" => [0.80004, 0.79996, 0.9], "y" => [1.0, 0.0, 0.0]].unwrap();
        let r = score_index(&input, &m, None).unwrap();
        // A and B both publish 0.8000: they share rank 2; y has no weight.
        assert_eq!(totals(&r), [("A".into(), 0.8, 2), ("B".into(), 0.8, 2), ("C".into(), 0.9, 1)]);
    }

    #[test]
    fn min_max_pools_the_window_of_years() {
        let mut m = method(Total::Sum, vec![leaf("c", 100.0, LeafOp::MinMax, None)]);
        m.window_years = Some(3);
        // Pooled over 2022–2024: min 2, max 8 (2021's 0 is outside the window).
        let input = df![
            "unit" => ["A", "A", "A", "A", "B", "B"],
            "year" => [2021, 2022, 2023, 2024, 2022, 2024],
            "c" => [0.0, 2.0, 5.0, 5.0, 8.0, 8.0],
        ]
        .unwrap();
        let r = score_index(&input, &m, None).unwrap();
        // A 2024: s = 1 + 9 · (5 − 2)/(8 − 2) = 5.5 → 55 points; B: s = 10 → 100.
        assert_eq!(totals(&r), [("A".into(), 55.0, 2), ("B".into(), 100.0, 1)]);
    }
}
