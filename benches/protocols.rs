//! Protocol benchmarks (issue #6), one-shot measurements printed as a markdown table: an issuer and a verifier
//! served in this process on loopback HTTP, and the holder agent doing what a wallet does. `OpenID4VCI`: one
//! acceptance = offer fetch, two metadata documents, token, nonce, key proof, credential, verification on receipt
//! (did:web and status list cached after the first), sealed storage, notification. `OpenID4VP`: one answer = the
//! signed request object fetched and verified, DCQL matched, one SD-JWT+KB made, posted and verified by the
//! verifier (signature, disclosures, Key Binding, status). The acceptance is measured for one copy and for a batch
//! of five unlinkable copies, in alternating rounds. Run: `cargo bench --bench protocols`.

#![expect(clippy::unwrap_used, reason = "benchmark setup fails loudly on purpose")]
#![expect(clippy::cast_precision_loss, reason = "counts far below 2^52 turned into rates")]

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use skillspass::cli::serve::{ServeArgs, Server};
use skillspass::net::Fetcher;
use skillspass::verifier::{Policy, Verifier};
use skillspass::wallet::agent::Agent;
use skillspass::wallet::{Passphrase, Wallet};

/// The same allocator as the `skillspass` binary.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Rounds per measurement (`SKILLSPASS_BENCH_ROUNDS`, default 200); the wallet holds that many credentials when
/// it answers requests.
fn rounds() -> usize {
    std::env::var("SKILLSPASS_BENCH_ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(200)
}
const TOKEN: &str = "bench-admin-token";
const PYTHON: &str = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d";

async fn admin(client: &reqwest::Client, server: &Server, path: &str, body: &Value) -> Value {
    let response = client.post(format!("{}{path}", server.url())).bearer_auth(TOKEN).json(body).send().await.unwrap();
    response.json().await.unwrap()
}

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    let index = ((samples.len() - 1) as f64 * p).round();
    #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "an index within the slice")]
    samples[index as usize]
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let args = ServeArgs {
        data: Some(dir.path().join("server")),
        addr: Some("127.0.0.1:0".into()),
        roles: Some(vec!["issuer".into(), "verifier".into()]),
        allow_loopback_http: true,
        admin_token: Some(TOKEN.into()),
        ..ServeArgs::default()
    };
    let server = Server::start(&args).await.unwrap();
    let db = skillspass::store::Database::open_folder(&dir.path().join("wallet")).unwrap();
    let passphrase = Passphrase::new("bench passphrase").unwrap();
    let wallet = Wallet::create(&db, "bench", &passphrase, chrono::Utc::now()).unwrap();
    let fetcher = Fetcher::new(true).unwrap();
    let verifier = Verifier::online(Policy::for_holder(), fetcher.clone()).unwrap();
    let agent = Agent::new(&wallet, &verifier, &fetcher);
    let achievement: Value = serde_json::from_str(include_str!("../docs/examples/micro-credential.json")).unwrap();

    let client = reqwest::Client::new();
    // Alternating rounds: one copy, then a batch of five (each with its own key, verified and sealed).
    let mut accepts = Vec::with_capacity(rounds());
    let mut batches = Vec::with_capacity(rounds());
    for _ in 0..rounds() {
        for (copies, samples) in [(1, &mut accepts), (5, &mut batches)] {
            let agent = Agent::new(&wallet, &verifier, &fetcher).with_copies(copies);
            let offer = admin(&client, &server, "/offers", &json!({"achievement": achievement})).await;
            let began = Instant::now();
            let read = agent.read_offer(offer["offer_uri"].as_str().unwrap()).await.unwrap();
            agent.accept(&read, None, chrono::Utc::now()).await.unwrap();
            samples.push(began.elapsed());
        }
    }

    let mut answers = Vec::with_capacity(rounds());
    for _ in 0..rounds() {
        let body = json!({"skills": [PYTHON], "client_id_prefix": "decentralized_identifier"});
        let created = admin(&client, &server, "/verifier/requests", &body).await;
        let began = Instant::now();
        let request = agent
            .read_request(created["authorization_request_uri"].as_str().unwrap(), chrono::Utc::now())
            .await
            .unwrap();
        agent.present(&request, chrono::Utc::now()).await.unwrap();
        answers.push(began.elapsed());
        // Only a verified answer counts: the bench fails on any other.
        let status_url = format!("{}/verifier/requests/{}", server.url(), created["id"].as_str().unwrap());
        let status: Value = client.get(status_url).send().await.unwrap().json().await.unwrap();
        assert_eq!(status["status"], "verified", "the verifier did not accept the timed answer: {status:#}");
    }

    println!("| measurement ({} rounds, one wallet, loopback HTTP) | median | p95 |", rounds());
    println!("| --- | --- | --- |");
    let row = |name: &str, samples: &mut Vec<Duration>| {
        let median = percentile(samples, 0.5);
        let p95 = percentile(samples, 0.95);
        println!("| {name} | {:.1} ms | {:.1} ms |", median.as_secs_f64() * 1e3, p95.as_secs_f64() * 1e3);
    };
    row("OpenID4VCI: accept an offer (9 HTTP calls, verify, store)", &mut accepts);
    row("OpenID4VCI: accept an offer as a batch of 5 unlinkable copies", &mut batches);
    println!(
        "batch of 5 / one copy (medians, same run): {:.2}",
        percentile(&mut batches, 0.5).as_secs_f64() / percentile(&mut accepts, 0.5).as_secs_f64()
    );
    row("OpenID4VP: answer a signed DCQL request (fetch, match, present, verifier checks)", &mut answers);
    let total: Duration = accepts.iter().sum();
    println!(
        "wallet holds {} credentials; sequential acceptances {:.0}/s",
        wallet.list().unwrap().len(),
        rounds() as f64 / total.as_secs_f64()
    );
    server.stop().await.unwrap();
}
