//! The issuer's authorization server (issue 16): whatever arrives as a `DPoP` proof, a server nonce in it, or a
//! wallet attestation and its proof of possession, checked without trusted providers.
#![no_main]

use libfuzzer_sys::fuzz_target;
use skillspass::core::client_attestation::{self, Expected};
use skillspass::core::dpop::{self, DpopNonces, Target};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let now = chrono::DateTime::from_timestamp(1_562_262_616, 0).expect("a valid time");
    let target = Target { method: "POST", url: "https://server.example.com/token", access_token: Some("token") };
    if let Ok(proof) = dpop::check(&text, target, now) {
        let _ = DpopNonces::new(b"fuzz key", "token").check(&proof, now);
    }
    let (attestation, pop) = text.split_once('~').unwrap_or((&text, ""));
    let expected = Expected { client_id: Some("wallet"), audience: "https://server.example.com", providers: None };
    let _ = client_attestation::check(attestation, pop, expected, now);
});
