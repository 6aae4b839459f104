//! Human-readable rendering of reports for the terminal.

use std::fmt::Write as _;

use crate::core::report::{CheckStatus, Report};

/// The report as a few aligned lines.
#[must_use]
pub fn report(report: &Report) -> String {
    let mut out = String::new();
    let verdict = if report.verified { "VERIFIED" } else { "NOT VERIFIED" };
    let _ = writeln!(out, "{verdict}  {}  {}", report.format, report.credential_id.as_deref().unwrap_or("(no id)"));
    if let Some(issuer) = &report.issuer {
        let name = issuer.name.as_deref().map(|n| format!(" ({n})")).unwrap_or_default();
        let trust = match issuer.trusted {
            Some(true) => "trusted",
            Some(false) => "NOT on the trust list",
            None => "no trust list",
        };
        let _ = writeln!(out, "  issuer   {}{name}  [{trust}]", issuer.id);
    }
    if let Some(subject) = &report.subject {
        let _ = writeln!(out, "  subject  {subject}");
    }
    if report.valid_from.is_some() || report.valid_until.is_some() {
        let (from, until) = (report.valid_from.as_deref().unwrap_or("-"), report.valid_until.as_deref().unwrap_or("-"));
        let _ = writeln!(out, "  valid    {from} .. {until}");
    }
    let checks: Vec<String> = report.checks.iter().map(|c| format!("{} {}", c.check, mark(c.status))).collect();
    let _ = writeln!(out, "  checks   {}", checks.join(", "));
    for skill in &report.skills {
        let eqf = skill.eqf_level.map(|l| format!("EQF {l}, ")).unwrap_or_default();
        let setting = skill.learning_setting.as_deref().unwrap_or("setting unknown");
        let _ = writeln!(out, "  skill    {}  <{}>  ({eqf}{setting})", skill.label, skill.id);
    }
    for error in &report.errors {
        let _ = writeln!(out, "  error    {}: {}", error.title, error.detail.as_deref().unwrap_or(""));
    }
    for warning in &report.warnings {
        let _ = writeln!(out, "  warning  {}: {}", warning.title, warning.detail.as_deref().unwrap_or(""));
    }
    out
}

fn mark(status: CheckStatus) -> &'static str {
    match status {
        CheckStatus::Passed => "ok",
        CheckStatus::Failed => "FAILED",
        CheckStatus::Skipped => "skipped",
    }
}
