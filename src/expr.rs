//! Polars expression helpers shared by the stages that may use Polars (ingest, score).

use polars::prelude::*;

/// `CASE WHEN c1 THEN v1 WHEN c2 THEN v2 … ELSE otherwise END`: the first true condition wins.
pub fn first_match(branches: impl IntoIterator<Item = (Expr, Expr)>, otherwise: Expr) -> Expr {
    let mut branches = branches.into_iter();
    let Some((c, v)) = branches.next() else { return otherwise };
    let first = when(c).then(v);
    let Some((c, v)) = branches.next() else { return first.otherwise(otherwise) };
    branches.fold(first.when(c).then(v), |chain, (c, v)| chain.when(c).then(v)).otherwise(otherwise)
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
