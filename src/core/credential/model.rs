//! The Rust shape of a skillspass skill credential: Open Badges 3.0 `AchievementCredential` classes (1EdTech OB
//! 3.0, "Data Model") plus our extension terms (`learningSetting`, `microCredential`). These types are what
//! the issuer builds; `schemas/skill-credential.schema.json` is the same shape for everyone else, and the drift
//! test in `tests/schemas.rs` fails when the two disagree.

use serde::{Deserialize, Serialize};

/// A skill credential as issued (the `vc+jwt` payload without the JWT registered claims).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SkillCredential {
    /// VC 2.0 context first, then Open Badges 3.0, then ours.
    #[serde(rename = "@context")]
    pub context: Vec<String>,
    /// `urn:uuid:…`.
    pub id: String,
    /// `VerifiableCredential`, `OpenBadgeCredential`.
    #[serde(rename = "type")]
    pub types: Vec<String>,
    /// The issuer's profile; `id` is its DID.
    pub issuer: Profile,
    /// Start of validity, also the EU "date of issuing".
    pub valid_from: String,
    /// End of validity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<String>,
    /// When the achievement was awarded, kept across re-issues.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub awarded_date: Option<String>,
    /// Display name of the credential.
    pub name: String,
    /// Display description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The learner and what they achieved.
    pub credential_subject: AchievementSubject,
    /// Status list entries (revocation, suspension).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub credential_status: Vec<StatusEntry>,
    /// The schemas this credential claims to follow.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub credential_schema: Vec<CredentialSchema>,
}

/// OB 3.0 `Profile`: an issuer or organisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Profile {
    /// URI (a DID for our issuers).
    pub id: String,
    /// Contains `Profile`.
    #[serde(rename = "type")]
    pub types: Vec<String>,
    /// Display name.
    pub name: String,
    /// Home page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Contact address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Postal address (country).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    /// Registry numbers: KvK, BRIN, ROR, …
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_identifier: Vec<IdentifierEntry>,
}

/// OB 3.0 `Address`, reduced to the country.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Address {
    /// Contains `Address`.
    #[serde(rename = "type")]
    pub types: Vec<String>,
    /// Country name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_country: Option<String>,
    /// ISO 3166-1 alpha-2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_country_code: Option<String>,
}

/// OB 3.0 `IdentifierEntry`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IdentifierEntry {
    /// `IdentifierEntry`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The identifier.
    pub identifier: String,
    /// e.g. `ext:KvK`, `ext:BRIN`, `ext:ROR`, `sourcedId`.
    pub identifier_type: String,
}

/// OB 3.0 `AchievementSubject`: the learner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AchievementSubject {
    /// The learner's DID (EU element 1, identification of the learner).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Contains `AchievementSubject`.
    #[serde(rename = "type")]
    pub types: Vec<String>,
    /// What was achieved.
    pub achievement: Achievement,
    /// Further learner identifiers, e.g. the name (`identityType` "name").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifier: Vec<IdentityObject>,
    /// The grade (EU optional element).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub result: Vec<AchievementResult>,
    /// Start of the learning activity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity_start_date: Option<String>,
    /// End of the learning activity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity_end_date: Option<String>,
    /// ECTS earned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credits_earned: Option<f64>,
}

/// OB 3.0 `IdentityObject`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IdentityObject {
    /// `IdentityObject`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The value (plain when `hashed` is false).
    pub identity_hash: String,
    /// e.g. `name`, `emailAddress`.
    pub identity_type: String,
    /// Whether `identity_hash` is hashed.
    pub hashed: bool,
    /// Salt of the hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salt: Option<String>,
}

/// OB 3.0 `Result`, reduced to a value: the grade.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AchievementResult {
    /// Contains `Result`.
    #[serde(rename = "type")]
    pub types: Vec<String>,
    /// The grade, as text ("8.5", "Pass").
    pub value: String,
}

/// OB 3.0 `Achievement` with our extension terms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Achievement {
    /// URI of the achievement (course, module, competency).
    pub id: String,
    /// Contains `Achievement`.
    #[serde(rename = "type")]
    pub types: Vec<String>,
    /// `MicroCredential`, `Course`, `Competency`, `ext:PracticeStatement`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub achievement_type: Option<String>,
    /// Title (EU element 2).
    pub name: String,
    /// Description.
    pub description: String,
    /// How it is earned.
    pub criteria: Criteria,
    /// ESCO skills, CompetentNL codes and the EQF level.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alignment: Vec<Alignment>,
    /// ECTS (EU element 7, workload).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credits_available: Option<f64>,
    /// Field of study.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field_of_study: Option<String>,
    /// Language of instruction (BCP 47).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_language: Option<String>,
    /// Free tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tag: Vec<String>,
    /// Extension: formal, non-formal or informal learning.
    pub learning_setting: LearningSetting,
    /// Extension: the EU micro-credential elements Open Badges has no term for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub micro_credential: Option<MicroCredentialElements>,
}

/// OB 3.0 `Criteria`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Criteria {
    /// URL of the criteria.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Markdown narrative.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub narrative: Option<String>,
}

/// OB 3.0 `Alignment`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Alignment {
    /// Contains `Alignment`.
    #[serde(rename = "type")]
    pub types: Vec<String>,
    /// ESCO preferred label.
    pub target_name: String,
    /// ESCO skill URI, EQF level URI, …
    pub target_url: String,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_description: Option<String>,
    /// `ESCO`, `EQF`, `CompetentNL`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_framework: Option<String>,
    /// The code within the framework (the ESCO UUID).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_code: Option<String>,
    /// `ext:ESCOSkill`, `ceasn:Competency`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_type: Option<String>,
}

/// How the learning happened; the verifier reports it as the strength of the evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LearningSetting {
    /// Formal education (a school, a degree programme).
    Formal,
    /// Organised learning outside formal education (courses, micro-credentials).
    NonFormal,
    /// Learning on the job, attested by an employer.
    Informal,
}

/// The EU micro-credential elements without an Open Badges term (Council Recommendation 2022/C 243/02, Annex I).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MicroCredentialElements {
    /// Element 3: country or countries of the issuer, ISO 3166-1 alpha-2.
    pub issuer_country: Vec<String>,
    /// Element 4: awarding body or bodies.
    pub awarding_body: Vec<AwardingBody>,
    /// Element 6: learning outcomes.
    pub learning_outcomes: Vec<String>,
    /// Element 7, beside ECTS: notional hours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload_hours: Option<f64>,
    /// Element 9: type of assessment.
    pub assessment_type: String,
    /// Element 10: form of participation.
    pub participation_form: ParticipationForm,
    /// Element 11: type of quality assurance.
    pub quality_assurance: String,
    /// Optional: prerequisites needed to enrol.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prerequisites: Option<String>,
    /// Optional: supervision and identity verification during assessment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supervision: Option<Supervision>,
    /// Optional: integration and stackability options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stackability: Option<String>,
    /// Optional: further information.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub further_information: Option<String>,
}

/// An awarding body (EU element 4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AwardingBody {
    /// URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Legal name.
    pub name: String,
    /// Home page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Registry numbers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_identifier: Vec<IdentifierEntry>,
}

/// EU element 10: form of participation in the learning activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ParticipationForm {
    /// Online.
    Online,
    /// On site.
    Onsite,
    /// Blended.
    Blended,
    /// At work.
    WorkBased,
    /// Volunteering.
    Volunteering,
}

/// EU optional element: supervision and identity verification during assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Supervision {
    /// Unsupervised, no identity check.
    UnsupervisedNoIdCheck,
    /// Supervised, no identity check.
    SupervisedNoIdCheck,
    /// Supervised online with identity check.
    SupervisedIdCheckOnline,
    /// Supervised on site with identity check.
    SupervisedIdCheckOnsite,
}

/// A W3C Bitstring Status List entry (Bitstring Status List v1.0, section 2.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StatusEntry {
    /// Optional id of the entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `BitstringStatusListEntry`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `revocation` or `suspension`.
    pub status_purpose: String,
    /// Base-10 string index.
    pub status_list_index: String,
    /// URL of the status list credential.
    pub status_list_credential: String,
}

/// A `credentialSchema` reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CredentialSchema {
    /// Schema URL.
    pub id: String,
    /// `JsonSchema`.
    #[serde(rename = "type")]
    pub kind: String,
}
