//! Hosted mode: many holders' wallets in one sled database, opened through short-lived sessions. A session is a
//! random bearer token; the server keeps only its SHA-256 and, in memory only, the unwrapped data key of that one
//! wallet. Nothing on disk lets the operator read a wallet. Repeated wrong passphrases for an account are slowed
//! down (exponential delay, capped).

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use rand::RngCore as _;
use zeroize::Zeroizing;

use super::{Wallet, WalletError};
use crate::core::encoding::b64url;
use crate::core::encoding::sha256;

/// How long a session lives.
pub const SESSION_TTL: Duration = Duration::from_secs(15 * 60);
/// The longest delay imposed after repeated wrong passphrases.
pub const MAX_FAILURE_DELAY: Duration = Duration::from_secs(8);

/// Why a session could not be opened or used.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// Unknown, expired or forged session token.
    #[error("the session token is unknown or expired; open a new session")]
    InvalidSession,
    /// Account name not allowed.
    #[error("account names are 3 to 64 characters: lower-case letters, digits, '.', '_' or '-'")]
    InvalidAccount,
    /// A wallet error.
    #[error(transparent)]
    Wallet(#[from] WalletError),
}

struct Session {
    holder: String,
    data_key: Zeroizing<[u8; 32]>,
    expires: Instant,
}

/// The hosted wallets.
pub struct HostedWallets {
    db: sled::Db,
    sessions: Mutex<HashMap<[u8; 32], Session>>,
    failures: Mutex<HashMap<String, u32>>,
}

impl std::fmt::Debug for HostedWallets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HostedWallets([sessions redacted])")
    }
}

impl HostedWallets {
    /// Hosted wallets in `db`.
    #[must_use]
    pub fn new(db: sled::Db) -> Self {
        Self { db, sessions: Mutex::new(HashMap::new()), failures: Mutex::new(HashMap::new()) }
    }

    /// Creates an account's wallet; returns its holder DID.
    ///
    /// # Errors
    /// [`SessionError::InvalidAccount`] or [`WalletError::Exists`].
    pub fn create(&self, account: &str, passphrase: &str, now: DateTime<Utc>) -> Result<String, SessionError> {
        check_account(account)?;
        let wallet = Wallet::create(&self.db, account, passphrase, now)?;
        Ok(wallet.primary_did()?)
    }

    /// The delay to impose before answering a session attempt for `account` (grows with recent failures).
    #[must_use]
    pub fn delay_for(&self, account: &str) -> Duration {
        let failures = *self.failures.lock().unwrap_or_else(PoisonError::into_inner).get(account).unwrap_or(&0);
        if failures == 0 {
            return Duration::ZERO;
        }
        (Duration::from_millis(100) * 2u32.saturating_pow(failures.min(16) - 1)).min(MAX_FAILURE_DELAY)
    }

    /// Opens a session with the passphrase; returns the bearer token and its lifetime.
    ///
    /// # Errors
    /// [`WalletError::WrongPassphrase`] (counted), [`WalletError::NotFound`].
    pub fn open_session(&self, account: &str, passphrase: &str) -> Result<(Zeroizing<String>, Duration), SessionError> {
        check_account(account)?;
        let wallet = match Wallet::unlock(&self.db, account, passphrase) {
            Ok(wallet) => wallet,
            Err(WalletError::WrongPassphrase) => {
                *self.failures.lock().unwrap_or_else(PoisonError::into_inner).entry(account.to_owned()).or_default() +=
                    1;
                return Err(WalletError::WrongPassphrase.into());
            }
            Err(other) => return Err(other.into()),
        };
        self.failures.lock().unwrap_or_else(PoisonError::into_inner).remove(account);
        let mut raw = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(raw.as_mut_slice());
        let token = Zeroizing::new(b64url(raw.as_slice()));
        let session =
            Session { holder: account.to_owned(), data_key: wallet.data_key(), expires: Instant::now() + SESSION_TTL };
        let mut sessions = self.sessions.lock().unwrap_or_else(PoisonError::into_inner);
        sessions.retain(|_, s| s.expires > Instant::now());
        sessions.insert(sha256(&token), session);
        Ok((token, SESSION_TTL))
    }

    /// The wallet a session token opens.
    ///
    /// # Errors
    /// [`SessionError::InvalidSession`].
    pub fn wallet(&self, token: &str) -> Result<Wallet, SessionError> {
        let sessions = self.sessions.lock().unwrap_or_else(PoisonError::into_inner);
        let session =
            sessions.get(&sha256(token)).filter(|s| s.expires > Instant::now()).ok_or(SessionError::InvalidSession)?;
        Ok(Wallet::with_data_key(&self.db, &session.holder, session.data_key.clone())?)
    }

    /// Ends a session.
    pub fn close(&self, token: &str) {
        self.sessions.lock().unwrap_or_else(PoisonError::into_inner).remove(&sha256(token));
    }
}

fn check_account(account: &str) -> Result<(), SessionError> {
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-');
    if (3..=64).contains(&account.len()) && account.chars().all(allowed) {
        Ok(())
    } else {
        Err(SessionError::InvalidAccount)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_wrong_passphrases_are_slowed_down() {
        let db = sled::Config::new().temporary(true).open().unwrap();
        let wallets = HostedWallets::new(db);
        wallets.create("erin", "erin's long passphrase", Utc::now()).unwrap();
        assert_eq!(wallets.delay_for("erin"), Duration::ZERO);
        let mut delays = Vec::new();
        for _ in 0..3 {
            assert!(matches!(
                wallets.open_session("erin", "wrong"),
                Err(SessionError::Wallet(WalletError::WrongPassphrase))
            ));
            delays.push(wallets.delay_for("erin"));
        }
        assert!(delays[0] > Duration::ZERO && delays[1] > delays[0] && delays[2] > delays[1], "{delays:?}");
        let (token, _) = wallets.open_session("erin", "erin's long passphrase").unwrap();
        assert_eq!(wallets.delay_for("erin"), Duration::ZERO, "a success resets the count");
        assert!(wallets.wallet(&token).is_ok());
        wallets.close(&token);
        assert!(matches!(wallets.wallet(&token), Err(SessionError::InvalidSession)));
    }
}
