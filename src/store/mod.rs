//! Storage plumbing shared by the roles: the sled database with versioned records, expiring protocol state, sealed
//! records, and secret files (keys, admin token, protocol key) written with mode 0600.

pub mod db;
pub mod esco;
pub mod expiring;
pub mod issuer_keys;
pub mod key_file;
pub mod sealed;

pub use db::{Record, Records, StoreError};
pub use key_file::{KeyFileError, read_key_file, read_secret_file, write_key_file, write_secret_file};
