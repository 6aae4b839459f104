//! Issue 16, issuance as HAIP asks: the authorization code flow with a pushed authorization request, PKCE, the
//! learner's sign-in on the issuer's page, DPoP at the token and credential endpoints, and wallet attestations.
//! The CLI wallet is driven as a learner would (it prints the sign-in page; the test's "browser" opens it, types
//! the code the provider sent and is sent back to the wallet); the rejections are driven at the HTTP endpoints.

use std::collections::HashMap;
use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};

use chrono::Utc;
use serde_json::{Value, json};
use skillspass::core::dpop::{self, Target};
use skillspass::core::jose::{self, HeaderSpec, TokenKind};
use skillspass::core::keys::{KeyAlgorithm, SigningKey};
use skillspass::core::{openid4vci, pkce};

use super::helpers::{ServerProcess, client};
use super::openid4vc::{MICRO, PASSPHRASE, offer, wallet_cli};

const REDIRECT: &str = "https://wallet.example/callback";

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// A learner's browser on the sign-in page at `url`: it gets the page (and its cookie and form token), types
/// `code` and posts the form; returns the answer (a 303 to the wallet, or the page again).
async fn sign_in(browser: &reqwest::Client, url: &str, code: &str) -> reqwest::Response {
    let page = browser.get(url).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 200, "the sign-in page");
    let cookies: Vec<String> = page
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok()?.split(';').next().map(str::to_owned))
        .collect();
    let html = page.text().await.unwrap();
    let field = |name: &str| {
        let marker = format!("name=\"{name}\" value=\"");
        let start = html.find(&marker).unwrap_or_else(|| panic!("no {name} in {html}")) + marker.len();
        html[start..].split('"').next().unwrap().replace("&#x3a;", ":").replace("&#x2f;", "/")
    };
    let form = [
        ("csrf", field("csrf")),
        ("client_id", field("client_id")),
        ("request_uri", field("request_uri")),
        ("code", code.to_owned()),
    ];
    let action = url::Url::parse(url).unwrap().join("/authorize").unwrap();
    browser.post(action).header("cookie", cookies.join("; ")).form(&form).send().await.unwrap()
}

/// An issuer and an offer of the authorization code flow; returns the issuer, the offer and its `issuer_state`.
async fn issuer_with_offer(dir: &std::path::Path, extra: &[&str]) -> (ServerProcess, Value, String) {
    let issuer = ServerProcess::start(&dir.join("issuer"), "issuer", "127.0.0.1:0", extra);
    let (state, created) = offer_state(&issuer).await;
    (issuer, created, state)
}

async fn offer_state(issuer: &ServerProcess) -> (String, Value) {
    let created = offer(issuer, MICRO, json!({"flow": "authorization_code"})).await;
    assert_eq!(created["sign_in_code"].as_str().unwrap().len(), 8, "{created}");
    let served = client().get(created["credential_offer_uri"].as_str().unwrap()).send().await.unwrap();
    let served: Value = served.json().await.unwrap();
    assert!(served["grants"].get("urn:ietf:params:oauth:grant-type:pre-authorized_code").is_none(), "{served}");
    (served["grants"]["authorization_code"]["issuer_state"].as_str().unwrap().to_owned(), created)
}

/// The issuer's identifier as it publishes it (its public URL, `http://localhost:<port>` here): DPoP proofs and
/// attestation proofs of possession name it, not the address the test connects to.
async fn public_url(issuer: &ServerProcess) -> String {
    let (_, metadata) =
        super::openid4vc::get(&format!("{}/.well-known/oauth-authorization-server", issuer.url), None).await;
    metadata["issuer"].as_str().unwrap().to_owned()
}

/// What a wallet sends: its PKCE verifier, DPoP key and the parameters of its pushed request.
struct Flow {
    verifier: String,
    key: SigningKey,
    form: Vec<(&'static str, String)>,
}

fn flow(issuer_state: &str) -> Flow {
    let verifier = skillspass::system::random_b64url(40);
    let form = vec![
        ("response_type", "code".to_owned()),
        ("client_id", "wallet-under-test".to_owned()),
        ("redirect_uri", REDIRECT.to_owned()),
        ("code_challenge", pkce::challenge(&verifier)),
        ("code_challenge_method", "S256".to_owned()),
        ("state", "st4te".to_owned()),
        ("issuer_state", issuer_state.to_owned()),
    ];
    Flow { verifier, key: SigningKey::generate_for(KeyAlgorithm::Es256, &mut rand::rngs::OsRng), form }
}

fn proof(key: &SigningKey, url: &str, nonce: Option<&str>, token: Option<&str>) -> String {
    let target = Target { method: "POST", url, access_token: token };
    dpop::proof(key, target, &skillspass::system::random_b64url(16), nonce, Utc::now()).unwrap()
}

async fn post_form(
    url: &str,
    form: &[(&str, String)],
    headers: &[(&str, String)],
) -> (u16, HashMap<String, String>, Value) {
    let mut request = client().post(url).form(form);
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or_default().to_owned()))
        .collect();
    (status, headers, response.json().await.unwrap_or(Value::Null))
}

/// Pushes `flow`'s request with a DPoP proof; returns the sign-in page's URL.
async fn push(issuer: &ServerProcess, flow: &Flow) -> String {
    let par = format!("{}/par", issuer.url);
    let htu = format!("{}/par", public_url(issuer).await);
    let (status, _, body) = post_form(&par, &flow.form, &[("dpop", proof(&flow.key, &htu, None, None))]).await;
    assert_eq!(status, 201, "{body}");
    let request_uri = body["request_uri"].as_str().unwrap();
    assert!(request_uri.starts_with("urn:ietf:params:oauth:request_uri:"), "{body}");
    let mut url = url::Url::parse(&format!("{}/authorize", issuer.url)).unwrap();
    url.query_pairs_mut().append_pair("client_id", "wallet-under-test").append_pair("request_uri", request_uri);
    url.to_string()
}

/// The code in a redirect to the wallet, after checking its `state` and `iss`.
fn code_of(response: &reqwest::Response, issuer: &str) -> String {
    assert_eq!(response.status().as_u16(), 303);
    let location = url::Url::parse(response.headers()["location"].to_str().unwrap()).unwrap();
    assert!(location.as_str().starts_with(REDIRECT), "{location}");
    let query: HashMap<String, String> = location.query_pairs().into_owned().collect();
    assert_eq!((query["state"].as_str(), query["iss"].as_str()), ("st4te", issuer));
    query["code"].clone()
}

/// The whole flow as a learner lives it: the provider makes an offer for the authorization code flow, the CLI
/// wallet pushes its request and prints the issuer's sign-in page, the learner opens it and types the code, the
/// browser goes back to the wallet's loopback listener, and the wallet gets a DPoP-bound token and the credential.
#[tokio::test(flavor = "multi_thread")]
async fn a_learner_signs_in_at_the_issuer_and_the_cli_wallet_receives_the_credential() {
    let dir = tempfile::tempdir().unwrap();
    let issuer = ServerProcess::start(&dir.path().join("issuer"), "issuer", "127.0.0.1:0", &[]);
    let (_, metadata) =
        super::openid4vc::get(&format!("{}/.well-known/oauth-authorization-server", issuer.url), None).await;
    assert_eq!(metadata["require_pushed_authorization_requests"], true);
    assert_eq!(metadata["code_challenge_methods_supported"], json!(["S256"]));
    assert_eq!(metadata["authorization_response_iss_parameter_supported"], true);
    let (_, created) = offer_state(&issuer).await;
    let wallet = dir.path().join("wallet");
    assert_eq!(wallet_cli(&wallet, &["init"]).0, 0);
    let mut child = Command::new(env!("CARGO_BIN_EXE_skillspass"))
        .args(["wallet", "accept", created["offer_uri"].as_str().unwrap(), "--allow-loopback-http", "--json"])
        .env("SKILLSPASS_WALLET", &wallet)
        .env("SKILLSPASS_PASSPHRASE", PASSPHRASE)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut printed = BufReader::new(child.stderr.take().unwrap()).lines();
    let page = loop {
        let line = printed.next().expect("the wallet prints the sign-in page").unwrap();
        if let Some(url) = line.trim().strip_prefix("http") {
            break format!("http{url}");
        }
    };
    // A wrong code first: the page says so and lets the learner try again.
    let browser = client();
    let wrong = sign_in(&browser, &page, "00000000").await;
    assert_eq!(wrong.status().as_u16(), 422);
    assert!(wrong.text().await.unwrap().contains("That code is not right. You can try 2 more times."));
    let back = sign_in(&browser, &page, created["sign_in_code"].as_str().unwrap()).await;
    assert_eq!(back.status().as_u16(), 200, "the browser lands on the wallet's listener");
    assert!(back.text().await.unwrap().contains("You can close this page"));
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stdout));
    let accepted: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(accepted["status"], "accepted", "{accepted}");
    let (_, state) = super::openid4vc::get(
        &format!("{}/offers/{}/state", issuer.url, created["id"].as_str().unwrap()),
        Some(&issuer.admin_token()),
    )
    .await;
    assert_eq!(state["state"], "credential_accepted", "{state}");
}

/// Each flaw of a pushed authorization request is refused with its own error: PKCE `plain`, a pushed
/// `request_uri`, a plain-http redirect, a made-up `issuer_state`.
#[tokio::test(flavor = "multi_thread")]
async fn each_flaw_of_a_pushed_authorization_request_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let (issuer, created, issuer_state) = issuer_with_offer(dir.path(), &[]).await;
    let endpoint = format!("{}/par", issuer.url);
    let wallet = flow(&issuer_state);
    let changed = |name: &str, value: &str| {
        let mut form = wallet.form.clone();
        match form.iter_mut().find(|(k, _)| *k == name) {
            Some(member) => member.1 = value.to_owned(),
            None => form.push(("request_uri", value.to_owned())),
        }
        form
    };
    let plain = post_form(&endpoint, &changed("code_challenge_method", "plain"), &[]).await;
    assert_eq!((plain.0, plain.2["error"].as_str()), (400, Some("invalid_request")));
    assert!(plain.2["error_description"].as_str().unwrap().contains("S256"), "{}", plain.2);
    let pushed_uri = post_form(&endpoint, &changed("request_uri", "urn:x"), &[]).await;
    assert!(pushed_uri.2["error_description"].as_str().unwrap().contains("request_uri must not"), "{}", pushed_uri.2);
    let http = post_form(&endpoint, &changed("redirect_uri", "http://evil.example/cb"), &[]).await;
    assert!(http.2["error_description"].as_str().unwrap().contains("loopback"), "{}", http.2);
    let made_up = format!("{}.AAAA", created["id"].as_str().unwrap());
    let forged = post_form(&endpoint, &changed("issuer_state", &made_up), &[]).await;
    assert!(forged.2["error_description"].as_str().unwrap().contains("issuer_state is unknown"), "{}", forged.2);
}

/// At the token endpoint: a missing proof, a proof for another URL or method, no nonce, a replayed proof, a PKCE
/// verifier that does not match (the code survives it), a code used twice. Then the DPoP-bound token at the
/// credential endpoint.
#[tokio::test(flavor = "multi_thread")]
async fn each_flaw_at_the_token_endpoint_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let (issuer, created, issuer_state) = issuer_with_offer(dir.path(), &[]).await;
    let wallet = flow(&issuer_state);
    let page = push(&issuer, &wallet).await;
    let base = public_url(&issuer).await;
    let code = code_of(&sign_in(&no_redirects(), &page, created["sign_in_code"].as_str().unwrap()).await, &base);
    let token_url = format!("{}/token", issuer.url);
    let token_htu = format!("{base}/token");
    let form = vec![
        ("grant_type", "authorization_code".to_owned()),
        ("code", code.clone()),
        ("redirect_uri", REDIRECT.to_owned()),
        ("code_verifier", wallet.verifier.clone()),
        ("client_id", "wallet-under-test".to_owned()),
    ];
    let (status, _, body) = post_form(&token_url, &form, &[]).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_dpop_proof")), "{body}");
    let (_, headers, _) = post_form(&token_url, &form, &[("dpop", proof(&wallet.key, &token_htu, None, None))]).await;
    let nonce = headers["dpop-nonce"].clone();
    let elsewhere = proof(&wallet.key, &format!("{base}/credential"), Some(&nonce), None);
    let (_, _, body) = post_form(&token_url, &form, &[("dpop", elsewhere)]).await;
    assert!(body["error_description"].as_str().unwrap().contains("htu"), "{body}");
    let target = Target { method: "GET", url: &token_htu, access_token: None };
    let get_proof = dpop::proof(&wallet.key, target, "0123456789abcdefgh", Some(&nonce), Utc::now()).unwrap();
    let (_, _, body) = post_form(&token_url, &form, &[("dpop", get_proof)]).await;
    assert!(body["error_description"].as_str().unwrap().contains("htm"), "{body}");
    let mut wrong = form.clone();
    wrong[3].1 = skillspass::system::random_b64url(40);
    let wrong_verifier =
        post_form(&token_url, &wrong, &[("dpop", proof(&wallet.key, &token_htu, Some(&nonce), None))]).await;
    assert_eq!(wrong_verifier.2["error"], "invalid_grant", "{}", wrong_verifier.2);
    assert!(wrong_verifier.2["error_description"].as_str().unwrap().contains("code_verifier"), "{}", wrong_verifier.2);
    let good = proof(&wallet.key, &token_htu, Some(&nonce), None);
    let (status, headers, token) = post_form(&token_url, &form, &[("dpop", good.clone())]).await;
    assert_eq!((status, token["token_type"].as_str()), (200, Some("DPoP")), "the code survived: {token}");
    assert!(headers.contains_key("dpop-nonce"));
    let (_, _, body) = post_form(&token_url, &form, &[("dpop", good)]).await;
    assert!(body["error_description"].as_str().unwrap().contains("used before"), "a replayed proof: {body}");
    let (_, _, body) =
        post_form(&token_url, &form, &[("dpop", proof(&wallet.key, &token_htu, Some(&nonce), None))]).await;
    assert_eq!(body["error"], "invalid_grant");
    assert!(body["error_description"].as_str().unwrap().contains("already used"), "a code used twice: {body}");
    the_token_is_bound_to_the_wallets_key(&issuer, &base, &wallet.key, token["access_token"].as_str().unwrap()).await;
}

/// At the credential endpoint, a DPoP-bound token sent as Bearer, or with another key's proof, is refused with
/// the scheme's challenge; with the wallet's key it gets the credential.
async fn the_token_is_bound_to_the_wallets_key(issuer: &ServerProcess, base: &str, key: &SigningKey, access: &str) {
    let credential_url = format!("{}/credential", issuer.url);
    let credential_htu = format!("{base}/credential");
    let nonce_answer = client().post(format!("{}/nonce", issuer.url)).send().await.unwrap();
    let rs_nonce = nonce_answer.headers()["dpop-nonce"].to_str().unwrap().to_owned();
    let c_nonce = nonce_answer.json::<Value>().await.unwrap()["c_nonce"].as_str().unwrap().to_owned();
    let holder = SigningKey::generate(&mut rand::rngs::OsRng);
    let kid = skillspass::core::did::Did::key(&holder.verifying_key()).default_kid();
    let key_proof = openid4vci::key_proof(&holder, &kid, base, Some(&c_nonce), Utc::now()).unwrap();
    let body = json!({"credential_configuration_id": "micro_credential_sd_jwt", "proofs": {"jwt": [key_proof]}});
    let bearer = client().post(&credential_url).bearer_auth(access).json(&body).send().await.unwrap();
    assert_eq!(bearer.status().as_u16(), 401);
    assert!(bearer.headers()["www-authenticate"].to_str().unwrap().starts_with("Bearer error=\"invalid_token\""));
    let with_proof = |signer: &SigningKey| {
        client()
            .post(&credential_url)
            .header("authorization", format!("DPoP {access}"))
            .header("dpop", proof(signer, &credential_htu, Some(&rs_nonce), Some(access)))
            .json(&body)
            .send()
    };
    let thief = SigningKey::generate_for(KeyAlgorithm::Es256, &mut rand::rngs::OsRng);
    let stolen = with_proof(&thief).await.unwrap();
    assert_eq!(stolen.status().as_u16(), 401);
    let challenge = stolen.headers()["www-authenticate"].to_str().unwrap().to_owned();
    assert!(
        challenge.starts_with("DPoP error=\"invalid_dpop_proof\"") && challenge.contains("another key"),
        "{challenge}"
    );
    let answer = with_proof(key).await.unwrap();
    assert_eq!(answer.status().as_u16(), 200);
    let answer: Value = answer.json().await.unwrap();
    assert!(answer["credentials"][0]["credential"].as_str().unwrap().contains('~'), "an SD-JWT VC: {answer}");
}

/// Three wrong sign-in codes lock the offer, and the wallet is told `access_denied` (with `state` and `iss`).
#[tokio::test(flavor = "multi_thread")]
async fn three_wrong_sign_in_codes_send_the_wallet_access_denied() {
    let dir = tempfile::tempdir().unwrap();
    let (issuer, _, issuer_state) = issuer_with_offer(dir.path(), &[]).await;
    let page = push(&issuer, &flow(&issuer_state)).await;
    let browser = no_redirects();
    for left in ["2 more times", "1 more time"] {
        let again = sign_in(&browser, &page, "11111111").await;
        assert!(again.text().await.unwrap().contains(left));
    }
    let locked = sign_in(&browser, &page, "11111111").await;
    assert_eq!(locked.status().as_u16(), 303);
    let location = locked.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with(REDIRECT) && location.contains("error=access_denied"), "{location}");
    assert!(location.contains("state=st4te") && location.contains("iss="), "{location}");
    let gone = client().get(&page).send().await.unwrap();
    assert_eq!(gone.status().as_u16(), 400, "the request is used up");
}

/// A wallet attestation for `client_id`, from a provider whose key and chain `provider` holds, binding
/// `instance`; and its PoP for `aud`.
fn attestation(provider: &(SigningKey, Value), instance: &SigningKey, client_id: &str, aud: &str) -> (String, String) {
    let claims = json!({"sub": client_id, "exp": Utc::now().timestamp() + 3600,
        "cnf": {"jwk": instance.verifying_key().to_jwk().to_value()}, "wallet_name": "Test Wallet"});
    let header =
        HeaderSpec { typ: Some(TokenKind::ClientAttestation), x5c: Some(&provider.1), ..HeaderSpec::default() };
    let attestation = jose::sign(claims.to_string().as_bytes(), &header, &provider.0).unwrap();
    let pop = json!({"aud": aud, "jti": skillspass::system::random_b64url(16), "iat": Utc::now().timestamp()});
    let header = HeaderSpec { typ: Some(TokenKind::ClientAttestationPop), ..HeaderSpec::default() };
    (attestation, jose::sign(pop.to_string().as_bytes(), &header, instance).unwrap())
}

/// A wallet provider's key and certificate chain (`x5c`) from the development CA in `dir/ca`.
fn provider(dir: &std::path::Path, name: &str, ca: &str) -> (SigningKey, Value) {
    let run = |args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_skillspass")).args(args).current_dir(dir).output().unwrap();
        assert!(output.status.success(), "{output:?}");
    };
    let key = format!("{name}.jwk");
    run(&["keys", "new", "--alg", "ES256", "--out", &key]);
    run(&["keys", "cert", "--key", &key, "--dns", "wallet.example", "--dev-ca", ca, "--out", &format!("{name}.pem")]);
    let signing = SigningKey::from_jwk_json(&std::fs::read_to_string(dir.join(&key)).unwrap()).unwrap();
    let pem = std::fs::read(dir.join(format!("{name}.pem"))).unwrap();
    let chain = skillspass::core::x509::chain_from_pem(&pem).unwrap();
    (signing, skillspass::core::x509::encode_x5c(&chain))
}

/// An issuer that requires wallet attestations refuses a wallet without one (`invalid_client`) and one from a
/// provider it does not trust (`invalid_client_attestation`), a replayed PoP, and takes a trusted one.
#[tokio::test(flavor = "multi_thread")]
async fn an_issuer_requiring_wallet_attestations_takes_only_trusted_wallets() {
    let dir = tempfile::tempdir().unwrap();
    let trusted = provider(dir.path(), "provider", "ca");
    let stranger = provider(dir.path(), "stranger", "other-ca");
    let roots = dir.path().join("ca/ca.pem");
    let (issuer, _, issuer_state) =
        issuer_with_offer(dir.path(), &["--wallet-providers", roots.to_str().unwrap(), "--require-wallet-attestation"])
            .await;
    let (_, metadata) =
        super::openid4vc::get(&format!("{}/.well-known/oauth-authorization-server", issuer.url), None).await;
    assert_eq!(metadata["token_endpoint_auth_methods_supported"], json!(["attest_jwt_client_auth"]));
    let par = format!("{}/par", issuer.url);
    let wallet = flow(&issuer_state);
    let (status, _, body) = post_form(&par, &wallet.form, &[]).await;
    assert_eq!((status, body["error"].as_str()), (401, Some("invalid_client")), "{body}");
    let instance = SigningKey::generate_for(KeyAlgorithm::Es256, &mut rand::rngs::OsRng);
    let base = public_url(&issuer).await;
    let (foreign, foreign_pop) = attestation(&stranger, &instance, "wallet-under-test", &base);
    let headers = [("oauth-client-attestation", foreign), ("oauth-client-attestation-pop", foreign_pop)];
    let (status, _, body) = post_form(&par, &wallet.form, &headers).await;
    assert_eq!((status, body["error"].as_str()), (401, Some("invalid_client_attestation")), "{body}");
    assert!(body["error_description"].as_str().unwrap().contains("not trusted"), "{body}");
    let (good, good_pop) = attestation(&trusted, &instance, "wallet-under-test", &base);
    let headers = [("oauth-client-attestation", good), ("oauth-client-attestation-pop", good_pop)];
    let (status, _, body) = post_form(&par, &wallet.form, &headers).await;
    assert_eq!(status, 201, "{body}");
    let (status, _, body) = post_form(&par, &wallet.form, &headers).await;
    assert_eq!(
        (status, body["error_description"].as_str().map(|d| d.contains("used before"))),
        (401, Some(true)),
        "{body}"
    );
}

/// The hosted wallet API cannot send a browser to the issuer: an offer that needs the learner to sign in is
/// refused with a problem that says where it can be accepted, and nothing is stored.
#[tokio::test(flavor = "multi_thread")]
async fn the_hosted_wallet_api_says_where_a_sign_in_offer_can_be_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let (issuer, created, _) = issuer_with_offer(dir.path(), &[]).await;
    let wallet = ServerProcess::start(&dir.path().join("wallet"), "wallet", "127.0.0.1:0", &["--allow-loopback-http"]);
    let (_, token) = super::wallet::account(&wallet, "sanne", "correct horse battery").await;
    let body = json!({"offer_uri": created["offer_uri"]});
    let (status, problem) =
        super::wallet::call(reqwest::Method::POST, format!("{}/wallet/offers", wallet.url), Some(&token), Some(body))
            .await;
    assert_eq!(status, 422, "{problem:#}");
    assert!(problem["type"].as_str().unwrap().ends_with("#exchange-refused"), "{problem:#}");
    assert!(problem["detail"].as_str().unwrap().contains("sign in on its site"), "{problem:#}");
    let (_, listed) =
        super::wallet::call(reqwest::Method::GET, format!("{}/wallet/credentials", wallet.url), Some(&token), None)
            .await;
    assert_eq!(listed["credentials"].as_array().map_or(0, Vec::len), 0, "{listed:#}");
    drop(issuer);
}
