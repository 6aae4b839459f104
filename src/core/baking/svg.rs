//! The SVG element, found by namespace and local name (with the literal `openbadges:` name as a fallback
//! when the prefix is not declared, as the 1EdTech validator reads it).

use super::{
    BakedCredential, BakingError, BakingVersion, BytesStart, Cow, Embedded, Event, ImageFormat, Namespace, NsReader,
    ResolveResult, classify,
};

fn malformed(why: impl Into<String>) -> BakingError {
    BakingError::Malformed { image: "SVG", why: why.into() }
}

fn xml_error(e: impl std::fmt::Display) -> BakingError {
    malformed(e.to_string())
}

/// The baking version an element belongs to, if it is a credential element.
fn credential_element(resolved: &ResolveResult<'_>, element: &BytesStart<'_>) -> Option<BakingVersion> {
    let local = element.local_name();
    let by_namespace = match resolved {
        ResolveResult::Bound(Namespace(ns)) if *ns == super::OB3_SVG_NAMESPACE.as_bytes() => {
            Some(BakingVersion::OpenBadges3)
        }
        ResolveResult::Bound(Namespace(ns)) if *ns == super::OB2_SVG_NAMESPACE.as_bytes() => {
            Some(BakingVersion::OpenBadges2)
        }
        ResolveResult::Unknown(_) => match element.name().as_ref() {
            b"openbadges:credential" => Some(BakingVersion::OpenBadges3),
            b"openbadges:assertion" => Some(BakingVersion::OpenBadges2),
            _ => None,
        },
        _ => None,
    }?;
    let expected: &[u8] = match by_namespace {
        BakingVersion::OpenBadges3 => b"credential",
        BakingVersion::OpenBadges2 => b"assertion",
    };
    (local.as_ref() == expected).then_some(by_namespace)
}

fn verify_attribute(element: &BytesStart<'_>) -> Result<Option<String>, BakingError> {
    let Some(attribute) = element.try_get_attribute("verify").map_err(xml_error)? else { return Ok(None) };
    Ok(Some(attribute.unescape_value().map_err(xml_error)?.into_owned()))
}

/// The element's text and CDATA content up to its end tag; entities other than XML's own are refused.
fn body(reader: &mut NsReader<&[u8]>) -> Result<String, BakingError> {
    let mut text = String::new();
    let mut depth = 0usize;
    loop {
        match reader.read_event().map_err(xml_error)? {
            Event::Text(t) => text.push_str(&t.decode().map_err(xml_error)?),
            Event::CData(c) => text.push_str(&c.decode().map_err(xml_error)?),
            Event::GeneralRef(r) => text.push_str(&resolve_reference(&r)?),
            Event::Start(_) => depth += 1,
            Event::End(_) if depth == 0 => return Ok(text),
            Event::End(_) => depth -= 1,
            Event::Eof => return Err(malformed("the credential element is not closed")),
            _ => {}
        }
        if text.len() > super::MAX_CREDENTIAL_BYTES {
            return Err(BakingError::TooLarge {
                what: "the credential",
                size: text.len(),
                limit: super::MAX_CREDENTIAL_BYTES,
            });
        }
    }
}

fn resolve_reference(reference: &quick_xml::events::BytesRef<'_>) -> Result<Cow<'static, str>, BakingError> {
    if let Some(c) = reference.resolve_char_ref().map_err(xml_error)? {
        return Ok(Cow::Owned(c.to_string()));
    }
    let name = reference.decode().map_err(xml_error)?;
    quick_xml::escape::resolve_predefined_entity(&name)
        .map(Cow::Borrowed)
        .ok_or_else(|| malformed(format!("the entity &{name}; is not defined (entities are never loaded)")))
}

/// What a credential element carries: `verify` is the JWS (OB 3.0, or a signed OB 2.0 assertion) or the
/// hosted assertion's URL (OB 2.0, whose body is then only a copy); otherwise the body is the JSON.
fn content(version: BakingVersion, verify: Option<String>, body: &str) -> Result<Embedded, BakingError> {
    let embedded = match (verify, body.trim()) {
        (Some(verify), _) if version == BakingVersion::OpenBadges2 || !verify.trim().is_empty() => classify(&verify),
        (_, "") => return Err(malformed("the credential element is empty")),
        (_, body) => classify(body),
    };
    let size = match &embedded {
        Embedded::Jws(t) | Embedded::Json(t) | Embedded::HostedUrl(t) => t.len(),
    };
    if size > super::MAX_CREDENTIAL_BYTES {
        return Err(BakingError::TooLarge { what: "the credential", size, limit: super::MAX_CREDENTIAL_BYTES });
    }
    Ok(embedded)
}

pub(super) fn extract(text: &str) -> Result<BakedCredential, BakingError> {
    let mut reader = NsReader::from_str(text);
    let mut found: Option<BakedCredential> = None;
    loop {
        let (resolved, event) = reader.read_resolved_event().map_err(xml_error)?;
        let is_empty = matches!(event, Event::Empty(_));
        match event {
            Event::DocType(doctype) if doctype.contains(&b'[') => return Err(BakingError::Entities),
            Event::Start(element) | Event::Empty(element) if credential_element(&resolved, &element).is_some() => {
                let version = credential_element(&resolved, &element).unwrap_or(BakingVersion::OpenBadges3);
                if found.is_some() {
                    return Err(BakingError::Duplicate("two credential elements"));
                }
                let verify = verify_attribute(&element)?;
                let body = if is_empty { String::new() } else { body(&mut reader)? };
                found = Some(BakedCredential {
                    image: ImageFormat::Svg,
                    version,
                    content: content(version, verify, &body)?,
                });
            }
            Event::GeneralRef(reference) => {
                resolve_reference(&reference)?;
            }
            Event::Eof => return found.ok_or(BakingError::NoCredential),
            _ => {}
        }
    }
}

pub(super) fn bake(text: &str, version: BakingVersion, credential: &str) -> Result<String, BakingError> {
    let (namespace, element) = match version {
        BakingVersion::OpenBadges3 => (super::OB3_SVG_NAMESPACE, "openbadges:credential"),
        BakingVersion::OpenBadges2 => (super::OB2_SVG_NAMESPACE, "openbadges:assertion"),
    };
    match extract(text) {
        Err(BakingError::NoCredential) => {}
        Ok(_) => return Err(malformed("the image already carries a credential; bake the unbaked image")),
        Err(e) => return Err(e),
    }
    // quick-xml skips a byte order mark without counting it in its positions: keep it aside.
    let (bom, text) = text.strip_prefix('\u{feff}').map_or(("", text), |rest| ("\u{feff}", rest));
    let (start, end) = svg_start_tag(text)?;
    let tag = text[start..end].strip_suffix('>').ok_or_else(|| malformed("no svg start tag"))?;
    if tag.ends_with('/') {
        return Err(malformed("the svg element is empty"));
    }
    let declared = tag.contains("xmlns:openbadges=");
    if declared && !tag.contains(namespace) {
        return Err(malformed("the prefix openbadges is bound to another namespace"));
    }
    let declaration = if declared { String::new() } else { format!(" xmlns:openbadges=\"{namespace}\"") };
    let baked = if credential.trim_start().starts_with('{') {
        let cdata = credential.replace("]]>", "]]]]><![CDATA[>");
        format!("<{element}><![CDATA[{cdata}]]></{element}>")
    } else {
        format!("<{element} verify=\"{}\"/>", quick_xml::escape::escape(credential))
    };
    Ok([bom, &text[..start], tag, &declaration, ">\n  ", &baked, &text[end..]].concat())
}

/// Byte range of the `<svg …>` start tag.
fn svg_start_tag(text: &str) -> Result<(usize, usize), BakingError> {
    let mut reader = NsReader::from_str(text);
    loop {
        let before = usize::try_from(reader.buffer_position()).map_err(xml_error)?;
        match reader.read_event().map_err(xml_error)? {
            Event::DocType(doctype) if doctype.contains(&b'[') => return Err(BakingError::Entities),
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"svg" => {
                let after = usize::try_from(reader.buffer_position()).map_err(xml_error)?;
                let start = before + text[before..after].find('<').ok_or_else(|| malformed("no svg tag"))?;
                return Ok((start, after));
            }
            Event::Start(_) | Event::Empty(_) => return Err(malformed("the root element is not svg")),
            Event::Eof => return Err(malformed("no svg element")),
            _ => {}
        }
    }
}
