//! The PNG chunk layout (ISO/IEC 15948 section 5.3) and the `iTXt` chunk (section 11.3.4.5).

use super::{BakedCredential, BakingError, BakingVersion, Embedded, ImageFormat, PNG_SIGNATURE, classify};

/// One chunk: its type, its data and where it starts.
struct Chunk<'a> {
    kind: [u8; 4],
    data: &'a [u8],
    raw: &'a [u8],
}

fn malformed(why: impl Into<String>) -> BakingError {
    BakingError::Malformed { image: "PNG", why: why.into() }
}

/// Every chunk up to and including `IEND`, each with its CRC checked.
fn chunks(bytes: &[u8]) -> Result<Vec<Chunk<'_>>, BakingError> {
    let mut rest = bytes.strip_prefix(&PNG_SIGNATURE).ok_or_else(|| malformed("no PNG signature"))?;
    let mut chunks = Vec::new();
    loop {
        let offset = bytes.len() - rest.len();
        let (head, after) = rest.split_at_checked(8).ok_or_else(|| malformed(format!("cut at byte {offset}")))?;
        let length = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
        let kind = [head[4], head[5], head[6], head[7]];
        if after.len() < length.saturating_add(4) {
            return Err(malformed(format!("the chunk at byte {offset} runs past the end of the image")));
        }
        let (data, after) = after.split_at(length);
        let crc = u32::from_be_bytes([after[0], after[1], after[2], after[3]]);
        let mut hasher = crc32fast::Hasher::new();
        hasher.update(&kind);
        hasher.update(data);
        if hasher.finalize() != crc {
            return Err(malformed(format!("the chunk at byte {offset} has a wrong CRC")));
        }
        chunks.push(Chunk { kind, data, raw: &rest[..12 + length] });
        rest = &after[4..];
        if &kind == b"IEND" {
            return Ok(chunks);
        }
    }
}

/// The credential keyword's baking version, for a text chunk's keyword.
fn version_of(keyword: &[u8]) -> Option<BakingVersion> {
    match keyword {
        k if k == super::OB3_PNG_KEYWORD.as_bytes() => Some(BakingVersion::OpenBadges3),
        k if k == super::OB2_PNG_KEYWORD.as_bytes() => Some(BakingVersion::OpenBadges2),
        _ => None,
    }
}

/// `keyword 0 compression-flag compression-method language-tag 0 translated-keyword 0 text`.
fn read_itxt(data: &[u8]) -> Result<Option<(BakingVersion, String)>, BakingError> {
    let Some(end) = data.iter().position(|b| *b == 0) else { return Err(malformed("an iTXt chunk without keyword")) };
    let Some(version) = version_of(&data[..end]) else { return Ok(None) };
    let rest = &data[end + 1..];
    let [flag, _method, rest @ ..] = rest else { return Err(malformed("a cut iTXt chunk")) };
    if *flag != 0 {
        return Err(BakingError::Compressed);
    }
    let mut fields = rest.splitn(3, |b| *b == 0);
    let (Some(_language), Some(_translated), Some(text)) = (fields.next(), fields.next(), fields.next()) else {
        return Err(malformed("a cut iTXt chunk"));
    };
    let text = std::str::from_utf8(text).map_err(|_| malformed("the credential text is not UTF-8"))?;
    Ok(Some((version, text.to_owned())))
}

/// The legacy OB 1.0 `tEXt` chunk: `openbadges 0 <URL of a hosted assertion>` (Latin-1).
fn read_text(data: &[u8]) -> Option<String> {
    let end = data.iter().position(|b| *b == 0)?;
    (version_of(&data[..end]) == Some(BakingVersion::OpenBadges2))
        .then(|| data[end + 1..].iter().map(|b| char::from(*b)).collect())
}

pub(super) fn extract(bytes: &[u8]) -> Result<BakedCredential, BakingError> {
    let mut found: Option<(BakingVersion, String)> = None;
    let mut legacy = None;
    for chunk in chunks(bytes)? {
        match &chunk.kind {
            b"iTXt" => {
                if let Some(credential) = read_itxt(chunk.data)? {
                    if found.is_some() {
                        return Err(BakingError::Duplicate("two credential iTXt chunks"));
                    }
                    super::check_credential_size(&credential.1)?;
                    found = Some(credential);
                }
            }
            b"zTXt" if chunk.data.split(|b| *b == 0).next().and_then(version_of).is_some() => {
                return Err(BakingError::Compressed);
            }
            b"tEXt" => legacy = legacy.or_else(|| read_text(chunk.data)),
            _ => {}
        }
    }
    // The bakery's rule: an iTXt wins over the legacy tEXt URL when both are there.
    match (found, legacy) {
        (Some((version, text)), _) => {
            Ok(BakedCredential { image: ImageFormat::Png, version, content: classify(&text) })
        }
        (None, Some(url)) => Ok(BakedCredential {
            image: ImageFormat::Png,
            version: BakingVersion::OpenBadges2,
            content: Embedded::HostedUrl(url.trim().to_owned()),
        }),
        (None, None) => Err(BakingError::NoCredential),
    }
}

pub(super) fn bake(bytes: &[u8], version: BakingVersion, credential: &str) -> Result<Vec<u8>, BakingError> {
    let chunks = chunks(bytes)?;
    let keyword = match version {
        BakingVersion::OpenBadges3 => super::OB3_PNG_KEYWORD,
        BakingVersion::OpenBadges2 => super::OB2_PNG_KEYWORD,
    };
    let mut data = Vec::with_capacity(keyword.len() + 5 + credential.len());
    data.extend_from_slice(keyword.as_bytes());
    // keyword terminator, no compression, method 0, empty language tag, empty translated keyword
    data.extend_from_slice(&[0, 0, 0, 0, 0]);
    data.extend_from_slice(credential.as_bytes());
    let mut out = Vec::with_capacity(bytes.len() + data.len() + 12);
    out.extend_from_slice(&PNG_SIGNATURE);
    for chunk in &chunks {
        let ours = &chunk.kind == b"iTXt" && read_itxt(chunk.data).ok().flatten().is_some();
        if &chunk.kind == b"IEND" {
            write_chunk(&mut out, *b"iTXt", &data)?;
        }
        if !ours {
            out.extend_from_slice(chunk.raw);
        }
    }
    Ok(out)
}

fn write_chunk(out: &mut Vec<u8>, kind: [u8; 4], data: &[u8]) -> Result<(), BakingError> {
    let length = u32::try_from(data.len()).map_err(|_| malformed("chunk too long"))?;
    let mut hasher = crc32fast::Hasher::new();
    hasher.update(&kind);
    hasher.update(data);
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(&kind);
    out.extend_from_slice(data);
    out.extend_from_slice(&hasher.finalize().to_be_bytes());
    Ok(())
}
