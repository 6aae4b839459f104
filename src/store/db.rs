//! The sled database behind a data folder, and versioned records in it (STYLE rule 18): every stored value is a
//! serde struct carrying `v`, written as JSON, so a record written by an older skillspass is recognised and a
//! record from a newer one is refused rather than misread.

use std::marker::PhantomData;
use std::path::Path;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::database::{Database, Tree};

/// Why storage failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// sled failed.
    #[error("storage: {0}")]
    Sled(#[from] sled::Error),
    /// A record does not decode, or has a version we do not know.
    #[error("stored record {key} is unreadable: {reason}")]
    Corrupt {
        /// Which key.
        key: String,
        /// Why.
        reason: String,
    },
    /// A transaction was aborted.
    #[error("storage transaction: {0}")]
    Transaction(String),
    /// A file next to the database.
    #[error("{0}")]
    File(String),
    /// PostgreSQL failed or is unreachable.
    #[error("database: {0}")]
    Postgres(String),
}

/// A versioned record type.
pub trait Record: Serialize + DeserializeOwned {
    /// The version this build writes and reads.
    const VERSION: u32;
    /// The version stored in this value.
    fn version(&self) -> u32;
}

/// Implements [`Record`] for a struct whose version lives in a `v: u32` field: `versioned_record!(Type, 1);`.
macro_rules! versioned_record {
    ($type:ty, $version:expr) => {
        impl $crate::store::Record for $type {
            const VERSION: u32 = $version;
            fn version(&self) -> u32 {
                self.v
            }
        }
    };
}
pub(crate) use versioned_record;

/// Opens (or creates) the database in `dir`, with a page cache of at most `cache_bytes`.
///
/// # Errors
/// [`StoreError::Sled`] when the folder cannot be opened (e.g. another process holds it).
pub(super) fn open(dir: &Path, cache_bytes: u64) -> Result<sled::Db, StoreError> {
    std::fs::create_dir_all(dir).map_err(|e| StoreError::File(format!("{}: {e}", dir.display())))?;
    Ok(sled::Config::new().path(dir.join("db")).cache_capacity(cache_bytes).flush_every_ms(Some(200)).open()?)
}

/// sled's page cache unless told otherwise: 64 MiB (sled's own default is 1 GiB, which a verifier under load
/// grows towards without needing it).
pub const DEFAULT_CACHE_BYTES: u64 = 64 * 1024 * 1024;

/// A tree holding records of one kind.
#[derive(Debug, Clone)]
pub struct Records<T> {
    tree: Tree,
    kind: PhantomData<fn() -> T>,
}

impl<T: Record> Records<T> {
    /// The tree named `name`.
    ///
    /// # Errors
    /// [`StoreError::Sled`].
    pub fn open(db: &Database, name: &str) -> Result<Self, StoreError> {
        Ok(Self { tree: db.tree(name)?, kind: PhantomData })
    }

    /// The underlying tree.
    #[must_use]
    pub fn tree(&self) -> &Tree {
        &self.tree
    }

    /// Reads one record.
    ///
    /// # Errors
    /// [`StoreError`] when sled fails or the record is unreadable.
    pub fn get(&self, key: &[u8]) -> Result<Option<T>, StoreError> {
        self.tree.get(key)?.map(|bytes| decode(key, &bytes)).transpose()
    }

    /// Writes one record.
    ///
    /// # Errors
    /// [`StoreError`] when sled fails.
    pub fn insert(&self, key: &[u8], record: &T) -> Result<(), StoreError> {
        self.tree.insert(key, encode(record)?)?;
        Ok(())
    }

    /// Every record, in key order.
    ///
    /// # Errors
    /// [`StoreError`] when storage fails or a record is unreadable.
    pub fn all(&self) -> Result<Vec<T>, StoreError> {
        self.tree.entries()?.into_iter().map(|(key, bytes)| decode(&key, &bytes)).collect()
    }

    /// Number of records.
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

/// Serializes a record.
///
/// # Errors
/// [`StoreError::Corrupt`] if serde fails (it does not for our types).
pub fn encode<T: Record>(record: &T) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(record).map_err(|e| StoreError::Corrupt { key: String::new(), reason: e.to_string() })
}

/// Deserializes a record and checks its version.
///
/// # Errors
/// [`StoreError::Corrupt`].
pub fn decode<T: Record>(key: &[u8], bytes: &[u8]) -> Result<T, StoreError> {
    let corrupt = |reason: String| StoreError::Corrupt { key: String::from_utf8_lossy(key).into_owned(), reason };
    let record: T = serde_json::from_slice(bytes).map_err(|e| corrupt(e.to_string()))?;
    if record.version() != T::VERSION {
        return Err(corrupt(format!("version {} (this build reads {})", record.version(), T::VERSION)));
    }
    Ok(record)
}

/// Group commit: many requests wait for one `fsync`. A request calls [`GroupCommit::persist`] after its writes; a
/// flush that starts after the request registered covers its writes, so concurrent requests share flushes instead
/// of queueing one each (sled's own `flush_async` stalls under many concurrent callers).
#[derive(Debug)]
pub struct GroupCommit {
    db: Database,
    requested: std::sync::atomic::AtomicU64,
    flushed: std::sync::atomic::AtomicU64,
    flusher: tokio::sync::Mutex<()>,
}

impl GroupCommit {
    /// Group commit for a database.
    #[must_use]
    pub fn new(db: Database) -> Self {
        Self {
            db,
            requested: std::sync::atomic::AtomicU64::new(0),
            flushed: std::sync::atomic::AtomicU64::new(0),
            flusher: tokio::sync::Mutex::new(()),
        }
    }

    /// Returns once everything written before the call is on disk.
    ///
    /// # Errors
    /// [`StoreError`] when the flush fails.
    pub async fn persist(&self) -> Result<(), StoreError> {
        use std::sync::atomic::Ordering::SeqCst;
        // PostgreSQL made each statement durable when it answered.
        let Database::Sled(db) = &self.db else { return Ok(()) };
        let ticket = self.requested.fetch_add(1, SeqCst) + 1;
        let _turn = self.flusher.lock().await;
        if self.flushed.load(SeqCst) >= ticket {
            return Ok(());
        }
        let covered = self.requested.load(SeqCst);
        let db = db.clone();
        tokio::task::spawn_blocking(move || db.flush())
            .await
            .map_err(|e| StoreError::Transaction(format!("flush task: {e}")))??;
        self.flushed.store(covered, SeqCst);
        Ok(())
    }
}
