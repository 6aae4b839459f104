//! Strict encodings shared by every token format: unpadded base64url (RFC 7515 section 2) and bounded JSON.
//!
//! Tokens arrive from strangers, so decoding is strict: no padding, no `+`/`/`, no whitespace, no trailing bits,
//! and JSON nesting is bounded before `serde_json` ever sees the bytes (RFC 8725 section 3.7 asks for input
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

/// Parses JSON after checking its nesting depth.
///
/// # Errors
/// [`EncodingError::TooDeep`] or [`EncodingError::Json`].
pub fn parse_json(bytes: &[u8]) -> Result<Value, EncodingError> {
    check_depth(bytes)?;
    serde_json::from_slice(bytes).map_err(|e| EncodingError::Json(e.to_string()))
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

/// Scans raw JSON bytes and fails when brackets nest deeper than [`MAX_JSON_DEPTH`], without allocating.
fn check_depth(bytes: &[u8]) -> Result<(), EncodingError> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for &b in bytes {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_JSON_DEPTH {
                    return Err(EncodingError::TooDeep);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
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
    fn bounds_nesting_but_ignores_brackets_in_strings() {
        let deep = format!("{}{}", "[".repeat(40), "]".repeat(40));
        assert_eq!(parse_json(deep.as_bytes()), Err(EncodingError::TooDeep));
        let shallow = format!("{{\"a\":\"{}\"}}", "[".repeat(100));
        assert!(parse_json(shallow.as_bytes()).is_ok());
        let escaped = r#"{"a":"\"[[[[","b":1}"#;
        assert!(parse_json(escaped.as_bytes()).is_ok());
    }
}
