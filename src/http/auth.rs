//! The issuer's admin token: `Authorization: Bearer <token>` on issuer calls, compared in constant time (over
//! SHA-256 digests, so the comparison does not depend on where the strings first differ or on their lengths).

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use subtle::ConstantTimeEq as _;
use zeroize::Zeroizing;

use super::{AppState, HttpProblem};
use crate::core::encoding::sha256;

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
    pub fn new(token: &Zeroizing<String>) -> Self {
        Self(Arc::new(sha256(token.trim())))
    }

    /// Whether `presented` is the token, in constant time.
    #[must_use]
    pub fn matches(&self, presented: &str) -> bool {
        let digest = sha256(presented);
        bool::from(digest.ct_eq(&*self.0))
    }
}

/// Proof that the request carries the admin token.
#[derive(Debug)]
pub struct Admin;

impl FromRequestParts<AppState> for Admin {
    type Rejection = HttpProblem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let presented = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(|| HttpProblem::new("unauthorized", "send Authorization: Bearer <admin token>".to_owned()))?;
        if state.admin.matches(presented.trim()) {
            Ok(Admin)
        } else {
            Err(HttpProblem::new("unauthorized", "the admin token is wrong".to_owned()))
        }
    }
}
