//! Compact JWS for every token skillspass signs or reads, and the one place the algorithm policy lives.
//!
//! Signing runs through josekit's compact serializer with a signer backed by ed25519-dalek. Reading parses a token
//! once: [`CompactJws::parse`] splits and decodes it, keeping the signing input and the signature bytes, so the
//! signature is checked with ed25519-dalek `verify_strict` over exactly those bytes without a second parse. The
//! parse applies the hygiene of
//! RFC 8725 and STANDARDS.md section 9: a size cap, strict base64url, bounded JSON, no JSON serialization, no
//! `alg: none` or `HS*`, no `crit` (we implement no extension), no `jku`/`x5u`, no unencoded payloads (`b64`),
//! no private key in a header `jwk`. The algorithm is chosen by [`AlgorithmPolicy`] from the key type, never
//! from the header alone, and `typ` is checked per [`TokenKind`] so that one kind of token can never pass as
//! another (RFC 8725 section 3.11).

use std::fmt;

use josekit::JoseError as JosekitError;
use josekit::jws::{self, JwsAlgorithm, JwsHeader, JwsSigner};
use serde_json::{Map, Value};

use super::encoding::{EncodingError, b64url_decode, parse_json_object};
use super::keys::{KeyAlgorithm, SigningKey, VerifyingKey};

/// The largest compact token we read, in bytes (256 KiB). A skills credential is 2 to 6 KiB; the cap leaves room
/// for embedded images while refusing abuse before any parsing.
pub const MAX_TOKEN_BYTES: usize = 256 * 1024;

/// RFC 8037 section 3.1: the JWS algorithm name for EdDSA signatures.
pub const ALG_EDDSA: &str = "EdDSA";
/// RFC 9864 section 2.2: the fully-specified name for Ed25519 signatures.
pub const ALG_ED25519: &str = "Ed25519";
/// RFC 7518 section 3.4: ECDSA using P-256 and SHA-256.
pub const ALG_ES256: &str = "ES256";

/// Why a token was refused. A failed signature says only that: details would help an attacker.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum JoseError {
    /// Larger than [`MAX_TOKEN_BYTES`].
    #[error("token is {0} bytes, over the {MAX_TOKEN_BYTES}-byte limit")]
    TooLarge(usize),
    /// JWS JSON serialization where compact is required.
    #[error("JWS JSON serialization is not accepted; send the compact form")]
    JsonSerialization,
    /// Not three dot-separated parts.
    #[error("not a compact JWS: {0}")]
    Malformed(&'static str),
    /// A part is not strict unpadded base64url.
    #[error("the {0} is not unpadded base64url")]
    Base64(&'static str),
    /// A part is not a bounded JSON object.
    #[error("the {part} is not valid JSON: {source}")]
    Json {
        /// Which part.
        part: &'static str,
        /// Why.
        source: EncodingError,
    },
    /// `alg: none`.
    #[error("alg none is refused: unsigned tokens carry no integrity")]
    AlgNone,
    /// `HS256`/`HS384`/`HS512`.
    #[error("alg {0} is refused: MAC algorithms are never accepted for public-key tokens")]
    Hmac(String),
    /// Any algorithm outside the policy.
    #[error("alg {0:?} is not allowed (allowed: EdDSA and Ed25519 for Ed25519 keys, ES256 for P-256 keys)")]
    AlgNotAllowed(String),
    /// An algorithm of the policy used with a key of another type (an `ES256` header on an Ed25519 key).
    #[error("alg {alg:?} does not fit the signer's {key} key, which signs with {}", AlgorithmPolicy::allowed(*key).join(" or "))]
    AlgDoesNotFitKey {
        /// What the header said.
        alg: String,
        /// The key's type.
        key: KeyAlgorithm,
    },
    /// A `crit` header: we understand no JWS extension.
    #[error("crit header {0:?} names extensions this verifier does not understand")]
    UnknownCrit(String),
    /// `jku` or `x5u`: keys are never fetched from URLs in a token.
    #[error("header {0} is refused: keys are never fetched from URLs named in a token")]
    RemoteKeyReference(&'static str),
    /// `b64: false` (RFC 7797).
    #[error("unencoded payloads (b64: false) are refused")]
    UnencodedPayload,
    /// A header `jwk` with private key material.
    #[error("header jwk contains private key material (d)")]
    PrivateKeyInHeader,
    /// `typ` does not match the kind of token expected here.
    #[error("typ {found:?} is not {expected:?}")]
    WrongTyp {
        /// What this endpoint expects.
        expected: &'static str,
        /// What the header said.
        found: Option<String>,
    },
    /// A `cty` this kind of token does not carry (RFC 7515 section 4.1.10; VC-JOSE-COSE allows `vc`/`vp` only).
    #[error("cty {found:?} is not expected here")]
    UnexpectedCty {
        /// What the header said.
        found: String,
    },
    /// The signature does not verify.
    #[error("signature invalid")]
    SignatureInvalid,
    /// josekit refused to produce a token.
    #[error("signing failed: {0}")]
    Signing(String),
}

/// The kinds of signed tokens and their explicit `typ` (STANDARDS.md, "Explicit typing table").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// A VC 2.0 credential secured with JOSE.
    Credential,
    /// A VC 2.0 presentation secured with JOSE.
    Presentation,
    /// An SD-JWT VC issuer-signed JWT.
    SdJwtVc,
    /// An SD-JWT key-binding JWT.
    KeyBinding,
    /// An IETF Token Status List token.
    StatusList,
    /// An OpenID4VCI key proof.
    KeyProof,
    /// An OpenID4VP request object.
    RequestObject,
    /// A DPoP proof (RFC 9449 section 4.2).
    DpopProof,
    /// A wallet's client attestation, signed by its wallet provider (OAuth attestation-based client authentication).
    ClientAttestation,
    /// The wallet instance's proof of possession of its attested key.
    ClientAttestationPop,
}

impl TokenKind {
    /// The `typ` this kind carries.
    #[must_use]
    pub const fn typ(self) -> &'static str {
        match self {
            Self::Credential => "vc+jwt",
            Self::Presentation => "vp+jwt",
            Self::SdJwtVc => "dc+sd-jwt",
            Self::KeyBinding => "kb+jwt",
            Self::StatusList => "statuslist+jwt",
            Self::KeyProof => "openid4vci-proof+jwt",
            Self::RequestObject => "oauth-authz-req+jwt",
            Self::DpopProof => "dpop+jwt",
            Self::ClientAttestation => "oauth-client-attestation+jwt",
            Self::ClientAttestationPop => "oauth-client-attestation-pop+jwt",
        }
    }

    /// The `cty` this kind may carry (VC-JOSE-COSE section 3.1: `vc` for credentials, `vp` for presentations).
    const fn cty(self) -> Option<&'static str> {
        match self {
            Self::Credential => Some("vc"),
            Self::Presentation => Some("vp"),
            _ => None,
        }
    }

    /// RFC 7515 section 4.1.9: `typ` is a media type, compared case-insensitively, and `application/` may be
    /// omitted.
    fn accepts(self, typ: Option<&str>) -> bool {
        let Some(typ) = typ else { return false };
        let typ = typ.to_ascii_lowercase();
        typ.strip_prefix("application/").unwrap_or(&typ) == self.typ()
    }
}

/// The algorithm policy: which `alg` values a key type may verify. Ed25519 keys accept `EdDSA` (RFC 8037) and
/// `Ed25519` (RFC 9864); P-256 keys accept `ES256` (RFC 7518 section 3.4). Nothing else is ever accepted, and the
/// key's type decides, whatever the header says.
#[derive(Debug, Clone, Copy, Default)]
pub struct AlgorithmPolicy;

impl AlgorithmPolicy {
    /// The algorithms an OKP/Ed25519 key may be used with.
    pub const ED25519: [&'static str; 2] = [ALG_EDDSA, ALG_ED25519];
    /// The algorithms an EC/P-256 key may be used with.
    pub const P256: [&'static str; 1] = [ALG_ES256];
    /// Every algorithm some key of ours may be used with.
    pub const ACCEPTED: [&'static str; 3] = [ALG_EDDSA, ALG_ED25519, ALG_ES256];

    /// The algorithms a key of `key` may be used with.
    #[must_use]
    pub const fn allowed(key: KeyAlgorithm) -> &'static [&'static str] {
        match key {
            KeyAlgorithm::Ed25519 => &Self::ED25519,
            KeyAlgorithm::Es256 => &Self::P256,
        }
    }

    /// Whether the header's `alg` is one that some key type may use: the check made before the key is known.
    ///
    /// # Errors
    /// [`JoseError::AlgNone`], [`JoseError::Hmac`] or [`JoseError::AlgNotAllowed`].
    pub fn accepted(self, header_alg: &str) -> Result<&'static str, JoseError> {
        Self::ACCEPTED.into_iter().find(|a| *a == header_alg).ok_or_else(|| refusal(header_alg))
    }

    /// Decides the algorithm for a key of type `key` given the header's `alg`.
    ///
    /// # Errors
    /// [`JoseError::AlgDoesNotFitKey`] when the algorithm is ours but not this key type's, else as
    /// [`AlgorithmPolicy::accepted`].
    pub fn for_key(self, key: KeyAlgorithm, header_alg: &str) -> Result<&'static str, JoseError> {
        let alg = self.accepted(header_alg)?;
        if Self::allowed(key).contains(&alg) {
            Ok(alg)
        } else {
            Err(JoseError::AlgDoesNotFitKey { alg: alg.to_owned(), key })
        }
    }
}

fn refusal(alg: &str) -> JoseError {
    if alg.eq_ignore_ascii_case("none") {
        JoseError::AlgNone
    } else if alg.to_ascii_uppercase().starts_with("HS") {
        JoseError::Hmac(alg.to_owned())
    } else {
        JoseError::AlgNotAllowed(alg.to_owned())
    }
}

/// A compact JWS that passed the hygiene checks but whose signature is not yet verified.
#[derive(Debug, Clone)]
pub struct CompactJws<'a> {
    token: &'a str,
    header: Map<String, Value>,
    payload: Vec<u8>,
    signature: Vec<u8>,
}

impl<'a> CompactJws<'a> {
    /// Splits and decodes a compact JWS and applies header hygiene.
    ///
    /// # Errors
    /// A [`JoseError`] naming the first problem found.
    pub fn parse(token: &'a str) -> Result<Self, JoseError> {
        if token.len() > MAX_TOKEN_BYTES {
            return Err(JoseError::TooLarge(token.len()));
        }
        if token.trim_start().starts_with('{') {
            return Err(JoseError::JsonSerialization);
        }
        let mut parts = token.split('.');
        let (Some(h), Some(p), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            return Err(JoseError::Malformed("expected three dot-separated parts"));
        };
        let header_bytes = b64url_decode(h).map_err(|_| JoseError::Base64("header"))?;
        let header = parse_json_object(&header_bytes).map_err(|source| JoseError::Json { part: "header", source })?;
        check_header(&header)?;
        let payload = b64url_decode(p).map_err(|_| JoseError::Base64("payload"))?;
        if s.is_empty() {
            return Err(JoseError::Malformed("the signature is empty"));
        }
        let signature = b64url_decode(s).map_err(|_| JoseError::Base64("signature"))?;
        Ok(Self { token, header, payload, signature })
    }

    /// The protected header.
    #[must_use]
    pub fn header(&self) -> &Map<String, Value> {
        &self.header
    }

    /// A string member of the header.
    #[must_use]
    pub fn header_str(&self, name: &str) -> Option<&str> {
        self.header.get(name).and_then(Value::as_str)
    }

    /// The `alg` header (present: [`CompactJws::parse`] checked it).
    #[must_use]
    pub fn alg(&self) -> &str {
        self.header_str("alg").unwrap_or_default()
    }

    /// The decoded signature bytes.
    #[must_use]
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }

    /// The decoded payload bytes (unverified).
    #[must_use]
    pub fn payload_bytes(&self) -> &[u8] {
        &self.payload
    }

    /// The payload as a JSON object (unverified: use it only to find the key).
    ///
    /// # Errors
    /// [`JoseError::Json`] when the payload is not a bounded JSON object.
    pub fn claims(&self) -> Result<Map<String, Value>, JoseError> {
        parse_json_object(&self.payload).map_err(|source| JoseError::Json { part: "payload", source })
    }

    /// Checks `typ` against the expected kind, and that `cty` is absent or the one that kind may carry.
    ///
    /// # Errors
    /// [`JoseError::WrongTyp`] or [`JoseError::UnexpectedCty`].
    pub fn check_typ(&self, kind: TokenKind) -> Result<(), JoseError> {
        let typ = self.header_str("typ");
        if !kind.accepts(typ) {
            return Err(JoseError::WrongTyp { expected: kind.typ(), found: typ.map(str::to_owned) });
        }
        match self.header.get("cty") {
            None => Ok(()),
            Some(Value::String(cty)) => {
                let cty = cty.to_ascii_lowercase();
                if kind.cty() == Some(cty.strip_prefix("application/").unwrap_or(&cty)) {
                    Ok(())
                } else {
                    Err(JoseError::UnexpectedCty { found: cty })
                }
            }
            Some(other) => Err(JoseError::UnexpectedCty { found: other.to_string() }),
        }
    }

    /// The JWS signing input (RFC 7515 section 5.2 step 8): `base64url(header) . base64url(payload)`.
    #[must_use]
    pub fn signing_input(&self) -> &[u8] {
        let end = self.token.rfind('.').unwrap_or(0);
        &self.token.as_bytes()[..end]
    }

    /// Checks that the header's `alg` fits `key`'s type ([`AlgorithmPolicy::for_key`]).
    ///
    /// # Errors
    /// An algorithm refusal, [`JoseError::AlgDoesNotFitKey`] when the key is of another type.
    pub fn fits(&self, key: &VerifyingKey) -> Result<&'static str, JoseError> {
        AlgorithmPolicy.for_key(key.algorithm(), self.alg())
    }

    /// Checks the algorithm against the policy for the key's type, then the signature over the signing input:
    /// ed25519-dalek `verify_strict` (RFC 8037 section 3.1; no small-order keys, canonical `S` only) or P-256 ECDSA
    /// with a 64-byte `R || S` (RFC 7518 section 3.4).
    ///
    /// # Errors
    /// An algorithm refusal or [`JoseError::SignatureInvalid`].
    pub fn verify_signature(&self, key: &VerifyingKey) -> Result<(), JoseError> {
        self.fits(key)?;
        if key.verify(self.signing_input(), &self.signature) { Ok(()) } else { Err(JoseError::SignatureInvalid) }
    }
}

fn check_header(header: &Map<String, Value>) -> Result<(), JoseError> {
    let alg = header.get("alg").and_then(Value::as_str).ok_or(JoseError::Malformed("alg is missing"))?;
    if alg.eq_ignore_ascii_case("none") || alg.to_ascii_uppercase().starts_with("HS") {
        return Err(refusal(alg));
    }
    if let Some(crit) = header.get("crit") {
        return Err(JoseError::UnknownCrit(crit.to_string()));
    }
    for remote in ["jku", "x5u"] {
        if header.contains_key(remote) {
            return Err(JoseError::RemoteKeyReference(if remote == "jku" { "jku" } else { "x5u" }));
        }
    }
    if header.get("b64").is_some_and(|b| b != &Value::Bool(true)) {
        return Err(JoseError::UnencodedPayload);
    }
    if header.get("jwk").is_some_and(|jwk| jwk.get("d").is_some()) {
        return Err(JoseError::PrivateKeyInHeader);
    }
    Ok(())
}

/// Header members we set when signing (josekit adds `alg`).
#[derive(Debug, Clone, Default)]
pub struct HeaderSpec<'a> {
    /// Explicit type.
    pub typ: Option<TokenKind>,
    /// Key id (a DID URL for DID-identified signers).
    pub kid: Option<&'a str>,
    /// Content type (`vc`, `vp`).
    pub cty: Option<&'a str>,
    /// A public JWK to embed (key proofs).
    pub jwk: Option<Value>,
    /// An X.509 chain to embed (`x5c`: standard base64 DER, leaf first), for issuers identified by certificate.
    pub x5c: Option<&'a Value>,
}

/// Signs `payload` as a compact JWS with the key's algorithm (`alg: EdDSA` or `alg: ES256`).
///
/// # Errors
/// [`JoseError::Signing`] if josekit refuses the header.
pub fn sign(payload: &[u8], header: &HeaderSpec<'_>, key: &SigningKey) -> Result<String, JoseError> {
    let mut jws_header = JwsHeader::new();
    if let Some(kind) = header.typ {
        jws_header.set_token_type(kind.typ());
    }
    if let Some(cty) = header.cty {
        jws_header.set_content_type(cty);
    }
    if let Some(kid) = header.kid {
        jws_header.set_key_id(kid);
    }
    if let Some(jwk) = &header.jwk {
        jws_header.set_claim("jwk", Some(jwk.clone())).map_err(|e| JoseError::Signing(e.to_string()))?;
    }
    if let Some(x5c) = header.x5c {
        jws_header.set_claim("x5c", Some(x5c.clone())).map_err(|e| JoseError::Signing(e.to_string()))?;
    }
    let signer = KeySigner { key: key.clone(), alg: SigningAlgorithm(key.algorithm().jws_alg()) };
    jws::serialize_compact(payload, &jws_header, &signer).map_err(|e| JoseError::Signing(e.to_string()))
}

/// A JWS algorithm name (josekit writes it into the header's `alg`).
#[derive(Debug, Clone, Copy)]
struct SigningAlgorithm(&'static str);

impl JwsAlgorithm for SigningAlgorithm {
    fn name(&self) -> &str {
        self.0
    }

    fn box_clone(&self) -> Box<dyn JwsAlgorithm> {
        Box::new(*self)
    }
}

/// josekit signer backed by our keys (ed25519-dalek or p256).
#[derive(Clone)]
struct KeySigner {
    key: SigningKey,
    alg: SigningAlgorithm,
}

impl fmt::Debug for KeySigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KeySigner([redacted])")
    }
}

impl JwsSigner for KeySigner {
    fn algorithm(&self) -> &dyn JwsAlgorithm {
        &self.alg
    }

    fn key_id(&self) -> Option<&str> {
        None
    }

    fn signature_len(&self) -> usize {
        64
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, JosekitError> {
        Ok(self.key.sign(message).to_vec())
    }

    fn box_clone(&self) -> Box<dyn JwsSigner> {
        Box::new(self.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::encoding::b64url;

    /// RFC 8037 Appendix A.1 private key.
    fn rfc8037_key() -> SigningKey {
        let jwk = serde_json::json!({"kty":"OKP","crv":"Ed25519",
            "d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"});
        SigningKey::from_jwk(&jwk).unwrap()
    }

    /// RFC 8037 Appendix A.4: the JWS of "Example of Ed25519 signing" under `{"alg":"EdDSA"}`.
    const RFC8037_A4_JWS: &str = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";

    #[test]
    fn rfc8037_a4_signature_is_byte_exact() {
        let token = sign(b"Example of Ed25519 signing", &HeaderSpec::default(), &rfc8037_key()).unwrap();
        assert_eq!(token, RFC8037_A4_JWS);
    }

    #[test]
    fn rfc8037_a5_verifies() {
        let jws = CompactJws::parse(RFC8037_A4_JWS).unwrap();
        jws.verify_signature(&rfc8037_key().verifying_key()).unwrap();
        assert_eq!(jws.payload_bytes(), b"Example of Ed25519 signing");
    }

    fn token_with_header(header: &str) -> String {
        format!("{}.{}.{}", b64url(header), b64url("{}"), b64url([0u8; 64]))
    }

    #[test]
    fn header_hygiene_table() {
        type Expectation = fn(&JoseError) -> bool;
        let cases: [(&str, Expectation); 8] = [
            (r#"{"alg":"none"}"#, |e| *e == JoseError::AlgNone),
            (r#"{"alg":"HS256"}"#, |e| matches!(e, JoseError::Hmac(_))),
            (r#"{"alg":"EdDSA","crit":["exp"],"exp":1}"#, |e| matches!(e, JoseError::UnknownCrit(_))),
            (r#"{"alg":"EdDSA","jku":"https://evil.example/jwks"}"#, |e| *e == JoseError::RemoteKeyReference("jku")),
            (r#"{"alg":"EdDSA","x5u":"https://evil.example/x"}"#, |e| *e == JoseError::RemoteKeyReference("x5u")),
            (r#"{"alg":"EdDSA","b64":false}"#, |e| *e == JoseError::UnencodedPayload),
            (r#"{"alg":"EdDSA","jwk":{"kty":"OKP","crv":"Ed25519","x":"a","d":"b"}}"#, |e| {
                *e == JoseError::PrivateKeyInHeader
            }),
            (r#"{"typ":"vc+jwt"}"#, |e| matches!(e, JoseError::Malformed(_))),
        ];
        for (header, expected) in cases {
            let err = CompactJws::parse(&token_with_header(header)).unwrap_err();
            assert!(expected(&err), "{header}: got {err:?}");
        }
    }

    #[test]
    fn es256_is_not_allowed_for_ed25519_keys_nor_eddsa_for_p256_keys() {
        let token = token_with_header(r#"{"alg":"ES256"}"#);
        let jws = CompactJws::parse(&token).unwrap();
        let err = jws.verify_signature(&rfc8037_key().verifying_key()).unwrap_err();
        assert_eq!(err, JoseError::AlgDoesNotFitKey { alg: "ES256".into(), key: KeyAlgorithm::Ed25519 });
        assert!(err.to_string().contains("signs with EdDSA or Ed25519"), "{err}");
        let p256 = SigningKey::generate_for(KeyAlgorithm::Es256, &mut rand::rngs::OsRng);
        let eddsa = CompactJws::parse(RFC8037_A4_JWS).unwrap();
        let err = eddsa.verify_signature(&p256.verifying_key()).unwrap_err();
        assert_eq!(err, JoseError::AlgDoesNotFitKey { alg: "EdDSA".into(), key: KeyAlgorithm::Es256 });
        for other in ["ES384", "ES512", "RS256", "PS256", "ES256K"] {
            let token = token_with_header(&format!(r#"{{"alg":"{other}"}}"#));
            let err = CompactJws::parse(&token).unwrap().verify_signature(&p256.verifying_key()).unwrap_err();
            assert_eq!(err, JoseError::AlgNotAllowed(other.into()));
        }
    }

    #[test]
    fn es256_tokens_sign_and_verify_with_a_p256_key() {
        let key = SigningKey::generate_for(KeyAlgorithm::Es256, &mut rand::rngs::OsRng);
        let token = sign(b"{}", &HeaderSpec { typ: Some(TokenKind::Credential), ..HeaderSpec::default() }, &key);
        let token = token.unwrap();
        let jws = CompactJws::parse(&token).unwrap();
        assert_eq!(jws.alg(), "ES256");
        assert_eq!(jws.signature().len(), 64);
        jws.verify_signature(&key.verifying_key()).unwrap();
        let other = SigningKey::generate_for(KeyAlgorithm::Es256, &mut rand::rngs::OsRng);
        assert_eq!(jws.verify_signature(&other.verifying_key()), Err(JoseError::SignatureInvalid));
    }

    #[test]
    fn ed25519_alg_name_is_accepted() {
        let header = b64url(r#"{"alg":"Ed25519"}"#);
        let payload = b64url("hi");
        let key = rfc8037_key();
        let sig = key.sign(format!("{header}.{payload}").as_bytes());
        let token = format!("{header}.{payload}.{}", b64url(sig));
        CompactJws::parse(&token).unwrap().verify_signature(&key.verifying_key()).unwrap();
    }

    #[test]
    fn structural_refusals() {
        assert_eq!(CompactJws::parse("a.b").unwrap_err(), JoseError::Malformed("expected three dot-separated parts"));
        assert_eq!(CompactJws::parse(r#"{"payload":"x"}"#).unwrap_err(), JoseError::JsonSerialization);
        let padded = format!("{}=.{}.{}", b64url(r#"{"alg":"EdDSA"}"#), b64url("{}"), b64url([0u8; 64]));
        assert_eq!(CompactJws::parse(&padded).unwrap_err(), JoseError::Base64("header"));
        let big = "a".repeat(MAX_TOKEN_BYTES + 1);
        assert_eq!(CompactJws::parse(&big).unwrap_err(), JoseError::TooLarge(MAX_TOKEN_BYTES + 1));
    }

    #[test]
    fn typ_is_compared_as_a_media_type() {
        let token =
            sign(b"{}", &HeaderSpec { typ: Some(TokenKind::Credential), ..HeaderSpec::default() }, &rfc8037_key());
        let token = token.unwrap();
        let jws = CompactJws::parse(&token).unwrap();
        jws.check_typ(TokenKind::Credential).unwrap();
        assert!(matches!(jws.check_typ(TokenKind::KeyBinding), Err(JoseError::WrongTyp { .. })));
        assert!(TokenKind::Credential.accepts(Some("application/VC+JWT")));
        assert!(!TokenKind::Credential.accepts(None));
    }

    #[test]
    fn cty_is_refused_unless_the_kind_carries_it_issue_11() {
        let key = rfc8037_key();
        let with_cty = |kind: TokenKind, cty: &str| {
            let header = HeaderSpec { typ: Some(kind), cty: Some(cty), ..HeaderSpec::default() };
            sign(b"{}", &header, &key).unwrap()
        };
        let vc = with_cty(TokenKind::Credential, "vc");
        CompactJws::parse(&vc).unwrap().check_typ(TokenKind::Credential).unwrap();
        for (kind, cty) in [(TokenKind::Credential, "vp"), (TokenKind::KeyBinding, "vc"), (TokenKind::SdJwtVc, "JWT")] {
            let token = with_cty(kind, cty);
            let refused = CompactJws::parse(&token).unwrap().check_typ(kind);
            assert!(matches!(refused, Err(JoseError::UnexpectedCty { .. })), "{cty} on {kind:?}");
        }
    }
}
