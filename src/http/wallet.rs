//! Hosted wallet routes (`/wallet/...`): create an account, open a session with the passphrase, then import,
//! list, show, delete, skills overview, present, export and restore, each through the session's bearer token.
//! A token opens exactly one holder's wallet. The rules (passphrase length, verification on receipt, which kind of
//! presentation a credential allows) are the wallet role's; these handlers parse, call it and render.

use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::auth::Bearer;
use super::server::ClientAddress;
use super::{AppState, HttpProblem};
use crate::core::encoding::{b64url, b64url_decode};
use crate::core::format::Format;
use crate::core::secret::SecretString;
use crate::wallet::passport::{Filter, skills_overview};
use crate::wallet::{ImportOutcome, Passphrase, Receipt, Wallet};

type JsonBody<T> = Result<Json<T>, axum::extract::rejection::JsonRejection>;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/wallet/accounts", post(create_account))
        .route("/wallet/sessions", post(open_session).delete(close_session))
        .route("/wallet/credentials", get(list).post(import))
        .route("/wallet/credentials/{id}", get(show).delete(delete))
        .route("/wallet/skills", get(skills))
        .route("/wallet/presentations", post(present))
        .route("/wallet/export", post(export))
        .route("/wallet/restore", post(restore))
}

/// The wallet a request's session token opens.
pub struct Session(pub(super) Wallet);

impl FromRequestParts<AppState> for Session {
    type Rejection = HttpProblem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Bearer(token) = Bearer::from_headers(&parts.headers);
        let token = token
            .ok_or_else(|| HttpProblem::InvalidSession(Some("send Authorization: Bearer <session token>".into())))?;
        Ok(Self(state.wallet()?.wallets.wallet(token.expose())?))
    }
}

/// `{account, passphrase}`.
#[derive(Debug, Deserialize)]
pub struct Credentials {
    account: String,
    passphrase: SecretString,
}

async fn create_account(
    State(state): State<AppState>,
    client: ClientAddress,
    body: JsonBody<Credentials>,
) -> Result<Response, HttpProblem> {
    let Json(request) = body?;
    let wallets = &state.wallet()?.wallets;
    let _counted = state.throttles.accounts.begin(&client.key()).map_err(HttpProblem::too_many)?;
    let passphrase = Passphrase::new(request.passphrase)?;
    let did = wallets.create(&request.account, passphrase, state.now()).await?;
    Ok((StatusCode::CREATED, Json(json!({"account": request.account, "did": did}))).into_response())
}

async fn open_session(
    State(state): State<AppState>,
    client: ClientAddress,
    body: JsonBody<Credentials>,
) -> Result<Response, HttpProblem> {
    let Json(request) = body?;
    let wallets = &state.wallet()?.wallets;
    let attempt = state.throttles.sessions.begin(&client.key()).map_err(HttpProblem::too_many)?;
    let (token, ttl) = wallets.open_session(&request.account, request.passphrase).await?;
    attempt.succeeded();
    Ok((StatusCode::CREATED, Json(json!({"token": token.expose(), "expiresIn": ttl.as_secs()}))).into_response())
}

async fn close_session(State(state): State<AppState>, Bearer(token): Bearer) -> Result<StatusCode, HttpProblem> {
    if let Some(token) = token {
        state.wallet()?.wallets.close(token.expose());
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Search parameters of `GET /wallet/credentials`.
#[derive(Debug, Deserialize)]
pub struct ListQuery {
    skill: Option<String>,
    issuer: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
}

async fn list(Session(wallet): Session, Query(query): Query<ListQuery>) -> Result<Json<Value>, HttpProblem> {
    let filter = Filter { skill: query.skill, issuer: query.issuer, kind: query.kind, ..Filter::default() };
    let found: Vec<_> = wallet.list()?.into_iter().filter(|c| filter.matches(c)).collect();
    Ok(Json(json!({"credentials": found})))
}

/// `{credential: <vc+jwt, dc+sd-jwt or an EnvelopedVerifiableCredential>, bearer?: bool}`.
#[derive(Debug, Deserialize)]
pub struct ImportRequest {
    credential: Value,
    #[serde(default)]
    bearer: bool,
}

async fn import(
    State(state): State<AppState>,
    Session(wallet): Session,
    body: JsonBody<ImportRequest>,
) -> Result<Response, HttpProblem> {
    let Json(request) = body?;
    let token = super::compact(&request.credential, Format::VcJwt)
        .or_else(|| super::compact(&request.credential, Format::SdJwtVc))
        .unwrap_or_default();
    let receipt = Receipt { bearer_consent: request.bearer, expected_type: None };
    let outcome = wallet.receive(&state.wallet()?.verifier, token, receipt, state.now()).await?;
    Ok(match outcome {
        ImportOutcome::Stored(stored) => {
            (StatusCode::CREATED, Json(json!({"status": "imported", "credential": stored}))).into_response()
        }
        ImportOutcome::AlreadyStored(id) => {
            (StatusCode::OK, Json(json!({"status": "already-stored", "id": id}))).into_response()
        }
    })
}

async fn show(Session(wallet): Session, Path(id): Path<String>) -> Result<Json<Value>, HttpProblem> {
    Ok(Json(json!(wallet.get_credential(&id)?)))
}

async fn delete(Session(wallet): Session, Path(id): Path<String>) -> Result<StatusCode, HttpProblem> {
    wallet.delete(&id)?;
    wallet.flush()?;
    Ok(StatusCode::NO_CONTENT)
}

async fn skills(State(state): State<AppState>, Session(wallet): Session) -> Result<Json<Value>, HttpProblem> {
    Ok(Json(json!({"skills": skills_overview(&wallet.list()?, state.now())})))
}

/// `{credentialIds, nonce, aud, disclose?}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PresentRequest {
    credential_ids: Vec<String>,
    nonce: String,
    aud: String,
    /// For an SD-JWT VC: the skill URIs and claim names to disclose.
    #[serde(default)]
    disclose: Vec<String>,
}

async fn present(
    State(state): State<AppState>,
    Session(wallet): Session,
    body: JsonBody<PresentRequest>,
) -> Result<Json<Value>, HttpProblem> {
    let Json(request) = body?;
    if request.credential_ids.is_empty() {
        return Err(HttpProblem::InvalidRequest(Some("credentialIds is empty".into())));
    }
    let presented =
        wallet.present(&request.credential_ids, &request.disclose, &request.nonce, &request.aud, state.now())?;
    Ok(Json(match presented.format {
        Format::VpJwt => json!({"verifiablePresentation": {"@context": [crate::core::credential::VC2_CONTEXT],
            "type": "EnvelopedVerifiablePresentation", "id": Format::VpJwt.data_url(&presented.token)}}),
        format => json!({"presentation": presented.token, "format": format}),
    }))
}

/// `{passphrase}` for export; `{file, passphrase}` (file as base64url) for restore.
#[derive(Debug, Deserialize)]
pub struct ExportRequest {
    passphrase: SecretString,
    #[serde(default)]
    file: Option<String>,
    /// Restore into a wallet that holds credentials: only an export of this same wallet.
    #[serde(default)]
    merge: bool,
}

async fn export(
    State(state): State<AppState>,
    Session(wallet): Session,
    body: JsonBody<ExportRequest>,
) -> Result<Json<Value>, HttpProblem> {
    let Json(request) = body?;
    let passphrase = Passphrase::new(request.passphrase)?;
    let file = state.wallet()?.wallets.export(wallet, passphrase, state.now()).await?;
    Ok(Json(json!({"file": b64url(file)})))
}

async fn restore(
    State(state): State<AppState>,
    Session(wallet): Session,
    body: JsonBody<ExportRequest>,
) -> Result<Json<Value>, HttpProblem> {
    let Json(request) = body?;
    let passphrase = Passphrase::new(request.passphrase)?;
    let file = request.file.as_deref().and_then(|f| b64url_decode(f).ok());
    let file =
        file.ok_or_else(|| HttpProblem::InvalidRequest(Some("file must be the export file, base64url".into())))?;
    let restored = state.wallet()?.wallets.restore(wallet, file, passphrase, request.merge).await?;
    Ok(Json(json!({"restored": restored})))
}
