//! Building the index engine's input frame (one row per unit, one column per leaf) from
//! the datasets, following each leaf's `source`: the appraisal export (S5, appraised points,
//! else self-assessed), the month's service scorecard (`svc:<measure>`, as numerator and
//! denominator so a unit with no dossiers is "not applicable", not zero), electronic
//! documents (`S3:electronic`, `S3:signed`), the DTI assessment (S6) and the DDCI survey (S7).

use polars::prelude::*;

use super::index::IndexMethod;
use super::method::Measure;
use super::points::counts;

fn svc_measure(source: &str) -> Option<Measure> {
    let name = source.strip_prefix("svc:")?;
    serde_json::from_value(serde_json::Value::String(name.to_string())).ok()
}

/// A frame `unit` + `<code>` from rows of (unit column, item column, value) for one item.
fn one_item(long: &DataFrame, unit: &str, item: &str, code: &str, value: Expr) -> LazyFrame {
    long.clone()
        .lazy()
        .filter(col(item).eq(lit(code.to_string())))
        .group_by([col(unit).alias("unit")])
        .agg([value.first().alias(code)])
}

/// Appraised points where the appraisal was done, else self-assessed points.
fn appraised_or_self() -> Expr {
    coalesce(&[col("appraised_points"), col("self_points")])
}

/// The PAR input: one row per unit in `units`.
pub fn par_inputs(
    method: &IndexMethod,
    units: &[String],
    appraisal: Option<&DataFrame>,
    scopes: Option<&DataFrame>,
    documents: Option<&DataFrame>,
) -> PolarsResult<DataFrame> {
    let mut frame = df!["unit" => units.to_vec()]?.lazy();
    let join = |frame: LazyFrame, other: LazyFrame| {
        frame.join(other, [col("unit")], [col("unit")], JoinArgs::new(JoinType::Left))
    };
    for c in method.leaves() {
        let source = c.source.as_deref().unwrap_or("");
        if let Some(measure) = svc_measure(source) {
            let (num, den) = counts(measure);
            let part = match scopes {
                Some(s) => s.clone().lazy().select([
                    col("scope").alias("unit"),
                    num.cast(DataType::Float64).alias(format!("{}.num", c.code)),
                    den.cast(DataType::Float64).alias(format!("{}.den", c.code)),
                ]),
                None => df!["unit" => Vec::<String>::new(), format!("{}.num", c.code).as_str() => Vec::<f64>::new(), format!("{}.den", c.code).as_str() => Vec::<f64>::new()]?.lazy(),
            };
            frame = join(frame, part).with_columns([
                col(format!("{}.num", c.code)).fill_null(lit(0.0)),
                col(format!("{}.den", c.code)).fill_null(lit(0.0)),
            ]);
        } else if let (Some(kind), Some(docs)) = (source.strip_prefix("S3:"), documents) {
            let (num, den) = match kind {
                "signed" => (col("outgoing_signed"), col("outgoing_electronic")),
                _ => (col("outgoing_electronic"), col("outgoing") - col("outgoing_secret").fill_null(lit(0i64))),
            };
            let part = docs
                .clone()
                .lazy()
                .filter(col("unit_code").is_not_null())
                .group_by([col("unit_code").alias("unit")])
                .agg([
                    num.sum().cast(DataType::Float64).alias(format!("{}.num", c.code)),
                    den.sum().cast(DataType::Float64).alias(format!("{}.den", c.code)),
                ]);
            frame = join(frame, part).with_columns([
                col(format!("{}.num", c.code)).fill_null(lit(0.0)),
                col(format!("{}.den", c.code)).fill_null(lit(0.0)),
            ]);
        } else if let Some(a) = appraisal.filter(|_| source == "S5" || source.is_empty()) {
            frame = join(frame, one_item(a, "unit_code", "criterion", &c.code, appraised_or_self()));
        } else {
            frame = frame.with_column(lit(NULL).cast(DataType::Float64).alias(c.code.as_str()));
        }
    }
    frame.collect()
}

/// The DTI input of the ward itself: one row named `ward`, indicators from S6.
pub fn dti_inputs(method: &IndexMethod, ward: &str, assessment: &DataFrame) -> PolarsResult<DataFrame> {
    let with_unit = assessment.clone().lazy().with_column(lit(ward.to_string()).alias("unit")).collect()?;
    let mut frame = df!["unit" => [ward.to_string()]]?.lazy();
    for c in method.leaves() {
        frame = frame.join(
            one_item(&with_unit, "unit", "indicator", &c.code, appraised_or_self()),
            [col("unit")],
            [col("unit")],
            JoinArgs::new(JoinType::Left),
        );
    }
    frame.collect()
}

/// The DDCI input: one row per locality and year, one column per component.
pub fn ddci_inputs(method: &IndexMethod, survey: &DataFrame) -> PolarsResult<DataFrame> {
    let keys = survey
        .clone()
        .lazy()
        .select([col("locality_code").alias("unit"), col("year").cast(DataType::Int32)])
        .unique_stable(None, UniqueKeepStrategy::First);
    let mut frame = keys;
    for c in method.leaves() {
        let part = survey
            .clone()
            .lazy()
            .filter(col("component").eq(lit(c.code.clone())))
            .group_by([col("locality_code").alias("unit"), col("year").cast(DataType::Int32)])
            .agg([col("score").first().alias(c.code.as_str())]);
        frame = frame.join(part, [col("unit"), col("year")], [col("unit"), col("year")], JoinArgs::new(JoinType::Left));
    }
    frame.collect()
}
