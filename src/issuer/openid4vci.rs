//! The issuer side of `OpenID4VCI` 1.0, pre-authorized code flow (STANDARDS.md section 4): credential issuer and
//! authorization server metadata, offers made by the admin from an achievement description, the token endpoint
//! (single-use, short-lived codes; an optional transaction code with a limit on wrong attempts), the nonce endpoint,
//! the credential endpoint (key proof checked, credential bound to the proven key), and notifications.
//!
//! Offers, codes, access tokens and nonces live in memory only: they are short-lived secrets, and a restart simply
//! invalidates them (the learner asks for a new offer). Codes and tokens are kept as SHA-256 digests; transaction
//! codes are compared in constant time.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use serde_json::{Value, json};
use subtle::ConstantTimeEq as _;

use super::service::IssuerService;
use super::{AchievementDescription, IssueError};
use crate::core::credential::MICRO_CREDENTIAL;
use crate::core::did::Did;
use crate::core::encoding::random_b64url;
use crate::core::encoding::sha256;
use crate::core::openid4vci::{
    self, CredentialOffer, Grants, PRE_AUTHORIZED_CODE_GRANT, PreAuthorizedCode, ProtocolError, TxCode,
};
use crate::core::sd_jwt_vc::{VCT_MICRO_CREDENTIAL, VCT_SKILL};

/// The configuration id of skill credentials as SD-JWT VCs.
pub const SKILL_CONFIGURATION: &str = "skill_sd_jwt";
/// The configuration id of EU micro-credentials as SD-JWT VCs.
pub const MICRO_CREDENTIAL_CONFIGURATION: &str = "micro_credential_sd_jwt";
/// How long an offer (and its pre-authorized code) lives unless the admin asks for less.
pub const DEFAULT_OFFER_TTL: Duration = Duration::minutes(10);
/// The longest offer the admin may ask for.
pub const MAX_OFFER_TTL: Duration = Duration::hours(24);
/// How long an access token lives.
pub const ACCESS_TOKEN_TTL: Duration = Duration::minutes(5);
/// How long a `c_nonce` lives.
pub const NONCE_TTL: Duration = Duration::minutes(5);
/// Wrong transaction codes before the pre-authorized code is invalidated.
pub const MAX_TX_CODE_ATTEMPTS: u32 = 3;
/// Digits of a generated transaction code.
pub const DEFAULT_TX_CODE_LENGTH: u32 = 6;
/// Most unexpired nonces kept (an unauthenticated endpoint must not grow memory without bound).
const MAX_NONCES: usize = 100_000;

/// Where an offer stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OfferState {
    /// Waiting for the wallet.
    Offered,
    /// The code was redeemed for an access token.
    TokenIssued,
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
    /// The transaction code, to send to the learner by another channel (shown once).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tx_code: Option<String>,
    /// RFC 3339.
    pub expires_at: String,
}

#[derive(Debug)]
struct Offer {
    configuration: &'static str,
    description: AchievementDescription,
    code: String,
    tx_code: Option<(String, TxCode)>,
    expires: DateTime<Utc>,
    wrong_attempts: u32,
    state: OfferState,
    credential_id: Option<String>,
    notification_id: Option<String>,
}

#[derive(Debug)]
struct Grant {
    offer: String,
    expires: DateTime<Utc>,
}

#[derive(Debug, Default)]
struct State {
    offers: HashMap<String, Offer>,
    codes: HashMap<[u8; 32], String>,
    tokens: HashMap<[u8; 32], Grant>,
    nonces: HashMap<String, DateTime<Utc>>,
}

/// The protocol state of the issuer (in memory).
#[derive(Debug, Default)]
pub struct Exchange {
    state: Mutex<State>,
}

impl Exchange {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn numeric_code(length: u32) -> String {
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

fn bad(code: &'static str, description: impl Into<String>) -> EndpointError {
    EndpointError { status: 400, error: ProtocolError::new(code, description) }
}

fn unauthorized(description: impl Into<String>) -> EndpointError {
    EndpointError { status: 401, error: ProtocolError::new("invalid_token", description) }
}

impl IssuerService {
    /// The credential issuer identifier: the public URL.
    #[must_use]
    pub fn credential_issuer(&self) -> &str {
        self.public_url()
    }

    /// Credential issuer metadata (section 12.2): one `dc+sd-jwt` configuration per credential type.
    #[must_use]
    pub fn credential_issuer_metadata(&self) -> Value {
        let base = self.public_url();
        let configuration = |vct: &str, name: &str| {
            json!({
                "format": "dc+sd-jwt",
                "vct": vct,
                "scope": name.to_lowercase().replace(' ', "_"),
                "cryptographic_binding_methods_supported": ["jwk", "did:key", "did:jwk"],
                "credential_signing_alg_values_supported": ["EdDSA", "Ed25519"],
                "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": ["EdDSA", "Ed25519"]}},
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
            "display": [{"name": "skillspass issuer", "locale": "en"}],
            "credential_configurations_supported": {
                SKILL_CONFIGURATION: configuration(VCT_SKILL, "Skill credential"),
                MICRO_CREDENTIAL_CONFIGURATION: configuration(VCT_MICRO_CREDENTIAL, "EU micro-credential"),
            },
        })
    }

    /// OAuth authorization server metadata (RFC 8414): the issuer is its own authorization server, pre-authorized
    /// code only, anonymous access.
    #[must_use]
    pub fn authorization_server_metadata(&self) -> Value {
        let base = self.public_url();
        json!({
            "issuer": base,
            "token_endpoint": format!("{base}/token"),
            "grant_types_supported": [PRE_AUTHORIZED_CODE_GRANT],
            "pre-authorized_grant_anonymous_access_supported": true,
            "token_endpoint_auth_methods_supported": ["none"],
        })
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
            return Err(IssueError::Description("an offer lives between 1 second and 24 hours".into()));
        }
        let tx_code = match request.tx_code_length {
            Some(length @ 4..=12) => {
                let meta = TxCode {
                    input_mode: Some("numeric".into()),
                    length: Some(length),
                    description: Some("The code your training provider sent you by e-mail".into()),
                };
                Some((numeric_code(length), meta))
            }
            Some(_) => return Err(IssueError::Description("a transaction code has 4 to 12 digits".into())),
            None => None,
        };
        let micro = request.description.achievement.achievement_type.as_deref() == Some(MICRO_CREDENTIAL);
        let id = random_b64url(16);
        let code = random_b64url(32);
        let expires = now + request.ttl;
        let offer = Offer {
            configuration: if micro { MICRO_CREDENTIAL_CONFIGURATION } else { SKILL_CONFIGURATION },
            description: request.description,
            code: code.clone(),
            tx_code: tx_code.clone(),
            expires,
            wrong_attempts: 0,
            state: OfferState::Offered,
            credential_id: None,
            notification_id: None,
        };
        let mut state = self.exchange().lock();
        state.offers.retain(|_, o| o.expires > now || o.state != OfferState::Offered);
        let State { offers, codes, .. } = &mut *state;
        codes.retain(|_, offer| offers.contains_key(offer));
        state.codes.insert(sha256(&code), id.clone());
        state.offers.insert(id.clone(), offer);
        drop(state);
        let url = format!("{}/offers/{id}", self.public_url());
        Ok(CreatedOffer {
            id,
            offer_uri: openid4vci::offer_uri(&url),
            credential_offer_uri: url,
            tx_code: tx_code.map(|(code, _)| code),
            expires_at: crate::core::vc_jose::rfc3339(expires),
        })
    }

    /// The offer document served at its `credential_offer_uri`, while the code is unused and unexpired.
    ///
    /// # Errors
    /// `None` for unknown, expired or redeemed offers.
    #[must_use]
    pub fn offer(&self, id: &str, now: DateTime<Utc>) -> Option<CredentialOffer> {
        let state = self.exchange().lock();
        let offer = state.offers.get(id).filter(|o| o.expires > now && o.state == OfferState::Offered)?;
        let code = offer.code.clone();
        Some(CredentialOffer {
            credential_issuer: self.credential_issuer().to_owned(),
            credential_configuration_ids: vec![offer.configuration.to_owned()],
            grants: Some(Grants {
                pre_authorized_code: Some(PreAuthorizedCode { code, tx_code: offer.tx_code.clone().map(|(_, m)| m) }),
                other: serde_json::Map::new(),
            }),
        })
    }

    /// Where an offer stands (admin).
    #[must_use]
    pub fn offer_state(&self, id: &str) -> Option<(OfferState, Option<String>)> {
        let state = self.exchange().lock();
        state.offers.get(id).map(|o| (o.state, o.credential_id.clone()))
    }

    /// The token endpoint (section 6) for the pre-authorized code grant.
    ///
    /// # Errors
    /// [`EndpointError`] with the specification's codes.
    pub fn token(&self, form: &HashMap<String, String>, now: DateTime<Utc>) -> Result<Value, EndpointError> {
        match form.get("grant_type").map(String::as_str) {
            Some(PRE_AUTHORIZED_CODE_GRANT) => {}
            Some(other) => return Err(bad("unsupported_grant_type", format!("grant_type {other:?}"))),
            None => return Err(bad("invalid_request", "grant_type is missing")),
        }
        let code =
            form.get("pre-authorized_code").ok_or_else(|| bad("invalid_request", "pre-authorized_code is missing"))?;
        let mut guard = self.exchange().lock();
        let state = &mut *guard;
        let id = state
            .codes
            .get(&sha256(code))
            .cloned()
            .ok_or_else(|| bad("invalid_grant", "unknown pre-authorized code"))?;
        let offer = state.offers.get_mut(&id).ok_or_else(|| bad("invalid_grant", "unknown pre-authorized code"))?;
        if offer.state != OfferState::Offered {
            return Err(bad("invalid_grant", "the pre-authorized code was already used"));
        }
        if offer.expires <= now {
            return Err(bad("invalid_grant", "the pre-authorized code has expired"));
        }
        match (&offer.tx_code, form.get("tx_code")) {
            (None, Some(_)) => return Err(bad("invalid_request", "tx_code was sent but this offer does not use one")),
            (Some(_), None) => return Err(bad("invalid_request", "this offer requires a tx_code")),
            (Some((expected, _)), Some(given)) => {
                if !bool::from(sha256(expected).ct_eq(&sha256(given))) {
                    offer.wrong_attempts += 1;
                    if offer.wrong_attempts >= MAX_TX_CODE_ATTEMPTS {
                        offer.state = OfferState::Locked;
                        return Err(bad("invalid_grant", "wrong tx_code; too many attempts, the offer is now invalid"));
                    }
                    let left = MAX_TX_CODE_ATTEMPTS - offer.wrong_attempts;
                    return Err(bad("invalid_grant", format!("wrong tx_code ({left} attempt(s) left)")));
                }
            }
            (None, None) => {}
        }
        offer.state = OfferState::TokenIssued;
        let configuration = offer.configuration;
        let token = random_b64url(32);
        state.tokens.retain(|_, g| g.expires > now);
        state.tokens.insert(sha256(&token), Grant { offer: id, expires: now + ACCESS_TOKEN_TTL });
        let mut answer = json!({
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": ACCESS_TOKEN_TTL.num_seconds(),
        });
        if let Some(details) = form.get("authorization_details") {
            answer["authorization_details"] = authorization_details(details, configuration)?;
        }
        Ok(answer)
    }

    /// The nonce endpoint (section 7): a fresh, unpredictable `c_nonce`, valid for [`NONCE_TTL`], single use.
    #[must_use]
    pub fn c_nonce(&self, now: DateTime<Utc>) -> String {
        let nonce = random_b64url(32);
        let mut state = self.exchange().lock();
        state.nonces.retain(|_, expires| *expires > now);
        if state.nonces.len() >= MAX_NONCES {
            let oldest = state.nonces.iter().min_by_key(|(_, e)| **e).map(|(n, _)| n.clone());
            if let Some(oldest) = oldest {
                state.nonces.remove(&oldest);
            }
        }
        state.nonces.insert(nonce.clone(), now + NONCE_TTL);
        nonce
    }

    /// The credential endpoint (section 8): checks the access token, the request and the key proof (including its
    /// `c_nonce`, consumed), then issues the offered credential as an SD-JWT VC bound to the proven key.
    ///
    /// # Errors
    /// [`EndpointError`] with the specification's codes.
    pub fn credential(&self, access_token: &str, request: &Value, now: DateTime<Utc>) -> Result<Value, EndpointError> {
        let (offer_id, configuration, description) = self.granted(access_token, now)?;
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
            Some(id) if id == configuration => {}
            Some(id) if [SKILL_CONFIGURATION, MICRO_CREDENTIAL_CONFIGURATION].contains(&id) => {
                return Err(bad("invalid_credential_request", format!("{id:?} was not offered with this token")));
            }
            Some(id) => return Err(bad("unknown_credential_configuration", format!("{id:?} is not offered here"))),
            None => return Err(bad("invalid_credential_request", "credential_configuration_id is missing")),
        }
        let proof = single_proof(request)?;
        let proven = openid4vci::check_key_proof(proof, self.credential_issuer(), now)
            .map_err(|e| bad(e.code, e.description))?;
        self.use_nonce(proven.nonce.as_deref(), now)?;
        let holder = Did::key(&proven.key);
        let built = self
            .signer()
            .build_credential(&description, holder.as_str(), None, now)
            .and_then(|c| serde_json::to_value(c).map_err(|e| IssueError::Description(e.to_string())))
            .map_err(|e| bad("credential_request_denied", e.to_string()))?;
        let (credential_id, compact) =
            self.issue_sd_jwt(built, now).map_err(|e| bad("credential_request_denied", e.to_string()))?;
        let notification_id = random_b64url(16);
        let mut state = self.exchange().lock();
        if let Some(offer) = state.offers.get_mut(&offer_id) {
            offer.state = OfferState::CredentialIssued;
            offer.credential_id = Some(credential_id.clone());
            offer.notification_id = Some(notification_id.clone());
        }
        tracing::info!(offer = %offer_id, credential = %credential_id, "credential issued over OpenID4VCI");
        Ok(json!({"credentials": [{"credential": compact}], "notification_id": notification_id}))
    }

    /// The notification endpoint (section 11): records the wallet's event for the offer.
    ///
    /// # Errors
    /// [`EndpointError`] `invalid_token`, `invalid_notification_id` or `invalid_notification_request`.
    pub fn notify(&self, access_token: &str, body: &Value, now: DateTime<Utc>) -> Result<(), EndpointError> {
        let mut state = self.exchange().lock();
        let grant = state.tokens.get(&sha256(access_token)).filter(|g| g.expires > now);
        let offer_id = grant.map(|g| g.offer.clone()).ok_or_else(|| unauthorized("unknown or expired access token"))?;
        let offer = state.offers.get_mut(&offer_id).ok_or_else(|| unauthorized("unknown access token"))?;
        let id = body.get("notification_id").and_then(Value::as_str);
        if id.is_none() || offer.notification_id.as_deref() != id {
            return Err(bad("invalid_notification_id", "unknown notification_id"));
        }
        offer.state = match body.get("event").and_then(Value::as_str) {
            Some("credential_accepted") => OfferState::CredentialAccepted,
            Some("credential_failure") => OfferState::CredentialFailure,
            Some("credential_deleted") => OfferState::CredentialDeleted,
            _ => return Err(bad("invalid_notification_request", "event is not one of the defined events")),
        };
        Ok(())
    }

    fn granted(
        &self,
        access_token: &str,
        now: DateTime<Utc>,
    ) -> Result<(String, &'static str, AchievementDescription), EndpointError> {
        let state = self.exchange().lock();
        let grant = state.tokens.get(&sha256(access_token)).filter(|g| g.expires > now);
        let grant = grant.ok_or_else(|| unauthorized("unknown or expired access token"))?;
        let offer = state.offers.get(&grant.offer).ok_or_else(|| unauthorized("unknown access token"))?;
        if offer.state != OfferState::TokenIssued {
            return Err(bad("credential_request_denied", "the credential of this offer was already issued"));
        }
        Ok((grant.offer.clone(), offer.configuration, offer.description.clone()))
    }

    fn use_nonce(&self, nonce: Option<&str>, now: DateTime<Utc>) -> Result<(), EndpointError> {
        let nonce =
            nonce.ok_or_else(|| bad("invalid_nonce", "the proof carries no nonce; get one from the nonce endpoint"))?;
        let mut state = self.exchange().lock();
        match state.nonces.remove(nonce) {
            Some(expires) if expires > now => Ok(()),
            Some(_) => Err(bad("invalid_nonce", "the c_nonce has expired; get a new one")),
            None => Err(bad("invalid_nonce", "the c_nonce is unknown or was already used; get a new one")),
        }
    }
}

fn single_proof(request: &Value) -> Result<&str, EndpointError> {
    if let Some(proofs) = request.get("proofs") {
        let jwts =
            proofs.get("jwt").and_then(Value::as_array).ok_or_else(|| bad("invalid_proof", "proofs.jwt is missing"))?;
        return match jwts.as_slice() {
            [one] => one.as_str().ok_or_else(|| bad("invalid_proof", "the proof is not a string")),
            _ => Err(bad("invalid_credential_request", "exactly one proof: batch issuance is not offered")),
        };
    }
    match request.get("proof") {
        Some(proof) if proof.get("proof_type").and_then(Value::as_str) == Some("jwt") => {
            proof.get("jwt").and_then(Value::as_str).ok_or_else(|| bad("invalid_proof", "proof.jwt is missing"))
        }
        Some(_) => Err(bad("invalid_proof", "only the jwt proof type is supported")),
        None => Err(bad("invalid_proof", "the request carries no key proof")),
    }
}

/// RFC 9396 `authorization_details`: echoed with `credential_identifiers` (one per offer: the configuration id).
fn authorization_details(text: &str, configuration: &str) -> Result<Value, EndpointError> {
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

    fn service(dir: &std::path::Path) -> IssuerService {
        let db = crate::store::db::open(dir).unwrap();
        let config = ServiceConfig {
            public_url: "https://academy.example".into(),
            entries_per_list: 131_072,
            status_ttl_ms: 300_000,
        };
        IssuerService::open(db, SigningKey::generate(), config).unwrap()
    }

    fn description() -> AchievementDescription {
        serde_json::from_str(include_str!("../../docs/examples/micro-credential.json")).unwrap()
    }

    #[test]
    fn a_stale_c_nonce_is_refused_and_a_fresh_one_works_once() {
        let dir = tempfile::tempdir().unwrap();
        let service = service(dir.path());
        let now = DateTime::from_timestamp(1_790_000_000, 0).unwrap();
        let request = OfferRequest { description: description(), tx_code_length: None, ttl: DEFAULT_OFFER_TTL };
        let created = service.create_offer(request, now).unwrap();
        let code = service.offer(&created.id, now).unwrap().pre_authorized_code().unwrap().code.clone();
        let form = HashMap::from([
            ("grant_type".to_owned(), PRE_AUTHORIZED_CODE_GRANT.to_owned()),
            ("pre-authorized_code".to_owned(), code),
        ]);
        let token = service.token(&form, now).unwrap()["access_token"].as_str().unwrap().to_owned();
        let holder = SigningKey::generate();
        let kid = Did::key(&holder.verifying_key()).default_kid();
        let proof = |nonce: &str| {
            let jwt = openid4vci::key_proof(&holder, &kid, "https://academy.example", Some(nonce), now).unwrap();
            json!({"credential_configuration_id": MICRO_CREDENTIAL_CONFIGURATION, "proofs": {"jwt": [jwt]}})
        };
        let stale = service.c_nonce(now - NONCE_TTL - Duration::seconds(1));
        let refused = service.credential(&token, &proof(&stale), now).unwrap_err();
        assert_eq!((refused.error.code, refused.error.description.contains("expired")), ("invalid_nonce", true));
        let fresh = service.c_nonce(now);
        assert!(service.credential(&token, &proof(&fresh), now).is_ok());
        assert_ne!(fresh, service.c_nonce(now), "nonces are never repeated");
    }

    #[test]
    fn offers_refuse_descriptions_that_would_not_validate() {
        let dir = tempfile::tempdir().unwrap();
        let service = service(dir.path());
        let mut incomplete = description();
        incomplete.achievement.micro_credential = None;
        let request = OfferRequest { description: incomplete, tx_code_length: None, ttl: DEFAULT_OFFER_TTL };
        assert!(matches!(service.create_offer(request, Utc::now()), Err(IssueError::Invalid { .. })));
        let request = OfferRequest { description: description(), tx_code_length: Some(2), ttl: DEFAULT_OFFER_TTL };
        assert!(service.create_offer(request, Utc::now()).is_err(), "a 2-digit code is too weak");
    }
}
