//! The verification report (DESIGN.md section 7): how a [`Verification`] is shown to people and scripts, in one
//! shape whether it comes from `skillspass verify`, `POST /credentials/verify` or a presentation. A rendering
//! only: it is serialized, never read back, so nothing downstream can mistake a report for a verified credential.
//! Errors are RFC 9457 problem objects with stable `type` URIs, so scripts and tests match on names, never on prose.

use serde::Serialize;
use serde_json::Value;

use super::credential::claims::{Credential, EuCompleteness, EuElement, EvidenceStrength};
use super::esco::{Esco, SkillKind};
pub use super::verify::{Check, CheckKind, CheckStatus, PROBLEM_BASE, Problem};
use super::verify::{
    PolicyOutcome, Presentation, PresentationVerification, Record, Requirement, TrustOutcome, Verification,
};

/// Who issued the credential and whether the verifier trusts them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IssuerInfo {
    /// Issuer id (DID or URL).
    pub id: String,
    /// Display name from the credential or the trust list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Whether the issuer is on the verifier's trust list (absent when no list is configured).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trusted: Option<bool>,
    /// The trust-list entry that matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trust_entry: Option<String>,
    /// The key id that verified the signature.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
}

/// A skill the credential proves (only listed when the credential verified).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProvenSkill {
    /// ESCO URI.
    pub id: String,
    /// Label given by the issuer (its `targetName`).
    pub label: String,
    /// ESCO's preferred label, in the report's language (English unless relabelled); absent when the URI is not
    /// an ESCO skill.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub esco_label: Option<String>,
    /// Whether the URI is an ESCO skill of the ESCO version on board.
    pub in_esco: bool,
    /// EQF level of the achievement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eqf_level: Option<u8>,
    /// formal / non-formal / informal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub learning_setting: Option<String>,
    /// Credential id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential_id: Option<String>,
    /// Issuer id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
}

/// EU micro-credential completeness as reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EuReport {
    /// All eleven mandatory elements present.
    pub complete: bool,
    /// The missing ones, by number and name.
    pub missing: Vec<EuElement>,
}

/// The policy part of the report: what this verifier requires beyond verification, and what it found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyReport {
    /// Whether every requirement is met.
    pub satisfied: bool,
    /// What is required.
    pub required: Vec<Requirement>,
    /// Trust in the issuer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trust: Option<TrustOutcome>,
    /// For micro-credentials: completeness of the EU elements.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eu_micro_credential: Option<EuReport>,
    /// Evidence strength of what is proven.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<EvidenceStrength>,
}

/// The report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// True only when every check passed: verified, and this verifier's policy met.
    pub verified: bool,
    /// Media type name of what was verified (`vc+jwt`, `dc+sd-jwt`, `vp+jwt`).
    pub format: String,
    /// The credential's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential_id: Option<String>,
    /// The credential's types.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub types: Vec<String>,
    /// The issuer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer: Option<IssuerInfo>,
    /// The subject (holder) id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// Validity period.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<String>,
    /// Validity period end.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<String>,
    /// Every check in order.
    pub checks: Vec<Check>,
    /// Why verification failed.
    pub errors: Vec<Problem>,
    /// What a relying party should know although verification passed.
    pub warnings: Vec<Problem>,
    /// The skills proven.
    pub skills: Vec<ProvenSkill>,
    /// What the verifier's policy required and found.
    pub policy: PolicyReport,
    /// The verified credential document (absent when the signature did not verify).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<Value>,
    /// For a presentation: the report of each credential it holds.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub credentials: Vec<Report>,
}

impl Report {
    /// The report of a credential's verification.
    #[must_use]
    pub fn credential(verification: &Verification<Credential>) -> Self {
        let mut report = Self::credential_frame(verification);
        if let Some(credential) = verification.value() {
            report.document = Some(credential.claims.clone());
        }
        report
    }

    /// The report of a credential's verification, moving the verified claims into it instead of copying them (the
    /// verification is not needed afterwards).
    #[must_use]
    pub fn into_credential(mut verification: Verification<Credential>) -> Self {
        let mut report = Self::credential_frame(&verification);
        report.document = verification.take_value().map(|credential| credential.claims);
        report
    }

    fn credential_frame(verification: &Verification<Credential>) -> Self {
        let verified = verification.is_verified();
        let mut report =
            Self::frame(verification.format().name(), verification.record(), verification.policy(), verified);
        if let Some(credential) = verification.value() {
            report.describe(credential, verification.policy());
            if verified {
                report.skills = proven_skills(credential);
                report.flag_unknown_skills();
            }
        }
        if let (Some(issuer), Some(key)) = (report.issuer.as_mut(), verification.issuer_key()) {
            issuer.key_id = Some(key.kid.clone());
        }
        report
    }

    /// The report of a presentation's verification: the holder's checks, each credential's own report, and the
    /// skills of every credential that verified.
    #[must_use]
    pub fn presentation(verification: &PresentationVerification) -> Self {
        match verification {
            PresentationVerification::KeyBound(credential) => Self::credential(credential),
            PresentationVerification::Enveloped(presentation) => Self::enveloped(presentation),
        }
    }

    fn enveloped(verification: &Verification<Presentation>) -> Self {
        let verified = verification.is_verified();
        let mut report =
            Self::frame(verification.format().name(), verification.record(), verification.policy(), verified);
        if let Some(presentation) = verification.value() {
            report.subject.clone_from(&presentation.holder);
            report.credentials = presentation.credentials.iter().map(Self::credential).collect();
            if verified {
                report.skills = report.credentials.iter().flat_map(|c| c.skills.iter().cloned()).collect();
            }
        }
        report
    }

    fn frame(format: &str, record: &Record, policy: &PolicyOutcome, verified: bool) -> Self {
        let satisfied = record.checks().iter().all(|c| c.kind != CheckKind::Policy || c.status != CheckStatus::Failed);
        Self {
            verified,
            format: format.to_owned(),
            credential_id: None,
            types: Vec::new(),
            issuer: None,
            subject: None,
            valid_from: None,
            valid_until: None,
            checks: record.checks().to_vec(),
            errors: record.errors().to_vec(),
            warnings: record.warnings().to_vec(),
            skills: Vec::new(),
            policy: PolicyReport {
                satisfied,
                required: policy.required.clone(),
                trust: policy.trust.clone(),
                eu_micro_credential: policy.eu_micro_credential.as_ref().map(eu_report),
                evidence: policy.evidence,
            },
            document: None,
            credentials: Vec::new(),
        }
    }

    fn describe(&mut self, credential: &Credential, policy: &PolicyOutcome) {
        self.credential_id.clone_from(&credential.id);
        self.types.clone_from(&credential.types);
        let trusted = policy.trust.as_ref();
        self.issuer = Some(IssuerInfo {
            id: credential.issuer.id.clone(),
            name: trusted.filter(|t| t.trusted).and_then(|t| t.name.clone()).or_else(|| credential.issuer.name.clone()),
            trusted: trusted.map(|t| t.trusted),
            trust_entry: trusted.and_then(|t| t.entry.clone()),
            key_id: None,
        });
        self.subject.clone_from(&credential.subject);
        self.valid_from = credential.valid_from.map(super::vc_jose::rfc3339);
        self.valid_until = credential.valid_until.map(super::vc_jose::rfc3339);
    }

    /// Shows ESCO's labels in `lang` (falling back to English) for every skill, this report's and its
    /// credentials'.
    pub fn relabel(&mut self, esco: &Esco, lang: &str) {
        for skill in &mut self.skills {
            skill.esco_label = esco_skill(esco, &skill.id).map(|s| esco.skill_label(s, lang));
            skill.in_esco = skill.esco_label.is_some();
        }
        for credential in &mut self.credentials {
            credential.relabel(esco, lang);
        }
    }

    /// A warning naming the aligned skills that are not ESCO skills (a typo in a URI, another framework).
    fn flag_unknown_skills(&mut self) {
        let unknown: Vec<&str> = self.skills.iter().filter(|s| !s.in_esco).map(|s| s.id.as_str()).collect();
        if !unknown.is_empty() {
            let detail = format!("not an ESCO {} skill: {}", Esco::embedded().version(), unknown.join(", "));
            self.warnings.push(Problem::new("not-an-esco-skill", "Skill not in ESCO", Some(detail)));
        }
    }

    /// The status of a named check, if it ran.
    #[must_use]
    pub fn check(&self, name: &str) -> Option<CheckStatus> {
        self.checks.iter().find(|c| c.check == name).map(|c| c.status)
    }
}

fn eu_report(eu: &EuCompleteness) -> EuReport {
    EuReport { complete: eu.is_complete(), missing: eu.missing().to_vec() }
}

/// A skill (not a group) of ESCO by URI.
fn esco_skill(esco: &Esco, uri: &str) -> Option<u32> {
    esco.skill(uri).filter(|&s| esco.skill_kind(s).0 != SkillKind::Group)
}

fn proven_skills(credential: &Credential) -> Vec<ProvenSkill> {
    let esco = Esco::embedded();
    credential
        .skills()
        .iter()
        .map(|skill| ProvenSkill {
            id: skill.id.clone(),
            label: skill.label.clone(),
            esco_label: esco_skill(&esco, &skill.id).map(|s| esco.skill_label(s, super::esco::DEFAULT_LANG)),
            in_esco: esco_skill(&esco, &skill.id).is_some(),
            eqf_level: skill.eqf_level,
            learning_setting: skill.learning_setting.clone(),
            credential_id: credential.id.clone(),
            issuer: Some(credential.issuer.id.clone()),
        })
        .collect()
}
