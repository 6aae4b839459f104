//! Baked badges: an Open Badges credential carried inside its badge image, so that the picture a learner shares
//! is also the proof. Open Badges 3.0 ("Document formats", section Baking) puts the credential in a PNG `iTXt`
//! chunk with the keyword `openbadgecredential`, or in an SVG `<openbadges:credential>` element of the namespace
//! `https://purl.imsglobal.org/ob/v3p0` (a JWT in its `verify` attribute, JSON as its content); Open Badges 2.0
//! Baking 1.0 uses the keyword `openbadges` and `<openbadges:assertion>` of `http://openbadges.org`, where
//! `verify` is a signed assertion or the URL of a hosted one. See `../shared/STANDARDS-ROUND2.md` sections 4 and 5.
//!
//! The image is not signed: [`extract`] only finds what is embedded, and the caller verifies it like any other
//! credential. Images come from strangers, so reading is strict and bounded: the PNG chunk structure and every
//! CRC are checked, a compressed or second credential chunk is refused (the specifications forbid both), sizes
//! are capped, and an SVG that declares a document type with an internal subset (where entities, external ones
//! included, are declared) is refused before anything is read; no entity other than XML's five and character
//! references is ever expanded, and nothing is fetched.

use std::borrow::Cow;

use quick_xml::NsReader;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::{Namespace, ResolveResult};

/// The largest image read, in bytes: badge images are tens of kilobytes; 4 MiB leaves room for photographs.
pub const MAX_IMAGE_BYTES: usize = 4 * 1024 * 1024;
/// The largest embedded credential, in bytes: the same cap as for a compact token
/// ([`crate::core::jose::MAX_TOKEN_BYTES`]).
pub const MAX_CREDENTIAL_BYTES: usize = crate::core::jose::MAX_TOKEN_BYTES;

/// PNG (ISO/IEC 15948, section 5.2): the eight signature bytes every PNG starts with.
pub const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
/// Open Badges 3.0 baking: the `iTXt` keyword.
pub const OB3_PNG_KEYWORD: &str = "openbadgecredential";
/// Open Badges 2.0 Baking 1.0: the `iTXt` (and legacy `tEXt`) keyword.
pub const OB2_PNG_KEYWORD: &str = "openbadges";
/// Open Badges 3.0 baking: the SVG namespace of `<openbadges:credential>`.
pub const OB3_SVG_NAMESPACE: &str = "https://purl.imsglobal.org/ob/v3p0";
/// Open Badges 2.0 Baking 1.0: the SVG namespace of `<openbadges:assertion>`.
pub const OB2_SVG_NAMESPACE: &str = "http://openbadges.org";

/// The image format a badge is baked into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    /// PNG, credential in a text chunk.
    Png,
    /// SVG, credential in an element.
    Svg,
}

/// Which Open Badges baking the image follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BakingVersion {
    /// Open Badges 3.0 (`openbadgecredential`, `openbadges:credential`).
    OpenBadges3,
    /// Open Badges 2.0 (and 1.x) Baking 1.0 (`openbadges`, `openbadges:assertion`).
    OpenBadges2,
}

/// What an image carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Embedded {
    /// A compact JWS: an OB 3.0 JWT credential or a signed OB 2.0 assertion.
    Jws(String),
    /// JSON: a credential with an embedded proof (OB 3.0) or an assertion (OB 2.0).
    Json(String),
    /// The URL of a hosted OB 2.0 assertion: fetch it, never trust a baked copy.
    HostedUrl(String),
}

impl Embedded {
    /// The credential as the verifier reads it: the JWS or JSON, or a hosted assertion's URL (which the verifier
    /// fetches: a baked copy of a hosted badge is never trusted).
    #[must_use]
    pub fn credential_text(&self) -> &str {
        match self {
            Self::Jws(text) | Self::Json(text) | Self::HostedUrl(text) => text,
        }
    }
}

/// A credential found in a badge image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BakedCredential {
    /// PNG or SVG.
    pub image: ImageFormat,
    /// OB 3.0 or OB 2.0 baking.
    pub version: BakingVersion,
    /// The embedded credential.
    pub content: Embedded,
}

/// Why an image gave no credential.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BakingError {
    /// Neither a PNG nor an SVG.
    #[error("not a PNG or SVG image")]
    NotAnImage,
    /// Larger than [`MAX_IMAGE_BYTES`], or its credential larger than [`MAX_CREDENTIAL_BYTES`].
    #[error("{what} is {size} bytes, more than the {limit} accepted")]
    TooLarge {
        /// The image or its credential.
        what: &'static str,
        /// Its size.
        size: usize,
        /// The cap.
        limit: usize,
    },
    /// The image is a badge image without a credential.
    #[error("the image carries no Open Badges credential")]
    NoCredential,
    /// Two credential chunks or elements: which one is meant cannot be told.
    #[error("the image carries more than one credential ({0})")]
    Duplicate(&'static str),
    /// A compressed credential chunk (`iTXt` with compression, or `zTXt`), which baking forbids.
    #[error("the credential chunk is compressed, which Open Badges baking forbids")]
    Compressed,
    /// An SVG declaring a document type with an internal subset: entities are never loaded.
    #[error("the SVG declares entities in its document type; they are never loaded, so the image is refused")]
    Entities,
    /// The image's own structure is broken.
    #[error("malformed {image}: {why}")]
    Malformed {
        /// PNG or SVG.
        image: &'static str,
        /// What is wrong.
        why: String,
    },
}

/// Whether the bytes look like an image we read (by their first bytes, never by a file name).
#[must_use]
pub fn image_format(bytes: &[u8]) -> Option<ImageFormat> {
    if bytes.starts_with(&PNG_SIGNATURE) {
        return Some(ImageFormat::Png);
    }
    let text = std::str::from_utf8(&bytes[..bytes.len().min(1024)]).ok().or_else(|| {
        // A cut in the middle of a multi-byte character at the 1024th byte.
        std::str::from_utf8(&bytes[..bytes.len().min(1021)]).ok()
    })?;
    let text = text.trim_start_matches('\u{feff}').trim_start();
    (text.starts_with("<?xml") || text.starts_with("<svg") || text.starts_with("<!DOCTYPE svg"))
        .then_some(ImageFormat::Svg)
}

/// Finds the credential baked into a PNG or SVG badge image.
///
/// # Errors
/// [`BakingError`] naming what is wrong with the image.
pub fn extract(bytes: &[u8]) -> Result<BakedCredential, BakingError> {
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(BakingError::TooLarge { what: "the image", size: bytes.len(), limit: MAX_IMAGE_BYTES });
    }
    match image_format(bytes) {
        Some(ImageFormat::Png) => png::extract(bytes),
        Some(ImageFormat::Svg) => {
            let text = std::str::from_utf8(bytes)
                .map_err(|e| BakingError::Malformed { image: "SVG", why: format!("not UTF-8 ({e})") })?;
            svg::extract(text)
        }
        None => Err(BakingError::NotAnImage),
    }
}

/// Bakes `credential` (a compact JWS, or JSON) into a PNG, replacing a credential chunk it may already carry.
///
/// # Errors
/// [`BakingError`] when `png` is not a well-formed PNG or the credential is too large.
pub fn bake_png(png: &[u8], version: BakingVersion, credential: &str) -> Result<Vec<u8>, BakingError> {
    check_credential_size(credential)?;
    let baked = png::bake(png, version, credential)?;
    reads_back(&baked, version, credential)?;
    Ok(baked)
}

/// Bakes `credential` (a compact JWS, or JSON) into an SVG, right after its `<svg>` start tag, declaring the
/// namespace there. An SVG that already carries a credential is refused: bake the unbaked image.
///
/// # Errors
/// [`BakingError`] when `svg` is not a well-formed SVG or the credential is too large.
pub fn bake_svg(svg: &str, version: BakingVersion, credential: &str) -> Result<String, BakingError> {
    check_credential_size(credential)?;
    // Only what `extract` recognises as an SVG is baked, so that every baked image reads back (found by fuzzing:
    // control characters before `<svg` made an image that was baked but not read).
    if image_format(svg.as_bytes()) != Some(ImageFormat::Svg) {
        return Err(BakingError::NotAnImage);
    }
    let baked = svg::bake(svg, version, credential)?;
    reads_back(baked.as_bytes(), version, credential)?;
    Ok(baked)
}

/// A baked image is only handed out when [`extract`] finds in it exactly what was baked: an image whose own markup
/// is odd enough to hide the credential (found by fuzzing: an `svg` start tag with an unterminated attribute that
/// binds the `openbadges` prefix to a garbled namespace) is refused instead of written.
fn reads_back(baked: &[u8], version: BakingVersion, credential: &str) -> Result<(), BakingError> {
    match extract(baked) {
        Ok(found) if found.version == version && found.content == classify(credential) => Ok(()),
        _ => Err(BakingError::Malformed {
            image: match image_format(baked) {
                Some(ImageFormat::Png) => "PNG",
                _ => "SVG",
            },
            why: "the credential baked into it cannot be read back from its markup".into(),
        }),
    }
}

fn check_credential_size(credential: &str) -> Result<(), BakingError> {
    if credential.len() > MAX_CREDENTIAL_BYTES {
        return Err(BakingError::TooLarge {
            what: "the credential",
            size: credential.len(),
            limit: MAX_CREDENTIAL_BYTES,
        });
    }
    Ok(())
}

/// Tells a compact JWS from JSON and from a hosted assertion's URL.
fn classify(text: &str) -> Embedded {
    let text = text.trim();
    if text.starts_with('{') {
        Embedded::Json(text.to_owned())
    } else if text.starts_with("https://") || text.starts_with("http://") {
        Embedded::HostedUrl(text.to_owned())
    } else {
        Embedded::Jws(text.to_owned())
    }
}

mod png;
mod svg;

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk(out: &mut Vec<u8>, kind: [u8; 4], data: &[u8]) {
        let mut h = crc32fast::Hasher::new();
        h.update(&kind);
        h.update(data);
        out.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
        out.extend_from_slice(&kind);
        out.extend_from_slice(data);
        out.extend_from_slice(&h.finalize().to_be_bytes());
    }

    /// A 1x1 PNG (IHDR, IDAT, IEND) with valid CRCs, and `extra` chunks before IEND.
    fn png_with(extra: &[(&[u8; 4], Vec<u8>)]) -> Vec<u8> {
        let mut out = PNG_SIGNATURE.to_vec();
        chunk(&mut out, *b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
        chunk(&mut out, *b"IDAT", &[0x78, 0x9c, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01]);
        for (kind, data) in extra {
            chunk(&mut out, **kind, data);
        }
        chunk(&mut out, *b"IEND", &[]);
        out
    }

    fn tiny_png() -> Vec<u8> {
        png_with(&[])
    }

    fn itxt(keyword: &str, compressed: u8, text: &str) -> Vec<u8> {
        let mut data = keyword.as_bytes().to_vec();
        data.extend_from_slice(&[0, compressed, 0, 0, 0]);
        data.extend_from_slice(text.as_bytes());
        data
    }

    const SVG: &str =
        r#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><circle r="4"/></svg>"#;

    #[test]
    fn png_round_trip_and_rebake_replaces() {
        let baked = bake_png(&tiny_png(), BakingVersion::OpenBadges3, "a.b.c").unwrap();
        let found = extract(&baked).unwrap();
        assert_eq!(found.content, Embedded::Jws("a.b.c".into()));
        assert_eq!(found.version, BakingVersion::OpenBadges3);
        let again = bake_png(&baked, BakingVersion::OpenBadges3, "{\"id\": 1}").unwrap();
        assert_eq!(extract(&again).unwrap().content, Embedded::Json("{\"id\": 1}".into()));
    }

    #[test]
    fn rejects_a_png_with_two_credential_chunks() {
        let twice =
            png_with(&[(b"iTXt", itxt(OB3_PNG_KEYWORD, 0, "a.b.c")), (b"iTXt", itxt(OB3_PNG_KEYWORD, 0, "d.e.f"))]);
        assert_eq!(extract(&twice), Err(BakingError::Duplicate("two credential iTXt chunks")));
        let mixed =
            png_with(&[(b"iTXt", itxt(OB3_PNG_KEYWORD, 0, "a.b.c")), (b"iTXt", itxt(OB2_PNG_KEYWORD, 0, "d.e.f"))]);
        assert_eq!(extract(&mixed), Err(BakingError::Duplicate("two credential iTXt chunks")));
        let other = png_with(&[(b"iTXt", itxt("Comment", 0, "hello")), (b"iTXt", itxt(OB3_PNG_KEYWORD, 0, "a.b.c"))]);
        assert_eq!(extract(&other).unwrap().content, Embedded::Jws("a.b.c".into()), "other text chunks are ignored");
    }

    #[test]
    fn rejects_a_compressed_credential_chunk() {
        let compressed = png_with(&[(b"iTXt", itxt(OB3_PNG_KEYWORD, 1, "x\u{9c}..."))]);
        assert_eq!(extract(&compressed), Err(BakingError::Compressed));
        let mut ztxt = OB2_PNG_KEYWORD.as_bytes().to_vec();
        ztxt.extend_from_slice(&[0, 0, 0x78, 0x9c]);
        assert_eq!(extract(&png_with(&[(b"zTXt", ztxt)])), Err(BakingError::Compressed));
    }

    #[test]
    fn rejects_an_oversized_credential_chunk() {
        let big = "x".repeat(MAX_CREDENTIAL_BYTES + 1);
        let oversized = png_with(&[(b"iTXt", itxt(OB3_PNG_KEYWORD, 0, &big))]);
        assert!(matches!(extract(&oversized), Err(BakingError::TooLarge { what: "the credential", .. })));
        assert!(matches!(bake_png(&tiny_png(), BakingVersion::OpenBadges3, &big), Err(BakingError::TooLarge { .. })));
        let huge = vec![0u8; MAX_IMAGE_BYTES + 1];
        assert!(matches!(extract(&huge), Err(BakingError::TooLarge { what: "the image", .. })));
    }

    #[test]
    fn rejects_damaged_pngs() {
        let mut baked = bake_png(&tiny_png(), BakingVersion::OpenBadges3, "a.b.c").unwrap();
        let at = baked.windows(OB3_PNG_KEYWORD.len()).position(|w| w == OB3_PNG_KEYWORD.as_bytes()).unwrap();
        baked[at + OB3_PNG_KEYWORD.len() + 1] = 1; // the flag changed after the CRC was computed
        assert!(matches!(extract(&baked), Err(BakingError::Malformed { .. })), "the CRC no longer matches");
        let mut cut = tiny_png();
        cut.truncate(cut.len() - 3);
        assert!(matches!(extract(&cut), Err(BakingError::Malformed { .. })));
        assert_eq!(extract(&tiny_png()), Err(BakingError::NoCredential));
        assert_eq!(extract(b"GIF89a"), Err(BakingError::NotAnImage));
    }

    #[test]
    fn svg_round_trip_for_jws_and_json() {
        let baked = bake_svg(SVG, BakingVersion::OpenBadges3, "a.b.c").unwrap();
        assert_eq!(extract(baked.as_bytes()).unwrap().content, Embedded::Jws("a.b.c".into()));
        let json = "{\"name\": \"a ]]> b & c\"}";
        let baked = bake_svg(SVG, BakingVersion::OpenBadges3, json).unwrap();
        assert_eq!(extract(baked.as_bytes()).unwrap().content, Embedded::Json(json.into()));
        assert!(bake_svg(&baked, BakingVersion::OpenBadges3, "a.b.c").is_err(), "no silent double baking");
    }

    #[test]
    fn rejects_an_svg_with_an_external_entity() {
        let xxe = r#"<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><openbadges:credential>&xxe;</openbadges:credential></svg>"#;
        assert_eq!(extract(xxe.as_bytes()), Err(BakingError::Entities));
        let undeclared = r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><openbadges:credential>&xxe;</openbadges:credential></svg>"#;
        assert!(matches!(extract(undeclared.as_bytes()), Err(BakingError::Malformed { .. })));
    }

    #[test]
    fn what_is_baked_reads_back_even_after_leading_control_characters_issue_12() {
        let odd = format!("{}{SVG}", "\u{1e}".repeat(8));
        assert_eq!(bake_svg(&odd, BakingVersion::OpenBadges3, "a.b.c"), Err(BakingError::NotAnImage));
        let padded = format!("\u{feff}\n  {SVG}");
        let baked = bake_svg(&padded, BakingVersion::OpenBadges3, "a.b.c").unwrap();
        assert_eq!(extract(baked.as_bytes()).unwrap().content, Embedded::Jws("a.b.c".into()));
    }

    #[test]
    fn an_svg_whose_markup_would_hide_the_credential_is_not_baked_issue_12() {
        // Reduced from the fuzzer's finding: the prefix is bound, through an unterminated attribute, to a namespace
        // that only starts like the Open Badges one.
        let garbled = "<svg xmlns:openbadges=\"http://openbadges.org/x\" a=\"http://openbadges.org\"><rect/></svg>";
        assert!(matches!(bake_svg(garbled, BakingVersion::OpenBadges2, "a.b.c"), Err(BakingError::Malformed { .. })));
    }

    #[test]
    fn rejects_an_svg_with_two_credentials() {
        let two = r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:ob="https://purl.imsglobal.org/ob/v3p0"><ob:credential verify="a.b.c"/><ob:credential verify="d.e.f"/></svg>"#;
        assert_eq!(extract(two.as_bytes()), Err(BakingError::Duplicate("two credential elements")));
    }
}
