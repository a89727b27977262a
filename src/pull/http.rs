//! Pulling an export over HTTP from a provincial or national system.
//!
//! Every page is a response body archived byte for byte and handed to ingest like a file.
//! Failures that may pass (5xx, 429 with its Retry-After, timeouts, refused or cut
//! connections) are retried with exponential backoff and jitter; others are not, and a
//! refused authentication names the source and where its token is read from. TLS is always
//! verified (an internal server's own CA may be added); a body above the size limit is cut
//! off; unchanged exports are not downloaded again (ETag / Last-Modified). A page that comes
//! back 304 is read from the archive to decide whether more pages follow, so an unchanged
//! first page never ends the pull; the records of every page are counted, and a server that
//! announced more records than arrived fails the pull. Requests never leave the configured
//! origin (scheme, host, port): a next link or a redirect elsewhere fails the pull, as every
//! request carries the source's token or key.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use serde::Deserialize;

use crate::period::Period;
use crate::secret::Secret;

#[derive(Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    Get,
    Post,
}

/// What the endpoint returns; ingest reads it like a file of that type.
#[derive(Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum HttpFormat {
    Json,
    Csv,
    Xlsx,
}

impl HttpFormat {
    pub fn ext(self) -> &'static str {
        match self {
            HttpFormat::Json => "json",
            HttpFormat::Csv => "csv",
            HttpFormat::Xlsx => "xlsx",
        }
    }

    fn accepts(self, content_type: &str) -> bool {
        let ct = content_type.to_ascii_lowercase();
        match self {
            HttpFormat::Json => ct.contains("json"),
            HttpFormat::Csv => ct.contains("csv") || ct.starts_with("text/plain"),
            HttpFormat::Xlsx => ct.contains("spreadsheetml") || ct.contains("octet-stream") || ct.contains("excel"),
        }
    }
}

#[derive(Debug, Clone)]
pub enum Auth {
    Bearer(Secret),
    Basic(String, Secret),
    Header(String, Secret),
}

impl Auth {
    fn secret(&self) -> &Secret {
        match self {
            Auth::Bearer(s) | Auth::Basic(_, s) | Auth::Header(_, s) => s,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Pagination {
    None,
    Page {
        size: usize,
        first: u32,
    },
    NextLink(String),
    /// Spring Data pages: `{"content": [...], "totalPages", "totalElements", "last", "number"}`,
    /// numbered from `first` (0).
    Spring {
        size: usize,
        first: u32,
    },
}

/// How a request body is sent.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// The filled template as `application/json`.
    Json(String),
    /// The filled template as the value of one field of an `application/x-www-form-urlencoded`
    /// form (the national portal's `params=`).
    Form { field: String, template: String },
}

impl Body {
    fn template(&self) -> &str {
        match self {
            Body::Json(t) | Body::Form { template: t, .. } => t,
        }
    }
}

/// A checked http source.
#[derive(Debug, Clone)]
pub struct HttpSource {
    pub url: String,
    pub method: Method,
    pub body: Option<Body>,
    pub query: BTreeMap<String, String>,
    pub format: HttpFormat,
    pub auth: Option<Auth>,
    pub pagination: Pagination,
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub max_bytes: u64,
    pub retries: u32,
    /// Pages one pull may fetch.
    pub max_pages: usize,
    /// The time one pull may take, every page and retry included.
    pub max_duration: Duration,
    pub ca_file: Option<PathBuf>,
    /// Take any content type (the body is checked when read): the national portal's JSP
    /// endpoint does not label its JSON.
    pub any_content_type: bool,
}

/// A URL thidua may call: https, or plain http to this machine only (by the URL's host,
/// not by how the text begins: `http://localhost@other.example` goes to other.example).
pub fn check_url(url: &str) -> Result<(), String> {
    let parsed = reqwest::Url::parse(url).map_err(|e| format!("url không hợp lệ \"{url}\": {e}"))?;
    let local = matches!(parsed.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if local => Ok(()),
        _ => Err(format!("url phải dùng https:// (http chỉ cho máy chủ trên localhost): {url}")),
    }
}

/// What the server said last time for a page, to ask "changed since?".
#[derive(Debug, Clone, Default, serde::Serialize, Deserialize, PartialEq)]
pub struct Validator {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// One page as received.
#[derive(Debug)]
pub enum Fetched {
    Body {
        bytes: Vec<u8>,
        url: String,
        validator: Validator,
    },
    /// 304: the same as last time.
    NotModified {
        url: String,
    },
}

/// The names [`fill`] replaces in a request besides [`Period::PLACEHOLDERS`].
pub const REQUEST_PLACEHOLDERS: &[&str] = &["month0", "mm", "from", "to", "from_iso", "to_iso", "page", "page_size"];

/// `{year}`, `{month}` (a number: 9), `{month0}` (the month, 0 for a whole year), `{mm}` (09),
/// `{quarter}`, `{period}`, `{from}`, `{to}`,
/// `{from_iso}`, `{to_iso}`, `{page}`, `{page_size}` in a URL, query value or body template.
/// (In folder patterns `{month}` is padded; in requests it is a number, as JSON wants.)
pub fn fill(template: &str, period: Period, page: u32, page_size: usize) -> String {
    let month = period.month().map_or_else(|| "*".to_string(), |m| m.to_string());
    let month0 = period.month().map_or_else(|| "0".to_string(), |m| m.to_string());
    period
        .fill(&template.replace("{month0}", &month0).replace("{month}", &month).replace("{mm}", "{month}"))
        .replace("{from}", &period.first_day().format("%d/%m/%Y").to_string())
        .replace("{to}", &period.last_day().format("%d/%m/%Y").to_string())
        .replace("{from_iso}", &period.first_day().to_string())
        .replace("{to_iso}", &period.last_day().to_string())
        .replace("{page_size}", &page_size.to_string())
        .replace("{page}", &page.to_string())
}

/// How many redirects on the source's own server are followed before giving up.
const MAX_REDIRECTS: usize = 5;

/// Why a redirect was not followed, carried through reqwest's error to the message.
#[derive(Debug)]
struct RedirectRefused(String);

impl std::fmt::Display for RedirectRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RedirectRefused {}

/// Redirects are followed on the origin of the first request only: reqwest drops the
/// `Authorization` header on a move to another host, but not a custom key header, and the
/// body of another server would be archived as the source's export.
fn redirect_policy() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let first = attempt.previous().first().map(origin).unwrap_or_default();
        let to = attempt.url();
        if origin(to) != first {
            let shown = format!("{}{}", origin(to), to.path());
            attempt.error(RedirectRefused(format!(
                "máy chủ chuyển hướng sang {shown}, khác máy chủ đã cấu hình ({first}); không theo để mã truy cập \
                 không bị gửi tới máy chủ khác"
            )))
        } else if attempt.previous().len() > MAX_REDIRECTS {
            attempt.error(RedirectRefused(format!("máy chủ chuyển hướng quá {MAX_REDIRECTS} lần")))
        } else {
            attempt.follow()
        }
    })
}

/// The refused redirect behind a reqwest error, if that is what it is.
fn refused_redirect(e: &reqwest::Error) -> Option<&RedirectRefused> {
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        if let Some(r) = c.downcast_ref::<RedirectRefused>() {
            return Some(r);
        }
        cause = c.source();
    }
    None
}

fn client(h: &HttpSource) -> Result<reqwest::Client> {
    let mut b = reqwest::Client::builder()
        .connect_timeout(h.connect_timeout)
        .timeout(h.timeout)
        .https_only(false)
        .redirect(redirect_policy());
    if let Some(ca) = &h.ca_file {
        let pem = std::fs::read(ca).with_context(|| format!("không đọc được chứng chỉ CA {}", ca.display()))?;
        b = b
            .add_root_certificate(reqwest::Certificate::from_pem(&pem).context("chứng chỉ CA không hợp lệ (cần PEM)")?);
    }
    Ok(b.build()?)
}

/// Why one attempt failed, and whether another may succeed.
enum Attempt {
    Retry(String, Option<Duration>),
    Fail(anyhow::Error),
}

async fn attempt(
    c: &reqwest::Client,
    id: &str,
    h: &HttpSource,
    url: &str,
    body: Option<&str>,
    last: &Validator,
) -> Result<Fetched, Attempt> {
    let req = request(c, id, h, url, body, last)?;
    let mut resp = match req.send().await {
        Ok(r) => r,
        Err(e) if refused_redirect(&e).is_some() => {
            let why = refused_redirect(&e).map(ToString::to_string).unwrap_or_default();
            return Err(Attempt::Fail(anyhow!("nguồn \"{id}\": {why}")));
        }
        Err(e) if e.is_timeout() => return Err(Attempt::Retry("hết thời gian chờ".into(), None)),
        Err(e) if e.is_connect() || e.is_request() => {
            return Err(Attempt::Retry(format!("không kết nối được: {e}"), None));
        }
        Err(e) => return Err(Attempt::Fail(anyhow!(e))),
    };
    if resp.status() == reqwest::StatusCode::NOT_MODIFIED {
        return Ok(Fetched::NotModified { url: url.to_string() });
    }
    judge(&resp, id, h, url)?;
    let header = |name| {
        resp.headers().get(name).and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok()).map(str::to_string)
    };
    let validator =
        Validator { etag: header(reqwest::header::ETAG), last_modified: header(reqwest::header::LAST_MODIFIED) };
    let bytes = read_body(&mut resp, id, h.max_bytes).await?;
    // After a redirect on the same server, the archive names where the bytes came from.
    Ok(Fetched::Body { bytes, url: resp.url().to_string(), validator })
}

/// The request of one attempt: method, body, the last validators and the credentials.
fn request(
    c: &reqwest::Client,
    id: &str,
    h: &HttpSource,
    url: &str,
    body: Option<&str>,
    last: &Validator,
) -> Result<reqwest::RequestBuilder, Attempt> {
    let mut req = match h.method {
        Method::Get => c.get(url),
        Method::Post => c.post(url),
    };
    match (body, &h.body) {
        (Some(b), Some(Body::Form { field, .. })) => req = req.form(&[(field.as_str(), b)]),
        (Some(b), _) => req = req.header(reqwest::header::CONTENT_TYPE, "application/json").body(b.to_string()),
        (None, _) => {}
    }
    if let Some(e) = &last.etag {
        req = req.header(reqwest::header::IF_NONE_MATCH, e);
    }
    if let Some(m) = &last.last_modified {
        req = req.header(reqwest::header::IF_MODIFIED_SINCE, m);
    }
    if let Some(auth) = &h.auth {
        let secret = auth
            .secret()
            .read()
            .map_err(|e| Attempt::Fail(e.context(format!("nguồn \"{id}\": không có mã truy cập"))))?;
        req = match auth {
            Auth::Bearer(_) => req.bearer_auth(secret),
            Auth::Basic(user, _) => req.basic_auth(user, Some(secret)),
            Auth::Header(name, _) => req.header(name.as_str(), secret),
        };
    }
    Ok(req)
}

/// Whether a response's status, type and announced size let its body be read: a busy
/// server is retried, a refusal or a wrong kind of content is not.
fn judge(resp: &reqwest::Response, id: &str, h: &HttpSource, url: &str) -> Result<(), Attempt> {
    let status = resp.status();
    if status == reqwest::StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
        let wait = resp
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        return Err(Attempt::Retry(format!("máy chủ trả {status}"), wait));
    }
    if status == reqwest::StatusCode::UNAUTHORIZED || status == reqwest::StatusCode::FORBIDDEN {
        let place = h.auth.as_ref().map_or("chưa cấu hình auth".to_string(), |a| a.secret().place());
        return Err(Attempt::Fail(anyhow!(
            "nguồn \"{id}\": máy chủ từ chối xác thực ({status}); kiểm tra mã truy cập trong {place}"
        )));
    }
    if !status.is_success() {
        return Err(Attempt::Fail(anyhow!("nguồn \"{id}\": máy chủ trả {status} cho {url}")));
    }
    if let Some(ct) = resp.headers().get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok())
        && !h.any_content_type
        && !h.format.accepts(ct)
    {
        return Err(Attempt::Fail(anyhow!(
            "nguồn \"{id}\": kiểu nội dung \"{ct}\" không phải {} như đã cấu hình",
            h.format.ext()
        )));
    }
    if resp.content_length().is_some_and(|n| n > h.max_bytes) {
        return Err(Attempt::Fail(anyhow!(
            "nguồn \"{id}\": phản hồi {} byte vượt giới hạn max_bytes = {}",
            resp.content_length().unwrap_or(0),
            h.max_bytes
        )));
    }
    Ok(())
}

/// The body, chunk by chunk, stopped as soon as it passes `max_bytes`.
async fn read_body(resp: &mut reqwest::Response, id: &str, max_bytes: u64) -> Result<Vec<u8>, Attempt> {
    let mut bytes = Vec::new();
    loop {
        match resp.chunk().await {
            Ok(Some(chunk)) => {
                bytes.extend_from_slice(&chunk);
                if bytes.len() as u64 > max_bytes {
                    return Err(Attempt::Fail(anyhow!(
                        "nguồn \"{id}\": phản hồi vượt giới hạn max_bytes = {max_bytes}"
                    )));
                }
            }
            Ok(None) => return Ok(bytes),
            Err(e) if e.is_timeout() => return Err(Attempt::Retry("hết thời gian chờ khi nhận dữ liệu".into(), None)),
            Err(e) => return Err(Attempt::Retry(format!("phản hồi bị cắt ngang: {e}"), None)),
        }
    }
}

async fn with_retries(
    c: &reqwest::Client,
    id: &str,
    h: &HttpSource,
    url: &str,
    body: Option<&str>,
    last: &Validator,
) -> Result<Fetched> {
    let base = Duration::from_millis(500);
    let mut why = String::new();
    for n in 0..=h.retries {
        match attempt(c, id, h, url, body, last).await {
            Ok(f) => return Ok(f),
            Err(Attempt::Fail(e)) => return Err(e),
            Err(Attempt::Retry(reason, wait)) => {
                why = reason;
                if n < h.retries {
                    // Jitter from the clock is enough to keep retrying clients apart.
                    let jitter = std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map_or(0, |d| d.subsec_nanos() % 250);
                    let backoff = base * 2u32.pow(n) + Duration::from_millis(u64::from(jitter));
                    tokio::time::sleep(wait.unwrap_or(backoff).min(Duration::from_secs(120))).await;
                }
            }
        }
    }
    bail!("nguồn \"{id}\": {why} (sau {} lần thử) — {url}", h.retries + 1)
}

/// The number of records on a page (JSON: the array, or the first array of an object;
/// CSV: its lines after the header).
pub fn records(format: HttpFormat, bytes: &[u8]) -> usize {
    match format {
        HttpFormat::Json => match serde_json::from_slice::<serde_json::Value>(bytes) {
            Ok(serde_json::Value::Array(a)) => a.len(),
            Ok(serde_json::Value::Object(o)) => o
                .get("content")
                .and_then(|v| v.as_array())
                .or_else(|| o.values().find_map(|v| v.as_array()))
                .map_or(0, Vec::len),
            _ => 0,
        },
        HttpFormat::Csv => bytes.split(|b| *b == b'\n').filter(|l| !l.is_empty()).count().saturating_sub(1),
        HttpFormat::Xlsx => 0,
    }
}

fn next_link(bytes: &[u8], field: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    v.get(field)?.as_str().filter(|s| !s.is_empty()).map(str::to_string)
}

fn parse_url(id: &str, url: &str) -> Result<reqwest::Url> {
    reqwest::Url::parse(url).with_context(|| format!("nguồn \"{id}\": url không hợp lệ {url}"))
}

/// Scheme, host and port, as `https://host:port` (the port only when not the scheme's own).
fn origin(url: &reqwest::Url) -> String {
    url.origin().ascii_serialization()
}

/// A next link is followed only to the origin (scheme, host, port) the source is configured
/// for: every request carries its token or key, which must never reach another server.
fn same_origin(id: &str, link: &str, own: &str) -> Result<reqwest::Url> {
    let url = parse_url(id, link)?;
    if origin(&url) != own {
        bail!(
            "nguồn \"{id}\": liên kết trang sau dẫn sang {}, khác máy chủ đã cấu hình ({own}); \
             không theo để mã truy cập không bị gửi tới máy chủ khác",
            origin(&url)
        );
    }
    Ok(url)
}

/// What a Spring page says about the paging: (more pages follow, total records announced).
fn spring(bytes: &[u8]) -> (bool, Option<usize>) {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(bytes) else { return (false, None) };
    let total = v.get("totalElements").and_then(serde_json::Value::as_u64).map(|n| n as usize);
    let more = match (v.get("last").and_then(serde_json::Value::as_bool), v.get("number"), v.get("totalPages")) {
        (Some(last), _, _) => !last,
        (None, Some(n), Some(t)) => n.as_u64().zip(t.as_u64()).is_some_and(|(n, t)| n + 1 < t),
        _ => false,
    };
    (more, total)
}

/// Every page of a pull, with what the server announced.
#[derive(Debug)]
pub struct Pages {
    /// Each page with its key (URL and body) for the validators.
    pub pages: Vec<(String, Fetched)>,
    /// Records on all pages (pages answered 304 counted from their archived body).
    pub records: usize,
    /// Records the server said it has (Spring's `totalElements`), if it said.
    pub announced: Option<usize>,
}

/// Pages a source may have unless its `[source.http]` says otherwise (`max_pages`).
pub const DEFAULT_MAX_PAGES: usize = 1000;
/// The time a source's whole pull may take unless it says otherwise (`max_seconds`).
pub const DEFAULT_MAX_SECONDS: u64 = 900;

/// Fetches every page for the period. `last` gives the validators of earlier fetches by key,
/// `cached` the body archived for a key (to read a page that comes back 304).
///
/// A server that ignores the page number would be asked forever: a page whose records are
/// the same bytes as the page before ends the pull, and so do the source's page limit and
/// its time budget (which covers retries and their waits too).
pub fn fetch(
    id: &str,
    h: &HttpSource,
    period: Period,
    last: &BTreeMap<String, Validator>,
    cached: &dyn Fn(&str) -> Option<Vec<u8>>,
) -> Result<Pages> {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    rt.block_on(async {
        match tokio::time::timeout(h.max_duration, fetch_pages(id, h, period, last, cached)).await {
            Ok(pages) => pages,
            Err(_) => {
                bail!("nguồn \"{id}\": quá thời gian cho phép (max_seconds = {}); dừng tải", h.max_duration.as_secs())
            }
        }
    })
}

async fn fetch_pages(
    id: &str,
    h: &HttpSource,
    period: Period,
    last: &BTreeMap<String, Validator>,
    cached: &dyn Fn(&str) -> Option<Vec<u8>>,
) -> Result<Pages> {
    let c = client(h)?;
    let mut out = Pages { pages: Vec::new(), records: 0, announced: None };
    let (size, first) = match h.pagination {
        Pagination::Page { size, first } | Pagination::Spring { size, first } => (size, first),
        _ => (0, 1),
    };
    let mut page = first;
    let mut next: Option<reqwest::Url> = None;
    let mut previous: Option<Vec<u8>> = None;
    let own = origin(&parse_url(id, &fill(&h.url, period, page, size))?);
    loop {
        let url = match next.take() {
            Some(link) => link,
            None => {
                let mut url = parse_url(id, &fill(&h.url, period, page, size))?;
                for (k, v) in &h.query {
                    url.query_pairs_mut().append_pair(k, &fill(v, period, page, size));
                }
                url
            }
        };
        let body = h.body.as_ref().map(|b| fill(b.template(), period, page, size));
        let key = format!("{url}|{}", body.as_deref().unwrap_or(""));
        let f = with_retries(&c, id, h, url.as_str(), body.as_deref(), last.get(&key).unwrap_or(&Validator::default()))
            .await?;
        let bytes = match &f {
            Fetched::Body { bytes, .. } => bytes.clone(),
            Fetched::NotModified { .. } => cached(&key)
                .with_context(|| format!("nguồn \"{id}\": máy chủ trả 304 cho trang chưa từng tải ({url})"))?,
        };
        let n = records(h.format, &bytes);
        out.records += n;
        let repeated = previous.as_ref().is_some_and(|p| *p == bytes);
        let (more, link) = match &h.pagination {
            Pagination::Page { size, .. } => (n >= *size, None),
            Pagination::NextLink(field) => (true, next_link(&bytes, field)),
            Pagination::Spring { .. } => {
                let (more, total) = spring(&bytes);
                out.announced = out.announced.or(total);
                (more && n > 0, None)
            }
            Pagination::None => (false, None),
        };
        if repeated {
            bail!(
                "nguồn \"{id}\": trang {page} giống hệt trang trước ({url}): máy chủ có vẻ bỏ qua số trang; \
                 dừng để không tải mãi"
            );
        }
        out.pages.push((key, f));
        let follows = matches!(
            (&h.pagination, more, &link),
            (Pagination::Page { .. } | Pagination::Spring { .. }, true, _) | (Pagination::NextLink(_), _, Some(_))
        );
        if follows && out.pages.len() >= h.max_pages {
            bail!(
                "nguồn \"{id}\": đã tải {} trang mà máy chủ vẫn báo còn trang sau (max_pages = {}); dừng tải",
                out.pages.len(),
                h.max_pages
            );
        }
        match (&h.pagination, more, link) {
            (Pagination::Page { .. } | Pagination::Spring { .. }, true, _) => page += 1,
            (Pagination::NextLink(_), _, Some(l)) => next = Some(same_origin(id, &l, &own)?),
            _ => break,
        }
        previous = Some(bytes);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_every_listed_placeholder() {
        for period in ["2024-10".parse::<Period>().unwrap(), Period::year(2024).unwrap()] {
            for name in Period::PLACEHOLDERS.iter().chain(REQUEST_PLACEHOLDERS) {
                let filled = fill(&format!("a={{{name}}}"), period, 1, 100);
                assert!(!filled.contains('{'), "{{{name}}} left in {filled}");
            }
        }
    }

    #[test]
    fn plain_http_goes_only_to_this_machine_by_the_parsed_host() {
        for refused in ["http://127.0.0.1.example.invalid/x", "http://localhost@example.invalid/x"] {
            let err = check_url(refused).unwrap_err();
            assert!(err.contains("phải dùng https://"), "{refused}: {err}");
        }
        for accepted in ["http://127.0.0.1:8080/x", "http://localhost/x", "http://[::1]/x", "https://a.example/x"] {
            assert_eq!(check_url(accepted), Ok(()), "{accepted}");
        }
    }
}
