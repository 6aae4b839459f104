//! Issue 15: status lists as static files. `serve --publish-status-lists DIR` writes every list where its URL path
//! says and rewrites it on every change, byte for byte what the service serves, with the same headers in
//! `_headers` and `nginx.conf`; `skillspass status-lists publish DIR` does it once from a stopped issuer's data.

use std::process::Command;

use serde_json::Value;
use skillspass::core::encoding::b64url_decode;
use skillspass::core::status_list::bitstring::Bitstring;

use crate::helpers::{ServerProcess, client, fresh, issue, jwt_of, micro_credential, set_status};

fn claims(token: &str) -> Value {
    serde_json::from_slice(&b64url_decode(token.split('.').nth(1).unwrap()).unwrap()).unwrap()
}

fn revocation_entry(token: &str) -> (String, usize) {
    let payload = claims(token);
    let entry =
        payload["credentialStatus"].as_array().unwrap().iter().find(|e| e["statusPurpose"] == "revocation").unwrap();
    let url = entry["statusListCredential"].as_str().unwrap();
    (url.rsplit('/').next().unwrap().to_owned(), entry["statusListIndex"].as_str().unwrap().parse().unwrap())
}

fn bit(list_token: &str, index: usize) -> bool {
    let list = claims(list_token);
    Bitstring::decode(list["credentialSubject"]["encodedList"].as_str().unwrap(), 1).unwrap().get(index).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn status_lists_are_published_as_files_on_every_change_and_by_command() {
    let dir = tempfile::tempdir().unwrap();
    let (data, files) = (dir.path().join("data"), dir.path().join("cdn"));
    let flags = ["--publish-status-lists", files.to_str().unwrap()];
    let server = ServerProcess::start(&data, "issuer", "127.0.0.1:0", &flags);
    let (_, answer) = issue(&server, &fresh(&micro_credential(&server.did())), Some(&server.admin_token())).await;
    let token = jwt_of(&answer);
    let (list, index) = revocation_entry(&token);
    let path = files.join("status").join(&list);
    assert!(path.exists(), "the new list was written when its first credential was issued");
    assert!(!bit(&std::fs::read_to_string(&path).unwrap(), index));

    assert_eq!(set_status(&server, claims(&token)["id"].as_str().unwrap(), "revoked").await.0, 200);
    let on_disk = std::fs::read_to_string(&path).unwrap();
    assert!(bit(&on_disk, index), "the file shows the revocation as soon as it was acknowledged");
    let response = client().get(format!("{}/status/{list}", server.url)).send().await.unwrap();
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    let cache_control = response.headers()["cache-control"].to_str().unwrap().to_owned();
    assert_eq!(response.text().await.unwrap(), on_disk, "the file is what the service serves");
    let headers = std::fs::read_to_string(files.join("_headers")).unwrap();
    let block = format!(
        "/status/{list}\n  Content-Type: application/vc+jwt\n  Cache-Control: {cache_control}\n  ETag: {etag}\n"
    );
    assert!(headers.contains(&block), "{headers}");
    let nginx = std::fs::read_to_string(files.join("nginx.conf")).unwrap();
    assert!(nginx.contains(&format!("location = /status/{list} {{")) && nginx.contains(&etag), "{nginx}");
    let url = server.url.clone();
    server.stop();

    // Once, from the stopped issuer's data folder.
    let again = dir.path().join("again");
    let run = |args: &[&str]| Command::new(env!("CARGO_BIN_EXE_skillspass")).args(args).output().unwrap();
    let public_url = url.replace("127.0.0.1", "localhost");
    let out = run(&[
        "status-lists",
        "publish",
        again.to_str().unwrap(),
        "--data",
        data.to_str().unwrap(),
        "--public-url",
        &public_url,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("status list(s) written"));
    let published = std::fs::read_to_string(again.join("status").join(&list)).unwrap();
    assert!(bit(&published, index));
    assert_eq!(claims(&published)["credentialSubject"]["id"], claims(&on_disk)["credentialSubject"]["id"]);

    // Bad input: no issuer in the folder, no public URL.
    let empty = dir.path().join("empty");
    let out = run(&["status-lists", "publish", again.to_str().unwrap(), "--data", empty.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no issuer"), "{}", String::from_utf8_lossy(&out.stderr));
    let out = run(&["status-lists", "publish", again.to_str().unwrap(), "--data", data.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("public URL"), "{}", String::from_utf8_lossy(&out.stderr));
}
