//! From a proof's `verificationMethod` to the issuer's key (Data Integrity 1.0 section 4.4 step 5 "retrieve the
//! verification method"; Controlled Identifiers 1.0 for `controller`). Three kinds of method URL are read:
//!
//! - a DID URL of the issuer (`did:web:…#key`, `did:key:…#…`): the issuer's DID document, which must list the
//!   method under `assertionMethod` ([`IssuerKeyResolver`], as for `vc+jwt`);
//! - a bare `did:key` (no fragment): the key is the DID. Bound to the issuer when the issuer is that DID; when the
//!   issuer's id cannot be resolved at all (`urn:uuid:…`) the signature still verifies but the key is reported as
//!   not bound, and trust decides; an issuer with a resolvable id of its own must use its own keys;
//! - an https URL: the document at the URL without its fragment (fetched through the guarded fetcher by the
//!   verifier, or given as a file offline) is either the method itself or a controller document listing it. The
//!   method must be a `Multikey` or `Ed25519VerificationKey2020` whose `controller` is the issuer, and a
//!   controller document that lists `assertionMethod` must list the method there.
//!
//! A key written into the URL's fragment proves nothing by itself (anyone can write one) and is never read from it.

use std::collections::HashMap;

use serde_json::Value;

use crate::core::did::{Did, DidMethod};
use crate::core::keys::VerifyingKey;
use crate::core::vc_jose::IssuerKeyResolver;

/// The multicodec header of an Ed25519 public key (0xed, varint-encoded).
const ED25519_HEADER: [u8; 2] = [0xed, 0x01];

/// The key a method names, and whether it is the issuer's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodKey {
    /// The Ed25519 key.
    pub key: VerifyingKey,
    /// Whether the method's controller is the issuer.
    pub bound: bool,
}

/// Finds the key of a verification method for an issuer.
pub trait MethodResolver: Send + Sync {
    /// The key `method` names, checked against `issuer`.
    ///
    /// # Errors
    /// Why the method cannot be used for this issuer.
    fn method_key(&self, issuer: &str, method: &str) -> Result<MethodKey, String>;
}

/// DID issuers through an [`IssuerKeyResolver`], https methods from documents fetched or given beforehand (keyed
/// by URL without fragment).
pub struct Methods<'a> {
    /// DID documents (did:key, did:jwk locally; did:web as supplied or fetched).
    pub dids: &'a dyn IssuerKeyResolver,
    /// Key and controller documents by URL.
    pub documents: &'a HashMap<String, Value>,
}

impl MethodResolver for Methods<'_> {
    fn method_key(&self, issuer: &str, method: &str) -> Result<MethodKey, String> {
        if method.starts_with("did:") {
            return did_method_key(self.dids, issuer, method);
        }
        if method.starts_with("https://") || method.starts_with("http://") {
            let (url, _) = method.split_once('#').unwrap_or((method, ""));
            let document = self.documents.get(url).ok_or_else(|| {
                format!("the key document {url} is not available (offline, give it with --did-document FILE)")
            })?;
            let key = document_key(document, url, issuer, method)?;
            return Ok(MethodKey { key, bound: true });
        }
        match method.split_once(':') {
            Some((scheme, _)) => Err(format!("verificationMethod {method:?} has the unsupported scheme {scheme:?}")),
            None => Err(format!("verificationMethod {method:?} is not a URL")),
        }
    }
}

fn did_method_key(dids: &dyn IssuerKeyResolver, issuer: &str, method: &str) -> Result<MethodKey, String> {
    let did = Did::parse(method.split('#').next().unwrap_or_default()).map_err(|e| e.to_string())?;
    if did.method() == DidMethod::Key && !method.contains('#') {
        let kid = did.default_kid();
        let key = dids.issuer_key(did.as_str(), &kid)?;
        if did.as_str() == issuer {
            return Ok(MethodKey { key, bound: true });
        }
        if issuer.starts_with("did:") || issuer.starts_with("https://") || issuer.starts_with("http://") {
            return Err(format!("the controller of {method} is not the issuer {issuer}"));
        }
        return Ok(MethodKey { key, bound: false });
    }
    let key = dids.issuer_key(issuer, method)?;
    Ok(MethodKey { key, bound: true })
}

/// The key of `method` in the document fetched from `url`: the method itself, or a controller document.
fn document_key(document: &Value, url: &str, issuer: &str, method: &str) -> Result<VerifyingKey, String> {
    let id = document.get("id").and_then(Value::as_str).unwrap_or_default();
    let absolute = |candidate: &str| {
        if candidate.starts_with('#') { format!("{url}{candidate}") } else { candidate.to_owned() }
    };
    let (entry, controller) = if absolute(id) == method {
        (document, document.get("controller").and_then(Value::as_str))
    } else if id == url {
        let listed = |name: &str| -> Vec<&Value> {
            match document.get(name) {
                Some(Value::Array(items)) => items.iter().collect(),
                Some(one) => vec![one],
                None => Vec::new(),
            }
        };
        let is_method = |v: &&Value| {
            v.as_str().or_else(|| v.get("id").and_then(Value::as_str)).is_some_and(|i| absolute(i) == method)
        };
        let entry = listed("verificationMethod")
            .into_iter()
            .chain(listed("assertionMethod"))
            .find(|v| v.is_object() && is_method(v))
            .ok_or_else(|| format!("the document at {url} does not list {method}"))?;
        if document.get("assertionMethod").is_some() && !listed("assertionMethod").iter().any(is_method) {
            return Err(format!("{method} is not listed under assertionMethod at {url}"));
        }
        (entry, entry.get("controller").and_then(Value::as_str).or(Some(id)))
    } else {
        return Err(format!("the document at {url} is neither {method} nor its controller's"));
    };
    if controller != Some(issuer) {
        return Err(format!(
            "the controller of {method} is {}, not the issuer {issuer}",
            controller.unwrap_or("not given")
        ));
    }
    multikey(entry).map_err(|why| format!("{method}: {why}"))
}

/// A `Multikey` or `Ed25519VerificationKey2020` method's `publicKeyMultibase`: `z` + base58btc(0xed 0x01 ‖ key).
fn multikey(method: &Value) -> Result<VerifyingKey, String> {
    let kind = method.get("type").and_then(Value::as_str).unwrap_or_default();
    if !matches!(kind, "Multikey" | "Ed25519VerificationKey2020") {
        return Err(format!("the method type {kind:?} is not Multikey or Ed25519VerificationKey2020"));
    }
    let encoded = method
        .get("publicKeyMultibase")
        .and_then(Value::as_str)
        .and_then(|m| m.strip_prefix('z'))
        .ok_or("publicKeyMultibase is missing or not base58btc")?;
    let bytes = bs58::decode(encoded).into_vec().map_err(|_| "publicKeyMultibase is not base58btc")?;
    let raw = bytes.strip_prefix(&ED25519_HEADER).ok_or("publicKeyMultibase is not an Ed25519 key")?;
    VerifyingKey::from_bytes(raw).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::keys::SigningKey;
    use crate::core::vc_jose::LocalResolver;
    use serde_json::json;

    fn multibase(key: &VerifyingKey) -> String {
        crate::core::did::multikey(key)
    }

    #[test]
    fn an_https_method_needs_a_document_whose_controller_is_the_issuer() {
        let key = SigningKey::from_seed(&[3; 32]).verifying_key();
        let url = "https://example.org/issuers/1";
        let method = format!("{url}#key-1");
        let controller = json!({"id": url, "verificationMethod": [{"id": "#key-1", "type": "Multikey",
            "controller": url, "publicKeyMultibase": multibase(&key)}], "assertionMethod": ["#key-1"]});
        let mut documents = HashMap::from([(url.to_owned(), controller.clone())]);
        let dids = LocalResolver::default();
        let methods = Methods { dids: &dids, documents: &documents };
        assert_eq!(methods.method_key(url, &method), Ok(MethodKey { key, bound: true }));
        assert!(methods.method_key("https://other.example/issuer", &method).unwrap_err().contains("not the issuer"));
        assert!(methods.method_key(url, &format!("{url}#key-2")).unwrap_err().contains("does not list"));
        assert!(methods.method_key(url, "https://absent.example/k#1").unwrap_err().contains("not available"));
        assert!(methods.method_key(url, "z6Mkabc").unwrap_err().contains("not a URL"));
        assert!(methods.method_key(url, "xxx:z6Mkabc").unwrap_err().contains("unsupported scheme"));
        let mut unlisted = controller;
        unlisted["assertionMethod"] = json!([]);
        documents.insert(url.to_owned(), unlisted);
        let methods = Methods { dids: &dids, documents: &documents };
        assert!(methods.method_key(url, &method).unwrap_err().contains("assertionMethod"));
    }

    #[test]
    fn a_bare_did_key_is_bound_only_to_itself() {
        let key = SigningKey::from_seed(&[4; 32]).verifying_key();
        let did = Did::key(&key).to_string();
        let (dids, documents) = (LocalResolver::default(), HashMap::new());
        let methods = Methods { dids: &dids, documents: &documents };
        assert_eq!(methods.method_key(&did, &did), Ok(MethodKey { key, bound: true }));
        assert_eq!(methods.method_key("urn:uuid:1", &did), Ok(MethodKey { key, bound: false }));
        assert!(methods.method_key("https://example.org/issuer", &did).is_err());
        assert!(methods.method_key(&did, "did:example:123#k").is_err());
    }
}
