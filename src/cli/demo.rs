//! `skillspass demo`: the three stories of DESIGN.md section 1, on this machine, by the standard protocols. A
//! training provider runs an issuer and an employer runs a separate verifier, both on loopback with throwaway data
//! folders. Earn: the provider offers a micro-credential (with a transaction code) and a course badge over
//! `OpenID4VCI`; the worker's wallet accepts both, verifying each on receipt. Move: the worker exports the wallet
//! and restores it elsewhere, byte for byte. Prove: the employer asks for two skills over `OpenID4VP` (a signed
//! request, DCQL); the wallet finds them in two credentials and discloses just those two skills; the employer sees
//! them proven, and a replayed answer is refused. Revoke: the provider revokes the micro-credential and the same
//! request now fails. Exits 0 only when every step behaved as expected.

use std::time::Duration;

use serde_json::{Value, json};

use super::serve::{ServeArgs, Server};
use super::{CliError, EXIT_NOT_VERIFIED, EXIT_OK, post_json};
use crate::core::clock::Clock as _;
use crate::core::encoding::b64url;
use crate::core::secret::SecretString;
use crate::net::{Fetcher, PostBody};
use crate::system::SystemClock;
use crate::verifier::{Policy, Verifier};
use crate::wallet::agent::Agent;
use crate::wallet::{Passphrase, Wallet};

/// The example descriptions shipped in `docs/examples/`.
const MICRO_CREDENTIAL: &str = include_str!("../../docs/examples/micro-credential.json");
const COURSE_BADGE: &str = include_str!("../../docs/examples/course-badge.json");
const DATA_PRACTICE: &str = include_str!("../../docs/examples/data-practice-statement.json");
/// The employer's vacancy: "Data analyst", four essential skills from (and beside) the ESCO occupation.
const VACANCY: &str = include_str!("../../docs/examples/data-analyst-profile.toml");
/// The skills the employer asks for: Python (from the micro-credential) and the course badge's skill.
const PYTHON: &str = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d";
const COURSE_SKILL: &str = "http://data.europa.eu/esco/skill/5fd5c985-eaaa-47aa-8314-62359c54505a";
/// The micro-credential's other skill, which must stay undisclosed.
const WITHHELD_SKILL: &str = "http://data.europa.eu/esco/skill/326809fc-238d-40c2-881e-40042f7f2f0d";
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
    outln!(
        "{}",
        if holds {
            "The story holds: earned, moved, proven, matched, revoked."
        } else {
            "A step did not behave as expected."
        }
    );
    Ok(if holds { EXIT_OK } else { EXIT_NOT_VERIFIED })
}

async fn story(base: &std::path::Path) -> Result<bool, CliError> {
    let admin_token = SecretString::new(b64url(uuid::Uuid::new_v4().as_bytes()));
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
        admin_token: Some(admin_token.clone()),
        ..ServeArgs::default()
    };
    let issuer = Server::start(&issuer_args).await?;
    let verifier = Server::start(&verifier_args).await?;
    let holds = steps(&issuer, &verifier, &admin_token, base).await;
    issuer.stop().await?;
    verifier.stop().await?;
    holds
}

/// The wallet's tools: a verifier for what arrives and the guarded fetcher (loopback allowed: the demo's servers
/// speak plain http on 127.0.0.1).
struct Tools {
    verifier: Verifier,
    fetcher: Fetcher,
}

impl Tools {
    fn new() -> Result<Self, CliError> {
        let fetcher = Fetcher::new(true).map_err(CliError::input)?;
        let policy = Policy::for_holder();
        Ok(Self { verifier: Verifier::online(policy, fetcher.clone()).map_err(CliError::input)?, fetcher })
    }

    fn agent<'a>(&'a self, wallet: &'a Wallet) -> Agent<'a, Verifier> {
        Agent::new(wallet, &self.verifier, &self.fetcher)
    }
}

async fn steps(
    issuer: &Server,
    verifier: &Server,
    token: &SecretString,
    base: &std::path::Path,
) -> Result<bool, CliError> {
    let token = token.expose();
    let tools = Tools::new()?;
    outln!("EARN");
    outln!(
        "1. A training provider runs its issuer at {}; an employer runs a verifier at {}.",
        issuer.url(),
        verifier.url()
    );
    let wallet_db = crate::store::Database::open_folder(&base.join("wallet")).map_err(CliError::input)?;
    let passphrase = Passphrase::new(WALLET_PASSPHRASE).map_err(CliError::input)?;
    let wallet = Wallet::create(&wallet_db, "worker", &passphrase, SystemClock.now()).map_err(CliError::input)?;
    outln!("2. A worker creates a wallet on their own device, encrypted under a passphrase only they know.");
    outln!("3. The provider offers the micro-credential \"Data analysis with Python\"; the worker scans this code:");
    let micro = offer(issuer, token, MICRO_CREDENTIAL, true).await?;
    let offer_uri = micro["offer_uri"].as_str().unwrap_or_default();
    let qr = crate::core::qr::terminal(offer_uri).map_err(CliError::input)?;
    out!("{}", indent(&qr));
    outln!("   ({offer_uri})");
    let tx_code = micro["tx_code"].as_str().unwrap_or_default();
    outln!("   The provider e-mails a one-time code ({tx_code}); a wrong guess is counted:");
    let agent = tools.agent(&wallet);
    let read = agent.read_offer(offer_uri).await.map_err(CliError::input)?;
    let wrong = agent.accept(&read, Some("000000"), SystemClock.now()).await;
    outln!(
        "   wrong code: {}",
        wrong.as_ref().err().map_or_else(|| "ACCEPTED (unexpected)".into(), ToString::to_string)
    );
    let accepted = agent.accept(&read, Some(tx_code), SystemClock.now()).await.map_err(CliError::input)?;
    outln!(
        "   The wallet checked the issuer's metadata, proved it holds its key, verified the credential and stored it: {}",
        accepted.stored.name.as_deref().unwrap_or("")
    );
    let (micro_id, notified) = issued_id(issuer, token, &micro).await?;
    outln!("4. The provider also offers a course badge; the wallet accepts it the same way.");
    accept_offer(&agent, issuer, token, COURSE_BADGE).await?;
    outln!("   A former employer attests on-the-job data work (a practice statement); the wallet accepts that too.");
    accept_offer(&agent, issuer, token, DATA_PRACTICE).await?;
    let earned = wallet.list().map_err(CliError::input)?.len();
    outln!("   The wallet now holds {earned} credentials.");

    outln!("MOVE");
    let (moved, moved_intact) = move_wallet(&wallet, base)?;

    outln!("PROVE");
    outln!("5. An employer asks for two skills: Python, and the course badge's skill (a signed OpenID4VP request).");
    let first = request(verifier, token).await?;
    let proven = respond(&tools, &moved, verifier, &first).await?;
    let proof_ok = proven.0 && proven.1 == 2;
    outln!("6. Someone replays the same answer; the employer's verifier refuses it:");
    let replay = replay(&tools, &proven.2).await?;
    outln!("   {replay}");

    outln!("MATCH");
    let (private, employer) = vacancy(&tools, &moved, verifier, token).await?;

    outln!("REVOKE");
    outln!("10. The provider revokes the micro-credential; the employer asks again, and the proof now fails:");
    let revoke = json!({"credentialId": micro_id,
        "credentialStatus": [{"type": "BitstringStatusListEntry", "status": "revoked"}]});
    post_json(&format!("{}/credentials/status", issuer.url()), &revoke, Some(token)).await?;
    tokio::time::sleep(Duration::from_millis(DEMO_TTL_MS + 300)).await;
    let second = request(verifier, token).await?;
    let after = respond(&tools, &moved, verifier, &second).await?;
    let checks = [
        ("a wrong transaction code is refused", wrong.is_err()),
        ("three credentials earned", earned == 3),
        ("the provider saw the wallet's notification", notified),
        ("the wallet moved byte for byte", moved_intact),
        ("two skills proven, the rest withheld", proof_ok),
        ("the replayed answer is refused", replay.contains("already answered")),
        ("the worker's private gap shows 3 of 4 essential skills", private == Some((3, 4))),
        ("the employer's report shows the same coverage", employer == private),
        ("after revocation the proof fails", !after.0),
    ];
    for (step, held) in &checks {
        if !held {
            outln!("   did not behave: {step}");
        }
    }
    Ok(checks.iter().all(|(_, held)| *held))
}

/// The vacancy story: the worker's private gap in the wallet, then the employer's profile-based request and its
/// gap report. Returns the essential coverage (proven, required) each side computed.
async fn vacancy(
    tools: &Tools,
    wallet: &Wallet,
    verifier: &Server,
    token: &str,
) -> Result<(Option<(usize, usize)>, Option<(usize, usize)>), CliError> {
    let esco = crate::core::esco::Esco::embedded();
    let profile = crate::core::vacancy::VacancyProfile::parse(VACANCY, &esco).map_err(CliError::input)?;
    outln!(
        "7. Example Employer BV posts a vacancy, \"{}\", built from the ESCO occupation \"data analyst\". Before applying,",
        profile.title
    );
    outln!("   the worker asks their own wallet how they match. It computes this on the device and sends nothing:");
    let report = wallet.match_profile(&profile, &esco, "en", SystemClock.now()).map_err(CliError::input)?;
    for line in gap_lines(&serde_json::to_value(&report).map_err(CliError::input)?) {
        outln!("     {line}");
    }
    let private = Some((report.essential.proven, report.essential.total));
    outln!(
        "8. The worker applies; the employer's verifier asks for exactly the profile's skills (one query per skill):"
    );
    let body = json!({"profile": profile, "client_id_prefix": "decentralized_identifier",
        "client_name": "Example Employer BV", "redirect_uri": format!("{}/done", verifier.url())});
    let created = post_json(&format!("{}/verifier/requests", verifier.url()), &body, Some(token)).await?;
    let (_, _, _, result) = respond_full(tools, wallet, verifier, &created).await?;
    outln!("9. The employer's report, from the verified presentation alone:");
    let gap = &result["gap"];
    for line in gap_lines(gap) {
        outln!("     {line}");
    }
    let employer = gap["essential"]["proven"]
        .as_u64()
        .zip(gap["essential"]["total"].as_u64())
        .and_then(|(p, t)| Some((usize::try_from(p).ok()?, usize::try_from(t).ok()?)));
    Ok((private, employer))
}

/// A gap report (as JSON) in a few lines.
fn gap_lines(gap: &Value) -> Vec<String> {
    let count = |part: &str, key: &str| gap[part][key].as_u64().unwrap_or(0);
    let mut lines = vec![format!(
        "essential {} of {}, optional {} of {}, score {}",
        count("essential", "proven"),
        count("essential", "total"),
        count("optional", "proven"),
        count("optional", "total"),
        gap["score"]
    )];
    for skill in gap["skills"].as_array().into_iter().flatten() {
        let best = skill["evidence"].as_array().and_then(|e| e.iter().find(|e| e["counts"] == true));
        let by = best.map_or_else(String::new, |e| {
            let via = e["via"]["label"].as_str().map(|l| format!(" via {l}")).unwrap_or_default();
            format!(
                " by {}{via} ({})",
                e["issuerName"].as_str().or(e["issuer"].as_str()).unwrap_or(""),
                e["evidence"].as_str().unwrap_or("")
            )
        });
        lines.push(format!(
            "{:15} {}{}",
            skill["outcome"].as_str().unwrap_or(""),
            skill["label"].as_str().unwrap_or(""),
            by
        ));
    }
    lines
}

/// Offers a description without a transaction code and accepts it into the wallet.
async fn accept_offer(
    agent: &Agent<'_, Verifier>,
    issuer: &Server,
    token: &str,
    description: &str,
) -> Result<(), CliError> {
    let offered = offer(issuer, token, description, false).await?;
    let read = agent.read_offer(offered["offer_uri"].as_str().unwrap_or_default()).await.map_err(CliError::input)?;
    agent.accept(&read, None, SystemClock.now()).await.map_err(CliError::input)?;
    Ok(())
}

/// `POST /offers` (admin) for an example description.
async fn offer(issuer: &Server, token: &str, description: &str, tx_code: bool) -> Result<Value, CliError> {
    let achievement: Value = serde_json::from_str(description).map_err(CliError::input)?;
    post_json(
        &format!("{}/offers", issuer.url()),
        &json!({"achievement": achievement, "tx_code": tx_code}),
        Some(token),
    )
    .await
}

/// The issuer's id of the credential an offer produced (for revocation), and whether the wallet's notification
/// arrived.
async fn issued_id(issuer: &Server, token: &str, offer: &Value) -> Result<(String, bool), CliError> {
    let url = format!("{}/offers/{}/state", issuer.url(), offer["id"].as_str().unwrap_or_default());
    let state = get_json(&url, Some(token)).await?;
    outln!("   The provider sees the wallet's notification: {}", state["state"]);
    let accepted = state["state"] == "credential_accepted";
    Ok((state["credential_id"].as_str().unwrap_or_default().to_owned(), accepted))
}

/// Exports and restores on a "new device"; true when every credential came back byte for byte.
fn move_wallet(wallet: &Wallet, base: &std::path::Path) -> Result<(Wallet, bool), CliError> {
    let export_passphrase = Passphrase::new(EXPORT_PASSPHRASE).map_err(CliError::input)?;
    let file = wallet.export(&export_passphrase, SystemClock.now()).map_err(CliError::input)?;
    let new_db = crate::store::Database::open_folder(&base.join("new-wallet")).map_err(CliError::input)?;
    let passphrase = Passphrase::new(WALLET_PASSPHRASE).map_err(CliError::input)?;
    let moved = Wallet::create(&new_db, "worker", &passphrase, SystemClock.now()).map_err(CliError::input)?;
    let count = moved.restore(&file, &export_passphrase, false).map_err(CliError::input)?;
    let before: Vec<String> = wallet.list().map_err(CliError::input)?.into_iter().map(|c| c.id).collect();
    let same = before.iter().all(|id| {
        let token = |w: &Wallet| w.get_credential(id).map(|c| c.token).ok();
        token(wallet).is_some() && token(wallet) == token(&moved)
    });
    outln!("   The worker changes jobs: one encrypted export file ({} bytes), restored on a new device:", file.len());
    outln!("   {count} credential(s) restored, byte for byte: {same}; no issuer was asked.");
    Ok((moved, same && count == before.len()))
}

/// `POST /verifier/requests` (admin): the two skills, signed request, response code redirect.
async fn request(verifier: &Server, token: &str) -> Result<Value, CliError> {
    let body = json!({"skills": [PYTHON, COURSE_SKILL], "client_id_prefix": "decentralized_identifier",
        "client_name": "Example Employer BV", "redirect_uri": format!("{}/done", verifier.url())});
    post_json(&format!("{}/verifier/requests", verifier.url()), &body, Some(token)).await
}

/// The wallet reads the request, shows the plan, discloses; the employer's page reads the result with the
/// response code. Returns (verified, proven skills, the `vp_token` form as sent, for the replay).
async fn respond(
    tools: &Tools,
    wallet: &Wallet,
    verifier: &Server,
    created: &Value,
) -> Result<(bool, usize, Vec<(String, String)>), CliError> {
    let (passed, proven, form, _) = respond_full(tools, wallet, verifier, created).await?;
    Ok((passed, proven, form))
}

/// As [`respond`], with the verifier's result.
async fn respond_full(
    tools: &Tools,
    wallet: &Wallet,
    verifier: &Server,
    created: &Value,
) -> Result<(bool, usize, Vec<(String, String)>, Value), CliError> {
    let agent = tools.agent(wallet);
    let uri = created["authorization_request_uri"].as_str().unwrap_or_default();
    let request = agent.read_request(uri, SystemClock.now()).await.map_err(CliError::input)?;
    outln!("   The wallet shows who asks: {}", request.verifier_label());
    let plan = request.plan.as_ref().ok_or_else(|| CliError::input("the wallet found no match"))?;
    for planned in plan {
        outln!("   and what it would send, from \"{}\":", planned.credential.name.as_deref().unwrap_or(""));
        for path in &planned.paths {
            outln!(
                "     {}",
                crate::core::dcql::select_path(&planned.credential.claims, path)
                    .ok()
                    .and_then(|v| v.first().map(ToString::to_string))
                    .unwrap_or_default()
            );
        }
    }
    let responded = agent.present(&request, SystemClock.now()).await.map_err(CliError::input)?;
    let redirect = responded.redirect_uri.clone().unwrap_or_default();
    let sent: usize = responded.disclosed.iter().map(|(_, d)| d.len()).sum();
    let withheld = responded.disclosed.iter().flat_map(|(_, d)| d).all(|d| !d.contains(WITHHELD_SKILL));
    outln!("   The worker agrees; {sent} disclosure(s) sent, the other skill, name and grade withheld: {withheld}");
    let code = redirect.split_once("#response_code=").map(|(_, c)| c).unwrap_or_default();
    let id = created["id"].as_str().unwrap_or_default();
    let status = get_json(&format!("{}/verifier/requests/{id}?response_code={code}", verifier.url()), None).await?;
    let result = status["result"].clone();
    let passed = result["verified"].as_bool().unwrap_or(false);
    let skills = result["proven_skills"].as_array().cloned().unwrap_or_default();
    outln!(
        "   The employer's page (holding the response code) reads: {}",
        if passed { "VERIFIED" } else { "NOT VERIFIED" }
    );
    for skill in &skills {
        let label = super::render::skill_name(skill["escoLabel"].as_str(), skill["label"].as_str().unwrap_or(""));
        outln!("     proven: {label}");
    }
    for problem in failures(&result) {
        outln!("     {problem}");
    }
    let form = vec![
        ("vp_token".to_owned(), responded.vp_token.clone()),
        ("state".to_owned(), request.request.state.clone().unwrap_or_default()),
        ("response_uri".to_owned(), request.request.response_uri.clone()),
    ];
    Ok((passed && withheld, skills.len(), form, result))
}

/// Why presentations failed, from the result's reports.
fn failures(result: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(presentations) = result["presentations"].as_object() {
        for (query, reports) in presentations {
            for report in reports.as_array().into_iter().flatten() {
                for error in report["errors"].as_array().into_iter().flatten() {
                    out.push(format!("{query}: {}", error["detail"].as_str().unwrap_or("refused")));
                }
            }
        }
    }
    out
}

/// Posts to the response URI again with the same state: the request is closed.
async fn replay(tools: &Tools, form: &[(String, String)]) -> Result<String, CliError> {
    let state = form.iter().find(|(k, _)| k == "state").map(|(_, v)| v.as_str()).unwrap_or_default();
    let uri = form.iter().find(|(k, _)| k == "response_uri").map(|(_, v)| v.as_str()).unwrap_or_default();
    let token = form.iter().find(|(k, _)| k == "vp_token").map(|(_, v)| v.as_str()).unwrap_or_default();
    let body = [("vp_token", token), ("state", state)];
    let answer = tools.fetcher.post(uri, PostBody::Form(&body), None, 64 * 1024).await.map_err(CliError::input)?;
    Ok(format!("HTTP {}: {}", answer.status, answer.json()["error_description"].as_str().unwrap_or("")))
}

async fn get_json(url: &str, bearer: Option<&str>) -> Result<Value, CliError> {
    let client = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().map_err(CliError::input)?;
    let mut request = client.get(url);
    if let Some(token) = bearer {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.map_err(|e| CliError::input(format!("cannot reach {url}: {e}")))?;
    response.json().await.map_err(|e| CliError::input(format!("{url}: {e}")))
}

fn indent(text: &str) -> String {
    text.lines().fold(String::new(), |mut out, line| {
        out.push_str("   ");
        out.push_str(line);
        out.push('\n');
        out
    })
}
