//! Issue 16, SD-JWT VC type metadata: our issuer serves the documents of its types and pins them in every
//! credential with `vct#integrity`; a verifier and a wallet read the document of a type they never saw from its
//! `vct` URL, check its integrity and its rules, and the wallet names the credential and labels its claims by it.
//! A document changed after issuance, or one that cannot be retrieved while pinned, is refused by name.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::routing::get;
use serde_json::{Value, json};
use skillspass::core::did::{Did, Relationship};
use skillspass::core::keys::SigningKey;
use skillspass::core::sd_jwt::issue::Step;
use skillspass::core::type_metadata::integrity;

use super::helpers::{ServerProcess, check, client, detail, issue_sd_jwt, micro_credential, verify};
use super::wallet::{account, call};

/// A course type of another ecosystem, in English and Dutch, with a mandatory never-disclosable `course` claim.
const COURSE_TYPE: &str = r#"{"vct": "VCT", "name": "Course certificate",
 "display": [{"locale": "en", "name": "Course certificate", "description": "A course the holder completed"},
             {"locale": "nl", "name": "Cursuscertificaat", "description": "Een cursus die de houder afrondde"}],
 "claims": [{"path": ["course"], "mandatory": true, "sd": "never", "display": [{"locale": "en", "label": "Course"}, {"locale": "nl", "label": "Cursus"}]},
            {"path": ["hours"], "display": [{"locale": "en", "label": "Hours of study"}, {"locale": "nl", "label": "Studie-uren"}]}]}"#;

/// A foreign issuer (did:key) that serves its course type at `/vct/course`; the document served can be changed.
struct CourseIssuer {
    url: String,
    key: SigningKey,
    document: Arc<Mutex<String>>,
}

impl CourseIssuer {
    async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let document = Arc::new(Mutex::new(COURSE_TYPE.replace("VCT", &format!("{url}/vct/course"))));
        let served = Arc::clone(&document);
        let router = Router::new().route(
            "/vct/course",
            get(move || {
                let body = served.lock().unwrap().clone();
                async move { ([("content-type", "application/json")], body) }
            }),
        );
        tokio::spawn(async move { axum::serve(listener, router).await });
        Self { url, key: SigningKey::generate(&mut rand::rngs::OsRng), document }
    }

    /// A course certificate pinned to the document served now, bound to `holder`.
    fn certificate(&self, holder: &skillspass::core::keys::VerifyingKey, course: Option<&str>) -> String {
        let did = Did::key(&self.key.verifying_key());
        let pin = integrity(self.document.lock().unwrap().as_bytes());
        let mut claims = json!({"iss": did.as_str(), "iat": chrono::Utc::now().timestamp(),
            "vct": format!("{}/vct/course", self.url), "vct#integrity": pin,
            "cnf": {"jwk": holder.to_jwk().to_value()}, "hours": 12});
        if let Some(course) = course {
            claims["course"] = json!(course);
        }
        let paths = vec![vec![Step::Key("hours".into())]];
        skillspass::core::sd_jwt_vc::issue(claims, &paths, &self.key, &did.default_kid(), 0, &mut rand::rngs::OsRng)
            .unwrap()
            .serialize()
    }
}

/// The web wallet's page of credential `id`, in Dutch, for `account` signed in with `passphrase` as a browser
/// would: the sign-in page's cookie and form token, the form posted, the session cookie sent.
async fn credential_page(server: &ServerProcess, account: &str, passphrase: &str, id: &str) -> String {
    let no_redirects = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let page = no_redirects.get(format!("{}/app/sign-in", server.url)).send().await.unwrap();
    let cookies = |answer: &reqwest::Response| -> Vec<String> {
        let set = answer.headers().get_all("set-cookie").iter();
        set.map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned()).collect()
    };
    let mut jar = cookies(&page);
    let html = page.text().await.unwrap();
    let csrf = html.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let form = [("csrf", csrf.as_str()), ("account", account), ("passphrase", passphrase)];
    let signed_in = no_redirects
        .post(format!("{}/app/sign-in", server.url))
        .header("cookie", jar.join("; "))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status().as_u16(), 303);
    jar.extend(cookies(&signed_in));
    let url = format!(
        "{}/app/credentials/{}",
        server.url,
        url::form_urlencoded::byte_serialize(id.as_bytes()).collect::<String>()
    );
    let page =
        no_redirects.get(url).header("cookie", jar.join("; ")).header("accept-language", "nl").send().await.unwrap();
    assert_eq!(page.status().as_u16(), 200);
    page.text().await.unwrap()
}

fn claims_of(sd_jwt: &str) -> Value {
    let decoded = skillspass::core::sd_jwt::Decoded::parse(sd_jwt).unwrap();
    Value::Object(skillspass::core::jose::CompactJws::parse(&decoded.jwt).unwrap().claims().unwrap())
}

/// Our issuer's credentials carry `vct#integrity` of the exact document it serves at the path of the `vct`, and
/// a verifier's report names the type it checked.
#[tokio::test(flavor = "multi_thread")]
async fn our_credentials_pin_the_type_metadata_the_issuer_serves() {
    let dir = tempfile::tempdir().unwrap();
    let issuer = ServerProcess::start(&dir.path().join("issuer"), "issuer", "127.0.0.1:0", &[]);
    let served = client().get(format!("{}/vct/micro-credential/v1", issuer.url)).send().await.unwrap();
    assert_eq!(served.headers()["content-type"], "application/json");
    let served = served.bytes().await.unwrap();
    let document: Value = serde_json::from_slice(&served).unwrap();
    assert_eq!(document["vct"], "https://w3id.org/skillspass/vct/micro-credential/v1");
    assert_eq!(document["display"][1]["name"], "EU-microcredential");
    let unknown = client().get(format!("{}/vct/diploma/v1", issuer.url)).send().await.unwrap();
    assert_eq!(unknown.status().as_u16(), 404);

    let verifier =
        ServerProcess::start(&dir.path().join("verifier"), "verifier", "127.0.0.1:0", &["--allow-loopback-http"]);
    let holder = Did::key(&SigningKey::generate(&mut rand::rngs::OsRng).verifying_key());
    let mut credential = micro_credential(&issuer.did());
    credential["credentialSubject"]["id"] = json!(holder.as_str());
    let (_, token) = issue_sd_jwt(&issuer, &credential, json!({})).await;
    let claims = claims_of(&token);
    assert_eq!(claims["vct#integrity"], integrity(&served), "pinned to the served octets");
    let report = verify(&verifier, &token).await;
    assert_eq!(check(&report, "type-metadata"), "passed", "{report:#}");
    assert_eq!(detail(&report, "type-metadata"), "EU micro-credential");
}

/// A credential of a type the wallet never saw: the hosted wallet fetches its document from the `vct` URL,
/// checks the pin, and names it in the person's language; a verifier refuses it once the document changed, and
/// a credential missing the type's mandatory claim.
#[tokio::test(flavor = "multi_thread")]
async fn a_foreign_type_is_fetched_checked_and_used_to_show_the_credential() {
    let dir = tempfile::tempdir().unwrap();
    let server =
        ServerProcess::start(&dir.path().join("node"), "verifier,wallet", "127.0.0.1:0", &["--allow-loopback-http"]);
    let course = CourseIssuer::start().await;
    let (did, token) = account(&server, "sanne", "correct horse battery").await;
    let did = Did::parse(&did).unwrap();
    let document = did.resolve().unwrap();
    let holder = document.key_for(did.as_str(), &did.default_kid(), Relationship::Authentication).unwrap();
    let certificate = course.certificate(&holder, Some("Welding, level 2"));

    let report = verify(&server, &certificate).await;
    assert_eq!(check(&report, "type-metadata"), "passed", "{report:#}");
    let url = format!("{}/wallet/credentials", server.url);
    let (status, stored) =
        call(reqwest::Method::POST, url.clone(), Some(&token), Some(json!({"credential": certificate}))).await;
    assert_eq!(status, 201, "{stored:#}");
    assert_eq!(stored["credential"]["typeNames"]["nl"], "Cursuscertificaat", "{stored:#}");
    let id = stored["credential"]["id"].as_str().unwrap();
    let page = credential_page(&server, "sanne", "correct horse battery", id).await;
    assert!(page.contains("<h1>Cursuscertificaat</h1>"), "named by its type, in Dutch: {page}");
    assert!(page.contains("<dt>Cursus</dt><dd>Welding, level 2</dd>"), "labelled claims: {page}");
    assert!(page.contains("<dt>Studie-uren</dt><dd>12</dd>"), "{page}");
    assert!(page.contains("Soort credential (typegegevens)"), "the check is named in Dutch: {page}");

    let missing = course.certificate(&holder, None);
    let report = verify(&server, &missing).await;
    assert_eq!(check(&report, "type-metadata"), "failed", "{report:#}");
    assert!(detail(&report, "type-metadata").contains("the mandatory claim course is missing"), "{report:#}");

    let changed = course.document.lock().unwrap().replace("Hours of study", "Hours");
    *course.document.lock().unwrap() = changed;
    let fresh = ServerProcess::start(&dir.path().join("fresh"), "verifier", "127.0.0.1:0", &["--allow-loopback-http"]);
    let report = verify(&fresh, &certificate).await;
    assert_eq!(check(&report, "type-metadata"), "failed", "a changed document: {report:#}");
    assert!(detail(&report, "type-metadata").contains("does not match its integrity value"), "{report:#}");
    assert_eq!(report["verified"], false);
}
