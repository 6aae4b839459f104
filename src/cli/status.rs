//! `skillspass revoke|suspend|reinstate --issuer URL --credential ID`: status changes through the issuer's
//! `POST /credentials/status`, authorised by the admin token.

use std::path::PathBuf;

use serde_json::{Value, json};

use super::{CliError, EXIT_OK};

/// Arguments of the status commands.
#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// The issuer's base URL.
    #[arg(long)]
    issuer: String,
    /// The credential's id.
    #[arg(long)]
    credential: String,
    /// File holding the admin token (default: the `SKILLSPASS_ADMIN_TOKEN` variable).
    #[arg(long, env = "SKILLSPASS_TOKEN_FILE")]
    token_file: Option<PathBuf>,
}

/// Sends a status change; `status` is `revoked`, `suspended` or `active`.
pub fn run(args: &StatusArgs, status: &str) -> Result<u8, CliError> {
    let token = admin_token(args)?;
    let url = format!("{}/credentials/status", args.issuer.trim_end_matches('/'));
    let body = json!({
        "credentialId": args.credential,
        "credentialStatus": [{"type": "BitstringStatusListEntry", "status": status}],
    });
    let runtime = tokio::runtime::Runtime::new().map_err(CliError::input)?;
    let answer = runtime.block_on(super::post_json(&url, &body, Some(token.expose())))?;
    outln!("{} is now {}", args.credential, describe(&answer));
    Ok(EXIT_OK)
}

fn admin_token(args: &StatusArgs) -> Result<crate::core::secret::SecretString, CliError> {
    read_admin_token(args.token_file.as_deref())
}

/// The admin token from `--token-file`, else `SKILLSPASS_ADMIN_TOKEN`.
pub(super) fn read_admin_token(file: Option<&std::path::Path>) -> Result<crate::core::secret::SecretString, CliError> {
    if let Some(path) = file {
        return crate::store::read_secret_file(path)
            .map(crate::core::secret::SecretString::from)
            .map_err(CliError::input);
    }
    std::env::var("SKILLSPASS_ADMIN_TOKEN")
        .map(crate::core::secret::SecretString::new)
        .map_err(|_| CliError::input("no admin token: pass --token-file FILE or set SKILLSPASS_ADMIN_TOKEN"))
}

fn describe(answer: &Value) -> &'static str {
    match (answer["revoked"].as_bool(), answer["suspended"].as_bool()) {
        (Some(true), _) => "revoked",
        (_, Some(true)) => "suspended",
        _ => "active",
    }
}
