//! Vacancy profiles (DESIGN.md section 10, `docs/skills-gap.md`, `schemas/vacancy-profile.schema.json`): what a
//! job needs, in ESCO terms. The essential and optional skills (ESCO URIs, optionally with a minimum EQF level
//! each), a minimum EQF level overall, which evidence counts and how much it weighs, the employer's policy on EU
//! micro-credentials, the maximum age of evidence and the issuers trusted. A profile can start from an ESCO
//! occupation ([`VacancyProfile::from_occupation`]).
//!
//! A profile is parsed at the edge ([`VacancyProfile::parse`], JSON or TOML) and checked against ESCO: unknown
//! fields, URIs that are not ESCO skills, EQF levels outside 1 to 8, weights outside 0 to 1, an empty essential
//! list and a skill named twice are refused with a message that names the field.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::credential::claims::EvidenceStrength;
use super::esco::{Esco, OccupationId, SkillKind};

/// The most skills a profile may name (a request asks for each one: keep it reviewable).
pub const MAX_SKILLS: usize = 100;

/// Why a profile was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("vacancy profile: {0}")]
pub struct ProfileError(pub String);

/// A vacancy profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VacancyProfile {
    /// The job title.
    pub title: String,
    /// Who hires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employer: Option<String>,
    /// The ESCO occupation the profile started from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occupation: Option<String>,
    /// Skills the job cannot do without.
    pub essential: Vec<RequiredSkill>,
    /// Skills that help.
    #[serde(default)]
    pub optional: Vec<RequiredSkill>,
    /// Minimum EQF level of the evidence, unless a skill sets its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_eqf: Option<u8>,
    /// How much each kind of evidence weighs, 0 (does not count) to 1.
    #[serde(default)]
    pub evidence_weights: EvidenceWeights,
    /// What a micro-credential must show to count.
    #[serde(default)]
    pub micro_credentials: MicroCredentialPolicy,
    /// Evidence issued longer ago than this does not count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_evidence_age_months: Option<u32>,
    /// Only these issuers (DIDs or URLs) count; empty: every issuer.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trusted_issuers: Vec<String>,
    /// Requests made from this profile let the holder answer without every essential skill (so the employer sees
    /// the gap); `false` makes every essential skill a required part of the request.
    #[serde(default = "yes")]
    pub answer_with_gaps: bool,
}

fn yes() -> bool {
    true
}

/// A skill the job needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RequiredSkill {
    /// ESCO skill URI.
    pub skill: String,
    /// Its label, for people reading the file (ESCO's own is shown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Minimum EQF level for this skill.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_eqf: Option<u8>,
}

/// Weights per kind of evidence (DESIGN.md section 3: the learning setting, practice statements apart).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EvidenceWeights {
    /// Formal education.
    #[serde(default = "EvidenceWeights::formal")]
    pub formal: f64,
    /// Non-formal learning (courses, micro-credentials).
    #[serde(default = "EvidenceWeights::non_formal")]
    pub non_formal: f64,
    /// An employer's practice statement.
    #[serde(default = "EvidenceWeights::practice_statement")]
    pub practice_statement: f64,
    /// Informal learning.
    #[serde(default = "EvidenceWeights::informal")]
    pub informal: f64,
    /// The credential does not say how it was learned.
    #[serde(default = "EvidenceWeights::unstated")]
    pub unstated: f64,
    /// An unsigned Open Badges 2.0 hosted badge.
    #[serde(default = "EvidenceWeights::hosted")]
    pub hosted: f64,
}

impl EvidenceWeights {
    fn formal() -> f64 {
        1.0
    }
    fn non_formal() -> f64 {
        0.8
    }
    fn practice_statement() -> f64 {
        0.7
    }
    fn informal() -> f64 {
        0.5
    }
    fn unstated() -> f64 {
        0.4
    }
    fn hosted() -> f64 {
        0.3
    }

    /// The weight of a kind of evidence.
    #[must_use]
    pub fn of(&self, strength: EvidenceStrength) -> f64 {
        match strength {
            EvidenceStrength::Formal => self.formal,
            EvidenceStrength::NonFormal => self.non_formal,
            EvidenceStrength::PracticeStatement => self.practice_statement,
            EvidenceStrength::Informal => self.informal,
            EvidenceStrength::Unstated => self.unstated,
            EvidenceStrength::Hosted => self.hosted,
        }
    }

    fn all(&self) -> [(&'static str, f64); 6] {
        [
            ("formal", self.formal),
            ("nonFormal", self.non_formal),
            ("practiceStatement", self.practice_statement),
            ("informal", self.informal),
            ("unstated", self.unstated),
            ("hosted", self.hosted),
        ]
    }
}

impl Default for EvidenceWeights {
    fn default() -> Self {
        Self {
            formal: Self::formal(),
            non_formal: Self::non_formal(),
            practice_statement: Self::practice_statement(),
            informal: Self::informal(),
            unstated: Self::unstated(),
            hosted: Self::hosted(),
        }
    }
}

/// What a micro-credential must show to count (Council Recommendation 2022/C 243/02).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MicroCredentialPolicy {
    /// All eleven mandatory EU elements.
    #[serde(default)]
    pub complete_eu_elements: bool,
    /// Element 11, the type of quality assurance, stated.
    #[serde(default)]
    pub quality_assurance: bool,
    /// The assessment was supervised (the optional supervision element says so).
    #[serde(default)]
    pub supervised_assessment: bool,
}

impl VacancyProfile {
    /// Parses a profile (JSON when it starts with `{`, else TOML) and checks it against ESCO.
    ///
    /// # Errors
    /// [`ProfileError`] naming what is wrong.
    pub fn parse(text: &str, esco: &Esco) -> Result<Self, ProfileError> {
        let profile: Self = if text.trim_start().starts_with('{') {
            serde_json::from_str(text).map_err(|e| ProfileError(e.to_string()))?
        } else {
            toml::from_str(text).map_err(|e| ProfileError(e.message().to_owned()))?
        };
        profile.check(esco)?;
        Ok(profile)
    }

    /// Reads a profile sent as JSON (the `profile` member of an HTTP request) and checks it against ESCO.
    ///
    /// # Errors
    /// [`ProfileError`] naming what is wrong.
    pub fn from_json(value: serde_json::Value, esco: &Esco) -> Result<Self, ProfileError> {
        let profile: Self = serde_json::from_value(value).map_err(|e| ProfileError(e.to_string()))?;
        profile.check(esco)?;
        Ok(profile)
    }

    /// Checks a profile built in code or read from JSON.
    ///
    /// # Errors
    /// [`ProfileError`].
    pub fn check(&self, esco: &Esco) -> Result<(), ProfileError> {
        let refuse = |why: String| Err(ProfileError(why));
        if self.title.trim().is_empty() {
            return refuse("title is empty".into());
        }
        if self.essential.is_empty() {
            return refuse("essential lists no skill: a profile needs at least one essential skill".into());
        }
        if self.essential.len() + self.optional.len() > MAX_SKILLS {
            return refuse(format!("more than {MAX_SKILLS} skills"));
        }
        if let Some(occupation) = &self.occupation {
            if esco.occupation(occupation).is_none() {
                return refuse(format!("occupation {occupation:?} is not an ESCO occupation URI"));
            }
        }
        let mut seen = HashSet::new();
        for (list, skills) in [("essential", &self.essential), ("optional", &self.optional)] {
            for required in skills {
                let known = esco.skill(&required.skill).filter(|&s| esco.skill_kind(s).0 != SkillKind::Group);
                if known.is_none() {
                    return refuse(format!("{list}: {:?} is not an ESCO skill URI", required.skill));
                }
                if !seen.insert(required.skill.as_str()) {
                    return refuse(format!("{list}: {:?} is named twice", required.skill));
                }
                check_eqf(required.min_eqf, &format!("{list}: minEqf of {}", required.skill))?;
            }
        }
        check_eqf(self.min_eqf, "minEqf")?;
        for (name, weight) in self.evidence_weights.all() {
            if !(0.0..=1.0).contains(&weight) {
                return refuse(format!("evidenceWeights.{name} is {weight}; weights run from 0 to 1"));
            }
        }
        if self.max_evidence_age_months == Some(0) {
            return refuse("maxEvidenceAgeMonths is 0; leave it out to accept evidence of any age".into());
        }
        if self.trusted_issuers.iter().any(|i| i.trim().is_empty()) {
            return refuse("trustedIssuers holds an empty entry".into());
        }
        Ok(())
    }

    /// A starting profile from an ESCO occupation: its essential skills as essential, its optional ones as
    /// optional (capped at [`MAX_SKILLS`], essential first), default weights and policy.
    #[must_use]
    pub fn from_occupation(esco: &Esco, occupation: OccupationId, lang: &str) -> Self {
        let (essential, optional) = esco.occupation_skills(occupation);
        let required = |ids: &[u32], room: usize| -> Vec<RequiredSkill> {
            let mut list: Vec<RequiredSkill> = ids
                .iter()
                .map(|&s| RequiredSkill {
                    skill: esco.skill_uri(s),
                    label: Some(esco.skill_label(s, lang)),
                    min_eqf: None,
                })
                .collect();
            list.sort_by(|a, b| a.label.cmp(&b.label));
            list.truncate(room);
            list
        };
        let essential = required(essential, MAX_SKILLS);
        let optional = required(optional, MAX_SKILLS - essential.len());
        Self {
            title: esco.occupation_label(occupation, lang),
            employer: None,
            occupation: Some(esco.occupation_uri(occupation)),
            essential,
            optional,
            min_eqf: None,
            evidence_weights: EvidenceWeights::default(),
            micro_credentials: MicroCredentialPolicy::default(),
            max_evidence_age_months: None,
            trusted_issuers: Vec::new(),
            answer_with_gaps: true,
        }
    }

    /// Every required skill with whether it is essential, essential first.
    pub fn required(&self) -> impl Iterator<Item = (&RequiredSkill, bool)> {
        self.essential.iter().map(|s| (s, true)).chain(self.optional.iter().map(|s| (s, false)))
    }
}

fn check_eqf(level: Option<u8>, what: &str) -> Result<(), ProfileError> {
    match level {
        Some(level) if !(1..=8).contains(&level) => {
            Err(ProfileError(format!("{what} is {level}; EQF levels run from 1 to 8")))
        }
        _ => Ok(()),
    }
}
