//! The wallet's blind index of credential kinds: which stored credentials have a given format (and type, the
//! `vct` of an SD-JWT VC), found without decrypting any other record.
//!
//! A presentation request names what it wants (a DCQL query's `vct_values`). With ten thousand credentials stored,
//! opening every summary to compare types costs tens of milliseconds; a prefix scan of this index costs
//! microseconds, and only the credentials that can match are decrypted.
//!
//! An entry's key is a keyed hash of the kind (`format`, or `format` and one type) followed by the credential's
//! record key; its value is empty. The hash is keyed with the wallet's data key, like the id index: someone holding
//! the files learns how many credentials share a kind, never which kind it is. The summaries remain the only place
//! types are written. A wallet stored before this index existed gets it built once, on first use.

use super::{StoredCredential, Wallet, WalletError};
use crate::core::format::Format;
use crate::store::sealed;

/// The meta entry that says every stored credential is in the index.
const BUILT: &[u8] = b"kinds-index";

impl Wallet {
    /// Adds a stored credential (record key `key`) to the index.
    pub(super) fn index_kinds(&self, key: &[u8], stored: &StoredCredential) -> Result<(), WalletError> {
        for prefix in self.kind_prefixes(stored) {
            self.trees.kinds.insert([prefix.as_slice(), key].concat(), [])?;
        }
        Ok(())
    }

    /// Removes a deleted credential from the index.
    pub(super) fn unindex_kinds(&self, key: &[u8], stored: &StoredCredential) -> Result<(), WalletError> {
        for prefix in self.kind_prefixes(stored) {
            self.trees.kinds.remove([prefix.as_slice(), key].concat())?;
        }
        Ok(())
    }

    /// The record keys of the credentials in `format` whose types include one of `types` (any type when `None`).
    pub(super) fn keys_of_kind(&self, format: Format, types: Option<&[&str]>) -> Result<Vec<Vec<u8>>, WalletError> {
        self.build_kind_index()?;
        let prefixes = match types {
            None => vec![self.kind_key(format, None)],
            Some(types) => types.iter().map(|t| self.kind_key(format, Some(t))).collect(),
        };
        // A credential of several asked types is found once per type; the set keeps it once.
        let mut keys = std::collections::BTreeSet::new();
        for prefix in prefixes {
            for (entry, _) in self.trees.kinds.scan_prefix(&prefix)? {
                keys.insert(entry[prefix.len()..].to_vec());
            }
        }
        Ok(keys.into_iter().collect())
    }

    /// Indexes every stored credential once, for wallets written before the index.
    fn build_kind_index(&self) -> Result<(), WalletError> {
        if self.trees.meta.contains_key(BUILT)? {
            return Ok(());
        }
        let tree = &self.trees.credentials;
        for (key, bytes) in tree.entries()? {
            let stored: StoredCredential = self.open_record(tree, &key, &bytes)?;
            self.index_kinds(&key, &stored)?;
        }
        self.trees.meta.insert(BUILT, b"1")?;
        Ok(())
    }

    fn kind_prefixes(&self, stored: &StoredCredential) -> Vec<Vec<u8>> {
        let typed = stored.types.iter().map(|t| self.kind_key(stored.format, Some(t)));
        std::iter::once(self.kind_key(stored.format, None)).chain(typed).collect()
    }

    fn kind_key(&self, format: Format, kind: Option<&str>) -> Vec<u8> {
        let value = match kind {
            None => format.name().to_owned(),
            Some(kind) => format!("{}\0{kind}", format.name()),
        };
        sealed::index_key(&self.data_key, "kind", value.as_bytes())
    }
}
