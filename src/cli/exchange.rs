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
    let agent = Agent::new(wallet, &verifier, &fetcher);
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
    let accepted = runtime.block_on(agent.accept(&offer, tx_code, SystemClock.now())).map_err(|e| refused(&e))?;
    let stored = &accepted.stored;
    if options.json {
        let skills: Vec<&str> = stored.skills.iter().map(|s| s.id.as_str()).collect();
        outln!(
            "{}",
            json!({"status": if accepted.already_stored { "already-stored" } else { "accepted" },
            "id": stored.id, "name": stored.name, "issuer": stored.issuer, "skills": skills})
        );
    } else {
        outln!("accepted {}  {}", stored.id, stored.name.as_deref().unwrap_or(""));
        for skill in &stored.skills {
            outln!("  skill  {}  <{}>", skill.label, skill.id);
        }
    }
    Ok(EXIT_OK)
}

/// `wallet respond '<openid4vp URI>'`.
///
/// # Errors
/// [`CliError`]: exit 1 when nothing matches, the person declines or the verifier refuses; 2 for bad input.
pub fn respond(wallet: &Wallet, uri: &str, options: Exchange<'_>) -> Result<u8, CliError> {
    let (verifier, fetcher, runtime) = tools(options.loopback, options.policy)?;
    let agent = Agent::new(wallet, &verifier, &fetcher);
    let request = runtime.block_on(agent.read_request(uri)).map_err(|e| refused(&e))?;
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
            json!({"status": "sent", "redirect_uri": responded.redirect_uri,
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
