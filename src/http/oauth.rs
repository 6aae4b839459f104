//! OAuth-style error responses for the protocol endpoints (`/token`, `/credential`, `/notification`, the
//! `OpenID4VP` response endpoint): the specifications fix their shape (RFC 6749 section 5.2, `OpenID4VCI` sections
//! 6.3 and 8.3.1), so these endpoints answer `{"error", "error_description"}` instead of problem+json. Every other
//! endpoint uses problem+json ([`super::problem`]).

use std::convert::Infallible;

use axum::Json;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::core::dpop::DpopError;
use crate::core::openid4vci::ProtocolError;
use crate::core::secret::SecretString;
use crate::issuer::authorization::{Access, AccessScheme, ClientProofs};

/// RFC 9449 section 8: the header a server nonce travels in.
pub const DPOP_NONCE: &str = "dpop-nonce";

/// An OAuth error with its status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthError {
    status: StatusCode,
    error: ProtocolError,
    /// A fresh DPoP nonce to send along (`DPoP-Nonce`).
    nonce: Option<String>,
    /// Whether a 401's challenge is `DPoP` (RFC 9449 section 7.1) rather than `Bearer`.
    dpop: bool,
}

impl OAuthError {
    /// An error with an explicit status.
    #[must_use]
    pub fn new(status: u16, error: ProtocolError) -> Self {
        Self {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
            error,
            nonce: None,
            dpop: false,
        }
    }

    /// Sends a fresh DPoP nonce with the error.
    #[must_use]
    pub fn with_nonce(mut self, nonce: String) -> Self {
        self.nonce = Some(nonce);
        self
    }

    /// Challenges with the `DPoP` scheme when the error is a 401.
    #[must_use]
    pub const fn dpop_challenge(mut self, dpop: bool) -> Self {
        self.dpop = dpop;
        self
    }

    /// The error itself.
    #[must_use]
    pub fn into_error(self) -> ProtocolError {
        self.error
    }

    /// Whether the error is about a DPoP proof.
    #[must_use]
    pub fn is_dpop(&self) -> bool {
        matches!(self.error.code, "invalid_dpop_proof" | "use_dpop_nonce")
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
            let scheme = if self.dpop { "DPoP" } else { "Bearer" };
            let description = self.error.description.replace(['"', '\\'], "'");
            let challenge = if self.dpop {
                format!(
                    "{scheme} error=\"{}\", error_description=\"{description}\", algs=\"ES256 EdDSA\"",
                    self.error.code
                )
            } else {
                format!("{scheme} error=\"{}\"", self.error.code)
            };
            if let Ok(value) = HeaderValue::from_str(&challenge) {
                response.headers_mut().insert(header::WWW_AUTHENTICATE, value);
            }
        }
        if let Some(nonce) = self.nonce.as_deref().and_then(|n| HeaderValue::from_str(n).ok()) {
            response.headers_mut().insert(DPOP_NONCE, nonce);
        }
        response
    }
}

/// Adds a fresh DPoP nonce to an answer (RFC 9449 section 8.2: any answer may carry the next nonce).
#[must_use]
pub fn with_dpop_nonce(mut response: Response, nonce: &str) -> Response {
    if let Ok(value) = HeaderValue::from_str(nonce) {
        response.headers_mut().insert(DPOP_NONCE, value);
    }
    response
}

/// The OAuth headers of a protocol request: the `DPoP` proof, the wallet attestation and its proof of possession, and the access
/// token with its scheme. Each must come at most once.
#[derive(Debug)]
pub struct ProtocolHeaders {
    dpop: Option<String>,
    attestation: Option<String>,
    attestation_pop: Option<String>,
    access: Option<(AccessScheme, SecretString)>,
    repeated: Option<&'static str>,
}

fn single(headers: &HeaderMap, name: &'static str, repeated: &mut Option<&'static str>) -> Option<String> {
    let mut values = headers.get_all(name).iter();
    let first = values.next().and_then(|v| v.to_str().ok()).map(|v| v.trim().to_owned());
    if values.next().is_some() {
        *repeated = Some(name);
    }
    first
}

impl ProtocolHeaders {
    /// Reads the headers.
    #[must_use]
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let mut repeated = None;
        let dpop = single(headers, "dpop", &mut repeated);
        let attestation = single(headers, "oauth-client-attestation", &mut repeated);
        let attestation_pop = single(headers, "oauth-client-attestation-pop", &mut repeated);
        let access = single(headers, "authorization", &mut repeated).and_then(|value| {
            let (scheme, token) = super::auth::scheme_and_token(&value)?;
            let scheme = if scheme.eq_ignore_ascii_case("dpop") {
                AccessScheme::Dpop
            } else if scheme.eq_ignore_ascii_case("bearer") {
                AccessScheme::Bearer
            } else {
                return None;
            };
            Some((scheme, token))
        });
        Self { dpop, attestation, attestation_pop, access, repeated }
    }

    /// The client's proofs.
    ///
    /// # Errors
    /// `invalid_dpop_proof` or `invalid_request` for a repeated header.
    pub fn proofs(&self) -> Result<ClientProofs<'_>, OAuthError> {
        match self.repeated {
            Some("dpop") => {
                return Err(OAuthError::new(
                    400,
                    ProtocolError::new("invalid_dpop_proof", DpopError::Count.to_string()),
                ));
            }
            Some(name) => return Err(OAuthError::invalid_request(format!("the {name} header must come once"))),
            None => {}
        }
        Ok(ClientProofs {
            dpop: self.dpop.as_deref(),
            attestation: self.attestation.as_deref(),
            attestation_pop: self.attestation_pop.as_deref(),
        })
    }

    /// The access token as presented at a protected endpoint.
    ///
    /// # Errors
    /// 401 `invalid_token` when none is presented.
    pub fn access(&self) -> Result<Access<'_>, OAuthError> {
        let proofs = self.proofs().map_err(|e| e.dpop_challenge(true))?;
        let (scheme, token) = self.access.as_ref().ok_or_else(|| {
            OAuthError::new(
                401,
                ProtocolError::new("invalid_token", "send Authorization: DPoP (or Bearer) <access token>"),
            )
        })?;
        Ok(Access { token: token.expose(), scheme: *scheme, dpop: proofs.dpop })
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ProtocolHeaders {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self::from_headers(&parts.headers))
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
