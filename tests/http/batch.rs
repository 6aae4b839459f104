//! Issue 15: `POST /credentials/verify/batch` verifies many credentials with one batch check of their issuer
//! signatures, and reports each exactly as `POST /credentials/verify` does.

use serde_json::{Value, json};
use skillspass::core::encoding::{b64url, b64url_decode};

use crate::helpers::{ServerProcess, assert_problem, client, fresh, issue, jwt_of, micro_credential, set_status};

async fn batch(verifier: &ServerProcess, body: &Value) -> (u16, Value) {
    let response = client().post(format!("{}/credentials/verify/batch", verifier.url)).json(body).send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
}

/// The token with its payload's `name` changed and the issuer's signature kept.
fn tampered(token: &str) -> String {
    let parts: Vec<&str> = token.split('.').collect();
    let mut payload: Value = serde_json::from_slice(&b64url_decode(parts[1]).unwrap()).unwrap();
    payload["name"] = json!("A credential the issuer never signed");
    format!("{}.{}.{}", parts[0], b64url(serde_json::to_vec(&payload).unwrap()), parts[2])
}

/// A server with both roles and `n` micro-credentials it issued (compact).
async fn issued(dir: &std::path::Path, n: usize) -> (ServerProcess, Vec<String>) {
    let server = ServerProcess::start(dir, "issuer,verifier", "127.0.0.1:0", &["--allow-loopback-http"]);
    let template = micro_credential(&server.did());
    let mut tokens = Vec::with_capacity(n);
    for _ in 0..n {
        let (status, answer) = issue(&server, &fresh(&template), Some(&server.admin_token())).await;
        assert_eq!(status, 201);
        tokens.push(jwt_of(&answer));
    }
    (server, tokens)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_batch_of_64_finds_the_tampered_and_the_revoked_and_reports_like_single_verification() {
    let dir = tempfile::tempdir().unwrap();
    let (server, mut tokens) = issued(dir.path(), 64).await;
    tokens[17] = tampered(&tokens[17]);
    let revoked: Value =
        serde_json::from_slice(&b64url_decode(tokens[50].split('.').nth(1).unwrap()).unwrap()).unwrap();
    assert_eq!(set_status(&server, revoked["id"].as_str().unwrap(), "revoked").await.0, 200);
    tokens[3] = format!("data:application/vc+jwt,{}", tokens[3]);
    let mut credentials: Vec<Value> = tokens.iter().map(|t| json!(t)).collect();
    credentials[3] = json!({"@context": ["https://www.w3.org/ns/credentials/v2"], "type": "EnvelopedVerifiableCredential", "id": tokens[3]});

    let (status, answer) = batch(&server, &json!({"verifiableCredentials": credentials})).await;
    assert_eq!(status, 200, "{answer:#}");
    let reports = answer["reports"].as_array().unwrap();
    assert_eq!(reports.len(), 64);
    let failed: Vec<usize> = (0..64).filter(|i| reports[*i]["verified"] != true).collect();
    assert_eq!(failed, [17, 50], "exactly the tampered and the revoked credential");
    let signature = |report: &Value| {
        report["checks"].as_array().unwrap().iter().find(|c| c["check"] == "signature").unwrap()["status"].clone()
    };
    assert_eq!(signature(&reports[17]), "failed");
    assert_eq!(signature(&reports[50]), "passed", "the revoked one is signed; its status fails");
    for i in [0, 17, 50] {
        let single = client()
            .post(format!("{}/credentials/verify", server.url))
            .json(&json!({"verifiableCredential": tokens[i]}))
            .send()
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap();
        let names = |report: &Value| -> Vec<(Value, Value)> {
            report["checks"].as_array().unwrap().iter().map(|c| (c["check"].clone(), c["status"].clone())).collect()
        };
        assert_eq!(names(&single), names(&reports[i]), "report {i} is the single verification's");
        let types = |report: &Value| -> Vec<Value> {
            report["errors"].as_array().unwrap().iter().map(|e| e["type"].clone()).collect()
        };
        assert_eq!(types(&single), types(&reports[i]), "report {i}: the same errors (their check times differ)");
    }

    // Bad requests.
    let (status, body) = batch(&server, &json!({"verifiableCredentials": [tokens[0], {"x": 1}]})).await;
    assert_problem(status, &body, 400, "invalid-request");
    assert!(body["detail"].as_str().unwrap().contains("verifiableCredentials[1]"), "{body:#}");
    let too_many: Vec<&str> = std::iter::repeat_n("x", 1001).collect();
    let (status, body) = batch(&server, &json!({"verifiableCredentials": too_many})).await;
    assert_problem(status, &body, 400, "invalid-request");
    assert!(body["detail"].as_str().unwrap().contains("at most 1000"), "{body:#}");
    let (status, body) = batch(&server, &json!({"verifiableCredential": tokens[0]})).await;
    assert_eq!(status, 400, "{body:#}");
    let (status, body) = batch(&server, &json!({"verifiableCredentials": []})).await;
    assert_eq!((status, body["reports"].as_array().map(Vec::len)), (200, Some(0)));
    let document: Value =
        client().get(format!("{}/openapi.json", server.url)).send().await.unwrap().json().await.unwrap();
    assert!(document["paths"]["/credentials/verify/batch"]["post"].is_object(), "documented in /openapi.json");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_cli_sends_a_batch_to_a_remote_verifier() {
    use std::io::Write as _;
    let dir = tempfile::tempdir().unwrap();
    let (server, mut lines) = issued(dir.path(), 3).await;
    lines[1] = tampered(&lines[1]);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_skillspass"))
        .args(["verify", "--batch", "-", "--verifier", &server.url])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(lines.join("\n").as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(1), "one of three does not verify");
    let verified: Vec<bool> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap()["verified"] == true)
        .collect();
    assert_eq!(verified, [true, false, true], "the remote verifier's reports, in order");
}
