//! Shared helpers: run the real binary, make keys and credentials in a temporary folder.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use skillspass::core::encoding::{b64url, b64url_decode};

/// The built `skillspass` binary.
pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_skillspass"))
}

/// Runs the binary with arguments, optional stdin.
pub fn run(args: &[&str]) -> Output {
    bin().args(args).stdin(Stdio::null()).output().expect("binary runs")
}

/// The exit code.
pub fn code(output: &Output) -> i32 {
    output.status.code().expect("exited normally, not by a signal")
}

/// Standard output as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Path of a shipped example description.
pub fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/examples").join(name)
}

/// A temporary folder with an issuer key and a learner DID.
pub struct Setup {
    /// The folder.
    pub dir: tempfile::TempDir,
    /// Issuer key file.
    pub key: PathBuf,
    /// Issuer DID.
    pub issuer: String,
    /// Learner DID.
    pub learner: String,
}

impl Setup {
    /// Creates the issuer key with `keys new`.
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let key = dir.path().join("issuer.jwk");
        let out = run(&["keys", "new", "--out", key.to_str().unwrap()]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        let issuer = stdout(&out).trim().to_owned();
        let learner_key = skillspass::core::keys::SigningKey::generate(&mut rand::rngs::OsRng);
        let learner = skillspass::core::did::Did::key(&learner_key.verifying_key()).to_string();
        Self { dir, key, issuer, learner }
    }

    /// A path inside the folder.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Issues an example and returns the token file.
    pub fn issue(&self, example_name: &str, extra: &[&str]) -> PathBuf {
        let out_file = self.path(&format!("{example_name}.jwt"));
        let achievement = example(example_name);
        let mut args = vec![
            "issue",
            "--key",
            self.key.to_str().unwrap(),
            "--subject",
            &self.learner,
            "--achievement",
            achievement.to_str().unwrap(),
            "--out",
            out_file.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let out = run(&args);
        assert_eq!(code(&out), 0, "issue failed: {}", stderr(&out));
        out_file
    }

    /// Writes a token to a file and verifies it with extra arguments.
    pub fn verify_token(&self, token: &str, extra: &[&str]) -> Output {
        let file = self.path("candidate.jwt");
        std::fs::write(&file, token).unwrap();
        let mut args = vec!["verify", file.to_str().unwrap()];
        args.extend_from_slice(extra);
        run(&args)
    }
}

/// The token in a file.
pub fn read_token(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap().trim().to_owned()
}

/// Splits a compact JWS into decoded header and payload JSON plus the raw parts.
pub fn decode(token: &str) -> (serde_json::Value, serde_json::Value, Vec<String>) {
    let parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let header = serde_json::from_slice(&b64url_decode(&parts[0]).unwrap()).unwrap();
    let payload = serde_json::from_slice(&b64url_decode(&parts[1]).unwrap()).unwrap();
    (header, payload, parts)
}

/// Re-encodes a JSON value as a base64url segment.
pub fn segment(value: &serde_json::Value) -> String {
    b64url(serde_json::to_vec(value).unwrap())
}
