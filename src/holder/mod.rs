//! The holder's agent: the wallet speaking `OpenID4VCI` (accepting a credential offer) and `OpenID4VP` (answering
//! a presentation request) with issuers and verifiers it has never met. It composes three things the roles keep
//! apart: the wallet (keys and sealed credentials), the verifier (every received credential is verified before it
//! is stored) and the guarded fetcher (https only, no private addresses, bounded answers, no redirects followed
//! from a response URI). Used by both front doors: `skillspass wallet accept|respond` and the hosted wallet.

pub mod accept;
pub mod respond;

use crate::core::openid4vci::ProtocolError;
use crate::verifier::Verifier;
use crate::verifier::fetch::{FetchError, Fetcher};
use crate::wallet::{Wallet, WalletError};

/// Largest protocol document the agent reads (metadata, offers, request objects, token answers).
pub const MAX_DOCUMENT_BYTES: usize = 256 * 1024;

/// Why an exchange failed.
#[derive(Debug, thiserror::Error)]
pub enum HolderError {
    /// The other side broke the protocol or answered with an error.
    #[error("{0}")]
    Protocol(#[from] ProtocolError),
    /// A fetch was refused or failed.
    #[error("{0}")]
    Fetch(#[from] FetchError),
    /// The wallet refused (e.g. the credential did not verify; nothing was stored).
    #[error("{0}")]
    Wallet(#[from] WalletError),
}

/// The agent for one unlocked wallet.
#[derive(Debug, Clone, Copy)]
pub struct Agent<'a> {
    /// The wallet.
    pub wallet: &'a Wallet,
    /// Verifies what arrives.
    pub verifier: &'a Verifier,
    /// Fetches and posts.
    pub fetcher: &'a Fetcher,
}

/// The OAuth error in a JSON answer, or a description of the status.
fn answer_error(answer: &crate::verifier::fetch::Answer, fallback: &'static str) -> ProtocolError {
    let body = answer.json();
    let code = body.get("error").and_then(serde_json::Value::as_str).unwrap_or(fallback);
    let description = body.get("error_description").and_then(serde_json::Value::as_str).unwrap_or_default();
    let code: &'static str = KNOWN_CODES.iter().find(|known| **known == code).copied().unwrap_or(fallback);
    ProtocolError::new(code, format!("HTTP {}: {description}", answer.status))
}

/// Error codes the agent recognises in answers (others are reported under the fallback).
const KNOWN_CODES: [&str; 16] = [
    "invalid_request",
    "invalid_grant",
    "invalid_client",
    "unsupported_grant_type",
    "invalid_token",
    "invalid_credential_request",
    "unknown_credential_configuration",
    "unknown_credential_identifier",
    "invalid_proof",
    "invalid_nonce",
    "credential_request_denied",
    "invalid_notification_id",
    "invalid_notification_request",
    "access_denied",
    "invalid_request_object",
    "invalid_authorization_details",
];
