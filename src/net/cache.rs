//! One keyed cache for everything fetched and verified (DID documents, Bitstring and Token Status Lists, JWT VC
//! Issuer Metadata): entries are keyed by what they are and the URL they came from, expire by the document's `ttl`
//! or `Cache-Control`, and can be dropped by URL when their publisher knows they changed. Bounded in size: when full
//! the expired entries go, and if that is not enough the cache starts over (the working set of issuers a verifier
//! sees is small).

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Entries kept at most.
pub const CAPACITY: usize = 4096;

/// What a cached entry is (part of its key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A fetched DID document.
    DidDocument,
    /// A verified Bitstring Status List.
    StatusList,
    /// A verified IETF Token Status List.
    TokenStatusList,
    /// JWT VC Issuer Metadata.
    IssuerMetadata,
}

struct Entry {
    expires: Instant,
    value: Arc<dyn Any + Send + Sync>,
}

/// The cache (cheap to clone: clones share the entries).
#[derive(Clone, Default)]
pub struct Cache {
    entries: Arc<Mutex<HashMap<(Kind, String), Entry>>>,
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cache").field("entries", &self.lock().len()).finish()
    }
}

impl Cache {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(Kind, String), Entry>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The live entry of `kind` for `url`, if it holds a `T`.
    #[must_use]
    pub fn get<T: Any + Send + Sync>(&self, kind: Kind, url: &str) -> Option<Arc<T>> {
        let entries = self.lock();
        let entry = entries.get(&(kind, url.to_owned())).filter(|e| e.expires > Instant::now())?;
        Arc::clone(&entry.value).downcast::<T>().ok()
    }

    /// Stores `value` of `kind` for `url` for `ttl`.
    pub fn put<T: Any + Send + Sync>(&self, kind: Kind, url: &str, value: Arc<T>, ttl: Duration) {
        let mut entries = self.lock();
        if entries.len() >= CAPACITY {
            let now = Instant::now();
            entries.retain(|_, e| e.expires > now);
            if entries.len() >= CAPACITY {
                entries.clear();
            }
        }
        entries.insert((kind, url.to_owned()), Entry { expires: Instant::now() + ttl, value });
    }

    /// Drops every entry fetched from `url` (its publisher changed it).
    pub fn invalidate(&self, url: &str) {
        self.lock().retain(|(_, key), _| key != url);
    }

    /// Number of entries, live or expired.
    #[must_use]
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether there are none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_typed_keyed_and_invalidated_by_url() {
        let cache = Cache::default();
        cache.put(Kind::StatusList, "https://a.example/status/1", Arc::new(7u32), Duration::from_secs(60));
        cache.put(Kind::DidDocument, "https://a.example/status/1", Arc::new("doc"), Duration::from_secs(60));
        assert_eq!(cache.get::<u32>(Kind::StatusList, "https://a.example/status/1").as_deref(), Some(&7));
        assert!(cache.get::<String>(Kind::StatusList, "https://a.example/status/1").is_none(), "wrong type");
        assert!(cache.get::<u32>(Kind::TokenStatusList, "https://a.example/status/1").is_none(), "other kind");
        let shared = cache.clone();
        shared.invalidate("https://a.example/status/1");
        assert!(cache.is_empty(), "clones share entries");
        cache.put(Kind::StatusList, "x", Arc::new(1u8), Duration::ZERO);
        assert!(cache.get::<u8>(Kind::StatusList, "x").is_none(), "expired");
    }
}
