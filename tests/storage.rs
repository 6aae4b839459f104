//! The storage interface's contract, run against both engines (issue 15): sled in a temporary folder and a fresh
//! PostgreSQL database. Two handles on one PostgreSQL database are two nodes (two pools); sled, which one
//! process owns, is one node shared by threads. Each test states what must hold whichever engine is behind it.
#![expect(clippy::unwrap_used, reason = "tests fail loudly on purpose")]

#[path = "common/postgres.rs"]
mod postgres;

use std::collections::HashSet;

use chrono::{Duration, Utc};
use postgres::TestDatabase;
use skillspass::issuer::registry::{Purpose, Registry};
use skillspass::store::Database;
use skillspass::store::expiring::Expiring;

/// Two handles ("nodes") on one database of each engine, with what keeps them alive.
struct Nodes {
    engine: &'static str,
    first: Database,
    second: Database,
    _sled: Option<tempfile::TempDir>,
    _pg: Option<TestDatabase>,
}

fn engines(test: &str) -> Vec<Nodes> {
    let dir = tempfile::tempdir().unwrap();
    let sled = Database::open_folder(dir.path()).unwrap();
    let mut all = vec![Nodes { engine: "sled", first: sled.clone(), second: sled, _sled: Some(dir), _pg: None }];
    if let Some(pg) = TestDatabase::create(test) {
        let first = Database::connect(&pg.url, 8).unwrap();
        let second = Database::connect(&pg.url, 8).unwrap();
        all.push(Nodes { engine: "postgres", first, second, _sled: None, _pg: Some(pg) });
    }
    all
}

#[test]
fn trees_behave_alike_on_both_engines() {
    for nodes in engines("trees_behave_alike_on_both_engines") {
        let (a, b) = (nodes.first.tree("contract").unwrap(), nodes.second.tree("contract").unwrap());
        let engine = nodes.engine;
        a.insert(b"k1", b"one").unwrap();
        assert_eq!(b.get(b"k1").unwrap().as_deref(), Some(&b"one"[..]), "{engine}: a write is seen by the other");
        assert!(b.contains_key(b"k1").unwrap() && !b.contains_key(b"k2").unwrap(), "{engine}");
        assert!(!a.compare_and_swap(b"k1", None, Some(b"x"), None).unwrap(), "{engine}: insert-if-absent refused");
        assert!(!a.compare_and_swap(b"k1", Some(b"zz"), Some(b"x"), None).unwrap(), "{engine}: stale old refused");
        assert!(b.compare_and_swap(b"k1", Some(b"one"), Some(b"two"), None).unwrap(), "{engine}: swap");
        assert!(a.compare_and_swap(b"k2", None, Some(b"new"), None).unwrap(), "{engine}: insert-if-absent");
        assert!(a.compare_and_swap(b"k2", Some(b"new"), None, None).unwrap(), "{engine}: remove-if-same");
        assert!(a.compare_and_swap(b"k2", None, None, None).unwrap(), "{engine}: absent is absent");
        assert_eq!(a.remove(b"k1").unwrap().as_deref(), Some(&b"two"[..]), "{engine}");
        assert_eq!(b.remove(b"k1").unwrap(), None, "{engine}: removed once");

        for key in [&b"p/\x02"[..], b"p/\x01", b"p/\xff", b"p0", b"o/", b"p/"] {
            a.insert(key, key).unwrap();
        }
        let keys: Vec<Vec<u8>> = b.scan_prefix(b"p/").unwrap().into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, [&b"p/"[..], b"p/\x01", b"p/\x02", b"p/\xff"], "{engine}: the prefix, in byte order");
        assert_eq!(b.entries().unwrap().len(), 6, "{engine}");
        assert_eq!(b.len().unwrap(), 6, "{engine}");
        assert!(b.holds_at_least(6).unwrap() && !b.holds_at_least(7).unwrap(), "{engine}");
        assert_eq!((a.increment(b"n").unwrap(), b.increment(b"n").unwrap()), (1, 2), "{engine}: one counter");
    }
}

#[test]
fn single_use_holds_across_nodes() {
    for nodes in engines("single_use_holds_across_nodes") {
        let engine = nodes.engine;
        let (a, b) = (
            Expiring::<u32>::open(&nodes.first, "single-use").unwrap(),
            Expiring::<u32>::open(&nodes.second, "single-use").unwrap(),
        );
        let now = Utc::now();
        let later = now + Duration::minutes(5);
        let first_uses: usize = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..16)
                .map(|i| {
                    let node = if i % 2 == 0 { &a } else { &b };
                    scope.spawn(move || node.insert_new(b"nonce", &1, later, now).unwrap())
                })
                .collect();
            handles.into_iter().map(|h| usize::from(h.join().unwrap())).sum()
        });
        assert_eq!(first_uses, 1, "{engine}: one of sixteen first uses of a nonce on two nodes wins");
        a.insert(b"code", &7, later).unwrap();
        let redeemed: usize = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..16)
                .map(|i| {
                    let node = if i % 2 == 0 { &a } else { &b };
                    scope.spawn(move || node.take(b"code", now).unwrap())
                })
                .collect();
            handles.into_iter().filter_map(|h| h.join().unwrap()).count()
        });
        assert_eq!(redeemed, 1, "{engine}: a code is redeemed once, at whichever node");
        let moved: usize = {
            a.insert(b"state", &0, later).unwrap();
            std::thread::scope(|scope| {
                let handles: Vec<_> = (0..16)
                    .map(|i| {
                        let node = if i % 2 == 0 { &a } else { &b };
                        scope.spawn(move || {
                            node.update(b"state", now, |v| {
                                if *v == 0 {
                                    *v = 1;
                                    (true, true)
                                } else {
                                    (false, false)
                                }
                            })
                            .unwrap()
                            .unwrap()
                        })
                    })
                    .collect();
                handles.into_iter().map(|h| usize::from(h.join().unwrap())).sum()
            })
        };
        assert_eq!(moved, 1, "{engine}: one request moves a record out of a state");
    }
}

#[test]
fn expired_state_is_invisible_and_purged() {
    for nodes in engines("expired_state_is_invisible_and_purged") {
        let engine = nodes.engine;
        let store = Expiring::<u32>::open(&nodes.first, "expiring").unwrap();
        let other = Expiring::<u32>::open(&nodes.second, "expiring").unwrap();
        let now = Utc::now();
        store.insert(b"old", &1, now - Duration::seconds(1)).unwrap();
        store.insert(b"new", &2, now + Duration::minutes(1)).unwrap();
        assert_eq!(other.get(b"old", now).unwrap(), None, "{engine}");
        assert_eq!(other.get(b"new", now).unwrap(), Some(2), "{engine}");
        assert_eq!(other.purge(now).unwrap(), 1, "{engine}: the expired record is removed");
        assert_eq!(store.len().unwrap(), 1, "{engine}");
        assert_eq!(other.purge(now + Duration::minutes(2)).unwrap(), 1, "{engine}");
        assert_eq!(store.len().unwrap(), 0, "{engine}");
    }
}

#[test]
fn status_indexes_never_collide_across_nodes() {
    for nodes in engines("status_indexes_never_collide_across_nodes") {
        let engine = nodes.engine;
        // Small lists, so the nodes also race to roll over to new ones.
        let registries = [Registry::open(&nodes.first, 512).unwrap(), Registry::open(&nodes.second, 512).unwrap()];
        let claimed: Vec<(String, u32)> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..8)
                .map(|i| {
                    let registry = &registries[i % 2];
                    scope.spawn(move || {
                        (0..250).map(|_| registry.allocate(Purpose::Revocation).unwrap()).collect::<Vec<_>>()
                    })
                })
                .collect();
            handles.into_iter().flat_map(|h| h.join().unwrap()).map(|(list, index)| (list.id, index)).collect()
        });
        let distinct: HashSet<_> = claimed.iter().collect();
        assert_eq!(distinct.len(), 2000, "{engine}: 2,000 indexes claimed on two nodes, none twice");
        let lists: HashSet<_> = claimed.iter().map(|(list, _)| list).collect();
        assert!(lists.len() >= 4, "{engine}: 2,000 entries in lists of 512 need at least four lists: {lists:?}");
    }
}

#[test]
fn postgres_migrations_apply_once_when_nodes_start_together() {
    let Some(pg) = TestDatabase::create("postgres_migrations_apply_once_when_nodes_start_together") else { return };
    let started: Vec<bool> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4).map(|_| scope.spawn(|| Database::connect(&pg.url, 2).is_ok())).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(started, [true; 4], "four nodes start on one empty database");
    let versions = pg.values("SELECT int4send(version) FROM skillspass_migrations");
    assert_eq!(versions, [1i32.to_be_bytes().to_vec()], "migration 1 applied exactly once");
    let e = Database::connect("postgres://skillspass:wrong@127.0.0.1:1/none", 1).unwrap_err().to_string();
    assert!(
        e.contains("127.0.0.1:1") && !e.contains("wrong"),
        "an unreachable database is named, its password not: {e}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn hosted_wallets_keep_only_ciphertext_in_postgres() {
    let Some(pg) = TestDatabase::create("hosted_wallets_keep_only_ciphertext_in_postgres") else { return };
    let db = Database::connect(&pg.url, 4).unwrap();
    let wallets = skillspass::wallet::hosted::HostedWallets::new(db.clone()).unwrap();
    let passphrase = skillspass::wallet::Passphrase::new("correct horse battery staple").unwrap();
    let did = wallets.create("alice.example", passphrase, Utc::now()).await.unwrap();
    let (token, _) = wallets
        .open_session("alice.example", skillspass::core::secret::SecretString::new("correct horse battery staple"))
        .await
        .unwrap();
    let wallet = wallets.wallet(token.expose()).unwrap();
    wallet.new_key("verifier:https://employer.example", Utc::now()).unwrap();
    let other_node = skillspass::wallet::hosted::HostedWallets::new(Database::connect(&pg.url, 2).unwrap()).unwrap();
    assert_eq!(
        other_node.wallet(token.expose()).unwrap().keys().unwrap().len(),
        2,
        "another node opens the session and sees the same wallet"
    );

    let values = pg.values(
        "SELECT value FROM entries WHERE (space LIKE 'wallet.%' AND space NOT LIKE '%.meta') OR space = 'wallet-sessions'",
    );
    assert!(values.len() >= 2, "the wallet's keys are stored: {} rows", values.len());
    let spaces = pg.values("SELECT convert_to(space, 'UTF8') FROM entries");
    for text in values.iter().chain(&spaces).map(|v| String::from_utf8_lossy(v).into_owned()) {
        for plain in ["alice", &did, "employer.example", "primary", "\"v\""] {
            assert!(!text.contains(plain), "{plain:?} is readable in the table: {text:.80}");
        }
    }
    for value in &values {
        let text = String::from_utf8_lossy(value);
        let session_record = text.contains("\"expires\"");
        assert!(
            session_record || serde_json::from_slice::<serde_json::Value>(value).is_err(),
            "a wallet record is not plain JSON: {text:.80}"
        );
    }
    other_node.close(token.expose()).unwrap();
    assert!(wallets.wallet(token.expose()).is_err(), "a session closed at one node is closed at every node");
}

/// The wallet's blind kind index (what a DCQL request's `vct_values` is answered from): it finds exactly the
/// SD-JWT VCs of the asked types among many other credentials, forgets deleted ones, is built once for a wallet
/// written before it existed, and names no type in the clear.
#[test]
fn the_wallet_finds_credentials_by_kind_without_opening_the_others() {
    use skillspass::core::sd_jwt_vc::{VCT_MICRO_CREDENTIAL, VCT_SKILL};
    use skillspass::wallet::{Consent, Passphrase, Wallet};
    let now = Utc::now();
    let issuer =
        skillspass::issuer::Issuer::with_did_key(skillspass::core::keys::SigningKey::from_seed(&[3; 32])).unwrap();
    let verifier = skillspass::verifier::Verifier::new(skillspass::verifier::Policy::default()).unwrap();
    let micro: skillspass::issuer::AchievementDescription =
        serde_json::from_str(include_str!("../docs/examples/micro-credential.json")).unwrap();
    let course: skillspass::issuer::AchievementDescription =
        serde_json::from_str(include_str!("../docs/examples/course-badge.json")).unwrap();
    for nodes in engines("the_wallet_finds_credentials_by_kind_without_opening_the_others") {
        let (db, engine) = (&nodes.first, nodes.engine);
        let wallet = Wallet::create(db, "kinds", &Passphrase::new("kinds passphrase").unwrap(), now).unwrap();
        let holder = wallet.primary_did().unwrap();
        let import = |token: String| {
            let checked = verifier.verify_offline(&token, now).into_verified().unwrap();
            wallet.import(&checked, Consent::default(), now).unwrap();
        };
        for _ in 0..20 {
            import(issuer.issue(&micro, &holder, None, now).unwrap().token);
        }
        for description in [&micro, &micro, &course] {
            import(issuer.issue_sd_jwt(description, &holder, None, now).unwrap().serialize());
        }
        let found = |vcts: Option<&[&str]>| wallet.disclosable_credentials(vcts).unwrap();
        assert_eq!(found(Some(&[VCT_MICRO_CREDENTIAL])).len(), 2, "{engine}");
        assert_eq!(found(Some(&[VCT_SKILL])).len(), 1, "{engine}");
        assert_eq!(found(Some(&[VCT_SKILL, VCT_MICRO_CREDENTIAL])).len(), 3, "{engine}");
        assert_eq!(found(None).len(), 3, "{engine}: every SD-JWT VC, none of the 20 vc+jwt");
        assert!(found(Some(&["https://example.com/vct/unknown"])).is_empty(), "{engine}");

        let prefix = wallet_trees(db, "kinds");
        let kinds = db.tree(&format!("{prefix}.kinds")).unwrap();
        let entries = kinds.entries().unwrap();
        assert_eq!(entries.len(), 20 * 3 + 3 * 2, "{engine}: an entry for the format and one per type");
        for (key, value) in &entries {
            assert!(value.is_empty(), "{engine}");
            for plain in [VCT_MICRO_CREDENTIAL.as_bytes(), b"dc+sd-jwt", b"vc+jwt", b"VerifiableCredential"] {
                assert!(!key.windows(plain.len()).any(|w| w == plain), "{engine}: a kind is readable in the index");
            }
        }

        let skill = found(Some(&[VCT_SKILL])).remove(0);
        wallet.delete(&skill.id).unwrap();
        assert!(found(Some(&[VCT_SKILL])).is_empty(), "{engine}: a deleted credential leaves the index");
        assert_eq!(kinds.len().unwrap(), entries.len() - 2, "{engine}");

        // A wallet written before the index: no entries and no mark that it was built.
        for (key, _) in kinds.entries().unwrap() {
            kinds.remove(&key).unwrap();
        }
        db.tree(&format!("{prefix}.meta")).unwrap().remove(b"kinds-index").unwrap();
        assert_eq!(found(Some(&[VCT_MICRO_CREDENTIAL])).len(), 2, "{engine}: the index is built on first use");
        assert_eq!(kinds.len().unwrap(), 20 * 3 + 2 * 2, "{engine}");
    }
}

/// The tree-name prefix of a holder's wallet (`wallet.` and 22 characters of the holder's SHA-256).
fn wallet_trees(db: &Database, holder: &str) -> String {
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(holder.as_bytes());
    let prefix = format!("wallet.{}", &skillspass::core::encoding::b64url(digest)[..22]);
    assert!(db.tree(&format!("{prefix}.meta")).unwrap().contains_key(b"header").unwrap(), "the wallet's trees");
    prefix
}
