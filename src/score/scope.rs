//! The scopes a scorecard has rows for: each unit by its code, and the whole ward.

/// The scope name of the whole-ward row (all dossiers, including unknown units).
pub const WARD_SCOPE: &str = "TOAN_PHUONG";
