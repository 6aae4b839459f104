//! Securing VC Data Model 2.0 credentials with JOSE (W3C VC-JOSE-COSE, section 3.1.1 `vc+jwt`) and the offline
//! verification pipeline every role shares.
//!
//! The JWT payload *is* the credential; we add the registered claims `iss` (= issuer id), `iat`, `jti` (= id)
//! and `exp` (= validUntil) and never `vc`/`vp`. Verification runs the checks of DESIGN.md section 7 in order:
//! parse, alg, typ, issuer key (kid is a DID URL of the issuer, listed under `assertionMethod`, STANDARDS.md
//! 8.4), signature, claims (iss = issuer, no vc/vp), validity period (with clock skew), then the policy check of
//! schema conformance. The token is parsed once ([`Parsed`]); the result is a [`Checked`] credential that only the
//! verifier role concludes from (status and trust need the network or the verifier's policy).

use chrono::{DateTime, Duration, Utc};
use serde_json::{Map, Value};

use super::credential::claims::Credential;
use super::credential::schema::{SchemaViolation, Schemas};
use super::credential::{self, has_type, issuer_id, missing_micro_credential_elements};
use super::did::{Did, DidDocument, DidError, Relationship};
use super::format::Format;
use super::jose::{self, AlgorithmPolicy, HeaderSpec, JoseError, TokenKind};
use super::keys::{SigningKey, VerifyingKey};
use super::numeric_date;
use super::pipeline::{ParseError, Parsed};
use super::verify::{Checked, IssuerKey, Problem, Record};

/// VC-JOSE-COSE section 6.1.1: the media type of a credential secured with JOSE.
pub const MEDIA_TYPE: &str = Format::VcJwt.media_type();
/// The short format name used in reports.
pub const FORMAT: &str = Format::VcJwt.name();
/// The default tolerance for clock differences when checking validity (STANDARDS.md 9.5 suggests 60 to 300 s).
pub const DEFAULT_SKEW: Duration = Duration::seconds(120);

/// The checks of the offline pipeline, in order.
pub const CHECKS: [&str; 8] = ["parse", "alg", "typ", "issuer-key", "signature", "claims", "validity", "schema"];

/// The problem names of [`VerifyError`], one per check (listed in `docs/problems.md`).
pub const ERROR_NAMES: [&str; 10] =
    ["parse", "alg", "typ", "issuer-key", "signature", "claims", "validity", "schema", "status", "trust"];

/// Why a credential failed verification: exactly one variant per check.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// Not a well-formed compact JWS with a JSON object payload.
    #[error("{0}")]
    Parse(String),
    /// The algorithm is not allowed by policy.
    #[error("{0}")]
    Algorithm(JoseError),
    /// `typ` is not `vc+jwt`.
    #[error("{0}")]
    Typ(JoseError),
    /// The key could not be found or does not belong to the issuer.
    #[error("{0}")]
    IssuerKey(String),
    /// The signature does not verify.
    #[error("signature invalid")]
    Signature,
    /// The claims contradict each other or VC-JOSE-COSE.
    #[error("{0}")]
    Claims(String),
    /// Outside the validity period, or dates malformed.
    #[error("{0}")]
    Validity(String),
    /// The credential does not match its schemas.
    #[error("{0}")]
    Schema(SchemaViolation),
    /// Revoked, suspended or status unknown.
    #[error("{0}")]
    Status(String),
    /// The issuer is not on the trust list the policy requires.
    #[error("{0}")]
    Trust(String),
}

impl VerifyError {
    /// The check this error fails.
    #[must_use]
    pub fn check(&self) -> &'static str {
        match self {
            Self::Parse(_) => "parse",
            Self::Algorithm(_) => "alg",
            Self::Typ(_) => "typ",
            Self::IssuerKey(_) => "issuer-key",
            Self::Signature => "signature",
            Self::Claims(_) => "claims",
            Self::Validity(_) => "validity",
            Self::Schema(_) => "schema",
            Self::Status(_) => "status",
            Self::Trust(_) => "trust",
        }
    }

    /// The RFC 9457 problem for this error (type `…/problems#<check>`).
    #[must_use]
    pub fn problem(&self) -> Problem {
        let title = match self {
            Self::Parse(_) => "Malformed credential",
            Self::Algorithm(_) => "Algorithm not allowed",
            Self::Typ(_) => "Wrong token type",
            Self::IssuerKey(_) => "Issuer key not found or not the issuer's",
            Self::Signature => "Signature invalid",
            Self::Claims(_) => "Inconsistent claims",
            Self::Validity(_) => "Outside the validity period",
            Self::Schema(_) => "Credential does not match its schema",
            Self::Status(_) => "Credential status is not valid",
            Self::Trust(_) => "Issuer not trusted",
        };
        Problem::new(self.check(), title, self.to_string())
    }
}

/// Why an `x5c` token is refused by a resolver without X.509 trust anchors.
pub const NO_X509_ANCHORS: &str = "the token is signed under an X.509 certificate chain (x5c), and no X.509 trust anchors are configured here (--x509-roots)";

/// Finds the key that verifies an issuer's token, given the issuer identifier and the header's `kid`.
pub trait IssuerKeyResolver: Send + Sync {
    /// The issuer's key named by `kid`.
    ///
    /// # Errors
    /// Why the key cannot be found or does not belong to the issuer.
    fn issuer_key(&self, issuer: &str, kid: &str) -> Result<VerifyingKey, String>;

    /// The issuer's key from the `x5c` chain of its token, checked at `now` against this resolver's X.509 trust
    /// anchors and against the name the token claims (`iss`); with what to report about it (the leaf's subject and
    /// the anchor). Resolvers without anchors refuse.
    ///
    /// # Errors
    /// Why the chain is not accepted.
    fn issuer_key_x5c(&self, issuer: &str, x5c: &Value, now: DateTime<Utc>) -> Result<(VerifyingKey, String), String> {
        let _ = (issuer, x5c, now);
        Err(NO_X509_ANCHORS.into())
    }
}

/// Finds DID documents. `did:key` and `did:jwk` resolve locally; `did:web` needs a document from somewhere.
pub trait DidResolver: Send + Sync {
    /// The DID document of `did`.
    ///
    /// # Errors
    /// [`DidError`] when the DID cannot be resolved.
    fn resolve(&self, did: &Did) -> Result<DidDocument, DidError>;
}

/// Every DID resolver is an issuer key resolver by STANDARDS.md 8.4: `kid` must be a DID URL whose DID is the
/// issuer, and the method must be listed under `assertionMethod`.
impl<R: DidResolver> IssuerKeyResolver for R {
    fn issuer_key(&self, issuer: &str, kid: &str) -> Result<VerifyingKey, String> {
        if kid.is_empty() {
            return Err("the header has no kid".into());
        }
        let (kid_did, _) = kid.split_once('#').unwrap_or((kid, ""));
        if kid_did != issuer {
            return Err(format!("kid {kid:?} is not a key of issuer {issuer:?}"));
        }
        let did = Did::parse(issuer).map_err(|e| e.to_string())?;
        let document = self.resolve(&did).map_err(|e| e.to_string())?;
        document.key_for(issuer, kid, Relationship::AssertionMethod).map_err(|e| e.to_string())
    }
}

/// Resolves generative DIDs, and did:web from documents supplied beforehand (`verify --did-document FILE`).
#[derive(Debug, Default, Clone)]
pub struct LocalResolver {
    documents: Vec<DidDocument>,
}

impl LocalResolver {
    /// Adds a did:web document (its `id` must already have been checked against the DID).
    pub fn add_document(&mut self, document: DidDocument) {
        self.documents.push(document);
    }

    /// Whether a document for `did` was supplied.
    #[must_use]
    pub fn has_document(&self, did: &str) -> bool {
        self.documents.iter().any(|d| d.id == did)
    }
}

impl DidResolver for LocalResolver {
    fn resolve(&self, did: &Did) -> Result<DidDocument, DidError> {
        match self.documents.iter().find(|d| d.id == did.as_str()) {
            Some(document) => Ok(document.clone()),
            None => did.resolve(),
        }
    }
}

/// What the pipeline needs besides the token.
pub struct VerifyContext<'a> {
    /// Where issuer keys come from (a [`DidResolver`] for DID issuers).
    pub keys: &'a dyn IssuerKeyResolver,
    /// The compiled schemas.
    pub schemas: &'a Schemas,
    /// The instant to verify at.
    pub now: DateTime<Utc>,
    /// Tolerance for clock differences.
    pub skew: Duration,
    /// Contexts and key documents for Data Integrity credentials.
    pub linked_data: &'a super::data_integrity::LinkedData,
    /// In a batch: where the issuer's signature is set aside to be checked with the others.
    pub set_aside: Option<&'a super::signature_batch::SetAside>,
}

impl VerifyContext<'_> {
    /// Checks the issuer's signature of `jws`, or sets it aside when this is a batch.
    ///
    /// # Errors
    /// An algorithm refusal or [`JoseError::SignatureInvalid`].
    pub fn check_issuer_signature(&self, jws: &jose::CompactJws<'_>, key: &VerifyingKey) -> Result<(), JoseError> {
        match self.set_aside {
            Some(slot) if slot.set_aside(jws, key) => Ok(()),
            _ => jws.verify_signature(key),
        }
    }
}

/// Signs a credential as `vc+jwt`: payload = credential + `iss`, `iat`, `jti`, `exp`; header `typ`, `kid`.
///
/// # Errors
/// [`JoseError::Signing`] when the credential is not a JSON object or josekit refuses.
pub fn sign_credential(
    credential: &Value,
    key: &SigningKey,
    kid: &str,
    now: DateTime<Utc>,
) -> Result<String, JoseError> {
    let payload = payload_with_claims(credential, now)?;
    let header = HeaderSpec { typ: Some(TokenKind::Credential), kid: Some(kid), ..HeaderSpec::default() };
    jose::sign(&payload, &header, key)
}

/// The credential's JSON with `iss`, `iat`, `jti` and `exp` appended. Serializes once and appends the claims as
/// text instead of cloning the credential into a new map (issuing is a hot path). A credential that already
/// carries any of those claims is refused rather than given two values for one name.
fn payload_with_claims(credential: &Value, now: DateTime<Utc>) -> Result<Vec<u8>, JoseError> {
    let object = credential.as_object().ok_or_else(|| JoseError::Signing("credential is not an object".into()))?;
    if let Some(claim) = JWT_CLAIMS.iter().find(|c| object.contains_key(**c)) {
        return Err(JoseError::Signing(format!("the credential already has a {claim} member")));
    }
    let mut claims = Map::new();
    if let Some(issuer) = issuer_id(credential) {
        claims.insert("iss".into(), Value::String(issuer.to_owned()));
    }
    claims.insert("iat".into(), now.timestamp().into());
    if let Some(id) = object.get("id") {
        claims.insert("jti".into(), id.clone());
    }
    if let Some(until) = object.get("validUntil").and_then(Value::as_str).and_then(parse_date) {
        claims.insert("exp".into(), until.timestamp().into());
    }
    let json = |v: &Value| serde_json::to_vec(v).map_err(|e| JoseError::Signing(e.to_string()));
    let mut payload = json(credential)?;
    let extra = json(&Value::Object(claims))?;
    payload.pop();
    if !object.is_empty() {
        payload.push(b',');
    }
    payload.extend_from_slice(&extra[1..]);
    Ok(payload)
}

/// Runs the offline checks of a parsed `vc+jwt` (status and trust are left to the verifier role).
#[must_use]
pub fn check(token: &str, parsed: Result<Parsed<'_>, ParseError>, ctx: &VerifyContext<'_>) -> Checked<Credential> {
    let mut checked = Checked::new(Format::VcJwt, token.trim());
    if let Err(error) = run_checks(parsed, ctx, &mut checked) {
        record_failure(&mut checked.record, &error, &CHECKS);
    }
    checked
}

/// Records the check `error` fails (schema conformance as policy) and every later one of `checks` as not run.
pub(crate) fn record_failure(record: &mut Record, error: &VerifyError, checks: &[&str]) {
    let failed = error.check();
    if matches!(error, VerifyError::Schema(_)) {
        record.fail_policy(failed, error.problem());
    } else {
        record.fail(failed, error.problem());
    }
    record.skip_after(checks, failed);
}

/// A token that could not be parsed, as the check it fails (`alg` for a refused algorithm, else `parse`).
pub(crate) fn parse_failure(error: ParseError) -> VerifyError {
    match error {
        ParseError::Algorithm(jose) => VerifyError::Algorithm(jose),
        ParseError::Malformed(why) => VerifyError::Parse(why),
    }
}

fn run_checks(
    parsed: Result<Parsed<'_>, ParseError>,
    ctx: &VerifyContext<'_>,
    checked: &mut Checked<Credential>,
) -> Result<(), VerifyError> {
    let parsed = parsed.map_err(parse_failure);
    if !matches!(parsed, Err(VerifyError::Parse(_))) {
        checked.record.pass("parse", None);
    }
    let parsed = parsed?;
    let record = &mut checked.record;
    let jws = &parsed.jws;
    let alg = AlgorithmPolicy.accepted(jws.alg()).map_err(VerifyError::Algorithm)?;
    record.pass("alg", Some(alg.to_owned()));
    jws.check_typ(TokenKind::Credential).map_err(VerifyError::Typ)?;
    record.pass("typ", Some(FORMAT.to_owned()));
    let kid = jws.header_str("kid").unwrap_or_default().to_owned();
    let document = Value::Object(parsed.claims);
    let issuer = issuer_id(&document).ok_or_else(|| VerifyError::IssuerKey("the credential names no issuer".into()))?;
    let key = ctx.keys.issuer_key(issuer, &kid).map_err(VerifyError::IssuerKey)?;
    jws.fits(&key).map_err(|e| VerifyError::IssuerKey(e.to_string()))?;
    record.pass("issuer-key", Some(kid.clone()));
    ctx.check_issuer_signature(jws, &key).map_err(|_| VerifyError::Signature)?;
    record.pass("signature", None);
    checked.key = Some(IssuerKey::bound(issuer, &kid, key));
    let outcome = check_document(&document, ctx, record);
    checked.value = Some(Credential::from_w3c(document));
    outcome
}

fn check_document(document: &Value, ctx: &VerifyContext<'_>, record: &mut Record) -> Result<(), VerifyError> {
    check_claims(document)?;
    record.pass("claims", None);
    let period = check_validity(document, ctx)?;
    record.pass("validity", Some(period));
    let schemas = check_schema(document, ctx.schemas)?;
    record.pass_policy("schema", Some(schemas));
    Ok(())
}

fn check_claims(document: &Value) -> Result<(), VerifyError> {
    if document.get("vc").is_some() || document.get("vp").is_some() {
        return Err(VerifyError::Claims(
            "the claims vc and vp must not appear in a vc+jwt (VC-JOSE-COSE 3.1.1)".into(),
        ));
    }
    if !has_type(document, "VerifiableCredential") {
        return Err(VerifyError::Claims("type does not include VerifiableCredential".into()));
    }
    let issuer = issuer_id(document).unwrap_or_default();
    if let Some(iss) = document.get("iss") {
        if iss.as_str() != Some(issuer) {
            return Err(VerifyError::Claims(format!("iss {iss} does not equal the issuer {issuer:?}")));
        }
    }
    if let (Some(jti), Some(id)) = (document.get("jti"), document.get("id")) {
        if jti != id {
            return Err(VerifyError::Claims(format!("jti {jti} does not equal the credential id {id}")));
        }
    }
    let subject_id = credential::subject(document).and_then(|s| s.get("id"));
    if let (Some(sub), Some(subject_id)) = (document.get("sub"), subject_id) {
        if sub != subject_id {
            return Err(VerifyError::Claims(format!(
                "sub {sub} does not equal credentialSubject.id {subject_id} (VC-JOSE-COSE 3.1.1)"
            )));
        }
    }
    Ok(())
}

/// The validity period (VCDM 2.0 `validFrom`/`validUntil`, or VCDM 1.1 `issuanceDate`/`expirationDate` when the
/// 2.0 members are absent) and the JWT's `exp`, `nbf`, `iat`, with the clock skew allowed.
pub(crate) fn check_validity(document: &Value, ctx: &VerifyContext<'_>) -> Result<String, VerifyError> {
    let (now, skew) = (ctx.now, ctx.skew);
    let from = match date_member(document, "validFrom")? {
        None => date_member(document, "issuanceDate")?,
        found => found,
    };
    let until = match date_member(document, "validUntil")? {
        None => date_member(document, "expirationDate")?,
        found => found,
    };
    if let (Some(from), Some(until)) = (from, until) {
        if from > until {
            return Err(VerifyError::Validity(format!("validFrom {from} is after validUntil {until}")));
        }
    }
    if let Some(from) = from.filter(|from| *from > now + skew) {
        return Err(VerifyError::Validity(format!(
            "not yet valid: validFrom {} is after {}",
            rfc3339(from),
            rfc3339(now)
        )));
    }
    if let Some(until) = until.filter(|until| *until <= now - skew) {
        return Err(VerifyError::Validity(format!(
            "expired: validUntil {} is before {}",
            rfc3339(until),
            rfc3339(now)
        )));
    }
    check_numeric_dates(document, now, skew)?;
    Ok(format!("valid at {}", rfc3339(now)))
}

/// RFC 7519 `exp`, `nbf` and `iat` (the signature's lifetime), each a NumericDate: integers and non-integers are
/// instants, anything else (a string, `1e300`) is refused.
fn check_numeric_dates(document: &Value, now: DateTime<Utc>, skew: Duration) -> Result<(), VerifyError> {
    let numeric = |name| numeric_date::read_value(document, name).map_err(|e| VerifyError::Validity(e.to_string()));
    let (exp, nbf, iat) = (numeric("exp")?, numeric("nbf")?, numeric("iat")?);
    if let Some(exp) = exp.filter(|exp| *exp <= now - skew) {
        return Err(VerifyError::Validity(format!("expired: exp {} is before {}", rfc3339(exp), rfc3339(now))));
    }
    if let Some(nbf) = nbf.filter(|nbf| *nbf > now + skew) {
        return Err(VerifyError::Validity(format!("not yet valid: nbf {}", rfc3339(nbf))));
    }
    if let Some(iat) = iat.filter(|iat| *iat > now + skew) {
        return Err(VerifyError::Validity(format!("issued in the future: iat {}", rfc3339(iat))));
    }
    Ok(())
}

fn date_member(document: &Value, name: &str) -> Result<Option<DateTime<Utc>>, VerifyError> {
    match document.get(name) {
        None => Ok(None),
        Some(Value::String(text)) => parse_date(text)
            .map(Some)
            .ok_or_else(|| VerifyError::Validity(format!("{name} {text:?} is not an XML Schema dateTimeStamp"))),
        Some(other) => Err(VerifyError::Validity(format!("{name} {other} is not a string"))),
    }
}

pub use super::credential::claims::parse_date;

/// Formats an instant as an XSD `dateTimeStamp` with `Z`, to the second.
#[must_use]
pub fn rfc3339(instant: DateTime<Utc>) -> String {
    instant.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Conformance to the schemas the credential's claims select. Our micro-credential extension requires the eleven
/// EU elements, so a credential claiming our context and `MicroCredential` is checked for them here; another
/// platform's `MicroCredential` is not held to our extension (its completeness is reported by policy instead).
pub(crate) fn check_schema(document: &Value, schemas: &Schemas) -> Result<String, VerifyError> {
    if credential::is_micro_credential(document) && credential::has_context(document, credential::SKILLSPASS_CONTEXT) {
        let missing = missing_micro_credential_elements(document);
        if !missing.is_empty() {
            let violations = missing.into_iter().map(|m| format!("missing EU element {m}")).collect();
            return Err(VerifyError::Schema(SchemaViolation { schema: "micro-credential", violations }));
        }
    }
    schemas
        .validate(document)
        .map(|names| {
            if names.is_empty() {
                "VC Data Model 1.1: no JSON Schema of ours applies".to_owned()
            } else {
                names.join(", ")
            }
        })
        .map_err(VerifyError::Schema)
}

/// The payload members that JWT adds around the credential; stripped when the credential itself is wanted.
pub const JWT_CLAIMS: [&str; 7] = ["iss", "sub", "aud", "exp", "nbf", "iat", "jti"];

/// The credential without the JWT registered claims.
#[must_use]
pub fn strip_jwt_claims(document: &Value) -> Value {
    let mut map: Map<String, Value> = document.as_object().cloned().unwrap_or_default();
    for claim in JWT_CLAIMS {
        map.remove(claim);
    }
    Value::Object(map)
}
