//! A small time-bounded cache for fetched and verified documents (DID documents, status lists), keyed by URL,
//! expiring by the document's `ttl` / `Cache-Control` and bounded in size.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Entries kept at most; when full the cache starts over.
const CAPACITY: usize = 1024;

/// The cache.
#[derive(Debug)]
pub struct TtlCache<T> {
    entries: Mutex<HashMap<String, (Instant, Arc<T>)>>,
}

impl<T> Default for TtlCache<T> {
    fn default() -> Self {
        Self { entries: Mutex::new(HashMap::new()) }
    }
}

impl<T> TtlCache<T> {
    /// The live entry for `key`.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<Arc<T>> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.get(key).filter(|(expires, _)| *expires > Instant::now()).map(|(_, value)| Arc::clone(value))
    }

    /// Stores `value` for `ttl`.
    pub fn put(&self, key: &str, value: Arc<T>, ttl: Duration) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= CAPACITY {
            entries.clear();
        }
        entries.insert(key.to_owned(), (Instant::now() + ttl, value));
    }
}
