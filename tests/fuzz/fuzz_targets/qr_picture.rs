//! Pictures uploaded to the web wallet (issue 14): any bytes as a PNG or JPEG to find a QR code in, within the
//! pixel limit; an error, never a panic or an allocation beyond the limit.
#![no_main]

use libfuzzer_sys::fuzz_target;
use skillspass::core::qr::read_picture;

fuzz_target!(|data: &[u8]| {
    let _ = read_picture(data);
});
