//! Issue 11 from the command line: a damaged wallet is reported and never rewritten, a 300-byte export cannot
//! make the CLI derive a gibibyte, a closed standard output ends the CLI quietly, and the verify and wallet flags
//! no test drove before (`--offline`, `--skew`, `wallet did`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use skillspass::core::encoding::b64url;
use skillspass::core::vc_jose::sign_credential;

use crate::helpers::{Setup, code, stderr, stdout};

const PASSPHRASE: &str = "correct horse battery staple";

fn wallet(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_skillspass"))
        .args(["wallet", "--wallet", dir.to_str().unwrap()])
        .args(args)
        .env("SKILLSPASS_PASSPHRASE", PASSPHRASE)
        .env("SKILLSPASS_EXPORT_PASSPHRASE", "an export passphrase")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// Every file under `dir` with its bytes.
fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut found = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                found.insert(path.clone(), std::fs::read(&path).unwrap());
            }
        }
    }
    found
}

/// A wallet holding three credentials; its folder.
fn wallet_with_credentials(setup: &mut Setup) -> PathBuf {
    let dir = setup.path("wallet");
    let out = wallet(&dir, &["init", "--json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    serde_json::from_str::<Value>(&stdout(&out)).unwrap()["did"].as_str().unwrap().clone_into(&mut setup.learner);
    for example in ["course-badge.json", "micro-credential.json", "practice-statement.json"] {
        let token = setup.issue(example, &[]);
        let out = wallet(&dir, &["import", token.to_str().unwrap()]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
    }
    dir
}

#[test]
fn a_damaged_wallet_is_reported_and_never_rewritten_by_a_read_issue_11() {
    let mut setup = Setup::new();
    let dir = wallet_with_credentials(&mut setup);
    let database = dir.join("db").join("db");
    // sled preallocates its segment: the log written so far ends at the last non-zero byte.
    let written = std::fs::read(&database).unwrap().iter().rposition(|b| *b != 0).unwrap() + 1;
    assert!(written > 4096, "sled wrote its log: {written} bytes");
    // The snapshot gone and part of the log damaged: what a failing disk or a bad copy leaves behind.
    let damages: [(&str, Damage); 3] = [
        (
            "the log's second half overwritten",
            Box::new(move |bytes: &mut Vec<u8>| bytes[written / 2..written].fill(0xA5)),
        ),
        ("the log cut short", Box::new(move |bytes: &mut Vec<u8>| bytes.truncate(written / 3))),
        ("one byte flipped at 4000", Box::new(|bytes: &mut Vec<u8>| bytes[4000] ^= 0xFF)),
    ];
    let pristine = files(&dir);
    let mut reported = 0;
    for (damage, apply) in &damages {
        for (path, bytes) in &pristine {
            std::fs::write(path, bytes).unwrap();
        }
        for snapshot in std::fs::read_dir(dir.join("db")).unwrap().map(|e| e.unwrap().path()) {
            if snapshot.file_name().unwrap().to_string_lossy().starts_with("snap.") {
                std::fs::remove_file(snapshot).unwrap();
            }
        }
        let mut bytes = std::fs::read(&database).unwrap();
        apply(&mut bytes);
        std::fs::write(&database, &bytes).unwrap();
        let before = files(&dir);
        let out = wallet(&dir, &["list", "--json"]);
        assert!(
            !stderr(&out).contains("no wallet here"),
            "{damage}: a damaged wallet is not an absent one: {}",
            stderr(&out)
        );
        if code(&out) == 0 {
            let listed: Vec<Value> = serde_json::from_str(&stdout(&out)).unwrap();
            assert_eq!(listed.len(), 3, "{damage}: a wallet that opens holds every acknowledged credential");
        } else {
            assert_eq!(code(&out), 2, "{damage}: {}", stderr(&out));
            assert!(stderr(&out).contains("is damaged"), "{damage}: {}", stderr(&out));
            assert!(stderr(&out).contains("restore"), "{damage}: the message says how to recover: {}", stderr(&out));
            reported += 1;
        }
        assert_eq!(files(&dir), before, "{damage}: reading never rewrites the wallet's files");
    }
    assert!(reported >= 2, "losing part of the log is reported ({reported} of {} damages were)", damages.len());
}

/// A way to damage a log.
type Damage = Box<dyn Fn(&mut Vec<u8>)>;

/// An export whose header asks Argon2id for 1 GiB and 64 passes.
fn kdf_bomb() -> Vec<u8> {
    let header = json!({"kdf": {"alg": "argon2id", "m": 1_048_576, "t": 64, "p": 1, "salt": b64url([0u8; 16])},
        "aead": "XChaCha20-Poly1305", "created": "2026-01-01T00:00:00Z"});
    let header = serde_json::to_vec(&header).unwrap();
    let mut file = b"SKPXPORT".to_vec();
    file.push(1);
    file.extend_from_slice(&u32::try_from(header.len()).unwrap().to_be_bytes());
    file.extend_from_slice(&header);
    file.extend_from_slice(&[7u8; 64]);
    file
}

#[test]
fn a_300_byte_export_asking_for_a_gibibyte_is_refused_by_the_cli_issue_11() {
    let setup = Setup::new();
    let file = setup.path("bomb.skpx");
    std::fs::write(&file, kdf_bomb()).unwrap();
    let started = Instant::now();
    let out = wallet(&setup.path("target"), &["restore", file.to_str().unwrap()]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("Argon2id memory"), "{}", stderr(&out));
    assert!(started.elapsed() < Duration::from_secs(5), "refused before deriving: {:?}", started.elapsed());
    assert!(!setup.path("target").join("db").exists(), "no wallet was left behind");
}

#[test]
fn a_closed_standard_output_ends_the_cli_quietly_issue_11() {
    let setup = Setup::new();
    let token = setup.issue("micro-credential.json", &[]);
    for args in
        [vec!["verify", "--json", token.to_str().unwrap()], vec!["verify", token.to_str().unwrap()], vec!["--help"]]
    {
        let mut child = Command::new(env!("CARGO_BIN_EXE_skillspass"))
            .args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take()); // the reader is gone before the first byte is written
        let output = child.wait_with_output().unwrap();
        let errors = String::from_utf8_lossy(&output.stderr);
        assert!(!errors.contains("panicked"), "{args:?}: {errors}");
        assert_eq!(output.status.code(), Some(0), "{args:?} still exits with its own code: {errors}");
    }
}

/// A credential from the setup's issuer key, changed by `change` before signing.
fn signed(setup: &Setup, change: impl FnOnce(&mut Value)) -> String {
    let key = skillspass::store::read_key_file(&setup.key).unwrap();
    let did = skillspass::core::did::Did::key(&key.verifying_key());
    let mut credential = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": did.as_str(),
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": setup.learner},
    });
    change(&mut credential);
    sign_credential(&credential, &key, &did.default_kid(), chrono::Utc::now()).unwrap()
}

#[test]
fn offline_verification_and_the_clock_skew_are_the_user_s_to_set_issue_11() {
    let setup = Setup::new();
    let with_status = signed(&setup, |c| {
        c["credentialStatus"] = json!({"type": "BitstringStatusListEntry", "statusPurpose": "revocation",
            "statusListIndex": "7", "statusListCredential": "https://status.invalid/lists/1"});
    });
    let offline = setup.verify_token(&with_status, &["--offline", "--json"]);
    assert_eq!(code(&offline), 0, "{}", stdout(&offline));
    let report: Value = serde_json::from_str(&stdout(&offline)).unwrap();
    assert!(report.to_string().contains("status-not-checked"), "offline says the status was not checked: {report:#}");
    let online = setup.verify_token(&with_status, &["--json"]);
    assert_eq!(code(&online), 1, "online, an unreachable list is an unknown status: {}", stdout(&online));

    let starts_soon =
        (chrono::Utc::now() + chrono::Duration::seconds(60)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let early = signed(&setup, |c| c["validFrom"] = json!(starts_soon));
    assert_eq!(code(&setup.verify_token(&early, &["--offline"])), 0, "within the default 120 s skew");
    let strict = setup.verify_token(&early, &["--offline", "--skew", "0", "--json"]);
    assert_eq!(code(&strict), 1, "{}", stdout(&strict));
    assert!(stdout(&strict).contains("not yet valid"), "{}", stdout(&strict));
}

#[test]
fn wallet_did_prints_the_holder_s_did_issue_11() {
    let setup = Setup::new();
    let dir = setup.path("wallet");
    let init = wallet(&dir, &["init", "--json"]);
    let did = serde_json::from_str::<Value>(&stdout(&init)).unwrap()["did"].as_str().unwrap().to_owned();
    let out = wallet(&dir, &["did"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).starts_with(&did), "{} should start with {did}", stdout(&out));
    let none = wallet(&setup.path("elsewhere"), &["did"]);
    assert_eq!(code(&none), 2);
    assert!(stderr(&none).contains("no wallet here"), "{}", stderr(&none));
}

#[test]
fn a_restore_killed_at_any_moment_leaves_no_wallet_or_a_whole_one_issue_11() {
    let mut setup = Setup::new();
    let source = wallet_with_credentials(&mut setup);
    let export = setup.path("export.skpx");
    let out = wallet(&source, &["export", "--out", export.to_str().unwrap()]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let mut outcomes = [0usize; 2];
    for round in 0..20u64 {
        let target = setup.path(&format!("restored-{round}"));
        let mut child = Command::new(env!("CARGO_BIN_EXE_skillspass"))
            .args(["wallet", "--wallet", target.to_str().unwrap(), "restore", export.to_str().unwrap()])
            .env("SKILLSPASS_PASSPHRASE", PASSPHRASE)
            .env("SKILLSPASS_EXPORT_PASSPHRASE", "an export passphrase")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Spread the kills over the whole restore (key derivations, writes, the final rename).
        std::thread::sleep(Duration::from_millis(40 * round));
        child.kill().unwrap(); // SIGKILL
        let _ = child.wait();
        let listed = wallet(&target, &["list", "--json"]);
        if code(&listed) == 0 {
            let credentials: Vec<Value> = serde_json::from_str(&stdout(&listed)).unwrap();
            assert_eq!(credentials.len(), 3, "round {round}: a wallet that exists is whole");
            outcomes[1] += 1;
        } else {
            assert!(stderr(&listed).contains("no wallet here"), "round {round}: {}", stderr(&listed));
            let again = wallet(&target, &["restore", export.to_str().unwrap()]);
            assert_eq!(code(&again), 0, "round {round}: a retry restores: {}", stderr(&again));
            outcomes[0] += 1;
        }
        let leftovers = std::fs::read_dir(setup.dir.path())
            .unwrap()
            .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().contains(".staging-"))
            .count();
        assert_eq!(leftovers, 0, "round {round}: no staging folder is left behind after the next restore");
    }
    eprintln!("killed before the wallet appeared: {}; after: {}", outcomes[0], outcomes[1]);
}

#[test]
fn an_import_killed_at_any_moment_leaves_the_wallet_whole_issue_11() {
    let mut setup = Setup::new();
    let dir = wallet_with_credentials(&mut setup);
    let timed = setup.issue("course-badge.json", &[]);
    let started = Instant::now();
    assert_eq!(code(&wallet(&dir, &["import", timed.to_str().unwrap()])), 0);
    let import_takes = started.elapsed();
    let mut outcomes = [0usize; 2];
    for (held, round) in (4..).zip(0..20u64) {
        let token = setup.issue("course-badge.json", &[]);
        let mut child = Command::new(env!("CARGO_BIN_EXE_skillspass"))
            .args(["wallet", "--wallet", dir.to_str().unwrap(), "import", token.to_str().unwrap()])
            .env("SKILLSPASS_PASSPHRASE", PASSPHRASE)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Spread the kills over the whole import (unlocking, verifying, sealing, writing) and a little beyond.
        std::thread::sleep(import_takes * u32::try_from(round).unwrap() / 16);
        child.kill().unwrap(); // SIGKILL
        let _ = child.wait();
        let listed = wallet(&dir, &["list", "--json"]);
        assert_eq!(code(&listed), 0, "round {round}: the wallet opens after the kill: {}", stderr(&listed));
        let count = serde_json::from_str::<Vec<Value>>(&stdout(&listed)).unwrap().len();
        if count == held {
            let again = wallet(&dir, &["import", token.to_str().unwrap()]);
            assert_eq!(code(&again), 0, "round {round}: a retry imports: {}", stderr(&again));
            outcomes[0] += 1;
        } else {
            assert_eq!(count, held + 1, "round {round}: an import is there whole or not at all");
            outcomes[1] += 1;
        }
    }
    let listed = wallet(&dir, &["list", "--json"]);
    assert_eq!(serde_json::from_str::<Vec<Value>>(&stdout(&listed)).unwrap().len(), 24);
    eprintln!("import killed before it was stored: {}; after: {}", outcomes[0], outcomes[1]);
}
