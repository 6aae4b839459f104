//! JSON-LD to canonical N-Quads, offline: what the RDF Data Integrity suites sign (vc-di-eddsa section 3.2.3).
//!
//! A signed JSON-LD credential means what its `@context` documents say, so whoever controls the context controls
//! the meaning of the signature. Data Integrity 1.0 section 4.6 therefore makes context validation a MUST: we only
//! ever process documents whose every context is one we hold, and we hold them inside the binary
//! ([`Contexts::embedded`], built from the published npm packages listed in `data/jsonld-contexts/SOURCES.md`).
//! Nothing is fetched; an unknown context is refused by name before any processing ([`JsonLdError::UnknownContext`]).
//! An operator may pin more contexts from files ([`Contexts::add`], `skillspass verify --context URL=FILE`).
//!
//! Expansion and RDF conversion are the `sophia_jsonld` crate (the `json-ld` processor) with the strict expansion
//! policy, so a term no context defines is an error instead of silently dropped data (Data Integrity section 4.4,
//! `DATA_LOSS_DETECTION_ERROR`); canonicalization is RDFC-1.0 with SHA-256 by the `rdf-canon` crate. (We first
//! used `sophia_c14n`, but on the 1EdTech `complete.json` badge, whose endorsements hold several identical proof
//! graphs, it labels blank nodes differently from jsonld.js's rdf-canonize and from `rdf-canon`, and the badge's
//! signature does not verify; `rdf-canon` agrees with rdf-canonize there and on the W3C vectors.)

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;
use sophia_api::dataset::Dataset as _;
use sophia_api::quad::Quad as _;
use sophia_api::source::QuadSource as _;
use sophia_api::term::{Term, TermKind};
use sophia_inmem::dataset::LightDataset;
use sophia_jsonld::json_ld::expansion::Policy;
use sophia_jsonld::loader::{BoxFuture, ClosureLoader, FutureExt as _};
use sophia_jsonld::{JsonLdOptions, JsonLdParser};

/// Why a document has no canonical form here.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JsonLdError {
    /// A context we do not hold (and will not fetch).
    #[error("the context {0} is not one skillspass holds; contexts are never fetched (pin it with --context)")]
    UnknownContext(String),
    /// A term no context defines: processing would drop data the signature covers.
    #[error("a term no context defines would be dropped by JSON-LD processing ({0})")]
    DataLoss(String),
    /// Not valid JSON-LD, or RDFC-1.0 refused it (for example a poisoned dataset).
    #[error("JSON-LD processing failed: {0}")]
    Invalid(String),
}

/// The contexts this binary holds (embedded, plus any an operator pinned), by URL.
#[derive(Debug, Clone)]
pub struct Contexts {
    documents: Arc<HashMap<String, Arc<str>>>,
}

/// The embedded contexts: URL and document (sources and hashes in `data/jsonld-contexts/SOURCES.md`).
const EMBEDDED: [(&str, &str); 11] = [
    ("https://www.w3.org/2018/credentials/v1", include_str!("../../data/jsonld-contexts/credentials-v1.jsonld")),
    ("https://www.w3.org/ns/credentials/v2", include_str!("../../data/jsonld-contexts/credentials-v2.jsonld")),
    (
        "https://w3id.org/security/data-integrity/v1",
        include_str!("../../data/jsonld-contexts/data-integrity-v1.jsonld"),
    ),
    (
        "https://w3id.org/security/data-integrity/v2",
        include_str!("../../data/jsonld-contexts/data-integrity-v2.jsonld"),
    ),
    ("https://w3id.org/security/multikey/v1", include_str!("../../data/jsonld-contexts/multikey-v1.jsonld")),
    (
        "https://w3id.org/security/suites/ed25519-2020/v1",
        include_str!("../../data/jsonld-contexts/ed25519-2020-v1.jsonld"),
    ),
    (
        "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
        include_str!("../../data/jsonld-contexts/ob-v3p0-context-3.0.0.json"),
    ),
    (
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
        include_str!("../../data/jsonld-contexts/ob-v3p0-context-3.0.1.json"),
    ),
    (
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
        include_str!("../../data/jsonld-contexts/ob-v3p0-context-3.0.2.json"),
    ),
    (
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        include_str!("../../data/jsonld-contexts/ob-v3p0-context-3.0.3.json"),
    ),
    (
        "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
        include_str!("../../data/jsonld-contexts/ob-v3p0-extensions.json"),
    ),
];

impl Default for Contexts {
    fn default() -> Self {
        Self::embedded()
    }
}

impl Contexts {
    /// The contexts compiled into the binary.
    #[must_use]
    pub fn embedded() -> Self {
        let documents = EMBEDDED.iter().map(|(url, text)| ((*url).to_owned(), Arc::from(*text))).collect();
        Self { documents: Arc::new(documents) }
    }

    /// The URLs held, sorted.
    #[must_use]
    pub fn urls(&self) -> Vec<&str> {
        let mut urls: Vec<&str> = self.documents.keys().map(String::as_str).collect();
        urls.sort_unstable();
        urls
    }

    /// Pins one more context: `text` is served for `url` from now on.
    ///
    /// # Errors
    /// [`JsonLdError::Invalid`] when `text` is not a JSON object with `@context`.
    pub fn add(&mut self, url: &str, text: &str) -> Result<(), JsonLdError> {
        let parsed: Value =
            serde_json::from_str(text).map_err(|e| JsonLdError::Invalid(format!("context {url}: {e}")))?;
        if parsed.get("@context").is_none() {
            return Err(JsonLdError::Invalid(format!("the document given for {url} has no @context")));
        }
        Arc::make_mut(&mut self.documents).insert(url.to_owned(), Arc::from(text));
        Ok(())
    }

    /// Whether `url` is held.
    #[must_use]
    pub fn holds(&self, url: &str) -> bool {
        self.documents.contains_key(url)
    }

    /// The first context `document` names (anywhere, including embedded contexts) that is not held.
    #[must_use]
    pub fn first_unknown(&self, document: &Value) -> Option<String> {
        match document {
            Value::Object(map) => map.iter().find_map(|(key, value)| {
                if key == "@context" { self.unknown_in_context(value) } else { self.first_unknown(value) }
            }),
            Value::Array(items) => items.iter().find_map(|item| self.first_unknown(item)),
            _ => None,
        }
    }

    fn unknown_in_context(&self, context: &Value) -> Option<String> {
        match context {
            Value::String(url) => (!self.holds(url)).then(|| url.clone()),
            Value::Array(items) => items.iter().find_map(|item| self.unknown_in_context(item)),
            Value::Object(map) => map.iter().find_map(|(key, value)| match (key.as_str(), value) {
                ("@import", Value::String(url)) => (!self.holds(url)).then(|| url.clone()),
                (_, Value::Object(definition)) => {
                    definition.get("@context").and_then(|nested| self.unknown_in_context(nested))
                }
                _ => None,
            }),
            _ => None,
        }
    }

    /// `document` as canonical N-Quads (RDFC-1.0): every line ends with a newline, in code point order.
    ///
    /// # Errors
    /// [`JsonLdError`]: an unknown context, data loss, or invalid JSON-LD.
    pub fn canonical_nquads(&self, document: &Value) -> Result<String, JsonLdError> {
        canonicalize(&self.dataset(document)?)
    }

    /// `document` expanded with the contexts held and turned into an RDF dataset (JSON-LD 1.1 Deserialize JSON-LD
    /// to RDF), with the strict expansion policy; the first half of [`Contexts::canonical_nquads`].
    ///
    /// # Errors
    /// [`JsonLdError`]: an unknown context, data loss, or invalid JSON-LD.
    pub fn dataset(&self, document: &Value) -> Result<oxrdf::Dataset, JsonLdError> {
        if let Some(url) = self.first_unknown(document) {
            return Err(JsonLdError::UnknownContext(url));
        }
        let text = serde_json::to_string(document).map_err(|e| JsonLdError::Invalid(e.to_string()))?;
        let documents = Arc::clone(&self.documents);
        let options =
            JsonLdOptions::new().with_expansion_policy(Policy::Strict).with_document_loader_closure(move || {
                let documents = Arc::clone(&documents);
                ClosureLoader::new(move |url: sophia_iri::Iri<String>| -> BoxFuture<'static, Result<String, String>> {
                    let found = documents.get(url.as_str()).map(ToString::to_string);
                    let url = url.as_str().to_owned();
                    async move { found.ok_or_else(|| format!("unknown context {url}")) }.boxed()
                })
            });
        // The processor is async only to let loaders do I/O; ours does none, so the future completes on this thread
        // (inside the server's runtime too, where sophia's own blocking `parse_str` would start a second one).
        let parser = JsonLdParser::new_with_options(options);
        let dataset: LightDataset = futures_executor::block_on(parser.async_parse_str(&text))
            .collect_quads()
            .map_err(|e| classify(&e.to_string()))?;
        to_oxrdf(&dataset)
    }
}

/// RDF Dataset Canonicalization (RDFC-1.0, SHA-256) of a dataset, serialized as canonical N-Quads; the second half
/// of [`Contexts::canonical_nquads`].
///
/// # Errors
/// [`JsonLdError::Invalid`] when RDFC-1.0 refuses the dataset (for example a poisoned one), or
/// [`JsonLdError::DataLoss`] for a relative IRI.
pub fn canonicalize(dataset: &oxrdf::Dataset) -> Result<String, JsonLdError> {
    let canonical = rdf_canon::canonicalize(dataset).map_err(|e| JsonLdError::Invalid(e.to_string()))?;
    // With no base IRI a relative IRI must be dropped, and dropped data is an error (Data Integrity 4.4); the
    // processor resolves it against a placeholder base instead, which we refuse here.
    if canonical.contains(PLACEHOLDER_BASE) {
        return Err(JsonLdError::DataLoss("a relative IRI has no base to resolve against".into()));
    }
    Ok(canonical)
}

/// The processor's dataset in `oxrdf` terms, which `rdf-canon` canonicalizes.
fn to_oxrdf(dataset: &LightDataset) -> Result<oxrdf::Dataset, JsonLdError> {
    let mut converted = oxrdf::Dataset::new();
    for quad in dataset.quads() {
        let quad = quad.map_err(|e| JsonLdError::Invalid(e.to_string()))?;
        let subject = match term(quad.s())? {
            oxrdf::Term::NamedNode(n) => oxrdf::Subject::NamedNode(n),
            oxrdf::Term::BlankNode(b) => oxrdf::Subject::BlankNode(b),
            oxrdf::Term::Literal(literal) => return Err(JsonLdError::Invalid(format!("a literal subject {literal}"))),
        };
        let oxrdf::Term::NamedNode(predicate) = term(quad.p())? else {
            return Err(JsonLdError::Invalid("a predicate that is not an IRI".into()));
        };
        let graph = match quad.g().map(term).transpose()? {
            None => oxrdf::GraphName::DefaultGraph,
            Some(oxrdf::Term::NamedNode(n)) => oxrdf::GraphName::NamedNode(n),
            Some(oxrdf::Term::BlankNode(b)) => oxrdf::GraphName::BlankNode(b),
            Some(other) => return Err(JsonLdError::Invalid(format!("a literal graph name {other}"))),
        };
        converted.insert(&oxrdf::Quad::new(subject, predicate, term(quad.o())?, graph));
    }
    Ok(converted)
}

fn term<T: Term + Copy>(t: T) -> Result<oxrdf::Term, JsonLdError> {
    let invalid = |what: &str| JsonLdError::Invalid(format!("the processor gave {what}"));
    match t.kind() {
        TermKind::Iri => {
            let iri = t.iri().ok_or_else(|| invalid("an IRI without text"))?;
            oxrdf::NamedNode::new(iri.as_str()).map(Into::into).map_err(|e| invalid(&e.to_string()))
        }
        TermKind::BlankNode => {
            let id = t.bnode_id().ok_or_else(|| invalid("a blank node without id"))?;
            oxrdf::BlankNode::new(id.as_str()).map(Into::into).map_err(|e| invalid(&e.to_string()))
        }
        TermKind::Literal => {
            let lexical = t.lexical_form().ok_or_else(|| invalid("a literal without text"))?.to_string();
            if let Some(language) = t.language_tag() {
                oxrdf::Literal::new_language_tagged_literal(lexical, language.as_str())
                    .map(Into::into)
                    .map_err(|e| invalid(&e.to_string()))
            } else {
                let datatype = t.datatype().ok_or_else(|| invalid("a literal without datatype"))?;
                let datatype = oxrdf::NamedNode::new(datatype.as_str()).map_err(|e| invalid(&e.to_string()))?;
                Ok(oxrdf::Literal::new_typed_literal(lexical, datatype).into())
            }
        }
        other => Err(invalid(&format!("a {other:?} term"))),
    }
}

/// The base the processor gives documents parsed from a string.
const PLACEHOLDER_BASE: &str = "x-string://";

/// The processor's errors are text; the one that matters to a user is an undefined term.
fn classify(message: &str) -> JsonLdError {
    if message.contains("Key expansion failed") {
        JsonLdError::DataLoss(message.to_owned())
    } else {
        JsonLdError::Invalid(message.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vc(extra: &Value) -> Value {
        let mut doc = serde_json::json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"], "issuer": "did:example:issuer",
            "credentialSubject": {"id": "did:example:subject"}
        });
        for (k, v) in extra.as_object().into_iter().flatten() {
            doc[k] = v.clone();
        }
        doc
    }

    #[test]
    fn a_credential_canonicalizes_to_sorted_nquads() {
        let nquads = Contexts::embedded().canonical_nquads(&vc(&serde_json::json!({}))).unwrap();
        let lines: Vec<&str> = nquads.lines().collect();
        assert_eq!(lines.len(), 3, "{nquads}");
        assert!(nquads.ends_with(" .\n"));
        assert!(lines.windows(2).all(|w| w[0] <= w[1]));
        assert!(nquads.contains("<https://www.w3.org/2018/credentials#issuer> <did:example:issuer>"));
    }

    #[test]
    fn unknown_contexts_and_undefined_terms_are_refused() {
        let contexts = Contexts::embedded();
        let unknown =
            vc(&serde_json::json!({"@context": ["https://www.w3.org/ns/credentials/v2", "https://evil.example/ctx"]}));
        assert_eq!(
            contexts.canonical_nquads(&unknown),
            Err(JsonLdError::UnknownContext("https://evil.example/ctx".into()))
        );
        let nested = vc(&serde_json::json!({"credentialSubject": {"@context": "https://evil.example/2", "id": "x:y"}}));
        assert_eq!(contexts.first_unknown(&nested).as_deref(), Some("https://evil.example/2"));
        let undefined = vc(&serde_json::json!({"favouriteColour": "green"}));
        assert!(matches!(contexts.canonical_nquads(&undefined), Err(JsonLdError::DataLoss(_))));
        let relative = vc(&serde_json::json!({"id": "credentials/1"}));
        assert!(matches!(contexts.canonical_nquads(&relative), Err(JsonLdError::DataLoss(_))));
    }

    #[test]
    fn a_pinned_context_is_used_and_a_bad_one_refused() {
        let mut contexts = Contexts::embedded();
        let url = "https://example.org/colour/v1";
        assert!(contexts.add(url, "[]").is_err());
        contexts.add(url, r#"{"@context": {"favouriteColour": "https://example.org/colour#favourite"}}"#).unwrap();
        let doc = vc(&serde_json::json!({"@context": ["https://www.w3.org/ns/credentials/v2", url],
            "favouriteColour": "green"}));
        let nquads = contexts.canonical_nquads(&doc).unwrap();
        assert!(nquads.contains("<https://example.org/colour#favourite> \"green\""), "{nquads}");
    }
}
