//! OpenID4VCI (token, nonce, credential, notification, offers) and OpenID4VP (requests and `direct_post`
//! responses): protocol messages an attacker can send without the right code, token, proof or state.

use chrono::Utc;
use serde_json::{Value, json};
use skillspass::core::openid4vci::PRE_AUTHORIZED_CODE_GRANT;

use super::craft::Signer;
use super::{Auth, Case, Probe, Request, Target, oauth, problem};

const ESCO_SKILL: &str = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d";

pub async fn cases(t: &Target) -> Vec<Case> {
    let achievement: Value = serde_json::from_str(include_str!("../../../docs/examples/course-badge.json")).unwrap();
    let (code, configuration) = offered_code(t, &json!({"achievement": achievement})).await;
    let (guarded, _) = offered_code(t, &json!({"achievement": achievement, "tx_code": true})).await;
    let token = |code: &str| {
        vec![("grant_type", PRE_AUTHORIZED_CODE_GRANT.to_owned()), ("pre-authorized_code", code.to_owned())]
    };
    let form = |pairs: Vec<(&'static str, String)>| {
        let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        Request::form("/token", Auth::None, &pairs)
    };
    let (status, answer) = t.send(&form(token(&code))).await;
    assert_eq!(status, 200, "{answer:#}");
    let access = answer["access_token"].as_str().unwrap().to_owned();
    let (_, nonce) = t.send(&Request::raw("POST", "/nonce", Auth::None, None, b"")).await;
    let c_nonce = nonce["c_nonce"].as_str().unwrap().to_owned();
    let holder = Signer::new();
    let proof = |nonce: Option<&str>, typ: &str, aud: &str| {
        let mut claims = json!({"aud": aud, "iat": Utc::now().timestamp()});
        if let Some(nonce) = nonce {
            claims["nonce"] = json!(nonce);
        }
        holder.jws(&json!({"alg": "EdDSA", "typ": typ, "kid": holder.kid()}).to_string(), &claims.to_string())
    };
    let (_, metadata) = t.call("GET", "/.well-known/openid-credential-issuer", Auth::None, Value::Null).await;
    let issuer = metadata["credential_issuer"].as_str().unwrap().to_owned();
    let credential = |body: Value, auth: Auth| Request::json("POST", "/credential", auth, &body);
    let request = |proof: String| json!({"credential_configuration_id": configuration, "proofs": {"jwt": [proof]}});
    let configured = |proof: String| json!({"credential_configuration_id": configuration, "proofs": {"jwt": [proof]}});
    let with_token = || Auth::Bearer(access.clone());
    let (_, vp) = t.call("POST", "/verifier/requests", Auth::Admin, json!({"skills": [ESCO_SKILL]})).await;
    let vp_id = vp["id"].as_str().unwrap_or("unknown").to_owned();
    let respond =
        |pairs: &[(&str, &str)]| Request::form(&format!("/verifier/requests/{vp_id}/response"), Auth::None, pairs);
    vec![
        oauth("vci/token-unknown-code", form(token("not-a-code")), 400, "invalid_grant"),
        oauth("vci/token-wrong-grant-type", form(vec![("grant_type", "client_credentials".into()), ("pre-authorized_code", code.clone())]), 400, "unsupported_grant_type"),
        oauth("vci/token-without-a-code", form(vec![("grant_type", PRE_AUTHORIZED_CODE_GRANT.into())]), 400, "invalid_request"),
        oauth("vci/token-code-used-before", form(token(&code)), 400, "invalid_grant"),
        oauth("vci/token-transaction-code-missing", form(token(&guarded)), 400, "invalid_request"),
        oauth("vci/token-transaction-code-wrong", form({ let mut f = token(&guarded); f.push(("tx_code", "000000".into())); f }), 400, "invalid_grant"),
        oauth("vci/token-authorization-details-malformed", form({ let mut f = token(&guarded); f.push(("authorization_details", "{not json".into())); f }), 400, "invalid_authorization_details"),
        oauth("vci/token-as-json", Request::json("POST", "/token", Auth::None, &json!({"grant_type": PRE_AUTHORIZED_CODE_GRANT, "pre-authorized_code": guarded})), 400, "invalid_request"),
        oauth("vci/credential-without-a-token", credential(request(proof(Some(&c_nonce), "openid4vci-proof+jwt", &issuer)), Auth::None), 401, "invalid_token"),
        oauth("vci/credential-with-an-unknown-token", credential(request(proof(Some(&c_nonce), "openid4vci-proof+jwt", &issuer)), Auth::Bearer("forged".into())), 401, "invalid_token"),
        oauth("vci/credential-with-the-admin-token", credential(request(proof(Some(&c_nonce), "openid4vci-proof+jwt", &issuer)), Auth::Admin), 401, "invalid_token"),
        oauth("vci/credential-without-a-proof", credential(json!({"credential_configuration_id": configuration}), with_token()), 400, "invalid_proof"),
        oauth("vci/credential-proof-of-the-wrong-type", credential(configured(proof(Some(&c_nonce), "JWT", &issuer)), with_token()), 400, "invalid_proof"),
        oauth("vci/credential-proof-for-another-issuer", credential(configured(proof(Some(&c_nonce), "openid4vci-proof+jwt", "https://evil.example")), with_token()), 400, "invalid_proof"),
        oauth("vci/credential-proof-with-a-made-up-nonce", credential(configured(proof(Some("made-up"), "openid4vci-proof+jwt", &issuer)), with_token()), 400, "invalid_nonce"),
        oauth("vci/credential-proof-not-a-jwt", credential(configured("garbage".into()), with_token()), 400, "invalid_proof"),
        oauth("vci/credential-two-proofs-of-one-key", credential(json!({"credential_configuration_id": configuration, "proofs": {"jwt": [proof(Some(&c_nonce), "openid4vci-proof+jwt", &issuer), proof(Some(&c_nonce), "openid4vci-proof+jwt", &issuer)]}}), with_token()), 400, "invalid_proof"),
        oauth("vci/credential-configuration-not-offered", credential(json!({"credential_configuration_id": "someone_else", "proofs": {"jwt": [proof(Some(&c_nonce), "openid4vci-proof+jwt", &issuer)]}}), with_token()), 400, "unknown_credential_configuration"),
        oauth("vci/credential-body-not-json", Request::raw("POST", "/credential", with_token(), Some("application/json"), b"{"), 400, "invalid_credential_request"),
        oauth("vci/notification-with-an-unknown-token", Request::json("POST", "/notification", Auth::Bearer("forged".into()), &json!({"notification_id": "x", "event": "credential_accepted"})), 401, "invalid_token"),
        problem("vci/offer-unknown", Request::json("GET", "/offers/not-an-offer", Auth::None, &Value::Null), 404, "not-found"),
        problem("vci/offer-without-a-token", Request::json("POST", "/offers", Auth::None, &json!({"achievement": achievement})), 401, "unauthorized"),
        problem("vci/offer-invalid-description", Request::json("POST", "/offers", Auth::Admin, &json!({"achievement": {"name": ""}})), 422, "invalid-credential"),
        problem("vci/offer-negative-lifetime", Request::json("POST", "/offers", Auth::Admin, &json!({"achievement": achievement, "expires_in": -5})), 400, "invalid-request"),
        problem("vp/request-unknown", Request::json("GET", "/verifier/requests/not-a-request", Auth::None, &Value::Null), 404, "not-found"),
        problem("vp/request-object-unknown", Request::json("GET", "/verifier/requests/not-a-request/request", Auth::None, &Value::Null), 404, "not-found"),
        problem("vp/create-without-a-token", Request::json("POST", "/verifier/requests", Auth::None, &json!({"skills": [ESCO_SKILL]})), 401, "unauthorized"),
        problem("vp/create-asking-for-nothing", Request::json("POST", "/verifier/requests", Auth::Admin, &json!({})), 422, "invalid-query"),
        problem("vp/create-with-a-malformed-dcql-query", Request::json("POST", "/verifier/requests", Auth::Admin, &json!({"dcql_query": {"credentials": "all"}})), 422, "invalid-query"),
        problem("vp/create-with-a-javascript-redirect", Request::json("POST", "/verifier/requests", Auth::Admin, &json!({"skills": [ESCO_SKILL], "redirect_uri": "javascript:alert(1)"})), 422, "invalid-query"),
        problem("vp/create-with-an-unknown-client-id-prefix", Request::json("POST", "/verifier/requests", Auth::Admin, &json!({"skills": [ESCO_SKILL], "client_id_prefix": "x509_san_dns"})), 400, "malformed-json"),
        oauth("vp/response-to-an-unknown-request", Request::form("/verifier/requests/not-a-request/response", Auth::None, &[("state", "x"), ("vp_token", "{}")]), 404, "invalid_request"),
        oauth("vp/response-with-a-wrong-state", respond(&[("state", "not-the-state"), ("vp_token", r#"{"skill_1":["a.b.c~"]}"#)]), 400, "invalid_request"),
        oauth("vp/response-without-a-vp-token", respond(&[("state", "not-the-state")]), 400, "invalid_request"),
        oauth("vp/response-as-json", Request::json("POST", &format!("/verifier/requests/{vp_id}/response"), Auth::None, &json!({"vp_token": {}})), 400, "invalid_request"),
    ]
    .into_iter()
    .chain(std::iter::once(super::case("vp/qr-of-an-unknown-request", Probe::Request(Request::json("GET", "/verifier/requests/nope/qr.svg", Auth::None, &Value::Null)), super::Expect::Problem(404, "not-found"))))
    .collect()
}

/// The pre-authorized code and the configuration of a new offer, read as a wallet reads them.
async fn offered_code(t: &Target, body: &Value) -> (String, String) {
    let (status, offer) = t.call("POST", "/offers", Auth::Admin, body.clone()).await;
    assert_eq!(status, 201, "{offer:#}");
    let (_, document) = t.call("GET", offer["credential_offer_uri"].as_str().unwrap(), Auth::None, Value::Null).await;
    let code = document["grants"][PRE_AUTHORIZED_CODE_GRANT]["pre-authorized_code"].as_str().unwrap().to_owned();
    (code, document["credential_configuration_ids"][0].as_str().unwrap().to_owned())
}
