//! One named test per rejection rule (issue #2): each gives a clear message and the documented exit code, never a
//! panic.

use std::os::unix::fs::PermissionsExt as _;

use josekit::jws::{HS256, JwsHeader};
use serde_json::json;
use skillspass::core::did::Did;
use skillspass::core::encoding::{b64url, b64url_decode};
use skillspass::core::jose::{self, HeaderSpec, TokenKind};
use skillspass::core::keys::SigningKey;
use skillspass::core::vc_jose;

use crate::helpers::{Setup, code, decode, example, read_token, run, segment, stderr, stdout};

/// A verified token and the issuer's key, to forge variations from.
fn issued(setup: &Setup) -> (String, SigningKey) {
    let token = read_token(&setup.issue("micro-credential.json", &["--valid-until", "2099-01-01T00:00:00Z"]));
    (token, skillspass::store::read_key_file(&setup.key).unwrap())
}

/// Verifies and asserts exit 1 and that the failed check and message appear in the human report.
fn assert_refused(setup: &Setup, token: &str, failed_check: &str, message: &str) {
    let out = setup.verify_token(token, &[]);
    let text = stdout(&out);
    assert_eq!(code(&out), 1, "expected exit 1:\n{text}{}", stderr(&out));
    assert!(text.starts_with("NOT VERIFIED"), "{text}");
    assert!(text.contains(&format!("{failed_check} FAILED")), "expected {failed_check} to fail:\n{text}");
    assert!(text.contains(message), "expected {message:?} in:\n{text}");
}

fn resign(payload: &serde_json::Value, header: &HeaderSpec<'_>, key: &SigningKey) -> String {
    jose::sign(&serde_json::to_vec(payload).unwrap(), header, key).unwrap()
}

#[test]
fn rejects_alg_none() {
    let setup = Setup::new();
    let (token, _) = issued(&setup);
    let (mut header, _, parts) = decode(&token);
    header["alg"] = json!("none");
    let forged = format!("{}.{}.", segment(&header), parts[1]);
    assert_refused(&setup, &forged, "alg", "alg none is refused");
}

#[test]
fn rejects_hs256_signed_with_the_public_key_as_secret() {
    let setup = Setup::new();
    let (token, key) = issued(&setup);
    let (_, payload, _) = decode(&token);
    let mut header = JwsHeader::new();
    header.set_token_type("vc+jwt");
    header.set_key_id(Did::key(&key.verifying_key()).default_kid());
    let signer = HS256.signer_from_bytes(key.verifying_key().to_bytes()).unwrap();
    let forged = josekit::jws::serialize_compact(&serde_json::to_vec(&payload).unwrap(), &header, &signer).unwrap();
    assert_refused(&setup, &forged, "alg", "MAC algorithms are never accepted");
}

#[test]
fn rejects_wrong_typ() {
    let setup = Setup::new();
    let (token, key) = issued(&setup);
    let (header, payload, _) = decode(&token);
    let kid = header["kid"].as_str().unwrap();
    let forged = resign(
        &payload,
        &HeaderSpec { typ: Some(TokenKind::KeyBinding), kid: Some(kid), ..HeaderSpec::default() },
        &key,
    );
    assert_refused(&setup, &forged, "typ", "typ Some(\"kb+jwt\") is not \"vc+jwt\"");
    // Without typ the token is read in the Open Badges 3.0 JWT profile (jwt_vc_json), whose rules it breaks.
    let untyped = resign(&payload, &HeaderSpec { kid: Some(kid), ..HeaderSpec::default() }, &key);
    assert_refused(&setup, &untyped, "claims", "the JWT has no nbf");
}

#[test]
fn rejects_tampered_payload() {
    let setup = Setup::new();
    let (token, _) = issued(&setup);
    let (_, mut payload, parts) = decode(&token);
    payload["credentialSubject"]["achievement"]["creditsAvailable"] = json!(30);
    assert_refused(
        &setup,
        &format!("{}.{}.{}", parts[0], segment(&payload), parts[2]),
        "signature",
        "signature invalid",
    );
}

#[test]
fn rejects_tampered_header() {
    let setup = Setup::new();
    let (token, _) = issued(&setup);
    let (mut header, _, parts) = decode(&token);
    header["cty"] = json!("vc");
    assert_refused(
        &setup,
        &format!("{}.{}.{}", segment(&header), parts[1], parts[2]),
        "signature",
        "signature invalid",
    );
}

#[test]
fn rejects_signature_from_another_key() {
    let setup = Setup::new();
    let (token, _) = issued(&setup);
    let (header, payload, _) = decode(&token);
    let spec = HeaderSpec { typ: Some(TokenKind::Credential), kid: header["kid"].as_str(), ..HeaderSpec::default() };
    let forged = resign(&payload, &spec, &SigningKey::generate(&mut rand::rngs::OsRng));
    assert_refused(&setup, &forged, "signature", "signature invalid");
}

#[test]
fn rejects_kid_of_a_did_other_than_the_issuer() {
    let setup = Setup::new();
    let (token, _) = issued(&setup);
    let (_, payload, _) = decode(&token);
    let attacker = SigningKey::generate(&mut rand::rngs::OsRng);
    let kid = Did::key(&attacker.verifying_key()).default_kid();
    let spec = HeaderSpec { typ: Some(TokenKind::Credential), kid: Some(&kid), ..HeaderSpec::default() };
    assert_refused(&setup, &resign(&payload, &spec, &attacker), "issuer-key", "is not a key of issuer");
}

#[test]
fn rejects_iss_that_differs_from_the_issuer() {
    let setup = Setup::new();
    let (token, key) = issued(&setup);
    let (header, mut payload, _) = decode(&token);
    payload["iss"] = json!("did:web:other.example");
    let spec = HeaderSpec { typ: Some(TokenKind::Credential), kid: header["kid"].as_str(), ..HeaderSpec::default() };
    assert_refused(&setup, &resign(&payload, &spec, &key), "claims", "does not equal the issuer");
}

#[test]
fn rejects_vc_claim_in_a_vc_jwt() {
    let setup = Setup::new();
    let (token, key) = issued(&setup);
    let (header, mut payload, _) = decode(&token);
    payload["vc"] = json!({"type": ["VerifiableCredential"]});
    let spec = HeaderSpec { typ: Some(TokenKind::Credential), kid: header["kid"].as_str(), ..HeaderSpec::default() };
    assert_refused(&setup, &resign(&payload, &spec, &key), "claims", "the claims vc and vp must not appear");
}

#[test]
fn rejects_expired() {
    let setup = Setup::new();
    let token_file = setup.issue("course-badge.json", &["--valid-until", "2099-01-01T00:00:00Z"]);
    let out = run(&["verify", token_file.to_str().unwrap(), "--at", "2100-01-01T00:00:00Z"]);
    assert_eq!(code(&out), 1);
    assert!(stdout(&out).contains("validity FAILED"), "{}", stdout(&out));
    assert!(stdout(&out).contains("expired: validUntil 2099-01-01T00:00:00Z"), "{}", stdout(&out));
}

#[test]
fn rejects_not_yet_valid() {
    let setup = Setup::new();
    let token_file = setup.issue("course-badge.json", &[]);
    let out = run(&["verify", token_file.to_str().unwrap(), "--at", "2001-01-01T00:00:00Z"]);
    assert_eq!(code(&out), 1);
    assert!(stdout(&out).contains("not yet valid: validFrom"), "{}", stdout(&out));
}

#[test]
fn rejects_padded_segments() {
    let setup = Setup::new();
    let (token, _) = issued(&setup);
    let parts: Vec<&str> = token.split('.').collect();
    let padded = format!("{}.{}=.{}", parts[0], parts[1], parts[2]);
    assert_refused(&setup, &padded, "parse", "the payload is not unpadded base64url");
}

#[test]
fn rejects_non_base64url_segments() {
    let setup = Setup::new();
    let (token, _) = issued(&setup);
    let parts: Vec<&str> = token.split('.').collect();
    let standard_alphabet = format!("{}.+{}.{}", parts[0], &parts[1][1..], parts[2]);
    assert_refused(&setup, &standard_alphabet, "parse", "the payload is not unpadded base64url");
    assert_refused(
        &setup,
        &format!("{}.{}.{}*", parts[0], parts[1], parts[2]),
        "parse",
        "the signature is not unpadded base64url",
    );
}

#[test]
fn rejects_oversized_token() {
    let setup = Setup::new();
    let header = b64url(r#"{"alg":"EdDSA","typ":"vc+jwt"}"#);
    let oversized = format!("{header}.{}.{}", "A".repeat(300 * 1024), b64url([0u8; 64]));
    assert_refused(&setup, &oversized, "parse", "over the 262144-byte limit");
}

#[test]
fn rejects_deeply_nested_json() {
    let setup = Setup::new();
    let (token, key) = issued(&setup);
    let (header, _, _) = decode(&token);
    let deep = format!("{{\"a\":{}1{}}}", "[".repeat(200), "]".repeat(200));
    let spec = HeaderSpec { typ: Some(TokenKind::Credential), kid: header["kid"].as_str(), ..HeaderSpec::default() };
    let forged = jose::sign(deep.as_bytes(), &spec, &key).unwrap();
    assert_refused(&setup, &forged, "parse", "nested deeper than 32 levels");
}

#[test]
fn rejects_json_serialization() {
    let setup = Setup::new();
    let (token, _) = issued(&setup);
    let parts: Vec<&str> = token.split('.').collect();
    let general = json!({"payload": parts[1], "protected": parts[0], "signature": parts[2]}).to_string();
    assert_refused(&setup, &general, "parse", "JWS JSON serialization is not accepted");
}

#[test]
fn micro_credential_missing_an_eu_element_is_refused_at_issue() {
    let setup = Setup::new();
    let mut description: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(example("micro-credential.json")).unwrap()).unwrap();
    let elements = description["achievement"]["microCredential"].as_object_mut().unwrap();
    elements.remove("assessmentType");
    elements.remove("qualityAssurance");
    description["achievement"].as_object_mut().unwrap().remove("creditsAvailable");
    let file = setup.path("incomplete.json");
    std::fs::write(&file, description.to_string()).unwrap();
    let out = run(&[
        "issue",
        "--key",
        setup.key.to_str().unwrap(),
        "--subject",
        &setup.learner,
        "--achievement",
        file.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 2, "{}", stdout(&out));
    let message = stderr(&out);
    assert!(message.starts_with("error: the credential would not be valid"), "{message}");
    for element in ["(7) notional workload in ECTS", "(9) type of assessment", "(11) type of quality assurance"] {
        assert!(message.contains(element), "{element} missing from:\n{message}");
    }
    assert!(!message.contains("(10)"), "only missing elements are listed:\n{message}");
    assert!(stdout(&out).is_empty(), "nothing is issued");
}

#[test]
fn micro_credential_missing_an_eu_element_is_reported_at_verify() {
    let setup = Setup::new();
    let (token, key) = issued(&setup);
    let (header, mut payload, _) = decode(&token);
    payload["credentialSubject"]["achievement"]["microCredential"].as_object_mut().unwrap().remove("participationForm");
    let credential = vc_jose::strip_jwt_claims(&payload);
    let forged = vc_jose::sign_credential(&credential, &key, header["kid"].as_str().unwrap(), chrono::Utc::now());
    assert_refused(&setup, &forged.unwrap(), "schema", "missing EU element (10) form of participation");
}

#[test]
fn group_readable_key_file_is_refused() {
    let setup = Setup::new();
    std::fs::set_permissions(&setup.key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let achievement = example("course-badge.json");
    let out = run(&[
        "issue",
        "--key",
        setup.key.to_str().unwrap(),
        "--subject",
        &setup.learner,
        "--achievement",
        achievement.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("is readable by others (mode 644); run: chmod 600"), "{}", stderr(&out));
}

#[test]
fn unreadable_input_exits_2() {
    let out = run(&["verify", "/nonexistent/credential.jwt"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).starts_with("error: cannot read /nonexistent/credential.jwt"), "{}", stderr(&out));
    let out = run(&["verify"]);
    assert_eq!(code(&out), 2, "missing argument is a usage error");
}

#[test]
fn subject_that_is_not_a_did_is_refused_at_issue() {
    let setup = Setup::new();
    let achievement = example("course-badge.json");
    let out = run(&[
        "issue",
        "--key",
        setup.key.to_str().unwrap(),
        "--subject",
        "alice@example.com",
        "--achievement",
        achievement.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("subject: invalid DID"), "{}", stderr(&out));
}

#[test]
fn untrusted_issuer_fails_when_a_trust_list_is_given() {
    let setup = Setup::new();
    let token_file = setup.issue("course-badge.json", &[]);
    let other = Did::key(&SigningKey::generate(&mut rand::rngs::OsRng).verifying_key()).to_string();
    let out = run(&["verify", token_file.to_str().unwrap(), "--trust", &other]);
    assert_eq!(code(&out), 1);
    assert!(stdout(&out).contains("trust FAILED"), "{}", stdout(&out));
    assert!(stdout(&out).contains("NOT on the trust list"), "{}", stdout(&out));
}

#[test]
fn raw_bytes_check() {
    // A token whose payload decodes to non-UTF-8 bytes is malformed, not a panic.
    let setup = Setup::new();
    let header = b64url(r#"{"alg":"EdDSA","typ":"vc+jwt"}"#);
    let token = format!("{header}.{}.{}", b64url([0xff, 0xfe, 0x00]), b64url([0u8; 64]));
    assert_refused(&setup, &token, "parse", "the payload is not valid JSON");
    assert!(b64url_decode("AA").is_ok());
}
