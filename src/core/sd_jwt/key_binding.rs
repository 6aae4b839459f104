//! Key Binding JWTs (RFC 9901 section 4.3): the holder signs `iat`, `aud`, `nonce` and `sd_hash` (the SHA-256 of
//! exactly the presented `<jwt>~<d1>~…~<dN>~`) with the key in the SD-JWT's `cnf`, under `typ: kb+jwt`.
//! Verification follows section 7.3; whether a KB-JWT is required is the verifier's policy, never inferred.

use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

use super::SdJwtError;
use super::disclosure::digest;
use crate::core::jose::{self, CompactJws, HeaderSpec, TokenKind};
use crate::core::keys::{SigningKey, VerifyingKey};

/// The freshness window for `iat` (STANDARDS.md 9.5).
pub const IAT_WINDOW: Duration = Duration::minutes(5);

/// Signs a KB-JWT over `presented` (which must end with `~`).
///
/// # Errors
/// [`SdJwtError::KeyBinding`] if `presented` does not end with `~` or signing fails.
pub fn create(
    key: &SigningKey,
    presented: &str,
    aud: &str,
    nonce: &str,
    now: DateTime<Utc>,
) -> Result<String, SdJwtError> {
    if !presented.ends_with(super::TILDE) {
        return Err(SdJwtError::KeyBinding("the presented SD-JWT must end with ~".into()));
    }
    let payload = json!({"iat": now.timestamp(), "aud": aud, "nonce": nonce, "sd_hash": digest(presented)});
    let bytes = serde_json::to_vec(&payload).map_err(|e| SdJwtError::KeyBinding(e.to_string()))?;
    let header = HeaderSpec { typ: Some(TokenKind::KeyBinding), ..HeaderSpec::default() };
    jose::sign(&bytes, &header, key).map_err(|e| SdJwtError::KeyBinding(e.to_string()))
}

/// What the KB-JWT must be bound to.
#[derive(Debug, Clone, Copy)]
pub struct Expected<'a> {
    /// The verifier's audience.
    pub aud: &'a str,
    /// This transaction's nonce.
    pub nonce: &'a str,
    /// Now.
    pub now: DateTime<Utc>,
}

/// Section 7.3: algorithm (one that fits the `cnf` key's type), `typ`, signature with the `cnf` key, `iat` window, `nonce`, `aud`, `sd_hash`.
///
/// # Errors
/// [`SdJwtError::KeyBinding`] naming the failed check.
pub fn verify(kb_jwt: &str, holder: &VerifyingKey, presented: &str, expected: Expected<'_>) -> Result<(), SdJwtError> {
    let fail = |why: String| SdJwtError::KeyBinding(why);
    let jws = CompactJws::parse(kb_jwt).map_err(|e| fail(e.to_string()))?;
    jws.check_typ(TokenKind::KeyBinding).map_err(|e| fail(e.to_string()))?;
    jws.fits(holder).map_err(|e| fail(format!("the cnf key: {e}")))?;
    jws.verify_signature(holder).map_err(|_| fail("signature invalid (not the cnf key)".into()))?;
    let claims = jws.claims().map_err(|e| fail(e.to_string()))?;
    let text = |name: &str| claims.get(name).and_then(Value::as_str);
    let iat = crate::core::numeric_date::read(&claims, "iat").map_err(|e| fail(e.to_string()))?;
    if iat.is_none_or(|iat| (iat - expected.now).abs() > IAT_WINDOW) {
        return Err(fail("iat is missing or outside the 5-minute window".into()));
    }
    if text("nonce") != Some(expected.nonce) {
        return Err(fail("nonce is not this transaction's".into()));
    }
    if text("aud") != Some(expected.aud) {
        return Err(fail("aud is not this verifier".into()));
    }
    if text("sd_hash") != Some(digest(presented).as_str()) {
        return Err(fail("sd_hash does not match what was presented".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PRESENTED: &str = "eyJhbGciOiJFZERTQSJ9.e30.c2ln~WyJzIiwiYSIsMV0~";

    fn expected(now: DateTime<Utc>) -> Expected<'static> {
        Expected { aud: "https://employer.example", nonce: "n-1", now }
    }

    #[test]
    fn binds_to_key_audience_nonce_time_and_presentation() {
        let key = SigningKey::generate(&mut rand::rngs::OsRng);
        let now = Utc::now();
        let kb = create(&key, PRESENTED, "https://employer.example", "n-1", now).unwrap();
        verify(&kb, &key.verifying_key(), PRESENTED, expected(now)).unwrap();
        let cases: [(&str, Result<(), SdJwtError>); 5] = [
            (
                "other key",
                verify(&kb, &SigningKey::generate(&mut rand::rngs::OsRng).verifying_key(), PRESENTED, expected(now)),
            ),
            ("other nonce", verify(&kb, &key.verifying_key(), PRESENTED, Expected { nonce: "n-2", ..expected(now) })),
            (
                "other audience",
                verify(&kb, &key.verifying_key(), PRESENTED, Expected { aud: "https://x.example", ..expected(now) }),
            ),
            ("stale iat", verify(&kb, &key.verifying_key(), PRESENTED, expected(now + Duration::minutes(10)))),
            ("wrong sd_hash", verify(&kb, &key.verifying_key(), "eyJhbGciOiJFZERTQSJ9.e30.c2ln~", expected(now))),
        ];
        for (name, outcome) in cases {
            assert!(matches!(outcome, Err(SdJwtError::KeyBinding(_))), "{name}: {outcome:?}");
        }
    }

    #[test]
    fn a_kb_jwt_must_say_kb_jwt() {
        let key = SigningKey::generate(&mut rand::rngs::OsRng);
        let now = Utc::now();
        let payload = json!({"iat": now.timestamp(), "aud": "https://employer.example", "nonce": "n-1", "sd_hash": digest(PRESENTED)});
        let header = HeaderSpec { typ: Some(TokenKind::Presentation), ..HeaderSpec::default() };
        let wrong = jose::sign(&serde_json::to_vec(&payload).unwrap(), &header, &key).unwrap();
        assert!(matches!(
            verify(&wrong, &key.verifying_key(), PRESENTED, expected(now)),
            Err(SdJwtError::KeyBinding(_))
        ));
        assert!(create(&key, "no-tilde", "a", "n", now).is_err());
    }
}
