//! The structural rules of Open Badges 3.0 that a badge from another platform must meet before we read it as one
//! (OB 3.0 section 8 data model and the 1EdTech validator's probes): the contexts in their required order, and the
//! `type` of every typed object the badge carries (credential, issuer profile and its parent organisation and
//! other identifiers, subject, identity objects, source, results, result descriptions, achievement, evidence).
//! A badge that breaks them is reported with the path of each broken object, so the holder sees which part of it
//! another platform got wrong.

use serde_json::Value;

use super::has_type;

/// VC Data Model 1.1's context: the first context of an Open Badges 3.0.0 to 3.0.2 credential.
pub const VC1_CONTEXT: &str = "https://www.w3.org/2018/credentials/v1";

/// The credential types of an Open Badge.
pub const BADGE_TYPES: [&str; 2] = ["OpenBadgeCredential", "AchievementCredential"];
/// The credential type of an endorsement (OB 3.0 section 8.3), whose subject is an `EndorsementSubject`.
pub const ENDORSEMENT: &str = "EndorsementCredential";

/// Whether the document claims to be an Open Badges 3.0 credential (by type or by context).
#[must_use]
pub fn is_open_badge(document: &Value) -> bool {
    BADGE_TYPES.iter().any(|t| has_type(document, t))
        || has_type(document, ENDORSEMENT)
        || contexts(document).iter().any(|c| is_ob3_context(c))
}

fn is_ob3_context(url: &str) -> bool {
    url.starts_with(super::OB3_CONTEXT_PREFIX)
}

fn contexts(document: &Value) -> Vec<&str> {
    match document.get("@context") {
        Some(Value::String(one)) => vec![one.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// OB 3.0 section 8.1 (and VCDM): the first context is the VC context (1.1 or 2.0), and an OB 3.0 context follows.
///
/// # Errors
/// What is wrong with the contexts.
pub fn check_contexts(document: &Value) -> Result<(), String> {
    let contexts = contexts(document);
    match contexts.first() {
        Some(&(super::VC2_CONTEXT | VC1_CONTEXT)) => {}
        Some(other) => return Err(format!("the first @context is {other}, not the VC context")),
        None => return Err("the credential has no @context".into()),
    }
    if !contexts.iter().any(|c| is_ob3_context(c)) {
        return Err("an Open Badge must name an Open Badges 3.0 context".into());
    }
    Ok(())
}

/// Every typed object of a badge whose `type` lacks what OB 3.0 requires, as `path: requirement` lines.
#[must_use]
pub fn type_violations(document: &Value) -> Vec<String> {
    let mut found = Vec::new();
    let mut require = |value: &Value, path: &str, types: &[&str]| {
        if value.is_object() && !types.iter().any(|t| has_type(value, t)) {
            found.push(format!("{path}: type must include {}", types.join(" or ")));
        }
    };
    let endorsement = has_type(document, ENDORSEMENT);
    if endorsement {
        each(document.get("credentialSubject"), |v| require(v, "credentialSubject", &["EndorsementSubject"]));
    } else {
        require(document, "credential", &BADGE_TYPES);
    }
    if let Some(issuer) = document.get("issuer") {
        require(issuer, "issuer", &["Profile"]);
        each(issuer.get("parentOrg"), |v| require(v, "issuer.parentOrg", &["Profile"]));
        each(issuer.get("otherIdentifier"), |v| require(v, "issuer.otherIdentifier", &["IdentifierEntry"]));
    }
    each(document.get("credentialSubject").filter(|_| !endorsement), |subject| {
        require(subject, "credentialSubject", &["AchievementSubject"]);
        each(subject.get("identifier"), |v| require(v, "credentialSubject.identifier", &["IdentityObject"]));
        each(subject.get("source"), |v| require(v, "credentialSubject.source", &["Profile"]));
        each(subject.get("result"), |v| require(v, "credentialSubject.result", &["Result"]));
        each(subject.get("achievement"), |achievement| {
            require(achievement, "credentialSubject.achievement", &["Achievement"]);
            each(achievement.get("resultDescription"), |v| {
                require(v, "credentialSubject.achievement.resultDescription", &["ResultDescription"]);
            });
        });
    });
    each(document.get("evidence"), |v| require(v, "evidence", &["Evidence"]));
    found
}

/// Calls `f` on a value, or on each item when it is an array.
fn each(value: Option<&Value>, mut f: impl FnMut(&Value)) {
    match value {
        Some(Value::Array(items)) => items.iter().for_each(f),
        Some(one) => f(one),
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn badge() -> Value {
        json!({
            "@context": [super::super::VC2_CONTEXT, super::super::OB3_CONTEXT],
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {"id": "https://example.org/issuer", "type": ["Profile"],
                "otherIdentifier": [{"type": "IdentifierEntry"}, {"type": "IdentifierEntry"}]},
            "credentialSubject": {"type": ["AchievementSubject"],
                "achievement": {"type": ["Achievement"], "resultDescription": [{"type": ["ResultDescription"]}]}},
            "evidence": [{"type": ["Evidence"]}]
        })
    }

    #[test]
    fn a_well_typed_badge_has_no_violations() {
        assert!(is_open_badge(&badge()));
        assert_eq!(type_violations(&badge()), Vec::<String>::new());
        assert_eq!(check_contexts(&badge()), Ok(()));
    }

    #[test]
    fn each_broken_object_is_named_by_its_path() {
        let mut broken = badge();
        broken["issuer"]["otherIdentifier"][1]["type"] = json!("InvalidIdentifierEntry");
        broken["credentialSubject"]["achievement"]["resultDescription"][0]["type"] = json!(["Nope"]);
        broken["evidence"][0]["type"] = json!("Proof");
        let found = type_violations(&broken);
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found[0].starts_with("issuer.otherIdentifier:"));
        assert!(found[1].starts_with("credentialSubject.achievement.resultDescription:"));
        assert!(found[2].starts_with("evidence:"));
    }

    #[test]
    fn contexts_must_start_with_the_vc_context_and_name_open_badges() {
        let mut wrong = badge();
        wrong["@context"] = json!([super::super::OB3_CONTEXT]);
        assert!(check_contexts(&wrong).unwrap_err().contains("first @context"));
        wrong["@context"] = json!([VC1_CONTEXT]);
        assert!(check_contexts(&wrong).unwrap_err().contains("Open Badges 3.0 context"));
    }
}
