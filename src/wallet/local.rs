//! A person's wallet folder on their own device, and how damage to it is told apart from a crash (issue 11).
//!
//! sled recovers a damaged log by dropping what follows the damage and rewriting the file, on any open, also for a
//! read-only command: a wallet with a damaged log would silently lose acknowledged credentials, or look like no
//! wallet at all and invite `wallet init` over it. So the wallet counts its acknowledged writes (its generation,
//! stored in the database and, after every flush, in the marker file [`MARKER`] beside it). Before the real database
//! is opened, a copy is opened and its generation read: behind the marker means acknowledged writes were lost, and
//! the wallet is reported damaged without the original ever being touched. A crash loses only writes that were
//! never acknowledged, so after a crash the generation is never behind the marker.

use std::path::{Path, PathBuf};

use super::{Wallet, WalletError};
use crate::store::{Database, StoreError};

/// The marker file: the generation of the last acknowledged write, as decimal text.
pub const MARKER: &str = "wallet-generation";

fn store_error(e: impl std::fmt::Display) -> WalletError {
    WalletError::Store(StoreError::File(e.to_string()))
}

/// Opens the wallet folder's database, refusing (and never rewriting) a damaged one.
///
/// # Errors
/// [`WalletError::Damaged`], or storage failures.
pub fn open(dir: &Path) -> Result<Database, WalletError> {
    let acknowledged = read_marker(dir)?;
    if acknowledged > 0 {
        check_copy(dir, acknowledged)?;
    }
    Ok(Database::open_folder(dir)?)
}

/// Opens an existing wallet folder's database: a folder without one is [`WalletError::NotFound`], and is left as it
/// was (a read never creates a database where a restore could then not go).
///
/// # Errors
/// [`WalletError::NotFound`], [`WalletError::Damaged`], or storage failures.
pub fn open_existing(dir: &Path) -> Result<Database, WalletError> {
    if !dir.join("db").is_dir() {
        return Err(if read_marker(dir)? > 0 {
            WalletError::Damaged(dir.display().to_string())
        } else {
            WalletError::NotFound
        });
    }
    open(dir)
}

/// Records the wallet's generation in the marker after its writes were flushed (write to a temporary file, sync,
/// rename: the marker is always one whole number).
///
/// # Errors
/// Storage failures.
pub fn acknowledge(dir: &Path, wallet: &Wallet) -> Result<(), WalletError> {
    let generation = wallet.generation()?;
    if generation <= read_marker(dir)? {
        return Ok(());
    }
    write_marker(dir, generation)
}

/// Makes a new wallet folder in one step: `build` fills a fresh database in a staging folder beside `dir`, which is
/// renamed to `dir` only once `build` succeeded and everything is on disk. A crash (or a refused file) therefore
/// leaves no wallet or a complete one, never a half-restored wallet that a retry would refuse to overwrite. Staging
/// folders a crash left behind are removed first: nothing in them was ever acknowledged.
///
/// # Errors
/// [`WalletError::Exists`] when `dir` already holds a wallet, what `build` returns, or storage failures.
pub fn create_atomically<T>(
    dir: &Path,
    build: impl FnOnce(&Database) -> Result<T, WalletError>,
) -> Result<T, WalletError> {
    if dir.join("db").exists() {
        return Err(WalletError::Exists);
    }
    let parent = dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or_else(|| Path::new("."));
    std::fs::create_dir_all(parent).map_err(store_error)?;
    let name = dir.file_name().map_or_else(|| "wallet".into(), |n| n.to_string_lossy().into_owned());
    let prefix = format!(".{name}.staging-");
    for stale in std::fs::read_dir(parent).map_err(store_error)?.filter_map(Result::ok) {
        if stale.file_name().to_string_lossy().starts_with(&prefix) {
            let _ = std::fs::remove_dir_all(stale.path());
        }
    }
    let staging = tempfile::Builder::new().prefix(&prefix).tempdir_in(parent).map_err(store_error)?;
    let (value, generation) = {
        let db = Database::open_folder(staging.path())?;
        let value = build(&db)?;
        db.flush()?;
        (value, Wallet::stored_generation(&db)?)
    };
    write_marker(staging.path(), generation)?;
    if dir.exists() {
        // An empty folder the user named (anything else in it stays where it is: rename refuses a non-empty one).
        std::fs::remove_dir(dir).map_err(|e| store_error(format!("{}: {e}", dir.display())))?;
    }
    let staged = staging.keep();
    std::fs::rename(&staged, dir).map_err(|e| store_error(format!("{}: {e}", dir.display())))?;
    sync_dir(parent);
    Ok(value)
}

fn write_marker(dir: &Path, generation: u64) -> Result<(), WalletError> {
    let temporary = dir.join(format!("{MARKER}.new"));
    let write = || -> std::io::Result<()> {
        use std::io::Write as _;
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(generation.to_string().as_bytes())?;
        file.sync_all()?;
        std::fs::rename(&temporary, dir.join(MARKER))
    };
    write().map_err(|e| store_error(format!("{}: {e}", dir.join(MARKER).display())))?;
    sync_dir(dir);
    Ok(())
}

/// Makes a rename in `dir` durable (best effort: not every platform can sync a directory).
fn sync_dir(dir: &Path) {
    if let Ok(handle) = std::fs::File::open(dir) {
        let _ = handle.sync_all();
    }
}

fn read_marker(dir: &Path) -> Result<u64, WalletError> {
    match std::fs::read_to_string(dir.join(MARKER)) {
        Ok(text) => text
            .trim()
            .parse()
            .map_err(|_| store_error(format!("{} is not a generation number", dir.join(MARKER).display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(0),
        Err(e) => Err(store_error(e)),
    }
}

/// Opens a copy of the database and compares its generation with the marker's.
fn check_copy(dir: &Path, acknowledged: u64) -> Result<(), WalletError> {
    let damaged = || WalletError::Damaged(dir.display().to_string());
    let source = dir.join("db");
    if !source.is_dir() {
        return Err(damaged());
    }
    let scratch = tempfile::Builder::new().prefix("skillspass-check").tempdir().map_err(store_error)?;
    copy_tree(&source, &scratch.path().join("db")).map_err(store_error)?;
    let copy = Database::open_folder(scratch.path()).map_err(|_| damaged())?;
    let found = Wallet::stored_generation(&copy).map_err(|_| damaged())?;
    drop(copy);
    if found < acknowledged { Err(damaged()) } else { Ok(()) }
}

fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target: PathBuf = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}
