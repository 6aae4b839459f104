//! The issuer's signing keys on disk: key 1 in `issuer-key.jwk` (where every earlier version kept the one key),
//! later keys in `issuer-keys/key-<n>.jwk`, each a 0600 key file; and `issuer-keys.json` (not secret) naming the
//! active key and the retired ones. Which key may be retired is the issuer role's rule; this module keeps the files.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::key_file::{KeyFileError, read_key_file, write_key_file};
use crate::core::keys::{KeyAlgorithm, SigningKey};

/// Where an issuer's keys live.
#[derive(Debug, Clone)]
pub struct IssuerKeyFiles {
    dir: PathBuf,
    new_keys: KeyAlgorithm,
}

/// Which key signs and which are withdrawn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyState {
    /// The number of the key that signs (1, 2, …).
    pub active: u32,
    /// Keys no longer published (credentials signed by them stop verifying).
    #[serde(default)]
    pub retired: Vec<u32>,
}

impl IssuerKeyFiles {
    /// The keys of the data folder `dir`.
    #[must_use]
    pub fn new(dir: &Path) -> Self {
        Self { dir: dir.to_owned(), new_keys: KeyAlgorithm::Ed25519 }
    }

    /// Key 1, when it has to be made, is of `algorithm` (existing keys keep theirs).
    #[must_use]
    pub fn with_new_key_algorithm(mut self, algorithm: KeyAlgorithm) -> Self {
        self.new_keys = algorithm;
        self
    }

    fn path(&self, number: u32) -> PathBuf {
        if number == 1 {
            self.dir.join("issuer-key.jwk")
        } else {
            self.dir.join(format!("issuer-keys/key-{number}.jwk"))
        }
    }

    fn state_path(&self) -> PathBuf {
        self.dir.join("issuer-keys.json")
    }

    /// Every key with its number, creating key 1 on first use, and the state.
    ///
    /// # Errors
    /// [`KeyFileError`] for unreadable, malformed or too-open files.
    pub fn load(&self) -> Result<(Vec<(u32, SigningKey)>, KeyState), KeyFileError> {
        if !self.path(1).exists() {
            write_key_file(&self.path(1), &crate::system::new_signing_key(self.new_keys))?;
        }
        let state = self.state()?;
        let mut keys = vec![(1, read_key_file(&self.path(1))?)];
        for number in 2..=state.active.max(1) {
            if self.path(number).exists() {
                keys.push((number, read_key_file(&self.path(number))?));
            }
        }
        Ok((keys, state))
    }

    fn state(&self) -> Result<KeyState, KeyFileError> {
        let io = |source| KeyFileError::Io { path: self.state_path(), source };
        match std::fs::read_to_string(self.state_path()) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| io(std::io::Error::other(e))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(KeyState { active: 1, retired: Vec::new() }),
            Err(e) => Err(io(e)),
        }
    }

    /// Writes key `number` (a new file, never replacing one).
    ///
    /// # Errors
    /// [`KeyFileError`].
    pub fn add(&self, number: u32, key: &SigningKey) -> Result<(), KeyFileError> {
        let path = self.path(number);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|source| KeyFileError::Io { path: parent.to_owned(), source })?;
        }
        write_key_file(&path, key)
    }

    /// Writes the state (to a temporary file, then renamed: never half written).
    ///
    /// # Errors
    /// [`KeyFileError::Io`].
    pub fn save(&self, state: &KeyState) -> Result<(), KeyFileError> {
        let path = self.state_path();
        let temporary = self.dir.join("issuer-keys.json.new");
        let io = |source| KeyFileError::Io { path: path.clone(), source };
        let text = serde_json::to_vec_pretty(state).map_err(|e| io(std::io::Error::other(e)))?;
        std::fs::write(&temporary, text).map_err(io)?;
        std::fs::rename(&temporary, &path).map_err(io)
    }
}
