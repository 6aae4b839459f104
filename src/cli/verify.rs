//! `skillspass verify`: check a credential in any format we read (`vc+jwt`, `dc+sd-jwt`, a Data Integrity JSON-LD
//! credential, an Open Badges 3.0 JWT; as text, or baked into a badge image) and print the report. Resolves
//! `did:web` issuers and https key documents and checks status lists online through the guarded fetcher, unless
//! `--offline` (then documents come from `--did-document` files); or asks a remote verifier (`--verifier URL`).

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde_json::json;

use super::issue::parse_time;
use super::{CliError, EXIT_NOT_VERIFIED, EXIT_OK, read_credential, read_input, render};
use crate::core::clock::Clock as _;
use crate::core::format::Format;
use crate::core::jose::MAX_TOKEN_BYTES;
use crate::core::report::Report;
use crate::core::verify::Requirement;
use crate::core::x509::TrustAnchors;
use crate::net::Fetcher;
use crate::system::SystemClock;
use crate::verifier::{Policy, TrustList, Verifier};

/// Arguments of `verify`.
#[derive(Debug, clap::Args)]
#[expect(clippy::struct_excessive_bools, reason = "independent command-line switches")]
pub struct VerifyArgs {
    /// The credential file, or `-` for standard input.
    #[arg(required_unless_present = "batch")]
    input: Option<PathBuf>,
    /// Verify many: one compact credential per line of FILE (`-`: standard input), one JSON report per line out,
    /// in order (blank lines are skipped). Issuer signatures are checked 64 at a time as one batch.
    #[arg(long, value_name = "FILE", conflicts_with = "input")]
    batch: Option<PathBuf>,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// Verify as of this instant (RFC 3339) instead of now.
    #[arg(long, value_parser = parse_time)]
    at: Option<DateTime<Utc>>,
    /// Trust only these issuer DIDs (repeatable); without a trust list an unknown issuer is a warning.
    #[arg(long = "trust")]
    trust: Vec<String>,
    /// X.509 roots (PEM) that issuers' certificate chains (`x5c`) must lead to; without them `x5c` is refused.
    #[arg(long, env = "SKILLSPASS_X509_ROOTS")]
    pub x509_roots: Option<PathBuf>,
    /// A trust list file (TOML).
    #[arg(long)]
    trust_list: Option<PathBuf>,
    /// A did:web DID document, or the key or controller document of an https verification method, to resolve
    /// issuer keys with (repeatable).
    #[arg(long = "did-document")]
    did_documents: Vec<PathBuf>,
    /// Pin a JSON-LD context the binary does not hold: `URL=FILE` (repeatable). Contexts are never fetched.
    #[arg(long = "context", value_parser = parse_context)]
    contexts: Vec<(String, PathBuf)>,
    /// Use FILE as the document at URL (`URL=FILE`, repeatable): offline, the documents an Open Badges 2.0
    /// assertion links to (the hosted assertion, its `BadgeClass`, `Issuer`, keys, revocation list) or a key document.
    #[arg(long = "document", value_parser = parse_context)]
    documents: Vec<(String, PathBuf)>,
    /// Use this Bitstring Status List credential for its URL: `URL=FILE` (repeatable). Offline, status is then
    /// checked for credentials whose every list is given.
    #[arg(long = "status-list", value_parser = parse_context)]
    status_lists: Vec<(String, PathBuf)>,
    /// Allowed clock skew in seconds.
    #[arg(long, default_value_t = 120)]
    skew: i64,
    /// Do not use the network: no did:web resolution, status not checked.
    #[arg(long)]
    offline: bool,
    /// Development only: allow plain http to loopback addresses for did:web and status lists.
    #[arg(long, env = "SKILLSPASS_ALLOW_LOOPBACK_HTTP")]
    allow_loopback_http: bool,
    /// Let credentials whose status cannot be established pass with a warning.
    #[arg(long)]
    accept_unknown_status: bool,
    /// Also require this (repeatable): `eu-micro-credential` refuses anything but a complete EU micro-credential.
    #[arg(long = "require", value_parser = parse_requirement)]
    require: Vec<Requirement>,
    /// Ask this remote verifier (`POST <URL>/credentials/verify`) instead of verifying here.
    #[arg(long, env = "SKILLSPASS_VERIFIER")]
    verifier: Option<String>,
    /// ESCO labels in the report: the language, and the data folder holding imported languages.
    #[command(flatten)]
    esco: super::esco::EscoData,
}

/// Runs `verify`.
pub fn run(args: &VerifyArgs) -> Result<u8, CliError> {
    let input = match (&args.input, &args.batch) {
        (_, Some(batch)) => return run_batch(args, batch),
        (Some(input), None) => input,
        (None, None) => return Err(CliError::input("name the credential file, or --batch FILE")),
    };
    // Read up to four times the token cap so a merely oversized token gets a report (exit 1) from the verifier's
    // own size check; anything larger is refused as unreadable input (exit 2). A baked badge image gives up the
    // credential it carries.
    let token = read_credential(input, 4 * MAX_TOKEN_BYTES)?;
    let token = token.trim();
    let runtime = tokio::runtime::Runtime::new().map_err(CliError::input)?;
    let report = if let Some(url) = &args.verifier {
        runtime.block_on(remote(url, token))?
    } else {
        let verifier = local_verifier(args)?;
        let at = args.at.unwrap_or_else(|| SystemClock.now());
        let verification = if args.offline {
            verifier.verify_offline(token, at)
        } else {
            runtime.block_on(verifier.verify(token, at))
        };
        let mut report = Report::into_credential(verification);
        if args.esco.lang != crate::core::esco::DEFAULT_LANG {
            report.relabel(&*args.esco.load()?, &args.esco.lang);
        }
        serde_json::to_value(report).map_err(CliError::input)?
    };
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&report).map_err(CliError::input)?);
    } else {
        out!("{}", render::report(&report));
    }
    Ok(if report["verified"] == true { EXIT_OK } else { EXIT_NOT_VERIFIED })
}

/// Credentials verified together in `--batch`.
const BATCH: usize = 64;

/// `verify --batch`: reads lines, verifies them [`BATCH`] at a time, writes one compact JSON report per line.
fn run_batch(args: &VerifyArgs, path: &std::path::Path) -> Result<u8, CliError> {
    use std::io::BufRead as _;
    let reader: Box<dyn std::io::BufRead> = if path.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        let file =
            std::fs::File::open(path).map_err(|e| CliError::input(format!("cannot read {}: {e}", path.display())))?;
        Box::new(std::io::BufReader::new(file))
    };
    let runtime = tokio::runtime::Runtime::new().map_err(CliError::input)?;
    let verifier = if args.verifier.is_some() { None } else { Some(local_verifier(args)?) };
    let at = args.at.unwrap_or_else(|| SystemClock.now());
    let (mut all_verified, mut chunk) = (true, Vec::with_capacity(BATCH));
    let mut lines = reader.lines().enumerate().peekable();
    while let Some((number, line)) = lines.next() {
        let line = line.map_err(|e| CliError::input(format!("{} line {}: {e}", path.display(), number + 1)))?;
        if !line.trim().is_empty() {
            chunk.push(line.trim().to_owned());
        }
        if chunk.len() == BATCH || (lines.peek().is_none() && !chunk.is_empty()) {
            let tokens: Vec<&str> = chunk.iter().map(String::as_str).collect();
            let reports = match (&verifier, &args.verifier) {
                (Some(verifier), _) => local_batch(verifier, &tokens, at, args, &runtime)?,
                (None, Some(url)) => runtime.block_on(remote_batch(url, &tokens))?,
                (None, None) => Vec::new(),
            };
            for report in reports {
                all_verified &= report["verified"] == true;
                outln!("{}", serde_json::to_string(&report).map_err(CliError::input)?);
            }
            chunk.clear();
        }
    }
    Ok(if all_verified { EXIT_OK } else { EXIT_NOT_VERIFIED })
}

fn local_batch(
    verifier: &Verifier,
    tokens: &[&str],
    at: DateTime<Utc>,
    args: &VerifyArgs,
    runtime: &tokio::runtime::Runtime,
) -> Result<Vec<serde_json::Value>, CliError> {
    let esco = if args.esco.lang == crate::core::esco::DEFAULT_LANG { None } else { Some(args.esco.load()?) };
    runtime
        .block_on(verifier.verify_batch(tokens, at))
        .into_iter()
        .map(|verification| {
            let mut report = Report::into_credential(verification);
            if let Some(esco) = &esco {
                report.relabel(esco, &args.esco.lang);
            }
            serde_json::to_value(report).map_err(CliError::input)
        })
        .collect()
}

async fn remote_batch(url: &str, tokens: &[&str]) -> Result<Vec<serde_json::Value>, CliError> {
    let credentials: Vec<serde_json::Value> = tokens.iter().map(|token| enveloped(token)).collect();
    let body = json!({ "verifiableCredentials": credentials });
    let url = format!("{}/credentials/verify/batch", url.trim_end_matches('/'));
    let answer = super::post_json(&url, &body, None).await?;
    match answer.get("reports").and_then(serde_json::Value::as_array) {
        Some(reports) if reports.len() == tokens.len() => Ok(reports.clone()),
        _ => Err(CliError::input(format!("the verifier at {url} did not answer with one report per credential"))),
    }
}

fn enveloped(token: &str) -> serde_json::Value {
    json!({
        "@context": [crate::core::credential::VC2_CONTEXT],
        "type": "EnvelopedVerifiableCredential",
        "id": Format::of_credential(token).data_url(token),
    })
}

/// The X.509 trust anchors of a PEM file, named in the error when it cannot be read.
///
/// # Errors
/// [`CliError`] for an unreadable file or one without certificates.
pub fn x509_anchors(path: Option<&std::path::Path>) -> Result<Option<std::sync::Arc<TrustAnchors>>, CliError> {
    let Some(path) = path else { return Ok(None) };
    let pem = std::fs::read(path).map_err(|e| CliError::input(format!("{}: {e}", path.display())))?;
    let anchors = TrustAnchors::from_pem(&pem).map_err(|e| CliError::input(format!("{}: {e}", path.display())))?;
    Ok(Some(std::sync::Arc::new(anchors)))
}

fn local_verifier(args: &VerifyArgs) -> Result<Verifier, CliError> {
    let policy = Policy {
        skew: chrono::Duration::seconds(args.skew.clamp(0, 86_400)),
        trust: trust_list(args)?,
        accept_unknown_status: args.accept_unknown_status,
        require: args.require.clone(),
        x509_anchors: x509_anchors(args.x509_roots.as_deref())?,
    };
    let mut verifier = if args.offline {
        Verifier::new(policy).map_err(CliError::input)?
    } else {
        Verifier::online(policy, Fetcher::new(args.allow_loopback_http).map_err(CliError::input)?)
            .map_err(CliError::input)?
    };
    for path in &args.did_documents {
        let json = read_input(path, 64 * 1024)?;
        verifier.add_did_document(json.as_bytes()).map_err(|e| CliError::input(format!("{e} ({})", path.display())))?;
    }
    for (url, path) in &args.contexts {
        let text = read_input(path, 256 * 1024)?;
        verifier.add_context(url, &text).map_err(|e| CliError::input(format!("{e} ({})", path.display())))?;
    }
    for (url, path) in &args.documents {
        let json = read_input(path, 256 * 1024)?;
        verifier
            .add_document(url, json.as_bytes())
            .map_err(|e| CliError::input(format!("{e} ({})", path.display())))?;
    }
    for (url, path) in &args.status_lists {
        verifier.add_status_list(url, &read_input(path, 1024 * 1024)?);
    }
    Ok(verifier)
}

fn parse_context(text: &str) -> Result<(String, PathBuf), String> {
    match text.split_once('=') {
        Some((url, file)) if url.starts_with("https://") || url.starts_with("http://") => {
            Ok((url.to_owned(), PathBuf::from(file)))
        }
        _ => Err(format!("{text:?} is not URL=FILE (an http(s) URL, then the file holding its document)")),
    }
}

fn trust_list(args: &VerifyArgs) -> Result<Option<TrustList>, CliError> {
    let mut list = match &args.trust_list {
        Some(path) => {
            let text = read_input(path, 1024 * 1024)?;
            Some(TrustList::parse(&text).map_err(|e| CliError::input(format!("{} ({})", e, path.display())))?)
        }
        None => None,
    };
    if !args.trust.is_empty() {
        let extra = TrustList::of_dids(&args.trust);
        list = Some(match list {
            Some(mut existing) => {
                existing.issuers.extend(extra.issuers);
                existing
            }
            None => extra,
        });
    }
    Ok(list)
}

async fn remote(url: &str, token: &str) -> Result<serde_json::Value, CliError> {
    let body = json!({ "verifiableCredential": enveloped(token) });
    let answer = super::post_json(&format!("{}/credentials/verify", url.trim_end_matches('/')), &body, None).await?;
    if answer.get("verified").and_then(serde_json::Value::as_bool).is_none() {
        return Err(CliError::input(format!("the verifier at {url} did not answer with a report")));
    }
    Ok(answer)
}

/// Parses a `--require` value.
pub fn parse_requirement(text: &str) -> Result<Requirement, String> {
    Requirement::parse(text)
        .ok_or_else(|| format!("{text:?} is not a requirement (eu-micro-credential, trust, schema)"))
}
