//! The offline checks of a credential secured with Data Integrity proofs, with the names and report shape of the
//! `vc+jwt` pipeline: `parse`, `alg` (the cryptosuite), `context` (every context held, and for an Open Badge the
//! contexts it requires), `issuer-key` (the verification method resolved and its controller checked),
//! `signature` (any one proof that verifies suffices, as Open Badges 3.0 says; proofs of unknown types are
//! skipped and reported), then `claims`, `validity` and the policy check `schema`.
//!
//! The document checks run even when a proof fails, on the unverified document, so that the report names what is
//! wrong with a badge that was altered after signing (an expired date, a wrong type) and not only that its
//! signature broke. Only a document whose proof verified becomes the [`Checked`] value.

use serde_json::{Map, Value};

use super::{DataIntegrityError, Proof, proofs, verify};
use crate::core::credential::claims::Credential;
use crate::core::credential::{has_type, issuer_id, open_badges};
use crate::core::encoding::parse_json;
use crate::core::format::Format;
use crate::core::jsonld::{Contexts, JsonLdError};
use crate::core::keys::PublicKey;
use crate::core::vc_jose::{VerifyContext, VerifyError, check_schema, check_validity};
use crate::core::verify::{Checked, IssuerKey, Problem, Record};

use super::methods::MethodResolver;

/// The checks, in order.
pub const CHECKS: [&str; 8] = ["parse", "alg", "context", "issuer-key", "signature", "claims", "validity", "schema"];

/// Checks a Data Integrity credential (the JSON text) as of `ctx.now`.
#[must_use]
pub fn check(
    text: &str,
    ctx: &VerifyContext<'_>,
    methods: &dyn MethodResolver,
    contexts: &Contexts,
) -> Checked<Credential> {
    let mut checked = Checked::new(Format::DataIntegrity, text.trim());
    let document = match parse(text) {
        Ok(document) => document,
        Err(why) => {
            fail(&mut checked.record, "parse", &VerifyError::Parse(why));
            return checked;
        }
    };
    checked.record.pass("parse", None);
    let signed = prove(&document, ctx, methods, contexts, &mut checked.record);
    let value = Value::Object(document);
    document_checks(&value, ctx, signed.is_some(), &mut checked.record);
    if let Some(key) = signed {
        checked.key = Some(key);
        checked.value = Some(Credential::from_w3c(value).in_format(Format::DataIntegrity));
    }
    checked
}

fn parse(text: &str) -> Result<Map<String, Value>, String> {
    match parse_json(text.trim().as_bytes()).map_err(|e| e.to_string())? {
        Value::Object(map) if map.contains_key("proof") => Ok(map),
        Value::Object(map) if map.contains_key("payload") && !map.contains_key("@context") => {
            Err(crate::core::jose::JoseError::JsonSerialization.to_string())
        }
        Value::Object(_) => Err("the credential has no proof: an unsigned credential cannot be verified".into()),
        _ => Err("a Data Integrity credential is a JSON object".into()),
    }
}

/// `alg`, `context`, `issuer-key`, `signature`: the issuer key that verified a proof, if one did.
fn prove(
    document: &Map<String, Value>,
    ctx: &VerifyContext<'_>,
    methods: &dyn MethodResolver,
    contexts: &Contexts,
    record: &mut Record,
) -> Option<IssuerKey> {
    let Ok(all) = proofs(document) else { return skip_from(record, "alg", "no proof") };
    let (known, unknown): (Vec<_>, Vec<_>) = all.into_iter().partition(|p| !matches!(p, Err(e) if is_unknown(e)));
    if known.is_empty() {
        let why = unknown.into_iter().find_map(Result::err).map_or_else(String::new, |e| e.to_string());
        fail(record, "alg", &VerifyError::Parse(why));
        return skip_from(record, "context", "alg failed");
    }
    let suites: Vec<&str> = known.iter().filter_map(|p| p.as_ref().ok()).map(|p| p.suite.name()).collect();
    let skipped =
        if unknown.is_empty() { String::new() } else { format!(" ({} unknown proof skipped)", unknown.len()) };
    record.pass("alg", Some(format!("{}{skipped}", suites.join(", "))));
    if let Err(why) = check_contexts(document, contexts) {
        fail(record, "context", &VerifyError::Claims(why));
        return skip_from(record, "issuer-key", "context failed");
    }
    record.pass("context", Some(format!("{} held", context_count(document))));
    let Some(issuer) = issuer_id(&Value::Object(document.clone())).map(str::to_owned) else {
        fail(record, "issuer-key", &VerifyError::IssuerKey("the credential names no issuer".into()));
        return skip_from(record, "signature", "issuer-key failed");
    };
    let mut keyed = Vec::new();
    let mut first_error = None;
    let mut bad_value = None;
    for proof in known {
        match proof {
            Ok(proof) => match methods.method_key(&issuer, &proof.verification_method) {
                Ok(key) => keyed.push((proof, key)),
                Err(why) => {
                    first_error.get_or_insert(VerifyError::IssuerKey(why));
                }
            },
            Err(DataIntegrityError::ProofValue(why)) => {
                bad_value.get_or_insert(why);
            }
            Err(e) => {
                first_error.get_or_insert(VerifyError::IssuerKey(format!("a proof cannot be used: {e}")));
            }
        }
    }
    if keyed.is_empty() {
        if let (None, Some(why)) = (&first_error, bad_value) {
            record.skip("issuer-key", "not run: the proof's value is malformed");
            record.fail("signature", Problem::new("signature", "Signature invalid", why));
            return None;
        }
        let error = first_error.unwrap_or_else(|| VerifyError::IssuerKey("no usable proof".into()));
        fail(record, error.check(), &error);
        return skip_from(record, "signature", "issuer-key failed");
    }
    let methods_found: Vec<&str> = keyed.iter().map(|(p, _)| p.verification_method.as_str()).collect();
    record.pass("issuer-key", Some(methods_found.join(", ")));
    verify_any(document, &issuer, keyed, ctx, contexts, record)
}

fn verify_any(
    document: &Map<String, Value>,
    issuer: &str,
    keyed: Vec<(Proof, super::MethodKey)>,
    ctx: &VerifyContext<'_>,
    contexts: &Contexts,
    record: &mut Record,
) -> Option<IssuerKey> {
    let mut first_error = None;
    for (proof, method) in keyed {
        match verify(document, &proof, &method.key, ctx.now, contexts) {
            Ok(()) => {
                let binding = if method.bound { "" } else { "; the key is not bound to the issuer" };
                record.pass(
                    "signature",
                    Some(format!("{} proof by {}{binding}", proof.suite.name(), proof.verification_method)),
                );
                if !method.bound {
                    record.warn(Problem::new(
                        "issuer-key-unbound",
                        "Key not bound to the issuer",
                        Some(format!(
                            "{} is not controlled by the issuer {issuer}; trust decides",
                            proof.verification_method
                        )),
                    ));
                }
                return Some(IssuerKey {
                    issuer: issuer.to_owned(),
                    kid: proof.verification_method,
                    key: PublicKey::Verifying(method.key),
                    bound: method.bound,
                });
            }
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    let error = match first_error {
        Some(DataIntegrityError::Signature) | None => VerifyError::Signature,
        Some(DataIntegrityError::JsonLd(e @ (JsonLdError::UnknownContext(_) | JsonLdError::DataLoss(_)))) => {
            VerifyError::Claims(e.to_string())
        }
        Some(other) => VerifyError::Parse(other.to_string()),
    };
    let detail = match &error {
        VerifyError::Signature => VerifyError::Signature.problem(),
        other => Problem::new("signature", "Signature invalid", other.to_string()),
    };
    record.fail("signature", detail);
    None
}

fn is_unknown(error: &DataIntegrityError) -> bool {
    matches!(error, DataIntegrityError::UnknownSuite(_))
}

fn context_count(document: &Map<String, Value>) -> usize {
    match document.get("@context") {
        Some(Value::Array(items)) => items.len(),
        Some(_) => 1,
        None => 0,
    }
}

fn check_contexts(document: &Map<String, Value>, contexts: &Contexts) -> Result<(), String> {
    let value = Value::Object(document.clone());
    if let Some(url) = contexts.first_unknown(&value) {
        return Err(JsonLdError::UnknownContext(url).to_string());
    }
    if open_badges::is_open_badge(&value) {
        open_badges::check_contexts(&value)?;
    }
    Ok(())
}

/// `claims`, `validity`, `schema`: on the verified document, or on the unverified one to say what else is wrong.
fn document_checks(document: &Value, ctx: &VerifyContext<'_>, verified: bool, record: &mut Record) {
    let outcomes = [
        ("claims", claims(document)),
        ("validity", check_validity(document, ctx).map(Some)),
        ("schema", check_schema(document, ctx.schemas).map(Some)),
    ];
    for (check, outcome) in outcomes {
        match outcome {
            Ok(detail) if verified => {
                if check == "schema" {
                    record.pass_policy(check, detail);
                } else {
                    record.pass(check, detail);
                }
            }
            Ok(_) => record.skip(check, "passed, but on a document whose proof did not verify"),
            Err(VerifyError::Schema(v)) => record.fail_policy(check, VerifyError::Schema(v).problem()),
            Err(error) => record.fail(check, Problem::new(check, title(check), error.to_string())),
        }
    }
}

fn title(check: &str) -> &'static str {
    match check {
        "claims" => "Inconsistent claims",
        _ => "Outside the validity period",
    }
}

fn claims(document: &Value) -> Result<Option<String>, VerifyError> {
    if !has_type(document, "VerifiableCredential") {
        return Err(VerifyError::Claims("type does not include VerifiableCredential".into()));
    }
    if issuer_id(document).is_none() {
        return Err(VerifyError::Claims("the credential has no issuer".into()));
    }
    if open_badges::is_open_badge(document) {
        let violations = open_badges::type_violations(document);
        if !violations.is_empty() {
            return Err(VerifyError::Claims(violations.join("; ")));
        }
        return Ok(Some("Open Badges 3.0 types".into()));
    }
    Ok(None)
}

fn fail(record: &mut Record, check: &str, error: &VerifyError) {
    let problem = error.problem();
    let problem = if problem.is(check) { problem } else { Problem::new(check, &problem.title, error.to_string()) };
    record.fail(check, problem);
}

fn skip_from<T>(record: &mut Record, from: &str, why: &str) -> Option<T> {
    for check in CHECKS.iter().skip_while(|c| **c != from).take_while(|c| **c != "claims") {
        record.skip(check, &format!("not run: {why}"));
    }
    None
}
