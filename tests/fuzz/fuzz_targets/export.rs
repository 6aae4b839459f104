//! The wallet export file: magic, version, header length, the JSON header with its Argon2id parameters (bounded
//! before any work), and the sealed body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use skillspass::wallet::Passphrase;

fuzz_target!(|data: &[u8]| {
    if skillspass::wallet::export::inspect(data).is_ok() {
        let passphrase = Passphrase::new(skillspass::core::secret::SecretString::from("a fuzzed export passphrase")).expect("long enough");
        let _ = skillspass::wallet::export::check(data, &passphrase);
    }
});
