//! The offline verification pipeline every role shares: a token is parsed once ([`Parsed`]: the format told from
//! its shape, the JWS header and payload decoded, an SD-JWT's disclosures split), its issuer's key is found, and the
//! checks of its format run ([`crate::core::vc_jose::check`] for `vc+jwt`, [`crate::core::sd_jwt_vc::check`] for
//! `dc+sd-jwt`). The result is a [`Checked`] credential; the verifier role adds status, trust and policy.
//!
//! Reading the parsed header and payload before any check lets the verifier fetch what it needs (a did:web document,
//! JWT VC Issuer Metadata) without parsing the token a second time.

use serde_json::{Map, Value};

use super::credential::claims::Credential;
use super::format::Format;
use super::jose::{CompactJws, JoseError};
use super::sd_jwt::{Decoded, TILDE};
use super::sd_jwt_vc::KeyBindingPolicy;
use super::vc_jose::VerifyContext;
use super::verify::Checked;

/// Why a token could not be parsed; algorithm refusals found while parsing the header are told apart, since they
/// fail the `alg` check rather than `parse`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// `alg: none`, `HS*` or another refused algorithm in the header.
    Algorithm(JoseError),
    /// Anything else.
    Malformed(String),
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Algorithm(e) => e.fmt(f),
            Self::Malformed(why) => f.write_str(why),
        }
    }
}

/// A token parsed once: what every check reads.
#[derive(Debug, Clone)]
pub struct Parsed<'a> {
    /// `vc+jwt` or `dc+sd-jwt` (with or without Key Binding).
    pub format: Format,
    /// The (issuer-signed) JWS.
    pub jws: CompactJws<'a>,
    /// Its payload as a JSON object (unverified until the signature is checked).
    pub claims: Map<String, Value>,
    /// For an SD-JWT: the disclosures and the Key Binding JWT.
    pub sd_jwt: Option<Decoded>,
}

impl<'a> Parsed<'a> {
    /// Parses a compact `vc+jwt` or SD-JWT.
    ///
    /// # Errors
    /// [`ParseError`] naming the first problem.
    pub fn parse(token: &'a str) -> Result<Self, ParseError> {
        let token = token.trim();
        let (jwt, sd_jwt) = match Format::of_credential(token) {
            Format::SdJwtVc => {
                let decoded = Decoded::parse(token).map_err(|e| ParseError::Malformed(e.to_string()))?;
                let jwt = token.split(TILDE).next().unwrap_or_default();
                (jwt, Some(decoded))
            }
            _ => (token, None),
        };
        let jws = CompactJws::parse(jwt).map_err(|e| match e {
            JoseError::AlgNone | JoseError::Hmac(_) | JoseError::AlgNotAllowed(_) => ParseError::Algorithm(e),
            other => ParseError::Malformed(other.to_string()),
        })?;
        let claims = jws.claims().map_err(|e| ParseError::Malformed(e.to_string()))?;
        let format = match &sd_jwt {
            Some(decoded) if decoded.key_binding.is_some() => Format::SdJwtKb,
            Some(_) => Format::SdJwtVc,
            None => Format::VcJwt,
        };
        Ok(Self { format, jws, claims, sd_jwt })
    }

    /// The header's `kid`.
    #[must_use]
    pub fn kid(&self) -> Option<&str> {
        self.jws.header_str("kid")
    }

    /// The issuer identifier the token claims: `issuer` (or `issuer.id`) of a VC, `iss` of an SD-JWT VC.
    #[must_use]
    pub fn issuer(&self) -> Option<&str> {
        if self.sd_jwt.is_some() {
            return self.claims.get("iss").and_then(Value::as_str);
        }
        match self.claims.get("issuer")? {
            Value::String(id) => Some(id),
            issuer => issuer.get("id")?.as_str(),
        }
    }
}

/// How a credential is secured, for people: the proof types and cryptosuites of a Data Integrity credential
/// (`DataIntegrityProof eddsa-rdfc-2022`), or the JWS algorithm of a JWT or SD-JWT (`JWS RS256`, `SD-JWT EdDSA`).
#[must_use]
pub fn proof_type(token: &str) -> String {
    let token = token.trim();
    if token.starts_with("https://") || token.starts_with("http://") {
        return "hosted (no signature)".into();
    }
    if Format::of_credential(token) == Format::DataIntegrity {
        if super::encoding::parse_json(token.as_bytes()).is_ok_and(|d| super::open_badges_v2::is_v2(&d)) {
            return "hosted (no signature)".into();
        }
        let proofs = super::encoding::parse_json(token.as_bytes())
            .ok()
            .and_then(|document| document.as_object().and_then(|d| super::data_integrity::proofs(d).ok()))
            .unwrap_or_default();
        let names: Vec<String> = proofs
            .into_iter()
            .flatten()
            .map(|p| match p.suite {
                super::data_integrity::Cryptosuite::Ed25519Signature2020 => p.suite.name().to_owned(),
                suite => format!("{} {}", super::data_integrity::DATA_INTEGRITY_PROOF, suite.name()),
            })
            .collect();
        return if names.is_empty() { "Data Integrity".into() } else { names.join(", ") };
    }
    let kind = if Format::of_credential(token) == Format::SdJwtVc { "SD-JWT" } else { "JWS" };
    match Parsed::parse(token) {
        Ok(parsed) => format!("{kind} {}", parsed.jws.alg()),
        Err(_) => kind.to_owned(),
    }
}

/// Runs the offline checks of whatever format `token` is in.
#[must_use]
pub fn check(
    token: &str,
    parsed: Result<Parsed<'_>, ParseError>,
    ctx: &VerifyContext<'_>,
    kb: Option<KeyBindingPolicy<'_>>,
) -> Checked<Credential> {
    use super::open_badges_v2::{self as ob2, Presented};
    let trimmed = token.trim();
    if trimmed.starts_with("https://") || trimmed.starts_with("http://") {
        return ob2::check(token, &Presented::HostedUrl(trimmed), ctx);
    }
    let is_signed_v2 =
        |p: &&Parsed<'_>| p.sd_jwt.is_none() && super::jwt_vc::is_plain_jwt(&p.jws) && ob2::is_v2_members(&p.claims);
    if let Some(parsed) = parsed.as_ref().ok().filter(is_signed_v2) {
        return ob2::check(token, &Presented::Signed(parsed), ctx);
    }
    match Format::of_credential(trimmed) {
        Format::SdJwtVc => super::sd_jwt_vc::check(token, parsed, ctx, kb),
        Format::DataIntegrity
            if super::encoding::parse_json(trimmed.as_bytes())
                .is_ok_and(|d| ob2::is_v2(&d) && d.get("proof").is_none()) =>
        {
            let document = super::encoding::parse_json(trimmed.as_bytes()).unwrap_or_default();
            ob2::check(token, &Presented::Hosted(&document), ctx)
        }
        Format::DataIntegrity => {
            let linked = ctx.linked_data;
            let methods = super::data_integrity::Methods { dids: ctx.keys, documents: &linked.documents };
            super::data_integrity::check(token, ctx, &methods, &linked.contexts)
        }
        _ if parsed.as_ref().is_ok_and(|p| super::jwt_vc::is_plain_jwt(&p.jws)) => {
            super::jwt_vc::check(token, parsed, ctx)
        }
        _ => super::vc_jose::check(token, parsed, ctx),
    }
}

/// Parses and checks in one call (offline callers that have nothing to fetch).
#[must_use]
pub fn check_token(token: &str, ctx: &VerifyContext<'_>, kb: Option<KeyBindingPolicy<'_>>) -> Checked<Credential> {
    check(token, Parsed::parse(token), ctx, kb)
}
