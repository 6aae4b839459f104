//! The two signature keys skillspass signs with, and their JSON Web Key form: Ed25519 and P-256 (ES256).
//!
//! Ed25519 follows RFC 8037 (OKP JWKs: `kty` "OKP", `crv` "Ed25519", `x` = public key, `d` = private key); P-256
//! follows RFC 7518 section 6.2 (EC JWKs: `kty` "EC", `crv` "P-256", `x` and `y` = the affine coordinates, `d` =
//! the private scalar, each a fixed 32 bytes), both unpadded base64url; thumbprints are RFC 7638. Why two: the EU
//! wallet profile (HAIP 1.0) makes ES256 mandatory for every party, while Ed25519 stays the default for skillspass's
//! own issuers. Signing and verification are ed25519-dalek (`verify_strict`, which refuses small-order keys and
//! non-canonical signatures) and `RustCrypto`'s `p256` (deterministic RFC 6979 ECDSA, the JWS `R || S` form of RFC 7518
//! section 3.4). A key knows its [`KeyAlgorithm`]; which JWS `alg` may be used with it is decided there, never by a
//! token's header.
//!
//! Secrets: [`SigningKey`] zeroizes on drop (both crates do) and prints as `[redacted]`; a private JWK is only ever
//! produced as a [`Zeroizing`] string for the key file.

use std::fmt;
use std::hash::{Hash, Hasher};

use ed25519_dalek::Signer as _;
use p256::ecdsa::signature::Verifier as _;
use p256::elliptic_curve::sec1::FromEncodedPoint as _;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest as _, Sha256};
use zeroize::Zeroizing;

use super::encoding::{b64url, b64url_decode};

/// RFC 8037 section 2: the key type of Edwards-curve keys.
pub const KTY_OKP: &str = "OKP";
/// RFC 8037 section 2: the curve name of Ed25519 keys.
pub const CRV_ED25519: &str = "Ed25519";
/// RFC 7518 section 6.1: the key type of elliptic-curve keys.
pub const KTY_EC: &str = "EC";
/// RFC 7518 section 6.2.1.1: the curve name of P-256 keys.
pub const CRV_P256: &str = "P-256";

/// The signature algorithms of skillspass's own keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum KeyAlgorithm {
    /// Ed25519 (JWS `EdDSA`, RFC 8037, or `Ed25519`, RFC 9864): the default.
    #[default]
    Ed25519,
    /// ECDSA on P-256 with SHA-256 (JWS `ES256`, RFC 7518 section 3.4): what HAIP requires.
    Es256,
}

impl KeyAlgorithm {
    /// The JWS `alg` tokens signed with this key carry.
    #[must_use]
    pub const fn jws_alg(self) -> &'static str {
        match self {
            Self::Ed25519 => "EdDSA",
            Self::Es256 => "ES256",
        }
    }

    /// The curve's name, as people and JWKs call it.
    #[must_use]
    pub const fn curve(self) -> &'static str {
        match self {
            Self::Ed25519 => CRV_ED25519,
            Self::Es256 => CRV_P256,
        }
    }

    /// Reads a user's choice: `EdDSA`, `Ed25519`, `ES256` or `P-256` (case-insensitive).
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_lowercase().as_str() {
            "eddsa" | "ed25519" => Some(Self::Ed25519),
            "es256" | "p-256" | "p256" => Some(Self::Es256),
            _ => None,
        }
    }
}

impl std::str::FromStr for KeyAlgorithm {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        Self::parse(text).ok_or_else(|| format!("{text:?} is not a key algorithm (EdDSA or ES256)"))
    }
}

impl<'de> Deserialize<'de> for KeyAlgorithm {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl fmt::Display for KeyAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.curve())
    }
}

/// What is wrong with a key or JWK.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    /// The JWK is neither an OKP Ed25519 key nor an EC P-256 key.
    #[error("unsupported key: {0} (accepted: kty OKP with crv Ed25519, kty EC with crv P-256)")]
    Unsupported(String),
    /// A member is missing or has the wrong shape.
    #[error("malformed JWK: {0}")]
    Malformed(&'static str),
    /// The bytes are not a valid public key of the curve.
    #[error("invalid {0} public key")]
    InvalidPublicKey(KeyAlgorithm),
    /// A private member (`d`) where only a public key is allowed.
    #[error("JWK contains private key material (d) where a public key is expected")]
    PrivateMaterial,
    /// The private key does not match the public key in the same JWK.
    #[error("the JWK's d does not match its public key")]
    Mismatch,
}

/// A private key: Ed25519 or P-256. Zeroized on drop; `Debug` never shows it.
#[derive(Clone)]
pub struct SigningKey(Secret);

#[derive(Clone)]
enum Secret {
    Ed25519(ed25519_dalek::SigningKey),
    P256(p256::ecdsa::SigningKey),
}

/// A public key: Ed25519 or P-256.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct VerifyingKey(Public);

#[derive(Clone, Copy, PartialEq, Eq)]
enum Public {
    Ed25519(ed25519_dalek::VerifyingKey),
    P256(p256::ecdsa::VerifyingKey),
}

/// The public key that verified an issuer's signature: one of ours (Ed25519 or P-256), or the RSA key of another
/// platform's JWT (the Open Badges 3.0 JWT profile requires RS256), kept as its public JWK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicKey {
    /// An Ed25519 or P-256 key.
    Verifying(VerifyingKey),
    /// Another algorithm's public JWK (never with private members).
    Jwk(Value),
}

/// A private JWK as read from a key file; `d` is zeroized on drop.
#[derive(Deserialize)]
struct PrivateJwk {
    kty: String,
    #[serde(default)]
    crv: String,
    x: String,
    #[serde(default)]
    y: Option<String>,
    d: Zeroizing<String>,
}

/// A public JWK (RFC 8037 section 2 for Ed25519, RFC 7518 section 6.2 for P-256) as it appears in DID documents and
/// `cnf` claims.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicJwk {
    /// "OKP" or "EC".
    pub kty: String,
    /// "Ed25519" or "P-256".
    pub crv: String,
    /// The public key (Ed25519) or its x coordinate (P-256), base64url.
    pub x: String,
    /// The y coordinate of a P-256 key, base64url.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y: Option<String>,
}

impl SigningKey {
    /// A fresh Ed25519 key from `rng` (the caller passes the operating system's generator; core never reads it).
    #[must_use]
    pub fn generate(rng: &mut (impl rand::RngCore + rand::CryptoRng)) -> Self {
        Self::generate_for(KeyAlgorithm::Ed25519, rng)
    }

    /// A fresh key of `algorithm` from `rng`.
    #[must_use]
    pub fn generate_for(algorithm: KeyAlgorithm, rng: &mut (impl rand::RngCore + rand::CryptoRng)) -> Self {
        match algorithm {
            KeyAlgorithm::Ed25519 => {
                let mut seed = Zeroizing::new([0u8; 32]);
                rng.fill_bytes(seed.as_mut_slice());
                Self::from_seed(&seed)
            }
            KeyAlgorithm::Es256 => Self(Secret::P256(p256::ecdsa::SigningKey::random(rng))),
        }
    }

    /// The Ed25519 key for a 32-byte seed (RFC 8032 private key).
    #[must_use]
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        Self(Secret::Ed25519(ed25519_dalek::SigningKey::from_bytes(seed)))
    }

    /// The P-256 key of a 32-byte private scalar.
    ///
    /// # Errors
    /// [`KeyError::Malformed`] when the bytes are zero or not below the group order.
    pub fn p256_from_scalar(scalar: &[u8; 32]) -> Result<Self, KeyError> {
        p256::ecdsa::SigningKey::from_slice(scalar)
            .map(|key| Self(Secret::P256(key)))
            .map_err(|_| KeyError::Malformed("not a P-256 private scalar"))
    }

    /// The key's algorithm.
    #[must_use]
    pub fn algorithm(&self) -> KeyAlgorithm {
        match &self.0 {
            Secret::Ed25519(_) => KeyAlgorithm::Ed25519,
            Secret::P256(_) => KeyAlgorithm::Es256,
        }
    }

    /// The matching public key.
    #[must_use]
    pub fn verifying_key(&self) -> VerifyingKey {
        match &self.0 {
            Secret::Ed25519(key) => VerifyingKey(Public::Ed25519(key.verifying_key())),
            Secret::P256(key) => VerifyingKey(Public::P256(*key.verifying_key())),
        }
    }

    /// Signs a message: Ed25519 (deterministic, RFC 8032) or ES256 (deterministic nonces, RFC 6979; SHA-256 of the
    /// message; `R || S`, 32 bytes each, as JWS wants it).
    #[must_use]
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        match &self.0 {
            Secret::Ed25519(key) => key.sign(message).to_bytes(),
            Secret::P256(key) => {
                let signature: p256::ecdsa::Signature = key.sign(message);
                signature.to_bytes().into()
            }
        }
    }

    /// Parses a private JWK (with `d`), checking that `d` and the public members belong together.
    ///
    /// # Errors
    /// [`KeyError`] when the JWK is not an Ed25519 or P-256 private key.
    pub fn from_jwk(jwk: &Value) -> Result<Self, KeyError> {
        let private: PrivateJwk =
            serde_json::from_value(jwk.clone()).map_err(|_| KeyError::Malformed("not a private JWK"))?;
        Self::from_private(&private)
    }

    /// Parses a private JWK from JSON text (the key file) without the secret passing through a `Value`.
    ///
    /// # Errors
    /// [`KeyError`] when the text is not an Ed25519 or P-256 private JWK.
    pub fn from_jwk_json(text: &str) -> Result<Self, KeyError> {
        let private: PrivateJwk = serde_json::from_str(text).map_err(|_| KeyError::Malformed("not a private JWK"))?;
        Self::from_private(&private)
    }

    fn from_private(jwk: &PrivateJwk) -> Result<Self, KeyError> {
        let secret =
            Zeroizing::new(b64url_decode(jwk.d.as_bytes()).map_err(|_| KeyError::Malformed("d is not base64url"))?);
        let key = match (jwk.kty.as_str(), jwk.crv.as_str()) {
            (KTY_OKP, CRV_ED25519) => {
                let seed: &[u8; 32] =
                    secret.as_slice().try_into().map_err(|_| KeyError::Malformed("d is not 32 bytes"))?;
                Self::from_seed(seed)
            }
            (KTY_EC, CRV_P256) => {
                if secret.len() != 32 {
                    return Err(KeyError::Malformed("d is not 32 bytes"));
                }
                let key = p256::ecdsa::SigningKey::from_slice(&secret)
                    .map_err(|_| KeyError::Malformed("d is not a P-256 private scalar"))?;
                Self(Secret::P256(key))
            }
            (kty, crv) => return Err(KeyError::Unsupported(format!("kty {kty}, crv {crv}"))),
        };
        let public = key.verifying_key().to_jwk();
        if public.x != jwk.x || public.y != jwk.y {
            return Err(KeyError::Mismatch);
        }
        Ok(key)
    }

    /// A P-256 key as PKCS #8 DER (RFC 5958), for the certificate tooling; none for Ed25519. Zeroized when dropped.
    #[must_use]
    pub fn p256_pkcs8_der(&self) -> Option<Zeroizing<Vec<u8>>> {
        use p256::pkcs8::EncodePrivateKey as _;
        match &self.0 {
            Secret::P256(key) => p256::SecretKey::from(key.as_nonzero_scalar())
                .to_pkcs8_der()
                .ok()
                .map(|document| Zeroizing::new(document.as_bytes().to_vec())),
            Secret::Ed25519(_) => None,
        }
    }

    /// The private JWK as JSON text (the key file format). Zeroized when dropped.
    #[must_use]
    pub fn to_private_jwk_json(&self) -> Zeroizing<String> {
        let public = self.verifying_key().to_jwk();
        let secret = Zeroizing::new(match &self.0 {
            Secret::Ed25519(key) => b64url(key.to_bytes()),
            Secret::P256(key) => b64url(Zeroizing::new(key.to_bytes()).as_slice()),
        });
        let y = public.y.as_ref().map(|y| format!(r#","y":"{y}""#)).unwrap_or_default();
        Zeroizing::new(format!(
            r#"{{"kty":"{}","crv":"{}","x":"{}"{y},"d":"{}"}}"#,
            public.kty,
            public.crv,
            public.x,
            secret.as_str()
        ))
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey").field("public", &self.verifying_key()).field("secret", &"[redacted]").finish()
    }
}

impl VerifyingKey {
    /// The Ed25519 key for 32 raw bytes.
    ///
    /// # Errors
    /// [`KeyError::InvalidPublicKey`] when the bytes are not a curve point.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, KeyError> {
        let invalid = || KeyError::InvalidPublicKey(KeyAlgorithm::Ed25519);
        let bytes: &[u8; 32] = bytes.try_into().map_err(|_| invalid())?;
        ed25519_dalek::VerifyingKey::from_bytes(bytes).map(|key| Self(Public::Ed25519(key))).map_err(|_| invalid())
    }

    /// The P-256 key for a SEC1-encoded point (compressed, 33 bytes, as in `did:key`; or uncompressed, 65 bytes).
    ///
    /// # Errors
    /// [`KeyError::InvalidPublicKey`] when the bytes are not a point of P-256 (or are the identity).
    pub fn from_p256_sec1(bytes: &[u8]) -> Result<Self, KeyError> {
        p256::ecdsa::VerifyingKey::from_sec1_bytes(bytes)
            .map(|key| Self(Public::P256(key)))
            .map_err(|_| KeyError::InvalidPublicKey(KeyAlgorithm::Es256))
    }

    /// The key's algorithm.
    #[must_use]
    pub fn algorithm(&self) -> KeyAlgorithm {
        match self.0 {
            Public::Ed25519(_) => KeyAlgorithm::Ed25519,
            Public::P256(_) => KeyAlgorithm::Es256,
        }
    }

    /// The key's bytes as `did:key` and Multikey carry them: Ed25519's 32 bytes, or P-256's compressed SEC1 point
    /// (33 bytes).
    #[must_use]
    pub fn to_bytes(&self) -> Vec<u8> {
        match self.0 {
            Public::Ed25519(key) => key.to_bytes().to_vec(),
            Public::P256(key) => key.to_encoded_point(true).as_bytes().to_vec(),
        }
    }

    /// The ed25519-dalek key (for batch verification); none for P-256.
    #[must_use]
    pub(crate) fn dalek(&self) -> Option<&ed25519_dalek::VerifyingKey> {
        match &self.0 {
            Public::Ed25519(key) => Some(key),
            Public::P256(_) => None,
        }
    }

    /// Verifies a signature made with this key's algorithm: Ed25519 with `verify_strict` (no small-order keys,
    /// canonical `S` only); ES256 over SHA-256 with a 64-byte `R || S` (RFC 7518 section 3.4; DER is refused).
    #[must_use]
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        match &self.0 {
            Public::Ed25519(key) => ed25519_dalek::Signature::from_slice(signature)
                .is_ok_and(|sig| key.verify_strict(message, &sig).is_ok()),
            Public::P256(key) => {
                p256::ecdsa::Signature::from_slice(signature).is_ok_and(|sig| key.verify(message, &sig).is_ok())
            }
        }
    }

    /// The public JWK.
    #[must_use]
    pub fn to_jwk(&self) -> PublicJwk {
        match &self.0 {
            Public::Ed25519(key) => {
                PublicJwk { kty: KTY_OKP.into(), crv: CRV_ED25519.into(), x: b64url(key.to_bytes()), y: None }
            }
            Public::P256(key) => {
                let point = key.to_encoded_point(false);
                let coordinate =
                    |c: Option<&p256::FieldBytes>| c.map(|bytes| b64url(bytes.as_slice())).unwrap_or_default();
                PublicJwk {
                    kty: KTY_EC.into(),
                    crv: CRV_P256.into(),
                    x: coordinate(point.x()),
                    y: Some(coordinate(point.y())),
                }
            }
        }
    }

    /// Parses a public JWK, refusing any that carries `d` (STANDARDS section 9.3).
    ///
    /// # Errors
    /// [`KeyError`] when the JWK is not a public Ed25519 or P-256 key.
    pub fn from_jwk(jwk: &Value) -> Result<Self, KeyError> {
        if jwk.get("d").is_some() {
            return Err(KeyError::PrivateMaterial);
        }
        let public = parse_public_members(jwk)?;
        let decode = |text: &str, name| b64url_decode(text).map_err(|_| KeyError::Malformed(name));
        match public.y {
            None => Self::from_bytes(&decode(&public.x, "x is not base64url")?),
            Some(y) => {
                let (x, y) = (decode(&public.x, "x is not base64url")?, decode(&y, "y is not base64url")?);
                if x.len() != 32 || y.len() != 32 {
                    return Err(KeyError::Malformed("a P-256 coordinate is not 32 bytes"));
                }
                let point = p256::EncodedPoint::from_affine_coordinates(
                    p256::FieldBytes::from_slice(&x),
                    p256::FieldBytes::from_slice(&y),
                    false,
                );
                Option::<p256::PublicKey>::from(p256::PublicKey::from_encoded_point(&point))
                    .map(|key| Self(Public::P256(key.into())))
                    .ok_or(KeyError::InvalidPublicKey(KeyAlgorithm::Es256))
            }
        }
    }

    /// RFC 7638 thumbprint: SHA-256 over the required members in lexicographic order (`crv`, `kty`, `x`, and `y`
    /// for EC keys), base64url.
    #[must_use]
    pub fn thumbprint(&self) -> String {
        b64url(Sha256::digest(self.to_jwk().canonical().as_bytes()))
    }
}

impl Hash for VerifyingKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.to_bytes().hash(state);
    }
}

impl fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VerifyingKey({}, {})", self.algorithm(), b64url(self.to_bytes()))
    }
}

impl PublicJwk {
    /// The JWK as a JSON value.
    #[must_use]
    pub fn to_value(&self) -> Value {
        match &self.y {
            None => serde_json::json!({"kty": self.kty, "crv": self.crv, "x": self.x}),
            Some(y) => serde_json::json!({"kty": self.kty, "crv": self.crv, "x": self.x, "y": y}),
        }
    }

    /// The required members in lexicographic order without whitespace (RFC 7638 section 3.2; also the JCS form
    /// `did:jwk` encodes, so equal keys give equal DIDs).
    #[must_use]
    pub fn canonical(&self) -> String {
        match &self.y {
            None => format!(r#"{{"crv":"{}","kty":"{}","x":"{}"}}"#, self.crv, self.kty, self.x),
            Some(y) => format!(r#"{{"crv":"{}","kty":"{}","x":"{}","y":"{y}"}}"#, self.crv, self.kty, self.x),
        }
    }
}

fn parse_public_members(jwk: &Value) -> Result<PublicJwk, KeyError> {
    let member = |name: &'static str| jwk.get(name).and_then(Value::as_str);
    let kty = member("kty").ok_or(KeyError::Malformed("kty is missing"))?;
    let crv = member("crv").unwrap_or_default();
    let x = member("x").ok_or(KeyError::Malformed("x is missing"))?.to_owned();
    match (kty, crv) {
        (KTY_OKP, CRV_ED25519) => Ok(PublicJwk { kty: kty.into(), crv: crv.into(), x, y: None }),
        (KTY_EC, CRV_P256) => {
            let y = member("y").ok_or(KeyError::Malformed("y is missing"))?.to_owned();
            Ok(PublicJwk { kty: kty.into(), crv: crv.into(), x, y: Some(y) })
        }
        _ => Err(KeyError::Unsupported(format!("kty {kty}, crv {crv}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 8037 Appendix A.1: the example Ed25519 private key.
    const RFC8037_JWK: &str = r#"{"kty":"OKP","crv":"Ed25519",
        "d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;

    #[test]
    fn rfc8037_a1_private_jwk_round_trips() {
        let jwk: Value = serde_json::from_str(RFC8037_JWK).unwrap();
        let key = SigningKey::from_jwk(&jwk).unwrap();
        assert_eq!(key.verifying_key().to_jwk().x, "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo");
        let again: Value = serde_json::from_str(&key.to_private_jwk_json()).unwrap();
        assert_eq!(again["d"], jwk["d"]);
    }

    #[test]
    fn rfc8037_a3_thumbprint() {
        let jwk: Value = serde_json::from_str(RFC8037_JWK).unwrap();
        let key = SigningKey::from_jwk(&jwk).unwrap();
        assert_eq!(key.verifying_key().thumbprint(), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
    }

    #[test]
    fn public_jwk_with_d_is_refused() {
        let jwk: Value = serde_json::from_str(RFC8037_JWK).unwrap();
        assert_eq!(VerifyingKey::from_jwk(&jwk), Err(KeyError::PrivateMaterial));
    }

    #[test]
    fn mismatched_private_jwk_is_refused() {
        let mut jwk: Value = serde_json::from_str(RFC8037_JWK).unwrap();
        jwk["x"] = Value::String(SigningKey::generate(&mut rand::rngs::OsRng).verifying_key().to_jwk().x);
        assert_eq!(SigningKey::from_jwk(&jwk).err(), Some(KeyError::Mismatch));
    }

    #[test]
    fn other_key_types_are_refused() {
        let jwk = serde_json::json!({"kty":"EC","crv":"P-384","x":"a","y":"b"});
        assert!(matches!(VerifyingKey::from_jwk(&jwk), Err(KeyError::Unsupported(_))));
        let jwk = serde_json::json!({"kty":"OKP","crv":"X25519","x":"a"});
        assert!(matches!(VerifyingKey::from_jwk(&jwk), Err(KeyError::Unsupported(_))));
    }

    #[test]
    fn debug_redacts_the_secret() {
        let key = SigningKey::from_seed(&[7; 32]);
        let shown = format!("{key:?}");
        assert!(shown.contains("[redacted]"));
        let seed = b64url([7u8; 32]);
        assert!(!shown.contains(&seed));
    }

    /// The P-256 key of the W3C vc-jose-cose test suite (`tests/input/vm-p256.json`), whose `kid` is its RFC 7638
    /// thumbprint.
    const W3C_P256_JWK: &str = r#"{"kty":"EC","crv":"P-256","d":"J_a5KH6A2Ru7iOAzvUkQEjKCJQCdxUXVajaW3CaPORs",
        "x":"WfTi93YuhsQxKbD0ftnjOXJndqhnJ5kgDV-ZDGyrhBQ","y":"qUd_55EjX0mjKZ6W6mF4UXVYTQ41K6jfdnYFwN5uPyk"}"#;

    #[test]
    fn p256_private_jwk_round_trips_and_has_the_published_thumbprint() {
        let key = SigningKey::from_jwk_json(W3C_P256_JWK).unwrap();
        assert_eq!(key.algorithm(), KeyAlgorithm::Es256);
        assert_eq!(key.verifying_key().thumbprint(), "73voMXFNmNlOEpuYCSJlh8eN0dscykoO6gBukgRS1uU");
        let again = SigningKey::from_jwk_json(&key.to_private_jwk_json()).unwrap();
        assert_eq!(again.verifying_key(), key.verifying_key());
        let public = VerifyingKey::from_jwk(&key.verifying_key().to_jwk().to_value()).unwrap();
        assert_eq!(public, key.verifying_key());
        assert_eq!(VerifyingKey::from_p256_sec1(&public.to_bytes()).unwrap(), public);
    }

    #[test]
    fn es256_signatures_verify_with_p256_and_not_across_algorithms() {
        let key = SigningKey::generate_for(KeyAlgorithm::Es256, &mut rand::rngs::OsRng);
        let signature = key.sign(b"skills");
        assert!(key.verifying_key().verify(b"skills", &signature));
        assert!(!key.verifying_key().verify(b"skillz", &signature));
        let raw = p256::ecdsa::Signature::from_slice(&signature).unwrap();
        let p256_key = p256::ecdsa::VerifyingKey::from_sec1_bytes(&key.verifying_key().to_bytes()).unwrap();
        assert!(p256_key.verify(b"skills", &raw).is_ok(), "p256 itself agrees");
        let ed25519 = SigningKey::from_seed(&[1; 32]);
        assert!(!ed25519.verifying_key().verify(b"skills", &signature));
        assert!(!key.verifying_key().verify(b"skills", &ed25519.sign(b"skills")));
    }

    #[test]
    fn p256_points_off_the_curve_and_mismatched_d_are_refused() {
        let mut jwk: Value = serde_json::from_str(W3C_P256_JWK).unwrap();
        jwk.as_object_mut().unwrap().remove("d");
        let mut off_curve = jwk.clone();
        off_curve["y"] = Value::String(b64url([1u8; 32]));
        assert_eq!(VerifyingKey::from_jwk(&off_curve), Err(KeyError::InvalidPublicKey(KeyAlgorithm::Es256)));
        let mut no_y = jwk.clone();
        no_y.as_object_mut().unwrap().remove("y");
        assert_eq!(VerifyingKey::from_jwk(&no_y), Err(KeyError::Malformed("y is missing")));
        let mut other_d: Value = serde_json::from_str(W3C_P256_JWK).unwrap();
        other_d["d"] = Value::String(b64url([9u8; 32]));
        assert_eq!(SigningKey::from_jwk(&other_d).err(), Some(KeyError::Mismatch));
    }

    #[test]
    fn p256_debug_redacts_the_secret() {
        let key = SigningKey::from_jwk_json(W3C_P256_JWK).unwrap();
        assert!(!format!("{key:?}").contains("J_a5KH6A2Ru7iOAzvUkQEjKCJQCdxUXVajaW3CaPORs"));
    }
}
