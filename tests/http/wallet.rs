//! The hosted wallet and presentations over real HTTP (issue #4): accounts, sessions, import with verification,
//! passport view, export/restore, presentations verified by the verifier with nonce, audience and holder binding.

use serde_json::{Value, json};
use skillspass::core::did::Did;
use skillspass::core::jose::{self, HeaderSpec, TokenKind};
use skillspass::core::keys::SigningKey;

use crate::helpers::{ServerProcess, assert_problem, client, issue, jwt_of};

fn credential_for(server: &ServerProcess, subject: &str) -> Value {
    let mut credential = crate::helpers::micro_credential(&server.did());
    credential["credentialSubject"]["id"] = json!(subject);
    credential
}

pub(super) async fn call(
    method: reqwest::Method,
    url: String,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = client().request(method, url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
}

pub(super) async fn account(server: &ServerProcess, name: &str, passphrase: &str) -> (String, String) {
    let body = json!({"account": name, "passphrase": passphrase});
    let (status, created) =
        call(reqwest::Method::POST, format!("{}/wallet/accounts", server.url), None, Some(body.clone())).await;
    assert_eq!(status, 201, "{created:#}");
    let (status, session) =
        call(reqwest::Method::POST, format!("{}/wallet/sessions", server.url), None, Some(body)).await;
    assert_eq!(status, 201, "{session:#}");
    (created["did"].as_str().unwrap().to_owned(), session["token"].as_str().unwrap().to_owned())
}

async fn verify_vp(server: &ServerProcess, vp: &str, challenge: &str, domain: &str) -> Value {
    let body = json!({"verifiablePresentation": vp, "options": {"challenge": challenge, "domain": domain}});
    let (status, report) =
        call(reqwest::Method::POST, format!("{}/presentations/verify", server.url), None, Some(body)).await;
    assert_eq!(status, 200, "{report:#}");
    report
}

fn vp_of(answer: &Value) -> String {
    answer["verifiablePresentation"]["id"]
        .as_str()
        .unwrap()
        .strip_prefix("data:application/vp+jwt,")
        .unwrap()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread")]
#[expect(clippy::too_many_lines, reason = "one story, told in order")]
async fn hosted_wallet_flow_and_presentation_rejections() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(dir.path(), "issuer,verifier,wallet", "127.0.0.1:0", &["--allow-loopback-http"]);
    let (alice, alice_token) = account(&server, "alice", "alice's long passphrase").await;
    let (_bob, bob_token) = account(&server, "bob", "bob's long passphrase").await;
    let (status, issued) = issue(&server, &credential_for(&server, &alice), Some(&server.admin_token())).await;
    assert_eq!(status, 201);
    let jwt = jwt_of(&issued);

    let url = |path: &str| format!("{}{path}", server.url);
    let (status, imported) =
        call(reqwest::Method::POST, url("/wallet/credentials"), Some(&alice_token), Some(json!({"credential": jwt})))
            .await;
    assert_eq!(status, 201, "{imported:#}");
    let id = imported["credential"]["id"].as_str().unwrap().to_owned();
    let (status, again) =
        call(reqwest::Method::POST, url("/wallet/credentials"), Some(&alice_token), Some(json!({"credential": jwt})))
            .await;
    assert_eq!((status, again["status"].as_str()), (200, Some("already-stored")));
    let (_, listed) =
        call(reqwest::Method::GET, url("/wallet/credentials?skill=python"), Some(&alice_token), None).await;
    assert_eq!(listed["credentials"].as_array().unwrap().len(), 1);
    let (_, skills) = call(reqwest::Method::GET, url("/wallet/skills"), Some(&alice_token), None).await;
    assert_eq!(skills["skills"].as_array().unwrap().len(), 2);

    let (status, body) =
        call(reqwest::Method::POST, url("/wallet/credentials"), Some(&bob_token), Some(json!({"credential": jwt})))
            .await;
    assert_problem(status, &body, 422, "credential-not-accepted");
    let (status, body) =
        call(reqwest::Method::GET, url(&format!("/wallet/credentials/{id}")), Some(&bob_token), None).await;
    assert_problem(status, &body, 404, "unknown-credential");
    let (status, body) =
        call(reqwest::Method::GET, url("/wallet/credentials"), Some("forged-session-token"), None).await;
    assert_problem(status, &body, 401, "invalid-session");

    let request = json!({"credentialIds": [id], "nonce": "nonce-1", "aud": "https://employer.example"});
    let (status, presented) =
        call(reqwest::Method::POST, url("/wallet/presentations"), Some(&alice_token), Some(request)).await;
    assert_eq!(status, 200, "{presented:#}");
    let vp = vp_of(&presented);
    let report = verify_vp(&server, &vp, "nonce-1", "https://employer.example").await;
    assert_eq!(report["verified"], true, "{report:#}");
    assert_eq!(report["skills"].as_array().unwrap().len(), 2);
    assert_eq!(report["subject"], alice.as_str());

    let replay = verify_vp(&server, &vp, "nonce-1", "https://employer.example").await;
    assert_eq!(replay["verified"], false);
    assert!(replay["errors"][0]["detail"].as_str().unwrap().contains("already used"), "{replay:#}");

    let request = json!({"credentialIds": [id], "nonce": "nonce-2", "aud": "https://employer.example"});
    let (_, presented) =
        call(reqwest::Method::POST, url("/wallet/presentations"), Some(&alice_token), Some(request)).await;
    let wrong_audience = verify_vp(&server, &vp_of(&presented), "nonce-2", "https://someone-else.example").await;
    assert_eq!(wrong_audience["verified"], false);
    assert_eq!(wrong_audience["errors"][0]["type"], "https://w3id.org/skillspass/problems#audience");

    let thief = SigningKey::generate(&mut rand::rngs::OsRng);
    let thief_did = Did::key(&thief.verifying_key());
    let payload = json!({"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"],
        "holder": thief_did.as_str(), "iss": thief_did.as_str(), "aud": "https://employer.example", "nonce": "nonce-3",
        "iat": chrono::Utc::now().timestamp(),
        "verifiableCredential": [{"@context": "https://www.w3.org/ns/credentials/v2", "type": "EnvelopedVerifiableCredential",
            "id": format!("data:application/vc+jwt,{jwt}")}]});
    let kid = thief_did.default_kid();
    let header = HeaderSpec { typ: Some(TokenKind::Presentation), kid: Some(&kid), ..HeaderSpec::default() };
    let stolen = jose::sign(&serde_json::to_vec(&payload).unwrap(), &header, &thief).unwrap();
    let report = verify_vp(&server, &stolen, "nonce-3", "https://employer.example").await;
    assert_eq!(report["verified"], false);
    assert_eq!(report["credentials"][0]["errors"][0]["type"], "https://w3id.org/skillspass/problems#holder-binding");

    let (status, exported) = call(
        reqwest::Method::POST,
        url("/wallet/export"),
        Some(&alice_token),
        Some(json!({"passphrase": "export passphrase"})),
    )
    .await;
    assert_eq!(status, 200);
    let (_, carol_token) = account(&server, "carol", "carol's long passphrase").await;
    let restore = json!({"file": exported["file"], "passphrase": "export passphrase"});
    let (status, restored) =
        call(reqwest::Method::POST, url("/wallet/restore"), Some(&carol_token), Some(restore)).await;
    assert_eq!((status, restored["restored"].as_u64()), (200, Some(1)), "{restored:#}");
    let (_, shown) =
        call(reqwest::Method::GET, url(&format!("/wallet/credentials/{id}")), Some(&carol_token), None).await;
    assert_eq!(shown["token"].as_str(), Some(jwt.as_str()), "byte-identical after restore");
    let wrong = json!({"file": exported["file"], "passphrase": "not it at all"});
    let (status, body) = call(reqwest::Method::POST, url("/wallet/restore"), Some(&carol_token), Some(wrong)).await;
    assert_problem(status, &body, 401, "wrong-passphrase");
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_passphrase_is_a_401_and_accounts_are_unique() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(dir.path(), "wallet", "127.0.0.1:0", &[]);
    account(&server, "dave", "dave's long passphrase").await;
    let url = format!("{}/wallet/sessions", server.url);
    for _ in 0..2 {
        let (status, body) =
            call(reqwest::Method::POST, url.clone(), None, Some(json!({"account": "dave", "passphrase": "guess"})))
                .await;
        assert_problem(status, &body, 401, "wrong-passphrase");
    }
    let (status, body) = call(
        reqwest::Method::POST,
        format!("{}/wallet/accounts", server.url),
        None,
        Some(json!({"account": "dave", "passphrase": "another one entirely"})),
    )
    .await;
    assert_problem(status, &body, 409, "wallet-exists");
    let (status, body) = call(
        reqwest::Method::POST,
        format!("{}/wallet/accounts", server.url),
        None,
        Some(json!({"account": "../etc", "passphrase": "another one entirely"})),
    )
    .await;
    assert_problem(status, &body, 400, "invalid-account");
}

/// Issue 10: the hosted wallet applies the wallet role's passphrase rule: account creation, export and restore refuse
/// an empty or 7-character passphrase with `weak-passphrase`, and nothing is created or changed.
#[tokio::test(flavor = "multi_thread")]
async fn weak_passphrases_are_refused_by_the_hosted_wallet_issue_10() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(dir.path(), "wallet", "127.0.0.1:0", &[]);
    let url = |path: &str| format!("{}{path}", server.url);
    for weak in ["", "1234567"] {
        let body = json!({"account": "weakling", "passphrase": weak});
        let (status, problem) = call(reqwest::Method::POST, url("/wallet/accounts"), None, Some(body.clone())).await;
        assert_problem(status, &problem, 400, "weak-passphrase");
        assert!(problem["detail"].as_str().unwrap().contains("at least 8 characters"));
        let (status, problem) = call(reqwest::Method::POST, url("/wallet/sessions"), None, Some(body)).await;
        assert_problem(status, &problem, 404, "wallet-not-found");
    }
    let (_, token) = account(&server, "strong", "a long enough passphrase").await;
    let (status, problem) =
        call(reqwest::Method::POST, url("/wallet/export"), Some(&token), Some(json!({"passphrase": "1234567"}))).await;
    assert_problem(status, &problem, 400, "weak-passphrase");
    let (status, exported) = call(
        reqwest::Method::POST,
        url("/wallet/export"),
        Some(&token),
        Some(json!({"passphrase": "export passphrase"})),
    )
    .await;
    assert_eq!(status, 200, "{exported:#}");
    let restore = json!({"passphrase": "", "file": exported["file"]});
    let (status, problem) = call(reqwest::Method::POST, url("/wallet/restore"), Some(&token), Some(restore)).await;
    assert_problem(status, &problem, 400, "weak-passphrase");
    let (status, listed) = call(reqwest::Method::GET, url("/wallet/credentials"), Some(&token), None).await;
    assert_eq!((status, listed["credentials"].as_array().map(Vec::len)), (200, Some(0)), "nothing changed");
}
