//! The command-line front door: `keys new`, `issue`, `verify`, `demo`. Each subcommand parses its input, calls
//! one role and renders the result. Exit codes (DESIGN.md section 8): 0 success, 1 verification failed, 2 usage
//! or input error; errors print as `error: <what> (<which input>)`.

mod demo;
mod issue;
mod render;
mod verify;

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
    /// Verify a vc+jwt credential offline.
    Verify(verify::VerifyArgs),
    /// Run the end-to-end story on this machine: issue a micro-credential and verify it.
    Demo,
}

#[derive(Debug, Subcommand)]
enum KeysCommand {
    /// Create an Ed25519 key (private JWK file, mode 0600) and print its did:key.
    New {
        /// Where to write the key file (never overwritten).
        #[arg(long, default_value = "skillspass-key.jwk")]
        out: PathBuf,
    },
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
    match dispatch(cli.command) {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            eprintln!("error: {}", error.message);
            ExitCode::from(error.code)
        }
    }
}

fn dispatch(command: Command) -> Result<u8, CliError> {
    match command {
        Command::Keys { command: KeysCommand::New { out } } => keys_new(&out),
        Command::Issue(args) => issue::run(&args),
        Command::Verify(args) => verify::run(&args),
        Command::Demo => demo::run(),
    }
}

fn keys_new(out: &std::path::Path) -> Result<u8, CliError> {
    let key = crate::core::keys::SigningKey::generate();
    crate::store::write_key_file(out, &key).map_err(CliError::input)?;
    let did = crate::core::did::Did::key(&key.verifying_key());
    println!("{did}");
    eprintln!("key written to {} (mode 0600); keep it secret", out.display());
    Ok(EXIT_OK)
}

/// Reads a file, or standard input for `-`, with a size cap.
fn read_input(path: &std::path::Path, limit: usize) -> Result<String, CliError> {
    use std::io::Read as _;
    let mut text = String::new();
    let read = if path.as_os_str() == "-" {
        std::io::stdin().take(limit as u64 + 1).read_to_string(&mut text)
    } else {
        std::fs::File::open(path).and_then(|f| f.take(limit as u64 + 1).read_to_string(&mut text))
    };
    read.map_err(|e| CliError::input(format!("cannot read {}: {e}", path.display())))?;
    if text.len() > limit {
        return Err(CliError::input(format!("{} is larger than {limit} bytes", path.display())));
    }
    Ok(text)
}
