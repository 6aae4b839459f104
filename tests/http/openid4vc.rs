//! Issue #6: `OpenID4VCI` and `OpenID4VP` over real HTTP. Issuer and verifier run as separate `skillspass serve`
//! processes; the worker's wallet is the `skillspass wallet` command (its own sled folder), or, where a test must
//! hold on to what the wallet sent (to replay it), the holder agent of the library against the same servers.

use std::process::Command;

use serde_json::{Value, json};
use skillspass::core::clock::Clock as _;
use skillspass::core::keys::SigningKey;
use skillspass::core::openid4vci;
use skillspass::net::Fetcher;
use skillspass::system::SystemClock;
use skillspass::verifier::{Policy, Verifier};
use skillspass::wallet::Wallet;
use skillspass::wallet::agent::Agent;

use super::helpers::{AFTER_TTL, ServerProcess, client, set_status};

pub(super) const MICRO: &str = include_str!("../../docs/examples/micro-credential.json");
const BADGE: &str = include_str!("../../docs/examples/course-badge.json");
pub(super) const PYTHON: &str = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d";
pub(super) const OTHER_MICRO_SKILL: &str = "http://data.europa.eu/esco/skill/326809fc-238d-40c2-881e-40042f7f2f0d";
const BADGE_SKILL: &str = "http://data.europa.eu/esco/skill/5fd5c985-eaaa-47aa-8314-62359c54505a";
const NOT_HELD: &str = "http://data.europa.eu/esco/skill/00000000-0000-0000-0000-000000000000";
pub(super) const PASSPHRASE: &str = "correct horse battery";

/// `skillspass wallet <args>` on the wallet in `dir`; returns (exit code, stdout, stderr).
pub(super) fn wallet_cli(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_skillspass"))
        .arg("wallet")
        .args(args)
        .env("SKILLSPASS_WALLET", dir)
        .env("SKILLSPASS_PASSPHRASE", PASSPHRASE)
        .env("SKILLSPASS_EXPORT_PASSPHRASE", "export passphrase 1")
        .env_remove("SKILLSPASS_ALLOW_LOOPBACK_HTTP")
        .output()
        .unwrap();
    let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
    (output.status.code().unwrap(), text(output.stdout), text(output.stderr))
}

pub(super) fn servers(dir: &std::path::Path) -> (ServerProcess, ServerProcess) {
    let issuer = ServerProcess::start(&dir.join("issuer"), "issuer", "127.0.0.1:0", &[]);
    let verifier = ServerProcess::start(&dir.join("verifier"), "verifier", "127.0.0.1:0", &["--allow-loopback-http"]);
    (issuer, verifier)
}

/// `POST /offers` (admin).
pub(super) async fn offer(issuer: &ServerProcess, description: &str, extra: Value) -> Value {
    let mut body = json!({"achievement": serde_json::from_str::<Value>(description).unwrap()});
    body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    let response =
        client().post(format!("{}/offers", issuer.url)).bearer_auth(issuer.admin_token()).json(&body).send().await;
    let response = response.unwrap();
    assert_eq!(response.status().as_u16(), 201);
    response.json().await.unwrap()
}

/// `POST /verifier/requests` (admin).
pub(super) async fn request(verifier: &ServerProcess, body: Value) -> Value {
    let response = client()
        .post(format!("{}/verifier/requests", verifier.url))
        .bearer_auth(verifier.admin_token())
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 201);
    response.json().await.unwrap()
}

pub(super) async fn get(url: &str, bearer: Option<&str>) -> (u16, Value) {
    let mut request = client().get(url);
    if let Some(token) = bearer {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
}

pub(super) async fn post_form(url: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let response = client().post(url).form(form).send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
}

fn proven(result: &Value) -> Vec<String> {
    result["proven_skills"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test(flavor = "multi_thread")]
#[expect(clippy::too_many_lines, reason = "one story, told in order")]
async fn earn_move_prove_revoke_by_the_standard_protocols() {
    let dir = tempfile::tempdir().unwrap();
    let (issuer, verifier) = servers(dir.path());
    let wallet = dir.path().join("wallet");
    assert_eq!(wallet_cli(&wallet, &["init"]).0, 0);

    // Earn: an offer with a transaction code, accepted by the CLI wallet.
    let micro = offer(&issuer, MICRO, json!({"tx_code": true})).await;
    let uri = micro["offer_uri"].as_str().unwrap();
    assert!(uri.starts_with("openid-credential-offer://?credential_offer_uri="));
    let (status, qr) = {
        let response = client().get(micro["qr_svg_uri"].as_str().unwrap()).send().await.unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    };
    assert!(status == 200 && qr.contains("<svg"), "the offer is also a QR code");
    let (code, out, err) = wallet_cli(
        &wallet,
        &["accept", uri, "--tx-code", micro["tx_code"].as_str().unwrap(), "--allow-loopback-http", "--json"],
    );
    assert_eq!(code, 0, "{out}{err}");
    let accepted: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(accepted["status"], "accepted");
    assert_eq!(accepted["skills"], json!([PYTHON, OTHER_MICRO_SKILL]));
    let (_, state) =
        get(&format!("{}/offers/{}/state", issuer.url, micro["id"].as_str().unwrap()), Some(&issuer.admin_token()))
            .await;
    assert_eq!(state["state"], "credential_accepted", "the wallet's notification arrived");
    let micro_id = state["credential_id"].as_str().unwrap().to_owned();
    let badge = offer(&issuer, BADGE, json!({})).await;
    assert_eq!(wallet_cli(&wallet, &["accept", badge["offer_uri"].as_str().unwrap(), "--allow-loopback-http"]).0, 0);

    // Move: export, restore into a new wallet.
    let export = dir.path().join("export.skp");
    assert_eq!(wallet_cli(&wallet, &["export", "--out", export.to_str().unwrap()]).0, 0);
    let moved = dir.path().join("moved");
    assert_eq!(wallet_cli(&moved, &["restore", export.to_str().unwrap()]).0, 0);

    // Prove: two skills from two credentials, a signed request; only those two skills are disclosed.
    let created = request(
        &verifier,
        json!({"skills": [PYTHON, BADGE_SKILL], "client_id_prefix": "decentralized_identifier",
        "redirect_uri": "https://employer.example/done"}),
    )
    .await;
    let (code, out, err) = wallet_cli(
        &moved,
        &[
            "respond",
            created["authorization_request_uri"].as_str().unwrap(),
            "--yes",
            "--allow-loopback-http",
            "--json",
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains(&format!("did:web:localhost%3A{}", verifier.port())), "the wallet shows who asks: {err}");
    let sent: Value = serde_json::from_str(out.trim()).unwrap();
    let disclosed = sent["disclosed"].to_string();
    assert!(disclosed.contains(PYTHON) && disclosed.contains(BADGE_SKILL), "{disclosed}");
    assert!(!disclosed.contains(OTHER_MICRO_SKILL) && !disclosed.contains("learner_name"), "nothing else: {disclosed}");
    let redirect = sent["redirect_uri"].as_str().unwrap();
    let response_code = redirect.strip_prefix("https://employer.example/done#response_code=").unwrap();
    let status_url = format!("{}/verifier/requests/{}", verifier.url, created["id"].as_str().unwrap());
    let (_, without_code) = get(&status_url, None).await;
    assert_eq!(without_code["status"], "verified");
    assert!(without_code.get("result").is_none(), "the result needs the response code or the admin token");
    let (_, wrong_code) = get(&format!("{status_url}?response_code=guess"), None).await;
    assert!(wrong_code.get("result").is_none());
    let (_, with_code) = get(&format!("{status_url}?response_code={response_code}"), None).await;
    assert_eq!(with_code["result"]["verified"], true, "{with_code:#}");
    assert_eq!(proven(&with_code["result"]), [PYTHON, BADGE_SKILL]);

    // A request the wallet cannot satisfy is answered with access_denied.
    let impossible = request(&verifier, json!({"skills": [NOT_HELD]})).await;
    let (code, _, err) = wallet_cli(
        &moved,
        &["respond", impossible["authorization_request_uri"].as_str().unwrap(), "--yes", "--allow-loopback-http"],
    );
    assert_eq!(code, 1, "{err}");
    let (_, declined) = get(
        &format!("{}/verifier/requests/{}", verifier.url, impossible["id"].as_str().unwrap()),
        Some(&verifier.admin_token()),
    )
    .await;
    assert_eq!(declined["status"], "declined");
    assert_eq!(declined["result"]["error"], "access_denied");

    // Revoke: the same request now fails, for the revoked credential only.
    assert_eq!(set_status(&issuer, &micro_id, "revoked").await.0, 200);
    tokio::time::sleep(AFTER_TTL).await;
    let again = request(&verifier, json!({"skills": [PYTHON, BADGE_SKILL]})).await;
    let (code, out, err) = wallet_cli(
        &moved,
        &["respond", again["authorization_request_uri"].as_str().unwrap(), "--yes", "--allow-loopback-http"],
    );
    assert_eq!(code, 0, "the wallet still sends: {out}{err}");
    let (_, after) = get(
        &format!("{}/verifier/requests/{}", verifier.url, again["id"].as_str().unwrap()),
        Some(&verifier.admin_token()),
    )
    .await;
    assert_eq!(after["status"], "failed");
    assert_eq!(after["result"]["verified"], false);
    assert_eq!(proven(&after["result"]), [BADGE_SKILL]);
    assert!(after["result"]["presentations"]["skill_1"].to_string().contains("revoked"), "{after:#}");
}

/// POSTs `/token` for a code.
async fn token(issuer: &ServerProcess, code: &str, tx_code: Option<&str>) -> (u16, Value) {
    let mut form = vec![("grant_type", openid4vci::PRE_AUTHORIZED_CODE_GRANT), ("pre-authorized_code", code)];
    if let Some(tx_code) = tx_code {
        form.push(("tx_code", tx_code));
    }
    post_form(&format!("{}/token", issuer.url), &form).await
}

/// An access token for an offer.
pub(super) async fn access_token(issuer: &ServerProcess, offer: &Value) -> String {
    let (status, answer) = token(issuer, &code_of(offer).await, None).await;
    assert_eq!(status, 200);
    answer["access_token"].as_str().unwrap().to_owned()
}

/// The pre-authorized code of an offer, as the wallet reads it.
async fn code_of(offer: &Value) -> String {
    let (_, document) = get(offer["credential_offer_uri"].as_str().unwrap(), None).await;
    document["grants"][openid4vci::PRE_AUTHORIZED_CODE_GRANT]["pre-authorized_code"].as_str().unwrap().to_owned()
}

pub(super) fn assert_oauth(answer: &(u16, Value), status: u16, error: &str, mentions: &str) {
    assert_eq!(answer.0, status, "{:#}", answer.1);
    assert_eq!(answer.1["error"], error, "{:#}", answer.1);
    let description = answer.1["error_description"].as_str().unwrap();
    assert!(description.contains(mentions), "{description:?} should mention {mentions:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn pre_authorized_codes_are_single_use_short_lived_and_guarded_by_the_transaction_code() {
    let dir = tempfile::tempdir().unwrap();
    let issuer = ServerProcess::start(&dir.path().join("issuer"), "issuer", "127.0.0.1:0", &[]);

    // Two seconds: long enough to read the offer on a loaded machine, short enough to wait out.
    let short = offer(&issuer, MICRO, json!({"expires_in": 2})).await;
    let code = code_of(&short).await;
    tokio::time::sleep(std::time::Duration::from_millis(2300)).await;
    assert_oauth(&token(&issuer, &code, None).await, 400, "invalid_grant", "expired");

    let once = offer(&issuer, MICRO, json!({})).await;
    let code = code_of(&once).await;
    assert_eq!(token(&issuer, &code, None).await.0, 200);
    assert_oauth(&token(&issuer, &code, None).await, 400, "invalid_grant", "already used");
    assert_eq!(get(once["credential_offer_uri"].as_str().unwrap(), None).await.0, 404, "a used offer is gone");
    assert_oauth(&token(&issuer, "made-up", None).await, 400, "invalid_grant", "unknown");

    let guarded = offer(&issuer, MICRO, json!({"tx_code": {"length": 8}})).await;
    let right = guarded["tx_code"].as_str().unwrap().to_owned();
    assert_eq!(right.len(), 8);
    let code = code_of(&guarded).await;
    assert_oauth(&token(&issuer, &code, None).await, 400, "invalid_request", "requires a tx_code");
    assert_oauth(&token(&issuer, &code, Some("00000000")).await, 400, "invalid_grant", "2 attempt(s) left");
    assert_oauth(&token(&issuer, &code, Some("11111111")).await, 400, "invalid_grant", "1 attempt(s) left");
    assert_oauth(&token(&issuer, &code, Some("22222222")).await, 400, "invalid_grant", "too many attempts");
    assert_oauth(&token(&issuer, &code, Some(&right)).await, 400, "invalid_grant", "already used");
    let plain = offer(&issuer, MICRO, json!({})).await;
    assert_oauth(
        &token(&issuer, &code_of(&plain).await, Some("1234")).await,
        400,
        "invalid_request",
        "does not use one",
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn key_proofs_are_checked_before_anything_is_issued() {
    let dir = tempfile::tempdir().unwrap();
    let issuer = ServerProcess::start(&dir.path().join("issuer"), "issuer", "127.0.0.1:0", &[]);
    let audience = format!("http://localhost:{}", issuer.port());
    let holder = SigningKey::generate(&mut rand::rngs::OsRng);
    let kid = skillspass::core::did::Did::key(&holder.verifying_key()).default_kid();
    let now = SystemClock.now();
    let nonce = || async {
        let response = client().post(format!("{}/nonce", issuer.url)).send().await.unwrap();
        assert_eq!(response.headers()["cache-control"], "no-store");
        response.json::<Value>().await.unwrap()["c_nonce"].as_str().unwrap().to_owned()
    };
    let credential = |access: String, proof: String| {
        let url = format!("{}/credential", issuer.url);
        async move {
            let body = json!({"credential_configuration_id": "micro_credential_sd_jwt", "proofs": {"jwt": [proof]}});
            let response = client().post(url).bearer_auth(access).json(&body).send().await.unwrap();
            (response.status().as_u16(), response.json::<Value>().await.unwrap())
        }
    };
    let first = access_token(&issuer, &offer(&issuer, MICRO, json!({})).await).await;
    let n = nonce().await;

    let wrong_aud = openid4vci::key_proof(&holder, &kid, "https://other.example", Some(&n), now).unwrap();
    assert_oauth(&credential(first.clone(), wrong_aud).await, 400, "invalid_proof", "aud");
    let other_key = SigningKey::generate(&mut rand::rngs::OsRng);
    let forged = openid4vci::key_proof(&other_key, &kid, &audience, Some(&n), now).unwrap();
    assert_oauth(&credential(first.clone(), forged).await, 400, "invalid_proof", "header's key");
    let old = openid4vci::key_proof(&holder, &kid, &audience, Some(&n), now - chrono::Duration::minutes(10)).unwrap();
    assert_oauth(&credential(first.clone(), old).await, 400, "invalid_proof", "iat");
    let unknown = openid4vci::key_proof(&holder, &kid, &audience, Some("never-issued"), now).unwrap();
    assert_oauth(&credential(first.clone(), unknown).await, 400, "invalid_nonce", "unknown");
    let missing = openid4vci::key_proof(&holder, &kid, &audience, None, now).unwrap();
    assert_oauth(&credential(first.clone(), missing).await, 400, "invalid_nonce", "no nonce");
    assert_oauth(&credential("not-a-token".into(), "x".into()).await, 401, "invalid_token", "unknown");

    let good = openid4vci::key_proof(&holder, &kid, &audience, Some(&n), now).unwrap();
    let (status, answer) = credential(first.clone(), good.clone()).await;
    assert_eq!(status, 200, "{answer:#}");
    let sd_jwt = answer["credentials"][0]["credential"].as_str().unwrap();
    let decoded = skillspass::core::sd_jwt::Decoded::parse(sd_jwt).unwrap();
    let claims = skillspass::core::jose::CompactJws::parse(&decoded.jwt).unwrap().claims().unwrap();
    assert_eq!(claims["cnf"]["jwk"], holder.verifying_key().to_jwk().to_value(), "bound to the proven key");
    assert_oauth(&credential(first.clone(), good.clone()).await, 400, "credential_request_denied", "already issued");

    let second = access_token(&issuer, &offer(&issuer, MICRO, json!({})).await).await;
    assert_oauth(&credential(second.clone(), good).await, 400, "invalid_nonce", "already used");
    let fresh = openid4vci::key_proof(&holder, &kid, &audience, Some(&nonce().await), now).unwrap();
    let body = json!({"credential_configuration_id": "skill_sd_jwt", "proofs": {"jwt": [fresh]}});
    let response =
        client().post(format!("{}/credential", issuer.url)).bearer_auth(&second).json(&body).send().await.unwrap();
    let answer = (response.status().as_u16(), response.json::<Value>().await.unwrap());
    assert_oauth(&answer, 400, "invalid_credential_request", "not offered");
    let notification = json!({"notification_id": "nope", "event": "credential_accepted"});
    let response = client()
        .post(format!("{}/notification", issuer.url))
        .bearer_auth(&first)
        .json(&notification)
        .send()
        .await
        .unwrap();
    assert_oauth(
        &(response.status().as_u16(), response.json::<Value>().await.unwrap()),
        400,
        "invalid_notification_id",
        "unknown",
    );
}

/// A wallet of the library's holder agent, for tests that keep what it sent.
pub(super) struct LibraryWallet {
    wallet: Wallet,
    verifier: Verifier,
    fetcher: Fetcher,
}

impl LibraryWallet {
    pub(super) fn new(dir: &std::path::Path) -> Self {
        let db = skillspass::store::Database::open_folder(dir).unwrap();
        let wallet =
            Wallet::create(&db, "worker", &skillspass::wallet::Passphrase::new(PASSPHRASE).unwrap(), SystemClock.now())
                .unwrap();
        let fetcher = Fetcher::new(true).unwrap();
        let policy = Policy::for_holder();
        Self { wallet, verifier: Verifier::online(policy, fetcher.clone()).unwrap(), fetcher }
    }

    pub(super) fn agent(&self) -> Agent<'_, Verifier> {
        Agent::new(&self.wallet, &self.verifier, &self.fetcher)
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn responses_are_bound_to_their_request() {
    let dir = tempfile::tempdir().unwrap();
    let (issuer, verifier) = servers(dir.path());
    let holder = LibraryWallet::new(&dir.path().join("wallet"));
    let micro = offer(&issuer, MICRO, json!({})).await;
    let read = holder.agent().read_offer(micro["offer_uri"].as_str().unwrap()).await.unwrap();
    holder.agent().accept(&read, None, SystemClock.now()).await.unwrap();

    let first = request(&verifier, json!({"skills": [PYTHON]})).await;
    let asked = holder
        .agent()
        .read_request(first["authorization_request_uri"].as_str().unwrap(), chrono::Utc::now())
        .await
        .unwrap();
    let sent = holder.agent().present(&asked, SystemClock.now()).await.unwrap();
    let state = asked.request.state.clone().unwrap();
    let response_uri = asked.request.response_uri.clone();

    // The same answer again: the request is closed.
    let replay = post_form(&response_uri, &[("vp_token", &sent.vp_token), ("state", &state)]).await;
    assert_oauth(&replay, 400, "invalid_request", "already answered");

    // The same vp_token to another request (its state, its response URI): nonce and audience do not match.
    let second = request(&verifier, json!({"skills": [PYTHON]})).await;
    let other = holder
        .agent()
        .read_request(second["authorization_request_uri"].as_str().unwrap(), chrono::Utc::now())
        .await
        .unwrap();
    let other_state = other.request.state.clone().unwrap();
    let wrong_state =
        post_form(&other.request.response_uri, &[("vp_token", &sent.vp_token), ("state", "guessed")]).await;
    assert_oauth(&wrong_state, 400, "invalid_request", "state");
    let moved = post_form(&other.request.response_uri, &[("vp_token", &sent.vp_token), ("state", &other_state)]).await;
    assert_eq!(moved.0, 200);
    let (_, status) = get(
        &format!("{}/verifier/requests/{}", verifier.url, second["id"].as_str().unwrap()),
        Some(&verifier.admin_token()),
    )
    .await;
    assert_eq!(status["status"], "failed");
    let report = status["result"]["presentations"]["skill_1"].to_string();
    assert!(report.contains("nonce") || report.contains("aud"), "{report}");

    // Unknown requests, malformed tokens.
    let unknown =
        post_form(&format!("{}/verifier/requests/nope/response", verifier.url), &[("vp_token", "{}"), ("state", "x")])
            .await;
    assert_oauth(&unknown, 404, "invalid_request", "no such");
    let third = request(&verifier, json!({"skills": [PYTHON]})).await;
    let asked = holder
        .agent()
        .read_request(third["authorization_request_uri"].as_str().unwrap(), chrono::Utc::now())
        .await
        .unwrap();
    let malformed = post_form(
        &asked.request.response_uri,
        &[("vp_token", "[\"x\"]"), ("state", asked.request.state.as_deref().unwrap())],
    )
    .await;
    assert_eq!(malformed.0, 200, "a malformed token closes the request as failed");
    let (_, status) = get(
        &format!("{}/verifier/requests/{}", verifier.url, third["id"].as_str().unwrap()),
        Some(&verifier.admin_token()),
    )
    .await;
    assert_eq!(status["status"], "failed");

    // Creating requests needs the admin token.
    let response = client()
        .post(format!("{}/verifier/requests", verifier.url))
        .json(&json!({"skills": [PYTHON]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);
}

/// A counterparty that breaks the rules: an offer whose issuer's metadata names another issuer, and a verifier
/// whose request object has the wrong type.
async fn hostile_counterparty() -> String {
    use axum::routing::get;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let key = SigningKey::generate(&mut rand::rngs::OsRng);
    let did = skillspass::core::did::Did::key(&key.verifying_key());
    let offer = json!({"credential_issuer": url, "credential_configuration_ids": ["skill_sd_jwt"],
        "grants": {openid4vci::PRE_AUTHORIZED_CODE_GRANT: {"pre-authorized_code": "c"}}});
    let metadata = json!({"credential_issuer": "https://academy.example", "credential_endpoint": format!("{url}/credential"),
        "credential_configurations_supported": {"skill_sd_jwt": {"format": "dc+sd-jwt"}}});
    let request = json!({"client_id": format!("decentralized_identifier:{did}"), "response_type": "vp_token",
        "response_mode": "direct_post", "response_uri": format!("{url}/response"), "nonce": "n".repeat(32),
        "dcql_query": {"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {}}]}});
    let header = skillspass::core::jose::HeaderSpec { kid: Some(&did.default_kid()), ..Default::default() };
    let untyped = skillspass::core::jose::sign(&serde_json::to_vec(&request).unwrap(), &header, &key).unwrap();
    let router = axum::Router::new()
        .route("/offer", get(move || async move { axum::Json(offer) }))
        .route("/.well-known/openid-credential-issuer", get(move || async move { axum::Json(metadata) }))
        .route("/request", get(move || async move { untyped }));
    tokio::spawn(async move { axum::serve(listener, router).await });
    url
}

#[tokio::test(flavor = "multi_thread")]
async fn the_wallet_refuses_counterparties_that_break_the_rules() {
    let dir = tempfile::tempdir().unwrap();
    let url = hostile_counterparty().await;
    let wallet = dir.path().join("wallet");
    assert_eq!(wallet_cli(&wallet, &["init"]).0, 0);
    let offer_uri = openid4vci::offer_uri(&format!("{url}/offer"));
    let (code, _, err) = wallet_cli(&wallet, &["accept", &offer_uri, "--allow-loopback-http"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("invalid_issuer_metadata") && err.contains("https://academy.example"), "{err}");

    let hostile_did = {
        let text = reqwest::get(format!("{url}/request")).await.unwrap().text().await.unwrap();
        let claims = skillspass::core::jose::CompactJws::parse(&text).unwrap().claims().unwrap();
        claims["client_id"].as_str().unwrap().to_owned()
    };
    let request_uri = skillspass::core::openid4vp::uri_by_reference(&hostile_did, &format!("{url}/request"), false);
    let (code, _, err) = wallet_cli(&wallet, &["respond", &request_uri, "--yes", "--allow-loopback-http"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("invalid_request_object") && err.contains("oauth-authz-req+jwt"), "{err}");

    // Without the development flag, plain http is refused before anything is fetched.
    let (code, _, err) = wallet_cli(&wallet, &["accept", &offer_uri]);
    assert_eq!(code, 1);
    assert!(err.contains("http"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_hosted_wallet_accepts_offers_and_answers_requests_with_consent() {
    use super::wallet::{account, call};
    use reqwest::Method;

    let dir = tempfile::tempdir().unwrap();
    let (issuer, verifier) = servers(dir.path());
    let hosted = ServerProcess::start(&dir.path().join("hosted"), "wallet", "127.0.0.1:0", &["--allow-loopback-http"]);
    let (_, session) = account(&hosted, "sanne", PASSPHRASE).await;
    let micro = offer(&issuer, MICRO, json!({"tx_code": true})).await;
    let url = format!("{}/wallet/offers", hosted.url);
    let wrong =
        call(Method::POST, url.clone(), Some(&session), Some(json!({"offer_uri": micro["offer_uri"], "tx_code": "0"})))
            .await;
    assert_eq!(wrong.0, 422, "{:#}", wrong.1);
    assert_eq!(wrong.1["type"], "https://w3id.org/skillspass/problems#exchange-refused");
    assert!(wrong.1["detail"].as_str().unwrap().contains("invalid_grant"), "{:#}", wrong.1);
    let body = json!({"offer_uri": micro["offer_uri"], "tx_code": micro["tx_code"]});
    let (status, accepted) = call(Method::POST, url.clone(), Some(&session), Some(body.clone())).await;
    assert_eq!(status, 201, "{accepted:#}");
    assert_eq!(accepted["status"], "accepted");
    let (status, _) = call(Method::POST, url, None, Some(body)).await;
    assert_eq!(status, 401, "a session is needed");

    let created = request(&verifier, json!({"skills": [PYTHON], "client_id_prefix": "decentralized_identifier"})).await;
    let uri = created["authorization_request_uri"].clone();
    let url = format!("{}/wallet/presentation-requests", hosted.url);
    let (status, preview) = call(Method::POST, url.clone(), Some(&session), Some(json!({"request_uri": uri}))).await;
    assert_eq!(status, 200, "{preview:#}");
    assert_eq!(preview["status"], "preview");
    assert_eq!(preview["preview"]["plan"][0]["disclose"], json!([format!("skills.0.id = {PYTHON}")]));
    // The hosted wallet asked for 5 copies: this verifier gets one no other has seen, 4 stay unused.
    assert_eq!(preview["preview"]["plan"][0]["copies"], "fresh", "{preview:#}");
    assert_eq!(preview["preview"]["plan"][0]["copies_left"], 4, "{preview:#}");
    let status_url = format!("{}/verifier/requests/{}", verifier.url, created["id"].as_str().unwrap());
    assert_eq!(get(&status_url, None).await.1["status"], "request_fetched", "nothing was sent without consent");
    let (status, sent) =
        call(Method::POST, url.clone(), Some(&session), Some(json!({"request_uri": uri, "consent": true}))).await;
    assert_eq!((status, sent["status"].as_str()), (200, Some("sent")), "{sent:#}");
    let (_, result) = get(&status_url, Some(&verifier.admin_token())).await;
    assert_eq!(result["result"]["verified"], true, "{result:#}");

    let declined_request = request(&verifier, json!({"skills": [PYTHON]})).await;
    let body = json!({"request_uri": declined_request["authorization_request_uri"], "decline": true});
    let (status, declined) = call(Method::POST, url, Some(&session), Some(body)).await;
    assert_eq!((status, declined["status"].as_str()), (200, Some("declined")));
    let declined_url = format!("{}/verifier/requests/{}", verifier.url, declined_request["id"].as_str().unwrap());
    assert_eq!(get(&declined_url, Some(&verifier.admin_token())).await.1["result"]["error"], "access_denied");
}

#[tokio::test(flavor = "multi_thread")]
async fn admins_make_offers_and_requests_from_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let (issuer, verifier) = servers(dir.path());
    let admin = |args: &[&str], token_file: &std::path::Path| {
        let output = Command::new(env!("CARGO_BIN_EXE_skillspass"))
            .args(args)
            .arg("--token-file")
            .arg(token_file)
            .env_remove("SKILLSPASS_ADMIN_TOKEN")
            .output()
            .unwrap();
        (output.status.code().unwrap(), String::from_utf8(output.stdout).unwrap())
    };
    let achievement = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/examples/micro-credential.json");
    let issuer_token = issuer.data.join("admin-token");
    let (code, out) =
        admin(&["offer", "--issuer", &issuer.url, "--achievement", achievement, "--tx-code", "6"], &issuer_token);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains('█'), "a QR code for the terminal");
    let uri = out.lines().find(|l| l.starts_with("openid-credential-offer://")).unwrap();
    let tx_code = out.lines().find_map(|l| l.split("shown once): ").nth(1)).unwrap().trim();
    assert_eq!(tx_code.len(), 6);
    let wallet = dir.path().join("wallet");
    assert_eq!(wallet_cli(&wallet, &["init"]).0, 0);
    let (code, out, err) = wallet_cli(&wallet, &["accept", uri, "--tx-code", tx_code, "--allow-loopback-http"]);
    assert_eq!(code, 0, "{out}{err}");

    let verifier_token = verifier.data.join("admin-token");
    let (code, out) = admin(
        &["request", "--verifier", &verifier.url, "--skill", PYTHON, "--signed", "--name", "Acme"],
        &verifier_token,
    );
    assert_eq!(code, 0, "{out}");
    let uri = out.lines().find(|l| l.starts_with("openid4vp://")).unwrap();
    assert!(uri.contains("request_uri="), "{uri}");
    let (code, out, err) = wallet_cli(&wallet, &["respond", uri, "--yes", "--allow-loopback-http"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("\"Acme\""), "{err}");
    let (code, _) = admin(&["request", "--verifier", &verifier.url, "--skill", "not-esco"], &verifier_token);
    assert_eq!(code, 2, "a skill that is not an ESCO URI is refused");
}
