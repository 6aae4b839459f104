//! Hosted wallet routes (`/wallet/...`): create an account, open a session with the passphrase, then import,
//! list, show, delete, skills overview, present, export and restore, each through the session's bearer token.
//! A token opens exactly one holder's wallet.

use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{AppState, HttpProblem};
use crate::core::clock::{Clock as _, SystemClock};
use crate::core::encoding::{b64url, b64url_decode};
use crate::wallet::hosted::{HostedWallets, SessionError};
use crate::wallet::passport::{Filter, skills_overview};
use crate::wallet::{ImportOutcome, Wallet, WalletError};

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

fn wallets(state: &AppState) -> Result<&HostedWallets, HttpProblem> {
    state.wallets.as_deref().ok_or_else(|| HttpProblem::new("not-found", "the wallet role is not served".to_owned()))
}

impl From<SessionError> for HttpProblem {
    fn from(error: SessionError) -> Self {
        match error {
            SessionError::InvalidSession => Self::new("invalid-session", error.to_string()),
            SessionError::InvalidAccount => Self::new("invalid-account", error.to_string()),
            SessionError::Wallet(wallet) => wallet.into(),
        }
    }
}

impl From<WalletError> for HttpProblem {
    fn from(error: WalletError) -> Self {
        let name = match &error {
            WalletError::NotFound => "wallet-not-found",
            WalletError::Exists => "wallet-exists",
            WalletError::WrongPassphrase => "wrong-passphrase",
            WalletError::NotVerified(_) | WalletError::ForeignSubject { .. } | WalletError::BearerWithoutConsent => {
                "credential-not-accepted"
            }
            WalletError::UnknownCredential(_) => "unknown-credential",
            WalletError::Presentation(_) | WalletError::Export(_) => "invalid-request",
            WalletError::Corrupt(_) | WalletError::Store(_) => return Self::internal(&error),
        };
        Self::new(name, error.to_string())
    }
}

/// The wallet a request's session token opens.
pub struct Session(pub(super) Wallet);

impl FromRequestParts<AppState> for Session {
    type Rejection = HttpProblem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = bearer(parts).ok_or_else(|| {
            HttpProblem::new("invalid-session", "send Authorization: Bearer <session token>".to_owned())
        })?;
        Ok(Self(wallets(state)?.wallet(token)?))
    }
}

fn bearer(parts: &Parts) -> Option<&str> {
    parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ")
}

/// `{account, passphrase}`.
#[derive(Debug, Deserialize)]
pub struct Credentials {
    account: String,
    passphrase: String,
}

async fn create_account(State(state): State<AppState>, body: JsonBody<Credentials>) -> Result<Response, HttpProblem> {
    let Json(request) = body?;
    let did = wallets(&state)?.create(&request.account, &request.passphrase, SystemClock.now())?;
    Ok((StatusCode::CREATED, Json(json!({"account": request.account, "did": did}))).into_response())
}

async fn open_session(State(state): State<AppState>, body: JsonBody<Credentials>) -> Result<Response, HttpProblem> {
    let Json(request) = body?;
    let wallets = wallets(&state)?;
    tokio::time::sleep(wallets.delay_for(&request.account)).await;
    let (token, ttl) = wallets.open_session(&request.account, &request.passphrase)?;
    Ok((StatusCode::CREATED, Json(json!({"token": token.as_str(), "expiresIn": ttl.as_secs()}))).into_response())
}

async fn close_session(State(state): State<AppState>, parts: axum::http::HeaderMap) -> Result<StatusCode, HttpProblem> {
    let token = parts.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    if let Some(token) = token {
        wallets(&state)?.close(token);
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

/// `{credential: <vc+jwt or EnvelopedVerifiableCredential>, bearer?: bool}`.
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
    let token = super::compact(&request.credential, "vc+jwt").unwrap_or_default();
    let verifier = state.import_verifier.as_deref().ok_or_else(|| HttpProblem::internal(&"no import verifier"))?;
    let report = verifier.verify(token, SystemClock.now()).await;
    let outcome = wallet.import(token, &report, request.bearer, SystemClock.now())?;
    wallet.flush()?;
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

async fn skills(Session(wallet): Session) -> Result<Json<Value>, HttpProblem> {
    Ok(Json(json!({"skills": skills_overview(&wallet.list()?, SystemClock.now())})))
}

/// `{credentialIds, nonce, aud}`.
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

async fn present(Session(wallet): Session, body: JsonBody<PresentRequest>) -> Result<Json<Value>, HttpProblem> {
    let Json(request) = body?;
    let first = request
        .credential_ids
        .first()
        .ok_or_else(|| HttpProblem::new("invalid-request", "credentialIds is empty".to_owned()))?;
    if wallet.get_credential(first)?.format == "dc+sd-jwt" {
        let presentation =
            wallet.present_selectively(first, &request.disclose, &request.nonce, &request.aud, SystemClock.now())?;
        return Ok(Json(json!({"presentation": presentation, "format": "dc+sd-jwt"})));
    }
    let vp = wallet.present(&request.credential_ids, &request.nonce, &request.aud, SystemClock.now())?;
    Ok(Json(json!({"verifiablePresentation": {"@context": [crate::core::credential::VC2_CONTEXT],
        "type": "EnvelopedVerifiablePresentation", "id": format!("data:application/vp+jwt,{vp}")}})))
}

/// `{passphrase}` for export; `{file, passphrase}` (file as base64url) for restore.
#[derive(Debug, Deserialize)]
pub struct ExportRequest {
    passphrase: String,
    #[serde(default)]
    file: Option<String>,
}

async fn export(Session(wallet): Session, body: JsonBody<ExportRequest>) -> Result<Json<Value>, HttpProblem> {
    let Json(request) = body?;
    if request.passphrase.chars().count() < 8 {
        return Err(HttpProblem::new(
            "invalid-request",
            "the export passphrase must have at least 8 characters".to_owned(),
        ));
    }
    let file = wallet.export(&request.passphrase, SystemClock.now())?;
    Ok(Json(json!({"file": b64url(file)})))
}

async fn restore(Session(wallet): Session, body: JsonBody<ExportRequest>) -> Result<Json<Value>, HttpProblem> {
    let Json(request) = body?;
    let file = request.file.as_deref().and_then(|f| b64url_decode(f).ok());
    let file =
        file.ok_or_else(|| HttpProblem::new("invalid-request", "file must be the export file, base64url".to_owned()))?;
    crate::wallet::export::check(&file, &request.passphrase)?;
    let restored = wallet.restore(&file, &request.passphrase)?;
    Ok(Json(json!({"restored": restored})))
}
