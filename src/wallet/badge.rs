//! A stored credential as a badge image that other platforms read: a picture with the credential baked in
//! (Open Badges 3.0 baking, [`crate::core::baking`]), for the learner to post, mail or upload elsewhere; whoever
//! receives it verifies the credential inside, not the picture.
//!
//! Only `vc+jwt` credentials are baked. An SD-JWT VC would carry every disclosure in the picture, so anyone who
//! sees the image would learn every claim the holder can otherwise withhold.

use crate::core::baking::{self, BakingError, BakingVersion};
use crate::core::format::Format;

use super::records::StoredCredential;

/// The picture's side, in pixels.
const SIDE: u32 = 256;
/// The badge's colours (RGB): the disc, its ring, the background.
const DISC: [u8; 3] = [0x0b, 0x6e, 0x6e];
const RING: [u8; 3] = [0xf2, 0xb1, 0x34];

/// Why a credential could not be made into a badge image.
#[derive(Debug, thiserror::Error)]
pub enum BadgeError {
    /// Not a `vc+jwt`.
    #[error(
        "only vc+jwt credentials can be baked into a badge image; this one is {0}, whose disclosures would all be in the picture"
    )]
    NotBakeable(Format),
    /// The image could not be made.
    #[error("cannot make the badge image: {0}")]
    Image(String),
    /// Baking failed.
    #[error(transparent)]
    Baking(#[from] BakingError),
}

/// The credential baked into an SVG badge showing its name and issuer.
///
/// # Errors
/// [`BadgeError`].
pub fn svg(credential: &StoredCredential) -> Result<String, BadgeError> {
    let version = bakeable(credential)?;
    let title = escape(&shorten(credential.name.as_deref().unwrap_or("Badge"), 28));
    let issuer = escape(&shorten(credential.issuer_name.as_deref().unwrap_or(&credential.issuer), 34));
    let [dr, dg, db] = DISC;
    let [rr, rg, rb] = RING;
    let picture = format!(
        r##"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400" viewBox="0 0 400 400" role="img" aria-label="{title}, {issuer}">
  <title>{title}</title>
  <circle cx="200" cy="200" r="190" fill="#{rr:02x}{rg:02x}{rb:02x}"/>
  <circle cx="200" cy="200" r="172" fill="#{dr:02x}{dg:02x}{db:02x}"/>
  <text x="200" y="195" text-anchor="middle" font-family="sans-serif" font-size="24" font-weight="bold" fill="#ffffff">{title}</text>
  <text x="200" y="232" text-anchor="middle" font-family="sans-serif" font-size="15" fill="#ffffff">{issuer}</text>
</svg>
"##
    );
    Ok(baking::bake_svg(&picture, version, &credential.token)?)
}

/// The credential baked into a PNG badge (a ringed disc; PNG has no text without fonts, so the name stays in the
/// credential).
///
/// # Errors
/// [`BadgeError`].
pub fn png(credential: &StoredCredential) -> Result<Vec<u8>, BadgeError> {
    let version = bakeable(credential)?;
    let mut picture = Vec::new();
    let mut encoder = png::Encoder::new(&mut picture, SIDE, SIDE);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|e| BadgeError::Image(e.to_string()))?;
    writer.write_image_data(&disc_pixels()).map_err(|e| BadgeError::Image(e.to_string()))?;
    writer.finish().map_err(|e| BadgeError::Image(e.to_string()))?;
    Ok(baking::bake_png(&picture, version, &credential.token)?)
}

/// Which baking a credential's format takes: Open Badges 3.0 for VCs (a `vc+jwt`, an OB 3.0 JWT, a Data
/// Integrity credential), 2.0 for a signed OB 2.0 assertion; an SD-JWT VC (its disclosures are the holder's to
/// choose) and a hosted OB 2.0 badge (nothing signed to bake) are not baked.
fn bakeable(credential: &StoredCredential) -> Result<BakingVersion, BadgeError> {
    match credential.format {
        Format::VcJwt | Format::JwtVcJson | Format::DataIntegrity => Ok(BakingVersion::OpenBadges3),
        Format::OpenBadgesV2Signed => Ok(BakingVersion::OpenBadges2),
        other => Err(BadgeError::NotBakeable(other)),
    }
}

/// RGBA pixels of a ringed disc on a transparent background.
fn disc_pixels() -> Vec<u8> {
    let centre = f64::from(SIDE) / 2.0;
    let mut pixels = Vec::with_capacity((SIDE * SIDE * 4) as usize);
    for y in 0..SIDE {
        for x in 0..SIDE {
            let distance = (f64::from(x) + 0.5 - centre).hypot(f64::from(y) + 0.5 - centre);
            let pixel = if distance < centre * 0.9 {
                [DISC[0], DISC[1], DISC[2], 0xff]
            } else if distance < centre * 0.99 {
                [RING[0], RING[1], RING[2], 0xff]
            } else {
                [0, 0, 0, 0]
            };
            pixels.extend_from_slice(&pixel);
        }
    }
    pixels
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut short: String = text.chars().take(max - 1).collect();
    short.push('…');
    short
}

fn escape(text: &str) -> String {
    quick_xml::escape::escape(text).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::baking::{Embedded, extract};

    fn stored(format: Format, name: &str) -> StoredCredential {
        StoredCredential {
            v: 1,
            id: "urn:uuid:1".into(),
            format,
            proof: String::new(),
            token: "eyJ.eyJ.sig".into(),
            imported_at: String::new(),
            issuer: "did:key:z6Mk".into(),
            issuer_name: Some("Academy <& Co>".into()),
            types: vec![],
            name: Some(name.into()),
            achievement_type: None,
            subject: None,
            valid_from: None,
            valid_until: None,
            skills: vec![],
            warnings: vec![],
            micro: None,
            status: crate::core::gap::KnownStatus::Unchecked,
            type_names: std::collections::BTreeMap::new(),
        }
    }

    #[test]
    fn svg_and_png_badges_carry_the_token_and_escape_names() {
        let credential = stored(Format::VcJwt, "Data <analysis> & \"Python\"");
        let picture = svg(&credential).unwrap();
        assert!(picture.contains("Data &lt;analysis&gt; &amp;"), "{picture}");
        assert_eq!(extract(picture.as_bytes()).unwrap().content, Embedded::Jws("eyJ.eyJ.sig".into()));
        let image = png(&credential).unwrap();
        assert_eq!(extract(&image).unwrap().content, Embedded::Jws("eyJ.eyJ.sig".into()));
    }

    #[test]
    fn an_sd_jwt_vc_is_not_baked() {
        assert!(matches!(svg(&stored(Format::SdJwtVc, "x")), Err(BadgeError::NotBakeable(Format::SdJwtVc))));
        assert!(matches!(png(&stored(Format::SdJwtVc, "x")), Err(BadgeError::NotBakeable(Format::SdJwtVc))));
    }
}
