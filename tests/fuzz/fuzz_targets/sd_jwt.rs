//! SD-JWT VC with Key Binding: the first byte chooses between a raw `<jwt>~<disclosures>~<kb-jwt>` and one whose
//! issuer JWT payload (the input up to the first `~`) the target signs, so disclosure processing and the KB-JWT
//! checks are reached behind a valid issuer signature.
#![no_main]

#[path = "common/mod.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use skillspass::core::sd_jwt_vc::KeyBindingPolicy;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(rest);
    let token = if mode % 2 == 0 {
        text.into_owned()
    } else {
        let (payload, tail) = text.split_once('~').unwrap_or((&text, ""));
        format!("{}~{tail}", common::sign(&common::header("dc+sd-jwt"), payload.as_bytes()))
    };
    let _ = skillspass::core::sd_jwt::Decoded::parse(&token);
    let required = mode & 2 == 2;
    let policy = KeyBindingPolicy { required, aud: "https://employer.example", nonce: "n-1" };
    let verification = common::block_on(common::verifier().verify_bound(&token, common::now(), Some(policy)));
    let _ = skillspass::core::report::Report::into_credential(verification);
});
