//! Issue 16, the EU wallet profile: the whole story (earn, prove, revoke) with ES256 keys for every party, over the
//! standard protocols between real `skillspass serve` processes and the CLI wallet.

use serde_json::{Value, json};
use skillspass::core::encoding::b64url_decode;

use super::helpers::{AFTER_TTL, ServerProcess, client, set_status};
use super::openid4vc::{MICRO, OTHER_MICRO_SKILL, PYTHON, get, offer, request, wallet_cli};

/// An issuer and a verifier (Ed25519 keys), and a CLI wallet in `dir` holding one micro-credential of that issuer.
async fn earned(dir: &std::path::Path) -> (ServerProcess, ServerProcess, std::path::PathBuf) {
    let issuer = ServerProcess::start(&dir.join("issuer"), "issuer", "127.0.0.1:0", &[]);
    let verifier = ServerProcess::start(&dir.join("verifier"), "verifier", "127.0.0.1:0", &["--allow-loopback-http"]);
    let wallet = dir.join("wallet");
    assert_eq!(wallet_cli(&wallet, &["init"]).0, 0);
    let micro = offer(&issuer, MICRO, json!({})).await;
    assert_eq!(wallet_cli(&wallet, &["accept", micro["offer_uri"].as_str().unwrap(), "--allow-loopback-http"]).0, 0);
    (issuer, verifier, wallet)
}

/// A request's status and result, as the employer (admin) reads them.
async fn result_of(verifier: &ServerProcess, created: &Value) -> Value {
    let url = format!("{}/verifier/requests/{}", verifier.url, created["id"].as_str().unwrap());
    get(&url, Some(&verifier.admin_token())).await.1
}

fn header_of(jws: &str) -> Value {
    serde_json::from_slice(&b64url_decode(jws.split('.').next().unwrap()).unwrap()).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_story_runs_with_es256_keys_for_issuer_verifier_and_holder() {
    let dir = tempfile::tempdir().unwrap();
    let es256 = ["--key-alg", "ES256"];
    let issuer = ServerProcess::start(&dir.path().join("issuer"), "issuer", "127.0.0.1:0", &es256);
    let verifier = ServerProcess::start(
        &dir.path().join("verifier"),
        "verifier",
        "127.0.0.1:0",
        &["--key-alg", "ES256", "--allow-loopback-http"],
    );
    let key_file: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("issuer/issuer-key.jwk")).unwrap()).unwrap();
    assert_eq!(key_file["crv"], "P-256");

    let (_, document) = get(&format!("{}/.well-known/did.json", issuer.url), None).await;
    assert_eq!(document["verificationMethod"][0]["publicKeyJwk"]["crv"], "P-256", "{document:#}");
    let (_, metadata) = get(&format!("{}/.well-known/openid-credential-issuer", issuer.url), None).await;
    let configurations = metadata["credential_configurations_supported"].as_object().unwrap();
    for configuration in configurations.values() {
        assert_eq!(configuration["credential_signing_alg_values_supported"], json!(["ES256"]));
    }
    let (_, jwt_issuer) = get(&format!("{}/.well-known/jwt-vc-issuer", issuer.url), None).await;
    assert!(jwt_issuer["jwks"]["keys"].as_array().unwrap().iter().all(|k| k["alg"] == "ES256"), "{jwt_issuer:#}");

    // Earn, into a wallet whose holder key is P-256.
    let wallet = dir.path().join("wallet");
    let (code, out, err) = wallet_cli(&wallet, &["init", "--key-alg", "ES256", "--json"]);
    assert_eq!(code, 0, "{err}");
    let holder: Value = serde_json::from_str(out.trim()).unwrap();
    assert!(holder["did"].as_str().unwrap().starts_with("did:key:zDn"), "{holder}");
    let micro = offer(&issuer, MICRO, json!({})).await;
    let (code, out, err) =
        wallet_cli(&wallet, &["accept", micro["offer_uri"].as_str().unwrap(), "--allow-loopback-http", "--json"]);
    assert_eq!(code, 0, "{out}{err}");
    let (_, state) =
        get(&format!("{}/offers/{}/state", issuer.url, micro["id"].as_str().unwrap()), Some(&issuer.admin_token()))
            .await;
    let micro_id = state["credential_id"].as_str().unwrap().to_owned();

    // Prove, to a verifier whose signed request object is ES256.
    let created = request(&verifier, json!({"skills": [PYTHON], "client_id_prefix": "decentralized_identifier"})).await;
    let uri = created["authorization_request_uri"].as_str().unwrap();
    let parsed = url::Url::parse(uri).unwrap();
    let request_uri = parsed.query_pairs().find(|(k, _)| k == "request_uri").unwrap().1.into_owned();
    let object = client().get(&request_uri).send().await.unwrap().text().await.unwrap();
    assert_eq!(header_of(&object)["alg"], "ES256");
    let (code, out, err) = wallet_cli(&wallet, &["respond", uri, "--yes", "--allow-loopback-http", "--json"]);
    assert_eq!(code, 0, "{out}{err}");
    let sent: Value = serde_json::from_str(out.trim()).unwrap();
    assert!(!sent["disclosed"].to_string().contains(OTHER_MICRO_SKILL), "{sent:#}");
    let status_url = format!("{}/verifier/requests/{}", verifier.url, created["id"].as_str().unwrap());
    let (_, result) = get(&status_url, Some(&verifier.admin_token())).await;
    assert_eq!(result["status"], "verified", "{result:#}");
    assert_eq!(result["result"]["verified"], true, "{result:#}");

    // Revoke: the ES256 status list token says so, and the next presentation fails.
    assert_eq!(set_status(&issuer, &micro_id, "revoked").await.0, 200);
    tokio::time::sleep(AFTER_TTL).await;
    let again = request(&verifier, json!({"skills": [PYTHON]})).await;
    let (code, _, err) = wallet_cli(
        &wallet,
        &["respond", again["authorization_request_uri"].as_str().unwrap(), "--yes", "--allow-loopback-http"],
    );
    assert_eq!(code, 0, "{err}");
    let after = result_of(&verifier, &again).await;
    assert_eq!(after["status"], "failed", "{after:#}");
    assert!(after["result"]["presentations"].to_string().contains("revoked"), "{after:#}");
}

/// `direct_post.jwt`: the request carries a fresh P-256 encryption key per request and both GCM encryptions; the CLI
/// wallet's encrypted answer verifies. Then, posted by hand: an unencrypted `vp_token`, an answer encrypted to
/// another request's key (under its `kid`, and under this request's `kid`), a replay of an accepted answer and
/// the same answer encrypted again are each refused, by name.
#[tokio::test(flavor = "multi_thread")]
async fn encrypted_answers_verify_and_misdirected_or_replayed_ones_are_refused() {
    use skillspass::core::jwe;
    let dir = tempfile::tempdir().unwrap();
    let (_issuer, verifier, wallet) = earned(dir.path()).await;

    let encrypted = json!({"skills": [PYTHON], "response_mode": "direct_post.jwt"});
    let created = request(&verifier, encrypted.clone()).await;
    let uri = created["authorization_request_uri"].as_str().unwrap();
    let parameters = request_parameters(uri);
    assert_eq!(parameters["response_mode"], "direct_post.jwt");
    let metadata = &parameters["client_metadata"];
    assert_eq!(metadata["encrypted_response_enc_values_supported"], json!(["A128GCM", "A256GCM"]));
    let key = &metadata["jwks"]["keys"][0];
    assert_eq!(
        (key["kty"].as_str(), key["crv"].as_str(), key["alg"].as_str(), key["use"].as_str()),
        (Some("EC"), Some("P-256"), Some("ECDH-ES"), Some("enc"))
    );
    assert!(key.get("d").is_none());
    let (code, out, err) = wallet_cli(&wallet, &["respond", uri, "--yes", "--allow-loopback-http", "--json"]);
    assert_eq!(code, 0, "{out}{err}");
    let result = result_of(&verifier, &created).await;
    assert_eq!(result["status"], "verified", "{result:#}");

    let other = request(&verifier, encrypted.clone()).await;
    let other_parameters = request_parameters(other["authorization_request_uri"].as_str().unwrap());
    assert_ne!(other_parameters["client_metadata"]["jwks"], metadata["jwks"], "a fresh key per request");
    let target = request(&verifier, encrypted).await;
    let target_parameters = request_parameters(target["authorization_request_uri"].as_str().unwrap());
    let response_uri = target_parameters["response_uri"].as_str().unwrap();
    let state = target_parameters["state"].as_str().unwrap();
    let plaintext = json!({"state": state, "vp_token": {"skill_1": ["not.a.presentation~"]}}).to_string();
    let post = |form: Vec<(&'static str, String)>| async move {
        let response = client().post(response_uri).form(&form).send().await.unwrap();
        (response.status().as_u16(), response.json::<Value>().await.unwrap_or(Value::Null))
    };

    let (status, body) =
        post(vec![("state", state.to_owned()), ("vp_token", json!({"skill_1": ["x~"]}).to_string())]).await;
    assert_eq!(status, 400);
    assert!(body["error_description"].as_str().unwrap().contains("encrypted response"), "{body:#}");
    let to_other = jwe::encrypt_to(&other_parameters["client_metadata"]["jwks"], None, plaintext.as_bytes()).unwrap();
    let (status, body) = post(vec![("response", to_other)]).await;
    assert_eq!(status, 400);
    assert!(body["error_description"].as_str().unwrap().contains("not this request's key"), "{body:#}");
    let mut disguised = other_parameters["client_metadata"]["jwks"].clone();
    disguised["keys"][0]["kid"] = target_parameters["client_metadata"]["jwks"]["keys"][0]["kid"].clone();
    let disguised = jwe::encrypt_to(&disguised, None, plaintext.as_bytes()).unwrap();
    let (status, body) = post(vec![("response", disguised)]).await;
    assert_eq!(status, 400);
    assert!(body["error_description"].as_str().unwrap().contains("does not decrypt"), "{body:#}");

    let jwks = &target_parameters["client_metadata"]["jwks"];
    let answer = jwe::encrypt_to(jwks, None, plaintext.as_bytes()).unwrap();
    let (status, body) = post(vec![("response", answer.clone())]).await;
    assert_eq!(status, 200, "the right key is accepted (the presentation itself then fails): {body:#}");
    let closed = result_of(&verifier, &target).await;
    assert_eq!(closed["status"], "failed");
    let (status, body) = post(vec![("response", answer)]).await;
    assert_eq!(status, 400);
    assert!(body["error_description"].as_str().unwrap().contains("replayed"), "{body:#}");
    let again = jwe::encrypt_to(jwks, None, plaintext.as_bytes()).unwrap();
    let (status, body) = post(vec![("response", again)]).await;
    assert_eq!(status, 400);
    assert!(body["error_description"].as_str().unwrap().contains("replayed"), "{body:#}");
}

/// The parameters of a by-value `openid4vp://` request, JSON members parsed.
fn request_parameters(uri: &str) -> Value {
    let parsed = url::Url::parse(uri).unwrap();
    let members = parsed.query_pairs().map(|(k, v)| {
        let value =
            serde_json::from_str::<Value>(&v).ok().filter(Value::is_object).unwrap_or(Value::String(v.into_owned()));
        (k.into_owned(), value)
    });
    Value::Object(members.collect())
}

/// `request_uri_method=post` (`OpenID4VP` section 5.10): the invocation says so; the CLI wallet POSTs for the signed
/// request object with a nonce of its own, checks that the object repeats it, and answers (encrypted, too). By
/// hand: the posted `wallet_nonce` is signed into the object; one over 256 characters, or `wallet_metadata` that is
/// not a JSON object, is refused; a method other than get or post is refused when the request is made.
#[tokio::test(flavor = "multi_thread")]
async fn wallets_post_for_request_objects_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let (_issuer, verifier, wallet) = earned(dir.path()).await;

    let body = json!({"skills": [PYTHON], "client_id_prefix": "decentralized_identifier", "request_uri_method": "post",
        "response_mode": "direct_post.jwt"});
    let created = request(&verifier, body).await;
    let uri = created["authorization_request_uri"].as_str().unwrap();
    assert!(uri.contains("request_uri_method=post"), "{uri}");
    let (code, out, err) = wallet_cli(&wallet, &["respond", uri, "--yes", "--allow-loopback-http"]);
    assert_eq!(code, 0, "{out}{err}");
    let result = result_of(&verifier, &created).await;
    assert_eq!(result["status"], "verified", "{result:#}");

    let another = request(
        &verifier,
        json!({"skills": [PYTHON], "client_id_prefix": "decentralized_identifier", "request_uri_method": "post"}),
    )
    .await;
    let object_url = another["request_uri"].as_str().unwrap();
    let post = |form: Vec<(&'static str, String)>| async move {
        let response = client().post(object_url).form(&form).send().await.unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    };
    let (status, body) = post(vec![("wallet_nonce", "x".repeat(257))]).await;
    assert_eq!(status, 422, "{body}");
    let (status, body) = post(vec![("wallet_nonce", "n-1".into()), ("wallet_metadata", "[1]".into())]).await;
    assert_eq!(status, 422, "{body}");
    let (status, object) = post(vec![("wallet_nonce", "our-nonce-1".into()), ("wallet_metadata", "{}".into())]).await;
    assert_eq!(status, 200, "{object}");
    let claims: Value = serde_json::from_slice(&b64url_decode(object.split('.').nth(1).unwrap()).unwrap()).unwrap();
    assert_eq!(claims["wallet_nonce"], "our-nonce-1");

    let response = client()
        .post(format!("{}/verifier/requests", verifier.url))
        .bearer_auth(verifier.admin_token())
        .json(&json!({"skills": [PYTHON], "client_id_prefix": "decentralized_identifier", "request_uri_method": "put"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 422);
}

/// A new P-256 key at `key` (under `dir`) and its certificate for `localhost` from the development CA in `ca`,
/// written to `out`; returns the chain's path and the `x509_hash` `keys cert` reported.
fn dev_certificate(dir: &std::path::Path, key: &str, ca: &str, out: &str) -> (std::path::PathBuf, String) {
    if let Some(parent) = std::path::Path::new(key).parent() {
        std::fs::create_dir_all(dir.join(parent)).unwrap();
    }
    assert_eq!(skillspass(dir, &["keys", "new", "--alg", "ES256", "--out", key]).0, 0);
    let (code, _, err) =
        skillspass(dir, &["keys", "cert", "--key", key, "--dns", "localhost", "--dev-ca", ca, "--out", out]);
    assert_eq!(code, 0, "{err}");
    let hash = err.rsplit("x509_hash:").next().unwrap().trim().to_owned();
    assert_eq!(hash.len(), 43, "{err}");
    (dir.join(out), hash)
}

/// An issuer whose certificate is for another key does not start, and says why.
#[test]
fn an_issuer_whose_certificate_holds_another_key_does_not_start() {
    let dir = tempfile::tempdir().unwrap();
    let (chain, _) = dev_certificate(dir.path(), "elsewhere.jwk", "ca", "chain.pem");
    let data = dir.path().join("issuer");
    std::fs::create_dir_all(&data).unwrap();
    assert_eq!(skillspass(dir.path(), &["keys", "new", "--alg", "ES256", "--out", "issuer/issuer-key.jwk"]).0, 0);
    let refused = std::process::Command::new(env!("CARGO_BIN_EXE_skillspass"))
        .args(["serve", "--data", data.to_str().unwrap(), "--addr", "127.0.0.1:0", "--roles", "issuer"])
        .args(["--x509-chain", chain.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("not the issuer's signing key"), "{refused:?}");
}

/// `skillspass <args>` in `dir`; returns (exit code, stdout, stderr).
fn skillspass(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let output =
        std::process::Command::new(env!("CARGO_BIN_EXE_skillspass")).args(args).current_dir(dir).output().unwrap();
    let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
    (output.status.code().unwrap(), text(output.stdout), text(output.stderr))
}

/// An issuer identified by X.509 (HAIP): a P-256 key, a certificate for `localhost` from the development CA in
/// `dir/ca` (`keys cert --dev-ca`), served with the chain; and a P-256 wallet holding one of its micro-credentials,
/// offered under the issuer's URL with the chain in `x5c`. A wallet without roots refuses the offer, by name; given
/// the CA's root it accepts. Returns the issuer, the credential's id and the wallet.
async fn x509_story(dir: &std::path::Path) -> (ServerProcess, String, std::path::PathBuf) {
    let (chain, _) = dev_certificate(dir, "issuer/issuer-key.jwk", "ca", "chain.pem");
    let issuer =
        ServerProcess::start(&dir.join("issuer"), "issuer", "127.0.0.1:0", &["--x509-chain", chain.to_str().unwrap()]);
    let roots = dir.join("ca/ca.pem");
    let wallet = dir.join("wallet");
    assert_eq!(wallet_cli(&wallet, &["init", "--key-alg", "ES256"]).0, 0);
    let micro = offer(&issuer, MICRO, json!({})).await;
    let uri = micro["offer_uri"].as_str().unwrap();
    let (code, out, err) = wallet_cli(&wallet, &["accept", uri, "--allow-loopback-http"]);
    assert_eq!(code, 1, "a wallet without the root refuses: {out}{err}");
    assert!(err.contains("no X.509 trust anchors"), "{err}");
    let again = offer(&issuer, MICRO, json!({})).await;
    let accept = ["accept", again["offer_uri"].as_str().unwrap(), "--allow-loopback-http", "--x509-roots"];
    let (code, out, err) = wallet_cli(&wallet, &[&accept[..], &[roots.to_str().unwrap()]].concat());
    assert_eq!(code, 0, "{out}{err}");
    let state_url = format!("{}/offers/{}/state", issuer.url, again["id"].as_str().unwrap());
    let (_, state) = get(&state_url, Some(&issuer.admin_token())).await;
    (issuer, state["credential_id"].as_str().unwrap().to_owned(), wallet)
}

/// Presents the wallet's Python skill to `verifier`; returns the request's status and result.
async fn present_python(verifier: &ServerProcess, wallet: &std::path::Path) -> Value {
    let created = request(verifier, json!({"skills": [PYTHON]})).await;
    let uri = created["authorization_request_uri"].as_str().unwrap();
    let (code, out, err) = wallet_cli(wallet, &["respond", uri, "--yes", "--allow-loopback-http"]);
    assert_eq!(code, 0, "{out}{err}");
    result_of(verifier, &created).await
}

/// The story with an X.509 issuer: a verifier given the CA's root verifies what the wallet presents and names the
/// certificate; after a revocation it finds the credential revoked in the Status List Token, whose chain it checks
/// the same way.
#[tokio::test(flavor = "multi_thread")]
async fn an_issuer_identified_by_an_x509_certificate_is_verified_against_the_verifiers_roots() {
    let dir = tempfile::tempdir().unwrap();
    let (issuer, credential, wallet) = x509_story(dir.path()).await;
    let roots = dir.path().join("ca/ca.pem");
    let verifier = ServerProcess::start(
        &dir.path().join("verifier"),
        "verifier",
        "127.0.0.1:0",
        &["--allow-loopback-http", "--x509-roots", roots.to_str().unwrap()],
    );
    let result = present_python(&verifier, &wallet).await;
    assert_eq!(result["status"], "verified", "{result:#}");
    let report = &result["result"]["presentations"]["skill_1"][0];
    let key_check = report["checks"].as_array().unwrap().iter().find(|c| c["check"] == "issuer-key").unwrap();
    let detail = key_check["detail"].as_str().unwrap();
    assert!(detail.contains("CN=localhost") && detail.contains("skillspass development CA"), "{detail}");
    assert_eq!(report["issuer"]["id"], issuer.url.replace("127.0.0.1", "localhost"), "{report:#}");

    assert_eq!(set_status(&issuer, &credential, "revoked").await.0, 200);
    tokio::time::sleep(AFTER_TTL).await;
    let after = present_python(&verifier, &wallet).await;
    assert_eq!(after["status"], "failed", "{after:#}");
    assert!(after["result"]["presentations"].to_string().contains("revoked"), "{after:#}");
}

/// A verifier whose roots are another CA's refuses the X.509 issuer's credential, by name.
#[tokio::test(flavor = "multi_thread")]
async fn a_verifier_trusting_another_ca_refuses_the_x509_issuer() {
    let dir = tempfile::tempdir().unwrap();
    let (_issuer, _, wallet) = x509_story(dir.path()).await;
    dev_certificate(dir.path(), "other/issuer-key.jwk", "ca2", "other-chain.pem");
    let other_roots = dir.path().join("ca2/ca.pem");
    let strange = ServerProcess::start(
        &dir.path().join("strange"),
        "verifier",
        "127.0.0.1:0",
        &["--allow-loopback-http", "--x509-roots", other_roots.to_str().unwrap()],
    );
    let refused = present_python(&strange, &wallet).await;
    assert_eq!(refused["status"], "failed", "{refused:#}");
    let why = refused["result"]["presentations"].to_string();
    assert!(why.contains("does not lead to a trusted root"), "a root of another CA: {refused:#}");
}

/// A verifier identified by X.509 (`x509_hash:`, HAIP): its P-256 key certified by the development CA; its request
/// object carries the chain in `x5c` and its client id is the SHA-256 of the certificate `keys cert` reported. A
/// wallet given the root shows the certificate's subject and answers, and the answer verifies; a wallet without
/// roots, or trusting another CA, refuses the request by name.
#[tokio::test(flavor = "multi_thread")]
async fn a_verifier_identified_by_x509_hash_is_checked_against_the_wallets_roots() {
    let dir = tempfile::tempdir().unwrap();
    let (_issuer, _, wallet) = earned(dir.path()).await;
    let (chain, hash) = dev_certificate(dir.path(), "hiring/verifier-key.jwk", "ca", "verifier-chain.pem");
    dev_certificate(dir.path(), "stranger.jwk", "ca2", "stranger.pem");
    let verifier = ServerProcess::start(
        &dir.path().join("hiring"),
        "verifier",
        "127.0.0.1:0",
        &["--allow-loopback-http", "--verifier-x509-chain", chain.to_str().unwrap()],
    );
    let created = request(&verifier, json!({"skills": [PYTHON], "client_id_prefix": "x509_hash"})).await;
    assert_eq!(created["client_id"], format!("x509_hash:{hash}"), "the hash keys cert reported");
    let object_url = created["request_uri"].as_str().unwrap();
    let object = client().get(object_url).send().await.unwrap().text().await.unwrap();
    let header = header_of(&object);
    assert!(header["x5c"].is_array() && header["kid"].is_string(), "{header}");
    let uri = created["authorization_request_uri"].as_str().unwrap();

    let roots = |ca: &str| dir.path().join(ca).join("ca.pem").to_str().unwrap().to_owned();
    let (code, _, err) = wallet_cli(&wallet, &["respond", uri, "--yes", "--allow-loopback-http"]);
    assert_eq!(code, 1);
    assert!(err.contains("no X.509 trust anchors"), "{err}");
    let (code, _, err) =
        wallet_cli(&wallet, &["respond", uri, "--yes", "--allow-loopback-http", "--x509-roots", &roots("ca2")]);
    assert_eq!(code, 1);
    assert!(err.contains("does not lead to a trusted root"), "{err}");
    let (code, out, err) =
        wallet_cli(&wallet, &["respond", uri, "--yes", "--allow-loopback-http", "--x509-roots", &roots("ca")]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("identified by the certificate of CN=localhost"), "the subject is shown: {err}");
    let result = result_of(&verifier, &created).await;
    assert_eq!(result["status"], "verified", "{result:#}");
}
