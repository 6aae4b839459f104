//! The whole issuer/verifier story over real HTTP: issue, verify, suspend, reinstate, revoke, restart.

use std::process::Command;

use serde_json::Value;
use skillspass::core::encoding::b64url_decode;
use skillspass::core::status_list::bitstring::{Bitstring, MIN_ENTRIES};

use crate::helpers::{
    AFTER_TTL, ServerProcess, check, client, detail, free_port, issue, issue_sd_jwt, jwt_of, micro_credential,
    set_status, verify,
};

fn payload(jwt: &str) -> Value {
    serde_json::from_slice(&b64url_decode(jwt.split('.').nth(1).unwrap()).unwrap()).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn issue_verify_suspend_reinstate_revoke_and_restart() {
    let dirs = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let issuer_addr = format!("127.0.0.1:{}", free_port());
    let issuer = ServerProcess::start(dirs.0.path(), "issuer", &issuer_addr, &[]);
    let verifier = ServerProcess::start(dirs.1.path(), "verifier", "127.0.0.1:0", &["--allow-loopback-http"]);
    let token = issuer.admin_token();

    let document: Value =
        client().get(format!("{}/.well-known/did.json", issuer.url)).send().await.unwrap().json().await.unwrap();
    assert_eq!(document["id"], issuer.did());
    assert_eq!(document["assertionMethod"][0], format!("{}#key-1", issuer.did()));
    assert_eq!(document["verificationMethod"][0]["type"], "JsonWebKey");

    let (status, answer) = issue(&issuer, &micro_credential(&issuer.did()), Some(&token)).await;
    assert_eq!(status, 201, "{answer:#}");
    assert_eq!(answer["verifiableCredential"]["type"], "EnvelopedVerifiableCredential");
    let jwt = jwt_of(&answer);
    let claims = payload(&jwt);
    let id = claims["id"].as_str().unwrap().to_owned();
    let entries = claims["credentialStatus"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(
        (entries[0]["statusPurpose"].as_str(), entries[1]["statusPurpose"].as_str()),
        (Some("revocation"), Some("suspension"))
    );
    let (_, kept) = issue(&issuer, &micro_credential(&issuer.did()), Some(&token)).await;
    let kept = jwt_of(&kept);

    let report = verify(&verifier, &jwt).await;
    assert_eq!(report["verified"], true, "{report:#}");
    assert_eq!(check(&report, "status"), "passed");
    assert_eq!(report["skills"].as_array().unwrap().len(), 2);

    assert_eq!(set_status(&issuer, &id, "suspended").await.0, 200);
    tokio::time::sleep(AFTER_TTL).await;
    let report = verify(&verifier, &jwt).await;
    assert_eq!(report["verified"], false, "suspended must be refused: {report:#}");
    assert!(detail(&report, "status").contains("suspension: SET"), "{report:#}");
    assert!(report["skills"].as_array().unwrap().is_empty());

    assert_eq!(set_status(&issuer, &id, "active").await.0, 200);
    tokio::time::sleep(AFTER_TTL).await;
    assert_eq!(verify(&verifier, &jwt).await["verified"], true, "reinstated must be accepted");

    assert_eq!(set_status(&issuer, &id, "revoked").await.0, 200);
    tokio::time::sleep(AFTER_TTL).await;
    let report = verify(&verifier, &jwt).await;
    assert_eq!(report["verified"], false);
    assert_eq!(report["errors"][0]["type"], "https://w3id.org/skillspass/problems#status");
    let (status, body) = set_status(&issuer, &id, "active").await;
    crate::helpers::assert_problem(status, &body, 409, "credential-revoked");

    issuer.stop();
    let issuer = ServerProcess::start(dirs.0.path(), "issuer", &issuer_addr, &[]);
    tokio::time::sleep(AFTER_TTL).await;
    assert_eq!(verify(&verifier, &jwt).await["verified"], false, "still revoked after the restart");
    assert_eq!(
        verify(&verifier, &kept).await["verified"],
        true,
        "untouched credential still verifies after the restart"
    );
    let (status, _) = set_status(&issuer, &id, "suspended").await;
    assert_eq!(status, 409, "the registry survived the restart");
}

#[tokio::test(flavor = "multi_thread")]
async fn status_list_is_a_signed_bitstring_credential_with_cache_headers() {
    let dir = tempfile::tempdir().unwrap();
    let issuer = ServerProcess::start(dir.path(), "issuer", "127.0.0.1:0", &[]);
    let (_, answer) = issue(&issuer, &micro_credential(&issuer.did()), Some(&issuer.admin_token())).await;
    let claims = payload(&jwt_of(&answer));
    let entry = &claims["credentialStatus"][0];
    let url = entry["statusListCredential"].as_str().unwrap().replace("localhost", "127.0.0.1");
    let index: usize = entry["statusListIndex"].as_str().unwrap().parse().unwrap();

    let response = client().get(&url).send().await.unwrap();
    assert_eq!(response.headers()["content-type"], "application/vc+jwt");
    assert_eq!(response.headers()["cache-control"], "max-age=1");
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    let list_jwt = response.text().await.unwrap();
    let list = payload(&list_jwt);
    assert_eq!(list["type"][1], "BitstringStatusListCredential");
    assert_eq!(list["credentialSubject"]["statusPurpose"], "revocation");
    assert_eq!(list["credentialSubject"]["ttl"], 1000);
    let bits = Bitstring::decode(list["credentialSubject"]["encodedList"].as_str().unwrap(), MIN_ENTRIES).unwrap();
    assert_eq!(bits.len(), MIN_ENTRIES);
    assert!(!bits.get(index).unwrap());

    let unchanged = client().get(&url).header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(unchanged.status().as_u16(), 304);

    assert_eq!(set_status(&issuer, claims["id"].as_str().unwrap(), "revoked").await.0, 200);
    let changed = client().get(&url).header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(changed.status().as_u16(), 200);
    assert_ne!(changed.headers()["etag"].to_str().unwrap(), etag);
    let list = payload(&changed.text().await.unwrap());
    let bits = Bitstring::decode(list["credentialSubject"]["encodedList"].as_str().unwrap(), MIN_ENTRIES).unwrap();
    assert!(bits.get(index).unwrap(), "bit {index} is set after revocation (MSB-first)");
    assert_eq!(bits.as_bytes().iter().map(|b| b.count_ones()).sum::<u32>(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn trust_list_names_the_issuer_or_refuses_it() {
    let dirs = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let issuer = ServerProcess::start(dirs.0.path(), "issuer", "127.0.0.1:0", &[]);
    let listed = dirs.1.path().join("trust.toml");
    let entry = format!(
        "require_trust = true\n[[issuer]]\ndid = \"{}\"\nname = \"Example Academy (trust list)\"\naccreditation = \"NVAO\"\nidentifiers = {{ kvk = \"12345678\" }}\n",
        issuer.did()
    );
    std::fs::write(&listed, entry).unwrap();
    let other = dirs.2.path().join("trust.toml");
    std::fs::write(&other, "require_trust = true\n[[issuer]]\ndid = \"did:web:other.example\"\nname = \"Other\"\n")
        .unwrap();
    let trusting = ServerProcess::start(
        dirs.1.path(),
        "verifier",
        "127.0.0.1:0",
        &["--allow-loopback-http", "--trust-list", listed.to_str().unwrap()],
    );
    let strict = ServerProcess::start(
        dirs.2.path(),
        "verifier",
        "127.0.0.1:0",
        &["--allow-loopback-http", "--trust-list", other.to_str().unwrap()],
    );
    let (_, answer) = issue(&issuer, &micro_credential(&issuer.did()), Some(&issuer.admin_token())).await;
    let jwt = jwt_of(&answer);

    let report = verify(&trusting, &jwt).await;
    assert_eq!(report["verified"], true, "{report:#}");
    assert_eq!(report["issuer"]["trusted"], true);
    assert_eq!(report["issuer"]["trustEntry"], issuer.did());
    assert_eq!(report["issuer"]["name"], "Example Academy (trust list)");
    assert!(detail(&report, "trust").contains("accredited by NVAO"));

    let report = verify(&strict, &jwt).await;
    assert_eq!(report["verified"], false);
    assert_eq!(report["issuer"]["trusted"], false);
    assert_eq!(check(&report, "trust"), "failed");
}

#[tokio::test(flavor = "multi_thread")]
async fn cli_revokes_and_verifies_through_a_remote_verifier() {
    let dirs = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let issuer = ServerProcess::start(dirs.0.path(), "issuer", "127.0.0.1:0", &[]);
    let verifier = ServerProcess::start(dirs.1.path(), "verifier", "127.0.0.1:0", &["--allow-loopback-http"]);
    let (_, answer) = issue(&issuer, &micro_credential(&issuer.did()), Some(&issuer.admin_token())).await;
    let jwt = jwt_of(&answer);
    let file = dirs.1.path().join("credential.jwt");
    std::fs::write(&file, &jwt).unwrap();
    let cli = |args: &[&str]| Command::new(env!("CARGO_BIN_EXE_skillspass")).args(args).output().unwrap();

    let remote = cli(&["verify", "--verifier", &verifier.url, file.to_str().unwrap()]);
    assert_eq!(remote.status.code(), Some(0), "{}", String::from_utf8_lossy(&remote.stdout));
    let local = cli(&["verify", "--allow-loopback-http", file.to_str().unwrap()]);
    assert_eq!(local.status.code(), Some(0), "{}", String::from_utf8_lossy(&local.stdout));

    let id = payload(&jwt)["id"].as_str().unwrap().to_owned();
    let token_file = dirs.0.path().join("admin-token");
    let revoked =
        cli(&["revoke", "--issuer", &issuer.url, "--credential", &id, "--token-file", token_file.to_str().unwrap()]);
    assert_eq!(revoked.status.code(), Some(0), "{}", String::from_utf8_lossy(&revoked.stderr));
    assert!(String::from_utf8_lossy(&revoked.stdout).contains("is now revoked"));
    let unknown = cli(&[
        "suspend",
        "--issuer",
        &issuer.url,
        "--credential",
        "urn:uuid:nope",
        "--token-file",
        token_file.to_str().unwrap(),
    ]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("HTTP 404: No such credential"));

    tokio::time::sleep(crate::helpers::AFTER_TTL).await;
    let remote = cli(&["verify", "--verifier", &verifier.url, file.to_str().unwrap()]);
    assert_eq!(remote.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&remote.stdout).contains("status FAILED"));
}

#[tokio::test(flavor = "multi_thread")]
async fn health_and_openapi_describe_the_service() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(dir.path(), "issuer,verifier", "127.0.0.1:0", &[]);
    let health: Value = client().get(format!("{}/health", server.url)).send().await.unwrap().json().await.unwrap();
    assert_eq!(health["roles"], serde_json::json!(["issuer", "verifier"]));
    let api: Value = client().get(format!("{}/openapi.json", server.url)).send().await.unwrap().json().await.unwrap();
    for path in [
        "/credentials/issue",
        "/credentials/status",
        "/credentials/verify",
        "/status/{list}",
        "/.well-known/did.json",
        "/.well-known/openid-credential-issuer",
        "/offers",
        "/token",
        "/credential",
        "/verifier/requests",
        "/verifier/requests/{id}/response",
        "/wallet/offers",
    ] {
        assert!(api["paths"].get(path).is_some(), "openapi lacks {path}");
    }
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(dir.path().join("admin-token")).unwrap().permissions(),
    );
    assert_eq!(mode & 0o777, 0o600);
    let key_mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(dir.path().join("issuer-key.jwk")).unwrap().permissions(),
    );
    assert_eq!(key_mode & 0o777, 0o600);
}

#[tokio::test(flavor = "multi_thread")]
async fn sd_jwt_vc_is_issued_with_a_token_status_list_and_revoked_through_it() {
    let dirs = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let issuer = ServerProcess::start(dirs.0.path(), "issuer", "127.0.0.1:0", &[]);
    let verifier = ServerProcess::start(dirs.1.path(), "verifier", "127.0.0.1:0", &["--allow-loopback-http"]);
    let holder = skillspass::core::did::Did::key(
        &skillspass::core::keys::SigningKey::generate(&mut rand::rngs::OsRng).verifying_key(),
    );
    let mut credential = micro_credential(&issuer.did());
    credential["credentialSubject"]["id"] = serde_json::json!(holder.as_str());
    let (answer, compact) = issue_sd_jwt(&issuer, &credential, serde_json::json!({})).await;
    let id = answer["credentialId"].as_str().unwrap().to_owned();

    let decoded = skillspass::core::sd_jwt::Decoded::parse(&compact).unwrap();
    let claims = payload(&decoded.jwt);
    let uri = claims["status"]["status_list"]["uri"].as_str().unwrap().to_owned();
    let list = client().get(uri.replace("localhost", "127.0.0.1")).send().await.unwrap();
    assert_eq!(list.headers()["content-type"], "application/statuslist+jwt");
    let token = list.text().await.unwrap();
    let header: Value = serde_json::from_slice(&b64url_decode(token.split('.').next().unwrap()).unwrap()).unwrap();
    assert_eq!(header["typ"], "statuslist+jwt");
    assert_eq!(payload(&token)["sub"], uri.as_str());
    assert_eq!(payload(&token)["status_list"]["bits"], 2);

    let report = verify(&verifier, &compact).await;
    assert_eq!(report["verified"], true, "{report:#}");
    assert_eq!(report["format"], "dc+sd-jwt");
    assert_eq!(check(&report, "status"), "passed");

    assert_eq!(set_status(&issuer, &id, "suspended").await.0, 200);
    tokio::time::sleep(AFTER_TTL).await;
    let report = verify(&verifier, &compact).await;
    assert_eq!(report["verified"], false);
    assert!(detail(&report, "status").contains("suspension: SET"), "{report:#}");
    assert_eq!(set_status(&issuer, &id, "revoked").await.0, 200);
    tokio::time::sleep(AFTER_TTL).await;
    let report = verify(&verifier, &compact).await;
    assert!(detail(&report, "status").contains("revocation: SET"), "{report:#}");
}

#[tokio::test(flavor = "multi_thread")]
async fn sd_jwt_vc_with_an_https_issuer_is_verified_through_jwt_vc_issuer_metadata() {
    let dirs = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let issuer = ServerProcess::start(dirs.0.path(), "issuer", "127.0.0.1:0", &[]);
    let verifier = ServerProcess::start(dirs.1.path(), "verifier", "127.0.0.1:0", &["--allow-loopback-http"]);
    let metadata: Value =
        client().get(format!("{}/.well-known/jwt-vc-issuer", issuer.url)).send().await.unwrap().json().await.unwrap();
    let public_url = format!("http://localhost:{}", issuer.port());
    assert_eq!(metadata["issuer"], public_url.as_str());
    assert_eq!(metadata["jwks"]["keys"][0]["kid"], "key-1");
    assert!(metadata["jwks"]["keys"][0].get("d").is_none());
    let holder = skillspass::core::did::Did::key(
        &skillspass::core::keys::SigningKey::generate(&mut rand::rngs::OsRng).verifying_key(),
    );
    let mut credential = micro_credential(&issuer.did());
    credential["credentialSubject"]["id"] = serde_json::json!(holder.as_str());
    let (_, compact) = issue_sd_jwt(&issuer, &credential, serde_json::json!({"issuer": "url"})).await;
    let decoded = skillspass::core::sd_jwt::Decoded::parse(&compact).unwrap();
    assert_eq!(payload(&decoded.jwt)["iss"], public_url.as_str());
    let report = verify(&verifier, &compact).await;
    assert_eq!(report["verified"], true, "{report:#}");
    assert_eq!(detail(&report, "issuer-key"), "key-1");
}

/// Issue 10: a verifier served by the same process as the issuer shares its cache, and the issuer drops a list from
/// it when a credential's status changes: the next verification reports the revocation at once, although the list
/// is published with a ten-minute ttl.
#[tokio::test(flavor = "multi_thread")]
async fn a_co_served_verifier_sees_a_revocation_at_once_issue_10() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(
        dir.path(),
        "issuer,verifier",
        "127.0.0.1:0",
        &["--allow-loopback-http", "--status-ttl-ms", "600000"],
    );
    let (status, answer) = issue(&server, &micro_credential(&server.did()), Some(&server.admin_token())).await;
    assert_eq!(status, 201, "{answer:#}");
    let jwt = jwt_of(&answer);
    let id = payload(&jwt)["id"].as_str().unwrap().to_owned();
    let report = verify(&server, &jwt).await;
    assert_eq!(report["verified"], true, "{report:#}");

    let token_file = dir.path().join("admin-token");
    let revoked = Command::new(env!("CARGO_BIN_EXE_skillspass"))
        .args(["revoke", "--issuer", &server.url, "--credential", &id, "--token-file", token_file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(revoked.status.success(), "{}", String::from_utf8_lossy(&revoked.stderr));
    let report = verify(&server, &jwt).await;
    assert_eq!(report["verified"], false, "revoked without waiting for the ttl: {report:#}");
    assert!(detail(&report, "status").contains("revocation: SET"), "{report:#}");
}
