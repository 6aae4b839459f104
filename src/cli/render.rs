//! Human-readable rendering of verification reports for the terminal. It reads the report's JSON form, so a report
//! made here and one a remote verifier sent (`verify --verifier URL`) are shown the same way.

use std::fmt::Write as _;

use serde_json::Value;

/// The report as a few aligned lines.
#[must_use]
pub fn report(report: &Value) -> String {
    let text = |value: &Value| value.as_str().unwrap_or_default().to_owned();
    let mut out = String::new();
    let verdict = if report["verified"] == true { "VERIFIED" } else { "NOT VERIFIED" };
    let id = report["credentialId"].as_str().unwrap_or("(no id)");
    let _ = writeln!(out, "{verdict}  {}  {id}", text(&report["format"]));
    if let Some(issuer) = report.get("issuer") {
        let name = issuer["name"].as_str().map(|n| format!(" ({n})")).unwrap_or_default();
        let trust = match issuer["trusted"].as_bool() {
            Some(true) => "trusted",
            Some(false) => "NOT on the trust list",
            None => "no trust list",
        };
        let _ = writeln!(out, "  issuer   {}{name}  [{trust}]", text(&issuer["id"]));
    }
    if let Some(subject) = report["subject"].as_str() {
        let _ = writeln!(out, "  subject  {subject}");
    }
    if report.get("validFrom").is_some() || report.get("validUntil").is_some() {
        let (from, until) = (report["validFrom"].as_str().unwrap_or("-"), report["validUntil"].as_str().unwrap_or("-"));
        let _ = writeln!(out, "  valid    {from} .. {until}");
    }
    let checks: Vec<String> = items(&report["checks"])
        .map(|c| format!("{} {}", text(&c["check"]), mark(c["status"].as_str().unwrap_or_default())))
        .collect();
    let _ = writeln!(out, "  checks   {}", checks.join(", "));
    policy(&mut out, &report["policy"]);
    for skill in items(&report["skills"]) {
        let eqf = skill["eqfLevel"].as_u64().map(|l| format!("EQF {l}, ")).unwrap_or_default();
        let setting = skill["learningSetting"].as_str().unwrap_or("setting unknown");
        let label = skill_name(skill["escoLabel"].as_str(), &text(&skill["label"]));
        let _ = writeln!(out, "  skill    {label}  <{}>  ({eqf}{setting})", text(&skill["id"]));
    }
    for (label, list) in [("error", &report["errors"]), ("warning", &report["warnings"])] {
        for problem in items(list) {
            let _ = writeln!(out, "  {label:<8} {}: {}", text(&problem["title"]), text(&problem["detail"]));
        }
    }
    out
}

/// The policy findings: EU micro-credential completeness and evidence strength.
fn policy(out: &mut String, policy: &Value) {
    if let Some(eu) = policy.get("euMicroCredential") {
        if eu["complete"] == true {
            let _ = writeln!(out, "  EU       complete EU micro-credential (all 11 mandatory elements)");
        } else {
            let missing: Vec<String> = items(&eu["missing"])
                .map(|e| format!("({}) {}", e["number"], e["name"].as_str().unwrap_or_default()))
                .collect();
            let _ = writeln!(out, "  EU       not a complete EU micro-credential; missing {}", missing.join(", "));
        }
    }
    if let Some(evidence) = policy["evidence"].as_str() {
        let _ = writeln!(out, "  evidence {evidence}");
    }
}

fn items(value: &Value) -> impl Iterator<Item = &Value> {
    value.as_array().into_iter().flatten()
}

fn mark(status: &str) -> &'static str {
    match status {
        "passed" => "ok",
        "failed" => "FAILED",
        _ => "skipped",
    }
}

/// A skill as people read it: ESCO's preferred label, with the issuer's own `targetName` beside it when that
/// differs, or the issuer's label flagged when the URI is not an ESCO skill.
pub fn skill_name(esco_label: Option<&str>, issuer_label: &str) -> String {
    match esco_label {
        Some(esco) if issuer_label.is_empty() || issuer_label.eq_ignore_ascii_case(esco) => esco.to_owned(),
        Some(esco) => format!("{esco}  (issuer: \"{issuer_label}\")"),
        None => format!("{issuer_label}  [not an ESCO skill]"),
    }
}
