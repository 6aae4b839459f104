//! Answering a presentation request (`OpenID4VP` 1.0, `direct_post`): read the request (by value, or a signed
//! `oauth-authz-req+jwt` request object verified with a key of the client's DID), check it, show who asks and for
//! what, match the DCQL query against the wallet's SD-JWT VCs (credential sets, claim sets, `multiple`), and after
//! the person's consent post a `vp_token` holding, per credential query, SD-JWT+KB presentations that disclose only
//! the selected claims, bound to the request's nonce and the full client id. An unsatisfiable query or a refusal
//! is answered with `access_denied`. Under `direct_post.jwt` (HAIP) the answer is encrypted to the P-256 key the
//! verifier put in `client_metadata` (ECDH-ES, `A256GCM` when offered) and posted as one `response` parameter.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::WalletError;
use super::agent::{Agent, MAX_DOCUMENT_BYTES, answer_error};
use super::copies::CopyOutlook;
use super::history::{self, SharedCredential, SharedOutcome};
use super::selective::Disclosable;
use crate::core::dcql::{Candidate, DcqlQuery};
use crate::core::did::{Did, Relationship};
use crate::core::format::Format;
use crate::core::jwe;
use crate::core::openid4vci::ProtocolError;
use crate::core::openid4vp::{self, AuthorizationRequest, Client, Invocation, RequestObject};
use crate::core::verify::CredentialVerifier;
use crate::core::x509::CertifiedKey;
use crate::net::PostBody;

/// A checked request and what the wallet would send.
#[derive(Debug, Clone)]
pub struct Request {
    /// The request.
    pub request: AuthorizationRequest,
    /// Who asks.
    pub client: Client,
    /// Its query.
    pub query: DcqlQuery,
    /// What would be presented, or `None` when the wallet cannot satisfy the query.
    pub plan: Option<Vec<Planned>>,
    /// For x509 clients: the certificate that signed the request, checked against the wallet's anchors.
    pub certificate: Option<CertifiedKey>,
}

/// One presentation the wallet would make.
#[derive(Debug, Clone)]
pub struct Planned {
    /// The credential query it answers.
    pub query_id: String,
    /// The credential.
    pub credential: Disclosable,
    /// The concrete claim paths to disclose.
    pub paths: Vec<Vec<Value>>,
    /// Whether this verifier gets a copy no other verifier has seen.
    pub copies: CopyOutlook,
}

impl Planned {
    /// What would be disclosed, for people: `skills.0.id = http://…` per claim path.
    #[must_use]
    pub fn described(&self) -> Vec<String> {
        self.paths.iter().map(|path| describe(&self.credential.claims, path)).collect()
    }
}

/// `skills.2.id = http://…` for a concrete path.
fn describe(claims: &Value, path: &[Value]) -> String {
    let mut at = claims;
    for step in path {
        at = match step {
            Value::String(key) => at.get(key).unwrap_or(&Value::Null),
            Value::Number(index) => {
                index.as_u64().and_then(|i| at.get(usize::try_from(i).ok()?)).unwrap_or(&Value::Null)
            }
            _ => &Value::Null,
        };
    }
    let name: Vec<String> = path.iter().map(|s| s.as_str().map_or_else(|| s.to_string(), str::to_owned)).collect();
    let value = match at {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    format!("{} = {}", name.join("."), value.chars().take(120).collect::<String>())
}

impl Request {
    /// Whether the holder may leave out the planned presentation at `index`: the query is still satisfied
    /// without it (it answers only an optional credential set, or another presentation answers the same query).
    #[must_use]
    pub fn optional(&self, index: usize) -> bool {
        self.satisfied_without(&[index])
    }

    fn satisfied_without(&self, left_out: &[usize]) -> bool {
        let Some(plan) = &self.plan else { return false };
        let answered: std::collections::HashSet<String> =
            plan.iter().enumerate().filter(|(i, _)| !left_out.contains(i)).map(|(_, p)| p.query_id.clone()).collect();
        self.query.satisfied_by(&answered)
    }

    /// Leaves out the planned presentations at `indexes` (the holder unticked them). Leaving out everything leaves
    /// nothing to send: the plan becomes `None`, and consenting then answers `access_denied`.
    ///
    /// # Errors
    /// [`WalletError::Presentation`] when the request would no longer be satisfied: a required item.
    pub fn leave_out(&mut self, indexes: &[usize]) -> Result<(), WalletError> {
        if indexes.is_empty() {
            return Ok(());
        }
        if !self.satisfied_without(indexes) {
            return Err(WalletError::Presentation("a required item cannot be left out; decline instead".into()));
        }
        if let Some(plan) = &mut self.plan {
            let mut index = 0;
            plan.retain(|_| {
                let keep = !indexes.contains(&index);
                index += 1;
                keep
            });
            if plan.is_empty() {
                self.plan = None;
            }
        }
        Ok(())
    }

    /// What the plan shares, per credential, for the history.
    fn shared(&self) -> Vec<SharedCredential> {
        self.plan
            .iter()
            .flatten()
            .map(|p| SharedCredential {
                id: p.credential.id.clone(),
                name: p.credential.name.clone(),
                issuer: p.credential.issuer.clone(),
                disclosed: p.described(),
            })
            .collect()
    }

    /// The name the verifier gives itself (`client_metadata.client_name`), as it states it.
    #[must_use]
    pub fn client_name(&self) -> Option<&str> {
        self.request.client_metadata.as_ref().and_then(|m| m.get("client_name")).and_then(Value::as_str)
    }

    /// Who the verifier is across its requests, for choosing which copy of a credential it gets: its DID, its
    /// certificate's subject (or its DNS name), or for an unsigned request the origin of its response URI (each
    /// request of a `redirect_uri:` client has a client id of its own).
    #[must_use]
    pub fn verifier(&self) -> String {
        match (&self.client, &self.certificate) {
            (Client::Did(did), _) => did.clone(),
            (Client::X509SanDns(name), _) => format!("dns:{name}"),
            (_, Some(certificate)) => format!("x509:{}", certificate.subject),
            (Client::RedirectUri(uri) | Client::X509Hash(uri), None) => {
                url::Url::parse(uri).map_or_else(|_| uri.clone(), |u| u.origin().ascii_serialization())
            }
        }
    }

    /// Who the request identifies: the verified DID, the subject of the verified certificate, or the response URI
    /// of an unsigned request.
    #[must_use]
    pub fn client_identity(&self) -> String {
        match (&self.client, &self.certificate) {
            (Client::Did(did), _) => did.clone(),
            (_, Some(certificate)) => certificate.subject.clone(),
            (Client::RedirectUri(uri) | Client::X509Hash(uri) | Client::X509SanDns(uri), None) => uri.clone(),
        }
    }

    /// Who asks, for people: the verified DID, or the (unverified) response URI, and the self-asserted name.
    #[must_use]
    pub fn verifier_label(&self) -> String {
        let name = self.request.client_metadata.as_ref().and_then(|m| m.get("client_name")).and_then(Value::as_str);
        let name = name.map(|n| format!("\"{n}\" (name as the verifier states it), ")).unwrap_or_default();
        match (&self.client, &self.certificate) {
            (Client::Did(did), _) => format!("{name}identified by {did} (signature verified)"),
            (_, Some(certificate)) => format!(
                "{name}identified by the certificate of {} (issued under {}; signature verified)",
                certificate.subject, certificate.anchor
            ),
            (Client::RedirectUri(uri) | Client::X509Hash(uri) | Client::X509SanDns(uri), None) => {
                format!("{name}answering to {uri} (unsigned request)")
            }
        }
    }
}

/// The holder's decision on a presentation request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Send what the wallet showed.
    Consent,
    /// Refuse: the verifier gets `access_denied`.
    Decline,
}

/// What answering a request did.
#[derive(Debug, Clone)]
pub enum Answered {
    /// The presentations were sent.
    Sent(Responded),
    /// The holder declined; `access_denied` was sent.
    Declined,
    /// Nothing in the wallet satisfies the query; `access_denied` was sent.
    NothingMatched,
}

/// What the verifier answered.
#[derive(Debug, Clone)]
pub struct Responded {
    /// Where the verifier asks the person's browser to go next (with the response code).
    pub redirect_uri: Option<String>,
    /// What was disclosed, per presentation.
    pub disclosed: Vec<(String, Vec<String>)>,
    /// The `vp_token` as sent.
    pub vp_token: String,
}

impl<V: CredentialVerifier> Agent<'_, V> {
    /// Reads and checks a request and matches it against the wallet; a verifier's certificate is checked as of
    /// `now`.
    ///
    /// # Errors
    /// [`WalletError`]: a request object with the wrong `typ` or signer, a malformed request.
    pub async fn read_request(&self, uri: &str, now: DateTime<Utc>) -> Result<Request, WalletError> {
        let request = match openid4vp::parse_invocation(uri)? {
            Invocation::ByValue(request) => {
                if !matches!(Client::parse(&request.client_id)?, Client::RedirectUri(_)) {
                    return Err(ProtocolError::new(
                        "invalid_request",
                        "decentralized_identifier: and x509 clients must sign their requests",
                    )
                    .into());
                }
                (*request, None)
            }
            Invocation::ByReference { client_id, request_uri, post } => {
                self.fetch_request_object(&client_id, &request_uri, post, now).await?
            }
        };
        let (request, certificate) = request;
        let (client, query) = request.check()?;
        let mut asked = Request { request, client, query, plan: None, certificate };
        asked.plan = self.plan(&asked.query, &asked.verifier())?;
        Ok(asked)
    }

    async fn fetch_request_object(
        &self,
        client_id: &str,
        request_uri: &str,
        post: bool,
        now: DateTime<Utc>,
    ) -> Result<(AuthorizationRequest, Option<CertifiedKey>), WalletError> {
        let client = Client::parse(client_id)?;
        if matches!(client, Client::RedirectUri(_)) {
            return Err(ProtocolError::new(
                "invalid_request",
                "a redirect_uri: client cannot sign; its request comes by value",
            )
            .into());
        }
        let wallet_nonce = post.then(|| crate::system::random_b64url(16));
        let body = match &wallet_nonce {
            None => self.fetcher.get(request_uri, "application/oauth-authz-req+jwt", MAX_DOCUMENT_BYTES).await?.body,
            Some(nonce) => {
                let metadata = wallet_metadata().to_string();
                let form = [("wallet_nonce", nonce.as_str()), ("wallet_metadata", metadata.as_str())];
                let answer = self.fetcher.post(request_uri, PostBody::Form(&form), None, MAX_DOCUMENT_BYTES).await?;
                if !answer.is_success() {
                    return Err(answer_error(&answer, "invalid_request_object").into());
                }
                answer.body
            }
        };
        let text = String::from_utf8(body)
            .map_err(|_| ProtocolError::new("invalid_request_object", "the request object is not UTF-8"))?;
        let object = RequestObject::parse(&text, client_id)?;
        let (key, certificate) = if let Client::Did(did) = &client {
            (self.client_did_key(did, object.kid().unwrap_or_default()).await?, None)
        } else {
            let anchors = self.verifier.x509_anchors();
            let certified = object.certified_client(&client, anchors, now)?;
            (certified.key, Some(certified))
        };
        let request = object.verify(&key)?;
        if let Some(nonce) = wallet_nonce {
            if request.other.get("wallet_nonce").and_then(Value::as_str) != Some(nonce.as_str()) {
                return Err(ProtocolError::new(
                    "invalid_request_object",
                    "the request object does not repeat our wallet_nonce",
                )
                .into());
            }
        }
        Ok((request, certificate))
    }

    /// The key of a `decentralized_identifier:` client's request object: `kid` among its DID's `authentication`
    /// methods (did:web resolved through the guarded fetcher).
    async fn client_did_key(&self, did: &str, kid: &str) -> Result<crate::core::keys::VerifyingKey, WalletError> {
        let did = Did::parse(did).map_err(|e| ProtocolError::new("invalid_request_object", e.to_string()))?;
        let document =
            self.verifier.resolve_did(&did).await.map_err(|e| ProtocolError::new("invalid_request_object", e))?;
        Ok(document
            .key_for(did.as_str(), kid, Relationship::Authentication)
            .map_err(|e| ProtocolError::new("invalid_request_object", format!("kid {kid:?}: {e}")))?)
    }

    fn plan(&self, query: &DcqlQuery, verifier: &str) -> Result<Option<Vec<Planned>>, WalletError> {
        // Only the SD-JWT VCs some query could match are decrypted and revealed.
        let mut vcts: Vec<&str> = Vec::new();
        let mut any_vct = false;
        for credential_query in query.credentials.iter().filter(|q| q.wanted_format() == Some(Format::SdJwtVc)) {
            match credential_query.meta.get("vct_values").and_then(Value::as_array) {
                Some(values) => vcts.extend(values.iter().filter_map(Value::as_str)),
                None => any_vct = true,
            }
        }
        let filter = (!any_vct).then_some(vcts.as_slice());
        let credentials = self.wallet.disclosable_credentials(filter)?;
        let candidates: Vec<Candidate<'_>> = credentials
            .iter()
            .map(|c| Candidate { format: Format::SdJwtVc, types: vec![c.vct.as_str()], claims: &c.claims })
            .collect();
        let Some(selection) = query.select(&candidates) else { return Ok(None) };
        let mut plan = Vec::new();
        for (query_id, hits) in selection {
            for (index, paths) in hits {
                let credential = credentials[index].clone();
                let copies = self.wallet.copy_outlook(&credential.id, verifier)?;
                plan.push(Planned { query_id: query_id.clone(), credential, paths, copies });
            }
        }
        Ok(Some(plan))
    }

    /// Sends the presentations of the plan.
    ///
    /// # Errors
    /// [`WalletError`] when the plan is empty (answer with [`Agent::decline`]), or the verifier refuses.
    pub async fn present(&self, request: &Request, now: DateTime<Utc>) -> Result<Responded, WalletError> {
        let plan = request
            .plan
            .as_ref()
            .ok_or_else(|| ProtocolError::new("access_denied", "nothing in the wallet satisfies the request"))?;
        let mut token = Map::new();
        let mut disclosed = Vec::new();
        let verifier = request.verifier();
        for planned in plan {
            let audience = super::selective::Audience { aud: &request.request.client_id, verifier: &verifier };
            let (presentation, described) = self.wallet.present_claims(
                &planned.credential,
                &planned.paths,
                &request.request.nonce,
                audience,
                now,
            )?;
            let entry = token.entry(planned.query_id.clone()).or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(items) = entry {
                items.push(Value::String(presentation));
            }
            disclosed.push((planned.query_id.clone(), described));
        }
        let vp_token = Value::Object(token.clone()).to_string();
        let mut parameters = Map::new();
        parameters.insert("vp_token".into(), Value::Object(token));
        let form = response_form(&request.request, parameters)?;
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let answer =
            self.fetcher.post(&request.request.response_uri, PostBody::Form(&form), None, MAX_DOCUMENT_BYTES).await?;
        if !answer.is_success() {
            return Err(answer_error(&answer, "invalid_request").into());
        }
        let redirect_uri = answer.json().get("redirect_uri").and_then(Value::as_str).map(str::to_owned);
        Ok(Responded { redirect_uri, disclosed, vp_token })
    }

    /// Carries out the holder's decision on a request they were shown: with consent, sends the plan (or answers
    /// `access_denied` when nothing in the wallet satisfies the query); without, declines with `access_denied`.
    /// Either way the answer goes into the wallet's sealed [`history`].
    ///
    /// # Errors
    /// [`WalletError`] when the verifier refuses or cannot be reached.
    pub async fn answer(
        &self,
        request: &Request,
        decision: Decision,
        now: DateTime<Utc>,
    ) -> Result<Answered, WalletError> {
        let answered = match (decision, &request.plan) {
            (Decision::Consent, Some(_)) => Answered::Sent(self.present(request, now).await?),
            (Decision::Consent, None) => {
                self.decline(&request.request, "access_denied", "the wallet holds no credential satisfying the query")
                    .await?;
                Answered::NothingMatched
            }
            (Decision::Decline, _) => {
                self.decline(&request.request, "access_denied", "the holder declined").await?;
                Answered::Declined
            }
        };
        let (outcome, credentials) = match &answered {
            Answered::Sent(_) => (SharedOutcome::Sent, request.shared()),
            Answered::Declined => (SharedOutcome::Declined, Vec::new()),
            Answered::NothingMatched => (SharedOutcome::NothingMatched, Vec::new()),
        };
        let name = request.client_name().map_or_else(|| request.client_identity(), str::to_owned);
        let entry = history::record(name, request.request.client_id.clone(), outcome, credentials, now);
        self.wallet.record_shared(&entry)?;
        Ok(answered)
    }

    /// Answers with an error (`access_denied` when the person declines or nothing matches).
    ///
    /// # Errors
    /// [`WalletError`] when the post fails.
    pub async fn decline(
        &self,
        request: &AuthorizationRequest,
        error: &str,
        description: &str,
    ) -> Result<(), WalletError> {
        let mut parameters = Map::new();
        parameters.insert("error".into(), Value::String(error.into()));
        parameters.insert("error_description".into(), Value::String(description.into()));
        let form = response_form(request, parameters)?;
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let answer = self.fetcher.post(&request.response_uri, PostBody::Form(&form), None, MAX_DOCUMENT_BYTES).await?;
        if answer.is_success() { Ok(()) } else { Err(answer_error(&answer, "invalid_request").into()) }
    }
}

/// What this wallet can do (`OpenID4VP` section 10), sent with `request_uri_method=post`.
fn wallet_metadata() -> Value {
    serde_json::json!({
        "vp_formats_supported": {Format::SdJwtVc.name(): {
            "sd-jwt_alg_values": crate::core::jose::AlgorithmPolicy::ACCEPTED,
            "kb-jwt_alg_values": crate::core::jose::AlgorithmPolicy::ACCEPTED}},
        "response_modes_supported": [openid4vp::DIRECT_POST, openid4vp::DIRECT_POST_JWT],
        "client_id_prefixes_supported": ["redirect_uri", "decentralized_identifier"],
        "request_object_signing_alg_values_supported": crate::core::jose::AlgorithmPolicy::ACCEPTED,
        "authorization_encryption_alg_values_supported": [jwe::ALG_ECDH_ES],
        "authorization_encryption_enc_values_supported": jwe::ENC_VALUES,
    })
}

/// The form posted to the response URI: the parameters (with `state`) as they are under `direct_post` (JSON values
/// as JSON text), or under `direct_post.jwt` one `response` parameter, their JSON object encrypted to the
/// verifier's key (section 8.3.1).
fn response_form(
    request: &AuthorizationRequest,
    mut parameters: Map<String, Value>,
) -> Result<Vec<(String, String)>, WalletError> {
    if let Some(state) = &request.state {
        parameters.insert("state".into(), Value::String(state.clone()));
    }
    if request.response_mode == openid4vp::DIRECT_POST_JWT {
        let metadata = request.client_metadata.as_ref();
        let jwks = metadata.and_then(|m| m.get("jwks")).unwrap_or(&Value::Null);
        let offered = metadata.and_then(|m| m.get("encrypted_response_enc_values_supported")).and_then(Value::as_array);
        let plaintext = zeroize::Zeroizing::new(Value::Object(parameters).to_string());
        let token = jwe::encrypt_to(jwks, offered.map(Vec::as_slice), plaintext.as_bytes())
            .map_err(|e| ProtocolError::new("invalid_request", e.to_string()))?;
        return Ok(vec![("response".into(), token)]);
    }
    Ok(openid4vp::form_values(parameters))
}
