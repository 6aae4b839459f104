//! Compact JWS and the `vc+jwt` pipeline: the first byte chooses between a raw token (parsing, header hygiene,
//! signature) and a payload the target signs with the fixed issuer key (so claims, NumericDates, validity and the
//! schemas are reached behind a valid signature).
#![no_main]

#[path = "common/mod.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    let token = if mode % 2 == 0 {
        String::from_utf8_lossy(rest).into_owned()
    } else {
        common::sign(&common::header("vc+jwt"), rest)
    };
    let verification = common::verifier().verify_offline(&token, common::now());
    let _ = skillspass::core::report::Report::into_credential(verification);
    let _ = skillspass::core::jose::CompactJws::parse(&token).map(|jws| jws.claims().is_ok());
});
