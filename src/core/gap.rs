//! The skills gap: which of the skills a vacancy profile needs are proven, by what, how strongly, and what is
//! missing (DESIGN.md section 10, `docs/skills-gap.md`). One pure function for both sides: the holder's wallet
//! computes it over everything it holds, privately; the employer's verifier computes it over what a presentation
//! disclosed and verified. Neither side sends anything to compute it.
//!
//! A piece of [`Evidence`] is one skill claim of one credential. It **counts** for a required skill when it names
//! that skill, or a narrower ESCO skill up to [`NARROWER_DEPTH`] levels below it, and passes the profile's rules:
//! within its validity period, not revoked or suspended as last known, issued by a trusted issuer, recent enough,
//! of a high enough EQF level, of a kind of evidence the profile weighs above zero, and (for micro-credentials)
//! meeting the micro-credential policy. Evidence that does not count is still listed, with the reason.
//!
//! The score (documented and justified in `docs/skills-gap.md`): each required skill gets the strength of its best
//! counting evidence, `weight(kind of evidence) × (1 direct, 0.8 through a narrower skill)`; essential skills count
//! twice. `score = 100 × (2·Σ essential + Σ optional) / (2·|essential| + |optional|)`.

use std::collections::HashMap;

use chrono::{DateTime, Months, Utc};
use serde::Serialize;

use super::credential::claims::{Credential, EvidenceStrength, MicroFacts, StatusReference};
use super::esco::{Esco, SkillId, SkillKind};
use super::vacancy::{RequiredSkill, VacancyProfile};
use super::verify::Problem;

/// How many levels down the ESCO hierarchy a narrower skill still proves a broader one.
pub const NARROWER_DEPTH: u8 = 3;
/// The factor on evidence for a narrower skill: it proves part of the broader skill, not all of it.
pub const NARROWER_FACTOR: f64 = 0.8;
/// How much more an essential skill weighs in the score than an optional one.
pub const ESSENTIAL_WEIGHT: f64 = 2.0;
/// The score's formula, as reports state it.
pub const FORMULA: &str = "100 × (2·Σ essential + Σ optional) / (2·|essential| + |optional|), each skill's \
                           strength = best counting evidence's weight × (1 direct, 0.8 via a narrower skill)";

/// What is last known about a credential's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case", tag = "state")]
pub enum KnownStatus {
    /// Checked and neither revoked nor suspended.
    Valid {
        /// When (RFC 3339 in reports).
        #[serde(rename = "checkedAt")]
        checked_at: DateTime<Utc>,
    },
    /// Revoked when last checked.
    Revoked {
        /// When.
        #[serde(rename = "checkedAt")]
        checked_at: DateTime<Utc>,
    },
    /// Suspended when last checked.
    Suspended {
        /// When.
        #[serde(rename = "checkedAt")]
        checked_at: DateTime<Utc>,
    },
    /// Not checked (offline import, or no status published).
    Unchecked,
}

impl KnownStatus {
    /// What a verification that just ran found: valid as of `now` when the credential publishes a status and it
    /// was checked, else unchecked.
    #[must_use]
    pub fn after_verification(references: &[StatusReference], warnings: &[Problem], now: DateTime<Utc>) -> Self {
        let unchecked = warnings.iter().any(|w| w.is("status-not-checked") || w.is("status-unknown"));
        if references.is_empty() || unchecked { Self::Unchecked } else { Self::Valid { checked_at: now } }
    }
}

/// Every skill claim of a verified credential as evidence (the employer's side: what a presentation disclosed).
#[must_use]
pub fn evidence_of(credential: &Credential, status: KnownStatus) -> Vec<Evidence> {
    let id = credential
        .id
        .clone()
        .or_else(|| credential.claims.get("jti").and_then(serde_json::Value::as_str).map(str::to_owned))
        .unwrap_or_else(|| format!("a credential from {}", credential.issuer.id));
    let achievement_type = credential.achievement.as_ref().and_then(|a| a.achievement_type.as_deref());
    credential
        .skills()
        .iter()
        .map(|skill| Evidence {
            skill: skill.id.clone(),
            credential_id: id.clone(),
            credential_name: credential.name.clone(),
            issuer: credential.issuer.id.clone(),
            issuer_name: credential.issuer.name.clone(),
            strength: EvidenceStrength::from_parts(
                credential.format,
                achievement_type,
                skill.learning_setting.as_deref(),
            ),
            eqf_level: skill.eqf_level,
            valid_from: credential.valid_from,
            valid_until: credential.valid_until,
            status,
            micro: credential.micro_facts(),
        })
        .collect()
}

/// One skill claim of one credential, as the holder or the verifier knows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    /// The skill's URI.
    pub skill: String,
    /// The credential's id.
    pub credential_id: String,
    /// The credential's name.
    pub credential_name: Option<String>,
    /// The issuer's id.
    pub issuer: String,
    /// The issuer's name.
    pub issuer_name: Option<String>,
    /// The kind of evidence.
    pub strength: EvidenceStrength,
    /// The EQF level.
    pub eqf_level: Option<u8>,
    /// Start of validity (the issue date).
    pub valid_from: Option<DateTime<Utc>>,
    /// End of validity.
    pub valid_until: Option<DateTime<Utc>>,
    /// Last known status.
    pub status: KnownStatus,
    /// For micro-credentials.
    pub micro: Option<MicroFacts>,
}

/// Whether a required skill is proven.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// By evidence for the skill itself.
    Proven,
    /// Only by evidence for a narrower skill.
    ProvenNarrower,
    /// Not proven.
    Missing,
}

/// How one piece of evidence was weighed for one required skill.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WeighedEvidence {
    /// The credential's id.
    pub credential_id: String,
    /// Its name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential_name: Option<String>,
    /// The issuer.
    pub issuer: String,
    /// The issuer's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer_name: Option<String>,
    /// The narrower skill it names, when it does not name the required one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<Via>,
    /// The kind of evidence.
    pub evidence: EvidenceStrength,
    /// The EQF level.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eqf_level: Option<u8>,
    /// End of validity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<String>,
    /// Last known status.
    pub status: KnownStatus,
    /// Its strength for this skill (0 when it does not count).
    pub strength: f64,
    /// Whether it counts.
    pub counts: bool,
    /// Why it does not count.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The narrower skill a piece of evidence names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Via {
    /// URI.
    pub uri: String,
    /// ESCO label.
    pub label: String,
}

/// Something the holder has that is related to a missing skill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RelatedHolding {
    /// The held skill's URI.
    pub uri: String,
    /// Its ESCO label.
    pub label: String,
    /// How it relates: `broader` (a more general skill), `sibling` (same broader skill), `related` (ESCO
    /// skill-to-skill relation).
    pub relation: &'static str,
    /// The credentials that prove it.
    pub credentials: Vec<String>,
}

/// One required skill in the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SkillGap {
    /// URI.
    pub skill: String,
    /// ESCO label in the report's language.
    pub label: String,
    /// Essential or optional.
    pub essential: bool,
    /// Minimum EQF level that applied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_eqf: Option<u8>,
    /// Proven or not.
    pub outcome: Outcome,
    /// The best counting evidence's strength, 0 to 1.
    pub strength: f64,
    /// Every piece of evidence considered, counting first, strongest first.
    pub evidence: Vec<WeighedEvidence>,
    /// For a missing essential skill: what the holder has that is related.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<RelatedHolding>,
}

/// Proven out of required.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Coverage {
    /// Proven (directly or through a narrower skill).
    pub proven: usize,
    /// Required.
    pub total: usize,
}

/// The gap report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GapReport {
    /// The profile's title.
    pub title: String,
    /// The employer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub employer: Option<String>,
    /// The occupation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub occupation: Option<String>,
    /// Essential coverage.
    pub essential: Coverage,
    /// Optional coverage.
    pub optional: Coverage,
    /// The weighted score, 0 to 100.
    pub score: f64,
    /// How the score is computed.
    pub formula: &'static str,
    /// The missing essential skills' URIs.
    pub missing_essential: Vec<String>,
    /// Per required skill.
    pub skills: Vec<SkillGap>,
    /// ESCO version and label language.
    pub esco: String,
    /// When computed (RFC 3339).
    pub computed_at: String,
}

/// Computes the gap of `evidence` against `profile` as of `now`.
#[must_use]
pub fn compute(
    profile: &VacancyProfile,
    evidence: &[Evidence],
    esco: &Esco,
    lang: &str,
    now: DateTime<Utc>,
) -> GapReport {
    let by_skill = index(evidence);
    let skills: Vec<SkillGap> = profile
        .required()
        .map(|(required, essential)| weigh(profile, required, essential, &by_skill, esco, lang, now))
        .collect();
    let coverage = |essential: bool| {
        let of: Vec<&SkillGap> = skills.iter().filter(|s| s.essential == essential).collect();
        Coverage { proven: of.iter().filter(|s| s.outcome != Outcome::Missing).count(), total: of.len() }
    };
    GapReport {
        title: profile.title.clone(),
        employer: profile.employer.clone(),
        occupation: profile.occupation.clone(),
        essential: coverage(true),
        optional: coverage(false),
        score: score(&skills),
        formula: FORMULA,
        missing_essential: skills
            .iter()
            .filter(|s| s.essential && s.outcome == Outcome::Missing)
            .map(|s| s.skill.clone())
            .collect(),
        skills,
        esco: format!("ESCO {} ({lang})", esco.version()),
        computed_at: super::vc_jose::rfc3339(now),
    }
}

fn index(evidence: &[Evidence]) -> HashMap<&str, Vec<&Evidence>> {
    let mut by_skill: HashMap<&str, Vec<&Evidence>> = HashMap::new();
    for e in evidence {
        by_skill.entry(e.skill.as_str()).or_default().push(e);
    }
    by_skill
}

fn score(skills: &[SkillGap]) -> f64 {
    let weight = |s: &SkillGap| if s.essential { ESSENTIAL_WEIGHT } else { 1.0 };
    let total: f64 = skills.iter().map(weight).sum();
    if total == 0.0 {
        return 0.0;
    }
    let earned: f64 = skills.iter().map(|s| weight(s) * s.strength).sum();
    (1000.0 * earned / total).round() / 10.0
}

fn weigh(
    profile: &VacancyProfile,
    required: &RequiredSkill,
    essential: bool,
    by_skill: &HashMap<&str, Vec<&Evidence>>,
    esco: &Esco,
    lang: &str,
    now: DateTime<Utc>,
) -> SkillGap {
    let min_eqf = required.min_eqf.or(profile.min_eqf);
    let target = esco.skill(&required.skill);
    let mut weighed: Vec<(bool, WeighedEvidence)> = Vec::new();
    for e in by_skill.get(required.skill.as_str()).into_iter().flatten() {
        weighed.push((true, judge(profile, e, min_eqf, None, now)));
    }
    for narrower in target.map(|t| esco.descendants(t, NARROWER_DEPTH)).unwrap_or_default() {
        let uri = esco.skill_uri(narrower);
        for e in by_skill.get(uri.as_str()).into_iter().flatten() {
            let via = Via { uri: uri.clone(), label: esco.skill_label(narrower, lang) };
            weighed.push((false, judge(profile, e, min_eqf, Some(via), now)));
        }
    }
    weighed.sort_by(|a, b| {
        (b.1.counts, b.1.strength).partial_cmp(&(a.1.counts, a.1.strength)).unwrap_or(std::cmp::Ordering::Equal)
    });
    let best = weighed.iter().find(|(_, w)| w.counts);
    let outcome = match best {
        Some((true, _)) => Outcome::Proven,
        Some((false, _)) => Outcome::ProvenNarrower,
        None => Outcome::Missing,
    };
    let related = match (outcome, essential, target) {
        (Outcome::Missing, true, Some(target)) => related_holdings(target, by_skill, esco, lang),
        _ => Vec::new(),
    };
    SkillGap {
        skill: required.skill.clone(),
        label: target.map_or_else(|| required.skill.clone(), |t| esco.skill_label(t, lang)),
        essential,
        min_eqf,
        outcome,
        strength: best.map_or(0.0, |(_, w)| w.strength),
        evidence: weighed.into_iter().map(|(_, w)| w).collect(),
        related,
    }
}

/// How one piece of evidence fares under the profile.
fn judge(
    profile: &VacancyProfile,
    e: &Evidence,
    min_eqf: Option<u8>,
    via: Option<Via>,
    now: DateTime<Utc>,
) -> WeighedEvidence {
    let weight = profile.evidence_weights.of(e.strength);
    let factor = if via.is_some() { NARROWER_FACTOR } else { 1.0 };
    let reason = refusal(profile, e, min_eqf, weight, now);
    WeighedEvidence {
        credential_id: e.credential_id.clone(),
        credential_name: e.credential_name.clone(),
        issuer: e.issuer.clone(),
        issuer_name: e.issuer_name.clone(),
        via,
        evidence: e.strength,
        eqf_level: e.eqf_level,
        valid_until: e.valid_until.map(super::vc_jose::rfc3339),
        status: e.status,
        strength: if reason.is_none() { (weight * factor * 100.0).round() / 100.0 } else { 0.0 },
        counts: reason.is_none(),
        reason,
    }
}

/// Why evidence does not count, or `None` when it does; rules in the order a person would ask them.
fn refusal(
    profile: &VacancyProfile,
    e: &Evidence,
    min_eqf: Option<u8>,
    weight: f64,
    now: DateTime<Utc>,
) -> Option<String> {
    if let Some(until) = e.valid_until.filter(|u| *u <= now) {
        return Some(format!("expired on {}", until.date_naive()));
    }
    if let Some(from) = e.valid_from.filter(|f| *f > now) {
        return Some(format!("not valid before {}", from.date_naive()));
    }
    match e.status {
        KnownStatus::Revoked { checked_at } => return Some(format!("revoked (checked {})", checked_at.date_naive())),
        KnownStatus::Suspended { checked_at } => {
            return Some(format!("suspended (checked {})", checked_at.date_naive()));
        }
        KnownStatus::Valid { .. } | KnownStatus::Unchecked => {}
    }
    if !profile.trusted_issuers.is_empty() && !profile.trusted_issuers.contains(&e.issuer) {
        return Some("the issuer is not one this employer trusts".into());
    }
    if let (Some(months), Some(from)) = (profile.max_evidence_age_months, e.valid_from) {
        if now.checked_sub_months(Months::new(months)).is_some_and(|oldest| from < oldest) {
            return Some(format!("issued {}, more than {months} months ago", from.date_naive()));
        }
    }
    if let Some(min) = min_eqf {
        match e.eqf_level {
            Some(level) if level < min => return Some(format!("EQF {level}, below the required {min}")),
            None => return Some(format!("no EQF level, and EQF {min} is required")),
            Some(_) => {}
        }
    }
    if weight <= 0.0 {
        return Some(format!("{} evidence does not count for this vacancy", kebab(e.strength)));
    }
    micro_refusal(profile, e.micro)
}

fn micro_refusal(profile: &VacancyProfile, micro: Option<MicroFacts>) -> Option<String> {
    let policy = profile.micro_credentials;
    let facts = micro?;
    if policy.complete_eu_elements && !facts.complete_eu_elements {
        return Some("a micro-credential without all eleven EU elements".into());
    }
    if policy.quality_assurance && !facts.quality_assurance {
        return Some("a micro-credential that states no quality assurance".into());
    }
    if policy.supervised_assessment && !facts.supervised_assessment {
        return Some("a micro-credential whose assessment was not supervised".into());
    }
    None
}

fn kebab(strength: EvidenceStrength) -> String {
    serde_json::to_value(strength).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// Held skills related to a missing one: broader skills, siblings under a shared broader skill, ESCO relations.
fn related_holdings(
    target: SkillId,
    by_skill: &HashMap<&str, Vec<&Evidence>>,
    esco: &Esco,
    lang: &str,
) -> Vec<RelatedHolding> {
    let mut candidates: Vec<(SkillId, &'static str)> = Vec::new();
    for &parent in esco.broader(target) {
        if esco.skill_kind(parent).0 == SkillKind::Group {
            continue;
        }
        candidates.push((parent, "broader"));
        candidates.extend(esco.narrower(parent).iter().filter(|&&s| s != target).map(|&s| (s, "sibling")));
    }
    candidates.extend(esco.related(target).into_iter().map(|(s, _)| (s, "related")));
    let mut seen = std::collections::HashSet::new();
    candidates
        .into_iter()
        .filter(|(s, _)| seen.insert(*s))
        .filter_map(|(skill, relation)| {
            let uri = esco.skill_uri(skill);
            let held = by_skill.get(uri.as_str())?;
            let mut credentials: Vec<String> = held.iter().map(|e| e.credential_id.clone()).collect();
            credentials.dedup();
            Some(RelatedHolding { label: esco.skill_label(skill, lang), uri, relation, credentials })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;

    use super::*;
    use crate::core::vacancy::{EvidenceWeights, RequiredSkill};

    const PROGRAMMING: &str = "http://data.europa.eu/esco/skill/21d2f96d-35f7-4e3f-9745-c533d2dd6e97";
    const PYTHON: &str = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d";
    const JAVA: &str = "http://data.europa.eu/esco/skill/19a8293b-8e95-4de3-983f-77484079c389";
    const CLEANSING: &str = "http://data.europa.eu/esco/skill/50b100ea-74fd-4706-99db-3e4ca55e51b8";
    const STATISTICS: &str = "http://data.europa.eu/esco/skill/7ee4c2ea-b349-4bd2-81a3-ec31475d4833";

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap()
    }

    fn profile(essential: &[&str]) -> VacancyProfile {
        let required = |s: &&str| RequiredSkill { skill: (*s).to_owned(), label: None, min_eqf: None };
        VacancyProfile {
            title: "Data analyst".into(),
            employer: None,
            occupation: None,
            essential: essential.iter().map(required).collect(),
            optional: Vec::new(),
            min_eqf: None,
            evidence_weights: EvidenceWeights::default(),
            micro_credentials: crate::core::vacancy::MicroCredentialPolicy::default(),
            max_evidence_age_months: None,
            trusted_issuers: Vec::new(),
            answer_with_gaps: true,
        }
    }

    fn evidence(skill: &str, id: &str, strength: EvidenceStrength) -> Evidence {
        Evidence {
            skill: skill.into(),
            credential_id: id.into(),
            credential_name: None,
            issuer: "did:web:academy.example".into(),
            issuer_name: None,
            strength,
            eqf_level: Some(5),
            valid_from: Some(now() - chrono::Duration::days(30)),
            valid_until: None,
            status: KnownStatus::Unchecked,
            micro: None,
        }
    }

    fn report(profile: &VacancyProfile, evidence: &[Evidence]) -> GapReport {
        compute(profile, evidence, &Esco::embedded(), "en", now())
    }

    #[test]
    fn two_of_three_essential_skills_with_one_through_a_narrower_skill() {
        let held = [
            evidence(PYTHON, "urn:a", EvidenceStrength::NonFormal),
            evidence(CLEANSING, "urn:b", EvidenceStrength::Formal),
        ];
        let gap = report(&profile(&[PROGRAMMING, CLEANSING, STATISTICS]), &held);
        assert_eq!(gap.essential, Coverage { proven: 2, total: 3 });
        assert_eq!(gap.missing_essential, [STATISTICS]);
        let programming = &gap.skills[0];
        assert_eq!(programming.outcome, Outcome::ProvenNarrower);
        assert_eq!(programming.evidence[0].via.as_ref().unwrap().label, "Python (computer programming)");
        assert!((programming.strength - 0.64).abs() < 1e-9, "0.8 non-formal × 0.8 narrower");
        assert_eq!(gap.skills[1].outcome, Outcome::Proven);
        // (2·0.64 + 2·1.0 + 0) / 6 = 54.7
        assert!((gap.score - 54.7).abs() < 1e-9, "{}", gap.score);
    }

    #[test]
    fn expired_revoked_and_suspended_evidence_is_listed_but_does_not_count() {
        let mut expired = evidence(STATISTICS, "urn:expired", EvidenceStrength::Formal);
        expired.valid_until = Some(now() - chrono::Duration::days(1));
        let mut revoked = evidence(STATISTICS, "urn:revoked", EvidenceStrength::Formal);
        revoked.status = KnownStatus::Revoked { checked_at: now() };
        let mut suspended = evidence(STATISTICS, "urn:suspended", EvidenceStrength::Formal);
        suspended.status = KnownStatus::Suspended { checked_at: now() };
        let gap = report(&profile(&[STATISTICS]), &[expired, revoked, suspended]);
        let statistics = &gap.skills[0];
        assert_eq!(statistics.outcome, Outcome::Missing);
        assert_eq!(statistics.evidence.len(), 3);
        let reasons: Vec<&str> = statistics.evidence.iter().map(|e| e.reason.as_deref().unwrap()).collect();
        assert!(reasons.iter().any(|r| r.starts_with("expired on 2026-11-30")), "{reasons:?}");
        assert!(reasons.iter().any(|r| r.starts_with("revoked")) && reasons.iter().any(|r| r.starts_with("suspended")));
        assert!(gap.score.abs() < f64::EPSILON);
    }

    #[test]
    fn the_profile_weights_decide_which_evidence_ranks_first() {
        let held = [
            evidence(STATISTICS, "urn:informal", EvidenceStrength::Informal),
            evidence(STATISTICS, "urn:formal", EvidenceStrength::Formal),
        ];
        let gap = report(&profile(&[STATISTICS]), &held);
        assert_eq!(gap.skills[0].evidence[0].credential_id, "urn:formal");
        assert!((gap.skills[0].strength - 1.0).abs() < 1e-9);
        let mut on_the_job = profile(&[STATISTICS]);
        on_the_job.evidence_weights.formal = 0.2;
        on_the_job.evidence_weights.informal = 0.9;
        let gap = report(&on_the_job, &held);
        assert_eq!(gap.skills[0].evidence[0].credential_id, "urn:informal");
        on_the_job.evidence_weights.informal = 0.0;
        on_the_job.evidence_weights.formal = 0.0;
        let gap = report(&on_the_job, &held);
        assert_eq!(gap.skills[0].outcome, Outcome::Missing, "a weight of 0 means it does not count");
    }

    #[test]
    fn eqf_age_trust_and_micro_credential_policy_refuse_with_a_reason() {
        let mut strict = profile(&[STATISTICS]);
        strict.min_eqf = Some(6);
        strict.max_evidence_age_months = Some(12);
        strict.trusted_issuers = vec!["did:web:academy.example".into()];
        strict.micro_credentials.quality_assurance = true;
        let low = evidence(STATISTICS, "urn:low", EvidenceStrength::Formal);
        let mut old = evidence(STATISTICS, "urn:old", EvidenceStrength::Formal);
        old.eqf_level = Some(6);
        old.valid_from = Some(now() - chrono::Duration::days(800));
        let mut stranger = old.clone();
        stranger.credential_id = "urn:stranger".into();
        stranger.valid_from = Some(now());
        stranger.issuer = "did:web:diploma-mill.example".into();
        let mut micro = stranger.clone();
        micro.credential_id = "urn:micro".into();
        micro.issuer = "did:web:academy.example".into();
        micro.micro =
            Some(MicroFacts { complete_eu_elements: true, quality_assurance: false, supervised_assessment: true });
        let gap = report(&strict, &[low, old, stranger, micro.clone()]);
        let reasons: Vec<String> = gap.skills[0].evidence.iter().map(|e| e.reason.clone().unwrap()).collect();
        assert_eq!(gap.skills[0].outcome, Outcome::Missing, "{reasons:?}");
        for expected in
            ["below the required 6", "more than 12 months ago", "not one this employer trusts", "no quality assurance"]
        {
            assert!(reasons.iter().any(|r| r.contains(expected)), "{expected}: {reasons:?}");
        }
        micro.micro =
            Some(MicroFacts { complete_eu_elements: true, quality_assurance: true, supervised_assessment: false });
        assert_eq!(report(&strict, &[micro]).skills[0].outcome, Outcome::Proven);
    }

    #[test]
    fn a_missing_essential_skill_names_what_the_holder_has_nearby() {
        let gap = report(&profile(&[PYTHON]), &[evidence(JAVA, "urn:java", EvidenceStrength::Formal)]);
        let related = &gap.skills[0].related;
        assert!(
            related.iter().any(|r| r.uri == JAVA && r.relation == "sibling" && r.credentials == ["urn:java"]),
            "{related:?}"
        );
    }
}
