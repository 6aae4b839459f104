//! ESCO on board (issue 13): the embedded data is what the official download derives to, search and look-up from
//! an empty folder, a Dutch import in the official layout (written here), and malformed downloads and profiles
//! refused with the file, line and column named and earlier imports intact.

use std::path::{Path, PathBuf};

use sha2::{Digest as _, Sha256};

use crate::helpers::{bin, code, stderr, stdout};

const PYTHON: &str = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d";
const PROGRAMMING: &str = "http://data.europa.eu/esco/skill/21d2f96d-35f7-4e3f-9745-c533d2dd6e97";
const DATA_ANALYST: &str = "http://data.europa.eu/esco/occupation/d3edb8f8-3a06-47a0-8fb9-9b212c006aa2";

/// Runs `skillspass` in `dir` (an empty folder unless a test fills it).
fn esco(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = bin().args(args).current_dir(dir).env_remove("SKILLSPASS_DATA").output().unwrap();
    (code(&out), stdout(&out), stderr(&out))
}

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

#[test]
fn the_embedded_files_match_their_published_checksums() {
    let sums = std::fs::read_to_string(repo("data/esco/SHA256SUMS")).unwrap();
    let mut checked = 0;
    for line in sums.lines().filter(|l| !l.trim().is_empty()) {
        let (sum, name) = line.split_once("  ").unwrap();
        let bytes = std::fs::read(repo("data/esco").join(name)).unwrap();
        assert_eq!(format!("{:x}", Sha256::digest(&bytes)), sum, "{name} changed without data/esco/derive.sh");
        checked += 1;
    }
    assert_eq!(checked, 2);
}

/// Derives again from the official zips (`../shared/esco`, or `SKILLSPASS_ESCO_DOWNLOAD`) and compares byte for
/// byte: the derivation is reproducible. Skipped, by name, where the zips are not on the machine (never in CI).
#[test]
fn deriving_from_the_official_download_reproduces_the_embedded_files() {
    let zips = std::env::var_os("SKILLSPASS_ESCO_DOWNLOAD").map_or_else(|| repo("../shared/esco"), PathBuf::from);
    if !zips.join("esco-v1.1.1-relations-csv.zip").exists() {
        assert!(std::env::var_os("CI").is_none(), "CI must have the official ESCO download at {}", zips.display());
        eprintln!("skipped: no official ESCO download at {}", zips.display());
        return;
    }
    let work = tempfile::tempdir().unwrap();
    for zip in ["esco-v1.1.1-classification-en-csv.zip", "esco-v1.1.1-relations-csv.zip"] {
        let unzip = std::process::Command::new("unzip")
            .args(["-q", "-o", zips.join(zip).to_str().unwrap(), "-d", work.path().to_str().unwrap()])
            .status()
            .unwrap();
        assert!(unzip.success());
    }
    let out = work.path().join("out");
    let (code, text, err) =
        esco(work.path(), &["esco", "derive", work.path().to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{text}{err}");
    assert!(text.contains("74 dangling references skipped"), "{text}");
    for name in ["esco-v1.1.1-structure.json.gz", "esco-v1.1.1-labels-en.json.gz"] {
        assert!(
            std::fs::read(out.join(name)).unwrap() == std::fs::read(repo("data/esco").join(name)).unwrap(),
            "{name}"
        );
    }
}

#[test]
fn about_search_and_show_work_from_an_empty_folder() {
    let empty = tempfile::tempdir().unwrap();
    let (code, about, _) = esco(empty.path(), &["esco", "--about"]);
    assert_eq!(code, 0);
    assert!(about.contains("13896 skills") && about.contains("3007 occupations"), "{about}");
    assert!(about.contains("© European Union") && about.contains("2011/833/EU"), "{about}");

    let (code, hits, _) = esco(empty.path(), &["esco", "search", "python", "--json"]);
    assert_eq!(code, 0);
    let hits: serde_json::Value = serde_json::from_str(&hits).unwrap();
    assert_eq!(hits[0]["uri"], PYTHON, "{hits:#}");
    assert_eq!(hits[0]["label"], "Python (computer programming)");

    let (code, hits, _) = esco(empty.path(), &["esco", "search", "data analist", "--occupations", "--json"]);
    assert_eq!(code, 0);
    let hits: serde_json::Value = serde_json::from_str(&hits).unwrap();
    assert_eq!(hits[0]["uri"], DATA_ANALYST, "a typo is forgiven: {hits:#}");

    let (code, shown, _) = esco(empty.path(), &["esco", "show", PYTHON, "--json"]);
    assert_eq!(code, 0);
    let shown: serde_json::Value = serde_json::from_str(&shown).unwrap();
    assert!(shown["broader"].as_array().unwrap().iter().any(|b| b["uri"] == PROGRAMMING), "{shown:#}");
    let (code, shown, _) = esco(empty.path(), &["esco", "show", "data analyst", "--occupation"]);
    assert_eq!(code, 0);
    assert!(shown.contains("essential skills (30)") && shown.contains("perform data cleansing"), "{shown}");

    for unknown in [
        "http://data.europa.eu/esco/skill/00000000-0000-4000-8000-000000000000",
        "http://data.europa.eu/esco/occupation/00000000-0000-4000-8000-000000000000",
        "https://example.com/not-esco",
    ] {
        let (code, _, err) = esco(empty.path(), &["esco", "show", unknown]);
        assert_eq!(code, 2, "{unknown}");
        assert!(err.contains(unknown) && err.contains("is not an ESCO"), "{err}");
    }
    let (code, _, err) = esco(empty.path(), &["esco", "search", "qqqqqqqq zzzzzzzz"]);
    assert_eq!(code, 2);
    assert!(err.contains("nothing in ESCO matches"), "{err}");
    assert_eq!(std::fs::read_dir(empty.path()).unwrap().count(), 0, "looking things up writes nothing");
}

/// A small download in the official layout: UTF-8, CRLF records, alternative labels on LF-separated lines in one
/// quoted cell, columns in the official order.
fn dutch_download(dir: &Path, skills_rows: &str) {
    let skills = format!(
        "conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels,hiddenLabels,status,modifiedDate,scopeNote,definition,inScheme,description\r\n{skills_rows}"
    );
    std::fs::write(dir.join("skills_nl.csv"), skills).unwrap();
    let occupations = format!(
        "conceptType,conceptUri,iscoGroup,preferredLabel,altLabels,hiddenLabels,status,modifiedDate,regulatedProfessionNote,scopeNote,definition,inScheme,description,code\r\n\
         Occupation,{DATA_ANALYST},2511,data-analist,\"gegevensanalist\nanalist datawarehousing\",,released,,,,,,Data-analisten verzamelen en analyseren gegevens.,2511.3\r\n"
    );
    std::fs::write(dir.join("occupations_nl.csv"), occupations).unwrap();
}

fn python_row() -> String {
    format!(
        "KnowledgeSkillCompetence,{PYTHON},knowledge,sector-specific,Python (computerprogrammering),\"Python3\nprogrammeren in Python\",,released,,,,,De programmeertaal Python.\r\n"
    )
}

#[test]
fn a_dutch_download_gives_dutch_labels_and_search_with_english_fallback() {
    let home = tempfile::tempdir().unwrap();
    let download = home.path().join("esco-nl");
    std::fs::create_dir(&download).unwrap();
    dutch_download(&download, &python_row());
    let (code, out, err) = esco(home.path(), &["esco", "import", download.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("\"nl\"") && out.contains("1 skills and groups, 1 occupations"), "{out}");

    let (code, hits, _) =
        esco(home.path(), &["esco", "search", "gegevensanalist", "--occupations", "--lang", "nl", "--json"]);
    assert_eq!(code, 0);
    let hits: serde_json::Value = serde_json::from_str(&hits).unwrap();
    assert_eq!(hits[0]["uri"], DATA_ANALYST, "{hits:#}");
    assert_eq!(hits[0]["label"], "data-analist");
    let (_, shown, _) = esco(home.path(), &["esco", "show", PYTHON, "--lang", "nl"]);
    assert!(shown.starts_with("Python (computerprogrammering)"), "{shown}");
    assert!(shown.contains("computer programming"), "a concept without a Dutch label falls back to English: {shown}");
    let (_, about, _) = esco(home.path(), &["esco", "--about"]);
    assert!(about.contains("labels: en, nl"), "{about}");
    let (_, english, _) = esco(home.path(), &["esco", "show", PYTHON]);
    assert!(english.starts_with("Python (computer programming)"), "English stays the default: {english}");
}

#[test]
fn malformed_or_partial_downloads_are_refused_with_file_line_and_column_and_keep_the_last_import() {
    let home = tempfile::tempdir().unwrap();
    let good = home.path().join("good");
    std::fs::create_dir(&good).unwrap();
    dutch_download(&good, &python_row());
    assert_eq!(esco(home.path(), &["esco", "import", good.to_str().unwrap()]).0, 0);
    let imported = std::fs::read(home.path().join("skillspass-data/esco/labels-nl.json.gz")).unwrap();

    let bad_uri = format!(
        "{}KnowledgeSkillCompetence,http://example.com/skill/1,knowledge,sector-specific,x,,,released,,,,,\r\n",
        python_row()
    );
    let cut_off = format!("{}KnowledgeSkillCompetence,{PYTHON},knowledge\r\n", python_row());
    let bad_type = python_row().replace(",knowledge,", ",wisdom,");
    let unclosed =
        format!("{}KnowledgeSkillCompetence,{PYTHON},knowledge,sector-specific,\"unclosed,\r\n", python_row());
    let cases: [(&str, String, &[&str]); 4] = [
        ("bad-uri", bad_uri, &["skills_nl.csv, line 4, column conceptUri", "is not an ESCO skill URI"]),
        ("cut-off", cut_off, &["skills_nl.csv, line 4", "a cut-off or malformed row"]),
        ("bad-type", bad_type, &["skills_nl.csv, line 2, column skillType", "\"wisdom\""]),
        ("unclosed", unclosed, &["skills_nl.csv, line 4"]),
    ];
    for (name, rows, expected) in cases {
        let dir = home.path().join(name);
        std::fs::create_dir(&dir).unwrap();
        dutch_download(&dir, &rows);
        let (code, _, err) = esco(home.path(), &["esco", "import", dir.to_str().unwrap(), "--lang", "nl"]);
        assert_eq!(code, 2, "{name}: {err}");
        for fragment in expected {
            assert!(err.contains(fragment), "{name}: {fragment:?} in {err}");
        }
    }
    let header_only = home.path().join("no-column");
    std::fs::create_dir(&header_only).unwrap();
    dutch_download(&header_only, &python_row());
    let text = std::fs::read_to_string(header_only.join("occupations_nl.csv")).unwrap().replace("iscoGroup,", "");
    std::fs::write(header_only.join("occupations_nl.csv"), text).unwrap();
    let (code, _, err) = esco(home.path(), &["esco", "import", header_only.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("occupations_nl.csv, line 1, column iscoGroup: this column is missing"), "{err}");

    let partial = home.path().join("partial");
    std::fs::create_dir(&partial).unwrap();
    dutch_download(&partial, &python_row());
    std::fs::remove_file(partial.join("occupations_nl.csv")).unwrap();
    let (code, _, err) = esco(home.path(), &["esco", "import", partial.to_str().unwrap(), "--lang", "nl"]);
    assert_eq!(code, 2);
    assert!(err.contains("occupations_nl.csv") && err.contains("missing from the download"), "{err}");
    dutch_download(&partial, &python_row());
    std::fs::write(partial.join("occupationSkillRelations.csv"), "occupationUri,relationType,skillType,skillUri\r\n")
        .unwrap();
    let (code, _, err) = esco(home.path(), &["esco", "import", partial.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("broaderRelationsSkillPillar.csv") && err.contains("needs all three"), "{err}");
    let (code, _, err) = esco(home.path(), &["esco", "import", home.path().join("nowhere").to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");

    assert_eq!(std::fs::read(home.path().join("skillspass-data/esco/labels-nl.json.gz")).unwrap(), imported);
    let (_, shown, _) = esco(home.path(), &["esco", "show", PYTHON, "--lang", "nl"]);
    assert!(shown.starts_with("Python (computerprogrammering)"), "the earlier import still answers: {shown}");
}

#[test]
fn profiles_start_from_an_occupation_and_malformed_ones_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = esco(
        dir.path(),
        &["profile", "new", "--occupation", "data analist", "--employer", "Acme BV", "--out", "p.json"],
    );
    assert_eq!(code, 0, "{err}");
    let profile: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("p.json")).unwrap()).unwrap();
    assert_eq!(profile["occupation"], DATA_ANALYST);
    assert_eq!(profile["essential"].as_array().unwrap().len(), 30);
    assert_eq!(profile["optional"].as_array().unwrap().len(), 22);
    let (code, _, err) = esco(dir.path(), &["profile", "new", "--occupation", "data analist", "--out", "p.json"]);
    assert_eq!(code, 2, "never overwritten: {err}");
    assert_eq!(esco(dir.path(), &["profile", "new", "--occupation", "data analyst", "--out", "p.toml"]).0, 0);
    assert_eq!(esco(dir.path(), &["profile", "check", "p.toml"]).0, 0, "TOML round-trips");
    let (code, _, err) = esco(dir.path(), &["profile", "new", "--occupation", "qqqqqq zzzzzz", "--out", "none.json"]);
    assert_eq!(code, 2);
    assert!(err.contains("is not an ESCO occupation") && !dir.path().join("none.json").exists(), "{err}");

    let skill = |uri: &str| format!(r#"{{"skill": "{uri}"}}"#);
    let cases = [
        (format!(r#"{{"title": "x", "essential": [{}], "salary": 1}}"#, skill(PYTHON)), "unknown field `salary`"),
        (
            format!(r#"{{"title": "x", "essential": [{}]}}"#, skill("https://example.com/skill")),
            "is not an ESCO skill URI",
        ),
        (
            format!(r#"{{"title": "x", "essential": [{}]}}"#, skill("http://data.europa.eu/esco/isced-f/0613")),
            "is not an ESCO skill URI",
        ),
        (
            format!(r#"{{"title": "x", "essential": [{}], "minEqf": 9}}"#, skill(PYTHON)),
            "minEqf is 9; EQF levels run from 1 to 8",
        ),
        (r#"{"title": "x", "essential": []}"#.to_owned(), "essential lists no skill"),
        (format!(r#"{{"title": "x", "essential": [{0}, {0}]}}"#, skill(PYTHON)), "is named twice"),
        (
            format!(r#"{{"title": "x", "essential": [{}], "evidenceWeights": {{"formal": 2}}}}"#, skill(PYTHON)),
            "weights run from 0 to 1",
        ),
        ("title = \"x\"\nessential = \"python\"\n".to_owned(), "invalid type"),
        ("{not json".to_owned(), "key must be a string"),
    ];
    for (i, (text, expected)) in cases.iter().enumerate() {
        let file = dir.path().join(format!("bad-{i}.json"));
        std::fs::write(&file, text).unwrap();
        let (code, _, err) = esco(dir.path(), &["profile", "check", file.to_str().unwrap()]);
        assert_eq!(code, 2, "{text}");
        assert!(err.contains(expected) && err.contains(&format!("bad-{i}.json")), "{expected:?} in {err}");
    }
}
