//! Sealed records: the wallet's encryption at rest (DESIGN.md section 6, the aries-askar shape of
//! pass key -> store key -> record).
//!
//! - A random 256-bit **data key** encrypts every record with XChaCha20-Poly1305 (random 192-bit nonce per write,
//!   so nonces never repeat in practice), the record's tree and key bound as associated data: a ciphertext moved
//!   to another key or tree does not decrypt.
//! - The data key is **wrapped** by a key derived from the passphrase with Argon2id (salt per wallet). Changing the
//!   passphrase re-wraps one key, not every record.
//! - Sled keys are never plaintext identifiers: they are keyed hashes ([`index_key`]), so the database
//!   files reveal neither credential ids nor anything else about the holder.
//!
//! Argon2id parameters (see `docs/export-format.md` for the reasoning): 64 MiB, 3 passes, 1 lane.

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead as _, KeyInit as _, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use zeroize::Zeroizing;

use crate::core::encoding::{b64url, b64url_decode};

/// Argon2id memory cost in KiB (64 MiB).
pub const ARGON2_MEMORY_KIB: u32 = 64 * 1024;
/// Argon2id passes.
pub const ARGON2_PASSES: u32 = 3;
/// Argon2id lanes.
pub const ARGON2_LANES: u32 = 1;
/// The most memory a stored or imported header may ask for, KiB (128 MiB: twice what we write). Parameters come
/// from files before anything is authenticated, so they are bounded before any work (issue 11).
pub const MAX_MEMORY_KIB: u32 = 128 * 1024;
/// The fewest KiB accepted (8 MiB).
pub const MIN_MEMORY_KIB: u32 = 8 * 1024;
/// The most passes accepted.
pub const MAX_PASSES: u32 = 10;
/// The most lanes accepted.
pub const MAX_LANES: u32 = 4;
/// Version byte in front of every sealed record.
const SEALED_V1: u8 = 1;

/// Why sealing or opening failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    /// Wrong passphrase (the wrapped key does not decrypt).
    #[error("wrong passphrase")]
    WrongPassphrase,
    /// A record does not decrypt: corrupted, truncated or moved.
    #[error("a sealed record does not decrypt (corrupted, truncated, or not from this wallet)")]
    Corrupt,
    /// Key derivation failed.
    #[error("key derivation: {0}")]
    Kdf(String),
}

/// Argon2id settings, stored beside what they protect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    /// Always `argon2id`.
    pub alg: String,
    /// Memory, KiB.
    pub m: u32,
    /// Passes.
    pub t: u32,
    /// Lanes.
    pub p: u32,
    /// Salt, base64url.
    pub salt: String,
}

impl KdfParams {
    /// Fresh parameters with a random 128-bit salt.
    #[must_use]
    pub fn new() -> Self {
        let mut salt = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut salt);
        Self { alg: "argon2id".into(), m: ARGON2_MEMORY_KIB, t: ARGON2_PASSES, p: ARGON2_LANES, salt: b64url(salt) }
    }

    /// Derives the 256-bit key-encryption key from a passphrase.
    ///
    /// # Errors
    /// [`SealError::Kdf`] for unusable parameters.
    pub fn derive(&self, passphrase: &str) -> Result<Zeroizing<[u8; 32]>, SealError> {
        self.check()?;
        let params = Params::new(self.m, self.t, self.p, Some(32)).map_err(|e| SealError::Kdf(e.to_string()))?;
        let salt = b64url_decode(&self.salt).map_err(|_| SealError::Kdf("salt is not base64url".into()))?;
        let mut key = Zeroizing::new([0u8; 32]);
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_into(passphrase.as_bytes(), &salt, key.as_mut_slice())
            .map_err(|e| SealError::Kdf(e.to_string()))?;
        Ok(key)
    }
}

impl KdfParams {
    /// Refuses parameters outside the documented bounds, before any work is done.
    ///
    /// # Errors
    /// [`SealError::Kdf`] naming the bound.
    pub fn check(&self) -> Result<(), SealError> {
        if self.alg != "argon2id" {
            return Err(SealError::Kdf(format!("key derivation {:?} is not argon2id", self.alg)));
        }
        if !(MIN_MEMORY_KIB..=MAX_MEMORY_KIB).contains(&self.m) {
            return Err(SealError::Kdf(format!(
                "Argon2id memory {} KiB is outside {MIN_MEMORY_KIB}..={MAX_MEMORY_KIB} KiB",
                self.m
            )));
        }
        if !(1..=MAX_PASSES).contains(&self.t) || !(1..=MAX_LANES).contains(&self.p) {
            return Err(SealError::Kdf(format!(
                "Argon2id passes {} or lanes {} outside 1..={MAX_PASSES} and 1..={MAX_LANES}",
                self.t, self.p
            )));
        }
        Ok(())
    }
}

impl Default for KdfParams {
    fn default() -> Self {
        Self::new()
    }
}

/// Encrypts `plaintext` under `key` with `aad`: `version || nonce || ciphertext`.
#[must_use]
pub fn seal(key: &[u8; 32], aad: &[u8], plaintext: &[u8]) -> Vec<u8> {
    let mut nonce = [0u8; 24];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let cipher = XChaCha20Poly1305::new(key.into());
    // Encryption with a valid key and nonce cannot fail for in-memory buffers; an empty result would not open.
    let ciphertext = cipher.encrypt(XNonce::from_slice(&nonce), Payload { msg: plaintext, aad }).unwrap_or_default();
    let mut out = Vec::with_capacity(1 + 24 + ciphertext.len());
    out.push(SEALED_V1);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&ciphertext);
    out
}

/// Decrypts what [`seal`] produced.
///
/// # Errors
/// [`SealError::Corrupt`].
pub fn open(key: &[u8; 32], aad: &[u8], sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, SealError> {
    if sealed.len() < 1 + 24 + 16 || sealed[0] != SEALED_V1 {
        return Err(SealError::Corrupt);
    }
    let cipher = XChaCha20Poly1305::new(key.into());
    cipher
        .decrypt(XNonce::from_slice(&sealed[1..25]), Payload { msg: &sealed[25..], aad })
        .map(Zeroizing::new)
        .map_err(|_| SealError::Corrupt)
}

/// A fresh random data key.
#[must_use]
pub fn new_data_key() -> Zeroizing<[u8; 32]> {
    let mut key = Zeroizing::new([0u8; 32]);
    rand::rngs::OsRng.fill_bytes(key.as_mut_slice());
    key
}

/// The keyed hash used as a sled key: reveals nothing without the data key, and is stable, so the same credential
/// always lands on the same key (duplicates are recognised without decrypting anything).
#[must_use]
pub fn index_key(data_key: &[u8; 32], purpose: &str, value: &[u8]) -> Vec<u8> {
    let subkey = Sha256::new().chain_update(b"skillspass index key v1").chain_update(data_key).finalize();
    Sha256::new()
        .chain_update(subkey)
        .chain_update(purpose.as_bytes())
        .chain_update([0])
        .chain_update(value)
        .finalize()
        .to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_records_open_only_with_their_key_and_place() {
        let key = new_data_key();
        let sealed = seal(&key, b"credentials/abc", b"secret");
        assert_eq!(open(&key, b"credentials/abc", &sealed).unwrap().as_slice(), b"secret");
        assert_eq!(open(&key, b"credentials/xyz", &sealed), Err(SealError::Corrupt));
        assert_eq!(open(&new_data_key(), b"credentials/abc", &sealed), Err(SealError::Corrupt));
        let mut flipped = sealed.clone();
        *flipped.last_mut().unwrap() ^= 1;
        assert_eq!(open(&key, b"credentials/abc", &flipped), Err(SealError::Corrupt));
        assert_eq!(open(&key, b"credentials/abc", &sealed[..20]), Err(SealError::Corrupt));
    }

    #[test]
    fn derivation_depends_on_passphrase_and_salt() {
        let params = KdfParams { m: MIN_MEMORY_KIB, t: 1, ..KdfParams::new() };
        let a = params.derive("correct horse").unwrap();
        assert_eq!(a, params.derive("correct horse").unwrap());
        assert_ne!(a, params.derive("wrong horse").unwrap());
        assert_ne!(a, KdfParams { m: MIN_MEMORY_KIB, t: 1, ..KdfParams::new() }.derive("correct horse").unwrap());
    }

    /// Issue 11: parameters read from a file are bounded before any work: 1 GiB or 64 passes are refused at once.
    #[test]
    fn excessive_kdf_parameters_are_refused_before_any_work_issue_11() {
        let started = std::time::Instant::now();
        for params in [
            KdfParams { m: 1024 * 1024, ..KdfParams::new() },
            KdfParams { t: 64, ..KdfParams::new() },
            KdfParams { p: 64, ..KdfParams::new() },
            KdfParams { m: 1024, ..KdfParams::new() },
            KdfParams { alg: "scrypt".into(), ..KdfParams::new() },
        ] {
            assert!(matches!(params.derive("x"), Err(SealError::Kdf(_))), "{params:?}");
        }
        assert!(started.elapsed() < std::time::Duration::from_millis(100), "refused without deriving");
    }
}
