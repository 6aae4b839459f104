//! `skillspass serve`: the issuer, verifier and wallet roles over HTTP on one address, state in one data folder.
//! The roles share one guarded fetcher and so one cache: a revocation made by this server's issuer is seen at once
//! by this server's verifier.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use std::time::Duration;

use tokio::net::TcpListener;

use super::{CliError, EXIT_OK};
use crate::config::{Config, DEFAULT_DATA_DIR, DatabaseUrl, unknown_env};
use crate::core::keys::{KeyAlgorithm, SigningKey};
use crate::core::secret::SecretString;
use crate::core::verify::Requirement;
use crate::http::server::Limits;
use crate::http::{AdminToken, AppState, IssuerRole, VerifierRole, WalletRole};
use crate::issuer::openid4vci::CredentialIssuance;
use crate::issuer::service::{IssuerService, ServiceConfig};
use crate::net::Fetcher;
use crate::store::Database;
use crate::system::{SystemClock, random_b64url};
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
    /// What the verifier requires beyond verification (repeatable): `eu-micro-credential`.
    #[arg(long = "require", env = "SKILLSPASS_REQUIRE", value_delimiter = ',')]
    pub require: Option<Vec<String>>,
    /// Connections served at once (default 1024).
    #[arg(long, env = "SKILLSPASS_MAX_CONNECTIONS")]
    pub max_connections: Option<usize>,
    /// Time for a request's headers to arrive, milliseconds (default 10000).
    #[arg(long, env = "SKILLSPASS_HEADER_TIMEOUT_MS")]
    pub header_timeout_ms: Option<u64>,
    /// Time for a request's body to arrive and its answer to be made, milliseconds (default 30000).
    #[arg(long, env = "SKILLSPASS_REQUEST_TIMEOUT_MS")]
    pub request_timeout_ms: Option<u64>,
    /// A PostgreSQL database shared by several nodes (`postgres://user:password@host/db`); default: sled in the data
    /// folder.
    #[arg(long, env = "SKILLSPASS_DATABASE", hide_env_values = true)]
    pub database: Option<DatabaseUrl>,
    /// Connections each node keeps to PostgreSQL (default 16).
    #[arg(long, env = "SKILLSPASS_DATABASE_POOL")]
    pub database_pool: Option<usize>,
    /// sled's page cache in MiB (default 64): bounds the server's memory with the embedded engine.
    #[arg(long, env = "SKILLSPASS_SLED_CACHE_MB")]
    pub sled_cache_mb: Option<u64>,
    /// Also write the status lists as static files under this folder, again on every change (for a CDN or nginx).
    #[arg(long, env = "SKILLSPASS_PUBLISH_STATUS_LISTS")]
    pub publish_status_lists: Option<PathBuf>,
    /// The algorithm of the issuer's and verifier's keys made on first start: EdDSA (default) or ES256 (P-256, as
    /// the EU wallet profile asks). Keys that exist keep theirs; `keys rotate` keeps the active key's.
    #[arg(long, env = "SKILLSPASS_KEY_ALG")]
    pub key_alg: Option<crate::core::keys::KeyAlgorithm>,
    /// The verifier's X.509 roots (PEM): issuers' certificate chains (`x5c`) must lead to one of them.
    #[arg(long, env = "SKILLSPASS_X509_ROOTS")]
    pub x509_roots: Option<PathBuf>,
    /// The issuer's certificate chain (PEM, leaf first, no root; `keys cert`): SD-JWT VCs issued under the issuer's
    /// https URL carry it as `x5c`. Its leaf must hold the issuer's signing key.
    #[arg(long, env = "SKILLSPASS_X509_CHAIN")]
    pub x509_chain: Option<PathBuf>,
    /// The verifier's certificate chain (PEM, leaf first, no root; `keys cert` for `verifier-key.jwk`): requests
    /// can then identify the verifier by `x509_hash:` (HAIP).
    #[arg(long, env = "SKILLSPASS_VERIFIER_X509_CHAIN")]
    pub verifier_x509_chain: Option<PathBuf>,
    /// The roots (PEM) of the wallet providers the issuer trusts: a wallet attestation (`OAuth-Client-Attestation`)
    /// is checked against them whenever a wallet sends one.
    #[arg(long, env = "SKILLSPASS_WALLET_PROVIDERS")]
    pub wallet_providers: Option<PathBuf>,
    /// Give tokens only to wallets with an attestation from one of the `--wallet-providers` (HAIP).
    #[arg(long, env = "SKILLSPASS_REQUIRE_WALLET_ATTESTATION")]
    pub require_wallet_attestation: bool,
    /// An admin token given by the embedding program (the demo); not a flag, so it never shows in `ps`.
    #[arg(skip)]
    pub admin_token: Option<SecretString>,
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
        config.require = self.require.clone().unwrap_or(config.require);
        config.max_connections = self.max_connections.unwrap_or(config.max_connections);
        config.header_timeout_ms = self.header_timeout_ms.unwrap_or(config.header_timeout_ms);
        config.request_timeout_ms = self.request_timeout_ms.unwrap_or(config.request_timeout_ms);
        config.database = self.database.clone().or(config.database);
        config.database_pool = self.database_pool.unwrap_or(config.database_pool);
        config.publish_status_lists = self.publish_status_lists.clone().or(config.publish_status_lists);
        config.sled_cache_mb = self.sled_cache_mb.unwrap_or(config.sled_cache_mb);
        config.key_alg = self.key_alg.unwrap_or(config.key_alg);
        config.x509_roots = self.x509_roots.clone().or(config.x509_roots);
        config.x509_chain = self.x509_chain.clone().or(config.x509_chain);
        config.verifier_x509_chain = self.verifier_x509_chain.clone().or(config.verifier_x509_chain);
        config.wallet_providers = self.wallet_providers.clone().or(config.wallet_providers);
        config.require_wallet_attestation |= self.require_wallet_attestation;
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
    pub issuer: Option<Arc<IssuerRole>>,
    roles: Roles,
    db: Database,
    shutdown: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// The roles a server runs.
#[derive(Debug, Clone, Copy)]
struct Roles {
    issuer: bool,
    verifier: bool,
    wallet: bool,
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
        let db = open_database(&config, &data)?;
        let state = build_state(&config, &data, &db, &public_url, args.admin_token.as_ref())?;
        let issuer = state.issuer.clone();
        let janitor = tokio::spawn(purge_expired(state.clone()));
        let roles = Roles {
            issuer: state.issuer.is_some(),
            verifier: state.verifier.is_some(),
            wallet: state.wallet.is_some(),
        };
        let router = crate::web::app(state, config.body_limit, &public_url);
        let limits = Limits {
            max_connections: config.max_connections,
            header_timeout: Duration::from_millis(config.header_timeout_ms.max(1)),
            request_timeout: Duration::from_millis(config.request_timeout_ms.max(1)),
        };
        let (shutdown, stop) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let result = crate::http::server::serve(listener, router, limits, async move {
                let _ = stop.await;
            })
            .await;
            janitor.abort();
            result
        });
        Ok(Self { addr, public_url, issuer, roles, db, shutdown, task })
    }

    /// The pages this server serves, by the roles it runs: (what, path).
    #[must_use]
    pub fn consoles(&self) -> Vec<(&'static str, &'static str)> {
        let mut consoles = Vec::new();
        if self.roles.wallet {
            consoles.push(("worker's wallet   ", "/app"));
        }
        if self.roles.issuer {
            consoles.push(("provider's console", "/provider"));
        }
        if self.roles.verifier {
            consoles.push(("employer's console", "/employer"));
        }
        consoles
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

/// The configured PostgreSQL database, else sled in the data folder.
pub(super) fn open_database(config: &Config, data: &Path) -> Result<Database, CliError> {
    // The folder holds the keys and the admin token whichever engine keeps the rest.
    std::fs::create_dir_all(data).map_err(|e| CliError::input(format!("{}: {e}", data.display())))?;
    match &config.database {
        Some(url) => Database::connect(url.expose(), config.database_pool)
            .map_err(|e| CliError::input(format!("{e}; check --database / SKILLSPASS_DATABASE"))),
        None => Database::open_folder_with_cache(data, config.sled_cache_mb.max(1).saturating_mul(1024 * 1024))
            .map_err(|e| CliError::input(format!("{e} (data folder {}; is another server using it?)", data.display()))),
    }
}

fn default_public_url(addr: SocketAddr) -> String {
    if addr.ip().is_loopback() { format!("http://localhost:{}", addr.port()) } else { format!("http://{addr}") }
}

/// The issuer role: its service (keys, certificate chain, published lists) and its protocol state (offers, the
/// authorization server and its trusted wallet providers).
fn issuer_role(
    config: &Config,
    data: &Path,
    db: &Database,
    public_url: &str,
    fetcher: &Fetcher,
) -> Result<Arc<IssuerRole>, CliError> {
    let files = crate::store::issuer_keys::IssuerKeyFiles::new(data).with_new_key_algorithm(config.key_alg);
    let service_config = ServiceConfig {
        public_url: public_url.to_owned(),
        entries_per_list: config.status_list_entries,
        status_ttl_ms: config.status_ttl_ms,
    };
    let service = IssuerService::open_with_key_files(db.clone(), files, service_config).map_err(CliError::input)?;
    let service = match &config.x509_chain {
        Some(path) => service
            .with_x509_chain(&read_chain(path)?)
            .map_err(|e| CliError::input(format!("{}: {e}", path.display())))?,
        None => service,
    };
    let service = match &config.publish_status_lists {
        Some(dir) => {
            let service = service.with_publish_dir(dir.clone());
            crate::issuer::publish::publish_all(&service, dir, chrono::Utc::now()).map_err(CliError::input)?;
            service
        }
        None => service,
    };
    let service = Arc::new(service.with_cache(fetcher.cache().clone()));
    let providers = super::verify::x509_anchors(config.wallet_providers.as_deref())?;
    if config.require_wallet_attestation && providers.is_none() {
        return Err(CliError::input(
            "--require-wallet-attestation needs --wallet-providers: the roots of the wallet providers to trust",
        ));
    }
    let issuance = CredentialIssuance::open(Arc::clone(&service), db, protocol_key(data)?)
        .map_err(CliError::input)?
        .with_wallet_providers(providers, config.require_wallet_attestation);
    Ok(Arc::new(IssuerRole { service, issuance }))
}

fn build_state(
    config: &Config,
    data: &Path,
    db: &Database,
    public_url: &str,
    given_token: Option<&SecretString>,
) -> Result<AppState, CliError> {
    let fetcher = Fetcher::new(config.allow_loopback_http).map_err(CliError::input)?;
    // Read once for both roles that check certificates: the verifier and the hosted wallet.
    let anchors = super::verify::x509_anchors(config.x509_roots.as_deref())?;
    let issuer =
        if config.serves("issuer") { Some(issuer_role(config, data, db, public_url, &fetcher)?) } else { None };
    let verifier = if config.serves("verifier") {
        let key = load_or_create_key(&data.join("verifier-key.jwk"), config.key_alg)?;
        let desk = PresentationDesk::open(key, public_url, db, protocol_key(data)?).map_err(CliError::input)?;
        let desk = match &config.verifier_x509_chain {
            Some(path) => desk
                .with_x509_chain(&read_chain(path)?)
                .map_err(|e| CliError::input(format!("{}: {e}", path.display())))?,
            None => desk,
        };
        let verifier =
            build_verifier(config, anchors.clone(), &fetcher)?.with_durable_nonces(db).map_err(CliError::input)?;
        Some(Arc::new(VerifierRole { verifier, desk }))
    } else {
        None
    };
    let wallet = if config.serves("wallet") {
        let policy = Policy { x509_anchors: anchors, ..Policy::for_holder() };
        let holder = Verifier::online(policy, fetcher.clone()).map_err(CliError::input)?;
        Some(Arc::new(WalletRole {
            wallets: HostedWallets::new(db.clone()).map_err(CliError::input)?,
            verifier: holder,
            fetcher,
        }))
    } else {
        None
    };
    let has_admin_calls = issuer.is_some() || verifier.is_some();
    let throttles = Arc::new(crate::http::Throttles::default());
    let from_file = given_token.is_none() && std::env::var("SKILLSPASS_ADMIN_TOKEN").is_err();
    let admin_file = crate::http::admin::TokenFile((has_admin_calls && from_file).then(|| data.join("admin-token")));
    let admin = match given_token {
        Some(token) if has_admin_calls => AdminToken::new(token),
        None if has_admin_calls => AdminToken::new(&admin_token(data)?),
        // No admin calls without the issuer or verifier role: a random token nobody knows.
        _ => AdminToken::new(&SecretString::new(random_b64url(32))),
    };
    let admin = Arc::new(std::sync::RwLock::new(admin));
    let esco = Arc::new(crate::store::esco::LazyEsco::new(data));
    let database = db.clone();
    Ok(AppState {
        clock: Arc::new(SystemClock),
        admin,
        throttles,
        admin_file,
        issuer,
        verifier,
        wallet,
        esco,
        database,
    })
}

fn build_verifier(
    config: &Config,
    x509_anchors: Option<Arc<crate::core::x509::TrustAnchors>>,
    fetcher: &Fetcher,
) -> Result<Verifier, CliError> {
    let trust = match &config.trust_list {
        Some(path) => {
            let text =
                std::fs::read_to_string(path).map_err(|e| CliError::input(format!("{}: {e}", path.display())))?;
            Some(TrustList::parse(&text).map_err(|e| CliError::input(format!("{}: {e}", path.display())))?)
        }
        None => None,
    };
    let require = config
        .require
        .iter()
        .map(|r| Requirement::parse(r).ok_or_else(|| CliError::input(format!("require: {r:?} is not a requirement"))))
        .collect::<Result<Vec<_>, _>>()?;
    let policy = Policy {
        trust,
        accept_unknown_status: config.accept_unknown_status,
        require,
        x509_anchors,
        ..Policy::default()
    };
    Verifier::online(policy, fetcher.clone()).map_err(CliError::input)
}

/// A certificate chain file (PEM, leaf first).
fn read_chain(path: &Path) -> Result<Vec<Vec<u8>>, CliError> {
    let pem = std::fs::read(path).map_err(|e| CliError::input(format!("{}: {e}", path.display())))?;
    crate::core::x509::chain_from_pem(&pem).map_err(|e| CliError::input(format!("{}: {e}", path.display())))
}

fn load_or_create_key(path: &Path, algorithm: KeyAlgorithm) -> Result<SigningKey, CliError> {
    if !path.exists() {
        crate::store::write_key_file(path, &crate::system::new_signing_key(algorithm)).map_err(CliError::input)?;
    }
    crate::store::read_key_file(path).map_err(CliError::input)
}

/// The key OpenID4VCI codes are derived from (`protocol-key` in the data folder, 32 random bytes, mode 0600,
/// created on first start). Nodes sharing a database share this file (issue 15).
fn protocol_key(data: &Path) -> Result<zeroize::Zeroizing<[u8; 32]>, CliError> {
    let path = data.join("protocol-key");
    if !path.exists() {
        crate::store::write_secret_file(&path, random_b64url(32).as_bytes()).map_err(CliError::input)?;
    }
    let text = crate::store::read_secret_file(&path).map_err(CliError::input)?;
    let bytes = zeroize::Zeroizing::new(
        crate::core::encoding::b64url_decode(text.trim())
            .map_err(|_| CliError::input(format!("{} is not base64url", path.display())))?,
    );
    let key: [u8; 32] =
        bytes.as_slice().try_into().map_err(|_| CliError::input(format!("{} is not 32 bytes", path.display())))?;
    Ok(zeroize::Zeroizing::new(key))
}

/// How often expired protocol state is removed.
pub const PURGE_EVERY: Duration = Duration::from_secs(60);

/// Removes expired offers, codes, tokens, nonces and presentation requests in the background.
async fn purge_expired(state: AppState) {
    let mut interval = tokio::time::interval(PURGE_EVERY);
    loop {
        interval.tick().await;
        let now = state.now();
        let mut removed = 0;
        let mut failed = None;
        if let Some(issuer) = &state.issuer {
            issuer.issuance.purge(now).map_or_else(|e| failed = Some(e), |n| removed += n);
        }
        if let Some(verifier) = &state.verifier {
            verifier.desk.purge(now).map_or_else(|e| failed = Some(e), |n| removed += n);
            verifier.verifier.purge(now).map_or_else(|e| failed = Some(e), |n| removed += n);
        }
        if let Some(wallet) = &state.wallet {
            wallet.wallets.purge(now).map_or_else(|e| failed = Some(e), |n| removed += n);
        }
        match failed {
            Some(error) => tracing::error!(%error, "removing expired protocol state"),
            None if removed > 0 => tracing::debug!(removed, "expired protocol state removed"),
            None => {}
        }
    }
}

/// `SKILLSPASS_ADMIN_TOKEN`, or the `admin-token` file in the data folder, created with mode 0600 (never printed).
fn admin_token(data: &Path) -> Result<SecretString, CliError> {
    if let Ok(token) = std::env::var("SKILLSPASS_ADMIN_TOKEN") {
        return Ok(SecretString::new(token));
    }
    let path = data.join("admin-token");
    if !path.exists() {
        let token = SecretString::new(random_b64url(32));
        crate::store::write_secret_file(&path, token.expose().as_bytes()).map_err(CliError::input)?;
        eprintln!("admin token written to {} (mode 0600); it is not printed", path.display());
    }
    crate::store::read_secret_file(&path).map(SecretString::from).map_err(CliError::input)
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
        outln!("skillspass listening on {}", server.url());
        if let Some(issuer) = &server.issuer {
            outln!("issuer {} published at {}", issuer.service.did(), server.public_url);
        }
        for (name, path) in server.consoles() {
            outln!("{name}: {}{path}", server.public_url);
        }
        shutdown_signal().await;
        server.stop().await?;
        eprintln!("stopped; data flushed");
        Ok(EXIT_OK)
    })
}

/// Waits for SIGINT or SIGTERM.
pub(super) async fn shutdown_signal() {
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
