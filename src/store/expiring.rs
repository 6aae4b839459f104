//! Short-lived protocol state that must survive a restart (issue 11): offers and their pre-authorized codes,
//! transaction-code attempts, access tokens, `c_nonce`s, presentation requests and their results, consumed nonces.
//! Each is a record with an expiry in its own tree (sled or PostgreSQL); reads ignore expired records, [`Expiring::purge`] removes
//! them (the server runs it in the background), and every state change is atomic: [`Expiring::insert_new`] and
//! [`Expiring::take`] make single use hold under concurrency and across restarts, [`Expiring::update`] is a
//! compare-and-swap loop, so two requests can never both move a record out of the same state.

use std::marker::PhantomData;

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::StoreError;
use super::database::{Database, Tree};

/// A tree of records that expire.
#[derive(Debug, Clone)]
pub struct Expiring<T> {
    tree: Tree,
    kind: PhantomData<fn() -> T>,
}

#[derive(Serialize, Deserialize)]
struct Envelope<T> {
    /// Unix seconds after which the record is gone.
    expires: i64,
    record: T,
}

impl<T: Serialize + DeserializeOwned> Expiring<T> {
    /// The tree `name` of `db`.
    ///
    /// # Errors
    /// [`StoreError::Sled`].
    pub fn open(db: &Database, name: &str) -> Result<Self, StoreError> {
        Ok(Self { tree: db.tree(name)?, kind: PhantomData })
    }

    fn encode(record: &T, expires: DateTime<Utc>) -> Result<Vec<u8>, StoreError> {
        serde_json::to_vec(&Envelope { expires: expires.timestamp(), record })
            .map_err(|e| StoreError::Corrupt { key: String::new(), reason: e.to_string() })
    }

    fn decode(key: &[u8], bytes: &[u8]) -> Result<Envelope<T>, StoreError> {
        serde_json::from_slice(bytes).map_err(|e| StoreError::Corrupt {
            key: String::from_utf8_lossy(key).chars().take(40).collect(),
            reason: e.to_string(),
        })
    }

    /// Stores `record` under `key` until `expires`, replacing what was there.
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn insert(&self, key: &[u8], record: &T, expires: DateTime<Utc>) -> Result<(), StoreError> {
        self.tree.insert_expiring(key, Self::encode(record, expires)?, Some(expires.timestamp()))
    }

    /// Stores `record` only if `key` holds nothing live; false when it does (a nonce seen before).
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn insert_new(
        &self,
        key: &[u8],
        record: &T,
        expires: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let new = Self::encode(record, expires)?;
        loop {
            let current = self.tree.get(key)?;
            if let Some(bytes) = &current {
                if Self::decode(key, bytes)?.expires > now.timestamp() {
                    return Ok(false);
                }
            }
            if self.tree.compare_and_swap(key, current.as_deref(), Some(&new), Some(expires.timestamp()))? {
                return Ok(true);
            }
        }
    }

    /// The live record under `key`.
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn get(&self, key: &[u8], now: DateTime<Utc>) -> Result<Option<T>, StoreError> {
        let Some(bytes) = self.tree.get(key)? else { return Ok(None) };
        let envelope = Self::decode(key, &bytes)?;
        Ok((envelope.expires > now.timestamp()).then_some(envelope.record))
    }

    /// Removes and returns the live record under `key`: of two concurrent takes, one gets it.
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn take(&self, key: &[u8], now: DateTime<Utc>) -> Result<Option<T>, StoreError> {
        let Some(bytes) = self.tree.remove(key)? else { return Ok(None) };
        let envelope = Self::decode(key, &bytes)?;
        Ok((envelope.expires > now.timestamp()).then_some(envelope.record))
    }

    /// Changes the live record under `key` atomically: `change` sees the current record and returns what to answer
    /// and whether to write the changed record. Retried when another writer got there first, so `change` must
    /// depend on the record only. `None` when there is no live record.
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn update<R>(
        &self,
        key: &[u8],
        now: DateTime<Utc>,
        mut change: impl FnMut(&mut T) -> (R, bool),
    ) -> Result<Option<R>, StoreError> {
        loop {
            let Some(bytes) = self.tree.get(key)? else { return Ok(None) };
            let mut envelope = Self::decode(key, &bytes)?;
            if envelope.expires <= now.timestamp() {
                return Ok(None);
            }
            let (answer, write) = change(&mut envelope.record);
            if !write {
                return Ok(Some(answer));
            }
            let new = serde_json::to_vec(&envelope)
                .map_err(|e| StoreError::Corrupt { key: String::new(), reason: e.to_string() })?;
            if self.tree.compare_and_swap(key, Some(&bytes), Some(&new), Some(envelope.expires))? {
                return Ok(Some(answer));
            }
        }
    }

    /// Removes the record under `key`.
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn remove(&self, key: &[u8]) -> Result<(), StoreError> {
        self.tree.remove(key)?;
        Ok(())
    }

    /// Removes every expired record; returns how many.
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn purge(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        self.tree.purge(now.timestamp(), |bytes| Self::decode(b"", bytes).ok().map(|e| e.expires))
    }

    /// Whether at least `limit` records are stored, live or expired.
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn holds_at_least(&self, limit: usize) -> Result<bool, StoreError> {
        self.tree.holds_at_least(limit)
    }

    /// Number of records, live or expired.
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn len(&self) -> Result<usize, StoreError> {
        self.tree.len()
    }

    /// Whether there are none.
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn is_empty(&self) -> Result<bool, StoreError> {
        self.tree.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    fn tree() -> Expiring<u32> {
        let db = Database::temporary().unwrap();
        Expiring::open(&db, "test").unwrap()
    }

    #[test]
    fn single_use_holds_under_concurrency() {
        let store = tree();
        let now = Utc::now();
        let later = now + Duration::minutes(5);
        let winners: usize = std::thread::scope(|scope| {
            let handles: Vec<_> =
                (0..8).map(|_| scope.spawn(|| store.insert_new(b"nonce", &1, later, now).unwrap())).collect();
            handles.into_iter().map(|h| usize::from(h.join().unwrap())).sum()
        });
        assert_eq!(winners, 1, "exactly one of eight concurrent first uses wins");
        store.insert(b"code", &7, later).unwrap();
        let taken: usize = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..8).map(|_| scope.spawn(|| store.take(b"code", now).unwrap())).collect();
            handles.into_iter().filter_map(|h| h.join().unwrap()).count()
        });
        assert_eq!(taken, 1);
    }

    #[test]
    fn expired_records_are_gone_and_purged() {
        let store = tree();
        let now = Utc::now();
        store.insert(b"old", &1, now - Duration::seconds(1)).unwrap();
        store.insert(b"new", &2, now + Duration::minutes(1)).unwrap();
        assert_eq!(store.get(b"old", now).unwrap(), None);
        assert!(store.insert_new(b"old", &3, now + Duration::minutes(1), now).unwrap(), "an expired key is free");
        assert_eq!(
            store
                .update(b"new", now, |v| {
                    *v += 1;
                    (*v, true)
                })
                .unwrap(),
            Some(3)
        );
        assert_eq!(store.get(b"new", now).unwrap(), Some(3));
        assert_eq!(store.purge(now + Duration::minutes(2)).unwrap(), 2);
        assert_eq!(store.len().unwrap(), 0);
    }
}
