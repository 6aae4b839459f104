//! VC claims: what a correctly signed `vc+jwt` may still get wrong (validity, `NumericDate`s, claim consistency).

use serde_json::json;

use super::{Case, Target, refused};

pub fn cases(t: &Target) -> Vec<Case> {
    let s = &t.signer;
    let subject = t.holder.did.as_str();
    let vc = |change: &dyn Fn(&mut serde_json::Value)| s.vc(subject, change);
    vec![
        refused("claims/iss-differs-from-issuer", vc(&|p| p["iss"] = json!("did:web:evil.example")), "claims"),
        refused(
            "claims/jti-differs-from-id",
            vc(&|p| p["jti"] = json!("urn:uuid:00000000-0000-0000-0000-000000000000")),
            "claims",
        ),
        refused(
            "claims/vc-claim-of-the-old-jwt-encoding",
            vc(&|p| p["vc"] = json!({"type": ["VerifiableCredential"]})),
            "claims",
        ),
        refused(
            "claims/sub-differs-from-subject-id",
            vc(&|p| p["sub"] = json!("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK")),
            "claims",
        ),
        refused("claims/no-verifiable-credential-type", vc(&|p| p["type"] = json!(["Badge"])), "claims"),
        refused("claims/exp-in-the-past", vc(&|p| p["exp"] = json!(1_700_000_000)), "validity"),
        refused("claims/exp-non-integer-in-the-past", vc(&|p| p["exp"] = json!(1_796_000_000.5)), "validity"),
        refused(
            "claims/exp-exponent-in-the-past",
            vc(&|p| p["exp"] = serde_json::from_str("1.7e9").unwrap()),
            "validity",
        ),
        refused("claims/exp-out-of-range", vc(&|p| p["exp"] = serde_json::from_str("1e300").unwrap()), "validity"),
        refused("claims/exp-negative", vc(&|p| p["exp"] = json!(-1)), "validity"),
        refused("claims/exp-a-string", vc(&|p| p["exp"] = json!("2030-01-01T00:00:00Z")), "validity"),
        refused("claims/exp-a-boolean", vc(&|p| p["exp"] = json!(true)), "validity"),
        refused("claims/exp-null", vc(&|p| p["exp"] = json!(null)), "validity"),
        refused("claims/nbf-in-the-future", vc(&|p| p["nbf"] = json!(4_000_000_000_i64)), "validity"),
        refused(
            "claims/nbf-exponent-in-the-future",
            vc(&|p| p["nbf"] = serde_json::from_str("1.9e9").unwrap()),
            "validity",
        ),
        refused("claims/nbf-an-object", vc(&|p| p["nbf"] = json!({"seconds": 1})), "validity"),
        refused("claims/iat-out-of-range", vc(&|p| p["iat"] = serde_json::from_str("-1e300").unwrap()), "validity"),
        refused("claims/valid-until-in-the-past", vc(&|p| p["validUntil"] = json!("2026-02-01T00:00:00Z")), "validity"),
        refused("claims/valid-from-in-the-future", vc(&|p| p["validFrom"] = json!("2030-01-01T00:00:00Z")), "validity"),
        refused("claims/valid-from-not-a-date", vc(&|p| p["validFrom"] = json!("yesterday")), "validity"),
        refused("claims/valid-from-a-number", vc(&|p| p["validFrom"] = json!(1_700_000_000)), "validity"),
        refused(
            "claims/valid-until-before-valid-from",
            vc(&|p| {
                p["validFrom"] = json!("2026-06-01T00:00:00Z");
                p["validUntil"] = json!("2026-05-01T00:00:00Z");
            }),
            "validity",
        ),
        refused(
            "claims/context-missing",
            vc(&|p| {
                p.as_object_mut().unwrap().remove("@context");
            }),
            "schema",
        ),
        refused(
            "claims/context-not-vc-2-first",
            vc(&|p| p["@context"] = json!(["https://evil.example/ctx", "https://www.w3.org/ns/credentials/v2"])),
            "schema",
        ),
        refused(
            "claims/credential-subject-missing",
            vc(&|p| {
                p.as_object_mut().unwrap().remove("credentialSubject");
            }),
            "schema",
        ),
        refused(
            "claims/issuer-missing",
            vc(&|p| {
                p.as_object_mut().unwrap().remove("issuer");
            }),
            "issuer-key",
        ),
    ]
}
