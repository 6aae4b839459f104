//! `OpenID4VP` messages a wallet or a verifier reads from strangers: invocation URIs, authorization requests,
//! signed request objects, and `vp_token` answers.
#![no_main]

#[path = "common/mod.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use skillspass::core::openid4vp::{AuthorizationRequest, Client, RequestObject, parse_invocation, parse_vp_token};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(skillspass::core::openid4vp::Invocation::ByValue(request)) = parse_invocation(&text) {
        let _ = request.check();
    }
    let _ = Client::parse(&text);
    let _ = parse_vp_token(&text);
    let pairs: Vec<(String, String)> =
        text.split('&').filter_map(|p| p.split_once('=')).map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
    if let Ok(request) = AuthorizationRequest::from_pairs(&pairs) {
        let _ = request.check();
    }
    let (key, did) = common::issuer();
    let client_id = format!("decentralized_identifier:{}", did.as_str());
    let signed = common::sign(&common::header("oauth-authz-req+jwt"), data);
    for jwt in [text.as_ref(), signed.as_str()] {
        if let Ok(object) = RequestObject::parse(jwt, &client_id) {
            let _ = object.kid();
            if let Ok(request) = object.verify(&key.verifying_key()) {
                let _ = request.check();
            }
        }
    }
});
