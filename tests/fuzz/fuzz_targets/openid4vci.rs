//! `OpenID4VCI` messages a wallet or an issuer reads from strangers: credential offers (by value and as a URI),
//! issuer metadata, and key proofs.
#![no_main]

#[path = "common/mod.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use skillspass::core::openid4vci::{CredentialOffer, check_key_proof, check_metadata, parse_offer_uri};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = parse_offer_uri(&text);
    let _ = check_key_proof(&text, "https://academy.example", common::now());
    let signed = common::sign(b"{\"alg\":\"EdDSA\",\"typ\":\"openid4vci-proof+jwt\",\"kid\":\"did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK\"}", data);
    let _ = check_key_proof(&signed, "https://academy.example", common::now());
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) {
        let _ = CredentialOffer::parse(&value);
        let _ = check_metadata(&value, "https://academy.example");
    }
});
