//! OAuth attestation-based client authentication, as HAIP and `OpenID4VCI` appendix E use it: a wallet proves to
//! an issuer that it is a genuine instance of a wallet its provider vouches for. The provider signs a client
//! attestation (`OAuth-Client-Attestation`, with an `x5c` chain) binding the instance's key (`cnf.jwk`) to its
//! `client_id` (`sub`); the instance signs a fresh proof of possession (`OAuth-Client-Attestation-PoP`) for this
//! authorization server. An issuer can then refuse wallets whose provider it does not trust.
//!
//! Draft skew (STANDARDS-ROUND2 section 8): draft -07 requires `iss` in the attestation and the proof of possession, later drafts
//! drop it; it is accepted and not required. A proof's `challenge` is checked only if this server issued one (it
//! issues none), and the older `nonce` is ignored likewise.

use chrono::{DateTime, Duration, Utc};
use serde_json::{Map, Value};

use super::jose::{AlgorithmPolicy, CompactJws, JoseError, TokenKind};
use super::keys::VerifyingKey;
use super::x509::{self, TrustAnchors, X509Error};

/// How old a proof's `iat` may be.
pub const POP_MAX_AGE: Duration = Duration::minutes(5);
/// How far in the future a proof's `iat` may be.
pub const POP_MAX_SKEW: Duration = Duration::seconds(60);

/// Why a client attestation was refused. [`AttestationError::code`] gives the OAuth error code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttestationError {
    /// One header of each kind is required, and neither or both are sent.
    #[error("send exactly one OAuth-Client-Attestation and one OAuth-Client-Attestation-PoP header")]
    Headers,
    /// The attestation or its proof of possession is not a well-formed signed JWT of its `typ` and an accepted `alg`.
    #[error("the client {part} is refused: {source}")]
    Jose {
        /// `attestation` or `attestation proof of possession`.
        part: &'static str,
        /// Why.
        source: JoseError,
    },
    /// The provider's chain does not lead to a trusted wallet provider, or does not parse.
    #[error("the wallet provider is not trusted: {0}")]
    Provider(X509Error),
    /// The attestation carries no `x5c` (HAIP identifies wallet providers by certificate).
    #[error("the client attestation must carry the wallet provider's x5c chain")]
    NoChain,
    /// A required claim is missing or malformed.
    #[error("the client {part} lacks a valid {claim} claim")]
    Claim {
        /// `attestation` or `attestation proof of possession`.
        part: &'static str,
        /// The claim.
        claim: &'static str,
    },
    /// The attestation expired.
    #[error("the client attestation expired; get a fresh one from the wallet provider")]
    Expired,
    /// `sub` is not the `client_id` of the request.
    #[error("the client attestation is for client {attested:?}, not {client_id:?}")]
    ClientId {
        /// The attested client.
        attested: String,
        /// The request's `client_id`.
        client_id: String,
    },
    /// The proof of possession is not signed by the attested key.
    #[error("the attestation PoP is not signed by the key the attestation binds (cnf.jwk)")]
    PopKey,
    /// The proof of possession is for another server.
    #[error("the attestation PoP's aud is not this authorization server ({0})")]
    Audience(String),
    /// The proof's `iat` is outside the window.
    #[error("the attestation PoP's iat is more than 5 minutes old or in the future")]
    PopTime,
    /// The proof of possession was seen before.
    #[error("the attestation PoP was used before (its jti was seen already)")]
    Replayed,
    /// The issuer requires an attestation and none was sent.
    #[error("this issuer accepts only attested wallets: send OAuth-Client-Attestation and its PoP")]
    Required,
}

impl AttestationError {
    /// The OAuth error code (`use_fresh_attestation` for an expired attestation, `invalid_client` when one is
    /// required and missing, `invalid_client_attestation` otherwise).
    #[must_use]
    pub const fn code(&self) -> &'static str {
        match self {
            Self::Expired => "use_fresh_attestation",
            Self::Required => "invalid_client",
            _ => "invalid_client_attestation",
        }
    }
}

/// A wallet instance whose attestation and proof of possession checked out.
#[derive(Debug, Clone)]
pub struct AttestedClient {
    /// The attested `client_id` (`sub`).
    pub client_id: String,
    /// The instance's key (`cnf.jwk`).
    pub key: VerifyingKey,
    /// The wallet provider's certificate subject, when its chain led to a configured provider root; `None` when
    /// no providers are configured (the signatures were checked, the provider is not trusted for anything).
    pub provider: Option<String>,
    /// The wallet's name, when the provider gives one.
    pub wallet_name: Option<String>,
    /// The proof's `jti` with the client, for the caller's replay check.
    pub pop_replay_key: [u8; 32],
    /// Until when that replay record must be kept.
    pub remember_until: DateTime<Utc>,
}

/// What the attestation is checked against.
#[derive(Debug, Clone, Copy)]
pub struct Expected<'a> {
    /// The request's `client_id`, when it carries one.
    pub client_id: Option<&'a str>,
    /// This authorization server's issuer identifier (the proof's `aud`).
    pub audience: &'a str,
    /// The trusted wallet providers' roots.
    pub providers: Option<&'a TrustAnchors>,
}

/// Checks an attestation and its proof of possession (STANDARDS-ROUND2 section 8, "AS checks").
///
/// # Errors
/// The first [`AttestationError`] found.
pub fn check(
    attestation: &str,
    pop: &str,
    expected: Expected<'_>,
    now: DateTime<Utc>,
) -> Result<AttestedClient, AttestationError> {
    let part = "attestation";
    let jws = signed(attestation, TokenKind::ClientAttestation, part)?;
    let chain = jws.header().get("x5c").ok_or(AttestationError::NoChain)?;
    let chain = x509::decode_x5c(chain).map_err(AttestationError::Provider)?;
    let (provider_key, provider) = match expected.providers {
        Some(anchors) => {
            let certified = x509::verify_chain(&chain, anchors, now).map_err(AttestationError::Provider)?;
            (certified.key, Some(certified.subject))
        }
        None => (x509::certificate_key(&chain[0]).map_err(AttestationError::Provider)?, None),
    };
    jws.verify_signature(&provider_key).map_err(|source| AttestationError::Jose { part, source })?;
    let claims = jws.claims().map_err(|source| AttestationError::Jose { part, source })?;
    let client_id = text(&claims, "sub", part)?;
    let exp = time(&claims, "exp", part)?;
    if exp <= now {
        return Err(AttestationError::Expired);
    }
    if let Some(asked) = expected.client_id.filter(|asked| *asked != client_id) {
        return Err(AttestationError::ClientId { attested: client_id.to_owned(), client_id: asked.to_owned() });
    }
    let jwk = claims.get("cnf").and_then(|cnf| cnf.get("jwk")).ok_or(AttestationError::Claim { part, claim: "cnf" })?;
    let key = VerifyingKey::from_jwk(jwk).map_err(|_| AttestationError::Claim { part, claim: "cnf" })?;
    let (pop_replay_key, remember_until) = check_pop(pop, &key, client_id, expected.audience, now)?;
    Ok(AttestedClient {
        client_id: client_id.to_owned(),
        key,
        provider,
        wallet_name: claims.get("wallet_name").and_then(Value::as_str).map(str::to_owned),
        pop_replay_key,
        remember_until,
    })
}

fn check_pop(
    pop: &str,
    key: &VerifyingKey,
    client_id: &str,
    audience: &str,
    now: DateTime<Utc>,
) -> Result<([u8; 32], DateTime<Utc>), AttestationError> {
    let part = "attestation PoP";
    let jws = signed(pop, TokenKind::ClientAttestationPop, part)?;
    jws.verify_signature(key).map_err(|_| AttestationError::PopKey)?;
    let claims = jws.claims().map_err(|source| AttestationError::Jose { part, source })?;
    let aud_ok = match claims.get("aud") {
        Some(Value::String(aud)) => aud == audience,
        Some(Value::Array(auds)) => auds.iter().any(|a| a == audience),
        _ => false,
    };
    if !aud_ok {
        return Err(AttestationError::Audience(audience.to_owned()));
    }
    let jti = text(&claims, "jti", part)?;
    let iat = time(&claims, "iat", part)?;
    if iat < now - POP_MAX_AGE || iat > now + POP_MAX_SKEW {
        return Err(AttestationError::PopTime);
    }
    if claims.get("iss").is_some_and(|iss| iss != client_id) {
        return Err(AttestationError::Claim { part, claim: "iss" });
    }
    let replay = super::encoding::sha256(&format!("{client_id}\0{jti}"));
    Ok((replay, iat + POP_MAX_AGE + POP_MAX_SKEW))
}

fn signed<'a>(token: &'a str, kind: TokenKind, part: &'static str) -> Result<CompactJws<'a>, AttestationError> {
    let jws = CompactJws::parse(token).map_err(|source| AttestationError::Jose { part, source })?;
    jws.check_typ(kind).map_err(|source| AttestationError::Jose { part, source })?;
    AlgorithmPolicy.accepted(jws.alg()).map_err(|source| AttestationError::Jose { part, source })?;
    Ok(jws)
}

fn text<'a>(
    claims: &'a Map<String, Value>,
    claim: &'static str,
    part: &'static str,
) -> Result<&'a str, AttestationError> {
    claims.get(claim).and_then(Value::as_str).filter(|v| !v.is_empty()).ok_or(AttestationError::Claim { part, claim })
}

fn time(
    claims: &Map<String, Value>,
    claim: &'static str,
    part: &'static str,
) -> Result<DateTime<Utc>, AttestationError> {
    super::numeric_date::read(claims, claim).ok().flatten().ok_or(AttestationError::Claim { part, claim })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::core::jose::{self, HeaderSpec};
    use crate::core::keys::{KeyAlgorithm, SigningKey};
    use crate::core::x509::test_support;

    const AS: &str = "https://academy.example";

    struct Wallet {
        instance: SigningKey,
        attestation: String,
    }

    fn attested(ca: &test_support::Ca, sub: &str, exp: DateTime<Utc>) -> Wallet {
        let (provider, leaf) = test_support::leaf(ca, &["wallet.example"], |_| {});
        let instance = SigningKey::generate_for(KeyAlgorithm::Es256, &mut rand::rngs::OsRng);
        let claims = json!({"sub": sub, "exp": exp.timestamp(), "cnf": {"jwk": instance.verifying_key().to_jwk().to_value()},
            "wallet_name": "Example Wallet"});
        let x5c = x509::encode_x5c(&[leaf]);
        let header = HeaderSpec { typ: Some(TokenKind::ClientAttestation), x5c: Some(&x5c), ..HeaderSpec::default() };
        let attestation = jose::sign(claims.to_string().as_bytes(), &header, &provider).unwrap();
        Wallet { instance, attestation }
    }

    fn pop(key: &SigningKey, aud: &str, jti: &str, iat: DateTime<Utc>) -> String {
        let claims = json!({"aud": aud, "jti": jti, "iat": iat.timestamp()});
        let header = HeaderSpec { typ: Some(TokenKind::ClientAttestationPop), ..HeaderSpec::default() };
        jose::sign(claims.to_string().as_bytes(), &header, key).unwrap()
    }

    #[test]
    fn an_attested_wallet_is_recognised_and_each_flaw_is_named() {
        let now = Utc::now();
        let ca = test_support::ca("Wallet Provider Root");
        let anchors = test_support::anchors(&ca);
        let wallet = attested(&ca, "wallet-1", now + Duration::hours(1));
        let proof = pop(&wallet.instance, AS, "jti-1", now);
        let expected = Expected { client_id: Some("wallet-1"), audience: AS, providers: Some(&anchors) };
        let client = check(&wallet.attestation, &proof, expected, now).unwrap();
        assert_eq!((client.client_id.as_str(), client.wallet_name.as_deref()), ("wallet-1", Some("Example Wallet")));
        assert!(client.provider.unwrap().contains("Example Academy"));

        let other_root = test_support::anchors(&test_support::ca("Another Root"));
        let untrusted = Expected { providers: Some(&other_root), ..expected };
        assert!(matches!(check(&wallet.attestation, &proof, untrusted, now), Err(AttestationError::Provider(_))));
        let someone_else = Expected { client_id: Some("wallet-2"), ..expected };
        assert!(matches!(
            check(&wallet.attestation, &proof, someone_else, now),
            Err(AttestationError::ClientId { .. })
        ));
        let elsewhere = pop(&wallet.instance, "https://other.example", "jti-2", now);
        assert!(matches!(check(&wallet.attestation, &elsewhere, expected, now), Err(AttestationError::Audience(_))));
        let thief = SigningKey::generate_for(KeyAlgorithm::Es256, &mut rand::rngs::OsRng);
        let stolen = pop(&thief, AS, "jti-3", now);
        assert_eq!(check(&wallet.attestation, &stolen, expected, now).unwrap_err(), AttestationError::PopKey);
        let stale = pop(&wallet.instance, AS, "jti-4", now - Duration::minutes(6));
        assert_eq!(check(&wallet.attestation, &stale, expected, now).unwrap_err(), AttestationError::PopTime);
        let expired = attested(&ca, "wallet-1", now - Duration::seconds(1));
        let fresh = pop(&expired.instance, AS, "jti-5", now);
        let refused = check(&expired.attestation, &fresh, expected, now).unwrap_err();
        assert_eq!((refused.code(), refused), ("use_fresh_attestation", AttestationError::Expired));
        let swapped = check(&proof, &wallet.attestation, expected, now).unwrap_err();
        assert!(matches!(swapped, AttestationError::Jose { part: "attestation", .. }), "{swapped}");
    }
}
