//! Storage plumbing shared by the roles. For now: key files. (Sled trees and sealed records arrive with the
//! issuer registry and the wallet.)

pub mod key_file;

pub use key_file::{KeyFileError, read_key_file, write_key_file};
