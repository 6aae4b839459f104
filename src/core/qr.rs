//! QR codes for offer and request URIs (what a phone wallet scans): SVG for web pages, Unicode half blocks for
//! terminals. Medium error correction, the usual choice for URIs shown on screens. And the other way round: the
//! text of the QR code in a picture (PNG or JPEG, a screenshot or a photo), for a web wallet without a camera.

use qrcode::render::{svg, unicode};
use qrcode::{EcLevel, QrCode};

/// Why no code could be made (the text is too long for a QR code), or none read from a picture.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct QrError(String);

fn code(text: &str) -> Result<QrCode, QrError> {
    QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|e| QrError(format!("cannot make a QR code: {e}")))
}

/// How wide to show a code of `text` on a page, in CSS pixels: at least 256, and at least 5 pixels per module so
/// that a phone (or a screenshot) can read a long request.
#[must_use]
pub fn display_size(text: &str) -> u32 {
    code(text).map_or(256, |c| u32::try_from((c.width() + 8) * 5).unwrap_or(256).max(256))
}

/// An SVG image of `text`.
///
/// # Errors
/// [`QrError`] when `text` does not fit.
pub fn svg(text: &str) -> Result<String, QrError> {
    Ok(code(text)?.render::<svg::Color<'_>>().min_dimensions(256, 256).quiet_zone(true).build())
}

/// The largest picture read, in pixels (a 12-megapixel photo).
pub const MAX_PICTURE_PIXELS: u64 = 12_000_000;
/// Larger pictures are scaled down to this many pixels on their long side before the code is searched.
pub const MAX_SEARCHED_SIDE: u32 = 1600;

/// The text of the first QR code found in a PNG or JPEG picture.
///
/// # Errors
/// [`QrError`] when the bytes are not a PNG or JPEG, the picture is larger than [`MAX_PICTURE_PIXELS`], or no
/// readable QR code is in it.
pub fn read_picture(bytes: &[u8]) -> Result<String, QrError> {
    let format = image::guess_format(bytes).map_err(|_| QrError("the file is not a PNG or JPEG picture".into()))?;
    if !matches!(format, image::ImageFormat::Png | image::ImageFormat::Jpeg) {
        return Err(QrError("the file is not a PNG or JPEG picture".into()));
    }
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), format);
    reader.limits(limits_for_decoding());
    let (width, height) = reader.into_dimensions().map_err(|e| QrError(format!("the picture cannot be read: {e}")))?;
    if u64::from(width) * u64::from(height) > MAX_PICTURE_PIXELS {
        return Err(QrError("the picture is too large (at most 12 megapixels)".into()));
    }
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), format);
    reader.limits(limits_for_decoding());
    let mut picture = reader.decode().map_err(|e| QrError(format!("the picture cannot be read: {e}")))?.to_luma8();
    // A phone photo is far larger than its code needs: searching a smaller copy is quicker and reads as well.
    let side = picture.width().max(picture.height());
    if side > MAX_SEARCHED_SIDE {
        let scale =
            |n: u32| u32::try_from(u64::from(n) * u64::from(MAX_SEARCHED_SIDE) / u64::from(side)).unwrap_or(1).max(1);
        picture = image::imageops::thumbnail(&picture, scale(picture.width()), scale(picture.height()));
    }
    let mut prepared = rqrr::PreparedImage::prepare(picture);
    prepared
        .detect_grids()
        .into_iter()
        .find_map(|grid| grid.decode().ok().map(|(_, text)| text))
        .ok_or_else(|| QrError("no readable QR code in the picture".into()))
}

fn limits_for_decoding() -> image::Limits {
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_PICTURE_PIXELS * 4);
    limits
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

    /// A PNG of `text`'s code, 4 pixels per module with a quiet zone, as a screenshot would be.
    fn png_of(text: &str) -> Vec<u8> {
        let code = super::code(text).unwrap();
        let (width, scale, quiet) = (code.width(), 4, 4);
        let side = u32::try_from((width + 2 * quiet) * scale).unwrap();
        let colors = code.to_colors();
        let picture = image::GrayImage::from_fn(side, side, |x, y| {
            let (mx, my) = ((x as usize / scale).wrapping_sub(quiet), (y as usize / scale).wrapping_sub(quiet));
            let dark = mx < width && my < width && colors[my * width + mx] == qrcode::Color::Dark;
            image::Luma([if dark { 0 } else { 255 }])
        });
        let mut bytes = std::io::Cursor::new(Vec::new());
        picture.write_to(&mut bytes, image::ImageFormat::Png).unwrap();
        bytes.into_inner()
    }

    #[test]
    fn pictures_of_codes_are_read_back() {
        let uri = "openid4vp://?client_id=redirect_uri%3Ahttp%3A%2F%2F127.0.0.1%3A8080%2Fverifier&request=x";
        assert_eq!(super::read_picture(&png_of(uri)).unwrap(), uri);
        let blank = {
            let mut bytes = std::io::Cursor::new(Vec::new());
            image::GrayImage::from_pixel(64, 64, image::Luma([255]))
                .write_to(&mut bytes, image::ImageFormat::Png)
                .unwrap();
            bytes.into_inner()
        };
        assert!(super::read_picture(&blank).unwrap_err().to_string().contains("no readable QR code"));
        assert!(super::read_picture(b"GIF89a not a png").unwrap_err().to_string().contains("not a PNG or JPEG"));
        assert!(super::read_picture(&png_of(uri)[..100]).is_err(), "a truncated file is an error, not a panic");
        // A large photo of a small code: scaled down before the search, still read.
        let small = image::load_from_memory(&png_of(uri)).unwrap().to_luma8();
        let mut photo = image::GrayImage::from_pixel(3000, 2000, image::Luma([250]));
        image::imageops::replace(
            &mut photo,
            &image::imageops::resize(&small, 900, 900, image::imageops::FilterType::Nearest),
            1000,
            500,
        );
        let mut bytes = std::io::Cursor::new(Vec::new());
        photo.write_to(&mut bytes, image::ImageFormat::Png).unwrap();
        assert_eq!(super::read_picture(&bytes.into_inner()).unwrap(), uri);
    }
}
