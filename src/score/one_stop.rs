//! The one-stop section's targets (seed item 10, section IV.4 of the plan): met or not,
//! and by how much — the gap in percentage points and the dossiers still missing.

use polars::prelude::*;

/// A "100 %" target over a numerator and denominator of the scope table.
struct Target {
    code: &'static str,
    name: &'static str,
    numerator: &'static str,
    denominator: &'static str,
}

const FULL_RATE_TARGETS: &[Target] = &[
    Target {
        code: "dung_han_100",
        name: "100% hồ sơ giải quyết đúng hạn, trước hạn",
        numerator: "on_time",
        denominator: "active",
    },
    Target {
        code: "ky_so_100", name: "100% kết quả được ký số", numerator: "e_signed", denominator: "finished"
    },
    Target {
        code: "so_hoa_dau_vao_100",
        name: "100% hồ sơ đầu vào được số hóa",
        numerator: "input_digitised",
        denominator: "received",
    },
    Target {
        code: "so_hoa_ket_qua_100",
        name: "100% kết quả giải quyết được số hóa",
        numerator: "result_digitised",
        denominator: "finished",
    },
];

/// One row per scope and target: actual, target, met, gap (share), shortfall (dossiers).
pub(super) fn one_stop_targets(scopes: &DataFrame) -> PolarsResult<DataFrame> {
    let mut parts: Vec<LazyFrame> = FULL_RATE_TARGETS
        .iter()
        .map(|t| {
            let num = col(t.numerator).cast(DataType::Float64);
            let den = col(t.denominator).cast(DataType::Float64);
            scopes.clone().lazy().filter(col(t.denominator).gt(lit(0i64))).select([
                col("scope"),
                lit(t.code).alias("target"),
                lit(t.name).alias("target_name"),
                lit(1.0).alias("target_value"),
                (num.clone() / den.clone()).alias("actual"),
                lit("rate").alias("unit_of_measure"),
                col(t.numerator).eq(col(t.denominator)).alias("met"),
                (lit(1.0) - num.clone() / den.clone()).alias("gap"),
                (den - num).cast(DataType::Int64).alias("shortfall"),
            ])
        })
        .collect();
    let zero_target = |code: &'static str, name: &'static str, column: &'static str, den: &'static str| {
        scopes.clone().lazy().filter(col(den).gt(lit(0i64))).select([
            col("scope"),
            lit(code).alias("target"),
            lit(name).alias("target_name"),
            lit(0.0).alias("target_value"),
            col(column).cast(DataType::Float64).alias("actual"),
            lit("count").alias("unit_of_measure"),
            col(column).eq(lit(0i64)).alias("met"),
            col(column).cast(DataType::Float64).alias("gap"),
            col(column).cast(DataType::Int64).alias("shortfall"),
        ])
    };
    parts.push(zero_target("khong_tre_han", "Không có hồ sơ giải quyết chậm, muộn, quá hạn", "late", "active"));
    parts.push(zero_target(
        "pakn_giai_quyet_het",
        "Giải quyết dứt điểm phản ánh, kiến nghị về TTHC",
        "procedure_complaints_open",
        "feedback_active",
    ));
    concat(parts, UnionArgs::default())?.collect()
}
