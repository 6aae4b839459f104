//! `schemas/` and the Rust model must not drift apart (STYLE rule 24, as lldap does for its schema): a fully
//! populated instance of every Rust type validates against the strict schema, and each schema class lists exactly
//! the members the Rust type serializes. Every example in `docs/` validates too.
#![expect(clippy::unwrap_used, reason = "test helpers fail loudly on purpose")]

use serde_json::Value;
use skillspass::core::credential::model::{
    Achievement, AchievementResult, AchievementSubject, Address, Alignment, AwardingBody, CredentialSchema, Criteria,
    IdentifierEntry, IdentityObject, LearningSetting, MicroCredentialElements, ParticipationForm, Profile,
    SkillCredential, StatusEntry, Supervision,
};
use skillspass::core::credential::schema::{SCHEMA_FILES, Schemas};
use skillspass::core::credential::{self, MANDATORY_ELEMENTS};
use skillspass::core::vc_jose::JWT_CLAIMS;

fn identifier() -> IdentifierEntry {
    IdentifierEntry { kind: "IdentifierEntry".into(), identifier: "12345678".into(), identifier_type: "ext:KvK".into() }
}

/// Every optional member set, every list non-empty.
#[expect(clippy::too_many_lines, reason = "one literal fixture, clearer whole")]
fn fully_populated() -> SkillCredential {
    let issuer = Profile {
        id: "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp".into(),
        types: vec!["Profile".into()],
        name: "Example Academy".into(),
        url: Some("https://academy.example".into()),
        email: Some("info@academy.example".into()),
        description: Some("A training provider".into()),
        address: Some(Address {
            types: vec!["Address".into()],
            address_country: Some("Netherlands".into()),
            address_country_code: Some("NL".into()),
        }),
        other_identifier: vec![identifier()],
    };
    let elements = MicroCredentialElements {
        issuer_country: vec!["NL".into()],
        awarding_body: vec![AwardingBody {
            id: Some("https://academy.example".into()),
            name: "Example Academy B.V.".into(),
            url: Some("https://academy.example".into()),
            other_identifier: vec![identifier()],
        }],
        learning_outcomes: vec!["Cleans data".into()],
        workload_hours: Some(56.0),
        assessment_type: "Project".into(),
        participation_form: ParticipationForm::Blended,
        quality_assurance: "NVAO".into(),
        prerequisites: Some("None".into()),
        supervision: Some(Supervision::SupervisedIdCheckOnsite),
        stackability: Some("Stand-alone".into()),
        further_information: Some("https://academy.example/info".into()),
    };
    let alignment = |url: &str, framework: &str| Alignment {
        types: vec!["Alignment".into()],
        target_name: "x".into(),
        target_url: url.into(),
        target_description: Some("d".into()),
        target_framework: Some(framework.into()),
        target_code: Some("c".into()),
        target_type: Some("ext:ESCOSkill".into()),
    };
    let achievement = Achievement {
        id: "https://academy.example/courses/1".into(),
        types: vec!["Achievement".into()],
        achievement_type: Some("MicroCredential".into()),
        name: "Data analysis with Python".into(),
        description: "A course".into(),
        criteria: Criteria { id: Some("https://academy.example/criteria".into()), narrative: Some("Pass".into()) },
        alignment: vec![
            alignment("http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d", "ESCO"),
            alignment("http://data.europa.eu/snb/eqf/5", "EQF"),
        ],
        credits_available: Some(2.0),
        field_of_study: Some("Data science".into()),
        in_language: Some("nl".into()),
        tag: vec!["python".into()],
        learning_setting: LearningSetting::NonFormal,
        micro_credential: Some(elements),
    };
    SkillCredential {
        context: vec![
            credential::VC2_CONTEXT.into(),
            credential::OB3_CONTEXT.into(),
            credential::SKILLSPASS_CONTEXT.into(),
        ],
        id: "urn:uuid:6f1a0c8e-7d1c-4d0b-9d55-2b8f4f1f3a10".into(),
        types: vec!["VerifiableCredential".into(), "OpenBadgeCredential".into()],
        issuer,
        valid_from: "2026-01-01T00:00:00Z".into(),
        valid_until: Some("2031-01-01T00:00:00Z".into()),
        awarded_date: Some("2026-01-01T00:00:00Z".into()),
        name: "Data analysis with Python".into(),
        description: Some("Micro-credential".into()),
        credential_subject: AchievementSubject {
            id: Some("did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG".into()),
            types: vec!["AchievementSubject".into()],
            achievement,
            identifier: vec![IdentityObject {
                kind: "IdentityObject".into(),
                identity_hash: "Sanne de Vries".into(),
                identity_type: "name".into(),
                hashed: false,
                salt: Some("s".into()),
            }],
            result: vec![AchievementResult { types: vec!["Result".into()], value: "8.5".into() }],
            activity_start_date: Some("2025-09-01T00:00:00Z".into()),
            activity_end_date: Some("2025-12-01T00:00:00Z".into()),
            credits_earned: Some(2.0),
        },
        credential_status: vec![StatusEntry {
            id: Some("https://academy.example/status/1#94567".into()),
            kind: "BitstringStatusListEntry".into(),
            status_purpose: "revocation".into(),
            status_list_index: "94567".into(),
            status_list_credential: "https://academy.example/status/1".into(),
        }],
        credential_schema: vec![CredentialSchema {
            id: "https://w3id.org/skillspass/schemas/micro-credential.schema.json".into(),
            kind: "JsonSchema".into(),
        }],
    }
}

fn schema(name: &str) -> Value {
    let (_, text) = SCHEMA_FILES.iter().find(|(n, _)| *n == name).unwrap();
    serde_json::from_str(text).unwrap()
}

fn keys(value: &Value) -> Vec<String> {
    let mut keys: Vec<String> = value.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    keys
}

#[test]
fn fully_populated_rust_credential_validates_strictly() {
    let value = serde_json::to_value(fully_populated()).unwrap();
    let schemas = Schemas::load().unwrap();
    let applied = schemas.validate(&value).unwrap();
    assert_eq!(applied, ["vc-2.0", "open-badges-3.0", "skill-credential", "micro-credential"]);
    let round_trip: SkillCredential = serde_json::from_value(value).unwrap();
    assert_eq!(round_trip, fully_populated());
}

#[test]
fn every_schema_class_lists_exactly_the_rust_members() {
    let value = serde_json::to_value(fully_populated()).unwrap();
    let schema = schema("skill-credential");
    let classes = [
        ("Profile", "/issuer"),
        ("Address", "/issuer/address"),
        ("IdentifierEntry", "/issuer/otherIdentifier/0"),
        ("AchievementSubject", "/credentialSubject"),
        ("IdentityObject", "/credentialSubject/identifier/0"),
        ("Result", "/credentialSubject/result/0"),
        ("Achievement", "/credentialSubject/achievement"),
        ("Criteria", "/credentialSubject/achievement/criteria"),
        ("Alignment", "/credentialSubject/achievement/alignment/0"),
        ("MicroCredentialElements", "/credentialSubject/achievement/microCredential"),
        ("AwardingBody", "/credentialSubject/achievement/microCredential/awardingBody/0"),
        ("BitstringStatusListEntry", "/credentialStatus/0"),
        ("CredentialSchema", "/credentialSchema/0"),
    ];
    let defs = schema["$defs"].as_object().unwrap();
    assert_eq!(defs.len(), classes.len(), "a $def without a drift check: {:?}", defs.keys().collect::<Vec<_>>());
    for (class, pointer) in classes {
        let from_schema = keys(&defs[class]["properties"]);
        let from_rust = keys(value.pointer(pointer).unwrap());
        assert_eq!(from_schema, from_rust, "schema class {class} and the Rust type at {pointer} differ");
    }
    let mut top: Vec<String> =
        keys(&schema["properties"]).into_iter().filter(|k| !JWT_CLAIMS.contains(&k.as_str()) && k != "cnf").collect();
    top.sort();
    assert_eq!(top, keys(&value), "top-level credential members differ");
}

#[test]
fn schema_enumerations_match_rust_enums() {
    let schema = schema("skill-credential");
    let enumeration = |pointer: &str| -> Vec<Value> { schema.pointer(pointer).unwrap().as_array().unwrap().clone() };
    let settings = [LearningSetting::Formal, LearningSetting::NonFormal, LearningSetting::Informal];
    let settings: Vec<Value> = settings.iter().map(|s| serde_json::to_value(s).unwrap()).collect();
    assert_eq!(enumeration("/$defs/Achievement/properties/learningSetting/enum"), settings);
    let forms = [
        ParticipationForm::Online,
        ParticipationForm::Onsite,
        ParticipationForm::Blended,
        ParticipationForm::WorkBased,
        ParticipationForm::Volunteering,
    ];
    let forms: Vec<Value> = forms.iter().map(|f| serde_json::to_value(f).unwrap()).collect();
    assert_eq!(enumeration("/$defs/MicroCredentialElements/properties/participationForm/enum"), forms);
    let supervision = [
        Supervision::UnsupervisedNoIdCheck,
        Supervision::SupervisedNoIdCheck,
        Supervision::SupervisedIdCheckOnline,
        Supervision::SupervisedIdCheckOnsite,
    ];
    let supervision: Vec<Value> = supervision.iter().map(|s| serde_json::to_value(s).unwrap()).collect();
    assert_eq!(enumeration("/$defs/MicroCredentialElements/properties/supervision/enum"), supervision);
}

#[test]
fn each_missing_eu_element_fails_both_the_rust_check_and_the_schema() {
    let schemas = Schemas::load().unwrap();
    let complete = serde_json::to_value(fully_populated()).unwrap();
    assert!(credential::missing_micro_credential_elements(&complete).is_empty());
    let achievement = "/credentialSubject/achievement";
    let elements = "/credentialSubject/achievement/microCredential";
    let removals = [
        ("(1)", "/credentialSubject", "id"),
        ("(2)", achievement, "name"),
        ("(3)", elements, "issuerCountry"),
        ("(4)", elements, "awardingBody"),
        ("(5)", "", "validFrom"),
        ("(6)", elements, "learningOutcomes"),
        ("(7)", achievement, "creditsAvailable"),
        ("(8)", achievement, "alignment"),
        ("(9)", elements, "assessmentType"),
        ("(10)", elements, "participationForm"),
        ("(11)", elements, "qualityAssurance"),
    ];
    assert_eq!(removals.len(), MANDATORY_ELEMENTS.len());
    for (element, parent, member) in removals {
        let mut incomplete = complete.clone();
        incomplete.pointer_mut(parent).unwrap().as_object_mut().unwrap().remove(member);
        let missing = credential::missing_micro_credential_elements(&incomplete);
        assert_eq!(missing.len(), 1, "{element}: {missing:?}");
        assert!(missing[0].starts_with(element), "{element}: {missing:?}");
        assert!(schemas.validate_one("micro-credential", &incomplete).is_err(), "{element}: schema accepted it");
    }
}

#[test]
fn docs_examples_validate() {
    let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
    let text = std::fs::read_to_string(docs.join("credential-model.md")).unwrap();
    let marker = "<!-- example: micro-credential -->";
    let after = &text[text.find(marker).expect("credential-model.md has the example marker") + marker.len()..];
    let block = after.split("```json").nth(1).unwrap().split("```").next().unwrap();
    let example: Value = serde_json::from_str(block).unwrap();
    let schemas = Schemas::load().unwrap();
    assert_eq!(
        schemas.validate(&example).unwrap(),
        ["vc-2.0", "open-badges-3.0", "skill-credential", "micro-credential"]
    );
    assert!(credential::missing_micro_credential_elements(&example).is_empty());
    for entry in std::fs::read_dir(docs.join("examples")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") || path.to_string_lossy().contains("profile") {
            continue;
        }
        let description: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let issuer = skillspass::issuer::Issuer::with_did_key(skillspass::core::keys::SigningKey::generate(
            &mut rand::rngs::OsRng,
        ))
        .unwrap();
        let learner = "did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG";
        issuer
            .issue_json(&description, learner, None, chrono::Utc::now())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}

#[test]
fn context_defines_every_extension_term() {
    let context: Value = serde_json::from_str(include_str!("../schemas/context-v1.jsonld")).unwrap();
    let terms = &context["@context"];
    for term in ["learningSetting", "microCredential", "PracticeStatement"] {
        assert!(terms.get(term).is_some(), "context lacks {term}");
    }
    let element_terms = keys(&terms["microCredential"]["@context"]);
    let mut rust_terms = keys(
        serde_json::to_value(fully_populated())
            .unwrap()
            .pointer("/credentialSubject/achievement/microCredential")
            .unwrap(),
    );
    rust_terms.push("@protected".into());
    rust_terms.sort();
    assert_eq!(element_terms, rust_terms, "context and MicroCredentialElements differ");
}

/// The vacancy profile's JSON Schema and the Rust type agree: the same members, the shipped example and a profile
/// made from an ESCO occupation validate, and what the Rust check refuses for its form the schema refuses too.
#[test]
fn the_vacancy_profile_schema_matches_the_rust_type() {
    use skillspass::core::esco::Esco;
    use skillspass::core::vacancy::VacancyProfile;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("schemas/vacancy-profile.schema.json")).unwrap())
            .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let esco = Esco::embedded();
    let example = VacancyProfile::parse(
        &std::fs::read_to_string(root.join("docs/examples/data-analyst-profile.toml")).unwrap(),
        &esco,
    )
    .unwrap();
    let mut full =
        VacancyProfile::from_occupation(&esco, esco.occupation(example.occupation.as_deref().unwrap()).unwrap(), "en");
    full.employer = Some("Acme BV".into());
    full.min_eqf = Some(4);
    full.essential[0].min_eqf = Some(5);
    full.max_evidence_age_months = Some(60);
    full.trusted_issuers = vec!["did:web:academy.example".into()];
    for profile in [&example, &full] {
        let value = serde_json::to_value(profile).unwrap();
        assert!(
            validator.is_valid(&value),
            "{:?}",
            validator.iter_errors(&value).map(|e| e.to_string()).collect::<Vec<_>>()
        );
    }
    let value = serde_json::to_value(&full).unwrap();
    assert_eq!(keys(&value), keys(&schema["properties"]), "every member in both");
    assert_eq!(keys(&value["evidenceWeights"]), keys(&schema["properties"]["evidenceWeights"]["properties"]));
    assert_eq!(keys(&value["microCredentials"]), keys(&schema["properties"]["microCredentials"]["properties"]));
    let mut skill_keys = keys(&value["essential"][0]);
    skill_keys.sort();
    assert_eq!(skill_keys, keys(&schema["$defs"]["requiredSkill"]["properties"]));
    for (change, path) in [
        (serde_json::json!({"salary": 1}), "unknown member"),
        (serde_json::json!({"minEqf": 9}), "EQF 9"),
        (serde_json::json!({"essential": []}), "no essential skill"),
        (serde_json::json!({"evidenceWeights": {"formal": 1.5}}), "weight above 1"),
    ] {
        let mut bad = value.clone();
        bad.as_object_mut().unwrap().extend(change.as_object().unwrap().clone());
        assert!(!validator.is_valid(&bad), "the schema accepts {path}");
        assert!(
            serde_json::from_value::<VacancyProfile>(bad)
                .map_err(|e| e.to_string())
                .and_then(|p| p.check(&esco).map_err(|e| e.to_string()))
                .is_err(),
            "the Rust check accepts {path}"
        );
    }
}
