//! The issuer role: a training provider, school or employer turns an achievement description and a learner's
//! DID into a signed `vc+jwt` skills credential. Nothing is signed that does not validate: a micro-credential
//! missing an EU element is refused with the list of what is missing.

pub mod achievement;
pub mod authorization;
pub mod openid4vci;
pub mod publish;
pub mod registry;
pub mod service;
pub mod status;

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::core::credential::model::{
    AchievementResult, AchievementSubject, CredentialSchema, IdentityObject, Profile, SkillCredential,
};
use crate::core::credential::schema::{SchemaLoadError, Schemas};
use crate::core::credential::{
    self, MICRO_CREDENTIAL, OB3_CONTEXT, PRACTICE_STATEMENT, SKILLSPASS_CONTEXT, VC2_CONTEXT,
};
use crate::core::did::{Did, DidError};
use crate::core::jose::JoseError;
use crate::core::keys::SigningKey;
use crate::core::vc_jose::{self, rfc3339};

pub use achievement::AchievementDescription;

/// Decoy digests added to every SD-JWT VC (RFC 9901 section 4.2.5), so the number of hidden claims leaks nothing.
pub const DECOYS: usize = 3;

/// Where our schemas are published (their `$id` base).
pub const SCHEMA_BASE: &str = "https://w3id.org/skillspass/schemas/";

/// Why a credential was not issued.
#[derive(Debug, thiserror::Error)]
pub enum IssueError {
    /// The subject is not a DID we can bind to.
    #[error("subject: {0}")]
    Subject(#[from] DidError),
    /// The description is not valid JSON of the right shape.
    #[error("achievement description: {0}")]
    Description(String),
    /// An offer's own terms (lifetime, transaction code) are out of range.
    #[error("offer: {0}")]
    Offer(String),
    /// The credential would not validate; every problem is listed.
    #[error("the credential would not be valid:\n  - {}", problems.join("\n  - "))]
    Invalid {
        /// What is missing or wrong.
        problems: Vec<String>,
    },
    /// `validUntil` is not after `validFrom`.
    #[error("valid-until {0} is not after the issue time")]
    ValidUntil(String),
    /// Signing failed.
    #[error("signing: {0}")]
    Signing(#[from] JoseError),
    /// The service's public URL cannot be a did:web.
    #[error("public URL: {0}")]
    PublicUrl(DidError),
    /// The credential names another issuer.
    #[error("the credential's issuer is {found:?}, but this service issues as {expected}")]
    WrongIssuer {
        /// This service's DID.
        expected: String,
        /// What the credential says.
        found: Option<String>,
    },
    /// A credential with this id was already issued.
    #[error("a credential with id {0:?} was already issued")]
    Duplicate(String),
    /// The registry failed.
    #[error("registry: {0}")]
    Store(String),
    /// The issuer's certificate chain does not fit it.
    #[error("certificate: {0}")]
    Certificate(String),
    /// The compiled-in schemas failed to load.
    #[error(transparent)]
    Schemas(#[from] SchemaLoadError),
}

/// A credential as issued: its id, the compact `vc+jwt` and the credential it carries.
#[derive(Debug, Clone)]
pub struct IssuedCredential {
    /// `urn:uuid:…`.
    pub id: String,
    /// The compact JWS.
    pub token: String,
    /// The credential (the JWT payload without the registered claims).
    pub credential: Value,
}

/// An issuer: a signing key and the DID it is published under.
#[derive(Debug)]
pub struct Issuer {
    key: SigningKey,
    did: Did,
    kid: String,
    schemas: std::sync::Arc<Schemas>,
}

impl Issuer {
    /// An issuer identified by the `did:key` of its key (local and test issuers).
    ///
    /// # Errors
    /// [`IssueError::Schemas`] if the compiled-in schemas are broken.
    pub fn with_did_key(key: SigningKey) -> Result<Self, IssueError> {
        let did = Did::key(&key.verifying_key());
        let kid = did.default_kid();
        Ok(Self { key, did, kid, schemas: Schemas::shared()? })
    }

    /// An issuer published under another DID (e.g. `did:web`) with the given key id.
    ///
    /// # Errors
    /// [`IssueError::Schemas`] if the compiled-in schemas are broken.
    pub fn with_did(key: SigningKey, did: Did, kid: String) -> Result<Self, IssueError> {
        Ok(Self { key, did, kid, schemas: Schemas::shared()? })
    }

    /// The issuer's DID.
    #[must_use]
    pub fn did(&self) -> &Did {
        &self.did
    }

    /// Issues from a description given as JSON (checked for the EU elements before it is typed, so a
    /// micro-credential missing several elements gets one list naming all of them).
    ///
    /// # Errors
    /// [`IssueError`] naming what is wrong.
    pub fn issue_json(
        &self,
        description: &Value,
        subject: &str,
        valid_until: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<IssuedCredential, IssueError> {
        precheck_micro_credential(description, subject)?;
        let description: AchievementDescription =
            serde_json::from_value(description.clone()).map_err(|e| IssueError::Description(e.to_string()))?;
        self.issue(&description, subject, valid_until, now)
    }

    /// Builds, validates and signs a credential.
    ///
    /// # Errors
    /// [`IssueError`] naming what is wrong.
    pub fn issue(
        &self,
        description: &AchievementDescription,
        subject: &str,
        valid_until: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<IssuedCredential, IssueError> {
        let subject = Did::parse(subject)?;
        if let Some(until) = valid_until.filter(|until| *until <= now) {
            return Err(IssueError::ValidUntil(rfc3339(until)));
        }
        let credential = self.build(description, &subject, valid_until, now);
        let value = serde_json::to_value(&credential).map_err(|e| IssueError::Description(e.to_string()))?;
        self.validate(&value)?;
        let token = vc_jose::sign_credential(&value, &self.key, &self.kid, now)?;
        Ok(IssuedCredential { id: credential.id, token, credential: value })
    }

    /// Issues the credential as an SD-JWT VC (`dc+sd-jwt`): the same validated model, projected to flat claims, each
    /// skill and the learner's name, grade, workload and assessment disclosable, the subject's key in `cnf.jwk`.
    ///
    /// # Errors
    /// [`IssueError`] as for [`Issuer::issue`], or [`IssueError::Subject`] when the subject is not a
    /// `did:key`/`did:jwk` whose key can go into `cnf`.
    pub fn issue_sd_jwt(
        &self,
        description: &AchievementDescription,
        subject: &str,
        valid_until: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<crate::core::sd_jwt::Issued, IssueError> {
        let did = Did::parse(subject)?;
        let holder =
            did.resolve()?.key_for(did.as_str(), &did.default_kid(), crate::core::did::Relationship::Authentication)?;
        let credential = self.build(description, &did, valid_until, now);
        let value = serde_json::to_value(&credential).map_err(|e| IssueError::Description(e.to_string()))?;
        self.validate(&value)?;
        let valid_for = valid_until.map(|until| until - now);
        let (claims, paths) = crate::core::sd_jwt_vc::project(&credential, &holder, now, valid_for);
        crate::core::sd_jwt_vc::issue(claims, &paths, &self.key, &self.kid, DECOYS, &mut crate::system::OsRng)
            .map_err(|e| IssueError::Invalid { problems: vec![e.to_string()] })
    }

    /// Builds (without signing) the credential an achievement description describes.
    ///
    /// # Errors
    /// [`IssueError::Subject`] for a subject that is not a DID.
    pub fn build_credential(
        &self,
        description: &AchievementDescription,
        subject: &str,
        valid_until: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<SkillCredential, IssueError> {
        Ok(self.build(description, &Did::parse(subject)?, valid_until, now))
    }

    /// The signing key.
    pub(crate) fn key(&self) -> &SigningKey {
        &self.key
    }

    /// The key id (DID URL).
    #[must_use]
    pub fn kid(&self) -> &str {
        &self.kid
    }

    fn build(
        &self,
        description: &AchievementDescription,
        subject: &Did,
        valid_until: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> SkillCredential {
        let achievement = description.achievement.clone();
        SkillCredential {
            context: vec![VC2_CONTEXT.into(), OB3_CONTEXT.into(), SKILLSPASS_CONTEXT.into()],
            id: format!("urn:uuid:{}", uuid::Uuid::new_v4()),
            types: vec!["VerifiableCredential".into(), "OpenBadgeCredential".into()],
            issuer: self.profile(description),
            valid_from: rfc3339(now),
            valid_until: valid_until.map(rfc3339),
            awarded_date: None,
            name: description.credential_name.clone().unwrap_or_else(|| achievement.name.clone()),
            description: None,
            credential_schema: vec![CredentialSchema {
                id: format!("{SCHEMA_BASE}{}.schema.json", schema_name(achievement.achievement_type.as_deref())),
                kind: "JsonSchema".into(),
            }],
            credential_subject: AchievementSubject {
                id: Some(subject.as_str().to_owned()),
                types: vec!["AchievementSubject".into()],
                achievement,
                identifier: description.learner_name.iter().map(|name| learner_name(name)).collect(),
                result: description
                    .grade
                    .iter()
                    .map(|g| AchievementResult { types: vec!["Result".into()], value: g.clone() })
                    .collect(),
                activity_start_date: description.activity_start_date.clone(),
                activity_end_date: description.activity_end_date.clone(),
                credits_earned: None,
            },
            credential_status: Vec::new(),
        }
    }

    fn profile(&self, description: &AchievementDescription) -> Profile {
        let details = &description.issuer;
        Profile {
            id: self.did.as_str().to_owned(),
            types: vec!["Profile".into()],
            name: details.name.clone(),
            url: details.url.clone(),
            email: details.email.clone(),
            description: details.description.clone(),
            address: details.address.clone(),
            other_identifier: details.other_identifier.clone(),
        }
    }

    /// Checks a credential against the EU elements and the applicable schemas, listing every problem.
    ///
    /// # Errors
    /// [`IssueError::Invalid`].
    pub fn validate(&self, credential: &Value) -> Result<(), IssueError> {
        let mut problems = Vec::new();
        if credential::is_micro_credential(credential) {
            problems.extend(
                credential::missing_micro_credential_elements(credential)
                    .into_iter()
                    .map(|m| format!("missing EU element {m}")),
            );
        }
        if let Err(violation) = self.schemas.validate(credential) {
            problems.extend(violation.violations.into_iter().map(|v| format!("{} schema: {v}", violation.schema)));
        }
        if problems.is_empty() { Ok(()) } else { Err(IssueError::Invalid { problems }) }
    }
}

fn schema_name(achievement_type: Option<&str>) -> &'static str {
    match achievement_type {
        Some(MICRO_CREDENTIAL) => "micro-credential",
        Some(PRACTICE_STATEMENT) => "practice-statement",
        _ => "skill-credential",
    }
}

fn learner_name(name: &str) -> IdentityObject {
    IdentityObject {
        kind: "IdentityObject".into(),
        identity_hash: name.to_owned(),
        identity_type: "name".into(),
        hashed: false,
        salt: None,
    }
}

/// Names every missing EU element before typed parsing would stop at the first missing field.
fn precheck_micro_credential(description: &Value, subject: &str) -> Result<(), IssueError> {
    let Some(achievement) = description.get("achievement") else {
        return Ok(());
    };
    let skeleton = serde_json::json!({
        "validFrom": "issue time",
        "credentialSubject": {"id": subject, "achievement": achievement},
    });
    if !credential::is_micro_credential(&skeleton) {
        return Ok(());
    }
    let missing = credential::missing_micro_credential_elements(&skeleton);
    if missing.is_empty() {
        return Ok(());
    }
    Err(IssueError::Invalid { problems: missing.into_iter().map(|m| format!("missing EU element {m}")).collect() })
}
