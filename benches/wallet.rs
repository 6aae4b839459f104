//! Wallet benchmarks (issue #4), one-shot measurements printed as a markdown table: unlock (Argon2id), import of
//! 10,000 credentials (each verified offline first) as a ratio to raw verify, list and skills overview over
//! 10,000 credentials, presentation creation and verification, and the size on disk per credential.
//! Run: `cargo bench --bench wallet`.

#![expect(clippy::unwrap_used, reason = "benchmark setup fails loudly on purpose")]
#![expect(clippy::cast_precision_loss, reason = "counts and sizes far below 2^52 turned into rates")]

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::Utc;
use skillspass::core::esco::Esco;
use skillspass::core::keys::SigningKey;
use skillspass::core::report::Report;
use skillspass::core::vacancy::VacancyProfile;
use skillspass::issuer::Issuer;
use skillspass::verifier::{Policy, Verifier};
use skillspass::wallet::StoredCredential;
use skillspass::wallet::passport::skills_overview;
use skillspass::wallet::{Passphrase, Wallet};

/// The same allocator as the `skillspass` binary.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const COUNT: usize = 10_000;

fn time<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let value = f();
    (value, start.elapsed())
}

fn per_second(count: usize, elapsed: Duration) -> f64 {
    count as f64 / elapsed.as_secs_f64()
}

fn folder_size(path: &std::path::Path) -> u64 {
    std::fs::read_dir(path)
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| if e.path().is_dir() { folder_size(&e.path()) } else { e.metadata().unwrap().len() })
        .sum()
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let db = skillspass::store::Database::open_folder(dir.path()).unwrap();
    let now = Utc::now();
    let wallet = Wallet::create(&db, "bench", &Passphrase::new("bench passphrase").unwrap(), now).unwrap();
    let unlocks: Vec<Duration> =
        (0..5).map(|_| time(|| Wallet::unlock(&db, "bench", "bench passphrase").unwrap()).1).collect();
    let unlock = unlocks.iter().sum::<Duration>() / 5;

    let holder = wallet.primary_did().unwrap();
    let issuer = Issuer::with_did_key(SigningKey::generate(&mut rand::rngs::OsRng)).unwrap();
    let description: serde_json::Value =
        serde_json::from_str(include_str!("../docs/examples/micro-credential.json")).unwrap();
    let tokens: Vec<String> =
        (0..COUNT).map(|_| issuer.issue_json(&description, &holder, None, now).unwrap().token).collect();
    let verifier = Verifier::new(Policy::default()).unwrap();

    let key = SigningKey::generate(&mut rand::rngs::OsRng);
    let message = tokens[0].as_bytes();
    let signature = key.sign(message);
    let public = key.verifying_key();
    let ((), raw) = time(|| (0..COUNT).for_each(|_| assert!(public.verify(black_box(message), &signature))));
    let ((), imported) = time(|| {
        for token in &tokens {
            let checked = verifier.verify_offline(token, now).into_verified().unwrap();
            wallet.import(&checked, skillspass::wallet::Consent::default(), now).unwrap();
        }
        wallet.flush().unwrap();
    });
    let (_, first_listing) = time(|| wallet.list().unwrap());
    let (list, listing) = time(|| wallet.list().unwrap());
    let esco = Esco::embedded();
    let (_, overview) = time(|| skills_overview(&list, &esco, "en", now));
    let match_rows = match_rows(&wallet, &list, listing, now);
    let dcql_row = dcql_row(&wallet, &issuer, &description, &holder, &verifier, now);
    let id = list[0].id.clone();
    let (vp, presenting) =
        time(|| wallet.present_enveloped(std::slice::from_ref(&id), "nonce", "https://employer.example", now).unwrap());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (report, verifying) =
        time(|| runtime.block_on(verifier.verify_presentation(&vp, "nonce", "https://employer.example", now)));
    assert!(Report::presentation(&report).verified);
    db.flush().unwrap();
    let size = folder_size(dir.path());

    let raw_rate = per_second(COUNT, raw);
    let import_rate = per_second(COUNT, imported);
    println!("| Measurement | Result |");
    println!("| --- | --- |");
    println!("| unlock (Argon2id 64 MiB, 3 passes, 1 lane; mean of 5) | {:.0} ms |", unlock.as_secs_f64() * 1000.0);
    println!("| raw ed25519-dalek verify_strict of a credential, 1 core | {raw_rate:.0} /s |");
    println!(
        "| import 10,000 micro-credentials (offline verify + seal + store, one flush) | {import_rate:.0} /s, **{:.2}** of raw verify |",
        import_rate / raw_rate
    );
    println!(
        "| list 10,000 (decrypt + parse every summary): first call after the imports / again | {:.1} ms / {:.1} ms |",
        first_listing.as_secs_f64() * 1000.0,
        listing.as_secs_f64() * 1000.0
    );
    println!(
        "| skills overview over 10,000 | {:.1} ms (list + overview: {:.1} ms) |",
        overview.as_secs_f64() * 1000.0,
        (listing + overview).as_secs_f64() * 1000.0
    );
    for row in match_rows {
        println!("{row}");
    }
    println!("{dcql_row}");
    println!("| create a vp+jwt with one credential | {:.2} ms |", presenting.as_secs_f64() * 1000.0);
    println!(
        "| verify that vp+jwt (holder signature + full credential pipeline) | {:.2} ms |",
        verifying.as_secs_f64() * 1000.0
    );
    println!(
        "| wallet size on disk per credential (sled folder / 10,000) | {:.1} KiB (token {:.1} KiB) |",
        size as f64 / COUNT as f64 / 1024.0,
        tokens[0].len() as f64 / 1024.0
    );
}

/// Five SD-JWT VC micro-credentials join the 10,000 `vc+jwt` ones; a DCQL request for that `vct` (grade and skills)
/// is answered as the wallet's OpenID4VP agent does: the matching credentials found through the blind kind index,
/// decrypted and revealed, then the query selected over them.
fn dcql_row(
    wallet: &Wallet,
    issuer: &Issuer,
    description: &serde_json::Value,
    holder: &str,
    verifier: &Verifier,
    now: chrono::DateTime<Utc>,
) -> String {
    use skillspass::core::dcql::{Candidate, DcqlQuery};
    use skillspass::core::sd_jwt_vc::VCT_MICRO_CREDENTIAL;
    let achievement: skillspass::issuer::AchievementDescription = serde_json::from_value(description.clone()).unwrap();
    for _ in 0..5 {
        let token = issuer.issue_sd_jwt(&achievement, holder, None, now).unwrap().serialize();
        let checked = verifier.verify_offline(&token, now).into_verified().unwrap();
        wallet.import(&checked, skillspass::wallet::Consent::default(), now).unwrap();
    }
    let query = DcqlQuery::parse(&serde_json::json!({"credentials": [{
        "id": "micro", "format": "dc+sd-jwt", "multiple": true, "meta": {"vct_values": [VCT_MICRO_CREDENTIAL]},
        "claims": [{"path": ["grade"]}, {"path": ["skills"]}]
    }]}))
    .unwrap();
    let (selected, answering) = median_of_5(|| {
        let credentials = wallet.disclosable_credentials(Some(&[VCT_MICRO_CREDENTIAL])).unwrap();
        let candidates: Vec<Candidate<'_>> = credentials
            .iter()
            .map(|c| Candidate {
                format: skillspass::core::format::Format::SdJwtVc,
                types: vec![&c.vct],
                claims: &c.claims,
            })
            .collect();
        query.select(&candidates).map(|s| s.values().map(Vec::len).sum::<usize>())
    });
    assert_eq!(selected, Some(5));
    format!(
        "| answer a DCQL request (one `vct`, two claims) with 10,005 stored, 5 of them matching (median of 5) | {:.2} ms |",
        answering.as_secs_f64() * 1000.0
    )
}

/// The median duration of five runs, with the last value.
fn median_of_5<T>(mut f: impl FnMut() -> T) -> (T, Duration) {
    let mut runs: Vec<(T, Duration)> = (0..5).map(|_| time(&mut f)).collect();
    runs.sort_by_key(|(_, d)| *d);
    runs.swap_remove(2)
}

/// The same summaries with three ESCO skills each, spread over the whole classification: every seventh credential
/// names one of the profile's skills or a narrower one, the rest skills from anywhere.
fn diverse_skills(list: &[StoredCredential], esco: &Esco, profile: &VacancyProfile) -> Vec<StoredCredential> {
    let (skills, groups, _, _) = esco.counts();
    let all = u32::try_from(skills + groups).unwrap();
    list.iter()
        .enumerate()
        .map(|(i, credential)| {
            let i = u32::try_from(i).unwrap();
            let mut varied = credential.clone();
            let template = varied.skills[0].clone();
            let mut ids = vec![esco.skill_uri((i * 7919) % all), esco.skill_uri((i * 104_729 + 13) % all)];
            if i % 7 == 0 {
                let wanted = esco.skill(&profile.essential[(i as usize / 7) % profile.essential.len()].skill).unwrap();
                let narrower = esco.descendants(wanted, 3);
                ids.push(
                    narrower
                        .first()
                        .filter(|_| i % 2 == 0)
                        .map_or_else(|| esco.skill_uri(wanted), |&n| esco.skill_uri(n)),
                );
            }
            varied.skills =
                ids.into_iter().map(|id| skillspass::core::credential::SkillClaim { id, ..template.clone() }).collect();
            varied
        })
        .collect()
}

/// The private match of a 30-skill profile (ESCO's data analyst, essential skills) against the wallet, as a ratio
/// to listing it, and the gap alone over the same summaries with varied skills: two table rows.
fn match_rows(
    wallet: &Wallet,
    list: &[StoredCredential],
    listing: Duration,
    now: chrono::DateTime<Utc>,
) -> [String; 2] {
    let esco = Esco::embedded();
    let data_analyst = esco.resolve_occupation("data analyst", "en").unwrap();
    let mut profile = VacancyProfile::from_occupation(&esco, data_analyst, "en");
    profile.optional.clear();
    assert_eq!(profile.essential.len(), 30);
    let (gap, matching) = median_of_5(|| wallet.match_profile(&profile, &esco, "en", now).unwrap());
    assert_eq!(gap.skills.len(), 30);
    let diverse = diverse_skills(list, &esco, &profile);
    let evidence = skillspass::wallet::matching::evidence(&diverse);
    let (gap, computing) = median_of_5(|| skillspass::core::gap::compute(&profile, &evidence, &esco, "en", now));
    assert!(gap.essential.proven > 0);
    [
        format!(
            "| private match of a 30-skill profile (data analyst) against the 10,000 (list + gap; median of 5) | {:.1} ms, **{:.2}×** listing |",
            matching.as_secs_f64() * 1000.0,
            matching.as_secs_f64() / listing.as_secs_f64()
        ),
        format!(
            "| the gap alone over 10,000 summaries with varied ESCO skills ({} pieces of evidence, {} of 30 proven; median of 5) | {:.1} ms |",
            evidence.len(),
            gap.essential.proven,
            computing.as_secs_f64() * 1000.0
        ),
    ]
}
