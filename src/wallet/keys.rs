//! The holder's keys: each sealed in the keys tree under a keyed hash of its DID, so finding the key of a DID is
//! one lookup. A wallet gathers many keys (one per copy of every batch-issued credential, one per verifier that got
//! a badge presented), so the few looked up by purpose (`primary`, `primary-<alg>`, `verifier:<aud>`) are found
//! through a sealed label index in the meta tree rather than by opening every key.

use chrono::{DateTime, Utc};
use zeroize::Zeroizing;

use super::{HolderKey, Wallet, WalletError};
use crate::core::did::Did;
use crate::core::jose::AlgorithmPolicy;
use crate::core::keys::{KeyAlgorithm, SigningKey};
use crate::core::vc_jose::rfc3339;
use crate::store::sealed;

/// The label of the key credentials are issued to.
pub const PRIMARY: &str = "primary";
/// The label of a key made for one copy of a batch-issued credential.
pub const COPY: &str = "copy";

/// A label index entry: which key has the label.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct LabelEntry {
    v: u32,
    did: String,
}

crate::store::db::versioned_record!(LabelEntry, 1);

fn label_key(data_key: &Zeroizing<[u8; 32]>, label: &str) -> Vec<u8> {
    sealed::index_key(data_key, "key-label", label.as_bytes())
}

impl Wallet {
    /// Creates a holder key (`primary`, or `verifier:<audience>` for an unlinkable per-verifier key).
    ///
    /// # Errors
    /// Storage failures.
    pub fn new_key(&self, label: &str, now: DateTime<Utc>) -> Result<HolderKey, WalletError> {
        self.new_key_of(label, KeyAlgorithm::Ed25519, now)
    }

    /// Creates a holder key of `algorithm` (Ed25519 or P-256).
    ///
    /// # Errors
    /// Storage failures.
    pub fn new_key_of(
        &self,
        label: &str,
        algorithm: KeyAlgorithm,
        now: DateTime<Utc>,
    ) -> Result<HolderKey, WalletError> {
        let key = SigningKey::generate_for(algorithm, &mut rand::rngs::OsRng);
        let did = Did::key(&key.verifying_key()).to_string();
        let record = HolderKey {
            v: 1,
            did: did.clone(),
            jwk: key.to_private_jwk_json().to_string(),
            label: label.into(),
            created_at: rfc3339(now),
        };
        self.put(&self.trees.keys, &sealed::index_key(&self.data_key, "key", did.as_bytes()), &record)?;
        self.index_label(&record)?;
        Ok(record)
    }

    /// Every holder key.
    ///
    /// # Errors
    /// Storage or decryption failures.
    pub fn keys(&self) -> Result<Vec<HolderKey>, WalletError> {
        self.all(&self.trees.keys)
    }

    /// The primary holder DID (the subject credentials should be issued to).
    ///
    /// # Errors
    /// Storage or decryption failures.
    pub fn primary_did(&self) -> Result<String, WalletError> {
        if let Some(did) = self.key_labelled(PRIMARY)? {
            return Ok(did);
        }
        self.keys()?.first().map(|k| k.did.clone()).ok_or(WalletError::NotFound)
    }

    /// The holder DID to receive a credential under, given the algorithms the issuer accepts for key proofs: the
    /// primary key if it fits (or nothing is listed), else this wallet's key of the first listed algorithm it can
    /// make, created once under the label `primary-<alg>`.
    ///
    /// # Errors
    /// [`WalletError::Presentation`] when none of the listed algorithms is one of ours; storage failures.
    pub fn holder_did_for(&self, algorithms: &[String], now: DateTime<Utc>) -> Result<String, WalletError> {
        let primary = self.primary_did()?;
        let algorithm = self.proof_algorithm(algorithms)?;
        if self.signing_key(&primary)?.algorithm() == algorithm {
            return Ok(primary);
        }
        let label = format!("primary-{}", algorithm.jws_alg().to_ascii_lowercase());
        if let Some(existing) = self.key_labelled(&label)? {
            return Ok(existing);
        }
        Ok(self.new_key_of(&label, algorithm, now)?.did)
    }

    /// The key algorithm to prove possession with, given the algorithms the issuer accepts: the primary key's when
    /// it fits (or nothing is listed), else the first listed one this wallet can make.
    ///
    /// # Errors
    /// [`WalletError::Presentation`] when none of the listed algorithms is one of ours; storage failures.
    pub fn proof_algorithm(&self, algorithms: &[String]) -> Result<KeyAlgorithm, WalletError> {
        let primary_algorithm = self.signing_key(&self.primary_did()?)?.algorithm();
        let wanted: Vec<KeyAlgorithm> = algorithms
            .iter()
            .filter(|alg| AlgorithmPolicy::ACCEPTED.contains(&alg.as_str()))
            .filter_map(|alg| KeyAlgorithm::parse(alg))
            .collect();
        if algorithms.is_empty() || wanted.contains(&primary_algorithm) {
            return Ok(primary_algorithm);
        }
        wanted.first().copied().ok_or_else(|| {
            WalletError::Presentation(format!(
                "the issuer accepts key proofs in {algorithms:?}, none of EdDSA and ES256"
            ))
        })
    }

    /// This wallet's holder DID for the verifier `aud` alone (label `verifier:<aud>`), made on first use with the
    /// primary key's algorithm: what signs a `vp+jwt` whose credentials name no key of this wallet.
    ///
    /// # Errors
    /// Storage or decryption failures.
    pub fn verifier_did(&self, aud: &str, now: DateTime<Utc>) -> Result<String, WalletError> {
        let label = format!("verifier:{aud}");
        if let Some(existing) = self.key_labelled(&label)? {
            return Ok(existing);
        }
        let algorithm = self.signing_key(&self.primary_did()?)?.algorithm();
        Ok(self.new_key_of(&label, algorithm, now)?.did)
    }

    /// Removes a holder key (one made for a copy that is gone, or that the issuer never used).
    ///
    /// # Errors
    /// Storage failures.
    pub fn forget_key(&self, did: &str) -> Result<(), WalletError> {
        // A label entry naming a forgotten key is ignored by `key_labelled` and replaced when the label is used again.
        self.trees.keys.remove(sealed::index_key(&self.data_key, "key", did.as_bytes()))?;
        Ok(())
    }

    pub(super) fn signing_key(&self, did: &str) -> Result<SigningKey, WalletError> {
        let record: HolderKey = self
            .get(&self.trees.keys, &sealed::index_key(&self.data_key, "key", did.as_bytes()))?
            .ok_or_else(|| WalletError::Presentation(format!("{did} is not a key of this wallet")))?;
        SigningKey::from_jwk_json(&record.jwk).map_err(|e| WalletError::Corrupt(e.to_string()))
    }

    pub(super) fn restore_key(&self, key: &HolderKey) -> Result<(), WalletError> {
        self.put(&self.trees.keys, &sealed::index_key(&self.data_key, "key", key.did.as_bytes()), key)?;
        self.index_label(key)
    }

    /// Whether `did` is one of this wallet's keys (one lookup, whatever the number of keys).
    ///
    /// # Errors
    /// Storage failures.
    pub fn has_key(&self, did: &str) -> Result<bool, WalletError> {
        Ok(self.trees.keys.contains_key(sealed::index_key(&self.data_key, "key", did.as_bytes()))?)
    }

    /// The key labelled `label` (a label one key has: `primary`, `primary-es256`, `verifier:<aud>`): through the
    /// sealed label index, else, in a wallet written before the index, by opening every key, then indexing it.
    fn key_labelled(&self, label: &str) -> Result<Option<String>, WalletError> {
        let index = label_key(&self.data_key, label);
        if let Some(entry) = self.get::<LabelEntry>(&self.trees.meta, &index)? {
            if self.has_key(&entry.did)? {
                return Ok(Some(entry.did));
            }
        }
        let found = self.keys()?.into_iter().find(|k| k.label == label);
        if let Some(key) = &found {
            self.index_label(key)?;
        }
        Ok(found.map(|k| k.did))
    }

    /// Points the label index at `key` (copies share the label `copy` and are never looked up by it).
    fn index_label(&self, key: &HolderKey) -> Result<(), WalletError> {
        if key.label == COPY {
            return Ok(());
        }
        self.put(&self.trees.meta, &label_key(&self.data_key, &key.label), &LabelEntry { v: 1, did: key.did.clone() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Database;
    use crate::wallet::Passphrase;

    fn wallet(dir: &std::path::Path) -> Wallet {
        let db = Database::open_folder(dir).unwrap();
        Wallet::create(&db, "holder", &Passphrase::new("a long enough passphrase").unwrap(), Utc::now()).unwrap()
    }

    #[test]
    fn the_primary_key_is_found_among_many_copy_keys_and_in_wallets_written_before_the_index() {
        let dir = tempfile::tempdir().unwrap();
        let wallet = wallet(dir.path());
        let primary = wallet.primary_did().unwrap();
        let copies: Vec<String> =
            (0..20).map(|_| wallet.new_key_of(COPY, KeyAlgorithm::Ed25519, Utc::now()).unwrap().did).collect();
        assert_eq!(wallet.primary_did().unwrap(), primary);
        assert!(copies.iter().all(|did| wallet.has_key(did).unwrap()));
        assert!(!wallet.has_key("did:key:z6MkNotOneOfOurs").unwrap());
        wallet.trees.meta.remove(label_key(&wallet.data_key, PRIMARY)).unwrap();
        assert_eq!(wallet.primary_did().unwrap(), primary, "found by opening the keys");
        assert!(wallet.trees.meta.contains_key(label_key(&wallet.data_key, PRIMARY)).unwrap(), "and indexed again");
        let verifier = wallet.verifier_did("https://employer.example", Utc::now()).unwrap();
        assert_eq!(wallet.verifier_did("https://employer.example", Utc::now()).unwrap(), verifier, "made once");
        assert_ne!(verifier, primary);
    }

    #[test]
    fn a_restored_wallet_is_the_exported_holder_not_a_fresh_one() {
        let dir = tempfile::tempdir().unwrap();
        let original = wallet(&dir.path().join("a"));
        let export_passphrase = Passphrase::new("an export passphrase").unwrap();
        let file = original.export(&export_passphrase, Utc::now()).unwrap();
        let restored = wallet(&dir.path().join("b"));
        let fresh = restored.primary_did().unwrap();
        restored.restore(&file, &export_passphrase, false).unwrap();
        assert_eq!(restored.primary_did().unwrap(), original.primary_did().unwrap());
        assert!(!restored.has_key(&fresh).unwrap(), "the fresh wallet's own key gave way");
        assert_eq!(restored.keys().unwrap().iter().filter(|k| k.label == PRIMARY).count(), 1);
    }
}
