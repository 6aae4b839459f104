//! The type metadata check of an SD-JWT VC (STANDARDS-ROUND2 section 10, consumer rules): after the credential
//! verified, its `vct` document is taken from the compiled-in registry (skillspass's own types) or fetched from
//! the `vct` URL through the guarded fetcher, checked against `vct#integrity`, its `extends` chain followed (cycles
//! and depth refused), and the revealed claims checked against it. A document pinned by `vct#integrity` that
//! cannot be had fails the check. A foreign type without the pin is not fetched at all (the check is skipped):
//! fetching tells the type's owner that a credential of that type is being looked at, which only an issuer's pin
//! justifies. Documents are cached by type and integrity value: a pinned document never changes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::Value;

use crate::core::credential::claims::Credential;
use crate::core::format::Format;
use crate::core::type_metadata::{self, MAX_DOCUMENT_BYTES, MAX_EXTENDS, TypeMetadata, TypeMetadataError};
use crate::core::verify::{Problem, Record};
use crate::net::Fetcher;

/// The check's name in reports.
pub const CHECK: &str = "type-metadata";
/// The most documents kept: the cache is keyed by what credentials name, so it must not grow without bound.
pub const MAX_CACHED: usize = 1024;

/// Documents read, by `vct` and integrity value.
#[derive(Debug, Default)]
pub struct TypeCache(Mutex<HashMap<(String, String), Arc<TypeMetadata>>>);

/// How the check ended.
enum Outcome {
    Passed(Arc<TypeMetadata>),
    Unavailable(String),
    Refused(TypeMetadataError),
}

async fn octets(vct: &str, fetcher: Option<&Fetcher>) -> Result<Vec<u8>, String> {
    if let Some(document) = type_metadata::builtin(vct) {
        return Ok(document.to_vec());
    }
    let network = fetcher.ok_or("offline: the type metadata document was not fetched")?;
    let document = network.get(vct, "application/json", MAX_DOCUMENT_BYTES).await.map_err(|e| e.to_string())?;
    Ok(document.body)
}

/// The document of `vct` pinned by `integrity`, with its parents merged in.
async fn resolve(vct: &str, integrity: Option<&str>, fetcher: Option<&Fetcher>) -> Outcome {
    let mut chain: Vec<TypeMetadata> = Vec::new();
    let (mut next, mut pin) = (vct.to_owned(), integrity.map(str::to_owned));
    loop {
        if chain.len() > MAX_EXTENDS || chain.iter().any(|t| t.vct == next) {
            return Outcome::Refused(TypeMetadataError::Extends(vct.to_owned()));
        }
        let bytes = match octets(&next, fetcher).await {
            Ok(bytes) => bytes,
            Err(why) => return Outcome::Unavailable(format!("{next}: {why}")),
        };
        if let Some(pin) = &pin {
            if let Err(error) = type_metadata::check_integrity(pin, &bytes, &next) {
                return Outcome::Refused(error);
            }
        }
        let document = match TypeMetadata::parse(&bytes, &next) {
            Ok(document) => document,
            Err(error) => return Outcome::Refused(error),
        };
        let parent = document.extends.clone();
        pin.clone_from(&document.extends_integrity);
        chain.push(document);
        match parent {
            Some(parent) => next = parent,
            None => break,
        }
    }
    let Some(mut merged) = chain.pop() else { return Outcome::Unavailable(vct.to_owned()) };
    while let Some(child) = chain.pop() {
        merged = match child.over(merged) {
            Ok(merged) => merged,
            Err(error) => return Outcome::Refused(error),
        };
    }
    Outcome::Passed(Arc::new(merged))
}

impl TypeCache {
    /// Records the type metadata check of a verified SD-JWT VC on `record`; other formats get none.
    pub async fn check(&self, credential: &mut Credential, fetcher: Option<&Fetcher>, record: &mut Record) {
        if credential.format != Format::SdJwtVc {
            return;
        }
        let Some(vct) = credential.claims.get("vct").and_then(Value::as_str).map(str::to_owned) else { return };
        let integrity = credential.claims.get("vct#integrity").and_then(Value::as_str).map(str::to_owned);
        let (vct, integrity) = (vct.as_str(), integrity.as_deref());
        if integrity.is_none() && type_metadata::builtin(vct).is_none() {
            record.skip(CHECK, "no vct#integrity pins the type's metadata, so it was not fetched");
            return;
        }
        let key = (vct.to_owned(), integrity.unwrap_or_default().to_owned());
        let cached = self.0.lock().ok().and_then(|cache| cache.get(&key).cloned());
        let outcome = match cached {
            Some(metadata) => Outcome::Passed(metadata),
            None => resolve(vct, integrity, fetcher).await,
        };
        match outcome {
            Outcome::Passed(metadata) => match metadata.check_claims(&credential.claims) {
                Ok(()) => {
                    // A pinned or compiled-in document never changes under its key.
                    if integrity.is_some() || type_metadata::builtin(vct).is_some() {
                        if let Ok(mut cache) = self.0.lock() {
                            if cache.len() >= MAX_CACHED {
                                cache.clear();
                            }
                            cache.insert(key, Arc::clone(&metadata));
                        }
                    }
                    let name = metadata.display_for("en").map(|d| d.name.clone()).or_else(|| metadata.name.clone());
                    record.pass(CHECK, name.unwrap_or_else(|| vct.to_owned()));
                    credential.type_metadata = Some(metadata);
                }
                Err(error) => record.fail(CHECK, problem(&error)),
            },
            Outcome::Refused(error) => record.fail(CHECK, problem(&error)),
            Outcome::Unavailable(why) if integrity.is_some() => {
                let detail = format!("the type metadata vct#integrity pins could not be retrieved: {why}");
                record.fail(CHECK, Problem::new("type-metadata", "Type metadata refused", detail));
            }
            Outcome::Unavailable(why) => record.skip(CHECK, &format!("no type metadata: {why}")),
        }
    }
}

fn problem(error: &TypeMetadataError) -> Problem {
    Problem::new("type-metadata", "Type metadata refused", error.to_string())
}
