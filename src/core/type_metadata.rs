//! SD-JWT VC Type Metadata (draft-ietf-oauth-sd-jwt-vc; STANDARDS-ROUND2 section 10): the document a `vct` names,
//! which tells a wallet how to show a credential of a type it has never seen (names and claim labels in the
//! person's language, colours) and tells a verifier which claims the type requires and which may or must be
//! selectively disclosable. `vct#integrity` in the credential pins the exact document the issuer meant, as a W3C
//! Subresource Integrity string over the octets retrieved, so a document changed after issuance is refused.
//!
//! Pure: the documents of skillspass's own two types are compiled in (`schemas/vct/`); fetching others is the
//! wallet's and verifier's, through the guarded fetcher.

use base64::Engine as _;
use serde::Deserialize;
use serde_json::Value;
use sha2::Digest as _;

use super::sd_jwt_vc::{VCT_MICRO_CREDENTIAL, VCT_SKILL};

/// The largest type metadata document read.
pub const MAX_DOCUMENT_BYTES: usize = 64 * 1024;
/// How many `extends` links are followed.
pub const MAX_EXTENDS: usize = 4;

/// The documents of skillspass's own types, as served and as hashed into `vct#integrity`.
const BUILTIN: [(&str, &[u8]); 2] = [
    (VCT_SKILL, include_bytes!("../../schemas/vct/skill-v1.json")),
    (VCT_MICRO_CREDENTIAL, include_bytes!("../../schemas/vct/micro-credential-v1.json")),
];

/// Why a type metadata document (and with it the credential) was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TypeMetadataError {
    /// The octets do not hash to the `#integrity` value.
    #[error("the type metadata of {0} does not match its integrity value")]
    Integrity(String),
    /// The integrity value names no algorithm this reader supports (sha256, sha384, sha512).
    #[error("the integrity value {0:?} names no supported algorithm (sha256, sha384, sha512)")]
    NoSupportedAlgorithm(String),
    /// Not a type metadata document.
    #[error("the type metadata of {vct} is malformed: {why}")]
    Malformed {
        /// The type.
        vct: String,
        /// What is wrong.
        why: String,
    },
    /// The document is for another type.
    #[error("the type metadata document is for {found:?}, not {expected:?}")]
    WrongVct {
        /// The `vct` (or `extends`) that led to it.
        expected: String,
        /// What it says.
        found: String,
    },
    /// `extends` loops, or goes deeper than [`MAX_EXTENDS`].
    #[error("the type {0} extends itself or too deep a chain of types")]
    Extends(String),
    /// A child type loosened what its parent fixed (`sd` or `mandatory`).
    #[error("the type {vct} loosens its parent's rule for claim {path}")]
    Loosened {
        /// The child type.
        vct: String,
        /// The claim.
        path: String,
    },
    /// The credential breaks the type's rules.
    #[error("the credential does not follow its type {vct}: {why}")]
    Claims {
        /// The type.
        vct: String,
        /// The rule broken.
        why: String,
    },
}

/// The SRI hash functions, weakest first (W3C SRI section 3.3.3: the strongest one present decides).
const ALGORITHMS: [&str; 3] = ["sha256", "sha384", "sha512"];

fn digest(algorithm: &str, bytes: &[u8]) -> Vec<u8> {
    match algorithm {
        "sha384" => sha2::Sha384::digest(bytes).to_vec(),
        "sha512" => sha2::Sha512::digest(bytes).to_vec(),
        _ => sha2::Sha256::digest(bytes).to_vec(),
    }
}

/// The `sha256-…` integrity value of `bytes` (standard base64 with padding, as SRI writes it).
#[must_use]
pub fn integrity(bytes: &[u8]) -> String {
    format!("sha256-{}", base64::engine::general_purpose::STANDARD.encode(digest("sha256", bytes)))
}

/// W3C SRI matching: of the expressions in `expected`, those of the strongest supported algorithm are compared
/// with the digest of the exact `bytes`; any match passes.
///
/// # Errors
/// [`TypeMetadataError::NoSupportedAlgorithm`] or [`TypeMetadataError::Integrity`] (named by `what`).
pub fn check_integrity(expected: &str, bytes: &[u8], what: &str) -> Result<(), TypeMetadataError> {
    let expressions: Vec<(&str, &str)> = expected
        .split_ascii_whitespace()
        .filter_map(|e| e.split('?').next()?.split_once('-'))
        .filter(|(algorithm, _)| ALGORITHMS.contains(algorithm))
        .collect();
    let strongest = ALGORITHMS
        .iter()
        .rev()
        .find(|a| expressions.iter().any(|(e, _)| e == *a))
        .ok_or_else(|| TypeMetadataError::NoSupportedAlgorithm(expected.to_owned()))?;
    let actual = base64::engine::general_purpose::STANDARD.encode(digest(strongest, bytes));
    let matched = expressions.iter().any(|(algorithm, value)| algorithm == strongest && *value == actual);
    if matched { Ok(()) } else { Err(TypeMetadataError::Integrity(what.to_owned())) }
}

/// The compiled-in document of one of skillspass's own types.
#[must_use]
pub fn builtin(vct: &str) -> Option<&'static [u8]> {
    BUILTIN.iter().find(|(known, _)| *known == vct).map(|(_, bytes)| *bytes)
}

/// Whether a claim may, must or must not be selectively disclosable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Disclosability {
    /// Always disclosable.
    Always,
    /// Either (the default).
    #[default]
    Allowed,
    /// Never disclosable.
    Never,
}

/// A display of the type in one language.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct TypeDisplay {
    /// BCP 47 language tag.
    pub locale: String,
    /// The type's name.
    pub name: String,
    /// A description.
    #[serde(default)]
    pub description: Option<String>,
    /// `simple` and `svg_templates` rendering hints.
    #[serde(default)]
    pub rendering: Option<Value>,
}

/// A claim's label in one language.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ClaimDisplay {
    /// BCP 47 language tag (`lang` in earlier drafts).
    #[serde(alias = "lang")]
    pub locale: Option<String>,
    /// The label.
    pub label: String,
    /// A description.
    #[serde(default)]
    pub description: Option<String>,
}

/// What the type says of one claim.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ClaimMetadata {
    /// A claims path: names, `null` for every array element, or an index.
    pub path: Vec<Value>,
    /// Its labels.
    #[serde(default)]
    pub display: Vec<ClaimDisplay>,
    /// Whether the claim must be there.
    #[serde(default)]
    pub mandatory: bool,
    /// Whether it may be selectively disclosable.
    #[serde(default)]
    pub sd: Disclosability,
}

/// A type metadata document, read and checked (after its `extends` chain, merged).
#[derive(Debug, Clone, Deserialize)]
pub struct TypeMetadata {
    /// The type.
    pub vct: String,
    /// Its name (for developers).
    #[serde(default)]
    pub name: Option<String>,
    /// Its description.
    #[serde(default)]
    pub description: Option<String>,
    /// The parent type.
    #[serde(default)]
    pub extends: Option<String>,
    /// The parent document's integrity.
    #[serde(default, rename = "extends#integrity")]
    pub extends_integrity: Option<String>,
    /// Displays per language.
    #[serde(default)]
    pub display: Vec<TypeDisplay>,
    /// Claim metadata.
    #[serde(default)]
    pub claims: Vec<ClaimMetadata>,
    /// An embedded JSON Schema of the processed claims.
    #[serde(default)]
    pub schema: Option<Value>,
    /// The schema compiled, once (a cached document checks many credentials).
    #[serde(skip)]
    compiled: std::sync::OnceLock<std::sync::Arc<Result<jsonschema::Validator, String>>>,
}

impl PartialEq for TypeMetadata {
    fn eq(&self, other: &Self) -> bool {
        (&self.vct, &self.name, &self.description, &self.extends, &self.extends_integrity)
            == (&other.vct, &other.name, &other.description, &other.extends, &other.extends_integrity)
            && (&self.display, &self.claims, &self.schema) == (&other.display, &other.claims, &other.schema)
    }
}

fn path_text(path: &[Value]) -> String {
    path.iter().map(|s| s.as_str().map_or_else(|| s.to_string(), str::to_owned)).collect::<Vec<_>>().join(".")
}

impl TypeMetadata {
    /// Reads a document retrieved for `expected_vct` (the credential's `vct`, or the `extends` that led to it).
    ///
    /// # Errors
    /// [`TypeMetadataError::Malformed`] (not JSON, claim metadata with a bad path, …) or
    /// [`TypeMetadataError::WrongVct`].
    pub fn parse(bytes: &[u8], expected_vct: &str) -> Result<Self, TypeMetadataError> {
        let malformed = |why: String| TypeMetadataError::Malformed { vct: expected_vct.to_owned(), why };
        if bytes.len() > MAX_DOCUMENT_BYTES {
            return Err(malformed(format!("{} bytes, over the {MAX_DOCUMENT_BYTES}-byte limit", bytes.len())));
        }
        let value = super::encoding::parse_json(bytes).map_err(|e| malformed(e.to_string()))?;
        let metadata: Self = serde_json::from_value(value).map_err(|e| malformed(e.to_string()))?;
        if metadata.vct != expected_vct {
            return Err(TypeMetadataError::WrongVct { expected: expected_vct.to_owned(), found: metadata.vct });
        }
        for claim in &metadata.claims {
            let step_ok = |s: &Value| s.is_string() || s.is_null() || s.as_u64().is_some();
            if claim.path.is_empty() || !claim.path.iter().all(step_ok) {
                return Err(malformed(format!("claim path {:?} is not a claims path", claim.path)));
            }
        }
        Ok(metadata)
    }

    /// This type over its `parent` (section "extends"): the child's claim metadata replaces the parent's per path,
    /// where `sd` may only tighten and `mandatory` only turn true; `display` is the child's when it has one.
    ///
    /// # Errors
    /// [`TypeMetadataError::Loosened`].
    pub fn over(mut self, parent: Self) -> Result<Self, TypeMetadataError> {
        let mut claims = parent.claims;
        for claim in std::mem::take(&mut self.claims) {
            match claims.iter_mut().find(|c| c.path == claim.path) {
                Some(inherited) => {
                    let loosened = (inherited.mandatory && !claim.mandatory)
                        || (inherited.sd != Disclosability::Allowed && claim.sd != inherited.sd);
                    if loosened {
                        return Err(TypeMetadataError::Loosened { vct: self.vct, path: path_text(&claim.path) });
                    }
                    *inherited = claim;
                }
                None => claims.push(claim),
            }
        }
        self.claims = claims;
        if self.display.is_empty() {
            self.display = parent.display;
        }
        if self.schema.is_none() {
            self.schema = parent.schema;
            self.compiled = std::sync::OnceLock::new();
        }
        Ok(self)
    }

    /// The type's display for `lang` (an exact or primary-language match, else the first).
    #[must_use]
    pub fn display_for(&self, lang: &str) -> Option<&TypeDisplay> {
        let primary = lang.split('-').next().unwrap_or(lang);
        self.display
            .iter()
            .find(|d| d.locale.eq_ignore_ascii_case(lang))
            .or_else(|| self.display.iter().find(|d| d.locale.split('-').next() == Some(primary)))
            .or_else(|| self.display.first())
    }

    /// The label of the claim at `path` (names; `null` for array elements) in `lang`.
    #[must_use]
    pub fn label(&self, path: &[Value], lang: &str) -> Option<&str> {
        let claim = self.claims.iter().find(|c| c.path == path)?;
        let primary = lang.split('-').next().unwrap_or(lang);
        let fits = |d: &&ClaimDisplay| d.locale.as_deref().is_none_or(|l| l.split('-').next() == Some(primary));
        claim.display.iter().find(fits).or_else(|| claim.display.first()).map(|d| d.label.as_str())
    }

    /// Checks the processed claims of a verified credential against the type: its JSON Schema, and every
    /// mandatory claim that may never be selectively disclosable is there (only those are provably missing: an
    /// absent disclosable claim may simply not have been disclosed).
    ///
    /// # Errors
    /// [`TypeMetadataError::Claims`] naming the first rule broken.
    pub fn check_claims(&self, claims: &Value) -> Result<(), TypeMetadataError> {
        let broken = |why: String| TypeMetadataError::Claims { vct: self.vct.clone(), why };
        for claim in self.claims.iter().filter(|c| c.mandatory && c.sd == Disclosability::Never) {
            let names: Option<Vec<&str>> = claim.path.iter().map(Value::as_str).collect();
            let Some(names) = names else { continue };
            if names.iter().try_fold(claims, |value, name| value.get(name)).is_none() {
                return Err(broken(format!("the mandatory claim {} is missing", names.join("."))));
            }
        }
        if let Some(schema) = &self.schema {
            let compiled = self.compiled.get_or_init(|| {
                let built = jsonschema::options().should_validate_formats(false).build(schema);
                std::sync::Arc::new(built.map_err(|e| e.to_string()))
            });
            let validator =
                compiled.as_ref().as_ref().map_err(|e| broken(format!("its JSON Schema does not compile: {e}")))?;
            if let Some(error) = validator.iter_errors(claims).next() {
                return Err(broken(format!("{} at {}", error, error.instance_path())));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn integrity_is_standard_base64_over_the_exact_octets_and_the_strongest_algorithm_decides() {
        let bytes = br#"{"vct":"https://example.org/t"}"#;
        let sri = integrity(bytes);
        assert!(sri.starts_with("sha256-") && sri.ends_with('='), "{sri}");
        assert_eq!(check_integrity(&sri, bytes, "t"), Ok(()));
        let respaced = br#"{"vct": "https://example.org/t"}"#;
        assert_eq!(check_integrity(&sri, respaced, "t"), Err(TypeMetadataError::Integrity("t".into())));
        let sha512 =
            format!("sha512-{}", base64::engine::general_purpose::STANDARD.encode(sha2::Sha512::digest(respaced)));
        assert!(check_integrity(&format!("{sri} {sha512}"), bytes, "t").is_err(), "sha512 decides");
        assert_eq!(check_integrity(&format!("{sri} {sha512}"), respaced, "t"), Ok(()));
        assert!(matches!(check_integrity("md5-AAAA", bytes, "t"), Err(TypeMetadataError::NoSupportedAlgorithm(_))));
    }

    #[test]
    fn skillspass_types_read_label_and_check_their_credentials() {
        let skill = TypeMetadata::parse(builtin(VCT_SKILL).unwrap(), VCT_SKILL).unwrap();
        assert_eq!(skill.display_for("nl-NL").unwrap().name, "Vaardigheidscredential");
        assert_eq!(skill.display_for("de").unwrap().name, "Skill credential", "the first display otherwise");
        assert_eq!(skill.label(&[json!("skills"), Value::Null, json!("id")], "nl"), Some("ESCO-vaardigheid"));
        let claims = json!({"iss": "did:web:academy.example", "vct": VCT_SKILL, "name": "Python", "skills": [
            {"id": "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d", "label": "Python"}]});
        assert_eq!(skill.check_claims(&claims), Ok(()));
        let mut nameless = claims.clone();
        nameless.as_object_mut().unwrap().remove("name");
        assert!(matches!(skill.check_claims(&nameless), Err(TypeMetadataError::Claims { .. })));
        let mut not_esco = claims;
        not_esco["skills"][0]["id"] = json!("https://example.org/skill");
        let refused = skill.check_claims(&not_esco).unwrap_err().to_string();
        assert!(refused.contains("/skills/0/id"), "the schema applies: {refused}");
        assert!(matches!(
            TypeMetadata::parse(builtin(VCT_SKILL).unwrap(), VCT_MICRO_CREDENTIAL),
            Err(TypeMetadataError::WrongVct { .. })
        ));
        let bad_path = br#"{"vct": "x", "claims": [{"path": [1.5]}]}"#;
        assert!(matches!(TypeMetadata::parse(bad_path, "x"), Err(TypeMetadataError::Malformed { .. })));
    }

    #[test]
    fn a_child_type_may_tighten_but_not_loosen_its_parent() {
        let parent = TypeMetadata::parse(
            br#"{"vct": "p", "display": [{"locale": "en", "name": "Parent"}], "claims": [{"path": ["a"], "sd": "never", "mandatory": true}, {"path": ["b"]}]}"#,
            "p",
        )
        .unwrap();
        let child =
            TypeMetadata::parse(br#"{"vct": "c", "extends": "p", "claims": [{"path": ["b"], "sd": "always"}]}"#, "c")
                .unwrap();
        let merged = child.over(parent.clone()).unwrap();
        assert_eq!((merged.claims.len(), merged.display[0].name.as_str()), (2, "Parent"));
        let loose = TypeMetadata::parse(br#"{"vct": "c", "claims": [{"path": ["a"], "sd": "allowed"}]}"#, "c").unwrap();
        assert!(matches!(loose.over(parent), Err(TypeMetadataError::Loosened { .. })));
    }
}
