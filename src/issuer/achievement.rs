//! The achievement description: what a training provider writes (a JSON file, examples in `docs/examples/`) to
//! issue a credential. It holds the issuer's public profile (name, country, registry numbers) and the Open Badges
//! `Achievement` with its ESCO skills; the issuer adds the learner, dates, ids and status.

use serde::{Deserialize, Serialize};

use crate::core::credential::model::{Achievement, Address, IdentifierEntry};

/// An achievement description file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AchievementDescription {
    /// The issuer as learners and employers should see it.
    pub issuer: IssuerDetails,
    /// The achievement, exactly as it will appear in the credential.
    pub achievement: Achievement,
    /// Display name of the credential (default: the achievement's name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_name: Option<String>,
    /// The learner's name, when the credential should carry it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub learner_name: Option<String>,
    /// The grade achieved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<String>,
    /// Start of the learning activity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity_start_date: Option<String>,
    /// End of the learning activity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity_end_date: Option<String>,
}

/// The issuer's public profile (its id is the issuer's DID, added when issuing).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IssuerDetails {
    /// Legal or display name.
    pub name: String,
    /// Home page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Contact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Country.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    /// KvK, BRIN, ROR, …
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_identifier: Vec<IdentifierEntry>,
}
