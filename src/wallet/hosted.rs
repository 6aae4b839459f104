//! Hosted mode: many holders' wallets in one database (sled, or PostgreSQL shared by several nodes), opened
//! through short-lived sessions. A session is a random bearer token; the server stores, under the token's SHA-256,
//! the holder and the unwrapped data key of that one wallet sealed under a second key derived from the token
//! itself. So any node can open the session (the record is in the shared database), and nothing stored lets the
//! operator read a wallet: without the token, which is never stored, the session record is ciphertext too.
//!
//! Everything that derives a key from a passphrase (creating an account, opening a session, exporting,
//! restoring) runs on the blocking pool, at most [`KDF_CONCURRENCY`] at a time: an Argon2id derivation takes 64 MiB
//! and a tenth of a second, and must neither stall the async workers nor be multiplied by a crowd. Wrong
//! passphrases for an account are throttled: counted when the attempt starts, so parallel guesses do not slip
//! through, and after [`FREE_ATTEMPTS`] each further one waits longer ([`SessionError::Throttled`]).

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::RngCore as _;
use zeroize::Zeroizing;

use super::{Passphrase, Wallet, WalletError};
use crate::core::encoding::{b64url, b64url_decode, sha256};
use crate::core::secret::SecretString;
use crate::net::throttle::Throttle;
use crate::store::expiring::Expiring;
use crate::store::{Database, StoreError, sealed};

/// The associated data of a sealed session record.
const SESSION_AAD: &[u8] = b"skillspass hosted session";

/// How long a session lives.
pub const SESSION_TTL: Duration = Duration::from_secs(15 * 60);
/// Key derivations that may run at once (each holds 64 MiB).
pub const KDF_CONCURRENCY: usize = 2;
/// Wrong passphrases for one account before each further attempt must wait.
pub const FREE_ATTEMPTS: u32 = 5;
/// The first wait after the free attempts; it doubles with every further attempt.
pub const FIRST_WAIT: Duration = Duration::from_secs(1);
/// The longest wait.
pub const MAX_WAIT: Duration = Duration::from_secs(15 * 60);

/// Why a session could not be opened or used.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// Unknown, expired or forged session token.
    #[error("the session token is unknown or expired; open a new session")]
    InvalidSession,
    /// Account name not allowed.
    #[error("account names are 3 to 64 characters: lower-case letters, digits, '.', '_' or '-'")]
    InvalidAccount,
    /// Too many wrong passphrases for this account: wait.
    #[error("too many attempts for this account; try again in {} s", .0.as_secs().max(1))]
    Throttled(Duration),
    /// A wallet error.
    #[error(transparent)]
    Wallet(#[from] WalletError),
}

/// What a session opens, sealed under [`session_key`] before it is stored.
#[derive(serde::Serialize, serde::Deserialize, zeroize::ZeroizeOnDrop)]
struct Session {
    holder: String,
    data_key: [u8; 32],
}

/// The stored session: the sealed [`Session`] (base64url).
type SealedSession = String;

/// The key a session's record is sealed under: derived from the bearer token, which only the holder has.
fn session_key(token: &str) -> Zeroizing<[u8; 32]> {
    Zeroizing::new(sha256(&format!("skillspass hosted session key\0{token}")))
}

/// The hosted wallets.
pub struct HostedWallets {
    db: Database,
    sessions: Expiring<SealedSession>,
    attempts: Throttle,
    kdf: Arc<tokio::sync::Semaphore>,
}

impl std::fmt::Debug for HostedWallets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HostedWallets([sessions redacted])")
    }
}

/// Runs a key derivation on the blocking pool under one of the [`KDF_CONCURRENCY`] permits.
async fn derive<T: Send + 'static>(
    permits: &tokio::sync::Semaphore,
    work: impl FnOnce() -> Result<T, WalletError> + Send + 'static,
) -> Result<T, WalletError> {
    let _permit = permits.acquire().await.map_err(|_| WalletError::Corrupt("the key derivation pool closed".into()))?;
    tokio::task::spawn_blocking(work).await.map_err(|e| WalletError::Corrupt(format!("key derivation task: {e}")))?
}

impl HostedWallets {
    /// Hosted wallets in `db`.
    ///
    /// # Errors
    /// [`StoreError`] when the sessions' tree cannot be opened.
    pub fn new(db: Database) -> Result<Self, StoreError> {
        Ok(Self {
            sessions: Expiring::open(&db, "wallet-sessions")?,
            db,
            attempts: Throttle::new(FREE_ATTEMPTS, FIRST_WAIT, MAX_WAIT, MAX_WAIT),
            kdf: Arc::new(tokio::sync::Semaphore::new(KDF_CONCURRENCY)),
        })
    }

    /// Creates an account's wallet; returns its holder DID.
    ///
    /// # Errors
    /// [`SessionError::InvalidAccount`] or [`WalletError::Exists`].
    pub async fn create(
        &self,
        account: &str,
        passphrase: Passphrase,
        now: DateTime<Utc>,
    ) -> Result<String, SessionError> {
        check_account(account)?;
        let (db, holder) = (self.db.clone(), account.to_owned());
        Ok(derive(&self.kdf, move || Wallet::create(&db, &holder, &passphrase, now)?.primary_did()).await?)
    }

    /// Opens a session with the passphrase; returns the bearer token and its lifetime.
    ///
    /// # Errors
    /// [`SessionError::Throttled`], [`WalletError::WrongPassphrase`] (counted), [`WalletError::NotFound`].
    pub async fn open_session(
        &self,
        account: &str,
        passphrase: SecretString,
    ) -> Result<(SecretString, Duration), SessionError> {
        check_account(account)?;
        let attempt = self.attempts.begin(account).map_err(SessionError::Throttled)?;
        let (db, holder) = (self.db.clone(), account.to_owned());
        let wallet = derive(&self.kdf, move || Wallet::unlock(&db, &holder, passphrase.expose())).await?;
        attempt.succeeded();
        let mut raw = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(raw.as_mut_slice());
        let token = SecretString::new(b64url(raw.as_slice()));
        let session = Session { holder: account.to_owned(), data_key: *wallet.data_key() };
        let plain = Zeroizing::new(serde_json::to_vec(&session).map_err(|e| WalletError::Corrupt(e.to_string()))?);
        let sealed = b64url(sealed::seal(&session_key(token.expose()), SESSION_AAD, &plain));
        let expires = Utc::now() + chrono::Duration::from_std(SESSION_TTL).unwrap_or(chrono::Duration::MAX);
        self.sessions.insert(&sha256(token.expose()), &sealed, expires).map_err(WalletError::Store)?;
        Ok((token, SESSION_TTL))
    }

    /// The wallet a session token opens.
    ///
    /// # Errors
    /// [`SessionError::InvalidSession`].
    pub fn wallet(&self, token: &str) -> Result<Wallet, SessionError> {
        let sealed = self.sessions.get(&sha256(token), Utc::now()).map_err(WalletError::Store)?;
        let sealed = sealed.ok_or(SessionError::InvalidSession)?;
        let bytes = b64url_decode(&sealed).map_err(|_| SessionError::InvalidSession)?;
        let plain = sealed::open(&session_key(token), SESSION_AAD, &bytes).map_err(|_| SessionError::InvalidSession)?;
        let session: Session = serde_json::from_slice(&plain).map_err(|_| SessionError::InvalidSession)?;
        Ok(Wallet::with_data_key(&self.db, &session.holder, Zeroizing::new(session.data_key))?)
    }

    /// Removes expired sessions; returns how many.
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn purge(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        self.sessions.purge(now)
    }

    /// The session's wallet exported under `passphrase` (the derivation on the blocking pool).
    ///
    /// # Errors
    /// As [`Wallet::export`].
    pub async fn export(
        &self,
        wallet: Wallet,
        passphrase: Passphrase,
        now: DateTime<Utc>,
    ) -> Result<Vec<u8>, WalletError> {
        derive(&self.kdf, move || wallet.export(&passphrase, now)).await
    }

    /// An export restored into the session's wallet (see [`Wallet::restore`] for what may be restored where).
    ///
    /// # Errors
    /// As [`Wallet::restore`].
    pub async fn restore(
        &self,
        wallet: Wallet,
        file: Vec<u8>,
        passphrase: Passphrase,
        merge: bool,
    ) -> Result<usize, WalletError> {
        derive(&self.kdf, move || wallet.restore(&file, &passphrase, merge)).await
    }

    /// Ends a session, at every node.
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn close(&self, token: &str) -> Result<(), StoreError> {
        self.sessions.remove(&sha256(token))
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

    #[tokio::test]
    async fn wrong_passphrases_are_throttled_and_a_success_resets() {
        let db = Database::temporary().unwrap();
        let wallets = HostedWallets::new(db).unwrap();
        let passphrase = Passphrase::new("erin's long passphrase").unwrap();
        wallets.create("erin", passphrase, Utc::now()).await.unwrap();
        for _ in 0..FREE_ATTEMPTS {
            let outcome = wallets.open_session("erin", "wrong".into()).await;
            assert!(matches!(outcome, Err(SessionError::Wallet(WalletError::WrongPassphrase))), "{outcome:?}");
        }
        let throttled = wallets.open_session("erin", "erin's long passphrase".into()).await;
        assert!(matches!(throttled, Err(SessionError::Throttled(_))), "even the right one waits now: {throttled:?}");
        tokio::time::sleep(FIRST_WAIT).await;
        let (token, _) = wallets.open_session("erin", "erin's long passphrase".into()).await.unwrap();
        assert!(wallets.wallet(token.expose()).is_ok());
        wallets.close(token.expose()).unwrap();
        assert!(matches!(wallets.wallet(token.expose()), Err(SessionError::InvalidSession)));
        assert!(wallets.open_session("erin", "wrong".into()).await.is_err());
        let (again, _) = wallets.open_session("erin", "erin's long passphrase".into()).await.unwrap();
        assert!(wallets.wallet(again.expose()).is_ok(), "a success forgot the count");
    }
}
