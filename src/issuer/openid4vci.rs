//! The issuer side of `OpenID4VCI` 1.0, pre-authorized code flow (STANDARDS.md section 4): credential issuer and
//! authorization server metadata, offers made by the admin from an achievement description, the token endpoint
//! (single-use, short-lived codes; an optional transaction code with a limit on wrong attempts), the nonce endpoint,
//! the credential endpoint (key proof checked, credential bound to the proven key, one credential per access token
//! whatever the concurrency), and notifications.
//!
//! This protocol state is its own object, [`CredentialIssuance`], beside the [`IssuerService`] it issues with (the
//! service knows nothing of the protocol). The state is durable (issue 11): offers, code and token digests,
//! transaction-code attempts and `c_nonce`s are expiring records in sled, so a restart neither loses a pending
//! offer nor lets a used code or nonce be used again. No secret is written: the pre-authorized code of an offer is
//! derived from the server's protocol key (HMAC-SHA256 over the offer id) when the offer is served, and codes, access
//! tokens and transaction codes are kept as digests only; transaction codes are compared in constant time.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use subtle::ConstantTimeEq as _;
use zeroize::Zeroizing;

use super::authorization::{Access, ClientProofs};
use super::service::IssuerService;
use super::{AchievementDescription, IssueError};
use crate::core::credential::MICRO_CREDENTIAL;
use crate::core::did::Did;
use crate::core::encoding::{b64url, hmac_sha256, sha256};
use crate::core::format::Format;
use crate::core::jose::AlgorithmPolicy;
use crate::core::keys::VerifyingKey;
use crate::core::openid4vci::{
    self, CredentialOffer, Grants, PRE_AUTHORIZED_CODE_GRANT, PreAuthorizedCode, ProtocolError, TxCode,
};
use crate::core::sd_jwt_vc::{VCT_MICRO_CREDENTIAL, VCT_SKILL};
use crate::core::secret::SecretString;
use crate::store::expiring::Expiring;
use crate::store::{Database, StoreError};
use crate::system::random_b64url;

/// The configuration id of skill credentials as SD-JWT VCs.
pub const SKILL_CONFIGURATION: &str = "skill_sd_jwt";
/// The configuration id of EU micro-credentials as SD-JWT VCs.
pub const MICRO_CREDENTIAL_CONFIGURATION: &str = "micro_credential_sd_jwt";
/// How long an offer (and its pre-authorized code) lives unless the admin asks for less.
pub const DEFAULT_OFFER_TTL: Duration = Duration::minutes(10);
/// The longest offer the admin may ask for.
pub const MAX_OFFER_TTL: Duration = Duration::hours(24);
/// How long an offer's record is kept after it expires, so the admin can still read where it stood.
pub const OFFER_RETENTION: Duration = Duration::hours(24);
/// How long an access token lives.
pub const ACCESS_TOKEN_TTL: Duration = Duration::minutes(5);
/// How long a `c_nonce` lives.
pub const NONCE_TTL: Duration = Duration::minutes(5);
/// Wrong transaction codes before the pre-authorized code is invalidated.
pub const MAX_TX_CODE_ATTEMPTS: u32 = 3;
/// Digits of a learner's one-time sign-in code (authorization code flow).
pub const SIGN_IN_CODE_LENGTH: u32 = 8;
/// The grant type of the authorization code flow.
pub const AUTHORIZATION_CODE_GRANT: &str = "authorization_code";
/// Digits of a generated transaction code.
pub const DEFAULT_TX_CODE_LENGTH: u32 = 6;
/// Most unexpired nonces kept (an unauthenticated endpoint must not grow storage without bound).
pub const MAX_NONCES: usize = 100_000;
/// The most copies one credential request may ask for (`batch_credential_issuance.batch_size`): enough for a
/// person to show one credential to ten employers without any two being able to link what they saw.
pub const BATCH_SIZE: usize = 10;

/// Where an offer stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfferState {
    /// Waiting for the wallet.
    Offered,
    /// The code was redeemed for an access token.
    TokenIssued,
    /// A credential request holds the token; the credential is being signed.
    Issuing,
    /// The credential was issued.
    CredentialIssued,
    /// The wallet reported it stored the credential.
    CredentialAccepted,
    /// The wallet reported it could not store it.
    CredentialFailure,
    /// The holder deleted it.
    CredentialDeleted,
    /// Too many wrong transaction codes.
    Locked,
}

/// What the admin asks for.
#[derive(Debug, Clone)]
pub struct OfferRequest {
    /// What the learner earned.
    pub description: AchievementDescription,
    /// Digits of a transaction code to require (delivered out of band), if any.
    pub tx_code_length: Option<u32>,
    /// How long the offer lives.
    pub ttl: Duration,
    /// The provider's own label for the learner (kept with the issued credential's record, never in it).
    pub label: Option<String>,
    /// How the wallet gets its token.
    pub flow: IssuanceFlow,
}

/// An offer as created, for the admin to hand to the learner.
#[derive(Debug, Clone, Serialize)]
pub struct CreatedOffer {
    /// The offer's id.
    pub id: String,
    /// `openid-credential-offer://?credential_offer_uri=…`.
    pub offer_uri: String,
    /// Where the offer is served.
    pub credential_offer_uri: String,
    /// The transaction code, to send to the learner by another channel (shown once, never stored).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tx_code: Option<SecretString>,
    /// The one-time code the learner types on the issuer's sign-in page (authorization code flow; shown once,
    /// never stored).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sign_in_code: Option<SecretString>,
    /// RFC 3339.
    pub expires_at: String,
}

/// An offer as stored: no code in clear.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct OfferRecord {
    v: u32,
    pub(super) configuration: String,
    pub(super) description: AchievementDescription,
    /// The transaction code's HMAC digest (base64url) and what the wallet is told about it.
    tx_code: Option<(String, TxCode)>,
    /// Unix seconds after which the code cannot be redeemed.
    pub(super) redeemable_until: i64,
    pub(super) wrong_attempts: u32,
    pub(super) state: OfferState,
    credential_id: Option<String>,
    notification_id: Option<String>,
    /// The provider's label for the learner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    label: Option<String>,
    /// How the wallet gets its token.
    #[serde(default)]
    pub(super) flow: IssuanceFlow,
    /// The HMAC digest of the learner's one-time sign-in code (authorization code flow).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) sign_in: Option<String>,
}

/// What an access token grants: the credential of one offer, to the holder of the DPoP key `jkt` when bound.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct TokenGrant {
    pub(super) offer: String,
    /// The RFC 7638 thumbprint of the DPoP key the token is bound to (`cnf.jkt`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) jkt: Option<String>,
}

/// How the learner's wallet gets its access token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IssuanceFlow {
    /// The offer carries a pre-authorized code (with a transaction code when asked).
    #[default]
    PreAuthorized,
    /// The offer carries an `issuer_state`; the learner signs in on the issuer's authorization page with a
    /// one-time code the provider sends, through PAR, PKCE and DPoP (HAIP).
    AuthorizationCode,
}

/// The issuer's side of `OpenID4VCI`: its durable protocol state and the service it issues with.
pub struct CredentialIssuance {
    service: Arc<IssuerService>,
    pub(super) key: Zeroizing<[u8; 32]>,
    pub(super) offers: Expiring<OfferRecord>,
    codes: Expiring<String>,
    pub(super) tokens: Expiring<TokenGrant>,
    nonces: Expiring<()>,
    pub(super) authorization: super::authorization::AuthorizationState,
}

impl std::fmt::Debug for CredentialIssuance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CredentialIssuance").field("offers", &self.offers.len()).finish_non_exhaustive()
    }
}

pub(super) fn numeric_code(length: u32) -> String {
    use rand::Rng as _;
    let mut rng = rand::rngs::OsRng;
    (0..length).map(|_| char::from(b'0' + rng.gen_range(0..10u8))).collect()
}

/// An error of the token or credential endpoint with its HTTP status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointError {
    /// 400, 401, …
    pub status: u16,
    /// The OAuth error.
    pub error: ProtocolError,
}

pub(super) fn bad(code: &'static str, description: impl Into<String>) -> EndpointError {
    EndpointError { status: 400, error: ProtocolError::new(code, description) }
}

pub(super) fn unauthorized(description: impl Into<String>) -> EndpointError {
    EndpointError { status: 401, error: ProtocolError::new("invalid_token", description) }
}

pub(super) fn storage(error: &StoreError) -> EndpointError {
    tracing::error!(%error, "OpenID4VCI state");
    EndpointError { status: 500, error: ProtocolError::new("server_error", "the issuer's state could not be read") }
}

pub(super) fn digest(secret: &str) -> Vec<u8> {
    sha256(secret).to_vec()
}

impl CredentialIssuance {
    /// The protocol for `service`, its state in `db`, codes derived from the protocol `key`.
    ///
    /// # Errors
    /// [`StoreError`] when the trees cannot be opened.
    pub fn open(service: Arc<IssuerService>, db: &Database, key: Zeroizing<[u8; 32]>) -> Result<Self, StoreError> {
        Ok(Self {
            service,
            key,
            offers: Expiring::open(db, "issuer.oid4vci.offers")?,
            codes: Expiring::open(db, "issuer.oid4vci.codes")?,
            tokens: Expiring::open(db, "issuer.oid4vci.tokens")?,
            nonces: Expiring::open(db, "issuer.oid4vci.nonces")?,
            authorization: super::authorization::AuthorizationState::open(db)?,
        })
    }

    /// The service credentials are issued with.
    #[must_use]
    pub fn service(&self) -> &IssuerService {
        &self.service
    }

    pub(super) fn public_url(&self) -> &str {
        self.service.public_url()
    }

    fn signer(&self) -> Arc<super::Issuer> {
        self.service.signer()
    }

    /// The base64url HMAC of `label` under the protocol key: how every secret of an offer is derived instead of
    /// stored (its code, its `issuer_state`) or kept only as a digest (transaction and sign-in codes).
    fn keyed(&self, label: &str) -> String {
        b64url(hmac_sha256(self.key.as_slice(), label.as_bytes()))
    }

    /// The offer's pre-authorized code: derived, never stored.
    fn code_of(&self, offer: &str) -> String {
        self.keyed(&format!("pre-authorized_code\0{offer}"))
    }

    /// The digest a learner's sign-in code is kept and compared as.
    pub(super) fn sign_in_digest(&self, offer: &str, code: &str) -> String {
        self.keyed(&format!("sign_in\0{offer}\0{code}"))
    }

    /// The `issuer_state` of an authorization code offer: its id and an HMAC over it, so the state names its
    /// offer without a lookup table and cannot be made up.
    pub(super) fn issuer_state(&self, offer: &str) -> String {
        format!("{offer}.{}", self.keyed(&format!("issuer_state\0{offer}")))
    }

    /// The digest a transaction code is kept and compared as.
    fn tx_digest(&self, offer: &str, code: &str) -> String {
        self.keyed(&format!("tx_code\0{offer}\0{code}"))
    }

    /// Removes expired offers, codes, tokens and nonces; returns how many.
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn purge(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        Ok(self.offers.purge(now)?
            + self.codes.purge(now)?
            + self.tokens.purge(now)?
            + self.nonces.purge(now)?
            + self.authorization.purge(now)?)
    }

    /// The credential issuer identifier: the public URL.
    #[must_use]
    pub fn credential_issuer(&self) -> &str {
        self.public_url()
    }

    /// Credential issuer metadata (section 12.2): one `dc+sd-jwt` configuration per credential type.
    #[must_use]
    pub fn credential_issuer_metadata(&self) -> Value {
        let base = self.public_url();
        let signing_alg = self.service.signing_algorithm().jws_alg();
        let configuration = |id: &str, vct: &str, name: &str| {
            json!({
                "format": Format::SdJwtVc.protocol_identifier(),
                "vct": vct,
                "scope": scope_of(id),
                "cryptographic_binding_methods_supported": ["jwk", "did:key", "did:jwk"],
                "credential_signing_alg_values_supported": [signing_alg],
                "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": AlgorithmPolicy::ACCEPTED}},
                "credential_metadata": {
                    "display": [{"name": name, "locale": "en"}],
                    "claims": [
                        {"path": ["name"], "display": [{"name": "Achievement", "locale": "en"}]},
                        {"path": ["skills", null, "id"], "display": [{"name": "ESCO skill", "locale": "en"}]},
                        {"path": ["learner_name"], "display": [{"name": "Learner", "locale": "en"}]},
                    ],
                },
            })
        };
        json!({
            "credential_issuer": base,
            "credential_endpoint": format!("{base}/credential"),
            "nonce_endpoint": format!("{base}/nonce"),
            "notification_endpoint": format!("{base}/notification"),
            "batch_credential_issuance": {"batch_size": BATCH_SIZE},
            "display": [{"name": "skillspass issuer", "locale": "en"}],
            "credential_configurations_supported": {
                SKILL_CONFIGURATION: configuration(SKILL_CONFIGURATION, VCT_SKILL, "Skill credential"),
                MICRO_CREDENTIAL_CONFIGURATION:
                    configuration(MICRO_CREDENTIAL_CONFIGURATION, VCT_MICRO_CREDENTIAL, "EU micro-credential"),
            },
        })
    }

    /// OAuth authorization server metadata (RFC 8414): the issuer is its own authorization server, for the
    /// pre-authorized code (anonymous access) and the authorization code flow (PAR, PKCE, DPoP, attestations).
    #[must_use]
    pub fn authorization_server_metadata(&self) -> Value {
        let base = self.public_url();
        let mut metadata = json!({
            "issuer": base,
            "token_endpoint": format!("{base}/token"),
            "grant_types_supported": [AUTHORIZATION_CODE_GRANT, PRE_AUTHORIZED_CODE_GRANT],
            "pre-authorized_grant_anonymous_access_supported": true,
            "scopes_supported": [scope_of(SKILL_CONFIGURATION), scope_of(MICRO_CREDENTIAL_CONFIGURATION)],
        });
        if let Value::Object(members) = &mut metadata {
            members.extend(self.authorization_code_metadata());
        }
        metadata
    }

    /// Creates an offer for what the description describes; the description is validated now (a micro-credential
    /// missing an EU element is refused here, not when the wallet comes).
    ///
    /// # Errors
    /// [`IssueError`] naming what is wrong.
    pub fn create_offer(&self, request: OfferRequest, now: DateTime<Utc>) -> Result<CreatedOffer, IssueError> {
        let placeholder = Did::key(&crate::core::keys::SigningKey::from_seed(&[7; 32]).verifying_key());
        let probe = self.signer().build_credential(&request.description, placeholder.as_str(), None, now)?;
        self.signer().validate(&serde_json::to_value(&probe).map_err(|e| IssueError::Description(e.to_string()))?)?;
        if !(Duration::seconds(1)..=MAX_OFFER_TTL).contains(&request.ttl) {
            return Err(IssueError::Offer("an offer lives between 1 second and 24 hours".into()));
        }
        let id = random_b64url(16);
        let tx_code = match request.tx_code_length {
            Some(length @ 4..=12) => {
                let meta = TxCode {
                    input_mode: Some("numeric".into()),
                    length: Some(length),
                    description: Some("The code your training provider sent you by e-mail".into()),
                };
                Some((SecretString::new(numeric_code(length)), meta))
            }
            Some(_) => return Err(IssueError::Offer("a transaction code has 4 to 12 digits".into())),
            None => None,
        };
        let sign_in_code = match request.flow {
            IssuanceFlow::PreAuthorized => None,
            IssuanceFlow::AuthorizationCode if tx_code.is_some() => {
                return Err(IssueError::Offer(
                    "a transaction code belongs to the pre-authorized flow; in the authorization code flow the \
                     learner signs in with a one-time code instead"
                        .into(),
                ));
            }
            IssuanceFlow::AuthorizationCode => Some(SecretString::new(numeric_code(SIGN_IN_CODE_LENGTH))),
        };
        let micro = request.description.achievement.achievement_type.as_deref() == Some(MICRO_CREDENTIAL);
        let expires = now + request.ttl;
        let record = OfferRecord {
            v: 1,
            configuration: if micro { MICRO_CREDENTIAL_CONFIGURATION } else { SKILL_CONFIGURATION }.to_owned(),
            description: request.description,
            tx_code: tx_code.as_ref().map(|(code, meta)| (self.tx_digest(&id, code.expose()), meta.clone())),
            redeemable_until: expires.timestamp(),
            wrong_attempts: 0,
            state: OfferState::Offered,
            credential_id: None,
            notification_id: None,
            label: request.label,
            flow: request.flow,
            sign_in: sign_in_code.as_ref().map(|code| self.sign_in_digest(&id, code.expose())),
        };
        let store = |e: StoreError| IssueError::Store(e.to_string());
        self.offers.insert(id.as_bytes(), &record, expires + OFFER_RETENTION).map_err(store)?;
        if request.flow == IssuanceFlow::PreAuthorized {
            self.codes.insert(&digest(&self.code_of(&id)), &id, expires).map_err(store)?;
        }
        let url = format!("{}/offers/{id}", self.public_url());
        Ok(CreatedOffer {
            id,
            offer_uri: openid4vci::offer_uri(&url),
            credential_offer_uri: url,
            tx_code: tx_code.map(|(code, _)| code),
            sign_in_code,
            expires_at: crate::core::vc_jose::rfc3339(expires),
        })
    }

    /// The offer document served at its `credential_offer_uri`, while the code is unused and unexpired.
    #[must_use]
    pub fn offer(&self, id: &str, now: DateTime<Utc>) -> Option<CredentialOffer> {
        let record = self.offers.get(id.as_bytes(), now).ok()??;
        if record.state != OfferState::Offered || record.redeemable_until <= now.timestamp() {
            return None;
        }
        let grants = match record.flow {
            IssuanceFlow::PreAuthorized => Grants {
                pre_authorized_code: Some(PreAuthorizedCode {
                    code: self.code_of(id),
                    tx_code: record.tx_code.map(|(_, meta)| meta),
                }),
                other: serde_json::Map::new(),
            },
            IssuanceFlow::AuthorizationCode => Grants {
                pre_authorized_code: None,
                other: serde_json::Map::from_iter([(
                    AUTHORIZATION_CODE_GRANT.to_owned(),
                    json!({"issuer_state": self.issuer_state(id)}),
                )]),
            },
        };
        Some(CredentialOffer {
            credential_issuer: self.credential_issuer().to_owned(),
            credential_configuration_ids: vec![record.configuration.clone()],
            grants: Some(grants),
        })
    }

    /// Where an offer stands (admin).
    #[must_use]
    pub fn offer_state(&self, id: &str, now: DateTime<Utc>) -> Option<(OfferState, Option<String>)> {
        let record = self.offers.get(id.as_bytes(), now).ok()??;
        Some((record.state, record.credential_id))
    }

    /// The token endpoint (section 6) for the pre-authorized code grant. The code is consumed only by a request
    /// that is valid otherwise; a wrong transaction code is counted, and the third locks the offer.
    ///
    /// # Errors
    /// [`EndpointError`] with the specification's codes.
    pub fn token(
        &self,
        form: &HashMap<String, String>,
        proofs: ClientProofs<'_>,
        now: DateTime<Utc>,
    ) -> Result<Value, EndpointError> {
        match form.get("grant_type").map(String::as_str) {
            Some(PRE_AUTHORIZED_CODE_GRANT) => {}
            Some(AUTHORIZATION_CODE_GRANT) => return self.authorization_code_token(form, proofs, now),
            Some(other) => return Err(bad("unsupported_grant_type", format!("grant_type {other:?}"))),
            None => return Err(bad("invalid_request", "grant_type is missing")),
        }
        let bound = self.token_dpop(proofs, now)?;
        self.authenticate(proofs, form.get("client_id").map(String::as_str), now)?;
        let code =
            form.get("pre-authorized_code").ok_or_else(|| bad("invalid_request", "pre-authorized_code is missing"))?;
        let unknown = || bad("invalid_grant", "unknown, expired or used pre-authorized code");
        let id = self.codes.get(&digest(code), now).map_err(|e| storage(&e))?.ok_or_else(unknown)?;
        let record = self.offers.get(id.as_bytes(), now).map_err(|e| storage(&e))?.ok_or_else(unknown)?;
        let details = form
            .get("authorization_details")
            .map(|details| authorization_details(details, &record.configuration))
            .transpose()?;
        match (&record.tx_code, form.get("tx_code")) {
            (None, Some(_)) => return Err(bad("invalid_request", "tx_code was sent but this offer does not use one")),
            (Some(_), None) => return Err(bad("invalid_request", "this offer requires a tx_code")),
            _ => {}
        }
        let given = form.get("tx_code").map(|code| self.tx_digest(&id, code));
        let redeemed = self
            .offers
            .update(id.as_bytes(), now, |offer| redeem(offer, given.as_deref(), now))
            .map_err(|e| storage(&e))?
            .ok_or_else(unknown)?;
        // The code's entry stays until the offer expires, so a second use is told "already used".
        redeemed?;
        let token = random_b64url(32);
        let token_type = if bound.is_some() { "DPoP" } else { "Bearer" };
        let grant = TokenGrant { offer: id, jkt: bound.map(|proof| proof.jkt) };
        self.tokens.insert(&digest(&token), &grant, now + ACCESS_TOKEN_TTL).map_err(|e| storage(&e))?;
        let mut answer = json!({
            "access_token": token,
            "token_type": token_type,
            "expires_in": ACCESS_TOKEN_TTL.num_seconds(),
        });
        if let Some(details) = details {
            answer["authorization_details"] = details;
        }
        Ok(answer)
    }

    /// The nonce endpoint (section 7): a fresh, unpredictable `c_nonce`, valid for [`NONCE_TTL`], single use.
    ///
    /// # Errors
    /// [`EndpointError`] 503 when [`MAX_NONCES`] unexpired nonces are outstanding, or storage failures.
    pub fn c_nonce(&self, now: DateTime<Utc>) -> Result<String, EndpointError> {
        let full = self.nonces.holds_at_least(MAX_NONCES).map_err(|e| storage(&e))?;
        if full && self.nonces.purge(now).map_err(|e| storage(&e))? == 0 {
            let error = ProtocolError::new("temporarily_unavailable", "too many outstanding nonces; try again later");
            return Err(EndpointError { status: 503, error });
        }
        let nonce = random_b64url(32);
        self.nonces.insert(nonce.as_bytes(), &(), now + NONCE_TTL).map_err(|e| storage(&e))?;
        Ok(nonce)
    }

    /// The credential endpoint (section 8): checks the access token, the request and the key proof (including its
    /// `c_nonce`, consumed), then claims the token's offer (so concurrent requests with one token get one
    /// credential between them) and issues the offered credential as an SD-JWT VC bound to the proven key.
    ///
    /// # Errors
    /// [`EndpointError`] with the specification's codes.
    pub fn credential(&self, access: Access<'_>, request: &Value, now: DateTime<Utc>) -> Result<Value, EndpointError> {
        let (offer_id, record) = self.granted(access, now)?;
        check_configuration(request, &record.configuration)?;
        let keys = self.proven_keys(request, now)?;
        self.claim(&offer_id, now)?;
        match self.sign_for(&record.description, &keys, now) {
            Ok((credential_id, copies)) => {
                if record.label.is_some() {
                    self.service.label(&credential_id, record.label.clone()).map_err(|e| storage(&e))?;
                }
                let notification_id = random_b64url(16);
                self.offers
                    .update(offer_id.as_bytes(), now, |offer| {
                        offer.state = OfferState::CredentialIssued;
                        offer.credential_id = Some(credential_id.clone());
                        offer.notification_id = Some(notification_id.clone());
                        ((), true)
                    })
                    .map_err(|e| storage(&e))?;
                tracing::info!(credential = %credential_id, copies = copies.len(), "credential issued over OpenID4VCI");
                let credentials: Vec<Value> = copies.into_iter().map(|c| json!({"credential": c})).collect();
                Ok(json!({"credentials": credentials, "notification_id": notification_id}))
            }
            Err(error) => {
                self.set_state(&offer_id, OfferState::TokenIssued, now)?;
                Err(error)
            }
        }
    }

    /// The keys the request's proofs prove (section 8.2): one, or up to [`BATCH_SIZE`] for a batch. Every proof must
    /// verify, carry the one `c_nonce` (consumed here, once) and prove a key no other proof of the request proves.
    fn proven_keys(&self, request: &Value, now: DateTime<Utc>) -> Result<Vec<VerifyingKey>, EndpointError> {
        let mut keys: Vec<VerifyingKey> = Vec::new();
        let mut nonce: Option<Option<String>> = None;
        for proof in key_proofs(request)? {
            let proven = openid4vci::check_key_proof(proof, self.credential_issuer(), now)
                .map_err(|e| bad(e.code, e.description))?;
            if nonce.get_or_insert_with(|| proven.nonce.clone()) != &proven.nonce {
                return Err(bad("invalid_nonce", "every proof of a batch carries the same c_nonce"));
            }
            if keys.iter().any(|key| key.to_jwk() == proven.key.to_jwk()) {
                return Err(bad(
                    "invalid_proof",
                    "two proofs of the batch prove the same key; each copy needs its own",
                ));
            }
            keys.push(proven.key);
        }
        self.use_nonce(nonce.flatten().as_deref(), now)?;
        Ok(keys)
    }

    /// Signs the offered credential once per proven key: the first key is the subject, the others get copies.
    fn sign_for(
        &self,
        description: &AchievementDescription,
        keys: &[VerifyingKey],
        now: DateTime<Utc>,
    ) -> Result<(String, Vec<String>), EndpointError> {
        let (first, more) =
            keys.split_first().ok_or_else(|| bad("invalid_proof", "the request carries no key proof"))?;
        let holder = Did::key(first);
        let built = self
            .signer()
            .build_credential(description, holder.as_str(), None, now)
            .and_then(|c| serde_json::to_value(c).map_err(|e| IssueError::Description(e.to_string())))
            .map_err(|e| bad("credential_request_denied", e.to_string()))?;
        self.service
            .issue_sd_jwt_copies(built, more, self.service.issues_under_url(), now)
            .map_err(|e| bad("credential_request_denied", e.to_string()))
    }

    /// The notification endpoint (section 11): records the wallet's event for the offer.
    ///
    /// # Errors
    /// [`EndpointError`] `invalid_token`, `invalid_notification_id` or `invalid_notification_request`.
    pub fn notify(&self, access: Access<'_>, body: &Value, now: DateTime<Utc>) -> Result<(), EndpointError> {
        let grant = self.check_access(access, "/notification", now)?;
        let state = match body.get("event").and_then(Value::as_str) {
            Some("credential_accepted") => OfferState::CredentialAccepted,
            Some("credential_failure") => OfferState::CredentialFailure,
            Some("credential_deleted") => OfferState::CredentialDeleted,
            _ => return Err(bad("invalid_notification_request", "event is not one of the defined events")),
        };
        let id = body.get("notification_id").and_then(Value::as_str).map(str::to_owned);
        let recorded = self
            .offers
            .update(grant.offer.as_bytes(), now, |offer| {
                if id.is_none() || offer.notification_id != id {
                    return (false, false);
                }
                offer.state = state;
                (true, true)
            })
            .map_err(|e| storage(&e))?
            .ok_or_else(|| unauthorized("unknown access token"))?;
        if recorded { Ok(()) } else { Err(bad("invalid_notification_id", "unknown notification_id")) }
    }

    fn granted(&self, access: Access<'_>, now: DateTime<Utc>) -> Result<(String, OfferRecord), EndpointError> {
        let grant = self.check_access(access, "/credential", now)?;
        let record = self.offers.get(grant.offer.as_bytes(), now).map_err(|e| storage(&e))?;
        let record = record.ok_or_else(|| unauthorized("unknown access token"))?;
        if record.state != OfferState::TokenIssued {
            return Err(bad("credential_request_denied", "the credential of this offer was already issued"));
        }
        Ok((grant.offer, record))
    }

    /// Moves the offer from `TokenIssued` to `Issuing`: exactly one request per token gets there.
    fn claim(&self, offer_id: &str, now: DateTime<Utc>) -> Result<(), EndpointError> {
        let claimed = self
            .offers
            .update(offer_id.as_bytes(), now, |offer| {
                if offer.state == OfferState::TokenIssued {
                    offer.state = OfferState::Issuing;
                    (true, true)
                } else {
                    (false, false)
                }
            })
            .map_err(|e| storage(&e))?;
        if claimed == Some(true) {
            Ok(())
        } else {
            Err(bad("credential_request_denied", "the credential of this offer was already issued"))
        }
    }

    fn set_state(&self, offer_id: &str, state: OfferState, now: DateTime<Utc>) -> Result<(), EndpointError> {
        self.offers
            .update(offer_id.as_bytes(), now, |offer| {
                offer.state = state;
                ((), true)
            })
            .map_err(|e| storage(&e))?;
        Ok(())
    }

    fn use_nonce(&self, nonce: Option<&str>, now: DateTime<Utc>) -> Result<(), EndpointError> {
        let nonce =
            nonce.ok_or_else(|| bad("invalid_nonce", "the proof carries no nonce; get one from the nonce endpoint"))?;
        match self.nonces.take(nonce.as_bytes(), now).map_err(|e| storage(&e))? {
            Some(()) => Ok(()),
            None => Err(bad("invalid_nonce", "the c_nonce is unknown, expired or was already used; get a new one")),
        }
    }
}

/// The state change of a token request: the offer must be redeemable, and the transaction code (when the offer has
/// one) right; a wrong one is counted and the third locks the offer. Returns what to answer and whether to write.
fn redeem(offer: &mut OfferRecord, given: Option<&str>, now: DateTime<Utc>) -> (Result<(), EndpointError>, bool) {
    if offer.state != OfferState::Offered {
        return (Err(bad("invalid_grant", "the pre-authorized code was already used")), false);
    }
    if offer.redeemable_until <= now.timestamp() {
        return (Err(bad("invalid_grant", "the pre-authorized code has expired")), false);
    }
    if let (Some((expected, _)), Some(given)) = (&offer.tx_code, given) {
        if !bool::from(expected.as_bytes().ct_eq(given.as_bytes())) {
            offer.wrong_attempts += 1;
            if offer.wrong_attempts >= MAX_TX_CODE_ATTEMPTS {
                offer.state = OfferState::Locked;
                return (Err(bad("invalid_grant", "wrong tx_code; too many attempts, the offer is now invalid")), true);
            }
            let left = MAX_TX_CODE_ATTEMPTS - offer.wrong_attempts;
            return (Err(bad("invalid_grant", format!("wrong tx_code ({left} attempt(s) left)"))), true);
        }
    }
    offer.state = OfferState::TokenIssued;
    (Ok(()), true)
}

/// The OAuth scope that asks for configuration `id` (`scope` in its metadata).
pub(super) fn scope_of(id: &str) -> &'static str {
    if id == MICRO_CREDENTIAL_CONFIGURATION { "eu_micro-credential" } else { "skill_credential" }
}

/// The request must name the configuration this token was granted for.
fn check_configuration(request: &Value, configuration: &str) -> Result<(), EndpointError> {
    let asked = match (request.get("credential_configuration_id"), request.get("credential_identifier")) {
        (Some(_), Some(_)) => {
            return Err(bad(
                "invalid_credential_request",
                "credential_configuration_id and credential_identifier exclude each other",
            ));
        }
        (None, Some(identifier)) if identifier.as_str() == Some(configuration) => Some(configuration),
        (None, Some(_)) => {
            return Err(bad("unknown_credential_identifier", "not a credential identifier of this token"));
        }
        (id, None) => id.and_then(Value::as_str),
    };
    match asked {
        Some(id) if id == configuration => Ok(()),
        Some(id) if [SKILL_CONFIGURATION, MICRO_CREDENTIAL_CONFIGURATION].contains(&id) => {
            Err(bad("invalid_credential_request", format!("{id:?} was not offered with this token")))
        }
        Some(id) => Err(bad("unknown_credential_configuration", format!("{id:?} is not offered here"))),
        None => Err(bad("invalid_credential_request", "credential_configuration_id is missing")),
    }
}

/// The proofs of a credential request: `proofs.jwt` (one to [`BATCH_SIZE`]) or the older single `proof`, never both.
fn key_proofs(request: &Value) -> Result<Vec<&str>, EndpointError> {
    match (request.get("proofs"), request.get("proof")) {
        (Some(_), Some(_)) => Err(bad("invalid_credential_request", "proof and proofs must not both be present")),
        (Some(proofs), None) => {
            let proofs = proofs
                .get("jwt")
                .and_then(Value::as_array)
                .ok_or_else(|| bad("invalid_proof", "proofs.jwt is missing"))?;
            if proofs.is_empty() || proofs.len() > BATCH_SIZE {
                return Err(bad(
                    "invalid_credential_request",
                    format!("proofs.jwt holds {} proofs; this issuer takes 1 to {BATCH_SIZE}", proofs.len()),
                ));
            }
            proofs.iter().map(|p| p.as_str().ok_or_else(|| bad("invalid_proof", "a proof is not a string"))).collect()
        }
        (None, Some(proof)) if proof.get("proof_type").and_then(Value::as_str) == Some("jwt") => Ok(vec![
            proof.get("jwt").and_then(Value::as_str).ok_or_else(|| bad("invalid_proof", "proof.jwt is missing"))?,
        ]),
        (None, Some(_)) => Err(bad("invalid_proof", "only the jwt proof type is supported")),
        (None, None) => Err(bad("invalid_proof", "the request carries no key proof")),
    }
}

pub(super) fn authorization_details(text: &str, configuration: &str) -> Result<Value, EndpointError> {
    let details: Value = crate::core::encoding::parse_json(text.as_bytes())
        .map_err(|e| bad("invalid_authorization_details", e.to_string()))?;
    let Value::Array(entries) = details else {
        return Err(bad("invalid_authorization_details", "not an array"));
    };
    entries
        .into_iter()
        .map(|mut entry| {
            let asked = entry.get("credential_configuration_id").and_then(Value::as_str);
            if entry.get("type").and_then(Value::as_str) != Some("openid_credential") || asked != Some(configuration) {
                return Err(bad("invalid_authorization_details", "only the offered configuration can be asked for"));
            }
            entry["credential_identifiers"] = json!([configuration]);
            Ok(entry)
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Value::Array)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::keys::SigningKey;
    use crate::issuer::service::ServiceConfig;

    fn bearer(token: &str) -> Access<'_> {
        Access { token, scheme: super::super::authorization::AccessScheme::Bearer, dpop: None }
    }

    fn service(dir: &std::path::Path) -> CredentialIssuance {
        on(&crate::store::Database::open_folder(dir).unwrap())
    }

    /// A fresh protocol object over `db`: nothing carried over in memory, as after a restart.
    fn on(db: &Database) -> CredentialIssuance {
        let db = db.clone();
        let key = Zeroizing::new([9u8; 32]);
        let config = ServiceConfig {
            public_url: "https://academy.example".into(),
            entries_per_list: 131_072,
            status_ttl_ms: 300_000,
        };
        let service = IssuerService::open(db.clone(), SigningKey::generate(&mut rand::rngs::OsRng), config).unwrap();
        CredentialIssuance::open(Arc::new(service), &db, key).unwrap()
    }

    /// A pre-authorized offer of the example micro-credential.
    fn offer_request(tx_code_length: Option<u32>) -> OfferRequest {
        OfferRequest {
            description: description(),
            tx_code_length,
            ttl: DEFAULT_OFFER_TTL,
            label: None,
            flow: IssuanceFlow::PreAuthorized,
        }
    }

    fn description() -> AchievementDescription {
        serde_json::from_str(include_str!("../../docs/examples/micro-credential.json")).unwrap()
    }

    #[test]
    fn a_stale_c_nonce_is_refused_and_a_fresh_one_works_once() {
        let dir = tempfile::tempdir().unwrap();
        let service = service(dir.path());
        let now = DateTime::from_timestamp(1_790_000_000, 0).unwrap();
        let request = offer_request(None);
        let created = service.create_offer(request, now).unwrap();
        let code = service.offer(&created.id, now).unwrap().pre_authorized_code().unwrap().code.clone();
        let form = HashMap::from([
            ("grant_type".to_owned(), PRE_AUTHORIZED_CODE_GRANT.to_owned()),
            ("pre-authorized_code".to_owned(), code),
        ]);
        let token =
            service.token(&form, ClientProofs::default(), now).unwrap()["access_token"].as_str().unwrap().to_owned();
        let holder = SigningKey::generate(&mut rand::rngs::OsRng);
        let kid = Did::key(&holder.verifying_key()).default_kid();
        let proof = |nonce: &str| {
            let jwt = openid4vci::key_proof(&holder, &kid, "https://academy.example", Some(nonce), now).unwrap();
            json!({"credential_configuration_id": MICRO_CREDENTIAL_CONFIGURATION, "proofs": {"jwt": [jwt]}})
        };
        let stale = service.c_nonce(now - NONCE_TTL - Duration::seconds(1)).unwrap();
        let refused = service.credential(bearer(&token), &proof(&stale), now).unwrap_err();
        assert_eq!((refused.error.code, refused.error.description.contains("expired")), ("invalid_nonce", true));
        let fresh = service.c_nonce(now).unwrap();
        assert!(service.credential(bearer(&token), &proof(&fresh), now).is_ok());
        assert_ne!(fresh, service.c_nonce(now).unwrap(), "nonces are never repeated");
    }

    fn redeem_code(service: &CredentialIssuance, id: &str, now: DateTime<Utc>) -> String {
        let code = service.offer(id, now).unwrap().pre_authorized_code().unwrap().code.clone();
        let form = HashMap::from([
            ("grant_type".to_owned(), PRE_AUTHORIZED_CODE_GRANT.to_owned()),
            ("pre-authorized_code".to_owned(), code),
        ]);
        service.token(&form, ClientProofs::default(), now).unwrap()["access_token"].as_str().unwrap().to_owned()
    }

    /// Issue 11: two concurrent credential requests with one access token and two fresh nonces get one credential.
    #[test]
    fn one_access_token_yields_one_credential_under_concurrency_issue_11() {
        let dir = tempfile::tempdir().unwrap();
        let service = service(dir.path());
        let now = Utc::now();
        let request = offer_request(None);
        let created = service.create_offer(request, now).unwrap();
        let token = redeem_code(&service, &created.id, now);
        let holder = SigningKey::generate(&mut rand::rngs::OsRng);
        let kid = Did::key(&holder.verifying_key()).default_kid();
        let requests: Vec<Value> = (0..6)
            .map(|_| {
                let nonce = service.c_nonce(now).unwrap();
                let jwt = openid4vci::key_proof(&holder, &kid, "https://academy.example", Some(&nonce), now).unwrap();
                json!({"credential_configuration_id": MICRO_CREDENTIAL_CONFIGURATION, "proofs": {"jwt": [jwt]}})
            })
            .collect();
        let issued = std::thread::scope(|scope| {
            let handles: Vec<_> =
                requests.iter().map(|r| scope.spawn(|| service.credential(bearer(&token), r, now).is_ok())).collect();
            handles.into_iter().map(|h| usize::from(h.join().unwrap())).sum::<usize>()
        });
        assert_eq!(issued, 1, "exactly one credential for one access token");
        assert_eq!(service.offer_state(&created.id, now).unwrap().0, OfferState::CredentialIssued);
    }

    /// Issue 11: a token request refused for malformed `authorization_details` does not use up the code.
    #[test]
    fn a_refused_token_request_does_not_burn_the_code_issue_11() {
        let dir = tempfile::tempdir().unwrap();
        let service = service(dir.path());
        let now = Utc::now();
        let request = offer_request(None);
        let created = service.create_offer(request, now).unwrap();
        let code = service.offer(&created.id, now).unwrap().pre_authorized_code().unwrap().code.clone();
        let mut form = HashMap::from([
            ("grant_type".to_owned(), PRE_AUTHORIZED_CODE_GRANT.to_owned()),
            ("pre-authorized_code".to_owned(), code),
            ("authorization_details".to_owned(), "not json".to_owned()),
        ]);
        assert_eq!(
            service.token(&form, ClientProofs::default(), now).unwrap_err().error.code,
            "invalid_authorization_details"
        );
        form.remove("authorization_details");
        assert!(service.token(&form, ClientProofs::default(), now).is_ok(), "the code still works for a valid request");
        assert_eq!(
            service.token(&form, ClientProofs::default(), now).unwrap_err().error.code,
            "invalid_grant",
            "and then only once"
        );
    }

    /// Issue 11: the offer and its code survive a restart (the state is in sled), and a used code stays used.
    #[test]
    fn offers_and_used_codes_survive_a_restart_issue_11() {
        let dir = tempfile::tempdir().unwrap();
        let db = crate::store::Database::open_folder(dir.path()).unwrap();
        let now = Utc::now();
        let (id, code) = {
            let service = on(&db);
            let request = offer_request(None);
            let id = service.create_offer(request, now).unwrap().id;
            (id.clone(), service.offer(&id, now).unwrap().pre_authorized_code().unwrap().code.clone())
        };
        let restarted = on(&db);
        let served = restarted.offer(&id, now).unwrap().pre_authorized_code().unwrap().code.clone();
        assert_eq!(served, code, "the same code after a restart");
        redeem_code(&restarted, &id, now);
        drop(restarted);
        let again = on(&db);
        assert!(again.offer(&id, now).is_none(), "a redeemed offer is not served again after a restart");
        let form = HashMap::from([
            ("grant_type".to_owned(), PRE_AUTHORIZED_CODE_GRANT.to_owned()),
            ("pre-authorized_code".to_owned(), code),
        ]);
        assert_eq!(again.token(&form, ClientProofs::default(), now).unwrap_err().error.code, "invalid_grant");
    }

    /// Issue 11: offers kept their codes in plaintext inside `Debug` types.
    #[test]
    fn no_code_shows_in_debug_output_issue_11() {
        let dir = tempfile::tempdir().unwrap();
        let service = service(dir.path());
        let now = Utc::now();
        let request = offer_request(Some(12));
        let created = service.create_offer(request, now).unwrap();
        let tx_code = created.tx_code.as_ref().unwrap().expose().to_owned();
        let served = service.offer(&created.id, now).unwrap();
        let code = served.pre_authorized_code().unwrap().code.clone();
        for debug in [format!("{created:?}"), format!("{served:?}")] {
            assert!(!debug.contains(&tx_code), "the transaction code in {debug}");
            assert!(!debug.contains(&code), "the pre-authorized code in {debug}");
        }
    }

    #[test]
    fn offers_refuse_descriptions_that_would_not_validate() {
        let dir = tempfile::tempdir().unwrap();
        let service = service(dir.path());
        let mut incomplete = description();
        incomplete.achievement.micro_credential = None;
        let request = OfferRequest {
            description: incomplete,
            tx_code_length: None,
            ttl: DEFAULT_OFFER_TTL,
            label: None,
            flow: IssuanceFlow::PreAuthorized,
        };
        assert!(matches!(service.create_offer(request, Utc::now()), Err(IssueError::Invalid { .. })));
        let request = offer_request(Some(2));
        assert!(service.create_offer(request, Utc::now()).is_err(), "a 2-digit code is too weak");
    }
}
