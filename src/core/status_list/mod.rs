//! Status lists: the issuer publishes one bit (or a few) per credential so verifiers can learn that a credential
//! was revoked or suspended without telling the issuer which credential they hold (herd privacy).
//!
//! Two standards, with opposite bit orders:
//! - [`bitstring`]: W3C Bitstring Status List v1.0 for `vc+jwt` (GZIP, index 0 = most significant bit of byte 0,
//!   multibase `u` + base64url, at least 131,072 entries);
//! - [`token`]: IETF Token Status List (draft-ietf-oauth-status-list-20) for SD-JWT VC (zlib, index 0 = least
//!   significant bit of byte 0, 1/2/4/8 bits per entry, plain base64url).
//!
//! Decoding is bounded: compressed input and inflated output both have caps, so a decompression bomb costs at
//! most [`MAX_INFLATED_BYTES`] of memory.

pub mod bitstring;
pub mod token;

use std::io::Read as _;

/// The most bytes a decoded list may inflate to (16 MiB: 2^27 one-bit entries, or 2^24 eight-bit ones).
pub const MAX_INFLATED_BYTES: usize = 16 * 1024 * 1024;
/// The most bytes of compressed, encoded list we accept.
pub const MAX_ENCODED_BYTES: usize = 4 * 1024 * 1024;

/// Why a status list could not be encoded, decoded or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatusListError {
    /// The encoded list lacks the multibase `u` prefix (Bitstring Status List section 4.1).
    #[error("encodedList is not multibase base64url (must start with u)")]
    Multibase,
    /// Not unpadded base64url.
    #[error("the list is not unpadded base64url")]
    Base64,
    /// The compressed data is corrupt.
    #[error("the list does not decompress: {0}")]
    Compression(String),
    /// Input or inflated output over the caps.
    #[error("the list is larger than {0} bytes")]
    TooLarge(usize),
    /// Fewer entries than the minimum (W3C `STATUS_LIST_LENGTH_ERROR`).
    #[error("the list has {entries} entries, fewer than the minimum {minimum}")]
    TooShort {
        /// Entries present.
        entries: usize,
        /// Entries required.
        minimum: usize,
    },
    /// An index past the end (W3C `RANGE_ERROR`).
    #[error("index {index} is outside the list of {entries} entries")]
    OutOfRange {
        /// The index asked for.
        index: usize,
        /// Entries present.
        entries: usize,
    },
    /// Bits per entry not allowed.
    #[error("{0} bits per entry is not allowed")]
    BitsPerEntry(u8),
    /// A value that does not fit the bits per entry.
    #[error("status value {value} does not fit in {bits} bits")]
    ValueTooLarge {
        /// The value.
        value: u8,
        /// Bits per entry.
        bits: u8,
    },
}

/// Inflates with a hard cap on the output size.
fn inflate_bounded(reader: impl std::io::Read) -> Result<Vec<u8>, StatusListError> {
    let mut out = Vec::new();
    reader
        .take(MAX_INFLATED_BYTES as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| StatusListError::Compression(e.to_string()))?;
    if out.len() > MAX_INFLATED_BYTES {
        return Err(StatusListError::TooLarge(MAX_INFLATED_BYTES));
    }
    Ok(out)
}
