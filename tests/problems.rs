//! `docs/problems.md` lists every problem type the code can send (STYLE rule 13): the declared lists, and every
//! `Problem::new("…")` / `HttpProblem::new("…")` literal found in `src/`.

use std::path::Path;

use skillspass::core::vc_jose::ERROR_NAMES;
use skillspass::http::problem::HTTP_PROBLEMS;

fn documented() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/problems.md")).unwrap_or_default()
}

fn literals_in_src() -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            stack.extend(std::fs::read_dir(&path).into_iter().flatten().flatten().map(|e| e.path()));
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        for marker in ["Problem::new(\"", "HttpProblem::new(\""] {
            for piece in text.split(marker).skip(1) {
                found.push(piece.split('"').next().unwrap_or_default().to_owned());
            }
        }
    }
    found
}

#[test]
fn every_problem_type_is_documented() {
    let docs = documented();
    let mut names: Vec<String> = HTTP_PROBLEMS.iter().map(|(n, ..)| (*n).to_owned()).collect();
    names.extend(ERROR_NAMES.iter().map(|n| (*n).to_owned()));
    names.extend(literals_in_src());
    names.extend(skillspass::verifier::presentation::CHECKS.iter().map(|n| (*n).to_owned()));
    names.extend(skillspass::core::sd_jwt_vc::CHECKS.iter().map(|n| (*n).to_owned()));
    assert!(names.len() > 25, "the scan found too few problem names: {names:?}");
    let missing: Vec<&String> = names.iter().filter(|n| !docs.contains(&format!("| `{n}` |"))).collect();
    assert!(missing.is_empty(), "docs/problems.md lacks {missing:?}");
}

#[test]
fn documented_http_statuses_match_the_code() {
    let docs = documented();
    for (name, title, status) in HTTP_PROBLEMS {
        assert!(
            docs.contains(&format!("| `{name}` | {status} | {title} |")),
            "docs/problems.md row for {name} is out of date"
        );
    }
}
