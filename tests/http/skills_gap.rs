//! Issue 13: the private skills gap and the profile-based request, as the worker and the employer use them. The
//! worker's wallet (the `skillspass wallet` command) holds a micro-credential (Python) and an employer's practice
//! statement (data cleansing, dashboards); a vacancy needs computer programming, data cleansing and statistics.
//! The wallet computes 2 of 3 essential skills privately (programming through the narrower Python); the
//! employer's profile-based request gets exactly those skills disclosed and reports the same coverage; after a
//! revocation and `wallet refresh`, the match (with the issuer gone and its port watched) drops the skill without a
//! single connection. The hosted wallet answers `POST /wallet/match` the same way; bad profiles are refused.

use std::net::TcpListener;

use serde_json::{Value, json};

use super::helpers::{AFTER_TTL, ServerProcess, assert_problem, client, set_status};
use super::openid4vc::{MICRO, OTHER_MICRO_SKILL, PYTHON, get, offer, wallet_cli};

const PRACTICE: &str = include_str!("../../docs/examples/data-practice-statement.json");
const PROGRAMMING: &str = "http://data.europa.eu/esco/skill/21d2f96d-35f7-4e3f-9745-c533d2dd6e97";
const CLEANSING: &str = "http://data.europa.eu/esco/skill/50b100ea-74fd-4706-99db-3e4ca55e51b8";
const DASHBOARDS: &str = "http://data.europa.eu/esco/skill/348b74cd-49ce-4844-8bdf-ec188b497213";
const STATISTICS: &str = "http://data.europa.eu/esco/skill/7ee4c2ea-b349-4bd2-81a3-ec31475d4833";
const HADOOP: &str = "http://data.europa.eu/esco/skill/e46291c7-52b9-4174-bd59-178884861038";

fn profile() -> Value {
    json!({
        "title": "Data analyst",
        "employer": "Example Employer BV",
        "essential": [{"skill": PROGRAMMING}, {"skill": CLEANSING}, {"skill": STATISTICS}],
        "optional": [{"skill": HADOOP}],
        "evidenceWeights": {"formal": 1.0, "nonFormal": 0.8, "practiceStatement": 0.6, "informal": 0.4}
    })
}

fn essential(gap: &Value) -> (u64, u64) {
    (gap["essential"]["proven"].as_u64().unwrap(), gap["essential"]["total"].as_u64().unwrap())
}

fn outcome<'a>(gap: &'a Value, skill: &str) -> &'a Value {
    &gap["skills"].as_array().unwrap().iter().find(|s| s["skill"] == skill).unwrap()["outcome"]
}

#[tokio::test(flavor = "multi_thread")]
#[expect(clippy::too_many_lines, reason = "one story, told in order")]
async fn private_gap_then_profile_request_then_revocation_without_network() {
    let dir = tempfile::tempdir().unwrap();
    let issuer = ServerProcess::start(&dir.path().join("issuer"), "issuer", "127.0.0.1:0", &[]);
    let verifier =
        ServerProcess::start(&dir.path().join("verifier"), "verifier", "127.0.0.1:0", &["--allow-loopback-http"]);
    let wallet = dir.path().join("wallet");
    assert_eq!(wallet_cli(&wallet, &["init"]).0, 0);
    let micro = offer(&issuer, MICRO, json!({"tx_code": true})).await;
    let (code, out, err) = wallet_cli(
        &wallet,
        &[
            "accept",
            micro["offer_uri"].as_str().unwrap(),
            "--tx-code",
            micro["tx_code"].as_str().unwrap(),
            "--allow-loopback-http",
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    let practice = offer(&issuer, PRACTICE, json!({})).await;
    assert_eq!(wallet_cli(&wallet, &["accept", practice["offer_uri"].as_str().unwrap(), "--allow-loopback-http"]).0, 0);
    let profile_file = dir.path().join("vacancy.json");
    std::fs::write(&profile_file, profile().to_string()).unwrap();

    // The worker's own view: ESCO labels beside the issuers' names, then the gap, computed in the wallet.
    let (code, skills, _) = wallet_cli(&wallet, &["skills"]);
    assert_eq!(code, 0);
    assert!(skills.contains("perform data cleansing  (issuer: \"data cleaning\")"), "{skills}");
    let (code, out, err) = wallet_cli(&wallet, &["match", profile_file.to_str().unwrap(), "--json"]);
    assert_eq!(code, 0, "{err}");
    let private: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(essential(&private), (2, 3), "{private:#}");
    assert_eq!(private["missingEssential"], json!([STATISTICS]));
    assert_eq!(*outcome(&private, PROGRAMMING), "proven-narrower");
    assert_eq!(*outcome(&private, CLEANSING), "proven");
    let (_, text, err) = wallet_cli(&wallet, &["match", profile_file.to_str().unwrap()]);
    assert!(text.contains("essential: 2 of 3 proven") && text.contains("✗ missing: statistics [essential]"), "{text}");
    assert!(err.contains("nothing was sent"), "{err}");

    // The employer asks by the profile (the CLI, as an employer would); the wallet discloses the matched skills only.
    let (code, created, err) = employer_request(&verifier, &profile_file);
    assert_eq!(code, 0, "{err}");
    let created: Value = serde_json::from_str(created.trim()).unwrap();
    let (code, out, err) = wallet_cli(
        &wallet,
        &[
            "respond",
            created["authorization_request_uri"].as_str().unwrap(),
            "--yes",
            "--allow-loopback-http",
            "--json",
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    let sent: Value = serde_json::from_str(out.trim()).unwrap();
    let disclosed = sent["disclosed"].to_string();
    assert!(disclosed.contains(PYTHON) && disclosed.contains(CLEANSING), "{disclosed}");
    for withheld in [OTHER_MICRO_SKILL, DASHBOARDS, "learner_name"] {
        assert!(!disclosed.contains(withheld), "{withheld} must stay in the wallet: {disclosed}");
    }
    let (_, answered) = get(
        &format!("{}/verifier/requests/{}", verifier.url, created["id"].as_str().unwrap()),
        Some(&verifier.admin_token()),
    )
    .await;
    let gap = &answered["result"]["gap"];
    assert_eq!(answered["result"]["verified"], true, "{answered:#}");
    assert_eq!(essential(gap), essential(&private), "the employer sees the coverage the wallet computed: {gap:#}");
    assert_eq!(gap["missingEssential"], private["missingEssential"]);
    assert_eq!(*outcome(gap, PROGRAMMING), "proven-narrower");
    assert_eq!(gap["score"], private["score"]);

    // Revoked at the issuer, refreshed once online; then the match runs with the issuer gone and its port watched.
    let (_, state) =
        get(&format!("{}/offers/{}/state", issuer.url, micro["id"].as_str().unwrap()), Some(&issuer.admin_token()))
            .await;
    assert_eq!(set_status(&issuer, state["credential_id"].as_str().unwrap(), "revoked").await.0, 200);
    tokio::time::sleep(AFTER_TTL).await;
    let (code, refreshed, err) = wallet_cli(&wallet, &["refresh", "--allow-loopback-http"]);
    assert_eq!(code, 0, "{err}");
    assert!(refreshed.contains("revoked"), "{refreshed}");
    let port = issuer.port();
    issuer.kill();
    let watch = TcpListener::bind(("127.0.0.1", port)).unwrap();
    watch.set_nonblocking(true).unwrap();
    let (code, out, err) = wallet_cli(&wallet, &["match", profile_file.to_str().unwrap(), "--json"]);
    assert_eq!(code, 0, "{err}");
    assert!(watch.accept().is_err(), "the match made a connection to the issuer's address");
    let after: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(essential(&after), (1, 3), "a revoked credential proves nothing: {after:#}");
    let evidence = &after["skills"][0]["evidence"][0];
    assert_eq!(evidence["counts"], false);
    assert!(evidence["reason"].as_str().unwrap().starts_with("revoked"), "{evidence:#}");
    verifier.stop();
}

fn employer_request(verifier: &ServerProcess, profile: &std::path::Path) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_skillspass"))
        .args(["request", "--verifier", &verifier.url, "--profile", profile.to_str().unwrap(), "--signed", "--json"])
        .env("SKILLSPASS_ADMIN_TOKEN", verifier.admin_token())
        .env_remove("SKILLSPASS_TOKEN_FILE")
        .output()
        .unwrap();
    let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
    (out.status.code().unwrap(), text(out.stdout), text(out.stderr))
}

#[tokio::test(flavor = "multi_thread")]
async fn hosted_match_esco_routes_and_malformed_profiles() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(dir.path(), "issuer,verifier,wallet", "127.0.0.1:0", &["--allow-loopback-http"]);
    let (did, session) = super::wallet::account(&server, "worker", "correct horse battery").await;
    let practice = offer(&server, PRACTICE, json!({})).await;
    let body = json!({"offer_uri": practice["offer_uri"]});
    let (status, accepted) = call(&server, "/wallet/offers", Some(&session), body).await;
    assert!(status == 201 && accepted["status"] == "accepted", "{status} {accepted:#} ({did})");

    let (status, gap) = call(&server, "/wallet/match", Some(&session), json!({"profile": profile()})).await;
    assert_eq!(status, 200, "{gap:#}");
    assert_eq!(essential(&gap), (1, 3));
    assert_eq!(*outcome(&gap, CLEANSING), "proven");
    let data_analyst = "http://data.europa.eu/esco/occupation/d3edb8f8-3a06-47a0-8fb9-9b212c006aa2";
    let (status, from_occupation) =
        call(&server, "/wallet/match", Some(&session), json!({"occupation": data_analyst})).await;
    assert_eq!(status, 200);
    assert_eq!(essential(&from_occupation), (2, 30), "data cleansing and visual presentation: {from_occupation:#}");

    let mut unknown_field = profile();
    unknown_field["salary"] = json!(50_000);
    let mut not_esco = profile();
    not_esco["essential"][0]["skill"] = json!("https://example.com/skills/python");
    let mut eqf_nine = profile();
    eqf_nine["minEqf"] = json!(9);
    let mut empty = profile();
    empty["essential"] = json!([]);
    for (_, bad) in [("unknown field", unknown_field), ("not ESCO", not_esco), ("EQF 9", eqf_nine), ("empty", empty)] {
        let (status, problem) = call(&server, "/wallet/match", Some(&session), json!({"profile": bad.clone()})).await;
        assert_problem(status, &problem, 422, "invalid-profile");
        let response = client()
            .post(format!("{}/verifier/requests", server.url))
            .bearer_auth(server.admin_token())
            .json(&json!({"profile": bad}))
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        assert_problem(status, &response.json().await.unwrap(), 422, "invalid-profile");
    }
    let (status, problem) =
        call(&server, "/wallet/match", Some(&session), json!({"occupation": "https://example.com/job"})).await;
    assert_problem(status, &problem, 404, "unknown-esco-concept");
    let (status, _) = call(&server, "/wallet/match", None, json!({"profile": profile()})).await;
    assert_eq!(status, 401, "the match needs the holder's session");

    let (status, hits) = get(&format!("{}/esco/skills?q=python", server.url), None).await;
    assert_eq!(status, 200);
    assert_eq!(hits["hits"][0]["uri"], PYTHON);
    assert!(hits["attribution"].as_str().unwrap().contains("© European Union"));
    let (_, hits) = get(&format!("{}/esco/occupations?q=data%20analist", server.url), None).await;
    assert_eq!(hits["hits"][0]["uri"], data_analyst);
    let (status, skill) = get(&format!("{}/esco/skills/ccd0a1d9-afda-43d9-b901-96344886e14d", server.url), None).await;
    assert_eq!(status, 200);
    assert!(skill["broader"].to_string().contains(PROGRAMMING));
    let (_, job) = get(&format!("{}/esco/occupations/d3edb8f8-3a06-47a0-8fb9-9b212c006aa2", server.url), None).await;
    assert_eq!(job["essentialSkills"].as_array().unwrap().len(), 30);
    for missing in ["/esco/skills/00000000-0000-4000-8000-000000000000", "/esco/occupations/not-a-uuid"] {
        let (status, problem) = get(&format!("{}{missing}", server.url), None).await;
        assert_problem(status, &problem, 404, "unknown-esco-concept");
    }
    let (status, problem) = get(&format!("{}/esco/skills?q=%20", server.url), None).await;
    assert_problem(status, &problem, 400, "invalid-request");
    let (_, health) = get(&format!("{}/health", server.url), None).await;
    assert_eq!(health["status"], "ok");
    server.stop();
}

async fn call(server: &ServerProcess, path: &str, session: Option<&str>, body: Value) -> (u16, Value) {
    super::wallet::call(reqwest::Method::POST, format!("{}{path}", server.url), session, Some(body)).await
}

#[test]
fn the_profile_request_asks_one_query_per_skill_with_narrower_alternatives() {
    let esco = skillspass::core::esco::Esco::embedded();
    let profile: skillspass::core::vacancy::VacancyProfile = serde_json::from_value(profile()).unwrap();
    let query = skillspass::core::openid4vp::dcql_for_profile(&profile, &esco);
    let ids: Vec<&str> = query["credentials"].as_array().unwrap().iter().map(|q| q["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["s1", "s1_narrower", "s2", "s3", "s3_narrower", "s4"], "{query:#}");
    assert!(query["credentials"][1]["claims"][0]["values"].to_string().contains(PYTHON));
    let sets = query["credential_sets"].as_array().unwrap();
    assert_eq!(sets[0]["options"], json!([["s1"], ["s1_narrower"]]));
    assert!(sets.iter().all(|s| s["required"] == false), "answerWithGaps (the default) lets the holder answer partly");
    let mut strict = profile;
    strict.answer_with_gaps = false;
    let query = skillspass::core::openid4vp::dcql_for_profile(&strict, &esco);
    let required: Vec<bool> =
        query["credential_sets"].as_array().unwrap().iter().map(|s| s["required"] == true).collect();
    assert_eq!(required, [true, true, true, false], "essential sets required, the optional one not");
}
