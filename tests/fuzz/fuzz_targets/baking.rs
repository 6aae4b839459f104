//! Baked badge images (issue 12): the PNG chunk walk with its CRCs and the SVG reader, both bounded, and baking
//! into whatever image comes in.
#![no_main]

use libfuzzer_sys::fuzz_target;
use skillspass::core::baking::{BakingVersion, bake_png, bake_svg, extract};

fuzz_target!(|data: &[u8]| {
    let _ = extract(data);
    if let Ok(baked) = bake_png(data, BakingVersion::OpenBadges3, "eyJhbGciOiJFZERTQSJ9.e30.c2ln") {
        assert!(extract(&baked).is_ok(), "what we bake we read back");
    }
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(baked) = bake_svg(text, BakingVersion::OpenBadges2, "{\"id\": \"]]> & <x>\"}") {
            assert!(extract(baked.as_bytes()).is_ok(), "what we bake we read back");
        }
    }
});
