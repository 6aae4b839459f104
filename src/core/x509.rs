//! X.509 certificate chains: an issuer's key in an `x5c` header (RFC 7515 section 4.1.6), checked against the trust
//! anchors a verifier configured, as HAIP 1.0 requires of SD-JWT VC issuers ("the signing certificate plus chain in
//! `x5c`, no anchor, a leaf that is not self-signed").
//!
//! Why two crates: the path is validated by OpenSSL (the `openssl` crate, already linked by josekit) against the
//! anchors at the verification instant, with every signature, validity period and CA constraint on the way; the
//! leaf's own fields (subject, subject alternative names, key usage, public key) are read by `x509-parser`, which
//! parses without trusting. The order of the checks gives each refusal its name: the encoding, then the leaf's
//! validity period, that it is not self-signed, its key usage, its key type, and only then the path to an anchor.
//! Which names the certificate must carry (the `iss` of an SD-JWT VC) is [`CertifiedKey::check_name`].

use std::fmt;

use chrono::{DateTime, Utc};
use openssl::stack::Stack;
use openssl::x509::store::X509StoreBuilder;
use openssl::x509::{X509, X509StoreContext};
use serde_json::Value;
use x509_parser::prelude::{FromDer as _, GeneralName, X509Certificate};

use super::encoding::b64url;
use super::keys::VerifyingKey;

/// The most certificates an `x5c` may carry.
pub const MAX_CHAIN: usize = 8;
/// The largest certificate read, in bytes of DER.
pub const MAX_CERTIFICATE_BYTES: usize = 16 * 1024;

/// `id-ecPublicKey` (RFC 5480).
const OID_EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
/// `prime256v1` / `secp256r1` (RFC 5480).
const OID_P256: &str = "1.2.840.10045.3.1.7";
/// `id-Ed25519` (RFC 8410).
const OID_ED25519: &str = "1.3.101.112";

/// Why a chain or certificate was refused. Each names the rule that failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum X509Error {
    /// `x5c` is not a non-empty array of at most [`MAX_CHAIN`] base64 (not base64url) DER strings.
    #[error("x5c: {0}")]
    Encoding(String),
    /// A certificate does not parse.
    #[error("certificate {index} of x5c does not parse: {why}")]
    Malformed {
        /// Its position in `x5c` (0 = the leaf).
        index: usize,
        /// The parser's words.
        why: String,
    },
    /// The leaf's validity period ended.
    #[error("the signing certificate expired at {0}")]
    Expired(String),
    /// The leaf's validity period has not begun.
    #[error("the signing certificate is not valid before {0}")]
    NotYetValid(String),
    /// The leaf is self-signed (HAIP: the leaf must not be).
    #[error("the signing certificate is self-signed; an issuer's leaf must be certified by a CA")]
    SelfSigned,
    /// The leaf's key usage does not allow signatures.
    #[error("the signing certificate's key usage does not include digitalSignature")]
    KeyUsage,
    /// The leaf's key is neither P-256 nor Ed25519.
    #[error("the signing certificate holds a key of another type ({0}); accepted: P-256, Ed25519")]
    UnsupportedKey(String),
    /// No path from the leaf to a configured anchor (an unknown root, a broken signature, an expired CA, …).
    #[error("the certificate chain does not lead to a trusted root: {0}")]
    Untrusted(String),
    /// The certificate does not name what the token claims (`iss`).
    #[error("the signing certificate does not name {0:?} (no matching dNSName or URI subject alternative name)")]
    NameMismatch(String),
    /// The anchors file holds no certificate, or one that does not parse.
    #[error("trust anchors: {0}")]
    Anchors(String),
    /// OpenSSL failed for another reason.
    #[error("X.509 validation failed: {0}")]
    Internal(String),
}

/// The roots a verifier (or a wallet) trusts for `x5c` chains, read from PEM.
pub struct TrustAnchors {
    roots: Vec<X509>,
}

impl TrustAnchors {
    /// The certificates of a PEM file (one or more `CERTIFICATE` blocks).
    ///
    /// # Errors
    /// [`X509Error::Anchors`] when there is none or one does not parse.
    pub fn from_pem(pem: &[u8]) -> Result<Self, X509Error> {
        let roots = X509::stack_from_pem(pem).map_err(|e| X509Error::Anchors(e.to_string()))?;
        if roots.is_empty() {
            return Err(X509Error::Anchors("no CERTIFICATE block".into()));
        }
        Ok(Self { roots })
    }

    /// How many roots.
    #[must_use]
    pub fn len(&self) -> usize {
        self.roots.len()
    }

    /// Whether there are none (never, once built).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.roots.is_empty()
    }
}

impl fmt::Debug for TrustAnchors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TrustAnchors").field("roots", &self.roots.len()).finish()
    }
}

/// A key vouched for by a chain to a trusted anchor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertifiedKey {
    /// The leaf's public key.
    pub key: VerifyingKey,
    /// The leaf's subject, as RFC 4514 text.
    pub subject: String,
    /// The leaf's `dNSName` subject alternative names.
    pub dns_names: Vec<String>,
    /// The leaf's `uniformResourceIdentifier` subject alternative names.
    pub uris: Vec<String>,
    /// The subject of the anchor the path ends at.
    pub anchor: String,
    /// base64url(SHA-256(DER of the leaf)): the `x509_hash` of `OpenID4VP`.
    pub leaf_hash: String,
}

impl CertifiedKey {
    /// SD-JWT VC (draft 13, section 3.5) for an `x5c`-signed token: an `iss` that is an https URL must have its
    /// host among the leaf's `dNSName`s, or be one of its URI names; any other `iss` must be one of its URI names.
    ///
    /// # Errors
    /// [`X509Error::NameMismatch`].
    pub fn check_name(&self, iss: &str) -> Result<(), X509Error> {
        if self.uris.iter().any(|uri| uri == iss) {
            return Ok(());
        }
        // https, or plain http to a loopback name (development and tests, as the fetcher's --allow-loopback-http).
        let host = url::Url::parse(iss)
            .ok()
            .filter(|u| {
                u.scheme() == "https"
                    || (u.scheme() == "http" && u.host_str().is_some_and(super::host::is_loopback_name))
            })
            .and_then(|u| u.host_str().map(str::to_owned));
        match host {
            Some(host) if self.dns_names.iter().any(|name| name.eq_ignore_ascii_case(&host)) => Ok(()),
            _ => Err(X509Error::NameMismatch(iss.to_owned())),
        }
    }
}

/// The DER certificates of an `x5c` header value: a non-empty array of standard base64 strings (RFC 7515 section
/// 4.1.6: not base64url), leaf first.
///
/// # Errors
/// [`X509Error::Encoding`].
pub fn decode_x5c(value: &Value) -> Result<Vec<Vec<u8>>, X509Error> {
    use base64::Engine as _;
    let items = value.as_array().ok_or_else(|| X509Error::Encoding("not an array".into()))?;
    if items.is_empty() || items.len() > MAX_CHAIN {
        return Err(X509Error::Encoding(format!("holds {} certificates (1 to {MAX_CHAIN})", items.len())));
    }
    items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let text = item.as_str().ok_or_else(|| X509Error::Encoding(format!("entry {index} is not a string")))?;
            if text.len() > MAX_CERTIFICATE_BYTES * 4 / 3 + 4 {
                return Err(X509Error::Encoding(format!("entry {index} is over {MAX_CERTIFICATE_BYTES} bytes")));
            }
            base64::engine::general_purpose::STANDARD
                .decode(text)
                .map_err(|_| X509Error::Encoding(format!("entry {index} is not base64 (x5c is not base64url)")))
        })
        .collect()
}

/// The `x5c` header value of DER certificates.
#[must_use]
pub fn encode_x5c(chain: &[Vec<u8>]) -> Value {
    use base64::Engine as _;
    Value::Array(chain.iter().map(|der| Value::String(base64::engine::general_purpose::STANDARD.encode(der))).collect())
}

/// The DER certificates of a PEM chain file (leaf first).
///
/// # Errors
/// [`X509Error::Encoding`] when a block does not parse or there is none.
pub fn chain_from_pem(pem: &[u8]) -> Result<Vec<Vec<u8>>, X509Error> {
    let certificates = X509::stack_from_pem(pem).map_err(|e| X509Error::Encoding(e.to_string()))?;
    if certificates.is_empty() {
        return Err(X509Error::Encoding("the PEM file holds no CERTIFICATE block".into()));
    }
    certificates.iter().map(|c| c.to_der().map_err(|e| X509Error::Encoding(e.to_string()))).collect()
}

/// Checks a chain (leaf first, DER) at `now` against `anchors` and returns the leaf's key and names.
///
/// # Errors
/// An [`X509Error`] naming the first rule that failed.
pub fn verify_chain(chain: &[Vec<u8>], anchors: &TrustAnchors, now: DateTime<Utc>) -> Result<CertifiedKey, X509Error> {
    let leaf_der = chain.first().ok_or_else(|| X509Error::Encoding("empty".into()))?;
    let (_, leaf) =
        X509Certificate::from_der(leaf_der).map_err(|e| X509Error::Malformed { index: 0, why: e.to_string() })?;
    let validity = leaf.validity();
    if now.timestamp() > validity.not_after.timestamp() {
        return Err(X509Error::Expired(validity.not_after.to_string()));
    }
    if now.timestamp() < validity.not_before.timestamp() {
        return Err(X509Error::NotYetValid(validity.not_before.to_string()));
    }
    if leaf.subject() == leaf.issuer() {
        return Err(X509Error::SelfSigned);
    }
    if let Ok(Some(usage)) = leaf.key_usage() {
        if !usage.value.digital_signature() {
            return Err(X509Error::KeyUsage);
        }
    }
    let key = leaf_key(&leaf)?;
    let anchor = path_to_anchor(chain, anchors, now)?;
    let mut dns_names = Vec::new();
    let mut uris = Vec::new();
    if let Ok(Some(names)) = leaf.subject_alternative_name() {
        for name in &names.value.general_names {
            match name {
                GeneralName::DNSName(dns) => dns_names.push((*dns).to_owned()),
                GeneralName::URI(uri) => uris.push((*uri).to_owned()),
                _ => {}
            }
        }
    }
    Ok(CertifiedKey {
        key,
        subject: leaf.subject().to_string(),
        dns_names,
        uris,
        anchor,
        leaf_hash: b64url(<sha2::Sha256 as sha2::Digest>::digest(leaf_der)),
    })
}

/// The public key of a certificate (DER), as one of ours: for an issuer to check that its chain certifies its own
/// signing key.
///
/// # Errors
/// [`X509Error::Malformed`] or [`X509Error::UnsupportedKey`].
pub fn certificate_key(der: &[u8]) -> Result<VerifyingKey, X509Error> {
    let (_, certificate) =
        X509Certificate::from_der(der).map_err(|e| X509Error::Malformed { index: 0, why: e.to_string() })?;
    leaf_key(&certificate)
}

/// The leaf's public key as one of ours.
fn leaf_key(leaf: &X509Certificate<'_>) -> Result<VerifyingKey, X509Error> {
    let spki = leaf.public_key();
    let algorithm = spki.algorithm.algorithm.to_id_string();
    let bytes = spki.subject_public_key.data.as_ref();
    match algorithm.as_str() {
        OID_EC_PUBLIC_KEY => {
            let curve = spki.algorithm.parameters.as_ref().and_then(|p| p.as_oid().ok()).map(|o| o.to_id_string());
            if curve.as_deref() != Some(OID_P256) {
                return Err(X509Error::UnsupportedKey(format!("EC on {}", curve.unwrap_or_else(|| "?".into()))));
            }
            VerifyingKey::from_p256_sec1(bytes).map_err(|e| X509Error::UnsupportedKey(e.to_string()))
        }
        OID_ED25519 => VerifyingKey::from_bytes(bytes).map_err(|e| X509Error::UnsupportedKey(e.to_string())),
        other => Err(X509Error::UnsupportedKey(other.to_owned())),
    }
}

/// OpenSSL's path validation at `now`; returns the anchor's subject.
fn path_to_anchor(chain: &[Vec<u8>], anchors: &TrustAnchors, now: DateTime<Utc>) -> Result<String, X509Error> {
    let internal = |e: openssl::error::ErrorStack| X509Error::Internal(e.to_string());
    let mut certificates = Vec::with_capacity(chain.len());
    for (index, der) in chain.iter().enumerate() {
        certificates.push(X509::from_der(der).map_err(|e| X509Error::Malformed { index, why: e.to_string() })?);
    }
    let mut store = X509StoreBuilder::new().map_err(internal)?;
    for root in &anchors.roots {
        store.add_cert(root.clone()).map_err(internal)?;
    }
    let mut parameters = openssl::x509::verify::X509VerifyParam::new().map_err(internal)?;
    parameters.set_time(now.timestamp());
    store.set_param(&parameters).map_err(internal)?;
    let store = store.build();
    let mut intermediates = Stack::new().map_err(internal)?;
    for certificate in certificates.iter().skip(1) {
        intermediates.push(certificate.clone()).map_err(internal)?;
    }
    let mut context = X509StoreContext::new().map_err(internal)?;
    let leaf = certificates.first().ok_or_else(|| X509Error::Encoding("empty".into()))?;
    context
        .init(&store, leaf, &intermediates, |context| {
            if context.verify_cert()? {
                let anchor = context.chain().and_then(|chain| chain.iter().last().and_then(|root| root.to_der().ok()));
                let anchor =
                    anchor.and_then(|der| X509Certificate::from_der(&der).ok().map(|(_, c)| c.subject().to_string()));
                Ok(Ok(anchor.unwrap_or_default()))
            } else {
                Ok(Err(X509Error::Untrusted(context.error().error_string().to_owned())))
            }
        })
        .map_err(internal)?
}

/// Certificates made in tests with rcgen: CAs and leaves of P-256 keys.
#[cfg(test)]
pub(crate) mod test_support {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};

    use super::TrustAnchors;
    use crate::core::keys::{KeyAlgorithm, SigningKey};

    /// A CA: its rcgen issuer and its root certificate.
    pub struct Ca {
        pub issuer: Issuer<'static, KeyPair>,
        pub pem: String,
    }

    pub fn key_pair() -> (SigningKey, KeyPair) {
        let key = SigningKey::generate_for(KeyAlgorithm::Es256, &mut rand::rngs::OsRng);
        let pair = KeyPair::try_from(key.p256_pkcs8_der().unwrap().as_slice()).unwrap();
        (key, pair)
    }

    pub fn ca(name: &str) -> Ca {
        let mut params = CertificateParams::new(Vec::new()).unwrap();
        params.distinguished_name.push(DnType::CommonName, name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign];
        let (_, pair) = key_pair();
        let pem = params.self_signed(&pair).unwrap().pem();
        Ca { issuer: Issuer::new(params, pair), pem }
    }

    /// A leaf for `dns` signed by `ca`, `adjust`ed before signing; its key and DER.
    pub fn leaf(ca: &Ca, dns: &[&str], adjust: impl FnOnce(&mut CertificateParams)) -> (SigningKey, Vec<u8>) {
        let mut params = CertificateParams::new(dns.iter().map(|d| (*d).to_owned()).collect::<Vec<_>>()).unwrap();
        params.distinguished_name.push(DnType::CommonName, "Example Academy");
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        adjust(&mut params);
        let (key, pair) = key_pair();
        (key, params.signed_by(&pair, &ca.issuer).unwrap().der().to_vec())
    }

    pub fn anchors(ca: &Ca) -> TrustAnchors {
        TrustAnchors::from_pem(ca.pem.as_bytes()).unwrap()
    }
}

#[cfg(test)]
mod tests {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyUsagePurpose};

    use super::test_support::{Ca, anchors, ca, key_pair, leaf};
    use super::*;

    #[test]
    fn a_chain_to_a_trusted_root_certifies_its_leaf_key_and_names() {
        let root = ca("Root A");
        let (key, der) = leaf(&root, &["academy.example"], |_| {});
        let certified = verify_chain(std::slice::from_ref(&der), &anchors(&root), Utc::now()).unwrap();
        assert_eq!(certified.key, key.verifying_key());
        assert_eq!(certified.dns_names, ["academy.example"]);
        assert!(certified.subject.contains("Example Academy"), "{}", certified.subject);
        assert!(certified.anchor.contains("Root A"), "{}", certified.anchor);
        assert_eq!(certified.leaf_hash, b64url(<sha2::Sha256 as sha2::Digest>::digest(&der)));
        certified.check_name("https://academy.example").unwrap();
        certified.check_name("https://academy.example/path").unwrap();
        let x5c = encode_x5c(std::slice::from_ref(&der));
        assert_eq!(decode_x5c(&x5c).unwrap(), [der]);
    }

    #[test]
    fn each_broken_rule_is_named() {
        let root = ca("Root A");
        let stranger = ca("Root B");
        let now = Utc::now();
        let (_, good) = leaf(&root, &["academy.example"], |_| {});
        assert!(matches!(
            verify_chain(std::slice::from_ref(&good), &anchors(&stranger), now),
            Err(X509Error::Untrusted(_))
        ));
        let (_, expired) = leaf(&root, &["academy.example"], |p| {
            p.not_before = rcgen::date_time_ymd(2020, 1, 1);
            p.not_after = rcgen::date_time_ymd(2021, 1, 1);
        });
        assert!(matches!(verify_chain(&[expired], &anchors(&root), now), Err(X509Error::Expired(_))));
        let (_, future) = leaf(&root, &["academy.example"], |p| {
            p.not_before = rcgen::date_time_ymd(2090, 1, 1);
            p.not_after = rcgen::date_time_ymd(2091, 1, 1);
        });
        assert!(matches!(verify_chain(&[future], &anchors(&root), now), Err(X509Error::NotYetValid(_))));
        let (_, encipher_only) =
            leaf(&root, &["academy.example"], |p| p.key_usages = vec![KeyUsagePurpose::KeyAgreement]);
        assert_eq!(verify_chain(&[encipher_only], &anchors(&root), now), Err(X509Error::KeyUsage));
        let mut params = CertificateParams::new(vec!["academy.example".to_owned()]).unwrap();
        params.distinguished_name.push(DnType::CommonName, "Self");
        let (_, pair) = key_pair();
        let self_signed = params.self_signed(&pair).unwrap().der().to_vec();
        let trusting_itself = TrustAnchors::from_pem(params.self_signed(&pair).unwrap().pem().as_bytes()).unwrap();
        assert_eq!(verify_chain(&[self_signed], &trusting_itself, now), Err(X509Error::SelfSigned));
        let certified = verify_chain(&[good], &anchors(&root), now).unwrap();
        assert_eq!(
            certified.check_name("https://other.example"),
            Err(X509Error::NameMismatch("https://other.example".into()))
        );
        assert!(certified.check_name("http://academy.example").is_err(), "plain http only to loopback");
        assert!(certified.check_name("did:web:academy.example").is_err());
    }

    #[test]
    fn an_intermediate_ca_in_x5c_leads_to_the_root() {
        let root = ca("Root A");
        let mut params = CertificateParams::new(Vec::new()).unwrap();
        params.distinguished_name.push(DnType::CommonName, "Issuing CA");
        params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign];
        let (_, pair) = key_pair();
        let intermediate_der = params.signed_by(&pair, &root.issuer).unwrap().der().to_vec();
        let intermediate = Ca { issuer: Issuer::new(params, pair), pem: String::new() };
        let (key, der) = leaf(&intermediate, &["academy.example"], |_| {});
        let certified = verify_chain(&[der.clone(), intermediate_der], &anchors(&root), Utc::now()).unwrap();
        assert_eq!(certified.key, key.verifying_key());
        assert!(certified.anchor.contains("Root A"));
        assert!(
            matches!(verify_chain(&[der], &anchors(&root), Utc::now()), Err(X509Error::Untrusted(_))),
            "without the intermediate"
        );
    }

    #[test]
    fn x5c_is_standard_base64_in_a_bounded_array() {
        assert!(matches!(decode_x5c(&serde_json::json!([])), Err(X509Error::Encoding(_))));
        assert!(matches!(decode_x5c(&serde_json::json!("MIIB")), Err(X509Error::Encoding(_))));
        assert!(matches!(decode_x5c(&serde_json::json!(["MII-_w"])), Err(X509Error::Encoding(_))));
        assert!(matches!(decode_x5c(&serde_json::json!(vec!["AA=="; MAX_CHAIN + 1])), Err(X509Error::Encoding(_))));
        let root = ca("Root A");
        assert!(matches!(
            verify_chain(&[vec![0x30, 0x03, 0x01]], &anchors(&root), Utc::now()),
            Err(X509Error::Malformed { .. })
        ));
        assert!(matches!(TrustAnchors::from_pem(b"not pem"), Err(X509Error::Anchors(_))));
    }
}
