//! The verifier side of `OpenID4VP` 1.0 (STANDARDS.md section 5): presentation requests made from a DCQL query or
//! a list of ESCO skills, under a `redirect_uri:` client identifier (parameters by value in the `openid4vp://` URI)
//! or a `decentralized_identifier:` one (a signed `oauth-authz-req+jwt` request object by reference); the
//! `direct_post` response checked per section 8.6 (state, the `vp_token` shape, every presentation with Key
//! Binding to this request's nonce and our client id, its claims against the query, the credential sets); a
//! response code handed back in the redirect so only the browser that started the flow sees the result.
//!
//! A request is answered once: a replayed `vp_token` finds it closed. Requests and their results are durable
//! (issue 11): expiring records in sled, open for [`REQUEST_TTL`] and kept [`RESULT_RETENTION`] for the employer to
//! read; every status change is a compare-and-swap, so a restart does not reopen a closed request and two racing
//! answers cannot both be taken.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use serde_json::{Map, Value, json};
use subtle::ConstantTimeEq as _;

use super::Verifier;
use crate::core::credential::claims::Credential;
use crate::core::dcql::{Candidate, DcqlQuery};
use crate::core::did::{Did, VerificationMethod};
use crate::core::encoding::hmac_sha256;
use crate::core::encoding::{b64url, sha256};
use crate::core::esco::{DEFAULT_LANG, Esco};
use crate::core::format::Format;
use crate::core::gap::{self, Evidence, KnownStatus};
use crate::core::jose::AlgorithmPolicy;
use crate::core::jwe::{self, EncryptionKey, JweError};
use crate::core::keys::SigningKey;
use crate::core::openid4vci::ProtocolError;
use crate::core::openid4vp::{
    self, AuthorizationRequest, DID_PREFIX, DIRECT_POST, DIRECT_POST_JWT, REDIRECT_URI_PREFIX, RESPONSE_TYPE,
    STATIC_AUDIENCE, X509_HASH_PREFIX,
};
use crate::core::report::{ProvenSkill, Report};
use crate::core::sd_jwt_vc::KeyBindingPolicy;
use crate::core::vacancy::VacancyProfile;
use crate::core::verify::{Checked, PolicyOutcome, Problem, Verification};
use crate::store::StoreError;
use crate::store::esco::LazyEsco;
use crate::store::expiring::Expiring;
use crate::system::random_b64url;
use zeroize::Zeroizing;

/// How long a presentation request stays open.
pub const REQUEST_TTL: Duration = Duration::minutes(10);
/// How long a request and its result are kept after it was made.
pub const RESULT_RETENTION: Duration = Duration::hours(24);
/// Most stored requests (creating them needs the admin token; this bounds storage all the same).
const MAX_STORED_REQUESTS: usize = 100_000;
/// The fragment of the verifier's key in its did:web document.
pub const VERIFIER_KEY_FRAGMENT: &str = "verifier-key";

/// Which client identifier prefix a request uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
pub enum ClientIdPrefix {
    /// Unsigned, parameters in the URI.
    #[default]
    RedirectUri,
    /// Signed request object by reference.
    DecentralizedIdentifier,
    /// Signed request object by reference, the verifier's certificate chain in `x5c`, the client id the SHA-256 of
    /// its certificate (HAIP).
    X509Hash,
}

impl ClientIdPrefix {
    /// Whether requests of this prefix are request objects the verifier signs.
    #[must_use]
    pub fn signs(self) -> bool {
        !matches!(self, Self::RedirectUri)
    }
}

/// What the employer asks for.
#[derive(Debug, Clone, Default)]
pub struct NewRequest {
    /// A DCQL query, or
    pub dcql_query: Option<Value>,
    /// ESCO skill URIs, turned into DCQL.
    pub skills: Vec<String>,
    /// A vacancy profile (checked), turned into DCQL; the result then carries the employer's gap report.
    pub profile: Option<(VacancyProfile, Arc<Esco>)>,
    /// The client identifier prefix.
    pub prefix: ClientIdPrefix,
    /// Where the wallet sends the person's browser afterwards (`#response_code=` is appended).
    pub redirect_uri: Option<String>,
    /// The name wallets show.
    pub client_name: Option<String>,
    /// `direct_post.jwt`: the wallet encrypts its answer to a key made for this request (HAIP).
    pub encrypted: bool,
    /// `request_uri_method=post` (signed requests): the wallet POSTs for the request object with a nonce of its own.
    pub request_uri_post: bool,
}

/// A created request.
#[derive(Debug, Clone, Serialize)]
pub struct CreatedRequest {
    /// Its id.
    pub id: String,
    /// The `openid4vp://` URI for the wallet (also as a QR code).
    pub authorization_request_uri: String,
    /// The request object's URL (signed requests).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_uri: Option<String>,
    /// The client identifier, prefix included.
    pub client_id: String,
    /// RFC 3339.
    pub expires_at: String,
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    /// Waiting for the wallet.
    Pending,
    /// The wallet fetched the request object.
    RequestFetched,
    /// Answered and every required part verified.
    Verified,
    /// Answered, but the answer did not satisfy the request.
    Failed,
    /// The wallet answered with an error (`access_denied`, …).
    Declined,
}

/// A request as stored.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
struct Session {
    v: u32,
    request: AuthorizationRequest,
    prefix: ClientIdPrefix,
    /// Unix seconds after which the request takes no answer.
    open_until: i64,
    status: RequestStatus,
    redirect_uri: Option<String>,
    /// SHA-256 of the response code handed to the wallet, base64url.
    response_code: Option<String>,
    result: Option<Value>,
    uri: String,
    /// The vacancy profile the request was made from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    profile: Option<VacancyProfile>,
}

impl Session {
    fn is_open(&self, now: DateTime<Utc>) -> bool {
        self.open_until > now.timestamp()
            && matches!(self.status, RequestStatus::Pending | RequestStatus::RequestFetched)
    }
}

/// An error of the response endpoint with its HTTP status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseError {
    /// 400 or 404.
    pub status: u16,
    /// The OAuth error.
    pub error: ProtocolError,
}

fn invalid(status: u16, description: impl Into<String>) -> ResponseError {
    ResponseError { status, error: ProtocolError::new("invalid_request", description) }
}

/// Why the desk could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    /// The public URL cannot be a did:web.
    #[error(transparent)]
    Did(#[from] crate::core::did::DidError),
    /// The requests tree could not be opened.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The verifier's certificate chain does not fit it.
    #[error("certificate: {0}")]
    Certificate(String),
}

/// The verifier's presentation requests.
pub struct PresentationDesk {
    key: SigningKey,
    did: Did,
    public_url: String,
    sessions: Expiring<Session>,
    /// The secret each request's response encryption key is derived from (`protocol-key`; nodes share it).
    response_secret: Zeroizing<[u8; 32]>,
    /// The verifier's certificate, for `x509_hash:` requests.
    certificate: Option<VerifierCertificate>,
}

/// The verifier's X.509 identity: its chain as `x5c` and the `x509_hash` of its leaf.
#[derive(Debug, Clone)]
struct VerifierCertificate {
    x5c: Value,
    leaf_hash: String,
}

impl std::fmt::Debug for PresentationDesk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PresentationDesk").field("did", &self.did).finish_non_exhaustive()
    }
}

impl PresentationDesk {
    /// A desk signing requests with `key`, published as the did:web of `public_url`, its requests in `db`; the
    /// encryption key of each `direct_post.jwt` request is derived from `response_secret` and the request's id, so
    /// no private key is ever stored.
    ///
    /// # Errors
    /// [`DeskError`] when the URL cannot be a did:web or the tree cannot be opened.
    pub fn open(
        key: SigningKey,
        public_url: &str,
        db: &crate::store::Database,
        response_secret: Zeroizing<[u8; 32]>,
    ) -> Result<Self, DeskError> {
        let public_url = public_url.trim_end_matches('/').to_owned();
        let did = Did::web_from_url(&public_url)?;
        Ok(Self {
            key,
            did,
            public_url,
            sessions: Expiring::open(db, "verifier.requests")?,
            response_secret,
            certificate: None,
        })
    }

    /// Identifies the verifier by an X.509 certificate too (`x509_hash:` requests; HAIP): `chain` is DER, leaf
    /// first, without the root, and its leaf must certify the request-signing key.
    ///
    /// # Errors
    /// [`DeskError::Certificate`] when the leaf does not parse or holds another key.
    pub fn with_x509_chain(mut self, chain: &[Vec<u8>]) -> Result<Self, DeskError> {
        let leaf = chain.first().ok_or_else(|| DeskError::Certificate("the chain is empty".into()))?;
        let key = crate::core::x509::certificate_key(leaf).map_err(|e| DeskError::Certificate(e.to_string()))?;
        if key != self.key.verifying_key() {
            return Err(DeskError::Certificate(
                "the certificate's key is not the verifier's signing key (make it for verifier-key.jwk)".into(),
            ));
        }
        let leaf_hash = b64url(<sha2::Sha256 as sha2::Digest>::digest(leaf));
        self.certificate = Some(VerifierCertificate { x5c: crate::core::x509::encode_x5c(chain), leaf_hash });
        Ok(self)
    }

    /// The response encryption key of request `id`: a P-256 scalar from HMAC-SHA256 of the secret over the id (with
    /// a counter in the improbable case, about 2^-32, that the bytes are not a scalar).
    fn encryption_key(&self, id: &str) -> Result<EncryptionKey, JweError> {
        let kid = format!("response-{id}");
        let mut last = Err(JweError::Key("no scalar".into()));
        for counter in 0u8..4 {
            let message = format!("skillspass direct_post.jwt key\0{id}\0{counter}");
            let scalar = Zeroizing::new(hmac_sha256(self.response_secret.as_slice(), message.as_bytes()));
            last = EncryptionKey::from_scalar(&kid, &scalar);
            if last.is_ok() {
                break;
            }
        }
        last
    }

    /// Removes requests past their retention; returns how many.
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn purge(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        self.sessions.purge(now)
    }

    fn session(&self, id: &str, now: DateTime<Utc>) -> Option<Session> {
        self.sessions.get(id.as_bytes(), now).ok().flatten()
    }

    /// The verifier's DID.
    #[must_use]
    pub fn did(&self) -> &Did {
        &self.did
    }

    /// The public base URL.
    #[must_use]
    pub fn public_url(&self) -> &str {
        &self.public_url
    }

    /// The `openid4vp://` URI of an open request.
    #[must_use]
    pub fn invocation_uri(&self, id: &str, now: DateTime<Utc>) -> Option<String> {
        let session = self.session(id, now)?;
        session.is_open(now).then_some(session.uri)
    }

    /// The key id request objects are signed under.
    #[must_use]
    pub fn kid(&self) -> String {
        format!("{}#{VERIFIER_KEY_FRAGMENT}", self.did)
    }

    /// The request-signing public key.
    #[must_use]
    pub fn verifying_key(&self) -> crate::core::keys::VerifyingKey {
        self.key.verifying_key()
    }

    /// The verification method to publish in the did:web document (under `authentication`).
    #[must_use]
    pub fn verification_method(&self) -> VerificationMethod {
        VerificationMethod {
            id: self.kid(),
            kind: "JsonWebKey".into(),
            controller: self.did.to_string(),
            public_key_jwk: Some(self.key.verifying_key().to_jwk().to_value()),
            public_key_multibase: None,
            public_key_base58: None,
        }
    }

    /// Creates a request with a fresh nonce and state.
    ///
    /// # Errors
    /// [`ProtocolError`] `invalid_request` for an invalid query, no query, or too many open requests.
    pub fn create(&self, new: NewRequest, now: DateTime<Utc>) -> Result<CreatedRequest, ProtocolError> {
        let query = match (new.dcql_query, new.skills.is_empty(), &new.profile) {
            (Some(query), true, None) => query,
            (None, false, None) => openid4vp::dcql_for_skills(&new.skills),
            (None, true, Some((profile, esco))) => openid4vp::dcql_for_profile(profile, esco),
            _ => return Err(ProtocolError::new("invalid_request", "give one of dcql_query, skills or profile")),
        };
        if let Some(skill) = new.skills.iter().find(|s| crate::core::credential::EscoSkill::parse(s).is_none()) {
            return Err(ProtocolError::new("invalid_request", format!("{skill:?} is not an ESCO skill URI")));
        }
        DcqlQuery::parse(&query).map_err(|e| ProtocolError::new("invalid_request", e.to_string()))?;
        if let Some(redirect) = &new.redirect_uri {
            check_redirect_uri(redirect)?;
        }
        let id = random_b64url(16);
        let response_uri = format!("{}/verifier/requests/{id}/response", self.public_url);
        let client_id = self.client_id(new.prefix, &response_uri)?;
        let mut client_metadata = self.client_metadata(&id, new.client_name, new.encrypted)?;
        if new.prefix == ClientIdPrefix::X509Hash {
            client_metadata.extend(self.it_wallet_metadata(&id));
        }
        let expires = now + REQUEST_TTL;
        let mut other = Map::new();
        if new.prefix.signs() {
            other.insert("aud".into(), json!(STATIC_AUDIENCE));
            other.insert("iat".into(), json!(now.timestamp()));
            other.insert("exp".into(), json!(expires.timestamp()));
        }
        let request = AuthorizationRequest {
            client_id: client_id.clone(),
            response_type: RESPONSE_TYPE.into(),
            response_mode: if new.encrypted { DIRECT_POST_JWT } else { DIRECT_POST }.into(),
            response_uri,
            nonce: random_b64url(32),
            state: Some(random_b64url(32)),
            dcql_query: query,
            client_metadata: Some(Value::Object(client_metadata)),
            other,
        };
        let (uri, request_uri) = match new.prefix {
            ClientIdPrefix::RedirectUri => (openid4vp::uri_by_value(&request), None),
            ClientIdPrefix::DecentralizedIdentifier | ClientIdPrefix::X509Hash => {
                let request_uri = format!("{}/verifier/requests/{id}/request", self.public_url);
                (openid4vp::uri_by_reference(&client_id, &request_uri, new.request_uri_post), Some(request_uri))
            }
        };
        let full = self
            .sessions
            .holds_at_least(MAX_STORED_REQUESTS)
            .map_err(|e| ProtocolError::new("server_error", e.to_string()))?;
        if full && self.purge(now).unwrap_or(0) == 0 {
            return Err(ProtocolError::new("invalid_request", "too many stored requests; try again later"));
        }
        let session = Session {
            v: 1,
            request,
            prefix: new.prefix,
            open_until: expires.timestamp(),
            status: RequestStatus::Pending,
            redirect_uri: new.redirect_uri,
            response_code: None,
            result: None,
            uri: uri.clone(),
            profile: new.profile.map(|(profile, _)| profile),
        };
        self.sessions
            .insert(id.as_bytes(), &session, now + RESULT_RETENTION)
            .map_err(|e| ProtocolError::new("server_error", e.to_string()))?;
        Ok(CreatedRequest {
            id,
            authorization_request_uri: uri,
            request_uri,
            client_id,
            expires_at: crate::core::vc_jose::rfc3339(expires),
        })
    }

    /// The client identifier of a request under `prefix` (section 5.9).
    fn client_id(&self, prefix: ClientIdPrefix, response_uri: &str) -> Result<String, ProtocolError> {
        match (prefix, &self.certificate) {
            (ClientIdPrefix::RedirectUri, _) => Ok(format!("{REDIRECT_URI_PREFIX}{response_uri}")),
            (ClientIdPrefix::DecentralizedIdentifier, _) => Ok(format!("{DID_PREFIX}{}", self.did)),
            (ClientIdPrefix::X509Hash, Some(certificate)) => Ok(format!("{X509_HASH_PREFIX}{}", certificate.leaf_hash)),
            (ClientIdPrefix::X509Hash, None) => Err(ProtocolError::new(
                "invalid_request",
                "x509_hash requests need the verifier's certificate (serve --verifier-x509-chain)",
            )),
        }
    }

    /// The `client_metadata` of request `id`: the name wallets show, the algorithms we verify, and for
    /// `direct_post.jwt` the request's encryption key with both GCM encryptions.
    fn client_metadata(
        &self,
        id: &str,
        name: Option<String>,
        encrypted: bool,
    ) -> Result<Map<String, Value>, ProtocolError> {
        let mut metadata = Map::new();
        metadata.insert("client_name".into(), json!(name.unwrap_or_else(|| "skillspass verifier".into())));
        metadata.insert(
            "vp_formats_supported".into(),
            json!({Format::SdJwtVc.name(): {
                "sd-jwt_alg_values": AlgorithmPolicy::ACCEPTED, "kb-jwt_alg_values": AlgorithmPolicy::ACCEPTED}}),
        );
        if encrypted {
            let key = self.encryption_key(id).map_err(|e| ProtocolError::new("server_error", e.to_string()))?;
            metadata.insert("jwks".into(), json!({"keys": [key.public_jwk()]}));
            metadata.insert("encrypted_response_enc_values_supported".into(), json!(jwe::ENC_VALUES));
        }
        Ok(metadata)
    }

    /// For `x509_hash:` requests, beside what `OpenID4VP` defines: the members the Italian profile of the EUDI
    /// wallet (IT-Wallet 1.3) reads as the relying party's metadata (the verifier's https identifier, its logo,
    /// this request's URIs). Other wallets ignore them; requests by value (in a QR code) stay without them.
    fn it_wallet_metadata(&self, id: &str) -> Map<String, Value> {
        let base = &self.public_url;
        let mut metadata = Map::new();
        metadata.insert("application_type".into(), json!("web"));
        metadata.insert("client_id".into(), json!(base));
        metadata.insert("logo_uri".into(), json!(format!("{base}/assets/logo.svg")));
        metadata.insert("request_uris".into(), json!([format!("{base}/verifier/requests/{id}/request")]));
        metadata.insert("response_uris".into(), json!([format!("{base}/verifier/requests/{id}/response")]));
        metadata
    }

    /// The signed request object of a `decentralized_identifier:` or `x509_hash:` request (the latter naming the
    /// client as `iss`); with the `wallet_nonce` a wallet posted (`request_uri_method=post`, section 5.10) in it.
    ///
    /// # Errors
    /// `None` for unknown, expired, answered or unsigned requests.
    #[must_use]
    pub fn request_object(&self, id: &str, wallet_nonce: Option<&str>, now: DateTime<Utc>) -> Option<String> {
        let fetched = self
            .sessions
            .update(id.as_bytes(), now, |session| {
                if !session.prefix.signs() || !session.is_open(now) {
                    return (None, false);
                }
                session.status = RequestStatus::RequestFetched;
                (Some((session.request.clone(), session.prefix)), true)
            })
            .ok()??;
        let (mut request, prefix) = fetched?;
        if let Some(nonce) = wallet_nonce {
            request.other.insert("wallet_nonce".into(), Value::String(nonce.to_owned()));
        }
        match (prefix, &self.certificate) {
            (ClientIdPrefix::X509Hash, Some(certificate)) => {
                // The Italian profile of the EUDI wallet (IT-Wallet 1.3) requires `iss` (the client, RFC 9101
                // section 5) and a `kid` beside `x5c` (the key's RFC 7638 thumbprint). A DID client's request
                // carries no `iss`: wallets read one as the DID its `kid` must start with, which the prefixed client
                // id is not (the OWF library refuses it).
                request.other.insert("iss".into(), Value::String(request.client_id.clone()));
                let kid = self.key.verifying_key().thumbprint();
                openid4vp::sign_request_as(&request, &self.key, Some(&kid), Some(&certificate.x5c)).ok()
            }
            (ClientIdPrefix::X509Hash, None) => None,
            _ => openid4vp::sign_request(&request, &self.key, &self.kid()).ok(),
        }
    }

    /// The status of a request, and its result when `admin` or when `response_code` is the one handed to the
    /// wallet (compared in constant time).
    #[must_use]
    pub fn status(&self, id: &str, response_code: Option<&str>, admin: bool, now: DateTime<Utc>) -> Option<Value> {
        let session = self.session(id, now)?;
        let code_ok = match (response_code, &session.response_code) {
            (Some(given), Some(expected)) => bool::from(b64url(sha256(given)).as_bytes().ct_eq(expected.as_bytes())),
            _ => false,
        };
        let mut answer = json!({"id": id, "status": session.status, "client_id": session.request.client_id});
        if admin || code_ok {
            answer["dcql_query"] = session.request.dcql_query.clone();
            if let Some(result) = &session.result {
                answer["result"] = result.clone();
            }
        }
        Some(answer)
    }

    /// The response endpoint (`direct_post`, or `direct_post.jwt`: the `response` JWE is decrypted first): checks the
    /// form and closes the request.
    ///
    /// # Errors
    /// [`ResponseError`]: unknown or closed request, wrong `state`, malformed `vp_token`, an encrypted response that
    /// is not for this request's key or an unencrypted one where encryption was asked.
    pub async fn respond(
        &self,
        verifier: &Verifier,
        id: &str,
        form: &HashMap<String, String>,
        esco: &LazyEsco,
        now: DateTime<Utc>,
    ) -> Result<Value, ResponseError> {
        let decrypted;
        let form = match self.session(id, now) {
            Some(session) if session.request.response_mode == DIRECT_POST_JWT => {
                decrypted = self.decrypt_response(id, form)?;
                &decrypted
            }
            Some(_) if form.contains_key("response") => {
                return Err(invalid(400, "this request asked for a direct_post response, not an encrypted one"));
            }
            _ => form,
        };
        let (request, query, profile) = self.open_session(id, form.get("state").map(String::as_str), now)?;
        let outcome = if let Some(error) = form.get("error") {
            let description = form.get("error_description").cloned().unwrap_or_default();
            Outcome {
                status: RequestStatus::Declined,
                result: json!({"error": error, "error_description": description}),
            }
        } else {
            let token = form.get("vp_token").ok_or_else(|| invalid(400, "vp_token is missing"))?;
            match openid4vp::parse_vp_token(token) {
                Ok(token) => {
                    let (mut outcome, evidence) = check_vp_token(verifier, &request, &query, &token, now).await;
                    if let Some(profile) = &profile {
                        outcome.result["gap"] = employer_gap(profile, &evidence, esco, now);
                    }
                    outcome
                }
                Err(e) => Outcome {
                    status: RequestStatus::Failed,
                    result: json!({"verified": false, "error": e.description}),
                },
            }
        };
        let code = random_b64url(32);
        let digest = b64url(sha256(&code));
        let Outcome { status, result } = outcome;
        let redirect = self
            .sessions
            .update(id.as_bytes(), now, |session| {
                session.status = status;
                session.result = Some(result.clone());
                session.response_code = Some(digest.clone());
                (session.redirect_uri.clone(), true)
            })
            .map_err(|e| ResponseError { status: 500, error: ProtocolError::new("server_error", e.to_string()) })?
            .ok_or_else(|| invalid(404, "unknown request"))?;
        Ok(match redirect {
            Some(redirect) => json!({"redirect_uri": format!("{redirect}#response_code={code}")}),
            None => json!({}),
        })
    }

    /// The parameters of an encrypted response (`OpenID4VP` section 8.3.1): the `response` JWE decrypted with this
    /// request's key, JSON members as form values (`vp_token` as its JSON text). An error (`access_denied`) may come
    /// unencrypted; a `vp_token` may not.
    fn decrypt_response(
        &self,
        id: &str,
        form: &HashMap<String, String>,
    ) -> Result<HashMap<String, String>, ResponseError> {
        let Some(token) = form.get("response") else {
            if form.contains_key("error") && !form.contains_key("vp_token") {
                return Ok(form.clone());
            }
            return Err(invalid(
                400,
                "this request asked for an encrypted response (direct_post.jwt): response is missing",
            ));
        };
        let key = self
            .encryption_key(id)
            .map_err(|e| ResponseError { status: 500, error: ProtocolError::new("server_error", e.to_string()) })?;
        let members = key.decrypt(token, &jwe::ENC_VALUES).map_err(|e| invalid(400, e.to_string()))?;
        Ok(openid4vp::form_values(members).into_iter().collect())
    }

    /// Checks the session and closes it to further answers before verification starts, atomically (so a replayed
    /// response racing the first one, or arriving after a restart, finds it closed).
    fn open_session(
        &self,
        id: &str,
        state: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(AuthorizationRequest, DcqlQuery, Option<VacancyProfile>), ResponseError> {
        let opened = self
            .sessions
            .update(id.as_bytes(), now, |session| {
                if !matches!(session.status, RequestStatus::Pending | RequestStatus::RequestFetched) {
                    return (Err(invalid(400, "this request was already answered: a replayed response")), false);
                }
                if session.open_until <= now.timestamp() {
                    return (Err(invalid(400, "this request has expired")), false);
                }
                let expected = session.request.state.as_deref().unwrap_or_default();
                if !state.is_some_and(|s| bool::from(s.as_bytes().ct_eq(expected.as_bytes()))) {
                    return (Err(invalid(400, "state does not match this request")), false);
                }
                session.status = RequestStatus::Failed;
                (Ok((session.request.clone(), session.profile.clone())), true)
            })
            .map_err(|e| ResponseError { status: 500, error: ProtocolError::new("server_error", e.to_string()) })?
            .ok_or_else(|| invalid(404, "no such presentation request"))??;
        let (opened, profile) = opened;
        let query = DcqlQuery::parse(&opened.dcql_query)
            .map_err(|e| ResponseError { status: 500, error: ProtocolError::new("server_error", e.to_string()) })?;
        Ok((opened, query, profile))
    }
}

struct Outcome {
    status: RequestStatus,
    result: Value,
}

fn check_redirect_uri(url: &str) -> Result<(), ProtocolError> {
    let parsed =
        url::Url::parse(url).map_err(|_| ProtocolError::new("invalid_request", format!("{url:?} is not a URL")))?;
    if matches!(parsed.scheme(), "https" | "http") && parsed.fragment().is_none() {
        Ok(())
    } else {
        Err(ProtocolError::new("invalid_request", "redirect_uri must be an http(s) URL without fragment"))
    }
}

/// Section 8.6: every presentation verified with Key Binding to this request, its claims answering its query;
/// a failed presentation is discarded; the answered queries must satisfy the query.
async fn check_vp_token(
    verifier: &Verifier,
    request: &AuthorizationRequest,
    query: &DcqlQuery,
    token: &BTreeMap<String, Vec<String>>,
    now: DateTime<Utc>,
) -> (Outcome, Vec<Evidence>) {
    let mut evidence = Vec::new();
    let mut answered = HashSet::new();
    let mut reports = Map::new();
    let mut skills: Vec<ProvenSkill> = Vec::new();
    let mut problems = Vec::new();
    for (id, presentations) in token {
        let Some(credential_query) = query.credentials.iter().find(|q| q.id == *id) else {
            problems.push(format!("{id} is not a credential query of this request"));
            continue;
        };
        if presentations.len() > 1 && !credential_query.multiple {
            problems.push(format!("{id}: several presentations, but multiple is false"));
            continue;
        }
        let mut all_ok = true;
        let mut these = Vec::new();
        for presentation in presentations {
            let verification = verify_one(verifier, request, credential_query, presentation, now).await;
            if let (true, Some(credential)) = (verification.is_verified(), verification.value()) {
                let status = KnownStatus::after_verification(&credential.status, verification.record().warnings(), now);
                evidence.extend(gap::evidence_of(credential, status));
            }
            let report = Report::into_credential(verification);
            all_ok &= report.verified;
            if report.verified {
                skills.extend(report.skills.iter().cloned());
            }
            these.push(serde_json::to_value(&report).unwrap_or(Value::Null));
        }
        if all_ok {
            answered.insert(id.clone());
        }
        reports.insert(id.clone(), Value::Array(these));
    }
    // A presentation that does not verify (a revoked credential, a wrong holder) fails the answer, even when the
    // query would be satisfied without it: the holder offered it as proof.
    let all_verified = reports.values().flat_map(|r| r.as_array().into_iter().flatten()).all(|r| r["verified"] == true);
    if !all_verified {
        problems.push("a presented credential did not verify (see its report)".into());
    }
    let satisfied = query.satisfied_by(&answered) && all_verified;
    if !query.satisfied_by(&answered) {
        problems.push("the verified presentations do not satisfy the query".into());
    }
    let result = json!({
        "verified": satisfied,
        "proven_skills": skills,
        "presentations": reports,
        "problems": problems,
    });
    (Outcome { status: if satisfied { RequestStatus::Verified } else { RequestStatus::Failed }, result }, evidence)
}

/// The employer's gap report: the profile against what the presentation disclosed and verified, nothing else.
fn employer_gap(profile: &VacancyProfile, evidence: &[Evidence], esco: &LazyEsco, now: DateTime<Utc>) -> Value {
    match esco.get() {
        Ok(esco) => {
            serde_json::to_value(gap::compute(profile, evidence, &esco, DEFAULT_LANG, now)).unwrap_or(Value::Null)
        }
        Err(e) => json!({"error": format!("ESCO could not be loaded: {e}")}),
    }
}

async fn verify_one(
    verifier: &Verifier,
    request: &AuthorizationRequest,
    credential_query: &crate::core::dcql::CredentialQuery,
    presentation: &str,
    now: DateTime<Utc>,
) -> Verification<Credential> {
    if credential_query.wanted_format() != Some(Format::SdJwtVc) {
        let mut checked = Checked::new(Format::SdJwtKb, presentation);
        let detail = format!("format {} is not supported by this verifier", credential_query.format);
        checked.record.fail("format", Problem::new("format", "Presentation refused", Some(detail)));
        return Verification::conclude(checked, PolicyOutcome::default());
    }
    let policy = KeyBindingPolicy {
        required: credential_query.require_cryptographic_holder_binding,
        aud: &request.client_id,
        nonce: &request.nonce,
    };
    let mut verification = verifier.verify_bound(presentation, now, Some(policy)).await;
    if verification.is_verified() {
        let answers = verification.value().is_some_and(|credential| {
            let types = credential.types.iter().map(String::as_str).collect();
            let candidate = Candidate { format: Format::SdJwtVc, types, claims: &credential.claims };
            credential_query.matches(&candidate).is_some()
        });
        if answers {
            verification.confirm("query", Some(format!("answers credential query {}", credential_query.id)));
        } else {
            let detail = format!("the disclosed claims do not answer credential query {}", credential_query.id);
            verification.refuse("query", Problem::new("query", "Presentation refused", Some(detail)));
        }
    }
    verification
}
