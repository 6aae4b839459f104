//! Status lists as static files (issue 15), for a CDN or nginx in front of several nodes: every list is written
//! where its URL path says (`status/<list>` for Bitstring Status List credentials, `statuslists/<list>` for Token
//! Status Lists) under one folder, with the headers the service itself sends (`Content-Type`, `Cache-Control:
//! max-age` = the list's ttl, a strong `ETag`) in `_headers` (the format Netlify and Cloudflare Pages read) and in
//! `nginx.conf` (an `include`-able list of `location` blocks). Files are replaced by rename, so a server never
//! reads half a list.

use std::fmt::Write as _;
use std::path::Path;

use chrono::{DateTime, Utc};

use super::registry::{ListRecord, Purpose};
use super::service::{IssuerService, StatusError};
use crate::core::format::Format;

/// One written list: its URL path and the headers to serve it with.
struct Written {
    path: String,
    media_type: &'static str,
    etag: String,
}

/// Writes every status list of `service` under `dir` with its header files; returns how many lists.
///
/// # Errors
/// [`StatusError`] when a list cannot be built or a file cannot be written.
pub fn publish_all(service: &IssuerService, dir: &Path, now: DateTime<Utc>) -> Result<usize, StatusError> {
    let lists = service.status_lists()?;
    let mut written = Vec::with_capacity(lists.len());
    for list in &lists {
        written.push(write_list(service, dir, list, now)?);
    }
    write_headers(dir, &written, service.status_ttl_ms())?;
    Ok(written.len())
}

/// The URL path of a list below the public URL.
#[must_use]
pub fn list_path(list: &ListRecord) -> String {
    match list.purpose {
        Purpose::Token => format!("statuslists/{}", list.id),
        _ => format!("status/{}", list.id),
    }
}

fn write_list(
    service: &IssuerService,
    dir: &Path,
    list: &ListRecord,
    now: DateTime<Utc>,
) -> Result<Written, StatusError> {
    let (published, media_type) = match list.purpose {
        Purpose::Token => (service.token_status_list(&list.id, now)?, Format::TokenStatusList.media_type()),
        _ => (service.status_list(&list.id, now)?, Format::BitstringStatusList.media_type()),
    };
    let path = list_path(list);
    replace(&dir.join(&path), published.token.as_bytes())?;
    Ok(Written { path, media_type, etag: published.etag.clone() })
}

fn write_headers(dir: &Path, written: &[Written], ttl_ms: u64) -> Result<(), StatusError> {
    let max_age = (ttl_ms / 1000).max(1);
    let (mut headers, mut nginx) = (String::new(), String::new());
    for list in written {
        let _ = write!(
            headers,
            "/{}\n  Content-Type: {}\n  Cache-Control: max-age={max_age}\n  ETag: {}\n",
            list.path, list.media_type, list.etag
        );
        let _ = write!(
            nginx,
            "location = /{} {{\n    default_type {};\n    etag off;\n    add_header Cache-Control \"max-age={max_age}\";\n    add_header ETag '{}';\n}}\n",
            list.path, list.media_type, list.etag
        );
    }
    replace(&dir.join("_headers"), headers.as_bytes())?;
    replace(&dir.join("nginx.conf"), nginx.as_bytes())
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename.
fn replace(path: &Path, bytes: &[u8]) -> Result<(), StatusError> {
    let failed = |e: std::io::Error| StatusError::Publish(format!("{}: {e}", path.display()));
    let folder = path.parent().unwrap_or_else(|| Path::new("."));
    std::fs::create_dir_all(folder).map_err(failed)?;
    let mut temporary = tempfile::NamedTempFile::new_in(folder).map_err(failed)?;
    std::io::Write::write_all(&mut temporary, bytes).map_err(failed)?;
    temporary.persist(path).map_err(|e| failed(e.error))?;
    Ok(())
}
