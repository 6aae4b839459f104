//! The key file: one private OKP JWK (RFC 8037) as JSON, created with mode 0600 and refused when anyone but the
//! owner can read it (as ssh does with private keys). The secret passes through [`zeroize::Zeroizing`] buffers only.

use std::fs::{File, OpenOptions};
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use crate::core::keys::{KeyError, SigningKey};

/// The largest key file we read (a JWK is about 150 bytes).
const MAX_KEY_FILE_BYTES: u64 = 16 * 1024;

/// Why a key file could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    /// The file exists; we never overwrite a key.
    #[error("{0} already exists; refusing to overwrite a key (choose another --out)")]
    Exists(PathBuf),
    /// Group or others may read it.
    #[error("{path} is readable by others (mode {mode:o}); run: chmod 600 {path}")]
    TooOpen {
        /// The file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// I/O failure.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Not a private Ed25519 JWK.
    #[error("{path} is not an Ed25519 private JWK: {source}")]
    Key {
        /// The file.
        path: PathBuf,
        /// Why.
        source: KeyError,
    },
}

/// Writes a new key file with mode 0600 (created exclusively: an existing file is never replaced).
///
/// # Errors
/// [`KeyFileError::Exists`] or [`KeyFileError::Io`].
pub fn write_key_file(path: &Path, key: &SigningKey) -> Result<(), KeyFileError> {
    write_secret_file(path, key.to_private_jwk_json().as_bytes())
}

/// Writes a new file readable by its owner only (mode 0600), created exclusively and synced.
///
/// # Errors
/// [`KeyFileError::Exists`] or [`KeyFileError::Io`].
pub fn write_secret_file(path: &Path, secret: &[u8]) -> Result<(), KeyFileError> {
    let io = |source| KeyFileError::Io { path: path.to_owned(), source };
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists { KeyFileError::Exists(path.to_owned()) } else { io(e) }
    })?;
    file.write_all(secret).map_err(io)?;
    file.sync_all().map_err(io)
}

/// Reads a secret file (at most 16 KiB), refusing it when group or others have any access.
///
/// # Errors
/// [`KeyFileError::TooOpen`] or [`KeyFileError::Io`].
pub fn read_secret_file(path: &Path) -> Result<Zeroizing<String>, KeyFileError> {
    let io = |source| KeyFileError::Io { path: path.to_owned(), source };
    let file = File::open(path).map_err(io)?;
    check_permissions(path, &file)?;
    let mut text = Zeroizing::new(String::new());
    file.take(MAX_KEY_FILE_BYTES).read_to_string(&mut text).map_err(io)?;
    Ok(text)
}

/// Reads a key file, refusing it when group or others have any access.
///
/// # Errors
/// [`KeyFileError::TooOpen`], [`KeyFileError::Io`] or [`KeyFileError::Key`].
pub fn read_key_file(path: &Path) -> Result<SigningKey, KeyFileError> {
    let text = read_secret_file(path)?;
    SigningKey::from_jwk_json(&text).map_err(|source| KeyFileError::Key { path: path.to_owned(), source })
}

#[cfg(unix)]
fn check_permissions(path: &Path, file: &File) -> Result<(), KeyFileError> {
    use std::os::unix::fs::PermissionsExt as _;
    let mode =
        file.metadata().map_err(|source| KeyFileError::Io { path: path.to_owned(), source })?.permissions().mode();
    if mode & 0o077 != 0 {
        return Err(KeyFileError::TooOpen { path: path.to_owned(), mode: mode & 0o777 });
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_permissions(_path: &Path, _file: &File) -> Result<(), KeyFileError> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt as _;

    #[test]
    fn written_with_mode_0600_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("issuer.jwk");
        let key = SigningKey::generate(&mut rand::rngs::OsRng);
        write_key_file(&path, &key).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(read_key_file(&path).unwrap().verifying_key(), key.verifying_key());
    }

    #[test]
    fn refuses_to_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("issuer.jwk");
        write_key_file(&path, &SigningKey::generate(&mut rand::rngs::OsRng)).unwrap();
        assert!(matches!(
            write_key_file(&path, &SigningKey::generate(&mut rand::rngs::OsRng)),
            Err(KeyFileError::Exists(_))
        ));
    }

    #[test]
    fn refuses_group_readable_key_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("issuer.jwk");
        write_key_file(&path, &SigningKey::generate(&mut rand::rngs::OsRng)).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        assert!(matches!(read_key_file(&path), Err(KeyFileError::TooOpen { mode: 0o640, .. })));
    }
}
