//! Verifying a `vp+jwt` presentation (VC-JOSE-COSE section 3.1.2): the holder's signature (key from the holder's
//! DID, under `authentication`), the verifier's `nonce` (single use) and audience, a fresh `iat`, and every
//! enveloped credential through the full pipeline, each bound to the presenting holder.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use chrono::{DateTime, Duration, Utc};
use serde_json::Value;

use super::Verifier;
use crate::core::did::{Did, Relationship};
use crate::core::format::Format;
use crate::core::jose::{AlgorithmPolicy, CompactJws, TokenKind};
use crate::core::verify::{
    CheckStatus, Checked, IssuerKey, PolicyOutcome, Presentation, PresentationVerification, Problem, Record,
    Verification,
};
use crate::store::StoreError;
use crate::store::expiring::Expiring;

/// How far a presentation's `iat` may be from now (STANDARDS.md 9.5: a short window).
pub const IAT_WINDOW: Duration = Duration::minutes(5);
/// Most credentials in one presentation.
pub const MAX_CREDENTIALS: usize = 32;

/// The checks of a presentation, in order.
pub const CHECKS: [&str; 10] =
    ["parse", "alg", "typ", "holder-key", "signature", "audience", "nonce", "freshness", "replay", "credentials"];

/// Nonces already used, remembered for twice the freshness window (after it, `iat` refuses a replay anyway). In
/// memory for the CLI; durable in sled for a server ([`NonceLedger::durable`]), so a restart does not reopen a
/// replay window.
#[derive(Debug, Default)]
pub struct NonceLedger {
    used: Mutex<HashMap<String, DateTime<Utc>>>,
    durable: Option<Expiring<()>>,
}

impl NonceLedger {
    /// A ledger kept in `db`.
    ///
    /// # Errors
    /// [`StoreError`] when the tree cannot be opened.
    pub fn durable(db: &crate::store::Database) -> Result<Self, StoreError> {
        Ok(Self { used: Mutex::default(), durable: Some(Expiring::open(db, "verifier.nonces")?) })
    }

    /// Records `nonce` as used; false when it was used before (or cannot be recorded: then it is refused).
    pub fn use_once(&self, nonce: &str, now: DateTime<Utc>) -> bool {
        if let Some(store) = &self.durable {
            return store.insert_new(nonce.as_bytes(), &(), now + IAT_WINDOW * 2, now).unwrap_or_else(|error| {
                tracing::error!(%error, "recording a used nonce");
                false
            });
        }
        let mut used = self.used.lock().unwrap_or_else(PoisonError::into_inner);
        used.retain(|_, at| *at + IAT_WINDOW * 2 > now);
        used.insert(nonce.to_owned(), now).is_none()
    }

    /// Removes expired nonces; returns how many.
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn purge(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        self.durable.as_ref().map_or(Ok(0), |store| store.purge(now))
    }
}

struct Failure(&'static str, String);

impl Verifier {
    /// Verifies a presentation made for `nonce` and `audience`: a `vp+jwt`, or an SD-JWT VC with a Key Binding
    /// JWT (`dc+sd-jwt`), whose nonce is then consumed once the binding verified.
    pub async fn verify_presentation(
        &self,
        vp: &str,
        nonce: &str,
        audience: &str,
        at: DateTime<Utc>,
    ) -> PresentationVerification {
        let vp = vp.trim();
        if Format::of_presentation(vp) == Format::SdJwtKb {
            let policy = super::KeyBindingPolicy { required: true, aud: audience, nonce };
            let mut verification = self.verify_bound(vp, at, Some(policy)).await;
            let bound = verification.record().check("key-binding") == Some(CheckStatus::Passed);
            if bound {
                if self.nonces.use_once(nonce, at) {
                    verification.confirm("replay", None);
                } else {
                    let detail = format!("nonce {nonce:?} was already used: a replayed presentation");
                    verification.refuse("replay", Problem::new("replay", "Presentation refused", Some(detail)));
                }
            }
            return PresentationVerification::KeyBound(Box::new(verification));
        }
        let mut checked = Checked::new(Format::VpJwt, vp);
        if let Err(Failure(check, detail)) = self.presentation_checks(vp, nonce, audience, at, &mut checked).await {
            checked.record.fail(check, Problem::new(check, "Presentation refused", Some(detail)));
            for later in CHECKS.iter().skip_while(|c| **c != check).skip(1) {
                checked.record.skip(later, &format!("not run: {check} failed"));
            }
        }
        PresentationVerification::Enveloped(Box::new(Verification::conclude(checked, PolicyOutcome::default())))
    }

    async fn presentation_checks(
        &self,
        vp: &str,
        nonce: &str,
        audience: &str,
        at: DateTime<Utc>,
        checked: &mut Checked<Presentation>,
    ) -> Result<(), Failure> {
        let jws = CompactJws::parse(vp).map_err(|e| Failure("parse", e.to_string()))?;
        let claims = Value::Object(jws.claims().map_err(|e| Failure("parse", e.to_string()))?);
        checked.record.pass("parse", None);
        AlgorithmPolicy.accepted(jws.alg()).map_err(|e| Failure("alg", e.to_string()))?;
        checked.record.pass("alg", None);
        jws.check_typ(TokenKind::Presentation).map_err(|e| Failure("typ", e.to_string()))?;
        checked.record.pass("typ", None);
        let holder =
            holder_of(&claims).ok_or_else(|| Failure("holder-key", "the presentation names no holder".into()))?;
        let kid = jws.header_str("kid").unwrap_or_default().to_owned();
        let key = holder_key(&holder, &kid).map_err(|e| Failure("holder-key", e))?;
        jws.fits(&key).map_err(|e| Failure("holder-key", e.to_string()))?;
        checked.value = Some(Presentation { holder: Some(holder.clone()), credentials: Vec::new() });
        checked.record.pass("holder-key", Some(kid.clone()));
        jws.verify_signature(&key).map_err(|_| Failure("signature", "signature invalid".into()))?;
        checked.record.pass("signature", None);
        checked.key = Some(IssuerKey::bound(&holder, &kid, key));
        check_binding(&claims, nonce, audience, at, &mut checked.record)?;
        if !self.nonces.use_once(nonce, at) {
            return Err(Failure("replay", format!("nonce {nonce:?} was already used: a replayed presentation")));
        }
        checked.record.pass("replay", None);
        self.check_credentials(&claims, &holder, at, checked).await
    }

    async fn check_credentials(
        &self,
        claims: &Value,
        holder: &str,
        at: DateTime<Utc>,
        checked: &mut Checked<Presentation>,
    ) -> Result<(), Failure> {
        let tokens = presented_credentials(claims).map_err(|e| Failure("credentials", e))?;
        let mut failures = Vec::new();
        let mut credentials = Vec::new();
        for token in tokens {
            let mut credential = self.verify(&token, at).await;
            let subject = credential.value().and_then(|c| c.subject.clone());
            // A badge naming its holder by something other than a DID (an email, an id on another platform) cannot
            // be bound to the presenter's key: reported, not refused. A DID subject must be the presenter.
            if let Some(other) = subject.as_deref().filter(|s| *s != holder && !s.starts_with("did:")) {
                credential.warn(Problem::new(
                    "holder-binding-unproven",
                    "Holder binding not established",
                    Some(format!(
                        "the credential names its subject as {other}; nothing binds that to the presenter {holder}"
                    )),
                ));
            } else if credential.is_verified() && subject.as_deref() != Some(holder) {
                let subject = subject.unwrap_or_else(|| "no subject".into());
                credential.refuse(
                    "holder-binding",
                    Problem::new(
                        "holder-binding",
                        "Not the holder's credential",
                        Some(format!("the credential's subject is {subject}, the presenter is {holder}")),
                    ),
                );
            }
            if !credential.is_verified() {
                failures.push(credential.value().and_then(|c| c.id.clone()).unwrap_or_else(|| "a credential".into()));
            }
            credentials.push(credential);
        }
        let count = credentials.len();
        if let Some(presentation) = checked.value.as_mut() {
            presentation.credentials = credentials;
        }
        if failures.is_empty() {
            checked.record.pass("credentials", Some(format!("{count} credential(s) verified and bound to the holder")));
            Ok(())
        } else {
            Err(Failure("credentials", format!("not verified or not the holder's: {}", failures.join(", "))))
        }
    }
}

fn check_binding(
    claims: &Value,
    nonce: &str,
    audience: &str,
    at: DateTime<Utc>,
    report: &mut Record,
) -> Result<(), Failure> {
    let aud_matches = match claims.get("aud") {
        Some(Value::String(aud)) => aud == audience,
        Some(Value::Array(auds)) => auds.len() == 1 && auds[0] == audience,
        _ => false,
    };
    if !aud_matches {
        return Err(Failure(
            "audience",
            format!("the presentation is for {}, not {audience:?}", claims.get("aud").unwrap_or(&Value::Null)),
        ));
    }
    report.pass("audience", Some(audience.to_owned()));
    if claims.get("nonce").and_then(Value::as_str) != Some(nonce) {
        return Err(Failure("nonce", "the presentation's nonce is not this request's".into()));
    }
    report.pass("nonce", None);
    let iat = crate::core::numeric_date::read_value(claims, "iat").map_err(|e| Failure("freshness", e.to_string()))?;
    match iat {
        Some(iat) if (iat - at).abs() <= IAT_WINDOW => {
            report.pass("freshness", None);
            Ok(())
        }
        _ => Err(Failure("freshness", "iat is missing or more than 5 minutes from now".into())),
    }
}

fn holder_of(claims: &Value) -> Option<String> {
    let holder = match claims.get("holder") {
        Some(Value::String(h)) => Some(h.clone()),
        Some(Value::Object(h)) => h.get("id").and_then(Value::as_str).map(str::to_owned),
        _ => None,
    }?;
    match claims.get("iss").and_then(Value::as_str) {
        Some(iss) if iss != holder => None,
        _ => Some(holder),
    }
}

/// The holder's key: `kid` must be a DID URL of the holder, listed under `authentication` (STANDARDS.md 8.4).
fn holder_key(holder: &str, kid: &str) -> Result<crate::core::keys::VerifyingKey, String> {
    let did = Did::parse(holder).map_err(|e| e.to_string())?;
    let document = did.resolve().map_err(|e| e.to_string())?;
    document.key_for(holder, kid, Relationship::Authentication).map_err(|e| e.to_string())
}

/// The credentials of a presentation, as the text the pipeline reads: an `EnvelopedVerifiableCredential` whose `id`
/// is a `data:` URL of a `vc+jwt` or an Open Badges JWT, or an embedded credential with a Data Integrity `proof`.
fn presented_credentials(claims: &Value) -> Result<Vec<String>, String> {
    let entries = match claims.get("verifiableCredential") {
        Some(Value::Array(entries)) => entries.iter().collect::<Vec<_>>(),
        Some(one) => vec![one],
        None => return Err("the presentation holds no credential".into()),
    };
    if entries.is_empty() || entries.len() > MAX_CREDENTIALS {
        return Err(format!("a presentation holds 1 to {MAX_CREDENTIALS} credentials"));
    }
    entries
        .into_iter()
        .map(|entry| {
            if entry.get("proof").is_some() {
                return Ok(entry.to_string());
            }
            let is_enveloped = crate::core::credential::has_type(entry, "EnvelopedVerifiableCredential");
            let id = entry.get("id").and_then(Value::as_str).filter(|_| is_enveloped);
            [Format::VcJwt, Format::JwtVcJson]
                .into_iter()
                .find_map(|format| format.from_data_url(id?))
                .map(str::to_owned)
                .ok_or_else(|| {
                    "every credential must be an EnvelopedVerifiableCredential with a data:application/vc+jwt, or \
                     data:application/jwt, id, or an embedded credential with a Data Integrity proof"
                        .to_owned()
                })
        })
        .collect()
}
