//! Server configuration, in layers (DESIGN.md section 2, STYLE rule 16): built-in defaults, then
//! `skillspass.toml` in the data folder, then `SKILLSPASS_*` environment variables, then command-line flags.
//! Unknown `SKILLSPASS_*` variables are warned about, so a typo does not silently do nothing.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The default data folder.
pub const DEFAULT_DATA_DIR: &str = "skillspass-data";
/// The default listen address.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";
/// Default `ttl` of published status lists: 5 minutes (Bitstring Status List `ttl` is in milliseconds).
pub const DEFAULT_STATUS_TTL_MS: u64 = 300_000;
/// Default request body limit: 1 MiB (a credential is a few KiB).
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// Every environment variable skillspass reads.
pub const KNOWN_ENV: [&str; 36] = [
    "SKILLSPASS_WALLET",
    "SKILLSPASS_PASSPHRASE",
    "SKILLSPASS_EXPORT_PASSPHRASE",
    "SKILLSPASS_DATA",
    "SKILLSPASS_ADDR",
    "SKILLSPASS_PUBLIC_URL",
    "SKILLSPASS_ROLES",
    "SKILLSPASS_ALLOW_LOOPBACK_HTTP",
    "SKILLSPASS_TRUST_LIST",
    "SKILLSPASS_ACCEPT_UNKNOWN_STATUS",
    "SKILLSPASS_STATUS_LIST_ENTRIES",
    "SKILLSPASS_STATUS_TTL_MS",
    "SKILLSPASS_BODY_LIMIT",
    "SKILLSPASS_ADMIN_TOKEN",
    "SKILLSPASS_TOKEN_FILE",
    "SKILLSPASS_LOG",
    "SKILLSPASS_VECTORS",
    "SKILLSPASS_ESCO_DOWNLOAD",
    "SKILLSPASS_INTEROP",
    "SKILLSPASS_VERIFIER",
    "SKILLSPASS_REQUIRE",
    "SKILLSPASS_MAX_CONNECTIONS",
    "SKILLSPASS_HEADER_TIMEOUT_MS",
    "SKILLSPASS_REQUEST_TIMEOUT_MS",
    "SKILLSPASS_DATABASE",
    "SKILLSPASS_DATABASE_POOL",
    "SKILLSPASS_TEST_DATABASE",
    "SKILLSPASS_POSTGRES",
    "SKILLSPASS_PUBLISH_STATUS_LISTS",
    "SKILLSPASS_SLED_CACHE_MB",
    "SKILLSPASS_KEY_ALG",
    "SKILLSPASS_X509_ROOTS",
    "SKILLSPASS_X509_CHAIN",
    "SKILLSPASS_VERIFIER_X509_CHAIN",
    "SKILLSPASS_WALLET_PROVIDERS",
    "SKILLSPASS_REQUIRE_WALLET_ATTESTATION",
];

/// Connections each node keeps to PostgreSQL unless told otherwise.
pub const DEFAULT_DATABASE_POOL: usize = 16;

/// The server's settings after layering.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Listen address.
    pub addr: String,
    /// Public base URL (default: `http://localhost:<port>` for loopback addresses, else `http://<addr>`).
    pub public_url: Option<String>,
    /// Roles to serve: `issuer`, `verifier`, `wallet`.
    pub roles: Vec<String>,
    /// Development flag: allow plain http to loopback in the verifier's fetcher.
    pub allow_loopback_http: bool,
    /// The verifier's trust list (TOML).
    pub trust_list: Option<PathBuf>,
    /// Whether an unknown status passes with a warning.
    pub accept_unknown_status: bool,
    /// Entries per status list.
    pub status_list_entries: u32,
    /// `ttl` of published status lists, milliseconds.
    pub status_ttl_ms: u64,
    /// Request body limit, bytes.
    pub body_limit: usize,
    /// What the verifier requires beyond verification (`eu-micro-credential`).
    pub require: Vec<String>,
    /// Connections served at once.
    pub max_connections: usize,
    /// Time for a request's headers to arrive, milliseconds.
    pub header_timeout_ms: u64,
    /// Time for a request's body to arrive and its answer to be made, milliseconds.
    pub request_timeout_ms: u64,
    /// A PostgreSQL database shared by several nodes; none: sled in the data folder.
    pub database: Option<DatabaseUrl>,
    /// Connections each node keeps to PostgreSQL.
    pub database_pool: usize,
    /// A folder the status lists are also written to as static files, on every change.
    pub publish_status_lists: Option<PathBuf>,
    /// sled's page cache, MiB (bounds the server's memory with the embedded engine).
    pub sled_cache_mb: u64,
    /// The algorithm of the issuer's and verifier's keys made on first start (`EdDSA` or `ES256`); existing keys
    /// keep theirs.
    pub key_alg: crate::core::keys::KeyAlgorithm,
    /// The verifier's X.509 roots (PEM): issuers' `x5c` chains must lead to one of them.
    pub x509_roots: Option<PathBuf>,
    /// The issuer's certificate chain (PEM, leaf first, without the root): SD-JWT VCs issued under its https URL
    /// carry it as `x5c`.
    pub x509_chain: Option<PathBuf>,
    /// The verifier's certificate chain (PEM, leaf first, without the root), for `x509_hash:` requests.
    pub verifier_x509_chain: Option<PathBuf>,
    /// The roots (PEM) of the wallet providers whose wallet attestations the issuer trusts.
    pub wallet_providers: Option<PathBuf>,
    /// Whether the issuer gives tokens only to wallets with a trusted attestation.
    pub require_wallet_attestation: bool,
}

/// A `postgres://` URL; its password never shows in `Debug` output or logs.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    /// The URL itself, to connect with.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for DatabaseUrl {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            Ok(Self(text.to_owned()))
        } else {
            Err("the database is a postgres:// URL (leave it out to keep sled in the data folder)".into())
        }
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match url::Url::parse(&self.0) {
            Ok(mut url) if url.password().is_some() => {
                let _ = url.set_password(Some("redacted"));
                write!(f, "{url}")
            }
            Ok(url) => write!(f, "{url}"),
            Err(_) => f.write_str("[unparsable database URL]"),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            addr: DEFAULT_ADDR.into(),
            public_url: None,
            roles: vec!["issuer".into(), "verifier".into(), "wallet".into()],
            allow_loopback_http: false,
            trust_list: None,
            accept_unknown_status: false,
            status_list_entries: 131_072,
            status_ttl_ms: DEFAULT_STATUS_TTL_MS,
            body_limit: DEFAULT_BODY_LIMIT,
            require: Vec::new(),
            max_connections: 1024,
            header_timeout_ms: 10_000,
            request_timeout_ms: 30_000,
            database: None,
            database_pool: DEFAULT_DATABASE_POOL,
            publish_status_lists: None,
            sled_cache_mb: 64,
            key_alg: crate::core::keys::KeyAlgorithm::Ed25519,
            x509_roots: None,
            x509_chain: None,
            verifier_x509_chain: None,
            wallet_providers: None,
            require_wallet_attestation: false,
        }
    }
}

impl Config {
    /// Defaults overlaid with `<data>/skillspass.toml` when it exists.
    ///
    /// # Errors
    /// The file's TOML error, naming the file.
    pub fn from_data_dir(data: &Path) -> Result<Self, String> {
        let path = data.join("skillspass.toml");
        match std::fs::read_to_string(&path) {
            Ok(text) => toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(format!("{}: {e}", path.display())),
        }
    }

    /// Whether a role is served.
    #[must_use]
    pub fn serves(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r == role)
    }
}

/// `SKILLSPASS_*` variables in the environment that skillspass does not know.
#[must_use]
pub fn unknown_env() -> Vec<String> {
    std::env::vars_os()
        .filter_map(|(k, _)| k.into_string().ok())
        .filter(|k| k.starts_with("SKILLSPASS_") && !KNOWN_ENV.contains(&k.as_str()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_urls_hide_their_password() {
        let url: DatabaseUrl = "postgres://skills:s3cret@db.example:5432/skillspass".parse().unwrap();
        let shown = format!("{url:?}");
        assert!(!shown.contains("s3cret") && shown.contains("db.example"), "{shown}");
        assert!("mysql://x".parse::<DatabaseUrl>().is_err());
        let config: Config = toml::from_str("database = \"postgres://a@b/c\"\ndatabase-pool = 4\n").unwrap();
        assert_eq!(config.database.map(|d| d.expose().to_owned()).as_deref(), Some("postgres://a@b/c"));
        assert_eq!(config.database_pool, 4);
        assert_eq!(Config::default().sled_cache_mb, 64);
        let config: Config = toml::from_str("key-alg = \"ES256\"\n").unwrap();
        assert_eq!(config.key_alg, crate::core::keys::KeyAlgorithm::Es256);
        assert!(toml::from_str::<Config>("key-alg = \"RS256\"\n").is_err());
    }

    #[test]
    fn file_layer_overrides_defaults_and_refuses_typos() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Config::from_data_dir(dir.path()).unwrap(), Config::default());
        std::fs::write(dir.path().join("skillspass.toml"), "addr = \"127.0.0.1:9999\"\nroles = [\"verifier\"]\n")
            .unwrap();
        let config = Config::from_data_dir(dir.path()).unwrap();
        assert_eq!(config.addr, "127.0.0.1:9999");
        assert!(!config.serves("issuer"));
        std::fs::write(dir.path().join("skillspass.toml"), "adr = \"x\"\n").unwrap();
        assert!(Config::from_data_dir(dir.path()).unwrap_err().contains("unknown field"));
    }
}
