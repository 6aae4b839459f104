//! Demonstrating Proof of Possession (RFC 9449): proofs made by a wallet, proofs checked by the issuer's
//! authorization server and credential endpoint, and the server nonces that keep a proof from being made ahead of
//! time. An access token bound to a DPoP key is worth nothing to whoever steals it without the key, which is why
//! HAIP asks for it on every issuance.
//!
//! Server nonces are stateless: a nonce is the time it was minted and an HMAC over that time under the server's
//! protocol key, so every node of a deployment accepts every other's nonces and nothing is stored. The `jti`
//! replay check needs state and is left to the caller, keyed by [`DpopProof::replay_key`].

use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};
use subtle::ConstantTimeEq as _;

use super::encoding::{b64url, b64url_decode, hmac_sha256, sha256};
use super::jose::{self, AlgorithmPolicy, CompactJws, HeaderSpec, JoseError, TokenKind};
use super::keys::{SigningKey, VerifyingKey};

/// How far in the past a proof's `iat` may lie.
pub const PROOF_MAX_AGE: Duration = Duration::minutes(5);
/// How far in the future a proof's `iat` may lie (clock skew).
pub const PROOF_MAX_SKEW: Duration = Duration::seconds(60);
/// How long a server nonce is accepted.
pub const NONCE_LIFETIME: Duration = Duration::minutes(5);
/// The fewest characters of a `jti` (RFC 9449 asks for at least 96 random bits: 16 base64url characters).
pub const MIN_JTI_CHARS: usize = 16;

/// Why a DPoP proof was refused. [`DpopError::code`] gives the OAuth error code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DpopError {
    /// No proof, or more than one `DPoP` header.
    #[error("send exactly one DPoP header carrying one proof JWT")]
    Count,
    /// Not a well-formed signed JWT, a wrong `typ`, a refused `alg` or a bad signature.
    #[error("the DPoP proof is refused: {0}")]
    Jose(JoseError),
    /// The header carries no usable public `jwk`.
    #[error("the DPoP proof's header must carry the public jwk it is signed with: {0}")]
    Key(String),
    /// A required claim is missing or of the wrong type.
    #[error("the DPoP proof lacks a valid {0} claim")]
    Claim(&'static str),
    /// `htm` is not the request's method.
    #[error("htm {found:?} is not the method of this request ({expected})")]
    Method {
        /// The request's method.
        expected: String,
        /// What the proof said.
        found: String,
    },
    /// `htu` is not this endpoint.
    #[error("htu {found:?} is not this endpoint ({expected})")]
    Url {
        /// The endpoint.
        expected: String,
        /// What the proof said.
        found: String,
    },
    /// `iat` too old or in the future.
    #[error("the DPoP proof's iat is more than 5 minutes old or in the future")]
    Time,
    /// `ath` missing or not the hash of the access token presented.
    #[error("ath is missing or is not the SHA-256 of the access token presented")]
    AccessTokenHash,
    /// No `nonce` claim where the server asks for one.
    #[error("the DPoP proof carries no nonce: repeat the request with the DPoP-Nonce this answer carries")]
    NonceMissing,
    /// A `nonce` this server did not mint, or minted too long ago.
    #[error("the DPoP nonce is unknown or expired: repeat the request with the DPoP-Nonce this answer carries")]
    NonceStale,
    /// The proof's `jti` was seen before for this key and endpoint.
    #[error("the DPoP proof was used before (its jti was seen already)")]
    Replayed,
    /// The proof's key is not the one the token or authorization request is bound to.
    #[error("the DPoP proof is signed by another key than the one this {0} is bound to")]
    KeyMismatch(&'static str),
}

impl DpopError {
    /// The OAuth error code: `use_dpop_nonce` when the client should retry with a fresh nonce,
    /// `invalid_dpop_proof` otherwise.
    #[must_use]
    pub const fn code(&self) -> &'static str {
        match self {
            Self::NonceMissing | Self::NonceStale => "use_dpop_nonce",
            _ => "invalid_dpop_proof",
        }
    }
}

/// The request a proof must be made for.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    /// The HTTP method (`POST`).
    pub method: &'a str,
    /// The endpoint's URL as the server publishes it.
    pub url: &'a str,
    /// The access token presented with the request (at a resource), whose hash the proof must carry.
    pub access_token: Option<&'a str>,
}

/// A proof whose signature, claims and target checked out.
#[derive(Debug, Clone)]
pub struct DpopProof {
    /// The key it was signed with.
    pub key: VerifyingKey,
    /// The RFC 7638 thumbprint of that key (`cnf.jkt`, `dpop_jkt`).
    pub jkt: String,
    /// The server nonce it carries, if any.
    pub nonce: Option<String>,
    /// When it was made.
    pub iat: DateTime<Utc>,
    replay_key: [u8; 32],
}

impl DpopProof {
    /// The key under which to remember this proof against replay: its `jti` with its key, normalised method and
    /// URL, so that one `jti` used at two endpoints is two proofs.
    #[must_use]
    pub fn replay_key(&self) -> [u8; 32] {
        self.replay_key
    }

    /// When the replay record may be forgotten: once the proof's `iat` is out of the window anyway.
    #[must_use]
    pub fn remember_until(&self) -> DateTime<Utc> {
        self.iat + PROOF_MAX_AGE + PROOF_MAX_SKEW
    }
}

/// The base64url SHA-256 of an access token (`ath`).
#[must_use]
pub fn ath(access_token: &str) -> String {
    b64url(sha256(access_token))
}

/// `htu` as RFC 9449 section 4.3 compares it: the URI without query and fragment, after RFC 3986 syntax-based and
/// scheme-based normalisation (lower-case scheme and host, no default port, an empty path as `/`).
#[must_use]
pub fn normalize_htu(url: &str) -> Option<String> {
    let mut parsed = url::Url::parse(url).ok()?;
    parsed.set_query(None);
    parsed.set_fragment(None);
    Some(parsed.to_string())
}

/// Makes a proof for `target` with `key`: `typ` `dpop+jwt`, the public `jwk`, and `jti`, `htm`, `htu`, `iat`,
/// plus `nonce` and `ath` when given.
///
/// # Errors
/// [`JoseError::Signing`].
pub fn proof(
    key: &SigningKey,
    target: Target<'_>,
    jti: &str,
    nonce: Option<&str>,
    now: DateTime<Utc>,
) -> Result<String, JoseError> {
    let mut claims = json!({"jti": jti, "htm": target.method, "htu": target.url, "iat": now.timestamp()});
    if let Some(nonce) = nonce {
        claims["nonce"] = json!(nonce);
    }
    if let Some(token) = target.access_token {
        claims["ath"] = json!(ath(token));
    }
    let bytes = serde_json::to_vec(&claims).map_err(|e| JoseError::Signing(e.to_string()))?;
    let jwk = key.verifying_key().to_jwk().to_value();
    jose::sign(&bytes, &HeaderSpec { typ: Some(TokenKind::DpopProof), jwk: Some(jwk), ..HeaderSpec::default() }, key)
}

/// RFC 9449 section 4.3, checks 2 to 8, 10 and 11's `ath`: the proof's form, `typ`, an accepted `alg` that fits
/// its public `jwk`, the signature, `jti`, `htm` = the method, `htu` = the endpoint, `iat` within the window, and
/// with an access token `ath`. The nonce (check 9) is [`DpopNonces::check`]'s, the `jti` replay the caller's.
///
/// # Errors
/// The first [`DpopError`] found.
pub fn check(proof: &str, target: Target<'_>, now: DateTime<Utc>) -> Result<DpopProof, DpopError> {
    let jws = CompactJws::parse(proof).map_err(DpopError::Jose)?;
    jws.check_typ(TokenKind::DpopProof).map_err(DpopError::Jose)?;
    AlgorithmPolicy.accepted(jws.alg()).map_err(DpopError::Jose)?;
    let jwk = jws.header().get("jwk").ok_or_else(|| DpopError::Key("no jwk".into()))?;
    let key = VerifyingKey::from_jwk(jwk).map_err(|e| DpopError::Key(e.to_string()))?;
    jws.verify_signature(&key).map_err(DpopError::Jose)?;
    let claims = jws.claims().map_err(DpopError::Jose)?;
    let text = |name: &'static str| claims.get(name).and_then(Value::as_str).ok_or(DpopError::Claim(name));
    let jti = text("jti")?;
    if jti.chars().count() < MIN_JTI_CHARS {
        return Err(DpopError::Claim("jti"));
    }
    let htm = text("htm")?;
    if htm != target.method {
        return Err(DpopError::Method { expected: target.method.to_owned(), found: htm.to_owned() });
    }
    let htu = text("htu")?;
    let expected = normalize_htu(target.url).unwrap_or_else(|| target.url.to_owned());
    if normalize_htu(htu).as_deref() != Some(expected.as_str()) {
        return Err(DpopError::Url { expected, found: htu.to_owned() });
    }
    let iat = super::numeric_date::read(&claims, "iat").ok().flatten().ok_or(DpopError::Claim("iat"))?;
    if iat < now - PROOF_MAX_AGE || iat > now + PROOF_MAX_SKEW {
        return Err(DpopError::Time);
    }
    if let Some(token) = target.access_token {
        let given = claims.get("ath").and_then(Value::as_str).unwrap_or_default();
        if !bool::from(given.as_bytes().ct_eq(ath(token).as_bytes())) {
            return Err(DpopError::AccessTokenHash);
        }
    }
    let jkt = key.thumbprint();
    let replay_key = sha256(&format!("{jkt}\0{htm}\0{expected}\0{jti}"));
    let nonce = claims.get("nonce").and_then(Value::as_str).map(str::to_owned);
    Ok(DpopProof { key, jkt, nonce, iat, replay_key })
}

/// Stateless server nonces for one purpose (the authorization server's and the credential endpoint's are
/// separate, RFC 9449 section 8): `base64url(time ‖ HMAC(key, purpose ‖ time)[..16])`.
pub struct DpopNonces<'a> {
    key: &'a [u8],
    purpose: &'static str,
}

impl std::fmt::Debug for DpopNonces<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DpopNonces").field("purpose", &self.purpose).finish_non_exhaustive()
    }
}

impl<'a> DpopNonces<'a> {
    /// Nonces minted under `key` (the server's protocol key) for `purpose`.
    #[must_use]
    pub const fn new(key: &'a [u8], purpose: &'static str) -> Self {
        Self { key, purpose }
    }

    fn tag(&self, seconds: i64) -> [u8; 16] {
        let mac = hmac_sha256(self.key, format!("dpop-nonce\0{}\0{seconds}", self.purpose).as_bytes());
        let mut tag = [0; 16];
        tag.copy_from_slice(&mac[..16]);
        tag
    }

    /// A fresh nonce.
    #[must_use]
    pub fn mint(&self, now: DateTime<Utc>) -> String {
        let seconds = now.timestamp();
        let mut bytes = seconds.to_be_bytes().to_vec();
        bytes.extend_from_slice(&self.tag(seconds));
        b64url(bytes)
    }

    /// Whether `proof` carries a nonce minted here within [`NONCE_LIFETIME`].
    ///
    /// # Errors
    /// [`DpopError::NonceMissing`] or [`DpopError::NonceStale`].
    pub fn check(&self, proof: &DpopProof, now: DateTime<Utc>) -> Result<(), DpopError> {
        let nonce = proof.nonce.as_deref().ok_or(DpopError::NonceMissing)?;
        let bytes = b64url_decode(nonce).map_err(|_| DpopError::NonceStale)?;
        let (Some(time), Some(tag)) = (bytes.get(..8), bytes.get(8..)) else { return Err(DpopError::NonceStale) };
        let seconds = i64::from_be_bytes(time.try_into().map_err(|_| DpopError::NonceStale)?);
        let fresh = (now.timestamp() - NONCE_LIFETIME.num_seconds()..=now.timestamp() + 5).contains(&seconds);
        if fresh && bool::from(tag.ct_eq(&self.tag(seconds))) { Ok(()) } else { Err(DpopError::NonceStale) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 9449 figure 2 (the example proof, line breaks removed); figure 9 gives its key's thumbprint.
    const RFC_PROOF: &str = "eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6IkVTMjU2IiwiandrIjp7Imt0eSI6IkVDIiwieCI6Imw4dEZyaHgtMzR0VjNoUklDUkRZOXpDa0RscEJoRjQyVVFVZldWQVdCRnMiLCJ5IjoiOVZFNGpmX09rX282NHpiVFRsY3VOSmFqSG10NnY5VERWclUwQ2R2R1JEQSIsImNydiI6IlAtMjU2In19.eyJqdGkiOiItQndDM0VTYzZhY2MybFRjIiwiaHRtIjoiUE9TVCIsImh0dSI6Imh0dHBzOi8vc2VydmVyLmV4YW1wbGUuY29tL3Rva2VuIiwiaWF0IjoxNTYyMjYyNjE2fQ.2-GxA6T8lP4vfrg8v-FdWP0A0zdrj8igiMLvqRMUvwnQg4PtFLbdLXiOSsX0x7NVY-FNyJK70nfbV37xRZT3Lg";

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(seconds, 0).unwrap()
    }

    const TOKEN: Target<'static> =
        Target { method: "POST", url: "https://server.example.com/token", access_token: None };

    #[test]
    fn the_rfc_9449_example_proof_verifies_with_its_published_thumbprint() {
        let proof = check(RFC_PROOF, TOKEN, at(1_562_262_616)).unwrap();
        assert_eq!(proof.jkt, "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I");
        let upper = Target { url: "HTTPS://Server.Example.com:443/token?x=1#f", ..TOKEN };
        assert!(check(RFC_PROOF, upper, at(1_562_262_616)).is_ok(), "htu is compared after normalisation");
        assert_eq!(check(RFC_PROOF, TOKEN, at(1_562_262_616 + 301)).unwrap_err(), DpopError::Time);
        let get = Target { method: "GET", ..TOKEN };
        assert!(matches!(check(RFC_PROOF, get, at(1_562_262_616)), Err(DpopError::Method { .. })));
        let other = Target { url: "https://server.example.com/credential", ..TOKEN };
        assert!(matches!(check(RFC_PROOF, other, at(1_562_262_616)), Err(DpopError::Url { .. })));
    }

    #[test]
    fn proofs_made_here_check_and_bind_the_access_token() {
        let key = SigningKey::generate_for(crate::core::keys::KeyAlgorithm::Es256, &mut rand::rngs::OsRng);
        let now = at(1_790_000_000);
        let target = Target { method: "POST", url: "https://academy.example/credential", access_token: Some("t0k") };
        let made = proof(&key, target, "0123456789abcdef", Some("n"), now).unwrap();
        let checked = check(&made, target, now).unwrap();
        assert_eq!(checked.jkt, key.verifying_key().thumbprint());
        assert_eq!(checked.nonce.as_deref(), Some("n"));
        let stolen = Target { access_token: Some("another"), ..target };
        assert_eq!(check(&made, stolen, now).unwrap_err(), DpopError::AccessTokenHash);
        let short = proof(&key, target, "short", None, now).unwrap();
        assert_eq!(check(&short, target, now).unwrap_err(), DpopError::Claim("jti"));
        let bearer = crate::core::openid4vci::key_proof(&key, "did:example:a#0", "x", None, now).unwrap();
        assert!(matches!(check(&bearer, target, now), Err(DpopError::Jose(JoseError::WrongTyp { .. }))));
    }

    #[test]
    fn nonces_are_fresh_bound_to_their_purpose_and_unforgeable() {
        let key = SigningKey::generate(&mut rand::rngs::OsRng);
        let now = at(1_790_000_000);
        let target = Target { method: "POST", url: "https://academy.example/token", access_token: None };
        let (server, resource) = (DpopNonces::new(b"protocol key", "token"), DpopNonces::new(b"protocol key", "rs"));
        let with =
            |nonce: Option<&str>| check(&proof(&key, target, "0123456789abcdef", nonce, now).unwrap(), target, now);
        let nonce = server.mint(now);
        assert_eq!(server.check(&with(Some(&nonce)).unwrap(), now), Ok(()));
        assert_eq!(server.check(&with(None).unwrap(), now), Err(DpopError::NonceMissing));
        assert_eq!(resource.check(&with(Some(&nonce)).unwrap(), now), Err(DpopError::NonceStale));
        let late = now + NONCE_LIFETIME + Duration::seconds(1);
        assert_eq!(server.check(&with(Some(&nonce)).unwrap(), late), Err(DpopError::NonceStale));
        let forged = DpopNonces::new(b"another key", "token").mint(now);
        assert_eq!(server.check(&with(Some(&forged)).unwrap(), now), Err(DpopError::NonceStale));
        assert_eq!(DpopError::NonceStale.code(), "use_dpop_nonce");
    }
}
