//! Checking a credential's `BitstringStatusListEntry`s against the issuer's published lists (Bitstring Status
//! List v1.0, section 3.2 "Validate Algorithm"), through the guarded fetcher and the cache.
//!
//! A list that cannot be fetched, does not verify, is signed by someone other than the credential's issuer, is
//! too short, or does not cover the index makes the status *unknown*; the verifier's policy decides whether
//! unknown fails.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::fetch::Fetcher;
use crate::core::credential::{has_type, issuer_id, subject};
use crate::core::status_list::bitstring::{Bitstring, MIN_ENTRIES};
use crate::core::vc_jose::{VerifyContext, verify_credential};

/// Largest status list credential we download (a 1,048,576-entry list with many set bits is under 200 KiB).
pub const MAX_LIST_BYTES: usize = 2 * 1024 * 1024;
/// Cache lifetime when a list states no `ttl` and no `max-age`.
pub const DEFAULT_TTL: Duration = Duration::from_secs(300);
/// Cache lifetimes are bounded to this range whatever the issuer says.
pub const TTL_BOUNDS: (Duration, Duration) = (Duration::from_secs(1), Duration::from_secs(86_400));

/// A verified, decoded status list.
#[derive(Debug)]
pub struct VerifiedList {
    /// The purposes the list serves.
    pub purposes: Vec<String>,
    /// The bits.
    pub bits: Bitstring,
    /// Who signed it.
    pub issuer: String,
}

/// The outcome for one entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryStatus {
    /// The bit is clear.
    Valid,
    /// The bit is set: revoked or suspended, by `purpose`.
    Set(String),
    /// The status could not be established.
    Unknown(String),
}

/// A parsed `BitstringStatusListEntry`.
#[derive(Debug, Clone)]
pub struct Entry {
    /// `statusPurpose`.
    pub purpose: String,
    /// `statusListIndex`.
    pub index: usize,
    /// `statusListCredential`.
    pub list: String,
}

/// The entries of a credential; other status types are reported as unknown.
#[must_use]
pub fn entries(credential: &Value) -> Vec<Result<Entry, String>> {
    let statuses = match credential.get("credentialStatus") {
        None => return Vec::new(),
        Some(Value::Array(items)) => items.iter().collect::<Vec<_>>(),
        Some(one) => vec![one],
    };
    statuses.into_iter().map(parse_entry).collect()
}

fn parse_entry(entry: &Value) -> Result<Entry, String> {
    if !has_type(entry, "BitstringStatusListEntry") {
        return Err(format!("unsupported status type {}", entry.get("type").unwrap_or(&Value::Null)));
    }
    let text = |name: &str| entry.get(name).and_then(Value::as_str).ok_or(format!("status entry lacks {name}"));
    let index_text = text("statusListIndex")?;
    let index = index_text
        .parse::<usize>()
        .ok()
        .filter(|_| index_text.bytes().all(|b| b.is_ascii_digit()))
        .ok_or(format!("statusListIndex {index_text:?} is not a base-10 integer"))?;
    Ok(Entry { purpose: text("statusPurpose")?.to_owned(), index, list: text("statusListCredential")?.to_owned() })
}

/// Reads the status of one entry from a verified list.
#[must_use]
pub fn read(entry: &Entry, list: &VerifiedList, credential_issuer: &str) -> EntryStatus {
    if list.issuer != credential_issuer {
        return EntryStatus::Unknown(format!("the list is signed by {}, not by the credential's issuer", list.issuer));
    }
    if !list.purposes.contains(&entry.purpose) {
        return EntryStatus::Unknown(format!("the list does not serve the purpose {}", entry.purpose));
    }
    match list.bits.get(entry.index) {
        Ok(false) => EntryStatus::Valid,
        Ok(true) => EntryStatus::Set(entry.purpose.clone()),
        Err(e) => EntryStatus::Unknown(e.to_string()),
    }
}

/// Fetches a list credential and verifies it with the same pipeline as credentials.
///
/// # Errors
/// Why the list cannot be used.
pub async fn fetch_list(
    fetcher: &Fetcher,
    url: &str,
    context: &VerifyContext<'_>,
) -> Result<(Arc<VerifiedList>, Duration), String> {
    let download = fetcher.get(url, "application/vc+jwt", MAX_LIST_BYTES).await.map_err(|e| e.to_string())?;
    let max_age = download.max_age;
    let token = String::from_utf8(download.body).map_err(|_| "the list is not UTF-8".to_owned())?;
    let report = verify_credential(token.trim(), context);
    if !report.verified {
        let why = report.errors.first().and_then(|e| e.detail.clone()).unwrap_or_default();
        return Err(format!("the status list credential does not verify: {why}"));
    }
    let document = report.document.unwrap_or_default();
    let list = decode_list(&document, url)?;
    let ttl = ttl(&document, max_age);
    Ok((Arc::new(list), ttl))
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

/// When the list was checked, for the report.
#[must_use]
pub fn describe(results: &[(Entry, EntryStatus)], at: DateTime<Utc>) -> String {
    let parts: Vec<String> = results
        .iter()
        .map(|(entry, status)| match status {
            EntryStatus::Valid => format!("{}: not set", entry.purpose),
            EntryStatus::Set(purpose) => format!("{purpose}: SET"),
            EntryStatus::Unknown(why) => format!("{}: unknown ({why})", entry.purpose),
        })
        .collect();
    format!("{} (checked {})", parts.join("; "), crate::core::vc_jose::rfc3339(at))
}

/// A verified IETF Token Status List.
#[derive(Debug)]
pub struct VerifiedTokenList {
    /// The values.
    pub list: crate::core::status_list::token::TokenStatusList,
}

/// Fetches a Token Status List token (draft-ietf-oauth-status-list section 8.3): `typ` statuslist+jwt, signed by
/// the credential's issuer (the `kid` must be a DID URL of `issuer`), `sub` equal to the URI, not expired; cached
/// for its `ttl` (seconds).
///
/// # Errors
/// Why the list cannot be used (the status is then unknown).
pub async fn fetch_token_list(
    fetcher: &Fetcher,
    uri: &str,
    issuer: &str,
    context: &VerifyContext<'_>,
) -> Result<(Arc<VerifiedTokenList>, Duration), String> {
    use crate::core::jose::{AlgorithmPolicy, CompactJws, TokenKind};
    let download = fetcher.get(uri, "application/statuslist+jwt", MAX_LIST_BYTES).await.map_err(|e| e.to_string())?;
    let token = String::from_utf8(download.body).map_err(|_| "the status list token is not UTF-8".to_owned())?;
    let jws = CompactJws::parse(token.trim()).map_err(|e| e.to_string())?;
    AlgorithmPolicy.for_ed25519(jws.alg()).map_err(|e| e.to_string())?;
    jws.check_typ(TokenKind::StatusList).map_err(|e| e.to_string())?;
    let kid = jws.header_str("kid").unwrap_or_default();
    let key = context
        .keys
        .issuer_key(issuer, kid)
        .map_err(|e| format!("the status list is not signed by the credential's issuer: {e}"))?;
    jws.verify_signature(&key).map_err(|_| "the status list token does not verify".to_owned())?;
    let claims = Value::Object(jws.claims().map_err(|e| e.to_string())?);
    if claims.get("sub").and_then(Value::as_str) != Some(uri) {
        return Err(format!("the status list token's sub is not {uri}"));
    }
    let exp = claims.get("exp").and_then(Value::as_i64).and_then(|t| DateTime::from_timestamp(t, 0));
    if exp.is_some_and(|exp| exp <= context.now) {
        return Err("the status list token has expired".into());
    }
    let bits =
        claims.pointer("/status_list/bits").and_then(Value::as_u64).and_then(|b| u8::try_from(b).ok()).unwrap_or(0);
    let encoded =
        claims.pointer("/status_list/lst").and_then(Value::as_str).ok_or("the token has no status_list.lst")?;
    let list = crate::core::status_list::token::TokenStatusList::decode(bits, encoded).map_err(|e| e.to_string())?;
    let ttl = claims
        .get("ttl")
        .and_then(Value::as_u64)
        .map_or(DEFAULT_TTL, Duration::from_secs)
        .clamp(TTL_BOUNDS.0, TTL_BOUNDS.1);
    Ok((Arc::new(VerifiedTokenList { list }), ttl))
}

/// Reads a Token Status List value (section 7.1): 0 valid, 1 invalid (revoked), 2 suspended, anything else unknown.
#[must_use]
pub fn read_token(list: &VerifiedTokenList, index: usize) -> EntryStatus {
    match list.list.get(index) {
        Ok(crate::core::status_list::token::VALID) => EntryStatus::Valid,
        Ok(crate::core::status_list::token::INVALID) => EntryStatus::Set("revocation".into()),
        Ok(crate::core::status_list::token::SUSPENDED) => EntryStatus::Set("suspension".into()),
        Ok(other) => EntryStatus::Unknown(format!("application-specific status value {other}")),
        Err(e) => EntryStatus::Unknown(e.to_string()),
    }
}
