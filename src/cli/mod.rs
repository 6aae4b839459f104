//! The command-line front door for the three roles and the server: `keys`, `issue`, `revoke`/`suspend`/
//! `reinstate`, `offer` (issuer); `wallet …` (holder); `verify`, `request` (verifier); `serve` and `demo`. Each
//! subcommand parses its input, calls one role and renders the result. Exit codes (DESIGN.md section 8): 0
//! success, 1 verification failed or refused, 2 usage or input error; errors print as
//! `error: <what> (<which input>)`.

/// `println!` that stays quiet when standard output is closed (`skillspass wallet list | head -1`): the rest of
/// the output is dropped instead of the program panicking.
macro_rules! outln {
    ($($arg:tt)*) => { $crate::cli::write_out(&format!("{}\n", format_args!($($arg)*))) };
}

/// `print!` that stays quiet when standard output is closed.
macro_rules! out {
    ($($arg:tt)*) => { $crate::cli::write_out(&format!($($arg)*)) };
}

mod admin;
mod certificates;
mod demo;
mod demo_web;
mod esco;
mod exchange;
mod issue;
mod profile;
mod render;
pub mod serve;
mod status;
mod status_lists;
mod verify;
mod wallet;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit code: success.
pub const EXIT_OK: u8 = 0;
/// Exit code: verification failed.
pub const EXIT_NOT_VERIFIED: u8 = 1;
/// Exit code: usage or input error.
pub const EXIT_USAGE: u8 = 2;

/// skillspass: a self-sovereign skills passport.
#[derive(Debug, Parser)]
#[command(name = "skillspass", version, about, long_about = None)]
struct Cli {
    /// Log level or filter (`info`, `skillspass=debug`); `RUST_LOG` overrides it. Logs go to standard error.
    #[arg(long, global = true, env = "SKILLSPASS_LOG")]
    log: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Manage signing keys.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// Issue a skills credential or micro-credential as a vc+jwt.
    Issue(issue::IssueArgs),
    /// Verify a credential: vc+jwt, dc+sd-jwt, a Data Integrity (JSON-LD) or Open Badges 3.0 JWT credential, or a
    /// baked badge image (did:web, key documents and status lists online unless --offline).
    Verify(verify::VerifyArgs),
    /// Serve the issuer and verifier roles over HTTP.
    Serve(serve::ServeArgs),
    /// Revoke a credential at its issuer (final).
    Revoke(status::StatusArgs),
    /// Suspend a credential at its issuer (reversible).
    Suspend(status::StatusArgs),
    /// Lift a suspension.
    Reinstate(status::StatusArgs),
    /// The holder's wallet: init, import, list, show, skills, delete, export, restore, present, accept, respond.
    Wallet(wallet::WalletArgs),
    /// Make an `OpenID4VCI` credential offer for a learner (issuer admin; prints the URI and a QR code).
    Offer(admin::OfferArgs),
    /// Make an `OpenID4VP` presentation request for skills (verifier admin; prints the URI and a QR code).
    Request(admin::RequestArgs),
    /// ESCO, the skills language: search and show skills and occupations, import other languages (`--about`).
    Esco(esco::EscoArgs),
    /// Vacancy profiles: what a job needs in ESCO skills (`new --occupation`, `check`).
    Profile(profile::ProfileArgs),
    /// Status lists as static files for a CDN or nginx (`publish DIR`).
    StatusLists(status_lists::StatusListsArgs),
    /// Run the end-to-end story on this machine: an issuer and a verifier on loopback, issue, verify, revoke.
    Demo(DemoArgs),
}

/// `skillspass demo`.
#[derive(Debug, clap::Args)]
struct DemoArgs {
    /// Leave the issuer, verifier and a worker's wallet running with the story's data, to click through in a
    /// browser (the pages).
    #[arg(long)]
    web: bool,
    /// The data folder of --web (kept; default ./skillspass-demo).
    #[arg(long, requires = "web")]
    data: Option<std::path::PathBuf>,
    /// Where --web listens (default 127.0.0.1:8080).
    #[arg(long, requires = "web")]
    addr: Option<String>,
}

#[derive(Debug, Subcommand)]
enum KeysCommand {
    /// Create a signing key (private JWK file, mode 0600) and print its did:key.
    New {
        /// Where to write the key file (never overwritten).
        #[arg(long, default_value = "skillspass-key.jwk")]
        out: PathBuf,
        /// The algorithm: EdDSA (Ed25519, the default) or ES256 (P-256, as the EU wallet profile asks).
        #[arg(long, default_value = "EdDSA")]
        alg: crate::core::keys::KeyAlgorithm,
    },
    /// An X.509 certificate for a P-256 key: a signing request for a CA (--csr), or one from a development CA
    /// (--dev-ca), for issuers identified by certificate (HAIP).
    Cert(certificates::CertArgs),
    /// Rotate a running issuer's signing key: the new key signs from now on, the old ones stay published.
    Rotate(admin::ServerArgs),
    /// Withdraw one of a running issuer's keys from its DID document (credentials it signed stop verifying).
    Retire {
        /// The key id, `key-1`.
        kid: String,
        #[command(flatten)]
        server: admin::ServerArgs,
    },
    /// Replace a running server's admin token; the new one is written to --token-file (mode 0600).
    RotateAdminToken(admin::ServerArgs),
}

/// A CLI failure: what went wrong and, when it helps, a hint.
#[derive(Debug)]
pub struct CliError {
    message: String,
    code: u8,
}

impl CliError {
    /// A usage or input error (exit 2).
    pub fn input(message: impl std::fmt::Display) -> Self {
        Self { message: message.to_string(), code: EXIT_USAGE }
    }

    /// A refusal by the other side or the person (exit 1).
    pub fn refused(message: impl std::fmt::Display) -> Self {
        Self { message: message.to_string(), code: EXIT_NOT_VERIFIED }
    }
}

/// Parses arguments and runs the command.
#[must_use]
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    init_logging(cli.log.as_deref(), matches!(cli.command, Command::Serve(_)));
    match dispatch(cli.command) {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            eprintln!("error: {}", error.message);
            ExitCode::from(error.code)
        }
    }
}

/// Logs to standard error at the level of `RUST_LOG`, else `--log`, else `info` for `serve` and `warn` otherwise.
/// Secrets never reach a log line: they are held in types whose `Debug` is redacted, and no handler logs them.
fn init_logging(level: Option<&str>, serving: bool) {
    use tracing_subscriber::EnvFilter;
    let default = level.unwrap_or(if serving { "info" } else { "warn" });
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let _ =
        tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_target(false).try_init();
}

/// Writes to standard output; a closed pipe ends the output quietly (see `outln!`).
pub(crate) fn write_out(text: &str) {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

fn dispatch(command: Command) -> Result<u8, CliError> {
    match command {
        Command::Keys { command: KeysCommand::Cert(args) } => certificates::run(&args),
        Command::Keys { command: KeysCommand::New { out, alg } } => keys_new(&out, alg),
        Command::Keys { command: KeysCommand::Rotate(server) } => admin::rotate_key(&server),
        Command::Keys { command: KeysCommand::Retire { kid, server } } => admin::retire_key(&server, &kid),
        Command::Keys { command: KeysCommand::RotateAdminToken(server) } => admin::rotate_admin_token(&server),
        Command::Issue(args) => issue::run(&args),
        Command::Verify(args) => verify::run(&args),
        Command::Serve(args) => serve::run(&args),
        Command::Revoke(args) => status::run(&args, "revoked"),
        Command::Suspend(args) => status::run(&args, "suspended"),
        Command::Reinstate(args) => status::run(&args, "active"),
        Command::Wallet(args) => wallet::run(&args),
        Command::Offer(args) => admin::offer(&args),
        Command::Request(args) => admin::request(&args),
        Command::Esco(args) => esco::run(&args),
        Command::StatusLists(args) => status_lists::run(&args),
        Command::Profile(args) => profile::run(&args),
        Command::Demo(DemoArgs { web: false, .. }) => demo::run(),
        Command::Demo(DemoArgs { web: true, data, addr }) => demo_web::run(data, addr),
    }
}

fn keys_new(out: &std::path::Path, algorithm: crate::core::keys::KeyAlgorithm) -> Result<u8, CliError> {
    let key = crate::system::new_signing_key(algorithm);
    crate::store::write_key_file(out, &key).map_err(CliError::input)?;
    let did = crate::core::did::Did::key(&key.verifying_key());
    outln!("{did}");
    eprintln!("key written to {} (mode 0600); keep it secret", out.display());
    Ok(EXIT_OK)
}

/// POSTs JSON (with an optional bearer token) and returns the JSON answer; a problem+json answer becomes an error
/// carrying its title and detail.
async fn post_json(url: &str, body: &serde_json::Value, bearer: Option<&str>) -> Result<serde_json::Value, CliError> {
    let client =
        reqwest::Client::builder().timeout(std::time::Duration::from_secs(30)).build().map_err(CliError::input)?;
    let mut request = client.post(url).json(body);
    if let Some(token) = bearer {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.map_err(|e| CliError::input(format!("cannot reach {url}: {e}")))?;
    let status = response.status();
    let answer: serde_json::Value = response
        .json()
        .await
        .map_err(|e| CliError::input(format!("{url} answered HTTP {status} without JSON: {e}")))?;
    if status.is_success() {
        return Ok(answer);
    }
    let title = answer["title"].as_str().unwrap_or("request refused");
    let detail = answer["detail"].as_str().map(|d| format!(": {d}")).unwrap_or_default();
    Err(CliError::input(format!("{url} answered HTTP {}: {title}{detail}", status.as_u16())))
}

/// Reads a file, or standard input for `-`, with a size cap.
/// Reads a credential: a compact token or JSON as text, or a baked badge image (PNG or SVG, told by its first
/// bytes) from which the embedded credential is taken (`core::baking`); the image itself proves nothing, so what
/// comes out is verified like any other credential.
fn read_credential(path: &std::path::Path, limit: usize) -> Result<String, CliError> {
    use crate::core::baking::{self, MAX_IMAGE_BYTES};
    let bytes = read_bytes(path, limit.max(MAX_IMAGE_BYTES))?;
    if baking::image_format(&bytes).is_some() {
        let baked = baking::extract(&bytes).map_err(|e| CliError::input(format!("{e} ({})", path.display())))?;
        return Ok(baked.content.credential_text().to_owned());
    }
    if bytes.len() > limit {
        return Err(CliError::input(format!("{} is larger than {limit} bytes", path.display())));
    }
    String::from_utf8(bytes).map_err(|_| CliError::input(format!("{} is not text, a PNG or an SVG", path.display())))
}

fn read_bytes(path: &std::path::Path, limit: usize) -> Result<Vec<u8>, CliError> {
    use std::io::Read as _;
    let mut bytes = Vec::new();
    let read = if path.as_os_str() == "-" {
        std::io::stdin().take(limit as u64 + 1).read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path).and_then(|f| f.take(limit as u64 + 1).read_to_end(&mut bytes))
    };
    read.map_err(|e| CliError::input(format!("cannot read {}: {e}", path.display())))?;
    if bytes.len() > limit {
        return Err(CliError::input(format!("{} is larger than {limit} bytes", path.display())));
    }
    Ok(bytes)
}

fn read_input(path: &std::path::Path, limit: usize) -> Result<String, CliError> {
    String::from_utf8(read_bytes(path, limit)?)
        .map_err(|_| CliError::input(format!("cannot read {}: it is not UTF-8 text", path.display())))
}
