//! The verifier role: an employer checks a presented credential. Every token is parsed once
//! ([`crate::core::pipeline::Parsed`]); what its header and claims name is fetched through the guarded fetcher
//! (a did:web document, JWT VC Issuer Metadata, status lists, all in the fetcher's one cache); the offline checks
//! of its format run; then this role alone concludes: status, trust in the issuer and the rest of its
//! [`Policy`], into a [`Verification`] whose [`crate::core::verify::Verified`] value is what the wallet may store.
//!
//! Offline mode ([`Verifier::verify_offline`]) never touches the network: `did:web` documents must be supplied
//! and status is reported as not checked.

mod key_cache;
pub mod openid4vp;
pub mod policy;
pub mod presentation;
pub mod status;
pub mod trust;
pub mod type_metadata;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::core::credential::claims::{Credential, StatusReference};
use crate::core::credential::schema::{SchemaLoadError, Schemas};
use crate::core::data_integrity::LinkedData;
use crate::core::did::{Did, DidDocument, DidError, DidMethod, Relationship};
use crate::core::jsonld::JsonLdError;
use crate::core::keys::VerifyingKey;
use crate::core::pipeline::{self, Parsed};
pub use crate::core::sd_jwt_vc::KeyBindingPolicy;
use crate::core::signature_batch::{self, SetAside};
use crate::core::vc_jose::{IssuerKeyResolver, LocalResolver, VerifyContext};
use crate::core::verify::{Checked, CredentialVerifier, Verification};
use crate::net::cache::Kind;
use crate::net::{FetchError, Fetcher};
pub use key_cache::KeyCache;
pub use policy::Policy;
use status::EntryStatus;
pub use trust::{TrustList, TrustedIssuer};

/// Largest DID document we download.
pub const MAX_DID_DOCUMENT_BYTES: usize = 64 * 1024;

/// A verifier.
#[derive(Debug)]
pub struct Verifier {
    schemas: std::sync::Arc<Schemas>,
    keys: KeyCache,
    linked_data: LinkedData,
    /// Bitstring status lists given as files (offline verification checks status against them).
    pinned_lists: HashMap<String, String>,
    policy: Policy,
    fetcher: Option<Fetcher>,
    nonces: presentation::NonceLedger,
    types: std::sync::Arc<type_metadata::TypeCache>,
}

/// What is known about a credential's status when concluding.
enum StatusFindings {
    /// Offline: not checked.
    NotChecked(&'static str),
    /// Each reference with what its list says, as of an instant.
    Checked(Vec<(StatusReference, EntryStatus)>, DateTime<Utc>),
}

impl Verifier {
    /// An offline verifier (no network).
    ///
    /// # Errors
    /// [`SchemaLoadError`] if the compiled-in schemas are broken.
    pub fn new(policy: Policy) -> Result<Self, SchemaLoadError> {
        Ok(Self {
            schemas: Schemas::shared()?,
            keys: KeyCache::new(LocalResolver::default()).with_x509_anchors(policy.x509_anchors.clone()),
            linked_data: LinkedData::default(),
            pinned_lists: HashMap::new(),
            policy,
            fetcher: None,
            nonces: presentation::NonceLedger::default(),
            types: std::sync::Arc::default(),
        })
    }

    /// A verifier that resolves `did:web` and fetches status lists through `fetcher` (and its cache).
    ///
    /// # Errors
    /// [`SchemaLoadError`] if the compiled-in schemas are broken.
    pub fn online(policy: Policy, fetcher: Fetcher) -> Result<Self, SchemaLoadError> {
        Ok(Self { fetcher: Some(fetcher), ..Self::new(policy)? })
    }

    /// Keeps the nonces of verified presentations in `db`, so none is accepted twice, across restarts too.
    ///
    /// # Errors
    /// [`crate::store::StoreError`] when the tree cannot be opened.
    pub fn with_durable_nonces(mut self, db: &crate::store::Database) -> Result<Self, crate::store::StoreError> {
        self.nonces = presentation::NonceLedger::durable(db)?;
        Ok(self)
    }

    /// Removes expired protocol state (used nonces); returns how many records.
    ///
    /// # Errors
    /// [`crate::store::StoreError`].
    pub fn purge(&self, now: DateTime<Utc>) -> Result<usize, crate::store::StoreError> {
        self.nonces.purge(now)
    }

    /// This verifier's policy.
    #[must_use]
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Adds a `did:web` DID document, or the key or controller document of an https verification method (read
    /// from a file), checking that its `id` is a did:web or an https URL; returns the id.
    ///
    /// # Errors
    /// [`DidError`] for malformed documents.
    pub fn add_did_document(&mut self, json: &[u8]) -> Result<String, DidError> {
        let probe: Value =
            crate::core::encoding::parse_json(json).map_err(|e| DidError::MalformedDocument(e.to_string()))?;
        let id = probe.get("id").and_then(Value::as_str).unwrap_or_default().to_owned();
        if id.starts_with("https://") || id.starts_with("http://") {
            let url = id.split('#').next().unwrap_or_default().to_owned();
            self.linked_data.documents.insert(url, probe);
            return Ok(id);
        }
        let did = Did::parse(&id)?;
        self.keys.resolver_mut().add_document(DidDocument::from_json(json, &did)?);
        Ok(id)
    }

    /// Uses `json` as the document at `url` (offline verification reads it instead of fetching).
    ///
    /// # Errors
    /// [`DidError::MalformedDocument`] when it is not JSON.
    pub fn add_document(&mut self, url: &str, json: &[u8]) -> Result<(), DidError> {
        let document =
            crate::core::encoding::parse_json(json).map_err(|e| DidError::MalformedDocument(e.to_string()))?;
        self.linked_data.documents.insert(url.to_owned(), document);
        Ok(())
    }

    /// Pins a JSON-LD context: `text` is the document for `url` (contexts are never fetched).
    ///
    /// # Errors
    /// [`JsonLdError`] when `text` is not a context document.
    pub fn add_context(&mut self, url: &str, text: &str) -> Result<(), JsonLdError> {
        self.linked_data.contexts.add(url, text)
    }

    /// Verifies a compact `vc+jwt` or `dc+sd-jwt` as of `at` without the network: status is reported as not
    /// checked.
    #[must_use]
    pub fn verify_offline(&self, token: &str, at: DateTime<Utc>) -> Verification<Credential> {
        let checked = pipeline::check_token(token, &self.context(&self.keys, at), None);
        self.conclude_offline(checked, at)
    }

    /// Offline status (pinned lists only), then the conclusion.
    fn conclude_offline(&self, checked: Checked<Credential>, at: DateTime<Utc>) -> Verification<Credential> {
        let findings = match checked.value.as_ref().filter(|_| checked.record.passed()) {
            Some(credential) if self.pins_every_list(credential) => {
                StatusFindings::Checked(self.check_pinned_status(credential, &self.context(&self.keys, at)), at)
            }
            _ => StatusFindings::NotChecked("offline verification does not fetch status lists"),
        };
        self.conclude(checked, findings)
    }

    /// Pins a Bitstring Status List credential for `url` (its text, as published): offline verification checks
    /// the status of credentials whose every list is pinned, and online verification reads it instead of fetching.
    pub fn add_status_list(&mut self, url: &str, text: &str) {
        self.pinned_lists.insert(url.to_owned(), text.to_owned());
    }

    fn pins_every_list(&self, credential: &Credential) -> bool {
        !credential.status.is_empty()
            && credential.status.iter().all(|r| match r {
                StatusReference::Bitstring { list, .. } => self.pinned_lists.contains_key(list),
                _ => false,
            })
    }

    fn check_pinned_status(
        &self,
        credential: &Credential,
        ctx: &VerifyContext<'_>,
    ) -> Vec<(StatusReference, EntryStatus)> {
        let issuer = credential.issuer.id.as_str();
        credential
            .status
            .iter()
            .map(|reference| {
                let outcome = match reference {
                    StatusReference::Bitstring { purpose, index, list } => match self.pinned_lists.get(list) {
                        Some(text) => match status::verified_list(text, list, ctx) {
                            Ok((verified, _)) => status::read(purpose, *index, &verified, issuer),
                            Err(why) => EntryStatus::Unknown(why),
                        },
                        None => EntryStatus::Unknown(format!("the status list {list} is not pinned")),
                    },
                    _ => EntryStatus::Unknown("only Bitstring status lists can be pinned".into()),
                };
                (reference.clone(), outcome)
            })
            .collect()
    }

    /// Verifies a compact `vc+jwt` or `dc+sd-jwt` as of `at`, resolving `did:web` issuers and checking status lists
    /// online.
    pub async fn verify(&self, token: &str, at: DateTime<Utc>) -> Verification<Credential> {
        self.verify_bound(token, at, None).await
    }

    /// As [`Verifier::verify`], with the Key Binding a `dc+sd-jwt` must carry when `kb` requires it.
    pub async fn verify_bound(
        &self,
        token: &str,
        at: DateTime<Utc>,
        kb: Option<KeyBindingPolicy<'_>>,
    ) -> Verification<Credential> {
        let Some(fetcher) = &self.fetcher else {
            let checked = pipeline::check_token(token, &self.context(&self.keys, at), kb);
            return self.conclude(checked, StatusFindings::NotChecked("this verifier has no network"));
        };
        let (parsed, keys, linked) = self.prepare(token, fetcher).await;
        let mut ctx = self.context(&keys, at);
        ctx.linked_data = &linked;
        let checked = pipeline::check(token, parsed, &ctx, kb);
        self.finish(checked, fetcher, &keys, &linked, at).await
    }

    /// Verifies many compact credentials (`vc+jwt`, `dc+sd-jwt`), each exactly as [`Verifier::verify`] would (or,
    /// without a network, as [`Verifier::verify_offline`]), with
    /// their issuer signatures checked together ([`crate::core::signature_batch`]): each credential's offline
    /// checks run with its signature set aside, one batch equation checks them all, and a credential whose
    /// signature the batch does not confirm is verified again alone, so its report names the bad signature.
    /// Status and policy run only for credentials whose signature holds.
    pub async fn verify_batch(&self, tokens: &[&str], at: DateTime<Utc>) -> Vec<Verification<Credential>> {
        let slots: Vec<SetAside> = tokens.iter().map(|_| SetAside::new()).collect();
        let Some(fetcher) = &self.fetcher else {
            let checked: Vec<_> = tokens
                .iter()
                .zip(&slots)
                .map(|(token, slot)| {
                    let mut ctx = self.context(&self.keys, at);
                    ctx.set_aside = Some(slot);
                    pipeline::check_token(token, &ctx, None)
                })
                .collect();
            let confirmed = signature_batch::check_all(&slots);
            return tokens
                .iter()
                .zip(checked)
                .zip(confirmed)
                .map(
                    |((token, checked), holds)| {
                        if holds { self.conclude_offline(checked, at) } else { self.verify_offline(token, at) }
                    },
                )
                .collect();
        };
        let mut staged = Vec::with_capacity(tokens.len());
        for (token, slot) in tokens.iter().zip(&slots) {
            let (parsed, keys, linked) = self.prepare(token, fetcher).await;
            let mut ctx = self.context(&keys, at);
            ctx.linked_data = &linked;
            ctx.set_aside = Some(slot);
            let checked = pipeline::check(token, parsed, &ctx, None);
            staged.push((checked, keys, linked));
        }
        let confirmed = signature_batch::check_all(&slots);
        let mut verifications = Vec::with_capacity(tokens.len());
        for ((token, (checked, keys, linked)), holds) in tokens.iter().zip(staged).zip(confirmed) {
            verifications.push(if holds {
                self.finish(checked, fetcher, &keys, &linked, at).await
            } else {
                self.verify(token, at).await
            });
        }
        verifications
    }

    /// What a token's checks need from the network, fetched (or cached) once: the issuer's keys and the linked
    /// documents (key documents, an Open Badges 2.0 assertion's documents).
    async fn prepare<'t>(
        &self,
        token: &'t str,
        fetcher: &Fetcher,
    ) -> (Result<Parsed<'t>, pipeline::ParseError>, WebKeys<'_>, LinkedData) {
        let parsed = Parsed::parse(token);
        let references = KeyReferences::of(token, parsed.as_ref().ok());
        let keys = match &parsed {
            Ok(parsed) => self.online_keys(parsed, references.did_web.as_deref(), fetcher).await,
            Err(_) => match references
                .did_web
                .as_deref()
                .and_then(|kid| Some((kid, Did::parse(kid.split('#').next()?).ok()?)))
            {
                Some((kid, did)) => {
                    let web = Some(self.resolve_web(&did, fetcher, Some(kid)).await);
                    WebKeys { base: &self.keys, web, metadata: None }
                }
                None => WebKeys { base: &self.keys, web: None, metadata: None },
            },
        };
        let mut linked = self.fetch_key_documents(&references.documents, fetcher).await;
        self.fetch_open_badges_v2(token, parsed.as_ref().ok(), fetcher, &mut linked).await;
        (parsed, keys, linked)
    }

    /// Status (pinned or fetched) for a credential whose offline checks passed, then the conclusion.
    async fn finish(
        &self,
        mut checked: Checked<Credential>,
        fetcher: &Fetcher,
        keys: &WebKeys<'_>,
        linked: &LinkedData,
        at: DateTime<Utc>,
    ) -> Verification<Credential> {
        if checked.record.passed() {
            if let Some(credential) = checked.value.as_mut() {
                self.types.check(credential, Some(fetcher), &mut checked.record).await;
            }
        }
        let mut ctx = self.context(keys, at);
        ctx.linked_data = linked;
        let findings = match checked.value.as_ref().filter(|_| checked.record.passed()) {
            Some(credential) if self.pins_every_list(credential) => {
                StatusFindings::Checked(self.check_pinned_status(credential, &ctx), at)
            }
            Some(credential) => {
                StatusFindings::Checked(self.check_status(credential, fetcher, keys, linked, at).await, at)
            }
            None => StatusFindings::Checked(Vec::new(), at),
        };
        self.conclude(checked, findings)
    }

    fn context<'a>(&'a self, keys: &'a dyn IssuerKeyResolver, at: DateTime<Utc>) -> VerifyContext<'a> {
        VerifyContext {
            keys,
            schemas: &self.schemas,
            now: at,
            skew: self.policy.skew,
            linked_data: &self.linked_data,
            set_aside: None,
        }
    }

    /// Status, trust and policy, then the conclusion. The only place a [`Verification`] of a credential is made.
    fn conclude(&self, mut checked: Checked<Credential>, findings: StatusFindings) -> Verification<Credential> {
        if checked.record.passed() {
            match findings {
                StatusFindings::NotChecked(why) => status::not_checked(&mut checked, why),
                StatusFindings::Checked(results, at) => {
                    status::record(&mut checked.record, &results, at, self.policy.accept_unknown_status);
                }
            }
        } else {
            checked.record.skip("status", "not run: the credential did not verify");
        }
        let outcome = self.policy.apply(&mut checked);
        Verification::conclude(checked, outcome)
    }

    /// The did:web document the token's `kid` names and the JWT VC Issuer Metadata an https `iss` points to,
    /// fetched (or cached) before the checks, read from the one parse.
    async fn online_keys(&self, parsed: &Parsed<'_>, kid: Option<&str>, fetcher: &Fetcher) -> WebKeys<'_> {
        let web_did = kid
            .and_then(|kid| Did::parse(kid.split('#').next()?).ok())
            .filter(|did| did.method() == DidMethod::Web && !self.keys.resolver().has_document(did.as_str()));
        let web = match web_did {
            Some(did) => Some(self.resolve_web(&did, fetcher, kid).await),
            None => None,
        };
        let metadata = match parsed.issuer().filter(|iss| parsed.sd_jwt.is_some() && is_http_url(iss)) {
            Some(iss) => Some(IssuerMetadata::fetch_cached(fetcher, iss).await),
            None => None,
        };
        WebKeys { base: &self.keys, web, metadata }
    }

    /// The supplied linked data plus the key documents `urls` name, fetched through the guarded fetcher (cached
    /// like DID documents). A document that cannot be fetched is left out: the check then says it is unavailable.
    async fn fetch_key_documents(&self, urls: &[String], fetcher: &Fetcher) -> LinkedData {
        let mut linked = self.linked_data.clone();
        for url in urls {
            if linked.documents.contains_key(url) {
                continue;
            }
            if let Some(document) = fetcher.cache().get::<Value>(Kind::DidDocument, url) {
                linked.documents.insert(url.clone(), (*document).clone());
                continue;
            }
            let mut location = url.clone();
            if fetcher.allows_loopback_http() && is_loopback_url(&location) {
                location = location.replacen("https://", "http://", 1);
            }
            let accept = "application/did+json, application/jwk+json, application/jwk-set+json, application/json";
            let Ok(download) = fetcher.get(&location, accept, MAX_DID_DOCUMENT_BYTES).await else { continue };
            let Ok(document) = crate::core::encoding::parse_json(&download.body) else { continue };
            let ttl = download.max_age.unwrap_or(status::DEFAULT_TTL).clamp(status::TTL_BOUNDS.0, status::TTL_BOUNDS.1);
            fetcher.cache().put(Kind::DidDocument, url, Arc::new(document.clone()), ttl);
            linked.documents.insert(url.clone(), document);
        }
        linked
    }

    /// An Open Badges 2.0 assertion's documents: the hosted assertion at its id (or the URL baked in an image),
    /// then what each document links to (`BadgeClass`, `Issuer`, keys, revocation list), through the guarded fetcher;
    /// at most [`MAX_OB2_DOCUMENTS`].
    async fn fetch_open_badges_v2(
        &self,
        token: &str,
        parsed: Option<&Parsed<'_>>,
        fetcher: &Fetcher,
        linked: &mut LinkedData,
    ) {
        use crate::core::open_badges_v2 as ob2;
        let token = token.trim();
        let mut start = Vec::new();
        let mut pending = Vec::new();
        if token.starts_with("https://") || token.starts_with("http://") {
            pending.push(token.to_owned());
        } else if let Some(parsed) = parsed.filter(|p| p.sd_jwt.is_none()) {
            // Copied only when it is an Open Badges 2.0 assertion: every other JWT's payload is left as it is.
            if ob2::is_v2_members(&parsed.claims) {
                start.push(Value::Object(parsed.claims.clone()));
            }
        } else if let Ok(document) = crate::core::encoding::parse_json(token.as_bytes()) {
            if let Some(id) = document.get("id").and_then(Value::as_str) {
                pending.push(id.to_owned());
            }
            start.push(document);
        }
        if !start.iter().any(ob2::is_v2) && pending.is_empty() {
            return;
        }
        pending.extend(start.iter().flat_map(ob2::links));
        let mut downloads = 0;
        while let Some(url) = pending.pop() {
            if linked.documents.contains_key(&url) || downloads >= MAX_OB2_DOCUMENTS {
                continue;
            }
            downloads += 1;
            let accept = "application/ld+json, application/json";
            let Ok(download) = fetcher.get(&url, accept, MAX_DID_DOCUMENT_BYTES).await else { continue };
            let Ok(document) = crate::core::encoding::parse_json(&download.body) else { continue };
            pending.extend(ob2::links(&document));
            linked.documents.insert(url, document);
        }
    }

    /// Resolves a DID to its document: did:key and did:jwk locally, did:web through the guarded fetcher (the
    /// wallet uses it for verifiers that sign their requests).
    ///
    /// # Errors
    /// Why the DID could not be resolved.
    pub async fn resolve_did(&self, did: &Did) -> Result<DidDocument, String> {
        if did.method() != DidMethod::Web {
            return did.resolve().map_err(|e| e.to_string());
        }
        let fetcher = self.fetcher.as_ref().ok_or("resolving a did:web needs the network")?;
        Ok(self.resolve_web(did, fetcher, None).await?.document.clone())
    }

    /// did:web "Read" through the guarded fetcher, cached by `Cache-Control`. A cached document that lacks the
    /// key a token names is fetched again (the issuer may have rotated its key since).
    async fn resolve_web(&self, did: &Did, fetcher: &Fetcher, kid: Option<&str>) -> Result<Arc<ResolvedDid>, String> {
        if let Some(document) = fetcher.cache().get::<ResolvedDid>(Kind::DidDocument, did.as_str()) {
            let recent = document.fetched.elapsed() < REFETCH_AFTER;
            if recent || kid.is_none_or(|kid| document.assertion_keys.contains_key(kid)) {
                return Ok(document);
            }
        }
        let mut location = did.web_document_url().map_err(|e| e.to_string())?;
        if fetcher.allows_loopback_http() && is_loopback_url(&location) {
            location = location.replacen("https://", "http://", 1);
        }
        let download = fetcher
            .get(&location, "application/did+json, application/json", MAX_DID_DOCUMENT_BYTES)
            .await
            .map_err(|e: FetchError| format!("resolving {did}: {e}"))?;
        let document = DidDocument::from_json(&download.body, did).map_err(|e| e.to_string())?;
        let document = Arc::new(ResolvedDid::new(document));
        let ttl = download.max_age.unwrap_or(status::DEFAULT_TTL).clamp(status::TTL_BOUNDS.0, status::TTL_BOUNDS.1);
        fetcher.cache().put(Kind::DidDocument, did.as_str(), Arc::clone(&document), ttl);
        Ok(document)
    }

    /// Every status reference of the credential checked against its list.
    async fn check_status(
        &self,
        credential: &Credential,
        fetcher: &Fetcher,
        keys: &WebKeys<'_>,
        linked: &LinkedData,
        at: DateTime<Utc>,
    ) -> Vec<(StatusReference, EntryStatus)> {
        let issuer = credential.issuer.id.as_str();
        let mut ctx = self.context(keys, at);
        ctx.linked_data = linked;
        let mut results = Vec::new();
        for reference in &credential.status {
            let outcome = match reference {
                StatusReference::Bitstring { purpose, index, list } => {
                    match status::bitstring_list(fetcher, list, &ctx).await {
                        Ok(verified) => status::read(purpose, *index, &verified, issuer),
                        Err(why) => EntryStatus::Unknown(why),
                    }
                }
                StatusReference::Token { uri, index } => {
                    match status::token_list(fetcher, uri, issuer, &self.context(keys, at)).await {
                        Ok(verified) => status::read_token(&verified, *index),
                        Err(why) => EntryStatus::Unknown(why),
                    }
                }
                StatusReference::Unreadable(why) => EntryStatus::Unknown(why.clone()),
            };
            results.push((reference.clone(), outcome));
        }
        results
    }
}

impl CredentialVerifier for Verifier {
    async fn verify_credential(&self, compact: &str, at: DateTime<Utc>) -> Verification<Credential> {
        self.verify(compact, at).await
    }

    async fn resolve_did(&self, did: &Did) -> Result<DidDocument, String> {
        Verifier::resolve_did(self, did).await
    }

    fn x509_anchors(&self) -> Option<&crate::core::x509::TrustAnchors> {
        self.policy.x509_anchors.as_deref()
    }
}

/// What a token names that the verifier may have to fetch before the checks: a did:web key (the `kid` of a JWS,
/// or a Data Integrity proof's verification method) and https key documents (an Open Badges JWT's `kid`, proofs'
/// verification methods), by URL without fragment.
struct KeyReferences {
    did_web: Option<String>,
    documents: Vec<String>,
}

impl KeyReferences {
    fn of(token: &str, parsed: Option<&Parsed<'_>>) -> Self {
        let methods: Vec<String> = match parsed {
            Some(parsed) => parsed.kid().map(str::to_owned).into_iter().collect(),
            None => crate::core::encoding::parse_json(token.trim().as_bytes())
                .ok()
                .and_then(|document| {
                    let map = document.as_object()?.clone();
                    let found = crate::core::data_integrity::proofs(&map).ok()?;
                    Some(found.into_iter().flatten().map(|p| p.verification_method).collect())
                })
                .unwrap_or_default(),
        };
        let did_web = methods.iter().find(|m| m.starts_with("did:web:")).cloned();
        let mut documents: Vec<String> = methods
            .iter()
            .filter(|m| is_http_url(m))
            .map(|m| m.split('#').next().unwrap_or_default().to_owned())
            .collect();
        documents.dedup();
        documents.truncate(MAX_KEY_DOCUMENTS);
        Self { did_web, documents }
    }
}

/// At most this many documents are fetched for one Open Badges 2.0 assertion.
const MAX_OB2_DOCUMENTS: usize = 8;

/// At most this many key documents are fetched for one credential (a proof set could name many).
const MAX_KEY_DOCUMENTS: usize = 4;

fn is_http_url(text: &str) -> bool {
    text.starts_with("https://") || text.starts_with("http://")
}

fn is_loopback_url(url: &str) -> bool {
    reqwest::Url::parse(url).ok().and_then(|u| u.host_str().map(str::to_owned)).is_some_and(|host| {
        let host = host.trim_start_matches('[').trim_end_matches(']').to_owned();
        host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
    })
}

/// A fetched did:web document with its `assertionMethod` keys decoded once (decoding a key costs a curve-point
/// decompression, too much to repeat for every credential).
#[derive(Debug)]
pub struct ResolvedDid {
    document: DidDocument,
    assertion_keys: HashMap<String, VerifyingKey>,
    fetched: std::time::Instant,
}

/// A cached DID document that lacks a token's key is fetched again only when it is at least this old, so tokens
/// with made-up key ids cannot make the verifier hammer an issuer.
pub const REFETCH_AFTER: Duration = Duration::from_secs(30);

impl ResolvedDid {
    fn new(document: DidDocument) -> Self {
        let assertion_keys = document
            .verification_method
            .iter()
            .map(|m| if m.id.starts_with('#') { format!("{}{}", document.id, m.id) } else { m.id.clone() })
            .filter_map(|kid| {
                let key = document.key_for(&document.id, &kid, Relationship::AssertionMethod).ok()?;
                Some((kid, key))
            })
            .collect();
        Self { document, assertion_keys, fetched: std::time::Instant::now() }
    }
}

/// JWT VC Issuer Metadata, checked: `issuer` equals the `iss` it was fetched for; keys by `kid`.
#[derive(Debug)]
pub struct IssuerMetadata {
    issuer: String,
    keys: HashMap<String, VerifyingKey>,
}

impl IssuerMetadata {
    async fn fetch_cached(fetcher: &Fetcher, iss: &str) -> Result<Arc<Self>, String> {
        if let Some(metadata) = fetcher.cache().get(Kind::IssuerMetadata, iss) {
            return Ok(metadata);
        }
        let metadata = Self::fetch(fetcher, iss).await?;
        fetcher.cache().put(Kind::IssuerMetadata, iss, Arc::clone(&metadata), status::DEFAULT_TTL);
        Ok(metadata)
    }

    /// GET `<scheme>://<host>/.well-known/jwt-vc-issuer<path of iss>` through the guarded fetcher.
    async fn fetch(fetcher: &Fetcher, iss: &str) -> Result<Arc<Self>, String> {
        let url = reqwest::Url::parse(iss).map_err(|_| format!("iss {iss:?} is not a URL"))?;
        let location = format!(
            "{}/.well-known/jwt-vc-issuer{}",
            url.origin().ascii_serialization(),
            url.path().trim_end_matches('/')
        );
        let download =
            fetcher.get(&location, "application/json", MAX_DID_DOCUMENT_BYTES).await.map_err(|e| e.to_string())?;
        let document = crate::core::encoding::parse_json(&download.body).map_err(|e| e.to_string())?;
        if document.get("issuer").and_then(Value::as_str) != Some(iss) {
            return Err(format!("the JWT VC Issuer Metadata at {location} names another issuer than {iss}"));
        }
        if document.get("jwks_uri").is_some() {
            return Err("jwks_uri in JWT VC Issuer Metadata is not supported; publish jwks inline".into());
        }
        let keys = document
            .pointer("/jwks/keys")
            .and_then(Value::as_array)
            .ok_or("the metadata has no jwks")?
            .iter()
            .filter_map(|jwk| {
                let kid = jwk.get("kid")?.as_str()?.to_owned();
                let mut public = jwk.clone();
                if let Some(object) = public.as_object_mut() {
                    object.retain(|k, _| matches!(k.as_str(), "kty" | "crv" | "x" | "y" | "d"));
                }
                Some((kid, VerifyingKey::from_jwk(&public).ok()?))
            })
            .collect();
        Ok(Arc::new(Self { issuer: iss.to_owned(), keys }))
    }
}

/// Issuer keys: did:web from the document fetched for this token, https issuers from their JWT VC Issuer Metadata,
/// everything else from the shared cache.
struct WebKeys<'a> {
    base: &'a KeyCache,
    web: Option<Result<Arc<ResolvedDid>, String>>,
    metadata: Option<Result<Arc<IssuerMetadata>, String>>,
}

impl IssuerKeyResolver for WebKeys<'_> {
    fn issuer_key(&self, issuer: &str, kid: &str) -> Result<VerifyingKey, String> {
        match &self.metadata {
            Some(Ok(metadata)) if metadata.issuer == issuer => {
                return metadata
                    .keys
                    .get(kid)
                    .copied()
                    .ok_or_else(|| format!("no key {kid:?} in the issuer's JWT VC Issuer Metadata"));
            }
            Some(Err(why)) if !issuer.starts_with("did:") => return Err(why.clone()),
            _ => {}
        }
        match &self.web {
            Some(Ok(resolved)) if resolved.document.id == issuer => {
                let kid_is_the_issuers = kid.split_once('#').is_some_and(|(did, _)| did == issuer);
                match resolved.assertion_keys.get(kid) {
                    Some(key) if kid_is_the_issuers => Ok(*key),
                    _ => {
                        resolved.document.key_for(issuer, kid, Relationship::AssertionMethod).map_err(|e| e.to_string())
                    }
                }
            }
            Some(Err(why)) if issuer.starts_with("did:web:") => Err(why.clone()),
            _ => self.base.issuer_key(issuer, kid),
        }
    }

    fn issuer_key_x5c(&self, issuer: &str, x5c: &Value, now: DateTime<Utc>) -> Result<(VerifyingKey, String), String> {
        self.base.issuer_key_x5c(issuer, x5c, now)
    }
}

/// Cache lifetime of fetched DID documents when the server states none.
pub const DEFAULT_DOCUMENT_TTL: Duration = status::DEFAULT_TTL;
