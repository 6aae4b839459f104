//! The storage layer shared by the roles: one interface ([`Database`] of [`Tree`]s) with two engines, sled
//! (embedded, the default) and PostgreSQL (several nodes, one state); versioned records, expiring protocol
//! state and sealed records on top of it; and secret files (keys, admin token, protocol key) written with mode
//! 0600.

pub mod database;
pub mod db;
pub mod esco;
pub mod expiring;
pub mod issuer_keys;
pub mod key_file;
pub mod postgres;
pub mod sealed;

pub use database::{Database, Tree};
pub use db::{Record, Records, StoreError};
pub use key_file::{KeyFileError, read_key_file, read_secret_file, write_key_file, write_secret_file};
