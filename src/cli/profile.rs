//! `skillspass profile …`: vacancy profiles for employers (`docs/skills-gap.md`). `new` writes a starting profile
//! from an ESCO occupation (its essential and optional skills), to edit; `check` reads one as `wallet match`,
//! `request --profile` and the employer's console will, and says what it asks for.

use std::path::{Path, PathBuf};

use super::esco::EscoData;
use super::{CliError, EXIT_OK, read_input};
use crate::core::esco::Esco;
use crate::core::vacancy::VacancyProfile;

/// Largest profile file.
pub const MAX_PROFILE_BYTES: usize = 256 * 1024;

/// Arguments of `profile`.
#[derive(Debug, clap::Args)]
pub struct ProfileArgs {
    #[command(flatten)]
    esco: EscoData,
    #[command(subcommand)]
    command: ProfileCommand,
}

#[derive(Debug, clap::Subcommand)]
enum ProfileCommand {
    /// Write a starting profile from an ESCO occupation (`.json` or `.toml` by the file's extension).
    New {
        /// The occupation: an ESCO URI or words (`"data analyst"`).
        #[arg(long)]
        occupation: String,
        /// The job title (default: the occupation's label).
        #[arg(long)]
        title: Option<String>,
        /// The employer's name.
        #[arg(long)]
        employer: Option<String>,
        /// Keep only the occupation's essential skills.
        #[arg(long)]
        essential_only: bool,
        /// The file to write (never overwritten).
        #[arg(long)]
        out: PathBuf,
    },
    /// Check a profile and show what it asks for.
    Check {
        /// The profile (JSON or TOML).
        file: PathBuf,
    },
}

/// Runs `profile`.
///
/// # Errors
/// [`CliError`] for unknown occupations, malformed profiles, files that exist.
pub fn run(args: &ProfileArgs) -> Result<u8, CliError> {
    let esco = args.esco.load()?;
    let lang = args.esco.lang.as_str();
    match &args.command {
        ProfileCommand::New { occupation, title, employer, essential_only, out } => {
            let occupation = esco.resolve_occupation(occupation, lang).map_err(CliError::input)?;
            let mut profile = VacancyProfile::from_occupation(&esco, occupation, lang);
            if let Some(title) = title {
                profile.title.clone_from(title);
            }
            profile.employer.clone_from(employer);
            if *essential_only {
                profile.optional.clear();
            }
            write_profile(&profile, out)?;
            eprintln!(
                "wrote {} ({}: {} essential, {} optional skills from ESCO); edit it, then `skillspass profile check {}`",
                out.display(),
                profile.title,
                profile.essential.len(),
                profile.optional.len(),
                out.display()
            );
            Ok(EXIT_OK)
        }
        ProfileCommand::Check { file } => {
            let profile = read_profile(file, &esco)?;
            for (required, essential) in profile.required() {
                let label = esco.skill(&required.skill).map(|s| esco.skill_label(s, lang)).unwrap_or_default();
                let kind = if essential { "essential" } else { "optional" };
                outln!("{kind:9}  {label}  <{}>", required.skill);
            }
            eprintln!("{}: a valid profile for {:?}", file.display(), profile.title);
            Ok(EXIT_OK)
        }
    }
}

/// Reads and checks a profile file.
///
/// # Errors
/// [`CliError`] naming the file and what is wrong.
pub fn read_profile(file: &Path, esco: &Esco) -> Result<VacancyProfile, CliError> {
    let text = read_input(file, MAX_PROFILE_BYTES)?;
    VacancyProfile::parse(&text, esco).map_err(|e| CliError::input(format!("{}: {e}", file.display())))
}

fn write_profile(profile: &VacancyProfile, out: &Path) -> Result<(), CliError> {
    let toml = out.extension().is_some_and(|e| e.eq_ignore_ascii_case("toml"));
    let text = if toml {
        toml::to_string_pretty(profile).map_err(CliError::input)?
    } else {
        serde_json::to_string_pretty(profile).map_err(CliError::input)? + "\n"
    };
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(out)
        .map_err(|e| CliError::input(format!("cannot create {}: {e} (it is never overwritten)", out.display())))?;
    std::io::Write::write_all(&mut file, text.as_bytes())
        .map_err(|e| CliError::input(format!("{}: {e}", out.display())))
}
