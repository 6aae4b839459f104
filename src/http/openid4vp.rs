//! Verifier routes of `OpenID4VP` 1.0: `POST /verifier/requests` (admin) creates a request from DCQL or ESCO
//! skills; the wallet fetches `…/request` (signed requests) and posts to `…/response` (`direct_post`);
//! `GET /verifier/requests/{id}` gives the status, and the result to the admin or to whoever holds the response
//! code the wallet's redirect carried.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use serde::Deserialize;
use serde_json::Value;

use super::auth::Bearer;
use super::oauth::{OAuthError, no_store, svg};
use super::{AppState, HttpProblem};
use crate::core::openid4vci::ProtocolError;
use crate::core::vacancy::VacancyProfile;
use crate::verifier::openid4vp::{ClientIdPrefix, NewRequest, PresentationDesk};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/verifier/requests", post(create_request))
        .route("/verifier/requests/{id}", get(request_status))
        .route("/verifier/requests/{id}/request", get(request_object).post(request_object_by_post))
        .route("/verifier/requests/{id}/qr.svg", get(request_qr))
        .route("/verifier/requests/{id}/response", post(response))
}

fn desk(state: &AppState) -> Result<&PresentationDesk, HttpProblem> {
    Ok(&state.verifier()?.desk)
}

/// `POST /verifier/requests`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CreateRequest {
    /// A DCQL query (or `skills`).
    #[serde(default)]
    #[schema(value_type = Object)]
    dcql_query: Option<Value>,
    /// ESCO skill URIs (or `dcql_query`).
    #[serde(default)]
    skills: Vec<String>,
    /// A vacancy profile (`schemas/vacancy-profile.schema.json`; or `skills`, or `dcql_query`): the request asks
    /// for exactly its skills and the result carries the employer's gap report.
    #[serde(default)]
    #[schema(value_type = Object)]
    profile: Option<Value>,
    /// How the verifier identifies itself to the wallet.
    #[serde(default)]
    client_id_prefix: Option<ClientIdPrefixName>,
    /// Where the wallet sends the browser afterwards (`#response_code=` is appended).
    #[serde(default)]
    redirect_uri: Option<String>,
    /// The name wallets show.
    #[serde(default)]
    client_name: Option<String>,
    /// For `decentralized_identifier`: `post` has the wallet POST for the request object with a nonce of its own
    /// (`request_uri_method=post`); the default is `get`.
    #[serde(default)]
    request_uri_method: Option<String>,
    /// `direct_post` (the default) or `direct_post.jwt`: the wallet encrypts its answer to a P-256 key made for this
    /// request (ECDH-ES with A128GCM or A256GCM), as the EU wallet profile (HAIP) requires.
    #[serde(default)]
    response_mode: Option<ResponseModeName>,
}

/// The response modes this verifier can ask for (`OpenID4VP` sections 8.2 and 8.3.1).
#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
pub enum ResponseModeName {
    /// The wallet posts its answer as a form.
    #[serde(rename = "direct_post")]
    DirectPost,
    /// The wallet posts its answer encrypted, as one `response` JWE.
    #[serde(rename = "direct_post.jwt")]
    DirectPostJwt,
}

/// The client identifier prefixes this verifier can use (`OpenID4VP` section 5.9).
#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClientIdPrefixName {
    /// `redirect_uri:`: an unsigned request naming where the response goes (the default).
    RedirectUri,
    /// `decentralized_identifier:`: a request object signed with the verifier's DID key.
    DecentralizedIdentifier,
    /// `x509_hash:`: a request object signed with the key of the verifier's certificate, sent in `x5c` (HAIP;
    /// needs `serve --verifier-x509-chain`).
    X509Hash,
}

/// Creates a presentation request from ESCO skills or a DCQL query (admin).
///
/// # Errors
/// An error answer naming what went wrong.
#[utoipa::path(post, path = "/verifier/requests", tag = "OpenID4VP", request_body = CreateRequest, security(("admin" = [])),
    responses((status = 201, description = "the openid4vp:// URI and QR URL", content_type = "application/json"),
        (status = 422, description = "invalid-query: not exactly one of skills, DCQL query or profile, an unknown skill, a DCQL query or redirect URI this verifier cannot use; invalid-profile: a profile that is not valid")))]
pub async fn create_request(
    State(state): State<AppState>,
    _admin: super::auth::Admin,
    body: Result<Json<CreateRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, HttpProblem> {
    let desk = desk(&state)?;
    let Json(body) = body?;
    let prefix = match body.client_id_prefix {
        None | Some(ClientIdPrefixName::RedirectUri) => ClientIdPrefix::RedirectUri,
        Some(ClientIdPrefixName::DecentralizedIdentifier) => ClientIdPrefix::DecentralizedIdentifier,
        Some(ClientIdPrefixName::X509Hash) => ClientIdPrefix::X509Hash,
    };
    let profile = match body.profile {
        Some(profile) => {
            let esco = state.esco.get().map_err(|e| HttpProblem::internal(&e))?;
            let profile = VacancyProfile::from_json(profile, &esco)
                .map_err(|e| HttpProblem::InvalidProfile(Some(e.to_string())))?;
            Some((profile, esco))
        }
        None => None,
    };
    let new = NewRequest {
        dcql_query: body.dcql_query,
        skills: body.skills,
        profile,
        prefix,
        redirect_uri: body.redirect_uri,
        client_name: body.client_name,
        encrypted: matches!(body.response_mode, Some(ResponseModeName::DirectPostJwt)),
        request_uri_post: match body.request_uri_method.as_deref() {
            None | Some("get") => false,
            Some("post") => true,
            Some(other) => {
                return Err(HttpProblem::InvalidQuery(Some(format!("request_uri_method {other:?} is get or post"))));
            }
        },
    };
    let created = desk.create(new, state.now()).map_err(|e| HttpProblem::InvalidQuery(Some(e.description)))?;
    let mut answer = serde_json::to_value(&created).map_err(|e| HttpProblem::internal(&e))?;
    answer["qr_svg_uri"] = Value::String(format!("{}/verifier/requests/{}/qr.svg", desk.public_url(), created.id));
    Ok(no_store(StatusCode::CREATED, answer))
}

/// `?response_code=` of `GET /verifier/requests/{id}`.
#[derive(Debug, Deserialize)]
pub struct StatusQuery {
    /// The code the wallet's redirect carried.
    #[serde(default)]
    response_code: Option<String>,
}

/// A request's status and result.
///
/// # Errors
/// An error answer naming what went wrong.
#[utoipa::path(get, path = "/verifier/requests/{id}", tag = "OpenID4VP", params(("id" = String, Path, description = "request id"), ("response_code" = Option<String>, Query, description = "the code of the wallet redirect")), security((), ("admin" = [])), responses((status = 200, description = "status, and the result for the admin or the response code holder", content_type = "application/json"), (status = 404, description = "not-found: unknown request")))]
pub async fn request_status(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<StatusQuery>,
    Bearer(token): Bearer,
) -> Result<Response, HttpProblem> {
    let desk = desk(&state)?;
    let admin = token.is_some_and(|token| state.is_admin(&token));
    let status = desk.status(&id, query.response_code.as_deref(), admin, state.now());
    let status = status.ok_or_else(|| HttpProblem::NotFound(Some("no such presentation request".into())))?;
    Ok(no_store(StatusCode::OK, status))
}

/// The signed request object.
///
/// # Errors
/// An error answer naming what went wrong.
#[utoipa::path(get, path = "/verifier/requests/{id}/request", tag = "OpenID4VP", params(("id" = String, Path, description = "request id")), responses((status = 200, description = "the signed request object", content_type = "application/oauth-authz-req+jwt", body = String), (status = 404, description = "not-found: unknown, unsigned or closed")))]
pub async fn request_object(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, HttpProblem> {
    signed_request_object(&state, &id, None)
}

/// What a wallet POSTs for a request object (`OpenID4VP` section 5.10, `request_uri_method=post`).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RequestObjectForm {
    /// A nonce of the wallet's that the request object repeats (at most 256 characters).
    #[serde(default)]
    wallet_nonce: Option<String>,
    /// The wallet's capabilities (JSON); read for its shape only: this verifier's requests need nothing of it.
    #[serde(default)]
    wallet_metadata: Option<String>,
}

/// The signed request object, asked for by POST: the wallet's `wallet_nonce` is signed into it.
///
/// # Errors
/// An error answer naming what went wrong.
#[utoipa::path(post, path = "/verifier/requests/{id}/request", tag = "OpenID4VP", params(("id" = String, Path, description = "request id")), request_body(content = RequestObjectForm, content_type = "application/x-www-form-urlencoded"), responses((status = 200, description = "the signed request object, repeating wallet_nonce", content_type = "application/oauth-authz-req+jwt", body = String), (status = 404, description = "not-found: unknown, unsigned or closed"), (status = 422, description = "invalid-query: a wallet_nonce over 256 characters or wallet_metadata that is not a JSON object")))]
pub async fn request_object_by_post(
    State(state): State<AppState>,
    Path(id): Path<String>,
    form: Result<Form<RequestObjectForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, HttpProblem> {
    let Form(form) = form.map_err(|e| HttpProblem::InvalidQuery(Some(e.body_text())))?;
    if form
        .wallet_nonce
        .as_ref()
        .is_some_and(|n| n.len() > crate::core::openid4vp::MAX_WALLET_NONCE_CHARS || n.is_empty())
    {
        return Err(HttpProblem::InvalidQuery(Some("wallet_nonce is empty or longer than 256 characters".into())));
    }
    if let Some(metadata) = &form.wallet_metadata {
        if !matches!(crate::core::encoding::parse_json(metadata.as_bytes()), Ok(Value::Object(_))) {
            return Err(HttpProblem::InvalidQuery(Some("wallet_metadata is not a JSON object".into())));
        }
    }
    signed_request_object(&state, &id, form.wallet_nonce.as_deref())
}

fn signed_request_object(state: &AppState, id: &str, wallet_nonce: Option<&str>) -> Result<Response, HttpProblem> {
    let jwt = desk(state)?.request_object(id, wallet_nonce, state.now());
    let jwt = jwt.ok_or_else(|| HttpProblem::NotFound(Some("no such open signed request".into())))?;
    let mut response = jwt.into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/oauth-authz-req+jwt"));
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// The request URI as a QR code.
///
/// # Errors
/// An error answer naming what went wrong.
#[utoipa::path(get, path = "/verifier/requests/{id}/qr.svg", tag = "OpenID4VP", params(("id" = String, Path, description = "request id")), responses((status = 200, description = "SVG", content_type = "image/svg+xml", body = String), (status = 404, description = "not-found: unknown or closed")))]
pub async fn request_qr(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, HttpProblem> {
    let uri = desk(&state)?.invocation_uri(&id, state.now());
    let uri = uri.ok_or_else(|| HttpProblem::NotFound(Some("no such open presentation request".into())))?;
    Ok(svg(crate::core::qr::svg(&uri).map_err(|e| HttpProblem::internal(&e))?))
}

/// The wallet's `direct_post` answer (`OpenID4VP` section 8.2).
#[derive(Debug, utoipa::ToSchema)]
#[expect(dead_code, reason = "the form's shape for the OpenAPI document; the handler reads the form as a map")]
pub struct AuthorizationResponse {
    /// The request's `state` (inside `response` when encrypted).
    state: Option<String>,
    /// `direct_post.jwt`: the compact JWE of the parameters.
    response: Option<String>,
    /// JSON: each credential query's id with its presentations.
    vp_token: Option<String>,
    /// When the holder declined: `access_denied`.
    error: Option<String>,
}

/// The response endpoint (`direct_post`).
///
/// # Errors
/// An error answer naming what went wrong.
#[utoipa::path(post, path = "/verifier/requests/{id}/response", tag = "OpenID4VP", params(("id" = String, Path, description = "request id")), request_body(content = AuthorizationResponse, content_type = "application/x-www-form-urlencoded"), responses((status = 200, description = "accepted; redirect_uri with the response code when one was set"), (status = 400, description = "OAuth error"), (status = 404, description = "unknown request")))]
#[expect(clippy::implicit_hasher, reason = "an axum handler: axum builds the form map")]
pub async fn response(
    State(state): State<AppState>,
    Path(id): Path<String>,
    form: Result<Form<HashMap<String, String>>, axum::extract::rejection::FormRejection>,
) -> Result<Response, OAuthError> {
    let role = state.verifier.as_deref().ok_or_else(|| OAuthError::invalid_request("no verifier here"))?;
    let (desk, verifier) = (&role.desk, &role.verifier);
    let Form(form) = form.map_err(|e| OAuthError::new(400, ProtocolError::new("invalid_request", e.body_text())))?;
    let answer = desk
        .respond(verifier, &id, &form, &state.esco, state.now())
        .await
        .map_err(|e| OAuthError::new(e.status, e.error))?;
    Ok(no_store(StatusCode::OK, answer))
}
