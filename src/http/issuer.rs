//! Issuer routes: `POST /credentials/issue`, `POST /credentials/status` (admin), the `did:web` document and the
//! status lists.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::auth::Admin;
use super::{AppState, HttpProblem};
use crate::core::format::Format;
use crate::issuer::service::{IssuerService, StatusChange};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/credentials/issue", post(issue))
        .route("/credentials/status", post(update_status))
        .route("/status/{list}", get(status_list))
        .route("/statuslists/{list}", get(token_status_list))
        .route("/.well-known/jwt-vc-issuer", get(jwt_vc_issuer))
}

fn service(state: &AppState) -> Result<&IssuerService, HttpProblem> {
    Ok(&state.issuer()?.service)
}

/// VC API `IssueCredentialRequest`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct IssueRequest {
    /// A VC 2.0 credential naming this issuer, without `credentialStatus` and `proof`.
    #[schema(value_type = Object)]
    pub credential: Value,
    /// Options: `{"format": "dc+sd-jwt"}` issues an SD-JWT VC (default: `vc+jwt`); with `"issuer": "url"` its `iss`
    /// is the service's URL (keys through `/.well-known/jwt-vc-issuer`) instead of its did:web.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub options: Value,
}

/// Issues a credential as `vc+jwt`, returned as an `EnvelopedVerifiableCredential`.
///
/// # Errors
/// A problem+json response naming what went wrong.
#[utoipa::path(post, path = "/credentials/issue", request_body = IssueRequest,
    responses((status = 201, description = "issued"), (status = 400, description = "invalid credential"),
        (status = 401, description = "admin token missing or wrong")))]
pub async fn issue(
    State(state): State<AppState>,
    _admin: Admin,
    body: Result<Json<IssueRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, HttpProblem> {
    let service = service(&state)?;
    let Json(request) = body?;
    let format = request.options.get("format").and_then(Value::as_str).and_then(Format::from_name);
    if format == Some(Format::SdJwtVc) {
        let url_issuer = request.options.get("issuer").and_then(Value::as_str) == Some("url");
        let (id, compact) = service.issue_sd_jwt_as(request.credential, url_issuer, state.now())?;
        service.persist().await.map_err(|e| HttpProblem::internal(&e))?;
        let enveloped = json!({
            "@context": [crate::core::credential::VC2_CONTEXT],
            "id": Format::SdJwtVc.data_url(&compact),
            "type": "EnvelopedVerifiableCredential",
        });
        return Ok(
            (StatusCode::CREATED, Json(json!({"verifiableCredential": enveloped, "credentialId": id}))).into_response()
        );
    }
    let issued = service.issue(request.credential, state.now())?;
    service.persist().await.map_err(|e| HttpProblem::internal(&e))?;
    let enveloped = json!({
        "@context": [crate::core::credential::VC2_CONTEXT],
        "id": Format::VcJwt.data_url(&issued.token),
        "type": "EnvelopedVerifiableCredential",
    });
    Ok((StatusCode::CREATED, Json(json!({"verifiableCredential": enveloped}))).into_response())
}

/// VC API `UpdateCredentialStatus`: `{credentialId, credentialStatus: [{type, status}]}` with `status` one of
/// `revoked`, `suspended`, `active` (reinstates a suspension).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StatusRequest {
    /// The credential's id.
    pub credential_id: String,
    /// The requested changes.
    pub credential_status: Vec<StatusUpdate>,
}

/// One requested change.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct StatusUpdate {
    /// `BitstringStatusListEntry`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `revoked`, `suspended` or `active`.
    pub status: String,
}

/// Revokes, suspends or reinstates a credential.
///
/// # Errors
/// A problem+json response naming what went wrong.
#[utoipa::path(post, path = "/credentials/status", request_body = StatusRequest,
    responses((status = 200, description = "changed"), (status = 404, description = "unknown credential"),
        (status = 409, description = "already revoked")))]
pub async fn update_status(
    State(state): State<AppState>,
    _admin: Admin,
    body: Result<Json<StatusRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<Value>, HttpProblem> {
    let service = service(&state)?;
    let Json(request) = body?;
    if request.credential_status.is_empty() {
        return Err(HttpProblem::InvalidRequest(Some("credentialStatus is empty".into())));
    }
    let mut record = None;
    for update in &request.credential_status {
        if !matches!(update.kind.as_str(), "BitstringStatusListEntry" | "BitstringStatusListCredential") {
            return Err(HttpProblem::InvalidRequest(Some(format!("unsupported status type {:?}", update.kind))));
        }
        let change = match update.status.as_str() {
            "revoked" => StatusChange::Revoke,
            "suspended" => StatusChange::Suspend,
            "active" | "reinstated" => StatusChange::Reinstate,
            other => {
                let detail = format!("status {other:?} is not one of revoked, suspended, active");
                return Err(HttpProblem::InvalidRequest(Some(detail)));
            }
        };
        record = Some(service.change_status(&request.credential_id, change)?);
    }
    service.persist().await.map_err(|e| HttpProblem::internal(&e))?;
    let record = record.ok_or(HttpProblem::InvalidRequest(None))?;
    Ok(Json(json!({"credentialId": record.id, "revoked": record.revoked, "suspended": record.suspended})))
}

/// A status list as a signed `BitstringStatusListCredential` (`application/vc+jwt`), with `ETag` and
/// `Cache-Control: max-age` = its `ttl`.
///
/// # Errors
/// A problem+json response naming what went wrong.
#[utoipa::path(get, path = "/status/{list}", params(("list" = String, Path, description = "list id")),
    responses((status = 200, description = "the signed list"), (status = 304, description = "unchanged"),
        (status = 404, description = "unknown list")))]
pub async fn status_list(
    State(state): State<AppState>,
    Path(list): Path<String>,
    headers: HeaderMap,
) -> Result<Response, HttpProblem> {
    let service = service(&state)?;
    let published = service.status_list(&list, state.now())?;
    let cache_control = format!("max-age={}", service.status_ttl_ms() / 1000);
    let etag = HeaderValue::from_str(&published.etag).map_err(|e| HttpProblem::internal(&e))?;
    let unchanged = headers.get(header::IF_NONE_MATCH).is_some_and(|v| v.as_bytes() == published.etag.as_bytes());
    let mut response =
        if unchanged { StatusCode::NOT_MODIFIED.into_response() } else { published.token.clone().into_response() };
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(Format::BitstringStatusList.media_type()));
    headers.insert(header::ETAG, etag);
    headers
        .insert(header::CACHE_CONTROL, HeaderValue::from_str(&cache_control).map_err(|e| HttpProblem::internal(&e))?);
    Ok(response)
}

/// An IETF Token Status List (`application/statuslist+jwt`) for SD-JWT VCs, with `Cache-Control: max-age` = its
/// `ttl`.
///
/// # Errors
/// A problem+json response for unknown lists.
#[utoipa::path(get, path = "/statuslists/{list}", params(("list" = String, Path, description = "list id")),
    responses((status = 200, description = "the signed status list token"), (status = 404, description = "unknown list")))]
pub async fn token_status_list(
    State(state): State<AppState>,
    Path(list): Path<String>,
) -> Result<Response, HttpProblem> {
    let service = service(&state)?;
    let published = service.token_status_list(&list, state.now())?;
    let mut response = published.token.clone().into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(Format::TokenStatusList.media_type()));
    let cache_control = format!("max-age={}", (service.status_ttl_ms() / 1000).max(1));
    headers
        .insert(header::CACHE_CONTROL, HeaderValue::from_str(&cache_control).map_err(|e| HttpProblem::internal(&e))?);
    Ok(response)
}

/// JWT VC Issuer Metadata for SD-JWT VCs whose `iss` is this service's URL.
///
/// # Errors
/// A problem+json response when the issuer role is not served.
#[utoipa::path(get, path = "/.well-known/jwt-vc-issuer", responses((status = 200, description = "issuer and jwks")))]
pub async fn jwt_vc_issuer(State(state): State<AppState>) -> Result<Json<Value>, HttpProblem> {
    Ok(Json(service(&state)?.jwt_vc_issuer_metadata()))
}
