//! Checking a credential's status references against the issuer's published lists: W3C Bitstring Status List v1.0
//! (section 3.2 "Validate Algorithm") and the IETF Token Status List (section 8.3), through the guarded fetcher and
//! its cache.
//!
//! A list that cannot be fetched, does not verify, is signed by someone other than the credential's issuer, is
//! too short, or does not cover the index makes the status *unknown*; the verifier's policy decides whether
//! unknown fails.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::core::credential::claims::{Credential, StatusReference};
use crate::core::credential::{has_type, issuer_id, subject};
use crate::core::format::Format;
use crate::core::jose::{AlgorithmPolicy, CompactJws, TokenKind};
use crate::core::status_list::bitstring::{Bitstring, MIN_ENTRIES};
use crate::core::status_list::token::{self, TokenStatusList};
use crate::core::vc_jose::{VerifyContext, VerifyError, rfc3339};
use crate::core::verify::{Checked, Problem, Record};
use crate::net::Fetcher;
use crate::net::cache::Kind;

/// Largest status list credential we download (a 1,048,576-entry list with many set bits is under 200 KiB).
pub const MAX_LIST_BYTES: usize = 2 * 1024 * 1024;
/// Cache lifetime when a list states no `ttl` and no `max-age`.
pub const DEFAULT_TTL: Duration = Duration::from_secs(300);
/// Cache lifetimes are bounded to this range whatever the issuer says.
pub const TTL_BOUNDS: (Duration, Duration) = (Duration::from_secs(1), Duration::from_secs(86_400));

/// A verified, decoded Bitstring Status List.
#[derive(Debug)]
pub struct VerifiedList {
    /// The purposes the list serves.
    pub purposes: Vec<String>,
    /// The bits.
    pub bits: Bitstring,
    /// Who signed it.
    pub issuer: String,
}

/// A verified IETF Token Status List, with the issuer whose key verified it: a cached list serves only
/// credentials of that issuer.
#[derive(Debug)]
pub struct VerifiedTokenList {
    /// The values.
    pub list: TokenStatusList,
    /// Whose key signed it.
    pub issuer: String,
}

/// The outcome for one reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryStatus {
    /// Not set.
    Valid,
    /// Set: revoked or suspended, by purpose.
    Set(String),
    /// The status could not be established.
    Unknown(String),
}

/// Reads one entry's bit from a verified list.
#[must_use]
pub fn read(purpose: &str, index: usize, list: &VerifiedList, credential_issuer: &str) -> EntryStatus {
    if list.issuer != credential_issuer {
        return EntryStatus::Unknown(format!("the list is signed by {}, not by the credential's issuer", list.issuer));
    }
    if !list.purposes.iter().any(|p| p == purpose) {
        return EntryStatus::Unknown(format!("the list does not serve the purpose {purpose}"));
    }
    match list.bits.get(index) {
        Ok(false) => EntryStatus::Valid,
        Ok(true) => EntryStatus::Set(purpose.to_owned()),
        Err(e) => EntryStatus::Unknown(e.to_string()),
    }
}

/// The Bitstring Status List at `url`, from the cache or fetched and verified with the credential pipeline.
///
/// # Errors
/// Why the list cannot be used.
pub async fn bitstring_list(
    fetcher: &Fetcher,
    url: &str,
    context: &VerifyContext<'_>,
) -> Result<Arc<VerifiedList>, String> {
    if let Some(list) = fetcher.cache().get(Kind::StatusList, url) {
        return Ok(list);
    }
    let accept = format!(
        "{}, {}, application/json",
        Format::BitstringStatusList.media_type(),
        Format::DataIntegrity.media_type()
    );
    let download = fetcher.get(url, &accept, MAX_LIST_BYTES).await.map_err(|e| e.to_string())?;
    let max_age = download.max_age;
    let token = String::from_utf8(download.body).map_err(|_| "the list is not UTF-8".to_owned())?;
    let (list, document) = verified_list(&token, url, context)?;
    let list = Arc::new(list);
    fetcher.cache().put(Kind::StatusList, url, Arc::clone(&list), ttl(&document, max_age));
    Ok(list)
}

/// A Bitstring Status List credential (`vc+jwt`, or JSON-LD with a Data Integrity proof) verified with the
/// credential pipeline and decoded; with its document (for the cache lifetime).
///
/// # Errors
/// Why the list cannot be used.
pub fn verified_list(text: &str, url: &str, context: &VerifyContext<'_>) -> Result<(VerifiedList, Value), String> {
    let checked = crate::core::pipeline::check_token(text, context, None);
    let document = match checked.value {
        Some(credential) if checked.record.passed() => credential.claims,
        _ => {
            let why = checked.record.errors().first().and_then(|e| e.detail.clone()).unwrap_or_default();
            return Err(format!("the status list credential does not verify: {why}"));
        }
    };
    Ok((decode_list(&document, url)?, document))
}

fn decode_list(document: &Value, url: &str) -> Result<VerifiedList, String> {
    if !has_type(document, "BitstringStatusListCredential") {
        return Err("not a BitstringStatusListCredential".into());
    }
    if document.get("id").and_then(Value::as_str).is_some_and(|id| id != url) {
        return Err(format!("the list credential's id is not {url}"));
    }
    let list = subject(document).ok_or("the list has no credentialSubject")?;
    if !has_type(list, "BitstringStatusList") {
        return Err("credentialSubject is not a BitstringStatusList".into());
    }
    let purposes = match list.get("statusPurpose") {
        Some(Value::String(p)) => vec![p.clone()],
        Some(Value::Array(ps)) => ps.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
        _ => return Err("the list has no statusPurpose".into()),
    };
    let encoded = list.get("encodedList").and_then(Value::as_str).ok_or("the list has no encodedList")?;
    let bits = Bitstring::decode(encoded, MIN_ENTRIES).map_err(|e| e.to_string())?;
    let issuer = issuer_id(document).unwrap_or_default().to_owned();
    Ok(VerifiedList { purposes, bits, issuer })
}

/// The cache lifetime: the list's `ttl` (milliseconds) or `Cache-Control: max-age`, whichever is shorter,
/// bounded by [`TTL_BOUNDS`].
fn ttl(document: &Value, max_age: Option<Duration>) -> Duration {
    let stated = subject(document).and_then(|s| s.get("ttl")).and_then(Value::as_u64).map(Duration::from_millis);
    let ttl = match (stated, max_age) {
        (Some(a), Some(b)) => a.min(b),
        (Some(a), None) | (None, Some(a)) => a,
        (None, None) => DEFAULT_TTL,
    };
    ttl.clamp(TTL_BOUNDS.0, TTL_BOUNDS.1)
}

/// The Token Status List at `uri` (draft-ietf-oauth-status-list section 8.3), from the cache or fetched: `typ`
/// statuslist+jwt, signed by the credential's issuer (the `kid` must be a key of `issuer`, or, for an issuer
/// identified by URL, the `x5c` chain must lead to a trusted root and name it), `sub` equal to the URI, not
/// expired; cached for its `ttl` (seconds).
///
/// # Errors
/// Why the list cannot be used (the status is then unknown).
pub async fn token_list(
    fetcher: &Fetcher,
    uri: &str,
    issuer: &str,
    context: &VerifyContext<'_>,
) -> Result<Arc<VerifiedTokenList>, String> {
    if let Some(list) = fetcher.cache().get::<VerifiedTokenList>(Kind::TokenStatusList, uri) {
        if list.issuer == issuer {
            return Ok(list);
        }
        // Another issuer's credential pointing at this list: fetch and verify with that issuer's key (which fails
        // unless it signed the list).
    }
    let download =
        fetcher.get(uri, Format::TokenStatusList.media_type(), MAX_LIST_BYTES).await.map_err(|e| e.to_string())?;
    let text = String::from_utf8(download.body).map_err(|_| "the status list token is not UTF-8".to_owned())?;
    let jws = CompactJws::parse(text.trim()).map_err(|e| e.to_string())?;
    AlgorithmPolicy.accepted(jws.alg()).map_err(|e| e.to_string())?;
    jws.check_typ(TokenKind::StatusList).map_err(|e| e.to_string())?;
    let kid = jws.header_str("kid").unwrap_or_default();
    // A list with an X.509 chain is checked by it for credentials of issuers identified by URL (HAIP); a DID issuer's
    // credentials find the list's key by its kid.
    let key = match jws.header().get("x5c").filter(|_| !issuer.starts_with("did:")) {
        Some(x5c) => context.keys.issuer_key_x5c(issuer, x5c, context.now).map(|(key, _)| key),
        None => context.keys.issuer_key(issuer, kid),
    }
    .map_err(|e| format!("the status list is not signed by the credential's issuer: {e}"))?;
    jws.fits(&key).map_err(|e| format!("the status list token: {e}"))?;
    jws.verify_signature(&key).map_err(|_| "the status list token does not verify".to_owned())?;
    let claims = Value::Object(jws.claims().map_err(|e| e.to_string())?);
    if claims.get("sub").and_then(Value::as_str) != Some(uri) {
        return Err(format!("the status list token's sub is not {uri}"));
    }
    let exp = crate::core::numeric_date::read_value(&claims, "exp").map_err(|e| e.to_string())?;
    if exp.is_some_and(|exp| exp <= context.now) {
        return Err("the status list token has expired".into());
    }
    crate::core::numeric_date::read_value(&claims, "iat").map_err(|e| e.to_string())?;
    let bits =
        claims.pointer("/status_list/bits").and_then(Value::as_u64).and_then(|b| u8::try_from(b).ok()).unwrap_or(0);
    let encoded =
        claims.pointer("/status_list/lst").and_then(Value::as_str).ok_or("the token has no status_list.lst")?;
    let list = TokenStatusList::decode(bits, encoded).map_err(|e| e.to_string())?;
    let list = Arc::new(VerifiedTokenList { list, issuer: issuer.to_owned() });
    let ttl = claims
        .get("ttl")
        .and_then(Value::as_u64)
        .map_or(DEFAULT_TTL, Duration::from_secs)
        .clamp(TTL_BOUNDS.0, TTL_BOUNDS.1);
    fetcher.cache().put(Kind::TokenStatusList, uri, Arc::clone(&list), ttl);
    Ok(list)
}

/// Reads a Token Status List value (section 7.1): 0 valid, 1 invalid (revoked), 2 suspended, anything else unknown.
#[must_use]
pub fn read_token(list: &VerifiedTokenList, index: usize) -> EntryStatus {
    match list.list.get(index) {
        Ok(token::VALID) => EntryStatus::Valid,
        Ok(token::INVALID) => EntryStatus::Set("revocation".into()),
        Ok(token::SUSPENDED) => EntryStatus::Set("suspension".into()),
        Ok(other) => EntryStatus::Unknown(format!("application-specific status value {other}")),
        Err(e) => EntryStatus::Unknown(e.to_string()),
    }
}

fn purpose_of(reference: &StatusReference) -> &str {
    match reference {
        StatusReference::Bitstring { purpose, .. } => purpose,
        StatusReference::Token { .. } => "status",
        StatusReference::Unreadable(_) => "unknown",
    }
}

/// When the lists were checked and what they said, for the report.
#[must_use]
pub fn describe(results: &[(StatusReference, EntryStatus)], at: DateTime<Utc>) -> String {
    let parts: Vec<String> = results
        .iter()
        .map(|(reference, status)| match status {
            EntryStatus::Valid => format!("{}: not set", purpose_of(reference)),
            EntryStatus::Set(purpose) => format!("{purpose}: SET"),
            EntryStatus::Unknown(why) => format!("{}: unknown ({why})", purpose_of(reference)),
        })
        .collect();
    format!("{} (checked {})", parts.join("; "), rfc3339(at))
}

/// Records that status was not checked: a warning when the credential has a status reference.
pub fn not_checked(checked: &mut Checked<Credential>, why: &str) {
    let has_status = checked.value.as_ref().is_some_and(|c| !c.status.is_empty());
    if has_status {
        checked.record.skip("status", why);
        let detail = format!("the credential has a status reference that was not checked: {why}");
        checked.record.warn(Problem::new("status-not-checked", "Status not checked", Some(detail)));
    } else {
        checked.record.skip("status", "the credential has no status entry");
    }
}

/// Records the status check from what each list said.
pub fn record(
    record: &mut Record,
    results: &[(StatusReference, EntryStatus)],
    at: DateTime<Utc>,
    accept_unknown: bool,
) {
    if results.is_empty() {
        record.skip("status", "the credential has no status entry");
        return;
    }
    let detail = describe(results, at);
    if let Some(purpose) = results.iter().find_map(|(_, s)| if let EntryStatus::Set(p) = s { Some(p) } else { None }) {
        let word = match purpose.as_str() {
            "suspension" => "suspended",
            "revocation" => "revoked",
            other => other,
        };
        record.fail("status", VerifyError::Status(format!("the credential is {word}: {detail}")).problem());
    } else if results.iter().any(|(_, s)| matches!(s, EntryStatus::Unknown(_))) {
        if accept_unknown {
            record.pass("status", Some(detail.clone()));
            record.warn(Problem::new("status-unknown", "Status unknown", Some(detail)));
        } else {
            record.fail("status", VerifyError::Status(format!("status unknown: {detail}")).problem());
        }
    } else {
        record.pass("status", Some(detail));
    }
}
