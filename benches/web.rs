//! Page benchmarks (issue 14), one-shot measurements printed as a markdown table: the server time of the
//! worker's passport page for a hosted wallet of 1,000 credentials and of the employer's result page, measured
//! over loopback HTTP against a real `serve` (all three roles) as percentiles of many requests, beside `/health`
//! in the same run as the floor; and the weight of each page (HTML, CSS, JavaScript).
//! Run: `cargo bench --bench web`.

#![expect(clippy::unwrap_used, reason = "benchmark setup fails loudly on purpose")]
#![expect(clippy::cast_precision_loss, reason = "byte counts far below 2^52 shown in KB")]

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use skillspass::cli::serve::{ServeArgs, Server};
use skillspass::core::secret::SecretString;

/// The same allocator as the `skillspass` binary.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const CREDENTIALS: usize = 1_000;
const SAMPLES: usize = 300;
const TOKEN: &str = "bench-admin-token-0123456789abcdef";
const PASSPHRASE: &str = "bench wallet passphrase";

/// ESCO skills the credentials name, two each, so the passport groups many skills (as a long working life would).
const SKILLS: [&str; 12] = [
    "ccd0a1d9-afda-43d9-b901-96344886e14d",
    "326809fc-238d-40c2-881e-40042f7f2f0d",
    "21d2f96d-35f7-4e3f-9745-c533d2dd6e97",
    "50b100ea-74fd-4706-99db-3e4ca55e51b8",
    "348b74cd-49ce-4844-8bdf-ec188b497213",
    "7ee4c2ea-b349-4bd2-81a3-ec31475d4833",
    "5fd5c985-eaaa-47aa-8314-62359c54505a",
    "e46291c7-52b9-4174-bd59-178884861038",
    "598de5b0-5b58-4ea7-8058-a4bc4d18c742",
    "25f0ea33-b4a2-4f31-b7b4-7d20e827b180",
    "3a2d5b45-56e4-4f5a-a55a-4a4a65afdc43",
    "7111b95d-0ce3-441a-9d92-4c75d05c4388",
];

fn client() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// A credential for `holder` from the server's issuer, naming two of the skills.
fn credential(issuer: &str, holder: &str, n: usize) -> Value {
    let skill = |i: usize| {
        let id = SKILLS[i % SKILLS.len()];
        json!({"type": ["Alignment"], "targetName": format!("skill {id}"), "targetFramework": "ESCO",
            "targetUrl": format!("http://data.europa.eu/esco/skill/{id}"), "targetCode": id})
    };
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Bench Academy"},
        "validFrom": "2026-01-01T00:00:00Z",
        "name": format!("Course {n}"),
        "credentialSubject": {"id": holder, "type": ["AchievementSubject"], "achievement": {
            "id": format!("https://academy.example/courses/{n}"), "type": ["Achievement"],
            "name": format!("Course {n}"), "description": "A course.", "criteria": {"narrative": "Passed."},
            "learningSetting": if n % 3 == 0 { "formal" } else { "non-formal" },
            "alignment": [skill(n), skill(n + 5)]}},
    })
}

/// `(p50, p95, max)` of `SAMPLES` GETs of `url` with `cookie`, and the body's size.
async fn timed(client: &reqwest::Client, url: &str, cookie: &str) -> (Duration, Duration, Duration, usize) {
    let mut times = Vec::with_capacity(SAMPLES);
    let mut size = 0;
    for _ in 0..SAMPLES {
        let start = Instant::now();
        let answer = client.get(url).header("cookie", cookie).send().await.unwrap();
        assert!(answer.status().is_success(), "{url}: {}", answer.status());
        size = answer.bytes().await.unwrap().len();
        times.push(start.elapsed());
    }
    times.sort();
    (times[SAMPLES / 2], times[SAMPLES * 95 / 100], times[SAMPLES - 1], size)
}

fn cookie_of(answer: &reqwest::Response, name: &str) -> String {
    answer
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .find(|c| c.starts_with(&format!("{name}=")))
        .map(|c| c.split(';').next().unwrap().to_owned())
        .unwrap()
}

/// A browser session on the pages: its id cookie and the CSRF token of `path`.
async fn browser(client: &reqwest::Client, base: &str, path: &str) -> (String, String) {
    let answer = client.get(format!("{base}{path}")).send().await.unwrap();
    let id = cookie_of(&answer, "sp_browser");
    let page = answer.text().await.unwrap();
    (id, page.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned())
}

/// POSTs JSON (with a bearer token when given) and reads the JSON answer.
async fn post(http: &reqwest::Client, url: String, bearer: Option<&str>, body: &Value) -> Value {
    let mut request = http.post(url).json(body);
    if let Some(bearer) = bearer {
        request = request.bearer_auth(bearer);
    }
    let answer = request.send().await.unwrap();
    assert!(answer.status().is_success(), "{}", answer.status());
    answer.json().await.unwrap()
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// A hosted wallet with `CREDENTIALS` credentials, each issued by the server and verified on import; returns its
/// session token and how long seeding took.
async fn seed_wallet(http: &reqwest::Client, base: &str, issuer: &str) -> (String, Duration) {
    let account = json!({"account": "bench", "passphrase": PASSPHRASE});
    let created = post(http, format!("{base}/wallet/accounts"), None, &account).await;
    let holder = created["did"].as_str().unwrap().to_owned();
    let session = post(http, format!("{base}/wallet/sessions"), None, &account).await;
    let bearer = session["token"].as_str().unwrap().to_owned();
    let seeding = Instant::now();
    for n in 0..CREDENTIALS {
        let format = if n % 2 == 0 { "dc+sd-jwt" } else { "vc+jwt" };
        let body = json!({"credential": credential(issuer, &holder, n), "options": {"format": format}});
        let answer = post(http, format!("{base}/credentials/issue"), Some(TOKEN), &body).await;
        let token = answer.get("credential").cloned().unwrap_or_else(|| answer["verifiableCredential"].clone());
        let imported = http
            .post(format!("{base}/wallet/credentials"))
            .bearer_auth(&bearer)
            .json(&json!({"credential": token}))
            .send()
            .await
            .unwrap();
        assert!(imported.status().is_success(), "import {n}: {}", imported.text().await.unwrap());
    }
    (bearer, seeding.elapsed())
}

/// Signs in on the pages at `sign_in` with the form `fields`; returns the cookies of the signed-in browser.
async fn signed_in(
    http: &reqwest::Client,
    base: &str,
    sign_in: &str,
    session: &str,
    fields: &[(&str, &str)],
) -> String {
    let (id, csrf) = browser(http, base, sign_in).await;
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    let answer = http.post(format!("{base}{sign_in}")).header("cookie", &id).form(&form).send().await.unwrap();
    format!("{id}; {}", cookie_of(&answer, session))
}

/// A profile request from the employer, answered by the wallet; returns the result page's URL.
async fn answered_request(http: &reqwest::Client, base: &str, bearer: &str) -> String {
    let skill = |i: usize| format!("http://data.europa.eu/esco/skill/{}", SKILLS[i]);
    let profile =
        json!({"title": "Data analyst", "essential": [{"skill": skill(0)}], "optional": [{"skill": skill(1)}]});
    let body = json!({"profile": profile, "client_name": "Bench Employer"});
    let request = post(http, format!("{base}/verifier/requests"), Some(TOKEN), &body).await;
    let body = json!({"request_uri": request["authorization_request_uri"], "consent": true});
    let answer = post(http, format!("{base}/wallet/presentation-requests"), Some(bearer), &body).await;
    assert_eq!(answer["status"], "sent", "{answer}");
    format!("{base}/employer/requests/{}", request["id"].as_str().unwrap())
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let args = ServeArgs {
        data: Some(dir.path().to_owned()),
        addr: Some("127.0.0.1:0".into()),
        roles: Some(vec!["issuer".into(), "verifier".into(), "wallet".into()]),
        allow_loopback_http: true,
        admin_token: Some(SecretString::new(TOKEN.to_owned())),
        ..ServeArgs::default()
    };
    let server = Server::start(&args).await.unwrap();
    let base = server.public_url.clone();
    let issuer = server.issuer.as_ref().unwrap().service.did().to_string();
    let http = client();
    let (bearer, seeded) = seed_wallet(&http, &base, &issuer).await;
    let worker =
        signed_in(&http, &base, "/app/sign-in", "sp_wallet", &[("account", "bench"), ("passphrase", PASSPHRASE)]).await;
    let result_url = answered_request(&http, &base, &bearer).await;
    let employer =
        signed_in(&http, &base, "/console/sign-in", "sp_console", &[("to", "employer"), ("admin_token", TOKEN)]).await;

    let health = timed(&http, &format!("{base}/health"), "").await;
    let passport = timed(&http, &format!("{base}/app"), &worker).await;
    let result = timed(&http, &result_url, &employer).await;
    let one_skill = format!("{base}/app?skill=http%3A%2F%2Fdata.europa.eu%2Fesco%2Fskill%2F{}", SKILLS[0]);
    let (_, _, _, skill_page) = timed(&http, &one_skill, &worker).await;
    let (css, js) = (skillspass::web::assets::STYLE.len(), skillspass::web::assets::SCRIPT.len());

    println!(
        "Seeding {CREDENTIALS} credentials (issue + verify-on-import over HTTP) took {:.1} s.\n",
        seeded.as_secs_f64()
    );
    println!("| Page ({SAMPLES} GETs over loopback, one client) | p50 | p95 | max | p95 ÷ /health p95 |");
    println!("| --- | --- | --- | --- | --- |");
    let ratio = |d: Duration| d.as_secs_f64() / health.1.as_secs_f64();
    println!("| `/health` (the floor) | {} | {} | {} | 1 |", ms(health.0), ms(health.1), ms(health.2));
    let rows = [
        (format!("passport `/app`, {CREDENTIALS} credentials"), passport),
        ("employer's result page".to_owned(), result),
    ];
    for (name, (p50, p95, max, _)) in rows {
        println!("| {name} | {} | {} | {} | {:.0} |", ms(p50), ms(p95), ms(max), ratio(p95));
    }
    println!();
    println!("| Page weight | HTML | + CSS | + JS | total |");
    println!("| --- | --- | --- | --- | --- |");
    let kb = |b: usize| format!("{:.1} KB", b as f64 / 1024.0);
    let weights = [
        ("passport, 1,000 credentials", passport.3),
        ("one skill in full (`?skill=`)", skill_page),
        ("employer's result", result.3),
    ];
    for (name, html) in weights {
        println!("| {name} | {} | {} | {} | {} |", kb(html), kb(css), kb(js), kb(html + css + js));
    }
    server.stop().await.unwrap();
}
