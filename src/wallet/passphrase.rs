//! The passphrase rule, in one place for every path that sets one (creating a wallet from the CLI or the hosted
//! service, exporting, restoring): at least [`MIN_CHARS`] characters. A short passphrase falls to a guessing attack
//! on a stolen wallet or export file in hours even at Argon2id's 64 MiB cost, so it is refused before anything is
//! created. Opening an existing wallet takes any text: the wrong one simply does not unwrap the key.

use super::WalletError;
use crate::core::secret::SecretString;

/// Fewest characters a new passphrase may have.
pub const MIN_CHARS: usize = 8;

/// A passphrase that satisfies the rule.
#[derive(Debug, Clone)]
pub struct Passphrase(SecretString);

impl Passphrase {
    /// Checks the rule.
    ///
    /// # Errors
    /// [`WalletError::WeakPassphrase`] for fewer than [`MIN_CHARS`] characters.
    pub fn new(secret: impl Into<SecretString>) -> Result<Self, WalletError> {
        let secret = secret.into();
        if secret.chars() < MIN_CHARS {
            return Err(WalletError::WeakPassphrase { min: MIN_CHARS });
        }
        Ok(Self(secret))
    }

    /// The text, for the key derivation.
    #[must_use]
    pub fn expose(&self) -> &str {
        self.0.expose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_passphrases_are_refused() {
        for weak in ["", "1234567", "ééééééé"] {
            assert!(matches!(Passphrase::new(weak), Err(WalletError::WeakPassphrase { min: 8 })), "{weak:?}");
        }
        assert_eq!(Passphrase::new("12345678").unwrap().expose(), "12345678");
        assert_eq!(format!("{:?}", Passphrase::new("long enough secret").unwrap()), "Passphrase([redacted])");
    }
}
