//! Strict encodings shared by every token format: unpadded base64url (RFC 7515 section 2) and bounded JSON.
//!
//! Tokens arrive from strangers, so decoding is strict: no padding, no `+`/`/`, no whitespace, no trailing bits;
//! JSON nesting is bounded (RFC 8725 section 3.7 asks for input limits; a deep array would otherwise cost stack);
//! and a JSON object that names a member twice is refused (RFC 7515 section 4 and RFC 7519 section 4: a JOSE
//! header or claim set with duplicate names MUST be rejected or the last one used; two `credentialSubject` members
//! read differently by two parsers is how a signature is made to cover something other than what is shown).

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
    /// An object names a member twice.
    #[error("the member {0:?} appears twice in one JSON object")]
    DuplicateMember(String),
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
    let Strict(value) = serde_json::from_slice(bytes).map_err(|e| {
        let text = e.to_string();
        if text.starts_with("recursion limit exceeded") {
            EncodingError::TooDeep
        } else if let Some(name) = text.strip_prefix(DUPLICATE).and_then(|rest| rest.split(DUPLICATE_END).next()) {
            EncodingError::DuplicateMember(name.to_owned())
        } else {
            EncodingError::Json(text)
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

/// The marker of the duplicate-member error inside serde's error text.
const DUPLICATE: &str = "duplicate member \u{1f}";
const DUPLICATE_END: char = '\u{1f}';

/// A JSON value parsed with duplicate member names refused (`serde_json`'s own `Value` keeps the last one).
struct Strict(Value);

impl<'de> serde::Deserialize<'de> for Strict {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> serde::de::Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        serde::Deserialize::deserialize(deserializer).map(|Strict(v)| v)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(Strict(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = serde_json::Map::new();
        while let Some(name) = map.next_key::<String>()? {
            let Strict(value) = map.next_value()?;
            match members.entry(name) {
                serde_json::map::Entry::Vacant(slot) => {
                    slot.insert(value);
                }
                serde_json::map::Entry::Occupied(taken) => {
                    let name = taken.key();
                    return Err(serde::de::Error::custom(format!("{DUPLICATE}{name}{DUPLICATE_END}")));
                }
            }
        }
        Ok(Value::Object(members))
    }
}

/// The value a JSON Pointer (RFC 6901) names, like [`Value::pointer`] but without allocating for pointers free of
/// `~` escapes (the fixed paths the credential readers use on every verification).
#[must_use]
pub fn at_pointer<'a>(value: &'a Value, pointer: &str) -> Option<&'a Value> {
    if pointer.contains('~') {
        return value.pointer(pointer);
    }
    if pointer.is_empty() {
        return Some(value);
    }
    pointer.strip_prefix('/')?.split('/').try_fold(value, |node, token| match node {
        Value::Object(members) => members.get(token),
        Value::Array(items) => array_index(token).and_then(|i| items.get(i)),
        _ => None,
    })
}

/// RFC 6901 section 4: an array index is `0` or digits without a leading zero.
fn array_index(token: &str) -> Option<usize> {
    let canonical = token == "0" || (!token.starts_with('0') && token.bytes().all(|b| b.is_ascii_digit()));
    if canonical { token.parse().ok() } else { None }
}

/// Nesting depth of a parsed value: a scalar is 0, `[]` and `{}` are 1.
fn depth(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        Value::Object(members) => 1 + members.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// HMAC-SHA256 (RFC 2104) of `message` under `key`: how secrets that must be shown again (a pre-authorized code,
/// the digest of a transaction code) are derived from a server key instead of being stored.
#[must_use]
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    use hmac::Mac as _;
    // HMAC takes keys of any length; `new_from_slice` cannot fail for it.
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// SHA-256 of a secret's text: how codes, tokens and sessions are kept and looked up (never the secret itself),
/// and what constant-time comparisons compare.
#[must_use]
pub fn sha256(text: &str) -> [u8; 32] {
    <sha2::Sha256 as sha2::Digest>::digest(text.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_walk_like_serde_json() {
        let document = serde_json::json!({"a": {"b": [1, {"c": 2}], "d~e": 3, "f/g": 4}, "": 5});
        for pointer in [
            "", "/a", "/a/b", "/a/b/0", "/a/b/1/c", "/a/b/01", "/a/b/+1", "/a/b/2", "/a/x", "/a/d~0e", "/a/f~1g", "/",
            "a",
        ] {
            assert_eq!(at_pointer(&document, pointer), document.pointer(pointer), "{pointer}");
        }
    }

    #[test]
    fn rejects_padding_and_standard_alphabet() {
        assert_eq!(b64url_decode("eyJhbGciOiJFZERTQSJ9"), Ok(br#"{"alg":"EdDSA"}"#.to_vec()));
        assert_eq!(b64url_decode("YQ=="), Err(EncodingError::Base64));
        assert_eq!(b64url_decode("a+b/"), Err(EncodingError::Base64));
        assert_eq!(b64url_decode("YR"), Err(EncodingError::Base64), "non-canonical trailing bits");
        assert_eq!(b64url_decode("YQ"), Ok(b"a".to_vec()));
    }

    #[test]
    fn rejects_duplicate_member_names_at_any_depth() {
        let twice = br#"{"credentialSubject":{"id":"a"},"credentialSubject":{"id":"b"}}"#;
        assert_eq!(parse_json(twice), Err(EncodingError::DuplicateMember("credentialSubject".into())));
        let nested = br#"{"a":[{"x":1,"x":2}]}"#;
        assert_eq!(parse_json(nested), Err(EncodingError::DuplicateMember("x".into())));
        let escaped = br#"{"alg":"EdDSA","alg":"none"}"#;
        assert_eq!(parse_json(escaped), Err(EncodingError::DuplicateMember("alg".into())), "names compare decoded");
        assert_eq!(parse_json(br#"{"a":1,"b":{"a":2}}"#).unwrap()["b"]["a"], 2, "same name, other object: fine");
        assert_eq!(parse_json(b"[1.5, -2, 18446744073709551615, null]").unwrap()[2], u64::MAX);
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
