//! HTTP: bodies, media types, paths, methods and the admin endpoints, with and without the right token.

use serde_json::json;

use super::craft::nested;
use super::{Auth, Case, Expect, Probe, Request, Target, case, problem};
use crate::helpers::micro_credential;

pub fn cases(t: &Target) -> Vec<Case> {
    let verify = |body: &[u8], content_type: Option<&'static str>| {
        Request::raw("POST", "/credentials/verify", Auth::None, content_type, body)
    };
    let json_type = Some("application/json");
    let mut duplicate = micro_credential(&t.server.did());
    duplicate["id"] = json!(t.seeded_id);
    let mut incomplete = micro_credential(&t.server.did());
    incomplete["credentialSubject"]["achievement"].as_object_mut().unwrap().remove("creditsAvailable");
    incomplete["credentialSubject"]["achievement"].as_object_mut().unwrap().remove("name");
    let issue = |credential: &serde_json::Value, auth: Auth| {
        Request::json("POST", "/credentials/issue", auth, &json!({"credential": credential}))
    };
    let status = |id: &str, value: &str| {
        let body = json!({"credentialId": id, "credentialStatus": [{"type": "BitstringStatusListCredential", "status": value}]});
        Request::json("POST", "/credentials/status", Auth::Admin, &body)
    };
    let own = micro_credential(&t.server.did());
    vec![
        problem("http/malformed-json", verify(b"{\"verifiableCredential\": ", json_type), 400, "malformed-json"),
        problem("http/json-missing-member", verify(b"{}", json_type), 400, "malformed-json"),
        problem("http/json-an-array-of-the-members", verify(b"[1]", json_type), 400, "invalid-request"),
        problem("http/body-not-utf8", verify(&[0x7b, 0xff, 0xfe, 0x7d], json_type), 400, "malformed-json"),
        problem("http/body-nested-too-deep", verify(nested(5000).as_bytes(), json_type), 400, "malformed-json"),
        problem(
            "http/number-beyond-any-range",
            verify(br#"{"verifiableCredential": 1e999999}"#, json_type),
            400,
            "malformed-json",
        ),
        problem(
            "http/no-content-type",
            verify(br#"{"verifiableCredential": "a.b.c"}"#, None),
            415,
            "unsupported-media-type",
        ),
        problem(
            "http/text-plain",
            verify(br#"{"verifiableCredential": "a.b.c"}"#, Some("text/plain")),
            415,
            "unsupported-media-type",
        ),
        problem(
            "http/form-instead-of-json",
            verify(b"verifiableCredential=a.b.c", Some("application/x-www-form-urlencoded")),
            415,
            "unsupported-media-type",
        ),
        problem("http/body-over-the-limit", verify(&vec![b' '; 600_000], json_type), 413, "body-too-large"),
        problem(
            "http/unknown-path",
            Request::json("GET", "/admin/../etc/passwd", Auth::None, &json!(null)),
            404,
            "not-found",
        ),
        problem(
            "http/unknown-status-list",
            Request::json("GET", "/status/999999", Auth::None, &json!(null)),
            404,
            "unknown-status-list",
        ),
        problem(
            "http/status-list-traversal",
            Request::json("GET", "/status/..%2F..%2Fwallet", Auth::None, &json!(null)),
            404,
            "unknown-status-list",
        ),
        problem(
            "http/wrong-method",
            Request::json("GET", "/credentials/verify", Auth::None, &json!(null)),
            405,
            "method-not-allowed",
        ),
        problem(
            "http/delete-the-did-document",
            Request::json("DELETE", "/.well-known/did.json", Auth::Admin, &json!(null)),
            405,
            "method-not-allowed",
        ),
        problem("http/issue-without-a-token", issue(&own, Auth::None), 401, "unauthorized"),
        problem(
            "http/issue-with-basic-auth",
            issue(&own, Auth::Header("Basic YWRtaW46YWRtaW4=".into())),
            401,
            "unauthorized",
        ),
        problem(
            "http/issue-with-a-wrong-token",
            issue(&own, Auth::Bearer("not-the-admin-token".into())),
            401,
            "unauthorized",
        ),
        problem("http/issue-with-a-session-token", issue(&own, Auth::Session), 401, "unauthorized"),
        problem(
            "http/issue-naming-another-issuer",
            issue(&micro_credential("did:web:evil.example"), Auth::Admin),
            422,
            "wrong-issuer",
        ),
        problem(
            "http/issue-an-incomplete-micro-credential",
            issue(&incomplete, Auth::Admin),
            422,
            "invalid-credential",
        ),
        problem("http/issue-an-id-issued-before", issue(&duplicate, Auth::Admin), 409, "duplicate-credential"),
        problem(
            "http/issue-credential-not-an-object",
            issue(&json!("a credential"), Auth::Admin),
            400,
            "malformed-json",
        ),
        problem(
            "http/status-of-an-unknown-credential",
            status("urn:uuid:00000000-0000-0000-0000-000000000000", "revoked"),
            404,
            "unknown-credential",
        ),
        problem("http/status-value-unknown", status(&t.seeded_id, "deleted"), 400, "malformed-json"),
        problem(
            "http/status-without-a-token",
            Request::json("POST", "/credentials/status", Auth::None, &json!({})),
            401,
            "unauthorized",
        ),
        problem(
            "http/retire-the-active-key",
            Request::json("DELETE", "/admin/keys/key-1", Auth::Admin, &json!(null)),
            409,
            "conflict",
        ),
        problem(
            "http/retire-an-unknown-key",
            Request::json("DELETE", "/admin/keys/key-99", Auth::Admin, &json!(null)),
            404,
            "not-found",
        ),
        problem(
            "http/rotate-keys-without-a-token",
            Request::json("POST", "/admin/keys", Auth::None, &json!({})),
            401,
            "unauthorized",
        ),
        problem(
            "http/rotate-the-admin-token-without-a-token",
            Request::json("POST", "/admin/token", Auth::None, &json!({})),
            401,
            "unauthorized",
        ),
        problem(
            "http/presentation-not-a-string",
            Request::json(
                "POST",
                "/presentations/verify",
                Auth::None,
                &json!({"verifiablePresentation": 7, "options": {"challenge": "c", "domain": "d"}}),
            ),
            400,
            "invalid-request",
        ),
        case(
            "http/header-too-large",
            Probe::Request(
                Request::json("GET", "/health", Auth::None, &json!(null)).header("x-padding", &"x".repeat(100_000)),
            ),
            Expect::Status(431),
        ),
    ]
}
