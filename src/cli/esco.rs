//! `skillspass esco …`: the skills language on board. `--about` says which ESCO data this binary holds and
//! whose it is; `search` and `show` look skills and occupations up (offline, from the embedded data and any
//! imports); `import DIR` reads an official ESCO CSV download in another language or version into the data folder
//! (`--data`, `SKILLSPASS_DATA`, default `./skillspass-data`). `derive` (hidden) makes the embedded files from the
//! official download: see `data/esco/derive.sh`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{CliError, EXIT_OK};
use crate::config::DEFAULT_DATA_DIR;
use crate::core::esco::view::{OccupationView, SkillView};
use crate::core::esco::{ATTRIBUTION, Esco, Pillar};
use crate::store::esco as esco_store;

/// Where ESCO imports live.
#[derive(Debug, Clone, clap::Args)]
pub struct EscoData {
    /// The data folder that holds imported ESCO languages and versions.
    #[arg(long = "data", env = "SKILLSPASS_DATA", default_value = DEFAULT_DATA_DIR, global = true)]
    pub data: PathBuf,
    /// The language of labels shown (`nl`); falls back to English per concept.
    #[arg(long, default_value = "en", global = true)]
    pub lang: String,
}

impl EscoData {
    /// ESCO as seen from this data folder.
    ///
    /// # Errors
    /// [`CliError`] when an imported file cannot be read.
    pub fn load(&self) -> Result<Arc<Esco>, CliError> {
        esco_store::load(&self.data).map_err(CliError::input)
    }
}

/// Arguments of `esco`.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct EscoArgs {
    /// Which ESCO data this binary holds, its counts, the languages imported, and the attribution.
    #[arg(long)]
    about: bool,
    /// Print JSON for scripts.
    #[arg(long, global = true)]
    json: bool,
    #[command(flatten)]
    data: EscoData,
    #[command(subcommand)]
    command: Option<EscoCommand>,
}

#[derive(Debug, clap::Subcommand)]
enum EscoCommand {
    /// Search skills (or occupations) by preferred and alternative label: exact, prefix, word, then typo matches.
    Search {
        /// The words to look for.
        text: String,
        /// Search occupations instead of skills.
        #[arg(long)]
        occupations: bool,
        /// How many hits.
        #[arg(long, default_value_t = 10)]
        limit: usize,
    },
    /// Show a skill (its broader skills, the occupations that need it) or an occupation (its essential and optional
    /// skills), by URI or by the best match for a text.
    Show {
        /// An ESCO URI, or words (`--occupation` to look among occupations).
        what: String,
        /// Look the words up among occupations.
        #[arg(long)]
        occupation: bool,
    },
    /// Import an official ESCO CSV download (unpacked) in another language or version into the data folder.
    Import {
        /// The folder with `skills_<lang>.csv`, `occupations_<lang>.csv` (and, for a new version, the relation files).
        dir: PathBuf,
        /// The version name of a download with relation files.
        #[arg(long, default_value = "imported")]
        version: String,
    },
    /// Derive the embedded compact files from the official English download (maintainers; see data/esco/derive.sh).
    #[command(hide = true)]
    Derive {
        /// The unpacked official download (classification and relations).
        dir: PathBuf,
        /// Where to write the compact files.
        #[arg(long)]
        out: PathBuf,
        /// The ESCO version.
        #[arg(long, default_value = "v1.1.1")]
        version: String,
    },
}

/// Runs `esco`.
///
/// # Errors
/// [`CliError`] for unknown concepts, unreadable or malformed downloads.
pub fn run(args: &EscoArgs) -> Result<u8, CliError> {
    match &args.command {
        None if args.about => about(&args.data, args.json),
        None => Err(CliError::input("give --about or a subcommand: search, show, import (see --help)")),
        Some(EscoCommand::Search { text, occupations, limit }) => {
            search(&args.data, text, *occupations, *limit, args.json)
        }
        Some(EscoCommand::Show { what, occupation }) => show(&args.data, what, *occupation, args.json),
        Some(EscoCommand::Import { dir, version }) => import(&args.data, dir, version),
        Some(EscoCommand::Derive { dir, out, version }) => derive(dir, out, version),
    }
}

fn about(data: &EscoData, json: bool) -> Result<u8, CliError> {
    let esco = data.load()?;
    let (skills, groups, occupations, relations) = esco.counts();
    if json {
        let about = serde_json::json!({
            "version": esco.version(), "languages": esco.languages(), "skills": skills, "skillGroups": groups,
            "occupations": occupations, "occupationSkillRelations": relations, "attribution": ATTRIBUTION,
        });
        outln!("{about:#}");
        return Ok(EXIT_OK);
    }
    outln!(
        "ESCO {} on board: {skills} skills, {groups} skill groups, {occupations} occupations, {relations} occupation-skill relations",
        esco.version()
    );
    outln!("labels: {} (imports from {})", esco.languages().join(", "), esco_store::folder(&data.data).display());
    outln!("{ATTRIBUTION}");
    Ok(EXIT_OK)
}

fn search(data: &EscoData, text: &str, occupations: bool, limit: usize, json: bool) -> Result<u8, CliError> {
    let esco = data.load()?;
    let pillar = if occupations { Pillar::Occupations } else { Pillar::Skills };
    let hits = esco.search_view(pillar, text, &data.lang, limit);
    if json {
        outln!("{}", serde_json::to_string_pretty(&hits).map_err(CliError::input)?);
        return Ok(EXIT_OK);
    }
    if hits.is_empty() {
        return Err(CliError::input(format!("nothing in ESCO matches {text:?}")));
    }
    for hit in hits {
        let also = if hit.matched == hit.label { String::new() } else { format!("  (as \"{}\")", hit.matched) };
        outln!("{}{also}\n    {}", hit.label, hit.uri);
    }
    Ok(EXIT_OK)
}

fn show(data: &EscoData, what: &str, occupation: bool, json: bool) -> Result<u8, CliError> {
    let esco = data.load()?;
    let lang = data.lang.as_str();
    let is_occupation = occupation || what.contains("/esco/occupation/");
    let rendered = if is_occupation {
        let view = esco.occupation_view(esco.resolve_occupation(what, lang).map_err(CliError::input)?, lang);
        if json { serde_json::to_string_pretty(&view) } else { Ok(render_occupation(&view)) }
    } else {
        let view = esco.skill_view(esco.resolve_skill(what, lang).map_err(CliError::input)?, lang);
        if json { serde_json::to_string_pretty(&view) } else { Ok(render_skill(&view)) }
    };
    outln!("{}", rendered.map_err(CliError::input)?);
    Ok(EXIT_OK)
}

fn render_skill(view: &SkillView) -> String {
    let mut out = format!("{}\n{}\n", view.label, view.uri);
    let shown: Vec<&str> = view.alternative_labels.iter().take(12).map(String::as_str).collect();
    let reuse = view.reuse_level.map(|r| format!(", {}", kebab(&r))).unwrap_or_default();
    let _ = writeln!(out, "type: {}{reuse}", kebab(&view.skill_type));
    if !view.alternative_labels.is_empty() {
        let more = view.alternative_labels.len() - shown.len();
        let more = if more > 0 { format!(" … and {more} more") } else { String::new() };
        let _ = writeln!(out, "also: {}{more}", shown.join("; "));
    }
    if !view.description.is_empty() {
        let _ = writeln!(out, "\n{}", view.description);
    }
    let section = |title: &str, list: &[crate::core::esco::view::Concept], limit: usize| {
        if list.is_empty() {
            return String::new();
        }
        let mut s = format!("\n{title} ({}):\n", list.len());
        for c in list.iter().take(limit) {
            let _ = writeln!(s, "  {}  <{}>", c.label, c.uri);
        }
        if list.len() > limit {
            let _ = writeln!(s, "  … and {} more (--json lists all)", list.len() - limit);
        }
        s
    };
    out += &section("broader", &view.broader, 20);
    out += &section("narrower", &view.narrower, 20);
    out += &section("essential for", &view.essential_for, 15);
    out += &section("optional for", &view.optional_for, 10);
    out.trim_end().to_owned()
}

fn render_occupation(view: &OccupationView) -> String {
    let mut out = format!("{}\n{}\nISCO-08 {}, ESCO code {}\n", view.label, view.uri, view.isco_group, view.code);
    if !view.description.is_empty() {
        let _ = writeln!(out, "\n{}", view.description);
    }
    for (title, list) in [("essential skills", &view.essential_skills), ("optional skills", &view.optional_skills)] {
        let _ = writeln!(out, "\n{title} ({}):", list.len());
        for c in list {
            let _ = writeln!(out, "  {}  <{}>", c.label, c.uri);
        }
    }
    out.trim_end().to_owned()
}

fn kebab(value: &impl serde::Serialize) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

fn import(data: &EscoData, dir: &Path, version: &str) -> Result<u8, CliError> {
    let lang = (data.lang != "en" || has_lang(dir, "en")).then_some(data.lang.as_str());
    let download = esco_store::read_download(dir, lang, version).map_err(CliError::input)?;
    let imported = esco_store::import(&data.data, &download).map_err(CliError::input)?;
    outln!(
        "imported ESCO labels in {:?}: {} skills and groups, {} occupations{}",
        imported.lang,
        imported.skills,
        imported.occupations,
        imported.structure.map(|v| format!(", and the structure of version {v}")).unwrap_or_default()
    );
    if imported.unknown > 0 {
        outln!("{} concepts of the download are not in the active ESCO version and were left out", imported.unknown);
    }
    if imported.skipped > 0 {
        outln!("{} relations name concepts the download does not define and were skipped", imported.skipped);
    }
    outln!("stored in {}; use --lang {} to see them", esco_store::folder(&data.data).display(), imported.lang);
    Ok(EXIT_OK)
}

/// Whether the folder has `skills_<lang>.csv` (an explicit English import is then meant).
fn has_lang(dir: &Path, lang: &str) -> bool {
    dir.join(format!("skills_{lang}.csv")).is_file()
}

fn derive(dir: &Path, out: &Path, version: &str) -> Result<u8, CliError> {
    let download = esco_store::read_download(dir, Some("en"), version).map_err(CliError::input)?;
    let skipped = download.skipped;
    for path in esco_store::write_derived(out, &download).map_err(CliError::input)? {
        outln!("wrote {}", path.display());
    }
    outln!("{skipped} dangling references skipped");
    Ok(EXIT_OK)
}
