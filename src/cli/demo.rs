//! `skillspass demo`: the story so far, on this machine. A training provider runs an issuer and an employer runs a
//! separate verifier, both on loopback with throwaway data folders. The worker creates a wallet; the provider
//! issues the example micro-credential to it over the VC API; the wallet verifies it on receipt and stores it
//! sealed; the worker exports and restores into a new wallet; the employer asks for proof and the worker presents
//! (`vp+jwt`, nonce and audience); a tampered copy is refused; the provider revokes and the same proof fails.
//! Exits 0 only when every step behaved as expected.

use std::time::Duration;

use serde_json::{Value, json};

use super::serve::{ServeArgs, Server};
use super::{CliError, EXIT_NOT_VERIFIED, EXIT_OK, post_json, render};
use crate::core::clock::{Clock as _, SystemClock};
use crate::core::encoding::{b64url, b64url_decode};
use crate::core::report::Report;
use crate::issuer::AchievementDescription;
use crate::verifier::fetch::Fetcher;
use crate::verifier::{Policy, Verifier};
use crate::wallet::{ImportOutcome, Wallet};

/// The example micro-credential description shipped in `docs/examples/`.
const MICRO_CREDENTIAL: &str = include_str!("../../docs/examples/micro-credential.json");
/// Demo passphrases (a real wallet asks the person).
const WALLET_PASSPHRASE: &str = "demo wallet passphrase";
const EXPORT_PASSPHRASE: &str = "demo export passphrase";
/// The issuer's status lists are published with a one-second ttl in the demo, so the verifier's cache expires
/// quickly after a revocation (a real issuer uses minutes).
const DEMO_TTL_MS: u64 = 1000;

/// Runs the demo.
pub fn run() -> Result<u8, CliError> {
    let runtime = tokio::runtime::Runtime::new().map_err(CliError::input)?;
    let base = std::env::temp_dir().join(format!("skillspass-demo-{}", uuid::Uuid::new_v4()));
    let outcome = runtime.block_on(story(&base));
    let _ = std::fs::remove_dir_all(&base);
    let holds = outcome?;
    println!(
        "{}",
        if holds { "The story holds: earned, moved, proven, revoked." } else { "A step did not behave as expected." }
    );
    Ok(if holds { EXIT_OK } else { EXIT_NOT_VERIFIED })
}

async fn story(base: &std::path::Path) -> Result<bool, CliError> {
    let admin_token = zeroize::Zeroizing::new(b64url(uuid::Uuid::new_v4().as_bytes()));
    let issuer_args = ServeArgs {
        data: Some(base.join("issuer")),
        addr: Some("127.0.0.1:0".into()),
        roles: Some(vec!["issuer".into()]),
        status_ttl_ms: Some(DEMO_TTL_MS),
        admin_token: Some(admin_token.clone()),
        ..ServeArgs::default()
    };
    let verifier_args = ServeArgs {
        data: Some(base.join("verifier")),
        addr: Some("127.0.0.1:0".into()),
        roles: Some(vec!["verifier".into()]),
        allow_loopback_http: true,
        ..ServeArgs::default()
    };
    let issuer = Server::start(&issuer_args).await?;
    let verifier = Server::start(&verifier_args).await?;
    let holds = steps(&issuer, &verifier, &admin_token, base).await;
    issuer.stop().await?;
    verifier.stop().await?;
    holds
}

async fn steps(issuer: &Server, verifier: &Server, token: &str, base: &std::path::Path) -> Result<bool, CliError> {
    let service = issuer.issuer.as_ref().ok_or_else(|| CliError::input("the issuer role did not start"))?;
    println!("1. A training provider runs its issuer at {} as {}.", issuer.public_url, service.did());
    println!("   An employer runs a separate verifier at {}.", verifier.url());
    let now = SystemClock.now();
    let wallet_db = crate::store::db::open(&base.join("wallet")).map_err(CliError::input)?;
    let wallet = Wallet::create(&wallet_db, "worker", WALLET_PASSPHRASE, now).map_err(CliError::input)?;
    let learner = wallet.primary_did().map_err(CliError::input)?;
    println!("2. A worker creates a wallet (encrypted under a passphrase only they know); its DID: {learner}");
    println!("3. The provider issues the micro-credential \"Data analysis with Python\" to that DID over the VC API.");
    let jwt = issue_credential(issuer, service, &learner, token).await?;
    let id = decode_claim(&jwt, "id");
    println!(
        "   credential {id} ({} bytes), with revocation and suspension entries in the provider's status lists",
        jwt.len()
    );
    println!("4. The worker's wallet verifies it on receipt and stores it (sealed):");
    let on_receipt = receive(&wallet, &jwt).await?;
    println!("5. The worker moves: an encrypted export, restored into a new wallet, byte for byte.");
    let moved = move_wallet(&wallet, base, &id)?;
    println!("6. An employer asks for proof (nonce and audience); the worker presents from the new wallet:");
    let proven = present(verifier, &moved, &id, "demo-nonce-1").await?;
    println!("7. Someone raises the ECTS in a copy; the verifier refuses it:");
    let tampered =
        verify(verifier, &tamper(&jwt).ok_or_else(|| CliError::input("could not build the tampered copy"))?).await?;
    println!("8. The provider revokes the credential; once the verifier's cached list expires, the same proof fails:");
    let revoke =
        json!({"credentialId": id, "credentialStatus": [{"type": "BitstringStatusListEntry", "status": "revoked"}]});
    post_json(&format!("{}/credentials/status", issuer.url()), &revoke, Some(token)).await?;
    tokio::time::sleep(Duration::from_millis(DEMO_TTL_MS + 300)).await;
    let refused = present(verifier, &moved, &id, "demo-nonce-2").await?;
    Ok(on_receipt && proven.verified && proven.skills.len() == 2 && !tampered.verified && !refused.verified)
}

async fn issue_credential(
    issuer: &Server,
    service: &crate::issuer::service::IssuerService,
    learner: &str,
    token: &str,
) -> Result<String, CliError> {
    let description: AchievementDescription = serde_json::from_str(MICRO_CREDENTIAL).map_err(CliError::input)?;
    let credential =
        service.signer().build_credential(&description, learner, None, SystemClock.now()).map_err(CliError::input)?;
    let credential = serde_json::to_value(credential).map_err(CliError::input)?;
    let answer =
        post_json(&format!("{}/credentials/issue", issuer.url()), &json!({"credential": credential}), Some(token))
            .await?;
    let jwt = answer["verifiableCredential"]["id"].as_str().and_then(|id| id.strip_prefix("data:application/vc+jwt,"));
    Ok(jwt.ok_or_else(|| CliError::input("the issuer returned no vc+jwt"))?.to_owned())
}

async fn receive(wallet: &Wallet, jwt: &str) -> Result<bool, CliError> {
    let policy = Policy { accept_unknown_status: true, ..Policy::default() };
    let checker = Verifier::online(policy, Fetcher::new(true).map_err(CliError::input)?).map_err(CliError::input)?;
    let report = checker.verify(jwt, SystemClock.now()).await;
    print!("{}", indent(&render::report(&report)));
    let outcome = wallet.import(jwt, &report, false, SystemClock.now()).map_err(CliError::input)?;
    wallet.flush().map_err(CliError::input)?;
    Ok(matches!(outcome, ImportOutcome::Stored(_)))
}

fn move_wallet(wallet: &Wallet, base: &std::path::Path, id: &str) -> Result<Wallet, CliError> {
    let file = wallet.export(EXPORT_PASSPHRASE, SystemClock.now()).map_err(CliError::input)?;
    let new_db = crate::store::db::open(&base.join("new-wallet")).map_err(CliError::input)?;
    let moved = Wallet::create(&new_db, "worker", WALLET_PASSPHRASE, SystemClock.now()).map_err(CliError::input)?;
    let count = moved.restore(&file, EXPORT_PASSPHRASE).map_err(CliError::input)?;
    let same = moved.get_credential(id).map_err(CliError::input)?.token
        == wallet.get_credential(id).map_err(CliError::input)?.token;
    println!("   export {} bytes; restored {count} credential(s); identical: {same}", file.len());
    Ok(moved)
}

async fn present(verifier: &Server, wallet: &Wallet, id: &str, nonce: &str) -> Result<Report, CliError> {
    let audience = verifier.url();
    let vp = wallet.present(&[id.to_owned()], nonce, &audience, SystemClock.now()).map_err(CliError::input)?;
    let body = json!({"verifiablePresentation": vp, "options": {"challenge": nonce, "domain": audience}});
    let answer = post_json(&format!("{}/presentations/verify", verifier.url()), &body, None).await?;
    let report: Report = serde_json::from_value(answer).map_err(CliError::input)?;
    print!("{}", indent(&render::report(&report)));
    for credential in &report.credentials {
        for error in &credential.errors {
            println!("     credential: {}: {}", error.title, error.detail.as_deref().unwrap_or(""));
        }
    }
    Ok(report)
}

async fn verify(verifier: &Server, jwt: &str) -> Result<Report, CliError> {
    let body = json!({"verifiableCredential": {"@context": [crate::core::credential::VC2_CONTEXT],
        "type": "EnvelopedVerifiableCredential", "id": format!("data:application/vc+jwt,{jwt}")}});
    let answer = post_json(&format!("{}/credentials/verify", verifier.url()), &body, None).await?;
    let report: Report = serde_json::from_value(answer).map_err(CliError::input)?;
    print!("{}", indent(&render::report(&report)));
    Ok(report)
}

fn decode_claim(jwt: &str, name: &str) -> String {
    let payload = jwt.split('.').nth(1).and_then(|p| b64url_decode(p).ok());
    let claims: Option<Value> = payload.and_then(|p| serde_json::from_slice(&p).ok());
    claims.and_then(|c| c.get(name).and_then(Value::as_str).map(str::to_owned)).unwrap_or_default()
}

fn tamper(token: &str) -> Option<String> {
    let mut parts = token.split('.');
    let (header, payload, signature) = (parts.next()?, parts.next()?, parts.next()?);
    let mut claims: Value = serde_json::from_slice(&b64url_decode(payload).ok()?).ok()?;
    claims["credentialSubject"]["achievement"]["creditsAvailable"] = json!(30);
    Some(format!("{header}.{}.{signature}", b64url(serde_json::to_vec(&claims).ok()?)))
}

fn indent(text: &str) -> String {
    text.lines().fold(String::new(), |mut out, line| {
        out.push_str("   ");
        out.push_str(line);
        out.push('\n');
        out
    })
}
