//! Accepting a credential offer (`OpenID4VCI` 1.0, pre-authorized code flow), the wallet's processing of
//! STANDARDS.md section 4.5: read the offer, fetch the issuer's metadata and check its `credential_issuer`, redeem
//! the code (with the transaction code the person typed), get a `c_nonce`, prove possession of the holder key,
//! receive the credential, verify it (signature, issuer key, `cnf` = our key, the offered `vct`), store it, and
//! tell the issuer.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::agent::{Agent, MAX_DOCUMENT_BYTES, answer_error};
use super::authorization::{AccessToken, DpopSession};
use super::{ImportOutcome, Receipt, StoredCredential, WalletError};
use crate::core::encoding::parse_json;
use crate::core::format::Format;
use crate::core::openid4vci::{
    self, AS_METADATA_PATH, CredentialOffer, METADATA_PATH, OfferRef, PRE_AUTHORIZED_CODE_GRANT, ProtocolError, TxCode,
};
use crate::core::verify::CredentialVerifier;
use crate::net::PostBody;

/// An offer read and its issuer's metadata checked: what the person is asked to accept.
#[derive(Debug, Clone)]
pub struct Offer {
    /// The offer.
    pub offer: CredentialOffer,
    /// The issuer's metadata (its `credential_issuer` is the offer's).
    pub metadata: Value,
    /// The token endpoint (from the authorization server metadata).
    pub token_endpoint: String,
    /// The authorization server's metadata (its `issuer` checked).
    pub authorization_server: Value,
}

impl Offer {
    /// The issuer's display name, or its identifier.
    #[must_use]
    pub fn issuer_name(&self) -> String {
        self.metadata.pointer("/display/0/name").and_then(Value::as_str).map_or_else(
            || self.offer.credential_issuer.clone(),
            |name| format!("{name} ({})", self.offer.credential_issuer),
        )
    }

    /// What is offered: the display names of the configurations.
    #[must_use]
    pub fn offered(&self) -> Vec<String> {
        self.offer
            .credential_configuration_ids
            .iter()
            .map(|id| {
                let configuration = self.configuration(id);
                let name = configuration.and_then(|c| c.pointer("/credential_metadata/display/0/name"));
                name.and_then(Value::as_str).unwrap_or(id).to_owned()
            })
            .collect()
    }

    /// Whether the learner signs in at the issuer (an authorization code grant, no pre-authorized code).
    #[must_use]
    pub fn needs_sign_in(&self) -> bool {
        self.offer.pre_authorized_code().is_none() && self.issuer_state().is_some()
    }

    /// The `issuer_state` of the offer's authorization code grant.
    #[must_use]
    pub fn issuer_state(&self) -> Option<&str> {
        let grant = self.offer.grants.as_ref()?.other.get(super::authorization::AUTHORIZATION_CODE_GRANT)?;
        grant.get("issuer_state").and_then(Value::as_str)
    }

    /// The transaction code the person must type, if any.
    #[must_use]
    pub fn tx_code(&self) -> Option<&TxCode> {
        self.offer.tx_code()
    }

    pub(super) fn configuration(&self, id: &str) -> Option<&Value> {
        self.metadata.get("credential_configurations_supported")?.get(id)
    }

    /// The algorithms the issuer accepts in `jwt` key proofs for configuration `id` (section 12.2.4,
    /// `proof_signing_alg_values_supported`); empty when the metadata does not say.
    pub(super) fn proof_algorithms(&self, id: &str) -> Vec<String> {
        let listed = self
            .configuration(id)
            .and_then(|c| c.pointer("/proof_types_supported/jwt/proof_signing_alg_values_supported"));
        listed
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
            .unwrap_or_default()
    }
}

/// The type a configuration announces: an SD-JWT VC's `vct`, or the most specific of a W3C credential's
/// `credential_definition.type` (OpenID4VCI 1.0 appendix A.1 and A.2); the credential received must carry it.
fn expected_type(configuration: &Value) -> Option<&str> {
    if let Some(vct) = configuration.get("vct").and_then(Value::as_str) {
        return Some(vct);
    }
    let types = configuration.pointer("/credential_definition/type")?.as_array()?;
    types.iter().filter_map(Value::as_str).rfind(|t| *t != "VerifiableCredential")
}

/// A credential received, verified and stored.
#[derive(Debug, Clone)]
pub struct Accepted {
    /// What the wallet stored.
    pub stored: StoredCredential,
    /// Whether it was already there.
    pub already_stored: bool,
}

impl<V: CredentialVerifier> Agent<'_, V> {
    /// Reads an offer URI: fetches the offer by reference, then the issuer's metadata (checked) and its
    /// authorization server's metadata.
    ///
    /// # Errors
    /// [`WalletError`], e.g. `invalid_issuer_metadata` when `credential_issuer` differs from the URL used.
    pub async fn read_offer(&self, uri: &str) -> Result<Offer, WalletError> {
        let value = match openid4vci::parse_offer_uri(uri)? {
            OfferRef::ByValue(value) => value,
            OfferRef::ByReference(url) => self.get_json(&url).await?,
        };
        let offer = CredentialOffer::parse(&value)?;
        let issuer = offer.credential_issuer.clone();
        let metadata = self.get_json(&openid4vci::well_known_url(&issuer, METADATA_PATH)?).await?;
        openid4vci::check_metadata(&metadata, &issuer)?;
        for id in &offer.credential_configuration_ids {
            let configuration = metadata.pointer("/credential_configurations_supported").and_then(|c| c.get(id));
            let format = configuration.and_then(|c| c.get("format")).and_then(Value::as_str);
            if !matches!(
                format.and_then(Format::from_protocol_identifier),
                Some(Format::SdJwtVc | Format::JwtVcJson | Format::DataIntegrity)
            ) {
                return Err(ProtocolError::new(
                    "invalid_credential_offer",
                    format!("{id:?}: not a dc+sd-jwt, jwt_vc_json or ldp_vc configuration"),
                )
                .into());
            }
        }
        let server = metadata.pointer("/authorization_servers/0").and_then(Value::as_str).unwrap_or(&issuer).to_owned();
        let server_metadata = self.get_json(&openid4vci::well_known_url(&server, AS_METADATA_PATH)?).await?;
        if server_metadata.get("issuer").and_then(Value::as_str) != Some(server.as_str()) {
            return Err(ProtocolError::new(
                "invalid_issuer_metadata",
                "the authorization server metadata names another issuer",
            )
            .into());
        }
        let token_endpoint = server_metadata
            .get("token_endpoint")
            .and_then(Value::as_str)
            .ok_or_else(|| ProtocolError::new("invalid_issuer_metadata", "no token_endpoint"))?
            .to_owned();
        Ok(Offer { offer, metadata, token_endpoint, authorization_server: server_metadata })
    }

    /// Accepts an offer of the pre-authorized code flow: token (DPoP-bound when the server takes DPoP), then nonce, key proof, credential, verification, storage, notification.
    ///
    /// # Errors
    /// [`WalletError`]: the issuer's error codes, a credential that does not verify or is not bound to this
    /// wallet (then nothing is stored and the issuer is told `credential_failure`).
    pub async fn accept(
        &self,
        offer: &Offer,
        tx_code: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Accepted, WalletError> {
        let Some(grant) = offer.offer.pre_authorized_code() else {
            let why = if offer.needs_sign_in() {
                "this issuer asks you to sign in on its site first: accept the offer in the web wallet, or with \
                 `skillspass wallet accept`, which opens the sign-in page"
            } else {
                "the offer grants no pre-authorized code"
            };
            return Err(ProtocolError::new("invalid_credential_offer", why).into());
        };
        if grant.tx_code.is_some() && tx_code.is_none() {
            return Err(ProtocolError::new(
                "invalid_request",
                "this offer needs the transaction code the issuer sent you (--tx-code)",
            )
            .into());
        }
        let token = self.redeem(offer, &grant.code, tx_code.filter(|_| grant.tx_code.is_some()), now).await?;
        self.receive_credential(offer, &token, now).await
    }

    /// With an access token: nonce, proof, credential, verification, storage, notification.
    ///
    /// # Errors
    /// As [`Agent::accept`].
    pub(super) async fn receive_credential(
        &self,
        offer: &Offer,
        token: &AccessToken,
        now: DateTime<Utc>,
    ) -> Result<Accepted, WalletError> {
        let issuer = &offer.offer.credential_issuer;
        let nonce = match offer.metadata.get("nonce_endpoint").and_then(Value::as_str) {
            Some(endpoint) => Some(self.c_nonce(endpoint, token).await?),
            None => None,
        };
        let configuration = &offer.offer.credential_configuration_ids[0];
        let algorithms = offer.proof_algorithms(configuration);
        let proof = self.wallet.key_proof(issuer, nonce.as_deref(), &algorithms, now)?;
        let request = json!({"credential_configuration_id": configuration, "proofs": {"jwt": [proof]}});
        let endpoint = offer.metadata.get("credential_endpoint").and_then(Value::as_str).unwrap_or_default();
        let answer = self.protected_post(endpoint, PostBody::Json(&request), token, now).await?;
        if !answer.is_success() {
            return Err(answer_error(&answer, "invalid_credential_request").into());
        }
        let body = answer.json();
        // A compact credential (dc+sd-jwt, jwt_vc_json) is a string; an ldp_vc credential is the JSON-LD object.
        let credential = match body.pointer("/credentials/0/credential") {
            Some(Value::String(compact)) => compact.clone(),
            Some(object @ Value::Object(_)) => object.to_string(),
            _ => {
                return Err(ProtocolError::new(
                    "invalid_credential_request",
                    "the answer holds no credential (deferred issuance is not supported)",
                )
                .into());
            }
        };
        let notification = body.get("notification_id").and_then(Value::as_str).map(str::to_owned);
        let expected_type = offer.configuration(configuration).and_then(expected_type);
        let stored = self.store(&credential, expected_type, now).await;
        let event = if stored.is_ok() { "credential_accepted" } else { "credential_failure" };
        if let (Some(id), Some(endpoint)) =
            (notification, offer.metadata.get("notification_endpoint").and_then(Value::as_str))
        {
            let body = json!({"notification_id": id, "event": event});
            // A lost notification does not undo the credential: report it, keep going.
            if let Err(e) = self.protected_post(endpoint, PostBody::Json(&body), token, now).await {
                tracing::warn!(error = %e, "notification not delivered");
            }
        }
        stored
    }

    async fn store(
        &self,
        credential: &str,
        expected_type: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Accepted, WalletError> {
        let receipt = Receipt { consent: super::Consent::default(), expected_type };
        Ok(match self.wallet.receive(self.verifier, credential, receipt, now).await? {
            ImportOutcome::Stored(stored) => Accepted { stored: *stored, already_stored: false },
            ImportOutcome::AlreadyStored(id) => {
                Accepted { stored: self.wallet.get_credential(&id)?, already_stored: true }
            }
        })
    }

    /// Redeems a pre-authorized code; with a DPoP proof of a fresh key when the authorization server takes DPoP
    /// (HAIP), so the token is bound to it.
    async fn redeem(
        &self,
        offer: &Offer,
        code: &str,
        tx_code: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<AccessToken, WalletError> {
        let mut form = vec![("grant_type", PRE_AUTHORIZED_CODE_GRANT), ("pre-authorized_code", code)];
        if let Some(tx_code) = tx_code {
            form.push(("tx_code", tx_code));
        }
        let server = &offer.authorization_server;
        let dpop = server.get("dpop_signing_alg_values_supported").is_some().then(|| DpopSession::new(server));
        let answer = match &dpop {
            Some(session) => self.dpop_post(&offer.token_endpoint, PostBody::Form(&form), session, None, now).await?,
            None => self.fetcher.post(&offer.token_endpoint, PostBody::Form(&form), None, MAX_DOCUMENT_BYTES).await?,
        };
        if !answer.is_success() {
            return Err(answer_error(&answer, "invalid_grant").into());
        }
        AccessToken::from_answer(&answer.json(), dpop)
    }

    async fn c_nonce(&self, endpoint: &str, token: &AccessToken) -> Result<String, WalletError> {
        let answer = self.fetcher.post(endpoint, PostBody::Empty, None, MAX_DOCUMENT_BYTES).await?;
        if !answer.is_success() {
            return Err(answer_error(&answer, "invalid_nonce").into());
        }
        token.remember_nonce(answer.dpop_nonce.as_deref());
        answer
            .json()
            .get("c_nonce")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| ProtocolError::new("invalid_nonce", "the nonce answer has no c_nonce").into())
    }

    async fn get_json(&self, url: &str) -> Result<Value, WalletError> {
        let fetched = self.fetcher.get(url, "application/json", MAX_DOCUMENT_BYTES).await?;
        parse_json(&fetched.body)
            .map_err(|e| ProtocolError::new("invalid_request", format!("{url}: not JSON: {e}")).into())
    }
}
