//! Ed25519 keys and their JSON Web Key form.
//!
//! Follows RFC 8037 (OKP JWKs for Ed25519: `kty` "OKP", `crv` "Ed25519", `x` = public key, `d` = private key,
//! both unpadded base64url) and RFC 7638 (JWK thumbprints). Signing itself is ed25519-dalek; verification always
//! uses `verify_strict`, which refuses small-order keys and non-canonical signatures.
//!
//! Secrets: [`SigningKey`] zeroizes on drop (dalek's `zeroize` feature) and prints as `[redacted]`; a private JWK
//! is only ever produced as a [`Zeroizing`] string for the key file.

use std::fmt;

use ed25519_dalek::Signer as _;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest as _, Sha256};
use zeroize::Zeroizing;

use super::encoding::{b64url, b64url_decode};

/// RFC 8037 section 2: the key type of Edwards-curve keys.
pub const KTY_OKP: &str = "OKP";
/// RFC 8037 section 2: the curve name of Ed25519 keys.
pub const CRV_ED25519: &str = "Ed25519";

/// What is wrong with a key or JWK.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    /// The JWK is not an OKP Ed25519 key.
    #[error("unsupported key: {0} (only kty OKP with crv Ed25519 is accepted)")]
    Unsupported(String),
    /// A member is missing or has the wrong shape.
    #[error("malformed JWK: {0}")]
    Malformed(&'static str),
    /// The bytes are not a valid Ed25519 public key.
    #[error("invalid Ed25519 public key")]
    InvalidPublicKey,
    /// A private member (`d`) where only a public key is allowed.
    #[error("JWK contains private key material (d) where a public key is expected")]
    PrivateMaterial,
    /// The private key does not match the public key in the same JWK.
    #[error("the JWK's d does not match its x")]
    Mismatch,
}

/// An Ed25519 private key. Zeroized on drop; `Debug` never shows it.
#[derive(Clone)]
pub struct SigningKey(ed25519_dalek::SigningKey);

/// An Ed25519 public key.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct VerifyingKey(ed25519_dalek::VerifyingKey);

/// The public key that verified an issuer's signature: an Ed25519 key, or the RSA or EC key of another platform's
/// JWT (the Open Badges 3.0 JWT profile requires RS256), kept as its public JWK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicKey {
    /// An Ed25519 key.
    Ed25519(VerifyingKey),
    /// Another algorithm's public JWK (never with private members).
    Jwk(Value),
}

/// A private OKP JWK as read from a key file; `d` is zeroized on drop.
#[derive(Deserialize)]
struct PrivateJwk {
    kty: String,
    #[serde(default)]
    crv: String,
    x: String,
    d: Zeroizing<String>,
}

/// A public OKP/Ed25519 JWK (RFC 8037 section 2) as it appears in DID documents and `cnf` claims.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicJwk {
    /// Always "OKP".
    pub kty: String,
    /// Always "Ed25519".
    pub crv: String,
    /// The public key, base64url.
    pub x: String,
}

impl SigningKey {
    /// A fresh key from `rng` (the caller passes the operating system's generator; core never reads it).
    #[must_use]
    pub fn generate(rng: &mut (impl rand::RngCore + rand::CryptoRng)) -> Self {
        let mut seed = Zeroizing::new([0u8; 32]);
        rng.fill_bytes(seed.as_mut_slice());
        Self::from_seed(&seed)
    }

    /// The key for a 32-byte seed (RFC 8032 private key).
    #[must_use]
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        Self(ed25519_dalek::SigningKey::from_bytes(seed))
    }

    /// The matching public key.
    #[must_use]
    pub fn verifying_key(&self) -> VerifyingKey {
        VerifyingKey(self.0.verifying_key())
    }

    /// Signs a message (deterministic, RFC 8032).
    #[must_use]
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.0.sign(message).to_bytes()
    }

    /// Parses a private JWK (RFC 8037 section 2, with `d`), checking that `d` and `x` belong together.
    ///
    /// # Errors
    /// [`KeyError`] when the JWK is not an Ed25519 private key.
    pub fn from_jwk(jwk: &Value) -> Result<Self, KeyError> {
        let private: PrivateJwk =
            serde_json::from_value(jwk.clone()).map_err(|_| KeyError::Malformed("not a private OKP JWK"))?;
        Self::from_private(&private)
    }

    /// Parses a private JWK from JSON text (the key file) without the secret passing through a `Value`.
    ///
    /// # Errors
    /// [`KeyError`] when the text is not an Ed25519 private JWK.
    pub fn from_jwk_json(text: &str) -> Result<Self, KeyError> {
        let private: PrivateJwk =
            serde_json::from_str(text).map_err(|_| KeyError::Malformed("not a private OKP JWK"))?;
        Self::from_private(&private)
    }

    fn from_private(jwk: &PrivateJwk) -> Result<Self, KeyError> {
        if jwk.kty != KTY_OKP || jwk.crv != CRV_ED25519 {
            return Err(KeyError::Unsupported(format!("kty {}, crv {}", jwk.kty, jwk.crv)));
        }
        let seed =
            Zeroizing::new(b64url_decode(jwk.d.as_bytes()).map_err(|_| KeyError::Malformed("d is not base64url"))?);
        let seed: &[u8; 32] = seed.as_slice().try_into().map_err(|_| KeyError::Malformed("d is not 32 bytes"))?;
        let key = Self::from_seed(seed);
        if key.verifying_key().to_jwk().x != jwk.x {
            return Err(KeyError::Mismatch);
        }
        Ok(key)
    }

    /// The private JWK as JSON text (the key file format). Zeroized when dropped.
    #[must_use]
    pub fn to_private_jwk_json(&self) -> Zeroizing<String> {
        let seed = Zeroizing::new(b64url(self.0.to_bytes()));
        let public = self.verifying_key().to_jwk();
        Zeroizing::new(format!(
            r#"{{"kty":"{KTY_OKP}","crv":"{CRV_ED25519}","x":"{}","d":"{}"}}"#,
            public.x,
            seed.as_str()
        ))
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey").field("public", &self.verifying_key()).field("secret", &"[redacted]").finish()
    }
}

impl VerifyingKey {
    /// The key for 32 raw bytes.
    ///
    /// # Errors
    /// [`KeyError::InvalidPublicKey`] when the bytes are not a curve point.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, KeyError> {
        let bytes: &[u8; 32] = bytes.try_into().map_err(|_| KeyError::InvalidPublicKey)?;
        ed25519_dalek::VerifyingKey::from_bytes(bytes).map(Self).map_err(|_| KeyError::InvalidPublicKey)
    }

    /// The raw 32 bytes.
    #[must_use]
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// The ed25519-dalek key (for batch verification).
    #[must_use]
    pub(crate) fn dalek(&self) -> &ed25519_dalek::VerifyingKey {
        &self.0
    }

    /// Verifies with `verify_strict` (no small-order keys, canonical `S` only).
    #[must_use]
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        ed25519_dalek::Signature::from_slice(signature).is_ok_and(|sig| self.0.verify_strict(message, &sig).is_ok())
    }

    /// The public JWK.
    #[must_use]
    pub fn to_jwk(&self) -> PublicJwk {
        PublicJwk { kty: KTY_OKP.into(), crv: CRV_ED25519.into(), x: b64url(self.to_bytes()) }
    }

    /// Parses a public JWK, refusing any that carries `d` (STANDARDS section 9.3).
    ///
    /// # Errors
    /// [`KeyError`] when the JWK is not a public Ed25519 key.
    pub fn from_jwk(jwk: &Value) -> Result<Self, KeyError> {
        if jwk.get("d").is_some() {
            return Err(KeyError::PrivateMaterial);
        }
        let public = parse_okp_members(jwk)?;
        let bytes = b64url_decode(&public.x).map_err(|_| KeyError::Malformed("x is not base64url"))?;
        Self::from_bytes(&bytes)
    }

    /// RFC 7638 thumbprint: SHA-256 over `{"crv","kty","x"}` in lexicographic order, base64url.
    #[must_use]
    pub fn thumbprint(&self) -> String {
        let jwk = self.to_jwk();
        let canonical = format!(r#"{{"crv":"{}","kty":"{}","x":"{}"}}"#, jwk.crv, jwk.kty, jwk.x);
        b64url(Sha256::digest(canonical.as_bytes()))
    }
}

impl fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VerifyingKey({})", b64url(self.to_bytes()))
    }
}

impl PublicJwk {
    /// The JWK as a JSON value.
    #[must_use]
    pub fn to_value(&self) -> Value {
        serde_json::json!({"kty": self.kty, "crv": self.crv, "x": self.x})
    }
}

fn parse_okp_members(jwk: &Value) -> Result<PublicJwk, KeyError> {
    let member = |name: &'static str| jwk.get(name).and_then(Value::as_str);
    let kty = member("kty").ok_or(KeyError::Malformed("kty is missing"))?;
    let crv = member("crv").unwrap_or_default();
    if kty != KTY_OKP || crv != CRV_ED25519 {
        return Err(KeyError::Unsupported(format!("kty {kty}, crv {crv}")));
    }
    let x = member("x").ok_or(KeyError::Malformed("x is missing"))?;
    Ok(PublicJwk { kty: kty.into(), crv: crv.into(), x: x.into() })
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
        let jwk = serde_json::json!({"kty":"EC","crv":"P-256","x":"a","y":"b"});
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
}
