//! `skillspass wallet …`: the holder's wallet in local mode. The wallet folder comes from `--wallet DIR`,
//! `SKILLSPASS_WALLET`, or the per-user default (`$XDG_DATA_HOME/skillspass/wallet`, else
//! `~/.local/share/skillspass/wallet`); the passphrase from `SKILLSPASS_PASSPHRASE` or a prompt.

use std::io::{BufRead as _, Write as _};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde_json::json;
use zeroize::Zeroizing;

use super::esco::EscoData;
use super::exchange::Exchange;
use super::issue::parse_time;
use super::{CliError, EXIT_NOT_VERIFIED, EXIT_OK, read_credential};
use crate::core::clock::Clock as _;
use crate::core::esco::Esco;
use crate::core::gap::{GapReport, KnownStatus, Outcome};
use crate::core::jose::MAX_TOKEN_BYTES;
use crate::core::vacancy::VacancyProfile;
use crate::net::Fetcher;
use crate::system::SystemClock;
use crate::verifier::{Policy, Verifier};
use crate::wallet::passport::{Filter, skills_overview, within_validity};
use crate::wallet::{Consent, ImportOutcome, Passphrase, Receipt, StoredCredential, Wallet, WalletError};

/// The holder name of the local wallet.
const LOCAL_HOLDER: &str = "local";

/// Arguments shared by every wallet command.
#[derive(Debug, clap::Args)]
pub struct WalletArgs {
    /// The wallet folder.
    #[arg(long, global = true, env = "SKILLSPASS_WALLET")]
    wallet: Option<PathBuf>,
    /// Print JSON for scripts.
    #[arg(long, global = true)]
    json: bool,
    /// X.509 roots (PEM) the certificate chains (`x5c`) of issuers must lead to; without them such credentials are
    /// refused.
    #[arg(long, global = true, env = "SKILLSPASS_X509_ROOTS")]
    x509_roots: Option<PathBuf>,
    #[command(flatten)]
    esco: EscoData,
    #[command(subcommand)]
    command: WalletCommand,
}

#[derive(Debug, clap::Subcommand)]
enum WalletCommand {
    /// Create a wallet with a new holder key (did:key).
    Init {
        /// The algorithm of the primary holder key: EdDSA (Ed25519, the default) or ES256 (P-256, what EU wallets
        /// use). Issuers that accept only the other get a key of theirs when asked.
        #[arg(long, default_value = "EdDSA")]
        key_alg: crate::core::keys::KeyAlgorithm,
    },
    /// Verify credentials and store them (a file, or `-` for one credential per line on standard input).
    Import {
        /// The credential file, or `-`.
        input: PathBuf,
        /// The badge names you by another identifier (an email, another DID): keep it anyway, marked as not bound to
        /// this wallet's key (verifiers will see that too).
        #[arg(long)]
        other_subject: bool,
        /// Accept a credential that names no subject (a bearer credential).
        #[arg(long)]
        bearer: bool,
        /// Do not use the network (did:web issuers need it; status is then not checked).
        #[arg(long)]
        offline: bool,
        /// Development only: allow plain http to loopback for did:web and status lists.
        #[arg(long, env = "SKILLSPASS_ALLOW_LOOPBACK_HTTP")]
        allow_loopback_http: bool,
    },
    /// List credentials, optionally filtered.
    List {
        /// ESCO URI or part of a skill label.
        #[arg(long)]
        skill: Option<String>,
        /// Issuer DID or part of its name.
        #[arg(long)]
        issuer: Option<String>,
        /// Credential type or achievement type (e.g. `MicroCredential`).
        #[arg(long = "type")]
        kind: Option<String>,
        /// Valid from on or after (RFC 3339).
        #[arg(long, value_parser = parse_time)]
        since: Option<DateTime<Utc>>,
        /// Valid from on or before (RFC 3339).
        #[arg(long, value_parser = parse_time)]
        until: Option<DateTime<Utc>>,
    },
    /// Show one credential (id or a unique part of it).
    Show {
        /// The credential id.
        id: String,
        /// Also write it as a badge image with the credential baked in (Open Badges 3.0 baking), for other
        /// platforms: `.svg` or `.png`, by the file's extension; never overwritten. `vc+jwt` credentials only.
        #[arg(long, value_name = "FILE")]
        badge: Option<PathBuf>,
    },
    /// Every proven skill with its evidence.
    Skills,
    /// Your skills gap for a vacancy, computed here and sent nowhere: which skills you prove, how strongly, and
    /// what is missing.
    Match {
        /// A vacancy profile (JSON or TOML; `skillspass profile new` makes one).
        #[arg(required_unless_present = "occupation", conflicts_with = "occupation")]
        profile: Option<PathBuf>,
        /// Or an ESCO occupation (URI or words): its essential and optional skills.
        #[arg(long)]
        occupation: Option<String>,
    },
    /// Check every credential's status again online (revoked, suspended) and remember it for `wallet match`.
    Refresh {
        /// Development only: allow plain http to loopback for did:web and status lists.
        #[arg(long, env = "SKILLSPASS_ALLOW_LOOPBACK_HTTP")]
        allow_loopback_http: bool,
    },
    /// Delete a credential.
    Delete {
        /// The credential id.
        id: String,
    },
    /// Export everything to one encrypted file (passphrase from `SKILLSPASS_EXPORT_PASSPHRASE` or a prompt).
    Export {
        /// The file to write (never overwritten).
        #[arg(long)]
        out: PathBuf,
        /// Instead, write the credentials unencrypted, as a JSON array, for other wallets.
        #[arg(long)]
        plain: bool,
    },
    /// Restore an export file into a new wallet.
    Restore {
        /// The export file.
        file: PathBuf,
    },
    /// Print a vp+jwt presenting credentials to a verifier.
    Present {
        /// Credential id (repeatable).
        #[arg(long = "credential", required = true)]
        credentials: Vec<String>,
        /// The verifier's nonce (challenge).
        #[arg(long)]
        nonce: String,
        /// The verifier's identifier (audience).
        #[arg(long)]
        aud: String,
        /// For an SD-JWT VC: a skill URI or claim name to disclose (repeatable); nothing else is sent.
        #[arg(long)]
        disclose: Vec<String>,
    },
    /// Print the holder's DIDs.
    Did,
    /// Accept a credential offer (`OpenID4VCI`): the `openid-credential-offer://` URI a provider gave you.
    Accept {
        /// The offer URI.
        offer: String,
        /// The transaction code the provider sent you separately (asked for when needed and not given).
        #[arg(long)]
        tx_code: Option<String>,
        /// How many unlinkable copies to ask for when the issuer offers batch issuance (one per employer you will
        /// show it to; 1 asks for none).
        #[arg(long, default_value_t = u8::try_from(crate::wallet::agent::DEFAULT_COPIES).unwrap_or(u8::MAX),
              value_parser = clap::value_parser!(u8).range(1..=100))]
        copies: u8,
        /// Development only: allow plain http to loopback.
        #[arg(long, env = "SKILLSPASS_ALLOW_LOOPBACK_HTTP")]
        allow_loopback_http: bool,
    },
    /// Answer a presentation request (`OpenID4VP`): the `openid4vp://` URI a verifier showed you.
    Respond {
        /// The request URI.
        request: String,
        /// Send without asking (you agree to what is listed).
        #[arg(long)]
        yes: bool,
        /// Development only: allow plain http to loopback.
        #[arg(long, env = "SKILLSPASS_ALLOW_LOOPBACK_HTTP")]
        allow_loopback_http: bool,
    },
}

/// Runs a wallet command.
pub fn run(args: &WalletArgs) -> Result<u8, CliError> {
    let dir = wallet_dir(args.wallet.as_deref())?;
    let opened = |db: Result<crate::store::Database, WalletError>| {
        db.map_err(|e| match e {
            WalletError::Damaged(_) | WalletError::NotFound => wallet_error(e),
            other => CliError::input(format!("{other} (wallet {}; is another process using it?)", dir.display())),
        })
    };
    let open = || opened(crate::wallet::local::open(&dir));
    let now = SystemClock.now();
    match &args.command {
        WalletCommand::Init { key_alg } => {
            // The passphrase rule is checked before anything is created on disk.
            let passphrase = new_passphrase("SKILLSPASS_PASSPHRASE", "New wallet passphrase: ")?;
            let wallet = init(&open()?, &passphrase, *key_alg, args.json, now)?;
            crate::wallet::local::acknowledge(&dir, &wallet).map_err(wallet_error)?;
            Ok(EXIT_OK)
        }
        WalletCommand::Restore { file } => restore(&dir, file, args.json, now),
        command => {
            let db = opened(crate::wallet::local::open_existing(&dir))?;
            let wallet =
                Wallet::unlock(&db, LOCAL_HOLDER, &passphrase("SKILLSPASS_PASSPHRASE", "Wallet passphrase: ")?)
                    .map_err(wallet_error)?;
            let holder = Policy {
                x509_anchors: super::verify::x509_anchors(args.x509_roots.as_deref())?,
                ..Policy::for_holder()
            };
            let code = dispatch(&wallet, command, &Output { json: args.json, esco: &args.esco }, &holder, now);
            // Whatever was stored and flushed is acknowledged, also when a later step failed.
            crate::wallet::local::acknowledge(&dir, &wallet).map_err(wallet_error)?;
            code
        }
    }
}

/// How to show things: JSON or text, and ESCO labels in which language.
struct Output<'a> {
    json: bool,
    esco: &'a EscoData,
}

fn dispatch(
    wallet: &Wallet,
    command: &WalletCommand,
    output: &Output<'_>,
    holder: &Policy,
    now: DateTime<Utc>,
) -> Result<u8, CliError> {
    let json = output.json;
    match command {
        WalletCommand::Import { input, other_subject, bearer, offline, allow_loopback_http } => {
            let consent = Consent { bearer: *bearer, other_subject: *other_subject };
            let options = ImportOptions {
                consent,
                offline: *offline,
                loopback: *allow_loopback_http,
                json,
                policy: holder.clone(),
            };
            import(wallet, input, &options)
        }
        WalletCommand::List { skill, issuer, kind, since, until } => {
            let filter = Filter {
                skill: skill.clone(),
                issuer: issuer.clone(),
                kind: kind.clone(),
                since: *since,
                until: *until,
            };
            let found: Vec<_> =
                wallet.list().map_err(wallet_error)?.into_iter().filter(|c| filter.matches(c)).collect();
            print_list(&found, output, now)
        }
        WalletCommand::Show { id, badge } => {
            let credential = wallet.get_credential(id).map_err(wallet_error)?;
            if let Some(path) = badge {
                write_badge(&credential, path)?;
            }
            show(&credential, json)
        }
        WalletCommand::Skills => skills(wallet, output, now),
        WalletCommand::Match { profile, occupation } => {
            match_profile(wallet, profile.as_deref(), occupation.as_deref(), output, now)
        }
        WalletCommand::Refresh { allow_loopback_http } => refresh(wallet, *allow_loopback_http, json, holder),
        WalletCommand::Delete { id } => {
            let deleted = wallet.delete(id).map_err(wallet_error)?;
            wallet.flush().map_err(wallet_error)?;
            outln!("deleted {}", deleted.id);
            Ok(EXIT_OK)
        }
        WalletCommand::Export { out, plain } => export(wallet, out, *plain, now),
        WalletCommand::Present { credentials, nonce, aud, disclose } => {
            let presented = wallet.present(credentials, disclose, nonce, aud, now).map_err(wallet_error)?;
            outln!("{}", presented.token);
            Ok(EXIT_OK)
        }
        WalletCommand::Did => {
            for key in wallet.keys().map_err(wallet_error)? {
                outln!("{}  ({})", key.did, key.label);
            }
            Ok(EXIT_OK)
        }
        WalletCommand::Accept { offer, tx_code, copies, allow_loopback_http } => {
            let options = Exchange {
                loopback: *allow_loopback_http,
                json,
                tx_code: tx_code.as_deref(),
                yes: false,
                policy: holder,
                copies: usize::from(*copies),
            };
            super::exchange::accept(wallet, offer, options)
        }
        WalletCommand::Respond { request, yes, allow_loopback_http } => {
            let options =
                Exchange { loopback: *allow_loopback_http, json, tx_code: None, yes: *yes, policy: holder, copies: 1 };
            super::exchange::respond(wallet, request, options)
        }
        WalletCommand::Init { .. } | WalletCommand::Restore { .. } => Ok(EXIT_OK),
    }
}

fn wallet_dir(given: Option<&Path>) -> Result<PathBuf, CliError> {
    if let Some(dir) = given {
        return Ok(dir.to_owned());
    }
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local/share")))
        .ok_or_else(|| CliError::input("no wallet folder: pass --wallet DIR"))?;
    Ok(base.join("skillspass/wallet"))
}

/// A passphrase from the environment variable, or a prompt without echo.
fn passphrase(variable: &str, prompt: &str) -> Result<Zeroizing<String>, CliError> {
    if let Ok(value) = std::env::var(variable) {
        return Ok(Zeroizing::new(value));
    }
    rpassword::prompt_password(prompt).map(Zeroizing::new).map_err(|e| {
        CliError::input(format!("cannot read the passphrase ({e}); set {variable} when not on a terminal"))
    })
}

#[expect(clippy::needless_pass_by_value, reason = "used as map_err(wallet_error)")]
fn wallet_error(error: WalletError) -> CliError {
    let hint = if matches!(error, WalletError::WrongPassphrase) { " (nothing was changed)" } else { "" };
    CliError::input(format!("{error}{hint}"))
}

fn init(
    db: &crate::store::Database,
    passphrase: &Passphrase,
    key_algorithm: crate::core::keys::KeyAlgorithm,
    json: bool,
    now: DateTime<Utc>,
) -> Result<Wallet, CliError> {
    if Wallet::exists(db, LOCAL_HOLDER).map_err(wallet_error)? {
        return Err(CliError::input("a wallet already exists here"));
    }
    let wallet = Wallet::create_with_key(db, LOCAL_HOLDER, passphrase, key_algorithm, now).map_err(wallet_error)?;
    let did = wallet.primary_did().map_err(wallet_error)?;
    if json {
        outln!("{}", json!({"did": did}));
    } else {
        outln!("{did}");
        eprintln!("wallet created; give this DID to issuers as your subject");
    }
    Ok(wallet)
}

/// A new passphrase: the wallet role's rule, then (on a terminal) typed twice.
fn new_passphrase(variable: &str, prompt: &str) -> Result<Passphrase, CliError> {
    let first = passphrase(variable, prompt)?;
    let checked = Passphrase::new(first.to_string()).map_err(wallet_error)?;
    if std::env::var(variable).is_err() {
        let again = passphrase(variable, "Repeat it: ")?;
        if again != first {
            return Err(CliError::input("the passphrases differ"));
        }
    }
    Ok(checked)
}

/// How `wallet import` runs.
struct ImportOptions {
    consent: Consent,
    offline: bool,
    loopback: bool,
    json: bool,
    policy: Policy,
}

fn import(wallet: &Wallet, input: &Path, options: &ImportOptions) -> Result<u8, CliError> {
    let policy = options.policy.clone();
    let verifier = if options.offline {
        Verifier::new(policy).map_err(CliError::input)?
    } else {
        Verifier::online(policy, Fetcher::new(options.loopback).map_err(CliError::input)?).map_err(CliError::input)?
    };
    let runtime = tokio::runtime::Runtime::new().map_err(CliError::input)?;
    let mut refused = 0;
    let receipt = Receipt { consent: options.consent, expected_type: None };
    let mut one = |token: &str| -> Result<(), CliError> {
        match runtime.block_on(wallet.receive(&verifier, token, receipt, SystemClock.now())) {
            Ok(outcome) => print_import(&outcome, options.json),
            Err(error) => {
                refused += 1;
                eprintln!("error: {error}");
            }
        }
        Ok(())
    };
    if input.as_os_str() == "-" {
        for line in std::io::stdin().lock().lines() {
            let line = line.map_err(|e| CliError::input(format!("standard input: {e}")))?;
            if !line.trim().is_empty() {
                one(line.trim())?;
            }
        }
    } else {
        one(read_credential(input, MAX_TOKEN_BYTES)?.trim())?;
    }
    Ok(if refused == 0 { EXIT_OK } else { EXIT_NOT_VERIFIED })
}

fn print_import(outcome: &ImportOutcome, json: bool) {
    let (status, id, warnings) = match outcome {
        ImportOutcome::Stored(stored) => ("imported", stored.id.as_str(), stored.warnings.as_slice()),
        ImportOutcome::AlreadyStored(id) => ("already-stored", id.as_str(), &[][..]),
    };
    if json {
        outln!("{}", json!({"status": status, "id": id, "warnings": warnings}));
    } else {
        outln!("{} {id}", status.replace('-', " "));
        for warning in warnings {
            outln!("  warning: {warning}");
        }
    }
    let _ = std::io::stdout().flush();
}

fn print_list(found: &[StoredCredential], output: &Output<'_>, now: DateTime<Utc>) -> Result<u8, CliError> {
    if output.json {
        outln!("{}", serde_json::to_string_pretty(found).map_err(CliError::input)?);
        return Ok(EXIT_OK);
    }
    let esco = output.esco.load()?;
    for credential in found {
        let state = if within_validity(credential, now) { "valid" } else { "outside validity" };
        let name = credential.name.as_deref().unwrap_or("(unnamed)");
        let issuer = credential.issuer_name.as_deref().unwrap_or(&credential.issuer);
        outln!(
            "{}  {name}  from {issuer}  [{state}, {} skills, {}]",
            credential.id,
            credential.skills.len(),
            credential.format
        );
        for skill in &credential.skills {
            outln!("    {}", skill_line(&esco, &output.esco.lang, &skill.id, &skill.label));
        }
    }
    eprintln!("{} credential(s)", found.len());
    Ok(EXIT_OK)
}

/// Bakes the credential into a new SVG or PNG file, chosen by the extension.
fn write_badge(credential: &StoredCredential, path: &Path) -> Result<(), CliError> {
    let extension = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    let bytes = match extension.as_deref() {
        Some("svg") => crate::wallet::badge::svg(credential).map(String::into_bytes),
        Some("png") => crate::wallet::badge::png(credential),
        _ => return Err(CliError::input(format!("{}: a badge file ends in .svg or .png", path.display()))),
    }
    .map_err(CliError::input)?;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| CliError::input(format!("cannot create {}: {e} (it is never overwritten)", path.display())))?;
    std::io::Write::write_all(&mut file, &bytes)
        .map_err(|e| CliError::input(format!("cannot write {}: {e}", path.display())))?;
    eprintln!(
        "wrote {} (the credential is baked in; it verifies with `skillspass verify {}`)",
        path.display(),
        path.display()
    );
    Ok(())
}

fn show(credential: &StoredCredential, json: bool) -> Result<u8, CliError> {
    if json {
        outln!("{}", serde_json::to_string_pretty(credential).map_err(CliError::input)?);
    } else {
        outln!("{}", credential.id);
        outln!("  name     {}", credential.name.as_deref().unwrap_or("-"));
        outln!("  issuer   {} ({})", credential.issuer, credential.issuer_name.as_deref().unwrap_or("-"));
        outln!("  types    {}", credential.types.join(", "));
        outln!("  format   {} ({})", credential.format, credential.proof);
        outln!(
            "  valid    {} .. {}",
            credential.valid_from.as_deref().unwrap_or("-"),
            credential.valid_until.as_deref().unwrap_or("-")
        );
        for skill in &credential.skills {
            outln!("  skill    {}  <{}>", skill.label, skill.id);
        }
        for item in crate::wallet::selective::disclosable(&credential.token) {
            outln!("  can disclose  {item}");
        }
        if !credential.format.is_selectively_disclosable() {
            outln!("  presenting    shows the whole credential (this format cannot disclose parts of it)");
        }
        for warning in &credential.warnings {
            outln!("  warning  {warning}");
        }
        outln!("  token    {}", credential.token);
    }
    Ok(EXIT_OK)
}

/// A skill line: ESCO's label in the holder's language beside the issuer's own (`render::skill_name`), and the URI.
fn skill_line(esco: &Esco, lang: &str, uri: &str, issuer_label: &str) -> String {
    let esco_label = esco.skill(uri).map(|skill| esco.skill_label(skill, lang));
    format!("{}  <{uri}>", super::render::skill_name(esco_label.as_deref(), issuer_label))
}

fn skills(wallet: &Wallet, output: &Output<'_>, now: DateTime<Utc>) -> Result<u8, CliError> {
    let esco = output.esco.load()?;
    let overview = skills_overview(&wallet.list().map_err(wallet_error)?, &esco, &output.esco.lang, now);
    if output.json {
        outln!("{}", serde_json::to_string_pretty(&overview).map_err(CliError::input)?);
        return Ok(EXIT_OK);
    }
    for skill in &overview {
        outln!("{}", skill_line(&esco, &output.esco.lang, &skill.id, &skill.label));
        for evidence in &skill.evidence {
            let setting = evidence.learning_setting.as_deref().unwrap_or("setting unknown");
            let eqf = evidence.eqf_level.map(|l| format!(", EQF {l}")).unwrap_or_default();
            let valid = if evidence.valid { "valid" } else { "not valid now" };
            let issuer = evidence.issuer_name.as_deref().unwrap_or(&evidence.issuer);
            outln!("    {}  from {issuer}  ({setting}{eqf}, {valid})", evidence.credential_id);
        }
    }
    Ok(EXIT_OK)
}

fn export(wallet: &Wallet, out: &Path, plain: bool, now: DateTime<Utc>) -> Result<u8, CliError> {
    let bytes = if plain {
        eprintln!("warning: a plain export is NOT encrypted; anyone with the file can read your credentials");
        serde_json::to_vec_pretty(&wallet.export_plain().map_err(wallet_error)?).map_err(CliError::input)?
    } else {
        let passphrase = new_passphrase("SKILLSPASS_EXPORT_PASSPHRASE", "Export passphrase: ")?;
        wallet.export(&passphrase, now).map_err(wallet_error)?
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(out).map_err(|e| CliError::input(format!("cannot create {}: {e}", out.display())))?;
    file.write_all(&bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| CliError::input(format!("{}: {e}", out.display())))?;
    eprintln!("exported {} ({} bytes)", out.display(), bytes.len());
    Ok(EXIT_OK)
}

fn restore(dir: &Path, file: &Path, json: bool, now: DateTime<Utc>) -> Result<u8, CliError> {
    let bytes = std::fs::read(file).map_err(|e| CliError::input(format!("cannot read {}: {e}", file.display())))?;
    let export_passphrase = passphrase("SKILLSPASS_EXPORT_PASSPHRASE", "Export passphrase: ")?;
    let export_passphrase = Passphrase::new(export_passphrase.to_string()).map_err(wallet_error)?;
    // Check the file before creating anything: a wrong passphrase or a damaged file leaves no wallet behind.
    crate::wallet::export::check(&bytes, &export_passphrase).map_err(|e| match e {
        WalletError::WrongPassphrase => CliError::input("wrong export passphrase, or the file is damaged"),
        other => wallet_error(other),
    })?;
    let passphrase = new_passphrase("SKILLSPASS_PASSPHRASE", "New wallet passphrase: ")?;
    // The whole wallet appears at once, or not at all: a crash mid-restore leaves nothing to clean up.
    let count = crate::wallet::local::create_atomically(dir, |db| {
        let wallet = Wallet::create(db, LOCAL_HOLDER, &passphrase, now)?;
        wallet.restore(&bytes, &export_passphrase, false)
    })
    .map_err(|e| match e {
        WalletError::Exists => {
            CliError::input("a wallet already exists here; restore into a new folder (--wallet DIR)")
        }
        other => wallet_error(other),
    })?;
    if json {
        outln!("{}", json!({"restored": count}));
    } else {
        outln!("restored {count} credential(s)");
    }
    Ok(EXIT_OK)
}

fn match_profile(
    wallet: &Wallet,
    file: Option<&Path>,
    occupation: Option<&str>,
    output: &Output<'_>,
    now: DateTime<Utc>,
) -> Result<u8, CliError> {
    let esco = output.esco.load()?;
    let lang = output.esco.lang.as_str();
    let profile = match (file, occupation) {
        (Some(file), _) => super::profile::read_profile(file, &esco)?,
        (None, Some(occupation)) => {
            let occupation = esco.resolve_occupation(occupation, lang).map_err(CliError::input)?;
            VacancyProfile::from_occupation(&esco, occupation, lang)
        }
        (None, None) => return Err(CliError::input("give a profile file or --occupation")),
    };
    let report = wallet.match_profile(&profile, &esco, lang, now).map_err(wallet_error)?;
    if output.json {
        outln!("{}", serde_json::to_string_pretty(&report).map_err(CliError::input)?);
    } else {
        print_gap(&report);
    }
    Ok(EXIT_OK)
}

/// The gap report as text.
pub fn print_gap(report: &GapReport) {
    let employer = report.employer.as_deref().map(|e| format!(" at {e}")).unwrap_or_default();
    outln!("{}{employer}", report.title);
    outln!(
        "essential: {} of {} proven · optional: {} of {} · score {:.1} / 100",
        report.essential.proven,
        report.essential.total,
        report.optional.proven,
        report.optional.total,
        report.score
    );
    for skill in &report.skills {
        let kind = if skill.essential { "essential" } else { "optional" };
        let mark = match skill.outcome {
            Outcome::Proven => "✓ proven",
            Outcome::ProvenNarrower => "≈ proven through a narrower skill",
            Outcome::Missing => "✗ missing",
        };
        outln!("\n{mark}: {} [{kind}]  strength {:.2}", skill.label, skill.strength);
        for evidence in &skill.evidence {
            let issuer = evidence.issuer_name.as_deref().unwrap_or(&evidence.issuer);
            let name = evidence.credential_name.as_deref().unwrap_or(&evidence.credential_id);
            let via = evidence.via.as_ref().map(|v| format!(" for {}", v.label)).unwrap_or_default();
            let eqf = evidence.eqf_level.map(|l| format!(", EQF {l}")).unwrap_or_default();
            let setting = serde_json::to_value(evidence.evidence).ok().and_then(|v| v.as_str().map(str::to_owned));
            let status = match evidence.status {
                KnownStatus::Valid { checked_at } => format!("status valid as of {}", checked_at.date_naive()),
                KnownStatus::Revoked { .. } => "revoked".into(),
                KnownStatus::Suspended { .. } => "suspended".into(),
                KnownStatus::Unchecked => "status not checked".into(),
            };
            let verdict = evidence.reason.as_deref().map_or_else(String::new, |r| format!(" — does not count: {r}"));
            outln!("    {name}{via} from {issuer} ({}{eqf}, {status}){verdict}", setting.unwrap_or_default());
        }
        for related in &skill.related {
            outln!("    you have {} ({}): {}", related.label, related.relation, related.credentials.join(", "));
        }
    }
    eprintln!("computed in this wallet; nothing was sent ({})", report.esco);
}

fn refresh(wallet: &Wallet, loopback: bool, json: bool, holder: &Policy) -> Result<u8, CliError> {
    let verifier =
        Verifier::online(holder.clone(), Fetcher::new(loopback).map_err(CliError::input)?).map_err(CliError::input)?;
    let runtime = tokio::runtime::Runtime::new().map_err(CliError::input)?;
    let results = runtime.block_on(wallet.refresh_status(&verifier, SystemClock.now())).map_err(wallet_error)?;
    if json {
        let list: Vec<_> =
            results.iter().map(|(id, status, note)| json!({"id": id, "status": status, "note": note})).collect();
        outln!("{}", serde_json::to_string_pretty(&list).map_err(CliError::input)?);
        return Ok(EXIT_OK);
    }
    for (id, status, note) in &results {
        let state =
            serde_json::to_value(status).ok().and_then(|v| v.get("state").and_then(|s| s.as_str().map(str::to_owned)));
        let note = note.as_deref().map(|n| format!("  ({n})")).unwrap_or_default();
        outln!("{id}  {}{note}", state.unwrap_or_default());
    }
    Ok(EXIT_OK)
}
