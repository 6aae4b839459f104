//! Export and restore (format in `docs/export-format.md`): one file, encrypted under its own passphrase
//! (Argon2id + XChaCha20-Poly1305), holding every key and every credential byte for byte; and a plain export of
//! the credentials alone, for other wallets.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{HolderKey, Passphrase, StoredCredential, Wallet, WalletError, json};
use crate::store::sealed::{self, KdfParams};

/// The first bytes of an export file.
pub const MAGIC: &[u8; 8] = b"SKPXPORT";
/// The format version after the magic.
pub const FORMAT_VERSION: u8 = 1;
/// Largest header accepted (the header is a small JSON object).
const MAX_HEADER: usize = 4096;

/// The unencrypted header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportHeader {
    /// Argon2id parameters and salt for the export passphrase.
    pub kdf: KdfParams,
    /// Always `XChaCha20-Poly1305`.
    pub aead: String,
    /// When the export was made.
    pub created: String,
}

/// The encrypted content.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Bundle {
    v: u32,
    keys: Vec<HolderKey>,
    credentials: Vec<StoredCredential>,
    /// The copies of batch-issued credentials, by credential id (absent in exports made before copies existed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    copies: Vec<ExportedCopies>,
}

/// The copies of one credential in an export.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct ExportedCopies {
    id: String,
    copies: Vec<super::copies::CredentialCopy>,
}

impl Wallet {
    /// The encrypted export file of this wallet.
    ///
    /// # Errors
    /// Storage or decryption failures.
    pub fn export(&self, passphrase: &Passphrase, now: DateTime<Utc>) -> Result<Vec<u8>, WalletError> {
        let credentials = self.list()?.iter().map(|c| self.get_credential(&c.id)).collect::<Result<Vec<_>, _>>()?;
        let mut copies = Vec::new();
        for credential in &credentials {
            if let Some(set) = self.copies(&credential.id)? {
                copies.push(ExportedCopies { id: credential.id.clone(), copies: set.copies });
            }
        }
        let bundle = Bundle { v: 1, keys: self.keys()?, credentials, copies };
        let plain =
            zeroize::Zeroizing::new(serde_json::to_vec(&bundle).map_err(|e| WalletError::Export(e.to_string()))?);
        let header = ExportHeader {
            kdf: KdfParams::new(),
            aead: "XChaCha20-Poly1305".into(),
            created: crate::core::vc_jose::rfc3339(now),
        };
        let header_bytes = serde_json::to_vec(&header).map_err(|e| WalletError::Export(e.to_string()))?;
        let prefix = prefix(&header_bytes);
        let key = header.kdf.derive(passphrase.expose())?;
        let mut file = prefix.clone();
        file.extend_from_slice(&sealed::seal(&key, &prefix, &plain));
        Ok(file)
    }

    /// Restores an export file into this wallet: every key and every credential, byte for byte. Returns how many
    /// credentials were restored. Into a wallet that holds no credential yet; or, with `merge`, into one whose
    /// primary key the export also holds (the same holder's older export): never a stranger's wallet into this one.
    ///
    /// # Errors
    /// [`WalletError::Export`] for a corrupt or truncated file, [`WalletError::WrongPassphrase`] for a wrong export
    /// passphrase, [`WalletError::NotEmpty`] or [`WalletError::OtherHolder`]. Nothing is written unless the whole
    /// file decrypts and may be restored here.
    pub fn restore(&self, file: &[u8], passphrase: &Passphrase, merge: bool) -> Result<usize, WalletError> {
        let bundle = open_bundle(file, passphrase)?;
        if let Some(stray) = bundle.copies.iter().find(|set| !bundle.credentials.iter().any(|c| c.id == set.id)) {
            return Err(WalletError::Export(format!("copies of {:?}, which the export does not hold", stray.id)));
        }
        let has_credentials = !self.list()?.is_empty();
        if has_credentials && !merge {
            return Err(WalletError::NotEmpty);
        }
        if has_credentials {
            let primary = self.primary_did()?;
            if !bundle.keys.iter().any(|k| k.did == primary) {
                return Err(WalletError::OtherHolder);
            }
        }
        if !has_credentials && bundle.keys.iter().any(|k| k.label == super::keys::PRIMARY) {
            // A fresh wallet's own primary key gives way to the holder's: the restored wallet is the exported one.
            let fresh = self.primary_did()?;
            self.forget_key(&fresh)?;
        }
        for key in &bundle.keys {
            self.restore_key(key)?;
        }
        for credential in &bundle.credentials {
            self.restore_credential(credential)?;
        }
        for set in &bundle.copies {
            self.keep_copies(&set.id, set.copies.clone())?;
        }
        self.flush()?;
        Ok(bundle.credentials.len())
    }

    /// The plain export for other wallets: a JSON array of the compact credentials. Not encrypted.
    ///
    /// # Errors
    /// Storage or decryption failures.
    pub fn export_plain(&self) -> Result<Vec<String>, WalletError> {
        self.list()?.iter().map(|c| self.get_credential(&c.id).map(|c| c.token)).collect()
    }
}

/// Checks that an export file opens with `passphrase`, without writing anything; returns its credential count.
///
/// # Errors
/// As [`Wallet::restore`].
pub fn check(file: &[u8], passphrase: &Passphrase) -> Result<usize, WalletError> {
    open_bundle(file, passphrase).map(|bundle| bundle.credentials.len())
}

/// Reads an export file's framing and header without deriving any key: the Argon2id parameters it asks for, once
/// they are within bounds (they come from the file before anything is authenticated, issue 11).
///
/// # Errors
/// [`WalletError::Export`] for a file that is not an export, is truncated, or asks for too much work.
pub fn inspect(file: &[u8]) -> Result<KdfParams, WalletError> {
    let (header, _, _) = parse(file)?;
    header.kdf.check().map_err(|e| WalletError::Export(format!("not a skillspass export, or damaged: {e}")))?;
    Ok(header.kdf)
}

fn open_bundle(file: &[u8], passphrase: &Passphrase) -> Result<Bundle, WalletError> {
    let kdf = inspect(file)?;
    let (_, prefix, sealed_bundle) = parse(file)?;
    let key = kdf.derive(passphrase.expose())?;
    let plain = sealed::open(&key, &prefix, sealed_bundle).map_err(|_| WalletError::WrongPassphrase)?;
    let bundle: Bundle = serde_json::from_value(json(&plain)?).map_err(|e| WalletError::Export(e.to_string()))?;
    if bundle.v != 1 {
        return Err(WalletError::Export(format!("bundle version {} is not supported", bundle.v)));
    }
    Ok(bundle)
}

fn prefix(header: &[u8]) -> Vec<u8> {
    let mut prefix = MAGIC.to_vec();
    prefix.push(FORMAT_VERSION);
    prefix.extend_from_slice(&u32::try_from(header.len()).unwrap_or(u32::MAX).to_be_bytes());
    prefix.extend_from_slice(header);
    prefix
}

fn parse(file: &[u8]) -> Result<(ExportHeader, Vec<u8>, &[u8]), WalletError> {
    let corrupt = |why: &str| WalletError::Export(format!("not a skillspass export, or damaged: {why}"));
    if file.len() < 13 || &file[..8] != MAGIC {
        return Err(corrupt("missing SKPXPORT magic"));
    }
    if file[8] != FORMAT_VERSION {
        return Err(corrupt("unknown format version"));
    }
    let length = u32::from_be_bytes([file[9], file[10], file[11], file[12]]) as usize;
    if length > MAX_HEADER || file.len() < 13 + length {
        return Err(corrupt("truncated header"));
    }
    let header: ExportHeader =
        serde_json::from_slice(&file[13..13 + length]).map_err(|e| corrupt(&format!("header: {e}")))?;
    let prefix = file[..13 + length].to_vec();
    let body = &file[13 + length..];
    if body.len() < 1 + 24 + 16 {
        return Err(corrupt("truncated body"));
    }
    Ok((header, prefix, body))
}
