//! What this verifier requires beyond verification itself (DESIGN.md section 2): trust in the issuer (a trust
//! list, required or advisory), conformance to the schemas a credential claims, and, when asked for, complete EU
//! micro-credentials. Each requirement is a named policy check in the report; what the policy only observes
//! (EU completeness when not required, evidence strength) is reported in the policy section without failing.

use chrono::Duration;

use super::trust::TrustList;
use crate::core::credential::claims::{Credential, EuCompleteness};
use crate::core::vc_jose::{DEFAULT_SKEW, VerifyError};
use crate::core::verify::{Checked, PolicyOutcome, Problem, Requirement, TrustOutcome};

/// What this verifier accepts beyond the standards.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Tolerance for clock differences.
    pub skew: Duration,
    /// Recognised issuers; `None` means no list (an unknown issuer is a warning).
    pub trust: Option<TrustList>,
    /// Whether a status that cannot be established passes (with a warning) instead of failing.
    pub accept_unknown_status: bool,
    /// Requirements beyond the defaults (`--require eu-micro-credential`).
    pub require: Vec<Requirement>,
    /// The roots `x5c` chains of issuers must lead to (`--x509-roots`); none: `x5c` is refused.
    pub x509_anchors: Option<std::sync::Arc<crate::core::x509::TrustAnchors>>,
}

impl Policy {
    /// The policy a wallet verifies received credentials with: a status that cannot be established is a warning,
    /// not a refusal (the holder may be offline; every verifier checks status again when the credential is shown).
    #[must_use]
    pub fn for_holder() -> Self {
        Self { accept_unknown_status: true, ..Self::default() }
    }

    /// Every requirement in force: schema conformance always, trust when the list requires it, and what the
    /// operator or the trust list added.
    #[must_use]
    pub fn requirements(&self) -> Vec<Requirement> {
        let mut required = vec![Requirement::Schema];
        if self.trust.as_ref().is_some_and(|t| t.require_trust) {
            required.push(Requirement::Trust);
        }
        let listed = self.trust.iter().flat_map(|t| t.require.iter().copied());
        for requirement in self.require.iter().copied().chain(listed) {
            if !required.contains(&requirement) {
                required.push(requirement);
            }
        }
        required
    }

    /// Applies the policy to what the checks found: the trust check, the EU micro-credential requirement, and the
    /// findings for the report.
    pub(super) fn apply(&self, checked: &mut Checked<Credential>) -> PolicyOutcome {
        let required = self.requirements();
        let eu_micro_credential = checked.value.as_ref().and_then(|c| c.achievement.as_ref()?.eu.clone());
        let evidence = checked.value.as_ref().map(Credential::evidence);
        let mut outcome = PolicyOutcome { required, trust: None, eu_micro_credential, evidence };
        if !checked.record.passed() {
            checked.record.skip_policy("trust", "not run: the credential did not verify");
            return outcome;
        }
        let issuer = checked.value.as_ref().map(|c| c.issuer.id.clone()).unwrap_or_default();
        outcome.trust = self.trust(&issuer, checked);
        if outcome.required.contains(&Requirement::EuMicroCredential) {
            require_complete(checked);
        }
        outcome
    }

    fn trust(&self, issuer: &str, checked: &mut Checked<Credential>) -> Option<TrustOutcome> {
        let unbound_key = checked.key.clone().filter(|k| !k.bound);
        let record = &mut checked.record;
        let Some(list) = &self.trust else {
            record.skip_policy("trust", "no trust list configured");
            let detail = format!("{issuer} is not checked against a trust list; pass --trust DID to require one");
            record.warn(Problem::new("issuer-unknown", "Issuer not on a trust list", Some(detail)));
            return None;
        };
        // A key that is not bound to the issuer (a jwk header, a did:key for an unresolvable issuer id) proves
        // only itself: the issuer's entry does not apply, the key's own DID may.
        let unbound = unbound_key.as_ref();
        let entry = match unbound {
            Some(key) => {
                key.kid.starts_with("did:").then(|| list.find(key.kid.split('#').next().unwrap_or_default())).flatten()
            }
            None => list.find(issuer),
        };
        let outcome = TrustOutcome {
            trusted: entry.is_some(),
            entry: entry.map(|e| e.did.clone()),
            name: entry.map(|e| e.name.clone()),
        };
        match entry {
            Some(entry) => {
                let accreditation =
                    entry.accreditation.as_deref().map(|a| format!(", accredited by {a}")).unwrap_or_default();
                record.pass_policy(
                    "trust",
                    Some(format!("{issuer} is on the trust list as {}{accreditation}", entry.name)),
                );
            }
            None if list.require_trust => {
                let why = match unbound {
                    Some(key) => format!("{} is not the issuer's key, and not on the trust list itself", key.kid),
                    None => format!("{issuer} is not on the trust list"),
                };
                record.fail_policy("trust", VerifyError::Trust(why).problem());
            }
            None => {
                record.skip_policy("trust", "the issuer is not on the trust list, which is advisory");
                let detail = format!("{issuer} is not on the trust list");
                record.warn(Problem::new("issuer-unknown", "Issuer not on a trust list", Some(detail)));
            }
        }
        Some(outcome)
    }
}

impl Default for Policy {
    fn default() -> Self {
        Self { skew: DEFAULT_SKEW, trust: None, accept_unknown_status: false, require: Vec::new(), x509_anchors: None }
    }
}

/// The `eu-micro-credential` requirement: a `MicroCredential` with all eleven elements.
fn require_complete(checked: &mut Checked<Credential>) {
    let achievement = checked.value.as_ref().and_then(|c| c.achievement.as_ref());
    let check = Requirement::EuMicroCredential.name();
    let title = "Not a complete EU micro-credential";
    match achievement.and_then(|a| a.eu.as_ref()) {
        Some(EuCompleteness::Complete) => {
            checked.record.pass_policy(check, Some("all eleven mandatory EU elements are present".into()));
        }
        Some(EuCompleteness::Incomplete(missing)) => {
            let names: Vec<String> = missing.iter().map(|e| format!("({}) {}", e.number, e.name)).collect();
            let detail = format!("missing mandatory EU elements: {}", names.join(", "));
            checked.record.fail_policy(check, Problem::new(check, title, Some(detail)));
        }
        None => {
            let kind = achievement.and_then(|a| a.achievement_type.as_deref()).unwrap_or("none");
            let detail = format!("the policy requires an EU micro-credential; this achievementType is {kind}");
            checked.record.fail_policy(check, Problem::new(check, title, Some(detail)));
        }
    }
}
