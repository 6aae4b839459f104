//! `skillspass wallet accept` and `skillspass wallet respond`: the holder's side of `OpenID4VCI` and `OpenID4VP`
//! from a terminal, through the wallet's protocol agent ([`crate::wallet::agent`]). What the person must see before
//! agreeing (who offers or asks, what would be disclosed) is printed first; consent is `--yes` or a y/N question.

use std::io::{BufRead as _, IsTerminal as _, Write as _};

use serde_json::json;

use super::{CliError, EXIT_NOT_VERIFIED, EXIT_OK};
use crate::core::clock::Clock as _;
use crate::net::Fetcher;
use crate::system::SystemClock;
use crate::verifier::{Policy, Verifier};
use crate::wallet::agent::Agent;
use crate::wallet::openid4vp::{Answered, Decision};
use crate::wallet::{Wallet, WalletError};

/// How an exchange runs.
#[derive(Debug, Clone, Copy)]
pub struct Exchange<'a> {
    /// Development only: plain http to loopback.
    pub loopback: bool,
    /// Print JSON.
    pub json: bool,
    /// The transaction code (accept).
    pub tx_code: Option<&'a str>,
    /// Consent given on the command line (respond).
    pub yes: bool,
    /// How the wallet verifies what it receives (X.509 anchors included).
    pub policy: &'a Policy,
    /// How many copies to ask for (accept).
    pub copies: usize,
}

fn refused(error: &WalletError) -> CliError {
    CliError::refused(error.to_string())
}

fn tools(loopback: bool, policy: &Policy) -> Result<(Verifier, Fetcher, tokio::runtime::Runtime), CliError> {
    let fetcher = Fetcher::new(loopback).map_err(CliError::input)?;
    let verifier = Verifier::online(policy.clone(), fetcher.clone()).map_err(CliError::input)?;
    Ok((verifier, fetcher, tokio::runtime::Runtime::new().map_err(CliError::input)?))
}

/// `wallet accept '<offer URI>'`.
///
/// # Errors
/// [`CliError`]: exit 1 when the issuer or the wallet refused, 2 for bad input.
pub fn accept(wallet: &Wallet, uri: &str, options: Exchange<'_>) -> Result<u8, CliError> {
    let (verifier, fetcher, runtime) = tools(options.loopback, options.policy)?;
    let agent = Agent::new(wallet, &verifier, &fetcher).with_copies(options.copies);
    let offer = runtime.block_on(agent.read_offer(uri)).map_err(|e| refused(&e))?;
    if !options.json {
        eprintln!("{} offers you: {}", offer.issuer_name(), offer.offered().join(", "));
    }
    let typed;
    let tx_code = match (offer.tx_code(), options.tx_code) {
        (Some(meta), None) => {
            let hint = meta.description.as_deref().unwrap_or("the transaction code the issuer sent you");
            typed = ask(&format!("{hint}: "))?;
            Some(typed.as_str())
        }
        (_, given) => given,
    };
    let accepted = if offer.needs_sign_in() {
        runtime.block_on(sign_in_and_accept(&agent, &offer))?
    } else {
        runtime.block_on(agent.accept(&offer, tx_code, SystemClock.now())).map_err(|e| refused(&e))?
    };
    let stored = &accepted.stored;
    let copies = wallet.copies(&stored.id).map_err(|e| refused(&e))?.map_or(1, |set| set.copies.len());
    if options.json {
        let skills: Vec<&str> = stored.skills.iter().map(|s| s.id.as_str()).collect();
        outln!(
            "{}",
            json!({"status": if accepted.already_stored { "already-stored" } else { "accepted" },
            "id": stored.id, "name": stored.name, "issuer": stored.issuer, "skills": skills, "copies": copies})
        );
    } else {
        outln!("accepted {}  {}", stored.id, stored.name.as_deref().unwrap_or(""));
        if copies > 1 {
            outln!("  {copies} unlinkable copies: each employer you show it to gets one no other employer has seen");
        }
        for skill in &stored.skills {
            outln!("  skill  {}  <{}>", skill.label, skill.id);
        }
    }
    Ok(EXIT_OK)
}

/// How long the wallet waits for the learner to sign in at the issuer.
pub const SIGN_IN_WAIT: std::time::Duration = std::time::Duration::from_secs(600);

/// The authorization code flow from a terminal (RFC 8252, a native app's loopback redirect): the wallet listens
/// on a free port of 127.0.0.1, pushes its request, prints the issuer's sign-in page for the learner to open,
/// and finishes when the browser comes back to the listener.
async fn sign_in_and_accept(
    agent: &Agent<'_, Verifier>,
    offer: &crate::wallet::openid4vci::Offer,
) -> Result<crate::wallet::openid4vci::Accepted, CliError> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(CliError::input)?;
    let port = listener.local_addr().map_err(CliError::input)?.port();
    let redirect_uri = format!("http://127.0.0.1:{port}/callback");
    let sign_in = agent.begin_sign_in(offer, &redirect_uri, SystemClock.now()).await.map_err(|e| refused(&e))?;
    eprintln!("Sign in at the issuer to receive it. Open this page in your browser:");
    eprintln!("  {}", sign_in.authorization_url);
    let (sender, receiver) = tokio::sync::oneshot::channel::<String>();
    let sender = std::sync::Arc::new(std::sync::Mutex::new(Some(sender)));
    let callback = axum::Router::new().route(
        "/callback",
        axum::routing::get(move |uri: axum::http::Uri| async move {
            if let Some(sender) = sender.lock().ok().and_then(|mut s| s.take()) {
                let _ = sender.send(uri.to_string());
            }
            axum::response::Html(
                "<!doctype html><meta charset=utf-8><title>skillspass</title>\
                 <p>Signed in. You can close this page and go back to the terminal.</p>",
            )
        }),
    );
    let server = tokio::spawn(async move { axum::serve(listener, callback).await });
    let returned = tokio::time::timeout(SIGN_IN_WAIT, receiver).await;
    server.abort();
    let path = returned
        .map_err(|_| CliError::refused("nobody signed in at the issuer within 10 minutes"))?
        .map_err(|_| CliError::refused("the sign-in listener stopped"))?;
    let returned_to = format!("http://127.0.0.1:{port}{path}");
    agent.finish_sign_in(offer, sign_in, &returned_to, SystemClock.now()).await.map_err(|e| refused(&e))
}

/// `wallet respond '<openid4vp URI>'`.
///
/// # Errors
/// [`CliError`]: exit 1 when nothing matches, the person declines or the verifier refuses; 2 for bad input.
pub fn respond(wallet: &Wallet, uri: &str, options: Exchange<'_>) -> Result<u8, CliError> {
    let (verifier, fetcher, runtime) = tools(options.loopback, options.policy)?;
    let agent = Agent::new(wallet, &verifier, &fetcher);
    let request = runtime.block_on(agent.read_request(uri, SystemClock.now())).map_err(|e| refused(&e))?;
    eprintln!("A verifier asks for proof: {}", request.verifier_label());
    let Some(plan) = &request.plan else {
        eprintln!("Nothing in your wallet satisfies this request; answering access_denied.");
        runtime.block_on(agent.answer(&request, Decision::Consent, SystemClock.now())).map_err(|e| refused(&e))?;
        return Err(CliError::refused("no matching credentials (access_denied sent)"));
    };
    for planned in plan {
        let name = planned.credential.name.as_deref().unwrap_or(&planned.credential.id);
        eprintln!("  for {}: \"{name}\" from {}", planned.query_id, planned.credential.issuer);
        if planned.paths.is_empty() {
            eprintln!("      disclosing no optional claims");
        }
        for line in planned.described() {
            eprintln!("      disclosing {line}");
        }
        if let Some(copies) = planned.copies.explained() {
            eprintln!("      sending {copies}");
        }
    }
    eprintln!("Nothing else in your wallet is sent.");
    let decision = if options.yes || ask("Send these proofs? [y/N] ")?.eq_ignore_ascii_case("y") {
        Decision::Consent
    } else {
        Decision::Decline
    };
    let responded = match runtime.block_on(agent.answer(&request, decision, SystemClock.now())) {
        Ok(Answered::Sent(responded)) => responded,
        Ok(Answered::Declined | Answered::NothingMatched) => {
            return Err(CliError::refused("declined (access_denied sent)"));
        }
        Err(e) => return Err(refused(&e)),
    };
    if options.json {
        outln!(
            "{}",
            json!({"status": "sent", "redirect_uri": responded.redirect_uri, "vp_token": responded.vp_token,
            "disclosed": responded.disclosed.iter().map(|(q, d)| json!({"query": q, "disclosures": d})).collect::<Vec<_>>()})
        );
    } else {
        outln!("sent {} presentation(s)", responded.disclosed.len());
        if let Some(redirect) = &responded.redirect_uri {
            outln!("continue at: {redirect}");
        }
    }
    Ok(if responded.disclosed.is_empty() { EXIT_NOT_VERIFIED } else { EXIT_OK })
}

/// One line from the terminal.
fn ask(prompt: &str) -> Result<String, CliError> {
    if !std::io::stdin().is_terminal() {
        return Err(CliError::input(format!(
            "{} (not on a terminal: pass it as an option)",
            prompt.trim_end_matches([' ', ':'])
        )));
    }
    eprint!("{prompt}");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).map_err(CliError::input)?;
    Ok(line.trim().to_owned())
}
