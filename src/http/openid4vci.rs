//! Issuer routes of `OpenID4VCI` 1.0 (pre-authorized code flow): the two metadata documents, offers (created by
//! the admin, served by reference, as a QR code), `/token`, `/nonce`, `/credential` and `/notification`.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use serde::Deserialize;
use serde_json::Value;

use super::auth::Admin;
use super::oauth::{OAuthError, ProtocolHeaders, no_store, svg, with_dpop_nonce};
use super::{AppState, HttpProblem};
use crate::core::openid4vci::{AS_METADATA_PATH, METADATA_PATH, ProtocolError};
use crate::issuer::authorization::{AccessScheme, ClientProofs, NonceScope};
use crate::issuer::openid4vci::{
    CredentialIssuance, DEFAULT_OFFER_TTL, DEFAULT_TX_CODE_LENGTH, EndpointError, IssuanceFlow, OfferRequest,
};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(METADATA_PATH, get(credential_issuer_metadata))
        .route(AS_METADATA_PATH, get(authorization_server_metadata))
        .route("/offers", post(create_offer))
        .route("/offers/{id}", get(offer))
        .route("/offers/{id}/qr.svg", get(offer_qr))
        .route("/offers/{id}/state", get(offer_state))
        .route("/par", post(pushed_authorization_request))
        .route("/token", post(token))
        .route("/nonce", post(nonce))
        .route("/credential", post(credential))
        .route("/notification", post(notification))
}

fn service(state: &AppState) -> Result<&CredentialIssuance, HttpProblem> {
    Ok(&state.issuer()?.issuance)
}

/// The protocol state for an endpoint that answers OAuth errors.
fn issuance(state: &AppState) -> Result<&CredentialIssuance, OAuthError> {
    state.issuer.as_deref().map(|role| &role.issuance).ok_or_else(|| OAuthError::invalid_request("no issuer here"))
}

fn endpoint_error(error: EndpointError) -> OAuthError {
    OAuthError::new(error.status, error.error)
}

/// A form the authorization server endpoints read.
type FormBody = Result<Form<HashMap<String, String>>, axum::extract::rejection::FormRejection>;

/// An authorization server endpoint (`/par`, `/token`): reads the form and the client's proofs, calls `endpoint`,
/// and answers with the next DPoP nonce either way.
fn authorization_server_call(
    state: &AppState,
    headers: &ProtocolHeaders,
    form: FormBody,
    status: StatusCode,
    endpoint: impl FnOnce(
        &CredentialIssuance,
        &HashMap<String, String>,
        ClientProofs<'_>,
        chrono::DateTime<chrono::Utc>,
    ) -> Result<Value, EndpointError>,
) -> Result<Response, OAuthError> {
    let (service, now) = (issuance(state)?, state.now());
    let Form(form) = form.map_err(|e| OAuthError::invalid_request(e.body_text()))?;
    let proofs = headers.proofs().map_err(|e| EndpointError { status: 400, error: e.into_error() });
    let answer = proofs.and_then(|proofs| endpoint(service, &form, proofs, now));
    let nonce = service.dpop_nonce(NonceScope::AuthorizationServer, now);
    match answer {
        Ok(body) => Ok(with_dpop_nonce(no_store(status, body), &nonce)),
        Err(error) => Err(endpoint_error(error).with_nonce(nonce)),
    }
}

/// An error of a protected endpoint (`/credential`, `/notification`): the credential endpoint's next nonce, and a
/// `DPoP` challenge when the token was presented with DPoP or the proof was at fault.
fn resource_error(
    service: &CredentialIssuance,
    now: chrono::DateTime<chrono::Utc>,
    scheme: Option<AccessScheme>,
    error: OAuthError,
) -> OAuthError {
    let dpop = scheme == Some(AccessScheme::Dpop) || error.is_dpop();
    error.dpop_challenge(dpop).with_nonce(service.dpop_nonce(NonceScope::CredentialEndpoint, now))
}

/// Credential issuer metadata (`OpenID4VCI` section 12.2).
///
/// # Errors
/// An error answer naming what went wrong.
#[utoipa::path(get, path = "/.well-known/openid-credential-issuer", tag = "OpenID4VCI", responses((status = 200, description = "credential issuer metadata", content_type = "application/json")))]
pub async fn credential_issuer_metadata(State(state): State<AppState>) -> Result<Json<Value>, HttpProblem> {
    Ok(Json(service(&state)?.credential_issuer_metadata()))
}

/// Authorization server metadata (RFC 8414).
///
/// # Errors
/// An error answer naming what went wrong.
#[utoipa::path(get, path = "/.well-known/oauth-authorization-server", tag = "OpenID4VCI", responses((status = 200, description = "RFC 8414 metadata", content_type = "application/json")))]
pub async fn authorization_server_metadata(State(state): State<AppState>) -> Result<Json<Value>, HttpProblem> {
    Ok(Json(service(&state)?.authorization_server_metadata()))
}

/// `POST /offers` (admin): an offer for a learner from an achievement description.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CreateOffer {
    /// An achievement description (see `docs/examples/`).
    #[schema(value_type = Object)]
    achievement: Value,
    /// `true` for a 6-digit transaction code, or `{"length": n}` for 4 to 12 digits.
    #[serde(default)]
    #[schema(schema_with = super::openapi::tx_code_option)]
    tx_code: Option<Value>,
    /// Seconds the offer lives (default 600, at most a day).
    #[serde(default, deserialize_with = "whole_seconds")]
    #[schema(value_type = Option<i64>, minimum = 1, maximum = 86400)]
    expires_in: Option<i64>,
    /// `pre_authorized` (default) or `authorization_code`: the learner signs in on the issuer's page with the
    /// one-time `sign_in_code` the answer carries (PAR, PKCE and DPoP, as EU wallets under HAIP do).
    #[serde(default)]
    #[schema(schema_with = super::openapi::flow_option)]
    flow: IssuanceFlow,
}

/// A JSON number that is a whole number (`12` and `12.0` alike: JSON Schema's `integer`).
fn whole_number(value: &Value) -> Option<i64> {
    value.as_i64().or_else(|| {
        let number = value.as_f64()?;
        #[expect(clippy::cast_possible_truncation, reason = "the range is checked first")]
        (number.fract() == 0.0 && number.abs() < 9.0e15).then_some(number as i64)
    })
}

/// `expires_in` as whole seconds, however the number is written.
fn whole_seconds<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    let value = Option::<Value>::deserialize(deserializer)?;
    value.map_or(Ok(None), |v| {
        whole_number(&v).map(Some).ok_or_else(|| serde::de::Error::custom("expires_in is a whole number of seconds"))
    })
}

/// Creates a credential offer from an achievement description (admin).
///
/// # Errors
/// An error answer naming what went wrong.
#[utoipa::path(post, path = "/offers", tag = "OpenID4VCI", request_body = CreateOffer, security(("admin" = [])),
    responses((status = 201, description = "the offer URI, QR URL and transaction code", content_type = "application/json"),
        (status = 400, description = "invalid-request: a transaction code or lifetime out of range"),
        (status = 422, description = "invalid-credential: the description would not make a valid credential")))]
pub async fn create_offer(
    State(state): State<AppState>,
    _admin: Admin,
    body: Result<Json<CreateOffer>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, HttpProblem> {
    let service = service(&state)?;
    let Json(request) = body?;
    let tx_code_length = match &request.tx_code {
        None | Some(Value::Bool(false) | Value::Null) => None,
        Some(Value::Bool(true)) => Some(DEFAULT_TX_CODE_LENGTH),
        Some(other) => Some(
            other
                .get("length")
                .and_then(whole_number)
                .and_then(|l| u32::try_from(l).ok())
                .ok_or_else(|| HttpProblem::InvalidRequest(Some("tx_code is true or {\"length\": n}".into())))?,
        ),
    };
    let ttl = request.expires_in.map_or(DEFAULT_OFFER_TTL, chrono::Duration::seconds);
    let description = serde_json::from_value(request.achievement)
        .map_err(|e| HttpProblem::InvalidCredential(Some(format!("achievement description: {e}"))))?;
    let request = OfferRequest { description, tx_code_length, ttl, label: None, flow: request.flow };
    let created = service.create_offer(request, state.now())?;
    let mut body = serde_json::to_value(&created).map_err(|e| HttpProblem::internal(&e))?;
    body["qr_svg_uri"] = Value::String(format!("{}/qr.svg", created.credential_offer_uri));
    Ok(no_store(StatusCode::CREATED, body))
}

/// The credential offer, by reference.
///
/// # Errors
/// An error answer naming what went wrong.
#[utoipa::path(get, path = "/offers/{id}", tag = "OpenID4VCI", params(("id" = String, Path, description = "offer id")), responses((status = 200, description = "the credential offer", content_type = "application/json"), (status = 404, description = "not-found: unknown, expired or used")))]
pub async fn offer(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, HttpProblem> {
    let offer = service(&state)?.offer(&id, state.now());
    let offer = offer.ok_or_else(|| HttpProblem::NotFound(Some("no such offer, or it expired or was used".into())))?;
    Ok(no_store(StatusCode::OK, serde_json::to_value(offer).map_err(|e| HttpProblem::internal(&e))?))
}

/// The offer URI as a QR code.
///
/// # Errors
/// An error answer naming what went wrong.
#[utoipa::path(get, path = "/offers/{id}/qr.svg", tag = "OpenID4VCI", params(("id" = String, Path, description = "offer id")), responses((status = 200, description = "SVG", content_type = "image/svg+xml", body = String), (status = 404, description = "not-found: unknown, expired or used")))]
pub async fn offer_qr(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, HttpProblem> {
    let service = service(&state)?;
    if service.offer(&id, state.now()).is_none() {
        return Err(HttpProblem::NotFound(Some("no such offer, or it expired or was used".into())));
    }
    let uri = crate::core::openid4vci::offer_uri(&format!("{}/offers/{id}", service.credential_issuer()));
    Ok(svg(crate::core::qr::svg(&uri).map_err(|e| HttpProblem::internal(&e))?))
}

/// Where an offer stands (admin).
///
/// # Errors
/// An error answer naming what went wrong.
#[utoipa::path(get, path = "/offers/{id}/state", tag = "OpenID4VCI", params(("id" = String, Path, description = "offer id")), security(("admin" = [])), responses((status = 200, description = "where the offer stands", content_type = "application/json"), (status = 404, description = "not-found: no such offer")))]
pub async fn offer_state(
    State(state): State<AppState>,
    _admin: Admin,
    Path(id): Path<String>,
) -> Result<Json<Value>, HttpProblem> {
    let (offer_state, credential_id) = service(&state)?
        .offer_state(&id, state.now())
        .ok_or_else(|| HttpProblem::NotFound(Some("no such offer".into())))?;
    Ok(Json(serde_json::json!({"id": id, "state": offer_state, "credential_id": credential_id})))
}

/// The token request of the pre-authorized code grant (`OpenID4VCI` section 6.1).
#[derive(Debug, utoipa::ToSchema)]
#[expect(dead_code, reason = "the form's shape for the OpenAPI document; the handler reads the form as a map")]
pub struct TokenRequest {
    /// `urn:ietf:params:oauth:grant-type:pre-authorized_code`.
    grant_type: String,
    /// The code from the offer.
    #[schema(rename = "pre-authorized_code")]
    pre_authorized_code: String,
    /// The transaction code, when the offer asks for one.
    tx_code: Option<String>,
    /// RFC 9396 authorization details (JSON text).
    authorization_details: Option<String>,
}

/// The token endpoint (pre-authorized code and authorization code grants, with DPoP).
///
/// # Errors
/// An error answer naming what went wrong.
#[utoipa::path(post, path = "/token", tag = "OpenID4VCI", request_body(content = TokenRequest, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, description = "access token", content_type = "application/json"), (status = 400, description = "OAuth error (RFC 6749 section 5.2)")))]
pub async fn token(
    State(state): State<AppState>,
    headers: ProtocolHeaders,
    form: FormBody,
) -> Result<Response, OAuthError> {
    authorization_server_call(&state, &headers, form, StatusCode::OK, CredentialIssuance::token)
}

/// A pushed authorization request (RFC 9126) of the authorization code flow.
#[derive(Debug, utoipa::ToSchema)]
#[expect(dead_code, reason = "the form's shape for the OpenAPI document; the handler reads the form as a map")]
pub struct PushedAuthorizationRequest {
    /// `code`.
    response_type: String,
    /// The wallet's client id (its attestation's `sub` when it sends one).
    client_id: String,
    /// Where the learner's browser goes back to: https, http to a loopback address, or an app scheme.
    redirect_uri: String,
    /// BASE64URL(SHA-256(code_verifier)), 43 characters.
    code_challenge: String,
    /// `S256`.
    code_challenge_method: String,
    /// The `issuer_state` of the offer's authorization code grant.
    issuer_state: String,
    /// Returned with the code.
    state: Option<String>,
    /// RFC 9396 authorization details (JSON text) naming the offered configuration.
    authorization_details: Option<String>,
    /// The offered configuration's scope.
    scope: Option<String>,
    /// The thumbprint of the DPoP key to bind the code to (or send a `DPoP` proof).
    dpop_jkt: Option<String>,
}

/// A pushed authorization request (RFC 9126).
///
/// # Errors
/// An error answer naming what went wrong.
#[utoipa::path(post, path = "/par", tag = "OpenID4VCI", request_body(content = PushedAuthorizationRequest, content_type = "application/x-www-form-urlencoded"),
    responses((status = 201, description = "request_uri and expires_in", content_type = "application/json"), (status = 400, description = "OAuth error"), (status = 401, description = "invalid_client: a wallet attestation is required or refused")))]
pub async fn pushed_authorization_request(
    State(state): State<AppState>,
    headers: ProtocolHeaders,
    form: FormBody,
) -> Result<Response, OAuthError> {
    let call = CredentialIssuance::pushed_authorization_request;
    authorization_server_call(&state, &headers, form, StatusCode::CREATED, call)
}

/// The nonce endpoint.
///
/// # Errors
/// An error answer naming what went wrong.
#[utoipa::path(post, path = "/nonce", tag = "OpenID4VCI", responses((status = 200, description = "a fresh c_nonce", content_type = "application/json")))]
pub async fn nonce(State(state): State<AppState>) -> Result<Response, OAuthError> {
    let service = issuance(&state)?;
    let nonce = service.c_nonce(state.now()).map_err(endpoint_error)?;
    let dpop_nonce = service.dpop_nonce(NonceScope::CredentialEndpoint, state.now());
    Ok(with_dpop_nonce(no_store(StatusCode::OK, serde_json::json!({"c_nonce": nonce})), &dpop_nonce))
}

/// The credential endpoint.
///
/// # Errors
/// An error answer naming what went wrong.
#[utoipa::path(post, path = "/credential", tag = "OpenID4VCI", security(("accessToken" = [])), request_body(content = Object, content_type = "application/json"), responses((status = 200, description = "the credential"), (status = 400, description = "OAuth error"), (status = 401, description = "invalid_token")))]
pub async fn credential(
    State(state): State<AppState>,
    headers: ProtocolHeaders,
    body: Result<Json<Value>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, OAuthError> {
    let (service, now) = (issuance(&state)?, state.now());
    let access = headers.access().map_err(|e| resource_error(service, now, None, e))?;
    let fail = |e: OAuthError| resource_error(service, now, Some(access.scheme), e);
    let Json(request) =
        body.map_err(|e| fail(OAuthError::new(400, ProtocolError::new("invalid_credential_request", e.body_text()))))?;
    let answer = service.credential(access, &request, now).map_err(|e| fail(endpoint_error(e)))?;
    service.service().persist().await.map_err(|e| {
        tracing::error!(error = %e, "persisting an issued credential");
        OAuthError::new(500, ProtocolError::new("server_error", "the credential could not be recorded"))
    })?;
    let nonce = service.dpop_nonce(NonceScope::CredentialEndpoint, now);
    Ok(with_dpop_nonce(no_store(StatusCode::OK, answer), &nonce))
}

/// The notification endpoint.
///
/// # Errors
/// An error answer naming what went wrong.
#[utoipa::path(post, path = "/notification", tag = "OpenID4VCI", security(("accessToken" = [])), request_body(content = Object, content_type = "application/json"), responses((status = 204, description = "recorded"), (status = 400, description = "OAuth error"), (status = 401, description = "invalid_token")))]
pub async fn notification(
    State(state): State<AppState>,
    headers: ProtocolHeaders,
    body: Result<Json<Value>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, OAuthError> {
    let (service, now) = (issuance(&state)?, state.now());
    let access = headers.access().map_err(|e| resource_error(service, now, None, e))?;
    let fail = |e: OAuthError| resource_error(service, now, Some(access.scheme), e);
    let Json(body) = body
        .map_err(|e| fail(OAuthError::new(400, ProtocolError::new("invalid_notification_request", e.body_text()))))?;
    service.notify(access, &body, now).map_err(|e| fail(endpoint_error(e)))?;
    let nonce = service.dpop_nonce(NonceScope::CredentialEndpoint, now);
    Ok(with_dpop_nonce(StatusCode::NO_CONTENT.into_response(), &nonce))
}
