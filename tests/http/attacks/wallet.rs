//! The hosted wallet: accounts, sessions, imports, presentations, exports and restores, and the exchanges it makes
//! on the holder's behalf (offers and presentation requests that point where it must not go).

use serde_json::{Value, json};
use skillspass::core::encoding::b64url_decode;

use super::{Auth, Case, PASSPHRASE, Request, Target, b64, problem};

pub fn cases(t: &Target) -> Vec<Case> {
    let post = |path: &str, auth: Auth, body: Value| Request::json("POST", path, auth, &body);
    let account = |name: &str, passphrase: &str| {
        post("/wallet/accounts", Auth::None, json!({"account": name, "passphrase": passphrase}))
    };
    let import = |credential: Value| post("/wallet/credentials", Auth::Session, json!({"credential": credential}));
    let restore = |file: &str, passphrase: &str, merge: bool| {
        post("/wallet/restore", Auth::Session, json!({"file": file, "passphrase": passphrase, "merge": merge}))
    };
    let others = t.signer.vc("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", |_| {});
    let bearer = t.signer.sd_jwt(&t.holder, |p| {
        p.as_object_mut().unwrap().remove("cnf");
    });
    let forged = super::craft::tamper(&t.seeded, |p| p["credentialSubject"]["achievement"]["name"] = json!("Surgeon"));
    let export = b64url_decode(&t.export).unwrap();
    let truncated = b64(&export[..export.len() / 2]);
    let flipped = {
        let mut bytes = export.clone();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        b64(bytes)
    };
    let offer = |uri: &str| post("/wallet/offers", Auth::Session, json!({"offer_uri": uri}));
    let vp_request = |uri: &str| post("/wallet/presentation-requests", Auth::Session, json!({"request_uri": uri}));
    let offer_by_reference = |url: &str| format!("openid-credential-offer://?credential_offer_uri={}", urlencode(url));
    vec![
        problem("wallet/account-name-uppercase", account("Alice", PASSPHRASE), 400, "invalid-account"),
        problem("wallet/account-name-traversal", account("../alice", PASSPHRASE), 400, "invalid-account"),
        problem("wallet/account-name-too-long", account(&"a".repeat(65), PASSPHRASE), 400, "invalid-account"),
        problem("wallet/account-name-with-a-nul", account("ali\u{0}ce", PASSPHRASE), 400, "invalid-account"),
        problem("wallet/account-passphrase-empty", account("bob-empty", ""), 400, "weak-passphrase"),
        problem("wallet/account-passphrase-one-character", account("bob-short", "x"), 400, "weak-passphrase"),
        problem("wallet/account-exists", account("alice", "another long passphrase"), 409, "wallet-exists"),
        problem("wallet/session-wrong-passphrase", post("/wallet/sessions", Auth::None, json!({"account": "alice", "passphrase": "not alice's passphrase"})), 401, "wrong-passphrase"),
        problem("wallet/session-unknown-account", post("/wallet/sessions", Auth::None, json!({"account": "nobody-here", "passphrase": PASSPHRASE})), 404, "wallet-not-found"),
        problem("wallet/list-without-a-session", Request::json("GET", "/wallet/credentials", Auth::None, &Value::Null), 401, "invalid-session"),
        problem("wallet/list-with-a-forged-session", Request::json("GET", "/wallet/credentials", Auth::Bearer("forged-session".into()), &Value::Null), 401, "invalid-session"),
        problem("wallet/list-with-the-admin-token", Request::json("GET", "/wallet/credentials", Auth::Admin, &Value::Null), 401, "invalid-session"),
        problem("wallet/import-garbage", import(json!("not a credential")), 422, "credential-not-accepted"),
        problem("wallet/import-another-holder-s-credential", import(json!(others)), 422, "credential-not-accepted"),
        problem("wallet/import-a-bearer-credential-without-consent", import(json!(bearer.serialize())), 422, "credential-not-accepted"),
        problem("wallet/import-a-forged-credential", import(json!(forged)), 422, "credential-not-accepted"),
        problem("wallet/import-credential-a-number", import(json!(42)), 422, "credential-not-accepted"),
        problem("wallet/show-an-unknown-credential", Request::json("GET", "/wallet/credentials/urn:uuid:nope", Auth::Session, &Value::Null), 404, "unknown-credential"),
        problem("wallet/delete-an-unknown-credential", Request::json("DELETE", "/wallet/credentials/urn:uuid:nope", Auth::Session, &Value::Null), 404, "unknown-credential"),
        problem("wallet/delete-without-a-session", Request::json("DELETE", &format!("/wallet/credentials/{}", t.seeded_id), Auth::None, &Value::Null), 401, "invalid-session"),
        problem("wallet/present-an-unknown-credential", post("/wallet/presentations", Auth::Session, json!({"credentialIds": ["urn:uuid:nope"], "nonce": "n", "aud": "https://employer.example"})), 404, "unknown-credential"),
        problem("wallet/present-nothing", post("/wallet/presentations", Auth::Session, json!({"credentialIds": [], "nonce": "n", "aud": "https://employer.example"})), 400, "invalid-request"),
        problem("wallet/export-under-a-weak-passphrase", post("/wallet/export", Auth::Session, json!({"passphrase": "short"})), 400, "weak-passphrase"),
        problem("wallet/restore-a-kdf-bomb", restore(&b64(crate::hardening::kdf_bomb()), PASSPHRASE, false), 422, "invalid-export"),
        problem("wallet/restore-garbage", restore(&b64("not an export at all"), PASSPHRASE, false), 422, "invalid-export"),
        problem("wallet/restore-a-truncated-export", restore(&truncated, PASSPHRASE, true), 401, "wrong-passphrase"),
        problem("wallet/restore-a-tampered-export", restore(&flipped, PASSPHRASE, true), 401, "wrong-passphrase"),
        problem("wallet/restore-not-base64url", restore("%%%", PASSPHRASE, false), 400, "invalid-request"),
        problem("wallet/restore-with-a-wrong-passphrase", restore(&t.export, "not the export passphrase", true), 401, "wrong-passphrase"),
        problem("wallet/restore-over-credentials-without-merge", restore(&t.export, PASSPHRASE, false), 409, "wallet-not-empty"),
        problem("wallet/restore-merging-a-stranger-s-export", restore(&t.stranger_export, PASSPHRASE, true), 409, "wallet-not-empty"),
        problem("wallet/offer-not-an-offer-uri", offer("https://evil.example/offer"), 422, "exchange-refused"),
        problem("wallet/offer-at-a-private-address", offer(&offer_by_reference("https://10.1.2.3/offers/1")), 422, "exchange-refused"),
        problem("wallet/offer-at-cloud-metadata", offer(&offer_by_reference("https://169.254.169.254/latest")), 422, "exchange-refused"),
        problem("wallet/offer-over-plain-http", offer(&offer_by_reference("http://issuer.example/offers/1")), 422, "exchange-refused"),
        problem("wallet/offer-by-value-malformed", offer("openid-credential-offer://?credential_offer={not json"), 422, "exchange-refused"),
        problem("wallet/offer-by-value-of-a-private-issuer", offer(&format!("openid-credential-offer://?credential_offer={}", urlencode(&json!({"credential_issuer": "https://10.1.2.3", "credential_configuration_ids": ["x"], "grants": {"urn:ietf:params:oauth:grant-type:pre-authorized_code": {"pre-authorized_code": "c"}}}).to_string()))), 422, "exchange-refused"),
        problem("wallet/presentation-request-garbage", vp_request("not a uri"), 422, "exchange-refused"),
        problem("wallet/presentation-request-at-a-private-address", vp_request(&format!("openid4vp://?client_id=redirect_uri%3Ahttps%3A%2F%2F10.1.2.3%2Fcb&request_uri={}", urlencode("https://10.1.2.3/request"))), 422, "exchange-refused"),
        problem("wallet/presentation-request-without-a-client", vp_request("openid4vp://?request_uri=https%3A%2F%2Fverifier.example%2Fr"), 422, "exchange-refused"),
    ]
}

fn urlencode(text: &str) -> String {
    serde_urlencoded::to_string([("", text)]).unwrap().trim_start_matches('=').to_owned()
}
