//! Issuer keys, resolved once per `kid` and remembered. DID resolution of `did:key` costs a base58
//! decode and a curve-point decompression; a verifier that sees the same issuer over and over should not pay that
//! on every credential. Bounded: when full, the cache starts over (simple, and the working set of issuers a
//! verifier sees is small). It also holds the verifier's X.509 trust anchors, against which `x5c` chains are
//! checked (never cached: a chain is checked at the verification instant every time).

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::core::keys::VerifyingKey;
use crate::core::vc_jose::{IssuerKeyResolver, LocalResolver, NO_X509_ANCHORS};
use crate::core::x509::{self, TrustAnchors};

/// How many keys are kept.
const CAPACITY: usize = 4096;

/// A resolver with a bounded memory of what it resolved.
#[derive(Debug, Default)]
pub struct KeyCache {
    resolver: LocalResolver,
    keys: RwLock<HashMap<String, VerifyingKey>>,
    anchors: Option<Arc<TrustAnchors>>,
}

impl KeyCache {
    /// Wraps a resolver.
    #[must_use]
    pub fn new(resolver: LocalResolver) -> Self {
        Self { resolver, keys: RwLock::default(), anchors: None }
    }

    /// Accepts issuer keys certified by a chain to one of `anchors`.
    #[must_use]
    pub fn with_x509_anchors(mut self, anchors: Option<Arc<TrustAnchors>>) -> Self {
        self.anchors = anchors;
        self
    }

    /// The resolver.
    #[must_use]
    pub fn resolver(&self) -> &LocalResolver {
        &self.resolver
    }

    /// The resolver, to add documents (clears what was cached, since a document may replace another).
    pub fn resolver_mut(&mut self) -> &mut LocalResolver {
        self.keys.get_mut().map(HashMap::clear).unwrap_or_default();
        &mut self.resolver
    }
}

impl IssuerKeyResolver for KeyCache {
    fn issuer_key(&self, issuer: &str, kid: &str) -> Result<VerifyingKey, String> {
        // Keyed by kid alone: a kid is only ever resolved for the issuer its DID names (checked here on every hit,
        // and by the resolver on every miss), so equal kids mean equal issuers.
        let kid_is_the_issuers = kid.split_once('#').is_some_and(|(did, _)| did == issuer);
        let cached = self.keys.read().ok().and_then(|keys| keys.get(kid).copied());
        if let (true, Some(key)) = (kid_is_the_issuers, cached) {
            return Ok(key);
        }
        let key = self.resolver.issuer_key(issuer, kid)?;
        if let Ok(mut keys) = self.keys.write() {
            if keys.len() >= CAPACITY {
                keys.clear();
            }
            keys.insert(kid.to_owned(), key);
        }
        Ok(key)
    }

    fn issuer_key_x5c(&self, issuer: &str, x5c: &Value, now: DateTime<Utc>) -> Result<(VerifyingKey, String), String> {
        let Some(anchors) = &self.anchors else {
            return Err(NO_X509_ANCHORS.into());
        };
        let chain = x509::decode_x5c(x5c).map_err(|e| e.to_string())?;
        let certified = x509::verify_chain(&chain, anchors, now).map_err(|e| e.to_string())?;
        certified.check_name(issuer).map_err(|e| e.to_string())?;
        Ok((certified.key, format!("x5c: {}, certified by {}", certified.subject, certified.anchor)))
    }
}
