//! The attack surface as tests (issue 11): hostile input, case by case, against a release-like server on loopback
//! with every role. Each case names what it breaks and the stable answer it must get: a verification report that
//! refuses at the named check, a problem+json `type`, an OAuth `error`, or a status the HTTP layer owns. Whatever
//! the case, no answer is a 5xx, `/health` answers after every case, and what was stored before the run (the
//! wallet's credentials, the DID document, the issuer's keys, a credential's status) is unchanged after it.

#![allow(clippy::too_many_lines, reason = "case tables: one entry per hostile case, read top to bottom")]

mod craft;
mod credentials;
mod did;
mod endpoints;
mod jose;
mod openid4vc;
mod sd_jwt;
mod status;
mod wallet;

use std::collections::HashSet;

use serde_json::{Value, json};
use skillspass::core::encoding::b64url;

use crate::fake_issuer::FakeIssuer;
use crate::helpers::{ServerProcess, client, issue, jwt_of, micro_credential};
use craft::Signer;

/// The passphrase of the target's wallet and of its export.
pub const PASSPHRASE: &str = "alice's long passphrase";

/// The server under attack, with what the cases need to aim at.
pub struct Target {
    _dir: tempfile::TempDir,
    /// Issuer, verifier and hosted wallet in one process.
    pub server: ServerProcess,
    /// A hostile issuer on loopback (status lists, did:web documents).
    pub fake: FakeIssuer,
    /// Alice's hosted wallet session.
    pub session: String,
    /// The credential the server issued to Alice (compact `vc+jwt`), held in her wallet.
    pub seeded: String,
    /// Its credential id.
    pub seeded_id: String,
    /// An export of Alice's wallet (`b64url`), under [`PASSPHRASE`].
    pub export: String,
    /// An export of Mallory's wallet, under [`PASSPHRASE`].
    pub stranger_export: String,
    /// A `did:key` issuer the cases sign with.
    pub signer: Signer,
    /// A holder key for SD-JWT VCs and their Key Binding.
    pub holder: Signer,
}

impl Target {
    async fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let server = ServerProcess::start(
            dir.path(),
            "issuer,verifier,wallet",
            "127.0.0.1:0",
            &["--allow-loopback-http", "--body-limit", "524288"],
        );
        let fake = FakeIssuer::start().await;
        let (alice, session) = crate::wallet::account(&server, "alice", PASSPHRASE).await;
        let mut credential = micro_credential(&server.did());
        credential["credentialSubject"]["id"] = json!(alice);
        let seeded_id = credential["id"].as_str().unwrap().to_owned();
        let (status, answer) = issue(&server, &credential, Some(&server.admin_token())).await;
        assert_eq!(status, 201, "{answer:#}");
        let seeded = jwt_of(&answer);
        let mut target = Self {
            _dir: dir,
            server,
            fake,
            session,
            seeded,
            seeded_id,
            export: String::new(),
            stranger_export: String::new(),
            signer: Signer::new(),
            holder: Signer::new(),
        };
        let (status, stored) =
            target.call("POST", "/wallet/credentials", Auth::Session, json!({"credential": target.seeded})).await;
        assert_eq!(status, 201, "{stored:#}");
        target.export = target.export_of(&target.session.clone()).await;
        let (_, mallory) = crate::wallet::account(&target.server, "mallory", PASSPHRASE).await;
        target.stranger_export = target.export_of(&mallory).await;
        target
    }

    async fn export_of(&self, session: &str) -> String {
        let body = json!({"passphrase": PASSPHRASE});
        let (status, export) = self.call("POST", "/wallet/export", Auth::Bearer(session.to_owned()), body).await;
        assert_eq!(status, 200, "{export:#}");
        export["file"].as_str().unwrap().to_owned()
    }

    /// A JSON call; the answer's status and body.
    pub async fn call(&self, method: &'static str, path: &str, auth: Auth, body: Value) -> (u16, Value) {
        self.send(&Request::json(method, path, auth, &body)).await
    }

    async fn send(&self, request: &Request) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(request.method.as_bytes()).unwrap();
        let url = if request.path.starts_with("http") {
            request.path.clone()
        } else {
            format!("{}{}", self.server.url, request.path)
        };
        let mut builder = client().request(method, url);
        builder = match &request.auth {
            Auth::None => builder,
            Auth::Admin => builder.bearer_auth(self.server.admin_token()),
            Auth::Session => builder.bearer_auth(&self.session),
            Auth::Bearer(token) => builder.bearer_auth(token),
            Auth::Header(value) => builder.header("authorization", value),
        };
        if let Some(content_type) = request.content_type {
            builder = builder.header("content-type", content_type);
        }
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        let response = builder.body(request.body.clone()).send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    async fn probe(&self, probe: &Probe) -> (u16, Value) {
        match probe {
            Probe::Credential(token) => {
                self.send(&Request::json(
                    "POST",
                    "/credentials/verify",
                    Auth::None,
                    &json!({"verifiableCredential": token}),
                ))
                .await
            }
            Probe::Presentation { vp, nonce, aud } => {
                let body = json!({"verifiablePresentation": vp, "options": {"challenge": nonce, "domain": aud}});
                self.send(&Request::json("POST", "/presentations/verify", Auth::None, &body)).await
            }
            Probe::Request(request) => self.send(request).await,
        }
    }

    async fn healthy(&self) -> bool {
        client().get(format!("{}/health", self.server.url)).send().await.is_ok_and(|r| r.status().as_u16() == 200)
    }

    /// What the server holds: it must not change under attack.
    async fn snapshot(&self) -> Value {
        let (_, wallet) = self.call("GET", "/wallet/credentials", Auth::Session, Value::Null).await;
        let (_, document) = self.call("GET", "/.well-known/did.json", Auth::None, Value::Null).await;
        let (_, keys) = self.call("GET", "/admin/keys", Auth::Admin, Value::Null).await;
        let (_, report) = self.probe(&Probe::Credential(self.seeded.clone())).await;
        let checks: Vec<String> = report["checks"].as_array().map_or_else(Vec::new, |checks| {
            checks.iter().map(|c| format!("{}: {}", c["check"], c["status"])).collect()
        });
        json!({"wallet": wallet, "document": document, "keys": keys,
            "seeded": {"verified": report["verified"], "checks": checks}})
    }
}

/// How a request authenticates.
#[derive(Clone)]
pub enum Auth {
    /// Not at all.
    None,
    /// With the server's admin token.
    Admin,
    /// With Alice's wallet session.
    Session,
    /// `Authorization: Bearer <token>`.
    Bearer(String),
    /// A raw `Authorization` header.
    Header(String),
}

/// One HTTP request, bytes and all.
pub struct Request {
    method: &'static str,
    path: String,
    auth: Auth,
    content_type: Option<&'static str>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Request {
    /// A JSON request (`null` sends no body).
    pub fn json(method: &'static str, path: &str, auth: Auth, body: &Value) -> Self {
        let (content_type, body) =
            if body.is_null() { (None, Vec::new()) } else { (Some("application/json"), body.to_string().into_bytes()) };
        Self { method, path: path.to_owned(), auth, content_type, headers: Vec::new(), body }
    }

    /// Exactly these bytes with this content type.
    pub fn raw(method: &'static str, path: &str, auth: Auth, content_type: Option<&'static str>, body: &[u8]) -> Self {
        Self { method, path: path.to_owned(), auth, content_type, headers: Vec::new(), body: body.to_vec() }
    }

    /// A form-encoded POST.
    pub fn form(path: &str, auth: Auth, pairs: &[(&str, &str)]) -> Self {
        let body = serde_urlencoded::to_string(pairs).unwrap().into_bytes();
        Self::raw("POST", path, auth, Some("application/x-www-form-urlencoded"), &body)
    }

    /// With one more header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }
}

/// What a case sends.
pub enum Probe {
    /// `POST /credentials/verify` with this compact credential.
    Credential(String),
    /// `POST /presentations/verify`.
    Presentation {
        /// The compact presentation.
        vp: String,
        /// The challenge.
        nonce: String,
        /// The domain.
        aud: String,
    },
    /// Any request.
    Request(Request),
}

/// The stable answer a case must get.
pub enum Expect {
    /// A report with `verified: false` whose named check failed.
    Refused(&'static str),
    /// A problem+json answer of this status and type name.
    Problem(u16, &'static str),
    /// An OAuth error answer of this status and `error`.
    OAuth(u16, &'static str),
    /// This status, from the HTTP layer (before any handler).
    Status(u16),
}

impl Expect {
    fn check(&self, status: u16, body: &Value) -> Result<(), String> {
        let got = || format!("got {status} {}", truncate(body));
        match self {
            Self::Refused(name) => {
                let failed = body["checks"]
                    .as_array()
                    .is_some_and(|checks| checks.iter().any(|c| c["check"] == *name && c["status"] == "failed"));
                let failures: Vec<String> = body["checks"].as_array().map_or_else(Vec::new, |checks| {
                    checks
                        .iter()
                        .filter(|c| c["status"] == "failed")
                        .map(|c| format!("{}: {}", c["check"], c["detail"]))
                        .collect()
                });
                (status == 200 && body["verified"] == false && failed).then_some(()).ok_or_else(|| {
                    format!(
                        "expected a refusal at {name:?}, got {status} verified={} failed={failures:?}",
                        body["verified"]
                    )
                })
            }
            Self::Problem(expected, name) => {
                let type_ = format!("https://w3id.org/skillspass/problems#{name}");
                (status == *expected && body["type"] == type_.as_str() && body["status"] == *expected)
                    .then_some(())
                    .ok_or_else(|| format!("expected {expected} {name}, {}", got()))
            }
            Self::OAuth(expected, error) => (status == *expected && body["error"] == *error)
                .then_some(())
                .ok_or_else(|| format!("expected {expected} error={error}, {}", got())),
            Self::Status(expected) => {
                (status == *expected).then_some(()).ok_or_else(|| format!("expected {expected}, {}", got()))
            }
        }
    }
}

fn truncate(body: &Value) -> String {
    let text = body.to_string();
    if text.chars().count() > 600 { format!("{}…", text.chars().take(600).collect::<String>()) } else { text }
}

/// One named hostile case.
pub struct Case {
    /// `area/what-it-breaks`.
    pub name: &'static str,
    /// What is sent.
    pub probe: Probe,
    /// What must come back.
    pub expect: Expect,
}

/// A case.
pub fn case(name: &'static str, probe: Probe, expect: Expect) -> Case {
    Case { name, probe, expect }
}

/// A credential case refused at `check`.
pub fn refused(name: &'static str, token: String, check: &'static str) -> Case {
    case(name, Probe::Credential(token), Expect::Refused(check))
}

/// A request case answered with a problem.
pub fn problem(name: &'static str, request: Request, status: u16, type_name: &'static str) -> Case {
    case(name, Probe::Request(request), Expect::Problem(status, type_name))
}

/// A request case answered with an OAuth error.
pub fn oauth(name: &'static str, request: Request, status: u16, error: &'static str) -> Case {
    case(name, Probe::Request(request), Expect::OAuth(status, error))
}

/// `b64url` of bytes.
pub fn b64(bytes: impl AsRef<[u8]>) -> String {
    b64url(bytes)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_attack_surface_is_refused_case_by_case_issue_11() {
    let target = Target::start().await;
    let before = target.snapshot().await;
    assert_eq!(before["seeded"]["verified"], true, "the seeded credential verifies: {before:#}");
    let mut cases = Vec::new();
    cases.extend(jose::cases(&target));
    cases.extend(credentials::cases(&target));
    cases.extend(sd_jwt::cases(&target).await);
    cases.extend(status::cases(&target).await);
    cases.extend(did::cases(&target));
    cases.extend(endpoints::cases(&target));
    cases.extend(openid4vc::cases(&target).await);
    cases.extend(wallet::cases(&target));
    let mut names = HashSet::new();
    let mut failures = Vec::new();
    for case in &cases {
        assert!(names.insert(case.name), "two cases are named {}", case.name);
        let (status, body) = target.probe(&case.probe).await;
        if status >= 500 {
            failures.push(format!("{}: a server error {status} {}", case.name, truncate(&body)));
        } else if let Err(why) = case.expect.check(status, &body) {
            failures.push(format!("{}: {why}", case.name));
        }
        if !target.healthy().await {
            failures.push(format!("{}: /health did not answer 200 afterwards", case.name));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} hostile cases were not refused as expected:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    assert!(cases.len() >= 100, "at least 100 named hostile cases, found {}", cases.len());
    assert_eq!(target.snapshot().await, before, "the stored data did not change");
    eprintln!("{} hostile cases refused as expected", cases.len());
}
