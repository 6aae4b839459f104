//! The skills credential model (DESIGN.md section 3): an Open Badges 3.0 `AchievementCredential` on the W3C VC
//! Data Model 2.0 whose achievement names ESCO skills, an EQF level and a learning setting, with the EU
//! micro-credential elements when `achievementType` is `MicroCredential`.
//!
//! [`model`] holds the types the issuer builds; [`schema`] validates any credential against the JSON Schemas in
//! `schemas/`; this module reads the facts a verifier reports (skills, EQF level, setting) from any credential
//! JSON, ours or another issuer's, and names missing micro-credential elements in the EU's own words.

pub mod claims;
pub mod model;
pub mod open_badges;
pub mod schema;

use serde_json::Value;

pub use claims::Credential;
pub use model::{LearningSetting, SkillCredential};

/// VC Data Model 2.0 section 4.3: the first `@context` of every credential.
pub const VC2_CONTEXT: &str = "https://www.w3.org/ns/credentials/v2";
/// Open Badges 3.0 (1EdTech, Final Release 1.2): the JSON-LD context.
pub const OB3_CONTEXT: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
/// The common prefix of every Open Badges 3.0 context version (`context-3.0.x.json`).
pub const OB3_CONTEXT_PREFIX: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context";
/// Our JSON-LD context for the extension terms (`schemas/context-v1.jsonld`).
pub const SKILLSPASS_CONTEXT: &str = "https://w3id.org/skillspass/context/v1.jsonld";
/// ESCO v1.2 skill URIs (STANDARDS.md 7.3): `http://data.europa.eu/esco/skill/<uuid>`.
pub const ESCO_SKILL_PREFIX: &str = "http://data.europa.eu/esco/skill/";
/// EQF levels (STANDARDS.md 7.3): `http://data.europa.eu/snb/eqf/<1..8>`.
pub const EQF_PREFIX: &str = "http://data.europa.eu/snb/eqf/";
/// The `achievementType` of an EU micro-credential (OB 3.0 AchievementType enumeration).
pub const MICRO_CREDENTIAL: &str = "MicroCredential";
/// The `achievementType` of an employer's practice statement (OB `ext:` extension).
pub const PRACTICE_STATEMENT: &str = "ext:PracticeStatement";

/// An ESCO skill or competence URI, checked for form (never fetched).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EscoSkill(String);

impl EscoSkill {
    /// Accepts `http://data.europa.eu/esco/skill/<lower-case UUID>` only.
    #[must_use]
    pub fn parse(uri: &str) -> Option<Self> {
        let id = uri.strip_prefix(ESCO_SKILL_PREFIX)?;
        let mut canonical = uuid::Uuid::encode_buffer();
        let canonical = uuid::Uuid::parse_str(id).ok()?.hyphenated().encode_lower(&mut canonical);
        (canonical == id).then(|| Self(uri.to_owned()))
    }

    /// The URI.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A skill a credential claims, as the verification report lists it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SkillClaim {
    /// ESCO URI (or another framework's URL).
    pub id: String,
    /// The label the issuer gave.
    pub label: String,
    /// The framework (`ESCO`, `CompetentNL`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub framework: Option<String>,
    /// EQF level of the achievement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eqf_level: Option<u8>,
    /// formal, non-formal or informal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub learning_setting: Option<String>,
}

/// The first credential subject (VC 2.0 allows an array).
#[must_use]
pub fn subject(credential: &Value) -> Option<&Value> {
    match credential.get("credentialSubject")? {
        Value::Array(subjects) => subjects.first(),
        subject => Some(subject),
    }
}

/// The achievement of an Open Badges credential.
#[must_use]
pub fn achievement(credential: &Value) -> Option<&Value> {
    subject(credential)?.get("achievement")
}

/// The issuer id: `issuer` as a string, or `issuer.id`.
#[must_use]
pub fn issuer_id(credential: &Value) -> Option<&str> {
    match credential.get("issuer")? {
        Value::String(id) => Some(id),
        issuer => issuer.get("id")?.as_str(),
    }
}

/// Whether `type` (string or array) includes `term`.
#[must_use]
pub fn has_type(object: &Value, term: &str) -> bool {
    match object.get("type") {
        Some(Value::String(t)) => t == term,
        Some(Value::Array(types)) => types.iter().any(|t| t == term),
        _ => false,
    }
}

/// Whether `@context` includes `url`.
#[must_use]
pub fn has_context(credential: &Value, url: &str) -> bool {
    credential.get("@context").and_then(Value::as_array).is_some_and(|c| c.iter().any(|u| u == url))
}

/// The EQF level from an alignment to `http://data.europa.eu/snb/eqf/<n>`.
#[must_use]
pub fn eqf_level(credential: &Value) -> Option<u8> {
    alignments(credential)
        .filter_map(|a| a.get("targetUrl")?.as_str()?.strip_prefix(EQF_PREFIX)?.parse().ok())
        .find(|level| (1..=8).contains(level))
}

fn alignments(credential: &Value) -> impl Iterator<Item = &Value> {
    achievement(credential).and_then(|a| a.get("alignment")).and_then(Value::as_array).into_iter().flatten()
}

/// The skills a credential claims: every ESCO alignment (and CompetentNL codes beside them), with the EQF level
/// and learning setting of the achievement.
#[must_use]
pub fn skills(credential: &Value) -> Vec<SkillClaim> {
    let eqf = eqf_level(credential);
    let setting = achievement(credential).and_then(|a| a.get("learningSetting")).and_then(Value::as_str);
    alignments(credential)
        .filter_map(|a| {
            let url = a.get("targetUrl")?.as_str()?;
            let framework = a.get("targetFramework").and_then(Value::as_str);
            let is_skill = EscoSkill::parse(url).is_some() || framework == Some("CompetentNL");
            is_skill.then(|| SkillClaim {
                id: url.to_owned(),
                label: a.get("targetName").and_then(Value::as_str).unwrap_or_default().to_owned(),
                framework: framework.map(str::to_owned),
                eqf_level: eqf,
                learning_setting: setting.map(str::to_owned),
            })
        })
        .collect()
}

/// Council Recommendation 2022/C 243/02, Annex I: the mandatory elements and where our model keeps them.
pub use claims::EU_ELEMENTS as MANDATORY_ELEMENTS;

/// Whether the credential claims to be an EU micro-credential.
#[must_use]
pub fn is_micro_credential(credential: &Value) -> bool {
    achievement_type(credential) == Some(MICRO_CREDENTIAL)
}

/// The achievement's `achievementType`.
#[must_use]
pub fn achievement_type(credential: &Value) -> Option<&str> {
    achievement(credential)?.get("achievementType")?.as_str()
}

/// The mandatory EU elements a micro-credential lacks, named as the Recommendation names them, with where we
/// expect each (`"(9) type of assessment (credentialSubject.achievement.microCredential.assessmentType)"`).
#[must_use]
pub fn missing_micro_credential_elements(credential: &Value) -> Vec<String> {
    claims::eu_completeness_w3c(credential).missing().iter().map(claims::EuElement::describe).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn esco_skill_uris_are_canonical() {
        assert!(EscoSkill::parse("http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d").is_some());
        assert!(EscoSkill::parse("https://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d").is_none());
        assert!(EscoSkill::parse("http://data.europa.eu/esco/skill/CCD0A1D9-AFDA-43D9-B901-96344886E14D").is_none());
        assert!(EscoSkill::parse("http://data.europa.eu/esco/skill/not-a-uuid").is_none());
    }

    #[test]
    fn names_every_missing_element() {
        let bare = serde_json::json!({"credentialSubject": {"achievement": {"achievementType": "MicroCredential"}}});
        let missing = missing_micro_credential_elements(&bare);
        assert_eq!(missing.len(), 11, "{missing:?}");
        assert!(missing[8].starts_with("(9) type of assessment"));
    }
}
