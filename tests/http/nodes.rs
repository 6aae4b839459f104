//! Issue 15: two `skillspass serve` nodes on one PostgreSQL database are interchangeable. They are given the same
//! secret files (issuer key, protocol key, admin token, verifier key) and the same public URL, as a load balancer
//! would put them behind one name; then every step of the story may land on either node. Skipped, saying so,
//! without a reachable PostgreSQL (required in `.ci/run`).

use std::collections::HashSet;
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use skillspass::core::clock::Clock as _;
use skillspass::core::encoding::b64url_decode;
use skillspass::core::status_list::bitstring::Bitstring;
use skillspass::system::SystemClock;

use super::crash::status_indexes;
use super::helpers::{ServerProcess, client, free_port, fresh, jwt_of, micro_credential, set_status};
use super::openid4vc::{LibraryWallet, MICRO, PYTHON, get, offer, post_form, request};
use super::postgres::TestDatabase;

/// The secret files every node of one deployment is given (docs/scaling.md).
const SHARED_FILES: [&str; 4] = ["issuer-key.jwk", "protocol-key", "admin-token", "verifier-key.jwk"];

/// Two nodes on `pg`, the second given the first's secret files; both publish `public_url` (the first node).
fn two_nodes(dir: &Path, pg: &TestDatabase) -> (ServerProcess, ServerProcess) {
    let port = free_port();
    let public_url = format!("http://localhost:{port}");
    let flags = ["--database", pg.url.as_str(), "--public-url", public_url.as_str(), "--allow-loopback-http"];
    let roles = "issuer,verifier,wallet";
    let first = ServerProcess::start(&dir.join("a"), roles, &format!("127.0.0.1:{port}"), &flags);
    std::fs::create_dir_all(dir.join("b")).unwrap();
    for file in SHARED_FILES {
        std::fs::copy(dir.join("a").join(file), dir.join("b").join(file)).unwrap();
    }
    let second = ServerProcess::start(&dir.join("b"), roles, "127.0.0.1:0", &flags);
    (first, second)
}

/// Issues `count` credentials at `node` with `workers` concurrent clients; returns the compact credentials.
async fn issue_many(node: &ServerProcess, did: &str, count: usize, workers: usize) -> Vec<String> {
    let template = micro_credential(did);
    let mut tasks = Vec::new();
    for _ in 0..workers {
        let (url, template, token) = (node.url.clone(), template.clone(), node.admin_token());
        tasks.push(tokio::spawn(async move {
            let http = client();
            let mut issued = Vec::new();
            for _ in 0..count / workers {
                let body = json!({"credential": fresh(&template)});
                let response =
                    http.post(format!("{url}/credentials/issue")).bearer_auth(&token).json(&body).send().await.unwrap();
                assert_eq!(response.status().as_u16(), 201);
                issued.push(jwt_of(&response.json().await.unwrap()));
            }
            issued
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.unwrap());
    }
    all
}

/// The revocation bit of `token`'s entry, read from the list as `node` serves it.
async fn revoked_at(node: &ServerProcess, public_url: &str, token: &str) -> bool {
    let payload: Value = serde_json::from_slice(&b64url_decode(token.split('.').nth(1).unwrap()).unwrap()).unwrap();
    let entries =
        payload["credentialStatus"].as_array().cloned().unwrap_or_else(|| vec![payload["credentialStatus"].clone()]);
    let entry = entries.iter().find(|e| e["statusPurpose"] == "revocation").unwrap();
    let url = entry["statusListCredential"].as_str().unwrap().replace(public_url, &node.url);
    let list = client().get(url).send().await.unwrap().text().await.unwrap();
    let list: Value = serde_json::from_slice(&b64url_decode(list.split('.').nth(1).unwrap()).unwrap()).unwrap();
    let bits = Bitstring::decode(list["credentialSubject"]["encodedList"].as_str().unwrap(), 1).unwrap();
    bits.get(entry["statusListIndex"].as_str().unwrap().parse().unwrap()).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn two_nodes_on_one_postgres_share_issuance_revocation_offers_and_nonces() {
    let Some(pg) = TestDatabase::create("two_nodes_on_one_postgres_share_issuance_revocation_offers_and_nonces") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = two_nodes(dir.path(), &pg);
    let public_url = format!("http://localhost:{}", a.port());
    let did = a.did();
    let health = get(&format!("{}/health", b.url), None).await.1;
    assert_eq!(health["database"], json!({"engine": "postgres", "reachable": true}), "{health:#}");

    // Issuing at both nodes at once: no status index is handed out twice.
    let started = Instant::now();
    let (at_a, at_b) = tokio::join!(issue_many(&a, &did, 1200, 4), issue_many(&b, &did, 1200, 4));
    let elapsed = started.elapsed();
    let mut indexes = HashSet::new();
    for token in at_a.iter().chain(&at_b) {
        for index in status_indexes(token) {
            assert!(indexes.insert(index.clone()), "status index {index} was handed out twice");
        }
    }
    eprintln!("2,400 credentials issued at two nodes in {elapsed:?}: {} distinct status entries", indexes.len());

    // Revoked at one node, revoked in the list the other serves next.
    let token = &at_b[7];
    let payload: Value = serde_json::from_slice(&b64url_decode(token.split('.').nth(1).unwrap()).unwrap()).unwrap();
    assert!(!revoked_at(&b, &public_url, token).await, "not revoked yet (and node b has now built the list)");
    let revoked = Instant::now();
    assert_eq!(set_status(&a, payload["id"].as_str().unwrap(), "revoked").await.0, 200);
    assert!(revoked_at(&b, &public_url, token).await, "node b serves the revocation made at node a");
    eprintln!("revocation at a visible at b after {:?}", revoked.elapsed());

    // An offer made at one node is redeemed at the other, step by step across both.
    let micro = offer(&a, MICRO, json!({"tx_code": true})).await;
    let offer_doc = get(&micro["credential_offer_uri"].as_str().unwrap().replace(&public_url, &b.url), None).await.1;
    let code = offer_doc["grants"][skillspass::core::openid4vci::PRE_AUTHORIZED_CODE_GRANT]["pre-authorized_code"]
        .as_str()
        .unwrap()
        .to_owned();
    let grant = [
        ("grant_type", skillspass::core::openid4vci::PRE_AUTHORIZED_CODE_GRANT),
        ("pre-authorized_code", code.as_str()),
        ("tx_code", micro["tx_code"].as_str().unwrap()),
    ];
    let (status, token_answer) = post_form(&format!("{}/token", b.url), &grant).await;
    assert_eq!(status, 200, "node b redeems node a's offer: {token_answer:#}");
    let replayed = post_form(&format!("{}/token", a.url), &grant).await;
    assert_eq!(replayed.0, 400, "the code is spent at node a too: {:#}", replayed.1);

    // Presentations: answered through node a, the same answer replayed at node b is refused.
    let holder = LibraryWallet::new(&dir.path().join("wallet"));
    let badge = offer(&b, MICRO, json!({})).await;
    let read = holder.agent().read_offer(badge["offer_uri"].as_str().unwrap()).await.unwrap();
    holder.agent().accept(&read, None, SystemClock.now()).await.unwrap();
    let created = request(&b, json!({"skills": [PYTHON]})).await;
    let asked = holder
        .agent()
        .read_request(created["authorization_request_uri"].as_str().unwrap(), chrono::Utc::now())
        .await
        .unwrap();
    let sent = holder.agent().present(&asked, SystemClock.now()).await.unwrap();
    let state = asked.request.state.clone().unwrap();
    let at_b = asked.request.response_uri.replace(&public_url, &b.url);
    let replay = post_form(&at_b, &[("vp_token", &sent.vp_token), ("state", &state)]).await;
    assert_eq!(replay.0, 400, "{:#}", replay.1);
    assert!(replay.1["error_description"].as_str().unwrap().contains("already answered"), "{:#}", replay.1);
    let result_url = format!("{}/verifier/requests/{}", b.url, created["id"].as_str().unwrap());
    let (_, result) = get(&result_url, Some(&b.admin_token())).await;
    assert_eq!(result["result"]["verified"], true, "node b shows the result node a stored: {result:#}");

    // A hosted wallet's session opened at one node works at the other, and closing it anywhere closes it.
    let (_, session) = super::wallet::account(&a, "nodes", "the nodes test passphrase").await;
    let listed = get(&format!("{}/wallet/credentials", b.url), Some(&session)).await;
    assert_eq!(listed.0, 200, "node b opens node a's session: {:#}", listed.1);
    let closed =
        super::wallet::call(reqwest::Method::DELETE, format!("{}/wallet/sessions", b.url), Some(&session), None).await;
    assert_eq!(closed.0, 204);
    assert_eq!(get(&format!("{}/wallet/credentials", a.url), Some(&session)).await.0, 401, "closed at node a too");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_node_killed_during_issuance_loses_nothing_acknowledged_on_postgres() {
    let Some(pg) = TestDatabase::create("a_node_killed_during_issuance_loses_nothing_acknowledged_on_postgres") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = two_nodes(dir.path(), &pg);
    let did = a.did();
    let (url, token) = (a.url.clone(), a.admin_token());
    let acknowledged = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let template = micro_credential(&did);
    let mut workers = Vec::new();
    for _ in 0..4 {
        let (url, token, template, seen) = (url.clone(), token.clone(), template.clone(), acknowledged.clone());
        workers.push(tokio::spawn(async move {
            let http = client();
            loop {
                let credential = fresh(&template);
                let id = credential["id"].as_str().unwrap().to_owned();
                let sent = http.post(format!("{url}/credentials/issue")).bearer_auth(&token);
                let Ok(response) = sent.json(&json!({"credential": credential})).send().await else { return };
                if response.status().as_u16() != 201 {
                    return;
                }
                let Ok(answer) = response.json::<Value>().await else { return };
                seen.lock().unwrap().push((id, jwt_of(&answer)));
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    a.kill();
    for worker in workers {
        let _ = worker.await;
    }
    let acknowledged = std::mem::take(&mut *acknowledged.lock().unwrap());
    assert!(acknowledged.len() >= 20, "work was done before the kill: {}", acknowledged.len());
    let mut indexes = HashSet::new();
    for (id, token) in &acknowledged {
        for index in status_indexes(token) {
            assert!(indexes.insert(index.clone()), "status index {index} was handed out twice");
        }
        let mut again = template.clone();
        again["id"] = json!(id);
        let (status, body) = super::helpers::issue(&b, &again, Some(&b.admin_token())).await;
        super::helpers::assert_problem(status, &body, 409, "duplicate-credential");
    }
    let fresh = issue_many(&b, &did, 50, 2).await;
    for token in &fresh {
        for index in status_indexes(token) {
            assert!(!indexes.contains(&index), "an index handed out before the kill is not reused: {index}");
        }
    }
    eprintln!(
        "SIGKILL during issuance: {} acknowledged credentials all known to the surviving node",
        acknowledged.len()
    );
}
