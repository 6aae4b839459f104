//! Proof Key for Code Exchange (RFC 7636), `S256` only: HAIP and FAPI 2.0 forbid `plain`, so a server that accepted
//! it would let a stolen authorization code be redeemed by whoever saw the authorization request.

use subtle::ConstantTimeEq as _;

use super::encoding::{b64url, sha256};

/// The one method accepted.
pub const S256: &str = "S256";

/// Why a PKCE value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PkceError {
    /// The method is not `S256` (`plain` included).
    #[error("code_challenge_method must be S256, not {0:?}")]
    Method(String),
    /// A challenge that is not 43 base64url characters (the encoding of a SHA-256 digest).
    #[error("code_challenge is not the base64url SHA-256 of a verifier (43 characters)")]
    Challenge,
    /// RFC 7636 section 4.1: 43 to 128 characters of `[A-Za-z0-9-._~]`.
    #[error("code_verifier must be 43 to 128 characters of A-Z, a-z, 0-9, '-', '.', '_' and '~'")]
    VerifierSyntax,
    /// The verifier does not hash to the challenge of the authorization request.
    #[error("code_verifier does not match the code_challenge of the authorization request")]
    Mismatch,
}

/// The `S256` challenge of `verifier`: BASE64URL(SHA-256(ASCII(verifier))).
#[must_use]
pub fn challenge(verifier: &str) -> String {
    b64url(sha256(verifier))
}

/// Checks the challenge and its method as they arrive in an authorization request.
///
/// # Errors
/// [`PkceError::Method`] or [`PkceError::Challenge`].
pub fn check_challenge(challenge: &str, method: Option<&str>) -> Result<(), PkceError> {
    match method {
        Some(S256) => {}
        other => return Err(PkceError::Method(other.unwrap_or("plain (the default)").to_owned())),
    }
    let base64url = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    if challenge.len() != 43 || !challenge.chars().all(base64url) {
        return Err(PkceError::Challenge);
    }
    Ok(())
}

/// Checks a token request's verifier against the stored challenge, in constant time.
///
/// # Errors
/// [`PkceError::VerifierSyntax`] or [`PkceError::Mismatch`].
pub fn verify(verifier: &str, expected_challenge: &str) -> Result<(), PkceError> {
    let unreserved = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~');
    if !(43..=128).contains(&verifier.len()) || !verifier.chars().all(unreserved) {
        return Err(PkceError::VerifierSyntax);
    }
    if bool::from(challenge(verifier).as_bytes().ct_eq(expected_challenge.as_bytes())) {
        Ok(())
    } else {
        Err(PkceError::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7636 appendix B.
    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    #[test]
    fn the_rfc_7636_appendix_b_example_holds() {
        assert_eq!(challenge(VERIFIER), CHALLENGE);
        assert_eq!(check_challenge(CHALLENGE, Some("S256")), Ok(()));
        assert_eq!(verify(VERIFIER, CHALLENGE), Ok(()));
    }

    #[test]
    fn plain_short_and_mismatched_values_are_refused() {
        assert!(matches!(check_challenge(CHALLENGE, Some("plain")), Err(PkceError::Method(_))));
        assert!(matches!(check_challenge(CHALLENGE, None), Err(PkceError::Method(_))));
        assert_eq!(check_challenge("short", Some("S256")), Err(PkceError::Challenge));
        assert_eq!(verify("short", CHALLENGE), Err(PkceError::VerifierSyntax));
        assert_eq!(verify(&format!("{VERIFIER} "), CHALLENGE), Err(PkceError::VerifierSyntax));
        assert_eq!(verify(&"a".repeat(129), CHALLENGE), Err(PkceError::VerifierSyntax));
        assert_eq!(verify(&VERIFIER.replace('d', "e"), CHALLENGE), Err(PkceError::Mismatch));
    }
}
