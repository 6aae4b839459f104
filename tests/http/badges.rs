//! Badges into the hosted wallet over HTTP (issue 12): `POST /wallet/credentials` with a baked badge image (a PNG
//! or SVG as a base64 `data:` URL), with a Data Integrity badge of another platform (with the holder's consent for
//! a badge naming them otherwise), and with images that carry nothing readable (a stable problem, nothing stored).

use serde_json::{Value, json};
use skillspass::core::baking::{BakingVersion, bake_png, bake_svg};

use crate::helpers::{ServerProcess, assert_problem, issue, jwt_of, micro_credential};
use crate::wallet::{account, call};

fn data_url(media_type: &str, bytes: &[u8]) -> String {
    format!("data:{media_type};base64,{}", base64::Engine::encode(&base64::engine::general_purpose::STANDARD, bytes))
}

/// A small valid PNG to bake into (one transparent pixel).
fn blank_png() -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, 1, 1);
    encoder.set_color(png::ColorType::Rgba);
    encoder.write_header().unwrap().write_image_data(&[0, 0, 0, 0]).unwrap();
    bytes
}

#[tokio::test(flavor = "multi_thread")]
async fn badge_images_and_other_platforms_badges_are_imported_over_http_issue_12() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(dir.path(), "issuer,wallet", "127.0.0.1:0", &["--allow-loopback-http"]);
    let (did, session) = account(&server, "wim", "wim's long passphrase").await;
    let import = |body: Value| {
        let (url, session) = (format!("{}/wallet/credentials", server.url), session.clone());
        async move { call(reqwest::Method::POST, url, Some(&session), Some(body)).await }
    };

    let mut credential = micro_credential(&server.did());
    credential["credentialSubject"]["id"] = json!(did);
    let (_, answer) = issue(&server, &credential, Some(&server.admin_token())).await;
    let jwt = jwt_of(&answer);
    let png = bake_png(&blank_png(), BakingVersion::OpenBadges3, &jwt).unwrap();
    let (status, stored) = import(json!({"image": data_url("image/png", &png)})).await;
    assert_eq!(status, 201, "{stored:#}");
    assert_eq!(stored["credential"]["format"], "vc+jwt");
    let svg =
        bake_svg(r#"<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>"#, BakingVersion::OpenBadges3, &jwt)
            .unwrap();
    let (status, again) = import(json!({"image": data_url("image/svg+xml", svg.as_bytes())})).await;
    assert_eq!(status, 200, "the same credential from the SVG is already stored: {again:#}");

    let Some(vectors) = std::env::var_os("SKILLSPASS_VECTORS")
        .map_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/vectors"), Into::into)
        .join("openbadges-3.0")
        .canonicalize()
        .ok()
    else {
        assert!(std::env::var("CI").is_err(), "vectors missing in CI");
        return;
    };
    let badge: Value =
        serde_json::from_str(&std::fs::read_to_string(vectors.join("simple-did-key-method.json")).unwrap()).unwrap();
    let (status, problem) = import(json!({"credential": badge})).await;
    assert_problem(status, &problem, 422, "credential-not-accepted");
    let (status, stored) = import(json!({"credential": badge, "otherSubject": true})).await;
    assert_eq!(status, 201, "{stored:#}");
    assert_eq!(stored["credential"]["format"], "ldp_vc");
    assert_eq!(stored["credential"]["proof"], "DataIntegrityProof eddsa-rdfc-2022");

    for (image, why) in [
        ("data:image/png;base64,not base64!".to_owned(), "base64"),
        (data_url("image/png", &blank_png()), "no Open Badges credential"),
        (data_url("image/png", b"GIF89a"), "not a PNG or SVG"),
    ] {
        let (status, problem) = import(json!({"image": image})).await;
        assert_problem(status, &problem, 422, "invalid-badge-image");
        assert!(problem["detail"].as_str().unwrap_or_default().contains(why), "{problem:#}");
    }
    let (_, listed) =
        call(reqwest::Method::GET, format!("{}/wallet/credentials", server.url), Some(&session), None).await;
    assert_eq!(listed["credentials"].as_array().unwrap().len(), 2, "nothing else was stored");
}
