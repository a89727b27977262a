//! Officers as readers know them: by name and position, not by login.
//!
//! The monthly workbook's sheets and each unit's card list the officer behind a figure or an
//! overdue dossier; both take the name from here, so a card and the workbook never name the
//! same officer two ways (and neither imports the other).

use polars::prelude::*;

use crate::registry::Registry;

/// Officer login → name and position (`label_officer`, `officer_name`, `officer_position`).
pub(super) fn officer_labels(registry: &Registry) -> PolarsResult<DataFrame> {
    df![
        "label_officer" => registry.officers.iter().map(|o| o.id.clone()).collect::<Vec<_>>(),
        "officer_name" => registry.officers.iter().map(|o| o.name.clone()).collect::<Vec<_>>(),
        "officer_position" => registry.officers.iter().map(|o| o.position.clone()).collect::<Vec<_>>(),
    ]
}

/// `officer_name` and `officer_position` beside a frame's `officer_id`, as the register has
/// them: a login is not for readers. A login the register does not know stays as written
/// (it is all the export says of the officer). The workbook's sheets and the unit cards.
pub(super) fn with_officer_names(df: &DataFrame, registry: &Registry) -> PolarsResult<DataFrame> {
    df.clone()
        .lazy()
        .join(officer_labels(registry)?.lazy(), [col("officer_id")], [col("label_officer")], left_keep_order())
        .with_column(col("officer_name").fill_null(col("officer_id")))
        .collect()
}

/// A left join that keeps the left side's rows in their order.
pub(super) fn left_keep_order() -> JoinArgs {
    JoinArgs { maintain_order: MaintainOrderJoin::Left, ..JoinArgs::new(JoinType::Left) }
}
