//! Issue 16, deliverable 6: unlinkable presentations. The issuer answers a batch of key proofs with copies of one
//! credential (each its own signature, holder key, salts, decoys and status index); the CLI wallet keeps them as
//! one credential and shows each employer a copy no other employer has seen, says so when it has run out, and a
//! revocation reaches every copy. Real `skillspass serve` processes, a real sled wallet on disk.

use std::collections::HashSet;

use serde_json::{Value, json};
use skillspass::core::clock::Clock as _;
use skillspass::core::encoding::b64url_decode;
use skillspass::core::jose::CompactJws;
use skillspass::core::keys::SigningKey;
use skillspass::core::openid4vci;
use skillspass::core::sd_jwt::Decoded;
use skillspass::core::status_list::token::TokenStatusList;
use skillspass::system::SystemClock;

use super::helpers::{AFTER_TTL, ServerProcess, client, set_status};
use super::openid4vc::{MICRO, PYTHON, access_token, assert_oauth, get, offer, request, wallet_cli};
use super::pages::console_session;
use super::postgres::TestDatabase;

/// One SD-JWT+KB as a verifier received it, taken apart.
#[derive(Debug)]
struct Received {
    issuer_jwt: String,
    disclosures: Vec<String>,
    key_binding: String,
    claims: Value,
}

impl Received {
    fn of(presentation: &str) -> Self {
        let parts: Vec<&str> = presentation.split('~').collect();
        let (key_binding, rest) = parts.split_last().unwrap();
        let (issuer_jwt, disclosures) = rest.split_first().unwrap();
        let claims = CompactJws::parse(issuer_jwt).unwrap().claims().unwrap();
        Self {
            issuer_jwt: (*issuer_jwt).to_owned(),
            disclosures: disclosures.iter().map(|d| (*d).to_owned()).collect(),
            key_binding: (*key_binding).to_owned(),
            claims: Value::Object(claims),
        }
    }

    fn signature(&self) -> &str {
        self.issuer_jwt.rsplit('.').next().unwrap()
    }

    fn salts(&self) -> HashSet<String> {
        self.disclosures
            .iter()
            .map(|d| {
                serde_json::from_slice::<Value>(&b64url_decode(d).unwrap()).unwrap()[0].as_str().unwrap().to_owned()
            })
            .collect()
    }
}

/// Answers a verifier's request from the CLI wallet; returns what was sent and what the wallet told the holder.
async fn respond(wallet: &std::path::Path, verifier: &ServerProcess) -> (Received, String, Value) {
    let created = request(verifier, json!({"skills": [PYTHON]})).await;
    let uri = created["authorization_request_uri"].as_str().unwrap();
    let (code, out, err) = wallet_cli(wallet, &["respond", uri, "--yes", "--allow-loopback-http", "--json"]);
    assert_eq!(code, 0, "{out}{err}");
    let sent: Value = serde_json::from_str(out.trim()).unwrap();
    let vp_token: Value = serde_json::from_str(sent["vp_token"].as_str().unwrap()).unwrap();
    let presentations: Vec<&Value> = vp_token.as_object().unwrap().values().collect();
    assert_eq!(presentations.len(), 1, "{vp_token:#}");
    let received = Received::of(presentations[0][0].as_str().unwrap());
    let url = format!("{}/verifier/requests/{}", verifier.url, created["id"].as_str().unwrap());
    let (_, result) = get(&url, Some(&verifier.admin_token())).await;
    (received, err, result)
}

/// What two employers who compare their presentations find in common: the claims the holder chose to show, and
/// the issue day; never a signature, holder key, status index, salt, digest, disclosure or Key Binding JWT.
fn assert_unlinkable(a: &Received, b: &Received) {
    assert_ne!(a.issuer_jwt, b.issuer_jwt);
    assert_ne!(a.signature(), b.signature());
    assert_ne!(a.claims["cnf"], b.claims["cnf"], "each copy has its own holder key");
    assert_ne!(a.claims["status"], b.claims["status"], "each copy has its own status index");
    assert_ne!(a.key_binding, b.key_binding);
    assert!(!a.disclosures.is_empty());
    let shared: Vec<&String> = a.disclosures.iter().filter(|d| b.disclosures.contains(d)).collect();
    assert!(shared.is_empty(), "no disclosure string in common: {shared:?}");
    assert!(a.salts().is_disjoint(&b.salts()), "no salt in common");
    let digests = |r: &Received| -> HashSet<String> {
        r.claims["_sd"].as_array().unwrap().iter().map(|d| d.as_str().unwrap().to_owned()).collect()
    };
    assert!(digests(a).is_disjoint(&digests(b)), "no digest (decoys included) in common");
    for token in [&a.issuer_jwt, &b.issuer_jwt, &a.key_binding, &b.key_binding] {
        assert!(!format!("{a:?}{b:?}").replace(token, "").contains(token), "{token} appears once");
    }
    assert_eq!(a.claims["iat"], b.claims["iat"]);
    assert_eq!(a.claims["iat"].as_i64().unwrap() % 86_400, 0, "copies carry the day they were issued, not the second");
    for received in [a, b] {
        let skills = received
            .disclosures
            .iter()
            .filter(|d| String::from_utf8(b64url_decode(d).unwrap()).unwrap().contains(PYTHON));
        assert_eq!(skills.count(), 1, "the skill asked for is disclosed");
    }
}

/// The value of a copy's entry in the issuer's Token Status List, as any verifier reads it.
async fn status_of(copy: &Value) -> u8 {
    let entry = &copy["status"]["status_list"];
    let token = client().get(entry["uri"].as_str().unwrap()).send().await.unwrap().text().await.unwrap();
    let claims = CompactJws::parse(&token).unwrap().claims().unwrap();
    let list = &claims["status_list"];
    let bits = u8::try_from(list["bits"].as_u64().unwrap()).unwrap();
    let decoded = TokenStatusList::decode(bits, list["lst"].as_str().unwrap()).unwrap();
    decoded.get(usize::try_from(entry["idx"].as_u64().unwrap()).unwrap()).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn two_employers_cannot_link_the_copies_they_receive_and_a_revocation_reaches_every_copy() {
    let dir = tempfile::tempdir().unwrap();
    let issuer = ServerProcess::start(&dir.path().join("issuer"), "issuer", "127.0.0.1:0", &[]);
    let employer = |name: &str| {
        ServerProcess::start(&dir.path().join(name), "verifier", "127.0.0.1:0", &["--allow-loopback-http"])
    };
    let (first, second, third) = (employer("first"), employer("second"), employer("third"));
    let wallet = dir.path().join("wallet");
    assert_eq!(wallet_cli(&wallet, &["init"]).0, 0);

    // Earn: two copies, one credential in the passport and in the provider's console.
    let micro = offer(&issuer, MICRO, json!({})).await;
    let uri = micro["offer_uri"].as_str().unwrap();
    let (code, out, err) = wallet_cli(&wallet, &["accept", uri, "--copies", "2", "--allow-loopback-http", "--json"]);
    assert_eq!(code, 0, "{out}{err}");
    let accepted: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(accepted["copies"], 2, "{accepted:#}");
    let (_, listed, _) = wallet_cli(&wallet, &["list", "--json"]);
    let listed: Value = serde_json::from_str(listed.trim()).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1, "the passport shows the credential once: {listed:#}");
    let (cookies, _) = console_session(&issuer.url, &issuer.admin_token()).await;
    let console = client()
        .get(format!("{}/provider", issuer.url))
        .header("cookie", cookies.as_str())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(console.matches("<tr>").count(), 2, "a header and one credential: {console}");
    assert!(console.contains("2 unlinkable copies"), "{console}");

    // Prove to two employers: they received nothing in common but the claims the holder chose to show.
    let (a, told_a, result_a) = respond(&wallet, &first).await;
    let (b, _, result_b) = respond(&wallet, &second).await;
    assert_eq!(result_a["status"], "verified", "{result_a:#}");
    assert_eq!(result_b["status"], "verified", "{result_b:#}");
    assert!(told_a.contains("no other verifier has seen (1 unused copies left"), "{told_a}");
    assert_unlinkable(&a, &b);

    // The same employer again gets the same copy; a third employer gets a seen copy, and the wallet said so.
    let (again, told, _) = respond(&wallet, &first).await;
    assert_eq!(again.issuer_jwt, a.issuer_jwt);
    assert!(told.contains("the copy this verifier already received"), "{told}");
    let (_, told, result) = respond(&wallet, &third).await;
    assert!(told.contains("every copy was already shown to another verifier"), "{told}");
    assert_eq!(result["status"], "verified", "running out of copies does not stop the holder: {result:#}");

    // Moved to a new device by an encrypted export: the copies and whom each went to come along.
    let export = dir.path().join("wallet.export");
    assert_eq!(wallet_cli(&wallet, &["export", "--out", export.to_str().unwrap()]).0, 0);
    let moved = dir.path().join("moved");
    assert_eq!(wallet_cli(&moved, &["restore", export.to_str().unwrap()]).0, 0);
    let (on_new_device, told, _) = respond(&moved, &second).await;
    assert_eq!(on_new_device.issuer_jwt, b.issuer_jwt, "{told}");
    let copy_keys = |wallet: &std::path::Path| wallet_cli(wallet, &["did"]).1.matches("(copy)").count();
    assert_eq!(copy_keys(&moved), 2, "a key per copy");

    // Deleting the credential deletes its copies and the keys made for them.
    let id = listed[0]["id"].as_str().unwrap();
    assert_eq!(wallet_cli(&moved, &["delete", id]).0, 0);
    assert_eq!(copy_keys(&moved), 0);

    // Revoke once at the provider: both copies' entries say so, and both employers see it.
    let (_, state) =
        get(&format!("{}/offers/{}/state", issuer.url, micro["id"].as_str().unwrap()), Some(&issuer.admin_token()))
            .await;
    assert_eq!(set_status(&issuer, state["credential_id"].as_str().unwrap(), "revoked").await.0, 200);
    tokio::time::sleep(AFTER_TTL).await;
    assert_eq!(status_of(&a.claims).await, 1);
    assert_eq!(status_of(&b.claims).await, 1);
    for employer in [&first, &second] {
        let (_, _, after) = respond(&wallet, employer).await;
        assert_eq!(after["status"], "failed", "{after:#}");
        assert!(after["result"]["presentations"].to_string().contains("revoked"), "{after:#}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_batch_request_is_checked_proof_by_proof_before_anything_is_issued() {
    let dir = tempfile::tempdir().unwrap();
    batch_is_checked_and_copies_share_one_record(&ServerProcess::start(dir.path(), "issuer", "127.0.0.1:0", &[])).await;
}

/// The same on PostgreSQL: the copies' status entries live in the one registry record there too.
#[tokio::test(flavor = "multi_thread")]
async fn a_batch_is_issued_and_suspended_as_one_credential_on_postgres() {
    let Some(pg) = TestDatabase::create("a_batch_is_issued_and_suspended_as_one_credential_on_postgres") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let issuer = ServerProcess::start(dir.path(), "issuer", "127.0.0.1:0", &["--database", pg.url.as_str()]);
    batch_is_checked_and_copies_share_one_record(&issuer).await;
}

async fn batch_is_checked_and_copies_share_one_record(issuer: &ServerProcess) {
    let (_, metadata) = get(&format!("{}/.well-known/openid-credential-issuer", issuer.url), None).await;
    assert_eq!(metadata["batch_credential_issuance"]["batch_size"], 10, "{metadata:#}");
    let audience = format!("http://localhost:{}", issuer.port());
    let now = SystemClock.now();
    let nonce = || async {
        let response = client().post(format!("{}/nonce", issuer.url)).send().await.unwrap();
        response.json::<Value>().await.unwrap()["c_nonce"].as_str().unwrap().to_owned()
    };
    let proof = |key: &SigningKey, aud: &str, nonce: &str| {
        let kid = skillspass::core::did::Did::key(&key.verifying_key()).default_kid();
        openid4vci::key_proof(key, &kid, aud, Some(nonce), now).unwrap()
    };
    let keys: Vec<SigningKey> = (0..11).map(|_| SigningKey::generate(&mut rand::rngs::OsRng)).collect();
    let post = |access: String, body: Value| {
        let url = format!("{}/credential", issuer.url);
        async move {
            let response = client().post(url).bearer_auth(access).json(&body).send().await.unwrap();
            (response.status().as_u16(), response.json::<Value>().await.unwrap())
        }
    };
    let batch = |proofs: Vec<String>| json!({"credential_configuration_id": "micro_credential_sd_jwt", "proofs": {"jwt": proofs}});
    let offered = offer(issuer, MICRO, json!({})).await;
    let access = access_token(issuer, &offered).await;
    let n = nonce().await;

    let eleven: Vec<String> = keys.iter().map(|k| proof(k, &audience, &n)).collect();
    assert_oauth(&post(access.clone(), batch(eleven)).await, 400, "invalid_credential_request", "1 to 10");
    assert_oauth(&post(access.clone(), batch(Vec::new())).await, 400, "invalid_credential_request", "1 to 10");
    let twice = vec![proof(&keys[0], &audience, &n), proof(&keys[0], &audience, &n)];
    assert_oauth(&post(access.clone(), batch(twice)).await, 400, "invalid_proof", "same key");
    let other = nonce().await;
    let mixed = vec![proof(&keys[0], &audience, &n), proof(&keys[1], &audience, &other)];
    assert_oauth(&post(access.clone(), batch(mixed)).await, 400, "invalid_nonce", "same c_nonce");
    let one_bad = vec![proof(&keys[0], &audience, &n), proof(&keys[1], "https://other.example", &n)];
    assert_oauth(&post(access.clone(), batch(one_bad)).await, 400, "invalid_proof", "aud");
    let both = json!({"credential_configuration_id": "micro_credential_sd_jwt", "proofs": {"jwt": [proof(&keys[0], &audience, &n)]},
        "proof": {"proof_type": "jwt", "jwt": proof(&keys[0], &audience, &n)}});
    assert_oauth(&post(access.clone(), both).await, 400, "invalid_credential_request", "both");

    // Nothing was used up by the refusals: the same token and nonce now get three copies.
    let three: Vec<String> = keys[..3].iter().map(|k| proof(k, &audience, &n)).collect();
    let (status, answer) = post(access.clone(), batch(three)).await;
    assert_eq!(status, 200, "{answer:#}");
    let copies: Vec<Value> = answer["credentials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let decoded = Decoded::parse(c["credential"].as_str().unwrap()).unwrap();
            Value::Object(CompactJws::parse(&decoded.jwt).unwrap().claims().unwrap())
        })
        .collect();
    assert_eq!(copies.len(), 3);
    for (copy, key) in copies.iter().zip(&keys) {
        assert_eq!(copy["cnf"]["jwk"], key.verifying_key().to_jwk().to_value(), "each copy is bound to its own key");
        assert_eq!(status_of(copy).await, 0);
    }
    let indexes: HashSet<String> = copies.iter().map(|c| c["status"].to_string()).collect();
    assert_eq!(indexes.len(), 3, "each copy has its own status entry: {indexes:?}");
    assert_oauth(
        &post(access, batch(vec![proof(&keys[3], &audience, &n)])).await,
        400,
        "credential_request_denied",
        "already issued",
    );

    // Suspending the one credential suspends every copy (Token Status List value 2).
    let state_url = format!("{}/offers/{}/state", issuer.url, offered["id"].as_str().unwrap());
    let (_, state) = get(&state_url, Some(&issuer.admin_token())).await;
    assert_eq!(set_status(issuer, state["credential_id"].as_str().unwrap(), "suspended").await.0, 200);
    tokio::time::sleep(AFTER_TTL).await;
    for copy in &copies {
        assert_eq!(status_of(copy).await, 2);
    }
}
