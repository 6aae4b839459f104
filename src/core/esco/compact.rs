//! The compact, versioned form of ESCO that skillspass ships and imports into its data folder: two kinds of
//! gzip'd JSON file. A **structure** file (`skillspass-esco-structure/1`) lists the concepts by key (the URI after
//! `http://data.europa.eu/esco/`) in a fixed order and refers to them by position: the broader links, the
//! occupation-skill relations (essential, optional) and the skill-skill relations. A **labels** file
//! (`skillspass-esco-labels/1`) holds one language's preferred and alternative labels and descriptions, keyed by
//! concept key, so it lays over any structure that knows the concept.
//!
//! Encoding is deterministic (sorted keys, gzip with no timestamp and a fixed level), so deriving twice from the
//! same official download gives byte-identical files, which `tests/esco.rs` checks against `data/esco/SHA256SUMS`.

use std::collections::BTreeMap;
use std::io::{Read as _, Write as _};

use serde::{Deserialize, Serialize};

use super::{EscoError, LabelSet, ReuseLevel, SkillId, SkillKind};

/// Format name of structure files.
pub const STRUCTURE_FORMAT: &str = "skillspass-esco-structure/1";
/// Format name of label files.
pub const LABELS_FORMAT: &str = "skillspass-esco-labels/1";
/// Largest decompressed compact file (the v1.1.1 English labels are about 14 MB).
const MAX_DECODED: u64 = 128 * 1024 * 1024;

/// A skill concept (a skill, knowledge, or a group of the hierarchy).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkillConcept {
    /// The URI after the ESCO base (`skill/<uuid>`, `isced-f/0613`).
    pub key: String,
    /// Its kind.
    pub kind: SkillKind,
    /// Its reuse level.
    pub reuse: Option<ReuseLevel>,
}

/// An occupation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OccupationConcept {
    /// `occupation/<uuid>`.
    pub key: String,
    /// The 4-digit ISCO-08 unit group.
    pub isco_group: String,
    /// The ESCO code (`2511.4`).
    pub code: String,
}

/// What an occupation needs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Needs {
    /// Essential skills.
    pub essential: Vec<SkillId>,
    /// Optional skills.
    pub optional: Vec<SkillId>,
}

/// The concepts and how they relate, without labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Structure {
    /// ESCO version (`v1.1.1`).
    pub version: String,
    /// Skill concepts, groups included.
    pub skills: Vec<SkillConcept>,
    /// Occupations.
    pub occupations: Vec<OccupationConcept>,
    /// Per skill: its broader concepts.
    pub broader: Vec<Vec<SkillId>>,
    /// Per occupation: its skills.
    pub occupation_skills: Vec<Needs>,
    /// Per skill: related skills (skill-skill relations) and whether the relation is essential.
    pub related: Vec<Vec<(SkillId, bool)>>,
}

/// One language's labels, by concept key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Labels {
    /// ESCO version they came with.
    pub version: String,
    /// Language code (`en`, `nl`).
    pub lang: String,
    /// Skill labels.
    pub skills: BTreeMap<String, LabelSet>,
    /// Occupation labels.
    pub occupations: BTreeMap<String, LabelSet>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StructureFile {
    format: String,
    version: String,
    /// `[key, kind, reuse]`: kind `s`, `k`, `g` or empty; reuse `t`, `c`, `s`, `o` or empty.
    skills: Vec<(String, String, String)>,
    /// `[key, iscoGroup, code]`.
    occupations: Vec<(String, String, String)>,
    /// `[skill, [broader...]]` for skills with broader concepts.
    broader: Vec<(SkillId, Vec<SkillId>)>,
    /// `[occupation, [essential...], [optional...]]`.
    #[serde(rename = "occupationSkills")]
    occupation_skills: Vec<(u32, Vec<SkillId>, Vec<SkillId>)>,
    /// `[skill, [[related, essential]...]]`.
    related: Vec<(SkillId, Vec<(SkillId, bool)>)>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct LabelsFile {
    format: String,
    version: String,
    lang: String,
    /// `key: [preferred, [alternative...], description]`.
    skills: BTreeMap<String, (String, Vec<String>, String)>,
    occupations: BTreeMap<String, (String, Vec<String>, String)>,
}

impl Structure {
    /// Encodes as gzip'd JSON, deterministically.
    #[must_use]
    pub fn encode(&self) -> Vec<u8> {
        let sparse = |lists: &[Vec<SkillId>]| -> Vec<(SkillId, Vec<SkillId>)> {
            lists.iter().enumerate().filter(|(_, l)| !l.is_empty()).map(|(i, l)| (super::id(i), l.clone())).collect()
        };
        let file = StructureFile {
            format: STRUCTURE_FORMAT.into(),
            version: self.version.clone(),
            skills: self
                .skills
                .iter()
                .map(|s| (s.key.clone(), kind_code(s.kind).into(), reuse_code(s.reuse).into()))
                .collect(),
            occupations: self
                .occupations
                .iter()
                .map(|o| (o.key.clone(), o.isco_group.clone(), o.code.clone()))
                .collect(),
            broader: sparse(&self.broader),
            occupation_skills: self
                .occupation_skills
                .iter()
                .enumerate()
                .filter(|(_, n)| !n.essential.is_empty() || !n.optional.is_empty())
                .map(|(i, n)| (super::id(i), n.essential.clone(), n.optional.clone()))
                .collect(),
            related: self
                .related
                .iter()
                .enumerate()
                .filter(|(_, r)| !r.is_empty())
                .map(|(i, r)| (super::id(i), r.clone()))
                .collect(),
        };
        gzip(&file)
    }

    /// Decodes and checks every reference.
    ///
    /// # Errors
    /// [`EscoError::Compact`].
    pub fn decode(bytes: &[u8]) -> Result<Self, EscoError> {
        let file: StructureFile = gunzip(bytes)?;
        if file.format != STRUCTURE_FORMAT {
            return Err(EscoError::Compact(format!("not a {STRUCTURE_FORMAT} file but {:?}", file.format)));
        }
        let skills = file
            .skills
            .into_iter()
            .map(|(key, kind, reuse)| Ok(SkillConcept { key, kind: kind_of(&kind)?, reuse: reuse_of(&reuse)? }))
            .collect::<Result<Vec<_>, EscoError>>()?;
        let occupations: Vec<OccupationConcept> = file
            .occupations
            .into_iter()
            .map(|(key, isco_group, code)| OccupationConcept { key, isco_group, code })
            .collect();
        let (n_skills, n_occupations) = (skills.len(), occupations.len());
        let check = |ids: &[u32], bound: usize| ids.iter().all(|&i| (i as usize) < bound);
        let mut broader = vec![Vec::new(); n_skills];
        for (skill, parents) in file.broader {
            if !check(&[skill], n_skills) || !check(&parents, n_skills) {
                return Err(EscoError::Compact("a broader link names no concept".into()));
            }
            broader[skill as usize] = parents;
        }
        let mut occupation_skills = vec![Needs::default(); n_occupations];
        for (occupation, essential, optional) in file.occupation_skills {
            if !check(&[occupation], n_occupations) || !check(&essential, n_skills) || !check(&optional, n_skills) {
                return Err(EscoError::Compact("an occupation-skill relation names no concept".into()));
            }
            occupation_skills[occupation as usize] = Needs { essential, optional };
        }
        let mut related = vec![Vec::new(); n_skills];
        for (skill, others) in file.related {
            let ids: Vec<u32> = others.iter().map(|(s, _)| *s).collect();
            if !check(&[skill], n_skills) || !check(&ids, n_skills) {
                return Err(EscoError::Compact("a skill-skill relation names no concept".into()));
            }
            related[skill as usize] = others;
        }
        Ok(Self { version: file.version, skills, occupations, broader, occupation_skills, related })
    }
}

impl Labels {
    /// Encodes as gzip'd JSON, deterministically.
    #[must_use]
    pub fn encode(&self) -> Vec<u8> {
        let rows = |sets: &BTreeMap<String, LabelSet>| {
            sets.iter()
                .map(|(k, s)| (k.clone(), (s.preferred.clone(), s.alternative.clone(), s.description.clone())))
                .collect()
        };
        gzip(&LabelsFile {
            format: LABELS_FORMAT.into(),
            version: self.version.clone(),
            lang: self.lang.clone(),
            skills: rows(&self.skills),
            occupations: rows(&self.occupations),
        })
    }

    /// Decodes.
    ///
    /// # Errors
    /// [`EscoError::Compact`].
    pub fn decode(bytes: &[u8]) -> Result<Self, EscoError> {
        let file: LabelsFile = gunzip(bytes)?;
        if file.format != LABELS_FORMAT {
            return Err(EscoError::Compact(format!("not a {LABELS_FORMAT} file but {:?}", file.format)));
        }
        let sets = |rows: BTreeMap<String, (String, Vec<String>, String)>| {
            rows.into_iter()
                .map(|(k, (preferred, alternative, description))| (k, LabelSet { preferred, alternative, description }))
                .collect()
        };
        Ok(Self {
            version: file.version,
            lang: file.lang,
            skills: sets(file.skills),
            occupations: sets(file.occupations),
        })
    }
}

fn gzip(value: &impl Serialize) -> Vec<u8> {
    // Serializing these plain structs cannot fail; an empty file would fail every decode loudly.
    let json = serde_json::to_vec(value).unwrap_or_default();
    let mut encoder = flate2::GzBuilder::new().mtime(0).write(Vec::new(), flate2::Compression::best());
    if encoder.write_all(&json).is_err() {
        return Vec::new();
    }
    encoder.finish().unwrap_or_default()
}

fn gunzip<T: for<'de> Deserialize<'de>>(bytes: &[u8]) -> Result<T, EscoError> {
    let mut json = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .take(MAX_DECODED)
        .read_to_end(&mut json)
        .map_err(|e| EscoError::Compact(format!("gzip: {e}")))?;
    serde_json::from_slice(&json).map_err(|e| EscoError::Compact(e.to_string()))
}

fn kind_code(kind: SkillKind) -> &'static str {
    match kind {
        SkillKind::SkillCompetence => "s",
        SkillKind::Knowledge => "k",
        SkillKind::Group => "g",
        SkillKind::Unstated => "",
    }
}

fn kind_of(code: &str) -> Result<SkillKind, EscoError> {
    Ok(match code {
        "s" => SkillKind::SkillCompetence,
        "k" => SkillKind::Knowledge,
        "g" => SkillKind::Group,
        "" => SkillKind::Unstated,
        other => return Err(EscoError::Compact(format!("unknown skill kind {other:?}"))),
    })
}

fn reuse_code(reuse: Option<ReuseLevel>) -> &'static str {
    match reuse {
        Some(ReuseLevel::Transversal) => "t",
        Some(ReuseLevel::CrossSector) => "c",
        Some(ReuseLevel::SectorSpecific) => "s",
        Some(ReuseLevel::OccupationSpecific) => "o",
        None => "",
    }
}

fn reuse_of(code: &str) -> Result<Option<ReuseLevel>, EscoError> {
    Ok(match code {
        "t" => Some(ReuseLevel::Transversal),
        "c" => Some(ReuseLevel::CrossSector),
        "s" => Some(ReuseLevel::SectorSpecific),
        "o" => Some(ReuseLevel::OccupationSpecific),
        "" => None,
        other => return Err(EscoError::Compact(format!("unknown reuse level {other:?}"))),
    })
}
