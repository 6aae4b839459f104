//! A hostile issuer on loopback: it signs credentials whose status entries point at broken, oversized, short,
//! forged or redirected status lists, and serves a did:web document for the wrong DID. The real verifier must
//! refuse every one of them.

use std::io::Write as _;

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use flate2::Compression;
use flate2::write::GzEncoder;
use serde_json::{Value, json};
use skillspass::core::did::{Did, DidDocument};
use skillspass::core::encoding::b64url;
use skillspass::core::keys::SigningKey;
use skillspass::core::status_list::bitstring::Bitstring;
use skillspass::core::status_list::token::TokenStatusList;
use skillspass::core::vc_jose::sign_credential;

/// A running fake issuer.
pub struct FakeIssuer {
    /// Its base URL.
    pub url: String,
    /// Its did:key.
    pub did: Did,
    key: SigningKey,
}

impl FakeIssuer {
    /// Starts the server in the test's runtime.
    pub async fn start() -> Self {
        let key = SigningKey::generate(&mut rand::rngs::OsRng);
        let did = Did::key(&key.verifying_key());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let router = routes(&key, &did, &url);
        tokio::spawn(async move { axum::serve(listener, router).await });
        Self { url, did, key }
    }

    /// A credential from this issuer whose revocation entry points at `list_url`.
    pub fn credential_with_list(&self, list_url: &str) -> String {
        self.credential_with_entry(&json!({"type": "BitstringStatusListEntry", "statusPurpose": "revocation",
            "statusListIndex": "7", "statusListCredential": list_url}))
    }

    /// A credential from this issuer with this `credentialStatus`.
    pub fn credential_with_entry(&self, entry: &Value) -> String {
        let credential = json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": format!("urn:uuid:{}", uuid::Uuid::new_v4()),
            "type": ["VerifiableCredential"],
            "issuer": self.did.as_str(),
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": {"id": "did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG"},
            "credentialStatus": entry,
        });
        sign_credential(&credential, &self.key, &self.did.default_kid(), chrono::Utc::now()).unwrap()
    }

    /// An SD-JWT VC from this issuer (its did:key as `iss`) whose status entry is index `idx` of the Token Status
    /// List at `path` on this server.
    pub fn sd_jwt_with_token_list(&self, path: &str, idx: u64) -> String {
        let holder = SigningKey::generate(&mut rand::rngs::OsRng).verifying_key();
        let claims = json!({"iss": self.did.as_str(), "iat": chrono::Utc::now().timestamp(),
            "vct": "https://badges.example/vct/course", "cnf": {"jwk": holder.to_jwk().to_value()},
            "status": {"status_list": {"idx": idx, "uri": format!("{}{path}", self.url)}}, "grade": "A"});
        let paths = vec![vec![skillspass::core::sd_jwt::issue::Step::Key("grade".into())]];
        skillspass::core::sd_jwt_vc::issue(
            claims,
            &paths,
            &self.key,
            &self.did.default_kid(),
            0,
            &mut rand::rngs::OsRng,
        )
        .unwrap()
        .serialize()
    }

    /// An SD-JWT VC whose `iss` is this server's URL (its JWT VC Issuer Metadata names another issuer).
    pub fn url_issuer_sd_jwt(&self) -> String {
        let claims = json!({"iss": self.url, "iat": chrono::Utc::now().timestamp(), "vct": "https://w3id.org/skillspass/vct/skill/v1",
            "cnf": {"jwk": SigningKey::generate(&mut rand::rngs::OsRng).verifying_key().to_jwk().to_value()}, "grade": "A"});
        let paths = vec![vec![skillspass::core::sd_jwt::issue::Step::Key("grade".into())]];
        skillspass::core::sd_jwt_vc::issue(claims, &paths, &self.key, "key-1", 1, &mut rand::rngs::OsRng)
            .unwrap()
            .serialize()
    }

    /// A credential issued as `did:web:localhost%3A<port>` (whose document this server serves with a wrong id).
    pub fn did_web_credential(&self) -> String {
        let port = self.url.rsplit(':').next().unwrap();
        let did = format!("did:web:localhost%3A{port}");
        let credential = json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "issuer": did,
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": {"id": "did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG"},
        });
        sign_credential(&credential, &self.key, &format!("{did}#key-1"), chrono::Utc::now()).unwrap()
    }
}

fn list_credential(issuer: &Did, key: &SigningKey, url: &str, encoded: &str) -> String {
    let credential = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer.as_str(),
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": format!("{url}#list"), "type": "BitstringStatusList",
            "statusPurpose": "revocation", "encodedList": encoded},
    });
    sign_credential(&credential, key, &issuer.default_kid(), chrono::Utc::now()).unwrap()
}

fn gzip_bomb() -> String {
    let mut gzip = GzEncoder::new(Vec::new(), Compression::best());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..20 {
        gzip.write_all(&zeros).unwrap();
    }
    format!("u{}", b64url(gzip.finish().unwrap()))
}

fn tamper(token: &str) -> String {
    let parts: Vec<&str> = token.split('.').collect();
    let mut payload: Value =
        serde_json::from_slice(&skillspass::core::encoding::b64url_decode(parts[1]).unwrap()).unwrap();
    let mut flipped = Bitstring::new(131_072);
    flipped.set(99, true).unwrap();
    payload["credentialSubject"]["encodedList"] = json!(flipped.encode().unwrap());
    format!("{}.{}.{}", parts[0], b64url(serde_json::to_vec(&payload).unwrap()), parts[2])
}

/// A Token Status List token with exactly this header and payload text.
fn token_list(key: &SigningKey, header: &Value, payload: &str) -> String {
    let input = format!("{}.{}", b64url(header.to_string()), b64url(payload));
    format!("{input}.{}", b64url(key.sign(input.as_bytes())))
}

/// The Token Status Lists this issuer serves under `/tsl/…`: one good list (index 3 revoked) and the ways a list
/// token can be wrong.
fn token_lists(key: &SigningKey, did: &Did, base: &str) -> Router {
    let mut list = TokenStatusList::new(1, 1024).unwrap();
    list.set(3, 1).unwrap();
    let encoded = list.encode().unwrap();
    let header = json!({"alg": "EdDSA", "typ": "statuslist+jwt", "kid": did.default_kid()});
    let now = chrono::Utc::now().timestamp();
    let payload = |name: &str, exp: &str, bits: u8| {
        format!(
            r#"{{"sub":"{base}/tsl/{name}","iat":{now},"exp":{exp},"status_list":{{"bits":{bits},"lst":"{encoded}"}}}}"#
        )
    };
    let later = (now + 3600).to_string();
    let stranger = SigningKey::generate(&mut rand::rngs::OsRng);
    let stranger_did = Did::key(&stranger.verifying_key());
    let served = [
        ("good", token_list(key, &header, &payload("good", &later, 1))),
        ("expired-fraction", token_list(key, &header, &payload("expired-fraction", "1796000000.5", 1))),
        ("expired-exponent", token_list(key, &header, &payload("expired-exponent", "1.7e9", 1))),
        ("exp-out-of-range", token_list(key, &header, &payload("exp-out-of-range", "1e300", 1))),
        ("wrong-sub", token_list(key, &header, &payload("good", &later, 1))),
        ("bits-3", token_list(key, &header, &payload("bits-3", &later, 3))),
        (
            "typ-jwt",
            token_list(
                key,
                &json!({"alg": "EdDSA", "typ": "JWT", "kid": did.default_kid()}),
                &payload("typ-jwt", &later, 1),
            ),
        ),
        ("duplicate-member", {
            let mut text = payload("duplicate-member", &later, 1);
            text.pop();
            token_list(key, &header, &format!(r#"{text},"status_list":{{"bits":1,"lst":"eNrt"}}}}"#))
        }),
        ("other-signer", {
            let header = json!({"alg": "EdDSA", "typ": "statuslist+jwt", "kid": stranger_did.default_kid()});
            token_list(&stranger, &header, &payload("other-signer", &later, 1))
        }),
    ];
    let mut router = Router::new();
    for (name, token) in served {
        router = router.route(
            &format!("/tsl/{name}"),
            get(move || async move { ([(header::CONTENT_TYPE, "application/statuslist+jwt")], token).into_response() }),
        );
    }
    router
}

fn routes(key: &SigningKey, did: &Did, base: &str) -> Router {
    let jwt = |body: String| ([(header::CONTENT_TYPE, "application/vc+jwt")], body).into_response();
    let good = list_credential(did, key, &format!("{base}/list/good"), &Bitstring::new(131_072).encode().unwrap());
    let short = list_credential(did, key, &format!("{base}/list/short"), &Bitstring::new(1024).encode().unwrap());
    let bomb = list_credential(did, key, &format!("{base}/list/bomb"), &gzip_bomb());
    let forged = tamper(&list_credential(
        did,
        key,
        &format!("{base}/list/bad-signature"),
        &Bitstring::new(131_072).encode().unwrap(),
    ));
    let stranger = SigningKey::generate(&mut rand::rngs::OsRng);
    let other = list_credential(
        &Did::key(&stranger.verifying_key()),
        &stranger,
        &format!("{base}/list/other-issuer"),
        &Bitstring::new(131_072).encode().unwrap(),
    );
    let mut jwk = key.verifying_key().to_jwk().to_value();
    jwk["kid"] = json!("key-1");
    let wrong_metadata = json!({"issuer": "https://evil.example", "jwks": {"keys": [jwk]}});
    let wrong_document =
        DidDocument::for_key("did:web:evil.example", "did:web:evil.example#key-1", "JsonWebKey", key.verifying_key());
    Router::new()
        .route("/list/good", get(move || async move { jwt(good) }))
        .route("/list/short", get(move || async move { jwt(short) }))
        .route("/list/bomb", get(move || async move { jwt(bomb) }))
        .route("/list/bad-signature", get(move || async move { jwt(forged) }))
        .route("/list/other-issuer", get(move || async move { jwt(other) }))
        // Over https, so the refusal can only come from the private-address check (issue 11: the old target was
        // plain http and the test passed on "not https").
        .route(
            "/redirect-private",
            get(|| async { (StatusCode::FOUND, [(header::LOCATION, "https://10.1.2.3/list")]) }),
        )
        .route("/redirect-loop", get(|| async { (StatusCode::FOUND, [(header::LOCATION, "/redirect-loop")]) }))
        .route("/.well-known/did.json", get(move || async move { axum::Json(wrong_document) }))
        .route("/.well-known/jwt-vc-issuer", get(move || async move { axum::Json(wrong_metadata) }))
        .merge(token_lists(key, did, base))
}
