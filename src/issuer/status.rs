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

/// The in-memory cache of published lists. Each is kept with the list's generation (its change counter in the
/// registry, shared by every node), so a change made at any node is built into the next list served here.
#[derive(Debug, Default)]
pub struct Publisher {
    slots: Mutex<HashMap<String, (u64, Arc<PublishedList>)>>,
}

impl Publisher {
    /// The published list at `generation`, building it with `build` when the one kept is older. `generation` is
    /// read before `build` reads the bits, so a change during the build makes the next read rebuild.
    ///
    /// # Errors
    /// Whatever `build` returns.
    pub fn get_or_build<E>(
        &self,
        list: &str,
        generation: u64,
        build: impl FnOnce() -> Result<PublishedList, E>,
    ) -> Result<Arc<PublishedList>, E> {
        if let Some((built, published)) = self.slots.lock().unwrap_or_else(PoisonError::into_inner).get(list) {
            if *built == generation {
                return Ok(Arc::clone(published));
            }
        }
        let published = Arc::new(build()?);
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        let newer_kept = slots.get(list).is_some_and(|(built, _)| *built > generation);
        if !newer_kept {
            slots.insert(list.to_owned(), (generation, Arc::clone(&published)));
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
        let first = publisher.get_or_build("revocation-1", 0, &mut build).unwrap();
        let again = publisher.get_or_build("revocation-1", 0, &mut build).unwrap();
        assert_eq!(first.token, again.token);
        let rebuilt = publisher.get_or_build("revocation-1", 1, &mut build).unwrap();
        assert_ne!(first.etag, rebuilt.etag);
        assert_eq!(builds, 2);
    }
}
