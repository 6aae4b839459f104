//! Disclosures (RFC 9901 section 4.2): `[salt, name, value]` for an object property, `[salt, value]` for an array
//! element, base64url-encoded. The digest is SHA-256 over the ASCII of the encoded string exactly as issued (no
//! canonicalisation: section 4.2.3), so the encoded form is what the wallet keeps and what travels.

use rand::{CryptoRng, RngCore};
use serde_json::Value;
use sha2::{Digest as _, Sha256};

use super::SdJwtError;
use crate::core::encoding::{b64url, b64url_decode, parse_json};

/// RFC 9901 section 4.1.1: the claim holding the digests of an object's disclosable properties.
pub const SD: &str = "_sd";
/// RFC 9901 section 4.2.4.2: the key of an array element replaced by a digest.
pub const ELLIPSIS: &str = "...";

/// A disclosure, kept in its encoded form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disclosure {
    encoded: String,
    salt: String,
    name: Option<String>,
    value: Value,
}

impl Disclosure {
    /// A new disclosure with a fresh 128-bit salt from `rng` (section 4.2.1 recommends 128 bits).
    ///
    /// # Errors
    /// [`SdJwtError::ForbiddenName`] for `_sd` and `...`.
    pub fn new(rng: &mut (impl RngCore + CryptoRng), name: Option<&str>, value: Value) -> Result<Self, SdJwtError> {
        let mut salt = [0u8; 16];
        rng.fill_bytes(&mut salt);
        Self::with_salt(&b64url(salt), name, value)
    }

    /// A disclosure with a given salt (tests and vectors).
    ///
    /// # Errors
    /// [`SdJwtError::ForbiddenName`] for `_sd` and `...`.
    pub fn with_salt(salt: &str, name: Option<&str>, value: Value) -> Result<Self, SdJwtError> {
        if let Some(name) = name {
            check_name(name)?;
        }
        let array = match name {
            Some(name) => Value::Array(vec![salt.into(), name.into(), value.clone()]),
            None => Value::Array(vec![salt.into(), value.clone()]),
        };
        let encoded = b64url(serde_json::to_vec(&array).map_err(|e| SdJwtError::Malformed(e.to_string()))?);
        Ok(Self { encoded, salt: salt.to_owned(), name: name.map(str::to_owned), value })
    }

    /// Parses an encoded disclosure (section 7.1 step 3: a JSON array of 2 or 3 elements, a string salt, a string
    /// name that is not `_sd` or `...`).
    ///
    /// # Errors
    /// [`SdJwtError::Malformed`] or [`SdJwtError::ForbiddenName`].
    pub fn parse(encoded: &str) -> Result<Self, SdJwtError> {
        let malformed = |why: &str| SdJwtError::Malformed(format!("disclosure {}: {why}", shorten(encoded)));
        let bytes = b64url_decode(encoded).map_err(|_| malformed("not base64url"))?;
        let Value::Array(items) = parse_json(&bytes).map_err(|_| malformed("not JSON"))? else {
            return Err(malformed("not a JSON array"));
        };
        let salt =
            items.first().and_then(Value::as_str).ok_or_else(|| malformed("the salt is not a string"))?.to_owned();
        let (name, value) = match items.as_slice() {
            [_, value] => (None, value.clone()),
            [_, Value::String(name), value] => {
                check_name(name)?;
                (Some(name.clone()), value.clone())
            }
            [_, _, _] => return Err(malformed("the claim name is not a string")),
            _ => return Err(malformed("not 2 or 3 elements")),
        };
        Ok(Self { encoded: encoded.to_owned(), salt, name, value })
    }

    /// The encoded form.
    #[must_use]
    pub fn encoded(&self) -> &str {
        &self.encoded
    }

    /// The claim name (object properties only).
    #[must_use]
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The disclosed value.
    #[must_use]
    pub fn value(&self) -> &Value {
        &self.value
    }

    /// The salt.
    #[must_use]
    pub fn salt(&self) -> &str {
        &self.salt
    }

    /// Section 4.2.3: `base64url(SHA-256(ASCII(encoded)))`.
    #[must_use]
    pub fn digest(&self) -> String {
        digest(&self.encoded)
    }
}

/// The SHA-256 digest of an encoded disclosure (or of any string: KB-JWT `sd_hash` uses the same form).
#[must_use]
pub fn digest(text: &str) -> String {
    b64url(Sha256::digest(text.as_bytes()))
}

/// A decoy digest (section 4.2.5): the hash of random bytes, indistinguishable from a real one.
#[must_use]
pub fn decoy(rng: &mut (impl RngCore + CryptoRng)) -> String {
    let mut bytes = [0u8; 32];
    rng.fill_bytes(&mut bytes);
    b64url(Sha256::digest(bytes))
}

fn check_name(name: &str) -> Result<(), SdJwtError> {
    if name == SD || name == ELLIPSIS { Err(SdJwtError::ForbiddenName(name.to_owned())) } else { Ok(()) }
}

fn shorten(text: &str) -> String {
    text.chars().take(24).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 9901 section 4.2.1 example: the disclosure of `family_name` "Möbius" and its digest (section 4.2.3).
    #[test]
    fn rfc9901_object_property_digest() {
        let encoded = "WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0";
        let disclosure = Disclosure::parse(encoded).unwrap();
        assert_eq!(disclosure.salt(), "_26bc4LT-ac6q2KI6cBW5es");
        assert_eq!(disclosure.name(), Some("family_name"));
        assert_eq!(disclosure.value(), "Möbius");
        assert_eq!(disclosure.digest(), "X9yH0Ajrdm1Oij4tWso9UzzKJvPoDxwmuEcO3XAdRC0");
    }

    /// RFC 9901 section 4.2.2 example: the array element "FR" and its digest.
    #[test]
    fn rfc9901_array_element_digest() {
        let disclosure = Disclosure::parse("WyJsa2x4RjVqTVlsR1RQVW92TU5JdkNBIiwgIkZSIl0").unwrap();
        assert_eq!(disclosure.name(), None);
        assert_eq!(disclosure.value(), "FR");
        assert_eq!(disclosure.digest(), "w0I8EKcdCtUPkGCNUrfwVp2xEgNjtoIDlOxc9-PlOhs");
    }

    #[test]
    fn forbidden_names_and_shapes_are_refused() {
        assert_eq!(
            Disclosure::new(&mut rand::rngs::OsRng, Some("_sd"), Value::Null).unwrap_err(),
            SdJwtError::ForbiddenName("_sd".into())
        );
        assert_eq!(
            Disclosure::new(&mut rand::rngs::OsRng, Some("..."), Value::Null).unwrap_err(),
            SdJwtError::ForbiddenName("...".into())
        );
        let smuggled = b64url(br#"["salt", "_sd", ["x"]]"#);
        assert_eq!(Disclosure::parse(&smuggled).unwrap_err(), SdJwtError::ForbiddenName("_sd".into()));
        for bad in
            [r#"["only-salt"]"#, r#"[1, "name", 2]"#, r#"["s", 5, 2]"#, r#"{"salt": "s"}"#, r#"["a","b","c","d"]"#]
        {
            assert!(matches!(Disclosure::parse(&b64url(bad)), Err(SdJwtError::Malformed(_))), "{bad}");
        }
    }

    #[test]
    fn fresh_disclosures_round_trip_with_random_salts() {
        let a = Disclosure::new(&mut rand::rngs::OsRng, Some("grade"), Value::from("8.5")).unwrap();
        let b = Disclosure::new(&mut rand::rngs::OsRng, Some("grade"), Value::from("8.5")).unwrap();
        assert_ne!(a.salt(), b.salt());
        assert_eq!(b64url_decode(a.salt()).unwrap().len(), 16);
        assert_eq!(Disclosure::parse(a.encoded()).unwrap(), a);
    }
}
