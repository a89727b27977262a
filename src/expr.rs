//! Polars expression helpers shared by the stages that may use Polars (ingest, score).

use polars::prelude::*;

/// `CASE WHEN c1 THEN v1 WHEN c2 THEN v2 … ELSE otherwise END`: the first true condition wins.
pub(crate) fn first_match(branches: impl IntoIterator<Item = (Expr, Expr)>, otherwise: Expr) -> Expr {
    let mut branches = branches.into_iter();
    let Some((c, v)) = branches.next() else { return otherwise };
    let first = when(c).then(v);
    let Some((c, v)) = branches.next() else { return first.otherwise(otherwise) };
    branches.fold(first.when(c).then(v), |chain, (c, v)| chain.when(c).then(v)).otherwise(otherwise)
}

/// A numeric column keyed by a text column, for the few lookups done outside Polars.
pub(crate) fn keyed_f64(df: &DataFrame, key: &str, value: &str) -> std::collections::BTreeMap<String, f64> {
    let (Ok(k), Ok(v)) = (df.column(key), df.column(value)) else { return Default::default() };
    let (Ok(k), Ok(v)) = (k.str(), v.cast(&DataType::Float64)) else { return Default::default() };
    let Ok(v) = v.f64() else { return Default::default() };
    k.iter().zip(v.iter()).filter_map(|(k, v)| Some((k?.to_string(), v?))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_true_branch_wins() {
        let df = df!["x" => [1, 5, 9]].unwrap();
        let e = first_match([(col("x").gt(lit(8)), lit("high")), (col("x").gt(lit(3)), lit("mid"))], lit("low"));
        let out = df.lazy().select([e.alias("y")]).collect().unwrap();
        let y: Vec<_> = out.column("y").unwrap().str().unwrap().iter().flatten().map(str::to_string).collect();
        assert_eq!(y, ["low", "mid", "high"]);
    }
}
