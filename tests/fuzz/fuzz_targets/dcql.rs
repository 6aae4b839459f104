//! DCQL queries (`OpenID4VP` section 6): parsing, and matching against a fixed wallet's credentials.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::json;
use skillspass::core::dcql::{Candidate, DcqlQuery};
use skillspass::core::format::Format;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    let Ok(query) = DcqlQuery::parse(&value) else { return };
    let claims = json!({"vct": "https://w3id.org/skillspass/vct/skill/v1", "iss": "did:web:academy.example",
        "skills": [{"id": "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d", "level": 5}],
        "name": "Data analysis", "credits": 2.5});
    let candidates = [
        Candidate { format: Format::SdJwtVc, types: vec!["https://w3id.org/skillspass/vct/skill/v1"], claims: &claims },
        Candidate {
            format: Format::VcJwt,
            types: vec!["VerifiableCredential", "OpenBadgeCredential"],
            claims: &claims,
        },
    ];
    let _ = query.select(&candidates);
    let _ = query.credentials.first().map(|c| c.matches(&candidates[0]));
});
