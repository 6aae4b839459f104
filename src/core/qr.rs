//! QR codes for offer and request URIs (what a phone wallet scans): SVG for web pages, Unicode half blocks for
//! terminals. Medium error correction, the usual choice for URIs shown on screens.

use qrcode::render::{svg, unicode};
use qrcode::{EcLevel, QrCode};

/// Why no code could be made (the text is too long for a QR code).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot make a QR code: {0}")]
pub struct QrError(String);

fn code(text: &str) -> Result<QrCode, QrError> {
    QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).map_err(|e| QrError(e.to_string()))
}

/// An SVG image of `text`.
///
/// # Errors
/// [`QrError`] when `text` does not fit.
pub fn svg(text: &str) -> Result<String, QrError> {
    Ok(code(text)?.render::<svg::Color<'_>>().min_dimensions(256, 256).quiet_zone(true).build())
}

/// `text` drawn with Unicode half blocks, dark on light, for a terminal.
///
/// # Errors
/// [`QrError`] when `text` does not fit.
pub fn terminal(text: &str) -> Result<String, QrError> {
    Ok(code(text)?
        .render::<unicode::Dense1x2>()
        .dark_color(unicode::Dense1x2::Light)
        .light_color(unicode::Dense1x2::Dark)
        .quiet_zone(true)
        .build())
}

#[cfg(test)]
mod tests {
    #[test]
    fn uris_become_codes() {
        let uri = "openid-credential-offer://?credential_offer_uri=https%3A%2F%2Facademy.example%2Foffers%2Fabc";
        let svg = super::svg(uri).unwrap();
        assert!(svg.starts_with("<?xml") && svg.contains("<svg"), "{}", &svg[..80]);
        assert!(super::terminal(uri).unwrap().lines().count() > 10);
        assert!(super::svg(&"x".repeat(5000)).is_err(), "too long for any version");
    }
}
