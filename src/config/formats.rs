//! Loading the format profiles of `config/formats/` and checking them, with lines for every
//! problem. The runtime type is [`crate::ingest::Profile`]; this file only reads and checks.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::diag::{Diagnostics, SourceText};
use super::name_key;
use crate::dataset::Dataset;
use crate::ingest::{FieldType, Format, Profile, Source};
use crate::national::Status;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileSpec {
    id: Spanned<String>,
    name: String,
    dataset: Dataset,
    formats: Vec<FormatName>,
    #[serde(default)]
    records: Vec<String>,
    #[serde(default)]
    dates: Vec<Spanned<String>>,
    fields: Spanned<BTreeMap<String, FieldSpec>>,
    #[serde(default)]
    personal: Vec<String>,
    #[serde(default)]
    codes: BTreeMap<String, Spanned<BTreeMap<String, i64>>>,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum FormatName {
    Csv,
    Excel,
    Json,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum FieldSpec {
    One(SourceSpec),
    Many(Vec<SourceSpec>),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum SourceSpec {
    Column(String),
    Fact(FactSpec),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FactSpec {
    count: Option<String>,
    last: Option<String>,
    any: Option<String>,
    any_positive: Option<String>,
    non_empty: Option<String>,
}

impl SourceSpec {
    fn check(self) -> Result<Source, String> {
        let f = match self {
            SourceSpec::Column(c) => return Ok(Source::Column(c)),
            SourceSpec::Fact(f) => f,
        };
        let all = [
            f.count.map(Source::Count),
            f.last.map(Source::Last),
            f.any.map(Source::Any),
            f.any_positive.map(Source::AnyPositive),
            f.non_empty.map(Source::NonEmpty),
        ];
        let mut given = all.into_iter().flatten();
        match (given.next(), given.next()) {
            (Some(s), None) => Ok(s),
            _ => Err("mỗi nguồn dạng bảng cần đúng một trong count, last, any, any_positive, non_empty".into()),
        }
    }
}

/// The values a code table may map to, per field (the national model's sets).
fn allowed_codes(field: &str) -> Option<Vec<i64>> {
    match field {
        "status" => Some(Status::ALL.iter().map(|s| s.code()).collect()),
        "channel" => Some(vec![1, 2, 3]),
        "paid_online" => Some(vec![0, 1, 2]),
        _ => None,
    }
}

fn layout_ok(layout: &str) -> bool {
    use chrono::format::{Item, StrftimeItems};
    !layout.is_empty() && StrftimeItems::new(layout).all(|i| !matches!(i, Item::Error))
}

/// Loads every `*.toml` of the formats folder (none is fine: built-in names are used).
pub fn load_profiles(root: &Path, dir: &Path, diag: &mut Diagnostics) -> Vec<Profile> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "toml")).collect()
        })
        .unwrap_or_default();
    files.sort();
    let mut out: Vec<Profile> = Vec::new();
    for path in files {
        let Some((src, spec)) = diag.parse::<ProfileSpec>(root, &path) else { continue };
        let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        if spec.id.get_ref() != &stem {
            diag.at(&src, &spec.id.span(), format!("id \"{}\" phải trùng tên tệp \"{stem}\"", spec.id.get_ref()));
        }
        if let Some(p) = check(&src, spec, diag) {
            out.push(p);
        }
    }
    out
}

fn check(src: &SourceText, spec: ProfileSpec, diag: &mut Diagnostics) -> Option<Profile> {
    let before = diag.problems().len();
    let schema = spec.dataset.schema();
    let fields_span = spec.fields.span();
    let fields = fields(src, spec.dataset, spec.fields.into_inner(), &fields_span, diag);
    for f in schema.fields.iter().filter(|f| f.required) {
        if !fields.contains_key(f.name) {
            diag.at(src, &fields_span, format!("thiếu trường bắt buộc \"{}\"", f.name));
        }
    }
    let codes = codes(src, spec.dataset, spec.codes, diag);
    let statuses = schema.fields.iter().find(|f| f.ty == FieldType::Status);
    if let Some(f) = statuses
        && fields.contains_key(f.name)
        && !codes.contains_key(f.name)
    {
        diag.at(
            src,
            &fields_span,
            format!(
                "trường \"{}\" cần bảng mã [codes.{}]: giá trị của hệ thống → mã trạng thái quốc gia",
                f.name, f.name
            ),
        );
    }
    for d in &spec.dates {
        if !layout_ok(d.get_ref()) {
            diag.at(src, &d.span(), format!("định dạng ngày không hợp lệ: \"{}\"", d.get_ref()));
        }
    }
    if spec.formats.is_empty() {
        diag.at(src, &fields_span, "formats cần ít nhất một trong csv, excel, json");
    }
    (diag.problems().len() == before).then(|| Profile {
        id: spec.id.into_inner(),
        name: spec.name,
        dataset: spec.dataset,
        formats: spec
            .formats
            .iter()
            .map(|f| match f {
                FormatName::Csv => Format::Csv,
                FormatName::Excel => Format::Excel,
                FormatName::Json => Format::Json,
            })
            .collect(),
        records: if spec.records.is_empty() { vec![String::new()] } else { spec.records },
        dates: if spec.dates.is_empty() {
            crate::ingest::DEFAULT_DATES.iter().map(|s| (*s).to_string()).collect()
        } else {
            spec.dates.into_iter().map(Spanned::into_inner).collect()
        },
        fields,
        personal: spec.personal,
        codes,
        builtin: false,
    })
}

/// Each field's sources (columns or JSON paths), for fields the dataset has.
fn fields(
    src: &SourceText,
    dataset: Dataset,
    spec: BTreeMap<String, FieldSpec>,
    fields_span: &std::ops::Range<usize>,
    diag: &mut Diagnostics,
) -> BTreeMap<&'static str, Vec<Source>> {
    let schema = dataset.schema();
    let mut fields = BTreeMap::new();
    for (name, field) in spec {
        let Some(known) = schema.fields.iter().find(|f| f.name == name) else {
            let names: Vec<&str> = schema.fields.iter().map(|f| f.name).collect();
            diag.at(
                src,
                fields_span,
                format!("trường \"{name}\" không có trong dữ liệu {} (có: {})", dataset.name(), names.join(", ")),
            );
            continue;
        };
        let specs = match field {
            FieldSpec::One(s) => vec![s],
            FieldSpec::Many(v) => v,
        };
        let mut sources = Vec::new();
        for s in specs {
            match s.check() {
                Ok(s) => sources.push(s),
                Err(e) => diag.at(src, fields_span, format!("trường \"{name}\": {e}")),
            }
        }
        if sources.is_empty() {
            diag.at(src, fields_span, format!("trường \"{name}\": cần ít nhất một cột hoặc đường dẫn"));
        }
        fields.insert(known.name, sources);
    }
    fields
}

/// The code tables (the system's values to national codes), for numeric code fields only.
fn codes(
    src: &SourceText,
    dataset: Dataset,
    spec: BTreeMap<String, Spanned<BTreeMap<String, i64>>>,
    diag: &mut Diagnostics,
) -> BTreeMap<&'static str, BTreeMap<String, i64>> {
    let schema = dataset.schema();
    let mut codes = BTreeMap::new();
    for (name, table) in spec {
        let span = table.span();
        let Some(field) = schema.fields.iter().find(|f| f.name == name) else {
            diag.at(src, &span, format!("bảng mã cho trường \"{name}\" không có trong dữ liệu"));
            continue;
        };
        if !matches!(field.ty, FieldType::Int | FieldType::Status) {
            diag.at(src, &span, format!("trường \"{name}\" không dùng bảng mã (chỉ trường số mã)"));
            continue;
        }
        let allowed = allowed_codes(field.name);
        let mut keyed = BTreeMap::new();
        for (value, code) in table.into_inner() {
            if let Some(allowed) = &allowed
                && !allowed.contains(&code)
            {
                diag.at(src, &span, format!("codes.{name}: \"{value}\" = {code} không phải mã hợp lệ ({allowed:?})"));
            }
            keyed.insert(name_key(&value), code);
        }
        codes.insert(field.name, keyed);
    }
    codes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_profiles_load() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut d = Diagnostics::default();
        let profiles = load_profiles(root, &root.join("config/formats"), &mut d);
        assert!(d.is_empty(), "{:?}", d.problems());
        let ids: Vec<&str> = profiles.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["dvcqg-dongbo", "igate-vnpt", "xuat-excel-tinh"]);
        let national = &profiles[0];
        assert_eq!(national.code_table("status").unwrap().get(&name_key("Đã trả kết quả")), Some(&10));
        assert_eq!(national.fields["due_at"][0], Source::Last("DanhSachHoSoBoSung.NgayHenTraMoi".into()));
    }

    #[test]
    fn a_broken_profile_names_every_problem() {
        let dir = tempfile::tempdir().unwrap();
        let text = "id = \"x\"\nname = \"x\"\ndataset = \"dossiers\"\nformats = [\"csv\"]\n\
                    dates = [\"%Q\"]\n[fields]\ndossier_id = \"A\"\nunit_name = \"B\"\nreceived_at = \"C\"\n\
                    status = \"D\"\nhuong = \"E\"\n[codes.channel]\n\"x\" = 7\n";
        std::fs::write(dir.path().join("x.toml"), text).unwrap();
        let mut d = Diagnostics::default();
        assert!(load_profiles(dir.path(), dir.path(), &mut d).is_empty());
        let all: Vec<String> = d.problems().iter().map(ToString::to_string).collect();
        let all = all.join("\n");
        assert!(all.contains("x.toml:5: định dạng ngày không hợp lệ"), "{all}");
        assert!(all.contains("trường \"huong\" không có"), "{all}");
        assert!(all.contains("codes.channel: \"x\" = 7"), "{all}");
        assert!(all.contains("cần bảng mã [codes.status]"), "{all}");
    }
}
