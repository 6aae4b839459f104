//! Accepting a credential offer (`OpenID4VCI` 1.0, pre-authorized code flow), the wallet's processing of
//! STANDARDS.md section 4.5: read the offer, fetch the issuer's metadata and check its `credential_issuer`, redeem
//! the code (with the transaction code the person typed), get a `c_nonce`, prove possession of the holder key,
//! receive the credential, verify it (signature, issuer key, `cnf` = our key, the offered `vct`), store it, and
//! tell the issuer.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::agent::{Agent, MAX_DOCUMENT_BYTES, answer_error};
use super::authorization::{AccessToken, DpopSession};
use super::copies::CredentialCopy;
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

/// What a credential endpoint answered.
struct Issued {
    notification: Option<String>,
    credentials: Vec<String>,
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
        let count = self.copies_to_ask(offer, configuration);
        let proofs = if count > 1 {
            self.wallet.copy_key_proofs(issuer, nonce.as_deref(), &algorithms, count, now)?
        } else {
            vec![(self.wallet.key_proof(issuer, nonce.as_deref(), &algorithms, now)?, String::new())]
        };
        let jwts: Vec<&str> = proofs.iter().map(|(proof, _)| proof.as_str()).collect();
        let request = json!({"credential_configuration_id": configuration, "proofs": {"jwt": jwts}});
        let (notification, outcome) = self.obtain(offer, configuration, &request, token, now).await;
        // Keys made for copies the issuer did not answer with (or for a failed issuance) are of no use.
        let kept = outcome.as_ref().map(|(_, keys)| keys.as_slice()).unwrap_or_default();
        for (_, did) in proofs.iter().filter(|(_, did)| !did.is_empty() && !kept.contains(did)) {
            self.wallet.forget_key(did)?;
        }
        let event = if outcome.is_ok() { "credential_accepted" } else { "credential_failure" };
        if let (Some(id), Some(endpoint)) =
            (notification, offer.metadata.get("notification_endpoint").and_then(Value::as_str))
        {
            let body = json!({"notification_id": id, "event": event});
            // A lost notification does not undo the credential: report it, keep going.
            if let Err(e) = self.protected_post(endpoint, PostBody::Json(&body), token, now).await {
                tracing::warn!(error = %e, "notification not delivered");
            }
        }
        outcome.map(|(accepted, _)| accepted)
    }

    /// Requests the credential and stores what comes. Returns the notification id (when the issuer answered with
    /// one) and the outcome with the holder keys the stored copies are bound to.
    async fn obtain(
        &self,
        offer: &Offer,
        configuration: &str,
        request: &Value,
        token: &AccessToken,
        now: DateTime<Utc>,
    ) -> (Option<String>, Result<(Accepted, Vec<String>), WalletError>) {
        let endpoint = offer.metadata.get("credential_endpoint").and_then(Value::as_str).unwrap_or_default();
        let issued = match self.request_credentials(endpoint, request, token, now).await {
            Ok(issued) => issued,
            Err(error) => return (None, Err(error)),
        };
        let expected_type = offer.configuration(configuration).and_then(expected_type);
        let stored = self.store_copies(&issued.credentials, expected_type, now).await.map(|(accepted, copies)| {
            let keys = copies.into_iter().map(|c| c.holder).chain(accepted.stored.subject.clone()).collect();
            (accepted, keys)
        });
        (issued.notification, stored)
    }

    /// How many copies to ask for: this agent's number for an SD-JWT VC of an issuer with batch issuance (capped
    /// by its `batch_size`), else one.
    fn copies_to_ask(&self, offer: &Offer, configuration: &str) -> usize {
        let format = offer.configuration(configuration).and_then(|c| c.get("format")).and_then(Value::as_str);
        if format.and_then(Format::from_protocol_identifier) != Some(Format::SdJwtVc) {
            return 1;
        }
        let batch_size = offer
            .metadata
            .pointer("/batch_credential_issuance/batch_size")
            .and_then(Value::as_u64)
            .and_then(|n| usize::try_from(n).ok())
            .unwrap_or(1);
        self.copies.min(batch_size).max(1)
    }

    /// Posts the credential request; returns the credentials (compact strings, or an `ldp_vc` object as JSON text)
    /// and the notification id.
    async fn request_credentials(
        &self,
        endpoint: &str,
        request: &Value,
        token: &AccessToken,
        now: DateTime<Utc>,
    ) -> Result<Issued, WalletError> {
        let answer = self.protected_post(endpoint, PostBody::Json(request), token, now).await?;
        if !answer.is_success() {
            return Err(answer_error(&answer, "invalid_credential_request").into());
        }
        let body = answer.json();
        // A compact credential (dc+sd-jwt, jwt_vc_json) is a string; an ldp_vc credential is the JSON-LD object.
        let credentials: Vec<String> = body
            .get("credentials")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|item| match item.get("credential") {
                Some(Value::String(compact)) => Some(compact.clone()),
                Some(object @ Value::Object(_)) => Some(object.to_string()),
                _ => None,
            })
            .collect();
        if credentials.is_empty() {
            let why = "the answer holds no credential (deferred issuance is not supported)";
            return Err(ProtocolError::new("invalid_credential_request", why).into());
        }
        let notification = body.get("notification_id").and_then(Value::as_str).map(str::to_owned);
        Ok(Issued { notification, credentials })
    }

    /// Verifies and stores what the issuer answered: the first credential as the one the passport shows, the
    /// others (a batch) as its copies, after checking each is bound to this wallet and says the same.
    async fn store_copies(
        &self,
        credentials: &[String],
        expected_type: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(Accepted, Vec<CredentialCopy>), WalletError> {
        let (first, others) = credentials.split_first().ok_or(WalletError::NotFound)?;
        if others.is_empty() {
            return Ok((self.store(first, expected_type, now).await?, Vec::new()));
        }
        let (verified, copies) = self.wallet.check_copies(self.verifier, first, others, now).await?;
        let receipt = Receipt { consent: super::Consent::default(), expected_type };
        let accepted = self.accepted(self.wallet.keep_received(&verified, receipt, now)?)?;
        if !accepted.already_stored {
            self.wallet.keep_copies(&accepted.stored.id, copies.clone())?;
            self.wallet.flush()?;
        }
        Ok((accepted, copies))
    }

    async fn store(
        &self,
        credential: &str,
        expected_type: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Accepted, WalletError> {
        let receipt = Receipt { consent: super::Consent::default(), expected_type };
        self.accepted(self.wallet.receive(self.verifier, credential, receipt, now).await?)
    }

    fn accepted(&self, outcome: ImportOutcome) -> Result<Accepted, WalletError> {
        Ok(match outcome {
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
