//! Core benchmarks (issue #2): raw ed25519-dalek sign and `verify_strict` against skillspass issue and offline
//! verify of a typical micro-credential, measured in the same run so the ratios in `docs/benchmarks.md` hold on
//! whatever machine runs them. Run: `cargo bench --bench core`.

#![expect(missing_docs, reason = "criterion_group! generates undocumented items")]
#![expect(clippy::unwrap_used, reason = "benchmark setup fails loudly on purpose")]

use std::hint::black_box;

use chrono::Utc;
use criterion::{Criterion, criterion_group, criterion_main};
use ed25519_dalek::{Signer as _, SigningKey};
use skillspass::core::did::Did;
use skillspass::core::keys;
use skillspass::core::vc_jose;
use skillspass::issuer::Issuer;
use skillspass::verifier::{Policy, TrustList, Verifier};

const MICRO_CREDENTIAL: &str = include_str!("../docs/examples/micro-credential.json");

/// The raw baseline signs and verifies exactly the bytes skillspass signs: the JWS signing input of the sample.
fn signing_input() -> Vec<u8> {
    let issuer = Issuer::with_did_key(keys::SigningKey::from_seed(&[7; 32])).unwrap();
    let learner = Did::key(&keys::SigningKey::from_seed(&[9; 32]).verifying_key());
    let description: serde_json::Value = serde_json::from_str(MICRO_CREDENTIAL).unwrap();
    let token = issuer.issue_json(&description, learner.as_str(), None, Utc::now()).unwrap().token;
    token.as_bytes()[..token.rfind('.').unwrap()].to_vec()
}

fn raw_ed25519(c: &mut Criterion) {
    let key = SigningKey::from_bytes(&[7; 32]);
    let message = signing_input();
    let signature = key.sign(&message);
    let public = key.verifying_key();
    c.bench_function("raw/ed25519-dalek sign (same bytes as the JWS signing input)", |b| {
        b.iter(|| key.sign(black_box(&message)));
    });
    c.bench_function("raw/ed25519-dalek verify_strict (same bytes)", |b| {
        b.iter(|| public.verify_strict(black_box(&message), black_box(&signature)));
    });
}

fn skillspass_issue_and_verify(c: &mut Criterion) {
    let now = Utc::now();
    let issuer = Issuer::with_did_key(keys::SigningKey::from_seed(&[7; 32])).unwrap();
    let learner = Did::key(&keys::SigningKey::from_seed(&[9; 32]).verifying_key());
    let description: serde_json::Value = serde_json::from_str(MICRO_CREDENTIAL).unwrap();
    let sample = issuer.issue_json(&description, learner.as_str(), None, now).unwrap();
    let credential = serde_json::to_value(&sample.credential).unwrap();
    let key = keys::SigningKey::from_seed(&[7; 32]);
    let kid = issuer.did().default_kid();
    c.bench_function("skillspass/sign micro-credential as vc+jwt", |b| {
        b.iter(|| vc_jose::sign_credential(black_box(&credential), &key, &kid, now).unwrap());
    });
    c.bench_function("skillspass/issue micro-credential (build + validate + sign)", |b| {
        b.iter(|| issuer.issue_json(black_box(&description), learner.as_str(), None, now).unwrap());
    });
    let trust = Some(TrustList::of_dids(&[issuer.did().to_string()]));
    let verifier = Verifier::new(Policy { trust, ..Policy::default() }).unwrap();
    assert!(verifier.verify_offline(&sample.token, now).verified);
    c.bench_function("skillspass/verify micro-credential offline (full pipeline)", |b| {
        b.iter(|| verifier.verify_offline(black_box(&sample.token), now));
    });
}

criterion_group!(benches, raw_ed25519, skillspass_issue_and_verify, verify_components);
criterion_main!(benches);

/// Where offline verification spends its time, step by step.
fn verify_components(c: &mut Criterion) {
    use skillspass::core::credential::schema::Schemas;
    use skillspass::core::jose::CompactJws;
    let issuer = Issuer::with_did_key(keys::SigningKey::from_seed(&[7; 32])).unwrap();
    let learner = Did::key(&keys::SigningKey::from_seed(&[9; 32]).verifying_key());
    let description: serde_json::Value = serde_json::from_str(MICRO_CREDENTIAL).unwrap();
    let token = issuer.issue_json(&description, learner.as_str(), None, Utc::now()).unwrap().token;
    let public = keys::SigningKey::from_seed(&[7; 32]).verifying_key();
    c.bench_function("component/parse header + payload JSON", |b| {
        b.iter(|| CompactJws::parse(black_box(&token)).unwrap().claims().unwrap());
    });
    let jws = CompactJws::parse(&token).unwrap();
    c.bench_function("component/signature through josekit + dalek", |b| {
        b.iter(|| jws.verify_signature(black_box(&public)).unwrap());
    });
    let schemas = Schemas::load().unwrap();
    let document = serde_json::Value::Object(jws.claims().unwrap());
    c.bench_function("component/schema validation (micro-credential)", |b| {
        b.iter(|| schemas.validate(black_box(&document)).unwrap());
    });
    c.bench_function("component/did:key resolution", |b| {
        b.iter(|| Did::parse(black_box(issuer.did().as_str())).unwrap().resolve().unwrap());
    });
}
