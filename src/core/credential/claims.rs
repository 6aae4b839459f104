//! The typed reading of a verified credential, whoever issued it: an Open Badges 3.0 / VC 2.0 document (ours or
//! another platform's) or the flat claims of an SD-JWT VC, read into one [`Credential`] with its achievement, ESCO
//! skills, EQF level, learning setting, EU micro-credential completeness and status references. Consumers (the
//! verifier's report and policy, the wallet's passport) read these fields and never dig in JSON.
//!
//! Reading is lenient where OB 3.0 is: a foreign `MicroCredential` without our extension reads fine and is
//! reported as an incomplete EU micro-credential, with the missing elements by number and name (Council
//! Recommendation 2022/C 243/02, Annex I).

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use super::model::LearningSetting;
use super::{EQF_PREFIX, EscoSkill, MICRO_CREDENTIAL, PRACTICE_STATEMENT, SkillClaim};
use crate::core::did::Did;
use crate::core::encoding::at_pointer;
use crate::core::format::Format;
use crate::core::keys::VerifyingKey;

/// A credential as verification read it.
#[derive(Debug, Clone, PartialEq)]
pub struct Credential {
    /// `vc+jwt` or `dc+sd-jwt`.
    pub format: Format,
    /// The credential's `id` (`jti` stays in the claims).
    pub id: Option<String>,
    /// VC `type` values, or the SD-JWT VC's `vct`.
    pub types: Vec<String>,
    /// Who issued it.
    pub issuer: IssuerProfile,
    /// The holder: `credentialSubject.id`, or the did:key of an SD-JWT VC's `cnf` key.
    pub subject: Option<String>,
    /// The holder key an SD-JWT VC is bound to (`cnf.jwk`).
    pub holder_key: Option<VerifyingKey>,
    /// Display name: the credential's `name`, else the achievement's.
    pub name: Option<String>,
    /// Start of validity (`validFrom`; `iat` of an SD-JWT VC).
    pub valid_from: Option<DateTime<Utc>>,
    /// End of validity (`validUntil`; `exp`).
    pub valid_until: Option<DateTime<Utc>>,
    /// The Open Badges achievement (or the SD-JWT VC's projection of it).
    pub achievement: Option<AchievementClaims>,
    /// Where its status is published.
    pub status: Vec<StatusReference>,
    /// The `@context` URLs (empty for SD-JWT VCs, which are not JSON-LD).
    pub contexts: Vec<String>,
    /// The verified claims as JSON (the revealed claims of an SD-JWT VC): kept for display and export.
    pub claims: Value,
    /// An SD-JWT VC's type metadata, once the verifier's type check read it (names and labels for display).
    pub type_metadata: Option<std::sync::Arc<crate::core::type_metadata::TypeMetadata>>,
}

/// The issuer as the credential names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IssuerProfile {
    /// DID or URL.
    pub id: String,
    /// Display name the issuer gave itself.
    pub name: Option<String>,
}

/// What was achieved.
#[derive(Debug, Clone, PartialEq)]
pub struct AchievementClaims {
    /// The achievement's URI.
    pub id: Option<String>,
    /// Its title.
    pub name: Option<String>,
    /// `MicroCredential`, `Course`, `ext:PracticeStatement`, …
    pub achievement_type: Option<String>,
    /// formal, non-formal or informal.
    pub learning_setting: Option<LearningSetting>,
    /// EQF level 1 to 8.
    pub eqf_level: Option<u8>,
    /// ECTS.
    pub credits: Option<f64>,
    /// The skills aligned (ESCO, or CompetentNL beside them).
    pub skills: Vec<SkillClaim>,
    /// For a `MicroCredential`: whether the eleven mandatory EU elements are there.
    pub eu: Option<EuCompleteness>,
}

/// How strong the evidence for a skill is, by how it was learned and who attests it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EvidenceStrength {
    /// Formal education.
    Formal,
    /// Organised learning outside formal education.
    NonFormal,
    /// An employer's practice statement: informal learning, attested.
    PracticeStatement,
    /// Informal learning.
    Informal,
    /// The credential does not say.
    Unstated,
    /// An Open Badges 2.0 hosted badge: no signature, only the issuer's server vouches for it.
    Hosted,
}

impl EvidenceStrength {
    /// From the achievement's type and learning setting.
    #[must_use]
    pub fn of(achievement: Option<&AchievementClaims>) -> Self {
        let Some(achievement) = achievement else { return Self::Unstated };
        if achievement.achievement_type.as_deref() == Some(PRACTICE_STATEMENT) {
            return Self::PracticeStatement;
        }
        match achievement.learning_setting {
            Some(LearningSetting::Formal) => Self::Formal,
            Some(LearningSetting::NonFormal) => Self::NonFormal,
            Some(LearningSetting::Informal) => Self::Informal,
            None => Self::Unstated,
        }
    }
}

/// What a micro-credential shows about its quality (Council Recommendation 2022/C 243/02).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MicroFacts {
    /// All eleven mandatory elements.
    pub complete_eu_elements: bool,
    /// Element 11 stated.
    pub quality_assurance: bool,
    /// The assessment was supervised.
    pub supervised_assessment: bool,
}

impl EvidenceStrength {
    /// From what a wallet record or a report keeps: the format, `achievementType` and learning setting.
    #[must_use]
    pub fn from_parts(format: Format, achievement_type: Option<&str>, setting: Option<&str>) -> Self {
        if format == Format::OpenBadgesV2Hosted {
            return Self::Hosted;
        }
        if achievement_type == Some(PRACTICE_STATEMENT) {
            return Self::PracticeStatement;
        }
        match setting {
            Some("formal") => Self::Formal,
            Some("non-formal") => Self::NonFormal,
            Some("informal") => Self::Informal,
            _ => Self::Unstated,
        }
    }
}

/// One mandatory EU element of a micro-credential (Annex I of Council Recommendation 2022/C 243/02).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct EuElement {
    /// Its number in the Annex (1 to 11).
    pub number: u8,
    /// Its name in the Annex.
    pub name: &'static str,
    /// Where an Open Badges credential in our model keeps it (JSON pointer).
    #[serde(skip)]
    pub w3c: &'static str,
    /// Where our SD-JWT VC projection keeps it (JSON pointer).
    #[serde(skip)]
    pub sd_jwt: &'static str,
}

/// The eleven mandatory elements, with where each lives.
pub const EU_ELEMENTS: [EuElement; 11] = [
    EuElement { number: 1, name: "identification of the learner", w3c: "/credentialSubject/id", sd_jwt: "/cnf" },
    EuElement {
        number: 2,
        name: "title of the micro-credential",
        w3c: "/credentialSubject/achievement/name",
        sd_jwt: "/name",
    },
    EuElement {
        number: 3,
        name: "country of the issuer",
        w3c: "/credentialSubject/achievement/microCredential/issuerCountry",
        sd_jwt: "/micro_credential/issuer_country",
    },
    EuElement {
        number: 4,
        name: "awarding body",
        w3c: "/credentialSubject/achievement/microCredential/awardingBody",
        sd_jwt: "/micro_credential/awarding_body",
    },
    EuElement { number: 5, name: "date of issuing", w3c: "/validFrom", sd_jwt: "/iat" },
    EuElement {
        number: 6,
        name: "learning outcomes",
        w3c: "/credentialSubject/achievement/microCredential/learningOutcomes",
        sd_jwt: "/micro_credential/learning_outcomes",
    },
    EuElement {
        number: 7,
        name: "notional workload in ECTS",
        w3c: "/credentialSubject/achievement/creditsAvailable",
        sd_jwt: "/workload/ects",
    },
    EuElement { number: 8, name: "EQF level", w3c: "/credentialSubject/achievement/alignment", sd_jwt: "/eqf_level" },
    EuElement {
        number: 9,
        name: "type of assessment",
        w3c: "/credentialSubject/achievement/microCredential/assessmentType",
        sd_jwt: "/assessment/type",
    },
    EuElement {
        number: 10,
        name: "form of participation",
        w3c: "/credentialSubject/achievement/microCredential/participationForm",
        sd_jwt: "/assessment/participation_form",
    },
    EuElement {
        number: 11,
        name: "type of quality assurance",
        w3c: "/credentialSubject/achievement/microCredential/qualityAssurance",
        sd_jwt: "/micro_credential/quality_assurance",
    },
];

impl EuElement {
    /// `(9) type of assessment (credentialSubject.achievement.microCredential.assessmentType)`.
    #[must_use]
    pub fn describe(&self) -> String {
        format!("({}) {} ({})", self.number, self.name, self.w3c.trim_start_matches('/').replace('/', "."))
    }
}

/// Whether a micro-credential carries every mandatory EU element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EuCompleteness {
    /// All eleven are there.
    Complete,
    /// These are missing (or, in an SD-JWT VC, not disclosed).
    Incomplete(Vec<EuElement>),
}

impl EuCompleteness {
    /// Whether all eleven are there.
    #[must_use]
    pub fn is_complete(&self) -> bool {
        matches!(self, Self::Complete)
    }

    /// The missing elements (empty when complete).
    #[must_use]
    pub fn missing(&self) -> &[EuElement] {
        match self {
            Self::Complete => &[],
            Self::Incomplete(missing) => missing,
        }
    }

    fn of(missing: Vec<EuElement>) -> Self {
        if missing.is_empty() { Self::Complete } else { Self::Incomplete(missing) }
    }
}

/// Where a credential's status is published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusReference {
    /// A W3C `BitstringStatusListEntry`.
    Bitstring {
        /// `statusPurpose`.
        purpose: String,
        /// `statusListIndex`.
        index: usize,
        /// `statusListCredential`.
        list: String,
    },
    /// An IETF Token Status List reference (`status.status_list`).
    Token {
        /// `uri`.
        uri: String,
        /// `idx`.
        index: usize,
    },
    /// An entry we cannot read (another status type, a malformed index): the status is then unknown.
    Unreadable(String),
}

impl Credential {
    /// Reads a VC 2.0 / Open Badges 3.0 document (the `vc+jwt` payload after its checks).
    #[must_use]
    pub fn from_w3c(document: Value) -> Self {
        let text = |name: &str| document.get(name).and_then(Value::as_str).map(str::to_owned);
        let date = |name: &str| document.get(name).and_then(Value::as_str).and_then(parse_date);
        let achievement = super::achievement(&document).map(|a| w3c_achievement(&document, a));
        let name = text("name").or_else(|| achievement.as_ref().and_then(|a| a.name.clone()));
        Self {
            format: Format::VcJwt,
            id: text("id"),
            types: strings(document.get("type")),
            issuer: IssuerProfile {
                id: super::issuer_id(&document).unwrap_or_default().to_owned(),
                name: at_pointer(&document, "/issuer/name").and_then(Value::as_str).map(str::to_owned),
            },
            subject: super::subject(&document).and_then(|s| s.get("id")).and_then(Value::as_str).map(str::to_owned),
            holder_key: None,
            name,
            valid_from: date("validFrom").or_else(|| date("issuanceDate")),
            valid_until: date("validUntil").or_else(|| date("expirationDate")),
            achievement,
            status: bitstring_entries(&document),
            contexts: strings(document.get("@context")),
            type_metadata: None,
            claims: document,
        }
    }

    /// An Open Badges 2.0 assertion with its `BadgeClass` and `Issuer` (resolved): the badge is the achievement (its
    /// alignments to ESCO are the skills), the recipient is an identity hash, not a DID.
    #[must_use]
    pub fn from_open_badges_v2(assertion: &Value, badge: &Value, issuer: &Value, format: Format) -> Self {
        let text = |value: &Value, name: &str| value.get(name).and_then(Value::as_str).map(str::to_owned);
        let projection = serde_json::json!({"credentialSubject": {"achievement": badge}});
        let mut claims = assertion.clone();
        if let Some(object) = claims.as_object_mut() {
            let mut badge = badge.clone();
            badge["issuer"] = issuer.clone();
            object.insert("badge".into(), badge);
        }
        Self {
            format,
            id: text(assertion, "id"),
            types: strings(assertion.get("type")),
            issuer: IssuerProfile { id: text(issuer, "id").unwrap_or_default(), name: text(issuer, "name") },
            // The recipient as the assertion names it (`email:sha256$…`): not a key the holder can prove.
            subject: assertion.get("recipient").and_then(|r| {
                let identity = r.get("identity")?.as_str()?;
                Some(format!("{}:{identity}", r.get("type").and_then(Value::as_str).unwrap_or("identity")))
            }),
            holder_key: None,
            name: text(badge, "name"),
            valid_from: text(assertion, "issuedOn").as_deref().and_then(parse_date),
            valid_until: text(assertion, "expires").as_deref().and_then(parse_date),
            achievement: Some(w3c_achievement(&projection, badge)),
            status: Vec::new(),
            contexts: strings(assertion.get("@context")),
            type_metadata: None,
            claims,
        }
    }

    /// The same credential, secured in `format` (a W3C credential read from a Data Integrity or JWT form).
    #[must_use]
    pub fn in_format(self, format: Format) -> Self {
        Self { format, ..self }
    }

    /// Reads the revealed claims of an SD-JWT VC in our projection (`core::sd_jwt_vc::project`).
    #[must_use]
    pub fn from_sd_jwt_vc(claims: Value) -> Self {
        let text = |name: &str| claims.get(name).and_then(Value::as_str).map(str::to_owned);
        // Read after the validity check refused malformed NumericDates.
        let time = |name: &str| crate::core::numeric_date::read_value(&claims, name).ok().flatten();
        let holder_key = at_pointer(&claims, "/cnf/jwk").and_then(|jwk| VerifyingKey::from_jwk(jwk).ok());
        let achievement = sd_jwt_achievement(&claims);
        Self {
            format: Format::SdJwtVc,
            id: None,
            types: text("vct").into_iter().collect(),
            issuer: IssuerProfile { id: text("iss").unwrap_or_default(), name: text("issuer_name") },
            subject: holder_key.map(|key| Did::key(&key).to_string()),
            holder_key,
            name: text("name"),
            valid_from: time("iat"),
            valid_until: time("exp"),
            achievement: Some(achievement),
            status: token_status(&claims),
            contexts: Vec::new(),
            type_metadata: None,
            claims,
        }
    }

    /// The proven skills with the achievement's EQF level and setting.
    #[must_use]
    pub fn skills(&self) -> &[SkillClaim] {
        self.achievement.as_ref().map_or(&[], |a| a.skills.as_slice())
    }

    /// How strong the evidence is.
    #[must_use]
    pub fn evidence(&self) -> EvidenceStrength {
        if self.format == Format::OpenBadgesV2Hosted {
            return EvidenceStrength::Hosted;
        }
        EvidenceStrength::of(self.achievement.as_ref())
    }

    /// For a micro-credential: what an employer's micro-credential policy looks at.
    #[must_use]
    pub fn micro_facts(&self) -> Option<MicroFacts> {
        let achievement = self.achievement.as_ref()?;
        let eu = achievement.eu.as_ref()?;
        let supervision =
            ["/credentialSubject/achievement/microCredential/supervision", "/micro_credential/supervision"]
                .iter()
                .find_map(|pointer| at_pointer(&self.claims, pointer).and_then(Value::as_str));
        Some(MicroFacts {
            complete_eu_elements: eu.is_complete(),
            quality_assurance: !eu.missing().iter().any(|e| e.number == 11),
            supervised_assessment: supervision.is_some_and(|s| s.starts_with("supervised")),
        })
    }

    /// Whether the credential claims our JSON-LD context (and so our extension schemas apply).
    #[must_use]
    pub fn claims_our_context(&self) -> bool {
        self.contexts.iter().any(|c| c == super::SKILLSPASS_CONTEXT)
    }
}

fn w3c_achievement(document: &Value, achievement: &Value) -> AchievementClaims {
    let text = |name: &str| achievement.get(name).and_then(Value::as_str).map(str::to_owned);
    let achievement_type = text("achievementType");
    let eu = (achievement_type.as_deref() == Some(MICRO_CREDENTIAL)).then(|| eu_completeness_w3c(document));
    AchievementClaims {
        id: text("id"),
        name: text("name"),
        learning_setting: achievement.get("learningSetting").and_then(|s| serde_json::from_value(s.clone()).ok()),
        eqf_level: super::eqf_level(document),
        credits: achievement.get("creditsAvailable").and_then(Value::as_f64),
        skills: super::skills(document),
        achievement_type,
        eu,
    }
}

fn sd_jwt_achievement(claims: &Value) -> AchievementClaims {
    let text = |name: &str| claims.get(name).and_then(Value::as_str).map(str::to_owned);
    let eqf_level = claims.get("eqf_level").and_then(Value::as_u64).and_then(|l| u8::try_from(l).ok());
    let learning_setting: Option<LearningSetting> =
        claims.get("learning_setting").and_then(|s| serde_json::from_value(s.clone()).ok());
    let setting_text = text("learning_setting");
    let skills = claims
        .get("skills")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|skill| {
            Some(SkillClaim {
                id: skill.get("id")?.as_str()?.to_owned(),
                label: skill.get("label").and_then(Value::as_str).unwrap_or_default().to_owned(),
                framework: Some("ESCO".into()),
                eqf_level,
                learning_setting: setting_text.clone(),
            })
        })
        .collect();
    let achievement_type = text("achievement_type");
    let eu = (achievement_type.as_deref() == Some(MICRO_CREDENTIAL)).then(|| {
        EuCompleteness::of(EU_ELEMENTS.into_iter().filter(|e| !present(at_pointer(claims, e.sd_jwt))).collect())
    });
    AchievementClaims {
        id: text("achievement_id"),
        name: text("name"),
        achievement_type,
        learning_setting,
        eqf_level,
        credits: at_pointer(claims, "/workload/ects").and_then(Value::as_f64),
        skills,
        eu,
    }
}

/// The mandatory EU elements an Open Badges micro-credential lacks.
#[must_use]
pub fn eu_completeness_w3c(document: &Value) -> EuCompleteness {
    let missing = EU_ELEMENTS
        .into_iter()
        .filter(|element| {
            if element.number == 8 {
                return super::eqf_level(document).is_none();
            }
            let value = match (super::subject(document), element.w3c.strip_prefix("/credentialSubject")) {
                (Some(subject), Some(inside)) => at_pointer(subject, inside),
                _ => at_pointer(document, element.w3c),
            };
            !present(value)
        })
        .collect();
    EuCompleteness::of(missing)
}

fn present(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => false,
        Some(Value::String(s)) => !s.trim().is_empty(),
        Some(Value::Array(items)) => !items.is_empty(),
        Some(_) => true,
    }
}

fn strings(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
        _ => Vec::new(),
    }
}

/// Parses an XSD `dateTimeStamp` (RFC 3339 with a mandatory offset).
#[must_use]
pub fn parse_date(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text).ok().map(|d| d.with_timezone(&Utc))
}

fn bitstring_entries(document: &Value) -> Vec<StatusReference> {
    let statuses = match document.get("credentialStatus") {
        None => return Vec::new(),
        Some(Value::Array(items)) => items.iter().collect::<Vec<_>>(),
        Some(one) => vec![one],
    };
    statuses.into_iter().map(bitstring_entry).collect()
}

/// Bitstring Status List v1.0 section 2.1: `statusListIndex` is a base-10 string.
fn bitstring_entry(entry: &Value) -> StatusReference {
    if !super::has_type(entry, "BitstringStatusListEntry") {
        return StatusReference::Unreadable(format!(
            "unsupported status type {}",
            entry.get("type").unwrap_or(&Value::Null)
        ));
    }
    let text = |name: &str| entry.get(name).and_then(Value::as_str);
    // The spec's index is a string; some Open Badges platforms (and a 1EdTech fixture) write a JSON integer.
    let number = entry.get("statusListIndex").and_then(Value::as_u64).map(|n| n.to_string());
    let (Some(purpose), Some(index_text), Some(list)) =
        (text("statusPurpose"), text("statusListIndex").or(number.as_deref()), text("statusListCredential"))
    else {
        return StatusReference::Unreadable(
            "a status entry lacks statusPurpose, statusListIndex or statusListCredential".into(),
        );
    };
    match index_text.parse::<usize>().ok().filter(|_| index_text.bytes().all(|b| b.is_ascii_digit())) {
        Some(index) => StatusReference::Bitstring { purpose: purpose.to_owned(), index, list: list.to_owned() },
        None => StatusReference::Unreadable(format!("statusListIndex {index_text:?} is not a base-10 integer")),
    }
}

fn token_status(claims: &Value) -> Vec<StatusReference> {
    let Some(reference) = at_pointer(claims, "/status/status_list") else { return Vec::new() };
    let uri = reference.get("uri").and_then(Value::as_str);
    let index = reference.get("idx").and_then(Value::as_u64).and_then(|i| usize::try_from(i).ok());
    match (uri, index) {
        (Some(uri), Some(index)) => vec![StatusReference::Token { uri: uri.to_owned(), index }],
        (None, _) => vec![StatusReference::Unreadable("status_list.uri is missing".into())],
        (_, None) => vec![StatusReference::Unreadable("status_list.idx is not a non-negative integer".into())],
    }
}

/// Whether an alignment URL is an ESCO skill URI of the canonical form.
#[must_use]
pub fn is_esco_skill(uri: &str) -> bool {
    EscoSkill::parse(uri).is_some()
}

/// The EQF level an alignment URL names, if it is one.
#[must_use]
pub fn eqf_of_url(url: &str) -> Option<u8> {
    url.strip_prefix(EQF_PREFIX)?.parse().ok().filter(|level| (1..=8).contains(level))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn foreign_micro_credential() -> Value {
        serde_json::json!({
            "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {"id": "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp", "name": "Other Platform"},
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": {"id": "did:key:z6Mkholder", "achievement": {"achievementType": "MicroCredential",
                "name": "Data literacy", "learningSetting": "non-formal",
                "alignment": [{"targetUrl": "http://data.europa.eu/snb/eqf/4", "targetName": "EQF 4"}]}}
        })
    }

    #[test]
    fn a_foreign_micro_credential_reads_as_incomplete_with_numbered_elements() {
        let credential = Credential::from_w3c(foreign_micro_credential());
        let achievement = credential.achievement.as_ref().unwrap();
        let eu = achievement.eu.as_ref().unwrap();
        let missing: Vec<u8> = eu.missing().iter().map(|e| e.number).collect();
        assert_eq!(missing, [3, 4, 6, 7, 9, 10, 11]);
        assert_eq!(achievement.eqf_level, Some(4));
        assert_eq!(credential.evidence(), EvidenceStrength::NonFormal);
        assert!(!credential.claims_our_context());
        assert!(eu.missing()[0].describe().starts_with("(3) country of the issuer"));
    }

    #[test]
    fn status_entries_are_typed() {
        let document = serde_json::json!({"credentialStatus": [
            {"type": "BitstringStatusListEntry", "statusPurpose": "revocation", "statusListIndex": "42", "statusListCredential": "https://a.example/status/1"},
            {"type": "BitstringStatusListEntry", "statusPurpose": "revocation", "statusListIndex": "-1", "statusListCredential": "x"},
            {"type": "Other"}]});
        let credential = Credential::from_w3c(document);
        assert!(matches!(&credential.status[0], StatusReference::Bitstring { index: 42, .. }));
        assert!(matches!(&credential.status[1], StatusReference::Unreadable(_)));
        assert!(matches!(&credential.status[2], StatusReference::Unreadable(_)));
    }
}
