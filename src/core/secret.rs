//! Secrets in memory: passphrases, admin and session tokens, transaction codes. A [`SecretString`] zeroizes its
//! bytes when dropped and prints as `[redacted]`, so a secret cannot leak through `Debug` into a log line or a
//! panic message (STYLE rule 16).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use zeroize::Zeroizing;

/// A secret text.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretString(Zeroizing<String>);

impl SecretString {
    /// Wraps a secret.
    #[must_use]
    pub fn new(secret: impl Into<String>) -> Self {
        Self(Zeroizing::new(secret.into()))
    }

    /// The secret itself, for the one place that needs it (a KDF, a constant-time comparison, a hash).
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Number of characters (Unicode scalar values).
    #[must_use]
    pub fn chars(&self) -> usize {
        self.0.chars().count()
    }
}

impl From<String> for SecretString {
    fn from(secret: String) -> Self {
        Self::new(secret)
    }
}

impl From<&str> for SecretString {
    fn from(secret: &str) -> Self {
        Self::new(secret)
    }
}

impl From<Zeroizing<String>> for SecretString {
    fn from(secret: Zeroizing<String>) -> Self {
        Self(secret)
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Serializing writes the secret: only for answers that must carry it to its owner (a transaction code to the admin
/// who made the offer, a session token to the holder who opened it).
impl Serialize for SecretString {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.expose())
    }
}

impl<'de> Deserialize<'de> for SecretString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let secret: SecretString = serde_json::from_str("\"correct horse\"").unwrap();
        assert_eq!(format!("{secret:?}"), "[redacted]");
        assert_eq!(secret.expose(), "correct horse");
        assert_eq!(secret.chars(), 13);
    }
}
