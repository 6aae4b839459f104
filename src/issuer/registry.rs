//! The issuer's registry in sled: which credentials it issued (id, types, issue time, status entries, state; no
//! personal data beyond what revocation needs), its status lists, and which list indexes are taken.
//!
//! Status indexes are drawn at random (Bitstring Status List section 6.1, herd privacy) and never reused: an
//! index is claimed with an atomic compare-and-swap on its own key before the credential is signed, so two
//! concurrent issues can never share one, and a crash after the claim only wastes the index. A list rolls over to a
//! new one when random draws keep hitting taken indexes (about 90% full) or when it is completely full.

use rand::Rng as _;
use serde::{Deserialize, Serialize};

use crate::store::{Database, Records, StoreError, Tree};

/// How many random draws may hit taken indexes before the list counts as full.
const DRAWS_BEFORE_ROLLOVER: usize = 32;

/// What a status entry is for (Bitstring Status List section 2.1 `statusPurpose`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Purpose {
    /// Final.
    Revocation,
    /// Reversible.
    Suspension,
    /// An IETF Token Status List entry (2 bits: 0 valid, 1 invalid, 2 suspended) for SD-JWT VCs.
    Token,
}

impl Purpose {
    /// The Bitstring purposes, in the order entries are written into a `vc+jwt`.
    pub const BITSTRING: [Self; 2] = [Self::Revocation, Self::Suspension];

    /// The `statusPurpose` value.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Revocation => "revocation",
            Self::Suspension => "suspension",
            Self::Token => "status",
        }
    }
}

/// A credential's place in one status list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusRef {
    /// Purpose of the list.
    pub purpose: Purpose,
    /// List id (`revocation-1`).
    pub list: String,
    /// Index in the list.
    pub index: u32,
}

/// What the registry keeps per credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialRecord {
    /// Record version.
    pub v: u32,
    /// Credential id.
    pub id: String,
    /// Credential types.
    pub types: Vec<String>,
    /// Issue time, RFC 3339.
    pub issued_at: String,
    /// Status list places.
    pub status: Vec<StatusRef>,
    /// Revoked (final).
    pub revoked: bool,
    /// Suspended (reversible).
    pub suspended: bool,
    /// The credential's display name (absent in records kept before it was).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The provider's own label for the learner (an e-mail or name typed in the console); never in the credential.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

crate::store::db::versioned_record!(CredentialRecord, 1);

impl CredentialRecord {
    /// How many copies of the credential were issued (batch issuance gives each copy its own Token Status List
    /// entry; a `vc+jwt` has one Bitstring entry per purpose and counts as one).
    #[must_use]
    pub fn copies(&self) -> usize {
        self.status.iter().filter(|s| s.purpose == Purpose::Token).count().max(1)
    }
}

/// A status list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListRecord {
    /// Record version.
    pub v: u32,
    /// List id.
    pub id: String,
    /// Purpose.
    pub purpose: Purpose,
    /// Number of entries (bits).
    pub entries: u32,
}

crate::store::db::versioned_record!(ListRecord, 1);

/// The registry.
#[derive(Debug, Clone)]
pub struct Registry {
    credentials: Records<CredentialRecord>,
    lists: Records<ListRecord>,
    allocations: Tree,
    status_bits: Tree,
    meta: Tree,
    entries_per_list: u32,
    /// The list each purpose allocates from, as this process last saw it: saves two reads per allocation. Another
    /// node may have rolled over meanwhile; drawing from the older list is still safe (every index is claimed by
    /// compare-and-swap), and a full list sends this node to the current one.
    current: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<&'static str, ListRecord>>>,
}

impl Registry {
    /// Opens the registry trees; new lists get `entries_per_list` entries.
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn open(db: &Database, entries_per_list: u32) -> Result<Self, StoreError> {
        Ok(Self {
            credentials: Records::open(db, "issuer.credentials")?,
            lists: Records::open(db, "issuer.lists")?,
            allocations: db.tree("issuer.allocations")?,
            status_bits: db.tree("issuer.status_bits")?,
            meta: db.tree("issuer.meta")?,
            entries_per_list,
            current: std::sync::Arc::default(),
        })
    }

    /// Claims a fresh random index for `purpose`, never handed out before.
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn allocate(&self, purpose: Purpose) -> Result<(ListRecord, u32), StoreError> {
        let remembered =
            self.current.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get(purpose.as_str()).cloned();
        let mut list = match remembered {
            Some(list) => list,
            None => self.current_list(purpose)?,
        };
        loop {
            if let Some(index) = self.claim_random(&list)? {
                self.current
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .insert(purpose.as_str(), list.clone());
                return Ok((list, index));
            }
            self.roll_over(purpose, &list)?;
            list = self.current_list(purpose)?;
        }
    }

    fn claim_random(&self, list: &ListRecord) -> Result<Option<u32>, StoreError> {
        let mut rng = rand::thread_rng();
        for _ in 0..DRAWS_BEFORE_ROLLOVER {
            let index = rng.gen_range(0..list.entries);
            if self.allocations.compare_and_swap(index_key(&list.id, index), None, Some(&[]), None)? {
                return Ok(Some(index));
            }
        }
        Ok(None)
    }

    /// The list new credentials of `purpose` go into, created on first use.
    fn current_list(&self, purpose: Purpose) -> Result<ListRecord, StoreError> {
        let pointer = format!("current/{}", purpose.as_str());
        if let Some(id) = self.meta.get(&pointer)? {
            if let Some(list) = self.lists.get(&id)? {
                return Ok(list);
            }
        }
        self.roll_over(purpose, &ListRecord { v: 1, id: String::new(), purpose, entries: 0 })?;
        let id = self.meta.get(&pointer)?.ok_or_else(|| StoreError::Transaction("no current list".into()))?;
        self.lists.get(&id)?.ok_or_else(|| StoreError::Transaction(format!("list {id:?} vanished")))
    }

    /// Replaces `full` as the current list of `purpose` with a new one (unless another thread already did).
    fn roll_over(&self, purpose: Purpose, full: &ListRecord) -> Result<(), StoreError> {
        let number = self.meta.increment(format!("count/{}", purpose.as_str()))?;
        let list =
            ListRecord { v: 1, id: format!("{}-{number}", purpose.as_str()), purpose, entries: self.entries_per_list };
        self.lists.insert(list.id.as_bytes(), &list)?;
        let pointer = format!("current/{}", purpose.as_str());
        let expected = (!full.id.is_empty()).then(|| full.id.as_bytes().to_vec());
        // A lost race means another thread installed its own new list; ours stays unused, which is harmless.
        let _ = self.meta.compare_and_swap(pointer, expected.as_deref(), Some(list.id.as_bytes()), None)?;
        Ok(())
    }

    /// Stores a new credential's record.
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn insert(&self, record: &CredentialRecord) -> Result<(), StoreError> {
        self.credentials.insert(record.id.as_bytes(), record)
    }

    /// Whether a credential id is already taken.
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn contains(&self, id: &str) -> Result<bool, StoreError> {
        self.credentials.tree().contains_key(id.as_bytes())
    }

    /// A credential's record.
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn get(&self, id: &str) -> Result<Option<CredentialRecord>, StoreError> {
        self.credentials.get(id.as_bytes())
    }

    /// Every credential's record, newest first.
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn all(&self) -> Result<Vec<CredentialRecord>, StoreError> {
        let mut records = self.credentials.all()?;
        records.sort_by(|a, b| b.issued_at.cmp(&a.issued_at));
        Ok(records)
    }

    /// Replaces a credential's record without touching its status bits (its name or label).
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn relabel(&self, id: &str, label: Option<String>) -> Result<(), StoreError> {
        if let Some(mut record) = self.get(id)? {
            record.label = label;
            self.credentials.insert(id.as_bytes(), &record)?;
        }
        Ok(())
    }

    /// Updates a credential's state and the status bits of its lists.
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn set_state(&self, record: &CredentialRecord) -> Result<(), StoreError> {
        for entry in &record.status {
            let value = match entry.purpose {
                Purpose::Revocation => u8::from(record.revoked),
                Purpose::Suspension => u8::from(record.suspended),
                // Token Status List section 7.1: 0x01 INVALID (revoked) wins over 0x02 SUSPENDED.
                Purpose::Token if record.revoked => 1,
                Purpose::Token => {
                    if record.suspended {
                        2
                    } else {
                        0
                    }
                }
            };
            let key = index_key(&entry.list, entry.index);
            if value == 0 {
                self.status_bits.remove(key)?;
            } else {
                self.status_bits.insert(key, [value])?;
            }
            self.meta.increment(generation_key(&entry.list))?;
        }
        self.credentials.insert(record.id.as_bytes(), record)
    }

    /// How many times a list changed: every node compares it with the list it published last, so a revocation
    /// made at one node is in the list every other node serves next.
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn list_generation(&self, list: &str) -> Result<u64, StoreError> {
        self.meta.counter(generation_key(list))
    }

    /// Every status list record, in id order.
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn lists(&self) -> Result<Vec<ListRecord>, StoreError> {
        self.lists.all()
    }

    /// A status list record.
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn list(&self, id: &str) -> Result<Option<ListRecord>, StoreError> {
        self.lists.get(id.as_bytes())
    }

    /// The indexes whose bit is set in a list (revocations and suspensions are sparse, so this is short).
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn set_indexes(&self, list: &str) -> Result<Vec<u32>, StoreError> {
        Ok(self.set_values(list)?.into_iter().map(|(index, _)| index).collect())
    }

    /// The non-zero entries of a list with their values.
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn set_values(&self, list: &str) -> Result<Vec<(u32, u8)>, StoreError> {
        let prefix = format!("{list}/");
        self.status_bits
            .scan_prefix(prefix.as_bytes())?
            .into_iter()
            .map(|(key, value)| {
                let raw: [u8; 4] = key[prefix.len()..].try_into().map_err(|_| StoreError::Corrupt {
                    key: String::from_utf8_lossy(&key).into_owned(),
                    reason: "status key without a 4-byte index".into(),
                })?;
                Ok((u32::from_be_bytes(raw), value.first().copied().unwrap_or(1)))
            })
            .collect()
    }

    /// Number of credentials issued.
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn len(&self) -> Result<usize, StoreError> {
        self.credentials.len()
    }

    /// True before the first credential.
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn is_empty(&self) -> Result<bool, StoreError> {
        Ok(self.len()? == 0)
    }
}

fn generation_key(list: &str) -> String {
    format!("generation/{list}")
}

fn index_key(list: &str, index: u32) -> Vec<u8> {
    let mut key = Vec::with_capacity(list.len() + 5);
    key.extend_from_slice(list.as_bytes());
    key.push(b'/');
    key.extend_from_slice(&index.to_be_bytes());
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registry(entries: u32) -> (tempfile::TempDir, Registry) {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open_folder(dir.path()).unwrap();
        let registry = Registry::open(&db, entries).unwrap();
        (dir, registry)
    }

    #[test]
    fn indexes_are_never_reused_and_lists_roll_over() {
        let (_dir, registry) = registry(64);
        let mut seen = std::collections::HashSet::new();
        for _ in 0..200 {
            let (list, index) = registry.allocate(Purpose::Revocation).unwrap();
            assert!(index < 64);
            assert!(seen.insert((list.id.clone(), index)), "index {index} of {} handed out twice", list.id);
        }
        let lists: std::collections::HashSet<_> = seen.iter().map(|(l, _)| l.clone()).collect();
        assert!(lists.len() >= 4, "200 entries in lists of 64 need at least 4 lists, got {lists:?}");
    }

    #[test]
    fn indexes_look_random() {
        let (_dir, registry) = registry(131_072);
        let indexes: Vec<u32> = (0..8).map(|_| registry.allocate(Purpose::Suspension).unwrap().1).collect();
        let sequential = indexes.windows(2).all(|w| w[1] == w[0] + 1);
        assert!(!sequential, "{indexes:?}");
    }

    #[test]
    fn state_changes_set_and_clear_bits() {
        let (_dir, registry) = registry(1024);
        let (list, index) = registry.allocate(Purpose::Suspension).unwrap();
        let mut record = CredentialRecord {
            v: 1,
            id: "urn:uuid:1".into(),
            types: vec![],
            issued_at: String::new(),
            status: vec![StatusRef { purpose: Purpose::Suspension, list: list.id.clone(), index }],
            revoked: false,
            suspended: true,
            name: None,
            label: None,
        };
        registry.set_state(&record).unwrap();
        assert_eq!(registry.set_indexes(&list.id).unwrap(), [index]);
        record.suspended = false;
        registry.set_state(&record).unwrap();
        assert!(registry.set_indexes(&list.id).unwrap().is_empty());
    }
}
