//! Starting and stopping real servers, and talking to them.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};
use skillspass::core::did::Did;
use skillspass::core::keys::SigningKey;
use skillspass::issuer::{AchievementDescription, Issuer};

/// Status lists are served with this ttl in tests, so verifier caches expire quickly.
pub const TTL_MS: &str = "1000";
/// Wait long enough for a cached list to expire.
pub const AFTER_TTL: Duration = Duration::from_millis(1300);

/// A `skillspass serve` child process.
pub struct ServerProcess {
    child: Child,
    /// Base URL on loopback.
    pub url: String,
    /// Data folder.
    pub data: PathBuf,
}

impl ServerProcess {
    /// Starts `serve` on `addr` with the roles and extra flags, waiting for its "listening" line.
    pub fn start(data: &Path, roles: &str, addr: &str, extra: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_skillspass"))
            .args(["serve", "--data", data.to_str().unwrap(), "--addr", addr, "--roles", roles])
            .args(if extra.contains(&"--status-ttl-ms") { &[][..] } else { &["--status-ttl-ms", TTL_MS][..] })
            .args(extra)
            .env_remove("SKILLSPASS_ADMIN_TOKEN")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("serve starts");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let url = loop {
            let line = lines.next().expect("serve printed its address").unwrap();
            if let Some(url) = line.strip_prefix("skillspass listening on ") {
                break url.to_owned();
            }
        };
        std::thread::spawn(move || lines.for_each(drop));
        Self { child, url, data: data.to_owned() }
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.url.rsplit(':').next().unwrap().parse().unwrap()
    }

    /// The admin token it created.
    pub fn admin_token(&self) -> String {
        std::fs::read_to_string(self.data.join("admin-token")).unwrap().trim().to_owned()
    }

    /// The issuer's did:web (public URL `http://localhost:<port>`).
    pub fn did(&self) -> String {
        format!("did:web:localhost%3A{}", self.port())
    }

    /// Kills it with SIGKILL (no chance to flush anything) and waits.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Stops it with SIGTERM (graceful shutdown flushes sled) and waits.
    pub fn stop(mut self) {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let _ = self.child.wait();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A free loopback port (for servers that must come back on the same address after a restart).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// An HTTP client.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder().timeout(Duration::from_secs(20)).build().unwrap()
}

/// The example micro-credential as a VC 2.0 credential naming `issuer` (not yet signed), for a fresh learner.
pub fn micro_credential(issuer_did: &str) -> Value {
    let description: AchievementDescription =
        serde_json::from_str(include_str!("../../docs/examples/micro-credential.json")).unwrap();
    let builder = Issuer::with_did(
        SigningKey::generate(&mut rand::rngs::OsRng),
        Did::parse(issuer_did).unwrap(),
        format!("{issuer_did}#key-1"),
    )
    .unwrap();
    let learner = Did::key(&SigningKey::generate(&mut rand::rngs::OsRng).verifying_key());
    let credential = builder.build_credential(&description, learner.as_str(), None, chrono::Utc::now()).unwrap();
    serde_json::to_value(credential).unwrap()
}

/// A credential like `template` under a new id (building one from scratch is slow in a debug build).
pub fn fresh(template: &Value) -> Value {
    let mut credential = template.clone();
    credential["id"] = json!(format!("urn:uuid:{}", uuid::Uuid::new_v4()));
    credential
}

/// POSTs `/credentials/issue`; returns (status, body).
pub async fn issue(server: &ServerProcess, credential: &Value, token: Option<&str>) -> (u16, Value) {
    let mut request =
        client().post(format!("{}/credentials/issue", server.url)).json(&json!({"credential": credential}));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
}

/// POSTs `/credentials/issue` for an SD-JWT VC with extra `options`; returns the answer and the compact SD-JWT.
pub async fn issue_sd_jwt(server: &ServerProcess, credential: &Value, mut options: Value) -> (Value, String) {
    options["format"] = json!("dc+sd-jwt");
    let response = client()
        .post(format!("{}/credentials/issue", server.url))
        .bearer_auth(server.admin_token())
        .json(&json!({"credential": credential, "options": options}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 201);
    let answer: Value = response.json().await.unwrap();
    let id = answer["verifiableCredential"]["id"].as_str().unwrap();
    let compact = id.strip_prefix("data:application/dc+sd-jwt,").unwrap().to_owned();
    (answer, compact)
}

/// The compact JWT inside an issue response.
pub fn jwt_of(answer: &Value) -> String {
    answer["verifiableCredential"]["id"].as_str().unwrap().strip_prefix("data:application/vc+jwt,").unwrap().to_owned()
}

/// POSTs `/credentials/status`.
pub async fn set_status(server: &ServerProcess, id: &str, status: &str) -> (u16, Value) {
    let body =
        json!({"credentialId": id, "credentialStatus": [{"type": "BitstringStatusListEntry", "status": status}]});
    let response = client()
        .post(format!("{}/credentials/status", server.url))
        .bearer_auth(server.admin_token())
        .json(&body)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
}

/// POSTs `/credentials/verify` with the compact credential (`vc+jwt` or `dc+sd-jwt`); returns the report.
pub async fn verify(verifier: &ServerProcess, jwt: &str) -> Value {
    let body = json!({"verifiableCredential": jwt});
    let response = client().post(format!("{}/credentials/verify", verifier.url)).json(&body).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    response.json().await.unwrap()
}

/// The status of a named check in a report.
pub fn check<'a>(report: &'a Value, name: &str) -> &'a str {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == name)
        .map_or("absent", |c| c["status"].as_str().unwrap())
}

/// The detail of a named check.
pub fn detail(report: &Value, name: &str) -> String {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == name)
        .and_then(|c| c["detail"].as_str())
        .unwrap_or("")
        .to_owned()
}

/// Asserts a problem+json answer with the given status and type name.
pub fn assert_problem(status: u16, body: &Value, expected_status: u16, name: &str) {
    assert_eq!(status, expected_status, "{body:#}");
    assert_eq!(body["type"], format!("https://w3id.org/skillspass/problems#{name}"), "{body:#}");
    assert_eq!(body["status"], expected_status);
    assert!(body["title"].is_string());
}
