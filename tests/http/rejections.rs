//! Named rejections over HTTP (issue #3): authentication, body limits, malformed input, unknown ids, and every way
//! a status list or a did:web document can be wrong.

use serde_json::{Value, json};

use crate::fake_issuer::FakeIssuer;
use crate::helpers::{
    ServerProcess, assert_problem, check, client, detail, issue, micro_credential, set_status, verify,
};

fn issuer() -> (tempfile::TempDir, ServerProcess) {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(dir.path(), "issuer", "127.0.0.1:0", &["--body-limit", "65536"]);
    (dir, server)
}

fn verifier(extra: &[&str]) -> (tempfile::TempDir, ServerProcess) {
    let dir = tempfile::tempdir().unwrap();
    let mut flags = vec!["--allow-loopback-http"];
    flags.extend_from_slice(extra);
    let server = ServerProcess::start(dir.path(), "verifier", "127.0.0.1:0", &flags);
    (dir, server)
}

#[tokio::test(flavor = "multi_thread")]
async fn issue_without_a_token_is_401() {
    let (_dir, server) = issuer();
    let (status, body) = issue(&server, &micro_credential(&server.did()), None).await;
    assert_problem(status, &body, 401, "unauthorized");
}

#[tokio::test(flavor = "multi_thread")]
async fn issue_with_a_wrong_token_is_401() {
    let (_dir, server) = issuer();
    let (status, body) = issue(&server, &micro_credential(&server.did()), Some("not-the-token")).await;
    assert_problem(status, &body, 401, "unauthorized");
}

#[tokio::test(flavor = "multi_thread")]
async fn oversized_body_is_413() {
    let (_dir, server) = issuer();
    let mut credential = micro_credential(&server.did());
    credential["description"] = json!("x".repeat(100_000));
    let (status, body) = issue(&server, &credential, Some(&server.admin_token())).await;
    assert_problem(status, &body, 413, "body-too-large");
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_json_is_a_400_problem() {
    let (_dir, server) = issuer();
    let response = client()
        .post(format!("{}/credentials/issue", server.url))
        .bearer_auth(server.admin_token())
        .header("content-type", "application/json")
        .body("{\"credential\": {")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-type"], "application/problem+json");
    let status = response.status().as_u16();
    assert_problem(status, &response.json().await.unwrap(), 400, "malformed-json");
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_credential_id_is_404() {
    let (_dir, server) = issuer();
    let (status, body) = set_status(&server, "urn:uuid:00000000-0000-0000-0000-000000000000", "revoked").await;
    assert_problem(status, &body, 404, "unknown-credential");
}

#[tokio::test(flavor = "multi_thread")]
async fn credential_naming_another_issuer_is_refused() {
    let (_dir, server) = issuer();
    let (status, body) =
        issue(&server, &micro_credential("did:web:someone-else.example"), Some(&server.admin_token())).await;
    assert_problem(status, &body, 422, "wrong-issuer");
}

#[tokio::test(flavor = "multi_thread")]
async fn micro_credential_missing_an_eu_element_is_refused_over_http() {
    let (_dir, server) = issuer();
    let mut credential = micro_credential(&server.did());
    credential["credentialSubject"]["achievement"]["microCredential"]
        .as_object_mut()
        .unwrap()
        .remove("qualityAssurance");
    let (status, body) = issue(&server, &credential, Some(&server.admin_token())).await;
    assert_problem(status, &body, 422, "invalid-credential");
    assert!(body["detail"].as_str().unwrap().contains("(11) type of quality assurance"), "{body:#}");
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_routes_and_methods_are_problems() {
    let (_dir, server) = issuer();
    let response = client().get(format!("{}/nope", server.url)).send().await.unwrap();
    let status = response.status().as_u16();
    assert_problem(status, &response.json().await.unwrap(), 404, "not-found");
    let response = client().get(format!("{}/credentials/issue", server.url)).send().await.unwrap();
    let status = response.status().as_u16();
    assert_problem(status, &response.json().await.unwrap(), 405, "method-not-allowed");
    let response = client().get(format!("{}/status/revocation-99", server.url)).send().await.unwrap();
    let status = response.status().as_u16();
    assert_problem(status, &response.json().await.unwrap(), 404, "unknown-status-list");
}

async fn status_refusal(list_url: &str, expected: &str) {
    let fake = FakeIssuer::start().await;
    let (_dir, verifier) = verifier(&[]);
    let jwt = fake.credential_with_list(&list_url.replace("{fake}", &fake.url));
    let report = verify(&verifier, &jwt).await;
    assert_eq!(report["verified"], false, "{report:#}");
    assert_eq!(check(&report, "status"), "failed", "{report:#}");
    assert!(detail(&report, "status").contains(expected), "expected {expected:?} in {:?}", detail(&report, "status"));
}

#[tokio::test(flavor = "multi_thread")]
async fn control_a_good_list_from_the_fake_issuer_passes() {
    let fake = FakeIssuer::start().await;
    let (_dir, verifier) = verifier(&[]);
    let report = verify(&verifier, &fake.credential_with_list(&format!("{}/list/good", fake.url))).await;
    assert_eq!(report["verified"], true, "{report:#}");
}

#[tokio::test(flavor = "multi_thread")]
async fn status_list_on_a_private_address_is_refused() {
    status_refusal("https://10.1.2.3/status/1", "private, loopback or link-local address").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn status_list_redirecting_to_a_private_address_is_refused() {
    status_refusal("{fake}/redirect-private", "is a private, loopback or link-local address").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn status_list_redirect_loop_is_bounded() {
    status_refusal("{fake}/redirect-loop", "more than 3 redirects").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn status_list_shorter_than_the_minimum_is_refused() {
    status_refusal("{fake}/list/short", "fewer than the minimum 131072").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn status_list_gzip_bomb_is_refused() {
    status_refusal("{fake}/list/bomb", "larger than").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn status_list_with_a_bad_signature_is_refused() {
    status_refusal("{fake}/list/bad-signature", "does not verify").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn status_list_signed_by_another_issuer_is_refused() {
    status_refusal("{fake}/list/other-issuer", "not by the credential's issuer").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_status_passes_with_a_warning_when_policy_allows() {
    let fake = FakeIssuer::start().await;
    let (_dir, verifier) = verifier(&["--accept-unknown-status"]);
    let report = verify(&verifier, &fake.credential_with_list("https://10.1.2.3/status/1")).await;
    assert_eq!(report["verified"], true, "{report:#}");
    let warnings: Vec<&Value> = report["warnings"].as_array().unwrap().iter().collect();
    assert!(warnings.iter().any(|w| w["type"] == "https://w3id.org/skillspass/problems#status-unknown"));
}

#[tokio::test(flavor = "multi_thread")]
async fn loopback_http_is_refused_without_the_development_flag() {
    let fake = FakeIssuer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let strict = ServerProcess::start(dir.path(), "verifier", "127.0.0.1:0", &[]);
    let report = verify(&strict, &fake.credential_with_list(&format!("{}/list/good", fake.url))).await;
    assert_eq!(report["verified"], false);
    assert!(detail(&report, "status").contains("is not https"), "{report:#}");
}

#[tokio::test(flavor = "multi_thread")]
async fn did_web_document_whose_id_differs_is_refused() {
    let fake = FakeIssuer::start().await;
    let (_dir, verifier) = verifier(&[]);
    let report = verify(&verifier, &fake.did_web_credential()).await;
    assert_eq!(report["verified"], false);
    assert_eq!(check(&report, "issuer-key"), "failed");
    assert!(detail(&report, "issuer-key").contains("does not match"), "{report:#}");
}

#[tokio::test(flavor = "multi_thread")]
async fn verify_with_a_malformed_request_is_a_problem() {
    let (_dir, verifier) = verifier(&[]);
    let response = client()
        .post(format!("{}/credentials/verify", verifier.url))
        .json(&json!({"verifiableCredential": {"type": "EnvelopedVerifiableCredential", "id": "data:text/plain,hi"}}))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    assert_problem(status, &response.json().await.unwrap(), 400, "invalid-request");
}

#[tokio::test(flavor = "multi_thread")]
async fn jwt_vc_issuer_metadata_naming_another_issuer_is_refused() {
    let fake = FakeIssuer::start().await;
    let (_dir, verifier) = verifier(&[]);
    let report = verify(&verifier, &fake.url_issuer_sd_jwt()).await;
    assert_eq!(report["verified"], false);
    assert_eq!(check(&report, "issuer-key"), "failed", "{report:#}");
    assert!(detail(&report, "issuer-key").contains("names another issuer"), "{report:#}");
}
