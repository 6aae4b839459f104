//! The holder wallet from the command line (issue #4): the whole flow, encryption at rest, crash safety and the
//! named rejections.

use std::io::{BufRead as _, BufReader, Write as _};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;
use skillspass::core::encoding::b64url_decode;
use skillspass::core::keys::SigningKey;

use crate::helpers::{Setup, code, example, read_token, stderr, stdout};

const PASSPHRASE: &str = "correct horse battery staple";
const EXPORT_PASSPHRASE: &str = "a different export passphrase";

fn wallet(dir: &Path, passphrase: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_skillspass"))
        .args(["wallet", "--wallet", dir.to_str().unwrap()])
        .args(args)
        .env("SKILLSPASS_PASSPHRASE", passphrase)
        .env("SKILLSPASS_EXPORT_PASSPHRASE", EXPORT_PASSPHRASE)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// A wallet with its DID, and an issuer setup whose credentials go to that DID.
fn wallet_with_issuer() -> (Setup, std::path::PathBuf, String) {
    let mut setup = Setup::new();
    let dir = setup.path("wallet");
    let out = wallet(&dir, PASSPHRASE, &["init", "--json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let did = serde_json::from_str::<Value>(&stdout(&out)).unwrap()["did"].as_str().unwrap().to_owned();
    setup.learner.clone_from(&did);
    (setup, dir, did)
}

fn list_json(dir: &Path) -> Vec<Value> {
    let out = wallet(dir, PASSPHRASE, &["list", "--json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    serde_json::from_str::<Vec<Value>>(&stdout(&out)).unwrap()
}

#[test]
fn wallet_flow_import_list_skills_export_restore_present() {
    let (setup, dir, did) = wallet_with_issuer();
    let micro = setup.issue("micro-credential.json", &[]);
    let badge = setup.issue("course-badge.json", &[]);
    for file in [&micro, &badge] {
        let out = wallet(&dir, PASSPHRASE, &["import", file.to_str().unwrap()]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        assert!(stdout(&out).starts_with("imported urn:uuid:"), "{}", stdout(&out));
    }
    let again = wallet(&dir, PASSPHRASE, &["import", micro.to_str().unwrap()]);
    assert!(stdout(&again).starts_with("already stored"), "duplicates are recognised: {}", stdout(&again));
    assert_eq!(list_json(&dir).len(), 2);

    let by_label = wallet(&dir, PASSPHRASE, &["list", "--skill", "python", "--json"]);
    assert_eq!(serde_json::from_str::<Vec<Value>>(&stdout(&by_label)).unwrap().len(), 1);
    let by_type = wallet(&dir, PASSPHRASE, &["list", "--type", "Course", "--json"]);
    assert_eq!(serde_json::from_str::<Vec<Value>>(&stdout(&by_type)).unwrap().len(), 1);
    let by_issuer = wallet(&dir, PASSPHRASE, &["list", "--issuer", &setup.issuer, "--json"]);
    assert_eq!(serde_json::from_str::<Vec<Value>>(&stdout(&by_issuer)).unwrap().len(), 2);
    let none = wallet(&dir, PASSPHRASE, &["list", "--since", "2099-01-01T00:00:00Z", "--json"]);
    assert!(serde_json::from_str::<Vec<Value>>(&stdout(&none)).unwrap().is_empty());

    let skills: Vec<Value> = serde_json::from_str(&stdout(&wallet(&dir, PASSPHRASE, &["skills", "--json"]))).unwrap();
    assert_eq!(skills.len(), 3, "two skills from the micro-credential, one from the badge");
    let python = skills.iter().find(|s| s["label"] == "Python (computer programming)").unwrap();
    assert_eq!(python["evidence"][0]["eqfLevel"], 5);
    assert_eq!(python["evidence"][0]["learningSetting"], "non-formal");
    assert_eq!(python["evidence"][0]["valid"], true);

    let export = setup.path("wallet.skpx");
    assert_eq!(code(&wallet(&dir, PASSPHRASE, &["export", "--out", export.to_str().unwrap()])), 0);
    let restored = setup.path("restored");
    let out = wallet(&restored, "a new wallet passphrase", &["restore", export.to_str().unwrap()]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let micro_id = read_claim(&read_token(&micro), "id");
    let shown = wallet(&restored, "a new wallet passphrase", &["show", &micro_id, "--json"]);
    let shown: Value = serde_json::from_str(&stdout(&shown)).unwrap();
    assert_eq!(shown["token"].as_str().unwrap(), read_token(&micro), "byte-identical after restore");
    let keys = wallet(&restored, "a new wallet passphrase", &["did"]);
    assert!(stdout(&keys).contains(&did), "the holder key came along");

    let vp = wallet(
        &restored,
        "a new wallet passphrase",
        &["present", "--credential", &micro_id, "--nonce", "n-1", "--aud", "https://employer.example"],
    );
    assert_eq!(code(&vp), 0, "{}", stderr(&vp));
    let verifier = skillspass::verifier::Verifier::new(skillspass::verifier::Policy::default()).unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let report = skillspass::core::report::Report::presentation(&runtime.block_on(verifier.verify_presentation(
        stdout(&vp).trim(),
        "n-1",
        "https://employer.example",
        chrono::Utc::now(),
    )));
    assert!(report.verified, "{:?}", report.errors);
    assert_eq!(report.skills.len(), 2);

    let deleted = wallet(&dir, PASSPHRASE, &["delete", &micro_id]);
    assert_eq!(code(&deleted), 0);
    assert_eq!(list_json(&dir).len(), 1);
}

fn read_claim(token: &str, name: &str) -> String {
    let payload: Value = serde_json::from_slice(&b64url_decode(token.split('.').nth(1).unwrap()).unwrap()).unwrap();
    payload[name].as_str().unwrap().to_owned()
}

fn files_contain(dir: &Path, needle: &[u8]) -> Option<String> {
    let mut stack = vec![dir.to_owned()];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            stack.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        } else {
            let bytes = std::fs::read(&path).unwrap();
            if bytes.windows(needle.len()).any(|w| w == needle) {
                return Some(path.display().to_string());
            }
        }
    }
    None
}

#[test]
fn the_operator_sees_only_ciphertext() {
    let (setup, dir, _) = wallet_with_issuer();
    let token_file = setup.issue("micro-credential.json", &[]);
    assert_eq!(code(&wallet(&dir, PASSPHRASE, &["import", token_file.to_str().unwrap()])), 0);
    let export = setup.path("export.skpx");
    assert_eq!(code(&wallet(&dir, PASSPHRASE, &["export", "--out", export.to_str().unwrap()])), 0);
    let token = read_token(&token_file);
    let mut secrets = vec![read_claim(&token, "id"), setup.issuer.clone(), "Data analysis with Python".into()];
    secrets.push("http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d".into());
    secrets.push("http://data.europa.eu/esco/skill/326809fc-238d-40c2-881e-40042f7f2f0d".into());
    secrets.extend(token.split('.').map(str::to_owned));
    for secret in &secrets {
        assert_eq!(files_contain(&dir, secret.as_bytes()), None, "wallet files contain {secret:.60}");
        assert_eq!(files_contain(&export, secret.as_bytes()), None, "export contains {secret:.60}");
    }
}

#[test]
fn crash_safety_every_acknowledged_import_survives_sigkill() {
    let (setup, dir, did) = wallet_with_issuer();
    let issuer =
        skillspass::issuer::Issuer::with_did_key(skillspass::store::read_key_file(&setup.key).unwrap()).unwrap();
    let description: Value =
        serde_json::from_str(&std::fs::read_to_string(example("course-badge.json")).unwrap()).unwrap();
    let tokens: Vec<String> =
        (0..200).map(|_| issuer.issue_json(&description, &did, None, chrono::Utc::now()).unwrap().token).collect();
    let mut child = Command::new(env!("CARGO_BIN_EXE_skillspass"))
        .args(["wallet", "--wallet", dir.to_str().unwrap(), "import", "-"])
        .env("SKILLSPASS_PASSPHRASE", PASSPHRASE)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    std::thread::spawn(move || {
        for token in tokens {
            if writeln!(input, "{token}").is_err() {
                break;
            }
        }
    });
    let mut acknowledged = Vec::new();
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        if let Some(id) = line.strip_prefix("imported ") {
            acknowledged.push(id.to_owned());
        }
        if acknowledged.len() == 25 {
            child.kill().unwrap(); // SIGKILL, in the middle of the stream
            break;
        }
    }
    let _ = child.wait();
    assert_eq!(acknowledged.len(), 25, "the importer acknowledged imports before the kill");
    let stored: Vec<String> = list_json(&dir).iter().map(|c| c["id"].as_str().unwrap().to_owned()).collect();
    for id in &acknowledged {
        assert!(stored.contains(id), "acknowledged import {id} was lost");
    }
    let out = wallet(&dir, PASSPHRASE, &["skills", "--json"]);
    assert_eq!(code(&out), 0, "the store stays readable: {}", stderr(&out));
}

#[test]
fn wrong_passphrase_is_refused_and_changes_nothing() {
    let (setup, dir, _) = wallet_with_issuer();
    let token_file = setup.issue("course-badge.json", &[]);
    assert_eq!(code(&wallet(&dir, PASSPHRASE, &["import", token_file.to_str().unwrap()])), 0);
    let out = wallet(&dir, "not the passphrase", &["list"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("wrong passphrase (nothing was changed)"), "{}", stderr(&out));
    let out = wallet(&dir, "not the passphrase", &["import", token_file.to_str().unwrap()]);
    assert_eq!(code(&out), 2);
    assert_eq!(list_json(&dir).len(), 1, "data untouched");
}

fn exported(setup: &Setup, dir: &Path) -> Vec<u8> {
    let token_file = setup.issue("course-badge.json", &[]);
    assert_eq!(code(&wallet(dir, PASSPHRASE, &["import", token_file.to_str().unwrap()])), 0);
    let export = setup.path("e.skpx");
    assert_eq!(code(&wallet(dir, PASSPHRASE, &["export", "--out", export.to_str().unwrap()])), 0);
    std::fs::read(export).unwrap()
}

fn restore_bytes(setup: &Setup, bytes: &[u8], export_passphrase: &str) -> Output {
    let file = setup.path(&format!("restore-{}.skpx", uuid::Uuid::new_v4()));
    std::fs::write(&file, bytes).unwrap();
    let target = setup.path(&format!("target-{}", uuid::Uuid::new_v4()));
    let output = Command::new(env!("CARGO_BIN_EXE_skillspass"))
        .args(["wallet", "--wallet", target.to_str().unwrap(), "restore", file.to_str().unwrap()])
        .env("SKILLSPASS_PASSPHRASE", PASSPHRASE)
        .env("SKILLSPASS_EXPORT_PASSPHRASE", export_passphrase)
        .output()
        .unwrap();
    if code(&output) != 0 {
        let probe = wallet(&target, PASSPHRASE, &["list"]);
        assert!(stderr(&probe).contains("no wallet here"), "a failed restore left a wallet behind");
    }
    output
}

#[test]
fn corrupted_export_is_refused() {
    let (setup, dir, _) = wallet_with_issuer();
    let mut bytes = exported(&setup, &dir);
    let middle = bytes.len() / 2 + 40;
    bytes[middle] ^= 0x55;
    let out = restore_bytes(&setup, &bytes, EXPORT_PASSPHRASE);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("wrong export passphrase, or the file is damaged"), "{}", stderr(&out));
}

#[test]
fn truncated_export_is_refused() {
    let (setup, dir, _) = wallet_with_issuer();
    let bytes = exported(&setup, &dir);
    for cut in [5, 40, bytes.len() - 10] {
        let out = restore_bytes(&setup, &bytes[..cut], EXPORT_PASSPHRASE);
        assert_eq!(code(&out), 2, "cut at {cut}");
        assert!(stderr(&out).contains("damaged") || stderr(&out).contains("truncated"), "{}", stderr(&out));
    }
}

#[test]
fn export_restored_with_a_wrong_passphrase_is_refused() {
    let (setup, dir, _) = wallet_with_issuer();
    let bytes = exported(&setup, &dir);
    let out = restore_bytes(&setup, &bytes, "not the export passphrase");
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("wrong export passphrase"), "{}", stderr(&out));
}

#[test]
fn tampered_credential_is_not_imported() {
    let (setup, dir, _) = wallet_with_issuer();
    let token = read_token(&setup.issue("course-badge.json", &[]));
    let parts: Vec<&str> = token.split('.').collect();
    let forged = format!("{}.{}.{}", parts[0], parts[1], &parts[2].chars().rev().collect::<String>());
    let file = setup.path("forged.jwt");
    std::fs::write(&file, forged).unwrap();
    let out = wallet(&dir, PASSPHRASE, &["import", file.to_str().unwrap()]);
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("did not verify, nothing was stored"), "{}", stderr(&out));
    assert!(list_json(&dir).is_empty());
}

#[test]
fn foreign_subject_credential_is_not_imported() {
    let (mut setup, dir, _) = wallet_with_issuer();
    setup.learner =
        skillspass::core::did::Did::key(&SigningKey::generate(&mut rand::rngs::OsRng).verifying_key()).to_string();
    let file = setup.issue("course-badge.json", &[]);
    let out = wallet(&dir, PASSPHRASE, &["import", file.to_str().unwrap()]);
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("is not one of this wallet's keys"), "{}", stderr(&out));
    assert!(list_json(&dir).is_empty());
}

#[test]
fn sd_jwt_vc_in_the_wallet_discloses_only_what_the_holder_chooses() {
    let (setup, dir, _) = wallet_with_issuer();
    let file = setup.issue("micro-credential.json", &["--format", "sd-jwt"]);
    let out = wallet(&dir, PASSPHRASE, &["import", file.to_str().unwrap()]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let id = stdout(&out).trim().strip_prefix("imported ").unwrap().to_owned();
    let shown = stdout(&wallet(&dir, PASSPHRASE, &["show", &id]));
    assert!(shown.contains("can disclose  claim grade"), "{shown}");
    assert!(shown.contains("can disclose  skill http://data.europa.eu/esco/skill/ccd0a1d9"), "{shown}");

    let python = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d";
    let teamwork = "http://data.europa.eu/esco/skill/326809fc-238d-40c2-881e-40042f7f2f0d";
    let out = wallet(
        &dir,
        PASSPHRASE,
        &["present", "--credential", &id, "--disclose", python, "--nonce", "n-7", "--aud", "https://employer.example"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let presentation = stdout(&out).trim().to_owned();

    let issued = skillspass::core::sd_jwt::Decoded::parse(&read_token(&file)).unwrap();
    let sent = skillspass::core::sd_jwt::Decoded::parse(&presentation).unwrap();
    assert_eq!(sent.disclosures.len(), 1, "exactly the chosen disclosure");
    assert!(sent.key_binding.is_some());
    for disclosure in issued.disclosures.iter().filter(|d| d.value().get("id").and_then(Value::as_str) != Some(python))
    {
        assert!(!presentation.contains(disclosure.encoded()), "an unchosen disclosure was sent");
        assert!(!presentation.contains(disclosure.salt()), "the salt of an undisclosed claim was sent");
    }
    let decoded_parts: String = presentation
        .split(['~', '.'])
        .filter_map(|p| b64url_decode(p).ok())
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .collect();
    assert!(decoded_parts.contains(python));
    assert!(!decoded_parts.contains(teamwork), "another skill's URI appears in the presentation");
    assert!(!decoded_parts.contains("8.5") && !decoded_parts.contains("Sanne"), "grade or name leaked");

    let verifier = skillspass::verifier::Verifier::new(skillspass::verifier::Policy::default()).unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let check = |nonce: &str, aud: &str| {
        let verification =
            runtime.block_on(verifier.verify_presentation(&presentation, nonce, aud, chrono::Utc::now()));
        skillspass::core::report::Report::presentation(&verification)
    };
    let report = check("n-7", "https://employer.example");
    assert!(report.verified, "{:?}", report.errors);
    assert_eq!(report.skills.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(), [python]);
    assert!(!check("n-7", "https://employer.example").verified, "a replayed presentation is refused");
    assert!(!check("n-8", "https://employer.example").verified, "another nonce is refused");
    assert!(!check("n-7", "https://someone-else.example").verified, "another audience is refused");
    let unknown = wallet(
        &dir,
        PASSPHRASE,
        &["present", "--credential", &id, "--disclose", "no-such-claim", "--nonce", "n", "--aud", "a"],
    );
    assert_eq!(code(&unknown), 2);
}

/// Issue 10: the passphrase rule is the wallet's, so every CLI path that sets one refuses an empty or 7-character
/// passphrase with a clear message, and nothing is created.
#[test]
fn weak_passphrases_are_refused_on_init_export_and_restore_issue_10() {
    let setup = Setup::new();
    for weak in ["", "1234567"] {
        let dir = setup.path(&format!("weak-{}", weak.len()));
        let out = wallet(&dir, weak, &["init"]);
        assert_eq!(code(&out), 2, "{}", stderr(&out));
        assert!(stderr(&out).contains("at least 8 characters"), "{}", stderr(&out));
        assert!(!dir.exists(), "no wallet folder is created for a refused passphrase");
    }

    let (setup, dir, _) = wallet_with_issuer();
    let export_with = |passphrase: &str, out: &Path| {
        Command::new(env!("CARGO_BIN_EXE_skillspass"))
            .args(["wallet", "--wallet", dir.to_str().unwrap(), "export", "--out", out.to_str().unwrap()])
            .env("SKILLSPASS_PASSPHRASE", PASSPHRASE)
            .env("SKILLSPASS_EXPORT_PASSPHRASE", passphrase)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let refused_file = setup.path("weak.skpx");
    let out = export_with("1234567", &refused_file);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("at least 8 characters"), "{}", stderr(&out));
    assert!(!refused_file.exists(), "no export file is written");

    let good_file = setup.path("good.skpx");
    assert_eq!(code(&export_with(EXPORT_PASSPHRASE, &good_file)), 0);
    let target = setup.path("restored");
    let restore = |export: &str, new: &str| {
        Command::new(env!("CARGO_BIN_EXE_skillspass"))
            .args(["wallet", "--wallet", target.to_str().unwrap(), "restore", good_file.to_str().unwrap()])
            .env("SKILLSPASS_PASSPHRASE", new)
            .env("SKILLSPASS_EXPORT_PASSPHRASE", export)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    for (export, new) in
        [("", PASSPHRASE), ("1234567", PASSPHRASE), (EXPORT_PASSPHRASE, ""), (EXPORT_PASSPHRASE, "1234567")]
    {
        let out = restore(export, new);
        assert_eq!(code(&out), 2, "{export:?}/{new:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("at least 8 characters"), "{}", stderr(&out));
        assert!(!target.exists(), "nothing is created by a refused restore");
    }
    assert_eq!(code(&restore(EXPORT_PASSPHRASE, PASSPHRASE)), 0, "the good passphrases still restore");
}

/// Issue 13: the private match from the command line, offline: a credential for Python proves "computer
/// programming" through the narrower skill; once the credential expires it proves nothing and says why.
#[test]
fn wallet_match_counts_a_narrower_skill_and_not_an_expired_credential() {
    let (setup, dir, _) = wallet_with_issuer();
    let expiry = chrono::Utc::now() + chrono::Duration::seconds(20);
    let soon = expiry.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let expiring = setup.issue("micro-credential.json", &["--valid-until", &soon]);
    let lasting = setup.issue("course-badge.json", &[]);
    for token in [&expiring, &lasting] {
        let out = wallet(&dir, PASSPHRASE, &["import", token.to_str().unwrap(), "--offline"]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
    }
    let profile = setup.path("profile.toml");
    std::fs::write(
        &profile,
        "title = \"Web developer\"\n\
         [[essential]]\nskill = \"http://data.europa.eu/esco/skill/21d2f96d-35f7-4e3f-9745-c533d2dd6e97\"\n\
         [[essential]]\nskill = \"http://data.europa.eu/esco/skill/5fd5c985-eaaa-47aa-8314-62359c54505a\"\n",
    )
    .unwrap();
    let matched = |at: &str| {
        let out = wallet(&dir, PASSPHRASE, &["match", profile.to_str().unwrap(), "--json"]);
        assert_eq!(code(&out), 0, "{at}: {}", stderr(&out));
        serde_json::from_str::<Value>(&stdout(&out)).unwrap()
    };
    let before = matched("before");
    assert_eq!(before["essential"], serde_json::json!({"proven": 2, "total": 2}), "{before:#}");
    assert_eq!(before["skills"][0]["outcome"], "proven-narrower");
    assert_eq!(before["skills"][0]["evidence"][0]["via"]["label"], "Python (computer programming)");
    let out = wallet(&dir, PASSPHRASE, &["skills"]);
    assert!(
        stdout(&out).contains("Python (computer programming)  <http://data.europa.eu/esco/skill/ccd0a1d9"),
        "{}",
        stdout(&out)
    );

    let left = (expiry - chrono::Utc::now()).to_std().unwrap_or_default();
    std::thread::sleep(left + std::time::Duration::from_secs(1));
    let after = matched("after");
    assert_eq!(after["essential"], serde_json::json!({"proven": 1, "total": 2}), "{after:#}");
    assert_eq!(after["missingEssential"][0], "http://data.europa.eu/esco/skill/21d2f96d-35f7-4e3f-9745-c533d2dd6e97");
    let evidence = &after["skills"][0]["evidence"][0];
    assert_eq!(evidence["counts"], false);
    assert!(evidence["reason"].as_str().unwrap().starts_with("expired on"), "{evidence:#}");
    let out = wallet(&dir, PASSPHRASE, &["match", "--occupation", "qqqq zzzz"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("is not an ESCO occupation"), "{}", stderr(&out));
}
