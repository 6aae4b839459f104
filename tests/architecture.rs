//! The layering of DESIGN.md section 2, enforced: `core` is pure (no sled, HTTP, files, environment or clock),
//! roles never import each other, and nothing below the front doors imports them.
#![expect(clippy::unwrap_used, reason = "test helpers fail loudly on purpose")]

use std::path::{Path, PathBuf};

fn sources(dir: &str) -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(dir);
    let mut files = Vec::new();
    let mut stack = vec![root];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            stack.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push((path.clone(), std::fs::read_to_string(&path).unwrap()));
        }
    }
    assert!(!files.is_empty() || dir == "http", "no sources under src/{dir}");
    files
}

/// Code lines only: `//` comments and doc comments may name anything, and unit tests (everything from
/// `#[cfg(test)]` on) may read the clock.
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .take_while(|(_, l)| l.trim() != "#[cfg(test)]")
        .filter(|(_, l)| !l.trim_start().starts_with("//"))
        .map(|(i, l)| (i + 1, l))
}

fn assert_none(dir: &str, forbidden: &[&str], except: &[&str]) {
    let mut violations = Vec::new();
    for (path, text) in sources(dir) {
        if except.iter().any(|e| path.ends_with(e)) {
            continue;
        }
        for (number, line) in code_lines(&text) {
            for needle in forbidden {
                if line.contains(needle) {
                    violations.push(format!("{}:{number}: {needle}", path.display()));
                }
            }
        }
    }
    assert!(violations.is_empty(), "layering violations:\n{}", violations.join("\n"));
}

#[test]
fn core_is_pure() {
    let forbidden = [
        "sled",
        "axum",
        "reqwest",
        "tokio",
        "std::fs",
        "std::env",
        "std::net",
        "std::process",
        "Utc::now",
        "SystemTime",
        "crate::store",
        "crate::issuer",
        "crate::wallet",
        "crate::verifier",
        "crate::http",
        "crate::cli",
    ];
    // The one sanctioned clock reader.
    assert_none("core", &forbidden, &["core/clock.rs"]);
    assert_none("core", &["crate::store", "crate::issuer", "crate::verifier", "crate::cli", "std::fs"], &[]);
}

#[test]
fn store_imports_only_core() {
    assert_none("store", &["crate::issuer", "crate::wallet", "crate::verifier", "crate::http", "crate::cli"], &[]);
}

#[test]
fn roles_never_import_each_other() {
    let front_doors = ["crate::http", "crate::cli"];
    assert_none("issuer", &[&["crate::wallet", "crate::verifier"][..], &front_doors].concat(), &[]);
    assert_none("verifier", &[&["crate::issuer", "crate::wallet"][..], &front_doors].concat(), &[]);
    assert_none("wallet", &[&["crate::issuer", "crate::verifier"][..], &front_doors].concat(), &[]);
}

#[test]
fn the_holder_agent_composes_wallet_and_verifier_but_never_the_issuer() {
    assert_none("holder", &["crate::issuer", "crate::http", "crate::cli"], &[]);
    for role in ["issuer", "verifier", "wallet", "store", "core"] {
        assert_none(role, &["crate::holder"], &[]);
    }
}

#[test]
fn main_stays_thin() {
    let main = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/main.rs")).unwrap();
    assert!(code_lines(&main).filter(|(_, l)| !l.trim().is_empty()).count() <= 5, "main.rs grew:\n{main}");
}
