//! The storage interface: a [`Database`] of named [`Tree`]s, with two engines behind it (issue 15). sled is the
//! embedded default (one data folder, nothing to set up); PostgreSQL ([`super::postgres`]) lets several `serve`
//! nodes share the issuer registry, the protocol state and the hosted wallets.
//!
//! A tree is an ordered map from byte keys to byte values with the few operations the roles need, each atomic on
//! both engines: upsert, remove-and-return (single use), compare-and-swap (state changes), prefix scans in key
//! order, counters, and expiry (carried as a column on PostgreSQL, inside the record on sled). The roles choose
//! neither engine nor SQL: they open trees by name. The engines are an enum, not a trait object: there are two,
//! both known here, and the sled path stays a direct call.

use std::path::Path;
use std::sync::Arc;

use super::StoreError;
use super::postgres::Postgres;

/// A key and its value.
pub type Entry = (Vec<u8>, Vec<u8>);

/// Where the state lives.
#[derive(Debug, Clone)]
pub enum Database {
    /// An embedded sled database in a data folder.
    Sled(sled::Db),
    /// A PostgreSQL database shared by every node given its URL.
    Postgres(Arc<Postgres>),
}

impl Database {
    /// Opens (or creates) the sled database in `dir`.
    ///
    /// # Errors
    /// [`StoreError::Sled`] when the folder cannot be opened (e.g. another process holds it).
    pub fn open_folder(dir: &Path) -> Result<Self, StoreError> {
        Self::open_folder_with_cache(dir, super::db::DEFAULT_CACHE_BYTES)
    }

    /// [`Database::open_folder`] with sled's page cache bounded to `cache_bytes`.
    ///
    /// # Errors
    /// [`StoreError::Sled`].
    pub fn open_folder_with_cache(dir: &Path, cache_bytes: u64) -> Result<Self, StoreError> {
        super::db::open(dir, cache_bytes).map(Self::Sled)
    }

    /// Connects to PostgreSQL and applies the schema migrations it lacks.
    ///
    /// # Errors
    /// [`StoreError::Postgres`].
    pub fn connect(url: &str, pool_size: usize) -> Result<Self, StoreError> {
        Ok(Self::Postgres(Arc::new(Postgres::connect(url, pool_size)?)))
    }

    /// A sled database that lives in memory and is gone on drop (tests, the CLI's one-shot verifier).
    ///
    /// # Errors
    /// [`StoreError::Sled`].
    pub fn temporary() -> Result<Self, StoreError> {
        Ok(Self::Sled(sled::Config::new().temporary(true).open()?))
    }

    /// The tree `name`, created on first use.
    ///
    /// # Errors
    /// [`StoreError::Sled`].
    pub fn tree(&self, name: &str) -> Result<Tree, StoreError> {
        Ok(match self {
            Self::Sled(db) => Tree::Sled(db.open_tree(name)?),
            Self::Postgres(pg) => Tree::Postgres { db: Arc::clone(pg), space: Arc::from(name) },
        })
    }

    /// Makes every write so far durable (sled flushes; PostgreSQL commits each statement already).
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn flush(&self) -> Result<(), StoreError> {
        if let Self::Sled(db) = self {
            db.flush()?;
        }
        Ok(())
    }

    /// [`Database::flush`] without blocking the caller's thread.
    ///
    /// # Errors
    /// [`StoreError`].
    pub async fn flush_async(&self) -> Result<(), StoreError> {
        if let Self::Sled(db) = self {
            db.flush_async().await?;
        }
        Ok(())
    }

    /// Whether the database can be used now: always for sled (it is in this process), a round trip for
    /// PostgreSQL.
    ///
    /// # Errors
    /// [`StoreError::Postgres`] when the server does not answer.
    pub fn ping(&self) -> Result<(), StoreError> {
        match self {
            Self::Sled(_) => Ok(()),
            Self::Postgres(pg) => pg.ping(),
        }
    }

    /// The engine's name for `/health` and logs: `sled` or `postgres`.
    #[must_use]
    pub fn engine(&self) -> &'static str {
        match self {
            Self::Sled(_) => "sled",
            Self::Postgres(_) => "postgres",
        }
    }
}

/// One named map of a [`Database`].
#[derive(Debug, Clone)]
pub enum Tree {
    /// A sled tree.
    Sled(sled::Tree),
    /// A space of PostgreSQL's `entries` table.
    Postgres {
        /// The pool.
        db: Arc<Postgres>,
        /// The tree's name.
        space: Arc<str>,
    },
}

impl Tree {
    /// The tree's name (part of the associated data of sealed records, so the same on both engines).
    #[must_use]
    pub fn name(&self) -> Vec<u8> {
        match self {
            Self::Sled(tree) => tree.name().to_vec(),
            Self::Postgres { space, .. } => space.as_bytes().to_vec(),
        }
    }

    /// The value under `key`.
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn get(&self, key: impl AsRef<[u8]>) -> Result<Option<Vec<u8>>, StoreError> {
        match self {
            Self::Sled(tree) => Ok(tree.get(key)?.map(|value| value.to_vec())),
            Self::Postgres { db, space } => db.get(space, key.as_ref()),
        }
    }

    /// Whether `key` holds a value.
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn contains_key(&self, key: impl AsRef<[u8]>) -> Result<bool, StoreError> {
        match self {
            Self::Sled(tree) => Ok(tree.contains_key(key)?),
            Self::Postgres { db, space } => Ok(db.get(space, key.as_ref())?.is_some()),
        }
    }

    /// Stores `value` under `key`, replacing what was there.
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn insert(&self, key: impl AsRef<[u8]>, value: impl AsRef<[u8]>) -> Result<(), StoreError> {
        self.insert_expiring(key, value, None)
    }

    /// [`Tree::insert`] with the Unix second after which the value may be purged.
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn insert_expiring(
        &self,
        key: impl AsRef<[u8]>,
        value: impl AsRef<[u8]>,
        expires: Option<i64>,
    ) -> Result<(), StoreError> {
        match self {
            Self::Sled(tree) => {
                tree.insert(key.as_ref(), value.as_ref())?;
                Ok(())
            }
            Self::Postgres { db, space } => db.insert(space, key.as_ref(), value.as_ref(), expires),
        }
    }

    /// Removes `key` and returns what it held: of two concurrent removals (on any node), one gets the value.
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn remove(&self, key: impl AsRef<[u8]>) -> Result<Option<Vec<u8>>, StoreError> {
        match self {
            Self::Sled(tree) => Ok(tree.remove(key)?.map(|value| value.to_vec())),
            Self::Postgres { db, space } => db.remove(space, key.as_ref()),
        }
    }

    /// Replaces `old` (None: nothing) under `key` with `new` (None: nothing), only if `old` is what is there;
    /// true when it was. `expires` is the new value's purge time.
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn compare_and_swap(
        &self,
        key: impl AsRef<[u8]>,
        old: Option<&[u8]>,
        new: Option<&[u8]>,
        expires: Option<i64>,
    ) -> Result<bool, StoreError> {
        match self {
            Self::Sled(tree) => Ok(tree.compare_and_swap(key.as_ref(), old, new)?.is_ok()),
            Self::Postgres { db, space } => {
                db.compare_and_swap(space, key.as_ref(), old, new.map(|value| (value, expires)))
            }
        }
    }

    /// Every entry whose key starts with `prefix`, in key order.
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn scan_prefix(&self, prefix: impl AsRef<[u8]>) -> Result<Vec<Entry>, StoreError> {
        match self {
            Self::Sled(tree) => tree
                .scan_prefix(prefix)
                .map(|entry| entry.map(|(key, value)| (key.to_vec(), value.to_vec())).map_err(StoreError::from))
                .collect(),
            Self::Postgres { db, space } => db.scan_prefix(space, prefix.as_ref()),
        }
    }

    /// Every entry, in key order.
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn entries(&self) -> Result<Vec<Entry>, StoreError> {
        self.scan_prefix([])
    }

    /// Number of entries.
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn len(&self) -> Result<usize, StoreError> {
        match self {
            Self::Sled(tree) => Ok(tree.len()),
            Self::Postgres { db, space } => db.len(space),
        }
    }

    /// Whether the tree holds at least `limit` entries (a bound on stored state; PostgreSQL stops counting there).
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn holds_at_least(&self, limit: usize) -> Result<bool, StoreError> {
        match self {
            Self::Sled(tree) => Ok(tree.len() >= limit),
            Self::Postgres { db, space } => db.holds_at_least(space, limit),
        }
    }

    /// Whether the tree is empty.
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn is_empty(&self) -> Result<bool, StoreError> {
        Ok(self.len()? == 0)
    }

    /// Adds one to the counter under `key` (starting from 0) and returns the new value, atomically.
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn increment(&self, key: impl AsRef<[u8]>) -> Result<u64, StoreError> {
        match self {
            Self::Sled(tree) => {
                let value = tree.update_and_fetch(key, |old| Some(increment(old)))?;
                Ok(value.as_deref().map_or(1, be_u64))
            }
            Self::Postgres { db, space } => db.increment(space, key.as_ref()),
        }
    }

    /// The counter under `key` (0 before its first [`Tree::increment`]).
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn counter(&self, key: impl AsRef<[u8]>) -> Result<u64, StoreError> {
        match self {
            Self::Sled(tree) => Ok(tree.get(key)?.as_deref().map_or(0, be_u64)),
            Self::Postgres { db, space } => db.counter(space, key.as_ref()),
        }
    }

    /// Removes every expired entry; `expiry` reads a value's expiry where the engine does not keep it (sled).
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn purge(&self, now: i64, expiry: impl Fn(&[u8]) -> Option<i64>) -> Result<usize, StoreError> {
        match self {
            Self::Sled(tree) => {
                let mut removed = 0;
                for entry in tree {
                    let (key, value) = entry?;
                    let expired = expiry(&value).is_none_or(|at| at <= now);
                    if expired && tree.compare_and_swap(&key, Some(value), None::<&[u8]>)?.is_ok() {
                        removed += 1;
                    }
                }
                Ok(removed)
            }
            Self::Postgres { db, space } => db.purge(space, now),
        }
    }
}

fn be_u64(bytes: &[u8]) -> u64 {
    bytes.try_into().map_or(0, u64::from_be_bytes)
}

fn increment(old: Option<&[u8]>) -> Vec<u8> {
    (old.map_or(0, be_u64) + 1).to_be_bytes().to_vec()
}
