//! The Open Badges 3.0 JWT proof format (OB 3.0 section 8.3 "JSON Web Token Proof Format"), which is also the
//! `jwt_vc_json` format of OpenID4VCI: a credential signed as a plain JWT, `typ` `JWT` or absent, with the
//! credential as the payload (VC 2.0) or in a `vc` claim (VC 1.1), and the registered claims `iss` = issuer,
//! `jti` = id, `nbf` = validFrom, `sub` = credentialSubject.id, `exp` = validUntil.
//!
//! Other platforms sign these with RS256 (the profile's minimum), ES256 or EdDSA. The key comes from the header:
//! a `kid` (a DID URL of the issuer, resolved as for `vc+jwt`; or an https URL whose JWK, JWK Set or key document
//! was fetched through the guarded fetcher or given as a file) or a `jwk` (never with `d`). Only the profile's
//! header members are allowed. A `jwk` header proves nothing about who the issuer is, and neither does a `kid`
//! outside the issuer's own URL space: such a key verifies the signature but is reported as not bound to the
//! issuer ([`IssuerKey::bound`]), and trust decides.

use josekit::jwk::Jwk;
use josekit::jws::{JwsVerifier, RS256};
use serde_json::{Map, Value};

use super::credential::claims::Credential;
use super::credential::{issuer_id, open_badges, subject};
use super::format::Format;
use super::jose::{ALG_ED25519, ALG_EDDSA, CompactJws, JoseError};
use super::keys::{PublicKey, VerifyingKey};
use super::numeric_date;
use super::pipeline::{ParseError, Parsed};
use super::vc_jose::{VerifyContext, VerifyError, check_schema, check_validity, parse_date};
use super::verify::{Checked, IssuerKey, Problem, Record};

/// The checks, in order (those of `vc+jwt`).
pub const CHECKS: [&str; 8] = ["parse", "alg", "typ", "issuer-key", "signature", "claims", "validity", "schema"];

/// The header members the profile allows ("Additional JOSE Headers are NOT allowed").
const HEADER_MEMBERS: [&str; 4] = ["alg", "kid", "jwk", "typ"];

/// The algorithms we verify in this profile.
const ALGORITHMS: [&str; 4] = ["RS256", "ES256", ALG_EDDSA, ALG_ED25519];

/// The smallest RSA modulus we accept (RFC 7518 section 3.3 requires 2048 bits).
const MIN_RSA_BITS: usize = 2048;

/// Whether a parsed JWS is in this profile: `typ` `JWT` (case-insensitive, `application/` optional) or absent.
#[must_use]
pub fn is_plain_jwt(jws: &CompactJws<'_>) -> bool {
    match jws.header_str("typ") {
        None => !jws.header().contains_key("typ"),
        Some(typ) => {
            let typ = typ.to_ascii_lowercase();
            typ.strip_prefix("application/").unwrap_or(&typ) == "jwt"
        }
    }
}

/// Runs the checks of a parsed OB 3.0 JWT (status and trust are the verifier role's).
#[must_use]
pub fn check(token: &str, parsed: Result<Parsed<'_>, ParseError>, ctx: &VerifyContext<'_>) -> Checked<Credential> {
    let mut checked = Checked::new(Format::JwtVcJson, token.trim());
    if let Err(error) = run(parsed, ctx, &mut checked) {
        super::vc_jose::record_failure(&mut checked.record, &error, &CHECKS);
    }
    checked
}

fn run(
    parsed: Result<Parsed<'_>, ParseError>,
    ctx: &VerifyContext<'_>,
    checked: &mut Checked<Credential>,
) -> Result<(), VerifyError> {
    let parsed = parsed.map_err(super::vc_jose::parse_failure)?;
    let jws = &parsed.jws;
    if let Some(extra) = jws.header().keys().find(|k| !HEADER_MEMBERS.contains(&k.as_str())) {
        return Err(VerifyError::Parse(format!("the header member {extra:?} is not allowed in an Open Badges JWT")));
    }
    let claims = Value::Object(parsed.claims.clone());
    let credential = match claims.get("vc") {
        Some(vc @ Value::Object(_)) => vc.clone(),
        Some(_) => return Err(VerifyError::Parse("the vc claim is not an object".into())),
        None => claims.clone(),
    };
    let record = &mut checked.record;
    record.pass("parse", Some(if claims.get("vc").is_some() { "VC 1.1 in a vc claim" } else { "VC 2.0" }.into()));
    let alg = ALGORITHMS
        .iter()
        .find(|a| **a == jws.alg())
        .ok_or_else(|| VerifyError::Algorithm(JoseError::AlgNotAllowed(jws.alg().to_owned())))?;
    record.pass("alg", Some((*alg).to_owned()));
    if jws.header().contains_key("cty") {
        return Err(VerifyError::Typ(JoseError::UnexpectedCty { found: "cty".into() }));
    }
    record.pass("typ", Some(jws.header_str("typ").unwrap_or("absent").to_owned()));
    let issuer = issuer_id(&credential)
        .ok_or_else(|| VerifyError::IssuerKey("the credential names no issuer".into()))?
        .to_owned();
    let key = issuer_key(jws, &issuer, ctx)?;
    let binding = if key.bound { "" } else { " (not bound to the issuer)" };
    record.pass("issuer-key", Some(format!("{}{binding}", key.kid)));
    verify_signature(jws, alg, &key.key)?;
    record.pass("signature", None);
    if !key.bound {
        record.warn(Problem::new(
            "issuer-key-unbound",
            "Key not bound to the issuer",
            Some(format!("{} proves nothing about the issuer {issuer}; trust decides", key.kid)),
        ));
    }
    checked.key = Some(key);
    let outcome = check_document(&claims, &credential, ctx, &mut checked.record);
    checked.value = Some(Credential::from_w3c(credential).in_format(Format::JwtVcJson));
    outcome
}

/// The key from the header, and whether it is the issuer's.
fn issuer_key(jws: &CompactJws<'_>, issuer: &str, ctx: &VerifyContext<'_>) -> Result<IssuerKey, VerifyError> {
    let kid = jws.header_str("kid");
    let header_jwk = jws.header().get("jwk");
    let key_error = |why: String| VerifyError::IssuerKey(why);
    if let Some(kid) = kid.filter(|k| k.starts_with("did:")) {
        let key = ctx.keys.issuer_key(issuer, kid).map_err(key_error)?;
        if let Some(jwk) = header_jwk {
            if VerifyingKey::from_jwk(jwk).ok() != Some(key) {
                return Err(key_error(format!("the header jwk is not the key {kid} names")));
            }
        }
        return Ok(IssuerKey::bound(issuer, kid, key));
    }
    if let Some(kid) = kid.filter(|k| k.starts_with("https://") || k.starts_with("http://")) {
        let jwk = kid_jwk(kid, ctx)?;
        let bound = under(kid, issuer);
        return Ok(IssuerKey { issuer: issuer.to_owned(), kid: kid.to_owned(), key: public_key(&jwk)?, bound });
    }
    match header_jwk {
        Some(jwk) => {
            let key = public_key(jwk)?;
            let label = kid.map_or_else(|| "the header jwk".to_owned(), |k| format!("the header jwk ({k})"));
            Ok(IssuerKey { issuer: issuer.to_owned(), kid: label, key, bound: false })
        }
        None => match kid {
            Some(kid) => Err(key_error(format!("kid {kid:?} is neither a DID URL nor an https URL"))),
            None => Err(key_error("the header has neither kid nor jwk, so the issuer's key is unknown".into())),
        },
    }
}

/// Whether `kid` lies in the issuer's URL space: the issuer's URL itself, a fragment of it, or a path below it.
fn under(kid: &str, issuer: &str) -> bool {
    let base = issuer.trim_end_matches('/');
    (issuer.starts_with("https://") || issuer.starts_with("http://"))
        && (kid == issuer || kid.strip_prefix(base).is_some_and(|rest| rest.starts_with(['#', '/'])))
}

/// The JWK an https `kid` dereferences to: a JWK, a JWK Set (the key whose `kid` is the URL or its fragment), or a
/// Multikey / controller document.
fn kid_jwk(kid: &str, ctx: &VerifyContext<'_>) -> Result<Value, VerifyError> {
    let (url, fragment) = kid.split_once('#').unwrap_or((kid, ""));
    let document = ctx.linked_data.documents.get(url).ok_or_else(|| {
        VerifyError::IssuerKey(format!("the key at {url} is not available (offline, give it with --did-document FILE)"))
    })?;
    if document.get("kty").is_some() {
        return Ok(document.clone());
    }
    if let Some(keys) = document.get("keys").and_then(Value::as_array) {
        let wanted = |k: &&Value| {
            k.get("kid").and_then(Value::as_str).is_some_and(|id| id == kid || (!fragment.is_empty() && id == fragment))
        };
        return keys
            .iter()
            .find(wanted)
            .cloned()
            .ok_or_else(|| VerifyError::IssuerKey(format!("the key set at {url} has no key {kid:?}")));
    }
    if let Some(jwk) = document.get("publicKeyJwk") {
        return Ok(jwk.clone());
    }
    Err(VerifyError::IssuerKey(format!("the document at {url} is not a JWK or JWK Set")))
}

/// A public JWK as a key: Ed25519 and P-256 keys as ours, RSA kept as JWK (checked by josekit when verifying).
fn public_key(jwk: &Value) -> Result<PublicKey, VerifyError> {
    if jwk.get("d").is_some() {
        return Err(VerifyError::Parse(JoseError::PrivateKeyInHeader.to_string()));
    }
    match jwk.get("kty").and_then(Value::as_str) {
        Some("OKP" | "EC") => {
            VerifyingKey::from_jwk(jwk).map(PublicKey::Verifying).map_err(|e| VerifyError::IssuerKey(e.to_string()))
        }
        Some("RSA") => {
            let mut public: Map<String, Value> = jwk.as_object().cloned().unwrap_or_default();
            public.retain(|k, _| matches!(k.as_str(), "kty" | "n" | "e" | "crv" | "x" | "y"));
            Ok(PublicKey::Jwk(Value::Object(public)))
        }
        other => Err(VerifyError::IssuerKey(format!("unsupported key type {other:?}"))),
    }
}

fn verify_signature(jws: &CompactJws<'_>, alg: &str, key: &PublicKey) -> Result<(), VerifyError> {
    let mismatch = |kty: &str| VerifyError::Algorithm(JoseError::AlgNotAllowed(format!("{alg} with a {kty} key")));
    match key {
        PublicKey::Verifying(key) => {
            jws.fits(key).map_err(VerifyError::Algorithm)?;
            jws.verify_signature(key).map_err(|_| VerifyError::Signature)
        }
        PublicKey::Jwk(jwk) => {
            let kty = jwk.get("kty").and_then(Value::as_str).unwrap_or_default();
            let map = jwk.as_object().cloned().unwrap_or_default();
            let jwk = Jwk::from_map(map).map_err(|e| VerifyError::IssuerKey(e.to_string()))?;
            let verifier: Box<dyn JwsVerifier> = match (alg, kty) {
                ("RS256", "RSA") => {
                    let verifier = RS256.verifier_from_jwk(&jwk).map_err(|e| VerifyError::IssuerKey(e.to_string()))?;
                    if rsa_bits(&jwk) < MIN_RSA_BITS {
                        return Err(VerifyError::IssuerKey(format!("the RSA key is under {MIN_RSA_BITS} bits")));
                    }
                    Box::new(verifier)
                }
                _ => return Err(mismatch(kty)),
            };
            verifier.verify(jws.signing_input(), jws.signature()).map_err(|_| VerifyError::Signature)
        }
    }
}

fn rsa_bits(jwk: &Jwk) -> usize {
    jwk.parameter("n")
        .and_then(Value::as_str)
        .and_then(|n| super::encoding::b64url_decode(n).ok())
        .map_or(0, |bytes| bytes.iter().skip_while(|b| **b == 0).count() * 8)
}

/// `claims` (the registered claims against the credential, OB 3.0 verification step 5), `validity`, `schema`.
fn check_document(
    claims: &Value,
    credential: &Value,
    ctx: &VerifyContext<'_>,
    record: &mut Record,
) -> Result<(), VerifyError> {
    let detail = registered_claims(claims, credential, record)?;
    if !super::credential::has_type(credential, "VerifiableCredential") {
        return Err(VerifyError::Claims("type does not include VerifiableCredential".into()));
    }
    if open_badges::is_open_badge(credential) {
        let violations = open_badges::type_violations(credential);
        if !violations.is_empty() {
            return Err(VerifyError::Claims(violations.join("; ")));
        }
    }
    record.pass("claims", Some(detail));
    let period = check_validity(credential, ctx)?;
    if claims.get("vc").is_some() {
        check_validity(claims, ctx)?;
    }
    record.pass("validity", Some(period));
    let schemas = check_schema(credential, ctx.schemas)?;
    record.pass_policy("schema", Some(schemas));
    Ok(())
}

fn registered_claims(claims: &Value, credential: &Value, record: &mut Record) -> Result<String, VerifyError> {
    let issuer = issuer_id(credential).unwrap_or_default();
    match claims.get("iss").and_then(Value::as_str) {
        Some(iss) if iss == issuer => {}
        Some(iss) => return Err(VerifyError::Claims(format!("iss {iss:?} is not the issuer {issuer:?}"))),
        None => return Err(VerifyError::Claims("the JWT has no iss".into())),
    }
    if let Some(id) = credential.get("id") {
        if claims.get("jti") != Some(id) {
            return Err(VerifyError::Claims(format!("jti {} is not the credential id {id}", show(claims.get("jti")))));
        }
    }
    let subject_id = subject(credential).and_then(|s| s.get("id"));
    match (claims.get("sub"), subject_id) {
        (Some(sub), Some(id)) if sub != id => {
            return Err(VerifyError::Claims(format!("sub {sub} is not credentialSubject.id {id}")));
        }
        (None, Some(_)) => record.warn(Problem::new(
            "claims-sub-missing",
            "No sub claim",
            Some("the JWT has no sub; Open Badges 3.0 requires it to be credentialSubject.id".into()),
        )),
        _ => {}
    }
    same_instant(claims, "nbf", credential, &["validFrom", "issuanceDate"], true)?;
    same_instant(claims, "exp", credential, &["validUntil", "expirationDate"], false)?;
    Ok("iss, jti, sub, nbf and exp agree with the credential".into())
}

/// A NumericDate claim equals the credential's date at second precision (`required`: the claim must be there).
fn same_instant(
    claims: &Value,
    claim: &str,
    credential: &Value,
    members: &[&str],
    required: bool,
) -> Result<(), VerifyError> {
    let at = numeric_date::read_value(claims, claim).map_err(|e| VerifyError::Claims(e.to_string()))?;
    let date = members.iter().find_map(|m| credential.get(*m).and_then(Value::as_str).map(|t| (*m, t)));
    match (at, date) {
        (None, _) if required => Err(VerifyError::Claims(format!("the JWT has no {claim}"))),
        (None, Some((member, _))) if claim == "exp" => {
            Err(VerifyError::Claims(format!("the credential has {member} but the JWT has no exp")))
        }
        (Some(at), Some((member, text))) => {
            let date =
                parse_date(text).ok_or_else(|| VerifyError::Claims(format!("{member} {text:?} is not a date")))?;
            if date.timestamp() == at.timestamp() {
                Ok(())
            } else {
                Err(VerifyError::Claims(format!(
                    "{claim} {} does not equal {member} {text}",
                    super::vc_jose::rfc3339(at)
                )))
            }
        }
        _ => Ok(()),
    }
}

fn show(value: Option<&Value>) -> String {
    value.map_or_else(|| "(absent)".to_owned(), ToString::to_string)
}
