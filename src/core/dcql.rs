//! DCQL, the Digital Credentials Query Language of `OpenID` for Verifiable Presentations 1.0 (section 6):
//! parsing and validating a query, claims path pointers (section 7), and matching a wallet's credentials against it
//! (credential queries, `claim_sets`, `credential_sets`, `multiple`, `values`). Pure: the wallet supplies the
//! candidates. (Groundwork for issue #6.)

use std::collections::{BTreeMap, HashSet};

use serde::Deserialize;
use serde_json::Value;

use super::format::Format;

/// Why a query is not valid DCQL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DcqlError {
    /// The query violates a rule of section 6.
    #[error("invalid DCQL query: {0}")]
    Invalid(String),
}

/// A DCQL query (section 6.1).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct DcqlQuery {
    /// Credential queries (non-empty).
    pub credentials: Vec<CredentialQuery>,
    /// Which combinations satisfy the request.
    #[serde(default)]
    pub credential_sets: Vec<CredentialSet>,
}

/// A Credential Query (section 6.1).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CredentialQuery {
    /// Its id (`[A-Za-z0-9_-]+`, unique in the query).
    pub id: String,
    /// `dc+sd-jwt`, `jwt_vc_json`, …
    pub format: String,
    /// Whether more than one credential may answer it.
    #[serde(default)]
    pub multiple: bool,
    /// Format-specific constraints (`vct_values`, `type_values`, …); required, may be empty.
    pub meta: Value,
    /// The claims requested.
    #[serde(default)]
    pub claims: Option<Vec<ClaimsQuery>>,
    /// Alternative sets of claim ids, in order of preference.
    #[serde(default)]
    pub claim_sets: Option<Vec<Vec<String>>>,
    /// Whether holder binding is required (default true).
    #[serde(default = "yes")]
    pub require_cryptographic_holder_binding: bool,
}

fn yes() -> bool {
    true
}

/// A Claims Query (section 6.3).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ClaimsQuery {
    /// Required when `claim_sets` is used.
    #[serde(default)]
    pub id: Option<String>,
    /// A claims path pointer.
    pub path: Vec<Value>,
    /// Acceptable values (best effort).
    #[serde(default)]
    pub values: Option<Vec<Value>>,
}

/// A Credential Set Query (section 6.2).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CredentialSet {
    /// Each option is a list of credential query ids that together satisfy the set.
    pub options: Vec<Vec<String>>,
    /// Whether the set must be satisfied (default true).
    #[serde(default = "yes")]
    pub required: bool,
}

/// A credential the wallet could present.
#[derive(Debug, Clone)]
pub struct Candidate<'a> {
    /// Its format.
    pub format: Format,
    /// `vct` (SD-JWT VC) or the credential types (W3C formats).
    pub types: Vec<&'a str>,
    /// Every claim the holder could disclose, as one JSON object.
    pub claims: &'a Value,
}

/// What to present: per credential query id, the matching candidates (indexes) and the claim paths to disclose.
pub type Selection = BTreeMap<String, Vec<(usize, Vec<Vec<Value>>)>>;

impl DcqlQuery {
    /// Parses and validates a query.
    ///
    /// # Errors
    /// [`DcqlError::Invalid`] naming the rule broken.
    pub fn parse(value: &Value) -> Result<Self, DcqlError> {
        let query: Self = serde_json::from_value(value.clone()).map_err(|e| DcqlError::Invalid(e.to_string()))?;
        query.validate()?;
        Ok(query)
    }

    fn validate(&self) -> Result<(), DcqlError> {
        let invalid = |why: String| Err(DcqlError::Invalid(why));
        if self.credentials.is_empty() {
            return invalid("credentials is empty".into());
        }
        let mut ids = HashSet::new();
        for query in &self.credentials {
            if query.id.is_empty() || !query.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
                return invalid(format!("credential query id {:?} is not [A-Za-z0-9_-]+", query.id));
            }
            if !ids.insert(query.id.as_str()) {
                return invalid(format!("credential query id {:?} is not unique", query.id));
            }
            if !query.meta.is_object() {
                return invalid(format!("credential query {:?} has no meta object", query.id));
            }
            query.validate_claims()?;
        }
        for set in &self.credential_sets {
            if set.options.is_empty()
                || set.options.iter().any(|o| o.is_empty() || o.iter().any(|id| !ids.contains(id.as_str())))
            {
                return invalid("a credential set option is empty or names an unknown credential query".into());
            }
        }
        Ok(())
    }

    /// Matches candidates; `None` when a required part cannot be satisfied (the wallet then answers
    /// `access_denied`).
    #[must_use]
    pub fn select(&self, candidates: &[Candidate<'_>]) -> Option<Selection> {
        let mut matched: Selection = BTreeMap::new();
        for query in &self.credentials {
            let hits: Vec<(usize, Vec<Vec<Value>>)> =
                candidates.iter().enumerate().filter_map(|(i, c)| query.matches(c).map(|paths| (i, paths))).collect();
            if !hits.is_empty() {
                let take = if query.multiple { hits.len() } else { 1 };
                matched.insert(query.id.clone(), hits.into_iter().take(take).collect());
            }
        }
        if self.credential_sets.is_empty() {
            return (matched.len() == self.credentials.len()).then_some(matched);
        }
        let mut chosen: Selection = BTreeMap::new();
        for set in &self.credential_sets {
            match set.options.iter().find(|option| option.iter().all(|id| matched.contains_key(id))) {
                Some(option) => {
                    for id in option {
                        chosen.insert(id.clone(), matched[id].clone());
                    }
                }
                None if set.required => return None,
                None => {}
            }
        }
        Some(chosen)
    }
}

impl DcqlQuery {
    /// Whether answers to the credential queries `answered` satisfy the query: every query when there are no
    /// `credential_sets`, else one option of every required set (section 6.4.2).
    #[must_use]
    pub fn satisfied_by(&self, answered: &HashSet<String>) -> bool {
        if self.credential_sets.is_empty() {
            return self.credentials.iter().all(|q| answered.contains(&q.id));
        }
        self.credential_sets
            .iter()
            .filter(|set| set.required)
            .all(|set| set.options.iter().any(|option| option.iter().all(|id| answered.contains(id))))
    }
}

impl CredentialQuery {
    /// The format this query asks for, when it is one we speak.
    #[must_use]
    pub fn wanted_format(&self) -> Option<Format> {
        Format::from_protocol_identifier(&self.format)
    }

    fn validate_claims(&self) -> Result<(), DcqlError> {
        let invalid = |why: String| Err(DcqlError::Invalid(why));
        let claims = self.claims.as_deref().unwrap_or_default();
        if self.claims.as_ref().is_some_and(Vec::is_empty) {
            return invalid(format!("credential query {:?}: claims is empty", self.id));
        }
        let mut claim_ids = HashSet::new();
        for claim in claims {
            if claim.path.is_empty() || !claim.path.iter().all(|p| p.is_string() || p.is_null() || p.is_u64()) {
                return invalid(format!("credential query {:?}: a claims path is empty or malformed", self.id));
            }
            if let Some(id) = &claim.id {
                if !claim_ids.insert(id.as_str()) {
                    return invalid(format!("claim id {id:?} is not unique"));
                }
            }
        }
        if let Some(sets) = &self.claim_sets {
            if self.claims.is_none() || sets.iter().flatten().any(|id| !claim_ids.contains(id.as_str())) {
                return invalid(format!("credential query {:?}: claim_sets names unknown claim ids", self.id));
            }
        }
        Ok(())
    }

    /// The concrete claim paths to disclose when `candidate` answers this query; `None` when it does not.
    #[must_use]
    pub fn matches(&self, candidate: &Candidate<'_>) -> Option<Vec<Vec<Value>>> {
        if self.wanted_format() != Some(candidate.format) || !self.meta_matches(candidate) {
            return None;
        }
        let Some(claims) = &self.claims else { return Some(Vec::new()) };
        let paths = |chosen: &[&ClaimsQuery]| -> Option<Vec<Vec<Value>>> {
            let mut all = Vec::new();
            for claim in chosen {
                all.extend(claim_matches(claim, candidate.claims)?);
            }
            Some(all)
        };
        match &self.claim_sets {
            None => paths(&claims.iter().collect::<Vec<_>>()),
            Some(sets) => sets.iter().find_map(|set| {
                let chosen: Vec<&ClaimsQuery> =
                    set.iter().filter_map(|id| claims.iter().find(|c| c.id.as_deref() == Some(id.as_str()))).collect();
                paths(&chosen)
            }),
        }
    }

    fn meta_matches(&self, candidate: &Candidate<'_>) -> bool {
        if let Some(vcts) = self.meta.get("vct_values").and_then(Value::as_array) {
            return vcts.iter().any(|v| candidate.types.iter().any(|t| v == *t));
        }
        if let Some(alternatives) = self.meta.get("type_values").and_then(Value::as_array) {
            return alternatives
                .iter()
                .filter_map(Value::as_array)
                .any(|needed| needed.iter().all(|t| candidate.types.iter().any(|c| t == *c)));
        }
        true
    }
}

/// The concrete paths a claims query selects in `claims`, keeping only values in `values` when it lists some
/// (section 6.4.1: the wallet returns only matching elements); `None` when nothing is selected.
fn claim_matches(claim: &ClaimsQuery, claims: &Value) -> Option<Vec<Vec<Value>>> {
    let selected = select_located(claims, &claim.path).ok()?;
    let kept: Vec<Vec<Value>> = selected
        .into_iter()
        .filter(|(_, value)| claim.values.as_ref().is_none_or(|values| values.contains(value)))
        .map(|(at, _)| at)
        .collect();
    (!kept.is_empty()).then_some(kept)
}

/// Section 7.1: applies a claims path pointer; a string selects a key, `null` every array element, an integer one
/// index. A key on a non-object or `null`/index on a non-array is an error; missing keys drop the element.
///
/// # Errors
/// [`DcqlError::Invalid`] for a step that does not fit the value it is applied to, or an empty selection.
pub fn select_path<'a>(claims: &'a Value, path: &[Value]) -> Result<Vec<&'a Value>, DcqlError> {
    Ok(select_located(claims, path)?.into_iter().map(|(_, value)| value).collect())
}

/// As [`select_path`], with the concrete path (keys and indexes, no `null`) of every selected value: what the
/// wallet needs to find the disclosures behind a selection.
///
/// # Errors
/// As [`select_path`].
pub fn select_located<'a>(claims: &'a Value, path: &[Value]) -> Result<Vec<(Vec<Value>, &'a Value)>, DcqlError> {
    let mut selected = vec![(Vec::new(), claims)];
    for step in path {
        let mut next = Vec::new();
        for (at, value) in selected {
            let child = |step: Value, value: &'a Value| {
                let mut at = at.clone();
                at.push(step);
                (at, value)
            };
            match (step, value) {
                (Value::String(key), Value::Object(object)) => {
                    next.extend(object.get(key).map(|v| child(Value::String(key.clone()), v)));
                }
                (Value::Null, Value::Array(items)) => {
                    next.extend(items.iter().enumerate().map(|(i, v)| child(Value::from(i), v)));
                }
                (Value::Number(index), Value::Array(items)) => {
                    let index = index.as_u64().and_then(|i| usize::try_from(i).ok());
                    next.extend(index.and_then(|i| Some(child(Value::from(i), items.get(i)?))));
                }
                _ => return Err(DcqlError::Invalid(format!("path step {step} does not apply to {value}"))),
            }
        }
        selected = next;
    }
    if selected.is_empty() { Err(DcqlError::Invalid("the path selects nothing".into())) } else { Ok(selected) }
}
