//! Verification as types (DESIGN.md section 2 and 7). The offline checks of each format (in [`crate::core::pipeline`])
//! produce a [`Checked`] value: what they found, nothing trusted yet. Only the verifier role turns that into a
//! [`Verification`], after status, trust and its policy ([`Verification::conclude`], called from `src/verifier/`
//! alone; `tests/architecture.rs` enforces it). A [`Verified`] value exists only inside a verification that
//! passed, and it is what the wallet stores: an unverified credential cannot reach the store by construction.
//!
//! What is cryptographically and structurally verified (parse, alg, typ, issuer key, signature, claims, validity,
//! status, holder binding) is kept apart from what a verifier's policy requires (trust in the issuer, conformance
//! to our schemas, EU micro-credential completeness, evidence strength): each check carries its [`CheckKind`], and
//! the policy's findings are reported in [`PolicyOutcome`].
//!
//! The wallet reaches verification through [`CredentialVerifier`], a trait defined here and implemented by the
//! verifier, so roles never import each other.

use std::future::Future;

use serde::Serialize;

use super::credential::claims::{Credential, EuCompleteness, EvidenceStrength};
use super::did::{Did, DidDocument};
use super::format::Format;
use super::keys::PublicKey;

/// Base of our problem `type` URIs (listed in `docs/problems.md`).
pub const PROBLEM_BASE: &str = "https://w3id.org/skillspass/problems#";

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    /// The check ran and passed.
    Passed,
    /// The check ran and failed.
    Failed,
    /// The check did not run (an earlier one failed, or it does not apply here).
    Skipped,
}

/// Whether a check decides authenticity or a verifier's requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckKind {
    /// Cryptographic and structural: parse, alg, typ, keys, signature, claims, validity, status, binding.
    Verification,
    /// What this verifier requires beyond that: trust, our schemas, EU completeness.
    Policy,
}

/// One check, in pipeline order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// Stable check name: `parse`, `alg`, `typ`, `issuer-key`, `signature`, `claims`, `validity`, `schema`,
    /// `status`, `trust`, …
    pub check: String,
    /// Outcome.
    pub status: CheckStatus,
    /// What was checked or why it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Verification or policy.
    pub kind: CheckKind,
}

/// An RFC 9457 problem object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Stable URI naming the problem.
    #[serde(rename = "type")]
    pub kind: String,
    /// Short, stable summary.
    pub title: String,
    /// This occurrence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl Problem {
    /// A problem with our base URI and the given name.
    #[must_use]
    pub fn new(name: &str, title: &str, detail: impl Into<Option<String>>) -> Self {
        Self { kind: format!("{PROBLEM_BASE}{name}"), title: title.to_owned(), detail: detail.into() }
    }

    /// Whether this is the problem `name`.
    #[must_use]
    pub fn is(&self, name: &str) -> bool {
        self.kind.strip_prefix(PROBLEM_BASE) == Some(name)
    }
}

/// The record of checks, errors and warnings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    checks: Vec<Check>,
    errors: Vec<Problem>,
    warnings: Vec<Problem>,
}

impl Record {
    /// Records a passed verification check.
    pub fn pass(&mut self, check: &str, detail: impl Into<Option<String>>) {
        self.push(check, CheckStatus::Passed, detail.into(), CheckKind::Verification);
    }

    /// Records a passed policy check.
    pub fn pass_policy(&mut self, check: &str, detail: impl Into<Option<String>>) {
        self.push(check, CheckStatus::Passed, detail.into(), CheckKind::Policy);
    }

    /// Records a failed verification check and its problem.
    pub fn fail(&mut self, check: &str, problem: Problem) {
        self.fail_as(check, problem, CheckKind::Verification);
    }

    /// Records a failed policy requirement and its problem.
    pub fn fail_policy(&mut self, check: &str, problem: Problem) {
        self.fail_as(check, problem, CheckKind::Policy);
    }

    fn fail_as(&mut self, check: &str, problem: Problem, kind: CheckKind) {
        let detail = problem.detail.clone().or_else(|| Some(problem.title.clone()));
        self.push(check, CheckStatus::Failed, detail, kind);
        self.errors.push(problem);
    }

    /// Records a check that did not run.
    pub fn skip(&mut self, check: &str, why: &str) {
        self.push(check, CheckStatus::Skipped, Some(why.into()), CheckKind::Verification);
    }

    /// Records every check of `checks` after `failed` as not run because `failed` failed.
    pub fn skip_after(&mut self, checks: &[&str], failed: &str) {
        for check in checks.iter().skip_while(|c| **c != failed).skip(1) {
            self.skip(check, &format!("not run: {failed} failed"));
        }
    }

    /// Records a policy check that did not run or was advisory.
    pub fn skip_policy(&mut self, check: &str, why: &str) {
        self.push(check, CheckStatus::Skipped, Some(why.into()), CheckKind::Policy);
    }

    fn push(&mut self, check: &str, status: CheckStatus, detail: Option<String>, kind: CheckKind) {
        self.checks.push(Check { check: check.to_owned(), status, detail, kind });
    }

    /// Adds a warning.
    pub fn warn(&mut self, problem: Problem) {
        self.warnings.push(problem);
    }

    /// Whether nothing failed so far.
    #[must_use]
    pub fn passed(&self) -> bool {
        self.errors.is_empty() && self.checks.iter().all(|c| c.status != CheckStatus::Failed)
    }

    /// The status of a named check, if it ran.
    #[must_use]
    pub fn check(&self, name: &str) -> Option<CheckStatus> {
        self.checks.iter().find(|c| c.check == name).map(|c| c.status)
    }

    /// The detail of a named check.
    #[must_use]
    pub fn detail(&self, name: &str) -> Option<&str> {
        self.checks.iter().find(|c| c.check == name).and_then(|c| c.detail.as_deref())
    }

    /// Every check in order.
    #[must_use]
    pub fn checks(&self) -> &[Check] {
        &self.checks
    }

    /// Why verification failed.
    #[must_use]
    pub fn errors(&self) -> &[Problem] {
        &self.errors
    }

    /// What a relying party should know although verification passed.
    #[must_use]
    pub fn warnings(&self) -> &[Problem] {
        &self.warnings
    }
}

/// The issuer as the signature proved it: the identifier, the key id and the key that verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuerKey {
    /// The issuer identifier (DID or https URL).
    pub issuer: String,
    /// The `kid` that selected the key.
    pub kid: String,
    /// The key.
    pub key: PublicKey,
    /// Whether the key is the issuer's: its controller is the issuer (a DID URL of the issuer, a key document the
    /// issuer's profile lists). A key that proves nothing about who the issuer is (a `jwk` header, a did:key for
    /// an issuer id that cannot be resolved) verifies the signature but leaves the issuer to the trust policy.
    pub bound: bool,
}

impl IssuerKey {
    /// An Ed25519 key that is the issuer's.
    #[must_use]
    pub fn bound(issuer: &str, kid: &str, key: super::keys::VerifyingKey) -> Self {
        Self { issuer: issuer.to_owned(), kid: kid.to_owned(), key: PublicKey::Verifying(key), bound: true }
    }
}

/// What the offline checks of one token found. Not trusted: only the verifier concludes from it.
#[derive(Debug, Clone)]
pub struct Checked<T> {
    /// The token's format.
    pub format: Format,
    /// The checks so far.
    pub record: Record,
    /// The parsed value, once its signature verified.
    pub value: Option<T>,
    /// The key that verified the signature.
    pub key: Option<IssuerKey>,
    /// The exact compact serialization.
    pub token: String,
}

impl<T> Checked<T> {
    /// An empty record for a token.
    #[must_use]
    pub fn new(format: Format, token: &str) -> Self {
        Self { format, record: Record::default(), value: None, key: None, token: token.to_owned() }
    }
}

/// A verifier requirement beyond verification itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Requirement {
    /// Conformance to the JSON Schemas the credential's types and contexts select.
    Schema,
    /// The issuer is on the verifier's trust list.
    Trust,
    /// A `MicroCredential` carries all eleven mandatory EU elements.
    EuMicroCredential,
}

impl Requirement {
    /// The check name and the `--require` value.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Schema => "schema",
            Self::Trust => "trust",
            Self::EuMicroCredential => "eu-micro-credential",
        }
    }

    /// Parses a `--require` value.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Schema, Self::Trust, Self::EuMicroCredential].into_iter().find(|r| r.name() == text)
    }
}

/// Whether the issuer is on the verifier's trust list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TrustOutcome {
    /// On the list.
    pub trusted: bool,
    /// The entry that matched.
    pub entry: Option<String>,
    /// The name the list gives.
    pub name: Option<String>,
}

/// What the verifier's policy found and required.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicyOutcome {
    /// What this verifier requires.
    pub required: Vec<Requirement>,
    /// Trust in the issuer (absent when no trust list is configured).
    pub trust: Option<TrustOutcome>,
    /// EU micro-credential completeness, for micro-credentials.
    pub eu_micro_credential: Option<EuCompleteness>,
    /// The evidence strength of what is proven.
    pub evidence: Option<EvidenceStrength>,
}

/// A verification: every check, the policy's findings, and the verified value when everything passed.
#[derive(Debug, Clone)]
pub struct Verification<T> {
    format: Format,
    record: Record,
    value: Option<T>,
    key: Option<IssuerKey>,
    token: String,
    policy: PolicyOutcome,
}

impl<T> Verification<T> {
    /// Concludes from what the checks found. Called by the verifier role only (see the module docs).
    #[must_use]
    pub fn conclude(checked: Checked<T>, policy: PolicyOutcome) -> Self {
        let Checked { format, record, value, key, token } = checked;
        Self { format, record, value, key, token, policy }
    }

    /// Whether every check passed (and the value and its key are there).
    #[must_use]
    pub fn is_verified(&self) -> bool {
        self.record.passed() && self.value.is_some() && self.key.is_some()
    }

    /// The format.
    #[must_use]
    pub fn format(&self) -> Format {
        self.format
    }

    /// The checks, errors and warnings.
    #[must_use]
    pub fn record(&self) -> &Record {
        &self.record
    }

    /// The parsed value: present once the signature verified, also when a later check failed (to describe it).
    #[must_use]
    pub fn value(&self) -> Option<&T> {
        self.value.as_ref()
    }

    /// The key that verified the signature.
    #[must_use]
    pub fn issuer_key(&self) -> Option<&IssuerKey> {
        self.key.as_ref()
    }

    /// The policy's findings.
    #[must_use]
    pub fn policy(&self) -> &PolicyOutcome {
        &self.policy
    }

    /// The exact compact serialization verified.
    #[must_use]
    pub fn token(&self) -> &str {
        &self.token
    }

    /// Takes the parsed value out (for renderings that consume the verification).
    #[must_use]
    pub fn take_value(&mut self) -> Option<T> {
        self.value.take()
    }

    /// Adds a failed check found after the conclusion (a presentation's holder binding, a replayed nonce, a query
    /// not answered): a verification can only become less verified.
    pub fn refuse(&mut self, check: &str, problem: Problem) {
        self.record.fail(check, problem);
    }

    /// Adds a warning found after the conclusion (a badge whose subject cannot be bound to the presenter).
    pub fn warn(&mut self, problem: Problem) {
        self.record.warn(problem);
    }

    /// Adds a passed check found after the conclusion (the query a presentation answers).
    pub fn confirm(&mut self, check: &str, detail: impl Into<Option<String>>) {
        self.record.pass(check, detail);
    }

    /// The verified value, when everything passed; otherwise why not.
    ///
    /// # Errors
    /// [`Rejected`] with the failed checks' problems.
    pub fn into_verified(self) -> Result<Verified<T>, Rejected> {
        if !self.record.passed() {
            return Err(Rejected { problems: self.record.errors.clone() });
        }
        match (self.value, self.key) {
            (Some(value), Some(key)) => {
                Ok(Verified { value, format: self.format, key, token: self.token, warnings: self.record.warnings })
            }
            _ => {
                Err(Rejected { problems: vec![Problem::new("parse", "Not verified", Some("nothing verified".into()))] })
            }
        }
    }
}

/// A value that passed verification (and the verifier's policy). Only obtainable from a passed [`Verification`].
#[derive(Debug, Clone)]
pub struct Verified<T> {
    value: T,
    format: Format,
    key: IssuerKey,
    token: String,
    warnings: Vec<Problem>,
}

impl<T> Verified<T> {
    /// The verified value.
    #[must_use]
    pub fn value(&self) -> &T {
        &self.value
    }

    /// Its format.
    #[must_use]
    pub fn format(&self) -> Format {
        self.format
    }

    /// The issuer's identifier and key, as the signature proved them.
    #[must_use]
    pub fn issuer_key(&self) -> &IssuerKey {
        &self.key
    }

    /// The exact compact serialization that verified.
    #[must_use]
    pub fn token(&self) -> &str {
        &self.token
    }

    /// Warnings of the verification (e.g. status unreachable, accepted by policy).
    #[must_use]
    pub fn warnings(&self) -> &[Problem] {
        &self.warnings
    }
}

/// Why a verification did not yield a verified value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", problems.iter().map(|p| p.detail.clone().unwrap_or_else(|| p.title.clone())).collect::<Vec<_>>().join("; "))]
pub struct Rejected {
    /// The failed checks' problems.
    pub problems: Vec<Problem>,
}

/// A `vp+jwt` presentation: the holder it proves and the verification of each credential inside.
#[derive(Debug, Clone)]
pub struct Presentation {
    /// The holder's DID.
    pub holder: Option<String>,
    /// Every enveloped credential, verified and bound to the holder (or not).
    pub credentials: Vec<Verification<Credential>>,
}

/// A verified presentation of either kind.
#[derive(Debug, Clone)]
pub enum PresentationVerification {
    /// A `vp+jwt` with enveloped `vc+jwt` credentials.
    Enveloped(Box<Verification<Presentation>>),
    /// An SD-JWT VC with a Key Binding JWT.
    KeyBound(Box<Verification<Credential>>),
}

/// Verification as the wallet needs it, implemented by the verifier role: roles never import each other, so the
/// wallet asks through this interface.
pub trait CredentialVerifier: Send + Sync {
    /// Verifies a credential as received (`vc+jwt` or `dc+sd-jwt`) as of `at`.
    fn verify_credential(
        &self,
        compact: &str,
        at: chrono::DateTime<chrono::Utc>,
    ) -> impl Future<Output = Verification<Credential>> + Send;

    /// Resolves a DID to its document (did:key and did:jwk locally, did:web through the guarded fetcher): how the
    /// wallet checks a verifier's signed request.
    fn resolve_did(&self, did: &Did) -> impl Future<Output = Result<DidDocument, String>> + Send;

    /// The X.509 roots certificates must lead to (a verifier's `x5c` issuers, a wallet's `x509_hash:` verifiers);
    /// none: certificates are refused.
    fn x509_anchors(&self) -> Option<&super::x509::TrustAnchors>;
}
