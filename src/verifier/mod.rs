//! The verifier role: an employer checks a presented credential. Runs the offline VC-JOSE pipeline of
//! [`crate::core::vc_jose`], then applies the verifier's own policy: which issuers it trusts, and what it does
//! about status lists it cannot check offline.

mod key_cache;

use chrono::{DateTime, Duration, Utc};

use crate::core::credential::schema::{SchemaLoadError, Schemas};
use crate::core::did::{Did, DidDocument, DidError};
use crate::core::report::{Problem, Report};
use crate::core::vc_jose::{self, DEFAULT_SKEW, LocalResolver, VerifyContext, VerifyError};
pub use key_cache::KeyCache;

/// What this verifier accepts beyond the standards.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Tolerance for clock differences.
    pub skew: Duration,
    /// Issuer DIDs this verifier recognises; `None` means no trust list (an unknown issuer is only a warning).
    pub trusted_issuers: Option<Vec<String>>,
}

impl Default for Policy {
    fn default() -> Self {
        Self { skew: DEFAULT_SKEW, trusted_issuers: None }
    }
}

/// An offline verifier.
#[derive(Debug)]
pub struct Verifier {
    schemas: Schemas,
    keys: KeyCache,
    policy: Policy,
}

impl Verifier {
    /// A verifier with the given policy.
    ///
    /// # Errors
    /// [`SchemaLoadError`] if the compiled-in schemas are broken.
    pub fn new(policy: Policy) -> Result<Self, SchemaLoadError> {
        Ok(Self { schemas: Schemas::load()?, keys: KeyCache::new(LocalResolver::default()), policy })
    }

    /// Adds a `did:web` DID document (read from a file), checking that its `id` is a did:web we can parse.
    ///
    /// # Errors
    /// [`DidError`] for malformed documents.
    pub fn add_did_document(&mut self, json: &[u8]) -> Result<Did, DidError> {
        let probe: serde_json::Value =
            crate::core::encoding::parse_json(json).map_err(|e| DidError::MalformedDocument(e.to_string()))?;
        let id = probe.get("id").and_then(|v| v.as_str()).unwrap_or_default();
        let did = Did::parse(id)?;
        self.keys.resolver_mut().add_document(DidDocument::from_json(json, &did)?);
        Ok(did)
    }

    /// Verifies a compact `vc+jwt` as of `at`.
    #[must_use]
    pub fn verify(&self, token: &str, at: DateTime<Utc>) -> Report {
        let context = VerifyContext { keys: &self.keys, schemas: &self.schemas, now: at, skew: self.policy.skew };
        let mut report = vc_jose::verify_credential(token, &context);
        if report.verified {
            Self::status(&mut report);
            self.trust(&mut report);
            report.finish();
        } else {
            report.skip("status", "not run: the credential did not verify");
            report.skip("trust", "not run: the credential did not verify");
        }
        report
    }

    fn status(report: &mut Report) {
        let has_status = report.document.as_ref().is_some_and(|d| d.get("credentialStatus").is_some());
        if has_status {
            report.skip("status", "offline verification does not fetch status lists");
            report.warn(Problem::new(
                "status-not-checked",
                "Status not checked",
                Some("the credential has a status list entry; verify online to check revocation".to_owned()),
            ));
        } else {
            report.skip("status", "the credential has no status entry");
        }
    }

    fn trust(&self, report: &mut Report) {
        let Some(issuer_id) = report.issuer.as_ref().map(|i| i.id.clone()) else {
            return;
        };
        let Some(list) = &self.policy.trusted_issuers else {
            report.skip("trust", "no trust list configured");
            let detail = format!("{issuer_id} is not checked against a trust list; pass --trust DID to require one");
            report.warn(Problem::new("issuer-unknown", "Issuer not on a trust list", Some(detail)));
            return;
        };
        let trusted = list.contains(&issuer_id);
        if let Some(issuer) = report.issuer.as_mut() {
            issuer.trusted = Some(trusted);
            issuer.trust_entry = trusted.then(|| issuer_id.clone());
        }
        if trusted {
            report.pass("trust", Some(format!("{issuer_id} is on the trust list")));
        } else {
            report.fail("trust", VerifyError::Trust(format!("{issuer_id} is not on the trust list")).problem());
        }
    }
}
