//! `skillspass verify`: check a `vc+jwt` offline and print the report.

use std::path::PathBuf;

use chrono::{DateTime, Utc};

use super::issue::parse_time;
use super::{CliError, EXIT_NOT_VERIFIED, EXIT_OK, read_input, render};
use crate::core::clock::{Clock as _, SystemClock};
use crate::core::jose::MAX_TOKEN_BYTES;
use crate::verifier::{Policy, Verifier};

/// Arguments of `verify`.
#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// The credential file, or `-` for standard input.
    input: PathBuf,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// Verify as of this instant (RFC 3339) instead of now.
    #[arg(long, value_parser = parse_time)]
    at: Option<DateTime<Utc>>,
    /// Trust only these issuer DIDs (repeatable); without it an unknown issuer is a warning.
    #[arg(long = "trust")]
    trust: Vec<String>,
    /// A did:web DID document to resolve issuers with (repeatable).
    #[arg(long = "did-document")]
    did_documents: Vec<PathBuf>,
    /// Allowed clock skew in seconds.
    #[arg(long, default_value_t = 120)]
    skew: i64,
}

/// Runs `verify`.
pub fn run(args: &VerifyArgs) -> Result<u8, CliError> {
    let policy = Policy {
        skew: chrono::Duration::seconds(args.skew.clamp(0, 86_400)),
        trusted_issuers: (!args.trust.is_empty()).then(|| args.trust.clone()),
    };
    let mut verifier = Verifier::new(policy).map_err(CliError::input)?;
    for path in &args.did_documents {
        let json = read_input(path, 64 * 1024)?;
        verifier.add_did_document(json.as_bytes()).map_err(|e| CliError::input(format!("{e} ({})", path.display())))?;
    }
    // Read up to four times the token cap so a merely oversized token gets a report (exit 1) from the verifier's
    // own size check; anything larger is refused as unreadable input (exit 2).
    let token = read_input(&args.input, 4 * MAX_TOKEN_BYTES)?;
    let report = verifier.verify(token.trim(), args.at.unwrap_or_else(|| SystemClock.now()));
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report).map_err(CliError::input)?);
    } else {
        print!("{}", render::report(&report));
    }
    Ok(if report.verified { EXIT_OK } else { EXIT_NOT_VERIFIED })
}
