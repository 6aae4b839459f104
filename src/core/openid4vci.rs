//! `OpenID` for Verifiable Credential Issuance 1.0, the parts both sides share (STANDARDS.md section 4): the
//! credential offer and its `openid-credential-offer://` URI, the metadata URL and its `credential_issuer` check, the
//! `openid4vci-proof+jwt` key proof (made by the wallet, checked by the issuer), and the error codes. Pure: the
//! issuer keeps codes and nonces, the wallet does the fetching.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::did::{Did, Relationship};
use super::jose::{self, AlgorithmPolicy, CompactJws, HeaderSpec, TokenKind};
use super::keys::{SigningKey, VerifyingKey};

/// The grant type of the pre-authorized code flow.
pub const PRE_AUTHORIZED_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:pre-authorized_code";
/// The custom scheme wallets are invoked with.
pub const OFFER_SCHEME: &str = "openid-credential-offer://";
/// Where credential issuer metadata lives (inserted between host and path).
pub const METADATA_PATH: &str = "/.well-known/openid-credential-issuer";
/// Where OAuth authorization server metadata lives (RFC 8414).
pub const AS_METADATA_PATH: &str = "/.well-known/oauth-authorization-server";
/// How far a key proof's `iat` may be from now.
pub const PROOF_IAT_WINDOW: Duration = Duration::minutes(5);
/// The longest transaction code description the offer may carry (section 4.1.1).
pub const MAX_TX_CODE_DESCRIPTION: usize = 300;

/// Why a protocol message was refused; `code` is the specification's error code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {description}")]
pub struct ProtocolError {
    /// `invalid_request`, `invalid_grant`, `invalid_proof`, `invalid_nonce`, …
    pub code: &'static str,
    /// What was wrong, for people.
    pub description: String,
}

impl ProtocolError {
    /// An error with the given code.
    #[must_use]
    pub fn new(code: &'static str, description: impl Into<String>) -> Self {
        Self { code, description: description.into() }
    }
}

/// A credential offer (section 4.1.1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CredentialOffer {
    /// The issuer's identifier (an https URL).
    pub credential_issuer: String,
    /// Keys of `credential_configurations_supported` (non-empty, unique).
    pub credential_configuration_ids: Vec<String>,
    /// The grants the wallet may use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grants: Option<Grants>,
}

/// The grants of an offer; others than the pre-authorized code are kept but not used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Grants {
    /// The pre-authorized code grant.
    #[serde(
        rename = "urn:ietf:params:oauth:grant-type:pre-authorized_code",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub pre_authorized_code: Option<PreAuthorizedCode>,
    /// Other grants (`authorization_code`, …).
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// The pre-authorized code grant of an offer (its `Debug` output leaves the code out: it is a bearer secret).
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct PreAuthorizedCode {
    /// The code (short-lived, single use).
    #[serde(rename = "pre-authorized_code")]
    pub code: String,
    /// Present (even empty) when a transaction code is required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tx_code: Option<TxCode>,
}

impl std::fmt::Debug for PreAuthorizedCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreAuthorizedCode").field("code", &"[redacted]").field("tx_code", &self.tx_code).finish()
    }
}

/// What the wallet should ask the person for (the code itself arrives out of band).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct TxCode {
    /// `numeric` (default) or `text`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_mode: Option<String>,
    /// Its length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub length: Option<u32>,
    /// Where to find it (at most 300 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl CredentialOffer {
    /// Parses and checks an offer: a non-empty list of unique configuration ids, an issuer URL without query or
    /// fragment.
    ///
    /// # Errors
    /// [`ProtocolError`] `invalid_credential_offer`.
    pub fn parse(value: &Value) -> Result<Self, ProtocolError> {
        let invalid = |why: String| ProtocolError::new("invalid_credential_offer", why);
        let offer: Self = serde_json::from_value(value.clone()).map_err(|e| invalid(e.to_string()))?;
        check_issuer_identifier(&offer.credential_issuer).map_err(|e| invalid(e.description))?;
        let ids = &offer.credential_configuration_ids;
        if ids.is_empty() || ids.iter().enumerate().any(|(i, id)| ids[..i].contains(id)) {
            return Err(invalid("credential_configuration_ids must be a non-empty list of unique ids".into()));
        }
        if let Some(description) = offer.tx_code().and_then(|t| t.description.as_ref()) {
            if description.chars().count() > MAX_TX_CODE_DESCRIPTION {
                return Err(invalid("the tx_code description is longer than 300 characters".into()));
            }
        }
        Ok(offer)
    }

    /// The pre-authorized code, if the offer grants one.
    #[must_use]
    pub fn pre_authorized_code(&self) -> Option<&PreAuthorizedCode> {
        self.grants.as_ref()?.pre_authorized_code.as_ref()
    }

    /// The transaction code description, when one is required.
    #[must_use]
    pub fn tx_code(&self) -> Option<&TxCode> {
        self.pre_authorized_code()?.tx_code.as_ref()
    }
}

/// Where an offer URI points.
#[derive(Debug, Clone, PartialEq)]
pub enum OfferRef {
    /// `credential_offer=<JSON>`.
    ByValue(Value),
    /// `credential_offer_uri=<https URL>`.
    ByReference(String),
}

/// `openid-credential-offer://?credential_offer_uri=<url>`.
#[must_use]
pub fn offer_uri(offer_url: &str) -> String {
    let query =
        url::form_urlencoded::Serializer::new(String::new()).append_pair("credential_offer_uri", offer_url).finish();
    format!("{OFFER_SCHEME}?{query}")
}

/// Reads an offer URI (any scheme or universal link: only the query matters). Exactly one of
/// `credential_offer` and `credential_offer_uri` must be present.
///
/// # Errors
/// [`ProtocolError`] `invalid_credential_offer`.
pub fn parse_offer_uri(uri: &str) -> Result<OfferRef, ProtocolError> {
    let invalid = |why: &str| ProtocolError::new("invalid_credential_offer", why);
    let query = uri.split_once('?').map(|(_, q)| q).ok_or_else(|| invalid("the offer URI has no query"))?;
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    let find = |name: &str| pairs.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect::<Vec<_>>();
    match (find("credential_offer").as_slice(), find("credential_offer_uri").as_slice()) {
        ([value], []) => super::encoding::parse_json(value.as_bytes())
            .map(OfferRef::ByValue)
            .map_err(|e| ProtocolError::new("invalid_credential_offer", format!("credential_offer: {e}"))),
        ([], [reference]) => Ok(OfferRef::ByReference(reference.clone())),
        _ => Err(invalid("the offer URI must carry exactly one of credential_offer and credential_offer_uri")),
    }
}

/// Section 4.1 / 12.2.1: an issuer identifier is a URL with a host, no query and no fragment.
///
/// # Errors
/// [`ProtocolError`] `invalid_request`.
pub fn check_issuer_identifier(issuer: &str) -> Result<(), ProtocolError> {
    let parsed = url::Url::parse(issuer)
        .map_err(|_| ProtocolError::new("invalid_request", format!("{issuer:?} is not a URL")))?;
    if !matches!(parsed.scheme(), "https" | "http") || parsed.host().is_none() {
        return Err(ProtocolError::new("invalid_request", format!("{issuer:?} is not an https URL")));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(ProtocolError::new("invalid_request", format!("{issuer:?} has a query or fragment")));
    }
    Ok(())
}

/// The well-known URL of `issuer`'s metadata: `/.well-known/openid-credential-issuer` inserted between host and
/// path (section 12.2.2), or of its authorization server metadata with [`AS_METADATA_PATH`].
///
/// # Errors
/// [`ProtocolError`] for identifiers that are not URLs.
pub fn well_known_url(issuer: &str, well_known: &str) -> Result<String, ProtocolError> {
    check_issuer_identifier(issuer)?;
    let parsed = url::Url::parse(issuer).map_err(|e| ProtocolError::new("invalid_request", e.to_string()))?;
    let origin = parsed.origin().ascii_serialization();
    let path = parsed.path().trim_end_matches('/');
    Ok(format!("{origin}{well_known}{path}"))
}

/// Section 12.2.4: metadata whose `credential_issuer` is not exactly the identifier used must be discarded.
///
/// # Errors
/// [`ProtocolError`] `invalid_issuer_metadata`.
pub fn check_metadata(metadata: &Value, issuer: &str) -> Result<(), ProtocolError> {
    let invalid = |why: String| ProtocolError::new("invalid_issuer_metadata", why);
    let claimed = metadata.get("credential_issuer").and_then(Value::as_str);
    if claimed != Some(issuer) {
        return Err(invalid(format!(
            "the metadata names credential_issuer {claimed:?}, not the URL it was fetched for ({issuer:?})"
        )));
    }
    for required in ["credential_endpoint", "credential_configurations_supported"] {
        if metadata.get(required).is_none() {
            return Err(invalid(format!("the metadata has no {required}")));
        }
    }
    Ok(())
}

/// A key proof (section 8.2.1.1) for `aud` = the credential issuer, with the issuer's `c_nonce`, identifying the
/// key by `kid` (a DID URL of a `did:key`/`did:jwk`).
///
/// # Errors
/// [`jose::JoseError`] if signing fails.
pub fn key_proof(
    key: &SigningKey,
    kid: &str,
    aud: &str,
    nonce: Option<&str>,
    now: DateTime<Utc>,
) -> Result<String, jose::JoseError> {
    let mut claims = json!({"aud": aud, "iat": now.timestamp()});
    if let Some(nonce) = nonce {
        claims["nonce"] = json!(nonce);
    }
    let bytes = serde_json::to_vec(&claims).map_err(|e| jose::JoseError::Signing(e.to_string()))?;
    jose::sign(&bytes, &HeaderSpec { typ: Some(TokenKind::KeyProof), kid: Some(kid), ..HeaderSpec::default() }, key)
}

/// A key proof that verified.
#[derive(Debug, Clone)]
pub struct ProvenKey {
    /// The proven key.
    pub key: VerifyingKey,
    /// The `nonce` claim, for the issuer to check against the nonces it handed out.
    pub nonce: Option<String>,
}

/// Section 8.2.1.1's checks, except the nonce's freshness (the issuer's store decides): `typ`, an allowed `alg`,
/// exactly one of `kid`/`jwk`/`x5c` (a `jwk` without private members; a `kid` a DID URL of a `did:key` or
/// `did:jwk`), the signature with that key, `aud` = `issuer`, and `iat` within [`PROOF_IAT_WINDOW`].
///
/// # Errors
/// [`ProtocolError`] `invalid_proof`.
pub fn check_key_proof(proof: &str, issuer: &str, now: DateTime<Utc>) -> Result<ProvenKey, ProtocolError> {
    let invalid = |why: String| ProtocolError::new("invalid_proof", why);
    let jws = CompactJws::parse(proof).map_err(|e| invalid(e.to_string()))?;
    jws.check_typ(TokenKind::KeyProof).map_err(|e| invalid(e.to_string()))?;
    AlgorithmPolicy.accepted(jws.alg()).map_err(|e| invalid(e.to_string()))?;
    let key = proof_key(&jws).map_err(invalid)?;
    jws.fits(&key).map_err(|e| invalid(e.to_string()))?;
    jws.verify_signature(&key).map_err(|_| invalid("the signature does not verify with the header's key".into()))?;
    let claims = jws.claims().map_err(|e| invalid(e.to_string()))?;
    let aud_ok = match claims.get("aud") {
        Some(Value::String(aud)) => aud == issuer,
        Some(Value::Array(auds)) => auds.iter().any(|a| a == issuer),
        _ => false,
    };
    if !aud_ok {
        return Err(invalid(format!("aud is {:?}, not this credential issuer", claims.get("aud"))));
    }
    let iat =
        super::numeric_date::read(&claims, "iat").map_err(|e| ProtocolError::new("invalid_proof", e.to_string()))?;
    if iat.is_none_or(|iat| (iat - now).abs() > PROOF_IAT_WINDOW) {
        return Err(invalid("iat is missing or more than 5 minutes from now".into()));
    }
    Ok(ProvenKey { key, nonce: claims.get("nonce").and_then(Value::as_str).map(str::to_owned) })
}

fn proof_key(jws: &CompactJws<'_>) -> Result<VerifyingKey, String> {
    let header = jws.header();
    let present: Vec<&str> = ["kid", "jwk", "x5c"].into_iter().filter(|m| header.contains_key(*m)).collect();
    match present.as_slice() {
        ["jwk"] => VerifyingKey::from_jwk(&header["jwk"]).map_err(|e| format!("jwk: {e}")),
        ["kid"] => {
            let kid = jws.header_str("kid").ok_or("kid is not a string")?;
            let did = Did::parse(kid.split('#').next().unwrap_or_default()).map_err(|e| format!("kid: {e}"))?;
            let document = did.resolve().map_err(|e| format!("kid {kid}: {e} (did:key and did:jwk are accepted)"))?;
            document.key_for(did.as_str(), kid, Relationship::Authentication).map_err(|e| format!("kid: {e}"))
        }
        ["x5c"] => Err("x5c key proofs are not supported (Ed25519 keys by kid or jwk)".into()),
        _ => Err(format!("the header must carry exactly one of kid, jwk and x5c, not {present:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_790_000_000, 0).unwrap()
    }

    #[test]
    fn well_known_urls_insert_between_host_and_path() {
        let url = |i| well_known_url(i, METADATA_PATH).unwrap();
        assert_eq!(url("https://academy.example"), "https://academy.example/.well-known/openid-credential-issuer");
        assert_eq!(
            url("https://academy.example/tenant"),
            "https://academy.example/.well-known/openid-credential-issuer/tenant"
        );
        assert!(well_known_url("https://academy.example?x=1", METADATA_PATH).is_err());
    }

    #[test]
    fn offer_uris_round_trip() {
        let uri = offer_uri("https://academy.example/offers/abc");
        assert_eq!(uri, "openid-credential-offer://?credential_offer_uri=https%3A%2F%2Facademy.example%2Foffers%2Fabc");
        assert_eq!(parse_offer_uri(&uri).unwrap(), OfferRef::ByReference("https://academy.example/offers/abc".into()));
        assert!(parse_offer_uri("openid-credential-offer://?x=1").is_err());
    }

    #[test]
    fn proofs_are_checked() {
        let key = SigningKey::generate(&mut rand::rngs::OsRng);
        let did = Did::key(&key.verifying_key());
        let proof = key_proof(&key, &did.default_kid(), "https://academy.example", Some("n"), now()).unwrap();
        let proven = check_key_proof(&proof, "https://academy.example", now()).unwrap();
        assert_eq!(proven.key, key.verifying_key());
        assert_eq!(proven.nonce.as_deref(), Some("n"));
        let wrong_aud = check_key_proof(&proof, "https://other.example", now()).unwrap_err();
        assert!(wrong_aud.description.contains("aud"), "{wrong_aud}");
        let stale = check_key_proof(&proof, "https://academy.example", now() + Duration::minutes(6)).unwrap_err();
        assert!(stale.description.contains("iat"), "{stale}");
        let other = SigningKey::generate(&mut rand::rngs::OsRng);
        let forged = key_proof(&other, &did.default_kid(), "https://academy.example", Some("n"), now()).unwrap();
        assert_eq!(check_key_proof(&forged, "https://academy.example", now()).unwrap_err().code, "invalid_proof");
    }
}
