//! Open Badges 2.0 assertions (1EdTech Open Badges 2.0, section "Verification"), the badges most people already
//! hold (Badgr, Canvas Credentials, Credly exports, SURF edubadges before OB 3.0). An assertion names its
//! `BadgeClass` and, through it, its `Issuer` by URL; it is either **signed** (a compact JWS, RS256, whose key the
//! issuer's profile lists as a `CryptographicKey` it owns) or **hosted** (no signature: the issuer's own server
//! vouches for the assertion at its `id`, within the origins the issuer allows).
//!
//! The documents the assertion names (the hosted assertion itself, the `BadgeClass`, the `Issuer`, its keys and
//! revocation list) are fetched by the verifier through the guarded fetcher before these checks, or given as
//! files offline; they arrive here in [`LinkedData::documents`](super::data_integrity::LinkedData), by URL. A
//! hosted assertion is never trusted from the copy presented (or baked in an image): the copy at its `id` is the
//! assertion, and a presented copy that differs from it is reported and not used.
//!
//! The report uses the names of the other pipelines; `alg` says `RS256` or `hosted`, and a hosted badge's
//! evidence is marked as such ([`Format::OpenBadgesV2Hosted`]), so a holder and an employer see the difference
//! between a signature and a server's word.

use chrono::{DateTime, Utc};
use josekit::jws::{JwsVerifier as _, RS256};
use serde_json::{Value, json};

use super::credential::claims::Credential;
use super::format::Format;
use super::jose::{CompactJws, JoseError};
use super::pipeline::Parsed;
use super::vc_jose::{VerifyContext, VerifyError, parse_date};
use super::verify::{Checked, IssuerKey, Problem};

/// The Open Badges 2.0 JSON-LD context.
pub const CONTEXT: &str = "https://w3id.org/openbadges/v2";

/// The checks, in order.
pub const CHECKS: [&str; 8] = ["parse", "alg", "issuer-key", "signature", "claims", "validity", "revocation", "schema"];

/// Whether a JSON document is an Open Badges 2.0 object (by its context, or an assertion's shape).
#[must_use]
pub fn is_v2(document: &Value) -> bool {
    document.as_object().is_some_and(is_v2_members)
}

/// [`is_v2`] of a JSON object's members (a parsed JWT payload, read without copying it).
#[must_use]
pub fn is_v2_members(document: &serde_json::Map<String, Value>) -> bool {
    let context = match document.get("@context") {
        Some(Value::String(one)) => one == CONTEXT,
        Some(Value::Array(items)) => items.iter().any(|c| c == CONTEXT),
        _ => false,
    };
    context || (document.get("recipient").is_some() && document.get("badge").is_some())
}

/// The documents an Open Badges 2.0 object links to that verification reads: an assertion's `badge` and
/// `verification.creator`, a `BadgeClass`'s `issuer`, an `Issuer`'s `publicKey`s and `revocationList` (URLs only;
/// embedded objects need no fetching).
#[must_use]
pub fn links(document: &Value) -> Vec<String> {
    let urls = |value: Option<&Value>| -> Vec<String> {
        match value {
            Some(Value::String(url)) if url.starts_with("https://") || url.starts_with("http://") => vec![url.clone()],
            Some(Value::Array(items)) => {
                items.iter().filter_map(Value::as_str).filter(|u| u.starts_with("http")).map(str::to_owned).collect()
            }
            _ => Vec::new(),
        }
    };
    let mut found = urls(document.get("badge"));
    if let Some(badge @ Value::Object(_)) = document.get("badge") {
        found.extend(links(badge));
    }
    for member in ["issuer", "publicKey", "revocationList"] {
        found.extend(urls(document.get(member)));
    }
    found.extend(urls(document.pointer("/verification/creator")));
    found
}

/// What was presented: a signed assertion (a JWS), a hosted assertion's JSON, or only its URL (a baked badge).
#[derive(Debug)]
pub enum Presented<'a, 'p> {
    /// A compact JWS whose payload is the assertion.
    Signed(&'a Parsed<'p>),
    /// The assertion JSON as presented.
    Hosted(&'a Value),
    /// The URL of a hosted assertion.
    HostedUrl(&'a str),
}

/// Runs the checks of an Open Badges 2.0 assertion (`token` is what was presented, kept in the result).
#[must_use]
pub fn check(token: &str, presented: &Presented<'_, '_>, ctx: &VerifyContext<'_>) -> Checked<Credential> {
    let format =
        if matches!(presented, Presented::Signed(_)) { Format::OpenBadgesV2Signed } else { Format::OpenBadgesV2Hosted };
    let mut checked = Checked::new(format, token.trim());
    if let Err(error) = run(presented, ctx, &mut checked) {
        let failed = error.check;
        checked.record.fail(failed, Problem::new(failed, error.title, error.detail));
        checked.record.skip_after(&CHECKS, failed);
    }
    checked
}

/// A failed check.
struct Failure {
    check: &'static str,
    title: &'static str,
    detail: String,
}

fn fail(check: &'static str, detail: impl Into<String>) -> Failure {
    let title = match check {
        "parse" => "Malformed credential",
        "alg" => "Algorithm not allowed",
        "issuer-key" => "Issuer key not found or not the issuer's",
        "signature" => "Signature invalid",
        "claims" => "Inconsistent claims",
        "validity" => "Outside the validity period",
        _ => "Revoked",
    };
    Failure { check, title, detail: detail.into() }
}

fn run(
    presented: &Presented<'_, '_>,
    ctx: &VerifyContext<'_>,
    checked: &mut Checked<Credential>,
) -> Result<(), Failure> {
    let documents = &ctx.linked_data.documents;
    let record = &mut checked.record;
    let (assertion, key) = match presented {
        Presented::Signed(parsed) => {
            let assertion = Value::Object(parsed.claims.clone());
            record.pass("parse", Some("a signed Open Badges 2.0 assertion".into()));
            if parsed.jws.alg() != "RS256" {
                return Err(fail("alg", JoseError::AlgNotAllowed(parsed.jws.alg().to_owned()).to_string()));
            }
            record.pass("alg", Some("RS256".into()));
            let (issuer, _) = badge_and_issuer(&assertion, documents)?;
            let (kid, pem) = signing_key(&assertion, &issuer, documents)?;
            record.pass("issuer-key", Some(kid.clone()));
            verify_pem(&parsed.jws, &pem)?;
            record.pass("signature", None);
            let issuer_id = text(&issuer, "id").to_owned();
            let key = IssuerKey {
                issuer: issuer_id,
                kid,
                key: crate::core::keys::PublicKey::Jwk(json!({"pem": pem})),
                bound: true,
            };
            (assertion, key)
        }
        Presented::Hosted(_) | Presented::HostedUrl(_) => {
            let url = match presented {
                Presented::Hosted(value) => value.get("id").and_then(Value::as_str).unwrap_or_default(),
                Presented::HostedUrl(url) => url,
                Presented::Signed(_) => "",
            };
            if let Presented::Hosted(value) = presented {
                if let Some(kind) = ["BadgeClass", "Issuer", "Profile"].into_iter().find(|t| has_type(value, &[t])) {
                    return Err(fail("parse", format!("this is an Open Badges 2.0 {kind}, not an assertion")));
                }
            }
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return Err(fail("parse", format!("a hosted assertion's id must be an http(s) URL, not {url:?}")));
            }
            record.pass("parse", Some("a hosted Open Badges 2.0 assertion".into()));
            record.pass("alg", Some("hosted: the issuer's server vouches, no signature".into()));
            let fetched = documents.get(url).cloned().ok_or_else(|| {
                fail(
                    "issuer-key",
                    format!("the hosted assertion {url} is not available (offline, give it with --did-document FILE)"),
                )
            })?;
            // Open Badges 2.0 hosted verification step 1: only the presented id counts; the hosted document is the
            // assertion. A presented copy that differs is reported, never used.
            if matches!(presented, Presented::Hosted(value) if **value != fetched) {
                record.warn(Problem::new(
                    "hosted-copy-differs",
                    "The presented copy is not the hosted assertion",
                    Some(format!(
                        "the copy presented differs from the assertion hosted at {url}; the hosted one was verified"
                    )),
                ));
            }
            let (issuer, _) = badge_and_issuer(&fetched, documents)?;
            check_origin(url, &issuer)?;
            record.pass("issuer-key", Some(format!("hosted at {url}")));
            record.pass("signature", Some("the assertion is the one its issuer hosts".into()));
            let key = IssuerKey {
                issuer: text(&issuer, "id").to_owned(),
                kid: url.to_owned(),
                key: crate::core::keys::PublicKey::Jwk(json!({"hosted": url})),
                bound: true,
            };
            (fetched, key)
        }
    };
    checked.key = Some(key);
    let (issuer, badge) = badge_and_issuer(&assertion, documents)?;
    check_claims(&assertion, &badge, &issuer)?;
    checked.record.pass("claims", Some(format!("BadgeClass {} of issuer {}", text(&badge, "id"), text(&issuer, "id"))));
    let period = check_dates(&assertion, ctx.now, ctx.skew)?;
    checked.record.pass("validity", Some(period));
    check_revocation(&assertion, &issuer, documents)?;
    checked.record.pass("revocation", Some("not revoked".into()));
    checked.record.skip_policy("schema", "Open Badges 2.0: checked by its own rules, no JSON Schema of ours applies");
    let format = checked.format;
    checked.value = Some(Credential::from_open_badges_v2(&assertion, &badge, &issuer, format));
    Ok(())
}

fn text<'a>(value: &'a Value, name: &str) -> &'a str {
    value.get(name).and_then(Value::as_str).unwrap_or_default()
}

/// A member that is a URL or an embedded object with an `id`, resolved through the documents.
fn resolve(
    value: Option<&Value>,
    documents: &std::collections::HashMap<String, Value>,
    what: &str,
) -> Result<Value, Failure> {
    match value {
        Some(Value::String(url)) => documents.get(url.as_str()).cloned().ok_or_else(|| {
            fail("claims", format!("the {what} {url} is not available (offline, give it with --did-document FILE)"))
        }),
        Some(object @ Value::Object(_)) => Ok(object.clone()),
        _ => Err(fail("claims", format!("the assertion names no {what}"))),
    }
}

/// The assertion's `Issuer` and `BadgeClass`.
fn badge_and_issuer(
    assertion: &Value,
    documents: &std::collections::HashMap<String, Value>,
) -> Result<(Value, Value), Failure> {
    let badge = resolve(assertion.get("badge"), documents, "BadgeClass")?;
    let issuer = resolve(badge.get("issuer"), documents, "Issuer")?;
    Ok((issuer, badge))
}

fn has_type(value: &Value, wanted: &[&str]) -> bool {
    wanted.iter().any(|t| super::credential::has_type(value, t))
}

fn check_claims(assertion: &Value, badge: &Value, issuer: &Value) -> Result<(), Failure> {
    if !has_context(assertion) {
        return Err(fail("claims", format!("the assertion's @context is not {CONTEXT}")));
    }
    if !has_type(assertion, &["Assertion"]) {
        return Err(fail("claims", "the assertion's type is not Assertion"));
    }
    if !has_type(badge, &["BadgeClass"]) {
        return Err(fail("claims", "the badge is not a BadgeClass"));
    }
    if !has_type(issuer, &["Issuer", "Profile"]) {
        return Err(fail("claims", "the badge's issuer is not an Issuer profile"));
    }
    if assertion.get("image").and_then(Value::as_str).is_some_and(|i| i.starts_with("data:")) {
        return Err(fail("claims", "an assertion's image must be a URL, not a data: URI (Open Badges 2.0 Assertion)"));
    }
    if assertion.get("recipient").and_then(|r| r.get("identity")).is_none() {
        return Err(fail("claims", "the assertion has no recipient identity"));
    }
    Ok(())
}

fn has_context(document: &Value) -> bool {
    match document.get("@context") {
        Some(Value::String(c)) => c == CONTEXT,
        Some(Value::Array(items)) => items.iter().any(|c| c == CONTEXT),
        _ => false,
    }
}

/// `issuedOn` not in the future; `expires` not passed and not before `issuedOn`.
fn check_dates(assertion: &Value, now: DateTime<Utc>, skew: chrono::Duration) -> Result<String, Failure> {
    let date = |name: &str| -> Result<Option<DateTime<Utc>>, Failure> {
        match assertion.get(name) {
            None => Ok(None),
            Some(Value::String(t)) => {
                parse_date(t).map(Some).ok_or_else(|| fail("validity", format!("{name} {t:?} is not a date")))
            }
            Some(other) => Err(fail("validity", format!("{name} {other} is not a date"))),
        }
    };
    let issued = date("issuedOn")?.ok_or_else(|| fail("validity", "the assertion has no issuedOn"))?;
    if issued > now + skew {
        return Err(fail("validity", format!("issued in the future: issuedOn {issued}")));
    }
    if let Some(expires) = date("expires")? {
        if expires < issued {
            return Err(fail("validity", format!("expires {expires} is before issuedOn {issued}")));
        }
        if expires <= now - skew {
            return Err(fail("validity", format!("expired: expires {expires}")));
        }
    }
    Ok(format!("valid at {}", super::vc_jose::rfc3339(now)))
}

/// The key a signed assertion is verified with: `verification.creator` (which the issuer must list in
/// `publicKey`), or else the issuer's only listed key; a `CryptographicKey` whose `owner` is the issuer.
fn signing_key(
    assertion: &Value,
    issuer: &Value,
    documents: &std::collections::HashMap<String, Value>,
) -> Result<(String, String), Failure> {
    let listed: Vec<&str> = match issuer.get("publicKey") {
        Some(Value::String(one)) => vec![one.as_str()],
        Some(Value::Array(items)) => {
            items.iter().filter_map(|k| k.as_str().or_else(|| k.get("id")?.as_str())).collect()
        }
        Some(object) => object.get("id").and_then(Value::as_str).into_iter().collect(),
        None => Vec::new(),
    };
    let creator = assertion.pointer("/verification/creator").and_then(Value::as_str);
    let kid = match creator {
        Some(creator) if listed.contains(&creator) => creator,
        Some(creator) => {
            return Err(fail("issuer-key", format!("the key {creator} is not one the issuer's profile lists")));
        }
        None => match listed.as_slice() {
            [one] => one,
            [] => return Err(fail("issuer-key", "the issuer's profile lists no public key")),
            _ => return Err(fail("issuer-key", "the assertion names no creator and the issuer lists several keys")),
        },
    };
    let key = documents.get(kid).ok_or_else(|| {
        fail("issuer-key", format!("the key {kid} is not available (offline, give it with --did-document FILE)"))
    })?;
    let issuer_id = text(issuer, "id");
    if text(key, "owner") != issuer_id {
        return Err(fail(
            "issuer-key",
            format!("the key {kid} is owned by {:?}, not the issuer {issuer_id}", text(key, "owner")),
        ));
    }
    let pem = key
        .get("publicKeyPem")
        .and_then(Value::as_str)
        .ok_or_else(|| fail("issuer-key", format!("{kid} has no publicKeyPem")))?;
    Ok((kid.to_owned(), pem.to_owned()))
}

fn verify_pem(jws: &CompactJws<'_>, pem: &str) -> Result<(), Failure> {
    let verifier = RS256
        .verifier_from_pem(pem)
        .map_err(|e| fail("issuer-key", format!("the key is not an RSA public key: {e}")))?;
    verifier
        .verify(jws.signing_input(), jws.signature())
        .map_err(|_| fail("signature", VerifyError::Signature.to_string()))
}

/// A hosted assertion must live where its issuer allows: the issuer's `verification` policy (`startsWith`
/// prefixes, `allowedOrigins` hosts), by default the issuer id's own origin.
fn check_origin(url: &str, issuer: &Value) -> Result<(), Failure> {
    let policy = issuer.get("verification");
    let list = |name: &str| -> Vec<String> {
        match policy.and_then(|p| p.get(name)) {
            Some(Value::String(one)) => vec![one.clone()],
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
            _ => Vec::new(),
        }
    };
    let starts = list("startsWith");
    if !starts.is_empty() && !starts.iter().any(|prefix| url.starts_with(prefix.as_str())) {
        return Err(fail("issuer-key", format!("{url} does not start with any of the issuer's startsWith {starts:?}")));
    }
    let authority = |u: &str| {
        url::Url::parse(u).ok().and_then(|u| {
            u.host_str().map(|h| match u.port() {
                Some(port) => format!("{h}:{port}"),
                None => h.to_owned(),
            })
        })
    };
    let mut allowed = list("allowedOrigins");
    if allowed.is_empty() {
        allowed.extend(authority(text(issuer, "id")));
    }
    match authority(url) {
        Some(host) if allowed.is_empty() || allowed.contains(&host) => Ok(()),
        _ => Err(fail("issuer-key", format!("{url} is not on an origin the issuer allows ({allowed:?})"))),
    }
}

/// `revoked: true` on the assertion, or its id (or 1.x `uid`) in the issuer's revocation list.
fn check_revocation(
    assertion: &Value,
    issuer: &Value,
    documents: &std::collections::HashMap<String, Value>,
) -> Result<(), Failure> {
    if assertion.get("revoked") == Some(&Value::Bool(true)) {
        let reason = text(assertion, "revocationReason");
        return Err(fail("revocation", format!("the assertion is revoked {reason}").trim_end().to_owned()));
    }
    let Some(list_url) = issuer.get("revocationList").and_then(Value::as_str) else { return Ok(()) };
    let list = documents
        .get(list_url)
        .ok_or_else(|| fail("revocation", format!("the revocation list {list_url} is not available")))?;
    let id = text(assertion, "id");
    let uid = text(assertion, "uid");
    let revoked =
        list.get("revokedAssertions").and_then(Value::as_array).into_iter().flatten().find(|entry| match entry {
            Value::String(revoked) => revoked == id,
            other => {
                other.get("id").and_then(Value::as_str) == Some(id)
                    || (!uid.is_empty() && other.get("uid").and_then(Value::as_str) == Some(uid))
            }
        });
    match revoked {
        Some(entry) => Err(fail(
            "revocation",
            format!("{id} is on the issuer's revocation list {}", text(entry, "revocationReason"))
                .trim_end()
                .to_owned(),
        )),
        None => Ok(()),
    }
}
