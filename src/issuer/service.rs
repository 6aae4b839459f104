//! The issuer as a service (W3C VC API issuer side): issue any VC 2.0 credential naming this issuer with status
//! entries filled in, change a credential's status, publish the status lists and the `did:web` document.
//!
//! Every credential gets one revocation and one suspension entry at random indexes; the indexes and the registry
//! record are written to sled before the signed credential is returned, and the caller flushes sled before the
//! credential leaves the process ([`IssuerService::persist`]).

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::registry::{CredentialRecord, ListRecord, Purpose, Registry, StatusRef};
use super::status::{PublishedList, Publisher};
use super::{IssueError, IssuedCredential, Issuer};
use crate::core::credential::{has_type, issuer_id};
use crate::core::did::{Did, DidDocument};
use crate::core::format::Format;
use crate::core::jose::{self, HeaderSpec, TokenKind};
use crate::core::keys::{KeyAlgorithm, SigningKey, VerifyingKey};
use crate::core::status_list::bitstring::{Bitstring, MIN_ENTRIES};
use crate::core::status_list::token::TokenStatusList;
use crate::core::vc_jose::{self, rfc3339};
use crate::store::db::GroupCommit;
use crate::store::issuer_keys::{IssuerKeyFiles, KeyState};
use crate::store::{Database, StoreError};
use crate::system::OsRng;

/// The `kid` of the issuer key in its JWT VC Issuer Metadata.
pub const METADATA_KID: &str = "key-1";

/// How the service is set up.
#[derive(Debug, Clone)]
pub struct ServiceConfig {
    /// The public base URL (`https://academy.example`); the DID is its `did:web`.
    pub public_url: String,
    /// Entries in each new status list (at least 131,072).
    pub entries_per_list: u32,
    /// `ttl` of published lists in milliseconds; `Cache-Control: max-age` follows it.
    pub status_ttl_ms: u64,
}

/// A requested status change (`POST /credentials/status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusChange {
    /// Revoke, for good.
    Revoke,
    /// Suspend until reinstated.
    Suspend,
    /// Lift a suspension.
    Reinstate,
}

/// Why a status change was refused.
#[derive(Debug, thiserror::Error)]
pub enum StatusError {
    /// No credential with that id was issued here.
    #[error("no credential {0:?} was issued here")]
    UnknownCredential(String),
    /// Revocation is final.
    #[error("credential {0:?} is revoked; revocation is final")]
    AlreadyRevoked(String),
    /// No list with that id.
    #[error("no status list {0:?}")]
    UnknownList(String),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Signing the list failed.
    #[error("signing the status list: {0}")]
    Signing(String),
    /// Writing the published files failed.
    #[error("publishing the status lists: {0}")]
    Publish(String),
}

/// The issuer's keys: the one that signs, and every one still published in the DID document (so credentials
/// signed before a rotation keep verifying until their key is retired).
#[derive(Debug)]
struct KeyRing {
    /// The signer with the active key.
    signer: Arc<Issuer>,
    /// `(number, public key)` of every published key, the active one included.
    published: Vec<(u32, VerifyingKey)>,
    /// The number of the active key.
    active: u32,
}

/// Why a key could not be rotated or retired.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The service was opened with one key held in memory (tests, embedding), not from key files.
    #[error("this issuer's keys are not kept in key files; they cannot be rotated")]
    NotRotatable,
    /// The active key signs: rotate first.
    #[error("key-{0} is the active key; rotate to a new key before retiring it")]
    Active(u32),
    /// No such published key.
    #[error("no published key {0:?}")]
    Unknown(String),
    /// The key files could not be written.
    #[error(transparent)]
    Files(#[from] crate::store::KeyFileError),
    /// A new signer could not be made.
    #[error(transparent)]
    Issue(#[from] IssueError),
}

/// The issuer service.
#[derive(Debug)]
pub struct IssuerService {
    keys: std::sync::RwLock<KeyRing>,
    files: Option<IssuerKeyFiles>,
    commit: GroupCommit,
    registry: Registry,
    publisher: Publisher,
    config: ServiceConfig,
    cache: Option<crate::net::Cache>,
    /// Where the status lists are also written as static files ([`super::publish`]), and whether a list changed or
    /// appeared since they were last written.
    publish_dir: Option<std::path::PathBuf>,
    lists_changed: std::sync::atomic::AtomicBool,
    /// The issuer's X.509 chain as an `x5c` header value (leaf first, no root), when it has a certificate.
    x5c: Option<Value>,
}

impl IssuerService {
    /// Opens the service on a database with the issuer's key; the DID is the `did:web` of the public URL.
    ///
    /// # Errors
    /// [`IssueError`] for a public URL that is not a did:web host, or storage failures.
    pub fn open(db: Database, key: SigningKey, config: ServiceConfig) -> Result<Self, IssueError> {
        Self::with_keys(db, &[(1, key)], 1, None, config)
    }

    /// Opens the service with the keys kept in a data folder's key files (rotatable).
    ///
    /// # Errors
    /// [`IssueError`] for unreadable key files, a bad public URL or storage failures.
    pub fn open_with_key_files(db: Database, files: IssuerKeyFiles, config: ServiceConfig) -> Result<Self, IssueError> {
        let (keys, state) = files.load().map_err(|e| IssueError::Store(e.to_string()))?;
        let published: Vec<_> = keys.into_iter().filter(|(n, _)| !state.retired.contains(n)).collect();
        Self::with_keys(db, &published, state.active, Some(files), config)
    }

    fn with_keys(
        db: Database,
        keys: &[(u32, SigningKey)],
        active: u32,
        files: Option<IssuerKeyFiles>,
        mut config: ServiceConfig,
    ) -> Result<Self, IssueError> {
        let trimmed = config.public_url.trim_end_matches('/').len();
        config.public_url.truncate(trimmed);
        config.entries_per_list = config.entries_per_list.max(u32::try_from(MIN_ENTRIES).unwrap_or(u32::MAX));
        let did = Did::web_from_url(&config.public_url).map_err(IssueError::PublicUrl)?;
        let active_key = keys.iter().find(|(n, _)| *n == active).map(|(_, k)| k.clone());
        let active_key = active_key.ok_or_else(|| IssueError::Store(format!("the active key-{active} is missing")))?;
        let signer = Arc::new(Issuer::with_did(active_key, did.clone(), format!("{did}#key-{active}"))?);
        let published = keys.iter().map(|(n, k)| (*n, k.verifying_key())).collect();
        let registry = Registry::open(&db, config.entries_per_list).map_err(|e| IssueError::Store(e.to_string()))?;
        Ok(Self {
            keys: std::sync::RwLock::new(KeyRing { signer, published, active }),
            files,
            commit: GroupCommit::new(db),
            registry,
            publisher: Publisher::default(),
            config,
            cache: None,
            publish_dir: None,
            lists_changed: std::sync::atomic::AtomicBool::new(true),
            x5c: None,
        })
    }

    /// Identifies the issuer by an X.509 certificate as well (HAIP): its SD-JWT VCs are issued under its https URL
    /// with `chain` (DER, leaf first, no root) as `x5c`. The leaf must certify the key that signs now.
    ///
    /// # Errors
    /// [`IssueError::Certificate`] when the leaf does not parse or holds another key.
    pub fn with_x509_chain(mut self, chain: &[Vec<u8>]) -> Result<Self, IssueError> {
        let leaf = chain.first().ok_or_else(|| IssueError::Certificate("the chain is empty".into()))?;
        let key = crate::core::x509::certificate_key(leaf).map_err(|e| IssueError::Certificate(e.to_string()))?;
        if key != self.ring().signer.key().verifying_key() {
            return Err(IssueError::Certificate(
                "the certificate's key is not the issuer's signing key (make the certificate for issuer-key.jwk)"
                    .into(),
            ));
        }
        self.x5c = Some(crate::core::x509::encode_x5c(chain));
        Ok(self)
    }

    /// The public base URL (no trailing slash).
    #[must_use]
    pub fn public_url(&self) -> &str {
        &self.config.public_url
    }

    /// Shares a fetcher's cache: a status change drops the changed lists from it at once, so a verifier in the same
    /// process sees a revocation without waiting for the list's ttl.
    #[must_use]
    pub fn with_cache(mut self, cache: crate::net::Cache) -> Self {
        self.cache = Some(cache);
        self
    }

    fn ring(&self) -> std::sync::RwLockReadGuard<'_, KeyRing> {
        self.keys.read().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The issuer's DID.
    #[must_use]
    pub fn did(&self) -> Did {
        self.ring().signer.did().clone()
    }

    /// The `did:web` document served at `/.well-known/did.json`: every published key as a `JsonWebKey` under
    /// `assertionMethod` (and the other relationships).
    #[must_use]
    pub fn did_document(&self) -> DidDocument {
        let ring = self.ring();
        let did = ring.signer.did().as_str().to_owned();
        let mut published = ring.published.iter();
        let Some((first, key)) = published.next() else {
            return DidDocument::for_key(&did, &did, "JsonWebKey", ring.signer.key().verifying_key());
        };
        let mut document = DidDocument::for_key(&did, &format!("{did}#key-{first}"), "JsonWebKey", *key);
        for (number, key) in published {
            let more = DidDocument::for_key(&did, &format!("{did}#key-{number}"), "JsonWebKey", *key);
            document.verification_method.extend(more.verification_method);
            document.assertion_method.extend(more.assertion_method);
            document.authentication.extend(more.authentication);
            document.capability_invocation.extend(more.capability_invocation);
            document.capability_delegation.extend(more.capability_delegation);
        }
        document
    }

    /// The issuer as credentials name it, with the active key.
    #[must_use]
    pub fn signer(&self) -> Arc<Issuer> {
        Arc::clone(&self.ring().signer)
    }

    /// The algorithm of the key that signs (`EdDSA` or `ES256` tokens).
    #[must_use]
    pub fn signing_algorithm(&self) -> KeyAlgorithm {
        self.ring().signer.key().algorithm()
    }

    /// The published keys' ids (`key-1`, …) and which one signs.
    #[must_use]
    pub fn key_ids(&self) -> (Vec<String>, String) {
        let ring = self.ring();
        (ring.published.iter().map(|(n, _)| format!("key-{n}")).collect(), format!("key-{}", ring.active))
    }

    /// Rotates the signing key: a new key file (of the active key's algorithm), the new key active for everything
    /// signed from now on, the old ones still published. Returns the new key's id.
    ///
    /// # Errors
    /// [`KeyError`].
    pub fn rotate_key(&self) -> Result<String, KeyError> {
        let files = self.files.as_ref().ok_or(KeyError::NotRotatable)?;
        let mut ring = self.keys.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        let number = ring.published.iter().map(|(n, _)| *n).max().unwrap_or(0).max(ring.active) + 1;
        let key = crate::system::new_signing_key(ring.signer.key().algorithm());
        files.add(number, &key)?;
        let retired = self.retired(&ring, files)?;
        files.save(&KeyState { active: number, retired })?;
        let did = ring.signer.did().clone();
        ring.signer = Arc::new(Issuer::with_did(key.clone(), did.clone(), format!("{did}#key-{number}"))?);
        ring.published.push((number, key.verifying_key()));
        ring.active = number;
        drop(ring);
        self.forget_cached_document();
        Ok(format!("key-{number}"))
    }

    /// Withdraws a key from the DID document: credentials it signed stop verifying. The active key cannot be
    /// retired.
    ///
    /// # Errors
    /// [`KeyError`].
    pub fn retire_key(&self, kid: &str) -> Result<(), KeyError> {
        let files = self.files.as_ref().ok_or(KeyError::NotRotatable)?;
        let number: u32 = kid
            .rsplit('#')
            .next()
            .and_then(|k| k.strip_prefix("key-"))
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| KeyError::Unknown(kid.to_owned()))?;
        let mut ring = self.keys.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        if number == ring.active {
            return Err(KeyError::Active(number));
        }
        if !ring.published.iter().any(|(n, _)| *n == number) {
            return Err(KeyError::Unknown(kid.to_owned()));
        }
        ring.published.retain(|(n, _)| *n != number);
        let mut retired = self.retired(&ring, files)?;
        retired.push(number);
        retired.sort_unstable();
        retired.dedup();
        files.save(&KeyState { active: ring.active, retired })?;
        drop(ring);
        self.forget_cached_document();
        Ok(())
    }

    /// The numbers of keys that exist but are not published.
    fn retired(&self, ring: &KeyRing, files: &IssuerKeyFiles) -> Result<Vec<u32>, KeyError> {
        let (all, state) = files.load()?;
        let _ = self;
        let mut retired: Vec<u32> =
            all.iter().map(|(n, _)| *n).filter(|n| !ring.published.iter().any(|(p, _)| p == n)).collect();
        retired.extend(state.retired);
        retired.sort_unstable();
        retired.dedup();
        Ok(retired)
    }

    /// Drops this issuer's DID document from the shared cache, so a co-served verifier sees the new key set.
    fn forget_cached_document(&self) {
        if let Some(cache) = &self.cache {
            cache.invalidate(self.did().as_str());
        }
    }

    /// Issues a VC 2.0 credential naming this issuer: assigns an id and `validFrom` when absent, validates it
    /// (our schemas where our types are claimed), adds status entries, registers and signs it.
    ///
    /// # Errors
    /// [`IssueError`] naming what is wrong.
    pub fn issue(&self, credential: Value, now: DateTime<Utc>) -> Result<IssuedCredential, IssueError> {
        let mut credential = self.prepare(credential, now)?;
        let signer = self.signer();
        signer.validate(&credential)?;
        let entries = self.allocate_status()?;
        credential["credentialStatus"] = Value::Array(entries.iter().map(|e| self.status_entry(e)).collect());
        let token = vc_jose::sign_credential(&credential, signer.key(), signer.kid(), now)?;
        let id = credential["id"].as_str().unwrap_or_default().to_owned();
        let record = CredentialRecord {
            v: 1,
            id: id.clone(),
            types: string_list(&credential["type"]),
            issued_at: rfc3339(now),
            status: entries,
            revoked: false,
            suspended: false,
            name: display_name(&credential),
            label: None,
        };
        self.registry.insert(&record).map_err(|e| IssueError::Store(e.to_string()))?;
        Ok(IssuedCredential { id, token, credential })
    }

    /// Issues a skill credential in our model (VC 2.0 JSON naming this issuer) as an SD-JWT VC bound to the key of
    /// its `did:key`/`did:jwk` subject, with an IETF Token Status List entry (2 bits). Returns the id the registry
    /// knows it by (for status changes) and the compact SD-JWT.
    ///
    /// # Errors
    /// [`IssueError`] naming what is wrong.
    pub fn issue_sd_jwt(&self, credential: Value, now: DateTime<Utc>) -> Result<(String, String), IssueError> {
        self.issue_sd_jwt_as(credential, self.issues_under_url(), now)
    }

    /// Whether SD-JWT VCs name the issuer by its URL (it has a certificate chain) rather than its did:web.
    #[must_use]
    pub fn issues_under_url(&self) -> bool {
        self.x5c.is_some()
    }

    /// As [`IssuerService::issue_sd_jwt`]; with `url_issuer` the `iss` is the service's https URL and the key is
    /// found through JWT VC Issuer Metadata (`/.well-known/jwt-vc-issuer`, `kid` `key-1`) instead of the did:web, or,
    /// when the issuer has a certificate, through the `x5c` chain in the header.
    ///
    /// # Errors
    /// [`IssueError`] naming what is wrong.
    pub fn issue_sd_jwt_as(
        &self,
        credential: Value,
        url_issuer: bool,
        now: DateTime<Utc>,
    ) -> Result<(String, String), IssueError> {
        let (id, mut copies) = self.issue_sd_jwt_copies(credential, &[], url_issuer, now)?;
        Ok((id, copies.remove(0)))
    }

    /// Batch issuance (`OpenID4VCI` section 8.2, HAIP): one credential as several SD-JWT VCs, the first bound to
    /// the key of its subject and one more bound to each of `more`. Every copy has its own signature, salts,
    /// decoys and Token Status List index, so two verifiers that each see one copy cannot tell they saw the same
    /// credential; copies of a batch carry the day they were issued as `iat`, not the second. The registry keeps
    /// one record with every copy's status entry: revoking or suspending the credential changes all of them.
    ///
    /// # Errors
    /// [`IssueError`] naming what is wrong.
    pub fn issue_sd_jwt_copies(
        &self,
        credential: Value,
        more: &[crate::core::keys::VerifyingKey],
        url_issuer: bool,
        now: DateTime<Utc>,
    ) -> Result<(String, Vec<String>), IssueError> {
        let credential = self.prepare(credential, now)?;
        let signer = self.signer();
        signer.validate(&credential)?;
        let typed: crate::core::credential::SkillCredential = serde_json::from_value(credential)
            .map_err(|e| IssueError::Description(format!("an SD-JWT VC is issued from the skillspass model: {e}")))?;
        let subject = typed.credential_subject.id.clone().ok_or_else(|| IssueError::Invalid {
            problems: vec!["credentialSubject.id must be the holder's did:key or did:jwk".into()],
        })?;
        let did = Did::parse(&subject)?;
        let holder =
            did.resolve()?.key_for(did.as_str(), &did.default_kid(), crate::core::did::Relationship::Authentication)?;
        let issued_at = if more.is_empty() { now } else { start_of_day(now) };
        let valid_for = typed.valid_until.as_deref().and_then(vc_jose::parse_date).map(|until| until - issued_at);
        let mut status = Vec::with_capacity(more.len() + 1);
        let mut copies = Vec::with_capacity(more.len() + 1);
        for key in std::iter::once(&holder).chain(more) {
            let (mut claims, paths) = crate::core::sd_jwt_vc::project(&typed, key, issued_at, valid_for);
            let entry = self.allocate_token_entry()?;
            claims["status"] = json!({"status_list": {"idx": entry.index, "uri": self.token_list_url(&entry.list)}});
            copies.push(self.sign_sd_jwt(claims, &paths, &signer, url_issuer)?);
            status.push(entry);
        }
        let record = CredentialRecord {
            v: 1,
            id: typed.id.clone(),
            types: vec![Format::SdJwtVc.name().into()],
            issued_at: rfc3339(now),
            status,
            revoked: false,
            suspended: false,
            name: Some(typed.name.clone()),
            label: None,
        };
        self.registry.insert(&record).map_err(|e| IssueError::Store(e.to_string()))?;
        Ok((typed.id, copies))
    }

    fn allocate_token_entry(&self) -> Result<StatusRef, IssueError> {
        let (list, index) = self.registry.allocate(Purpose::Token).map_err(|e| IssueError::Store(e.to_string()))?;
        self.note_list(&list);
        Ok(StatusRef { purpose: Purpose::Token, list: list.id, index })
    }

    /// Conceals and signs one SD-JWT VC: under the did:web key id, or with `url_issuer` under the public URL (and
    /// the `x5c` chain when the issuer has a certificate).
    fn sign_sd_jwt(
        &self,
        mut claims: Value,
        paths: &[crate::core::sd_jwt::issue::Path],
        signer: &Issuer,
        url_issuer: bool,
    ) -> Result<String, IssueError> {
        let short_kid = signer.kid().rsplit('#').next().unwrap_or(METADATA_KID).to_owned();
        let kid = if url_issuer {
            claims["iss"] = json!(self.config.public_url);
            short_kid.as_str()
        } else {
            signer.kid()
        };
        let x5c = self.x5c.as_ref().filter(|_| url_issuer);
        let issued =
            crate::core::sd_jwt_vc::issue_with_chain(claims, paths, signer.key(), kid, x5c, super::DECOYS, &mut OsRng)
                .map_err(|e| IssueError::Invalid { problems: vec![e.to_string()] })?;
        Ok(issued.serialize())
    }

    /// JWT VC Issuer Metadata (draft-ietf-oauth-sd-jwt-vc section 5): `issuer` = the public URL, the key in
    /// `jwks` with `kid` [`METADATA_KID`].
    #[must_use]
    pub fn jwt_vc_issuer_metadata(&self) -> Value {
        // Each published key under both names it signs with: `key-n` for URL-issued SD-JWT VCs, and the did:web key
        // id the Token Status Lists carry (one list serves credentials of both kinds).
        let ring = self.ring();
        let did = ring.signer.did().as_str().to_owned();
        let entry = |kid: String, key: &VerifyingKey| {
            let mut jwk = key.to_jwk().to_value();
            jwk["kid"] = json!(kid);
            jwk["alg"] = json!(key.algorithm().jws_alg());
            jwk["use"] = json!("sig");
            jwk
        };
        let keys: Vec<Value> = ring
            .published
            .iter()
            .flat_map(|(n, key)| [entry(format!("key-{n}"), key), entry(format!("{did}#key-{n}"), key)])
            .collect();
        json!({"issuer": self.config.public_url, "jwks": {"keys": keys}})
    }

    /// The URL a Token Status List is published at.
    #[must_use]
    pub fn token_list_url(&self, list: &str) -> String {
        format!("{}/statuslists/{list}", self.config.public_url)
    }

    /// The signed Token Status List (`statuslist+jwt`) for `list`, rebuilt only when it changed.
    ///
    /// # Errors
    /// [`StatusError::UnknownList`], storage or signing failures.
    pub fn token_status_list(&self, list: &str, now: DateTime<Utc>) -> Result<Arc<PublishedList>, StatusError> {
        let record = self.registry.list(list)?.filter(|l| l.purpose == Purpose::Token);
        let record = record.ok_or_else(|| StatusError::UnknownList(list.to_owned()))?;
        let generation = self.registry.list_generation(list)?;
        self.publisher.get_or_build(list, generation, || self.build_token_list(&record, now))
    }

    fn build_token_list(&self, list: &ListRecord, now: DateTime<Utc>) -> Result<PublishedList, StatusError> {
        let signing = |e: &dyn std::fmt::Display| StatusError::Signing(e.to_string());
        let mut values = TokenStatusList::new(2, list.entries as usize).map_err(|e| signing(&e))?;
        for (index, value) in self.registry.set_values(&list.id)? {
            values.set(index as usize, value).map_err(|e| signing(&e))?;
        }
        let ttl = (self.config.status_ttl_ms / 1000).max(1);
        let claims = json!({
            "sub": self.token_list_url(&list.id),
            "iat": now.timestamp(),
            "exp": (now + chrono::Duration::days(1)).timestamp(),
            "ttl": ttl,
            "status_list": {"bits": 2, "lst": values.encode().map_err(|e| signing(&e))?},
        });
        let signer = self.signer();
        // HAIP: the Status List Token of an issuer with a certificate carries its chain too (the kid stays for the
        // credentials issued under the did:web, whose verifiers find the key by it).
        let header = HeaderSpec {
            typ: Some(TokenKind::StatusList),
            kid: Some(signer.kid()),
            x5c: self.x5c.as_ref(),
            ..HeaderSpec::default()
        };
        let bytes = serde_json::to_vec(&claims).map_err(|e| signing(&e))?;
        let token = jose::sign(&bytes, &header, signer.key()).map_err(|e| signing(&e))?;
        Ok(PublishedList::new(token, now))
    }

    /// Flushes sled to disk (group commit): call before a credential or a status change is acknowledged. When
    /// status lists are published as files and one changed or appeared, they are written again first.
    ///
    /// # Errors
    /// [`StoreError`]; a failed publication is logged, not refused (the service still serves the lists).
    pub async fn persist(&self) -> Result<(), StoreError> {
        if let Some(dir) = &self.publish_dir {
            if self.lists_changed.swap(false, std::sync::atomic::Ordering::SeqCst) {
                if let Err(error) = super::publish::publish_all(self, dir, Utc::now()) {
                    self.lists_changed.store(true, std::sync::atomic::Ordering::SeqCst);
                    tracing::error!(%error, "publishing the status lists as files");
                }
            }
        }
        self.commit.persist().await
    }

    /// Also writes the status lists as static files under `dir` whenever one changes ([`super::publish`]).
    #[must_use]
    pub fn with_publish_dir(mut self, dir: std::path::PathBuf) -> Self {
        self.publish_dir = Some(dir);
        self
    }

    /// Every status list, in id order.
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn status_lists(&self) -> Result<Vec<ListRecord>, StoreError> {
        self.registry.lists()
    }

    fn prepare(&self, credential: Value, now: DateTime<Utc>) -> Result<Value, IssueError> {
        let Value::Object(mut map) = credential else {
            return Err(IssueError::Invalid { problems: vec!["the credential is not a JSON object".into()] });
        };
        for refused in ["credentialStatus", "proof", "vc", "vp"] {
            if map.contains_key(refused) {
                return Err(IssueError::Invalid {
                    problems: vec![format!("{refused} is set by the issuer, not by the request")],
                });
            }
        }
        let credential_issuer = issuer_id(&Value::Object(map.clone())).map(str::to_owned);
        if credential_issuer.as_deref() != Some(self.did().as_str()) {
            return Err(IssueError::WrongIssuer { expected: self.did().to_string(), found: credential_issuer });
        }
        let id = map.entry("id").or_insert_with(|| json!(format!("urn:uuid:{}", uuid::Uuid::new_v4()))).clone();
        let id = id.as_str().ok_or_else(|| IssueError::Invalid { problems: vec!["id is not a string".into()] })?;
        if self.registry.contains(id).map_err(|e| IssueError::Store(e.to_string()))? {
            return Err(IssueError::Duplicate(id.to_owned()));
        }
        map.entry("validFrom").or_insert_with(|| json!(rfc3339(now)));
        let credential = Value::Object(map);
        if !has_type(&credential, "VerifiableCredential") {
            return Err(IssueError::Invalid { problems: vec!["type does not include VerifiableCredential".into()] });
        }
        Ok(credential)
    }

    fn allocate_status(&self) -> Result<Vec<StatusRef>, IssueError> {
        Purpose::BITSTRING
            .iter()
            .map(|purpose| {
                let (list, index) = self.registry.allocate(*purpose).map_err(|e| IssueError::Store(e.to_string()))?;
                self.note_list(&list);
                Ok(StatusRef { purpose: *purpose, list: list.id, index })
            })
            .collect()
    }

    /// Marks the files for rewriting when `list` has not been published as a file yet.
    fn note_list(&self, list: &ListRecord) {
        if let Some(dir) = &self.publish_dir {
            if !dir.join(super::publish::list_path(list)).exists() {
                self.lists_changed.store(true, std::sync::atomic::Ordering::SeqCst);
            }
        }
    }

    /// The URL a list is published at.
    #[must_use]
    pub fn list_url(&self, list: &str) -> String {
        format!("{}/status/{list}", self.config.public_url)
    }

    fn status_entry(&self, entry: &StatusRef) -> Value {
        let url = self.list_url(&entry.list);
        json!({
            "id": format!("{url}#{}", entry.index),
            "type": "BitstringStatusListEntry",
            "statusPurpose": entry.purpose.as_str(),
            "statusListIndex": entry.index.to_string(),
            "statusListCredential": url,
        })
    }

    /// Revokes, suspends or reinstates a credential; the affected lists are rebuilt on their next read.
    ///
    /// # Errors
    /// [`StatusError`].
    pub fn change_status(&self, id: &str, change: StatusChange) -> Result<CredentialRecord, StatusError> {
        let mut record = self.registry.get(id)?.ok_or_else(|| StatusError::UnknownCredential(id.to_owned()))?;
        if record.revoked {
            return Err(StatusError::AlreadyRevoked(id.to_owned()));
        }
        match change {
            StatusChange::Revoke => record.revoked = true,
            StatusChange::Suspend => record.suspended = true,
            StatusChange::Reinstate => record.suspended = false,
        }
        self.registry.set_state(&record)?;
        self.lists_changed.store(true, std::sync::atomic::Ordering::SeqCst);
        for entry in &record.status {
            if let Some(cache) = &self.cache {
                let url = if entry.purpose == Purpose::Token {
                    self.token_list_url(&entry.list)
                } else {
                    self.list_url(&entry.list)
                };
                cache.invalidate(&url);
            }
        }
        Ok(record)
    }

    /// The signed status list credential for `list`, rebuilt only when it changed.
    ///
    /// # Errors
    /// [`StatusError::UnknownList`], storage or signing failures.
    pub fn status_list(&self, list: &str, now: DateTime<Utc>) -> Result<Arc<PublishedList>, StatusError> {
        let record = self.registry.list(list)?.filter(|l| l.purpose != Purpose::Token);
        let record = record.ok_or_else(|| StatusError::UnknownList(list.to_owned()))?;
        let generation = self.registry.list_generation(list)?;
        self.publisher.get_or_build(list, generation, || self.build_list(&record, now))
    }

    fn build_list(&self, list: &ListRecord, now: DateTime<Utc>) -> Result<PublishedList, StatusError> {
        let mut bits = Bitstring::new(list.entries as usize);
        for index in self.registry.set_indexes(&list.id)? {
            bits.set(index as usize, true).map_err(|e| StatusError::Signing(e.to_string()))?;
        }
        let url = self.list_url(&list.id);
        let credential = json!({
            "@context": [crate::core::credential::VC2_CONTEXT],
            "id": url,
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": self.did().as_str(),
            "validFrom": rfc3339(now),
            "credentialSubject": {
                "id": format!("{url}#list"),
                "type": "BitstringStatusList",
                "statusPurpose": list.purpose.as_str(),
                "encodedList": bits.encode().map_err(|e| StatusError::Signing(e.to_string()))?,
                "ttl": self.config.status_ttl_ms,
            },
        });
        let signer = self.signer();
        let token = vc_jose::sign_credential(&credential, signer.key(), signer.kid(), now)
            .map_err(|e| StatusError::Signing(e.to_string()))?;
        Ok(PublishedList::new(token, now))
    }

    /// `ttl` of published lists in milliseconds.
    #[must_use]
    pub fn status_ttl_ms(&self) -> u64 {
        self.config.status_ttl_ms
    }

    /// Every credential issued here, newest first (the provider's console).
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn issued(&self) -> Result<Vec<CredentialRecord>, StoreError> {
        self.registry.all()
    }

    /// One issued credential's record, if it was issued here.
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn issued_record(&self, id: &str) -> Result<Option<CredentialRecord>, StoreError> {
        self.registry.get(id)
    }

    /// Sets the provider's own label for the learner of a credential (kept in the registry only).
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn label(&self, id: &str, label: Option<String>) -> Result<(), StoreError> {
        self.registry.relabel(id, label)
    }

    /// Number of credentials in the registry.
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn issued_count(&self) -> Result<usize, StoreError> {
        self.registry.len()
    }
}

/// The display name of a credential document: its `name`, else its achievement's.
/// Midnight UTC of `now`'s day: the `iat` of batch copies, shared by every credential issued that day.
fn start_of_day(now: DateTime<Utc>) -> DateTime<Utc> {
    now.date_naive().and_time(chrono::NaiveTime::MIN).and_utc()
}

fn display_name(credential: &Value) -> Option<String> {
    credential["name"]
        .as_str()
        .or_else(|| credential.pointer("/credentialSubject/achievement/name").and_then(Value::as_str))
        .map(str::to_owned)
}

fn string_list(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
        _ => Vec::new(),
    }
}
