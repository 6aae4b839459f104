//! The verification report (DESIGN.md section 7): one shape for every verification, whether from
//! `skillspass verify`, `POST /credentials/verify` or a presentation. Errors are RFC 9457 problem objects with
//! stable `type` URIs, so scripts and tests match on names, never on prose.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Base of our problem `type` URIs (listed in `docs/problems.md`).
pub const PROBLEM_BASE: &str = "https://w3id.org/skillspass/problems#";

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    /// The check ran and passed.
    Passed,
    /// The check ran and failed.
    Failed,
    /// The check did not run (an earlier one failed, or it does not apply here).
    Skipped,
}

/// One check, in pipeline order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    /// Stable check name: `parse`, `alg`, `typ`, `issuer-key`, `signature`, `claims`, `validity`, `schema`,
    /// `status`, `trust`.
    pub check: String,
    /// Outcome.
    pub status: CheckStatus,
    /// What was checked or why it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// An RFC 9457 problem object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
}

/// Who issued the credential and whether the verifier trusts them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IssuerInfo {
    /// Issuer id (DID).
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
}

/// A skill the credential proves (only filled when the credential verified).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProvenSkill {
    /// ESCO URI.
    pub id: String,
    /// Label given by the issuer.
    pub label: String,
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

/// The report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// True only when every check passed.
    pub verified: bool,
    /// Media type of what was verified (`vc+jwt`).
    pub format: String,
    /// The credential's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential_id: Option<String>,
    /// The credential's types.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
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
    /// The verified credential document (absent when the signature did not verify).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<Value>,
    /// For a presentation: the report of each credential it holds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub credentials: Vec<Report>,
}

impl Report {
    /// An empty report for a format; `verified` stays false until [`Report::finish`].
    #[must_use]
    pub fn new(format: &str) -> Self {
        Self {
            verified: false,
            format: format.to_owned(),
            credential_id: None,
            types: Vec::new(),
            issuer: None,
            subject: None,
            valid_from: None,
            valid_until: None,
            checks: Vec::new(),
            errors: Vec::new(),
            warnings: Vec::new(),
            skills: Vec::new(),
            document: None,
            credentials: Vec::new(),
        }
    }

    /// Records a passed check.
    pub fn pass(&mut self, check: &str, detail: impl Into<Option<String>>) {
        self.checks.push(Check { check: check.to_owned(), status: CheckStatus::Passed, detail: detail.into() });
    }

    /// Records a failed check and its problem.
    pub fn fail(&mut self, check: &str, problem: Problem) {
        let detail = problem.detail.clone().or_else(|| Some(problem.title.clone()));
        self.checks.push(Check { check: check.to_owned(), status: CheckStatus::Failed, detail });
        self.errors.push(problem);
    }

    /// Records a check that did not run.
    pub fn skip(&mut self, check: &str, why: &str) {
        self.checks.push(Check { check: check.to_owned(), status: CheckStatus::Skipped, detail: Some(why.into()) });
    }

    /// Adds a warning.
    pub fn warn(&mut self, problem: Problem) {
        self.warnings.push(problem);
    }

    /// Sets `verified` from the checks and drops the skills when something failed.
    pub fn finish(&mut self) {
        self.verified = self.errors.is_empty() && self.checks.iter().all(|c| c.status != CheckStatus::Failed);
        if !self.verified {
            self.skills.clear();
        }
    }

    /// The status of a named check, if it ran.
    #[must_use]
    pub fn check(&self, name: &str) -> Option<CheckStatus> {
        self.checks.iter().find(|c| c.check == name).map(|c| c.status)
    }
}
