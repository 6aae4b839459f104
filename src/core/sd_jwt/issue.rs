//! Concealing claims when issuing (RFC 9901 section 4.2): each chosen object property becomes a digest in its
//! object's `_sd` array, each chosen array element a `{"...": digest}`; deeper paths are concealed first, so a
//! disclosed object may itself hold digests (recursive disclosures, section 4.2.6). `_sd` arrays are sorted so
//! claim order leaks nothing, decoys are added (section 4.2.5), and `_sd_alg` is set.

use rand::{CryptoRng, RngCore};
use serde_json::{Map, Value, json};

use super::disclosure::{Disclosure, ELLIPSIS, SD, decoy};
use super::{SD_ALG, SHA_256, SdJwtError};

/// One step of a path into the claims.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// An object property.
    Key(String),
    /// An array element.
    Index(usize),
}

/// A path (`["skills", 2]` is `[Key("skills"), Index(2)]`).
pub type Path = Vec<Step>;

/// Conceals the claims at `paths` and adds `decoys` decoy digests to the top-level `_sd`; returns the payload to
/// sign and the disclosures.
///
/// # Errors
/// [`SdJwtError::NotConcealable`] for a path that does not exist, or [`SdJwtError::ForbiddenName`].
pub fn conceal(
    claims: Value,
    paths: &[Path],
    decoys: usize,
    rng: &mut (impl RngCore + CryptoRng),
) -> Result<(Value, Vec<Disclosure>), SdJwtError> {
    let mut payload = claims;
    if !payload.is_object() {
        return Err(SdJwtError::NotConcealable("a payload that is not an object".into()));
    }
    let mut ordered: Vec<&Path> = paths.iter().collect();
    ordered.sort_by_key(|p| std::cmp::Reverse(p.len()));
    let mut disclosures = Vec::with_capacity(paths.len());
    for path in ordered {
        disclosures.push(conceal_one(&mut payload, path, rng)?);
    }
    let top = payload.as_object_mut().ok_or_else(|| SdJwtError::NotConcealable("payload".into()))?;
    if decoys > 0 {
        let sd = top.entry(SD).or_insert_with(|| json!([]));
        if let Value::Array(digests) = sd {
            digests.extend((0..decoys).map(|_| Value::String(decoy(rng))));
        }
    }
    sort_digests(&mut payload);
    if let Value::Object(top) = &mut payload {
        top.insert(SD_ALG.into(), SHA_256.into());
    }
    Ok((payload, disclosures))
}

fn conceal_one(
    payload: &mut Value,
    path: &Path,
    rng: &mut (impl RngCore + CryptoRng),
) -> Result<Disclosure, SdJwtError> {
    let describe = || format!("{path:?}");
    let (last, parents) = path.split_last().ok_or_else(|| SdJwtError::NotConcealable("the empty path".into()))?;
    let mut parent = payload;
    for step in parents {
        parent = match step {
            Step::Key(key) => parent.get_mut(key.as_str()),
            Step::Index(index) => parent.get_mut(*index),
        }
        .ok_or_else(|| SdJwtError::NotConcealable(describe()))?;
    }
    match (last, parent) {
        (Step::Key(key), Value::Object(object)) => {
            let value = object.remove(key).ok_or_else(|| SdJwtError::NotConcealable(describe()))?;
            let disclosure = Disclosure::new(rng, Some(key), value)?;
            push_digest(object, disclosure.digest());
            Ok(disclosure)
        }
        (Step::Index(index), Value::Array(items)) => {
            let slot = items.get_mut(*index).ok_or_else(|| SdJwtError::NotConcealable(describe()))?;
            let disclosure = Disclosure::new(rng, None, slot.take())?;
            *slot = json!({ ELLIPSIS: disclosure.digest() });
            Ok(disclosure)
        }
        _ => Err(SdJwtError::NotConcealable(describe())),
    }
}

/// Adds a digest to an object's `_sd`, keeping it sorted (so a disclosure made of this object later is sorted too).
fn push_digest(object: &mut Map<String, Value>, digest: String) {
    if let Value::Array(digests) = object.entry(SD).or_insert_with(|| json!([])) {
        digests.push(Value::String(digest));
        digests.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
    }
}

fn sort_digests(value: &mut Value) {
    match value {
        Value::Object(object) => {
            if let Some(Value::Array(digests)) = object.get_mut(SD) {
                digests.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
            }
            object.values_mut().for_each(sort_digests);
        }
        Value::Array(items) => items.iter_mut().for_each(sort_digests),
        _ => {}
    }
}
