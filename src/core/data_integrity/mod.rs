//! Data Integrity proofs: a credential that carries its own signature in a `proof` member (W3C Verifiable
//! Credential Data Integrity 1.0, <https://www.w3.org/TR/vc-data-integrity/>) instead of being wrapped in a JWS.
//! Open Badges 3.0 platforms (1EdTech-certified issuers, the DCC wallet) sign badges this way, with the EdDSA
//! cryptosuites of W3C Data Integrity EdDSA Cryptosuites 1.0 (<https://www.w3.org/TR/vc-di-eddsa/>).
//!
//! This module owns the proof's shape ([`Proof`], parsed strictly from one member of `proof`, which may be one
//! object or a set), the checks every suite shares (Data Integrity section 4.4: type, purpose, `created` and
//! `expires`, `proofValue` as 64 bytes of multibase base58btc) and the transformation and hashing of each suite:
//! `eddsa-jcs-2022` canonicalizes with JCS (RFC 8785); the RDF suites (`eddsa-rdfc-2022`, its 2023 name
//! `eddsa-2022`, and `Ed25519Signature2020`) expand the JSON-LD with the contexts we hold and canonicalize the
//! RDF with RDFC-1.0 ([`crate::core::jsonld`]), the proof options taking the document's `@context`. In every
//! suite the signed message is SHA-256(canonical proof options) followed by SHA-256(canonical document), and the
//! signature is Ed25519 (`verify_strict`). A proof that names earlier proofs (`previousProof`, a chain) is
//! verified over the document with those proofs (Data Integrity section 4.5).
//!
//! Which key a `verificationMethod` names, and whether its controller is the issuer, is the verifier's question;
//! [`verify`] takes the key it found.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use sha2::{Digest as _, Sha256};

use super::jsonld::{Contexts, JsonLdError};
use super::keys::VerifyingKey;

mod check;
mod methods;

pub use check::{CHECKS, check};
pub use methods::{MethodKey, MethodResolver, Methods};

/// What verifying linked data needs besides keys: the JSON-LD contexts held, and the key and controller documents
/// of https verification methods (fetched by the verifier, or given as files offline), by URL.
#[derive(Debug, Clone, Default)]
pub struct LinkedData {
    /// The contexts held.
    pub contexts: Contexts,
    /// Key and controller documents by URL (without fragment).
    pub documents: std::collections::HashMap<String, Value>,
}

/// Data Integrity 1.0 section 2.1: the proof type of the cryptosuite-based proofs.
pub const DATA_INTEGRITY_PROOF: &str = "DataIntegrityProof";
/// The 2020 suite's own proof type (`Ed25519Signature2020`, W3C CCG; still in Open Badges 3.0 badges).
pub const ED25519_SIGNATURE_2020: &str = "Ed25519Signature2020";
/// Data Integrity 1.0 section 2.1: the purpose of a credential's proof.
pub const ASSERTION_METHOD: &str = "assertionMethod";

/// The cryptosuites we know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cryptosuite {
    /// `eddsa-rdfc-2022` (vc-di-eddsa section 3.2): RDFC-1.0 canonicalization.
    EddsaRdfc2022,
    /// `eddsa-2022`, the 2023 draft name of `eddsa-rdfc-2022`: read, never written.
    Eddsa2022,
    /// `eddsa-jcs-2022` (vc-di-eddsa section 3.3): JCS canonicalization.
    EddsaJcs2022,
    /// `Ed25519Signature2020`: the RDF algorithm with its own proof type.
    Ed25519Signature2020,
}

impl Cryptosuite {
    /// The name reported for this suite.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::EddsaRdfc2022 => "eddsa-rdfc-2022",
            Self::Eddsa2022 => "eddsa-2022",
            Self::EddsaJcs2022 => "eddsa-jcs-2022",
            Self::Ed25519Signature2020 => ED25519_SIGNATURE_2020,
        }
    }

    fn of(proof: &Map<String, Value>) -> Result<Self, DataIntegrityError> {
        let kind = proof.get("type").and_then(Value::as_str).ok_or_else(|| missing("type"))?;
        let suite = proof.get("cryptosuite").and_then(Value::as_str);
        match (kind, suite) {
            (DATA_INTEGRITY_PROOF, Some("eddsa-rdfc-2022")) => Ok(Self::EddsaRdfc2022),
            (DATA_INTEGRITY_PROOF, Some("eddsa-2022")) => Ok(Self::Eddsa2022),
            (DATA_INTEGRITY_PROOF, Some("eddsa-jcs-2022")) => Ok(Self::EddsaJcs2022),
            (DATA_INTEGRITY_PROOF, None) => Err(missing("cryptosuite")),
            (ED25519_SIGNATURE_2020, _) => Ok(Self::Ed25519Signature2020),
            (DATA_INTEGRITY_PROOF, Some(other)) | (other, _) => Err(DataIntegrityError::UnknownSuite(other.to_owned())),
        }
    }
}

/// Why a proof does not verify (the error codes of Data Integrity section 4.4 in our words).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DataIntegrityError {
    /// The document or its proof is not a JSON object of the right shape (`PARSING_ERROR`).
    #[error("malformed proof: {0}")]
    Malformed(String),
    /// A proof type or cryptosuite we do not know.
    #[error("unknown proof type or cryptosuite {0:?}")]
    UnknownSuite(String),
    /// The document cannot be canonicalized (an unknown context, an undefined term, invalid JSON-LD).
    #[error("{0}")]
    JsonLd(#[from] JsonLdError),
    /// `proofPurpose` is not the expected one (`PROOF_VERIFICATION_ERROR`).
    #[error("proof purpose {found:?} is not {expected:?}")]
    Purpose {
        /// What the verifier expects.
        expected: &'static str,
        /// What the proof says.
        found: String,
    },
    /// `created` in the future or `expires` passed.
    #[error("{0}")]
    Period(String),
    /// The proof options' `@context` is not how the document's begins (eddsa-jcs-2022 section 3.3.2).
    #[error("the proof's @context is not the beginning of the document's @context")]
    Context,
    /// `proofValue` is not 64 bytes of multibase base58btc.
    #[error("{0}")]
    ProofValue(String),
    /// The verification method's key is not an Ed25519 key (every EdDSA cryptosuite requires one).
    #[error("the verification method holds a {0} key; the EdDSA cryptosuites verify with Ed25519 keys only")]
    KeyType(crate::core::keys::KeyAlgorithm),
    /// The signature does not verify.
    #[error("signature invalid")]
    Signature,
}

fn missing(member: &str) -> DataIntegrityError {
    DataIntegrityError::Malformed(format!("the proof has no {member}"))
}

/// One proof of a document, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Proof {
    /// The suite.
    pub suite: Cryptosuite,
    /// The key's URL (a DID URL, or an https URL of a key document).
    pub verification_method: String,
    /// Why it was made (`assertionMethod` for credentials).
    pub purpose: String,
    /// When it was made.
    pub created: Option<DateTime<Utc>>,
    /// When it stops being valid.
    pub expires: Option<DateTime<Utc>>,
    /// The proof without `proofValue`: the proof options that were signed.
    pub options: Map<String, Value>,
    /// The Ed25519 signature.
    pub signature: [u8; 64],
}

impl Proof {
    /// Parses one proof object.
    ///
    /// # Errors
    /// [`DataIntegrityError`] naming the first problem.
    pub fn parse(proof: &Value) -> Result<Self, DataIntegrityError> {
        let object =
            proof.as_object().ok_or_else(|| DataIntegrityError::Malformed("a proof is not an object".into()))?;
        let suite = Cryptosuite::of(object)?;
        let text = |member: &str| object.get(member).and_then(Value::as_str);
        let verification_method = text("verificationMethod").ok_or_else(|| missing("verificationMethod"))?.to_owned();
        let purpose = text("proofPurpose").ok_or_else(|| missing("proofPurpose"))?.to_owned();
        let date = |member: &str| -> Result<Option<DateTime<Utc>>, DataIntegrityError> {
            object
                .get(member)
                .map(|v| {
                    let text = v.as_str().unwrap_or_default();
                    DateTime::parse_from_rfc3339(text)
                        .map(|t| t.with_timezone(&Utc))
                        .map_err(|_| DataIntegrityError::Malformed(format!("{member} {v} is not a date-time")))
                })
                .transpose()
        };
        let (created, expires) = (date("created")?, date("expires")?);
        if suite == Cryptosuite::Ed25519Signature2020 && created.is_none() {
            return Err(missing("created"));
        }
        let value = text("proofValue").ok_or_else(|| missing("proofValue"))?;
        let signature = decode_proof_value(value)?;
        let mut options = object.clone();
        options.remove("proofValue");
        Ok(Self { suite, verification_method, purpose, created, expires, options, signature })
    }
}

/// `proofValue`: multibase base58btc (`z`) of the 64-byte Ed25519 signature (vc-di-eddsa section 3.2.6).
fn decode_proof_value(value: &str) -> Result<[u8; 64], DataIntegrityError> {
    let encoded = value
        .strip_prefix('z')
        .ok_or_else(|| DataIntegrityError::ProofValue("proofValue is not multibase base58btc (z)".into()))?;
    let bytes = bs58::decode(encoded)
        .into_vec()
        .map_err(|_| DataIntegrityError::ProofValue("proofValue is not base58btc".into()))?;
    bytes.try_into().map_err(|_| DataIntegrityError::ProofValue("proofValue is not a 64-byte signature".into()))
}

/// Every proof of a document (`proof` may be one object or a set), each parsed on its own: a set is verified
/// when one proof we can verify does (Open Badges 3.0), and unknown proofs in it are reported, not fatal.
///
/// # Errors
/// [`DataIntegrityError::Malformed`] when the document has no `proof`.
pub fn proofs(document: &Map<String, Value>) -> Result<Vec<Result<Proof, DataIntegrityError>>, DataIntegrityError> {
    match document.get("proof") {
        Some(Value::Array(set)) if !set.is_empty() => Ok(set.iter().map(Proof::parse).collect()),
        Some(proof @ Value::Object(_)) => Ok(vec![Proof::parse(proof)]),
        _ => Err(DataIntegrityError::Malformed("the document has no proof".into())),
    }
}

/// Checks one proof of `document` with `key`, as of `now`: purpose, period, then the suite's hashing and the
/// signature (Data Integrity section 4.4, steps 3 and 5).
///
/// # Errors
/// [`DataIntegrityError`] naming the failed step.
pub fn verify(
    document: &Map<String, Value>,
    proof: &Proof,
    key: &VerifyingKey,
    now: DateTime<Utc>,
    contexts: &Contexts,
) -> Result<(), DataIntegrityError> {
    if proof.purpose != ASSERTION_METHOD {
        return Err(DataIntegrityError::Purpose { expected: ASSERTION_METHOD, found: proof.purpose.clone() });
    }
    if let Some(created) = proof.created.filter(|c| *c > now + chrono::Duration::minutes(5)) {
        return Err(DataIntegrityError::Period(format!("the proof was created in the future ({created})")));
    }
    if let Some(expires) = proof.expires.filter(|e| *e < now) {
        return Err(DataIntegrityError::Period(format!("the proof expired at {expires}")));
    }
    if key.algorithm() != crate::core::keys::KeyAlgorithm::Ed25519 {
        return Err(DataIntegrityError::KeyType(key.algorithm()));
    }
    let message = hash_data(document, proof, contexts)?;
    if key.verify(&message, &proof.signature) { Ok(()) } else { Err(DataIntegrityError::Signature) }
}

/// The signed message: SHA-256(canonical proof options) followed by SHA-256(canonical unsecured document).
///
/// # Errors
/// [`DataIntegrityError`] when the suite cannot be computed.
pub fn hash_data(
    document: &Map<String, Value>,
    proof: &Proof,
    contexts: &Contexts,
) -> Result<[u8; 64], DataIntegrityError> {
    let unsecured = unsecured(document, proof)?;
    let (options, unsecured) = match proof.suite {
        Cryptosuite::EddsaJcs2022 => jcs_transform(&proof.options, unsecured)?,
        Cryptosuite::EddsaRdfc2022 | Cryptosuite::Eddsa2022 | Cryptosuite::Ed25519Signature2020 => {
            rdfc_transform(&proof.options, &unsecured, contexts)?
        }
    };
    let mut message = [0u8; 64];
    message[..32].copy_from_slice(&Sha256::digest(options));
    message[32..].copy_from_slice(&Sha256::digest(unsecured));
    Ok(message)
}

/// The document a proof covers: without `proof`, or, for a proof in a chain, with exactly the earlier proofs its
/// `previousProof` names (Data Integrity section 4.5; a named proof that is missing is an error).
fn unsecured(document: &Map<String, Value>, proof: &Proof) -> Result<Map<String, Value>, DataIntegrityError> {
    let mut unsecured = document.clone();
    let all = unsecured.remove("proof");
    let previous: Vec<&str> = match proof.options.get("previousProof") {
        None => return Ok(unsecured),
        Some(Value::String(id)) => vec![id.as_str()],
        Some(Value::Array(ids)) => ids.iter().filter_map(Value::as_str).collect(),
        Some(other) => return Err(DataIntegrityError::Malformed(format!("previousProof {other} is not a string"))),
    };
    let all: Vec<Value> = match all {
        Some(Value::Array(items)) => items,
        Some(one) => vec![one],
        None => Vec::new(),
    };
    let mut earlier = Vec::new();
    for id in previous {
        let found = all.iter().find(|p| p.get("id").and_then(Value::as_str) == Some(id));
        earlier.push(found.cloned().ok_or_else(|| {
            DataIntegrityError::Malformed(format!("previousProof {id:?} names no proof of the document"))
        })?);
    }
    let earlier = if earlier.len() == 1 { earlier.remove(0) } else { Value::Array(earlier) };
    unsecured.insert("proof".into(), earlier);
    Ok(unsecured)
}

/// eddsa-rdfc-2022 (vc-di-eddsa sections 3.2.3 to 3.2.5) and `Ed25519Signature2020`: the proof options take the
/// document's `@context` (replacing any of their own), and both are canonicalized as RDF with RDFC-1.0.
fn rdfc_transform(
    options: &Map<String, Value>,
    unsecured: &Map<String, Value>,
    contexts: &Contexts,
) -> Result<(Vec<u8>, Vec<u8>), DataIntegrityError> {
    let mut config = options.clone();
    match unsecured.get("@context") {
        Some(context) => config.insert("@context".into(), context.clone()),
        None => return Err(DataIntegrityError::Malformed("the document has no @context".into())),
    };
    let document = contexts.canonical_nquads(&Value::Object(unsecured.clone()))?;
    let config = contexts.canonical_nquads(&Value::Object(config))?;
    Ok((config.into_bytes(), document.into_bytes()))
}

/// eddsa-jcs-2022 (vc-di-eddsa sections 3.3.2 to 3.3.5): when the proof options carry `@context`, the document's
/// `@context` must begin with it and becomes it; both are then canonicalized with JCS (RFC 8785).
fn jcs_transform(
    options: &Map<String, Value>,
    mut unsecured: Map<String, Value>,
) -> Result<(Vec<u8>, Vec<u8>), DataIntegrityError> {
    if let Some(context) = options.get("@context") {
        let as_list = |v: &Value| match v {
            Value::Array(items) => items.clone(),
            other => vec![other.clone()],
        };
        let (expected, found) = (as_list(context), unsecured.get("@context").map(as_list).unwrap_or_default());
        if !found.starts_with(&expected) {
            return Err(DataIntegrityError::Context);
        }
        unsecured.insert("@context".into(), context.clone());
    }
    let jcs = |value: &Map<String, Value>| {
        serde_jcs::to_vec(value).map_err(|e| DataIntegrityError::Malformed(format!("cannot canonicalize: {e}")))
    };
    Ok((jcs(options)?, jcs(&unsecured)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(json: &str) -> Map<String, Value> {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn proof_values_and_suites_are_read_strictly() {
        let good = serde_json::json!({"type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022",
            "verificationMethod": "did:key:z6Mk#z6Mk", "proofPurpose": "assertionMethod",
            "proofValue": format!("z{}", bs58::encode([7u8; 64]).into_string())});
        assert_eq!(Proof::parse(&good).unwrap().suite, Cryptosuite::EddsaJcs2022);
        let cases = [
            ("proofValue", serde_json::json!("u".to_owned() + &"A".repeat(86))),
            ("proofValue", serde_json::json!(format!("z{}", bs58::encode([7u8; 63]).into_string()))),
            ("cryptosuite", serde_json::json!("ecdsa-rdfc-2019")),
            ("created", serde_json::json!("yesterday")),
            ("proofPurpose", Value::Null),
        ];
        for (member, value) in cases {
            let mut bad = good.clone();
            if value.is_null() {
                bad.as_object_mut().unwrap().remove(member);
            } else {
                bad[member] = value;
            }
            assert!(Proof::parse(&bad).is_err(), "{member}: {bad}");
        }
        let rdfc = serde_json::json!({"type": "DataIntegrityProof", "cryptosuite": "eddsa-2022",
            "verificationMethod": "x", "proofPurpose": "assertionMethod", "proofValue": good["proofValue"]});
        let proof = Proof::parse(&rdfc).unwrap();
        let no_context = hash_data(&document("{}"), &proof, &Contexts::embedded());
        assert!(matches!(no_context, Err(DataIntegrityError::Malformed(_))), "{no_context:?}");
    }

    #[test]
    fn a_set_of_proofs_is_read_one_by_one() {
        let doc = document(r#"{"proof": [{"type": "Unknown2099"}, {"type": "DataIntegrityProof"}]}"#);
        let read = proofs(&doc).unwrap();
        assert_eq!(read.len(), 2);
        assert!(matches!(read[0], Err(DataIntegrityError::UnknownSuite(_))));
        assert!(proofs(&document(r#"{"proof": []}"#)).is_err());
        assert!(proofs(&document("{}")).is_err());
    }
}
