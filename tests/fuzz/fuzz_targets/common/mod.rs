//! What the fuzz targets share: a fixed issuer key (so a target can sign what the fuzzer wrote and reach the checks
//! behind the signature), an offline verifier, and one single-threaded runtime for the async entry points.
#![allow(dead_code, reason = "each target uses a part")]

use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use skillspass::core::did::Did;
use skillspass::core::encoding::b64url;
use skillspass::core::keys::SigningKey;
use skillspass::verifier::{Policy, Verifier};

/// The issuer every signed input claims: a `did:key` the offline verifier resolves.
pub fn issuer() -> &'static (SigningKey, Did) {
    static ISSUER: OnceLock<(SigningKey, Did)> = OnceLock::new();
    ISSUER.get_or_init(|| {
        let key = SigningKey::from_seed(&[42; 32]);
        let did = Did::key(&key.verifying_key());
        (key, did)
    })
}

/// An offline verifier with the default policy.
pub fn verifier() -> &'static Verifier {
    static VERIFIER: OnceLock<Verifier> = OnceLock::new();
    VERIFIER.get_or_init(|| Verifier::new(Policy::default()).expect("schemas load"))
}

/// Runs a future to completion on a runtime made once.
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| tokio::runtime::Builder::new_current_thread().build().expect("runtime")).block_on(future)
}

/// A fixed instant (fuzzing must be repeatable).
pub fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_796_000_000, 0).expect("a valid instant")
}

/// A compact JWS over exactly these header and payload bytes, signed by [`issuer`].
pub fn sign(header: &[u8], payload: &[u8]) -> String {
    let input = format!("{}.{}", b64url(header), b64url(payload));
    let signature = issuer().0.sign(input.as_bytes());
    format!("{input}.{}", b64url(signature))
}

/// The header an issuer writes for `typ`.
pub fn header(typ: &str) -> Vec<u8> {
    format!(r#"{{"alg":"EdDSA","typ":"{typ}","kid":"{}"}}"#, issuer().1.default_kid()).into_bytes()
}
