//! `type = "http"` sources as written in a pipeline file, and their checked form.
//!
//! Secrets are named, never written: a token, password or header value comes from an
//! environment variable (`*_env`) or a file (`*_file`) read when the request is made.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;

use super::http::{Auth, DEFAULT_MAX_PAGES, DEFAULT_MAX_SECONDS, HttpFormat, HttpSource, Method, Pagination};
use crate::secret::Secret;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct HttpSpec {
    pub url: Option<String>,
    pub method: Option<Method>,
    /// A JSON body template: `{year}`, `{month}` (a number), `{mm}` (two digits), `{quarter}`,
    /// `{period}`, `{from}`, `{to}` (dd/mm/yyyy), `{from_iso}`, `{to_iso}`, `{page}`, `{page_size}`.
    pub body: Option<String>,
    #[serde(default)]
    pub query: BTreeMap<String, String>,
    pub format: Option<HttpFormat>,
    pub auth: Option<AuthSpec>,
    pub pagination: Option<PaginationSpec>,
    pub timeout_seconds: Option<u64>,
    pub connect_timeout_seconds: Option<u64>,
    pub max_bytes: Option<u64>,
    pub retries: Option<u32>,
    /// Pages one pull may fetch (1000).
    pub max_pages: Option<usize>,
    /// Seconds one pull may take, every page and retry included (900).
    pub max_seconds: Option<u64>,
    pub ca_file: Option<PathBuf>,
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum AuthSpec {
    Bearer { token_env: Option<String>, token_file: Option<PathBuf> },
    Basic { user: String, password_env: Option<String>, password_file: Option<PathBuf> },
    Header { name: String, value_env: Option<String>, value_file: Option<PathBuf> },
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum PaginationSpec {
    /// Pages numbered from `first` of `size` records, until a page comes back short.
    Page { size: usize, first: Option<u32> },
    /// Spring Data pages (`content`, `totalPages`, `totalElements`, `last`), from `first` (0).
    Spring { size: usize, first: Option<u32> },
    /// Follow the URL in this JSON field until it is empty.
    NextLink { field: String },
}

fn secret(env: Option<String>, file: Option<PathBuf>, what: &str, root: &std::path::Path) -> Result<Secret, String> {
    match (env, file) {
        (Some(e), None) => Ok(Secret::Env(e)),
        (None, Some(f)) => Ok(Secret::File(if f.is_absolute() { f } else { root.join(f) })),
        _ => Err(format!("{what}: cần đúng một trong *_env hoặc *_file")),
    }
}

impl HttpSpec {
    /// Checks an http source; `Err` lists what is wrong, in Vietnamese.
    pub fn check(self, id: &str, root: &std::path::Path) -> Result<HttpSource, String> {
        let url = self.url.ok_or_else(|| format!("nguồn \"{id}\": type = \"http\" cần url"))?;
        crate::pull::http::check_url(&url).map_err(|e| format!("nguồn \"{id}\": {e}"))?;
        let auth = match self.auth {
            None => None,
            Some(AuthSpec::Bearer { token_env, token_file }) => {
                Some(Auth::Bearer(secret(token_env, token_file, "auth bearer", root)?))
            }
            Some(AuthSpec::Basic { user, password_env, password_file }) => {
                Some(Auth::Basic(user, secret(password_env, password_file, "auth basic", root)?))
            }
            Some(AuthSpec::Header { name, value_env, value_file }) => {
                Some(Auth::Header(name, secret(value_env, value_file, "auth header", root)?))
            }
        };
        let pagination = match self.pagination {
            None => Pagination::None,
            Some(PaginationSpec::Page { size, first }) if size > 0 => {
                Pagination::Page { size, first: first.unwrap_or(1) }
            }
            Some(PaginationSpec::Spring { size, first }) if size > 0 => {
                Pagination::Spring { size, first: first.unwrap_or(0) }
            }
            Some(PaginationSpec::Page { .. } | PaginationSpec::Spring { .. }) => {
                return Err(format!("nguồn \"{id}\": pagination.size phải dương"));
            }
            Some(PaginationSpec::NextLink { field }) => Pagination::NextLink(field),
        };
        let max_pages = self.max_pages.unwrap_or(DEFAULT_MAX_PAGES);
        let max_seconds = self.max_seconds.unwrap_or(DEFAULT_MAX_SECONDS);
        if max_pages == 0 || max_seconds == 0 {
            return Err(format!("nguồn \"{id}\": max_pages và max_seconds phải dương"));
        }
        let abs = |p: PathBuf| if p.is_absolute() { p } else { root.join(p) };
        Ok(HttpSource {
            url,
            method: self.method.unwrap_or(Method::Get),
            body: self.body.map(crate::pull::http::Body::Json),
            query: self.query,
            format: self.format.unwrap_or(HttpFormat::Json),
            auth,
            pagination,
            timeout: std::time::Duration::from_secs(self.timeout_seconds.unwrap_or(60)),
            connect_timeout: std::time::Duration::from_secs(self.connect_timeout_seconds.unwrap_or(10)),
            max_bytes: self.max_bytes.unwrap_or(200 * 1024 * 1024),
            retries: self.retries.unwrap_or(4),
            max_pages,
            max_duration: std::time::Duration::from_secs(max_seconds),
            ca_file: self.ca_file.map(abs),
            any_content_type: false,
        })
    }
}
