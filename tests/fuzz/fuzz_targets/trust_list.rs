//! The verifier's trust list file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use skillspass::verifier::trust::TrustList;

fuzz_target!(|data: &[u8]| {
    if let Ok(list) = TrustList::parse(&String::from_utf8_lossy(data)) {
        let _ = list.find("did:web:academy.example");
    }
});
