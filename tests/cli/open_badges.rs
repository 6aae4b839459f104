//! Other platforms' badges (issue 12): the 1EdTech validator's Open Badges 3.0 fixtures in
//! `../shared/vectors/openbadges-3.0` run through `skillspass verify` as a user would run them, offline, with
//! the issuers' key documents given as files (their https URLs are example domains). Every credential the 1EdTech
//! validator accepts verifies, in every form (JSON-LD with Data Integrity proofs, the JWT profile, baked PNG and
//! SVG); every broken one is refused, and the report's failing check names why (a fixture altered after signing
//! also fails its signature, and the report says what else is wrong with it). The table this test prints is the
//! one in `docs/interop.md`.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::helpers::{Setup, code, run, stdout};

/// The keys of the fixtures' issuers: the multibase keys their verification methods name (facts from the
/// fixtures), published here in key documents as each issuer would publish them.
const EXAMPLE_COM: &str = "https://example.com/issuers/876543";
const EDTECH: &str = "https://1edtech.edu/issuers/565049";
const EXAMPLE_EDU: &str = "https://example.edu/issuers/565049";
const STATE_GOV: &str = "https://state.gov/issuers/565049";
const WELLSPRING: &str =
    "did:web:dc.1edtech.org:wellspring2022:wellspring-portal:org:da1e96e9-afcc-4eed-b9a2-2ddf7353214c";
const KEY_A: &str = "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi";
const KEY_B: &str = "z6MknNHHrBzPytzu6CUBP9Lg7fg4KSBjzimc2Frh693YbMiv";
const KEY_C: &str = "z6MkrvfzkMnvCroEUP2DVc9SHPE48CRsvHiVSusHioxTYu1x";
const KEY_D: &str = "z6Mknyb2Gb4NxzW3xSr9ChTtdQZ1zs77piQ3r9SaJ9vMzmrs";
const KEY_E: &str = "z6MkoMGF38Ck9xkdqrbZt4h9eHb1qc3GhAAkoSWa4Vy3SHRN";
const KEY_F: &str = "z6MkmQ49FhpMN7V11B7Qzc6WC6Q3ymVW4xmHUsHBR2MWMMo1";

fn key_document(controller: &str, keys: &[(&str, &str)]) -> Value {
    let methods: Vec<Value> = keys
        .iter()
        .map(|(fragment, key)| {
            json!({"id": format!("{controller}#{fragment}"), "type": "Multikey", "controller": controller,
                "publicKeyMultibase": key})
        })
        .collect();
    let assertion: Vec<String> = keys.iter().map(|(fragment, _)| format!("{controller}#{fragment}")).collect();
    json!({"@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"], "id": controller,
        "verificationMethod": methods, "assertionMethod": assertion})
}

fn key_documents(setup: &Setup) -> Vec<PathBuf> {
    let documents = [
        key_document(EXAMPLE_COM, &[(KEY_A, KEY_A), (KEY_B, KEY_B), (KEY_C, KEY_C)]),
        key_document(EDTECH, &[(KEY_A, KEY_A), (KEY_D, KEY_D)]),
        key_document(EXAMPLE_EDU, &[(KEY_A, KEY_A)]),
        key_document(STATE_GOV, &[(KEY_E, KEY_E), (KEY_F, KEY_F)]),
        key_document(WELLSPRING, &[(KEY_A, KEY_A)]),
    ];
    documents
        .iter()
        .enumerate()
        .map(|(i, document)| {
            let path = setup.path(&format!("issuer-{i}.json"));
            std::fs::write(&path, document.to_string()).unwrap();
            path
        })
        .collect()
}

/// Each fixture, whether the 1EdTech validator accepts it, and the check that refuses it here.
const FIXTURES: [(&str, Option<&str>); 40] = [
    ("simple.json", None),
    ("simple.1ob", None),
    ("simple_v1.json", None),
    ("simple-did-key-method.json", None),
    ("simple-did-web-method.json", None),
    ("simple-multiple-proofs.json", None),
    ("simple-context-alias.json", None),
    ("simple-context-version.json", None),
    ("simple-eddsa-2022.json", None),
    ("complete.json", None),
    ("endorsement-valid.json", None),
    ("simple-json.png", None),
    ("simple-json.svg", None),
    ("simple-jwt.png", None),
    ("simple-jwt.svg", None),
    ("simple-jwt_v1.png", None),
    ("simple-jwt_v1.svg", None),
    ("simple-err-context.json", Some("context")),
    ("simple-err-credential-subject-achievement-result-description-type.json", Some("claims")),
    ("simple-err-credential-subject-identifier-type.json", Some("claims")),
    ("simple-err-credential-subject-profile-type.json", Some("claims")),
    ("simple-err-credential-subject-result-type.json", Some("claims")),
    ("simple-err-credential-subject-type.json", Some("claims")),
    ("simple-err-evidence-type.json", Some("claims")),
    ("simple-err-expired.json", Some("validity")),
    ("simple-err-issued.json", Some("validity")),
    ("simple-err-issuer-otheridentifier-type.json", Some("claims")),
    ("simple-err-issuer-parentorg-type.json", Some("claims")),
    ("simple-err-issuer-type.json", Some("claims")),
    ("simple-err-issuer.json", Some("claims")),
    ("simple-err-proof-method-no-scheme.json", Some("issuer-key")),
    ("simple-err-proof-method-unknown-did-method.json", Some("issuer-key")),
    ("simple-err-proof-method-unknown-scheme.json", Some("issuer-key")),
    ("simple-err-proof-method.json", Some("issuer-key")),
    ("simple-err-proof-value.json", Some("signature")),
    ("simple-err-type.json", Some("claims")),
    ("simple-noproof.json", Some("parse")),
    ("complete_v1.json", Some("validity")),
    ("simple.jwt", Some("issuer-key")),
    ("velocity.jwt", Some("issuer-key")),
];

fn fixtures() -> Option<PathBuf> {
    let base = std::env::var_os("SKILLSPASS_VECTORS")
        .map_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/vectors"), Into::into);
    let dir = base.join("openbadges-3.0");
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(std::env::var("CI").is_err(), "vectors missing in CI");
    eprintln!("SKIPPED: {} is absent", dir.display());
    None
}

fn verify(file: &Path, documents: &[PathBuf]) -> Value {
    let mut args = Vec::new();
    for document in documents {
        args.extend([PathBuf::from("--did-document"), document.clone()]);
    }
    verify_with(file, &args)
}

/// `skillspass verify FILE --offline --json ARGS…`, checking that the exit code matches the report.
fn verify_with(file: &Path, extra: &[PathBuf]) -> Value {
    let mut args = vec!["verify".to_owned(), file.to_string_lossy().into_owned(), "--offline".into(), "--json".into()];
    args.extend(extra.iter().map(|a| a.to_string_lossy().into_owned()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = run(&args);
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap_or_else(|_| panic!("{}: {out:?}", file.display()));
    let expected_code = i32::from(report["verified"] != true);
    assert_eq!(code(&out), expected_code, "{}", file.display());
    report
}

fn failed_checks(report: &Value) -> Vec<String> {
    let checks = report["checks"].as_array().unwrap();
    checks.iter().filter(|c| c["status"] == "failed").map(|c| c["check"].as_str().unwrap().to_owned()).collect()
}

#[test]
fn the_1edtech_validator_fixtures_verify_or_are_refused_for_their_reason_issue_12() {
    let Some(dir) = fixtures() else { return };
    let setup = Setup::new();
    let documents = key_documents(&setup);
    let mut table = vec!["| fixture | 1EdTech validator | skillspass | format | failing checks |".to_owned()];
    table.push("| --- | --- | --- | --- | --- |".into());
    for (name, refused_by) in FIXTURES {
        let report = verify(&dir.join(name), &documents);
        let failed = failed_checks(&report);
        let verified = report["verified"] == true;
        match refused_by {
            None => assert!(verified, "{name} must verify: {report:#}"),
            Some(check) => {
                assert!(!verified, "{name} must be refused");
                assert!(failed.iter().any(|f| f == check), "{name}: {check} must fail, failed: {failed:?}");
                if check != "parse" {
                    assert!(!failed.contains(&"parse".to_owned()), "{name}: not a parse error");
                }
            }
        }
        table.push(format!(
            "| `{name}` | {} | {} | {} | {} |",
            if refused_by.is_some() { "invalid" } else { "valid" },
            if verified { "verified" } else { "refused" },
            report["format"].as_str().unwrap_or_default(),
            if failed.is_empty() { "-".to_owned() } else { failed.join(", ") },
        ));
    }
    // Revocation. The bit-string-list fixture points at a Bitstring Status List credential (signed with a Data
    // Integrity proof) at a URL the test cannot serve, so the list is pinned from its file; the list's own id is
    // another URL than the one the badge names, which Bitstring Status List verification refuses: status fails.
    let lists = dir.join("bit-string-list");
    let url = "https://raw.githubusercontent.com/1EdTech/digital-credentials-public-validator/refs/heads/main/inspector-vc/src/test/resources/ob30/bit-string-list/testlist";
    let pinned = format!("{url}={}", lists.join("testlist").display());
    let mut with_list: Vec<PathBuf> =
        documents.iter().flat_map(|d| [PathBuf::from("--did-document"), d.clone()]).collect();
    with_list.extend([PathBuf::from("--status-list"), PathBuf::from(pinned)]);
    let report = verify_with(&lists.join("credential-status-revoked.json"), &with_list);
    assert_eq!(report["verified"], false);
    assert_eq!(failed_checks(&report), ["status"], "{report:#}");
    table.push("| `bit-string-list/credential-status-revoked.json` (list pinned) | invalid (revoked) | refused | ldp_vc | status |".into());
    // The 1EdTechRevocationList of the other revoked fixture is not read: offline its status is reported as not
    // checked (online it is unknown, which refuses it unless the verifier accepts unknown status).
    let report = verify(&dir.join("credential-status-revoked.json"), &documents);
    let status = report["checks"].as_array().unwrap().iter().find(|c| c["check"] == "status").unwrap().clone();
    assert_eq!(status["status"], "skipped", "{report:#}");
    table.push("| `credential-status-revoked.json` | invalid (revoked) | signature verified, status not checked offline | ldp_vc | - |".into());
    println!("{}", table.join("\n"));
}

#[test]
fn foreign_badges_are_refused_for_named_reasons_issue_12() {
    let Some(dir) = fixtures() else { return };
    let setup = Setup::new();
    let documents = key_documents(&setup);
    let simple: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("simple.json")).unwrap()).unwrap();
    let write = |name: &str, value: &Value| {
        let path = setup.path(name);
        std::fs::write(&path, serde_json::to_string_pretty(value).unwrap()).unwrap();
        path
    };
    // A property moved to another place in the document is the same credential: still valid.
    let reordered: serde_json::Map<String, Value> =
        simple.as_object().unwrap().iter().rev().map(|(k, v)| (k.clone(), v.clone())).collect();
    assert_eq!(verify(&write("reordered.json", &Value::Object(reordered)), &documents)["verified"], true);
    // One claim changed after signing.
    let mut changed = simple.clone();
    changed["name"] = json!("Teamwork Badge (forged)");
    assert_eq!(failed_checks(&verify(&write("changed.json", &changed), &documents)), ["signature"]);
    // A context we do not hold is refused by name, never fetched.
    let mut unknown = simple.clone();
    unknown["@context"].as_array_mut().unwrap().push(json!("https://evil.example/context.json"));
    let report = verify(&write("unknown-context.json", &unknown), &documents);
    assert_eq!(failed_checks(&report), ["context"]);
    assert!(report["errors"][0]["detail"].as_str().unwrap().contains("https://evil.example/context.json"));
    // A proof value that is not 64 bytes of base58btc fails the signature, saying so.
    let mut garbled = simple.clone();
    garbled["proof"][0]["proofValue"] = json!("z0OIl");
    let report = verify(&write("garbled.json", &garbled), &documents);
    assert_eq!(failed_checks(&report), ["signature"], "{report:#}");
    assert!(report["errors"][0]["detail"].as_str().unwrap().contains("base58btc"), "{report:#}");
    // A verification method whose controller is another party than the issuer.
    let mut stranger = simple.clone();
    stranger["issuer"]["id"] = json!(STATE_GOV);
    stranger["proof"][0]["verificationMethod"] = json!(format!("{EXAMPLE_COM}#{KEY_A}"));
    let report = verify(&write("controller.json", &stranger), &documents);
    assert_eq!(failed_checks(&report), ["issuer-key"], "{report:#}");
    assert!(report["errors"][0]["detail"].as_str().unwrap().contains("not the issuer"), "{report:#}");
}

fn wallet(dir: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_skillspass"))
        .args(["wallet", "--wallet", dir.to_str().unwrap()])
        .args(args)
        .env("SKILLSPASS_PASSPHRASE", "a passphrase for foreign badges")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

fn presentation_report(vp: &str, nonce: &str) -> skillspass::core::report::Report {
    let verifier = skillspass::verifier::Verifier::new(skillspass::verifier::Policy::default()).unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let verification =
        runtime.block_on(verifier.verify_presentation(vp, nonce, "https://employer.example", chrono::Utc::now()));
    skillspass::core::report::Report::presentation(&verification)
}

/// A worker brings badges from other platforms into the wallet: a Data Integrity badge and an Open Badges JWT
/// baked into an SVG. Both name the worker otherwise than by the wallet's key, so the wallet asks for consent
/// (`--other-subject`) and marks them; it keeps each with its format and proof type, and presents them whole in
/// a `vp+jwt`. The employer's verifier accepts the badge whose subject is not a DID, with a warning that nothing
/// binds it to the presenter, and refuses the one whose subject is another DID.
#[test]
fn foreign_badges_are_kept_with_their_format_and_presented_whole_issue_12() {
    let Some(dir) = fixtures() else { return };
    let setup = Setup::new();
    let home = setup.path("wallet");
    assert_eq!(code(&wallet(&home, &["init"])), 0);
    let did_key_badge = dir.join("simple-did-key-method.json");
    let refused = wallet(&home, &["import", did_key_badge.to_str().unwrap(), "--offline"]);
    assert_eq!(code(&refused), 1);
    assert!(crate::helpers::stderr(&refused).contains("--other-subject"), "{}", crate::helpers::stderr(&refused));
    for file in ["simple-did-key-method.json", "simple-jwt.svg"] {
        let out = wallet(&home, &["import", dir.join(file).to_str().unwrap(), "--offline", "--other-subject"]);
        assert_eq!(code(&out), 0, "{file}: {}", crate::helpers::stderr(&out));
        assert!(stdout(&out).contains("not bound to you"), "{file}: {}", stdout(&out));
    }
    let listed: Vec<Value> = serde_json::from_str(&stdout(&wallet(&home, &["list", "--json"]))).unwrap();
    let by_format = |format: &str| listed.iter().find(|c| c["format"] == format).unwrap_or_else(|| panic!("{format}"));
    let di = by_format("ldp_vc");
    assert_eq!(di["proof"], "DataIntegrityProof eddsa-rdfc-2022");
    let jwt = by_format("jwt_vc_json");
    assert_eq!(jwt["proof"], "JWS RS256");
    let shown = stdout(&wallet(&home, &["show", di["id"].as_str().unwrap()]));
    assert!(shown.contains("format   ldp_vc (DataIntegrityProof eddsa-rdfc-2022)"), "{shown}");
    assert!(shown.contains("shows the whole credential"), "{shown}");

    let present = |id: &str, nonce: &str| {
        let out =
            wallet(&home, &["present", "--credential", id, "--nonce", nonce, "--aud", "https://employer.example"]);
        assert_eq!(code(&out), 0, "{}", crate::helpers::stderr(&out));
        stdout(&out).trim().to_owned()
    };
    let vp = present(di["id"].as_str().unwrap(), "n-di");
    let (_, payload, _) = crate::helpers::decode(&vp);
    assert_eq!(payload["verifiableCredential"][0]["proof"][0]["cryptosuite"], "eddsa-rdfc-2022", "embedded as JSON-LD");
    let report = serde_json::to_value(presentation_report(&vp, "n-di")).unwrap();
    assert_eq!(report["verified"], true, "{report:#}");
    let credential = &report["credentials"][0];
    assert_eq!(credential["format"], "ldp_vc");
    assert!(
        credential["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["type"].as_str().unwrap().ends_with("#holder-binding-unproven")),
        "{credential:#}"
    );

    let vp = present(jwt["id"].as_str().unwrap(), "n-jwt");
    let (_, payload, _) = crate::helpers::decode(&vp);
    assert!(payload["verifiableCredential"][0]["id"].as_str().unwrap().starts_with("data:application/jwt,"));
    let report = serde_json::to_value(presentation_report(&vp, "n-jwt")).unwrap();
    assert_eq!(report["verified"], false, "a did:example subject is not the presenter");
    let failed = &report["credentials"][0]["checks"];
    assert!(
        failed.as_array().unwrap().iter().any(|c| c["check"] == "holder-binding" && c["status"] == "failed"),
        "{report:#}"
    );
}

/// Open Badges 2.0 fixtures of the 1EdTech validator and the check that refuses each (None: verifies).
const V2_FIXTURES: [(&str, Option<&str>); 22] = [
    ("basic-assertion.json", None),
    ("simple-badge.png", None),
    ("simple.jwt", None),
    ("simple-not-revoked.jwt", None),
    ("basic-assertion-no-public-key.json", None),
    ("basic-assertion-with-language.json", None),
    ("basic-assertion-with-allowed-origins.json", None),
    ("basic-assertion-with-allowed-origins-valid-starts-with.json", None),
    ("basic-assertion-with-allowed-origins-valid-multiple-starts-with.json", None),
    ("assertion-with-endorsements.json", None),
    ("assertion-with-extension-node-basic.json", None),
    ("warning-with-redirection.json", None),
    ("simple-revoked.jwt", Some("revocation")),
    ("basic-assertion-expired.json", Some("validity")),
    ("basic-assertion-in-future.json", Some("validity")),
    ("basic-assertion-expired-before-issued.json", Some("validity")),
    ("basic-assertion-invalid-context.json", Some("claims")),
    ("basic-assertion-invalid-type.json", Some("claims")),
    ("assertion-with-data-image.json", Some("claims")),
    ("basic-assertion-with-allowed-origins-invalid-starts-with.json", Some("issuer-key")),
    ("basic-assertion-with-allowed-origins-invalid-multiple-starts-with.json", Some("issuer-key")),
    ("badge-class-with-language.json", Some("parse")),
];

/// The payload of a JWS, or the JSON of a file, or the JSON baked in a PNG (read with our extractor).
fn v2_document(path: &Path) -> Value {
    let bytes = std::fs::read(path).unwrap();
    if let Ok(baked) = skillspass::core::baking::extract(&bytes) {
        return serde_json::from_str(baked.content.credential_text()).unwrap();
    }
    let text = String::from_utf8(bytes).unwrap();
    if text.trim().split('.').count() == 3 {
        return crate::helpers::decode(text.trim()).1;
    }
    serde_json::from_str(&text).unwrap()
}

/// The documents an assertion links to, served from the validator's `assets/` as its tests do (the URL prefixes
/// `https://example.org/`, `https://www.example.org/` and `http://example.org/` map to that folder), with the
/// hosted assertion served at its own id by the fixture file itself.
fn v2_documents(dir: &Path, fixture: &Path) -> Vec<PathBuf> {
    let asset = |url: &str| {
        ["https://example.org/", "https://www.example.org/", "http://example.org/"]
            .iter()
            .find_map(|prefix| url.strip_prefix(prefix))
            .map(|rest| dir.join("assets").join(rest))
            .filter(|path| path.is_file())
    };
    let start = v2_document(fixture);
    let mut served: Vec<(String, PathBuf)> = Vec::new();
    let hosted = start.pointer("/verification/type").and_then(Value::as_str) == Some("hosted");
    if let (true, Some(id)) = (hosted, start.get("id").and_then(Value::as_str)) {
        let own = if fixture.extension().is_some_and(|e| e == "png") {
            dir.join("basic-assertion.json")
        } else {
            fixture.to_owned()
        };
        served.push((id.to_owned(), own));
    }
    let mut pending = skillspass::core::open_badges_v2::links(&start);
    while let Some(url) = pending.pop() {
        if served.iter().any(|(u, _)| *u == url) {
            continue;
        }
        if let Some(path) = asset(&url) {
            if let Ok(document) = serde_json::from_str::<Value>(&std::fs::read_to_string(&path).unwrap()) {
                pending.extend(skillspass::core::open_badges_v2::links(&document));
            }
            served.push((url, path));
        }
    }
    served
        .into_iter()
        .flat_map(|(url, path)| [PathBuf::from("--document"), PathBuf::from(format!("{url}={}", path.display()))])
        .collect()
}

/// The 1EdTech validator's Open Badges 2.0 fixtures, signed (RS256, keys the issuer's profile lists) and hosted
/// (the issuer's server vouches): each verifies, or is refused for the reason its name gives.
#[test]
fn open_badges_2_fixtures_verify_or_are_refused_for_their_reason_issue_12() {
    let Some(v3) = fixtures() else { return };
    let dir = v3.parent().unwrap().join("openbadges-2.0");
    let mut table = vec![
        "| fixture | expected | skillspass | format | failing checks |".to_owned(),
        "| --- | --- | --- | --- | --- |".into(),
    ];
    for (name, refused_by) in V2_FIXTURES {
        let fixture = dir.join(name);
        let report = verify_with(&fixture, &v2_documents(&dir, &fixture));
        let failed = failed_checks(&report);
        match refused_by {
            None => assert_eq!(report["verified"], true, "{name}: {report:#}"),
            Some(check) => {
                assert_eq!(report["verified"], false, "{name}");
                assert!(failed.iter().any(|f| f == check), "{name}: {check} must fail, failed {failed:?}");
            }
        }
        if name.contains("hosted") || report["format"] == "openbadges-v2-hosted" && report["verified"] == true {
            assert_eq!(report["policy"]["evidence"], "hosted", "{name}: a hosted badge's evidence is marked");
        }
        table.push(format!(
            "| `{name}` | {} | {} | {} | {} |",
            if refused_by.is_some() { "invalid" } else { "valid" },
            if report["verified"] == true { "verified" } else { "refused" },
            report["format"].as_str().unwrap_or_default(),
            if failed.is_empty() { "-".to_owned() } else { failed.join(", ") },
        ));
    }
    println!("{}", table.join("\n"));
}

/// An Open Badges JWT whose `jwk` header carries a private key (`d`) is refused at parse, naming why: a key in a
/// header is public or it is an accident waiting to be copied.
#[test]
fn an_open_badges_jwt_with_a_private_jwk_header_is_refused_issue_12() {
    let Some(dir) = fixtures() else { return };
    let baked = skillspass::core::baking::extract(&std::fs::read(dir.join("simple-jwt.png")).unwrap()).unwrap();
    let jwt = baked.content.credential_text().to_owned();
    let (mut header, _, _) = crate::helpers::decode(&jwt);
    header["jwk"]["d"] = json!("AQAB");
    let parts: Vec<&str> = jwt.split('.').collect();
    let forged = format!("{}.{}.{}", crate::helpers::segment(&header), parts[1], parts[2]);
    let setup = Setup::new();
    let file = setup.path("private.jwt");
    std::fs::write(&file, forged).unwrap();
    let report = verify_with(&file, &[]);
    assert_eq!(failed_checks(&report), ["parse"], "{report:#}");
    assert!(report["errors"][0]["detail"].as_str().unwrap().contains("private key material"), "{report:#}");
}
