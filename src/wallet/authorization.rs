//! The wallet's side of the authorization code flow (HAIP; STANDARDS-ROUND2 section 8) and of DPoP: the wallet
//! pushes its authorization request (RFC 9126) with a PKCE `S256` challenge and a fresh DPoP key, sends the learner
//! to the issuer's sign-in page, checks the answer that comes back (`state`, and `iss` per RFC 9207, so a code from
//! another server is not taken), redeems the code with the PKCE verifier and a DPoP proof, and then asks for the
//! credential with `Authorization: DPoP` and proofs carrying `ath` and the server's nonce. A token the server
//! hands out as `Bearer` where DPoP was asked for is refused: it would not be sender-constrained.
//!
//! The DPoP key lives only as long as one issuance: it is not a holder key and links nothing.

use std::sync::Mutex;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use zeroize::Zeroizing;

use super::WalletError;
use super::agent::{Agent, MAX_DOCUMENT_BYTES, answer_error};
use super::openid4vci::{Accepted, Offer};
use crate::core::dpop::{self, Target};
use crate::core::keys::{KeyAlgorithm, SigningKey};
use crate::core::openid4vci::ProtocolError;
use crate::core::pkce;
use crate::core::verify::CredentialVerifier;
use crate::net::{Answer, PostBody};
use crate::system::random_b64url;

/// The grant an offer of the authorization code flow carries.
pub const AUTHORIZATION_CODE_GRANT: &str = "authorization_code";
/// The client id the skillspass wallet gives itself (a public client; an attested wallet uses its attestation's).
pub const CLIENT_ID: &str = "skillspass-wallet";

/// A DPoP key and the last nonce a server gave for it.
#[derive(Debug)]
pub struct DpopSession {
    key: SigningKey,
    nonce: Mutex<Option<String>>,
}

impl DpopSession {
    /// A fresh key: ES256 when the server lists it (HAIP), else `EdDSA`.
    pub(super) fn new(server: &Value) -> Self {
        let listed = server.get("dpop_signing_alg_values_supported").and_then(Value::as_array);
        let es256 = listed.is_none_or(|algs| algs.iter().any(|a| a == "ES256"));
        let algorithm = if es256 { KeyAlgorithm::Es256 } else { KeyAlgorithm::Ed25519 };
        Self { key: crate::system::new_signing_key(algorithm), nonce: Mutex::new(None) }
    }

    fn proof(&self, target: Target<'_>, now: DateTime<Utc>) -> Result<String, WalletError> {
        let nonce = self.nonce.lock().ok().and_then(|n| n.clone());
        dpop::proof(&self.key, target, &random_b64url(16), nonce.as_deref(), now)
            .map_err(|e| ProtocolError::new("invalid_dpop_proof", e.to_string()).into())
    }

    fn forget_nonce(&self) {
        if let Ok(mut slot) = self.nonce.lock() {
            *slot = None;
        }
    }

    fn remember(&self, nonce: Option<&str>) {
        if let (Some(nonce), Ok(mut slot)) = (nonce, self.nonce.lock()) {
            *slot = Some(nonce.to_owned());
        }
    }
}

/// An access token and, when it is DPoP-bound, its key.
#[derive(Debug)]
pub struct AccessToken {
    value: Zeroizing<String>,
    dpop: Option<DpopSession>,
}

impl AccessToken {
    /// A token as the token endpoint answered it: DPoP-bound to `dpop`'s key when a proof was sent, in which case
    /// the answer must say `token_type: DPoP` (a `Bearer` answer would not be sender-constrained: refused).
    pub(super) fn from_answer(body: &Value, dpop: Option<DpopSession>) -> Result<Self, WalletError> {
        let token_type = body.get("token_type").and_then(Value::as_str).unwrap_or_default();
        let expected = if dpop.is_some() { "dpop" } else { "bearer" };
        if !token_type.eq_ignore_ascii_case(expected) {
            let why = if dpop.is_some() {
                "the issuer answered a token that is not DPoP-bound; a HAIP wallet does not use it"
            } else {
                "only Bearer and DPoP access tokens are supported"
            };
            return Err(ProtocolError::new("invalid_request", why).into());
        }
        let value = body.get("access_token").and_then(Value::as_str).map(str::to_owned);
        let value = value.ok_or_else(|| ProtocolError::new("invalid_grant", "the token answer has no access_token"))?;
        // The authorization server's nonce is not the credential endpoint's (RFC 9449 section 8).
        if let Some(session) = &dpop {
            session.forget_nonce();
        }
        Ok(Self { value: Zeroizing::new(value), dpop })
    }

    /// Keeps a resource server's nonce for the next proof.
    pub(super) fn remember_nonce(&self, nonce: Option<&str>) {
        if let Some(session) = &self.dpop {
            session.remember(nonce);
        }
    }
}

/// An authorization request pushed, waiting for the learner to sign in at the issuer.
#[derive(Debug)]
pub struct SignIn {
    /// Where to send the learner's browser.
    pub authorization_url: String,
    /// Where the issuer sends the browser back.
    pub redirect_uri: String,
    state: String,
    verifier: Zeroizing<String>,
    dpop: DpopSession,
}

impl SignIn {
    /// The `state` the issuer's answer must carry back.
    #[must_use]
    pub fn state(&self) -> &str {
        &self.state
    }
}

/// Whether an answer asks to retry with the nonce it carries (RFC 9449 section 8: once, never in a loop).
fn asks_for_nonce(answer: &Answer) -> bool {
    answer.dpop_nonce.is_some()
        && matches!(answer.status, 400 | 401)
        && (answer.json().get("error").and_then(Value::as_str) == Some("use_dpop_nonce") || answer.body.is_empty())
}

fn server_str<'a>(offer: &'a Offer, member: &str) -> Result<&'a str, WalletError> {
    offer.authorization_server.get(member).and_then(Value::as_str).ok_or_else(|| {
        ProtocolError::new("invalid_issuer_metadata", format!("the authorization server has no {member}")).into()
    })
}

impl<V: CredentialVerifier> Agent<'_, V> {
    /// Starts the authorization code flow for an offer that carries one: pushes the authorization request (PKCE
    /// `S256`, `issuer_state`, the configuration asked for, a DPoP proof of a fresh key) and answers where to send
    /// the learner. `redirect_uri` is where this wallet listens for the answer.
    ///
    /// # Errors
    /// [`WalletError`] with the server's OAuth error, or `invalid_credential_offer` for an offer without the grant.
    pub async fn begin_sign_in(
        &self,
        offer: &Offer,
        redirect_uri: &str,
        now: DateTime<Utc>,
    ) -> Result<SignIn, WalletError> {
        let issuer_state = offer.issuer_state().ok_or_else(|| {
            ProtocolError::new("invalid_credential_offer", "the offer has no authorization code grant")
        })?;
        let par = server_str(offer, "pushed_authorization_request_endpoint")?;
        let authorize = server_str(offer, "authorization_endpoint")?;
        let verifier = Zeroizing::new(random_b64url(48));
        let state = random_b64url(16);
        let details = json!([{
            "type": "openid_credential",
            "credential_configuration_id": offer.offer.credential_configuration_ids[0],
        }])
        .to_string();
        let challenge = pkce::challenge(&verifier);
        let form = [
            ("response_type", "code"),
            ("client_id", CLIENT_ID),
            ("redirect_uri", redirect_uri),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", pkce::S256),
            ("state", state.as_str()),
            ("issuer_state", issuer_state),
            ("authorization_details", details.as_str()),
        ];
        let dpop = DpopSession::new(&offer.authorization_server);
        let answer = self.dpop_post(par, PostBody::Form(&form), &dpop, None, now).await?;
        if answer.status != 201 && !answer.is_success() {
            return Err(answer_error(&answer, "invalid_request").into());
        }
        let request_uri = answer.json().get("request_uri").and_then(Value::as_str).map(str::to_owned);
        let request_uri =
            request_uri.ok_or_else(|| ProtocolError::new("invalid_request", "the PAR answer has no request_uri"))?;
        let mut url = url::Url::parse(authorize)
            .map_err(|_| ProtocolError::new("invalid_issuer_metadata", "authorization_endpoint is not a URL"))?;
        url.query_pairs_mut().append_pair("client_id", CLIENT_ID).append_pair("request_uri", &request_uri);
        Ok(SignIn { authorization_url: url.to_string(), redirect_uri: redirect_uri.to_owned(), state, verifier, dpop })
    }

    /// Finishes the flow with the URL the issuer sent the browser back to: checks `state` and `iss`, redeems the
    /// code (PKCE verifier, DPoP), then receives the credential as [`Agent::accept`] does.
    ///
    /// # Errors
    /// [`WalletError`]: the issuer's error (`access_denied` when the learner could not sign in), a `state` or `iss`
    /// that is not this flow's, or the token and credential endpoints' errors.
    pub async fn finish_sign_in(
        &self,
        offer: &Offer,
        sign_in: SignIn,
        returned_to: &str,
        now: DateTime<Utc>,
    ) -> Result<Accepted, WalletError> {
        let code = authorization_response(offer, &sign_in, returned_to)?;
        let token_endpoint = offer.token_endpoint.clone();
        let form = [
            ("grant_type", AUTHORIZATION_CODE_GRANT),
            ("code", code.as_str()),
            ("redirect_uri", sign_in.redirect_uri.as_str()),
            ("code_verifier", sign_in.verifier.as_str()),
            ("client_id", CLIENT_ID),
        ];
        let answer = self.dpop_post(&token_endpoint, PostBody::Form(&form), &sign_in.dpop, None, now).await?;
        if !answer.is_success() {
            return Err(answer_error(&answer, "invalid_grant").into());
        }
        let token = AccessToken::from_answer(&answer.json(), Some(sign_in.dpop))?;
        self.receive_credential(offer, &token, now).await
    }

    /// POSTs to a protected endpoint with the token: `Authorization: DPoP` and a proof with `ath` for a bound
    /// token (retried once with the nonce the server asks for), `Bearer` otherwise.
    pub(super) async fn protected_post(
        &self,
        url: &str,
        body: PostBody<'_>,
        token: &AccessToken,
        now: DateTime<Utc>,
    ) -> Result<Answer, WalletError> {
        match &token.dpop {
            None => Ok(self.fetcher.post(url, body, Some(&token.value), MAX_DOCUMENT_BYTES).await?),
            Some(session) => self.dpop_post(url, body, session, Some(&token.value), now).await,
        }
    }

    /// POSTs with a DPoP proof for `url` (and `ath` with an access token), retrying once with a server's nonce.
    pub(super) async fn dpop_post(
        &self,
        url: &str,
        body: PostBody<'_>,
        session: &DpopSession,
        access_token: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Answer, WalletError> {
        let target = Target { method: "POST", url, access_token };
        let authorization = access_token.map(|token| format!("DPoP {token}"));
        let mut retried = false;
        loop {
            let proof = session.proof(target, now)?;
            let mut headers = vec![("dpop", proof.as_str())];
            if let Some(authorization) = &authorization {
                headers.push(("authorization", authorization.as_str()));
            }
            let answer = self.fetcher.post_with_headers(url, body, &headers, MAX_DOCUMENT_BYTES).await?;
            session.remember(answer.dpop_nonce.as_deref());
            if retried || !asks_for_nonce(&answer) {
                return Ok(answer);
            }
            retried = true;
        }
    }
}

/// The code in the authorization response, once `state` and `iss` are this flow's (RFC 9207 section 2.4: when
/// the server says it sends `iss`, a response without it or with another is refused).
fn authorization_response(offer: &Offer, sign_in: &SignIn, returned_to: &str) -> Result<String, WalletError> {
    let url = url::Url::parse(returned_to)
        .map_err(|_| ProtocolError::new("invalid_request", "the address the issuer sent back is not a URL"))?;
    let get = |name: &str| url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned());
    if get("state").as_deref() != Some(sign_in.state.as_str()) {
        return Err(ProtocolError::new("invalid_request", "the answer's state is not this sign-in's").into());
    }
    let issuer = offer.authorization_server.get("issuer").and_then(Value::as_str);
    let iss_required =
        offer.authorization_server.get("authorization_response_iss_parameter_supported") == Some(&json!(true));
    match get("iss") {
        Some(iss) if Some(iss.as_str()) != issuer => {
            return Err(ProtocolError::new(
                "invalid_request",
                format!("the answer comes from {iss:?}, not this issuer"),
            )
            .into());
        }
        None if iss_required => {
            return Err(
                ProtocolError::new("invalid_request", "the answer does not say which issuer sent it (iss)").into()
            );
        }
        _ => {}
    }
    if let Some(error) = get("error") {
        let description = get("error_description").unwrap_or_default();
        let code = if error == "access_denied" { "access_denied" } else { "invalid_request" };
        return Err(ProtocolError::new(
            code,
            format!("the issuer refused: {error} {description}").trim_end().to_owned(),
        )
        .into());
    }
    get("code").ok_or_else(|| ProtocolError::new("invalid_request", "the answer carries no code").into())
}
