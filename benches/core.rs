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
use skillspass::core::pipeline;
use skillspass::core::vc_jose;
use skillspass::issuer::Issuer;
use skillspass::verifier::{Policy, TrustList, Verifier};

/// The same allocator as the `skillspass` binary.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    assert!(verifier.verify_offline(&sample.token, now).is_verified());
    write_artifact("vc.jwt", &sample.token);
    write_artifact("issuer.jwk", &key.verifying_key().to_jwk().to_value().to_string());
    c.bench_function("skillspass/verify micro-credential offline (full pipeline)", |b| {
        b.iter(|| verifier.verify_offline(black_box(&sample.token), now));
    });
}

criterion_group!(
    benches,
    raw_ed25519,
    skillspass_issue_and_verify,
    es256,
    encrypted_response,
    bulk_verification,
    verify_components,
    sd_jwt_vc,
    data_integrity,
    dpop_and_type_metadata
);

/// Issue 16: what the authorization server spends on one DPoP proof (an ES256 proof checked as RFC 9449 section
/// 4.3 asks, its server nonce checked) against raw `p256` verification of the same signing input, in the same run;
/// and the type metadata check of an SD-JWT VC (SRI over the document, parse, the claims against its schema).
fn dpop_and_type_metadata(c: &mut Criterion) {
    use p256::ecdsa::signature::Verifier as _;
    use skillspass::core::dpop::{self, DpopNonces, Target};
    use skillspass::core::type_metadata::{self, TypeMetadata};
    let now = Utc::now();
    let key = keys::SigningKey::generate_for(keys::KeyAlgorithm::Es256, &mut rand::rngs::OsRng);
    let nonces = DpopNonces::new(b"protocol key of the bench", "credential-endpoint");
    let nonce = nonces.mint(now);
    let target =
        Target { method: "POST", url: "https://academy.example/credential", access_token: Some("an access token") };
    let proof = dpop::proof(&key, target, "0123456789abcdefghij", Some(&nonce), now).unwrap();
    let message = proof.as_bytes()[..proof.rfind('.').unwrap()].to_vec();
    let signature = skillspass::core::encoding::b64url_decode(proof.rsplit('.').next().unwrap()).unwrap();
    let raw_public = p256::ecdsa::VerifyingKey::from_sec1_bytes(&key.verifying_key().to_bytes()).unwrap();
    let raw_signature = p256::ecdsa::Signature::from_slice(&signature).unwrap();
    c.bench_function("dpop/raw p256 verify (same signing input)", |b| {
        b.iter(|| raw_public.verify(black_box(&message), black_box(&raw_signature)).is_ok());
    });
    c.bench_function("dpop/check one ES256 proof (RFC 9449 4.3, with ath) and its nonce", |b| {
        b.iter(|| {
            let checked = dpop::check(black_box(&proof), target, now).unwrap();
            nonces.check(&checked, now).unwrap();
        });
    });
    let vct = skillspass::core::sd_jwt_vc::VCT_MICRO_CREDENTIAL;
    let document = type_metadata::builtin(vct).unwrap();
    let pin = type_metadata::integrity(document);
    let claims = serde_json::json!({"iss": "did:web:academy.example", "vct": vct, "name": "Data analysis",
        "skills": [{"id": "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d", "label": "Python"}],
        "micro_credential": {"issuer_country": ["NL"], "learning_outcomes": ["Cleans data"]}});
    c.bench_function("type-metadata/first read: SRI + parse + schema compiled + claims check", |b| {
        b.iter(|| {
            type_metadata::check_integrity(&pin, black_box(document), vct).unwrap();
            TypeMetadata::parse(document, vct).unwrap().check_claims(black_box(&claims)).unwrap();
        });
    });
    let cached = TypeMetadata::parse(document, vct).unwrap();
    c.bench_function("type-metadata/cached document: claims check only (what each verification pays)", |b| {
        b.iter(|| cached.check_claims(black_box(&claims)).unwrap());
    });
}

/// Issue 16: ES256 (P-256) through our stack against raw `p256` over the same signing input, in the same run: the
/// JWS alone (`jose::sign`, `CompactJws::parse` + `verify_signature`) and the whole micro-credential (issue, offline
/// verify with the full pipeline).
fn es256(c: &mut Criterion) {
    use p256::ecdsa::signature::{Signer as _, Verifier as _};
    let now = Utc::now();
    let key = keys::SigningKey::generate_for(keys::KeyAlgorithm::Es256, &mut rand::rngs::OsRng);
    let issuer = Issuer::with_did_key(key.clone()).unwrap();
    let learner = Did::key(&keys::SigningKey::from_seed(&[9; 32]).verifying_key());
    let description: serde_json::Value = serde_json::from_str(MICRO_CREDENTIAL).unwrap();
    let sample = issuer.issue_json(&description, learner.as_str(), None, now).unwrap();
    let message = sample.token.as_bytes()[..sample.token.rfind('.').unwrap()].to_vec();
    let raw_key = p256::ecdsa::SigningKey::from_slice(&raw_secret(&key)).unwrap();
    let raw_public = *raw_key.verifying_key();
    let raw_signature: p256::ecdsa::Signature = raw_key.sign(&message);
    c.bench_function("es256/raw p256 sign (same bytes as the JWS signing input)", |b| {
        b.iter(|| -> p256::ecdsa::Signature { raw_key.sign(black_box(&message)) });
    });
    c.bench_function("es256/raw p256 verify (same bytes)", |b| {
        b.iter(|| raw_public.verify(black_box(&message), black_box(&raw_signature)).is_ok());
    });
    let payload = skillspass::core::jose::CompactJws::parse(&sample.token).unwrap().payload_bytes().to_vec();
    let header = skillspass::core::jose::HeaderSpec {
        typ: Some(skillspass::core::jose::TokenKind::Credential),
        kid: Some(issuer.kid()),
        ..Default::default()
    };
    c.bench_function("es256/skillspass jose::sign (same payload)", |b| {
        b.iter(|| skillspass::core::jose::sign(black_box(&payload), &header, &key).unwrap());
    });
    let public = key.verifying_key();
    c.bench_function("es256/skillspass CompactJws parse + verify_signature (same token)", |b| {
        b.iter(|| {
            skillspass::core::jose::CompactJws::parse(black_box(&sample.token)).unwrap().verify_signature(&public)
        });
    });
    c.bench_function("es256/skillspass issue micro-credential (build + validate + sign)", |b| {
        b.iter(|| issuer.issue_json(black_box(&description), learner.as_str(), None, now).unwrap());
    });
    let trust = Some(TrustList::of_dids(&[issuer.did().to_string()]));
    let verifier = Verifier::new(Policy { trust, ..Policy::default() }).unwrap();
    assert!(verifier.verify_offline(&sample.token, now).is_verified());
    c.bench_function("es256/skillspass verify micro-credential offline (full pipeline)", |b| {
        b.iter(|| verifier.verify_offline(black_box(&sample.token), now));
    });
}

/// Issue 16: one `direct_post.jwt` answer as a HAIP verifier gets it: a JWE (ECDH-ES on P-256, A256GCM) holding a
/// `vp_token` with one SD-JWT VC (ES256 issuer, 10 disclosures) and its ES256 Key Binding JWT. Decrypting alone,
/// decrypting and verifying (the answer's parameters read, the presentation checked offline with Key Binding),
/// and the same presentation verified unencrypted, in the same run.
fn encrypted_response(c: &mut Criterion) {
    use skillspass::core::credential::schema::Schemas;
    use skillspass::core::jwe::{self, EncryptionKey};
    use skillspass::core::sd_jwt::key_binding;
    use skillspass::core::sd_jwt_vc::KeyBindingPolicy;
    use skillspass::core::vc_jose::LocalResolver;

    let issuer = keys::SigningKey::generate_for(keys::KeyAlgorithm::Es256, &mut rand::rngs::OsRng);
    let holder = keys::SigningKey::generate_for(keys::KeyAlgorithm::Es256, &mut rand::rngs::OsRng);
    let now = Utc::now();
    let compact = sd_jwt_sample(&issuer, &holder, now);
    let kb = key_binding::create(&holder, &compact, "https://employer.example", "n", now).unwrap();
    let presentation = format!("{compact}{kb}");
    let key = EncryptionKey::from_scalar("response-bench", &[5; 32]).unwrap();
    let plaintext = serde_json::json!({"vp_token": {"skill_1": [presentation]}, "state": "s"}).to_string();
    let offered = [serde_json::json!("A128GCM"), serde_json::json!("A256GCM")];
    let answer =
        jwe::encrypt_to(&serde_json::json!({"keys": [key.public_jwk()]}), Some(&offered), plaintext.as_bytes())
            .unwrap();
    let schemas = Schemas::load().unwrap();
    let resolver = skillspass::verifier::KeyCache::new(LocalResolver::default());
    let linked_data = skillspass::core::data_integrity::LinkedData::default();
    let context = offline_context(&resolver, &schemas, &linked_data, now);
    let policy = KeyBindingPolicy { required: true, aud: "https://employer.example", nonce: "n" };
    let verify_answer = |members: &serde_json::Map<String, serde_json::Value>| {
        let token = skillspass::core::openid4vp::parse_vp_token(&members["vp_token"].to_string()).unwrap();
        pipeline::check_token(&token["skill_1"][0], &context, Some(policy)).record.passed()
    };
    assert!(verify_answer(&key.decrypt(&answer, &jwe::ENC_VALUES).unwrap()));
    c.bench_function("direct_post.jwt/decrypt one answer (ECDH-ES P-256, A256GCM)", |b| {
        b.iter(|| key.decrypt(black_box(&answer), &jwe::ENC_VALUES).unwrap());
    });
    c.bench_function("direct_post.jwt/decrypt + verify one answer (SD-JWT VC + KB, ES256)", |b| {
        b.iter(|| verify_answer(&key.decrypt(black_box(&answer), &jwe::ENC_VALUES).unwrap()));
    });
    let unencrypted: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&plaintext).unwrap();
    c.bench_function("direct_post.jwt/verify the same answer unencrypted (direct_post)", |b| {
        b.iter(|| verify_answer(black_box(&unencrypted)));
    });
}

/// The private scalar of a P-256 key, read back from its key-file JWK (the only way out of a `SigningKey`).
fn raw_secret(key: &keys::SigningKey) -> Vec<u8> {
    let jwk: serde_json::Value = serde_json::from_str(&key.to_private_jwk_json()).unwrap();
    skillspass::core::encoding::b64url_decode(jwk["d"].as_str().unwrap()).unwrap()
}

/// Issue 15: 64 micro-credentials of one issuer verified as one batch (`Verifier::verify_batch`, offline), against
/// the same 64 verified one by one; the time per iteration is for 64 credentials.
fn bulk_verification(c: &mut Criterion) {
    let now = Utc::now();
    let issuer = Issuer::with_did_key(keys::SigningKey::from_seed(&[7; 32])).unwrap();
    let description: serde_json::Value = serde_json::from_str(MICRO_CREDENTIAL).unwrap();
    let tokens: Vec<String> = (0..64u8)
        .map(|i| {
            let learner = Did::key(&keys::SigningKey::from_seed(&[i; 32]).verifying_key());
            issuer.issue_json(&description, learner.as_str(), None, now).unwrap().token
        })
        .collect();
    let batch: Vec<&str> = tokens.iter().map(String::as_str).collect();
    let trust = Some(TrustList::of_dids(&[issuer.did().to_string()]));
    let verifier = Verifier::new(Policy { trust, ..Policy::default() }).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    assert!(
        runtime
            .block_on(verifier.verify_batch(&batch, now))
            .iter()
            .all(skillspass::core::verify::Verification::is_verified)
    );
    c.bench_function("bulk/verify 64 micro-credentials as one batch (per iteration: 64)", |b| {
        b.iter(|| runtime.block_on(verifier.verify_batch(black_box(&batch), now)));
    });
    c.bench_function("bulk/verify the same 64 one by one (per iteration: 64)", |b| {
        b.iter(|| batch.iter().filter(|t| verifier.verify_offline(black_box(t), now).is_verified()).count());
    });
    let message_sets: Vec<(Vec<u8>, ed25519_dalek::Signature)> = tokens
        .iter()
        .map(|t| {
            let (input, signature) = t.rsplit_once('.').unwrap();
            let bytes = skillspass::core::encoding::b64url_decode(signature).unwrap();
            (input.as_bytes().to_vec(), ed25519_dalek::Signature::from_slice(&bytes).unwrap())
        })
        .collect();
    let messages: Vec<&[u8]> = message_sets.iter().map(|(m, _)| m.as_slice()).collect();
    let signatures: Vec<ed25519_dalek::Signature> = message_sets.iter().map(|(_, s)| *s).collect();
    let public = SigningKey::from_bytes(&[7; 32]).verifying_key();
    let keys = vec![public; 64];
    c.bench_function("bulk/raw ed25519-dalek verify_batch of the 64 signatures (per iteration: 64)", |b| {
        b.iter(|| ed25519_dalek::verify_batch(black_box(&messages), &signatures, &keys).unwrap());
    });
}
criterion_main!(benches);

/// With `SKILLSPASS_BENCH_ARTIFACTS=DIR`, writes what is verified here to DIR, for the side-by-side run against npm
/// `jose` and `@sd-jwt/sd-jwt-vc` (`benches/side_by_side.sh`) on the same artifacts.
fn write_artifact(name: &str, text: &str) {
    if let Some(dir) = std::env::var_os("SKILLSPASS_BENCH_ARTIFACTS") {
        let dir = std::path::PathBuf::from(dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), text).unwrap();
    }
}

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
    // Issue 11's checks, each beside what it replaced: duplicate member names refused while parsing the payload
    // (serde_json alone keeps the last one), and exp/nbf/iat read as RFC 7519 NumericDates.
    let payload = skillspass::core::encoding::b64url_decode(token.split('.').nth(1).unwrap()).unwrap();
    c.bench_function("component/payload JSON, duplicate names refused (issue 11)", |b| {
        b.iter(|| skillspass::core::encoding::parse_json_object(black_box(&payload)).unwrap());
    });
    c.bench_function("component/payload JSON, serde_json::from_slice (duplicates kept, before issue 11)", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(black_box(&payload)).unwrap());
    });
    let claims = skillspass::core::encoding::parse_json_object(&payload).unwrap();
    c.bench_function("component/NumericDate reads of exp, nbf and iat (issue 11)", |b| {
        b.iter(|| {
            for name in ["exp", "nbf", "iat"] {
                black_box(skillspass::core::numeric_date::read(black_box(&claims), name).unwrap());
            }
        });
    });
    let jws = CompactJws::parse(&token).unwrap();
    c.bench_function("component/signature (dalek verify_strict over the signing input)", |b| {
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

/// SD-JWT VC (issue #5): issue and verify with 10 disclosures, verification with Key Binding (two signatures).
/// An SD-JWT VC of the skill type with 10 disclosures (learner name, grade, 8 skills), issued by `issuer`'s did:key
/// and bound to `holder`, as `<jwt>~<disclosures>~`.
fn sd_jwt_sample(issuer: &keys::SigningKey, holder: &keys::SigningKey, now: chrono::DateTime<Utc>) -> String {
    let (claims, paths, kid) = sd_jwt_claims(issuer, holder, now);
    skillspass::core::sd_jwt_vc::issue(claims, &paths, issuer, &kid, 3, &mut rand::rngs::OsRng).unwrap().serialize()
}

/// The claims, disclosable paths and `kid` of [`sd_jwt_sample`].
fn sd_jwt_claims(
    issuer: &keys::SigningKey,
    holder: &keys::SigningKey,
    now: chrono::DateTime<Utc>,
) -> (serde_json::Value, Vec<Vec<skillspass::core::sd_jwt::issue::Step>>, String) {
    use skillspass::core::sd_jwt::issue::Step;
    let did = Did::key(&issuer.verifying_key());
    let skills: Vec<serde_json::Value> = (0..8)
        .map(|i| serde_json::json!({"id": format!("http://data.europa.eu/esco/skill/00000000-0000-4000-8000-00000000000{i}"), "label": format!("skill {i}")}))
        .collect();
    let claims = serde_json::json!({"iss": did.as_str(), "iat": now.timestamp(), "vct": skillspass::core::sd_jwt_vc::VCT_SKILL,
        "cnf": {"jwk": holder.verifying_key().to_jwk().to_value()}, "learner_name": "Sanne", "grade": "8.5", "skills": skills});
    let mut paths = vec![vec![Step::Key("learner_name".into())], vec![Step::Key("grade".into())]];
    paths.extend((0..8).map(|i| vec![Step::Key("skills".into()), Step::Index(i)]));
    (claims, paths, did.default_kid())
}

/// What the verifier role passes to the pipeline: issuer keys cached per kid, the compiled schemas.
fn offline_context<'a>(
    resolver: &'a skillspass::verifier::KeyCache,
    schemas: &'a skillspass::core::credential::schema::Schemas,
    linked_data: &'a skillspass::core::data_integrity::LinkedData,
    now: chrono::DateTime<Utc>,
) -> skillspass::core::vc_jose::VerifyContext<'a> {
    skillspass::core::vc_jose::VerifyContext {
        keys: resolver,
        schemas,
        now,
        skew: chrono::Duration::seconds(60),
        linked_data,
        set_aside: None,
    }
}

fn sd_jwt_vc(c: &mut Criterion) {
    use skillspass::core::credential::schema::Schemas;
    use skillspass::core::sd_jwt::key_binding;
    use skillspass::core::sd_jwt_vc::{self, KeyBindingPolicy};
    use skillspass::core::vc_jose::LocalResolver;

    let issuer = keys::SigningKey::from_seed(&[7; 32]);
    let holder = keys::SigningKey::from_seed(&[9; 32]);
    let now = Utc::now();
    let (claims, paths, kid) = sd_jwt_claims(&issuer, &holder, now);
    c.bench_function("sd-jwt/issue SD-JWT VC with 10 disclosures", |b| {
        b.iter(|| {
            sd_jwt_vc::issue(black_box(claims.clone()), &paths, &issuer, &kid, 3, &mut rand::rngs::OsRng).unwrap()
        });
    });
    let compact = sd_jwt_sample(&issuer, &holder, now);
    let kb = key_binding::create(&holder, &compact, "https://employer.example", "n", now).unwrap();
    let with_kb = format!("{compact}{kb}");
    let schemas = Schemas::load().unwrap();
    // As the verifier role runs it: issuer keys cached per kid.
    let resolver = skillspass::verifier::KeyCache::new(LocalResolver::default());
    let linked_data = skillspass::core::data_integrity::LinkedData::default();
    let context = offline_context(&resolver, &schemas, &linked_data, now);
    let policy = KeyBindingPolicy { required: true, aud: "https://employer.example", nonce: "n" };
    assert!(pipeline::check_token(&with_kb, &context, Some(policy)).record.passed());
    write_artifact("sd-jwt-kb.txt", &with_kb);
    c.bench_function("sd-jwt/verify SD-JWT VC with 10 disclosures", |b| {
        b.iter(|| pipeline::check_token(black_box(&compact), &context, None));
    });
    c.bench_function("sd-jwt/verify SD-JWT VC with 10 disclosures and key binding", |b| {
        b.iter(|| pipeline::check_token(black_box(&with_kb), &context, Some(policy)));
    });
}

/// Issue 12: the 1EdTech `simple.json` badge (`eddsa-rdfc-2022`, read from `../shared/vectors`; skipped when absent)
/// verified offline through the whole pipeline, and where the time goes: JSON-LD expansion to RDF, RDFC-1.0,
/// hashing and the signature. Its issuer's key is published in a controller document, as the CLI test does.
fn data_integrity(c: &mut Criterion) {
    use sha2::{Digest as _, Sha256};
    use skillspass::core::jsonld;
    let path = std::env::var_os("SKILLSPASS_VECTORS")
        .map_or_else(|| std::path::PathBuf::from("../shared/vectors"), Into::into)
        .join("openbadges-3.0/simple.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("SKIPPED data_integrity benchmarks: {} is absent", path.display());
        return;
    };
    let issuer = "https://example.com/issuers/876543";
    let key = "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi";
    let controller = serde_json::json!({"id": issuer, "verificationMethod": [{"id": format!("{issuer}#{key}"),
        "type": "Multikey", "controller": issuer, "publicKeyMultibase": key}], "assertionMethod": [format!("{issuer}#{key}")]});
    let mut verifier = Verifier::new(Policy::default()).unwrap();
    verifier.add_did_document(controller.to_string().as_bytes()).unwrap();
    let now = Utc::now();
    assert!(verifier.verify_offline(&text, now).is_verified());
    c.bench_function("data-integrity/verify simple.json (eddsa-rdfc-2022) offline (full pipeline)", |b| {
        b.iter(|| verifier.verify_offline(black_box(&text), now));
    });
    let mut unsecured: serde_json::Value = serde_json::from_str(&text).unwrap();
    unsecured.as_object_mut().unwrap().remove("proof");
    let contexts = jsonld::Contexts::embedded();
    c.bench_function("data-integrity/component: JSON-LD expansion to RDF (document)", |b| {
        b.iter(|| contexts.dataset(black_box(&unsecured)).unwrap());
    });
    let dataset = contexts.dataset(&unsecured).unwrap();
    c.bench_function("data-integrity/component: RDFC-1.0 canonicalization (document)", |b| {
        b.iter(|| jsonld::canonicalize(black_box(&dataset)).unwrap());
    });
    let canonical = jsonld::canonicalize(&dataset).unwrap();
    c.bench_function("data-integrity/component: SHA-256 of the canonical document", |b| {
        b.iter(|| Sha256::digest(black_box(canonical.as_bytes())));
    });
    let signing = SigningKey::from_bytes(&[7; 32]);
    let message = [0x5a_u8; 64];
    let signature = signing.sign(&message);
    let public = signing.verifying_key();
    c.bench_function("data-integrity/component: ed25519 verify_strict of the 64-byte hashData", |b| {
        b.iter(|| public.verify_strict(black_box(&message), black_box(&signature)));
    });
}
