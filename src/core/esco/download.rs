//! Reading the official ESCO CSV download (STANDARDS-ROUND2.md section 11): `skills_<lang>.csv` and
//! `occupations_<lang>.csv` (labels, types, codes), optionally `skillGroups_<lang>.csv`, and the relation files
//! (`occupationSkillRelations`, `broaderRelationsSkillPillar`, `skillSkillRelations`, with or without a `_<lang>`
//! suffix as v1.2 names them). Columns are mapped by header name, because their order differs between files and
//! versions. Labels alone lay over the embedded structure; with all three relation files the download also
//! replaces the structure (a newer version).
//!
//! Anything malformed is refused with the file, line and column; references to concepts the download does not
//! define (67 relation rows in v1.1.1 name a missing occupation) are skipped and counted, as the data is published.
//! This module reads bytes; the caller reads the folder.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::compact::{Needs, OccupationConcept, SkillConcept};
use super::{ESCO_BASE, EscoError, LabelSet, Labels, ReuseLevel, SkillId, SkillKind, Structure};

/// What a download held.
#[derive(Debug)]
pub struct Download {
    /// Its language.
    pub lang: String,
    /// Its labels.
    pub labels: Labels,
    /// Its structure, when the relation files were there.
    pub structure: Option<Structure>,
    /// References to undefined concepts, skipped.
    pub skipped: usize,
}

/// The three relation files: all or none.
const RELATION_FILES: [&str; 3] = ["occupationSkillRelations", "broaderRelationsSkillPillar", "skillSkillRelations"];

/// The languages a folder's file names offer (`skills_<lang>.csv`).
#[must_use]
pub fn languages(names: &[String]) -> Vec<String> {
    let mut langs: Vec<String> = names
        .iter()
        .filter_map(|n| n.strip_prefix("skills_")?.strip_suffix(".csv").map(str::to_owned))
        .filter(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphabetic() || c == '-'))
        .collect();
    langs.sort();
    langs
}

/// Reads a download given as file name → bytes, in `lang`.
///
/// # Errors
/// [`EscoError::Download`] naming the file (and line and column) that is missing or malformed.
pub fn read(files: &BTreeMap<String, Vec<u8>>, lang: &str, version: &str) -> Result<Download, EscoError> {
    let skills_file = format!("skills_{lang}.csv");
    let occupations_file = format!("occupations_{lang}.csv");
    let skill_table = parse(&skills_file, required(files, &skills_file)?, SKILL_COLUMNS)?;
    let occupation_table = parse(&occupations_file, required(files, &occupations_file)?, OCCUPATION_COLUMNS)?;
    let group_file = format!("skillGroups_{lang}.csv");
    let group_table = match files.get(&group_file) {
        Some(bytes) => Some(parse(&group_file, bytes, GROUP_COLUMNS)?),
        None => None,
    };
    let mut labels = Labels { version: version.to_owned(), lang: lang.to_owned(), ..Labels::default() };
    let mut skills = Vec::new();
    for row in skill_table.rows().chain(group_table.iter().flat_map(Table::rows)) {
        let group = row.get("conceptType") == "SkillGroup" || !row.has("skillType");
        let key = row.key(if group { &["skill/", "isced-f/"] } else { &["skill/"] })?;
        labels.skills.insert(key.clone(), row.label_set());
        skills.push(skill_concept(&row, key, group)?);
    }
    let mut occupations = Vec::new();
    for row in occupation_table.rows() {
        let key = row.key(&["occupation/"])?;
        labels.occupations.insert(key.clone(), row.label_set());
        let (isco_group, code) = (row.get("iscoGroup").to_owned(), row.get("code").to_owned());
        occupations.push(OccupationConcept { key, isco_group, code });
    }
    let relations: Vec<Option<(&str, &Vec<u8>)>> =
        RELATION_FILES.iter().map(|base| relation_file(files, base, lang)).collect();
    let (structure, skipped) = match relations.as_slice() {
        [Some(occupation_skills), Some(broader), Some(related)] => {
            let mut builder = Builder::new(version, skills, occupations);
            builder.occupation_skills(occupation_skills.0, occupation_skills.1)?;
            builder.broader(broader.0, broader.1)?;
            builder.related(related.0, related.1)?;
            let skipped = builder.skipped;
            (Some(builder.structure), skipped)
        }
        [None, None, None] => (None, 0),
        _ => {
            let missing = RELATION_FILES.iter().zip(&relations).find(|(_, f)| f.is_none()).map_or("", |(n, _)| n);
            return Err(whole_file(
                &format!("{missing}.csv"),
                "missing: a download with relation files needs all three",
            ));
        }
    };
    Ok(Download { lang: lang.to_owned(), labels, structure, skipped })
}

const SKILL_COLUMNS: &[&str] =
    &["conceptType", "conceptUri", "skillType", "reuseLevel", "preferredLabel", "altLabels", "description"];
const OCCUPATION_COLUMNS: &[&str] = &["conceptUri", "iscoGroup", "preferredLabel", "altLabels", "description", "code"];
const GROUP_COLUMNS: &[&str] = &["conceptType", "conceptUri", "preferredLabel", "altLabels", "description"];

fn required<'a>(files: &'a BTreeMap<String, Vec<u8>>, name: &str) -> Result<&'a Vec<u8>, EscoError> {
    files.get(name).ok_or_else(|| whole_file(name, "missing from the download"))
}

fn relation_file<'a>(files: &'a BTreeMap<String, Vec<u8>>, base: &str, lang: &str) -> Option<(&'a str, &'a Vec<u8>)> {
    [format!("{base}.csv"), format!("{base}_{lang}.csv")]
        .into_iter()
        .find_map(|name| files.get_key_value(&name).map(|(n, b)| (n.as_str(), b)))
}

fn whole_file(file: &str, message: &str) -> EscoError {
    EscoError::Download { file: file.to_owned(), line: 0, column: None, message: message.to_owned() }
}

/// A parsed CSV file: its header's columns by name and its records.
struct Table<'a> {
    file: &'a str,
    bytes: &'a [u8],
    columns: HashMap<String, usize>,
    records: Vec<csv::StringRecord>,
}

impl Table<'_> {
    fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.records.iter().map(|record| Row {
            file: self.file,
            bytes: self.bytes,
            offset: record.position().map_or(0, csv::Position::byte),
            columns: &self.columns,
            record,
        })
    }
}

/// One CSV row with its file, line and header.
struct Row<'a> {
    file: &'a str,
    bytes: &'a [u8],
    offset: u64,
    columns: &'a HashMap<String, usize>,
    record: &'a csv::StringRecord,
}

impl Row<'_> {
    fn has(&self, column: &str) -> bool {
        self.columns.contains_key(column)
    }

    fn get(&self, column: &str) -> &str {
        self.columns.get(column).and_then(|&i| self.record.get(i)).map_or("", str::trim)
    }

    fn error(&self, column: &str, message: impl Into<String>) -> EscoError {
        EscoError::Download {
            file: self.file.to_owned(),
            line: line_at(self.bytes, self.offset),
            column: Some(column.to_owned()),
            message: message.into(),
        }
    }

    /// The concept key (URI after the ESCO base) of `conceptUri`, which must have one of `kinds` as its path.
    fn key(&self, kinds: &[&str]) -> Result<String, EscoError> {
        self.key_of("conceptUri", kinds)
    }

    fn key_of(&self, column: &str, kinds: &[&str]) -> Result<String, EscoError> {
        let uri = self.get(column);
        let key = uri.strip_prefix(ESCO_BASE).filter(|k| kinds.iter().any(|kind| valid_key(k, kind)));
        key.map(str::to_owned)
            .ok_or_else(|| self.error(column, format!("{uri:?} is not an ESCO {} URI", kinds[0].trim_end_matches('/'))))
    }

    fn label_set(&self) -> LabelSet {
        let preferred = self.get("preferredLabel").to_owned();
        let mut seen = HashSet::from([preferred.to_lowercase()]);
        let alternative = self
            .get("altLabels")
            .split('\n')
            .map(str::trim)
            .filter(|l| !l.is_empty() && seen.insert(l.to_lowercase()))
            .map(str::to_owned)
            .collect();
        LabelSet { preferred, alternative, description: self.get("description").to_owned() }
    }
}

fn valid_key(key: &str, kind: &str) -> bool {
    let Some(rest) = key.strip_prefix(kind) else { return false };
    match kind {
        "isced-f/" => !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit()),
        _ => uuid::Uuid::parse_str(rest).is_ok_and(|u| u.hyphenated().to_string() == rest),
    }
}

/// Parses a CSV file; checks that the `needed` columns are in its header.
fn parse<'a>(file: &'a str, bytes: &'a [u8], needed: &[&str]) -> Result<Table<'a>, EscoError> {
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(bytes);
    let headers = reader.headers().map_err(|e| csv_error(file, bytes, &e, &[]))?.clone();
    let names: Vec<String> = headers.iter().map(|h| h.trim().to_owned()).collect();
    if let Some(missing) = needed.iter().find(|n| !names.iter().any(|h| h == *n)) {
        return Err(EscoError::Download {
            file: file.to_owned(),
            line: 1,
            column: Some((*missing).to_owned()),
            message: "this column is missing from the header".into(),
        });
    }
    let columns = names.iter().enumerate().map(|(i, n)| (n.clone(), i)).collect();
    let records = reader.records().collect::<Result<Vec<_>, _>>().map_err(|e| csv_error(file, bytes, &e, &names))?;
    Ok(Table { file, bytes, columns, records })
}

/// The physical line (1-based) at a byte offset: quoted cells hold line breaks, so records and lines differ.
fn line_at(bytes: &[u8], offset: u64) -> u64 {
    let mut end = usize::try_from(offset).unwrap_or(usize::MAX).min(bytes.len());
    // The reader may place a record after a CR whose LF is still to come.
    while end < bytes.len() && matches!(bytes[end], b'\r' | b'\n') {
        end += 1;
    }
    let lines = bytes[..end].split(|&b| b == b'\n').count();
    u64::try_from(lines).unwrap_or(u64::MAX)
}

fn csv_error(file: &str, bytes: &[u8], error: &csv::Error, names: &[String]) -> EscoError {
    let line = error.position().map_or(0, |p| line_at(bytes, p.byte()));
    let (column, message) = match error.kind() {
        csv::ErrorKind::Utf8 { err, .. } => (names.get(err.field()).cloned(), "not UTF-8".to_owned()),
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            let column = usize::try_from(*len).ok().and_then(|l| names.get(l)).cloned();
            (column, format!("{len} fields where the header has {expected_len}: a cut-off or malformed row"))
        }
        _ => (None, error.to_string()),
    };
    EscoError::Download { file: file.to_owned(), line, column, message }
}

fn skill_concept(row: &Row<'_>, key: String, group: bool) -> Result<SkillConcept, EscoError> {
    if group {
        return Ok(SkillConcept { key, kind: SkillKind::Group, reuse: None });
    }
    let kind = match row.get("skillType") {
        "skill/competence" => SkillKind::SkillCompetence,
        "knowledge" => SkillKind::Knowledge,
        "" => SkillKind::Unstated,
        other => return Err(row.error("skillType", format!("{other:?} is neither skill/competence nor knowledge"))),
    };
    let reuse = match row.get("reuseLevel") {
        "transversal" => Some(ReuseLevel::Transversal),
        "cross-sector" => Some(ReuseLevel::CrossSector),
        "sector-specific" => Some(ReuseLevel::SectorSpecific),
        "occupation-specific" => Some(ReuseLevel::OccupationSpecific),
        "" => None,
        other => return Err(row.error("reuseLevel", format!("{other:?} is not an ESCO reuse level"))),
    };
    Ok(SkillConcept { key, kind, reuse })
}

/// Builds a structure from the concept lists and the relation files.
struct Builder {
    structure: Structure,
    skills: HashMap<String, SkillId>,
    occupations: HashMap<String, u32>,
    skipped: usize,
}

impl Builder {
    fn new(version: &str, skills: Vec<SkillConcept>, occupations: Vec<OccupationConcept>) -> Self {
        let skill_ids = skills.iter().enumerate().map(|(i, s)| (s.key.clone(), super::id(i))).collect();
        let occupation_ids = occupations.iter().enumerate().map(|(i, o)| (o.key.clone(), super::id(i))).collect();
        let structure = Structure {
            version: version.to_owned(),
            broader: vec![Vec::new(); skills.len()],
            related: vec![Vec::new(); skills.len()],
            occupation_skills: vec![Needs::default(); occupations.len()],
            skills,
            occupations,
        };
        Self { structure, skills: skill_ids, occupations: occupation_ids, skipped: 0 }
    }

    fn occupation_skills(&mut self, file: &str, bytes: &[u8]) -> Result<(), EscoError> {
        for row in parse(file, bytes, &["occupationUri", "relationType", "skillUri"])?.rows() {
            let essential = essential(&row)?;
            let occupation = row.key_of("occupationUri", &["occupation/"])?;
            let skill = row.key_of("skillUri", &["skill/"])?;
            let (Some(&o), Some(&s)) = (self.occupations.get(&occupation), self.skills.get(&skill)) else {
                self.skipped += 1;
                continue;
            };
            let needs = &mut self.structure.occupation_skills[o as usize];
            push_unique(if essential { &mut needs.essential } else { &mut needs.optional }, s);
        }
        Ok(())
    }

    fn broader(&mut self, file: &str, bytes: &[u8]) -> Result<(), EscoError> {
        for row in parse(file, bytes, &["conceptUri", "broaderUri"])?.rows() {
            let child = row.key_of("conceptUri", &["skill/", "isced-f/"])?;
            let parent = row.key_of("broaderUri", &["skill/", "isced-f/"])?;
            let (Some(&c), Some(&p)) = (self.skills.get(&child), self.skills.get(&parent)) else {
                self.skipped += 1;
                continue;
            };
            push_unique(&mut self.structure.broader[c as usize], p);
        }
        Ok(())
    }

    fn related(&mut self, file: &str, bytes: &[u8]) -> Result<(), EscoError> {
        for row in parse(file, bytes, &["originalSkillUri", "relationType", "relatedSkillUri"])?.rows() {
            let essential = essential(&row)?;
            let from = row.key_of("originalSkillUri", &["skill/"])?;
            let to = row.key_of("relatedSkillUri", &["skill/"])?;
            let (Some(&f), Some(&t)) = (self.skills.get(&from), self.skills.get(&to)) else {
                self.skipped += 1;
                continue;
            };
            let related = &mut self.structure.related[f as usize];
            if !related.iter().any(|(s, _)| *s == t) {
                related.push((t, essential));
            }
        }
        Ok(())
    }
}

fn essential(row: &Row<'_>) -> Result<bool, EscoError> {
    match row.get("relationType") {
        "essential" => Ok(true),
        "optional" => Ok(false),
        other => Err(row.error("relationType", format!("{other:?} is neither essential nor optional"))),
    }
}

fn push_unique(list: &mut Vec<SkillId>, id: SkillId) {
    if !list.contains(&id) {
        list.push(id);
    }
}
