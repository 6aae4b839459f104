//! The pages (issue 14), as people use them: the whole story clicked through in Debian's headless Chromium
//! (`tests/browser/story.mjs`, playwright-core and axe-core from `tests/browser/package.json`) against a real
//! `serve` on 127.0.0.1, and the pages' HTTP guarantees checked directly: security headers, cookie attributes,
//! forms refused without their CSRF token or from another site, no open redirect in the language switch.
//!
//! When node, npm or chromium is missing the browser test reports itself skipped, unless
//! `SKILLSPASS_INTEROP=required` (set by `.ci/run`), where that fails.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::helpers::{ServerProcess, client};

const ALL_ROLES: &str = "issuer,verifier,wallet";

fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

/// `node` with playwright-core and axe-core installed, and Debian's chromium; `None` (skipped) when missing.
fn browser_tools() -> Option<PathBuf> {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let node = Command::new("node").arg("--version").stdout(Stdio::null()).status().is_ok_and(|s| s.success());
    let installed = browser_dir().join("node_modules/playwright-core").is_dir()
        || (node
            && Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund"])
                .current_dir(browser_dir())
                .status()
                .is_ok_and(|s| s.success()));
    if node && installed && Path::new(&chromium).exists() {
        return Some(PathBuf::from(chromium));
    }
    let required = std::env::var("SKILLSPASS_INTEROP").is_ok_and(|v| v == "required");
    assert!(!required, "the browser tests need node, npm ci in tests/browser and {chromium}");
    eprintln!("SKIPPED: node, playwright-core or {chromium} is missing");
    None
}

/// Where the screenshots go: `SKILLSPASS_SCREENSHOTS` (the docs are made with `docs/screenshots`), else
/// `target/screenshots`.
fn screenshot_dir() -> PathBuf {
    std::env::var_os("SKILLSPASS_SCREENSHOTS")
        .map_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots"), PathBuf::from)
}

#[test]
fn the_three_stories_click_through_in_a_real_browser() {
    let Some(chromium) = browser_tools() else { return };
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(dir.path(), ALL_ROLES, "127.0.0.1:0", &["--allow-loopback-http"]);
    // The public URL is http://localhost:<port>: the browser uses the same origin the server names itself by.
    let base = format!("http://localhost:{}", server.port());
    let report = run_in_browser(&chromium, "story.mjs", &[base, server.admin_token()]);
    assert!(report.matches("\nok - ").count() > 60, "{report}");
}

/// Runs the browser script `script` with `args` and the screenshot folder; its TAP-like report, once it passed.
fn run_in_browser(chromium: &Path, script: &str, args: &[String]) -> String {
    let output = Command::new("node")
        .arg(browser_dir().join(script))
        .args(args)
        .arg(screenshot_dir())
        .env("CHROMIUM", chromium)
        .current_dir(browser_dir())
        .output()
        .expect("node runs");
    let report = String::from_utf8_lossy(&output.stdout).into_owned();
    println!("{report}{}", String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success() && report.contains("# all passed"), "{script} failed:\n{report}");
    report
}

/// Issue 16: a learner signs in at the issuer from the web wallet (authorization code flow), in the browser.
#[test]
fn a_learner_signs_in_at_the_issuer_from_the_web_wallet_in_a_real_browser() {
    let Some(chromium) = browser_tools() else { return };
    let dir = tempfile::tempdir().unwrap();
    let issuer = ServerProcess::start(&dir.path().join("issuer"), "issuer", "127.0.0.1:0", &[]);
    let wallet = ServerProcess::start(&dir.path().join("wallet"), "wallet", "127.0.0.1:0", &["--allow-loopback-http"]);
    let args = [
        format!("http://localhost:{}", issuer.port()),
        issuer.admin_token(),
        format!("http://localhost:{}", wallet.port()),
    ];
    run_in_browser(&chromium, "sign_in.mjs", &args);
}

fn set_cookies(answer: &reqwest::Response) -> Vec<String> {
    answer.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect()
}

/// The sign-up form for the account `erin` as posted by the browser with `cookie`.
fn sign_up(http: &reqwest::Client, base: &str, cookie: &str, csrf: &str) -> reqwest::RequestBuilder {
    let form =
        [("csrf", csrf), ("account", "erin"), ("passphrase", "erin's passphrase"), ("repeat", "erin's passphrase")];
    http.post(format!("{base}/app/sign-up")).header("cookie", cookie).form(&form)
}

/// The `sp_browser` cookie and the CSRF token of the page at `path`.
async fn browser_and_token(base: &str, path: &str) -> (String, String) {
    let answer = client().get(format!("{base}{path}")).send().await.unwrap();
    let cookie = set_cookies(&answer).into_iter().find(|c| c.starts_with("sp_browser=")).expect("a browser id");
    let cookie = cookie.split(';').next().unwrap().to_owned();
    let page = answer.text().await.unwrap();
    let token = page.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    (cookie, token)
}

#[tokio::test]
async fn pages_are_guarded_by_headers_cookies_and_csrf_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(dir.path(), ALL_ROLES, "127.0.0.1:0", &[]);
    let base = &server.url;
    let home = client().get(format!("{base}/")).header("accept-language", "nl-NL, en;q=0.5").send().await.unwrap();
    let csp = home.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), "{csp}");
    assert_eq!(home.headers()["x-frame-options"], "DENY");
    let cookie = set_cookies(&home).join("\n");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain http on loopback: no Secure attribute");
    assert!(home.text().await.unwrap().contains("<html lang=\"nl\">"), "Accept-Language picks Dutch");

    // A sign-in without the token, with another browser's token, or from another site changes nothing.
    let (browser, token) = browser_and_token(base, "/app/sign-up").await;
    let no_redirects = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    for (csrf, extra) in [("", None), ("forged-token", None), (token.as_str(), Some(("sec-fetch-site", "cross-site")))]
    {
        let mut request = sign_up(&no_redirects, base, &browser, csrf);
        if let Some((name, value)) = extra {
            request = request.header(name, value);
        }
        let answer = request.send().await.unwrap();
        assert_eq!(answer.status(), 403, "csrf {csrf:?}, {extra:?}");
        let page = answer.text().await.unwrap();
        assert!(page.contains("Nothing was changed"), "{page}");
    }
    let (other_browser, _) = browser_and_token(base, "/app/sign-up").await;
    let stolen = sign_up(&no_redirects, base, &other_browser, &token).send().await.unwrap();
    assert_eq!(stolen.status(), 403, "a token is good only for the browser it was made for");
    let created = sign_up(&no_redirects, base, &browser, &token).send().await.unwrap();
    assert_eq!(created.status(), 303, "with its own token the form works");
    assert_eq!(created.headers()["location"], "/app?welcome=1");
    let session = set_cookies(&created).into_iter().find(|c| c.starts_with("sp_wallet=")).expect("a session cookie");
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Strict") && session.contains("Max-Age=900"),
        "{session}"
    );
    let session = session.split(';').next().unwrap().to_owned();
    let passport =
        client().get(format!("{base}/app")).header("cookie", format!("{browser}; {session}")).send().await.unwrap();
    let page = passport.text().await.unwrap();
    assert!(page.contains("Your wallet is ready") || page.contains("Your wallet is empty"), "{page}");
}

#[tokio::test]
async fn the_language_switch_and_the_consoles_send_only_to_this_site() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(dir.path(), ALL_ROLES, "127.0.0.1:0", &[]);
    let base = &server.url;
    let no_redirects = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    // The language switch goes back only to a path on this site.
    for (back, expected) in
        [("/app", "/app"), ("//evil.example/", "/"), ("https://evil.example/", "/"), ("/\\evil", "/")]
    {
        let answer = no_redirects.get(format!("{base}/language/nl")).query(&[("back", back)]).send().await.unwrap();
        assert_eq!(answer.headers()["location"], expected, "back={back}");
        assert!(set_cookies(&answer).iter().any(|c| c.starts_with("sp_lang=nl")));
    }
    let unknown = no_redirects.get(format!("{base}/language/xx")).send().await.unwrap();
    assert_eq!(unknown.status(), 404);

    // A console without a session goes to its sign-in page.
    let console = no_redirects.get(format!("{base}/provider")).send().await.unwrap();
    assert_eq!(console.headers()["location"], "/console/sign-in?to=provider");
    let state = no_redirects.get(format!("{base}/employer/requests/x/state")).send().await.unwrap();
    assert_eq!(state.status(), 401, "a request's state is for the signed-in console only");
}

#[tokio::test]
async fn cookies_are_secure_behind_https() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(dir.path(), "wallet", "127.0.0.1:0", &["--public-url", "https://skills.example"]);
    let answer = client().get(format!("{}/app/sign-in", server.url)).send().await.unwrap();
    let cookie = set_cookies(&answer).join("\n");
    assert!(cookie.contains("Secure") && cookie.contains("HttpOnly"), "{cookie}");
    let page = answer.text().await.unwrap();
    assert!(
        page.contains("href=\"/app\"") && !page.contains("href=\"/provider\""),
        "the navigation names only the roles served"
    );
    let missing = client().get(format!("{}/provider", server.url)).send().await.unwrap();
    assert_eq!(missing.status(), 404, "a console of a role this server does not run does not exist");
}

#[tokio::test]
async fn the_web_demo_leaves_the_story_running() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("demo");
    let mut child = Command::new(env!("CARGO_BIN_EXE_skillspass"))
        .args(["demo", "--web", "--addr", "127.0.0.1:0", "--data", data.to_str().unwrap()])
        .env_remove("SKILLSPASS_ADMIN_TOKEN")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(child.stdout.take().unwrap()));
    let mut printed = Vec::new();
    while let Some(Ok(line)) = lines.next() {
        let done = line.contains("see the employer's page fill in");
        printed.push(line);
        if done {
            break;
        }
    }
    let guide = printed.join("\n");
    let base = guide.split("The demo runs at ").nth(1).and_then(|s| s.split(' ').next()).expect(&guide).to_owned();
    assert!(guide.contains(&format!("{base}/app")) && guide.contains(&format!("{base}/provider")), "{guide}");
    let account = serde_json::json!({"account": "worker", "passphrase": "demo wallet passphrase"});
    let session: serde_json::Value =
        client().post(format!("{base}/wallet/sessions")).json(&account).send().await.unwrap().json().await.unwrap();
    let token = session["token"].as_str().unwrap();
    let held: serde_json::Value = client()
        .get(format!("{base}/wallet/credentials"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(held["credentials"].as_array().map(Vec::len), Some(3), "the story's three credentials: {held}");
    let request =
        guide.split("waits at ").nth(1).and_then(|s| s.split_whitespace().next()).map(|s| s.trim_end_matches(':'));
    assert!(request.is_some_and(|r| r.contains("/employer/requests/")), "{guide}");
    let pid = child.id().to_string();
    let _ = Command::new("kill").args(["-TERM", &pid]).status();
    let _ = child.wait();
    assert!(data.join("admin-token").exists(), "the demo's data folder is kept");
}

/// Signs in to a console over plain HTTP as a browser would; returns the cookies and the CSRF token.
pub(super) async fn console_session(base: &str, token: &str) -> (String, String) {
    let (browser, csrf) = browser_and_token(base, "/console/sign-in?to=provider").await;
    let no_redirects = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let form = [("csrf", csrf.as_str()), ("to", "provider"), ("admin_token", token)];
    let answer = no_redirects
        .post(format!("{base}/console/sign-in"))
        .header("cookie", browser.as_str())
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 303);
    let session = set_cookies(&answer).into_iter().find(|c| c.starts_with("sp_console=")).unwrap();
    (format!("{browser}; {}", session.split(';').next().unwrap()), csrf)
}

#[tokio::test]
async fn a_micro_credential_offer_needs_the_eu_elements() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(dir.path(), "issuer", "127.0.0.1:0", &[]);
    let base = &server.url;
    let (cookies, csrf) = console_session(base, &server.admin_token()).await;
    let python = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d";
    let mut form = vec![
        ("csrf", csrf.as_str()),
        ("action", "create"),
        ("provider_name", "Example Academy"),
        ("name", "Data analysis with Python"),
        ("description", "Cleaning and exploring data."),
        ("kind", "micro"),
        ("skill", python),
        ("eqf", "5"),
        ("setting", "non-formal"),
        ("tx_code", "on"),
    ];
    let post = |form: Vec<(&'static str, &str)>| {
        client().post(format!("{base}/provider/offers/new")).header("cookie", cookies.as_str()).form(&form).send()
    };
    let incomplete = post(form.clone()).await.unwrap();
    assert_eq!(incomplete.status(), 422);
    let page = incomplete.text().await.unwrap();
    assert!(page.contains("This would not make a valid credential."), "{page}");
    assert!(page.contains("Data analysis with Python"), "the form keeps what was typed");
    form.extend([
        ("outcomes", "Cleans data with pandas.\nExplains a finding."),
        ("workload", "56"),
        ("credits", "2"),
        ("assessment", "Project work"),
        ("participation", "blended"),
        ("quality", "Internal quality assurance"),
        ("supervision", "supervised-id-check-onsite"),
        ("language", "nl"),
        ("country", "NL"),
    ]);
    let bad_eqf = post(form.iter().map(|&(k, v)| (k, if k == "eqf" { "9" } else { v })).collect()).await.unwrap();
    assert_eq!(bad_eqf.status(), 422, "an EQF level outside 1 to 8 is refused");
    let created = post(form).await.unwrap();
    assert_eq!(created.status(), 201);
    let page = created.text().await.unwrap();
    assert!(page.contains("The offer is ready") && page.contains("credential_offer_uri="), "{page}");
    assert!(page.contains("src=\"data:image"), "the QR code is on the page");
    let issued = client().get(format!("{base}/provider")).header("cookie", cookies.as_str()).send().await.unwrap();
    assert!(issued.text().await.unwrap().contains("Nothing issued yet."), "an offer is not yet a credential");
}
