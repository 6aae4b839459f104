//! The pages' stylesheet, script and logo, compiled into the binary and served from this origin (the only sources the
//! Content-Security-Policy allows).

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The stylesheet.
pub const STYLE: &str = include_str!("assets/style.css");
/// The script: suggestions while typing an ESCO skill or occupation, and the employer's live result.
pub const SCRIPT: &str = include_str!("assets/app.js");

/// The mark verifiers name as their `logo_uri` (and the pages may show).
pub const LOGO: &str = include_str!("assets/logo.svg");

/// `GET /assets/{name}`.
pub async fn asset(Path(name): Path<String>) -> Response {
    let (body, kind) = match name.as_str() {
        "style.css" => (STYLE, "text/css; charset=utf-8"),
        "app.js" => (SCRIPT, "text/javascript; charset=utf-8"),
        "logo.svg" => (LOGO, "image/svg+xml"),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    response
}
