//! `OpenID` for Verifiable Presentations 1.0, the parts verifier and wallet share (STANDARDS.md section 5): the
//! authorization request with its client identifier prefixes (`redirect_uri:` unsigned, by value;
//! `decentralized_identifier:` signed as an `oauth-authz-req+jwt` request object, by reference), the `openid4vp://`
//! invocation URI, the `vp_token` of a `direct_post` response, and a DCQL query built from ESCO skill URIs. Pure:
//! both sides do their own fetching and keep their own sessions.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::dcql::{DcqlError, DcqlQuery};
use super::esco::Esco;
use super::format::Format;
use super::jose::{self, AlgorithmPolicy, CompactJws, HeaderSpec, TokenKind};
use super::keys::{SigningKey, VerifyingKey};
use super::openid4vci::ProtocolError;
use super::sd_jwt_vc::{VCT_MICRO_CREDENTIAL, VCT_SKILL};
use super::vacancy::VacancyProfile;
use super::x509::{CertifiedKey, TrustAnchors};
use chrono::{DateTime, Utc};

/// The custom scheme wallets are invoked with.
pub const WALLET_SCHEME: &str = "openid4vp://";
/// `aud` of a request object under static discovery (section 5.8).
pub const STATIC_AUDIENCE: &str = "https://self-issued.me/v2";
/// The only response type.
pub const RESPONSE_TYPE: &str = "vp_token";
/// The response mode of cross-device flows: the wallet posts the parameters as a form.
pub const DIRECT_POST: &str = "direct_post";
/// The same, encrypted (section 8.3.1): the wallet posts one `response` parameter, a JWE of the parameters. HAIP.
pub const DIRECT_POST_JWT: &str = "direct_post.jwt";
/// The client identifier prefixes we accept.
pub const REDIRECT_URI_PREFIX: &str = "redirect_uri:";
/// Signed requests by a DID.
pub const DID_PREFIX: &str = "decentralized_identifier:";
/// Signed requests by the holder of an X.509 certificate, named by the SHA-256 of its DER (section 5.9.3). HAIP.
pub const X509_HASH_PREFIX: &str = "x509_hash:";
/// Signed requests by the holder of an X.509 certificate for a DNS name (section 5.9.3; not permitted by HAIP).
pub const X509_SAN_DNS_PREFIX: &str = "x509_san_dns:";
/// Fewest characters of a nonce (128 bits of base64url).
pub const MIN_NONCE_CHARS: usize = 22;
/// Most presentations in one response.
pub const MAX_PRESENTATIONS: usize = 32;

/// Who asks, as the client identifier says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Client {
    /// `redirect_uri:<uri>`: the response URI itself; the request cannot be signed.
    RedirectUri(String),
    /// `decentralized_identifier:<did>`: the request object is signed by a key of that DID.
    Did(String),
    /// `x509_hash:<base64url SHA-256 of the leaf>`: signed by the key of that certificate, sent in `x5c`.
    X509Hash(String),
    /// `x509_san_dns:<DNS name>`: signed by the key of a certificate naming that DNS name, sent in `x5c`.
    X509SanDns(String),
}

impl Client {
    /// Reads a client identifier.
    ///
    /// # Errors
    /// [`ProtocolError`] `invalid_request` for other prefixes (including pre-registered clients).
    pub fn parse(client_id: &str) -> Result<Self, ProtocolError> {
        if let Some(uri) = client_id.strip_prefix(REDIRECT_URI_PREFIX) {
            return Ok(Self::RedirectUri(uri.to_owned()));
        }
        if let Some(did) = client_id.strip_prefix(DID_PREFIX).filter(|d| d.starts_with("did:")) {
            return Ok(Self::Did(did.to_owned()));
        }
        if let Some(hash) = client_id.strip_prefix(X509_HASH_PREFIX).filter(|h| h.len() == 43) {
            return Ok(Self::X509Hash(hash.to_owned()));
        }
        if let Some(dns) = client_id.strip_prefix(X509_SAN_DNS_PREFIX).filter(|d| !d.is_empty()) {
            return Ok(Self::X509SanDns(dns.to_owned()));
        }
        Err(ProtocolError::new(
            "invalid_request",
            format!(
                "client_id {client_id:?}: the prefixes supported are redirect_uri:, decentralized_identifier:, x509_hash: and x509_san_dns:"
            ),
        ))
    }
}

/// An authorization request (section 5), as URL parameters or request object claims.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuthorizationRequest {
    /// With its prefix.
    pub client_id: String,
    /// `vp_token`.
    pub response_type: String,
    /// `direct_post` or `direct_post.jwt`.
    pub response_mode: String,
    /// Where the wallet posts the response.
    pub response_uri: String,
    /// Fresh, single use.
    pub nonce: String,
    /// Binds the response to the session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// The DCQL query.
    pub dcql_query: Value,
    /// `vp_formats_supported`, `client_name`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_metadata: Option<Value>,
    /// Anything else (request object claims such as `aud`, `iat`, `exp`; unknown parameters are ignored).
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl AuthorizationRequest {
    /// The checks a wallet makes before it looks at the query: response type and mode, a nonce of at least 128
    /// bits, no `redirect_uri` next to `response_uri`, no `scope` next to `dcql_query`, no `transaction_data`, and
    /// for `redirect_uri:` clients a response URI equal to the client's. Returns the parsed query.
    ///
    /// # Errors
    /// [`ProtocolError`] `invalid_request` (or `invalid_transaction_data`).
    pub fn check(&self) -> Result<(Client, DcqlQuery), ProtocolError> {
        let invalid = |why: String| Err(ProtocolError::new("invalid_request", why));
        let client = Client::parse(&self.client_id)?;
        if self.response_type != RESPONSE_TYPE {
            return invalid(format!("response_type {:?} is not vp_token", self.response_type));
        }
        if self.response_mode != DIRECT_POST && self.response_mode != DIRECT_POST_JWT {
            return invalid(format!(
                "response_mode {:?} is not supported (direct_post, direct_post.jwt)",
                self.response_mode
            ));
        }
        if self.response_mode == DIRECT_POST_JWT {
            let jwks = self.client_metadata.as_ref().and_then(|m| m.get("jwks")).unwrap_or(&Value::Null);
            super::jwe::recipient(jwks).map_err(|e| ProtocolError::new("invalid_request", e.to_string()))?;
        }
        if self.nonce.len() < MIN_NONCE_CHARS || !self.nonce.chars().all(|c| c.is_ascii_graphic()) {
            return invalid("the nonce is shorter than 128 bits or not URL-safe ASCII".into());
        }
        for refused in ["redirect_uri", "scope"] {
            if self.other.contains_key(refused) {
                return invalid(format!("{refused} must not be sent with direct_post and dcql_query"));
            }
        }
        if self.other.contains_key("transaction_data") {
            return Err(ProtocolError::new("invalid_transaction_data", "transaction_data is not supported"));
        }
        if let Client::RedirectUri(uri) = &client {
            if *uri != self.response_uri {
                return invalid("a redirect_uri: client's identifier must be its response_uri".into());
            }
        }
        let query = DcqlQuery::parse(&self.dcql_query)
            .map_err(|DcqlError::Invalid(why)| ProtocolError::new("invalid_request", why))?;
        Ok((client, query))
    }

    /// The request as URL query parameters (JSON members as JSON text).
    #[must_use]
    pub fn to_query(&self) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        if let Ok(Value::Object(members)) = serde_json::to_value(self) {
            for (name, value) in members {
                match value {
                    Value::String(text) => query.append_pair(&name, &text),
                    other => query.append_pair(&name, &other.to_string()),
                };
            }
        }
        query.finish()
    }

    /// Reads a request passed by value in URL parameters.
    ///
    /// # Errors
    /// [`ProtocolError`] `invalid_request`.
    pub fn from_pairs(pairs: &[(String, String)]) -> Result<Self, ProtocolError> {
        let mut members = Map::new();
        for (name, value) in pairs {
            let json_member = matches!(name.as_str(), "dcql_query" | "client_metadata" | "transaction_data");
            let value = if json_member {
                super::encoding::parse_json(value.as_bytes())
                    .map_err(|e| ProtocolError::new("invalid_request", format!("{name}: {e}")))?
            } else {
                Value::String(value.clone())
            };
            if members.insert(name.clone(), value).is_some() {
                return Err(ProtocolError::new("invalid_request", format!("{name} appears twice")));
            }
        }
        serde_json::from_value(Value::Object(members)).map_err(|e| ProtocolError::new("invalid_request", e.to_string()))
    }
}

/// How the wallet was invoked.
#[derive(Debug, Clone, PartialEq)]
pub enum Invocation {
    /// Every parameter in the URI.
    ByValue(Box<AuthorizationRequest>),
    /// `client_id` and `request_uri`.
    ByReference {
        /// The client identifier, which the request object must repeat.
        client_id: String,
        /// Where the request object is.
        request_uri: String,
        /// `request_uri_method=post` (section 5.10): the wallet POSTs for the request object, with a `wallet_nonce`
        /// the object must repeat.
        post: bool,
    },
}

/// The most characters of a `wallet_nonce` a verifier takes.
pub const MAX_WALLET_NONCE_CHARS: usize = 256;

/// `openid4vp://?client_id=…&request_uri=…` (and `&request_uri_method=post` when the wallet is to POST).
#[must_use]
pub fn uri_by_reference(client_id: &str, request_uri: &str, post: bool) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query.append_pair("client_id", client_id).append_pair("request_uri", request_uri);
    if post {
        query.append_pair("request_uri_method", "post");
    }
    let query = query.finish();
    format!("{WALLET_SCHEME}?{query}")
}

/// `openid4vp://?<every parameter>`.
#[must_use]
pub fn uri_by_value(request: &AuthorizationRequest) -> String {
    format!("{WALLET_SCHEME}?{}", request.to_query())
}

/// Authorization response parameters as form values (section 8.2): strings as they are, other JSON values (the
/// `vp_token` object) as JSON text. The wallet posts these under `direct_post`; the verifier reads a decrypted
/// `direct_post.jwt` answer back into the same shape.
#[must_use]
pub fn form_values(parameters: Map<String, Value>) -> Vec<(String, String)> {
    parameters
        .into_iter()
        .map(|(name, value)| match value {
            Value::String(text) => (name, text),
            other => (name, other.to_string()),
        })
        .collect()
}

/// Reads an invocation URI (any scheme: only the query matters).
///
/// # Errors
/// [`ProtocolError`] `invalid_request` (`invalid_request_uri_method` for a method other than `get` and `post`).
pub fn parse_invocation(uri: &str) -> Result<Invocation, ProtocolError> {
    let query = uri.split_once('?').map(|(_, q)| q).ok_or_else(|| ProtocolError::new("invalid_request", "no query"))?;
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    let get = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    if pairs.iter().any(|(k, _)| k == "request") {
        return Err(ProtocolError::new("invalid_request", "request objects by value are not supported"));
    }
    let Some(request_uri) = get("request_uri") else {
        return AuthorizationRequest::from_pairs(&pairs).map(|r| Invocation::ByValue(Box::new(r)));
    };
    let post = match get("request_uri_method").as_deref() {
        None | Some("get") => false,
        Some("post") => true,
        Some(_) => {
            return Err(ProtocolError::new("invalid_request_uri_method", "request_uri_method is get or post"));
        }
    };
    let client_id = get("client_id").ok_or_else(|| ProtocolError::new("invalid_request", "client_id is missing"))?;
    Ok(Invocation::ByReference { client_id, request_uri, post })
}

/// Signs a request object (`typ: oauth-authz-req+jwt`) with the verifier's key named by `kid`.
///
/// # Errors
/// [`jose::JoseError`] if signing fails.
pub fn sign_request(request: &AuthorizationRequest, key: &SigningKey, kid: &str) -> Result<String, jose::JoseError> {
    sign_request_as(request, key, Some(kid), None)
}

/// Signs a request object under a `kid` (DID clients) or with the signer's certificate chain in `x5c` (x509
/// clients: leaf first, no root).
///
/// # Errors
/// [`jose::JoseError`] if signing fails.
pub fn sign_request_as(
    request: &AuthorizationRequest,
    key: &SigningKey,
    kid: Option<&str>,
    x5c: Option<&Value>,
) -> Result<String, jose::JoseError> {
    let bytes = serde_json::to_vec(request).map_err(|e| jose::JoseError::Signing(e.to_string()))?;
    jose::sign(&bytes, &HeaderSpec { typ: Some(TokenKind::RequestObject), kid, x5c, ..HeaderSpec::default() }, key)
}

/// A request object read but not yet verified: its `kid` says which key of the client's DID to verify with.
#[derive(Debug)]
pub struct RequestObject<'a> {
    jws: CompactJws<'a>,
    /// The claims (unverified until [`RequestObject::verify`]).
    pub request: AuthorizationRequest,
}

impl<'a> RequestObject<'a> {
    /// Parses a request object and checks its explicit type (section 5: anything but `oauth-authz-req+jwt` is
    /// rejected) and that it repeats `client_id` exactly.
    ///
    /// # Errors
    /// [`ProtocolError`] `invalid_request_object`.
    pub fn parse(jwt: &'a str, client_id: &str) -> Result<Self, ProtocolError> {
        let invalid = |why: String| ProtocolError::new("invalid_request_object", why);
        let jws = CompactJws::parse(jwt.trim()).map_err(|e| invalid(e.to_string()))?;
        jws.check_typ(TokenKind::RequestObject).map_err(|e| invalid(e.to_string()))?;
        AlgorithmPolicy.accepted(jws.alg()).map_err(|e| invalid(e.to_string()))?;
        let claims = jws.claims().map_err(|e| invalid(e.to_string()))?;
        let request: AuthorizationRequest =
            serde_json::from_value(Value::Object(claims)).map_err(|e| invalid(e.to_string()))?;
        if request.client_id != client_id {
            return Err(invalid(format!(
                "the request object's client_id {:?} differs from the URI's {client_id:?}",
                request.client_id
            )));
        }
        Ok(Self { jws, request })
    }

    /// The `kid` header.
    #[must_use]
    pub fn kid(&self) -> Option<&str> {
        self.jws.header_str("kid")
    }

    /// Section 5.9.3, for `x509_hash:` and `x509_san_dns:` clients: the `x5c` chain leads to one of the wallet's
    /// `anchors` at `now`, and its leaf is the certificate the client id names: its SHA-256, compared as text (never
    /// decoded: several spellings decode alike), or a `dNSName` equal to the id and to the response URI's host.
    /// Returns the certified key and names, to verify the signature with and to show the person.
    ///
    /// # Errors
    /// [`ProtocolError`] `invalid_request_object` naming the rule that failed.
    pub fn certified_client(
        &self,
        client: &Client,
        anchors: Option<&TrustAnchors>,
        now: DateTime<Utc>,
    ) -> Result<CertifiedKey, ProtocolError> {
        let invalid = |why: String| ProtocolError::new("invalid_request_object", why);
        let x5c =
            self.jws.header().get("x5c").ok_or_else(|| invalid("an x509 client's request object has no x5c".into()))?;
        let anchors = anchors.ok_or_else(|| invalid("this wallet has no X.509 trust anchors (--x509-roots)".into()))?;
        let chain = super::x509::decode_x5c(x5c).map_err(|e| invalid(e.to_string()))?;
        let certified = super::x509::verify_chain(&chain, anchors, now).map_err(|e| invalid(e.to_string()))?;
        match client {
            Client::X509Hash(hash) if *hash == certified.leaf_hash => Ok(certified),
            Client::X509Hash(hash) => Err(invalid(format!(
                "x509_hash:{hash} is not the hash of the certificate that signed ({})",
                certified.leaf_hash
            ))),
            Client::X509SanDns(dns) => {
                let named = certified.dns_names.iter().any(|name| name.eq_ignore_ascii_case(dns));
                let host =
                    url::Url::parse(&self.request.response_uri).ok().and_then(|u| u.host_str().map(str::to_owned));
                if !named {
                    return Err(invalid(format!("the certificate does not name {dns} (dNSName)")));
                }
                if !host.is_some_and(|h| h.eq_ignore_ascii_case(dns)) {
                    return Err(invalid(format!("the response URI's host is not {dns}")));
                }
                Ok(certified)
            }
            _ => Err(invalid("not an x509 client".into())),
        }
    }

    /// Verifies the signature with the client's key.
    ///
    /// # Errors
    /// [`ProtocolError`] `invalid_request_object`.
    pub fn verify(self, key: &VerifyingKey) -> Result<AuthorizationRequest, ProtocolError> {
        self.jws.verify_signature(key).map_err(|e| ProtocolError::new("invalid_request_object", e.to_string()))?;
        Ok(self.request)
    }
}

/// Parses a `vp_token` (section 8.1): a JSON object from credential query ids to non-empty arrays of
/// presentations (strings here: `dc+sd-jwt` and JWT formats).
///
/// # Errors
/// [`ProtocolError`] `invalid_request`.
pub fn parse_vp_token(text: &str) -> Result<BTreeMap<String, Vec<String>>, ProtocolError> {
    let invalid = |why: String| ProtocolError::new("invalid_request", format!("vp_token: {why}"));
    let value = super::encoding::parse_json(text.as_bytes()).map_err(|e| invalid(e.to_string()))?;
    let Value::Object(members) = value else { return Err(invalid("not a JSON object".into())) };
    let mut token = BTreeMap::new();
    let mut count = 0;
    for (id, presentations) in members {
        let Value::Array(items) = presentations else { return Err(invalid(format!("{id}: not an array"))) };
        if items.is_empty() {
            return Err(invalid(format!("{id}: empty array")));
        }
        count += items.len();
        let strings = items.into_iter().map(|p| p.as_str().map(str::to_owned)).collect::<Option<Vec<_>>>();
        token.insert(id.clone(), strings.ok_or_else(|| invalid(format!("{id}: a presentation is not a string")))?);
    }
    if token.is_empty() || count > MAX_PRESENTATIONS {
        return Err(invalid(format!("1 to {MAX_PRESENTATIONS} presentations")));
    }
    Ok(token)
}

/// A DCQL query asking, for each ESCO skill URI, for one of our skills SD-JWT VCs disclosing that skill (and
/// nothing else); the skills may come from different credentials.
#[must_use]
pub fn dcql_for_skills(skills: &[String]) -> Value {
    let credentials: Vec<Value> = skills
        .iter()
        .enumerate()
        .map(|(i, skill)| skill_query(&format!("skill_{}", i + 1), std::slice::from_ref(skill)))
        .collect();
    json!({"credentials": credentials})
}

/// Most narrower skills a profile request lists as alternatives for one skill (the DCQL `values` of its second
/// query); ESCO has skills with hundreds of narrower ones, and a request must stay small enough for a QR code's
/// request object.
pub const MAX_ALTERNATIVES: usize = 60;

/// A DCQL query asking for exactly a vacancy profile's skills (DESIGN.md section 10): per required skill one
/// credential query for the skill itself (`s<n>`) and, when ESCO has narrower skills, one for any of them
/// (`s<n>_narrower`), offered as the two options of that skill's credential set. Essential skills' sets are
/// required unless the profile lets the holder answer with gaps; optional skills' sets never are. Each query's
/// `values` select only the matching element of the `skills` array, so the holder discloses one skill per query.
#[must_use]
pub fn dcql_for_profile(profile: &VacancyProfile, esco: &Esco) -> Value {
    let mut credentials = Vec::new();
    let mut sets = Vec::new();
    for (n, (required, essential)) in profile.required().enumerate() {
        let id = format!("s{}", n + 1);
        credentials.push(skill_query(&id, std::slice::from_ref(&required.skill)));
        let mut options = vec![json!([id.clone()])];
        let narrower: Vec<String> = esco
            .skill(&required.skill)
            .map(|s| esco.descendants(s, crate::core::gap::NARROWER_DEPTH))
            .unwrap_or_default()
            .into_iter()
            .take(MAX_ALTERNATIVES)
            .map(|s| esco.skill_uri(s))
            .collect();
        if !narrower.is_empty() {
            let alternative = format!("{id}_narrower");
            credentials.push(skill_query(&alternative, &narrower));
            options.push(json!([alternative]));
        }
        sets.push(json!({"options": options, "required": essential && !profile.answer_with_gaps}));
    }
    json!({"credentials": credentials, "credential_sets": sets})
}

fn skill_query(id: &str, skills: &[String]) -> Value {
    json!({
        "id": id,
        "format": Format::SdJwtVc.protocol_identifier(),
        "meta": {"vct_values": [VCT_SKILL, VCT_MICRO_CREDENTIAL]},
        "claims": [{"path": ["skills", null, "id"], "values": skills}],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> AuthorizationRequest {
        AuthorizationRequest {
            client_id: "redirect_uri:https://employer.example/response".into(),
            response_type: "vp_token".into(),
            response_mode: "direct_post".into(),
            response_uri: "https://employer.example/response".into(),
            nonce: "n-0S6_WzA2Mj_n-0S6_WzA2Mj".into(),
            state: Some("s".into()),
            dcql_query: dcql_for_skills(&["http://data.europa.eu/esco/skill/a".into()]),
            client_metadata: None,
            other: Map::new(),
        }
    }

    #[test]
    fn by_value_requests_round_trip() {
        let uri = uri_by_value(&request());
        let Invocation::ByValue(parsed) = parse_invocation(&uri).unwrap() else { panic!("by value") };
        assert_eq!(*parsed, request());
        parsed.check().unwrap();
    }

    #[test]
    fn requests_are_checked() {
        let mut wrong = request();
        wrong.response_uri = "https://attacker.example/response".into();
        assert_eq!(wrong.check().unwrap_err().code, "invalid_request");
        let mut short = request();
        short.nonce = "short".into();
        assert!(short.check().is_err());
        let mut scoped = request();
        scoped.other.insert("scope".into(), json!("x"));
        assert!(scoped.check().is_err());
        assert!(Client::parse("x509_hash:abc").is_err());
        assert!(Client::parse("verifier.example").is_err());
    }

    #[test]
    fn request_objects_need_their_type() {
        let key = SigningKey::generate(&mut rand::rngs::OsRng);
        let mut signed = request();
        signed.client_id = "decentralized_identifier:did:example:v".into();
        let jwt = sign_request(&signed, &key, "did:example:v#k").unwrap();
        let object = RequestObject::parse(&jwt, &signed.client_id).unwrap();
        assert_eq!(object.kid(), Some("did:example:v#k"));
        assert!(object.verify(&key.verifying_key()).is_ok());
        assert!(RequestObject::parse(&jwt, "decentralized_identifier:did:example:other").is_err());
        let bytes = serde_json::to_vec(&signed).unwrap();
        let untyped =
            jose::sign(&bytes, &HeaderSpec { typ: Some(TokenKind::KeyBinding), ..HeaderSpec::default() }, &key);
        let error = RequestObject::parse(&untyped.unwrap(), &signed.client_id).unwrap_err();
        assert_eq!(error.code, "invalid_request_object");
    }

    #[test]
    fn vp_tokens_are_objects_of_arrays() {
        assert_eq!(parse_vp_token(r#"{"a":["x~"]}"#).unwrap()["a"], ["x~"]);
        for bad in [r#"["x"]"#, r#"{"a":"x"}"#, r#"{"a":[]}"#, r"{}", r#"{"a":[1]}"#] {
            assert!(parse_vp_token(bad).is_err(), "{bad}");
        }
    }

    /// Section 5.9.3: an `x509_hash:` client is the certificate that signed, compared as text; an
    /// `x509_san_dns:` client's certificate names the DNS name and so does the response URI. Each mismatch is named.
    #[test]
    fn x509_clients_are_the_certificate_that_signed() {
        use crate::core::x509::test_support::{anchors, ca, leaf};
        let root = ca("Root A");
        let (key, der) = leaf(&root, &["employer.example"], |_| {});
        let x5c = crate::core::x509::encode_x5c(std::slice::from_ref(&der));
        let hash = crate::core::encoding::b64url(<sha2::Sha256 as sha2::Digest>::digest(&der));
        let now = chrono::Utc::now();
        let signed = |client_id: &str, response_uri: &str| {
            let mut asked = request();
            asked.client_id = client_id.into();
            asked.response_uri = response_uri.into();
            sign_request_as(&asked, &key, None, Some(&x5c)).unwrap()
        };
        let ok = format!("{X509_HASH_PREFIX}{hash}");
        let token = signed(&ok, "https://employer.example/response");
        let object = RequestObject::parse(&token, &ok).unwrap();
        let certified = object.certified_client(&Client::parse(&ok).unwrap(), Some(&anchors(&root)), now).unwrap();
        assert_eq!(object.verify(&certified.key).unwrap().client_id, ok);

        let other = format!("{X509_HASH_PREFIX}{}", "A".repeat(43));
        let token = signed(&other, "https://employer.example/response");
        let object = RequestObject::parse(&token, &other).unwrap();
        let refused = object.certified_client(&Client::parse(&other).unwrap(), Some(&anchors(&root)), now);
        assert!(refused.unwrap_err().description.contains("is not the hash of the certificate that signed"));
        assert!(
            object
                .certified_client(&Client::parse(&other).unwrap(), None, now)
                .unwrap_err()
                .description
                .contains("no X.509 trust anchors")
        );

        let dns = format!("{X509_SAN_DNS_PREFIX}employer.example");
        let token = signed(&dns, "https://employer.example/response");
        RequestObject::parse(&token, &dns)
            .unwrap()
            .certified_client(&Client::parse(&dns).unwrap(), Some(&anchors(&root)), now)
            .unwrap();
        let token = signed(&dns, "https://elsewhere.example/response");
        let refused = RequestObject::parse(&token, &dns).unwrap().certified_client(
            &Client::parse(&dns).unwrap(),
            Some(&anchors(&root)),
            now,
        );
        assert!(refused.unwrap_err().description.contains("response URI's host"));
        let unnamed = format!("{X509_SAN_DNS_PREFIX}other.example");
        let token = signed(&unnamed, "https://other.example/response");
        let refused = RequestObject::parse(&token, &unnamed).unwrap().certified_client(
            &Client::parse(&unnamed).unwrap(),
            Some(&anchors(&root)),
            now,
        );
        assert!(refused.unwrap_err().description.contains("does not name other.example"));
    }
}
