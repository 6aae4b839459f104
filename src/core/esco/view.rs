//! How ESCO concepts are shown to people and scripts (CLI `esco show --json`, `GET /esco/...`): one shape for a
//! skill with its broader skills and the occupations that need it, one for an occupation with its essential and
//! optional skills, one for a search hit.

use serde::Serialize;

use super::search::{Hit, Match};
use super::{Esco, OccupationId, Pillar, ReuseLevel, SkillId, SkillKind};

/// A concept in a list: URI and preferred label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Concept {
    /// URI.
    pub uri: String,
    /// Preferred label in the asked language (or the fallback).
    pub label: String,
}

/// A search hit as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SearchHit {
    /// URI.
    pub uri: String,
    /// Preferred label.
    pub label: String,
    /// The label that matched (preferred or alternative).
    pub matched: String,
    /// How it matched.
    #[serde(rename = "match")]
    pub kind: Match,
}

/// A skill in detail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SkillView {
    /// URI.
    pub uri: String,
    /// Preferred label.
    pub label: String,
    /// The language of the labels shown.
    pub lang: String,
    /// Alternative labels.
    pub alternative_labels: Vec<String>,
    /// Description.
    pub description: String,
    /// Kind.
    pub skill_type: SkillKind,
    /// Reuse level.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reuse_level: Option<ReuseLevel>,
    /// Broader skills and groups.
    pub broader: Vec<Concept>,
    /// Narrower skills (one level).
    pub narrower: Vec<Concept>,
    /// Occupations for which it is essential.
    pub essential_for: Vec<Concept>,
    /// Occupations for which it is optional.
    pub optional_for: Vec<Concept>,
}

/// An occupation in detail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OccupationView {
    /// URI.
    pub uri: String,
    /// Preferred label.
    pub label: String,
    /// The language of the labels shown.
    pub lang: String,
    /// Alternative labels.
    pub alternative_labels: Vec<String>,
    /// Description.
    pub description: String,
    /// ISCO-08 unit group.
    pub isco_group: String,
    /// ESCO code.
    pub code: String,
    /// Essential skills.
    pub essential_skills: Vec<Concept>,
    /// Optional skills.
    pub optional_skills: Vec<Concept>,
}

impl Esco {
    /// A skill as a list entry.
    #[must_use]
    pub fn skill_concept(&self, skill: SkillId, lang: &str) -> Concept {
        Concept { uri: self.skill_uri(skill), label: self.skill_label(skill, lang) }
    }

    /// An occupation as a list entry.
    #[must_use]
    pub fn occupation_concept(&self, occupation: OccupationId, lang: &str) -> Concept {
        Concept { uri: self.occupation_uri(occupation), label: self.occupation_label(occupation, lang) }
    }

    /// Search hits as shown.
    #[must_use]
    pub fn search_view(&self, pillar: Pillar, text: &str, lang: &str, limit: usize) -> Vec<SearchHit> {
        let show = |hit: Hit| {
            let Concept { uri, label } = match pillar {
                Pillar::Skills => self.skill_concept(hit.id, lang),
                Pillar::Occupations => self.occupation_concept(hit.id, lang),
            };
            SearchHit { uri, label, matched: hit.matched, kind: hit.kind }
        };
        self.search(pillar, text, lang, limit).into_iter().map(show).collect()
    }

    /// A skill in detail.
    #[must_use]
    pub fn skill_view(&self, skill: SkillId, lang: &str) -> SkillView {
        let (set, shown) = self.skill_labels(skill, lang).map_or((None, lang), |(s, l)| (Some(s), l));
        let (kind, reuse) = self.skill_kind(skill);
        let list = |ids: &mut dyn Iterator<Item = SkillId>| ids.map(|s| self.skill_concept(s, lang)).collect();
        let needed = self.needed_by(skill);
        let occupations = |essential: bool| {
            let mut list: Vec<Concept> = needed
                .iter()
                .filter(|(_, e)| *e == essential)
                .map(|&(o, _)| self.occupation_concept(o, lang))
                .collect();
            list.sort_by(|a, b| a.label.cmp(&b.label));
            list
        };
        SkillView {
            uri: self.skill_uri(skill),
            label: self.skill_label(skill, lang),
            lang: shown.to_owned(),
            alternative_labels: set.map(|s| s.alternative.clone()).unwrap_or_default(),
            description: set.map(|s| s.description.clone()).unwrap_or_default(),
            skill_type: kind,
            reuse_level: reuse,
            broader: list(&mut self.broader(skill).iter().copied()),
            narrower: list(&mut self.narrower(skill).iter().copied()),
            essential_for: occupations(true),
            optional_for: occupations(false),
        }
    }

    /// An occupation in detail.
    #[must_use]
    pub fn occupation_view(&self, occupation: OccupationId, lang: &str) -> OccupationView {
        let (set, shown) = self.occupation_labels(occupation, lang).map_or((None, lang), |(s, l)| (Some(s), l));
        let (essential, optional) = self.occupation_skills(occupation);
        let (isco, code) = self.occupation_codes(occupation);
        let list = |ids: &[SkillId]| {
            let mut list: Vec<Concept> = ids.iter().map(|&s| self.skill_concept(s, lang)).collect();
            list.sort_by(|a, b| a.label.cmp(&b.label));
            list
        };
        OccupationView {
            uri: self.occupation_uri(occupation),
            label: self.occupation_label(occupation, lang),
            lang: shown.to_owned(),
            alternative_labels: set.map(|s| s.alternative.clone()).unwrap_or_default(),
            description: set.map(|s| s.description.clone()).unwrap_or_default(),
            isco_group: isco.to_owned(),
            code: code.to_owned(),
            essential_skills: list(essential),
            optional_skills: list(optional),
        }
    }
}
