//! SD-JWT VC (`dc+sd-jwt`, draft-ietf-oauth-sd-jwt-vc): the skills credential model projected to flat claims,
//! with every skill an array-element disclosure and the learner's name, grade, workload and assessment details
//! disclosable; `iss`, `vct`, `cnf`, `status`, `exp`, `iat` and `nbf` never are (draft section 3.2.2). Verification
//! runs RFC 9901's processing ([`super::sd_jwt::reveal`]) after the issuer signature, and Key Binding when the
//! verifier's policy requires it (never inferred from its presence).

use chrono::{DateTime, Duration, Utc};
use serde_json::{Map, Value, json};

use rand::{CryptoRng, RngCore};

use super::credential::claims::Credential;
use super::credential::model::SkillCredential;
use super::credential::{EQF_PREFIX, EscoSkill, MICRO_CREDENTIAL};
use super::format::Format;
use super::jose::{self, AlgorithmPolicy, HeaderSpec, TokenKind};
use super::keys::{SigningKey, VerifyingKey};
use super::numeric_date;
use super::pipeline::{ParseError, Parsed};
use super::sd_jwt::issue::{Path, Step, conceal};
use super::sd_jwt::{Decoded, Issued, SdJwtError, key_binding, reveal::reveal};
use super::vc_jose::VerifyContext;
use super::verify::{Checked, IssuerKey, Problem, Record};

/// The `vct` of a skill credential.
pub const VCT_SKILL: &str = "https://w3id.org/skillspass/vct/skill/v1";
/// The `vct` of an EU micro-credential.
pub const VCT_MICRO_CREDENTIAL: &str = "https://w3id.org/skillspass/vct/micro-credential/v1";
/// Draft section 3.2.2: claims that MUST NOT be selectively disclosable (with their sub-claims).
pub const NEVER_DISCLOSABLE: [&str; 8] = ["iss", "vct", "vct#integrity", "cnf", "status", "exp", "iat", "nbf"];
/// The claims our credentials make disclosable besides the skills.
pub const DISCLOSABLE: [&str; 4] = ["learner_name", "grade", "workload", "assessment"];
/// The checks of an SD-JWT VC, in order.
pub const CHECKS: [&str; 9] =
    ["parse", "alg", "typ", "issuer-key", "signature", "disclosures", "validity", "key-binding", "claims"];

/// The flat claims of a skill credential and the paths to make disclosable.
#[must_use]
pub fn project(
    credential: &SkillCredential,
    holder: &VerifyingKey,
    now: DateTime<Utc>,
    valid_for: Option<Duration>,
) -> (Value, Vec<Path>) {
    let achievement = &credential.credential_subject.achievement;
    let micro = achievement.achievement_type.as_deref() == Some(MICRO_CREDENTIAL);
    let skills: Vec<Value> = achievement
        .alignment
        .iter()
        .filter(|a| EscoSkill::parse(&a.target_url).is_some())
        .map(|a| json!({"id": a.target_url, "label": a.target_name}))
        .collect();
    let mut object = Map::new();
    object.insert("iss".into(), credential.issuer.id.clone().into());
    object.insert("iat".into(), now.timestamp().into());
    let vct = if micro { VCT_MICRO_CREDENTIAL } else { VCT_SKILL };
    object.insert("vct".into(), vct.into());
    if let Some(document) = super::type_metadata::builtin(vct) {
        object.insert("vct#integrity".into(), super::type_metadata::integrity(document).into());
    }
    object.insert("cnf".into(), json!({"jwk": holder.to_jwk().to_value()}));
    object.insert("issuer_name".into(), credential.issuer.name.clone().into());
    object.insert("name".into(), achievement.name.clone().into());
    object.insert("achievement_id".into(), achievement.id.clone().into());
    object.insert("achievement_type".into(), json!(achievement.achievement_type));
    object.insert("learning_setting".into(), json!(achievement.learning_setting));
    object.insert("skills".into(), Value::Array(skills));
    if let Some(level) =
        achievement.alignment.iter().find_map(|a| a.target_url.strip_prefix(EQF_PREFIX)?.parse::<u8>().ok())
    {
        object.insert("eqf_level".into(), level.into());
    }
    if let Some(valid_for) = valid_for {
        object.insert("exp".into(), (now + valid_for).timestamp().into());
    }
    let subject = &credential.credential_subject;
    if let Some(name) = subject.identifier.iter().find(|i| i.identity_type == "name") {
        object.insert("learner_name".into(), name.identity_hash.clone().into());
    }
    if let Some(grade) = subject.result.first() {
        object.insert("grade".into(), grade.value.clone().into());
    }
    if let Some(elements) = &achievement.micro_credential {
        object.insert(
            "workload".into(),
            json!({"ects": achievement.credits_available, "hours": elements.workload_hours}),
        );
        object.insert(
            "assessment".into(),
            json!({"type": elements.assessment_type, "supervision": elements.supervision,
            "participation_form": elements.participation_form}),
        );
        object.insert(
            "micro_credential".into(),
            json!({"issuer_country": elements.issuer_country,
            "awarding_body": elements.awarding_body.iter().map(|b| &b.name).collect::<Vec<_>>(),
            "learning_outcomes": elements.learning_outcomes, "quality_assurance": elements.quality_assurance}),
        );
    }
    let mut paths: Vec<Path> =
        DISCLOSABLE.iter().filter(|c| object.contains_key(**c)).map(|c| vec![Step::Key((*c).into())]).collect();
    let skills = object.get("skills").and_then(Value::as_array).map_or(0, Vec::len);
    paths.extend((0..skills).map(|i| vec![Step::Key("skills".into()), Step::Index(i)]));
    (Value::Object(object), paths)
}

/// Conceals `paths` (refusing the never-disclosable claims) and signs the issuer JWT as `dc+sd-jwt`.
///
/// # Errors
/// [`SdJwtError::NotConcealable`] for a protected claim, or signing failures.
pub fn issue(
    claims: Value,
    paths: &[Path],
    key: &SigningKey,
    kid: &str,
    decoys: usize,
    rng: &mut (impl RngCore + CryptoRng),
) -> Result<Issued, SdJwtError> {
    issue_with_chain(claims, paths, key, kid, None, decoys, rng)
}

/// As [`issue`], with the issuer's X.509 chain in the header (`x5c`, leaf first, no root), as HAIP requires of
/// issuers identified by certificate.
///
/// # Errors
/// As [`issue`].
pub fn issue_with_chain(
    claims: Value,
    paths: &[Path],
    key: &SigningKey,
    kid: &str,
    x5c: Option<&Value>,
    decoys: usize,
    rng: &mut (impl RngCore + CryptoRng),
) -> Result<Issued, SdJwtError> {
    if let Some(protected) = paths.iter().find_map(|p| match p.first() {
        Some(Step::Key(name)) if NEVER_DISCLOSABLE.contains(&name.as_str()) => Some(name.clone()),
        _ => None,
    }) {
        return Err(SdJwtError::NotConcealable(format!("{protected} (SD-JWT VC section 3.2.2: never disclosable)")));
    }
    let (payload, disclosures) = conceal(claims, paths, decoys, rng)?;
    let bytes = serde_json::to_vec(&payload).map_err(|e| SdJwtError::Malformed(e.to_string()))?;
    let header = HeaderSpec { typ: Some(TokenKind::SdJwtVc), kid: Some(kid), x5c, ..HeaderSpec::default() };
    let jwt = jose::sign(&bytes, &header, key).map_err(|e| SdJwtError::Malformed(e.to_string()))?;
    Ok(Issued { jwt, disclosures })
}

/// What Key Binding the verifier's policy requires.
#[derive(Debug, Clone, Copy)]
pub struct KeyBindingPolicy<'a> {
    /// Whether a KB-JWT must be present.
    pub required: bool,
    /// The audience it must name.
    pub aud: &'a str,
    /// The nonce it must carry.
    pub nonce: &'a str,
}

struct Failure(&'static str, String);

/// Runs the offline checks of a parsed `dc+sd-jwt` (with or without KB-JWT): the issuer signature, RFC 9901
/// processing, validity, and Key Binding when the policy requires it.
#[must_use]
pub fn check(
    token: &str,
    parsed: Result<Parsed<'_>, ParseError>,
    ctx: &VerifyContext<'_>,
    kb: Option<KeyBindingPolicy<'_>>,
) -> Checked<Credential> {
    let format = parsed.as_ref().map_or(Format::SdJwtVc, |p| p.format);
    let mut checked = Checked::new(format, token.trim());
    if let Err(Failure(check, detail)) = run(parsed, ctx, kb, &mut checked) {
        checked.record.fail(check, Problem::new(check, "SD-JWT VC refused", Some(detail)));
        checked.record.skip_after(&CHECKS, check);
    }
    checked
}

fn run(
    parsed: Result<Parsed<'_>, ParseError>,
    ctx: &VerifyContext<'_>,
    kb: Option<KeyBindingPolicy<'_>>,
    checked: &mut Checked<Credential>,
) -> Result<(), Failure> {
    let parsed = match parsed {
        Ok(parsed) => parsed,
        Err(ParseError::Algorithm(refused)) => {
            checked.record.pass("parse", None);
            return Err(Failure("alg", refused.to_string()));
        }
        Err(ParseError::Malformed(why)) => return Err(Failure("parse", why)),
    };
    let decoded = parsed.sd_jwt.as_ref().ok_or_else(|| Failure("parse", "not an SD-JWT".into()))?;
    let record = &mut checked.record;
    record.pass("parse", Some(format!("{} disclosure(s)", decoded.disclosures.len())));
    let jws = &parsed.jws;
    AlgorithmPolicy.accepted(jws.alg()).map_err(|e| Failure("alg", e.to_string()))?;
    record.pass("alg", None);
    jws.check_typ(TokenKind::SdJwtVc).map_err(|e| Failure("typ", e.to_string()))?;
    record.pass("typ", Some(Format::SdJwtVc.name().into()));
    let issuer = parsed.issuer().ok_or_else(|| Failure("issuer-key", "no iss".into()))?.to_owned();
    let kid = parsed.kid().unwrap_or_default().to_owned();
    let (key, named) = match jws.header().get("x5c") {
        Some(x5c) => ctx.keys.issuer_key_x5c(&issuer, x5c, ctx.now).map_err(|e| Failure("issuer-key", e))?,
        None => (ctx.keys.issuer_key(&issuer, &kid).map_err(|e| Failure("issuer-key", e))?, kid.clone()),
    };
    jws.fits(&key).map_err(|e| Failure("issuer-key", e.to_string()))?;
    record.pass("issuer-key", Some(named));
    ctx.check_issuer_signature(jws, &key).map_err(|_| Failure("signature", "signature invalid".into()))?;
    record.pass("signature", None);
    checked.key = Some(IssuerKey::bound(&issuer, &kid, key));
    let revealed = reveal(&parsed.claims, &decoded.disclosures).map_err(|e| Failure("disclosures", e.to_string()))?;
    let hidden: Vec<&str> = DISCLOSABLE.iter().copied().filter(|c| revealed.claims.get(*c).is_none()).collect();
    record.pass(
        "disclosures",
        Some(format!(
            "{} disclosed; not disclosed: {}; {} digest(s) stayed hidden",
            decoded.disclosures.len(),
            if hidden.is_empty() { "none".to_owned() } else { hidden.join(", ") },
            revealed.hidden
        )),
    );
    let outcome = check_validity(&revealed.claims, ctx)
        .map(|()| record.pass("validity", None))
        .and_then(|()| check_key_binding(decoded, &revealed.claims, kb, ctx.now, record));
    checked.value = Some(Credential::from_sd_jwt_vc(revealed.claims));
    outcome?;
    checked.record.pass("claims", None);
    Ok(())
}

fn check_validity(claims: &Value, ctx: &VerifyContext<'_>) -> Result<(), Failure> {
    let numeric = |name| numeric_date::read_value(claims, name).map_err(|e| Failure("validity", e.to_string()));
    let (exp, nbf, iat) = (numeric("exp")?, numeric("nbf")?, numeric("iat")?);
    if exp.is_some_and(|exp| exp <= ctx.now - ctx.skew) {
        return Err(Failure("validity", "expired".into()));
    }
    if nbf.is_some_and(|nbf| nbf > ctx.now + ctx.skew) || iat.is_some_and(|iat| iat > ctx.now + ctx.skew) {
        return Err(Failure("validity", "not yet valid".into()));
    }
    if claims.get("vct").and_then(Value::as_str).is_none() {
        return Err(Failure("validity", "vct is missing".into()));
    }
    Ok(())
}

fn check_key_binding(
    decoded: &Decoded,
    claims: &Value,
    policy: Option<KeyBindingPolicy<'_>>,
    now: DateTime<Utc>,
    record: &mut Record,
) -> Result<(), Failure> {
    let required = policy.is_some_and(|p| p.required);
    match (&decoded.key_binding, policy) {
        (None, _) if required => {
            Err(Failure("key-binding", "the verifier requires a Key Binding JWT and none was sent".into()))
        }
        (None, _) => {
            record.skip("key-binding", "not required by policy");
            Ok(())
        }
        (Some(_), None) => {
            Err(Failure("key-binding", "a Key Binding JWT was sent but no nonce and audience were set".into()))
        }
        (Some(kb), Some(policy)) => {
            let holder = claims
                .pointer("/cnf/jwk")
                .and_then(|jwk| VerifyingKey::from_jwk(jwk).ok())
                .ok_or_else(|| Failure("key-binding", "cnf.jwk is missing or not an Ed25519 key".into()))?;
            let expected = key_binding::Expected { aud: policy.aud, nonce: policy.nonce, now };
            key_binding::verify(kb, &holder, &decoded.presented, expected)
                .map_err(|e| Failure("key-binding", e.to_string()))?;
            record.pass("key-binding", Some(format!("bound to {} for nonce {}", policy.aud, policy.nonce)));
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::credential::schema::Schemas;
    use crate::core::did::Did;
    use crate::core::pipeline::check_token;
    use crate::core::vc_jose::LocalResolver;
    use crate::core::verify::CheckStatus;

    struct Fixture {
        issuer: SigningKey,
        holder: SigningKey,
        did: Did,
        schemas: Schemas,
        resolver: LocalResolver,
    }

    impl Fixture {
        fn new() -> Self {
            let issuer = SigningKey::generate(&mut rand::rngs::OsRng);
            let did = Did::key(&issuer.verifying_key());
            Self {
                issuer,
                holder: SigningKey::generate(&mut rand::rngs::OsRng),
                did,
                schemas: Schemas::load().unwrap(),
                resolver: LocalResolver::default(),
            }
        }

        fn claims(&self) -> Value {
            json!({"iss": self.did.as_str(), "iat": Utc::now().timestamp(), "vct": VCT_SKILL,
                "cnf": {"jwk": self.holder.verifying_key().to_jwk().to_value()}, "grade": "8.5", "learning_setting": "formal",
                "skills": [{"id": "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d", "label": "Python"},
                           {"id": "http://data.europa.eu/esco/skill/326809fc-238d-40c2-881e-40042f7f2f0d", "label": "Teamwork"}]})
        }

        fn issued(&self) -> Issued {
            let paths = vec![
                vec![Step::Key("grade".into())],
                vec![Step::Key("skills".into()), Step::Index(0)],
                vec![Step::Key("skills".into()), Step::Index(1)],
            ];
            issue(self.claims(), &paths, &self.issuer, &self.did.default_kid(), 2, &mut rand::rngs::OsRng).unwrap()
        }

        fn verify(&self, compact: &str, kb: Option<KeyBindingPolicy<'_>>) -> Checked<Credential> {
            let ctx = VerifyContext {
                keys: &self.resolver,
                schemas: &self.schemas,
                now: Utc::now(),
                skew: Duration::seconds(60),
                linked_data: &crate::core::data_integrity::LinkedData::default(),
                set_aside: None,
            };
            check_token(compact, &ctx, kb)
        }
    }

    #[test]
    fn all_disclosed_verifies_with_every_skill() {
        let fixture = Fixture::new();
        let report = fixture.verify(&fixture.issued().serialize(), None);
        assert!(report.record.passed(), "{:?}", report.record.errors());
        assert_eq!(report.value.unwrap().skills().len(), 2);
        assert_eq!(report.record.check("key-binding"), Some(CheckStatus::Skipped));
    }

    #[test]
    fn one_skill_with_key_binding_reveals_only_that_skill() {
        let fixture = Fixture::new();
        let issued = fixture.issued();
        let python = issued.disclosures.iter().find(|d| d.value().get("label") == Some(&json!("Python"))).unwrap();
        let presented = issued.present([python]);
        let kb =
            key_binding::create(&fixture.holder, &presented, "https://employer.example", "n-1", Utc::now()).unwrap();
        let policy = KeyBindingPolicy { required: true, aud: "https://employer.example", nonce: "n-1" };
        let report = fixture.verify(&format!("{presented}{kb}"), Some(policy));
        assert!(report.record.passed(), "{:?}", report.record.errors());
        assert_eq!(report.format, Format::SdJwtKb);
        let credential = report.value.as_ref().unwrap();
        assert_eq!(credential.skills().iter().map(|s| s.label.as_str()).collect::<Vec<_>>(), ["Python"]);
        let detail = report.record.detail("disclosures").unwrap().to_owned();
        assert!(detail.contains("not disclosed: learner_name, grade, workload, assessment"), "{detail}");
    }

    #[test]
    fn rejects_missing_key_binding_when_policy_requires_it() {
        let fixture = Fixture::new();
        let policy = KeyBindingPolicy { required: true, aud: "https://employer.example", nonce: "n-1" };
        let report = fixture.verify(&fixture.issued().serialize(), Some(policy));
        assert!(!report.record.passed());
        assert_eq!(report.record.errors()[0].kind, "https://w3id.org/skillspass/problems#key-binding");
    }

    #[test]
    fn rejects_making_iss_or_cnf_disclosable() {
        let fixture = Fixture::new();
        for protected in ["iss", "cnf", "vct", "status", "exp", "iat"] {
            let outcome = issue(
                fixture.claims(),
                &[vec![Step::Key(protected.into())]],
                &fixture.issuer,
                &fixture.did.default_kid(),
                0,
                &mut rand::rngs::OsRng,
            );
            assert!(matches!(outcome, Err(SdJwtError::NotConcealable(_))), "{protected}");
        }
    }

    #[test]
    fn rejects_a_wrong_typ_and_a_foreign_signer() {
        let fixture = Fixture::new();
        let issued = fixture.issued();
        let (_, payload) = issued.jwt.split_once('.').unwrap();
        let (payload, _) = payload.split_once('.').unwrap();
        let bytes = crate::core::encoding::b64url_decode(payload).unwrap();
        let kid = fixture.did.default_kid();
        let wrong_typ = jose::sign(
            &bytes,
            &HeaderSpec { typ: Some(TokenKind::Credential), kid: Some(&kid), ..HeaderSpec::default() },
            &fixture.issuer,
        )
        .unwrap();
        let report =
            fixture.verify(&Issued { jwt: wrong_typ, disclosures: issued.disclosures.clone() }.serialize(), None);
        assert_eq!(report.record.errors()[0].kind, "https://w3id.org/skillspass/problems#typ");
        let forged = jose::sign(
            &bytes,
            &HeaderSpec { typ: Some(TokenKind::SdJwtVc), kid: Some(&kid), ..HeaderSpec::default() },
            &SigningKey::generate(&mut rand::rngs::OsRng),
        )
        .unwrap();
        let report = fixture.verify(&Issued { jwt: forged, disclosures: issued.disclosures }.serialize(), None);
        assert_eq!(report.record.errors()[0].kind, "https://w3id.org/skillspass/problems#signature");
    }
}
