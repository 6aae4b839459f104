//! OAuth-style error responses for the protocol endpoints (`/token`, `/credential`, `/notification`, the
//! `OpenID4VP` response endpoint): the specifications fix their shape (RFC 6749 section 5.2, `OpenID4VCI` sections
//! 6.3 and 8.3.1), so these endpoints answer `{"error", "error_description"}` instead of problem+json. Every other
//! endpoint uses problem+json ([`super::problem`]).

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::core::openid4vci::ProtocolError;

/// An OAuth error with its status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthError {
    status: StatusCode,
    error: ProtocolError,
}

impl OAuthError {
    /// An error with an explicit status.
    #[must_use]
    pub fn new(status: u16, error: ProtocolError) -> Self {
        Self { status: StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST), error }
    }

    /// A 400 `invalid_request`.
    #[must_use]
    pub fn invalid_request(description: impl Into<String>) -> Self {
        Self::new(400, ProtocolError::new("invalid_request", description))
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let body = json!({"error": self.error.code, "error_description": self.error.description});
        let mut response = (self.status, Json(body)).into_response();
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if self.status == StatusCode::UNAUTHORIZED {
            let challenge = format!("Bearer error=\"{}\"", self.error.code);
            if let Ok(value) = HeaderValue::from_str(&challenge) {
                response.headers_mut().insert(header::WWW_AUTHENTICATE, value);
            }
        }
        response
    }
}

/// A JSON answer that must not be cached (tokens, nonces, credentials).
pub fn no_store(status: StatusCode, body: serde_json::Value) -> Response {
    let mut response = (status, Json(body)).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// An SVG response (QR codes).
pub fn svg(image: String) -> Response {
    let mut response = image.into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("image/svg+xml"));
    response
}
