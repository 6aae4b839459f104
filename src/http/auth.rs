//! Who is calling: the one bearer-token extractor ([`Bearer`]) every authenticated route reads, and the issuer's
//! admin token on top of it ([`Admin`]), compared in constant time (over SHA-256 digests, so the comparison does not
//! depend on where the strings first differ or on their lengths). Hosted wallet sessions (`super::wallet`) and the
//! `OpenID4VCI` access tokens (`super::openid4vci`) read the same extractor.

use std::convert::Infallible;
use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use subtle::ConstantTimeEq as _;

use super::server::ClientAddress;
use super::{AppState, HttpProblem};
use crate::core::encoding::sha256;
use crate::core::secret::SecretString;

/// The admin token (its digest; the token itself is not kept in memory).
#[derive(Clone)]
pub struct AdminToken(Arc<[u8; 32]>);

impl std::fmt::Debug for AdminToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AdminToken([redacted])")
    }
}

impl AdminToken {
    /// From the secret text.
    #[must_use]
    pub fn new(token: &SecretString) -> Self {
        Self(Arc::new(sha256(token.expose().trim())))
    }

    /// Whether `presented` is the token, in constant time.
    #[must_use]
    pub fn matches(&self, presented: &SecretString) -> bool {
        let digest = sha256(presented.expose());
        bool::from(digest.ct_eq(&*self.0))
    }
}

/// `Authorization: Bearer <token>` (RFC 6750 section 2.1), when the request carries one.
#[derive(Debug)]
pub struct Bearer(pub Option<SecretString>);

impl Bearer {
    /// Reads the header.
    #[must_use]
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let token = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(scheme_and_token)
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token);
        Self(token)
    }
}

/// The scheme and the credentials of an `Authorization` value (`<scheme> <token>`, RFC 9110 section 11.4), the
/// token trimmed; `None` without a space or with an empty token. Read here for `Bearer` and by the OAuth
/// endpoints for `DPoP` ([`super::oauth::ProtocolHeaders`]).
#[must_use]
pub fn scheme_and_token(value: &str) -> Option<(&str, SecretString)> {
    let (scheme, token) = value.split_once(' ')?;
    Some((scheme, SecretString::new(token.trim()))).filter(|(_, token)| !token.expose().is_empty())
}

impl<S: Send + Sync> FromRequestParts<S> for Bearer {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self::from_headers(&parts.headers))
    }
}

/// Proof that the request carries the admin token. Wrong tokens are throttled per client address.
#[derive(Debug)]
pub struct Admin;

impl AppState {
    /// Whether `token` is the admin token now.
    #[must_use]
    pub fn is_admin(&self, token: &SecretString) -> bool {
        self.admin.read().is_ok_and(|admin| admin.matches(token))
    }
}

impl FromRequestParts<AppState> for Admin {
    type Rejection = HttpProblem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Bearer(token) = Bearer::from_headers(&parts.headers);
        let token =
            token.ok_or_else(|| HttpProblem::Unauthorized(Some("send Authorization: Bearer <admin token>".into())))?;
        let client = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0);
        let attempt = state.throttles.admin.begin(&ClientAddress(client).key()).map_err(HttpProblem::too_many)?;
        if state.is_admin(&token) {
            attempt.succeeded();
            Ok(Admin)
        } else {
            Err(HttpProblem::Unauthorized(Some("the admin token is wrong".into())))
        }
    }
}
