//! W3C Bitstring Status List v1.0 (<https://www.w3.org/TR/vc-bitstring-status-list/>), section 4.1
//! "Bitstring Generation Algorithm" and 4.2 "Bitstring Expansion Algorithm".

use std::io::Write as _;

use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;

use super::{MAX_ENCODED_BYTES, StatusListError, inflate_bounded};
use crate::core::encoding::{b64url, b64url_decode};

/// Section 4.1: "the bitstring MUST be at least 16KB in size" (131,072 entries of one bit).
pub const MIN_ENTRIES: usize = 131_072;

/// A list of one-bit statuses, index 0 being the most significant bit of byte 0.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bitstring {
    bytes: Vec<u8>,
}

impl Bitstring {
    /// An all-zero list of `entries` bits (rounded up to whole bytes).
    #[must_use]
    pub fn new(entries: usize) -> Self {
        Self { bytes: vec![0; entries.div_ceil(8)] }
    }

    /// A list over raw bytes (as stored).
    #[must_use]
    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        Self { bytes }
    }

    /// The raw bytes.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Number of entries.
    #[must_use]
    pub fn len(&self) -> usize {
        self.bytes.len() * 8
    }

    /// True for a list without entries.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The bit at `index`.
    ///
    /// # Errors
    /// [`StatusListError::OutOfRange`].
    pub fn get(&self, index: usize) -> Result<bool, StatusListError> {
        let byte = self.bytes.get(index / 8).ok_or(StatusListError::OutOfRange { index, entries: self.len() })?;
        Ok(byte & mask(index) != 0)
    }

    /// Sets or clears the bit at `index`.
    ///
    /// # Errors
    /// [`StatusListError::OutOfRange`].
    pub fn set(&mut self, index: usize, value: bool) -> Result<(), StatusListError> {
        let entries = self.len();
        let byte = self.bytes.get_mut(index / 8).ok_or(StatusListError::OutOfRange { index, entries })?;
        if value {
            *byte |= mask(index);
        } else {
            *byte &= !mask(index);
        }
        Ok(())
    }

    /// Section 4.1: GZIP, then multibase base64url (`u` prefix, no padding).
    ///
    /// # Errors
    /// [`StatusListError::Compression`] if the compressor fails (it does not for in-memory buffers).
    pub fn encode(&self) -> Result<String, StatusListError> {
        let mut gzip = GzEncoder::new(Vec::new(), Compression::best());
        gzip.write_all(&self.bytes).map_err(|e| StatusListError::Compression(e.to_string()))?;
        let compressed = gzip.finish().map_err(|e| StatusListError::Compression(e.to_string()))?;
        Ok(format!("u{}", b64url(compressed)))
    }

    /// Section 4.2 plus the length check of section 3.2 step 10: refuses lists shorter than `minimum_entries`.
    ///
    /// # Errors
    /// [`StatusListError`] for a bad prefix, encoding, compression, size or length.
    pub fn decode(encoded: &str, minimum_entries: usize) -> Result<Self, StatusListError> {
        if encoded.len() > MAX_ENCODED_BYTES {
            return Err(StatusListError::TooLarge(MAX_ENCODED_BYTES));
        }
        let body = encoded.strip_prefix('u').ok_or(StatusListError::Multibase)?;
        let compressed = b64url_decode(body).map_err(|_| StatusListError::Base64)?;
        let list = Self { bytes: inflate_bounded(GzDecoder::new(compressed.as_slice()))? };
        if list.len() < minimum_entries {
            return Err(StatusListError::TooShort { entries: list.len(), minimum: minimum_entries });
        }
        Ok(list)
    }
}

/// Section 4.1 step "bit order is left to right": index `i` is bit `0x80 >> (i % 8)` of byte `i / 8`.
fn mask(index: usize) -> u8 {
    0x80 >> (index % 8)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bitstring Status List v1.0, section 2.1 example: the encodedList of an all-zero 16 KiB list.
    const SPEC_EMPTY_LIST: &str = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA";

    #[test]
    fn spec_example_decodes_to_131072_zero_bits() {
        let list = Bitstring::decode(SPEC_EMPTY_LIST, MIN_ENTRIES).unwrap();
        assert_eq!(list.len(), MIN_ENTRIES);
        assert!(list.as_bytes().iter().all(|b| *b == 0));
    }

    #[test]
    fn index_zero_is_the_most_significant_bit() {
        let mut list = Bitstring::new(16);
        list.set(0, true).unwrap();
        list.set(9, true).unwrap();
        assert_eq!(list.as_bytes(), [0x80, 0x40]);
        assert!(list.get(9).unwrap() && !list.get(8).unwrap());
        list.set(0, false).unwrap();
        assert_eq!(list.as_bytes(), [0x00, 0x40]);
    }

    #[test]
    fn round_trips_through_the_encoding() {
        let mut list = Bitstring::new(MIN_ENTRIES);
        for index in [0, 7, 94_567, MIN_ENTRIES - 1] {
            list.set(index, true).unwrap();
        }
        let decoded = Bitstring::decode(&list.encode().unwrap(), MIN_ENTRIES).unwrap();
        assert_eq!(decoded, list);
    }

    #[test]
    fn rejects_short_lists_bad_prefix_and_range() {
        let short = Bitstring::new(1024).encode().unwrap();
        assert_eq!(
            Bitstring::decode(&short, MIN_ENTRIES),
            Err(StatusListError::TooShort { entries: 1024, minimum: MIN_ENTRIES })
        );
        assert_eq!(Bitstring::decode(&short[1..], 8), Err(StatusListError::Multibase));
        assert!(matches!(Bitstring::new(8).get(8), Err(StatusListError::OutOfRange { index: 8, entries: 8 })));
    }

    #[test]
    fn refuses_a_gzip_bomb() {
        let mut gzip = GzEncoder::new(Vec::new(), Compression::best());
        let zeros = vec![0u8; 1024 * 1024];
        for _ in 0..17 {
            gzip.write_all(&zeros).unwrap();
        }
        let bomb = format!("u{}", b64url(gzip.finish().unwrap()));
        assert!(bomb.len() < 64 * 1024, "17 MiB of zeros compress to {} bytes", bomb.len());
        assert!(matches!(Bitstring::decode(&bomb, MIN_ENTRIES), Err(StatusListError::TooLarge(_))));
    }
}
