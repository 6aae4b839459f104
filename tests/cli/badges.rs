//! Baked badges from the command line (issue 12, first part): a credential in the wallet written out as an SVG and
//! a PNG badge with the credential baked in (Open Badges 3.0 baking), which `skillspass verify` and `wallet import`
//! read back; other platforms' baked images are read, and hostile images are refused with a clear error.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use crate::helpers::{Setup, code, run, stderr, stdout};

const PASSPHRASE: &str = "correct horse battery staple";

fn wallet(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_skillspass"))
        .args(["wallet", "--wallet", dir.to_str().unwrap()])
        .args(args)
        .env("SKILLSPASS_PASSPHRASE", PASSPHRASE)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn a_wallet_credential_becomes_a_badge_image_that_verifies_and_imports_issue_12() {
    let mut setup = Setup::new();
    let dir = setup.path("wallet");
    let init = wallet(&dir, &["init", "--json"]);
    setup.learner = serde_json::from_str::<Value>(&stdout(&init)).unwrap()["did"].as_str().unwrap().to_owned();
    let token = setup.issue("course-badge.json", &[]);
    let imported = wallet(&dir, &["import", token.to_str().unwrap(), "--json"]);
    assert_eq!(code(&imported), 0, "{}", stderr(&imported));
    let id = serde_json::from_str::<Value>(&stdout(&imported)).unwrap()["id"].as_str().unwrap().to_owned();

    for name in ["badge.svg", "badge.png"] {
        let image = setup.path(name);
        let shown = wallet(&dir, &["show", &id, "--badge", image.to_str().unwrap()]);
        assert_eq!(code(&shown), 0, "{}", stderr(&shown));
        let verified = run(&["verify", image.to_str().unwrap(), "--offline", "--json"]);
        assert_eq!(code(&verified), 0, "{name}: {}", stdout(&verified));
        let report: Value = serde_json::from_str(&stdout(&verified)).unwrap();
        assert_eq!(report["credentialId"], id.as_str(), "{name}");
        let again = wallet(&dir, &["import", image.to_str().unwrap()]);
        assert!(stdout(&again).starts_with("already stored"), "{name}: {}", stdout(&again));
        let twice = wallet(&dir, &["show", &id, "--badge", image.to_str().unwrap()]);
        assert_eq!(code(&twice), 2, "{name}: never overwritten");
    }
    let wrong = wallet(&dir, &["show", &id, "--badge", setup.path("badge.gif").to_str().unwrap()]);
    assert_eq!(code(&wrong), 2);
    assert!(stderr(&wrong).contains(".svg or .png"), "{}", stderr(&wrong));
}

#[test]
fn hostile_badge_images_are_refused_with_a_clear_error_issue_12() {
    let setup = Setup::new();
    let two_chunks = png_with_credential_chunks(&[b"a.b.c", b"d.e.f"]);
    let oversized = png_with_credential_chunks(&[&vec![b'a'; 300 * 1024]]);
    let cases: [(&str, &[u8], &str); 5] = [
        ("two.png", &two_chunks, "more than one credential"),
        ("oversized.png", &oversized, "more than the 262144 accepted"),
        (
            "xxe.svg",
            br#"<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><openbadges:credential>&xxe;</openbadges:credential></svg>"#,
            "declares entities",
        ),
        (
            "two.svg",
            br#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:ob="https://purl.imsglobal.org/ob/v3p0"><ob:credential verify="a.b.c"/><ob:credential verify="d.e.f"/></svg>"#,
            "more than one credential",
        ),
        ("plain.svg", br#"<svg xmlns="http://www.w3.org/2000/svg"><circle r="3"/></svg>"#, "carries no Open Badges credential"),
    ];
    for (name, bytes, message) in cases {
        let path = setup.path(name);
        std::fs::write(&path, bytes).unwrap();
        let out = run(&["verify", path.to_str().unwrap(), "--offline"]);
        assert_eq!(code(&out), 2, "{name}: {}", stderr(&out));
        assert!(stderr(&out).contains(message) && stderr(&out).contains(name), "{name}: {}", stderr(&out));
    }
}

/// A 1x1 PNG with one `iTXt` `openbadgecredential` chunk per credential, each with a correct CRC (so only the
/// baking rules can refuse it).
fn png_with_credential_chunks(credentials: &[&[u8]]) -> Vec<u8> {
    fn chunk(kind: [u8; 4], data: &[u8]) -> Vec<u8> {
        let mut out = u32::try_from(data.len()).unwrap().to_be_bytes().to_vec();
        out.extend_from_slice(&kind);
        out.extend_from_slice(data);
        let mut crc = crc32fast::Hasher::new();
        crc.update(&kind);
        crc.update(data);
        out.extend_from_slice(&crc.finalize().to_be_bytes());
        out
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(chunk(*b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]));
    for credential in credentials {
        let mut text = b"openbadgecredential\0\0\0\0\0".to_vec();
        text.extend_from_slice(credential);
        png.extend(chunk(*b"iTXt", &text));
    }
    let mut pixels = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut pixels, &[0, 0, 0, 0, 0]).unwrap();
    png.extend(chunk(*b"IDAT", &pixels.finish().unwrap()));
    png.extend(chunk(*b"IEND", &[]));
    png
}
