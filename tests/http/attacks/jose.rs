//! JOSE: the compact serialization, the protected header and the signature of a `vc+jwt`.

use serde_json::{Value, json};

use super::craft::{Signer, jws_with, nested, payload_of, tamper};
use super::{Auth, Case, Expect, Request, Target, b64, problem, refused};

pub fn cases(t: &Target) -> Vec<Case> {
    let s = &t.signer;
    let subject = t.holder.did.as_str();
    let good = s.vc(subject, |_| {});
    let parts: Vec<&str> = good.split('.').collect();
    let claims = s.claims(subject).to_string();
    let kid = s.kid();
    let header = |h: Value| s.jws(&h.to_string(), &claims);
    let stranger = Signer::new();
    let unsigned = format!("{}.{}.", b64(json!({"alg": "none", "typ": "vc+jwt", "kid": kid}).to_string()), parts[1]);
    let mut cases = vec![
        refused("jose/alg-none-unsigned", unsigned, "alg"),
        refused("jose/alg-none-signed", header(json!({"alg": "none", "typ": "vc+jwt", "kid": kid})), "alg"),
        refused("jose/alg-hs256", header(json!({"alg": "HS256", "typ": "vc+jwt", "kid": kid})), "alg"),
        refused("jose/alg-rs256", header(json!({"alg": "RS256", "typ": "vc+jwt", "kid": kid})), "alg"),
        // ES256 is an algorithm of the policy, but not for this issuer's Ed25519 key (issue 16).
        refused("jose/alg-es256-on-an-ed25519-key", header(json!({"alg": "ES256", "typ": "vc+jwt", "kid": kid})), "issuer-key"),
        refused("jose/alg-es384", header(json!({"alg": "ES384", "typ": "vc+jwt", "kid": kid})), "alg"),
        refused("jose/alg-lowercase", header(json!({"alg": "eddsa", "typ": "vc+jwt", "kid": kid})), "alg"),
        refused("jose/alg-missing", header(json!({"typ": "vc+jwt", "kid": kid})), "parse"),
        refused("jose/alg-not-a-string", header(json!({"alg": 1, "typ": "vc+jwt", "kid": kid})), "parse"),
        // `typ` JWT or absent is the Open Badges 3.0 JWT profile (`jwt_vc_json`): checked by its rules, which
        // require the `nbf` a vc+jwt payload does not carry.
        refused("jose/typ-jwt", header(json!({"alg": "EdDSA", "typ": "JWT", "kid": kid})), "claims"),
        refused("jose/typ-missing", header(json!({"alg": "EdDSA", "kid": kid})), "claims"),
        refused("jose/typ-vp-jwt", header(json!({"alg": "EdDSA", "typ": "vp+jwt", "kid": kid})), "typ"),
        refused("jose/typ-statuslist", header(json!({"alg": "EdDSA", "typ": "statuslist+jwt", "kid": kid})), "typ"),
        refused("jose/cty-unexpected", header(json!({"alg": "EdDSA", "typ": "vc+jwt", "cty": "json", "kid": kid})), "typ"),
        refused("jose/crit-unknown-extension", header(json!({"alg": "EdDSA", "typ": "vc+jwt", "kid": kid, "crit": ["urn:x"], "urn:x": 1})), "parse"),
        refused("jose/b64-false-unencoded-payload", header(json!({"alg": "EdDSA", "typ": "vc+jwt", "kid": kid, "b64": false, "crit": ["b64"]})), "parse"),
        refused("jose/jku-remote-key-set", header(json!({"alg": "EdDSA", "typ": "vc+jwt", "kid": kid, "jku": "https://evil.example/keys"})), "parse"),
        refused("jose/x5u-remote-certificate", header(json!({"alg": "EdDSA", "typ": "vc+jwt", "kid": kid, "x5u": "https://evil.example/cert"})), "parse"),
        refused(
            "jose/duplicate-alg-in-header",
            s.jws(&format!(r#"{{"alg":"none","alg":"EdDSA","typ":"vc+jwt","kid":"{kid}"}}"#), &claims),
            "parse",
        ),
        refused(
            "jose/duplicate-kid-in-header",
            s.jws(&format!(r#"{{"alg":"EdDSA","typ":"vc+jwt","kid":"did:key:z6Mkother#x","kid":"{kid}"}}"#), &claims),
            "parse",
        ),
        refused("jose/kid-missing", header(json!({"alg": "EdDSA", "typ": "vc+jwt"})), "issuer-key"),
        refused("jose/kid-of-another-did", header(json!({"alg": "EdDSA", "typ": "vc+jwt", "kid": stranger.kid()})), "issuer-key"),
        refused("jose/kid-unknown-fragment", header(json!({"alg": "EdDSA", "typ": "vc+jwt", "kid": format!("{}#nope", s.did.as_str())})), "issuer-key"),
        refused("jose/kid-not-a-string", header(json!({"alg": "EdDSA", "typ": "vc+jwt", "kid": 7})), "issuer-key"),
        refused(
            "jose/embedded-jwk-of-the-attacker",
            jws_with(
                &stranger.key,
                &json!({"alg": "EdDSA", "typ": "vc+jwt", "kid": kid, "jwk": stranger.key.verifying_key().to_jwk().to_value()}).to_string(),
                &claims,
            ),
            "signature",
        ),
        refused("jose/signed-by-another-key", jws_with(&stranger.key, &s.header("vc+jwt").to_string(), &claims), "signature"),
        refused("jose/signature-empty", format!("{}.{}.", parts[0], parts[1]), "parse"),
        refused("jose/signature-truncated", format!("{}.{}.{}", parts[0], parts[1], &parts[2][..80]), "signature"),
        refused("jose/signature-of-zeros", format!("{}.{}.{}", parts[0], parts[1], b64([0u8; 64])), "signature"),
        refused("jose/payload-changed-after-signing", tamper(&good, |p| p["credentialSubject"]["id"] = json!("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK")), "signature"),
        refused(
            "jose/header-changed-after-signing",
            format!("{}.{}.{}", b64(json!({"alg": "EdDSA", "typ": "vc+jwt", "kid": kid, "x": 1}).to_string()), parts[1], parts[2]),
            "signature",
        ),
        refused("jose/two-segments", format!("{}.{}", parts[0], parts[1]), "parse"),
        refused("jose/four-segments", format!("{good}.{}", parts[2]), "parse"),
        refused("jose/padded-segment", format!("{}=.{}.{}", parts[0], parts[1], parts[2]), "parse"),
        refused("jose/standard-alphabet", format!("{}+/.{}.{}", parts[0], parts[1], parts[2]), "parse"),
        refused("jose/whitespace-inside", format!("{}. {}.{}", parts[0], parts[1], parts[2]), "parse"),
        refused("jose/non-ascii", format!("{}é.{}.{}", parts[0], parts[1], parts[2]), "parse"),
        refused("jose/empty-token", String::new(), "parse"),
        refused("jose/header-not-json", format!("{}.{}.{}", b64("not json"), parts[1], parts[2]), "parse"),
        refused("jose/header-an-array", s.jws(r#"["EdDSA"]"#, &claims), "parse"),
        refused("jose/payload-an-array", s.vc_text("[1,2,3]"), "parse"),
        refused("jose/payload-a-string", s.vc_text(r#""a credential""#), "parse"),
        refused("jose/payload-not-utf8", format!("{}.{}.{}", parts[0], b64([0xff, 0xfe, 0x7b]), parts[2]), "parse"),
        refused("jose/payload-nested-too-deep", s.vc_text(&format!(r#"{{"x":{}}}"#, nested(40))), "parse"),
        refused("jose/json-serialization", json!({"payload": parts[1], "protected": parts[0], "signature": parts[2]}).to_string(), "parse"),
        refused("jose/over-256-kib", s.vc(subject, |p| p["credentialSubject"]["padding"] = json!("x".repeat(300_000))), "parse"),
        refused(
            "jose/duplicate-credential-subject",
            s.vc_text(&duplicate_member(&s.claims(subject), "credentialSubject", &json!({"id": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"}))),
            "parse",
        ),
        refused("jose/duplicate-iss", s.vc_text(&duplicate_member(&s.claims(subject), "iss", &json!("did:web:evil.example"))), "parse"),
        refused("jose/duplicate-iat", s.vc_text(&duplicate_member(&s.claims(subject), "iat", &json!(4_000_000_000_i64))), "parse"),
        refused("jose/duplicate-nested-member", s.vc_text(&claims.replacen(r#""id":"did:"#, r#""id":"did:key:z6Mkx","id":"did:"#, 1)), "parse"),
    ];
    let huge = json!({"verifiableCredential": "x".repeat(600_000)});
    cases.push(problem(
        "jose/body-over-the-limit",
        Request::json("POST", "/credentials/verify", Auth::None, &huge),
        413,
        "body-too-large",
    ));
    cases.push(super::case(
        "jose/verifiable-credential-a-number",
        super::Probe::Request(Request::json(
            "POST",
            "/credentials/verify",
            Auth::None,
            &json!({"verifiableCredential": 5}),
        )),
        Expect::Problem(400, "invalid-request"),
    ));
    assert!(payload_of(&good)["iss"].is_string());
    cases
}

/// The object's JSON text with `name` written a second time, holding `value`.
fn duplicate_member(object: &Value, name: &str, value: &Value) -> String {
    let mut text = object.to_string();
    text.pop();
    format!("{text},\"{name}\":{value}}}")
}
