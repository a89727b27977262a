//! A source as the pipeline checked it: which dataset it feeds, where its exports are, and
//! how they are read. Pull owns the type (it is what pull works from); the pipeline file is
//! where it is written and checked.

use std::collections::BTreeMap;

use super::http::REQUEST_PLACEHOLDERS;
use crate::dataset::Dataset;
use crate::period::Period;

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

/// Every `{name}` in a source's templates that nothing fills, as (the `{name}` as written,
/// the problem in Vietnamese): a folder pattern knows [`Period::PLACEHOLDERS`], a request
/// (the URL, a query value, the body) [`REQUEST_PLACEHOLDERS`] too. Unfilled, a misspelt
/// `{perod}` is looked for literally and the source finds no file, month after month.
pub fn unknown_placeholders(
    id: &str,
    glob: Option<&str>,
    url: Option<&str>,
    http: Option<&super::HttpSpec>,
) -> Vec<(String, String)> {
    let request: Vec<&str> = Period::PLACEHOLDERS.iter().chain(REQUEST_PLACEHOLDERS).copied().collect();
    let mut templates: Vec<(&str, &str, &[&str])> = Vec::new();
    templates.extend(glob.map(|g| ("glob", g, Period::PLACEHOLDERS)));
    templates.extend(url.map(|u| ("url", u, request.as_slice())));
    if let Some(h) = http {
        templates.extend(h.url.as_deref().map(|u| ("url", u, request.as_slice())));
        templates.extend(h.query.values().map(|q| ("query", q.as_str(), request.as_slice())));
        templates.extend(h.body.as_deref().map(|b| ("body", b, request.as_slice())));
    }
    templates
        .into_iter()
        .flat_map(|(key, template, known)| unknown_in(&format!("nguồn \"{id}\": {key}"), template, known))
        .collect()
}

/// The `{name}`s of `template` that are not in `known`, each as (the text, the problem), the
/// problem starting with `what` ("report.file_name", "nguồn \"x\": glob").
pub fn unknown_in(what: &str, template: &str, known: &[&str]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for name in placeholders(template).filter(|n| !known.contains(n)) {
        let hint = nearest(name, known).map(|k| format!(" — có phải {{{k}}}?")).unwrap_or_default();
        let listed: Vec<String> = known.iter().map(|k| format!("{{{k}}}")).collect();
        out.push((
            format!("{{{name}}}"),
            format!(
                "{what} có {{{name}}}, không phải chỗ giữ chỗ thidua điền{hint} (dùng được: {})",
                listed.join(", ")
            ),
        ));
    }
    out
}

fn placeholders(template: &str) -> impl Iterator<Item = &str> {
    template.split('{').skip(1).filter_map(|rest| {
        let name = &rest[..rest.find('}')?];
        (!name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')).then_some(name)
    })
}

/// The known name within two edits of `name`, if there is one.
fn nearest<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    known.iter().map(|k| (edits(name, k), *k)).filter(|(d, _)| *d <= 2).min().map(|(_, k)| k)
}

/// Levenshtein distance (the names are a few letters long).
fn edits(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(here + 1);
            prev = here;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_misspelt_placeholder_is_named_with_the_likely_one() {
        let found = unknown_placeholders("ho-so", Some("du-lieu/{perod}/{year}/*"), None, None);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "{perod}");
        assert!(found[0].1.contains("glob có {perod}") && found[0].1.contains("có phải {period}?"), "{found:?}");
        // {page} belongs to requests, not to folder patterns.
        assert_eq!(unknown_placeholders("x", Some("a/{page}"), None, None).len(), 1);
        assert!(unknown_placeholders("x", Some("a/{period}/{month}-{quarter}"), None, None).is_empty());
    }

    #[test]
    fn a_request_knows_its_own_placeholders_and_a_json_body_is_not_one() {
        let spec: super::super::HttpSpec = toml::from_str(
            r#"
            url = "https://a.example/r?y={year}&p={page}"
            query = { size = "{page_size}", from = "{from_iso}", to = "{too}" }
            body = '{"timeType":"month","month":{month0},"x":{}}'
            "#,
        )
        .unwrap();
        let found = unknown_placeholders("api", None, None, Some(&spec));
        assert_eq!(found.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(), ["{too}"], "{found:?}");
        assert!(found[0].1.contains("query có {too}") && found[0].1.contains("có phải {to}?"), "{found:?}");
    }
}
