//! The verifier's (and holder's) processing of an SD-JWT, RFC 9901 section 7.1 steps 3 to 5, in order: hash every
//! disclosure; walk the payload replacing matched `_sd` digests with their claims and matched `{"...": digest}`
//! array elements with their values, recursing into disclosed values; reject a digest seen twice, a disclosure of
//! the wrong shape for its place, a reserved or colliding claim name; drop unmatched digests (decoys, withheld
//! claims), every `_sd` and `_sd_alg`; finally reject any disclosure nothing referred to.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use super::disclosure::{Disclosure, ELLIPSIS, SD};
use super::{SD_ALG, SHA_256, SdJwtError};

/// The processed claims and which disclosures were used.
#[derive(Debug, Clone, PartialEq)]
pub struct Revealed {
    /// The claims with disclosed values in place and every SD artefact removed.
    pub claims: Value,
    /// The disclosures, in the order they were sent.
    pub disclosed: Vec<Disclosure>,
    /// How many digests stayed hidden (withheld claims and decoys; the two cannot be told apart).
    pub hidden: usize,
    /// Where each disclosure's value sits in `claims` (keys and indexes), by digest: how a wallet finds the
    /// disclosures behind a requested claim.
    pub locations: HashMap<String, Vec<Value>>,
}

struct Walk<'a> {
    by_digest: HashMap<String, &'a Disclosure>,
    seen: HashSet<String>,
    used: HashSet<String>,
    hidden: usize,
    here: Vec<Value>,
    locations: HashMap<String, Vec<Value>>,
}

/// Processes a verified issuer payload with the disclosures sent.
///
/// # Errors
/// The [`SdJwtError`] naming the first rule broken.
pub fn reveal(payload: &Map<String, Value>, disclosures: &[Disclosure]) -> Result<Revealed, SdJwtError> {
    match payload.get(SD_ALG) {
        None => {}
        Some(Value::String(alg)) if alg == SHA_256 => {}
        Some(other) => return Err(SdJwtError::UnsupportedHash(other.to_string())),
    }
    let mut by_digest = HashMap::new();
    for disclosure in disclosures {
        if by_digest.insert(disclosure.digest(), disclosure).is_some() {
            return Err(SdJwtError::DuplicateDisclosure(disclosure.encoded().chars().take(24).collect()));
        }
    }
    let mut walk = Walk {
        by_digest,
        seen: HashSet::new(),
        used: HashSet::new(),
        hidden: 0,
        here: Vec::new(),
        locations: HashMap::new(),
    };
    let mut claims = walk.object(payload)?;
    if let Value::Object(top) = &mut claims {
        top.remove(SD_ALG);
    }
    if let Some(unused) = disclosures.iter().find(|d| !walk.used.contains(&d.digest())) {
        return Err(SdJwtError::UnreferencedDisclosure(unused.encoded().chars().take(24).collect()));
    }
    Ok(Revealed { claims, disclosed: disclosures.to_vec(), hidden: walk.hidden, locations: walk.locations })
}

impl<'a> Walk<'a> {
    fn value(&mut self, value: &Value) -> Result<Value, SdJwtError> {
        match value {
            Value::Object(object) => self.object(object),
            Value::Array(items) => self.array(items),
            other => Ok(other.clone()),
        }
    }

    fn object(&mut self, object: &Map<String, Value>) -> Result<Value, SdJwtError> {
        let mut out = Map::new();
        for (name, value) in object.iter().filter(|(name, _)| name.as_str() != SD) {
            let value = self.at(Value::String(name.clone()), |walk| walk.value(value))?;
            out.insert(name.clone(), value);
        }
        let digests = match object.get(SD) {
            None => return Ok(Value::Object(out)),
            Some(Value::Array(digests)) => digests,
            Some(_) => return Err(SdJwtError::Malformed("_sd is not an array".into())),
        };
        for digest in digests {
            let digest =
                digest.as_str().ok_or_else(|| SdJwtError::Malformed("a digest in _sd is not a string".into()))?;
            let Some(disclosure) = self.take(digest)? else { continue };
            let name = disclosure.name().ok_or_else(|| SdJwtError::WrongShape(short(disclosure)))?.to_owned();
            if out.contains_key(&name) {
                return Err(SdJwtError::NameCollision(name));
            }
            let value = self.at(Value::String(name.clone()), |walk| {
                walk.locations.insert(disclosure.digest(), walk.here.clone());
                walk.value(disclosure.value())
            })?;
            out.insert(name, value);
        }
        Ok(Value::Object(out))
    }

    fn array(&mut self, items: &[Value]) -> Result<Value, SdJwtError> {
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            let digest = item.as_object().filter(|o| o.len() == 1).and_then(|o| o.get(ELLIPSIS));
            let index = Value::from(out.len());
            let Some(digest) = digest else {
                out.push(self.at(index, |walk| walk.value(item))?);
                continue;
            };
            let digest =
                digest.as_str().ok_or_else(|| SdJwtError::Malformed("an array digest is not a string".into()))?;
            if let Some(disclosure) = self.take(digest)? {
                if disclosure.name().is_some() {
                    return Err(SdJwtError::WrongShape(short(disclosure)));
                }
                out.push(self.at(index, |walk| {
                    walk.locations.insert(disclosure.digest(), walk.here.clone());
                    walk.value(disclosure.value())
                })?);
            }
        }
        Ok(Value::Array(out))
    }

    /// Runs `f` one step deeper in the claims.
    fn at<T>(&mut self, step: Value, f: impl FnOnce(&mut Self) -> T) -> T {
        self.here.push(step);
        let out = f(self);
        self.here.pop();
        out
    }

    /// Registers a digest (refusing repeats) and returns its disclosure, if one was sent.
    fn take(&mut self, digest: &str) -> Result<Option<&'a Disclosure>, SdJwtError> {
        if !self.seen.insert(digest.to_owned()) {
            return Err(SdJwtError::DuplicateDigest(digest.to_owned()));
        }
        if let Some(disclosure) = self.by_digest.get(digest).copied() {
            self.used.insert(digest.to_owned());
            Ok(Some(disclosure))
        } else {
            self.hidden += 1;
            Ok(None)
        }
    }
}

fn short(disclosure: &Disclosure) -> String {
    disclosure.encoded().chars().take(24).collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::issue::{Step, conceal};
    use super::*;

    fn claims() -> Value {
        json!({"iss": "https://academy.example", "vct": "https://academy.example/skill/v1",
            "learner_name": "Sanne de Vries", "grade": "8.5",
            "skills": [{"id": "esco:1", "label": "Python"}, {"id": "esco:2", "label": "SQL"}, {"id": "esco:3", "label": "Git"}],
            "assessment": {"type": "project", "supervised": true}})
    }

    fn paths() -> Vec<Vec<Step>> {
        vec![
            vec![Step::Key("learner_name".into())],
            vec![Step::Key("grade".into())],
            vec![Step::Key("skills".into()), Step::Index(0)],
            vec![Step::Key("skills".into()), Step::Index(1)],
            vec![Step::Key("skills".into()), Step::Index(2)],
            vec![Step::Key("assessment".into()), Step::Key("type".into())],
            vec![Step::Key("assessment".into())],
        ]
    }

    fn object(value: &Value) -> &Map<String, Value> {
        value.as_object().unwrap()
    }

    #[test]
    fn all_disclosures_reveal_the_original_claims() {
        let (payload, disclosures) = conceal(claims(), &paths(), 3, &mut rand::rngs::OsRng).unwrap();
        assert_eq!(payload["_sd_alg"], "sha-256");
        let top: Vec<&str> = payload["_sd"].as_array().unwrap().iter().map(|d| d.as_str().unwrap()).collect();
        assert_eq!(top.len(), 3 + 3, "learner_name, grade, assessment and three decoys");
        assert!(top.windows(2).all(|w| w[0] <= w[1]), "sorted");
        assert!(payload.get("grade").is_none() && payload["skills"][0].get("...").is_some());
        let revealed = reveal(object(&payload), &disclosures).unwrap();
        assert_eq!(revealed.claims, claims());
        assert_eq!(revealed.hidden, 3, "the decoys");
    }

    #[test]
    fn a_subset_reveals_only_what_was_chosen() {
        let (payload, disclosures) = conceal(claims(), &paths(), 0, &mut rand::rngs::OsRng).unwrap();
        let sql: Vec<Disclosure> =
            disclosures.iter().filter(|d| d.value().get("label") == Some(&json!("SQL"))).cloned().collect();
        let revealed = reveal(object(&payload), &sql).unwrap();
        assert_eq!(revealed.claims["skills"], json!([{"id": "esco:2", "label": "SQL"}]));
        assert!(revealed.claims.get("grade").is_none() && revealed.claims.get("learner_name").is_none());
        assert_eq!(revealed.hidden, 5);
    }

    #[test]
    fn recursive_disclosure_needs_its_parent() {
        let (payload, disclosures) = conceal(claims(), &paths(), 0, &mut rand::rngs::OsRng).unwrap();
        let inner: Vec<Disclosure> = disclosures.iter().filter(|d| d.name() == Some("type")).cloned().collect();
        assert_eq!(
            reveal(object(&payload), &inner).unwrap_err(),
            SdJwtError::UnreferencedDisclosure(inner[0].encoded()[..24].to_owned())
        );
        let both: Vec<Disclosure> =
            disclosures.iter().filter(|d| matches!(d.name(), Some("type" | "assessment"))).cloned().collect();
        let revealed = reveal(object(&payload), &both).unwrap();
        assert_eq!(revealed.claims["assessment"], json!({"type": "project", "supervised": true}));
    }

    #[test]
    fn rejects_a_duplicated_disclosure() {
        let (payload, disclosures) = conceal(claims(), &paths(), 0, &mut rand::rngs::OsRng).unwrap();
        let twice = vec![disclosures[0].clone(), disclosures[0].clone()];
        assert!(matches!(reveal(object(&payload), &twice), Err(SdJwtError::DuplicateDisclosure(_))));
    }

    #[test]
    fn rejects_a_tampered_disclosure_as_unreferenced() {
        let (payload, disclosures) = conceal(claims(), &paths(), 0, &mut rand::rngs::OsRng).unwrap();
        let grade = disclosures.iter().find(|d| d.name() == Some("grade")).unwrap();
        let forged = Disclosure::with_salt(grade.salt(), Some("grade"), json!("10")).unwrap();
        assert!(matches!(reveal(object(&payload), &[forged]), Err(SdJwtError::UnreferencedDisclosure(_))));
    }

    #[test]
    fn rejects_a_digest_present_twice() {
        let (mut payload, disclosures) = conceal(claims(), &paths(), 0, &mut rand::rngs::OsRng).unwrap();
        let first = payload["skills"][0].clone();
        payload["skills"].as_array_mut().unwrap().push(first);
        assert!(matches!(reveal(object(&payload), &disclosures), Err(SdJwtError::DuplicateDigest(_))));
    }

    #[test]
    fn rejects_a_name_collision() {
        let (mut payload, disclosures) = conceal(claims(), &paths(), 0, &mut rand::rngs::OsRng).unwrap();
        payload["grade"] = json!("plaintext");
        assert_eq!(reveal(object(&payload), &disclosures).unwrap_err(), SdJwtError::NameCollision("grade".into()));
    }

    #[test]
    fn rejects_a_disclosure_of_the_wrong_shape() {
        let element = Disclosure::with_salt("salt", None, json!("x")).unwrap();
        let payload = json!({"_sd": [element.digest()]});
        assert!(matches!(reveal(object(&payload), &[element]), Err(SdJwtError::WrongShape(_))));
        let property = Disclosure::with_salt("salt", Some("a"), json!("x")).unwrap();
        let payload = json!({"list": [{"...": property.digest()}]});
        assert!(matches!(reveal(object(&payload), &[property]), Err(SdJwtError::WrongShape(_))));
    }

    #[test]
    fn rejects_other_hash_algorithms() {
        let payload = json!({"_sd_alg": "md5"});
        assert!(matches!(reveal(object(&payload), &[]), Err(SdJwtError::UnsupportedHash(_))));
    }
}
