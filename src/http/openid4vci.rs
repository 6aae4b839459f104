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

use super::auth::{Admin, Bearer};
use super::oauth::{OAuthError, no_store, svg};
use super::{AppState, HttpProblem};
use crate::core::openid4vci::{AS_METADATA_PATH, METADATA_PATH, ProtocolError};
use crate::core::secret::SecretString;
use crate::issuer::openid4vci::{
    CredentialIssuance, DEFAULT_OFFER_TTL, DEFAULT_TX_CODE_LENGTH, EndpointError, OfferRequest,
};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(METADATA_PATH, get(credential_issuer_metadata))
        .route(AS_METADATA_PATH, get(authorization_server_metadata))
        .route("/offers", post(create_offer))
        .route("/offers/{id}", get(offer))
        .route("/offers/{id}/qr.svg", get(offer_qr))
        .route("/offers/{id}/state", get(offer_state))
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

/// The access token of a protected protocol call (`/credential`, `/notification`).
fn access_token(bearer: Bearer) -> Result<SecretString, OAuthError> {
    bearer.0.ok_or_else(|| {
        OAuthError::new(401, ProtocolError::new("invalid_token", "send Authorization: Bearer <access token>"))
    })
}

fn endpoint_error(error: EndpointError) -> OAuthError {
    OAuthError::new(error.status, error.error)
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
    let created = service.create_offer(OfferRequest { description, tx_code_length, ttl, label: None }, state.now())?;
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

/// The token endpoint (pre-authorized code grant).
///
/// # Errors
/// An error answer naming what went wrong.
#[utoipa::path(post, path = "/token", tag = "OpenID4VCI", request_body(content = TokenRequest, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, description = "access token", content_type = "application/json"), (status = 400, description = "OAuth error (RFC 6749 section 5.2)")))]
#[expect(clippy::implicit_hasher, reason = "an axum handler: axum builds the form map")]
pub async fn token(
    State(state): State<AppState>,
    form: Result<Form<HashMap<String, String>>, axum::extract::rejection::FormRejection>,
) -> Result<Response, OAuthError> {
    let service = issuance(&state)?;
    let Form(form) = form.map_err(|e| OAuthError::invalid_request(e.body_text()))?;
    let answer = service.token(&form, state.now()).map_err(endpoint_error)?;
    Ok(no_store(StatusCode::OK, answer))
}

/// The nonce endpoint.
///
/// # Errors
/// An error answer naming what went wrong.
#[utoipa::path(post, path = "/nonce", tag = "OpenID4VCI", responses((status = 200, description = "a fresh c_nonce", content_type = "application/json")))]
pub async fn nonce(State(state): State<AppState>) -> Result<Response, OAuthError> {
    let nonce = issuance(&state)?.c_nonce(state.now()).map_err(endpoint_error)?;
    Ok(no_store(StatusCode::OK, serde_json::json!({"c_nonce": nonce})))
}

/// The credential endpoint.
///
/// # Errors
/// An error answer naming what went wrong.
#[utoipa::path(post, path = "/credential", tag = "OpenID4VCI", security(("accessToken" = [])), request_body(content = Object, content_type = "application/json"), responses((status = 200, description = "the credential"), (status = 400, description = "OAuth error"), (status = 401, description = "invalid_token")))]
pub async fn credential(
    State(state): State<AppState>,
    bearer: Bearer,
    body: Result<Json<Value>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, OAuthError> {
    let (service, token) = (issuance(&state)?, access_token(bearer)?);
    let Json(request) =
        body.map_err(|e| OAuthError::new(400, ProtocolError::new("invalid_credential_request", e.body_text())))?;
    let answer = service.credential(token.expose(), &request, state.now()).map_err(endpoint_error)?;
    service.service().persist().await.map_err(|e| {
        tracing::error!(error = %e, "persisting an issued credential");
        OAuthError::new(500, ProtocolError::new("server_error", "the credential could not be recorded"))
    })?;
    Ok(no_store(StatusCode::OK, answer))
}

/// The notification endpoint.
///
/// # Errors
/// An error answer naming what went wrong.
#[utoipa::path(post, path = "/notification", tag = "OpenID4VCI", security(("accessToken" = [])), request_body(content = Object, content_type = "application/json"), responses((status = 204, description = "recorded"), (status = 400, description = "OAuth error"), (status = 401, description = "invalid_token")))]
pub async fn notification(
    State(state): State<AppState>,
    bearer: Bearer,
    body: Result<Json<Value>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, OAuthError> {
    let (service, token) = (issuance(&state)?, access_token(bearer)?);
    let Json(body) =
        body.map_err(|e| OAuthError::new(400, ProtocolError::new("invalid_notification_request", e.body_text())))?;
    service.notify(token.expose(), &body, state.now()).map_err(endpoint_error)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
