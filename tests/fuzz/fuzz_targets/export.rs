//! The wallet export file: magic, version, header length, the JSON header with its Argon2id parameters (bounded
//! before any work), and the sealed body. Every input is inspected (the part an attacker controls before anything
//! is authenticated); one in 64 also goes through the key derivation and the decryption, which take tens of
//! milliseconds each and would otherwise hold the fuzzer at a few executions per second.
#![no_main]

use libfuzzer_sys::fuzz_target;
use skillspass::wallet::Passphrase;

fuzz_target!(|data: &[u8]| {
    if skillspass::wallet::export::inspect(data).is_ok() && data.len() % 64 == 0 {
        let passphrase = Passphrase::new(skillspass::core::secret::SecretString::from("a fuzzed export passphrase"))
            .expect("long enough");
        let _ = skillspass::wallet::export::check(data, &passphrase);
    }
});
