//! Badges of other platforms verified online (issue 12), as an employer's `skillspass verify` does without
//! `--offline`: a small issuer site on loopback publishes an Open Badges 2.0 hosted assertion with its `BadgeClass`,
//! Issuer profile and revocation list, and the controller document of a Data Integrity badge's key. The verifier
//! fetches each document through the guarded fetcher, and refuses what the site revokes or does not publish.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use serde_json::{Value, json};
use skillspass::core::data_integrity::{Proof, hash_data};
use skillspass::core::did::multikey;
use skillspass::core::jsonld::Contexts;
use skillspass::core::keys::SigningKey;

type Site = Arc<HashMap<String, Value>>;

async fn serve(State(site): State<Site>, Path(name): Path<String>) -> impl IntoResponse {
    match site.get(&name) {
        Some(document) => {
            (StatusCode::OK, [(header::CONTENT_TYPE, "application/ld+json")], document.to_string()).into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// Starts the site with documents by name (`http://127.0.0.1:PORT/<name>`), filled in by `build` from the base URL.
async fn site(build: impl FnOnce(&str) -> HashMap<String, Value>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let documents: Site = Arc::new(build(&base));
    let router = Router::new().route("/{name}", get(serve)).with_state(documents);
    tokio::spawn(async move { axum::serve(listener, router).await });
    base
}

fn verify_online(document: &Value) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("badge.json");
    std::fs::write(&file, document.to_string()).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_skillspass"))
        .args(["verify", file.to_str().unwrap(), "--allow-loopback-http", "--accept-unknown-status", "--json"])
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{out:?}"))
}

fn failed(report: &Value) -> Vec<String> {
    let checks = report["checks"].as_array().unwrap();
    checks.iter().filter(|c| c["status"] == "failed").map(|c| c["check"].as_str().unwrap().to_owned()).collect()
}

fn assertion(base: &str, name: &str) -> Value {
    json!({"@context": "https://w3id.org/openbadges/v2", "type": "Assertion", "id": format!("{base}/{name}"),
        "recipient": {"type": "email", "hashed": true, "salt": "zout", "identity": "sha256$0d6e0b8e4e0f3c5c2c1b7a5d4c3b2a1908f7e6d5c4b3a29180706050403020100"},
        "issuedOn": "2025-06-30T12:00:00Z", "badge": format!("{base}/badge.json"), "verification": {"type": "hosted"}})
}

#[tokio::test(flavor = "multi_thread")]
async fn an_open_badges_2_hosted_badge_is_fetched_from_its_issuer_and_revocation_is_read_issue_12() {
    let base = site(|base| {
        HashMap::from([
            ("good.json".into(), assertion(base, "good.json")),
            ("revoked.json".into(), assertion(base, "revoked.json")),
            ("badge.json".into(), json!({"@context": "https://w3id.org/openbadges/v2", "type": "BadgeClass",
                "id": format!("{base}/badge.json"), "name": "Lassen (MIG)", "description": "MIG welding",
                "criteria": {"narrative": "Praktijkexamen"}, "issuer": format!("{base}/issuer.json"),
                "alignment": [{"targetName": "weld metal", "targetUrl": "http://data.europa.eu/esco/skill/6d1e6e0e-8f6e-4d76-a4a3-5d5c0b1d4f0b"}]})),
            ("issuer.json".into(), json!({"@context": "https://w3id.org/openbadges/v2", "type": "Issuer",
                "id": format!("{base}/issuer.json"), "name": "ROC Twente", "url": base,
                "revocationList": format!("{base}/revocations.json")})),
            ("revocations.json".into(), json!({"@context": "https://w3id.org/openbadges/v2", "type": "RevocationList",
                "id": format!("{base}/revocations.json"), "revokedAssertions": [{"id": format!("{base}/revoked.json"), "revocationReason": "issued in error"}]})),
        ])
    })
    .await;
    let report = tokio::task::spawn_blocking({
        let good = assertion(&base, "good.json");
        move || verify_online(&good)
    })
    .await
    .unwrap();
    assert_eq!(report["verified"], true, "{report:#}");
    assert_eq!(report["format"], "openbadges-v2-hosted");
    assert_eq!(report["policy"]["evidence"], "hosted");
    assert_eq!(report["skills"][0]["label"], "weld metal", "the ESCO alignment is a skill");
    let revoked = assertion(&base, "revoked.json");
    let report = tokio::task::spawn_blocking(move || verify_online(&revoked)).await.unwrap();
    assert_eq!(failed(&report), ["revocation"], "{report:#}");
    let missing = assertion(&base, "never-published.json");
    let report = tokio::task::spawn_blocking(move || verify_online(&missing)).await.unwrap();
    assert_eq!(failed(&report), ["issuer-key"], "{report:#}");
}

/// A Data Integrity badge whose verification method is an http(s) URL: the controller document is fetched from
/// the issuer's site, and a key it does not list is refused.
#[tokio::test(flavor = "multi_thread")]
async fn a_data_integrity_badge_s_key_document_is_fetched_from_its_issuer_issue_12() {
    let key = SigningKey::from_seed(&[21; 32]);
    let public = multikey(&key.verifying_key());
    let base = site(|base| {
        let issuer = format!("{base}/issuer");
        HashMap::from([("issuer".into(), json!({"id": issuer, "verificationMethod": [{"id": format!("{issuer}#key-1"),
            "type": "Multikey", "controller": issuer, "publicKeyMultibase": public}], "assertionMethod": [format!("{issuer}#key-1")]}))])
    })
    .await;
    let issuer = format!("{base}/issuer");
    let signed = |method: &str| -> Value {
        let mut badge = json!({
            "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
            "id": "urn:uuid:8b3f0c57-1d55-4e8e-9f3c-7a0b9c1d2e3f", "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "name": "Lassen (MIG)", "issuer": {"id": issuer, "type": ["Profile"], "name": "ROC Twente"},
            "validFrom": "2025-06-30T12:00:00Z",
            "credentialSubject": {"id": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", "type": ["AchievementSubject"],
                "achievement": {"id": "https://roc.example/welding", "type": ["Achievement"], "name": "Lassen (MIG)",
                    "description": "MIG welding", "criteria": {"narrative": "Praktijkexamen"}}}});
        let placeholder = format!("z{}", bs58::encode([0u8; 64]).into_string());
        badge["proof"] = json!({"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "created": "2025-06-30T12:00:00Z",
            "verificationMethod": method, "proofPurpose": "assertionMethod", "proofValue": placeholder});
        let proof = Proof::parse(&badge["proof"]).unwrap();
        let message = hash_data(badge.as_object().unwrap(), &proof, &Contexts::embedded()).unwrap();
        badge["proof"]["proofValue"] = json!(format!("z{}", bs58::encode(key.sign(&message)).into_string()));
        badge
    };
    let good = signed(&format!("{issuer}#key-1"));
    let report = tokio::task::spawn_blocking(move || verify_online(&good)).await.unwrap();
    assert_eq!(report["verified"], true, "{report:#}");
    assert_eq!(report["format"], "ldp_vc");
    let unlisted = signed(&format!("{issuer}#key-2"));
    let report = tokio::task::spawn_blocking(move || verify_online(&unlisted)).await.unwrap();
    assert_eq!(failed(&report), ["issuer-key"], "{report:#}");
}
