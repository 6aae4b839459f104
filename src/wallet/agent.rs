//! The wallet's protocol agent: one unlocked wallet speaking `OpenID4VCI` ([`super::openid4vci`]) and `OpenID4VP`
//! ([`super::openid4vp`]) with issuers and verifiers it has never met. It holds the wallet, a
//! [`CredentialVerifier`] (every received credential is verified before it is stored; the verifier role implements
//! the interface) and the guarded fetcher (https only, no private addresses, bounded answers, no redirects followed
//! from a response URI). Used by both front doors: `skillspass wallet accept|respond` and the hosted wallet.

use super::Wallet;
use crate::core::openid4vci::ProtocolError;
use crate::core::verify::CredentialVerifier;
use crate::net::Fetcher;

/// How many copies of an SD-JWT VC the agent asks an issuer with batch issuance for (at most its `batch_size`):
/// enough to show a credential to this many employers unlinkably.
pub const DEFAULT_COPIES: usize = 5;

/// Largest protocol document the agent reads (metadata, offers, request objects, token answers).
pub const MAX_DOCUMENT_BYTES: usize = 256 * 1024;

/// The agent for one unlocked wallet.
#[derive(Debug, Clone, Copy)]
pub struct Agent<'a, V> {
    /// The wallet.
    pub wallet: &'a Wallet,
    /// Verifies what arrives.
    pub verifier: &'a V,
    /// Fetches and posts.
    pub fetcher: &'a Fetcher,
    /// How many copies of an SD-JWT VC to ask for when the issuer offers batch issuance (1: never ask).
    pub copies: usize,
}

impl<'a, V: CredentialVerifier> Agent<'a, V> {
    /// The agent for `wallet`.
    #[must_use]
    pub fn new(wallet: &'a Wallet, verifier: &'a V, fetcher: &'a Fetcher) -> Self {
        Self { wallet, verifier, fetcher, copies: DEFAULT_COPIES }
    }

    /// The same agent asking for `copies` copies (1 to the issuer's batch size) of each SD-JWT VC.
    #[must_use]
    pub fn with_copies(self, copies: usize) -> Self {
        Self { copies: copies.max(1), ..self }
    }
}

/// The OAuth error in a JSON answer, or a description of the status.
pub(super) fn answer_error(answer: &crate::net::Answer, fallback: &'static str) -> ProtocolError {
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
