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
use crate::issuer::AchievementDescription;
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
#[utoipa::path(get, path = "/.well-known/openid-credential-issuer", tag = "OpenID4VCI", responses((status = 200, description = "credential issuer metadata")))]
pub async fn credential_issuer_metadata(State(state): State<AppState>) -> Result<Json<Value>, HttpProblem> {
    Ok(Json(service(&state)?.credential_issuer_metadata()))
}

/// Authorization server metadata (RFC 8414).
///
/// # Errors
/// An error answer naming what went wrong.
#[utoipa::path(get, path = "/.well-known/oauth-authorization-server", tag = "OpenID4VCI", responses((status = 200, description = "RFC 8414 metadata")))]
pub async fn authorization_server_metadata(State(state): State<AppState>) -> Result<Json<Value>, HttpProblem> {
    Ok(Json(service(&state)?.authorization_server_metadata()))
}

/// `POST /offers` (admin): an offer for a learner from an achievement description.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CreateOffer {
    /// An achievement description (see `docs/examples/`).
    #[schema(value_type = Object)]
    achievement: AchievementDescription,
    /// `true` for a 6-digit transaction code, or `{"length": n}`.
    #[serde(default)]
    #[schema(value_type = Object)]
    tx_code: Option<Value>,
    /// Seconds the offer lives (default 600).
    #[serde(default)]
    expires_in: Option<i64>,
}

/// Creates a credential offer from an achievement description (admin).
///
/// # Errors
/// An error answer naming what went wrong.
#[utoipa::path(post, path = "/offers", tag = "OpenID4VCI", request_body = CreateOffer, responses((status = 201, description = "the offer URI, QR URL and transaction code"), (status = 400, description = "invalid description"), (status = 401, description = "admin token missing or wrong")))]
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
                .and_then(Value::as_u64)
                .and_then(|l| u32::try_from(l).ok())
                .ok_or_else(|| HttpProblem::InvalidRequest(Some("tx_code is true or {\"length\": n}".into())))?,
        ),
    };
    let ttl = request.expires_in.map_or(DEFAULT_OFFER_TTL, chrono::Duration::seconds);
    let created =
        service.create_offer(OfferRequest { description: request.achievement, tx_code_length, ttl }, state.now())?;
    let mut body = serde_json::to_value(&created).map_err(|e| HttpProblem::internal(&e))?;
    body["qr_svg_uri"] = Value::String(format!("{}/qr.svg", created.credential_offer_uri));
    Ok(no_store(StatusCode::CREATED, body))
}

/// The credential offer, by reference.
///
/// # Errors
/// An error answer naming what went wrong.
#[utoipa::path(get, path = "/offers/{id}", tag = "OpenID4VCI", params(("id" = String, Path, description = "offer id")), responses((status = 200, description = "the credential offer"), (status = 404, description = "unknown, expired or used")))]
pub async fn offer(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, HttpProblem> {
    let offer = service(&state)?.offer(&id, state.now());
    let offer = offer.ok_or_else(|| HttpProblem::NotFound(Some("no such offer, or it expired or was used".into())))?;
    Ok(no_store(StatusCode::OK, serde_json::to_value(offer).map_err(|e| HttpProblem::internal(&e))?))
}

/// The offer URI as a QR code.
///
/// # Errors
/// An error answer naming what went wrong.
#[utoipa::path(get, path = "/offers/{id}/qr.svg", tag = "OpenID4VCI", params(("id" = String, Path, description = "offer id")), responses((status = 200, description = "SVG"), (status = 404, description = "unknown, expired or used")))]
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
#[utoipa::path(get, path = "/offers/{id}/state", tag = "OpenID4VCI", params(("id" = String, Path, description = "offer id")), responses((status = 200, description = "where the offer stands"), (status = 401, description = "admin token missing or wrong")))]
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

/// The token endpoint (pre-authorized code grant).
///
/// # Errors
/// An error answer naming what went wrong.
#[utoipa::path(post, path = "/token", tag = "OpenID4VCI", responses((status = 200, description = "access token"), (status = 400, description = "OAuth error")))]
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
#[utoipa::path(post, path = "/nonce", tag = "OpenID4VCI", responses((status = 200, description = "a fresh c_nonce")))]
pub async fn nonce(State(state): State<AppState>) -> Result<Response, OAuthError> {
    let nonce = issuance(&state)?.c_nonce(state.now()).map_err(endpoint_error)?;
    Ok(no_store(StatusCode::OK, serde_json::json!({"c_nonce": nonce})))
}

/// The credential endpoint.
///
/// # Errors
/// An error answer naming what went wrong.
#[utoipa::path(post, path = "/credential", tag = "OpenID4VCI", responses((status = 200, description = "the credential"), (status = 400, description = "OAuth error"), (status = 401, description = "invalid_token")))]
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
#[utoipa::path(post, path = "/notification", tag = "OpenID4VCI", responses((status = 204, description = "recorded"), (status = 400, description = "OAuth error"), (status = 401, description = "invalid_token")))]
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
