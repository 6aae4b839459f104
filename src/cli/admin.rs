//! `skillspass offer` and `skillspass request`: the issuer's and the verifier's admin calls of the standard
//! protocols from a terminal. `offer` makes an `OpenID4VCI` credential offer from an achievement description and
//! prints the `openid-credential-offer://` URI as text and as a QR code for a phone wallet; `request` makes an
//! `OpenID4VP` presentation request for ESCO skills (or a DCQL query) and prints the `openid4vp://` URI the same way.

use std::path::PathBuf;

use serde_json::{Value, json};

use super::status::read_admin_token;
use super::{CliError, EXIT_OK, post_json, read_input};

/// Arguments of `offer`.
#[derive(Debug, clap::Args)]
pub struct OfferArgs {
    /// The issuer's base URL.
    #[arg(long)]
    issuer: String,
    /// The achievement description (JSON, see docs/examples/).
    #[arg(long)]
    achievement: PathBuf,
    /// Require a transaction code of this many digits (sent to the learner by another channel).
    #[arg(long)]
    tx_code: Option<u32>,
    /// How long the offer lives, in seconds (default 600).
    #[arg(long)]
    expires_in: Option<i64>,
    /// File holding the admin token (default: the `SKILLSPASS_ADMIN_TOKEN` variable).
    #[arg(long, env = "SKILLSPASS_TOKEN_FILE")]
    token_file: Option<PathBuf>,
    /// Print the answer as JSON only.
    #[arg(long)]
    json: bool,
}

/// Arguments of `request`.
#[derive(Debug, clap::Args)]
pub struct RequestArgs {
    /// The verifier's base URL.
    #[arg(long)]
    verifier: String,
    /// An ESCO skill URI to ask for (repeatable).
    #[arg(long = "skill")]
    skills: Vec<String>,
    /// A DCQL query file instead of skills.
    #[arg(long, conflicts_with = "skills")]
    dcql: Option<PathBuf>,
    /// A vacancy profile (JSON or TOML) instead: the request asks for exactly its skills, and the result carries
    /// the gap report.
    #[arg(long, conflicts_with_all = ["skills", "dcql"])]
    profile: Option<PathBuf>,
    /// Where imported ESCO versions live (the profile is checked against them).
    #[command(flatten)]
    esco: super::esco::EscoData,
    /// Sign the request (`decentralized_identifier:` client id, the verifier's did:web) instead of sending it
    /// unsigned (`redirect_uri:`).
    #[arg(long)]
    signed: bool,
    /// How the verifier identifies itself, instead of --signed: `x509_hash` signs the request with the key of the
    /// verifier's certificate (serve --verifier-x509-chain), as EU wallets expect.
    #[arg(long, value_parser = ["redirect_uri", "decentralized_identifier", "x509_hash"], conflicts_with = "signed")]
    client_id_prefix: Option<String>,
    /// Have the wallet encrypt its answer (`direct_post.jwt`: ECDH-ES on a P-256 key made for this request, as the
    /// EU wallet profile asks).
    #[arg(long)]
    encrypted: bool,
    /// With a signed request: how the wallet asks for the request object, `get` (the default) or `post` (with a nonce of
    /// its own, `request_uri_method=post`).
    #[arg(long, value_parser = ["get", "post"])]
    request_uri_method: Option<String>,
    /// The name wallets show.
    #[arg(long)]
    name: Option<String>,
    /// File holding the admin token (default: the `SKILLSPASS_ADMIN_TOKEN` variable).
    #[arg(long, env = "SKILLSPASS_TOKEN_FILE")]
    token_file: Option<PathBuf>,
    /// Print the answer as JSON only.
    #[arg(long)]
    json: bool,
}

/// Runs `offer`.
///
/// # Errors
/// [`CliError`] for unreadable input or a refusal by the issuer.
pub fn offer(args: &OfferArgs) -> Result<u8, CliError> {
    let token = read_admin_token(args.token_file.as_deref())?;
    let description: Value = serde_json::from_str(&read_input(&args.achievement, 1024 * 1024)?)
        .map_err(|e| CliError::input(format!("{}: {e}", args.achievement.display())))?;
    let mut body = json!({"achievement": description});
    if let Some(length) = args.tx_code {
        body["tx_code"] = json!({"length": length});
    }
    if let Some(seconds) = args.expires_in {
        body["expires_in"] = json!(seconds);
    }
    let url = format!("{}/offers", args.issuer.trim_end_matches('/'));
    let runtime = tokio::runtime::Runtime::new().map_err(CliError::input)?;
    let answer = runtime.block_on(post_json(&url, &body, Some(token.expose())))?;
    if args.json {
        outln!("{answer}");
        return Ok(EXIT_OK);
    }
    let uri = answer["offer_uri"].as_str().unwrap_or_default();
    show(uri, "Scan with the learner's wallet, or run: skillspass wallet accept '<URI>'");
    if let Some(code) = answer["tx_code"].as_str() {
        outln!("transaction code (send it to the learner by another channel; shown once): {code}");
    }
    outln!(
        "expires at {}; offer id {}",
        answer["expires_at"].as_str().unwrap_or("-"),
        answer["id"].as_str().unwrap_or("-")
    );
    Ok(EXIT_OK)
}

/// Runs `request`.
///
/// # Errors
/// [`CliError`] for unreadable input or a refusal by the verifier.
pub fn request(args: &RequestArgs) -> Result<u8, CliError> {
    let token = read_admin_token(args.token_file.as_deref())?;
    let mut body = json!({
        "client_id_prefix": args.client_id_prefix.as_deref()
            .unwrap_or(if args.signed { "decentralized_identifier" } else { "redirect_uri" }),
        "client_name": args.name,
        "response_mode": if args.encrypted { "direct_post.jwt" } else { "direct_post" },
        "request_uri_method": args.request_uri_method.as_deref().unwrap_or("get"),
    });
    match (&args.dcql, &args.profile) {
        (Some(file), _) => {
            body["dcql_query"] = serde_json::from_str(&read_input(file, 256 * 1024)?)
                .map_err(|e| CliError::input(format!("{}: {e}", file.display())))?;
        }
        (None, Some(file)) => {
            let esco = args.esco.load()?;
            let profile = super::profile::read_profile(file, &esco)?;
            if args.name.is_none() {
                body["client_name"] = json!(profile.employer.clone().unwrap_or_else(|| profile.title.clone()));
            }
            body["profile"] = serde_json::to_value(profile).map_err(CliError::input)?;
        }
        (None, None) if args.skills.is_empty() => {
            return Err(CliError::input("give --skill URI (repeatable), --profile FILE or --dcql FILE"));
        }
        (None, None) => body["skills"] = json!(args.skills),
    }
    let base = args.verifier.trim_end_matches('/');
    let runtime = tokio::runtime::Runtime::new().map_err(CliError::input)?;
    let answer = runtime.block_on(post_json(&format!("{base}/verifier/requests"), &body, Some(token.expose())))?;
    if args.json {
        outln!("{answer}");
        return Ok(EXIT_OK);
    }
    let uri = answer["authorization_request_uri"].as_str().unwrap_or_default();
    show(uri, "Scan with the worker's wallet, or run: skillspass wallet respond '<URI>'");
    let id = answer["id"].as_str().unwrap_or("-");
    outln!("result (admin token): GET {base}/verifier/requests/{id}");
    Ok(EXIT_OK)
}

fn show(uri: &str, hint: &str) {
    match crate::core::qr::terminal(uri) {
        Ok(code) => outln!("{code}"),
        Err(e) => eprintln!("({e}; use the URI)"),
    }
    outln!("{uri}");
    eprintln!("{hint}");
}

/// Where a running server is and how to prove being its admin.
#[derive(Debug, clap::Args)]
pub struct ServerArgs {
    /// The server's base URL.
    #[arg(long)]
    issuer: String,
    /// File holding the admin token (default: the `SKILLSPASS_ADMIN_TOKEN` variable).
    #[arg(long, env = "SKILLSPASS_TOKEN_FILE")]
    token_file: Option<PathBuf>,
}

fn admin_call(server: &ServerArgs, method: reqwest::Method, path: &str) -> Result<Value, CliError> {
    let token = read_admin_token(server.token_file.as_deref())?;
    let url = format!("{}{path}", server.issuer.trim_end_matches('/'));
    let runtime = tokio::runtime::Runtime::new().map_err(CliError::input)?;
    runtime.block_on(async {
        let client =
            reqwest::Client::builder().timeout(std::time::Duration::from_secs(30)).build().map_err(CliError::input)?;
        let response = client
            .request(method, &url)
            .bearer_auth(token.expose())
            .send()
            .await
            .map_err(|e| CliError::input(format!("cannot reach {url}: {e}")))?;
        let status = response.status();
        let answer: Value = response.json().await.unwrap_or(Value::Null);
        if status.is_success() {
            return Ok(answer);
        }
        let detail = answer["detail"].as_str().unwrap_or("refused");
        Err(CliError::input(format!("{url} answered HTTP {}: {detail}", status.as_u16())))
    })
}

fn print_keys(answer: &Value) {
    let published: Vec<&str> = answer["published"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    outln!("active key {}; published {}", answer["active"].as_str().unwrap_or("-"), published.join(", "));
}

/// `skillspass keys rotate`.
///
/// # Errors
/// [`CliError`] when the server refuses.
pub fn rotate_key(server: &ServerArgs) -> Result<u8, CliError> {
    print_keys(&admin_call(server, reqwest::Method::POST, "/admin/keys")?);
    Ok(EXIT_OK)
}

/// `skillspass keys retire KID`.
///
/// # Errors
/// [`CliError`] when the server refuses (the active key, an unknown key).
pub fn retire_key(server: &ServerArgs, kid: &str) -> Result<u8, CliError> {
    let path = format!("/admin/keys/{}", url::form_urlencoded::byte_serialize(kid.as_bytes()).collect::<String>());
    print_keys(&admin_call(server, reqwest::Method::DELETE, &path)?);
    Ok(EXIT_OK)
}

/// `skillspass keys rotate-admin-token`: the new token goes to `--token-file` (replaced, mode 0600), never to the
/// terminal.
///
/// # Errors
/// [`CliError`] when no token file is given or the server refuses.
pub fn rotate_admin_token(server: &ServerArgs) -> Result<u8, CliError> {
    let file =
        server.token_file.clone().ok_or_else(|| CliError::input("give --token-file FILE to receive the new token"))?;
    let answer = admin_call(server, reqwest::Method::POST, "/admin/token")?;
    let token = answer["token"].as_str().ok_or_else(|| CliError::input("the server sent no token"))?;
    let temporary = file.with_extension("new");
    let _ = std::fs::remove_file(&temporary);
    crate::store::write_secret_file(&temporary, token.as_bytes()).map_err(CliError::input)?;
    std::fs::rename(&temporary, &file).map_err(|e| CliError::input(format!("{}: {e}", file.display())))?;
    outln!("new admin token written to {} (mode 0600); the old one no longer works", file.display());
    Ok(EXIT_OK)
}
