//! ESCO data in the data folder: an official CSV download read from a folder, imported as compact files into
//! `<data>/esco/` (labels per language, and a structure when the download replaces the embedded version), and
//! loaded over the embedded data. An import is checked completely before anything is written, and each file is
//! written to a temporary name and renamed, so a refused or interrupted import leaves earlier imports intact.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::core::esco::download::{self, Download};
use crate::core::esco::{Esco, EscoError};

/// Largest CSV file read (the v1.1.1 occupation-skill relations are 21 MB).
const MAX_CSV_BYTES: u64 = 256 * 1024 * 1024;
/// The structure file of an imported version.
const STRUCTURE_FILE: &str = "structure.json.gz";

/// Why ESCO data in a folder could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum EscoStoreError {
    /// The download or an imported file is malformed.
    #[error(transparent)]
    Esco(#[from] EscoError),
    /// A file could not be read or written.
    #[error("{path}: {message}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What happened.
        message: String,
    },
    /// The folder offers no `skills_<lang>.csv`, or several languages and none was chosen.
    #[error("{0}")]
    Language(String),
}

/// What an import did.
#[derive(Debug)]
pub struct Imported {
    /// The language imported.
    pub lang: String,
    /// Skill and occupation label sets.
    pub skills: usize,
    /// Occupations.
    pub occupations: usize,
    /// Whether a structure (a version) was imported too.
    pub structure: Option<String>,
    /// Dangling references skipped.
    pub skipped: usize,
    /// Concepts of the download the active structure does not know (labels only).
    pub unknown: usize,
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> EscoStoreError + '_ {
    move |e| EscoStoreError::Io { path: path.to_owned(), message: e.to_string() }
}

/// The folder imports go to.
#[must_use]
pub fn folder(data: &Path) -> PathBuf {
    data.join("esco")
}

/// ESCO as this data folder sees it: the embedded data, with any imports laid over it.
///
/// # Errors
/// [`EscoStoreError`] for imported files that cannot be read or decoded.
pub fn load(data: &Path) -> Result<Arc<Esco>, EscoStoreError> {
    let dir = folder(data);
    let Ok(entries) = std::fs::read_dir(&dir) else { return Ok(Esco::embedded()) };
    let mut labels: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("labels-") && n.ends_with(".json.gz"))
        })
        .collect();
    labels.sort();
    let structure_path = dir.join(STRUCTURE_FILE);
    if labels.is_empty() && !structure_path.exists() {
        return Ok(Esco::embedded());
    }
    let structure =
        if structure_path.exists() { Some(std::fs::read(&structure_path).map_err(io(&structure_path))?) } else { None };
    let labels = labels.iter().map(|p| std::fs::read(p).map_err(io(p))).collect::<Result<Vec<_>, _>>()?;
    Ok(Arc::new(Esco::with_imports(structure.as_deref(), &labels)?))
}

/// Reads an official CSV download folder (`lang` when it holds several).
///
/// # Errors
/// [`EscoStoreError`]: unreadable files, no or ambiguous language, malformed or partial data.
pub fn read_download(dir: &Path, lang: Option<&str>, version: &str) -> Result<Download, EscoStoreError> {
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let path = entry.map_err(io(dir))?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()).map(str::to_owned) else { continue };
        let csv = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
        if !csv || !path.is_file() {
            continue;
        }
        let size = std::fs::metadata(&path).map_err(io(&path))?.len();
        if size > MAX_CSV_BYTES {
            return Err(EscoStoreError::Io { path, message: format!("larger than {MAX_CSV_BYTES} bytes") });
        }
        files.insert(name, std::fs::read(&path).map_err(io(&path))?);
    }
    let offered = download::languages(&files.keys().cloned().collect::<Vec<_>>());
    let lang = match (lang, offered.as_slice()) {
        (Some(lang), _) => lang.to_owned(),
        (None, [only]) => only.clone(),
        (None, []) => {
            return Err(EscoStoreError::Language(format!(
                "{}: no skills_<lang>.csv here; is this an unpacked ESCO CSV download?",
                dir.display()
            )));
        }
        (None, several) => {
            return Err(EscoStoreError::Language(format!(
                "{} holds {}; choose one with --lang",
                dir.display(),
                several.join(", ")
            )));
        }
    };
    Ok(download::read(&files, &lang, version)?)
}

/// Imports a download into the data folder's `esco/` (checked against the active structure first).
///
/// # Errors
/// [`EscoStoreError`]; nothing is written then.
pub fn import(data: &Path, download: &Download) -> Result<Imported, EscoStoreError> {
    let dir = folder(data);
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    let structure_bytes = download.structure.as_ref().map(crate::core::esco::Structure::encode);
    let labels_bytes = download.labels.encode();
    // Decode what will be active, to count what the labels do not reach and to prove the files load.
    let existing = if structure_bytes.is_some() { None } else { std::fs::read(dir.join(STRUCTURE_FILE)).ok() };
    let mut esco = Esco::with_imports(structure_bytes.as_deref().or(existing.as_deref()), &[])?;
    let unknown = esco.add_labels(download.labels.clone());
    let imported = Imported {
        lang: download.lang.clone(),
        skills: download.labels.skills.len(),
        occupations: download.labels.occupations.len(),
        structure: download.structure.as_ref().map(|s| s.version.clone()),
        skipped: download.skipped,
        unknown,
    };
    if let Some(bytes) = &structure_bytes {
        write_atomically(&dir.join(STRUCTURE_FILE), bytes)?;
    }
    write_atomically(&dir.join(format!("labels-{}.json.gz", download.lang)), &labels_bytes)?;
    Ok(imported)
}

/// Writes the compact files of a download to `out` (the derivation of `data/esco/`).
///
/// # Errors
/// [`EscoStoreError`].
pub fn write_derived(out: &Path, download: &Download) -> Result<Vec<PathBuf>, EscoStoreError> {
    let structure = download
        .structure
        .as_ref()
        .ok_or_else(|| EscoStoreError::Language("the derivation needs the relation files too".into()))?;
    std::fs::create_dir_all(out).map_err(io(out))?;
    let version = &structure.version;
    let files = [
        (out.join(format!("esco-{version}-structure.json.gz")), structure.encode()),
        (out.join(format!("esco-{version}-labels-{}.json.gz", download.lang)), download.labels.encode()),
    ];
    for (path, bytes) in &files {
        write_atomically(path, bytes)?;
    }
    Ok(files.into_iter().map(|(p, _)| p).collect())
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), EscoStoreError> {
    let temporary = path.with_extension("partial");
    std::fs::write(&temporary, bytes).map_err(io(&temporary))?;
    std::fs::File::open(&temporary).and_then(|f| f.sync_all()).map_err(io(&temporary))?;
    std::fs::rename(&temporary, path).map_err(io(path))
}

/// ESCO for a data folder, decoded on first use (a server that never shows a skill never pays for it).
#[derive(Debug)]
pub struct LazyEsco {
    data: PathBuf,
    loaded: std::sync::OnceLock<Result<Arc<Esco>, String>>,
}

impl LazyEsco {
    /// For this data folder; nothing is read yet.
    #[must_use]
    pub fn new(data: &Path) -> Self {
        Self { data: data.to_owned(), loaded: std::sync::OnceLock::new() }
    }

    /// ESCO, decoded on the first call.
    ///
    /// # Errors
    /// Why the imported files could not be read (kept: every later call answers the same).
    pub fn get(&self) -> Result<Arc<Esco>, String> {
        self.loaded.get_or_init(|| load(&self.data).map_err(|e| e.to_string())).clone()
    }
}
