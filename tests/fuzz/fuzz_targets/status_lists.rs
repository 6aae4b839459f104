//! Both status-list decoders, with their inflate caps: a Bitstring Status List `encodedList` (multibase base64url
//! GZIP) and a Token Status List `lst` (base64url ZLIB) of 1, 2, 4 or 8 bits (or a refused width).
#![no_main]

use libfuzzer_sys::fuzz_target;
use skillspass::core::status_list::bitstring::Bitstring;
use skillspass::core::status_list::token::TokenStatusList;

fuzz_target!(|data: &[u8]| {
    let Some((&bits, rest)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(rest);
    if let Ok(list) = Bitstring::decode(&text, 0) {
        let _ = list.get(list.len().saturating_sub(1));
        let _ = list.get(usize::from(bits) * 1024);
    }
    let _ = Bitstring::decode(&text, 131_072);
    if let Ok(list) = TokenStatusList::decode(bits % 10, &text) {
        let _ = list.get(list.len().saturating_sub(1));
        let _ = list.get(list.len());
    }
});
