//! The operating system's clock and random generator: the two inputs `core` is handed instead of reading them
//! (STYLE rule 17). Everything above `core` that needs the time or fresh randomness takes it from here, so tests can
//! see at a glance which code reads the machine.

use chrono::{DateTime, Utc};
use rand::RngCore as _;
use zeroize::Zeroizing;

use crate::core::clock::Clock;
use crate::core::encoding::b64url;

/// The operating system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// The operating system's cryptographic random generator.
pub use rand::rngs::OsRng;

/// `bytes` random bytes from the operating system, base64url: nonces, codes, tokens (32 bytes = 256 bits).
#[must_use]
pub fn random_b64url(bytes: usize) -> String {
    let mut buffer = Zeroizing::new(vec![0u8; bytes]);
    OsRng.fill_bytes(buffer.as_mut_slice());
    b64url(buffer.as_slice())
}

/// A fresh signing key of `algorithm` from the operating system's generator.
#[must_use]
pub fn new_signing_key(algorithm: crate::core::keys::KeyAlgorithm) -> crate::core::keys::SigningKey {
    crate::core::keys::SigningKey::generate_for(algorithm, &mut OsRng)
}
