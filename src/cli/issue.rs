//! `skillspass issue`: sign a credential from an achievement description for a learner's DID.

use std::path::PathBuf;

use chrono::{DateTime, Utc};

use super::{CliError, EXIT_OK, read_input};
use crate::core::clock::Clock as _;
use crate::core::encoding::parse_json;
use crate::core::format::Format;
use crate::issuer::Issuer;
use crate::system::SystemClock;

/// Largest achievement description we read.
const MAX_DESCRIPTION_BYTES: usize = 1024 * 1024;

/// Arguments of `issue`.
#[derive(Debug, clap::Args)]
pub struct IssueArgs {
    /// The issuer's key file (from `skillspass keys new`).
    #[arg(long)]
    key: PathBuf,
    /// The learner's DID (did:key, did:jwk or did:web).
    #[arg(long)]
    subject: String,
    /// The achievement description (JSON; see docs/examples/).
    #[arg(long)]
    achievement: PathBuf,
    /// End of validity, RFC 3339 (e.g. 2031-09-01T00:00:00Z).
    #[arg(long, value_parser = parse_time)]
    valid_until: Option<DateTime<Utc>>,
    /// Write the credential here instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
    /// `vc+jwt` (VC 2.0 / Open Badges 3.0), or `sd-jwt` (`dc+sd-jwt`: SD-JWT VC with selectively disclosable
    /// skills).
    #[arg(long, default_value = "vc+jwt", value_parser = parse_format)]
    format: Format,
}

/// Parses `--format`: a credential format we issue (`sd-jwt` is short for `dc+sd-jwt`).
fn parse_format(text: &str) -> Result<Format, String> {
    let name = if text == "sd-jwt" { Format::SdJwtVc.name() } else { text };
    Format::from_name(name)
        .filter(|f| matches!(f, Format::VcJwt | Format::SdJwtVc))
        .ok_or_else(|| format!("{text:?} is not vc+jwt or sd-jwt"))
}

/// Parses an RFC 3339 timestamp argument.
pub fn parse_time(text: &str) -> Result<DateTime<Utc>, String> {
    crate::core::vc_jose::parse_date(text).ok_or_else(|| format!("{text:?} is not an RFC 3339 date-time with offset"))
}

struct Signed {
    id: String,
    token: String,
}

/// Runs `issue`.
pub fn run(args: &IssueArgs) -> Result<u8, CliError> {
    let key = crate::store::read_key_file(&args.key).map_err(CliError::input)?;
    let text = read_input(&args.achievement, MAX_DESCRIPTION_BYTES)?;
    let description =
        parse_json(text.as_bytes()).map_err(|e| CliError::input(format!("{e} ({})", args.achievement.display())))?;
    let issuer = Issuer::with_did_key(key).map_err(CliError::input)?;
    let context =
        |e: crate::issuer::IssueError| CliError::input(format!("{e}\n(achievement {})", args.achievement.display()));
    let signed = if args.format == Format::SdJwtVc {
        let typed = serde_json::from_value(description)
            .map_err(|e| CliError::input(format!("achievement description: {e}")))?;
        let sd_jwt =
            issuer.issue_sd_jwt(&typed, &args.subject, args.valid_until, SystemClock.now()).map_err(context)?;
        Signed { id: format!("{} disclosure(s)", sd_jwt.disclosures.len()), token: sd_jwt.serialize() }
    } else {
        let credential =
            issuer.issue_json(&description, &args.subject, args.valid_until, SystemClock.now()).map_err(context)?;
        Signed { id: credential.id, token: credential.token }
    };
    match &args.out {
        Some(path) => {
            std::fs::write(path, format!("{}\n", signed.token))
                .map_err(|e| CliError::input(format!("cannot write {}: {e}", path.display())))?;
            eprintln!("issued {} to {}", signed.id, path.display());
        }
        None => outln!("{}", signed.token),
    }
    Ok(EXIT_OK)
}
