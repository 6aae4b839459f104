//! `skillspass serve`: the issuer and verifier roles over HTTP on one address, state in one data folder.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::net::TcpListener;
use zeroize::Zeroizing;

use super::{CliError, EXIT_OK};
use crate::config::{Config, DEFAULT_DATA_DIR, unknown_env};
use crate::core::encoding::b64url;
use crate::core::keys::SigningKey;
use crate::http::{AdminToken, AppState, app};
use crate::issuer::service::{IssuerService, ServiceConfig};
use crate::verifier::fetch::Fetcher;
use crate::verifier::openid4vp::PresentationDesk;
use crate::verifier::{Policy, TrustList, Verifier};
use crate::wallet::hosted::HostedWallets;

/// Arguments of `serve` (each also settable in `skillspass.toml` and by its `SKILLSPASS_*` variable).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ServeArgs {
    /// Data folder (sled database, keys, admin token, skillspass.toml).
    #[arg(long, env = "SKILLSPASS_DATA")]
    pub data: Option<PathBuf>,
    /// Listen address.
    #[arg(long, env = "SKILLSPASS_ADDR")]
    pub addr: Option<String>,
    /// Public base URL; the issuer's DID is its did:web.
    #[arg(long, env = "SKILLSPASS_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Roles to serve, comma-separated: issuer,verifier,wallet.
    #[arg(long, env = "SKILLSPASS_ROLES", value_delimiter = ',')]
    pub roles: Option<Vec<String>>,
    /// Development only: let the verifier fetch over plain http from loopback addresses.
    #[arg(long, env = "SKILLSPASS_ALLOW_LOOPBACK_HTTP")]
    pub allow_loopback_http: bool,
    /// The verifier's trust list (TOML).
    #[arg(long, env = "SKILLSPASS_TRUST_LIST")]
    pub trust_list: Option<PathBuf>,
    /// Let credentials whose status cannot be established pass with a warning.
    #[arg(long, env = "SKILLSPASS_ACCEPT_UNKNOWN_STATUS")]
    pub accept_unknown_status: bool,
    /// Entries per new status list (at least 131072).
    #[arg(long, env = "SKILLSPASS_STATUS_LIST_ENTRIES")]
    pub status_list_entries: Option<u32>,
    /// ttl of published status lists, milliseconds.
    #[arg(long, env = "SKILLSPASS_STATUS_TTL_MS")]
    pub status_ttl_ms: Option<u64>,
    /// Request body limit, bytes.
    #[arg(long, env = "SKILLSPASS_BODY_LIMIT")]
    pub body_limit: Option<usize>,
    /// An admin token given by the embedding program (the demo); not a flag, so it never shows in `ps`.
    #[arg(skip)]
    pub admin_token: Option<Zeroizing<String>>,
}

impl ServeArgs {
    fn layer(&self, mut config: Config) -> Config {
        let set = |target: &mut String, value: &Option<String>| {
            if let Some(value) = value {
                target.clone_from(value);
            }
        };
        set(&mut config.addr, &self.addr);
        config.public_url = self.public_url.clone().or(config.public_url);
        config.roles = self.roles.clone().unwrap_or(config.roles);
        config.allow_loopback_http |= self.allow_loopback_http;
        config.trust_list = self.trust_list.clone().or(config.trust_list);
        config.accept_unknown_status |= self.accept_unknown_status;
        config.status_list_entries = self.status_list_entries.unwrap_or(config.status_list_entries);
        config.status_ttl_ms = self.status_ttl_ms.unwrap_or(config.status_ttl_ms);
        config.body_limit = self.body_limit.unwrap_or(config.body_limit);
        config
    }
}

/// A running server.
pub struct Server {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its public URL.
    pub public_url: String,
    /// The issuer, when served.
    pub issuer: Option<Arc<IssuerService>>,
    db: sled::Db,
    shutdown: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Server {
    /// Opens the data folder, binds, and starts serving in the background.
    ///
    /// # Errors
    /// [`CliError`] naming what could not be set up.
    pub async fn start(args: &ServeArgs) -> Result<Self, CliError> {
        let data = args.data.clone().unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
        let config = args.layer(Config::from_data_dir(&data).map_err(CliError::input)?);
        let listener = TcpListener::bind(&config.addr)
            .await
            .map_err(|e| CliError::input(format!("cannot listen on {}: {e}", config.addr)))?;
        let addr = listener.local_addr().map_err(CliError::input)?;
        let public_url = config.public_url.clone().unwrap_or_else(|| default_public_url(addr));
        let db = crate::store::db::open(&data).map_err(|e| {
            CliError::input(format!("{e} (data folder {}; is another server using it?)", data.display()))
        })?;
        let state = build_state(&config, &data, &db, &public_url, args.admin_token.as_ref())?;
        let issuer = state.issuer.clone();
        let router = app(state, config.body_limit);
        let (shutdown, stop) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            axum::serve(listener, router)
                .with_graceful_shutdown(async move {
                    let _ = stop.await;
                })
                .await
        });
        Ok(Self { addr, public_url, issuer, db, shutdown, task })
    }

    /// The base URL to reach it on loopback.
    #[must_use]
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, finishes open requests and flushes the database.
    ///
    /// # Errors
    /// [`CliError`] if the flush fails.
    pub async fn stop(self) -> Result<(), CliError> {
        let _ = self.shutdown.send(());
        let _ = self.task.await;
        self.db.flush_async().await.map_err(CliError::input)?;
        Ok(())
    }
}

fn default_public_url(addr: SocketAddr) -> String {
    if addr.ip().is_loopback() { format!("http://localhost:{}", addr.port()) } else { format!("http://{addr}") }
}

fn build_state(
    config: &Config,
    data: &Path,
    db: &sled::Db,
    public_url: &str,
    given_token: Option<&Zeroizing<String>>,
) -> Result<AppState, CliError> {
    let issuer = if config.serves("issuer") {
        let key = load_or_create_key(&data.join("issuer-key.jwk"))?;
        let service_config = ServiceConfig {
            public_url: public_url.to_owned(),
            entries_per_list: config.status_list_entries,
            status_ttl_ms: config.status_ttl_ms,
        };
        Some(Arc::new(IssuerService::open(db.clone(), key, service_config).map_err(CliError::input)?))
    } else {
        None
    };
    let verifier = if config.serves("verifier") { Some(Arc::new(build_verifier(config)?)) } else { None };
    let presentations = if config.serves("verifier") {
        let key = load_or_create_key(&data.join("verifier-key.jwk"))?;
        Some(Arc::new(PresentationDesk::new(key, public_url).map_err(CliError::input)?))
    } else {
        None
    };
    let (wallets, import_verifier) = if config.serves("wallet") {
        let import_policy = Config { accept_unknown_status: true, trust_list: None, ..config.clone() };
        (Some(Arc::new(HostedWallets::new(db.clone()))), Some(Arc::new(build_verifier(&import_policy)?)))
    } else {
        (None, None)
    };
    let has_admin_calls = issuer.is_some() || presentations.is_some();
    let admin = match given_token {
        Some(token) if has_admin_calls => AdminToken::new(token),
        None if has_admin_calls => AdminToken::new(&admin_token(data)?),
        // No admin calls without the issuer or verifier role: a random token nobody knows.
        _ => AdminToken::new(&Zeroizing::new(uuid::Uuid::new_v4().to_string())),
    };
    let fetcher = Some(Fetcher::new(config.allow_loopback_http).map_err(CliError::input)?);
    Ok(AppState { issuer, verifier, admin, wallets, import_verifier, presentations, fetcher })
}

fn build_verifier(config: &Config) -> Result<Verifier, CliError> {
    let trust = match &config.trust_list {
        Some(path) => {
            let text =
                std::fs::read_to_string(path).map_err(|e| CliError::input(format!("{}: {e}", path.display())))?;
            Some(TrustList::parse(&text).map_err(|e| CliError::input(format!("{}: {e}", path.display())))?)
        }
        None => None,
    };
    let policy = Policy { trust, accept_unknown_status: config.accept_unknown_status, ..Policy::default() };
    let fetcher = Fetcher::new(config.allow_loopback_http).map_err(CliError::input)?;
    Verifier::online(policy, fetcher).map_err(CliError::input)
}

fn load_or_create_key(path: &Path) -> Result<SigningKey, CliError> {
    if !path.exists() {
        crate::store::write_key_file(path, &SigningKey::generate()).map_err(CliError::input)?;
    }
    crate::store::read_key_file(path).map_err(CliError::input)
}

/// `SKILLSPASS_ADMIN_TOKEN`, or the `admin-token` file in the data folder, created (mode 0600) and printed once.
fn admin_token(data: &Path) -> Result<Zeroizing<String>, CliError> {
    if let Ok(token) = std::env::var("SKILLSPASS_ADMIN_TOKEN") {
        return Ok(Zeroizing::new(token));
    }
    let path = data.join("admin-token");
    if !path.exists() {
        let mut bytes = Zeroizing::new([0u8; 32]);
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, bytes.as_mut_slice());
        let token = Zeroizing::new(b64url(bytes.as_slice()));
        crate::store::write_secret_file(&path, token.as_bytes()).map_err(CliError::input)?;
        eprintln!("admin token (shown once; kept in {} with mode 0600): {}", path.display(), token.as_str());
    }
    crate::store::read_secret_file(&path).map_err(CliError::input)
}

/// Runs `serve` until SIGINT or SIGTERM.
///
/// # Errors
/// [`CliError`] when the server cannot start.
pub fn run(args: &ServeArgs) -> Result<u8, CliError> {
    for name in unknown_env() {
        eprintln!("warning: unknown environment variable {name} is ignored");
    }
    let runtime = tokio::runtime::Runtime::new().map_err(CliError::input)?;
    runtime.block_on(async {
        let server = Server::start(args).await?;
        println!("skillspass listening on {}", server.url());
        if let Some(issuer) = &server.issuer {
            println!("issuer {} published at {}", issuer.did(), server.public_url);
        }
        shutdown_signal().await;
        server.stop().await?;
        eprintln!("stopped; data flushed");
        Ok(EXIT_OK)
    })
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {},
        () = terminate => {},
    }
}
