//! JSON Schema validation of credentials against `schemas/` (compiled into the binary, so verification never
//! fetches a schema). Which schemas apply is decided by what the credential claims:
//! every credential gets the VC 2.0 schema; Open Badges types or context add the Open Badges 3.0 schema; our
//! context adds the skill-credential schema, and `achievementType` `MicroCredential` or `ext:PracticeStatement`
//! the micro-credential or practice-statement schema.

use std::sync::{Arc, OnceLock};

use jsonschema::{Registry, Validator};
use serde_json::Value;

use super::{MICRO_CREDENTIAL, OB3_CONTEXT_PREFIX, PRACTICE_STATEMENT, SKILLSPASS_CONTEXT, achievement_type, has_type};

/// The schema files, by name, as shipped in `schemas/`.
pub const SCHEMA_FILES: [(&str, &str); 5] = [
    ("vc-2.0", include_str!("../../../schemas/vc-2.0.schema.json")),
    ("open-badges-3.0", include_str!("../../../schemas/open-badges-3.0.schema.json")),
    ("skill-credential", include_str!("../../../schemas/skill-credential.schema.json")),
    ("micro-credential", include_str!("../../../schemas/micro-credential.schema.json")),
    ("practice-statement", include_str!("../../../schemas/practice-statement.schema.json")),
];

/// How many violations one report lists at most.
const MAX_REPORTED_VIOLATIONS: usize = 12;

/// A schema that could not be loaded (a build defect, reported rather than panicking).
#[derive(Debug, thiserror::Error)]
#[error("schema {name} is invalid: {reason}")]
pub struct SchemaLoadError {
    name: &'static str,
    reason: String,
}

/// A credential that does not validate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("does not match the {schema} schema: {}", violations.join("; "))]
pub struct SchemaViolation {
    /// Which schema.
    pub schema: &'static str,
    /// `"/pointer: message"` lines.
    pub violations: Vec<String>,
}

/// The compiled schemas.
pub struct Schemas {
    validators: Vec<(&'static str, Validator)>,
}

impl std::fmt::Debug for Schemas {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.validators.iter().map(|(n, _)| n)).finish()
    }
}

impl Schemas {
    /// Compiles every schema, resolving `$ref`s between them in memory.
    ///
    /// # Errors
    /// [`SchemaLoadError`] if a shipped schema is broken.
    pub fn load() -> Result<Self, SchemaLoadError> {
        let documents = SCHEMA_FILES
            .iter()
            .map(|(name, text)| {
                serde_json::from_str::<Value>(text).map(|v| (*name, v)).map_err(|e| load_error(name, e))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let named = documents.iter().map(|(name, document)| {
            let id = document.get("$id").and_then(Value::as_str).unwrap_or_default();
            (*name, id, document)
        });
        let registry = named
            .clone()
            .try_fold(Registry::new(), |builder, (name, id, document)| {
                builder.add(id, document).map_err(|e| load_error(name, e))
            })?
            .prepare()
            .map_err(|e| load_error("registry", e))?;
        let options = jsonschema::options().should_validate_formats(false).with_registry(&registry);
        let validators = named
            .map(|(name, _, document)| options.build(document).map(|v| (name, v)).map_err(|e| load_error(name, e)))
            .collect::<Result<_, _>>()?;
        Ok(Self { validators })
    }

    /// The schemas compiled once for the whole process: every issuer and verifier (a server runs several) shares
    /// them instead of compiling its own copy (a few milliseconds and MiB each; 0.8 s and 127 MiB with the
    /// jsonschema 0.33 this crate used before, which copied every schema a `$ref` points into).
    ///
    /// # Errors
    /// [`SchemaLoadError`] if a shipped schema is broken.
    pub fn shared() -> Result<Arc<Self>, SchemaLoadError> {
        static SHARED: OnceLock<Arc<Schemas>> = OnceLock::new();
        if let Some(schemas) = SHARED.get() {
            return Ok(Arc::clone(schemas));
        }
        let loaded = Arc::new(Self::load()?);
        Ok(Arc::clone(SHARED.get_or_init(|| loaded)))
    }

    /// The names of the schemas that apply to this credential, most general first.
    #[must_use]
    pub fn applicable(credential: &Value) -> Vec<&'static str> {
        // Our schemas describe VC Data Model 2.0; a VC 1.1 credential (older Open Badges 3.0 platforms) is held to
        // the Open Badges type rules instead (`open_badges::type_violations`).
        if first_context(credential) == Some(super::open_badges::VC1_CONTEXT) {
            return Vec::new();
        }
        let mut names = vec!["vc-2.0"];
        let ob_context = credential
            .get("@context")
            .and_then(Value::as_array)
            .is_some_and(|c| c.iter().filter_map(Value::as_str).any(|u| u.starts_with(OB3_CONTEXT_PREFIX)));
        let ob_type = has_type(credential, "OpenBadgeCredential") || has_type(credential, "AchievementCredential");
        // An Open Badges context claims an Open Badges credential; endorsements have their own class we do not
        // model, so they get the VC 2.0 checks only.
        if ob_type || (ob_context && !has_type(credential, "EndorsementCredential")) {
            names.push("open-badges-3.0");
        }
        if super::has_context(credential, SKILLSPASS_CONTEXT) {
            names.push("skill-credential");
            match achievement_type(credential) {
                Some(MICRO_CREDENTIAL) => names.push("micro-credential"),
                Some(PRACTICE_STATEMENT) => names.push("practice-statement"),
                _ => {}
            }
        }
        names
    }

    /// Validates against every applicable schema; returns their names.
    ///
    /// # Errors
    /// The first [`SchemaViolation`].
    pub fn validate(&self, credential: &Value) -> Result<Vec<&'static str>, SchemaViolation> {
        let names = Self::applicable(credential);
        if names.is_empty() {
            return Ok(names);
        }
        // Each schema includes the more general ones (`allOf` + `$ref`), so validating the most specific one
        // checks them all. Only on failure are they walked from the most general, to name the first that fails.
        let most_specific = names.last().copied().unwrap_or("vc-2.0");
        if self.is_valid(most_specific, credential) {
            return Ok(names);
        }
        for name in &names {
            self.validate_one(name, credential)?;
        }
        Err(self
            .validate_one(most_specific, credential)
            .err()
            .unwrap_or_else(|| SchemaViolation { schema: most_specific, violations: vec!["does not validate".into()] }))
    }

    fn is_valid(&self, name: &str, credential: &Value) -> bool {
        self.validators.iter().find(|(n, _)| *n == name).is_some_and(|(_, v)| v.is_valid(credential))
    }

    /// Validates against one named schema.
    ///
    /// # Errors
    /// [`SchemaViolation`] listing up to 12 violations.
    pub fn validate_one(&self, name: &'static str, credential: &Value) -> Result<(), SchemaViolation> {
        let Some((_, validator)) = self.validators.iter().find(|(n, _)| *n == name) else {
            return Err(SchemaViolation { schema: name, violations: vec!["unknown schema".into()] });
        };
        if validator.is_valid(credential) {
            return Ok(());
        }
        let violations = validator
            .iter_errors(credential)
            .take(MAX_REPORTED_VIOLATIONS)
            .map(|e| format!("{}: {e}", display_path(&e.instance_path().to_string())))
            .collect();
        Err(SchemaViolation { schema: name, violations })
    }
}

fn first_context(credential: &Value) -> Option<&str> {
    match credential.get("@context")? {
        Value::Array(items) => items.first()?.as_str(),
        other => other.as_str(),
    }
}

fn display_path(pointer: &str) -> String {
    if pointer.is_empty() { "(credential)".into() } else { pointer.to_owned() }
}

fn load_error(name: &'static str, e: impl std::fmt::Display) -> SchemaLoadError {
    SchemaLoadError { name, reason: e.to_string() }
}
