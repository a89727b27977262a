//! The national portal's own 766 scores (S2) beside the ones recomputed from dossiers.
//!
//! The portal is authoritative; the recomputation is for diagnosis, so the two are shown side
//! by side for the whole ward, and a difference above half a point is a data-quality finding
//! (an export that misses dossiers, a rule read differently, a unit mapped wrongly).

use polars::prelude::*;

use super::method::ServiceMethod;
use super::service::WARD_SCOPE;

/// An indicator whose portal score and recomputed points differ by more than the tolerance.
#[derive(Debug, Clone, PartialEq)]
pub struct Discrepancy {
    pub indicator: String,
    pub name: String,
    pub portal: f64,
    pub recomputed: f64,
}

pub const TOLERANCE: f64 = 0.5;

/// Adds `portal_score` to the ward's indicator rows and lists the discrepancies.
pub fn compare_with_portal(
    indicators: &DataFrame,
    portal: &DataFrame,
    method: &ServiceMethod,
) -> PolarsResult<(DataFrame, Vec<Discrepancy>)> {
    let (codes, portal_codes): (Vec<String>, Vec<String>) =
        method.indicators.iter().filter_map(|i| i.portal_code.as_ref().map(|p| (i.code.clone(), p.clone()))).unzip();
    let mapping = df!["m_indicator" => codes, "m_portal" => portal_codes]?;
    let root = portal
        .clone()
        .lazy()
        .filter(col("level").eq(lit("root")).and(col("score").is_not_null()))
        .group_by([col("metric")])
        .agg([col("score").first().alias("portal_score")])
        .join(mapping.lazy(), [col("metric")], [col("m_portal")], JoinArgs::new(JoinType::Inner))
        .select([col("m_indicator"), col("portal_score")]);
    let joined = indicators
        .clone()
        .lazy()
        .join(root, [col("indicator")], [col("m_indicator")], JoinArgs::new(JoinType::Left))
        .with_column(
            when(col("scope").eq(lit(WARD_SCOPE)))
                .then(col("portal_score"))
                .otherwise(lit(NULL).cast(DataType::Float64))
                .alias("portal_score"),
        )
        .collect()?;
    let off = joined
        .clone()
        .lazy()
        .filter(
            col("portal_score").is_not_null().and(
                (col("portal_score") - col("points"))
                    .gt(lit(TOLERANCE))
                    .or((col("points") - col("portal_score")).gt(lit(TOLERANCE))),
            ),
        )
        .collect()?;
    let (ind, name, p, ours) = (
        off.column("indicator")?.str()?,
        off.column("indicator_name")?.str()?,
        off.column("portal_score")?.f64()?,
        off.column("points")?.f64()?,
    );
    let list = (0..off.height())
        .map(|i| Discrepancy {
            indicator: ind.get(i).unwrap_or("").to_string(),
            name: name.get(i).unwrap_or("").to_string(),
            portal: p.get(i).unwrap_or(0.0),
            recomputed: ours.get(i).unwrap_or(0.0),
        })
        .collect();
    Ok((joined, list))
}
