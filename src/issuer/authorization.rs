//! The issuer as an OAuth authorization server for the authorization code flow HAIP asks for (STANDARDS-ROUND2
//! section 8): pushed authorization requests (RFC 9126), PKCE with `S256` only (RFC 7636), the learner's sign-in
//! on the issuer's own page with the one-time code the provider sent, single-use authorization codes, the `iss`
//! parameter in the response (RFC 9207), DPoP (RFC 9449) with server nonces at the token and credential endpoints
//! and access tokens bound to the DPoP key, and wallet attestations (attestation-based client authentication),
//! checked whenever a wallet sends one and required when the issuer is configured so.
//!
//! The flow starts from an offer made by the provider for one learner: its `issuer_state` names the offer, so the
//! credential issued is the one the provider described, to whoever signs in with the learner's code. State is
//! durable like the rest of the protocol (issue 11): pushed requests, codes and seen proof ids are expiring records,
//! keyed by digests; no secret is written.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use subtle::ConstantTimeEq as _;

use super::openid4vci::{
    ACCESS_TOKEN_TTL, CredentialIssuance, EndpointError, IssuanceFlow, MAX_TX_CODE_ATTEMPTS, OfferRecord, OfferState,
    TokenGrant, authorization_details, bad, digest, storage, unauthorized,
};
use crate::core::client_attestation::{self, AttestationError, AttestedClient, Expected};
use crate::core::dpop::{self, DpopError, DpopNonces, DpopProof, Target};
use crate::core::jose::AlgorithmPolicy;
use crate::core::openid4vci::ProtocolError;
use crate::core::pkce;
use crate::core::x509::TrustAnchors;
use crate::store::expiring::Expiring;
use crate::store::{Database, StoreError};
use crate::system::random_b64url;

/// RFC 9126 section 2.2: the prefix of the `request_uri` a pushed request is referred to by.
pub const REQUEST_URI_PREFIX: &str = "urn:ietf:params:oauth:request_uri:";
/// How long a pushed request may wait for the learner to sign in (FAPI 2.0: under 600 seconds).
pub const PUSHED_REQUEST_TTL: Duration = Duration::minutes(5);
/// How long an authorization code can be redeemed (FAPI 2.0: at most 60 seconds).
pub const CODE_TTL: Duration = Duration::seconds(60);
/// How long a used code is remembered, so a second use is told so rather than "unknown".
pub const CODE_RETENTION: Duration = Duration::minutes(10);

/// Which server a DPoP nonce is for: RFC 9449 keeps the authorization server's and the resource's apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NonceScope {
    /// `/par` and `/token`.
    AuthorizationServer,
    /// `/credential`, `/notification` (and handed out with `/nonce`).
    CredentialEndpoint,
}

impl NonceScope {
    const fn purpose(self) -> &'static str {
        match self {
            Self::AuthorizationServer => "authorization-server",
            Self::CredentialEndpoint => "credential-endpoint",
        }
    }

    /// The status of an error at this server: 400 at the authorization server, 401 at a resource.
    const fn status(self) -> u16 {
        match self {
            Self::AuthorizationServer => 400,
            Self::CredentialEndpoint => 401,
        }
    }
}

/// The client's proofs on a request, from its headers.
#[derive(Debug, Clone, Copy, Default)]
pub struct ClientProofs<'a> {
    /// The `DPoP` header.
    pub dpop: Option<&'a str>,
    /// `OAuth-Client-Attestation`.
    pub attestation: Option<&'a str>,
    /// `OAuth-Client-Attestation-PoP`.
    pub attestation_pop: Option<&'a str>,
}

/// How an access token was presented (`Authorization: Bearer …` or `Authorization: DPoP …`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessScheme {
    /// RFC 6750.
    Bearer,
    /// RFC 9449 section 7.1.
    Dpop,
}

/// An access token as presented at the credential or notification endpoint.
#[derive(Debug, Clone, Copy)]
pub struct Access<'a> {
    /// The token.
    pub token: &'a str,
    /// Its scheme.
    pub scheme: AccessScheme,
    /// The `DPoP` proof header.
    pub dpop: Option<&'a str>,
}

/// A pushed authorization request as stored, and later its code.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct PushedRequest {
    offer: String,
    client_id: String,
    redirect_uri: String,
    code_challenge: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    state: Option<String>,
    /// The DPoP key the code will be bound to (`dpop_jkt`, or the PAR request's proof).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    dpop_jkt: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    authorization_details: Option<Value>,
}

/// An authorization code's record.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Code {
    authorization: PushedRequest,
    /// Unix seconds after which it cannot be redeemed.
    redeemable_until: i64,
    used: bool,
}

/// The durable state and the policy of the authorization server.
pub struct AuthorizationState {
    requests: Expiring<PushedRequest>,
    codes: Expiring<Code>,
    seen: Expiring<()>,
    providers: Option<Arc<TrustAnchors>>,
    require_attestation: bool,
}

impl AuthorizationState {
    pub(super) fn open(db: &Database) -> Result<Self, StoreError> {
        Ok(Self {
            requests: Expiring::open(db, "issuer.oauth.pushed-requests")?,
            codes: Expiring::open(db, "issuer.oauth.codes")?,
            seen: Expiring::open(db, "issuer.oauth.seen-proofs")?,
            providers: None,
            require_attestation: false,
        })
    }

    pub(super) fn purge(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        Ok(self.requests.purge(now)? + self.codes.purge(now)? + self.seen.purge(now)?)
    }
}

/// What the sign-in page shows while a pushed request waits for the learner.
#[derive(Debug, Clone, Serialize)]
pub struct PendingSignIn {
    /// The achievement offered.
    pub achievement: String,
    /// Sign-in attempts left before the offer locks.
    pub attempts_left: u32,
    /// Where the answer goes: the wallet's `redirect_uri`.
    pub redirect_uri: String,
}

/// Why the sign-in page cannot go on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInError {
    /// The request is unknown, expired or was used, or names another client.
    Unknown,
    /// The code is wrong; the learner may try again.
    WrongCode {
        /// Tries left.
        attempts_left: u32,
    },
    /// Too many wrong codes: the offer is locked; the wallet is told `access_denied` at this address.
    Locked {
        /// The error response to redirect to.
        redirect: String,
    },
    /// Storage failed.
    Storage,
}

fn dpop_error(scope: NonceScope, error: &DpopError) -> EndpointError {
    EndpointError { status: scope.status(), error: ProtocolError::new(error.code(), error.to_string()) }
}

fn attestation_error(error: &AttestationError) -> EndpointError {
    EndpointError { status: 401, error: ProtocolError::new(error.code(), error.to_string()) }
}

fn invalid_grant(description: &str) -> EndpointError {
    bad("invalid_grant", description)
}

/// RFC 8252 and FAPI: where a code may be sent. https anywhere, plain http only to a loopback address (a native
/// app's listener), or a private-use scheme of an app; never a fragment, never a scheme a browser would run.
fn check_redirect_uri(uri: &str) -> Result<(), EndpointError> {
    let invalid = |why: &str| bad("invalid_request", format!("redirect_uri {uri:?}: {why}"));
    let parsed = url::Url::parse(uri).map_err(|_| invalid("not an absolute URI"))?;
    if parsed.fragment().is_some() {
        return Err(invalid("must not carry a fragment"));
    }
    // https anywhere, and private-use schemes of apps, are fine.
    match parsed.scheme() {
        "http" if parsed.host_str().is_some_and(crate::core::host::is_loopback_name) => Ok(()),
        "http" => Err(invalid("plain http is allowed only to a loopback address")),
        "javascript" | "data" | "file" | "vbscript" | "about" | "blob" => Err(invalid("not a redirection scheme")),
        _ => Ok(()),
    }
}

impl CredentialIssuance {
    /// Trusts wallets attested by providers under `providers`; with `required`, only such wallets get tokens.
    #[must_use]
    pub fn with_wallet_providers(mut self, providers: Option<Arc<TrustAnchors>>, required: bool) -> Self {
        self.authorization.providers = providers;
        self.authorization.require_attestation = required;
        self
    }

    fn endpoint(&self, path: &str) -> String {
        format!("{}{path}", self.public_url())
    }

    /// A fresh DPoP nonce for `scope`, sent in `DPoP-Nonce` with every answer of its endpoints.
    #[must_use]
    pub fn dpop_nonce(&self, scope: NonceScope, now: DateTime<Utc>) -> String {
        DpopNonces::new(self.key.as_slice(), scope.purpose()).mint(now)
    }

    /// The authorization server metadata members of this flow.
    pub(super) fn authorization_code_metadata(&self) -> serde_json::Map<String, Value> {
        let methods = if self.authorization.require_attestation {
            json!(["attest_jwt_client_auth"])
        } else {
            json!(["none", "attest_jwt_client_auth"])
        };
        let members = json!({
            "authorization_endpoint": self.endpoint("/authorize"),
            "pushed_authorization_request_endpoint": self.endpoint("/par"),
            "require_pushed_authorization_requests": true,
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "code_challenge_methods_supported": [pkce::S256],
            "authorization_response_iss_parameter_supported": true,
            "dpop_signing_alg_values_supported": AlgorithmPolicy::ACCEPTED,
            "token_endpoint_auth_methods_supported": methods,
            "client_attestation_signing_alg_values_supported": AlgorithmPolicy::ACCEPTED,
            "client_attestation_pop_signing_alg_values_supported": AlgorithmPolicy::ACCEPTED,
        });
        members.as_object().cloned().unwrap_or_default()
    }

    /// Client authentication: a wallet attestation is checked whenever one is sent (its proof of possession once), and required
    /// when the issuer is configured so.
    pub(super) fn authenticate(
        &self,
        proofs: ClientProofs<'_>,
        client_id: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Option<AttestedClient>, EndpointError> {
        let (attestation, pop) = match (proofs.attestation, proofs.attestation_pop) {
            (Some(attestation), Some(pop)) => (attestation, pop),
            (None, None) if self.authorization.require_attestation => {
                return Err(attestation_error(&AttestationError::Required));
            }
            (None, None) => return Ok(None),
            _ => return Err(attestation_error(&AttestationError::Headers)),
        };
        let expected =
            Expected { client_id, audience: self.public_url(), providers: self.authorization.providers.as_deref() };
        let client = client_attestation::check(attestation, pop, expected, now).map_err(|e| attestation_error(&e))?;
        let fresh = self.authorization.seen.insert_new(&client.pop_replay_key, &(), client.remember_until, now);
        if !fresh.map_err(|e| storage(&e))? {
            return Err(attestation_error(&AttestationError::Replayed));
        }
        Ok(Some(client))
    }

    /// Checks a DPoP proof for `target` (RFC 9449 section 4.3): its form and signature, the server nonce of
    /// `scope` when `nonce_required`, and that its `jti` was not seen before. `None` when no proof was sent.
    pub(super) fn prove_dpop(
        &self,
        proof: Option<&str>,
        target: Target<'_>,
        scope: NonceScope,
        nonce_required: bool,
        now: DateTime<Utc>,
    ) -> Result<Option<DpopProof>, EndpointError> {
        let Some(proof) = proof else { return Ok(None) };
        let checked = dpop::check(proof, target, now).map_err(|e| dpop_error(scope, &e))?;
        if nonce_required || checked.nonce.is_some() {
            let nonces = DpopNonces::new(self.key.as_slice(), scope.purpose());
            nonces.check(&checked, now).map_err(|e| dpop_error(scope, &e))?;
        }
        let fresh = self.authorization.seen.insert_new(&checked.replay_key(), &(), checked.remember_until(), now);
        if !fresh.map_err(|e| storage(&e))? {
            return Err(dpop_error(scope, &DpopError::Replayed));
        }
        Ok(Some(checked))
    }

    /// The DPoP key a token request binds its token to: the proof at `/token`, checked with the server nonce.
    pub(super) fn token_dpop(
        &self,
        proofs: ClientProofs<'_>,
        now: DateTime<Utc>,
    ) -> Result<Option<DpopProof>, EndpointError> {
        let url = self.endpoint("/token");
        self.prove_dpop(
            proofs.dpop,
            Target { method: "POST", url: &url, access_token: None },
            NonceScope::AuthorizationServer,
            true,
            now,
        )
    }

    /// RFC 9126: a pushed authorization request. Checks client authentication, refuses `request_uri`, checks the
    /// request as an authorization request (`response_type=code`, `client_id`, `redirect_uri`, an `S256` PKCE
    /// challenge, the `issuer_state` of a live authorization code offer, what is asked for) and the DPoP key
    /// (`dpop_jkt` or a proof, equal when both), and answers `201` with a single-use `request_uri`.
    ///
    /// # Errors
    /// [`EndpointError`] with OAuth codes (`invalid_request`, `invalid_client`, `invalid_dpop_proof`, …).
    pub fn pushed_authorization_request(
        &self,
        form: &HashMap<String, String>,
        proofs: ClientProofs<'_>,
        now: DateTime<Utc>,
    ) -> Result<Value, EndpointError> {
        let client_id = form.get("client_id").map(String::as_str);
        self.authenticate(proofs, client_id, now)?;
        if form.contains_key("request_uri") {
            return Err(bad("invalid_request", "request_uri must not be pushed (RFC 9126 section 2.1)"));
        }
        let mut authorization = self.authorization_request(form, now)?;
        let url = self.endpoint("/par");
        let target = Target { method: "POST", url: &url, access_token: None };
        let proof = self.prove_dpop(proofs.dpop, target, NonceScope::AuthorizationServer, false, now)?;
        authorization.dpop_jkt = match (form.get("dpop_jkt"), proof) {
            (Some(jkt), Some(proof)) if *jkt != proof.jkt => {
                return Err(dpop_error(NonceScope::AuthorizationServer, &DpopError::KeyMismatch("dpop_jkt")));
            }
            (Some(jkt), _) => Some(jkt.clone()),
            (None, proof) => proof.map(|p| p.jkt),
        };
        let handle = random_b64url(32);
        let expires = now + PUSHED_REQUEST_TTL;
        self.authorization.requests.insert(&digest(&handle), &authorization, expires).map_err(|e| storage(&e))?;
        Ok(
            json!({"request_uri": format!("{REQUEST_URI_PREFIX}{handle}"), "expires_in": PUSHED_REQUEST_TTL.num_seconds()}),
        )
    }

    /// The parameters of an authorization request, checked.
    fn authorization_request(
        &self,
        form: &HashMap<String, String>,
        now: DateTime<Utc>,
    ) -> Result<PushedRequest, EndpointError> {
        let required = |name: &str| form.get(name).ok_or_else(|| bad("invalid_request", format!("{name} is missing")));
        if required("response_type")? != "code" {
            return Err(bad("unsupported_response_type", "response_type must be code"));
        }
        let client_id = required("client_id")?;
        let redirect_uri = required("redirect_uri")?;
        check_redirect_uri(redirect_uri)?;
        let challenge = required("code_challenge")?;
        pkce::check_challenge(challenge, form.get("code_challenge_method").map(String::as_str))
            .map_err(|e| bad("invalid_request", e.to_string()))?;
        let issuer_state = form.get("issuer_state").ok_or_else(|| {
            bad("invalid_request", "issuer_state is missing: start from the credential offer your provider sent")
        })?;
        let (offer, record) = self.offer_for_state(issuer_state, now)?;
        let details = form
            .get("authorization_details")
            .map(|details| authorization_details(details, &record.configuration))
            .transpose()?;
        if let Some(scope) = form.get("scope") {
            let offered = super::openid4vci::scope_of(&record.configuration);
            if !scope.split(' ').all(|s| s == offered || s.is_empty()) {
                return Err(bad("invalid_scope", format!("this offer is for scope {offered:?}")));
            }
        }
        Ok(PushedRequest {
            offer,
            client_id: client_id.clone(),
            redirect_uri: redirect_uri.clone(),
            code_challenge: challenge.clone(),
            state: form.get("state").cloned(),
            dpop_jkt: None,
            authorization_details: details,
        })
    }

    /// The live authorization code offer an `issuer_state` names.
    fn offer_for_state(&self, issuer_state: &str, now: DateTime<Utc>) -> Result<(String, OfferRecord), EndpointError> {
        let unknown = || bad("invalid_request", "issuer_state is unknown, or its offer expired or was used");
        let offer = issuer_state.split_once('.').map(|(id, _)| id).ok_or_else(unknown)?;
        if !bool::from(self.issuer_state(offer).as_bytes().ct_eq(issuer_state.as_bytes())) {
            return Err(unknown());
        }
        let record = self.offers.get(offer.as_bytes(), now).map_err(|e| storage(&e))?.ok_or_else(unknown)?;
        let live = record.flow == IssuanceFlow::AuthorizationCode
            && record.state == OfferState::Offered
            && record.redeemable_until > now.timestamp();
        if live { Ok((offer.to_owned(), record)) } else { Err(unknown()) }
    }

    /// The pushed request `request_uri` refers to, for `client_id`, and the key it is stored under.
    fn pushed(
        &self,
        client_id: &str,
        request_uri: &str,
        now: DateTime<Utc>,
    ) -> Result<(PushedRequest, Vec<u8>), SignInError> {
        let handle = request_uri.strip_prefix(REQUEST_URI_PREFIX).ok_or(SignInError::Unknown)?;
        let key = digest(handle);
        let pushed = self.authorization.requests.get(&key, now).map_err(|_| SignInError::Storage)?;
        pushed.filter(|p| p.client_id == client_id).map(|p| (p, key)).ok_or(SignInError::Unknown)
    }

    /// What the sign-in page shows for a pushed request (`GET /authorize?client_id=…&request_uri=…`).
    ///
    /// # Errors
    /// [`SignInError::Unknown`] for an unknown, expired or used request or another client's.
    pub fn pending_sign_in(
        &self,
        client_id: &str,
        request_uri: &str,
        now: DateTime<Utc>,
    ) -> Result<PendingSignIn, SignInError> {
        let (pushed, _) = self.pushed(client_id, request_uri, now)?;
        let record = self.offers.get(pushed.offer.as_bytes(), now).map_err(|_| SignInError::Storage)?;
        let record = record.filter(|r| r.state == OfferState::Offered).ok_or(SignInError::Unknown)?;
        Ok(PendingSignIn {
            achievement: record.description.achievement.name.clone(),
            attempts_left: MAX_TX_CODE_ATTEMPTS.saturating_sub(record.wrong_attempts),
            redirect_uri: pushed.redirect_uri,
        })
    }

    /// The learner signs in with the one-time code: a right code consumes the pushed request and answers the
    /// redirect to the wallet with a fresh code, its `state` and this issuer as `iss` (RFC 9207); a wrong one is
    /// counted, and the third locks the offer.
    ///
    /// # Errors
    /// [`SignInError`].
    pub fn sign_in(
        &self,
        client_id: &str,
        request_uri: &str,
        code: &str,
        now: DateTime<Utc>,
    ) -> Result<String, SignInError> {
        let (pushed, key) = self.pushed(client_id, request_uri, now)?;
        let given = self.sign_in_digest(&pushed.offer, code.trim());
        let outcome = self
            .offers
            .update(pushed.offer.as_bytes(), now, |offer| check_sign_in(offer, &given))
            .map_err(|_| SignInError::Storage)?
            .ok_or(SignInError::Unknown)?;
        match outcome {
            SignInOutcome::Right => {}
            SignInOutcome::Wrong(attempts_left) => return Err(SignInError::WrongCode { attempts_left }),
            SignInOutcome::Locked => {
                let _ = self.authorization.requests.remove(&key);
                let redirect = redirect(
                    &pushed,
                    &[("error", "access_denied"), ("error_description", "too many wrong sign-in codes")],
                    self.public_url(),
                );
                return Err(SignInError::Locked { redirect });
            }
            SignInOutcome::NotOffered => return Err(SignInError::Unknown),
        }
        let taken = self.authorization.requests.take(&key, now).map_err(|_| SignInError::Storage)?;
        let pushed = taken.ok_or(SignInError::Unknown)?;
        let code = random_b64url(32);
        let record =
            Code { authorization: pushed.clone(), redeemable_until: (now + CODE_TTL).timestamp(), used: false };
        self.authorization
            .codes
            .insert(&digest(&code), &record, now + CODE_RETENTION)
            .map_err(|_| SignInError::Storage)?;
        Ok(redirect(&pushed, &[("code", &code)], self.public_url()))
    }

    /// The token endpoint for the authorization code grant: a DPoP proof with this server's nonce is required
    /// (HAIP), the client authenticated as configured, then the code checked (unused, unexpired, same client and
    /// redirect URI, the PKCE verifier, the DPoP key it was bound to) and consumed; the token is bound to the key.
    pub(super) fn authorization_code_token(
        &self,
        form: &HashMap<String, String>,
        proofs: ClientProofs<'_>,
        now: DateTime<Utc>,
    ) -> Result<Value, EndpointError> {
        let proof = self.token_dpop(proofs, now)?.ok_or_else(|| {
            bad("invalid_dpop_proof", "the authorization code grant needs a DPoP proof (HAIP): send the DPoP header")
        })?;
        let client_id = form.get("client_id").map(String::as_str);
        let attested = self.authenticate(proofs, client_id, now)?;
        // An authenticated client need not repeat its client_id (RFC 6749 section 3.2.1).
        let client_id = client_id.or(attested.as_ref().map(|client| client.client_id.as_str()));
        let code = form.get("code").ok_or_else(|| bad("invalid_request", "code is missing"))?;
        let record = self.authorization.codes.get(&digest(code), now).map_err(|e| storage(&e))?;
        let record = record.ok_or_else(|| invalid_grant("unknown or expired authorization code"))?;
        check_code(&record, form, client_id, &proof, now)?;
        let first = self
            .authorization
            .codes
            .update(&digest(code), now, |code| {
                if code.used {
                    (false, false)
                } else {
                    code.used = true;
                    (true, true)
                }
            })
            .map_err(|e| storage(&e))?;
        if first != Some(true) {
            return Err(invalid_grant("the authorization code was already used"));
        }
        let offer = &record.authorization.offer;
        let moved = self
            .offers
            .update(offer.as_bytes(), now, |offer| {
                let ready = offer.state == OfferState::Offered;
                if ready {
                    offer.state = OfferState::TokenIssued;
                }
                (ready, ready)
            })
            .map_err(|e| storage(&e))?;
        if moved != Some(true) {
            return Err(invalid_grant("the offer of this code was already redeemed or has expired"));
        }
        let token = random_b64url(32);
        let grant = TokenGrant { offer: offer.clone(), jkt: Some(proof.jkt) };
        self.tokens.insert(&digest(&token), &grant, now + ACCESS_TOKEN_TTL).map_err(|e| storage(&e))?;
        let mut answer =
            json!({"access_token": token, "token_type": "DPoP", "expires_in": ACCESS_TOKEN_TTL.num_seconds()});
        if let Some(details) = &record.authorization.authorization_details {
            answer["authorization_details"] = details.clone();
        }
        Ok(answer)
    }

    /// The grant of an access token presented at a protected endpoint (`path`): a DPoP-bound token needs the
    /// `DPoP` scheme and a proof by its key with `ath` and the credential endpoint's nonce; an unbound one the
    /// `Bearer` scheme.
    pub(super) fn check_access(
        &self,
        access: Access<'_>,
        path: &str,
        now: DateTime<Utc>,
    ) -> Result<TokenGrant, EndpointError> {
        let grant = self.tokens.get(&digest(access.token), now).map_err(|e| storage(&e))?;
        let grant = grant.ok_or_else(|| unauthorized("unknown or expired access token"))?;
        match (&grant.jkt, access.scheme) {
            (None, AccessScheme::Bearer) => Ok(grant),
            (None, AccessScheme::Dpop) => Err(unauthorized("this access token is not DPoP-bound: send it as Bearer")),
            (Some(_), AccessScheme::Bearer) => Err(unauthorized(
                "this access token is bound to a DPoP key: send Authorization: DPoP <token> with a DPoP proof",
            )),
            (Some(jkt), AccessScheme::Dpop) => {
                let url = self.endpoint(path);
                let target = Target { method: "POST", url: &url, access_token: Some(access.token) };
                let scope = NonceScope::CredentialEndpoint;
                let proof = self.prove_dpop(access.dpop, target, scope, true, now)?;
                let proof = proof.ok_or_else(|| dpop_error(scope, &DpopError::Count))?;
                if proof.jkt == *jkt {
                    Ok(grant)
                } else {
                    Err(dpop_error(scope, &DpopError::KeyMismatch("access token")))
                }
            }
        }
    }
}

enum SignInOutcome {
    Right,
    Wrong(u32),
    Locked,
    NotOffered,
}

/// The state change of a sign-in attempt on the offer (constant-time comparison of the code digests).
fn check_sign_in(offer: &mut OfferRecord, given: &str) -> (SignInOutcome, bool) {
    if offer.state != OfferState::Offered {
        return (SignInOutcome::NotOffered, false);
    }
    let right =
        offer.sign_in.as_deref().is_some_and(|expected| bool::from(expected.as_bytes().ct_eq(given.as_bytes())));
    if right {
        return (SignInOutcome::Right, false);
    }
    offer.wrong_attempts += 1;
    if offer.wrong_attempts >= MAX_TX_CODE_ATTEMPTS {
        offer.state = OfferState::Locked;
        return (SignInOutcome::Locked, true);
    }
    (SignInOutcome::Wrong(MAX_TX_CODE_ATTEMPTS - offer.wrong_attempts), true)
}

/// The checks of a code against its token request, before it is consumed (so a wrong request does not burn it).
fn check_code(
    record: &Code,
    form: &HashMap<String, String>,
    client_id: Option<&str>,
    proof: &DpopProof,
    now: DateTime<Utc>,
) -> Result<(), EndpointError> {
    let authorization = &record.authorization;
    if record.used {
        return Err(invalid_grant("the authorization code was already used"));
    }
    if record.redeemable_until <= now.timestamp() {
        return Err(invalid_grant("the authorization code has expired (codes live 60 seconds)"));
    }
    if client_id != Some(authorization.client_id.as_str()) {
        return Err(invalid_grant("the authorization code was issued to another client_id"));
    }
    if form.get("redirect_uri") != Some(&authorization.redirect_uri) {
        return Err(invalid_grant("redirect_uri is not the one of the authorization request"));
    }
    let verifier = form.get("code_verifier").ok_or_else(|| bad("invalid_request", "code_verifier is missing"))?;
    pkce::verify(verifier, &authorization.code_challenge).map_err(|e| invalid_grant(&e.to_string()))?;
    if authorization.dpop_jkt.as_ref().is_some_and(|jkt| *jkt != proof.jkt) {
        return Err(dpop_error(NonceScope::AuthorizationServer, &DpopError::KeyMismatch("authorization code")));
    }
    Ok(())
}

/// The authorization response: `redirect_uri` with `parameters`, the request's `state` and `iss` added to its query.
fn redirect(authorization: &PushedRequest, parameters: &[(&str, &str)], issuer: &str) -> String {
    let Ok(mut url) = url::Url::parse(&authorization.redirect_uri) else { return authorization.redirect_uri.clone() };
    {
        let mut query = url.query_pairs_mut();
        for (name, value) in parameters {
            query.append_pair(name, value);
        }
        if let Some(state) = &authorization.state {
            query.append_pair("state", state);
        }
        query.append_pair("iss", issuer);
    }
    url.to_string()
}
