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
        .route("/vct/{kind}/{version}", get(type_metadata))
}

fn service(state: &AppState) -> Result<&IssuerService, HttpProblem> {
    Ok(&state.issuer()?.service)
}

/// VC API `IssueCredentialRequest`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct IssueRequest {
    /// A VC 2.0 credential naming this issuer, without `credentialStatus` and `proof`.
    #[schema(value_type = Object)]
    pub credential: serde_json::Map<String, Value>,
    /// How to issue it.
    #[serde(default)]
    pub options: IssueOptions,
}

/// Options of an issue request.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct IssueOptions {
    /// `dc+sd-jwt` issues an SD-JWT VC (default: `vc+jwt`).
    #[serde(default)]
    #[schema(value_type = Option<String>, pattern = r"^(vc\+jwt|dc\+sd-jwt)$")]
    pub format: Option<String>,
    /// For an SD-JWT VC, `url` makes its `iss` the service's URL (keys through `/.well-known/jwt-vc-issuer`)
    /// instead of its did:web.
    #[serde(default)]
    #[schema(value_type = Option<String>, pattern = "^(did|url)$")]
    pub issuer: Option<String>,
}

/// Issues a credential as `vc+jwt`, returned as an `EnvelopedVerifiableCredential`.
///
/// # Errors
/// A problem+json response naming what went wrong.
#[utoipa::path(post, path = "/credentials/issue", tag = "Issuer", request_body = IssueRequest, security(("admin" = [])),
    responses((status = 201, description = "issued: `{verifiableCredential}`", content_type = "application/json"),
        (status = 409, description = "duplicate-credential"),
        (status = 422, description = "invalid-credential (schemas, EU elements) or wrong-issuer")))]
pub async fn issue(
    State(state): State<AppState>,
    _admin: Admin,
    body: Result<Json<IssueRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, HttpProblem> {
    let service = service(&state)?;
    let Json(request) = body?;
    let format = request.options.format.as_deref().and_then(Format::from_name);
    if format == Some(Format::SdJwtVc) {
        let url_issuer = request.options.issuer.as_deref() == Some("url");
        let (id, compact) = service.issue_sd_jwt_as(Value::Object(request.credential), url_issuer, state.now())?;
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
    let issued = service.issue(Value::Object(request.credential), state.now())?;
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
    #[schema(min_items = 1)]
    pub credential_status: Vec<StatusUpdate>,
}

/// One requested change.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct StatusUpdate {
    /// The status mechanism.
    #[serde(rename = "type")]
    pub kind: StatusKind,
    /// The new status.
    pub status: StatusValue,
}

/// The status mechanism named in a change (VC API uses either name).
#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
pub enum StatusKind {
    /// Bitstring Status List v1.0.
    BitstringStatusListEntry,
    /// The same, named by its list credential.
    BitstringStatusListCredential,
}

/// A requested status.
#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum StatusValue {
    /// Revoked: final.
    Revoked,
    /// Suspended: may be reinstated.
    Suspended,
    /// Reinstated after a suspension.
    Active,
    /// The same as `active`.
    Reinstated,
}

/// Revokes, suspends or reinstates a credential.
///
/// # Errors
/// A problem+json response naming what went wrong.
#[utoipa::path(post, path = "/credentials/status", tag = "Issuer", request_body = StatusRequest, security(("admin" = [])),
    responses((status = 200, description = "changed", content_type = "application/json"), (status = 404, description = "unknown-credential"),
        (status = 409, description = "credential-revoked: revocation is final")))]
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
        let change = match update.status {
            StatusValue::Revoked => StatusChange::Revoke,
            StatusValue::Suspended => StatusChange::Suspend,
            StatusValue::Active | StatusValue::Reinstated => StatusChange::Reinstate,
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
#[utoipa::path(get, path = "/status/{list}", tag = "Issuer", params(("list" = String, Path, description = "list id")),
    responses((status = 200, description = "the signed list", content_type = "application/vc+jwt", body = String), (status = 304, description = "unchanged"),
        (status = 404, description = "unknown-status-list")))]
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

/// An IETF Token Status List (`application/statuslist+jwt`) for SD-JWT VCs, with `ETag` and `Cache-Control:
/// max-age` = its `ttl`.
///
/// # Errors
/// A problem+json response for unknown lists.
#[utoipa::path(get, path = "/statuslists/{list}", tag = "Issuer", params(("list" = String, Path, description = "list id")),
    responses((status = 200, description = "the signed status list token", content_type = "application/statuslist+jwt", body = String), (status = 404, description = "unknown-status-list")))]
pub async fn token_status_list(
    State(state): State<AppState>,
    Path(list): Path<String>,
) -> Result<Response, HttpProblem> {
    let service = service(&state)?;
    let published = service.token_status_list(&list, state.now())?;
    let mut response = published.token.clone().into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(Format::TokenStatusList.media_type()));
    headers.insert(header::ETAG, HeaderValue::from_str(&published.etag).map_err(|e| HttpProblem::internal(&e))?);
    let cache_control = format!("max-age={}", (service.status_ttl_ms() / 1000).max(1));
    headers
        .insert(header::CACHE_CONTROL, HeaderValue::from_str(&cache_control).map_err(|e| HttpProblem::internal(&e))?);
    Ok(response)
}

/// JWT VC Issuer Metadata for SD-JWT VCs whose `iss` is this service's URL.
///
/// # Errors
/// A problem+json response when the issuer role is not served.
#[utoipa::path(get, path = "/.well-known/jwt-vc-issuer", tag = "Issuer", responses((status = 200, description = "issuer and jwks", content_type = "application/json")))]
pub async fn jwt_vc_issuer(State(state): State<AppState>) -> Result<Json<Value>, HttpProblem> {
    Ok(Json(service(&state)?.jwt_vc_issuer_metadata()))
}

/// The SD-JWT VC type metadata of this issuer's credential types, the exact octets `vct#integrity` pins
/// (`skill` or `micro-credential`, version `v1`: the path of the `vct` URL).
///
/// # Errors
/// `not-found` for another type.
#[utoipa::path(get, path = "/vct/{kind}/{version}", tag = "Issuer",
    params(("kind" = String, Path, description = "skill or micro-credential"), ("version" = String, Path, description = "v1")),
    responses((status = 200, description = "the type metadata document", content_type = "application/json"),
        (status = 404, description = "not-found: not a type of this issuer")))]
pub async fn type_metadata(
    State(state): State<AppState>,
    Path((kind, version)): Path<(String, String)>,
) -> Result<Response, HttpProblem> {
    service(&state)?;
    let vct = format!("https://w3id.org/skillspass/vct/{kind}/{version}");
    let document = crate::core::type_metadata::builtin(&vct)
        .ok_or_else(|| HttpProblem::NotFound(Some(format!("{vct} is not a type of this issuer"))))?;
    let mut response = document.to_vec().into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400"));
    Ok(response)
}
