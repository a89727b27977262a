//! A source as the pipeline checked it: which dataset it feeds, where its exports are, and
//! how they are read. Pull owns the type (it is what pull works from); the pipeline file is
//! where it is written and checked.

use std::collections::BTreeMap;

use crate::dataset::Dataset;

/// Where a source's files come from.
#[derive(Debug, Clone)]
pub enum Location {
    File { glob: String },
    Http(Box<super::http::HttpSource>),
}

#[derive(Debug, Clone)]
pub struct Source {
    pub id: String,
    pub dataset: Dataset,
    pub location: Location,
    pub required: bool,
    /// The format profile named by the source, if any.
    pub profile: Option<String>,
    pub columns: BTreeMap<String, Vec<String>>,
}
