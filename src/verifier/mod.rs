//! The verifier role: an employer checks a presented credential. Runs the VC-JOSE pipeline of
//! [`crate::core::vc_jose`] and adds what needs the network or the verifier's own policy: `did:web` resolution
//! and status lists through the [`fetch::Fetcher`] (cached), and trust in the issuer ([`trust::TrustList`]).
//!
//! Offline mode ([`Verifier::verify_offline`]) never touches the network: `did:web` documents must be supplied
//! and status is reported as not checked.

pub mod cache;
pub mod fetch;
mod key_cache;
pub mod openid4vp;
pub mod presentation;
pub mod status;
pub mod trust;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::core::credential::issuer_id;
use crate::core::credential::schema::{SchemaLoadError, Schemas};
use crate::core::did::{Did, DidDocument, DidError, DidMethod, Relationship};
use crate::core::jose::CompactJws;
use crate::core::keys::VerifyingKey;
use crate::core::report::{Problem, Report};
pub use crate::core::sd_jwt_vc::KeyBindingPolicy;
use crate::core::vc_jose::{self, DEFAULT_SKEW, IssuerKeyResolver, LocalResolver, VerifyContext, VerifyError};
use cache::TtlCache;
use fetch::{FetchError, Fetcher};
pub use key_cache::KeyCache;
use status::{EntryStatus, VerifiedList};
pub use trust::{TrustList, TrustedIssuer};

/// Largest DID document we download.
pub const MAX_DID_DOCUMENT_BYTES: usize = 64 * 1024;

/// What this verifier accepts beyond the standards.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Tolerance for clock differences.
    pub skew: chrono::Duration,
    /// Recognised issuers; `None` means no list (an unknown issuer is a warning).
    pub trust: Option<TrustList>,
    /// Whether a status that cannot be established passes (with a warning) instead of failing.
    pub accept_unknown_status: bool,
}

impl Policy {
    /// The policy a wallet verifies received credentials with: a status that cannot be established is a warning,
    /// not a refusal (the holder may be offline; every verifier checks status again when the credential is shown).
    #[must_use]
    pub fn for_holder() -> Self {
        Self { accept_unknown_status: true, ..Self::default() }
    }
}

impl Default for Policy {
    fn default() -> Self {
        Self { skew: DEFAULT_SKEW, trust: None, accept_unknown_status: false }
    }
}

/// A verifier.
#[derive(Debug)]
pub struct Verifier {
    schemas: Schemas,
    keys: KeyCache,
    policy: Policy,
    fetcher: Option<Fetcher>,
    documents: TtlCache<ResolvedDid>,
    lists: TtlCache<VerifiedList>,
    token_lists: TtlCache<status::VerifiedTokenList>,
    metadata: TtlCache<IssuerMetadata>,
    nonces: presentation::NonceLedger,
}

impl Verifier {
    /// An offline verifier (no network).
    ///
    /// # Errors
    /// [`SchemaLoadError`] if the compiled-in schemas are broken.
    pub fn new(policy: Policy) -> Result<Self, SchemaLoadError> {
        Ok(Self {
            schemas: Schemas::load()?,
            keys: KeyCache::new(LocalResolver::default()),
            policy,
            fetcher: None,
            documents: TtlCache::default(),
            lists: TtlCache::default(),
            token_lists: TtlCache::default(),
            metadata: TtlCache::default(),
            nonces: presentation::NonceLedger::default(),
        })
    }

    /// A verifier that resolves `did:web` and fetches status lists through `fetcher`.
    ///
    /// # Errors
    /// [`SchemaLoadError`] if the compiled-in schemas are broken.
    pub fn online(policy: Policy, fetcher: Fetcher) -> Result<Self, SchemaLoadError> {
        Ok(Self { fetcher: Some(fetcher), ..Self::new(policy)? })
    }

    /// Adds a `did:web` DID document (read from a file), checking that its `id` is a did:web we can parse.
    ///
    /// # Errors
    /// [`DidError`] for malformed documents.
    pub fn add_did_document(&mut self, json: &[u8]) -> Result<Did, DidError> {
        let probe: Value =
            crate::core::encoding::parse_json(json).map_err(|e| DidError::MalformedDocument(e.to_string()))?;
        let did = Did::parse(probe.get("id").and_then(Value::as_str).unwrap_or_default())?;
        self.keys.resolver_mut().add_document(DidDocument::from_json(json, &did)?);
        Ok(did)
    }

    /// Verifies a compact `vc+jwt` as of `at` without the network: status is reported as not checked.
    #[must_use]
    pub fn verify_offline(&self, token: &str, at: DateTime<Utc>) -> Report {
        self.verify_locally(token, at, None)
    }

    fn verify_locally(&self, token: &str, at: DateTime<Utc>, kb: Option<KeyBindingPolicy<'_>>) -> Report {
        let mut report = self.pipeline(token, &self.keys, at, kb);
        self.finish(&mut report, |report| {
            status_not_checked(report, "offline verification does not fetch status lists");
        });
        report
    }

    /// Verifies a compact `vc+jwt` or `dc+sd-jwt` as of `at`, resolving `did:web` issuers and checking status lists
    /// online.
    pub async fn verify(&self, token: &str, at: DateTime<Utc>) -> Report {
        self.verify_bound(token, at, None).await
    }

    /// As [`Verifier::verify`], with the Key Binding a `dc+sd-jwt` must carry when `kb` requires it.
    pub async fn verify_bound(&self, token: &str, at: DateTime<Utc>, kb: Option<KeyBindingPolicy<'_>>) -> Report {
        let Some(fetcher) = &self.fetcher else { return self.verify_locally(token, at, kb) };
        let web = self.web_document_for(token, fetcher).await;
        let metadata = self.issuer_metadata_for(token, fetcher).await;
        let keys = WebKeys { base: &self.keys, web, metadata };
        let mut report = self.pipeline(token, &keys, at, kb);
        if report.format == "dc+sd-jwt" {
            let statuses = match &report.document {
                Some(claims) if report.verified => self.check_token_status(claims, fetcher, &keys, at).await,
                _ => Vec::new(),
            };
            let accept_unknown = self.policy.accept_unknown_status;
            self.finish(&mut report, |report| record_status(report, &statuses, at, accept_unknown));
            return report;
        }
        let statuses = match &report.document {
            Some(document) if report.verified => self.check_status(document, fetcher, &keys, at).await,
            _ => Vec::new(),
        };
        let accept_unknown = self.policy.accept_unknown_status;
        self.finish(&mut report, |report| record_status(report, &statuses, at, accept_unknown));
        report
    }

    /// The offline pipeline for the token's format: `dc+sd-jwt` (compact with `~`) or `vc+jwt`.
    fn pipeline(
        &self,
        token: &str,
        keys: &dyn IssuerKeyResolver,
        at: DateTime<Utc>,
        kb: Option<KeyBindingPolicy<'_>>,
    ) -> Report {
        let context = self.context(keys, at);
        if token.contains(crate::core::sd_jwt::TILDE) {
            return crate::core::sd_jwt_vc::verify(token, &context, kb);
        }
        vc_jose::verify_credential(token, &context)
    }

    fn context<'a>(&'a self, keys: &'a dyn IssuerKeyResolver, at: DateTime<Utc>) -> VerifyContext<'a> {
        VerifyContext { keys, schemas: &self.schemas, now: at, skew: self.policy.skew }
    }

    fn finish(&self, report: &mut Report, status: impl FnOnce(&mut Report)) {
        if report.verified {
            status(report);
            self.trust(report);
            report.finish();
        } else {
            report.skip("status", "not run: the credential did not verify");
            report.skip("trust", "not run: the credential did not verify");
        }
    }

    /// The did:web document the token's `kid` names, when it is a did:web (fetched or cached). Read from the header
    /// alone, without parsing the payload: the pipeline then requires that DID to be the issuer (STANDARDS.md 8.4).
    async fn web_document_for(&self, token: &str, fetcher: &Fetcher) -> Option<Result<Arc<ResolvedDid>, String>> {
        let jwt = token.trim().split(crate::core::sd_jwt::TILDE).next()?;
        let jws = CompactJws::parse(jwt).ok()?;
        let kid = jws.header_str("kid")?;
        let did = Did::parse(kid.split('#').next()?).ok().filter(|d| d.method() == DidMethod::Web)?;
        if self.keys.resolver().has_document(did.as_str()) {
            return None; // supplied by the operator (`--did-document`): no fetch
        }
        Some(self.resolve_web(&did, fetcher).await)
    }

    /// JWT VC Issuer Metadata for an SD-JWT VC whose `iss` is an https URL (draft-ietf-oauth-sd-jwt-vc section 5).
    async fn issuer_metadata_for(&self, token: &str, fetcher: &Fetcher) -> Option<Result<Arc<IssuerMetadata>, String>> {
        let jwt = token.trim().split_once(crate::core::sd_jwt::TILDE)?.0;
        let claims = CompactJws::parse(jwt).ok()?.claims().ok()?;
        let iss = claims.get("iss")?.as_str()?;
        if !(iss.starts_with("https://") || iss.starts_with("http://")) {
            return None;
        }
        if let Some(metadata) = self.metadata.get(iss) {
            return Some(Ok(metadata));
        }
        let outcome = IssuerMetadata::fetch(fetcher, iss).await;
        if let Ok(metadata) = &outcome {
            self.metadata.put(iss, Arc::clone(metadata), status::DEFAULT_TTL);
        }
        Some(outcome)
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
        Ok(self.resolve_web(did, fetcher).await?.document.clone())
    }

    /// did:web "Read" through the guarded fetcher, cached by `Cache-Control`.
    async fn resolve_web(&self, did: &Did, fetcher: &Fetcher) -> Result<Arc<ResolvedDid>, String> {
        if let Some(document) = self.documents.get(did.as_str()) {
            return Ok(document);
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
        self.documents.put(did.as_str(), Arc::clone(&document), ttl);
        Ok(document)
    }

    /// The SD-JWT VC's `status.status_list` reference checked against the issuer's Token Status List.
    async fn check_token_status(
        &self,
        claims: &Value,
        fetcher: &Fetcher,
        keys: &WebKeys<'_>,
        at: DateTime<Utc>,
    ) -> Vec<(status::Entry, EntryStatus)> {
        let Some(reference) = claims.pointer("/status/status_list") else { return Vec::new() };
        let uri = reference.get("uri").and_then(Value::as_str).unwrap_or_default().to_owned();
        let index = reference.get("idx").and_then(Value::as_u64).and_then(|i| usize::try_from(i).ok());
        let entry = status::Entry { purpose: "status".into(), index: index.unwrap_or(0), list: uri.clone() };
        let Some(index) = index else {
            return vec![(entry, EntryStatus::Unknown("status_list.idx is not a non-negative integer".into()))];
        };
        let issuer = claims.get("iss").and_then(Value::as_str).unwrap_or_default();
        let outcome = match self.token_lists.get(&uri) {
            Some(list) => status::read_token(&list, index),
            None => match status::fetch_token_list(fetcher, &uri, issuer, &self.context(keys, at)).await {
                Ok((list, ttl)) => {
                    self.token_lists.put(&uri, Arc::clone(&list), ttl);
                    status::read_token(&list, index)
                }
                Err(why) => EntryStatus::Unknown(why),
            },
        };
        vec![(entry, outcome)]
    }

    async fn check_status(
        &self,
        document: &Value,
        fetcher: &Fetcher,
        keys: &WebKeys<'_>,
        at: DateTime<Utc>,
    ) -> Vec<(status::Entry, EntryStatus)> {
        let issuer = issuer_id(document).unwrap_or_default();
        let mut results = Vec::new();
        for entry in status::entries(document) {
            let entry = match entry {
                Ok(entry) => entry,
                Err(why) => {
                    let unknown = status::Entry { purpose: "unknown".into(), index: 0, list: String::new() };
                    results.push((unknown, EntryStatus::Unknown(why)));
                    continue;
                }
            };
            let outcome = match self.list(&entry.list, fetcher, keys, at).await {
                Ok(list) => status::read(&entry, &list, issuer),
                Err(why) => EntryStatus::Unknown(why),
            };
            results.push((entry, outcome));
        }
        results
    }

    async fn list(
        &self,
        url: &str,
        fetcher: &Fetcher,
        keys: &WebKeys<'_>,
        at: DateTime<Utc>,
    ) -> Result<Arc<VerifiedList>, String> {
        if let Some(list) = self.lists.get(url) {
            return Ok(list);
        }
        let (list, ttl) = status::fetch_list(fetcher, url, &self.context(keys, at)).await?;
        self.lists.put(url, Arc::clone(&list), ttl);
        Ok(list)
    }

    fn trust(&self, report: &mut Report) {
        let Some(issuer_id) = report.issuer.as_ref().map(|i| i.id.clone()) else { return };
        let Some(list) = &self.policy.trust else {
            report.skip("trust", "no trust list configured");
            let detail = format!("{issuer_id} is not checked against a trust list; pass --trust DID to require one");
            report.warn(Problem::new("issuer-unknown", "Issuer not on a trust list", Some(detail)));
            return;
        };
        let entry = list.find(&issuer_id);
        if let Some(issuer) = report.issuer.as_mut() {
            issuer.trusted = Some(entry.is_some());
            issuer.trust_entry = entry.map(|e| e.did.clone());
            if let Some(entry) = entry {
                issuer.name = Some(entry.name.clone());
            }
        }
        match entry {
            Some(entry) => {
                let accreditation =
                    entry.accreditation.as_deref().map(|a| format!(", accredited by {a}")).unwrap_or_default();
                report.pass(
                    "trust",
                    Some(format!("{} is on the trust list as {}{accreditation}", issuer_id, entry.name)),
                );
            }
            None if list.require_trust => {
                report.fail("trust", VerifyError::Trust(format!("{issuer_id} is not on the trust list")).problem());
            }
            None => {
                report.skip("trust", "the issuer is not on the trust list, which is advisory");
                let detail = format!("{issuer_id} is not on the trust list");
                report.warn(Problem::new("issuer-unknown", "Issuer not on a trust list", Some(detail)));
            }
        }
    }
}

/// Records that status was not checked: a warning when the credential has a status reference.
fn status_not_checked(report: &mut Report, why: &str) {
    let has_status =
        report.document.as_ref().is_some_and(|d| d.get("credentialStatus").is_some() || d.get("status").is_some());
    if has_status {
        report.skip("status", why);
        let detail = format!("the credential has a status reference that was not checked: {why}");
        report.warn(Problem::new("status-not-checked", "Status not checked", Some(detail)));
    } else {
        report.skip("status", "the credential has no status entry");
    }
}

fn record_status(
    report: &mut Report,
    results: &[(status::Entry, EntryStatus)],
    at: DateTime<Utc>,
    accept_unknown: bool,
) {
    if results.is_empty() {
        report.skip("status", "the credential has no status entry");
        return;
    }
    let detail = status::describe(results, at);
    if let Some(purpose) = results.iter().find_map(|(_, s)| if let EntryStatus::Set(p) = s { Some(p) } else { None }) {
        let word = if purpose == "suspension" {
            "suspended"
        } else if purpose == "revocation" {
            "revoked"
        } else {
            purpose
        };
        report.fail("status", VerifyError::Status(format!("the credential is {word}: {detail}")).problem());
    } else if results.iter().any(|(_, s)| matches!(s, EntryStatus::Unknown(_))) {
        if accept_unknown {
            report.pass("status", Some(detail.clone()));
            report.warn(Problem::new("status-unknown", "Status unknown", Some(detail)));
        } else {
            report.fail("status", VerifyError::Status(format!("status unknown: {detail}")).problem());
        }
    } else {
        report.pass("status", Some(detail));
    }
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
}

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
        Self { document, assertion_keys }
    }
}

/// JWT VC Issuer Metadata, checked: `issuer` equals the `iss` it was fetched for; keys by `kid`.
#[derive(Debug)]
pub struct IssuerMetadata {
    issuer: String,
    keys: HashMap<String, VerifyingKey>,
}

impl IssuerMetadata {
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
                    object.retain(|k, _| matches!(k.as_str(), "kty" | "crv" | "x" | "d"));
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
}

/// Cache lifetime of fetched DID documents when the server states none.
pub const DEFAULT_DOCUMENT_TTL: Duration = status::DEFAULT_TTL;
