//! IETF Token Status List (draft-ietf-oauth-status-list-20), section 4 "Status List": entries of 1, 2, 4 or 8
//! bits packed from the least significant bit upward, compressed with DEFLATE in the zlib format (RFC 1950) and
//! encoded as unpadded base64url.

use std::io::Write as _;

use flate2::Compression;
use flate2::read::ZlibDecoder;
use flate2::write::ZlibEncoder;

use super::{MAX_ENCODED_BYTES, StatusListError, inflate_bounded};
use crate::core::encoding::{b64url, b64url_decode};

/// Section 7.1: the token is valid.
pub const VALID: u8 = 0x00;
/// Section 7.1: the token is revoked (INVALID).
pub const INVALID: u8 = 0x01;
/// Section 7.1: the token is suspended.
pub const SUSPENDED: u8 = 0x02;

/// A status list with `bits` per entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenStatusList {
    bits: u8,
    bytes: Vec<u8>,
}

impl TokenStatusList {
    /// An all-VALID list of `entries` entries.
    ///
    /// # Errors
    /// [`StatusListError::BitsPerEntry`] unless `bits` is 1, 2, 4 or 8.
    pub fn new(bits: u8, entries: usize) -> Result<Self, StatusListError> {
        check_bits(bits)?;
        Ok(Self { bits, bytes: vec![0; (entries * usize::from(bits)).div_ceil(8)] })
    }

    /// A list over raw bytes.
    ///
    /// # Errors
    /// [`StatusListError::BitsPerEntry`].
    pub fn from_bytes(bits: u8, bytes: Vec<u8>) -> Result<Self, StatusListError> {
        check_bits(bits)?;
        Ok(Self { bits, bytes })
    }

    /// Bits per entry.
    #[must_use]
    pub fn bits(&self) -> u8 {
        self.bits
    }

    /// The raw bytes.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Number of entries.
    #[must_use]
    pub fn len(&self) -> usize {
        self.bytes.len() * 8 / usize::from(self.bits)
    }

    /// True for a list without entries.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Section 4.1: entry `index` is in byte `index * bits / 8` at shift `index * bits % 8`.
    ///
    /// # Errors
    /// [`StatusListError::OutOfRange`].
    pub fn get(&self, index: usize) -> Result<u8, StatusListError> {
        let (byte, shift) = self.position(index)?;
        Ok((self.bytes[byte] >> shift) & self.mask())
    }

    /// Sets entry `index` to `value`.
    ///
    /// # Errors
    /// [`StatusListError::OutOfRange`] or [`StatusListError::ValueTooLarge`].
    pub fn set(&mut self, index: usize, value: u8) -> Result<(), StatusListError> {
        if value > self.mask() {
            return Err(StatusListError::ValueTooLarge { value, bits: self.bits });
        }
        let (byte, shift) = self.position(index)?;
        self.bytes[byte] = (self.bytes[byte] & !(self.mask() << shift)) | (value << shift);
        Ok(())
    }

    /// The `lst` value: zlib at the best compression (section 4.2 recommends the highest level), base64url.
    ///
    /// # Errors
    /// [`StatusListError::Compression`] if the compressor fails.
    pub fn encode(&self) -> Result<String, StatusListError> {
        let mut zlib = ZlibEncoder::new(Vec::new(), Compression::best());
        zlib.write_all(&self.bytes).map_err(|e| StatusListError::Compression(e.to_string()))?;
        Ok(b64url(zlib.finish().map_err(|e| StatusListError::Compression(e.to_string()))?))
    }

    /// Decodes an `lst` value with its `bits`.
    ///
    /// # Errors
    /// [`StatusListError`] for bad bits, encoding, compression or size.
    pub fn decode(bits: u8, lst: &str) -> Result<Self, StatusListError> {
        check_bits(bits)?;
        if lst.len() > MAX_ENCODED_BYTES {
            return Err(StatusListError::TooLarge(MAX_ENCODED_BYTES));
        }
        let compressed = b64url_decode(lst).map_err(|_| StatusListError::Base64)?;
        Ok(Self { bits, bytes: inflate_bounded(ZlibDecoder::new(compressed.as_slice()))? })
    }

    fn mask(&self) -> u8 {
        u8::MAX >> (8 - self.bits)
    }

    fn position(&self, index: usize) -> Result<(usize, u32), StatusListError> {
        let bit = index.checked_mul(usize::from(self.bits));
        match bit.filter(|bit| bit / 8 < self.bytes.len()) {
            Some(bit) => Ok((bit / 8, u32::try_from(bit % 8).unwrap_or_default())),
            None => Err(StatusListError::OutOfRange { index, entries: self.len() }),
        }
    }
}

fn check_bits(bits: u8) -> Result<(), StatusListError> {
    if matches!(bits, 1 | 2 | 4 | 8) { Ok(()) } else { Err(StatusListError::BitsPerEntry(bits)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// draft-ietf-oauth-status-list-20, section 4.1 example (`examples/status_list_encoding_json.md`): 16 one-bit
    /// statuses `[1,0,0,1,1,1,0,1, 1,1,0,0,0,1,0,1]` are the bytes `b9 a3`, `lst` "eNrbuRgAAhcBXQ".
    #[test]
    fn draft_vector_one_bit() {
        let statuses = [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1];
        let mut list = TokenStatusList::new(1, statuses.len()).unwrap();
        for (index, status) in statuses.iter().enumerate() {
            list.set(index, *status).unwrap();
        }
        assert_eq!(list.as_bytes(), [0xb9, 0xa3]);
        assert_eq!(list.encode().unwrap(), "eNrbuRgAAhcBXQ");
        let decoded = TokenStatusList::decode(1, "eNrbuRgAAhcBXQ").unwrap();
        assert_eq!(decoded.as_bytes(), [0xb9, 0xa3]);
        assert_eq!((0..16).map(|i| decoded.get(i).unwrap()).collect::<Vec<_>>(), statuses);
    }

    /// Section 4.1 two-bit example (`examples/status_list_encoding2_json.md`): statuses
    /// `[1,2,0,3, 0,1,0,1, 1,2,3,3]` are the bytes `c9 44 f9`, `lst` "eNo76fITAAPfAgc".
    #[test]
    fn draft_vector_two_bits() {
        let statuses = [1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3];
        let mut list = TokenStatusList::new(2, statuses.len()).unwrap();
        for (index, status) in statuses.iter().enumerate() {
            list.set(index, *status).unwrap();
        }
        assert_eq!(list.as_bytes(), [0xc9, 0x44, 0xf9]);
        assert_eq!(list.encode().unwrap(), "eNo76fITAAPfAgc");
        let decoded = TokenStatusList::decode(2, "eNo76fITAAPfAgc").unwrap();
        assert_eq!((0..12).map(|i| decoded.get(i).unwrap()).collect::<Vec<_>>(), statuses);
    }

    #[test]
    fn four_and_eight_bits_round_trip() {
        for bits in [4, 8] {
            let mut list = TokenStatusList::new(bits, 1000).unwrap();
            list.set(0, 1).unwrap();
            list.set(999, u8::MAX >> (8 - bits)).unwrap();
            let decoded = TokenStatusList::decode(bits, &list.encode().unwrap()).unwrap();
            assert_eq!(decoded, list);
            assert_eq!(decoded.get(999).unwrap(), u8::MAX >> (8 - bits));
        }
    }

    #[test]
    fn refuses_bad_bits_values_and_indexes() {
        assert_eq!(TokenStatusList::new(3, 8), Err(StatusListError::BitsPerEntry(3)));
        let mut list = TokenStatusList::new(2, 4).unwrap();
        assert_eq!(list.set(0, 4), Err(StatusListError::ValueTooLarge { value: 4, bits: 2 }));
        assert_eq!(list.get(4), Err(StatusListError::OutOfRange { index: 4, entries: 4 }));
        assert_eq!(list.get(usize::MAX), Err(StatusListError::OutOfRange { index: usize::MAX, entries: 4 }));
    }
}
