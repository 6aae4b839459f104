//! `skillspass demo --web`: the demo's story left running for a browser. One `serve` with the issuer, verifier and
//! wallet roles (and their pages) in a data folder that is kept: the provider has issued the example
//! micro-credential, course badge and practice statement to a worker's hosted wallet, and the employer has a
//! request waiting, made from the example vacancy profile. The newcomer signs in to the wallet with the demo
//! account, to the consoles with the admin token kept in the folder, and clicks through the rest (accept, share,
//! revoke) as the README describes. A second start reuses the folder and its data.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::serve::{ServeArgs, Server, shutdown_signal};
use super::{CliError, EXIT_OK, post_json};

/// The demo's wallet account and passphrase (printed: they open a demo wallet only).
pub const DEMO_ACCOUNT: &str = "worker";
const DEMO_PASSPHRASE: &str = "demo wallet passphrase";
const EXAMPLES: [&str; 3] = [
    include_str!("../../docs/examples/micro-credential.json"),
    include_str!("../../docs/examples/course-badge.json"),
    include_str!("../../docs/examples/data-practice-statement.json"),
];
const VACANCY: &str = include_str!("../../docs/examples/data-analyst-profile.toml");
/// Where `demo --web` keeps its data unless told otherwise.
pub const DEFAULT_DEMO_DIR: &str = "skillspass-demo";

/// Runs the web demo until SIGINT or SIGTERM.
///
/// # Errors
/// [`CliError`] when the server cannot start or the story's data cannot be made.
pub fn run(data: Option<PathBuf>, addr: Option<String>) -> Result<u8, CliError> {
    let data = data.unwrap_or_else(|| PathBuf::from(DEFAULT_DEMO_DIR));
    let runtime = tokio::runtime::Runtime::new().map_err(CliError::input)?;
    runtime.block_on(async {
        let args = ServeArgs {
            data: Some(data.clone()),
            addr: Some(addr.unwrap_or_else(|| "127.0.0.1:8080".into())),
            roles: Some(vec!["issuer".into(), "verifier".into(), "wallet".into()]),
            allow_loopback_http: true,
            status_ttl_ms: Some(1000),
            ..ServeArgs::default()
        };
        let server = Server::start(&args).await?;
        let base = server.public_url.clone();
        let token = crate::store::read_secret_file(&data.join("admin-token")).map_err(CliError::input)?;
        let seeded = seed(&base, &token).await;
        let request = match seeded {
            Ok(request) => request,
            Err(error) => {
                server.stop().await?;
                return Err(error);
            }
        };
        print_guide(&base, &data, request.as_deref());
        shutdown_signal().await;
        server.stop().await?;
        eprintln!("stopped; the demo's data stays in {}", data.display());
        Ok(EXIT_OK)
    })
}

/// Issues the story's credentials into the demo wallet (the first time only) and opens an employer request from
/// the vacancy profile; returns the request's console page.
async fn seed(base: &str, admin_token: &str) -> Result<Option<String>, CliError> {
    let account = json!({"account": DEMO_ACCOUNT, "passphrase": DEMO_PASSPHRASE});
    let created = post_json(&format!("{base}/wallet/accounts"), &account, None).await;
    if created.is_ok() {
        let session = post_json(&format!("{base}/wallet/sessions"), &account, None).await?;
        let session = session["token"].as_str().unwrap_or_default().to_owned();
        for example in EXAMPLES {
            let achievement: Value = serde_json::from_str(example).map_err(CliError::input)?;
            let offer =
                post_json(&format!("{base}/offers"), &json!({"achievement": achievement}), Some(admin_token)).await?;
            let accept = json!({"offer_uri": offer["offer_uri"]});
            post_json(&format!("{base}/wallet/offers"), &accept, Some(&session)).await?;
        }
    }
    let profile = crate::core::vacancy::VacancyProfile::parse(VACANCY, &crate::core::esco::Esco::embedded())
        .map_err(CliError::input)?;
    let profile = serde_json::to_value(profile).map_err(CliError::input)?;
    let request = json!({"profile": profile, "client_name": "Example Employer BV"});
    let created = post_json(&format!("{base}/verifier/requests"), &request, Some(admin_token)).await?;
    Ok(created["id"].as_str().map(|id| format!("{base}/employer/requests/{id}")))
}

fn print_guide(base: &str, data: &Path, request: Option<&str>) {
    outln!("The demo runs at {base} (Ctrl-C stops it; the data stays in {}).", data.display());
    outln!("  worker's wallet:    {base}/app  (account {DEMO_ACCOUNT:?}, passphrase {DEMO_PASSPHRASE:?})");
    outln!("  provider's console: {base}/provider");
    outln!("  employer's console: {base}/employer");
    outln!("  The consoles ask for the admin token: it is in {} (mode 0600).", data.join("admin-token").display());
    if let Some(request) = request {
        outln!("  A request from the vacancy profile waits at {request}:");
        outln!("  copy its link into the wallet's Share page and see the employer's page fill in.");
    }
}
