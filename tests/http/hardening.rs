//! Issue 11 over real HTTP: what an attack run found, each with a regression test that failed before the fix;
//! keys and the admin token rotated without a restart; protocol state that survives a restart.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use skillspass::core::encoding::b64url;

use crate::helpers::{
    ServerProcess, assert_problem, check, client, free_port, issue, jwt_of, micro_credential, verify,
};
use crate::wallet::{account, call};

fn url(server: &ServerProcess, path: &str) -> String {
    format!("{}{path}", server.url)
}

/// An export file whose header asks Argon2id for 1 GiB and 64 passes: about 300 bytes.
pub fn kdf_bomb() -> Vec<u8> {
    let header = json!({"kdf": {"alg": "argon2id", "m": 1_048_576, "t": 64, "p": 1, "salt": b64url([0u8; 16])},
        "aead": "XChaCha20-Poly1305", "created": "2026-01-01T00:00:00Z"});
    let header = serde_json::to_vec(&header).unwrap();
    let mut file = b"SKPXPORT".to_vec();
    file.push(1);
    file.extend_from_slice(&u32::try_from(header.len()).unwrap().to_be_bytes());
    file.extend_from_slice(&header);
    file.extend_from_slice(&[7u8; 64]);
    file
}

#[tokio::test(flavor = "multi_thread")]
async fn a_300_byte_export_asking_for_a_gibibyte_is_refused_at_once_issue_11() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(dir.path(), "wallet", "127.0.0.1:0", &[]);
    let (_, token) = account(&server, "target", "a long enough passphrase").await;
    let file = kdf_bomb();
    assert!(file.len() < 400, "{} bytes", file.len());
    let started = Instant::now();
    let body = json!({"file": b64url(&file), "passphrase": "whatever it is"});
    let (status, problem) =
        call(reqwest::Method::POST, url(&server, "/wallet/restore"), Some(&token), Some(body)).await;
    assert_problem(status, &problem, 422, "invalid-export");
    assert!(problem["detail"].as_str().unwrap().contains("Argon2id memory"), "{problem:#}");
    assert!(started.elapsed() < Duration::from_secs(2), "refused before any derivation: {:?}", started.elapsed());
    let health = client().get(url(&server, "/health")).send().await.unwrap();
    assert_eq!(health.status().as_u16(), 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn parallel_wrong_passphrases_are_counted_before_they_are_answered_issue_11() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(dir.path(), "wallet", "127.0.0.1:0", &[]);
    account(&server, "victim", "the victim's passphrase").await;
    // Twelve clients with open connections, so the twelve guesses arrive together even on a loaded machine.
    let mut clients = Vec::new();
    for _ in 0..12 {
        let warm = reqwest::Client::new();
        assert_eq!(warm.get(url(&server, "/health")).send().await.unwrap().status().as_u16(), 200);
        clients.push(warm);
    }
    let target = url(&server, "/wallet/sessions");
    let guesses = clients.into_iter().enumerate().map(|(i, warm)| {
        let body = json!({"account": "victim", "passphrase": format!("guess number {i}")});
        let request = warm.post(target.clone()).json(&body);
        async move {
            let response = request.send().await.unwrap();
            (response.status().as_u16(), response.json::<Value>().await.unwrap_or(Value::Null))
        }
    });
    let answers = futures_join(guesses).await;
    let refused = answers.iter().filter(|(status, _)| *status == 401).count();
    let throttled: Vec<&(u16, Value)> = answers.iter().filter(|(status, _)| *status == 429).collect();
    assert_eq!(refused, 5, "five guesses are checked: {answers:?}");
    assert_eq!(throttled.len(), 7, "the other seven wait: {answers:?}");
    assert_eq!(throttled[0].1["type"], "https://w3id.org/skillspass/problems#too-many-requests");
    let response = client()
        .post(url(&server, "/wallet/sessions"))
        .json(&json!({"account": "victim", "passphrase": "the victim's passphrase"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 429, "even the right passphrase waits its turn");
    assert!(response.headers().get("retry-after").is_some(), "429 carries Retry-After");
}

async fn futures_join<F: std::future::Future<Output = (u16, Value)> + Send + 'static>(
    calls: impl Iterator<Item = F>,
) -> Vec<(u16, Value)> {
    let handles: Vec<_> = calls.map(tokio::spawn).collect();
    let mut answers = Vec::new();
    for handle in handles {
        answers.push(handle.await.unwrap());
    }
    answers
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_admin_tokens_are_throttled_per_client_issue_11() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(dir.path(), "issuer", "127.0.0.1:0", &[]);
    let mut statuses = Vec::new();
    for i in 0..12 {
        let (status, _) = issue(&server, &micro_credential(&server.did()), Some(&format!("wrong-{i}"))).await;
        statuses.push(status);
    }
    assert_eq!(statuses.iter().filter(|s| **s == 401).count(), 10, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 2, "{statuses:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stranger_s_export_is_not_merged_into_a_wallet_issue_11() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(dir.path(), "issuer,wallet", "127.0.0.1:0", &["--allow-loopback-http"]);
    let (alice_did, alice) = account(&server, "alice", "alice's long passphrase").await;
    let (_, mallory) = account(&server, "mallory", "mallory's long passphrase").await;
    let mut credential = micro_credential(&server.did());
    credential["credentialSubject"]["id"] = json!(alice_did);
    let (_, answer) = issue(&server, &credential, Some(&server.admin_token())).await;
    let body = json!({"credential": jwt_of(&answer)});
    assert_eq!(call(reqwest::Method::POST, url(&server, "/wallet/credentials"), Some(&alice), Some(body)).await.0, 201);
    let (_, mallory_export) = call(
        reqwest::Method::POST,
        url(&server, "/wallet/export"),
        Some(&mallory),
        Some(json!({"passphrase": "mallory export"})),
    )
    .await;
    let stranger = json!({"file": mallory_export["file"], "passphrase": "mallory export"});
    let (status, problem) =
        call(reqwest::Method::POST, url(&server, "/wallet/restore"), Some(&alice), Some(stranger.clone())).await;
    assert_problem(status, &problem, 409, "wallet-not-empty");
    let merge = json!({"file": mallory_export["file"], "passphrase": "mallory export", "merge": true});
    let (status, problem) =
        call(reqwest::Method::POST, url(&server, "/wallet/restore"), Some(&alice), Some(merge)).await;
    assert_problem(status, &problem, 409, "wallet-not-empty");
    let (_, own) = call(
        reqwest::Method::POST,
        url(&server, "/wallet/export"),
        Some(&alice),
        Some(json!({"passphrase": "alice export"})),
    )
    .await;
    let same_holder = json!({"file": own["file"], "passphrase": "alice export", "merge": true});
    let (status, restored) =
        call(reqwest::Method::POST, url(&server, "/wallet/restore"), Some(&alice), Some(same_holder)).await;
    assert_eq!((status, restored["restored"].as_u64()), (200, Some(1)), "{restored:#}");
    let (_, listed) = call(reqwest::Method::GET, url(&server, "/wallet/credentials"), Some(&alice), None).await;
    assert_eq!(listed["credentials"].as_array().unwrap().len(), 1, "the same credential, not a stranger's");
}

#[tokio::test(flavor = "multi_thread")]
async fn slow_and_partial_requests_are_closed_and_connections_are_bounded_issue_11() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(
        dir.path(),
        "verifier",
        "127.0.0.1:0",
        &["--header-timeout-ms", "500", "--max-connections", "64"],
    );
    let address = server.url.trim_start_matches("http://").to_owned();
    let mut held: Vec<TcpStream> = (0..60)
        .map(|_| {
            let mut stream = TcpStream::connect(&address).unwrap();
            stream.write_all(b"POST /credentials/verify HTTP/1.1\r\nHost: x\r\nContent-").unwrap();
            stream
        })
        .collect();
    std::thread::sleep(Duration::from_millis(1200));
    let mut closed = 0;
    for stream in &mut held {
        stream.set_read_timeout(Some(Duration::from_millis(500))).unwrap();
        let mut buffer = [0u8; 512];
        // A closed connection reads as end of stream (possibly after a 408 answer) or as a reset.
        loop {
            match stream.read(&mut buffer) {
                Ok(0) => {
                    closed += 1;
                    break;
                }
                Ok(_) => {}
                Err(error) if error.kind() == std::io::ErrorKind::ConnectionReset => {
                    closed += 1;
                    break;
                }
                Err(_) => break,
            }
        }
    }
    assert!(closed >= 55, "the server closed the partial requests: {closed} of 60");
    let health = client().get(url(&server, "/health")).send().await.unwrap();
    assert_eq!(health.status().as_u16(), 200, "and still answers");
}

/// An issuer-only `serve` with its standard error captured, started with `global` flags before `serve` and
/// `RUST_LOG` set or removed; returns the child and its base URL, read from the first line it prints.
fn logged_issuer(data: &std::path::Path, global: &[&str], rust_log: Option<&str>) -> (std::process::Child, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_skillspass"));
    command.args(global).args([
        "serve",
        "--data",
        data.to_str().unwrap(),
        "--addr",
        "127.0.0.1:0",
        "--roles",
        "issuer",
    ]);
    match rust_log {
        Some(level) => command.env("RUST_LOG", level),
        None => command.env_remove("RUST_LOG"),
    };
    let mut child =
        command.env_remove("SKILLSPASS_ADMIN_TOKEN").stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    std::io::BufRead::read_line(&mut stdout, &mut line).unwrap();
    assert!(line.starts_with("skillspass listening on "), "{line}");
    (child, line.trim().trim_start_matches("skillspass listening on ").to_owned())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_admin_token_is_written_not_printed_and_logs_follow_rust_log_issue_11() {
    let dir = tempfile::tempdir().unwrap();
    let (child, _) = logged_issuer(dir.path(), &[], Some("debug"));
    std::thread::sleep(Duration::from_millis(300));
    let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let token = std::fs::read_to_string(dir.path().join("admin-token")).unwrap();
    assert!(!stderr.contains(token.trim()), "the token is not printed");
    assert!(stderr.contains("admin token written to"), "{stderr}");
    assert!(stderr.contains("DEBUG") || stderr.contains("INFO"), "RUST_LOG reaches the log: {stderr}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(dir.path().join("admin-token")).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn keys_and_the_admin_token_rotate_without_a_restart_issue_11() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(dir.path(), "issuer,verifier", "127.0.0.1:0", &["--allow-loopback-http"]);
    let token_file = dir.path().join("admin-token");
    let cli = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_skillspass"))
            .args(args)
            .args(["--issuer", &server.url, "--token-file", token_file.to_str().unwrap()])
            .output()
            .unwrap()
    };
    let (_, answer) = issue(&server, &micro_credential(&server.did()), Some(&server.admin_token())).await;
    let before = jwt_of(&answer);
    let rotated = cli(&["keys", "rotate"]);
    assert!(rotated.status.success(), "{}", String::from_utf8_lossy(&rotated.stderr));
    assert!(String::from_utf8_lossy(&rotated.stdout).contains("active key key-2; published key-1, key-2"));
    let (_, answer) = issue(&server, &micro_credential(&server.did()), Some(&server.admin_token())).await;
    let after = jwt_of(&answer);
    let header: Value =
        serde_json::from_slice(&skillspass::core::encoding::b64url_decode(after.split('.').next().unwrap()).unwrap())
            .unwrap();
    assert_eq!(header["kid"], format!("{}#key-2", server.did()), "new credentials use the new key");
    for jwt in [&before, &after] {
        let report = verify(&server, jwt).await;
        assert_eq!(report["verified"], true, "old and new credentials verify: {report:#}");
    }
    let document: Value =
        client().get(url(&server, "/.well-known/did.json")).send().await.unwrap().json().await.unwrap();
    assert_eq!(document["assertionMethod"].as_array().unwrap().len(), 2, "{document:#}");
    let refused = cli(&["keys", "retire", "key-2"]);
    assert!(!refused.status.success(), "the active key cannot be retired");
    let retired = cli(&["keys", "retire", "key-1"]);
    assert!(retired.status.success(), "{}", String::from_utf8_lossy(&retired.stderr));
    assert_eq!(check(&verify(&server, &before).await, "issuer-key"), "failed", "a retired key verifies nothing");
    assert_eq!(verify(&server, &after).await["verified"], true);

    let old_token = server.admin_token();
    let rotated = cli(&["keys", "rotate-admin-token"]);
    assert!(rotated.status.success(), "{}", String::from_utf8_lossy(&rotated.stderr));
    let new_token = server.admin_token();
    assert_ne!(old_token, new_token);
    assert!(!String::from_utf8_lossy(&rotated.stdout).contains(&new_token), "the new token is not printed");
    assert_eq!(issue(&server, &micro_credential(&server.did()), Some(&old_token)).await.0, 401);
    assert_eq!(issue(&server, &micro_credential(&server.did()), Some(&new_token)).await.0, 201);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_used_nonce_stays_used_and_an_offer_stays_pending_across_a_restart_issue_11() {
    let dir = tempfile::tempdir().unwrap();
    let addr = format!("127.0.0.1:{}", free_port());
    let roles = "issuer,verifier,wallet";
    let server = ServerProcess::start(dir.path(), roles, &addr, &["--allow-loopback-http"]);
    let (did, session) = account(&server, "worker", "the worker's passphrase").await;
    let mut credential = micro_credential(&server.did());
    credential["credentialSubject"]["id"] = json!(did);
    let (_, answer) = issue(&server, &credential, Some(&server.admin_token())).await;
    let body = json!({"credential": jwt_of(&answer)});
    let (status, stored) =
        call(reqwest::Method::POST, url(&server, "/wallet/credentials"), Some(&session), Some(body)).await;
    assert_eq!(status, 201, "{stored:#}");
    let id = stored["credential"]["id"].as_str().unwrap().to_owned();
    let present = json!({"credentialIds": [id], "nonce": "nonce-before-restart", "aud": "https://employer.example"});
    let (_, presented) =
        call(reqwest::Method::POST, url(&server, "/wallet/presentations"), Some(&session), Some(present)).await;
    let vp = presented["verifiablePresentation"].clone();
    let verify_vp = |server: &ServerProcess| {
        let body = json!({"verifiablePresentation": vp, "options": {"challenge": "nonce-before-restart", "domain": "https://employer.example"}});
        call(reqwest::Method::POST, url(server, "/presentations/verify"), None, Some(body))
    };
    assert_eq!(verify_vp(&server).await.1["verified"], true);
    let achievement: Value = serde_json::from_str(include_str!("../../docs/examples/course-badge.json")).unwrap();
    let (_, offer) = call(
        reqwest::Method::POST,
        url(&server, "/offers"),
        Some(&server.admin_token()),
        Some(json!({"achievement": achievement})),
    )
    .await;
    server.stop();

    let server = ServerProcess::start(dir.path(), roles, &addr, &["--allow-loopback-http"]);
    let (_, replayed) = verify_vp(&server).await;
    assert_eq!(replayed["verified"], false, "a replay after the restart: {replayed:#}");
    assert_eq!(check(&replayed, "replay"), "failed");
    let (status, document) =
        call(reqwest::Method::GET, offer["credential_offer_uri"].as_str().unwrap().to_owned(), None, None).await;
    assert_eq!(status, 200, "the pending offer survived the restart: {document:#}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_holder_deletes_a_credential_and_closes_the_session_issue_11() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(dir.path(), "issuer,verifier,wallet", "127.0.0.1:0", &["--allow-loopback-http"]);
    let (did, session) = account(&server, "holder", "the holder's passphrase").await;
    let mut credential = micro_credential(&server.did());
    credential["credentialSubject"]["id"] = json!(did);
    let (_, answer) = issue(&server, &credential, Some(&server.admin_token())).await;
    let body = json!({"credential": jwt_of(&answer)});
    let (_, stored) =
        call(reqwest::Method::POST, url(&server, "/wallet/credentials"), Some(&session), Some(body)).await;
    let id = stored["credential"]["id"].as_str().unwrap().to_owned();
    let (status, _) =
        call(reqwest::Method::DELETE, url(&server, &format!("/wallet/credentials/{id}")), Some(&session), None).await;
    assert_eq!(status, 204);
    let (_, listed) = call(reqwest::Method::GET, url(&server, "/wallet/credentials"), Some(&session), None).await;
    assert_eq!(listed["credentials"], json!([]), "deleted: {listed:#}");
    let (status, gone) =
        call(reqwest::Method::GET, url(&server, &format!("/wallet/credentials/{id}")), Some(&session), None).await;
    assert_problem(status, &gone, 404, "unknown-credential");

    let (status, _) = call(reqwest::Method::DELETE, url(&server, "/wallet/sessions"), Some(&session), None).await;
    assert_eq!(status, 204);
    let (status, closed) = call(reqwest::Method::GET, url(&server, "/wallet/credentials"), Some(&session), None).await;
    assert_problem(status, &closed, 401, "invalid-session");
    let reopened = json!({"account": "holder", "passphrase": "the holder's passphrase"});
    let (status, _) = call(reqwest::Method::POST, url(&server, "/wallet/sessions"), None, Some(reopened)).await;
    assert_eq!(status, 201, "the wallet itself is still there");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_body_that_stops_arriving_gets_408_after_the_request_timeout_issue_11() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(dir.path(), "verifier", "127.0.0.1:0", &["--request-timeout-ms", "500"]);
    let mut stream = TcpStream::connect(server.url.trim_start_matches("http://")).unwrap();
    // A whole head announcing 100 bytes, then one byte of body, then nothing.
    let head = "POST /credentials/verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{";
    stream.write_all(head.as_bytes()).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let started = Instant::now();
    let mut answer = Vec::new();
    let mut buffer = [0u8; 1024];
    while let Ok(read) = stream.read(&mut buffer) {
        if read == 0 {
            break;
        }
        answer.extend_from_slice(&buffer[..read]);
        if answer.windows(4).any(|w| w == b"\r\n\r\n") {
            break;
        }
    }
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "the stalled body is answered 408: {answer}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "within the timeout, not the default 30 s: {:?}",
        started.elapsed()
    );
    let health = client().get(url(&server, "/health")).send().await.unwrap();
    assert_eq!(health.status().as_u16(), 200, "and the server goes on");
}

/// `skillspass --log LEVEL serve` sets what reaches standard error when `RUST_LOG` is not set.
#[tokio::test(flavor = "multi_thread")]
async fn the_log_flag_sets_the_level_issue_11() {
    let mut outputs = Vec::new();
    for level in ["info", "warn"] {
        let dir = tempfile::tempdir().unwrap();
        let (child, base) = logged_issuer(dir.path(), &["--log", level], None);
        let token = std::fs::read_to_string(dir.path().join("admin-token")).unwrap();
        let rotated = client().post(format!("{base}/admin/token")).bearer_auth(token.trim()).send().await.unwrap();
        assert_eq!(rotated.status().as_u16(), 200, "{level}");
        let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
        let output = child.wait_with_output().unwrap();
        outputs.push(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    assert!(outputs[0].contains("admin token rotated"), "--log info shows the rotation: {}", outputs[0]);
    assert!(!outputs[1].contains("admin token rotated"), "--log warn does not: {}", outputs[1]);
    assert!(!outputs.iter().any(|o| o.contains("Bearer")), "no token in the log");
}
