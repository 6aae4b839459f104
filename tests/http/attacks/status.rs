//! Status lists: Bitstring Status List credentials and Token Status List tokens served by a hostile issuer, and
//! status entries that point where a verifier must never go.

use serde_json::json;

use super::{Case, Probe, Target, refused};

pub async fn cases(t: &Target) -> Vec<Case> {
    let fake = &t.fake;
    let list = |path: &str| fake.credential_with_list(&format!("{}{path}", fake.url));
    let entry = |index: &str, purpose: &str, url: &str| {
        fake.credential_with_entry(&json!({"type": "BitstringStatusListEntry", "statusPurpose": purpose,
            "statusListIndex": index, "statusListCredential": url}))
    };
    let good_list = format!("{}/list/good", fake.url);
    let (_, control) = t.probe(&Probe::Credential(list("/list/good"))).await;
    assert_eq!(control["verified"], true, "a credential on the good list verifies: {control:#}");
    let (_, control) = t.probe(&Probe::Credential(fake.sd_jwt_with_token_list("/tsl/good", 2))).await;
    assert_eq!(control["verified"], true, "an SD-JWT VC on the good token list verifies: {control:#}");
    vec![
        refused("status/bitstring-gzip-bomb", list("/list/bomb"), "status"),
        refused("status/bitstring-too-short", list("/list/short"), "status"),
        refused("status/bitstring-forged-signature", list("/list/bad-signature"), "status"),
        refused("status/bitstring-signed-by-another-issuer", list("/list/other-issuer"), "status"),
        refused("status/bitstring-redirect-to-a-private-address", list("/redirect-private"), "status"),
        refused("status/bitstring-redirect-loop", list("/redirect-loop"), "status"),
        refused("status/bitstring-list-not-found", list("/list/nowhere"), "status"),
        refused("status/bitstring-not-a-list-credential", list("/.well-known/did.json"), "status"),
        refused("status/index-out-of-range", entry("999999999", "revocation", &good_list), "status"),
        refused("status/index-negative", entry("-1", "revocation", &good_list), "status"),
        refused("status/index-not-a-number", entry("seven", "revocation", &good_list), "status"),
        refused("status/index-with-a-sign", entry("+7", "revocation", &good_list), "status"),
        refused("status/purpose-unknown", entry("7", "deletion", &good_list), "status"),
        refused("status/purpose-not-the-list-s", entry("7", "suspension", &good_list), "status"),
        refused("status/url-a-file", entry("7", "revocation", "file:///etc/passwd"), "status"),
        refused("status/url-private-ipv4", entry("7", "revocation", "https://10.0.0.1/list"), "status"),
        refused(
            "status/url-cloud-metadata",
            entry("7", "revocation", "https://169.254.169.254/latest/meta-data"),
            "status",
        ),
        refused("status/url-nat64-mapped-private", entry("7", "revocation", "https://[64:ff9b::a00:1]/list"), "status"),
        refused("status/url-6to4-mapped-private", entry("7", "revocation", "https://[2002:a00:1::]/list"), "status"),
        refused("status/url-ipv4-mapped-ipv6", entry("7", "revocation", "https://[::ffff:10.0.0.1]/list"), "status"),
        refused(
            "status/url-plain-http-to-the-internet",
            entry("7", "revocation", "http://status.example/list"),
            "status",
        ),
        refused(
            "status/url-with-userinfo",
            entry("7", "revocation", "https://user:pass@status.example/list"),
            "status",
        ),
        refused("status/entry-not-an-object", fake.credential_with_entry(&json!("revoked")), "schema"),
        refused(
            "status/entry-unknown-type",
            fake.credential_with_entry(&json!({"type": "MagicStatus", "statusPurpose": "revocation"})),
            "status",
        ),
        refused("status/token-list-revoked-entry", fake.sd_jwt_with_token_list("/tsl/good", 3), "status"),
        refused(
            "status/token-list-expired-non-integer",
            fake.sd_jwt_with_token_list("/tsl/expired-fraction", 2),
            "status",
        ),
        refused(
            "status/token-list-expired-exponent",
            fake.sd_jwt_with_token_list("/tsl/expired-exponent", 2),
            "status",
        ),
        refused(
            "status/token-list-exp-out-of-range",
            fake.sd_jwt_with_token_list("/tsl/exp-out-of-range", 2),
            "status",
        ),
        refused("status/token-list-sub-of-another-list", fake.sd_jwt_with_token_list("/tsl/wrong-sub", 2), "status"),
        refused("status/token-list-bits-3", fake.sd_jwt_with_token_list("/tsl/bits-3", 2), "status"),
        refused("status/token-list-typ-jwt", fake.sd_jwt_with_token_list("/tsl/typ-jwt", 2), "status"),
        refused(
            "status/token-list-duplicate-member",
            fake.sd_jwt_with_token_list("/tsl/duplicate-member", 2),
            "status",
        ),
        refused(
            "status/token-list-signed-by-another-issuer",
            fake.sd_jwt_with_token_list("/tsl/other-signer", 2),
            "status",
        ),
        refused("status/token-list-index-out-of-range", fake.sd_jwt_with_token_list("/tsl/good", 100_000), "status"),
    ]
}
