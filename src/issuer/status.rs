//! Status list publication: each list is served as a signed `BitstringStatusListCredential` (`vc+jwt`, the same
//! securing mechanism as the credentials it covers, Bitstring Status List section 2.2) at a stable URL.
//!
//! The signed list is built lazily: a status change only bumps the list's generation, and the next read rebuilds
//! and re-signs it once; every other read is served from memory with its `ETag`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Utc};
use sha2::{Digest as _, Sha256};

use crate::core::encoding::b64url;

/// A signed list ready to serve.
#[derive(Debug)]
pub struct PublishedList {
    /// The compact `vc+jwt`.
    pub token: String,
    /// Strong `ETag` (quoted), derived from the token.
    pub etag: String,
    /// When it was built.
    pub built_at: DateTime<Utc>,
}

impl PublishedList {
    /// Wraps a freshly signed token.
    #[must_use]
    pub fn new(token: String, built_at: DateTime<Utc>) -> Self {
        let etag = format!("\"{}\"", &b64url(Sha256::digest(token.as_bytes()))[..22]);
        Self { token, etag, built_at }
    }
}

#[derive(Debug, Default)]
struct Slot {
    generation: u64,
    published: Option<(u64, Arc<PublishedList>)>,
}

/// The in-memory cache of published lists, invalidated per list.
#[derive(Debug, Default)]
pub struct Publisher {
    slots: Mutex<HashMap<String, Slot>>,
}

impl Publisher {
    /// Marks a list as changed: the next read rebuilds it.
    pub fn invalidate(&self, list: &str) {
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        slots.entry(list.to_owned()).or_default().generation += 1;
    }

    /// The published list, building it with `build` when it changed since the last build.
    ///
    /// # Errors
    /// Whatever `build` returns.
    pub fn get_or_build<E>(
        &self,
        list: &str,
        build: impl FnOnce() -> Result<PublishedList, E>,
    ) -> Result<Arc<PublishedList>, E> {
        let generation = {
            let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
            let slot = slots.entry(list.to_owned()).or_default();
            if let Some((built, published)) = &slot.published {
                if *built == slot.generation {
                    return Ok(Arc::clone(published));
                }
            }
            slot.generation
        };
        let published = Arc::new(build()?);
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        let slot = slots.entry(list.to_owned()).or_default();
        // Only cache what is still current: a change during the build leaves the slot stale for the next read.
        if slot.generation == generation {
            slot.published = Some((generation, Arc::clone(&published)));
        }
        Ok(published)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rebuilds_only_after_invalidation() {
        let publisher = Publisher::default();
        let mut builds = 0;
        let mut build = || -> Result<PublishedList, ()> {
            builds += 1;
            Ok(PublishedList::new(format!("token-{builds}"), Utc::now()))
        };
        let first = publisher.get_or_build("revocation-1", &mut build).unwrap();
        let again = publisher.get_or_build("revocation-1", &mut build).unwrap();
        assert_eq!(first.token, again.token);
        publisher.invalidate("revocation-1");
        let rebuilt = publisher.get_or_build("revocation-1", &mut build).unwrap();
        assert_ne!(first.etag, rebuilt.etag);
        assert_eq!(builds, 2);
    }
}
