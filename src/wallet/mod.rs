//! The holder wallet: the person's own store of credentials and keys, encrypted under a key only they control
//! (DESIGN.md section 6).
//!
//! Every record is sealed ([`crate::store::sealed`]) under the wallet's data key, itself wrapped by a key derived
//! from the holder's passphrase; sled keys are keyed hashes. One sled database can hold many wallets (hosted mode):
//! each has its own trees, named by a hash of the account, and its own data key, so one holder's session can
//! never open another's records.
//!
//! Verification on receipt is one path: [`Wallet::receive`] asks a [`CredentialVerifier`] (the verifier role,
//! reached through that interface in core) and hands the result to [`Wallet::import`], which takes only a
//! [`Verified`] credential, so an unverified one cannot be stored by construction. It stores the credential only
//! when the subject is one of this wallet's keys (or the holder consented to a bearer credential).
//!
//! The wallet also speaks the standard protocols with issuers and verifiers it has never met:
//! [`openid4vci`] (accepting a credential offer) and [`openid4vp`] (answering a presentation request, with the
//! holder's consent), through the guarded fetcher of [`crate::net`].

pub mod agent;
pub mod authorization;
pub mod badge;
pub mod copies;
pub mod export;
pub mod history;
pub mod hosted;
mod keys;
mod kinds;
pub mod local;
pub mod matching;
pub mod openid4vci;
pub mod openid4vp;
pub mod passphrase;
pub mod passport;
pub mod present;
pub mod records;
pub mod selective;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use sha2::{Digest as _, Sha256};
use zeroize::Zeroizing;

use crate::core::credential::claims::Credential;
use crate::core::encoding::{b64url, b64url_decode, parse_json};
use crate::core::gap::KnownStatus;
use crate::core::keys::KeyAlgorithm;
use crate::core::openid4vci::ProtocolError;
use crate::core::vc_jose::rfc3339;
use crate::core::verify::{CredentialVerifier, Verified};
use crate::net::FetchError;
use crate::store::sealed::{self, KdfParams, SealError};
use crate::store::{Database, Record, StoreError, Tree};
pub use passphrase::Passphrase;
pub use records::{HolderKey, StoredCredential, WalletHeader};

/// The tree and key of the write counter (not secret: a number).
const GENERATION_TREE: &str = "wallet.generation";
const GENERATION_KEY: &[u8] = b"generation";

/// Associated data of the wrapped data key.
const WRAP_AAD: &[u8] = b"skillspass wallet data key v1";

/// Why a wallet operation failed.
#[derive(Debug, thiserror::Error)]
pub enum WalletError {
    /// No wallet here yet.
    #[error("no wallet here; create one with `skillspass wallet init`")]
    NotFound,
    /// A wallet already exists.
    #[error("a wallet already exists here")]
    Exists,
    /// Wrong passphrase.
    #[error("wrong passphrase")]
    WrongPassphrase,
    /// A new passphrase that is too short.
    #[error("the passphrase must have at least {min} characters")]
    WeakPassphrase {
        /// The minimum.
        min: usize,
    },
    /// The credential did not verify; nothing was stored.
    #[error("the credential did not verify, nothing was stored: {0}")]
    NotVerified(String),
    /// The credential's subject is not one of this wallet's keys.
    #[error(
        "the credential's subject {subject} is not one of this wallet's keys; nothing was stored (if the badge names \
         you by another identifier, import it with --other-subject)"
    )]
    ForeignSubject {
        /// The subject.
        subject: String,
    },
    /// A bearer credential (no subject) without the holder's consent.
    #[error("the credential names no subject (a bearer credential); import it only with explicit consent (--bearer)")]
    BearerWithoutConsent,
    /// No credential with that id.
    #[error("no credential {0:?} in this wallet")]
    UnknownCredential(String),
    /// A presentation that cannot be made.
    #[error("cannot present: {0}")]
    Presentation(String),
    /// An export file that cannot be read.
    #[error("export file: {0}")]
    Export(String),
    /// A restore into a wallet that already holds credentials, without asking to merge.
    #[error("this wallet already holds credentials; restore into a new wallet, or merge an export of this same wallet")]
    NotEmpty,
    /// A merge of an export that is not of this holder (it does not hold this wallet's primary key).
    #[error("the export is of another holder's wallet (it does not hold this wallet's key); nothing was restored")]
    OtherHolder,
    /// The wallet's database does not hold the wallet it held: damaged on disk.
    #[error(
        "the wallet in {0} is damaged: its database no longer holds the wallet that was created there; nothing was \
         changed. Restore your export into a new folder: skillspass wallet --wallet NEW-FOLDER restore EXPORT-FILE"
    )]
    Damaged(String),
    /// Stored data is corrupt.
    #[error("stored data is unreadable: {0}")]
    Corrupt(String),
    /// An issuer or verifier broke the protocol or answered with an error.
    #[error("{0}")]
    Protocol(#[from] ProtocolError),
    /// A fetch was refused or failed.
    #[error("{0}")]
    Fetch(#[from] FetchError),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<SealError> for WalletError {
    fn from(e: SealError) -> Self {
        match e {
            SealError::WrongPassphrase => Self::WrongPassphrase,
            other => Self::Corrupt(other.to_string()),
        }
    }
}

/// What the holder expects of a credential being received.
#[derive(Debug, Clone, Copy, Default)]
pub struct Receipt<'a> {
    /// What the holder consents to keep beyond credentials issued to this wallet's keys.
    pub consent: Consent,
    /// The type (`vct` or VC type) an offer announced; anything else is refused.
    pub expected_type: Option<&'a str>,
}

/// What the holder consents to keep besides credentials issued to one of this wallet's keys.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Consent {
    /// A credential that names no subject (a bearer credential).
    pub bearer: bool,
    /// A badge that names the holder by another identifier (an email, another DID, an id on another platform):
    /// it is kept, and marked as not bound to this wallet's keys, which a verifier will also see.
    pub other_subject: bool,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq)]
pub enum ImportOutcome {
    /// Stored, with any warnings (e.g. status not reachable).
    Stored(Box<StoredCredential>),
    /// The exact credential was already in the wallet.
    AlreadyStored(String),
}

/// The trees of one holder.
#[derive(Debug, Clone)]
struct Trees {
    meta: Tree,
    credentials: Tree,
    tokens: Tree,
    ids: Tree,
    kinds: Tree,
    keys: Tree,
    history: Tree,
    copies: Tree,
}

impl Trees {
    fn open(db: &Database, holder: &str) -> Result<Self, WalletError> {
        let prefix = format!("wallet.{}", &b64url(Sha256::digest(holder.as_bytes()))[..22]);
        Ok(Self {
            meta: db.tree(&format!("{prefix}.meta"))?,
            credentials: db.tree(&format!("{prefix}.credentials"))?,
            tokens: db.tree(&format!("{prefix}.tokens"))?,
            ids: db.tree(&format!("{prefix}.ids"))?,
            kinds: db.tree(&format!("{prefix}.kinds"))?,
            keys: db.tree(&format!("{prefix}.keys"))?,
            history: db.tree(&format!("{prefix}.history"))?,
            copies: db.tree(&format!("{prefix}.copies"))?,
        })
    }
}

/// An unlocked wallet (cheap to clone: the database handle and the data key).
#[derive(Clone)]
pub struct Wallet {
    db: Database,
    trees: Trees,
    data_key: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for Wallet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Wallet").field("data_key", &"[redacted]").finish_non_exhaustive()
    }
}

impl Wallet {
    /// Whether `holder` has a wallet in `db`.
    ///
    /// # Errors
    /// Storage failures.
    pub fn exists(db: &Database, holder: &str) -> Result<bool, WalletError> {
        Ok(Trees::open(db, holder)?.meta.contains_key(b"header")?)
    }

    /// Creates a wallet for `holder` with a primary Ed25519 did:key, protected by `passphrase`.
    ///
    /// # Errors
    /// [`WalletError::Exists`] or storage failures.
    pub fn create(
        db: &Database,
        holder: &str,
        passphrase: &Passphrase,
        now: DateTime<Utc>,
    ) -> Result<Self, WalletError> {
        Self::create_with_key(db, holder, passphrase, KeyAlgorithm::Ed25519, now)
    }

    /// Creates a wallet for `holder` whose primary did:key is of `algorithm`, protected by `passphrase`.
    ///
    /// # Errors
    /// [`WalletError::Exists`] or storage failures.
    pub fn create_with_key(
        db: &Database,
        holder: &str,
        passphrase: &Passphrase,
        algorithm: KeyAlgorithm,
        now: DateTime<Utc>,
    ) -> Result<Self, WalletError> {
        let trees = Trees::open(db, holder)?;
        if trees.meta.contains_key(b"header")? {
            return Err(WalletError::Exists);
        }
        let kdf = KdfParams::new();
        let data_key = sealed::new_data_key();
        let wrapping = kdf.derive(passphrase.expose())?;
        let header =
            WalletHeader { v: 1, kdf, wrapped_key: b64url(sealed::seal(&wrapping, WRAP_AAD, data_key.as_slice())) };
        let wallet = Self { db: db.clone(), trees, data_key };
        wallet.new_key_of("primary", algorithm, now)?;
        let bytes = crate::store::db::encode(&header)?;
        if !wallet.trees.meta.compare_and_swap(b"header", None, Some(&bytes), None)? {
            return Err(WalletError::Exists);
        }
        wallet.flush()?;
        Ok(wallet)
    }

    /// Unlocks `holder`'s wallet with the passphrase.
    ///
    /// # Errors
    /// [`WalletError::NotFound`], [`WalletError::WrongPassphrase`] or storage failures.
    pub fn unlock(db: &Database, holder: &str, passphrase: &str) -> Result<Self, WalletError> {
        let trees = Trees::open(db, holder)?;
        let header = Self::header(&trees)?;
        let wrapping = header.kdf.derive(passphrase)?;
        Self::with_data_key(db, holder, Self::unwrap_key(&header, &wrapping)?)
    }

    /// Opens a wallet with an already unwrapped data key (hosted sessions keep it in memory only).
    ///
    /// # Errors
    /// Storage failures.
    pub fn with_data_key(db: &Database, holder: &str, data_key: Zeroizing<[u8; 32]>) -> Result<Self, WalletError> {
        Ok(Self { db: db.clone(), trees: Trees::open(db, holder)?, data_key })
    }

    /// The data key, for a hosted session to keep in memory.
    #[must_use]
    pub fn data_key(&self) -> Zeroizing<[u8; 32]> {
        self.data_key.clone()
    }

    fn header(trees: &Trees) -> Result<WalletHeader, WalletError> {
        let bytes = trees.meta.get(b"header")?.ok_or(WalletError::NotFound)?;
        Ok(crate::store::db::decode(b"header", &bytes)?)
    }

    fn unwrap_key(header: &WalletHeader, wrapping: &[u8; 32]) -> Result<Zeroizing<[u8; 32]>, WalletError> {
        let wrapped = b64url_decode(&header.wrapped_key).map_err(|_| WalletError::Corrupt("wrapped key".into()))?;
        let key = sealed::open(wrapping, WRAP_AAD, &wrapped).map_err(|_| WalletError::WrongPassphrase)?;
        let key: [u8; 32] = key.as_slice().try_into().map_err(|_| WalletError::Corrupt("data key length".into()))?;
        Ok(Zeroizing::new(key))
    }

    /// Writes everything to disk, counting the write: the generation grows with every flush, and a local wallet
    /// records it beside the database ([`local::acknowledge`]) so damage can be told from a crash.
    ///
    /// # Errors
    /// Storage failures.
    pub fn flush(&self) -> Result<(), WalletError> {
        // Only a local (sled) wallet keeps a marker to compare the generation with.
        if let Database::Sled(_) = &self.db {
            let next = self.generation()? + 1;
            self.db.tree(GENERATION_TREE)?.insert(GENERATION_KEY, next.to_be_bytes())?;
        }
        self.db.flush()?;
        Ok(())
    }

    /// How many flushes this database has seen.
    ///
    /// # Errors
    /// Storage failures.
    pub fn generation(&self) -> Result<u64, WalletError> {
        Self::stored_generation(&self.db)
    }

    /// The generation recorded in a database (0 when it has none).
    ///
    /// # Errors
    /// Storage failures, or a malformed counter.
    pub fn stored_generation(db: &Database) -> Result<u64, WalletError> {
        let Some(bytes) = db.tree(GENERATION_TREE)?.get(GENERATION_KEY)? else { return Ok(0) };
        let bytes: [u8; 8] =
            bytes.as_slice().try_into().map_err(|_| WalletError::Corrupt("the generation counter".into()))?;
        Ok(u64::from_be_bytes(bytes))
    }

    fn put<T: Record>(&self, tree: &Tree, key: &[u8], record: &T) -> Result<(), WalletError> {
        let plain = Zeroizing::new(crate::store::db::encode(record)?);
        tree.insert(key, sealed::seal(&self.data_key, &aad(tree, key), &plain))?;
        Ok(())
    }

    fn get<T: Record + DeserializeOwned + Serialize>(&self, tree: &Tree, key: &[u8]) -> Result<Option<T>, WalletError> {
        let Some(bytes) = tree.get(key)? else { return Ok(None) };
        let plain = sealed::open(&self.data_key, &aad(tree, key), &bytes)?;
        Ok(Some(crate::store::db::decode(b"sealed", &plain)?))
    }

    fn all<T: Record>(&self, tree: &Tree) -> Result<Vec<T>, WalletError> {
        tree.entries()?
            .into_iter()
            .map(|(key, bytes)| {
                let plain = sealed::open(&self.data_key, &aad(tree, &key), &bytes)?;
                Ok(crate::store::db::decode(b"sealed", &plain)?)
            })
            .collect()
    }

    /// Verifies a credential as received and stores it: the one path every front door and protocol uses.
    ///
    /// # Errors
    /// [`WalletError::NotVerified`] with the verifier's reasons, or as [`Wallet::import`].
    pub async fn receive(
        &self,
        checker: &impl CredentialVerifier,
        compact: &str,
        receipt: Receipt<'_>,
        now: DateTime<Utc>,
    ) -> Result<ImportOutcome, WalletError> {
        let outcome = checker.verify_credential(compact.trim(), now).await;
        let verified = outcome.into_verified().map_err(|rejected| WalletError::NotVerified(rejected.to_string()))?;
        self.keep_received(&verified, receipt, now)
    }

    /// The rest of [`Wallet::receive`] for a credential already verified on receipt (the first copy of a batch,
    /// checked with its copies): the offered type, then [`Wallet::import`].
    ///
    /// # Errors
    /// [`WalletError::NotVerified`] for another type than the offered one, or as [`Wallet::import`].
    pub fn keep_received(
        &self,
        verified: &Verified<Credential>,
        receipt: Receipt<'_>,
        now: DateTime<Utc>,
    ) -> Result<ImportOutcome, WalletError> {
        if let Some(expected) = receipt.expected_type {
            if !verified.value().types.iter().any(|t| t == expected) {
                return Err(WalletError::NotVerified(format!(
                    "the credential's type {:?} is not the offered {expected:?}",
                    verified.value().types
                )));
            }
        }
        let outcome = self.import(verified, receipt.consent, now)?;
        self.flush()?;
        Ok(outcome)
    }

    /// Stores a verified credential, only when its subject is one of this wallet's keys (or with the holder's
    /// [`Consent`] for a bearer credential or a badge naming them otherwise). Keeps the exact token.
    ///
    /// # Errors
    /// [`WalletError::ForeignSubject`], [`WalletError::BearerWithoutConsent`], storage failures.
    pub fn import(
        &self,
        verified: &Verified<Credential>,
        consent: Consent,
        now: DateTime<Utc>,
    ) -> Result<ImportOutcome, WalletError> {
        let token = verified.token();
        let bound = self.check_subject(verified.value().subject.as_deref(), consent)?;
        let key = sealed::index_key(&self.data_key, "credential", token.as_bytes());
        if let Some(existing) = self.get::<StoredCredential>(&self.trees.credentials, &key)? {
            return Ok(ImportOutcome::AlreadyStored(existing.id));
        }
        let mut stored = summarize(verified, now);
        if let (false, Some(subject)) = (bound, verified.value().subject.as_deref()) {
            stored.warnings.push(format!(
                "it names its holder as {subject}, not as a key of this wallet: verifiers will see it is not bound to you"
            ));
        }
        self.put(&self.trees.tokens, &key, &TokenRecord { v: 1, token: token.to_owned() })?;
        self.put(&self.trees.credentials, &key, &stored)?;
        self.index_kinds(&key, &stored)?;
        self.trees.ids.insert(self.id_key(&stored.id), key)?;
        Ok(ImportOutcome::Stored(Box::new(StoredCredential { token: token.to_owned(), ..stored })))
    }

    /// Whether the subject is one of this wallet's keys; an error when it is not and the holder did not consent.
    fn check_subject(&self, subject: Option<&str>, consent: Consent) -> Result<bool, WalletError> {
        match subject {
            None if consent.bearer => Ok(false),
            None => Err(WalletError::BearerWithoutConsent),
            Some(subject) if self.has_key(subject)? => Ok(true),
            Some(_) if consent.other_subject => Ok(false),
            Some(subject) => Err(WalletError::ForeignSubject { subject: subject.to_owned() }),
        }
    }

    /// Every credential's summary (without the token), for the passport view.
    ///
    /// # Errors
    /// Storage or decryption failures.
    pub fn list(&self) -> Result<Vec<StoredCredential>, WalletError> {
        let tree = &self.trees.credentials;
        let mut all = tree
            .entries()?
            .into_iter()
            .map(|(key, bytes)| self.open_record::<StoredCredential>(tree, &key, &bytes))
            .collect::<Result<Vec<_>, _>>()?;
        sort_as_listed(&mut all);
        Ok(all)
    }

    /// One credential with its token, by id (or a unique prefix of it).
    ///
    /// # Errors
    /// [`WalletError::UnknownCredential`].
    pub fn get_credential(&self, id: &str) -> Result<StoredCredential, WalletError> {
        let (key, summary) = self.find(id)?;
        self.with_token(&key, summary)
    }

    /// The credential stored under record key `key`, with its token (`None` when the key names nothing).
    fn stored_with_token(&self, key: &[u8]) -> Result<Option<StoredCredential>, WalletError> {
        let Some(summary) = self.get::<StoredCredential>(&self.trees.credentials, key)? else { return Ok(None) };
        self.with_token(key, summary).map(Some)
    }

    fn with_token(&self, key: &[u8], summary: StoredCredential) -> Result<StoredCredential, WalletError> {
        let token: TokenRecord = self
            .get(&self.trees.tokens, key)?
            .ok_or_else(|| WalletError::Corrupt(format!("token of {} missing", summary.id)))?;
        Ok(StoredCredential { token: token.token, ..summary })
    }

    fn open_record<T: Record>(&self, tree: &Tree, key: &[u8], bytes: &[u8]) -> Result<T, WalletError> {
        let plain = sealed::open(&self.data_key, &aad(tree, key), bytes)?;
        Ok(crate::store::db::decode(b"sealed", &plain)?)
    }

    fn id_key(&self, id: &str) -> Vec<u8> {
        sealed::index_key(&self.data_key, "id", id.as_bytes())
    }

    fn find(&self, id: &str) -> Result<(Vec<u8>, StoredCredential), WalletError> {
        if let Some(key) = self.trees.ids.get(self.id_key(id))? {
            if let Some(summary) = self.get::<StoredCredential>(&self.trees.credentials, &key)? {
                return Ok((key, summary));
            }
        }
        let mut matches = Vec::new();
        for (key, bytes) in self.trees.credentials.entries()? {
            let plain = sealed::open(&self.data_key, &aad(&self.trees.credentials, &key), &bytes)?;
            let summary: StoredCredential = crate::store::db::decode(b"sealed", &plain)?;
            if summary.id == id {
                return Ok((key, summary));
            }
            if summary.id.starts_with(id) || summary.id.ends_with(id) {
                matches.push((key, summary));
            }
        }
        if matches.len() == 1 { Ok(matches.remove(0)) } else { Err(WalletError::UnknownCredential(id.to_owned())) }
    }

    /// Checks every credential again (signature, validity, status) and records the status found, so the private
    /// match knows what was revoked or suspended without going online itself. Returns each credential's id with
    /// its new status; a credential whose issuer cannot be reached keeps its last known status.
    ///
    /// # Errors
    /// Storage or decryption failures.
    pub async fn refresh_status(
        &self,
        checker: &impl CredentialVerifier,
        now: DateTime<Utc>,
    ) -> Result<Vec<(String, KnownStatus, Option<String>)>, WalletError> {
        let mut results = Vec::new();
        let tree = &self.trees.credentials;
        for (key, bytes) in tree.entries()? {
            let mut stored: StoredCredential = self.open_record(tree, &key, &bytes)?;
            let token: TokenRecord = self
                .get(&self.trees.tokens, &key)?
                .ok_or_else(|| WalletError::Corrupt(format!("token of {} missing", stored.id)))?;
            let verification = checker.verify_credential(&token.token, now).await;
            let (status, note) = status_after(&verification, &stored, now);
            if status != stored.status {
                stored.status = status;
                self.put(&self.trees.credentials, &key, &stored)?;
            }
            results.push((stored.id, status, note));
        }
        self.flush()?;
        Ok(results)
    }

    /// Deletes a credential.
    ///
    /// # Errors
    /// [`WalletError::UnknownCredential`].
    pub fn delete(&self, id: &str) -> Result<StoredCredential, WalletError> {
        let (key, summary) = self.find(id)?;
        self.trees.credentials.remove(&key)?;
        self.trees.tokens.remove(&key)?;
        self.forget_copies(&key)?;
        self.trees.ids.remove(self.id_key(&summary.id))?;
        self.unindex_kinds(&key, &summary)?;
        Ok(summary)
    }

    /// Stores a credential exactly as exported (restore), and a key record.
    fn restore_credential(&self, credential: &StoredCredential) -> Result<(), WalletError> {
        let key = sealed::index_key(&self.data_key, "credential", credential.token.as_bytes());
        self.put(&self.trees.tokens, &key, &TokenRecord { v: 1, token: credential.token.clone() })?;
        let stored = StoredCredential { token: String::new(), ..credential.clone() };
        self.put(&self.trees.credentials, &key, &stored)?;
        self.index_kinds(&key, &stored)?;
        self.trees.ids.insert(self.id_key(&credential.id), key)?;
        Ok(())
    }
}

/// The order the passport shows: newest first, then by id.
fn sort_as_listed(credentials: &mut [StoredCredential]) {
    credentials.sort_by(|a, b| b.imported_at.cmp(&a.imported_at).then_with(|| a.id.cmp(&b.id)));
}

/// The token, sealed separately so listing never decrypts or parses it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct TokenRecord {
    v: u32,
    token: String,
}

crate::store::db::versioned_record!(TokenRecord, 1);

fn aad(tree: &Tree, key: &[u8]) -> Vec<u8> {
    let mut aad = tree.name();
    aad.push(0);
    aad.extend_from_slice(key);
    aad
}

fn summarize(verified: &Verified<Credential>, now: DateTime<Utc>) -> StoredCredential {
    let credential = verified.value();
    let achievement = credential.achievement.as_ref();
    StoredCredential {
        v: 1,
        id: credential
            .id
            .clone()
            .unwrap_or_else(|| format!("urn:skillspass:{}", &b64url(Sha256::digest(verified.token()))[..22])),
        format: verified.format(),
        proof: crate::core::pipeline::proof_type(verified.token()),
        token: String::new(),
        imported_at: rfc3339(now),
        issuer: credential.issuer.id.clone(),
        issuer_name: credential.issuer.name.clone(),
        types: credential.types.clone(),
        name: credential.name.clone(),
        achievement_type: achievement.and_then(|a| a.achievement_type.clone()),
        subject: credential.subject.clone(),
        valid_from: credential.valid_from.map(rfc3339),
        valid_until: credential.valid_until.map(rfc3339),
        skills: credential.skills().to_vec(),
        micro: credential.micro_facts(),
        status: KnownStatus::after_verification(&credential.status, verified.warnings(), now),
        type_names: credential
            .type_metadata
            .as_ref()
            .map(|t| t.display.iter().map(|d| (d.locale.clone(), d.name.clone())).collect())
            .unwrap_or_default(),
        // Trust is the verifier's business when the holder presents; keep only what concerns the credential.
        warnings: verified
            .warnings()
            .iter()
            .filter(|w| !w.is("issuer-unknown"))
            .map(|w| w.detail.clone().unwrap_or_else(|| w.title.clone()))
            .collect(),
    }
}

/// The status after checking again: revoked or suspended when the status check says so, valid when it passed,
/// else the last known status with a note on why it was not checked.
fn status_after(
    verification: &crate::core::verify::Verification<Credential>,
    stored: &StoredCredential,
    now: DateTime<Utc>,
) -> (KnownStatus, Option<String>) {
    let failed_status = verification.record().errors().iter().find(|p| p.is("status")).and_then(|p| p.detail.clone());
    match failed_status {
        Some(detail) if detail.contains("revoked") => (KnownStatus::Revoked { checked_at: now }, Some(detail)),
        Some(detail) if detail.contains("suspended") => (KnownStatus::Suspended { checked_at: now }, Some(detail)),
        Some(detail) => (stored.status, Some(detail)),
        None if verification.is_verified() => {
            let status = verification.value().map_or(&[][..], |c| c.status.as_slice());
            let checked = KnownStatus::after_verification(status, verification.record().warnings(), now);
            (if checked == KnownStatus::Unchecked { stored.status } else { checked }, None)
        }
        None => {
            let why =
                verification.record().errors().iter().map(|p| p.detail.clone().unwrap_or_else(|| p.title.clone()));
            (stored.status, Some(why.collect::<Vec<_>>().join("; ")))
        }
    }
}

/// Reads a JSON value (helper for the export format).
fn json(bytes: &[u8]) -> Result<Value, WalletError> {
    parse_json(bytes).map_err(|e| WalletError::Export(e.to_string()))
}
