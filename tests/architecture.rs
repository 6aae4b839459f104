//! The layering of DESIGN.md section 2, enforced on the real imports: every `use` tree and every path in `src/` is
//! parsed with `syn` (so grouped imports `crate::{a, b}`, `self::`/`super::super::` paths, renames and fully
//! qualified calls are all seen), resolved against the module it sits in, and checked:
//!
//! - `core` is pure: it imports nothing of the crate above it, no storage, network, runtime, file, environment or
//!   process crate, and never reads the clock or the OS random generator (both are injected);
//! - `system` (the clock and RNG), `store` and `net` import only `core` (and `system`);
//! - `config` imports only `core`;
//! - the roles (`issuer`, `verifier`, `wallet`) import `core`, `system`, `store` and `net`, never each other and
//!   never a front door;
//! - `http` never imports `cli`, and `web` (the pages, a front door beside the API) imports `http` but never `cli`;
//! - a [`Verification`] is concluded only by the verifier role (`Verification::conclude` is called nowhere else).
//!
//! Unit tests (`#[cfg(test)]` items) may use anything.
#![expect(clippy::unwrap_used, reason = "test helpers fail loudly on purpose")]

use std::path::{Path, PathBuf};

use syn::visit::Visit;

/// A module: its path below the crate root (`["wallet", "openid4vp"]`) and its source.
struct Module {
    path: Vec<String>,
    file: String,
    source: String,
}

fn sources() -> Vec<Module> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files: Vec<PathBuf> = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            stack.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
        .into_iter()
        .map(|file| {
            let relative = file.strip_prefix(&root).unwrap().with_extension("");
            let mut path: Vec<String> = relative.iter().map(|s| s.to_string_lossy().into_owned()).collect();
            if path.last().is_some_and(|last| last == "mod" || last == "lib") {
                path.pop();
            }
            Module { path, file: file.display().to_string(), source: std::fs::read_to_string(&file).unwrap() }
        })
        .collect()
}

/// Every path a module names, resolved: crate paths as `["crate", "verifier", …]`, external ones as written.
struct Paths<'a> {
    module: &'a [String],
    found: Vec<Vec<String>>,
}

impl Paths<'_> {
    fn resolve(&self, segments: &[String]) -> Vec<String> {
        let mut resolved = Vec::new();
        let mut rest = segments;
        match rest.first().map(String::as_str) {
            Some("crate") => {
                resolved.push("crate".to_owned());
                rest = &rest[1..];
            }
            Some("self" | "super") => {
                let mut base = self.module.to_vec();
                while let Some(first) = rest.first() {
                    match first.as_str() {
                        "self" => {}
                        "super" => {
                            base.pop();
                        }
                        _ => break,
                    }
                    rest = &rest[1..];
                }
                resolved.push("crate".to_owned());
                resolved.extend(base);
            }
            _ => {}
        }
        resolved.extend(rest.iter().cloned());
        resolved
    }

    fn use_tree(&mut self, prefix: &[String], tree: &syn::UseTree) {
        let mut path = prefix.to_vec();
        match tree {
            syn::UseTree::Path(p) => {
                path.push(p.ident.to_string());
                self.use_tree(&path, &p.tree);
            }
            syn::UseTree::Name(n) => {
                path.push(n.ident.to_string());
                self.found.push(self.resolve(&path));
            }
            syn::UseTree::Rename(r) => {
                path.push(r.ident.to_string());
                self.found.push(self.resolve(&path));
            }
            syn::UseTree::Glob(_) => {
                path.push("*".to_owned());
                self.found.push(self.resolve(&path));
            }
            syn::UseTree::Group(g) => g.items.iter().for_each(|item| self.use_tree(&path, item)),
        }
    }
}

fn is_test_only(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("test")
            || (a.path().is_ident("cfg") && a.meta.require_list().is_ok_and(|l| l.tokens.to_string().contains("test")))
    })
}

impl<'ast> Visit<'ast> for Paths<'_> {
    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        if !is_test_only(&item.attrs) {
            self.use_tree(&[], &item.tree);
        }
    }

    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        if !is_test_only(&item.attrs) {
            syn::visit::visit_item_mod(self, item);
        }
    }

    fn visit_item_fn(&mut self, item: &'ast syn::ItemFn) {
        if !is_test_only(&item.attrs) {
            syn::visit::visit_item_fn(self, item);
        }
    }

    fn visit_item_impl(&mut self, item: &'ast syn::ItemImpl) {
        if !is_test_only(&item.attrs) {
            syn::visit::visit_item_impl(self, item);
        }
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        let resolved = self.resolve(&segments);
        self.found.push(resolved);
        syn::visit::visit_path(self, path);
    }
}

/// The layers a module of `layer` may import from the crate.
fn allowed(layer: &str) -> Option<&'static [&'static str]> {
    Some(match layer {
        "core" => &["core"],
        "system" => &["core", "system"],
        "store" => &["core", "system", "store"],
        "net" => &["core", "system", "net"],
        "config" => &["core", "config"],
        "issuer" => &["core", "system", "store", "net", "issuer"],
        "verifier" => &["core", "system", "store", "net", "verifier"],
        "wallet" => &["core", "system", "store", "net", "wallet"],
        "http" => &["core", "system", "store", "net", "config", "issuer", "verifier", "wallet", "http"],
        // The pages are a front door beside the API: they render what the roles (through the API's state) do.
        "web" => &["core", "system", "store", "net", "config", "issuer", "verifier", "wallet", "http", "web"],
        // The crate root, main and cli may use everything.
        _ => return None,
    })
}

/// What `core` must never name: storage, the network, the async runtime, files, environment, processes, the clock
/// and the OS random generator.
const IMPURE: [&[&str]; 16] = [
    &["sled"],
    &["axum"],
    &["reqwest"],
    &["tokio"],
    &["std", "fs"],
    &["std", "env"],
    &["std", "net"],
    &["std", "process"],
    &["SystemTime"],
    &["Utc", "now"],
    &["Local", "now"],
    &["Instant", "now"],
    &["OsRng"],
    &["thread_rng"],
    &["getrandom"],
    &["rngs"],
];

fn contains(path: &[String], needle: &[&str]) -> bool {
    path.windows(needle.len()).any(|w| w.iter().zip(needle).all(|(a, b)| a == b))
}

/// The layering violations in a set of modules.
fn violations(modules: &[Module]) -> Vec<String> {
    let mut found = Vec::new();
    for module in modules {
        let file = syn::parse_file(&module.source).unwrap_or_else(|e| panic!("{}: {e}", module.file));
        let mut paths = Paths { module: &module.path, found: Vec::new() };
        paths.visit_file(&file);
        let layer = module.path.first().map_or("", String::as_str);
        for path in paths.found {
            let shown = path.join("::");
            if path.first().is_some_and(|p| p == "crate") {
                if let (Some(allowed), Some(target)) = (allowed(layer), path.get(1)) {
                    if !allowed.contains(&target.as_str()) {
                        found.push(format!("{}: {layer} imports {shown}", module.file));
                    }
                }
            } else if layer == "core" && IMPURE.iter().any(|needle| contains(&path, needle)) {
                found.push(format!("{}: core names {shown}", module.file));
            }
            if contains(&path, &["Verification", "conclude"])
                && layer != "verifier"
                && module.path != ["core", "verify"]
            {
                found.push(format!("{}: only the verifier concludes a verification ({shown})", module.file));
            }
        }
    }
    found.sort();
    found.dedup();
    found
}

#[test]
fn the_layers_hold() {
    let modules = sources();
    assert!(modules.len() > 60, "too few sources found");
    let found = violations(&modules);
    assert!(found.is_empty(), "layering violations:\n{}", found.join("\n"));
}

#[test]
fn config_and_the_roles_are_covered() {
    let modules = sources();
    for expected in [vec!["config"], vec!["wallet", "openid4vp"], vec!["net", "fetch"], vec!["system"]] {
        assert!(modules.iter().any(|m| m.path == expected), "{expected:?} not scanned");
    }
}

fn planted(path: &[&str], source: &str) -> Module {
    Module { path: path.iter().map(|s| (*s).to_owned()).collect(), file: path.join("/"), source: source.to_owned() }
}

#[test]
fn the_checker_fails_on_planted_imports() {
    let cases = [
        (planted(&["wallet", "planted"], "use crate::{core::format::Format, verifier::Verifier};"), "verifier"),
        (planted(&["wallet", "deep", "planted"], "use super::super::super::issuer::Issuer;"), "issuer"),
        (planted(&["verifier", "planted"], "fn f() { let _ = crate::wallet::Wallet::exists; }"), "wallet"),
        (planted(&["issuer", "planted"], "use crate::http::AppState as State;"), "http"),
        (planted(&["config"], "use crate::issuer::service::ServiceConfig;"), "issuer"),
        (planted(&["core", "planted"], "fn now() -> chrono::DateTime<chrono::Utc> { chrono::Utc::now() }"), "Utc::now"),
        (planted(&["core", "planted"], "use rand::rngs::OsRng;"), "OsRng"),
        (planted(&["core", "planted"], "use crate::store::db;"), "store"),
        (planted(&["wallet", "planted"], "fn f(c: Checked<()>) { let _ = Verification::conclude(c, p); }"), "conclude"),
    ];
    for (module, expected) in cases {
        let found = violations(std::slice::from_ref(&module));
        assert!(found.iter().any(|v| v.contains(expected)), "{}: {found:?}", module.source);
    }
    let fine = planted(
        &["wallet", "planted"],
        "use crate::core::{format::Format, verify::Verified};\nuse super::Wallet;\n#[cfg(test)]\nmod tests { use crate::verifier::Verifier; }",
    );
    assert!(violations(&[fine]).is_empty());
}

#[test]
fn main_stays_thin() {
    let main = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/main.rs")).unwrap();
    let code = main.lines().filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with("//")).count();
    assert!(code <= 5, "main.rs grew:\n{main}");
}
