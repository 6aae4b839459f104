//! Many issuer signatures checked as one (issue 15, bulk verification). Checking a credential normally verifies
//! its issuer's Ed25519 signature on the spot; in a batch, the signature is set aside instead ([`SetAside`]),
//! the rest of the offline checks run, and then every set-aside signature of the batch is checked by one
//! ed25519-dalek batch equation ([`check_all`]), which costs about half of checking each alone. When the batch
//! equation fails, each is checked alone (`verify_strict`) to find which: the caller verifies those credentials
//! again the ordinary way, so their reports are exactly what a single verification says.
//!
//! The batch equation is the cofactored one; `verify_strict` is cofactorless and also refuses small-order keys.
//! Small-order keys are refused here too. A signature whose parts carry a small torsion component could pass the
//! batch and fail alone; only the holder of the issuer's key can make one, so it is still that issuer's signature
//! over that credential (no forgery), but a batch may then report "verified" where a single check says
//! "signature invalid". `docs/security.md` records this.

use std::sync::{Mutex, PoisonError};

use super::jose::CompactJws;
use super::keys::VerifyingKey;

/// A signature taken out of a credential's checks, to be checked with others.
#[derive(Debug)]
struct Pending {
    message: Vec<u8>,
    signature: ed25519_dalek::Signature,
    key: ed25519_dalek::VerifyingKey,
}

/// The one issuer signature of one credential in a batch, once its checks set it aside.
#[derive(Debug, Default)]
pub struct SetAside {
    slot: Mutex<Option<Pending>>,
}

impl SetAside {
    /// An empty slot.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets aside the signature of `jws` under `key`; false when it cannot be (not an Ed25519 key, an algorithm
    /// that does not fit it, a signature that is not 64 bytes, a key of small order, or the slot already holds one):
    /// then the caller checks it on the spot.
    #[must_use]
    pub fn set_aside(&self, jws: &CompactJws<'_>, key: &VerifyingKey) -> bool {
        let Some(dalek) = key.dalek() else { return false };
        if jws.fits(key).is_err() || dalek.is_weak() {
            return false;
        }
        let Ok(signature) = ed25519_dalek::Signature::from_slice(jws.signature()) else { return false };
        let mut slot = self.slot.lock().unwrap_or_else(PoisonError::into_inner);
        if slot.is_some() {
            return false;
        }
        *slot = Some(Pending { message: jws.signing_input().to_vec(), signature, key: *dalek });
        true
    }

    fn take(&self) -> Option<Pending> {
        self.slot.lock().unwrap_or_else(PoisonError::into_inner).take()
    }
}

/// Checks the signatures set aside in `batch`, in order: true where the signature holds or nothing was set aside.
#[must_use]
pub fn check_all(batch: &[SetAside]) -> Vec<bool> {
    let pending: Vec<Option<Pending>> = batch.iter().map(SetAside::take).collect();
    let present: Vec<&Pending> = pending.iter().flatten().collect();
    let messages: Vec<&[u8]> = present.iter().map(|p| p.message.as_slice()).collect();
    let signatures: Vec<ed25519_dalek::Signature> = present.iter().map(|p| p.signature).collect();
    let keys: Vec<ed25519_dalek::VerifyingKey> = present.iter().map(|p| p.key).collect();
    if ed25519_dalek::verify_batch(&messages, &signatures, &keys).is_ok() {
        return vec![true; batch.len()];
    }
    pending.iter().map(|p| p.as_ref().is_none_or(|p| p.key.verify_strict(&p.message, &p.signature).is_ok())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::keys::SigningKey;

    fn signed(key: &SigningKey, payload: &str) -> String {
        let header = crate::core::encoding::b64url(br#"{"alg":"EdDSA"}"#);
        let body = crate::core::encoding::b64url(payload.as_bytes());
        let input = format!("{header}.{body}");
        format!("{input}.{}", crate::core::encoding::b64url(key.sign(input.as_bytes())))
    }

    #[test]
    fn a_batch_finds_exactly_the_bad_signature() {
        let key = SigningKey::generate(&mut rand::rngs::OsRng);
        let mut tokens: Vec<String> = (0..64).map(|i| signed(&key, &format!("{{\"n\":{i}}}"))).collect();
        // Another payload under the 17th signature.
        let (head, signature) = tokens[17].rsplit_once('.').map(|(h, s)| (h.to_owned(), s.to_owned())).unwrap();
        let header = head.split('.').next().unwrap().to_owned();
        tokens[17] = format!("{header}.{}.{signature}", crate::core::encoding::b64url(b"{\"n\":999}"));
        let batch: Vec<SetAside> = (0..65).map(|_| SetAside::new()).collect();
        for (token, slot) in tokens.iter().zip(&batch) {
            let jws = CompactJws::parse(token).unwrap();
            assert!(slot.set_aside(&jws, &key.verifying_key()));
            assert!(!slot.set_aside(&jws, &key.verifying_key()), "one signature per slot");
        }
        let results = check_all(&batch);
        let failed: Vec<usize> = results.iter().enumerate().filter(|(_, ok)| !**ok).map(|(i, _)| i).collect();
        assert_eq!(failed, [17], "the 65th slot held nothing and passes");
        let good: Vec<SetAside> = (0..3).map(|_| SetAside::new()).collect();
        for (token, slot) in tokens.iter().zip(&good) {
            assert!(slot.set_aside(&CompactJws::parse(token).unwrap(), &key.verifying_key()));
        }
        assert_eq!(check_all(&good), [true, true, true]);
    }
}
