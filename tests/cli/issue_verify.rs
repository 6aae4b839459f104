//! Happy paths: keys, issuing each example, verifying offline, trust, did:web documents.

use std::os::unix::fs::PermissionsExt as _;

use skillspass::core::did::{Did, DidDocument};
use skillspass::core::keys::SigningKey;
use skillspass::issuer::Issuer;

use crate::helpers::{Setup, code, example, read_token, run, stderr, stdout};

#[test]
fn keys_new_writes_a_0600_private_jwk_and_prints_the_did() {
    let setup = Setup::new();
    assert!(setup.issuer.starts_with("did:key:z6Mk"), "{}", setup.issuer);
    let mode = std::fs::metadata(&setup.key).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let jwk: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&setup.key).unwrap()).unwrap();
    assert_eq!((jwk["kty"].as_str(), jwk["crv"].as_str()), (Some("OKP"), Some("Ed25519")));
    assert!(jwk["d"].is_string());
}

#[test]
fn micro_credential_issues_and_verifies_with_its_skills() {
    let setup = Setup::new();
    let token_file = setup.issue("micro-credential.json", &["--valid-until", "2099-01-01T00:00:00Z"]);
    let out = run(&["verify", token_file.to_str().unwrap(), "--json", "--trust", &setup.issuer]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["verified"], true);
    assert_eq!(report["format"], "vc+jwt");
    assert_eq!(report["issuer"]["trusted"], true);
    assert_eq!(report["subject"], setup.learner.as_str());
    let checks: Vec<&str> = report["checks"].as_array().unwrap().iter().map(|c| c["check"].as_str().unwrap()).collect();
    assert_eq!(
        checks,
        ["parse", "alg", "typ", "issuer-key", "signature", "claims", "validity", "schema", "status", "trust"]
    );
    let skills: Vec<&str> = report["skills"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(skills.len(), 2);
    assert!(skills.contains(&"http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"));
    assert_eq!(report["skills"][0]["eqfLevel"], 5);
    assert_eq!(report["skills"][0]["learningSetting"], "non-formal");
    assert_eq!(report["document"]["validUntil"], "2099-01-01T00:00:00Z");
}

#[test]
fn header_and_payload_follow_vc_jose_cose() {
    let setup = Setup::new();
    let token = read_token(&setup.issue("micro-credential.json", &[]));
    let (header, payload, _) = crate::helpers::decode(&token);
    assert_eq!(header["alg"], "EdDSA");
    assert_eq!(header["typ"], "vc+jwt");
    assert_eq!(header["kid"].as_str().unwrap(), format!("{0}#{1}", setup.issuer, &setup.issuer[8..]));
    assert_eq!(payload["iss"], payload["issuer"]["id"]);
    assert_eq!(payload["jti"], payload["id"]);
    assert!(payload["iat"].is_i64());
    assert!(payload.get("vc").is_none() && payload.get("vp").is_none());
    assert_eq!(payload["@context"][0], "https://www.w3.org/ns/credentials/v2");
}

#[test]
fn course_badge_and_practice_statement_verify() {
    let setup = Setup::new();
    for name in ["course-badge.json", "practice-statement.json"] {
        let token_file = setup.issue(name, &[]);
        let out = run(&["verify", token_file.to_str().unwrap()]);
        assert_eq!(code(&out), 0, "{name}: {}", stdout(&out));
        assert!(stdout(&out).starts_with("VERIFIED"), "{name}");
    }
    let out = run(&["verify", setup.issue("practice-statement.json", &[]).to_str().unwrap(), "--json"]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["skills"][0]["learningSetting"], "informal");
}

#[test]
fn verify_reads_standard_input() {
    let setup = Setup::new();
    let token_file = setup.issue("course-badge.json", &[]);
    let output =
        crate::helpers::bin().args(["verify", "-"]).stdin(std::fs::File::open(&token_file).unwrap()).output().unwrap();
    assert_eq!(code(&output), 0, "{}", stdout(&output));
}

#[test]
fn without_a_trust_list_an_unknown_issuer_is_a_warning() {
    let setup = Setup::new();
    let out = run(&["verify", setup.issue("course-badge.json", &[]).to_str().unwrap(), "--json"]);
    assert_eq!(code(&out), 0);
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["warnings"][0]["type"], "https://w3id.org/skillspass/problems#issuer-unknown");
    assert!(report["issuer"].get("trusted").is_none());
}

#[test]
fn did_web_issuer_verifies_with_its_document() {
    let setup = Setup::new();
    let key = SigningKey::generate(&mut rand::rngs::OsRng);
    let did = Did::parse("did:web:academy.example").unwrap();
    let kid = "did:web:academy.example#key-1".to_owned();
    let document = DidDocument::for_key(did.as_str(), &kid, "JsonWebKey", key.verifying_key());
    let doc_file = setup.path("did.json");
    std::fs::write(&doc_file, serde_json::to_vec(&document).unwrap()).unwrap();
    let issuer = Issuer::with_did(key, did, kid).unwrap();
    let description = serde_json::from_str(&std::fs::read_to_string(example("course-badge.json")).unwrap()).unwrap();
    let credential = issuer.issue_json(&description, &setup.learner, None, chrono::Utc::now()).unwrap();
    let out = setup.verify_token(&credential.token, &["--did-document", doc_file.to_str().unwrap()]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let out = setup.verify_token(&credential.token, &[]);
    assert_eq!(code(&out), 1, "without the document the did:web key cannot be found");
    assert!(stdout(&out).contains("https://academy.example/.well-known/did.json"), "{}", stdout(&out));
}

#[test]
fn demo_tells_the_story_and_exits_zero() {
    let out = run(&["demo"]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("VERIFIED"));
    assert!(stdout(&out).contains("NOT VERIFIED"));
    assert!(stdout(&out).contains("Python (computer programming)"));
    assert!(stdout(&out).contains("The story holds: earned, moved, proven, matched, revoked."));
    assert_eq!(
        stdout(&out).matches("essential 3 of 4, optional 1 of 2").count(),
        2,
        "the wallet's and the employer's gap"
    );
    assert!(stdout(&out).contains("proven-narrower computer programming"), "{}", stdout(&out));
}

#[test]
fn sd_jwt_vc_issues_and_verifies_from_the_cli() {
    let setup = Setup::new();
    let file = setup.issue("micro-credential.json", &["--format", "sd-jwt"]);
    let compact = read_token(&file);
    assert!(compact.ends_with('~'), "an SD-JWT without key binding ends with ~");
    assert_eq!(compact.matches('~').count(), 7, "one disclosure per skill, plus name, grade, workload and assessment");
    let out = run(&["verify", file.to_str().unwrap(), "--json", "--trust", &setup.issuer]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["format"], "dc+sd-jwt");
    assert_eq!(report["skills"].as_array().unwrap().len(), 2);
    assert_eq!(report["document"]["vct"], "https://w3id.org/skillspass/vct/micro-credential/v1");
    assert_eq!(report["document"]["grade"], "8.5");
}

#[test]
fn verify_batch_reports_each_credential_and_finds_the_one_tampered_among_64() {
    let setup = Setup::new();
    let originals: Vec<String> = ["micro-credential.json", "course-badge.json", "practice-statement.json"]
        .iter()
        .map(|example| crate::helpers::read_token(&setup.issue(example, &[])))
        .collect();
    let (header, mut payload, parts) = crate::helpers::decode(&originals[1]);
    payload["name"] = serde_json::json!("A badge the issuer never signed");
    let tampered = format!("{}.{}.{}", crate::helpers::segment(&header), crate::helpers::segment(&payload), parts[2]);
    let mut lines: Vec<String> = (0..64).map(|i| originals[i % 3].clone()).collect();
    lines[40] = tampered;
    let mut input = lines.join("\n");
    input.push_str("\n\n");
    let file = setup.path("batch.txt");
    std::fs::write(&file, &input).unwrap();

    let at = "2027-01-01T00:00:00Z";
    let out = run(&["verify", "--batch", file.to_str().unwrap(), "--trust", &setup.issuer, "--at", at]);
    assert_eq!(code(&out), 1, "one credential does not verify: {}", stderr(&out));
    let reports: Vec<serde_json::Value> = stdout(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(reports.len(), 64, "one report per line, blank lines skipped");
    let failed: Vec<usize> = (0..64).filter(|i| reports[*i]["verified"] != true).collect();
    assert_eq!(failed, [40]);
    let signature = reports[40]["checks"].as_array().unwrap().iter().find(|c| c["check"] == "signature").unwrap();
    assert_eq!(signature["status"], "failed", "{:#}", reports[40]);
    // Each report is the single verification's.
    for i in [0, 1, 2, 40] {
        let single = setup.verify_token(&lines[i], &["--json", "--trust", &setup.issuer, "--at", at]);
        let single: serde_json::Value = serde_json::from_str(&stdout(&single)).unwrap();
        assert_eq!(single["checks"], reports[i]["checks"], "report {i}");
        assert_eq!(single["errors"], reports[i]["errors"], "report {i}");
    }
    let piped = crate::helpers::bin()
        .args(["verify", "--batch", "-", "--trust", &setup.issuer])
        .stdin(std::fs::File::open(&file).unwrap())
        .output()
        .unwrap();
    assert_eq!(stdout(&piped).lines().count(), 64, "standard input works the same");

    let neither = run(&["verify"]);
    assert_eq!(code(&neither), 2);
    let both = run(&["verify", file.to_str().unwrap(), "--batch", file.to_str().unwrap()]);
    assert_eq!(code(&both), 2, "a file and a batch at once is refused: {}", stderr(&both));
    let missing = run(&["verify", "--batch", setup.path("nope.txt").to_str().unwrap()]);
    assert_eq!(code(&missing), 2);
    assert!(stderr(&missing).contains("nope.txt"), "{}", stderr(&missing));
}

/// Issue 16: `keys new --alg ES256` makes a P-256 key (EC JWK, 0600) with a `zDn…` did:key; what it issues is an
/// ES256 vc+jwt that `verify` accepts. An ES256 header on a token of an Ed25519 issuer, and an EdDSA header on a
/// P-256 issuer's, are refused by name, whatever the signature.
#[test]
fn es256_keys_issue_credentials_that_verify_and_algorithms_never_cross_key_types() {
    let setup = Setup::new();
    let p256 = setup.path("p256.jwk");
    let out = run(&["keys", "new", "--alg", "ES256", "--out", p256.to_str().unwrap()]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let did = stdout(&out).trim().to_owned();
    assert!(did.starts_with("did:key:zDn"), "{did}");
    assert_eq!(std::fs::metadata(&p256).unwrap().permissions().mode() & 0o777, 0o600);
    let jwk: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&p256).unwrap()).unwrap();
    assert_eq!((jwk["kty"].as_str(), jwk["crv"].as_str()), (Some("EC"), Some("P-256")));
    assert!(jwk["y"].is_string() && jwk["d"].is_string());
    let bad = run(&["keys", "new", "--alg", "RS256", "--out", setup.path("rsa.jwk").to_str().unwrap()]);
    assert_eq!(code(&bad), 2);
    assert!(stderr(&bad).contains("EdDSA or ES256"), "{}", stderr(&bad));

    let token_file = setup.path("es256.jwt");
    let achievement = example("micro-credential.json");
    let args = ["issue", "--key", p256.to_str().unwrap(), "--subject", &setup.learner, "--achievement"];
    let mut args: Vec<&str> = args.to_vec();
    args.extend([achievement.to_str().unwrap(), "--out", token_file.to_str().unwrap()]);
    let out = run(&args);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let token = read_token(&token_file);
    let (header, payload, parts) = crate::helpers::decode(&token);
    assert_eq!(header["alg"], "ES256");
    assert_eq!(payload["iss"], did.as_str());
    let out = run(&["verify", token_file.to_str().unwrap(), "--json", "--trust", &did]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["verified"], true);

    let ed25519_token = read_token(&setup.issue("micro-credential.json", &[]));
    let (mut ed_header, _, ed_parts) = crate::helpers::decode(&ed25519_token);
    ed_header["alg"] = "ES256".into();
    let crossed = format!("{}.{}.{}", crate::helpers::segment(&ed_header), ed_parts[1], ed_parts[2]);
    let mut p256_header = header.clone();
    p256_header["alg"] = "EdDSA".into();
    let crossed_back = format!("{}.{}.{}", crate::helpers::segment(&p256_header), parts[1], parts[2]);
    for (token, key) in [(crossed, "Ed25519"), (crossed_back, "P-256")] {
        let out = setup.verify_token(&token, &["--json"]);
        assert_eq!(code(&out), 1, "{}", stdout(&out));
        let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        let failed = report["checks"].as_array().unwrap().iter().find(|c| c["status"] == "failed").unwrap().clone();
        assert_eq!(failed["check"], "issuer-key", "{report:#}");
        assert!(
            failed["detail"].as_str().unwrap().contains(&format!("does not fit the signer's {key} key")),
            "{failed:#}"
        );
    }
}
