//! RFC 7519 section 2 `NumericDate`: "a JSON numeric value representing the number of seconds from
//! 1970-01-01T00:00:00Z UTC until the specified UTC date/time, ignoring leap seconds", and non-integer values can
//! be represented. Every time claim skillspass reads (`exp`, `nbf`, `iat` of credentials, SD-JWT VCs, Key Binding
//! JWTs, key proofs, presentations, status list tokens) goes through [`read`], so `1796000000.5` and `1.7e9` are
//! read as the instants they are, and a string, a boolean or `1e300` is refused instead of being ignored.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

/// The latest instant we accept: 9999-12-31T23:59:59Z (XSD `dateTime` years have four digits; anything later is a
/// mistake or an attack).
pub const MAX_SECONDS: f64 = 253_402_300_799.0;

/// Why a time claim was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumericDateError {
    /// Not a JSON number.
    #[error("{claim} is not a NumericDate (a JSON number of seconds since 1970): {found}")]
    NotANumber {
        /// The claim.
        claim: String,
        /// What was there.
        found: String,
    },
    /// A number before 1970 or after 9999.
    #[error("{claim} {found} is out of range (0 to 253402300799)")]
    OutOfRange {
        /// The claim.
        claim: String,
        /// The number.
        found: String,
    },
}

/// Reads the time claim `name` of a JSON object: `None` when absent, the instant when it is a NumericDate.
///
/// # Errors
/// [`NumericDateError`] for anything else.
pub fn read(claims: &Map<String, Value>, name: &str) -> Result<Option<DateTime<Utc>>, NumericDateError> {
    claims.get(name).map(|value| parse(name, value)).transpose()
}

/// As [`read`], on a JSON value that should be an object (anything else has no claims).
///
/// # Errors
/// [`NumericDateError`].
pub fn read_value(claims: &Value, name: &str) -> Result<Option<DateTime<Utc>>, NumericDateError> {
    match claims {
        Value::Object(map) => read(map, name),
        _ => Ok(None),
    }
}

/// Parses one NumericDate.
///
/// # Errors
/// [`NumericDateError`].
pub fn parse(name: &str, value: &Value) -> Result<DateTime<Utc>, NumericDateError> {
    let Value::Number(number) = value else {
        return Err(NumericDateError::NotANumber { claim: name.to_owned(), found: shorten(value) });
    };
    let out_of_range = || NumericDateError::OutOfRange { claim: name.to_owned(), found: number.to_string() };
    if let Some(seconds) = number.as_i64() {
        if !(0..=253_402_300_799).contains(&seconds) {
            return Err(out_of_range());
        }
        return DateTime::from_timestamp(seconds, 0).ok_or_else(out_of_range);
    }
    let seconds =
        number.as_f64().filter(|s| s.is_finite() && (0.0..=MAX_SECONDS).contains(s)).ok_or_else(out_of_range)?;
    let whole = seconds.floor();
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "range-checked above: whole seconds fit i64, and the fraction is in [0, 1)"
    )]
    let (secs, nanos) = (whole as i64, ((seconds - whole) * 1e9) as u32);
    DateTime::from_timestamp(secs, nanos.min(999_999_999)).ok_or_else(out_of_range)
}

fn shorten(value: &Value) -> String {
    value.to_string().chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn integers_and_non_integers_are_instants() {
        assert_eq!(parse("exp", &json!(1_796_000_000)).unwrap().timestamp(), 1_796_000_000);
        let half = parse("exp", &json!(1_796_000_000.5)).unwrap();
        assert_eq!((half.timestamp(), half.timestamp_subsec_millis()), (1_796_000_000, 500));
        assert_eq!(parse("nbf", &json!(1.7e9)).unwrap().timestamp(), 1_700_000_000);
    }

    #[test]
    fn anything_else_is_refused() {
        for bad in [json!("1796000000"), json!(true), json!(null), json!([1]), json!({"t": 1})] {
            assert!(matches!(parse("exp", &bad), Err(NumericDateError::NotANumber { .. })), "{bad}");
        }
        for bad in [json!(1e300), json!(-1), json!(-0.5), json!(253_402_300_800_i64), json!(u64::MAX)] {
            assert!(matches!(parse("exp", &bad), Err(NumericDateError::OutOfRange { .. })), "{bad}");
        }
        let claims = json!({"iat": 1});
        assert_eq!(read_value(&claims, "exp"), Ok(None));
    }
}
