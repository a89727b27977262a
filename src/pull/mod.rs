//! Pull: fetch the period's exports and archive them, without reading what is inside.
//!
//! Today a source is a drop folder: an officer downloads the export and saves it where the
//! pipeline's glob looks (`{period}` and friends are filled in). Files are taken in name
//! order, so that of two overlapping downloads the later-named one is read last. Or an export
//! API ([`http`]): every page is archived and read like a file.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::DateTime;
use chrono_tz::Tz;

use crate::dataset::Dataset;
use crate::outcome::{Failure, Tag};
use crate::period::Period;

pub mod http;
mod http_spec;
mod source;
use crate::store::{Archived, Received, Store};
pub use http_spec::HttpSpec;
pub use source::{Location, Source, unknown_in, unknown_placeholders};

/// One export as received and archived. Ingest reads the archived copy, or a new drop-folder
/// file itself while the archive copies and hashes it: its `archived.sha256` is empty until
/// `Store::hashed`, which refuses a file that changed meanwhile, so what is scored is
/// exactly what the archive holds.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub source: Source,
    /// The name shown to people (file name, or path relative to the project).
    pub name: String,
    pub archived: Archived,
    pub content: Content,
}

/// Where an export's bytes are: large drop-folder files stay on disk and are streamed.
#[derive(Debug, Clone)]
pub enum Content {
    Bytes(Vec<u8>),
    File(PathBuf),
}

impl Fetched {
    pub fn dataset(&self) -> Dataset {
        self.source.dataset
    }

    /// An export already in memory, as if archived from `origin` for `period` (for tools
    /// and tests that read a file without a store).
    pub fn from_bytes(source: Source, name: &str, origin: &str, period: Period, bytes: Vec<u8>) -> Fetched {
        let archived = Archived {
            source: source.id.clone(),
            dataset: source.dataset.name().to_string(),
            period: period.to_string(),
            origin: origin.to_string(),
            fetched_at: String::new(),
            sha256: crate::store::sha256_hex(&bytes),
            bytes: bytes.len() as u64,
            stored: String::new(),
            seen: None,
        };
        Fetched { source, name: name.to_string(), archived, content: Content::Bytes(bytes) }
    }

    /// The whole export in memory (workbooks and JSON are read whole anyway).
    pub fn bytes(&self) -> Result<Cow<'_, [u8]>> {
        match &self.content {
            Content::Bytes(b) => Ok(Cow::Borrowed(b)),
            Content::File(p) => {
                Ok(Cow::Owned(std::fs::read(p).with_context(|| format!("không đọc được {}", p.display()))?))
            }
        }
    }
}

/// What a source yielded for the period.
#[derive(Debug, Clone)]
pub struct Pulled {
    pub files: Vec<Fetched>,
    /// Optional sources that had nothing for the period: (source id, where it looked).
    pub absent: Vec<(String, String)>,
    /// Things worth a data-quality finding: (source id, message in Vietnamese).
    pub notes: Vec<(String, String)>,
}

/// The national portal's public endpoint for the 766 reports.
pub const PORTAL_URL: &str = "https://dichvucong.gov.vn/jsp/rest.jsp";

/// The request the national portal answers with every commune's 766 scores for a period
/// (`report_tinh_766_service`): a form-encoded POST whose `params` field holds JSON;
/// `p_thang` 0 asks for the year so far. Rows come back 1000 to a page.
pub fn portal766(url: Option<&str>, province_id: Option<&str>) -> std::result::Result<http::HttpSource, String> {
    let url = url.unwrap_or(PORTAL_URL).to_string();
    http::check_url(&url)?;
    let province = province_id.filter(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit())).ok_or_else(|| {
        "type = \"portal766\" cần province_id: mã tỉnh trên Cổng DVCQG (p_tinh_id, chỉ gồm chữ số)".to_string()
    })?;
    let template = format!(
        "{{\"type\":\"ref\",\"service\":\"report_tinh_766_service\",\"p_nam\":\"{{year}}\",\"p_tinh_id\":\"{province}\",\
         \"p_6thang\":0,\"p_quy\":0,\"p_thang\":{{month0}},\"p_loaidonvi\":1,\"loaichitieu\":0,\
         \"pageIndex\":{{page}},\"pageSize\":{{page_size}}}}"
    );
    Ok(http::HttpSource {
        url,
        method: http::Method::Post,
        body: Some(http::Body::Form { field: "params".into(), template }),
        query: Default::default(),
        format: http::HttpFormat::Json,
        auth: None,
        pagination: http::Pagination::Page { size: 1000, first: 1 },
        timeout: std::time::Duration::from_secs(60),
        connect_timeout: std::time::Duration::from_secs(10),
        max_bytes: 50 * 1024 * 1024,
        retries: 4,
        max_pages: http::DEFAULT_MAX_PAGES,
        max_duration: std::time::Duration::from_secs(http::DEFAULT_MAX_SECONDS),
        ca_file: None,
        any_content_type: true,
    })
}

/// Fetches every source for the period and archives what arrived. Drop-folder globs are
/// relative to `root` (the project folder).
pub fn pull(sources: &[Source], period: Period, root: &Path, store: &Store, now: DateTime<Tz>) -> Result<Pulled> {
    let mut pulled = Pulled { files: Vec::new(), absent: Vec::new(), notes: Vec::new() };
    for source in sources {
        let files = match &source.location {
            Location::File { glob } => pull_files(source, glob, period, root, store, now, &mut pulled.notes)?,
            Location::Http(h) => pull_http(source, h, period, store, now, &mut pulled.notes).tag(Failure::Data)?,
        };
        match files {
            Ok(files) => pulled.files.extend(files),
            Err(shown) if source.required => {
                return Err(anyhow::anyhow!(
                    "nguồn \"{}\" không có tệp nào cho kỳ {period} (tìm theo {shown})",
                    source.id
                ))
                .tag(Failure::Data);
            }
            Err(shown) => pulled.absent.push((source.id.clone(), shown)),
        }
    }
    Ok(pulled)
}

/// The period's files of a drop folder; `Err(pattern)` when there are none.
///
/// A symbolic link is never followed (a note names it): whoever can write to the drop
/// folder could otherwise have any file this program can read archived, e-mailed as
/// evidence and scored.
fn pull_files(
    source: &Source,
    glob: &str,
    period: Period,
    root: &Path,
    store: &Store,
    now: DateTime<Tz>,
    notes: &mut Vec<(String, String)>,
) -> Result<std::result::Result<Vec<Fetched>, String>> {
    let pattern = root.join(period.fill(glob));
    let pattern_text = pattern.to_string_lossy().into_owned();
    let shown = |p: &std::path::Path| p.strip_prefix(root).unwrap_or(p).display().to_string();
    let mut paths = Vec::new();
    let mut links = Vec::new();
    for path in glob::glob(&pattern_text)
        .with_context(|| format!("glob không hợp lệ: {pattern_text}"))
        .tag(Failure::Config)?
        .filter_map(Result::ok)
    {
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => links.push(shown(&path)),
            Ok(meta) if meta.is_file() => paths.push(path),
            _ => {}
        }
    }
    paths.sort();
    links.sort();
    for link in &links {
        notes.push((
            source.id.clone(),
            format!("Bỏ qua {link}: là liên kết tượng trưng (symlink), không đọc tệp qua liên kết"),
        ));
    }
    if paths.is_empty() {
        let skipped = if links.is_empty() {
            String::new()
        } else {
            format!("; đã bỏ qua liên kết tượng trưng {}", links.join(", "))
        };
        return Ok(Err(format!("{}{skipped}", shown(&pattern))));
    }
    let mut files = Vec::new();
    for path in paths {
        let shown = shown(&path);
        let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let got = Received {
            source: &source.id,
            dataset: source.dataset.name(),
            period,
            origin: &shown,
            file_name: &file_name,
            fetched_at: now,
        };
        let (archived, read_at) =
            store.archive_file(&got, &path).context("không lưu được bản gốc vào kho lưu trữ").tag(Failure::Storage)?;
        let content = Content::File(read_at);
        files.push(Fetched { source: source.clone(), name: file_name, archived, content });
    }
    Ok(Ok(files))
}

fn archive(
    store: &Store,
    source: &Source,
    period: Period,
    origin: &str,
    file_name: &str,
    bytes: Vec<u8>,
    now: DateTime<Tz>,
) -> Result<Fetched> {
    let got =
        Received { source: &source.id, dataset: source.dataset.name(), period, origin, file_name, fetched_at: now };
    let archived = store.archive(&got, &bytes).context("không lưu được bản gốc vào kho lưu trữ")?;
    Ok(Fetched { source: source.clone(), name: file_name.to_string(), archived, content: Content::Bytes(bytes) })
}

/// What a pull remembers of the period between runs: each page's validators and where its
/// body is archived, and how many records the pull brought.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct PullState {
    pages: std::collections::BTreeMap<String, (http::Validator, String)>,
    records: Option<usize>,
}

/// Every page of an HTTP source; a page unchanged since last time is taken from the archive.
/// Fewer records than the server announced fail the pull; fewer than the last pull of the
/// same period is a note for the data-quality sheet.
fn pull_http(
    source: &Source,
    h: &http::HttpSource,
    period: Period,
    store: &Store,
    now: DateTime<Tz>,
    notes: &mut Vec<(String, String)>,
) -> Result<std::result::Result<Vec<Fetched>, String>> {
    let mut state: PullState =
        store.read_state(&source.id, period).and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default();
    let last = state.pages.iter().map(|(k, (v, _))| (k.clone(), v.clone())).collect();
    let cached = |key: &str| state.pages.get(key).and_then(|(_, stored)| store.read_archived(stored).ok());
    let got = http::fetch(&source.id, h, period, &last, &cached)?;
    if let Some(announced) = got.announced
        && got.records < announced
    {
        anyhow::bail!(
            "nguồn \"{}\": máy chủ báo {announced} bản ghi nhưng chỉ nhận được {} qua {} trang; không dùng dữ liệu thiếu",
            source.id,
            got.records,
            got.pages.len()
        );
    }
    if let Some(before) = state.records
        && got.records < before
    {
        notes.push((
            source.id.clone(),
            format!("Lần tải này nhận {} bản ghi cho kỳ {period}, ít hơn lần tải trước ({before})", got.records),
        ));
    }
    let mut files = Vec::new();
    for (n, (key, page)) in got.pages.into_iter().enumerate() {
        let name = format!("{}-{period}-p{}.{}", source.id, n + 1, h.format.ext());
        let fetched = match page {
            http::Fetched::Body { bytes, url, validator } => {
                let f = archive(store, source, period, &url, &name, bytes, now)?;
                state.pages.insert(key, (validator, f.archived.stored.clone()));
                f
            }
            http::Fetched::NotModified { url } => {
                let stored =
                    state.pages.get(&key).map(|(_, s)| s.clone()).context("máy chủ trả 304 cho trang chưa từng tải")?;
                archive(store, source, period, &url, &name, store.read_archived(&stored)?, now)?
            }
        };
        files.push(fetched);
    }
    state.records = Some(got.records);
    store.write_state(&source.id, period, &serde_json::to_vec_pretty(&state)?)?;
    Ok(Ok(files))
}
