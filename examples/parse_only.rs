//! The benchmark's floor (`bench/run.sh`): Polars reads a whole CSV, every column as text,
//! and nothing else — what any tool must at least spend on the file. Not part of thidua.
//!
//! Usage: `cargo run --release --example parse_only -- FILE.csv`

use polars::prelude::*;

fn main() -> PolarsResult<()> {
    let file = std::env::args().nth(1).expect("usage: parse_only FILE.csv");
    let df = CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .try_into_reader_with_file_path(Some(file.into()))?
        .finish()?;
    println!("{} dòng, {} cột", df.height(), df.width());
    Ok(())
}
