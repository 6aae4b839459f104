//! Decentralized identifiers: `did:key` and `did:jwk` (generative, resolved without network) and `did:web`
//! (parsed here, mapped to its HTTPS URL; the document is fetched by the verifier, never by core).
//!
//! Specs: did:key (W3C CCG; Ed25519 multicodec `0xed01` and P-256 `0x1200` with the compressed point, base58btc
//! with multibase prefix `z`), did:jwk
//! (quartzjer/did-jwk, verification method `#0`), did:web (W3C CCG, section "Read (Resolve)"), and the
//! kid-to-key rule of STANDARDS.md section 8.4: a token's `kid` must be a DID URL of the token's own issuer,
//! and the method must be listed under the relationship the token needs (`assertionMethod` for credentials,
//! `authentication` for holder proofs).

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::encoding::{b64url, b64url_decode, parse_json};
use super::keys::{KeyAlgorithm, KeyError, VerifyingKey};

/// did:key spec, "Format": the unsigned-varint multicodec prefix of an Ed25519 public key (0xed).
pub const ED25519_MULTICODEC: [u8; 2] = [0xed, 0x01];
/// The multicodec table's `p256-pub` (0x1200) as an unsigned varint: the prefix of a compressed P-256 point.
pub const P256_MULTICODEC: [u8; 2] = [0x80, 0x24];
/// The longest DID we accept (a did:jwk of an Ed25519 key is about 100 characters).
pub const MAX_DID_LEN: usize = 2048;

/// Why a DID, DID URL or DID document was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DidError {
    /// Not `did:<method>:<id>` or malformed for its method.
    #[error("invalid DID {did:?}: {reason}")]
    Invalid {
        /// The input.
        did: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// A method we do not resolve.
    #[error("unsupported DID method in {0:?} (supported: did:key, did:jwk, did:web)")]
    UnsupportedMethod(String),
    /// The key inside a generative DID is not usable.
    #[error("DID key: {0}")]
    Key(#[from] KeyError),
    /// The DID document's `id` is not the DID we resolved.
    #[error("DID document id {found:?} does not match {expected:?}")]
    DocumentIdMismatch {
        /// The DID that was resolved.
        expected: String,
        /// The document's id.
        found: String,
    },
    /// The DID document is not a JSON object of the expected shape.
    #[error("malformed DID document: {0}")]
    MalformedDocument(String),
    /// The `kid` names a different DID than the token's issuer.
    #[error("kid {kid:?} does not belong to issuer {issuer:?}")]
    KidNotIssuer {
        /// The kid header.
        kid: String,
        /// The issuer identifier.
        issuer: String,
    },
    /// No verification method with that id, or not under the needed relationship.
    #[error("verification method {kid:?} is not listed under {relationship}")]
    MethodNotAuthorized {
        /// The kid header.
        kid: String,
        /// The relationship that was needed.
        relationship: Relationship,
    },
    /// The verification method holds no key we can use.
    #[error("verification method {0:?} has no usable Ed25519 or P-256 key")]
    NoUsableKey(String),
    /// A did:web document must be fetched first.
    #[error("{did} must be resolved over HTTPS ({url}); pass its DID document")]
    NeedsFetch {
        /// The DID.
        did: String,
        /// Where its document lives.
        url: String,
    },
}

/// The DID methods we know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DidMethod {
    /// `did:key`, Ed25519 and P-256 keys.
    Key,
    /// `did:jwk`.
    Jwk,
    /// `did:web`.
    Web,
}

/// A syntactically valid DID of a supported method.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Did {
    text: String,
    method: DidMethod,
}

/// Verification relationships (DID Core section 5.3) that authorise a key for a purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relationship {
    /// Issuing credentials.
    AssertionMethod,
    /// Proving control: presentations, key-binding JWTs, key proofs.
    Authentication,
}

impl fmt::Display for Relationship {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::AssertionMethod => "assertionMethod",
            Self::Authentication => "authentication",
        })
    }
}

impl Did {
    /// Parses and validates a DID (no fragment, query or path).
    ///
    /// # Errors
    /// [`DidError`] for malformed DIDs and other methods.
    pub fn parse(text: &str) -> Result<Self, DidError> {
        let invalid = |reason| DidError::Invalid { did: text.chars().take(80).collect(), reason };
        if text.len() > MAX_DID_LEN {
            return Err(invalid("too long"));
        }
        let rest = text.strip_prefix("did:").ok_or_else(|| invalid("does not start with did:"))?;
        let (method, id) = rest.split_once(':').ok_or_else(|| invalid("no method-specific id"))?;
        if id.is_empty() || id.contains(['#', '?', '/']) {
            return Err(invalid("method-specific id is empty or contains #, ? or /"));
        }
        let method = match method {
            "key" => DidMethod::Key,
            "jwk" => DidMethod::Jwk,
            "web" => DidMethod::Web,
            _ => return Err(DidError::UnsupportedMethod(text.chars().take(80).collect())),
        };
        let did = Self { text: text.to_owned(), method };
        match method {
            DidMethod::Key => did.key_from_did_key().map(|_| did),
            DidMethod::Jwk => did.key_from_did_jwk().map(|_| did),
            DidMethod::Web => validate_web_id(id).map(|()| did).map_err(invalid),
        }
    }

    /// The `did:key` of a public key (`z6Mk…` for Ed25519, `zDn…` for P-256).
    ///
    /// ```
    /// use skillspass::core::{did::Did, keys::SigningKey};
    ///
    /// // did:key test vector: the all-zero seed.
    /// let key = SigningKey::from_seed(&[0; 32]).verifying_key();
    /// assert_eq!(Did::key(&key).as_str(), "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp");
    /// ```
    #[must_use]
    pub fn key(key: &VerifyingKey) -> Self {
        Self { text: format!("did:key:{}", multikey(key)), method: DidMethod::Key }
    }

    /// The `did:jwk` of a public key (members in RFC 7638 / JCS order, so equal keys give equal DIDs).
    #[must_use]
    pub fn jwk(key: &VerifyingKey) -> Self {
        Self { text: format!("did:jwk:{}", b64url(key.to_jwk().canonical())), method: DidMethod::Jwk }
    }

    /// The `did:web` of a service published at `url` (scheme, host and optional port; no path):
    /// `https://academy.example` → `did:web:academy.example`, `http://localhost:8080` → `did:web:localhost%3A8080`.
    ///
    /// # Errors
    /// [`DidError::Invalid`] for URLs with a path, query or an IP-address host.
    pub fn web_from_url(url: &str) -> Result<Self, DidError> {
        let invalid = |reason| DidError::Invalid { did: url.chars().take(80).collect(), reason };
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))
            .ok_or_else(|| invalid("not an http(s) URL"))?;
        let authority = rest.strip_suffix('/').unwrap_or(rest);
        if authority.contains(['/', '?', '#', '@']) {
            return Err(invalid("a did:web service URL must be scheme://host[:port] without a path"));
        }
        Self::parse(&format!("did:web:{}", authority.replace(':', "%3A")))
    }

    /// The DID text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The method.
    #[must_use]
    pub fn method(&self) -> DidMethod {
        self.method
    }

    /// The kid (DID URL) of this DID's only key, for `did:key` and `did:jwk`.
    #[must_use]
    pub fn default_kid(&self) -> String {
        match self.method {
            DidMethod::Key => format!("{}#{}", self.text, &self.text["did:key:".len()..]),
            DidMethod::Jwk => format!("{}#0", self.text),
            DidMethod::Web => format!("{}#key-1", self.text),
        }
    }

    /// Resolves `did:key` and `did:jwk` locally. `did:web` needs its document: [`DidError::NeedsFetch`].
    ///
    /// # Errors
    /// [`DidError::NeedsFetch`] for did:web.
    pub fn resolve(&self) -> Result<DidDocument, DidError> {
        match self.method {
            DidMethod::Key => Ok(DidDocument::single_key(self, &self.default_kid(), self.key_from_did_key()?, false)),
            DidMethod::Jwk => Ok(DidDocument::single_key(self, &self.default_kid(), self.key_from_did_jwk()?, true)),
            DidMethod::Web => Err(DidError::NeedsFetch { did: self.text.clone(), url: self.web_document_url()? }),
        }
    }

    /// did:web "Read": the HTTPS URL of the DID document.
    /// `did:web:example.com%3A3000:u:bob` → `https://example.com:3000/u/bob/did.json`.
    ///
    /// # Errors
    /// [`DidError::Invalid`] when this is not a did:web.
    pub fn web_document_url(&self) -> Result<String, DidError> {
        let id = self
            .text
            .strip_prefix("did:web:")
            .ok_or(DidError::Invalid { did: self.text.clone(), reason: "not a did:web" })?;
        let mut segments = id.split(':');
        let host = segments.next().unwrap_or_default().replace("%3A", ":").replace("%3a", ":");
        let path: Vec<&str> = segments.collect();
        let path = if path.is_empty() { ".well-known".to_owned() } else { path.join("/") };
        Ok(format!("https://{host}/{path}/did.json"))
    }

    fn key_from_did_key(&self) -> Result<VerifyingKey, DidError> {
        let invalid = |reason| DidError::Invalid { did: self.text.clone(), reason };
        let value = &self.text["did:key:".len()..];
        let encoded =
            value.strip_prefix('z').ok_or_else(|| invalid("did:key value must be multibase base58btc (z)"))?;
        let bytes = bs58::decode(encoded).into_vec().map_err(|_| invalid("not base58btc"))?;
        key_from_multicodec(&bytes).map_err(|e| match e {
            DidError::Key(key) => DidError::Key(key),
            _ => invalid("not an Ed25519 (0xed01) or P-256 (0x1200, compressed) key"),
        })
    }

    fn key_from_did_jwk(&self) -> Result<VerifyingKey, DidError> {
        let invalid = |reason| DidError::Invalid { did: self.text.clone(), reason };
        let bytes = b64url_decode(&self.text["did:jwk:".len()..]).map_err(|_| invalid("not base64url"))?;
        let jwk = parse_json(&bytes).map_err(|_| invalid("not a JSON JWK"))?;
        Ok(VerifyingKey::from_jwk(&jwk)?)
    }
}

impl fmt::Display for Did {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// The multibase (base58btc, `z`) multicodec form of a key, as `did:key` and Multikey carry it: `z6Mk…` for
/// Ed25519, `zDn…` for P-256 (the compressed point).
#[must_use]
pub fn multikey(key: &VerifyingKey) -> String {
    let mut bytes = match key.algorithm() {
        KeyAlgorithm::Ed25519 => ED25519_MULTICODEC.to_vec(),
        KeyAlgorithm::Es256 => P256_MULTICODEC.to_vec(),
    };
    bytes.extend_from_slice(&key.to_bytes());
    format!("z{}", bs58::encode(bytes).into_string())
}

/// The key of multicodec-prefixed bytes: Ed25519 (32 bytes) or a compressed P-256 point (33 bytes).
fn key_from_multicodec(bytes: &[u8]) -> Result<VerifyingKey, DidError> {
    let unknown = || DidError::Invalid { did: String::new(), reason: "unknown multicodec" };
    if let Some(raw) = bytes.strip_prefix(&ED25519_MULTICODEC) {
        return Ok(VerifyingKey::from_bytes(raw)?);
    }
    if let Some(raw) = bytes.strip_prefix(&P256_MULTICODEC) {
        if raw.len() != 33 {
            return Err(DidError::Key(KeyError::InvalidPublicKey(KeyAlgorithm::Es256)));
        }
        return Ok(VerifyingKey::from_p256_sec1(raw)?);
    }
    Err(unknown())
}

/// did:web "Create": the method-specific id is a domain name, optionally a percent-encoded port (`%3A`), then
/// `:`-separated path segments. Checked on the decoded form, which is what will be fetched: a userinfo part
/// (`academy.example%3A443@evil.example` decodes to a URL whose host is `evil.example`), an IP address, any other
/// percent-escape in the host, or a port outside 1 to 65535 is refused.
fn validate_web_id(id: &str) -> Result<(), &'static str> {
    let mut segments = id.split(':');
    let authority = segments.next().unwrap_or_default();
    let decoded = authority.replace("%3A", ":").replace("%3a", ":");
    if decoded.contains(['%', '@', '[', ']', '/', '?', '#', '\\']) {
        return Err("did:web host must be a domain name with an optional %3A port (no userinfo, no other escapes)");
    }
    let (host, port) = match decoded.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (decoded.as_str(), None),
    };
    if let Some(port) = port {
        let valid =
            !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) && port.parse::<u16>().is_ok_and(|p| p > 0);
        if !valid {
            return Err("did:web port is not a number from 1 to 65535");
        }
    }
    if host.parse::<::core::net::Ipv4Addr>().is_ok() || host.parse::<::core::net::Ipv6Addr>().is_ok() {
        return Err("did:web host must be a domain name, not an IP address");
    }
    if !is_domain_name(host) {
        return Err("did:web host is not a domain name");
    }
    let path_ok = segments.all(|s| !s.is_empty() && !s.contains(['/', '?', '#', '@', '\\']));
    if path_ok { Ok(()) } else { Err("did:web path segment is empty or not a path segment") }
}

/// RFC 1035 section 2.3.1 preferred name syntax (with digits first allowed, RFC 1123): labels of 1 to 63 letters,
/// digits and hyphens, not starting or ending with a hyphen, 253 characters at most.
fn is_domain_name(host: &str) -> bool {
    let host = host.strip_suffix('.').unwrap_or(host);
    !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|label| {
            (1..=63).contains(&label.len())
                && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

/// A DID document (DID Core section 5), reduced to what verification needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DidDocument {
    /// JSON-LD contexts.
    #[serde(rename = "@context", default, skip_serializing_if = "Value::is_null")]
    pub context: Value,
    /// The DID.
    pub id: String,
    /// Verification methods.
    #[serde(default)]
    pub verification_method: Vec<VerificationMethod>,
    /// Methods for holder proofs.
    #[serde(default)]
    pub authentication: Vec<MethodRef>,
    /// Methods for issuing credentials.
    #[serde(default)]
    pub assertion_method: Vec<MethodRef>,
    /// Capability invocation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capability_invocation: Vec<MethodRef>,
    /// Capability delegation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capability_delegation: Vec<MethodRef>,
}

/// A verification method (DID Core section 5.2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VerificationMethod {
    /// The method's id (a DID URL, possibly relative `#frag`).
    pub id: String,
    /// `JsonWebKey`, `JsonWebKey2020`, `Multikey`, `Ed25519VerificationKey2018/2020`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The controlling DID.
    pub controller: String,
    /// For JWK-typed methods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key_jwk: Option<Value>,
    /// For Multikey / Ed25519VerificationKey2020.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key_multibase: Option<String>,
    /// For Ed25519VerificationKey2018.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key_base58: Option<String>,
}

/// A relationship entry: a reference to a method, or a method embedded in place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum MethodRef {
    /// A DID URL.
    Reference(String),
    /// An embedded method.
    Embedded(VerificationMethod),
}

impl DidDocument {
    /// The document of a single-key DID with a `JsonWebKey` method under every relationship.
    fn single_key(did: &Did, kid: &str, key: VerifyingKey, jwk_2020: bool) -> Self {
        let method_type = if jwk_2020 { "JsonWebKey2020" } else { "JsonWebKey" };
        Self::for_key(did.as_str(), kid, method_type, key)
    }

    /// A document with one JWK method listed under assertionMethod and authentication (used for did:web too).
    #[must_use]
    pub fn for_key(did: &str, kid: &str, method_type: &str, key: VerifyingKey) -> Self {
        let method = VerificationMethod {
            id: kid.to_owned(),
            kind: method_type.to_owned(),
            controller: did.to_owned(),
            public_key_jwk: Some(key.to_jwk().to_value()),
            public_key_multibase: None,
            public_key_base58: None,
        };
        let refs = || vec![MethodRef::Reference(kid.to_owned())];
        Self {
            context: serde_json::json!(["https://www.w3.org/ns/did/v1", "https://w3id.org/security/jwk/v1"]),
            id: did.to_owned(),
            verification_method: vec![method],
            authentication: refs(),
            assertion_method: refs(),
            capability_invocation: refs(),
            capability_delegation: refs(),
        }
    }

    /// Reads a fetched or supplied DID document and checks that its `id` is the DID (did:web "Read", step 6).
    ///
    /// # Errors
    /// [`DidError::MalformedDocument`] or [`DidError::DocumentIdMismatch`].
    pub fn from_json(bytes: &[u8], expected: &Did) -> Result<Self, DidError> {
        let value = parse_json(bytes).map_err(|e| DidError::MalformedDocument(e.to_string()))?;
        let doc: Self = serde_json::from_value(value).map_err(|e| DidError::MalformedDocument(e.to_string()))?;
        if doc.id != expected.as_str() {
            return Err(DidError::DocumentIdMismatch { expected: expected.text.clone(), found: doc.id });
        }
        Ok(doc)
    }

    /// STANDARDS.md section 8.4: the key `kid` names, provided `kid` is a DID URL of `issuer` and the method is
    /// listed under `relationship`.
    ///
    /// # Errors
    /// [`DidError::KidNotIssuer`], [`DidError::MethodNotAuthorized`] or [`DidError::NoUsableKey`].
    pub fn key_for(&self, issuer: &str, kid: &str, relationship: Relationship) -> Result<VerifyingKey, DidError> {
        let (kid_did, fragment) = kid.split_once('#').unwrap_or((kid, ""));
        if kid_did != issuer || kid_did != self.id || fragment.is_empty() {
            return Err(DidError::KidNotIssuer { kid: kid.to_owned(), issuer: issuer.to_owned() });
        }
        let listed = match relationship {
            Relationship::AssertionMethod => &self.assertion_method,
            Relationship::Authentication => &self.authentication,
        };
        let unauthorized = || DidError::MethodNotAuthorized { kid: kid.to_owned(), relationship };
        let method = listed.iter().find_map(|entry| self.dereference(entry, kid)).ok_or_else(unauthorized)?;
        method_key(method)
    }

    fn dereference<'a>(&'a self, entry: &'a MethodRef, kid: &str) -> Option<&'a VerificationMethod> {
        match entry {
            MethodRef::Embedded(method) => (self.absolute(&method.id) == kid).then_some(method),
            MethodRef::Reference(id) if self.absolute(id) == kid => {
                self.verification_method.iter().find(|m| self.absolute(&m.id) == kid)
            }
            MethodRef::Reference(_) => None,
        }
    }

    fn absolute(&self, id: &str) -> String {
        if id.starts_with('#') { format!("{}{id}", self.id) } else { id.to_owned() }
    }
}

fn method_key(method: &VerificationMethod) -> Result<VerifyingKey, DidError> {
    let unusable = || DidError::NoUsableKey(method.id.clone());
    if let Some(jwk) = &method.public_key_jwk {
        return VerifyingKey::from_jwk(jwk).map_err(DidError::Key);
    }
    if let Some(multibase) = &method.public_key_multibase {
        let encoded = multibase.strip_prefix('z').ok_or_else(unusable)?;
        let bytes = bs58::decode(encoded).into_vec().map_err(|_| unusable())?;
        return match key_from_multicodec(&bytes) {
            Err(DidError::Invalid { .. }) => VerifyingKey::from_bytes(&bytes).map_err(DidError::Key),
            other => other,
        };
    }
    if let Some(base58) = &method.public_key_base58 {
        let bytes = bs58::decode(base58).into_vec().map_err(|_| unusable())?;
        return VerifyingKey::from_bytes(&bytes).map_err(DidError::Key);
    }
    Err(unusable())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::keys::SigningKey;

    /// STANDARDS.md 8.1 / w3c-ccg/did-method-key test-vectors/ed25519-x25519.json: the all-zero seed.
    #[test]
    fn did_key_seed_zero_vector() {
        let key = SigningKey::from_seed(&[0; 32]).verifying_key();
        let did = Did::key(&key);
        assert_eq!(did.as_str(), "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp");
        assert_eq!(key.to_jwk().x, "O2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik");
        let doc = Did::parse(did.as_str()).unwrap().resolve().unwrap();
        let kid = did.default_kid();
        assert_eq!(doc.key_for(did.as_str(), &kid, Relationship::AssertionMethod).unwrap(), key);
    }

    #[test]
    fn did_jwk_round_trips() {
        let key = SigningKey::generate(&mut rand::rngs::OsRng).verifying_key();
        let did = Did::jwk(&key);
        let parsed = Did::parse(did.as_str()).unwrap();
        let doc = parsed.resolve().unwrap();
        assert_eq!(doc.key_for(did.as_str(), &format!("{did}#0"), Relationship::Authentication).unwrap(), key);
    }

    #[test]
    fn did_web_url_mapping() {
        let cases = [
            ("did:web:academy.example", "https://academy.example/.well-known/did.json"),
            ("did:web:academy.example:issuers:cs", "https://academy.example/issuers/cs/did.json"),
            ("did:web:example.com%3A3000:u:bob", "https://example.com:3000/u/bob/did.json"),
        ];
        for (did, url) in cases {
            assert_eq!(Did::parse(did).unwrap().web_document_url().unwrap(), url, "{did}");
        }
    }

    #[test]
    fn did_web_from_service_url() {
        assert_eq!(Did::web_from_url("https://academy.example").unwrap().as_str(), "did:web:academy.example");
        assert_eq!(Did::web_from_url("http://localhost:8080/").unwrap().as_str(), "did:web:localhost%3A8080");
        assert!(Did::web_from_url("http://127.0.0.1:8080").is_err(), "IP hosts are not did:web");
        assert!(Did::web_from_url("https://a.example/issuers/x").is_err());
    }

    #[test]
    fn rejects_malformed_dids() {
        for bad in [
            "did:key:abc",
            "did:key:z6Mk",
            "did:web:10.0.0.1",
            "did:web:exa mple.com",
            "did:example:123",
            "did:jwk:eyJrdHkiOiJPS1AiLCJjcnYiOiJFZDI1NTE5In0",
            "not-a-did",
            "did:web:a.example#frag",
            "did:web:academy.example%3A443@evil.example",
            "did:web:academy.example%40evil.example",
            "did:web:%5B%3A%3A1%5D",
            "did:web:academy.example%3A99999",
            "did:web:academy.example%3A",
            "did:web:-bad.example",
            "did:web:a..example",
            "did:web:academy.example:path@evil.example",
        ] {
            assert!(Did::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn kid_of_another_did_is_refused() {
        let key = SigningKey::generate(&mut rand::rngs::OsRng).verifying_key();
        let did = Did::key(&key);
        let other = Did::key(&SigningKey::generate(&mut rand::rngs::OsRng).verifying_key());
        let doc = did.resolve().unwrap();
        let err = doc.key_for(other.as_str(), &other.default_kid(), Relationship::AssertionMethod);
        assert!(matches!(err, Err(DidError::KidNotIssuer { .. })));
    }

    #[test]
    fn method_outside_assertion_method_is_refused() {
        let key = SigningKey::generate(&mut rand::rngs::OsRng).verifying_key();
        let mut doc = DidDocument::for_key("did:web:a.example", "did:web:a.example#k", "JsonWebKey", key);
        doc.assertion_method.clear();
        let err = doc.key_for("did:web:a.example", "did:web:a.example#k", Relationship::AssertionMethod);
        assert!(matches!(err, Err(DidError::MethodNotAuthorized { .. })));
    }

    #[test]
    fn relative_method_ids_resolve_against_the_document() {
        let key = SigningKey::generate(&mut rand::rngs::OsRng).verifying_key();
        let mut doc = DidDocument::for_key("did:web:a.example", "#k", "JsonWebKey", key);
        doc.assertion_method = vec![MethodRef::Reference("#k".into())];
        let found = doc.key_for("did:web:a.example", "did:web:a.example#k", Relationship::AssertionMethod);
        assert_eq!(found.unwrap(), key);
    }
}
