//! ESCO, the EU's skills language (European Skills, Competences, Qualifications and Occupations), on board: the
//! skills with their labels, types and reuse levels, the occupations with their ISCO groups, which skills each
//! occupation needs (essential or optional), the broader-skill hierarchy and the skill-to-skill relations.
//!
//! The official v1.1.1 English download is derived once ([`compact`], `data/esco/derive.sh`) into two small gzip'd
//! JSON files the binary embeds, so every ESCO look-up works offline from any folder; they are decoded on first
//! use ([`Esco::embedded`]). Other languages and newer versions come from the official CSV download
//! ([`download`]), as labels keyed by URI that lay over the structure, falling back to English per concept.
//! [`search`] ranks labels (exact, prefix, word, then one typo per word).
//!
//! Contains ESCO v1.1.1 data, © European Union, <https://esco.ec.europa.eu>, reused under Commission Decision
//! 2011/833/EU.

pub mod compact;
pub mod download;
pub mod search;
pub mod view;

/// The embedded files' own SHA-256 sums, as committed (`tests/esco.rs` recomputes them).
pub const EMBEDDED_SUMS: &str = include_str!("../../../data/esco/SHA256SUMS");

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock};

use serde::Serialize;

pub use compact::{Labels, Structure};
pub use search::{Hit, SearchIndex};

/// Every ESCO concept URI starts here.
pub const ESCO_BASE: &str = "http://data.europa.eu/esco/";
/// The attribution ESCO's reuse licence (Commission Decision 2011/833/EU) asks for.
pub const ATTRIBUTION: &str = "Contains ESCO v1.1.1 data, © European Union, https://esco.ec.europa.eu, reused under \
                               Commission Decision 2011/833/EU";
/// The language of the embedded labels, and the fallback for every other.
pub const DEFAULT_LANG: &str = "en";

/// The embedded structure and English labels (derived from the official v1.1.1 zips; see `data/esco/SOURCES.md`).
const EMBEDDED_STRUCTURE: &[u8] = include_bytes!("../../../data/esco/esco-v1.1.1-structure.json.gz");
const EMBEDDED_LABELS_EN: &[u8] = include_bytes!("../../../data/esco/esco-v1.1.1-labels-en.json.gz");

/// Why ESCO data could not be read or a concept not found.
#[derive(Debug, thiserror::Error)]
pub enum EscoError {
    /// A compact file that does not decode.
    #[error("ESCO data does not decode: {0}")]
    Compact(String),
    /// An official CSV download that is malformed or partial.
    #[error("{file}, line {line}{}: {message}", column.as_ref().map(|c| format!(", column {c}")).unwrap_or_default())]
    Download {
        /// The file.
        file: String,
        /// 1-based line (0 when the file as a whole is at fault).
        line: u64,
        /// The column's header name.
        column: Option<String>,
        /// What is wrong.
        message: String,
    },
    /// No ESCO concept with that URI or label.
    #[error("{0} is not an ESCO {1} (try `skillspass esco search`)")]
    Unknown(String, &'static str),
}

/// Whether a skill concept is knowledge, a skill/competence, or a group in the hierarchy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SkillKind {
    /// `skill/competence`.
    SkillCompetence,
    /// `knowledge`.
    Knowledge,
    /// A skill group of the hierarchy (including ISCED-F fields).
    Group,
    /// ESCO gives no type (6 skills in v1.1.1).
    Unstated,
}

/// How widely a skill applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReuseLevel {
    /// Transversal.
    Transversal,
    /// Cross-sector.
    CrossSector,
    /// Sector-specific.
    SectorSpecific,
    /// Occupation-specific.
    OccupationSpecific,
}

/// Index of a skill concept in [`Esco`].
pub type SkillId = u32;
/// Index of an occupation in [`Esco`].
pub type OccupationId = u32;

/// The label set of one concept in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct LabelSet {
    /// The preferred label.
    pub preferred: String,
    /// Alternative labels (never repeating the preferred one).
    pub alternative: Vec<String>,
    /// The description.
    pub description: String,
}

/// ESCO: the structure, labels per language, and search indexes built on first use.
#[derive(Debug)]
pub struct Esco {
    structure: Structure,
    skill_ids: HashMap<String, SkillId>,
    occupation_ids: HashMap<String, OccupationId>,
    narrower: Vec<Vec<SkillId>>,
    needed_by: Vec<Vec<(OccupationId, bool)>>,
    labels: BTreeMap<String, LangLabels>,
    skill_search: BTreeMap<String, OnceLock<SearchIndex>>,
    occupation_search: BTreeMap<String, OnceLock<SearchIndex>>,
}

/// One language's labels, by concept index.
#[derive(Debug, Default)]
struct LangLabels {
    skills: Vec<Option<LabelSet>>,
    occupations: Vec<Option<LabelSet>>,
}

/// Which concepts a search looks in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pillar {
    /// Skills and knowledge (not groups).
    Skills,
    /// Occupations.
    Occupations,
}

impl Esco {
    /// The embedded v1.1.1 data with English labels, decoded once.
    ///
    /// # Panics
    /// Never in a built binary: `tests/esco.rs` decodes the embedded files.
    #[must_use]
    pub fn embedded() -> Arc<Self> {
        static EMBEDDED: OnceLock<Arc<Esco>> = OnceLock::new();
        EMBEDDED
            .get_or_init(|| {
                #[allow(clippy::expect_used)]
                Arc::new(
                    Self::decode(EMBEDDED_STRUCTURE, &[EMBEDDED_LABELS_EN]).expect("the embedded ESCO data decodes"),
                )
            })
            .clone()
    }

    /// The embedded structure with the embedded English labels, then `labels` over them, or an imported
    /// `structure` (a newer version) instead of the embedded one.
    ///
    /// # Errors
    /// [`EscoError::Compact`] for files that do not decode.
    pub fn with_imports(structure: Option<&[u8]>, labels: &[Vec<u8>]) -> Result<Self, EscoError> {
        let mut all: Vec<&[u8]> = vec![EMBEDDED_LABELS_EN];
        all.extend(labels.iter().map(Vec::as_slice));
        Self::decode(structure.unwrap_or(EMBEDDED_STRUCTURE), &all)
    }

    /// Builds ESCO from a compact structure and label files (gzip'd JSON, [`compact`]).
    ///
    /// # Errors
    /// [`EscoError::Compact`] for files that do not decode.
    pub fn decode(structure: &[u8], labels: &[&[u8]]) -> Result<Self, EscoError> {
        let structure = Structure::decode(structure)?;
        let labels = labels.iter().map(|bytes| Labels::decode(bytes)).collect::<Result<Vec<_>, _>>()?;
        Ok(Self::new(structure, labels))
    }

    /// Builds ESCO from a structure and label sets (later label sets of one language override earlier ones).
    #[must_use]
    pub fn new(structure: Structure, labels: Vec<Labels>) -> Self {
        let skill_ids = index(structure.skills.iter().map(|s| s.key.as_str()));
        let occupation_ids = index(structure.occupations.iter().map(|o| o.key.as_str()));
        let mut narrower = vec![Vec::new(); structure.skills.len()];
        for (child, parents) in structure.broader.iter().enumerate() {
            for &parent in parents {
                narrower[parent as usize].push(id(child));
            }
        }
        let mut needed_by = vec![Vec::new(); structure.skills.len()];
        for (occupation, needs) in structure.occupation_skills.iter().enumerate() {
            for &skill in &needs.essential {
                needed_by[skill as usize].push((id(occupation), true));
            }
            for &skill in &needs.optional {
                needed_by[skill as usize].push((id(occupation), false));
            }
        }
        let mut esco = Self {
            structure,
            skill_ids,
            occupation_ids,
            narrower,
            needed_by,
            labels: BTreeMap::new(),
            skill_search: BTreeMap::new(),
            occupation_search: BTreeMap::new(),
        };
        for set in labels {
            esco.add_labels(set);
        }
        esco
    }

    /// Lays a language's labels over the structure (concepts it does not know are skipped; counted in the
    /// answer).
    pub fn add_labels(&mut self, labels: Labels) -> usize {
        let (skills, occupations) = (self.structure.skills.len(), self.structure.occupations.len());
        let lang = self
            .labels
            .entry(labels.lang.clone())
            .or_insert_with(|| LangLabels { skills: vec![None; skills], occupations: vec![None; occupations] });
        let mut skipped = 0;
        for (key, set) in labels.skills {
            match self.skill_ids.get(&key) {
                Some(&i) => lang.skills[i as usize] = Some(set),
                None => skipped += 1,
            }
        }
        for (key, set) in labels.occupations {
            match self.occupation_ids.get(&key) {
                Some(&i) => lang.occupations[i as usize] = Some(set),
                None => skipped += 1,
            }
        }
        self.skill_search.insert(labels.lang.clone(), OnceLock::new());
        self.occupation_search.insert(labels.lang, OnceLock::new());
        skipped
    }

    /// The ESCO version of the structure (`v1.1.1`).
    #[must_use]
    pub fn version(&self) -> &str {
        &self.structure.version
    }

    /// The languages with labels.
    #[must_use]
    pub fn languages(&self) -> Vec<&str> {
        self.labels.keys().map(String::as_str).collect()
    }

    /// Counts: skills (without groups), skill groups, occupations, occupation-skill relations.
    #[must_use]
    pub fn counts(&self) -> (usize, usize, usize, usize) {
        let groups = self.structure.skills.iter().filter(|s| s.kind == SkillKind::Group).count();
        let relations = self.structure.occupation_skills.iter().map(|n| n.essential.len() + n.optional.len()).sum();
        (self.structure.skills.len() - groups, groups, self.structure.occupations.len(), relations)
    }

    /// A skill (or group) by URI.
    #[must_use]
    pub fn skill(&self, uri: &str) -> Option<SkillId> {
        self.skill_ids.get(uri.strip_prefix(ESCO_BASE)?).copied()
    }

    /// An occupation by URI.
    #[must_use]
    pub fn occupation(&self, uri: &str) -> Option<OccupationId> {
        self.occupation_ids.get(uri.strip_prefix(ESCO_BASE)?).copied()
    }

    /// A skill by its bare UUID (`/esco/skills/{uuid}`).
    #[must_use]
    pub fn skill_by_uuid(&self, uuid: &str) -> Option<SkillId> {
        self.skill_ids.get(&format!("skill/{uuid}")).copied()
    }

    /// An occupation by its bare UUID.
    #[must_use]
    pub fn occupation_by_uuid(&self, uuid: &str) -> Option<OccupationId> {
        self.occupation_ids.get(&format!("occupation/{uuid}")).copied()
    }

    /// The skill's URI.
    #[must_use]
    pub fn skill_uri(&self, skill: SkillId) -> String {
        format!("{ESCO_BASE}{}", self.structure.skills[skill as usize].key)
    }

    /// The occupation's URI.
    #[must_use]
    pub fn occupation_uri(&self, occupation: OccupationId) -> String {
        format!("{ESCO_BASE}{}", self.structure.occupations[occupation as usize].key)
    }

    /// The skill's kind and reuse level.
    #[must_use]
    pub fn skill_kind(&self, skill: SkillId) -> (SkillKind, Option<ReuseLevel>) {
        let s = &self.structure.skills[skill as usize];
        (s.kind, s.reuse)
    }

    /// The occupation's ISCO group and ESCO code.
    #[must_use]
    pub fn occupation_codes(&self, occupation: OccupationId) -> (&str, &str) {
        let o = &self.structure.occupations[occupation as usize];
        (&o.isco_group, &o.code)
    }

    /// A skill's labels in `lang`, else English, else any language that has them.
    #[must_use]
    pub fn skill_labels(&self, skill: SkillId, lang: &str) -> Option<(&LabelSet, &str)> {
        self.pick(lang, |l| l.skills.get(skill as usize).and_then(Option::as_ref))
    }

    /// An occupation's labels in `lang`, else English, else any language.
    #[must_use]
    pub fn occupation_labels(&self, occupation: OccupationId, lang: &str) -> Option<(&LabelSet, &str)> {
        self.pick(lang, |l| l.occupations.get(occupation as usize).and_then(Option::as_ref))
    }

    fn pick<'a>(
        &'a self,
        lang: &str,
        get: impl Fn(&'a LangLabels) -> Option<&'a LabelSet>,
    ) -> Option<(&'a LabelSet, &'a str)> {
        let preferred = [lang, DEFAULT_LANG].into_iter().filter_map(|l| self.labels.get_key_value(l));
        preferred.chain(self.labels.iter()).find_map(|(l, labels)| get(labels).map(|set| (set, l.as_str())))
    }

    /// The skill's preferred label in `lang` (or the fallback), or its URI.
    #[must_use]
    pub fn skill_label(&self, skill: SkillId, lang: &str) -> String {
        self.skill_labels(skill, lang).map_or_else(|| self.skill_uri(skill), |(set, _)| set.preferred.clone())
    }

    /// The occupation's preferred label in `lang` (or the fallback), or its URI.
    #[must_use]
    pub fn occupation_label(&self, occupation: OccupationId, lang: &str) -> String {
        self.occupation_labels(occupation, lang)
            .map_or_else(|| self.occupation_uri(occupation), |(set, _)| set.preferred.clone())
    }

    /// The broader concepts of a skill (skills or groups).
    #[must_use]
    pub fn broader(&self, skill: SkillId) -> &[SkillId] {
        &self.structure.broader[skill as usize]
    }

    /// The narrower skills of a skill (one level).
    #[must_use]
    pub fn narrower(&self, skill: SkillId) -> &[SkillId] {
        &self.narrower[skill as usize]
    }

    /// Whether `ancestor` is broader than `skill`, through at most `depth` levels; the number of levels.
    #[must_use]
    pub fn broader_distance(&self, skill: SkillId, ancestor: SkillId, depth: u8) -> Option<u8> {
        let mut level = vec![skill];
        for distance in 1..=depth {
            level = level.iter().flat_map(|&s| self.broader(s).iter().copied()).collect();
            if level.contains(&ancestor) {
                return Some(distance);
            }
            if level.is_empty() {
                break;
            }
        }
        None
    }

    /// Every narrower skill, down to `depth` levels (groups left out).
    #[must_use]
    pub fn descendants(&self, skill: SkillId, depth: u8) -> Vec<SkillId> {
        let mut all = Vec::new();
        let mut level = vec![skill];
        for _ in 0..depth {
            level = level.iter().flat_map(|&s| self.narrower(s).iter().copied()).collect();
            all.extend(level.iter().copied().filter(|&s| self.skill_kind(s).0 != SkillKind::Group));
        }
        all.sort_unstable();
        all.dedup();
        all
    }

    /// Skills ESCO relates to this one (skill-to-skill relations, both directions): (skill, essential).
    #[must_use]
    pub fn related(&self, skill: SkillId) -> Vec<(SkillId, bool)> {
        let mut related: Vec<(SkillId, bool)> = self.structure.related[skill as usize].clone();
        for (other, relations) in self.structure.related.iter().enumerate() {
            if let Some(&(_, essential)) = relations.iter().find(|(s, _)| *s == skill) {
                related.push((id(other), essential));
            }
        }
        related
    }

    /// The occupations that need a skill: (occupation, essential).
    #[must_use]
    pub fn needed_by(&self, skill: SkillId) -> &[(OccupationId, bool)] {
        &self.needed_by[skill as usize]
    }

    /// An occupation's essential and optional skills.
    #[must_use]
    pub fn occupation_skills(&self, occupation: OccupationId) -> (&[SkillId], &[SkillId]) {
        let needs = &self.structure.occupation_skills[occupation as usize];
        (&needs.essential, &needs.optional)
    }

    /// Ranked search over skills or occupations in `lang` (labels of concepts without a `lang` label are searched
    /// in English). The index is built on first use per language.
    #[must_use]
    pub fn search(&self, pillar: Pillar, text: &str, lang: &str, limit: usize) -> Vec<Hit> {
        let lang = if self.labels.contains_key(lang) { lang } else { DEFAULT_LANG };
        let indexes = match pillar {
            Pillar::Skills => &self.skill_search,
            Pillar::Occupations => &self.occupation_search,
        };
        let Some(cell) = indexes.get(lang) else { return Vec::new() };
        cell.get_or_init(|| self.build_index(pillar, lang)).search(text, limit)
    }

    fn build_index(&self, pillar: Pillar, lang: &str) -> SearchIndex {
        let mut entries = Vec::new();
        match pillar {
            Pillar::Skills => {
                for skill in 0..self.structure.skills.len() {
                    let skill = id(skill);
                    if self.skill_kind(skill).0 != SkillKind::Group {
                        if let Some((set, _)) = self.skill_labels(skill, lang) {
                            entries.push((skill, set));
                        }
                    }
                }
            }
            Pillar::Occupations => {
                for occupation in 0..self.structure.occupations.len() {
                    if let Some((set, _)) = self.occupation_labels(id(occupation), lang) {
                        entries.push((id(occupation), set));
                    }
                }
            }
        }
        SearchIndex::build(entries)
    }

    /// Finds a skill by URI, else by the best search hit for the text.
    ///
    /// # Errors
    /// [`EscoError::Unknown`].
    pub fn resolve_skill(&self, text: &str, lang: &str) -> Result<SkillId, EscoError> {
        if text.starts_with("http://") || text.starts_with("https://") {
            return self.skill(text).ok_or_else(|| EscoError::Unknown(text.to_owned(), "skill"));
        }
        let hits = self.search(Pillar::Skills, text, lang, 1);
        hits.first().map(|h| h.id).ok_or_else(|| EscoError::Unknown(format!("{text:?}"), "skill"))
    }

    /// Finds an occupation by URI, else by the best search hit.
    ///
    /// # Errors
    /// [`EscoError::Unknown`].
    pub fn resolve_occupation(&self, text: &str, lang: &str) -> Result<OccupationId, EscoError> {
        if text.starts_with("http://") || text.starts_with("https://") {
            return self.occupation(text).ok_or_else(|| EscoError::Unknown(text.to_owned(), "occupation"));
        }
        let hits = self.search(Pillar::Occupations, text, lang, 1);
        hits.first().map(|h| h.id).ok_or_else(|| EscoError::Unknown(format!("{text:?}"), "occupation"))
    }
}

/// A concept index from a position (ESCO has fewer than 2^32 concepts; the compact decoder checks).
fn id(position: usize) -> u32 {
    u32::try_from(position).unwrap_or(u32::MAX)
}

fn index<'a>(keys: impl Iterator<Item = &'a str>) -> HashMap<String, u32> {
    keys.enumerate().map(|(i, key)| (key.to_owned(), id(i))).collect()
}
