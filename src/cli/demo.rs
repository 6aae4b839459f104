//! `skillspass demo`: the story so far, on this machine with throwaway keys. A training provider creates a key,
//! issues the example micro-credential to a learner's did:key, an employer verifies it offline and sees the
//! proven skills; a tampered copy is refused. Exits 0 only when every step behaved as expected.

use super::{CliError, EXIT_NOT_VERIFIED, EXIT_OK, render};
use crate::core::clock::{Clock as _, SystemClock};
use crate::core::did::Did;
use crate::core::encoding::{b64url, b64url_decode};
use crate::core::keys::SigningKey;
use crate::issuer::Issuer;
use crate::verifier::{Policy, Verifier};

/// The example micro-credential description shipped in `docs/examples/`.
const MICRO_CREDENTIAL: &str = include_str!("../../docs/examples/micro-credential.json");

/// Runs the demo.
pub fn run() -> Result<u8, CliError> {
    let now = SystemClock.now();
    println!("1. A training provider creates a signing key.");
    let issuer = Issuer::with_did_key(SigningKey::generate()).map_err(CliError::input)?;
    println!("   issuer DID: {}", issuer.did());
    println!("2. A learner has a wallet key; their DID is the credential's subject.");
    let learner = Did::key(&SigningKey::generate().verifying_key());
    println!("   learner DID: {learner}");
    println!("3. The provider issues the micro-credential \"Data analysis with Python\" as a vc+jwt.");
    let description = serde_json::from_str(MICRO_CREDENTIAL).map_err(CliError::input)?;
    let earned = issuer.issue_json(&description, learner.as_str(), None, now).map_err(CliError::input)?;
    println!("   credential {} ({} bytes)", earned.id, earned.token.len());
    println!("4. An employer verifies it offline, trusting this provider:");
    let policy = Policy { trusted_issuers: Some(vec![issuer.did().to_string()]), ..Policy::default() };
    let verifier = Verifier::new(policy).map_err(CliError::input)?;
    let report = verifier.verify(&earned.token, now);
    print!("{}", indent(&render::report(&report)));
    println!("5. Someone raises the ECTS in a copy; the employer's verifier refuses it:");
    let tampered = tamper(&earned.token).ok_or_else(|| CliError::input("could not build the tampered copy"))?;
    let refused = verifier.verify(&tampered, now);
    print!("{}", indent(&render::report(&refused)));
    let story_holds = report.verified && !report.skills.is_empty() && !refused.verified;
    println!(
        "{}",
        if story_holds {
            "The story holds: earned, proven, tampering caught."
        } else {
            "A step did not behave as expected."
        }
    );
    Ok(if story_holds { EXIT_OK } else { EXIT_NOT_VERIFIED })
}

fn tamper(token: &str) -> Option<String> {
    let mut parts = token.split('.');
    let (header, payload, signature) = (parts.next()?, parts.next()?, parts.next()?);
    let mut claims: serde_json::Value = serde_json::from_slice(&b64url_decode(payload).ok()?).ok()?;
    claims["credentialSubject"]["achievement"]["creditsAvailable"] = serde_json::json!(30);
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
