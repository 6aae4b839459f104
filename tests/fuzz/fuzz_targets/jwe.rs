//! Encrypted authorization responses (issue 16): a verifier's key decrypting whatever arrives as `response`, and
//! a wallet picking the verifier's encryption key out of any `jwks`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use skillspass::core::jwe::{self, EncryptionKey};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let key = EncryptionKey::from_scalar("response-fuzz", &[5; 32]).expect("a valid scalar");
    let _ = key.decrypt(&text, &jwe::ENC_VALUES);
    if let Ok(jwks) = serde_json::from_slice::<serde_json::Value>(data) {
        let _ = jwe::recipient(&jwks);
    }
});
