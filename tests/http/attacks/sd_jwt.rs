//! SD-JWT VC (RFC 9901 processing, the issuer JWT) and Key Binding presentations.

use chrono::Utc;
use serde_json::{Value, json};

use super::craft::{Signer, disclosure, jws_with, kb_jwt, tamper};
use super::{Case, Expect, Probe, Target, case, refused};

const AUD: &str = "https://employer.example";

pub async fn cases(t: &Target) -> Vec<Case> {
    let s = &t.signer;
    let h = &t.holder;
    let good = s.sd_jwt(h, |_| {});
    let sd = |change: &dyn Fn(&mut Value)| s.sd_jwt(h, change).serialize();
    let grade = good.disclosures[0].clone();
    let stranger = Signer::new();
    let mut cases = vec![
        refused(
            "sd-jwt/typ-vc-jwt",
            {
                let mut header = s.header("vc+jwt");
                header["typ"] = json!("vc+jwt");
                format!("{}~{grade}~", s.jws(&header.to_string(), &super::craft::payload_of(&good.jwt).to_string()))
            },
            "typ",
        ),
        refused(
            "sd-jwt/typ-old-vc-sd-jwt",
            {
                let header = json!({"alg": "EdDSA", "typ": "example+sd-jwt", "kid": s.kid()});
                format!("{}~{grade}~", s.jws(&header.to_string(), &super::craft::payload_of(&good.jwt).to_string()))
            },
            "typ",
        ),
        refused(
            "sd-jwt/alg-none",
            {
                let header = json!({"alg": "none", "typ": "dc+sd-jwt", "kid": s.kid()});
                format!("{}~{grade}~", s.jws(&header.to_string(), &super::craft::payload_of(&good.jwt).to_string()))
            },
            "alg",
        ),
        refused(
            "sd-jwt/signed-by-another-key",
            {
                let payload = super::craft::payload_of(&good.jwt).to_string();
                format!("{}~{grade}~", jws_with(&stranger.key, &s.header("dc+sd-jwt").to_string(), &payload))
            },
            "signature",
        ),
        refused(
            "sd-jwt/payload-changed-after-signing",
            format!("{}~{grade}~", tamper(&good.jwt, |p| p["course"] = json!("Surgery"))),
            "signature",
        ),
        refused("sd-jwt/iss-another-did", sd(&|p| p["iss"] = json!(stranger.did.as_str())), "issuer-key"),
        refused(
            "sd-jwt/unreferenced-disclosure",
            good.with(&[&grade, &disclosure(&json!(["c2FsdA", "grade", "A+"]))]),
            "disclosures",
        ),
        refused("sd-jwt/disclosure-twice", good.with(&[&grade, &grade]), "disclosures"),
        refused("sd-jwt/disclosure-not-base64url", good.with(&["%%%"]), "parse"),
        refused("sd-jwt/disclosure-not-json", good.with(&[&super::b64("not json")]), "parse"),
        refused("sd-jwt/disclosure-an-object", good.with(&[&disclosure(&json!({"salt": "x", "grade": "A"}))]), "parse"),
        refused(
            "sd-jwt/disclosure-four-elements",
            good.with(&[&disclosure(&json!(["c2FsdA", "grade", "A", "B"]))]),
            "parse",
        ),
        refused("sd-jwt/disclosure-name-sd", digest_bound(s, h, &json!(["c2FsdA", "_sd", ["x"]])), "parse"),
        refused("sd-jwt/disclosure-name-ellipsis", digest_bound(s, h, &json!(["c2FsdA", "...", "x"])), "parse"),
        refused(
            "sd-jwt/disclosure-collides-with-a-claim",
            digest_bound(s, h, &json!(["c2FsdA", "course", "Surgery"])),
            "disclosures",
        ),
        refused(
            "sd-jwt/digest-twice-in-sd",
            sd(&|p| {
                let digest = p["_sd"][0].clone();
                p["_sd"].as_array_mut().unwrap().push(digest);
            }),
            "disclosures",
        ),
        refused("sd-jwt/sd-not-an-array", sd(&|p| p["_sd"] = json!("digest")), "disclosures"),
        refused("sd-jwt/sd-alg-sha-1", sd(&|p| p["_sd_alg"] = json!("sha-1")), "disclosures"),
        refused(
            "sd-jwt/duplicate-iss-in-payload",
            {
                let mut text = super::craft::payload_of(&good.jwt).to_string();
                text.pop();
                format!(
                    "{}~{grade}~",
                    s.jws(&s.header("dc+sd-jwt").to_string(), &format!("{text},\"iss\":\"did:web:evil.example\"}}"))
                )
            },
            "parse",
        ),
        refused("sd-jwt/exp-non-integer-in-the-past", sd(&|p| p["exp"] = json!(1_796_000_000.5)), "validity"),
        refused("sd-jwt/exp-out-of-range", sd(&|p| p["exp"] = serde_json::from_str("1e300").unwrap()), "validity"),
        refused(
            "sd-jwt/nbf-exponent-in-the-future",
            sd(&|p| p["nbf"] = serde_json::from_str("1.9e9").unwrap()),
            "validity",
        ),
        refused("sd-jwt/iat-a-string", sd(&|p| p["iat"] = json!("now")), "validity"),
        refused(
            "sd-jwt/vct-missing",
            sd(&|p| {
                p.as_object_mut().unwrap().remove("vct");
            }),
            "validity",
        ),
        refused("sd-jwt/issuer-jwt-not-a-jws", format!("garbage~{grade}~"), "parse"),
    ];
    let presented = good.with(&[&grade]);
    let kb =
        |nonce: &str, change: &dyn Fn(&mut Value)| format!("{presented}{}", kb_jwt(h, &presented, AUD, nonce, change));
    let present = |name: &'static str, vp: String, nonce: &str| {
        case(
            name,
            Probe::Presentation { vp, nonce: nonce.to_owned(), aud: AUD.to_owned() },
            Expect::Refused("key-binding"),
        )
    };
    cases.extend([
        present("kb/missing", presented.clone(), "n-missing"),
        present("kb/for-another-nonce", kb("n-other", &|_| {}), "n-expected"),
        present("kb/for-another-audience", kb("n-aud", &|c| c["aud"] = json!("https://evil.example")), "n-aud"),
        present("kb/stale", kb("n-stale", &|c| c["iat"] = json!(Utc::now().timestamp() - 3600)), "n-stale"),
        present("kb/from-the-future", kb("n-future", &|c| c["iat"] = json!(Utc::now().timestamp() + 3600)), "n-future"),
        present("kb/iat-non-integer-and-stale", kb("n-fraction", &|c| c["iat"] = json!(1_796_000_000.5)), "n-fraction"),
        present("kb/iat-missing", kb("n-no-iat", &|c| { c.as_object_mut().unwrap().remove("iat"); }), "n-no-iat"),
        present("kb/sd-hash-of-another-presentation", kb("n-hash", &|c| c["sd_hash"] = json!("AAAA")), "n-hash"),
        present("kb/signed-by-another-key", format!("{presented}{}", kb_jwt(&stranger, &presented, AUD, "n-key", |_: &mut Value| {})), "n-key"),
        present("kb/typ-jwt", {
            let claims = json!({"iat": Utc::now().timestamp(), "aud": AUD, "nonce": "n-typ", "sd_hash": skillspass::core::sd_jwt::disclosure::digest(&presented)});
            format!("{presented}{}", h.jws(r#"{"alg":"EdDSA","typ":"JWT"}"#, &claims.to_string()))
        }, "n-typ"),
        present("kb/alg-none", {
            let claims = json!({"iat": Utc::now().timestamp(), "aud": AUD, "nonce": "n-none", "sd_hash": skillspass::core::sd_jwt::disclosure::digest(&presented)});
            format!("{presented}{}.{}.", super::b64(r#"{"alg":"none","typ":"kb+jwt"}"#), super::b64(claims.to_string()))
        }, "n-none"),
        present("kb/credential-without-cnf", {
            let unbound = s.sd_jwt(h, |p| { p.as_object_mut().unwrap().remove("cnf"); });
            let shown = unbound.with(&[&unbound.disclosures[0]]);
            format!("{shown}{}", kb_jwt(h, &shown, AUD, "n-cnf", |_: &mut Value| {}))
        }, "n-cnf"),
    ]);
    let fresh = kb("n-replayed", &|_| {});
    let (_, first) =
        t.probe(&Probe::Presentation { vp: fresh.clone(), nonce: "n-replayed".into(), aud: AUD.into() }).await;
    assert_eq!(first["verified"], true, "the presentation to replay verifies once: {first:#}");
    cases.push(case(
        "kb/replayed",
        Probe::Presentation { vp: fresh, nonce: "n-replayed".into(), aud: AUD.into() },
        Expect::Refused("replay"),
    ));
    cases
}

/// An SD-JWT whose payload references `array` as a disclosure (so the refusal is about the disclosure itself).
fn digest_bound(s: &Signer, h: &Signer, array: &Value) -> String {
    let encoded = disclosure(array);
    let digest = skillspass::core::sd_jwt::disclosure::digest(&encoded);
    let sd = s.sd_jwt(h, |p| p["_sd"].as_array_mut().unwrap().push(json!(digest)));
    sd.with(&[&sd.disclosures[0], &encoded])
}
