//! Encrypted authorization responses (`OpenID4VP` 1.0 section 8.3, `response_mode=direct_post.jwt`): a compact JWE
//! with `ECDH-ES` key agreement on P-256 (direct, so the encrypted key part is empty) and `A128GCM` or `A256GCM`,
//! which HAIP 1.0 makes mandatory for wallets and verifiers.
//!
//! Why here and not in the verifier: the wallet encrypts and the verifier decrypts, and both must agree on exactly
//! the same rules. The cryptography is josekit's (Concat KDF, AES-GCM); this module adds what the profile says on
//! top: the header is read and checked before anything is decrypted (`alg` is `ECDH-ES`, `enc` one the verifier
//! offered, `kid` the request's key, no `zip`, no `jku`/`x5u`/`jwk`), the token is bounded in size, and the plaintext
//! must be a bounded JSON object. A response encrypted to another request's key fails to decrypt; the request it
//! was meant for refuses it.

use josekit::jwe::{self, ECDH_ES, JweHeader};
use josekit::jwk::Jwk;
use serde_json::{Map, Value, json};
use zeroize::Zeroizing;

use super::encoding::{b64url_decode, parse_json_object};
use super::keys::{KeyAlgorithm, SigningKey};

/// RFC 7518 section 4.6: direct key agreement with Ephemeral-Static ECDH.
pub const ALG_ECDH_ES: &str = "ECDH-ES";
/// The content encryptions a verifier offers (HAIP: both; the wallet should use `A256GCM` when offered).
pub const ENC_VALUES: [&str; 2] = ["A128GCM", "A256GCM"];
/// `OpenID4VP` section 8.3: the default when the verifier lists none.
pub const DEFAULT_ENC: &str = "A128GCM";
/// The largest encrypted response read (a response carries at most 32 presentations of a few KiB each).
pub const MAX_JWE_BYTES: usize = 512 * 1024;

/// Why a response could not be encrypted or was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JweError {
    /// Not five dot-separated parts, too large, or a part that is not base64url.
    #[error("not a compact JWE: {0}")]
    Malformed(&'static str),
    /// The protected header is not a JSON object.
    #[error("the JWE header is not a JSON object")]
    Header,
    /// `alg` is not `ECDH-ES`.
    #[error("alg {0:?} is not ECDH-ES")]
    Alg(String),
    /// `enc` is not one the verifier offered.
    #[error("enc {found:?} was not offered (offered: {offered})")]
    Enc {
        /// What the header said.
        found: String,
        /// What was offered.
        offered: String,
    },
    /// `kid` is not this request's key.
    #[error("the response is encrypted to key {found:?}, not this request's key")]
    OtherKey {
        /// What the header said.
        found: String,
    },
    /// A header member we refuse (`zip`: compression before encryption; remote or embedded key references).
    #[error("header {0} is refused")]
    Refused(&'static str),
    /// Decryption failed: another key, or the ciphertext or tag changed.
    #[error("the response does not decrypt with this request's key")]
    Decrypt,
    /// The plaintext is not a JSON object.
    #[error("the decrypted response is not a JSON object")]
    Plaintext,
    /// The recipient's key is not a usable P-256 `ECDH-ES` key.
    #[error("the verifier's encryption key: {0}")]
    Key(String),
}

/// A verifier's encryption key for one request: P-256, `use: enc`, `alg: ECDH-ES`, its own `kid`.
pub struct EncryptionKey {
    kid: String,
    private_jwk: Zeroizing<String>,
    public: Value,
}

impl EncryptionKey {
    /// The key of a P-256 private scalar (the verifier derives one per request, so nothing is stored).
    ///
    /// # Errors
    /// [`JweError::Key`] when the bytes are not a P-256 scalar.
    pub fn from_scalar(kid: &str, scalar: &[u8; 32]) -> Result<Self, JweError> {
        let key = SigningKey::p256_from_scalar(scalar).map_err(|e| JweError::Key(e.to_string()))?;
        let mut public = key.verifying_key().to_jwk().to_value();
        public["kid"] = json!(kid);
        public["use"] = json!("enc");
        public["alg"] = json!(ALG_ECDH_ES);
        Ok(Self { kid: kid.to_owned(), private_jwk: key.to_private_jwk_json(), public })
    }

    /// The public JWK for `client_metadata.jwks`.
    #[must_use]
    pub fn public_jwk(&self) -> &Value {
        &self.public
    }

    /// The key id.
    #[must_use]
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// Checks the header of `token` against `offered` encryptions and this key, then decrypts it to a JSON object.
    ///
    /// # Errors
    /// A [`JweError`] naming the first problem.
    pub fn decrypt(&self, token: &str, offered: &[&str]) -> Result<Map<String, Value>, JweError> {
        let header = read_header(token)?;
        let text = |name: &str| header.get(name).and_then(Value::as_str).unwrap_or_default().to_owned();
        if text("alg") != ALG_ECDH_ES {
            return Err(JweError::Alg(text("alg")));
        }
        if !offered.contains(&text("enc").as_str()) {
            return Err(JweError::Enc { found: text("enc"), offered: offered.join(", ") });
        }
        if header.get("kid").is_some_and(|kid| kid != self.kid.as_str()) {
            return Err(JweError::OtherKey { found: text("kid") });
        }
        for refused in ["zip", "jku", "x5u", "jwk", "crit"] {
            if header.contains_key(refused) {
                return Err(JweError::Refused(static_name(refused)));
            }
        }
        let jwk = Jwk::from_bytes(self.private_jwk.as_bytes()).map_err(|e| JweError::Key(e.to_string()))?;
        let decrypter = ECDH_ES.decrypter_from_jwk(&jwk).map_err(|e| JweError::Key(e.to_string()))?;
        let (plaintext, _) = jwe::deserialize_compact(token, &decrypter).map_err(|_| JweError::Decrypt)?;
        let plaintext = Zeroizing::new(plaintext);
        parse_json_object(&plaintext).map_err(|_| JweError::Plaintext)
    }
}

impl std::fmt::Debug for EncryptionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EncryptionKey").field("kid", &self.kid).field("public", &self.public).finish_non_exhaustive()
    }
}

fn static_name(member: &str) -> &'static str {
    match member {
        "zip" => "zip",
        "jku" => "jku",
        "x5u" => "x5u",
        "jwk" => "jwk",
        _ => "crit",
    }
}

fn read_header(token: &str) -> Result<Map<String, Value>, JweError> {
    if token.len() > MAX_JWE_BYTES {
        return Err(JweError::Malformed("larger than 512 KiB"));
    }
    let parts: Vec<&str> = token.split('.').collect();
    if parts.len() != 5 {
        return Err(JweError::Malformed("expected five dot-separated parts"));
    }
    if !parts[1].is_empty() {
        return Err(JweError::Malformed("ECDH-ES (direct) has an empty encrypted key"));
    }
    let bytes = b64url_decode(parts[0]).map_err(|_| JweError::Malformed("the header is not base64url"))?;
    parse_json_object(&bytes).map_err(|_| JweError::Header)
}

/// The verifier's first P-256 `ECDH-ES` encryption key in `jwks` (a key whose `use` is not `enc` is not for this;
/// a key with private members is refused).
///
/// # Errors
/// [`JweError::Key`] when there is none.
pub fn recipient(jwks: &Value) -> Result<&Value, JweError> {
    let keys = jwks.get("keys").and_then(Value::as_array).ok_or_else(|| JweError::Key("jwks has no keys".into()))?;
    keys.iter()
        .find(|key| {
            let member = |name: &str| key.get(name).and_then(Value::as_str);
            member("kty") == Some("EC")
                && member("crv") == Some(KeyAlgorithm::Es256.curve())
                && member("use").is_none_or(|u| u == "enc")
                && member("alg") == Some(ALG_ECDH_ES)
                && key.get("d").is_none()
        })
        .ok_or_else(|| JweError::Key("client_metadata.jwks holds no P-256 ECDH-ES encryption key".into()))
}

/// The wallet's side: picks the verifier's first P-256 `ECDH-ES` encryption key in `jwks` (a key with `use` other
/// than `enc` is not for this), the content encryption (`A256GCM` when offered, else `A128GCM` when offered), and
/// encrypts `plaintext` to it with a fresh ephemeral key.
///
/// # Errors
/// [`JweError::Key`] when no key fits, [`JweError::Enc`] when no offered encryption is supported.
pub fn encrypt_to(jwks: &Value, offered_enc: Option<&[Value]>, plaintext: &[u8]) -> Result<String, JweError> {
    let recipient = recipient(jwks)?;
    let offered: Vec<&str> = match offered_enc {
        Some(values) => values.iter().filter_map(Value::as_str).collect(),
        None => vec![DEFAULT_ENC],
    };
    let enc = ["A256GCM", "A128GCM"]
        .into_iter()
        .find(|enc| offered.contains(enc))
        .ok_or_else(|| JweError::Enc { found: String::new(), offered: offered.join(", ") })?;
    let mut header = JweHeader::new();
    header.set_algorithm(ALG_ECDH_ES);
    header.set_content_encryption(enc);
    if let Some(kid) = recipient.get("kid").and_then(Value::as_str) {
        header.set_key_id(kid);
    }
    let mut public = recipient.as_object().cloned().unwrap_or_default();
    public.retain(|name, _| matches!(name.as_str(), "kty" | "crv" | "x" | "y"));
    let jwk = Jwk::from_map(public).map_err(|e| JweError::Key(e.to_string()))?;
    let encrypter = ECDH_ES.encrypter_from_jwk(&jwk).map_err(|e| JweError::Key(e.to_string()))?;
    jwe::serialize_compact(plaintext, &header, &encrypter).map_err(|e| JweError::Key(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::encoding::b64url;

    /// `OpenID4VP` 1.0 section 8.3: the example encrypted response and the verifier key that decrypts it (`kid` `ac`).
    const SPEC_JWE: &str = concat!(
        "eyJhbGciOiJFQ0RILUVTIiwiZW5jIjoiQTEyOEdDTSIsImtpZCI6ImFjIiwiZXBrIjp7Imt0eSI6IkVDIiwieCI6",
        "Im5ubVZwbTNWM2piaGNhZlFhUkJrU1ZOSGx3Wkh3dC05ck9wSnVmeVlJdWsiLCJ5IjoicjRmakRxd0p5czlxVU9Q",
        "LV9iM21SNVNaRy0tQ3dPMm1pYzVWU05UWU45ZyIsImNydiI6IlAtMjU2In19..uAYcHRUSSn2X0WPX.yVzlGSYG4",
        "qbg0bq18JcUiDRw56yVnbKR8E7S7YlEtzT00RqE3Pw5oTpUG3hdLN4taHZ9gC1kwak8JOnJgQ.1wR024_3-qtAlx",
        "1oFIUpQQ"
    );
    const SPEC_D: &str = "Et-3ce0omz8_TuZ96Df9lp0GAaaDoUnDe6X-CRO7Aww";

    fn spec_key() -> EncryptionKey {
        let scalar: [u8; 32] = b64url_decode(SPEC_D).unwrap().try_into().unwrap();
        EncryptionKey::from_scalar("ac", &scalar).unwrap()
    }

    #[test]
    fn the_specification_example_decrypts() {
        let key = spec_key();
        assert_eq!(key.public_jwk()["x"], "YO4epjifD-KWeq1sL2tNmm36BhXnkJ0He-WqMYrp9Fk");
        let plaintext = key.decrypt(SPEC_JWE, &ENC_VALUES).unwrap();
        assert_eq!(Value::Object(plaintext), json!({"vp_token": {"example_credential_id": ["eyJhb...YMetA"]}}));
    }

    #[test]
    fn a_response_round_trips_with_each_offered_encryption() {
        let key = EncryptionKey::from_scalar("request-1", &[7; 32]).unwrap();
        let jwks = json!({"keys": [key.public_jwk()]});
        for enc in ENC_VALUES {
            let token = encrypt_to(&jwks, Some(&[json!(enc)]), br#"{"state":"s"}"#).unwrap();
            let header: Value =
                serde_json::from_slice(&b64url_decode(token.split('.').next().unwrap()).unwrap()).unwrap();
            assert_eq!(
                (header["alg"].as_str(), header["enc"].as_str(), header["kid"].as_str()),
                (Some("ECDH-ES"), Some(enc), Some("request-1"))
            );
            assert_eq!(key.decrypt(&token, &ENC_VALUES).unwrap()["state"], "s");
        }
        let both = encrypt_to(&jwks, Some(&[json!("A128GCM"), json!("A256GCM")]), b"{}").unwrap();
        assert_eq!(read_header(&both).unwrap()["enc"], "A256GCM", "A256GCM when both are offered");
    }

    #[test]
    fn wrong_keys_headers_and_tampering_are_refused_by_name() {
        let key = EncryptionKey::from_scalar("request-1", &[7; 32]).unwrap();
        let other = EncryptionKey::from_scalar("request-2", &[8; 32]).unwrap();
        let to_other = encrypt_to(&json!({"keys": [other.public_jwk()]}), None, b"{}").unwrap();
        assert_eq!(key.decrypt(&to_other, &ENC_VALUES), Err(JweError::OtherKey { found: "request-2".into() }));
        let mut same_kid = other.public_jwk().clone();
        same_kid["kid"] = json!("request-1");
        let disguised = encrypt_to(&json!({"keys": [same_kid]}), None, b"{}").unwrap();
        assert_eq!(key.decrypt(&disguised, &ENC_VALUES), Err(JweError::Decrypt));
        let good = encrypt_to(&json!({"keys": [key.public_jwk()]}), None, b"{}").unwrap();
        assert!(matches!(key.decrypt(&good, &["A256GCM"]), Err(JweError::Enc { .. })));
        let mut parts: Vec<String> = good.split('.').map(str::to_owned).collect();
        parts[3] = b64url(b"changed ciphertext");
        assert_eq!(key.decrypt(&parts.join("."), &ENC_VALUES), Err(JweError::Decrypt));
        let zip = format!(
            "{}.{}",
            b64url(r#"{"alg":"ECDH-ES","enc":"A128GCM","zip":"DEF"}"#),
            good.split_once('.').unwrap().1
        );
        assert_eq!(key.decrypt(&zip, &ENC_VALUES), Err(JweError::Refused("zip")));
        let rsa = format!("{}.{}", b64url(r#"{"alg":"RSA-OAEP","enc":"A128GCM"}"#), good.split_once('.').unwrap().1);
        assert_eq!(key.decrypt(&rsa, &ENC_VALUES), Err(JweError::Alg("RSA-OAEP".into())));
        assert!(matches!(key.decrypt("a.b.c", &ENC_VALUES), Err(JweError::Malformed(_))));
        assert!(encrypt_to(&json!({"keys": [{"kty": "OKP", "crv": "X25519", "x": "a"}]}), None, b"{}").is_err());
    }
}
