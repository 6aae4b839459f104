//! The passport view: credentials searched by skill, issuer, type and date, and the skills overview that groups
//! every proven skill with its evidence. Pure functions over the wallet's summaries.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::StoredCredential;
use crate::core::esco::Esco;
use crate::core::vc_jose::parse_date;

/// Search criteria; all given ones must match.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// ESCO URI, or a case-insensitive part of a skill label.
    pub skill: Option<String>,
    /// Issuer DID, or a case-insensitive part of its name.
    pub issuer: Option<String>,
    /// A credential type or achievement type (`MicroCredential`).
    pub kind: Option<String>,
    /// Issued (valid from) on or after.
    pub since: Option<DateTime<Utc>>,
    /// Issued (valid from) on or before.
    pub until: Option<DateTime<Utc>>,
}

impl Filter {
    /// Whether a credential matches.
    #[must_use]
    pub fn matches(&self, credential: &StoredCredential) -> bool {
        let contains = |haystack: &str, needle: &str| haystack.to_lowercase().contains(&needle.to_lowercase());
        let skill =
            self.skill.as_deref().is_none_or(|s| credential.skills.iter().any(|k| k.id == s || contains(&k.label, s)));
        let issuer = self.issuer.as_deref().is_none_or(|i| {
            credential.issuer == i || credential.issuer_name.as_deref().is_some_and(|n| contains(n, i))
        });
        let kind = self.kind.as_deref().is_none_or(|k| {
            credential.types.iter().any(|t| t == k) || credential.achievement_type.as_deref() == Some(k)
        });
        let from = credential.valid_from.as_deref().and_then(parse_date);
        let since = self.since.is_none_or(|s| from.is_some_and(|f| f >= s));
        let until = self.until.is_none_or(|u| from.is_some_and(|f| f <= u));
        skill && issuer && kind && since && until
    }
}

/// One piece of evidence for a skill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Evidence {
    /// Credential id.
    pub credential_id: String,
    /// Issuer DID.
    pub issuer: String,
    /// Issuer name.
    pub issuer_name: Option<String>,
    /// formal / non-formal / informal.
    pub learning_setting: Option<String>,
    /// EQF level.
    pub eqf_level: Option<u8>,
    /// Within its validity period now (status is checked when presenting, not here).
    pub valid: bool,
}

/// A skill and everything that proves it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SkillOverview {
    /// ESCO URI.
    pub id: String,
    /// The label the (first) issuer gave.
    pub label: String,
    /// ESCO's preferred label in the holder's language; absent when the URI is not an ESCO skill.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub esco_label: Option<String>,
    /// The evidence, strongest setting first.
    pub evidence: Vec<Evidence>,
}

/// Groups every proven skill with its evidence, skills sorted by label.
#[must_use]
pub fn skills_overview(
    credentials: &[StoredCredential],
    esco: &Esco,
    lang: &str,
    now: DateTime<Utc>,
) -> Vec<SkillOverview> {
    let mut skills: BTreeMap<String, SkillOverview> = BTreeMap::new();
    for credential in credentials {
        let valid = within_validity(credential, now);
        for skill in &credential.skills {
            let entry = skills.entry(skill.id.clone()).or_insert_with(|| SkillOverview {
                id: skill.id.clone(),
                label: skill.label.clone(),
                esco_label: esco.skill(&skill.id).map(|s| esco.skill_label(s, lang)),
                evidence: Vec::new(),
            });
            entry.evidence.push(Evidence {
                credential_id: credential.id.clone(),
                issuer: credential.issuer.clone(),
                issuer_name: credential.issuer_name.clone(),
                learning_setting: skill.learning_setting.clone(),
                eqf_level: skill.eqf_level,
                valid,
            });
        }
    }
    let mut overview: Vec<SkillOverview> = skills.into_values().collect();
    for skill in &mut overview {
        skill.evidence.sort_by_key(|e| (setting_rank(e.learning_setting.as_deref()), std::cmp::Reverse(e.eqf_level)));
    }
    overview.sort_by_key(|skill| skill.esco_label.as_deref().unwrap_or(&skill.label).to_lowercase());
    overview
}

/// Whether `now` is inside the credential's validity period.
#[must_use]
pub fn within_validity(credential: &StoredCredential, now: DateTime<Utc>) -> bool {
    let from = credential.valid_from.as_deref().and_then(parse_date);
    let until = credential.valid_until.as_deref().and_then(parse_date);
    from.is_none_or(|f| f <= now) && until.is_none_or(|u| u > now)
}

fn setting_rank(setting: Option<&str>) -> u8 {
    match setting {
        Some("formal") => 0,
        Some("non-formal") => 1,
        Some("informal") => 2,
        _ => 3,
    }
}
