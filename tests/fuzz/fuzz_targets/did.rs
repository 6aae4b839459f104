//! DIDs and DID documents: parsing (did:key, did:jwk, did:web with its host rules), resolving the self-describing
//! methods, the did:web document URL, and a document's JSON with its key lookup.
#![no_main]

use libfuzzer_sys::fuzz_target;
use skillspass::core::did::{Did, DidDocument, Relationship};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(did) = Did::parse(&text) {
        let _ = did.web_document_url();
        if let Ok(document) = did.resolve() {
            let _ = document.key_for(did.as_str(), &did.default_kid(), Relationship::AssertionMethod);
        }
    }
    let expected = Did::parse("did:web:academy.example").expect("a valid DID");
    if let Ok(document) = DidDocument::from_json(data, &expected) {
        let _ =
            document.key_for("did:web:academy.example", "did:web:academy.example#key-1", Relationship::AssertionMethod);
        let _ = document.key_for("did:web:academy.example", "#key-1", Relationship::Authentication);
    }
});
