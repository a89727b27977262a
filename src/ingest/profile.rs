//! Format profiles: how one system's export shape maps onto a dataset's canonical fields.
//!
//! A profile is data (`config/formats/<id>.toml`, loaded by [`crate::config`]): for each
//! canonical field the export headers or JSON paths that carry it, facts counted from nested
//! JSON lists, the tables that turn a system's own status or channel values into the
//! national codes, and the date layouts it writes. The code knows only the canonical model;
//! a province whose system exports another shape writes a profile. Datasets the profiles do
//! not cover (feedback, documents, ...) use a built-in profile made of their schema's own
//! header names.
//!
//! Decision: when a source names no profile, every profile of its dataset that reads its
//! format is scored on the headers (or JSON paths) the file has, and the one that finds the
//! required fields and the most others wins; the choice is reported, never silent.

use std::collections::{BTreeMap, BTreeSet};

use super::tabular::Format;
use crate::dataset::Dataset;
use crate::registry::name_key;

/// Where a canonical field's value comes from in one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A column (header) of a table, or a path (`agency.code`) in a JSON record.
    Column(String),
    /// The number of entries of a nested list.
    Count(String),
    /// The last non-empty value of a field of a list's entries (`List.Field`).
    Last(String),
    /// 1 when some entry's field is 1 or true, 0 when none is (the list is present).
    Any(String),
    /// 1 when some entry's field is a number above 0.
    AnyPositive(String),
    /// 1 when the list has entries.
    NonEmpty(String),
}

impl Source {
    /// The column name this source has in the grid read from a file.
    pub fn key(&self) -> String {
        match self {
            Source::Column(p) => p.clone(),
            Source::Count(p) => format!("count({p})"),
            Source::Last(p) => format!("last({p})"),
            Source::Any(p) => format!("any({p})"),
            Source::AnyPositive(p) => format!("any_positive({p})"),
            Source::NonEmpty(p) => format!("non_empty({p})"),
        }
    }

    /// The path this source reads (a list's path for the list facts).
    pub fn path(&self) -> &str {
        match self {
            Source::Column(p)
            | Source::Count(p)
            | Source::Last(p)
            | Source::Any(p)
            | Source::AnyPositive(p)
            | Source::NonEmpty(p) => p,
        }
    }

    /// Whether the source is a plain column (the only kind a CSV or workbook has).
    pub fn is_column(&self) -> bool {
        matches!(self, Source::Column(_))
    }
}

/// A validated format profile.
#[derive(Debug, Clone)]
pub struct Profile {
    pub id: String,
    pub name: String,
    pub dataset: Dataset,
    pub formats: Vec<Format>,
    /// JSON: where the records are, first that holds an array wins ("" = the document).
    pub records: Vec<String>,
    /// Date layouts (chrono), tried in order; ISO 8601 with an offset and Excel serials
    /// are read whatever the profile says.
    pub dates: Vec<String>,
    /// Canonical field → its sources, first value present wins row by row.
    pub fields: BTreeMap<&'static str, Vec<Source>>,
    /// Headers or paths known to hold citizens' personal data (reported as dropped).
    pub personal: Vec<String>,
    /// Canonical field → export value (name key) → code.
    pub codes: BTreeMap<&'static str, BTreeMap<String, i64>>,
    /// Made from the dataset's schema, not from a file.
    pub builtin: bool,
}

/// Date layouts used when a profile names none.
pub const DEFAULT_DATES: &[&str] = &[
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%d-%m-%Y %H:%M:%S",
    "%d/%m/%Y",
    "%Y-%m-%d",
    "%d-%m-%Y",
];

impl Profile {
    /// The profile made of a dataset's schema headers (datasets without profile files).
    pub fn builtin(dataset: Dataset) -> Profile {
        let schema = dataset.schema();
        let fields = schema
            .fields
            .iter()
            .map(|f| {
                let mut sources: Vec<Source> = f.headers.iter().map(|h| Source::Column((*h).to_string())).collect();
                sources.push(Source::Column(f.name.to_string()));
                (f.name, sources)
            })
            .collect();
        Profile {
            id: format!("{}-mac-dinh", dataset.name()),
            name: format!("Tên cột chuẩn của dữ liệu {}", dataset.label_vi()),
            dataset,
            formats: vec![Format::Csv, Format::Excel, Format::Json],
            records: vec![String::new()],
            dates: DEFAULT_DATES.iter().map(|s| (*s).to_string()).collect(),
            fields,
            personal: schema.personal.iter().map(|s| (*s).to_string()).collect(),
            codes: BTreeMap::new(),
            builtin: true,
        }
    }

    /// The profile with a source's extra header names added to its fields.
    pub fn with_columns(mut self, extra: &BTreeMap<String, Vec<String>>) -> Profile {
        for (field, headers) in extra {
            if let Some(sources) = self.fields.iter_mut().find(|(name, _)| **name == field.as_str()).map(|(_, s)| s) {
                sources.extend(headers.iter().map(|h| Source::Column(h.clone())));
            }
        }
        self
    }

    /// Whether a header (or path) names a field of this profile or a personal column.
    pub fn knows(&self, header: &str) -> bool {
        let key = name_key(header);
        self.fields.values().flatten().any(|s| s.is_column() && name_key(s.path()) == key)
            || self.personal.iter().any(|p| name_key(p) == key)
    }

    /// The code a field's export value stands for, when the profile has a table for it.
    pub fn code_table(&self, field: &str) -> Option<&BTreeMap<String, i64>> {
        self.codes.get(field)
    }

    /// How well the profile fits a file whose headers (or JSON paths) are `present`:
    /// `None` when a required field has no source present, else the fields found.
    pub fn fit(&self, present: &BTreeSet<String>) -> Option<usize> {
        let schema = self.dataset.schema();
        let found = |field: &str| {
            self.fields.get(field).is_some_and(|sources| sources.iter().any(|s| present.contains(&name_key(s.path()))))
        };
        if schema.fields.iter().any(|f| f.required && !found(f.name)) {
            return None;
        }
        Some(schema.fields.iter().filter(|f| found(f.name)).count())
    }
}

/// How the profile of a file was settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// The source names it.
    Named,
    /// Recognised from the file's headers or paths.
    Recognised,
    /// The dataset's own header names.
    Builtin,
}

impl Choice {
    pub fn label_vi(self) -> &'static str {
        match self {
            Choice::Named => "theo cấu hình nguồn",
            Choice::Recognised => "tự nhận ra",
            Choice::Builtin => "tên cột chuẩn",
        }
    }
}

/// Picks the profile that fits `present` best; ties go to the earlier profile.
pub(super) fn recognise<'a>(candidates: &[&'a Profile], present: &BTreeSet<String>) -> Option<&'a Profile> {
    let mut best: Option<(usize, &Profile)> = None;
    for p in candidates {
        if let Some(score) = p.fit(present)
            && best.is_none_or(|(b, _)| score > b)
        {
            best = Some((score, p));
        }
    }
    best.map(|(_, p)| p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(id: &str, fields: &[(&'static str, &[&str])]) -> Profile {
        Profile {
            id: id.into(),
            name: id.into(),
            dataset: Dataset::Dossiers,
            formats: vec![Format::Csv],
            records: vec![],
            dates: vec![],
            fields: fields
                .iter()
                .map(|(f, hs)| (*f, hs.iter().map(|h| Source::Column((*h).to_string())).collect()))
                .collect(),
            personal: vec![],
            codes: BTreeMap::new(),
            builtin: false,
        }
    }

    #[test]
    fn the_profile_with_the_required_fields_and_most_others_wins() {
        let national = profile(
            "n",
            &[("dossier_id", &["MaHoSo"]), ("unit_name", &["DonViXuLy"]), ("received_at", &["NgayTiepNhan"])],
        );
        let excel = profile(
            "x",
            &[
                ("dossier_id", &["Mã hồ sơ"]),
                ("unit_name", &["Đơn vị xử lý"]),
                ("received_at", &["Ngày tiếp nhận"]),
                ("status", &["Trạng thái"]),
            ],
        );
        let present = |hs: &[&str]| hs.iter().map(|h| name_key(h)).collect::<BTreeSet<_>>();
        let both = [&national, &excel];
        assert_eq!(recognise(&both, &present(&["MaHoSo", "DonViXuLy", "NgayTiepNhan"])).unwrap().id, "n");
        assert_eq!(
            recognise(&both, &present(&["Mã hồ sơ", "ĐƠN VỊ XỬ LÝ", "Ngày tiếp nhận", "Trạng thái"])).unwrap().id,
            "x"
        );
        assert!(recognise(&both, &present(&["MaHoSo", "DonViXuLy"])).is_none(), "no received date: none fits");
    }
}
