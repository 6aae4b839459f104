//! Strict encodings shared by every token format: unpadded base64url (RFC 7515 section 2) and bounded JSON.
//!
//! Tokens arrive from strangers, so decoding is strict: no padding, no `+`/`/`, no whitespace, no trailing bits,
//! and JSON nesting is bounded (RFC 8725 section 3.7 asks for input
//! limits; a deep array would otherwise cost stack).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

/// The deepest JSON nesting we accept in any token part or credential (objects and arrays together).
/// Real credentials stay under 10 levels; 32 leaves room for extensions.
pub const MAX_JSON_DEPTH: usize = 32;

/// What went wrong while decoding.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum EncodingError {
    /// Not unpadded base64url.
    #[error("not unpadded base64url")]
    Base64,
    /// Not UTF-8 JSON, or not the expected JSON shape.
    #[error("malformed JSON: {0}")]
    Json(String),
    /// Nested deeper than [`MAX_JSON_DEPTH`].
    #[error("JSON nested deeper than {MAX_JSON_DEPTH} levels")]
    TooDeep,
}

/// Encodes bytes as unpadded base64url.
#[must_use]
pub fn b64url(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes unpadded base64url, refusing padding, the standard alphabet and non-canonical trailing bits.
///
/// # Errors
/// [`EncodingError::Base64`] for anything else.
pub fn b64url_decode(text: impl AsRef<[u8]>) -> Result<Vec<u8>, EncodingError> {
    URL_SAFE_NO_PAD.decode(text).map_err(|_| EncodingError::Base64)
}

/// Parses JSON and refuses nesting deeper than [`MAX_JSON_DEPTH`].
///
/// `serde_json` itself stops at 128 levels (its recursion limit), so the parser's stack is never at risk; the
/// stricter bound is checked on the parsed tree, which is cheaper than scanning the text first.
///
/// # Errors
/// [`EncodingError::TooDeep`] or [`EncodingError::Json`].
pub fn parse_json(bytes: &[u8]) -> Result<Value, EncodingError> {
    let value: Value = serde_json::from_slice(bytes).map_err(|e| {
        if e.to_string().starts_with("recursion limit exceeded") {
            EncodingError::TooDeep
        } else {
            EncodingError::Json(e.to_string())
        }
    })?;
    if depth(&value) > MAX_JSON_DEPTH {
        return Err(EncodingError::TooDeep);
    }
    Ok(value)
}

/// Parses a JSON object (the only shape a JOSE header or claim set may have).
///
/// # Errors
/// As [`parse_json`], and [`EncodingError::Json`] when the value is not an object.
pub fn parse_json_object(bytes: &[u8]) -> Result<serde_json::Map<String, Value>, EncodingError> {
    match parse_json(bytes)? {
        Value::Object(map) => Ok(map),
        _ => Err(EncodingError::Json("expected a JSON object".into())),
    }
}

/// Nesting depth of a parsed value: a scalar is 0, `[]` and `{}` are 1.
fn depth(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        Value::Object(members) => 1 + members.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// SHA-256 of a secret's text: how codes, tokens and sessions are kept and looked up (never the secret itself),
/// and what constant-time comparisons compare.
#[must_use]
pub fn sha256(text: &str) -> [u8; 32] {
    <sha2::Sha256 as sha2::Digest>::digest(text.as_bytes()).into()
}

/// `bytes` random bytes from the operating system, base64url: nonces, codes, tokens (32 bytes = 256 bits).
#[must_use]
pub fn random_b64url(bytes: usize) -> String {
    let mut buffer = zeroize::Zeroizing::new(vec![0u8; bytes]);
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, buffer.as_mut_slice());
    b64url(buffer.as_slice())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_padding_and_standard_alphabet() {
        assert_eq!(b64url_decode("eyJhbGciOiJFZERTQSJ9"), Ok(br#"{"alg":"EdDSA"}"#.to_vec()));
        assert_eq!(b64url_decode("YQ=="), Err(EncodingError::Base64));
        assert_eq!(b64url_decode("a+b/"), Err(EncodingError::Base64));
        assert_eq!(b64url_decode("YR"), Err(EncodingError::Base64), "non-canonical trailing bits");
        assert_eq!(b64url_decode("YQ"), Ok(b"a".to_vec()));
    }

    #[test]
    fn bounds_nesting_whatever_the_strings_contain() {
        let deep = format!("{}{}", "[".repeat(40), "]".repeat(40));
        assert_eq!(parse_json(deep.as_bytes()), Err(EncodingError::TooDeep));
        let deeper_than_serde = format!("{}{}", "[".repeat(500), "]".repeat(500));
        assert_eq!(parse_json(deeper_than_serde.as_bytes()), Err(EncodingError::TooDeep));
        let limit = format!("{}{}", "[".repeat(MAX_JSON_DEPTH), "]".repeat(MAX_JSON_DEPTH));
        assert!(parse_json(limit.as_bytes()).is_ok());
        let shallow = format!("{{\"a\":\"{}\"}}", "[".repeat(100));
        assert!(parse_json(shallow.as_bytes()).is_ok());
        let escaped = r#"{"a":"\"[[[[","b":1}"#;
        assert!(parse_json(escaped.as_bytes()).is_ok());
    }
}
