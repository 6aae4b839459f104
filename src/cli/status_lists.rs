//! `skillspass status-lists publish DIR`: every status list of the issuer in a data folder (or a PostgreSQL
//! database) written as static files for a CDN or nginx, with the headers to serve them with (`_headers`,
//! `nginx.conf`). A running sled server holds its folder: use `serve --publish-status-lists DIR` there, which
//! rewrites the files on every change.

use std::path::PathBuf;

use chrono::Utc;

use super::{CliError, EXIT_OK};
use crate::config::{Config, DEFAULT_DATA_DIR, DatabaseUrl};
use crate::issuer::service::{IssuerService, ServiceConfig};
use crate::store::issuer_keys::IssuerKeyFiles;

/// Arguments of `status-lists`.
#[derive(Debug, clap::Args)]
pub struct StatusListsArgs {
    #[command(subcommand)]
    command: StatusListsCommand,
}

#[derive(Debug, clap::Subcommand)]
enum StatusListsCommand {
    /// Write every status list under DIR as the service serves it (`status/<list>`, `statuslists/<list>`), with
    /// `_headers` and `nginx.conf` giving their `Content-Type`, `Cache-Control` and `ETag`.
    Publish(PublishArgs),
}

/// Arguments of `status-lists publish`.
#[derive(Debug, clap::Args)]
struct PublishArgs {
    /// The folder to write into (created when missing; lists in it are replaced).
    dir: PathBuf,
    /// The issuer's data folder (its keys, skillspass.toml, and the sled database unless --database).
    #[arg(long, env = "SKILLSPASS_DATA")]
    data: Option<PathBuf>,
    /// The PostgreSQL database the issuer's nodes share.
    #[arg(long, env = "SKILLSPASS_DATABASE", hide_env_values = true)]
    database: Option<DatabaseUrl>,
    /// The issuer's public URL (the lists name themselves by it).
    #[arg(long, env = "SKILLSPASS_PUBLIC_URL")]
    public_url: Option<String>,
}

/// Runs `status-lists`.
///
/// # Errors
/// [`CliError`] naming what could not be opened or written.
pub fn run(args: &StatusListsArgs) -> Result<u8, CliError> {
    let StatusListsCommand::Publish(args) = &args.command;
    let data = args.data.clone().unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
    if !data.join("issuer-key.jwk").exists() {
        return Err(CliError::input(format!("{} holds no issuer (no issuer-key.jwk); give --data", data.display())));
    }
    let mut config = Config::from_data_dir(&data).map_err(CliError::input)?;
    config.database = args.database.clone().or(config.database);
    let public_url = args.public_url.clone().or_else(|| config.public_url.clone()).ok_or_else(|| {
        CliError::input("give the issuer's public URL (--public-url, or public-url in skillspass.toml)")
    })?;
    let db = super::serve::open_database(&config, &data)?;
    let service_config =
        ServiceConfig { public_url, entries_per_list: config.status_list_entries, status_ttl_ms: config.status_ttl_ms };
    let service =
        IssuerService::open_with_key_files(db, IssuerKeyFiles::new(&data), service_config).map_err(CliError::input)?;
    let written = crate::issuer::publish::publish_all(&service, &args.dir, Utc::now()).map_err(CliError::input)?;
    outln!("{written} status list(s) written to {} (serve them with _headers or nginx.conf)", args.dir.display());
    Ok(EXIT_OK)
}
