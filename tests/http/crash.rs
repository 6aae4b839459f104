//! Crash safety of the server (issue 11): SIGKILL twenty times while credentials are issued and imported into a
//! hosted wallet concurrently. Whatever the server acknowledged (201) is there after the restart: every issued id
//! is known to the issuer (issuing it again is a duplicate), every imported credential is in the wallet, no status
//! index was handed out twice, and the indexes issued after the restarts are new ones.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use skillspass::core::encoding::b64url_decode;

use crate::helpers::{ServerProcess, assert_problem, client, free_port, issue, jwt_of, micro_credential};
use crate::wallet::{account, call};

const PASSPHRASE: &str = "the crash test's passphrase";

/// What the server acknowledged: issued (id, compact credential) and imported ids.
#[derive(Default)]
struct Acknowledged {
    issued: Vec<(String, String)>,
    imported: HashSet<String>,
}

pub(super) fn status_indexes(token: &str) -> Vec<String> {
    let payload: Value = serde_json::from_slice(&b64url_decode(token.split('.').nth(1).unwrap()).unwrap()).unwrap();
    let entries = match &payload["credentialStatus"] {
        Value::Array(entries) => entries.clone(),
        Value::Null => Vec::new(),
        one => vec![one.clone()],
    };
    entries
        .iter()
        .map(|e| format!("{} {} {}", e["statusListCredential"], e["statusPurpose"], e["statusListIndex"]))
        .collect()
}

async fn session(server: &ServerProcess) -> String {
    let body = json!({"account": "crash", "passphrase": PASSPHRASE});
    let (status, answer) =
        call(reqwest::Method::POST, format!("{}/wallet/sessions", server.url), None, Some(body)).await;
    assert_eq!(status, 201, "the wallet opens after a kill: {answer:#}");
    answer["token"].as_str().unwrap().to_owned()
}

/// Issues credentials to `holder` until the server goes away.
async fn issuing(url: String, did: String, holder: String, token: String, seen: Arc<Mutex<Acknowledged>>) {
    let http = client();
    loop {
        let mut credential = micro_credential(&did);
        credential["credentialSubject"]["id"] = json!(holder);
        let id = credential["id"].as_str().unwrap().to_owned();
        let sent =
            http.post(format!("{url}/credentials/issue")).bearer_auth(&token).json(&json!({"credential": credential}));
        let Ok(response) = sent.send().await else { return };
        if response.status().as_u16() != 201 {
            return;
        }
        let Ok(answer) = response.json::<Value>().await else { return };
        seen.lock().unwrap().issued.push((id, jwt_of(&answer)));
    }
}

/// Imports issued credentials into the hosted wallet until the server goes away.
async fn importing(url: String, session: String, seen: Arc<Mutex<Acknowledged>>) {
    let http = client();
    let mut next = 0;
    loop {
        let pending = {
            let seen = seen.lock().unwrap();
            seen.issued.get(next).cloned()
        };
        let Some((id, jwt)) = pending else {
            // Nothing new to import: is the server still there?
            if http.get(format!("{url}/health")).send().await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
            continue;
        };
        let sent =
            http.post(format!("{url}/wallet/credentials")).bearer_auth(&session).json(&json!({"credential": jwt}));
        let Ok(response) = sent.send().await else { return };
        if !response.status().is_success() {
            return;
        }
        seen.lock().unwrap().imported.insert(id);
        next += 1;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn twenty_sigkills_during_issuance_and_imports_lose_nothing_acknowledged_issue_11() {
    let dir = tempfile::tempdir().unwrap();
    let addr = format!("127.0.0.1:{}", free_port());
    let roles = "issuer,verifier,wallet";
    let flags = ["--allow-loopback-http"];
    let first = ServerProcess::start(dir.path(), roles, &addr, &flags);
    let (holder, _) = account(&first, "crash", PASSPHRASE).await;
    first.stop();
    let seen = Arc::new(Mutex::new(Acknowledged::default()));
    for round in 0..20u64 {
        let server = ServerProcess::start(dir.path(), roles, &addr, &flags);
        let session = session(&server).await;
        let mut tasks = Vec::new();
        for _ in 0..3 {
            let (url, did, token) = (server.url.clone(), server.did(), server.admin_token());
            tasks.push(tokio::spawn(issuing(url, did, holder.clone(), token, Arc::clone(&seen))));
        }
        tasks.push(tokio::spawn(importing(server.url.clone(), session, Arc::clone(&seen))));
        tokio::time::sleep(Duration::from_millis(700 + 97 * (round % 7))).await;
        server.kill();
        for task in tasks {
            let _ = task.await;
        }
    }

    let server = ServerProcess::start(dir.path(), roles, &addr, &flags);
    let seen = std::mem::take(&mut *seen.lock().unwrap());
    assert!(
        seen.issued.len() >= 40 && !seen.imported.is_empty(),
        "work was done: {} issued, {} imported",
        seen.issued.len(),
        seen.imported.len()
    );
    let mut indexes = HashSet::new();
    for (id, token) in &seen.issued {
        for index in status_indexes(token) {
            assert!(indexes.insert(index.clone()), "status index {index} was handed out twice");
        }
        let mut again = micro_credential(&server.did());
        again["id"] = json!(id);
        let (status, body) = issue(&server, &again, Some(&server.admin_token())).await;
        assert_problem(status, &body, 409, "duplicate-credential");
    }
    let (_, fresh) = issue(&server, &micro_credential(&server.did()), Some(&server.admin_token())).await;
    for index in status_indexes(&jwt_of(&fresh)) {
        assert!(!indexes.contains(&index), "an index handed out before the kills is not reused: {index}");
    }
    let session = session(&server).await;
    let (_, listed) =
        call(reqwest::Method::GET, format!("{}/wallet/credentials", server.url), Some(&session), None).await;
    let stored: HashSet<String> =
        listed["credentials"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_owned()).collect();
    for id in &seen.imported {
        assert!(stored.contains(id), "acknowledged import {id} was lost");
    }
    eprintln!("20 kills: {} credentials issued and {} imported, all there", seen.issued.len(), seen.imported.len());
}
