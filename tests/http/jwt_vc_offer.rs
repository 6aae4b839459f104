//! An OpenID4VCI offer of a `jwt_vc_json` credential (issue 12): the Open Badges 3.0 JWT profile is OpenID4VCI's
//! `jwt_vc_json` format, and other platforms' issuers offer badges that way. A minimal issuer of that kind runs on
//! loopback (metadata, token, credential endpoints; the badge signed as a plain JWT with EdDSA, bound to the
//! wallet's key proof); the CLI wallet accepts the offer, verifies the badge and keeps it as `jwt_vc_json`.

use std::sync::Arc;

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};
use skillspass::core::did::Did;
use skillspass::core::jose::{self, HeaderSpec};
use skillspass::core::keys::SigningKey;

struct Issuer {
    url: String,
    key: SigningKey,
    did: Did,
}

async fn metadata(State(issuer): State<Arc<Issuer>>) -> Json<Value> {
    Json(json!({
        "credential_issuer": issuer.url,
        "credential_endpoint": format!("{}/credential", issuer.url),
        "credential_configurations_supported": {"WeldingBadge": {
            "format": "jwt_vc_json",
            "credential_definition": {"type": ["VerifiableCredential", "OpenBadgeCredential"]}
        }}
    }))
}

async fn server_metadata(State(issuer): State<Arc<Issuer>>) -> Json<Value> {
    Json(json!({"issuer": issuer.url, "token_endpoint": format!("{}/token", issuer.url)}))
}

async fn token() -> Json<Value> {
    Json(json!({"access_token": "a-token", "token_type": "Bearer", "expires_in": 300}))
}

/// Issues the badge to the DID of the key proof (not verified here: this is the other platform's business, the
/// wallet's is to verify what it receives).
async fn credential(State(issuer): State<Arc<Issuer>>, Json(request): Json<Value>) -> Json<Value> {
    let proof = request.pointer("/proofs/jwt/0").and_then(Value::as_str).unwrap_or_default();
    let header: Value = serde_json::from_slice(
        &skillspass::core::encoding::b64url_decode(proof.split('.').next().unwrap_or_default()).unwrap(),
    )
    .unwrap();
    let holder = header["kid"].as_str().unwrap().split('#').next().unwrap().to_owned();
    let id = "urn:uuid:2c1e9a44-5c1b-4c3e-8f0a-3a6f1f2b9d10";
    let badge = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": id, "type": ["VerifiableCredential", "OpenBadgeCredential"], "name": "Lassen (MIG)",
        "issuer": {"id": issuer.did.as_str(), "type": ["Profile"], "name": "Lasschool Hengelo"},
        "validFrom": "2025-06-30T12:00:00Z",
        "credentialSubject": {"id": holder, "type": ["AchievementSubject"], "achievement": {
            "id": "https://lasschool.example/mig", "type": ["Achievement"], "name": "Lassen (MIG)",
            "description": "MIG welding", "criteria": {"narrative": "Praktijkexamen"}}},
        "iss": issuer.did.as_str(), "jti": id, "sub": holder, "nbf": 1_751_284_800
    });
    let header = HeaderSpec { kid: Some(&issuer.did.default_kid()), ..HeaderSpec::default() };
    let jwt = jose::sign(&serde_json::to_vec(&badge).unwrap(), &header, &issuer.key).unwrap();
    Json(json!({"credentials": [{"credential": jwt}]}))
}

#[tokio::test(flavor = "multi_thread")]
async fn the_wallet_accepts_a_jwt_vc_json_offer_from_another_platform_issue_12() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let key = SigningKey::from_seed(&[33; 32]);
    let did = Did::key(&key.verifying_key());
    let issuer = Arc::new(Issuer { url: url.clone(), key, did });
    let router = Router::new()
        .route("/.well-known/openid-credential-issuer", get(metadata))
        .route("/.well-known/oauth-authorization-server", get(server_metadata))
        .route("/token", post(token))
        .route("/credential", post(credential))
        .with_state(issuer);
    tokio::spawn(async move { axum::serve(listener, router).await });

    let offer = json!({"credential_issuer": url, "credential_configuration_ids": ["WeldingBadge"],
        "grants": {"urn:ietf:params:oauth:grant-type:pre-authorized_code": {"pre-authorized_code": "code-1"}}});
    let uri = format!(
        "openid-credential-offer://?credential_offer={}",
        url::form_urlencoded::byte_serialize(offer.to_string().as_bytes()).collect::<String>()
    );
    let dir = tempfile::tempdir().unwrap();
    let wallet = dir.path().join("wallet");
    let run = move |args: Vec<String>| {
        std::process::Command::new(env!("CARGO_BIN_EXE_skillspass"))
            .arg("wallet")
            .args(&args)
            .env("SKILLSPASS_WALLET", &wallet)
            .env("SKILLSPASS_PASSPHRASE", "a passphrase for offers")
            .output()
            .unwrap()
    };
    let (init, accepted, listed) = tokio::task::spawn_blocking(move || {
        let init = run(vec!["init".into()]);
        let accepted = run(vec!["accept".into(), uri, "--allow-loopback-http".into()]);
        let listed = run(vec!["list".into(), "--json".into()]);
        (init, accepted, listed)
    })
    .await
    .unwrap();
    assert!(init.status.success());
    assert!(accepted.status.success(), "{}", String::from_utf8_lossy(&accepted.stderr));
    let listed: Vec<Value> = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["format"], "jwt_vc_json");
    assert_eq!(listed[0]["proof"], "JWS EdDSA");
    assert_eq!(listed[0]["name"], "Lassen (MIG)");
}
