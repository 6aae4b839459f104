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
use crate::core::esco::DEFAULT_LANG;
use crate::core::format::Format;
use crate::core::secret::SecretString;
use crate::core::vacancy::VacancyProfile;
use crate::wallet::passport::{Filter, skills_overview};
use crate::wallet::{Consent, ImportOutcome, Passphrase, Receipt, Wallet};

type JsonBody<T> = Result<Json<T>, axum::extract::rejection::JsonRejection>;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/wallet/accounts", post(create_account))
        .route("/wallet/sessions", post(open_session).delete(close_session))
        .route("/wallet/credentials", get(list).post(import))
        .route("/wallet/credentials/{id}", get(show).delete(delete))
        .route("/wallet/skills", get(skills))
        .route("/wallet/match", post(match_profile))
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

/// `POST /wallet/accounts`: a new hosted wallet.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NewAccount {
    /// 3 to 64 of `a-z 0-9 . _ -`.
    #[schema(pattern = r"^[a-z0-9._-]{3,64}$", example = "alice")]
    account: String,
    /// At least 8 characters: the only key to the wallet (the server keeps no copy).
    #[schema(value_type = String, min_length = 8)]
    passphrase: SecretString,
}

/// `POST /wallet/sessions`: open the account's wallet with its passphrase.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct OpenSession {
    /// The account name.
    #[schema(pattern = r"^[a-z0-9._-]{3,64}$", example = "alice")]
    account: String,
    /// The wallet's passphrase.
    #[schema(value_type = String)]
    passphrase: SecretString,
}

/// Creates a hosted wallet with a new holder key (its did:key is answered).
///
/// # Errors
/// A problem+json response naming what went wrong.
#[utoipa::path(post, path = "/wallet/accounts", tag = "Hosted wallet", request_body = NewAccount,
    responses((status = 201, description = "created: `{account, did}`", content_type = "application/json"),
        (status = 400, description = "invalid-account, weak-passphrase or malformed-json"),
        (status = 409, description = "wallet-exists"), (status = 429, description = "too-many-requests: accounts from this address")))]
pub async fn create_account(
    State(state): State<AppState>,
    client: ClientAddress,
    body: JsonBody<NewAccount>,
) -> Result<Response, HttpProblem> {
    let Json(request) = body?;
    let wallets = &state.wallet()?.wallets;
    let _counted = state.throttles.accounts.begin(&client.key()).map_err(HttpProblem::too_many)?;
    let passphrase = Passphrase::new(request.passphrase)?;
    let did = wallets.create(&request.account, passphrase, state.now()).await?;
    Ok((StatusCode::CREATED, Json(json!({"account": request.account, "did": did}))).into_response())
}

/// Opens a session: the answered token opens this one wallet until it expires or is closed.
///
/// # Errors
/// A problem+json response naming what went wrong.
#[utoipa::path(post, path = "/wallet/sessions", tag = "Hosted wallet", request_body = OpenSession,
    responses((status = 201, description = "`{token, expiresIn}`", content_type = "application/json"),
        (status = 400, description = "invalid-account or malformed-json"), (status = 401, description = "wrong-passphrase"),
        (status = 404, description = "wallet-not-found"), (status = 429, description = "too-many-requests: wrong passphrases")))]
pub async fn open_session(
    State(state): State<AppState>,
    client: ClientAddress,
    body: JsonBody<OpenSession>,
) -> Result<Response, HttpProblem> {
    let Json(request) = body?;
    let wallets = &state.wallet()?.wallets;
    let attempt = state.throttles.sessions.begin(&client.key()).map_err(HttpProblem::too_many)?;
    let (token, ttl) = wallets.open_session(&request.account, request.passphrase).await?;
    attempt.succeeded();
    Ok((StatusCode::CREATED, Json(json!({"token": token.expose(), "expiresIn": ttl.as_secs()}))).into_response())
}

/// Closes the session of the bearer token (if any): the token opens nothing afterwards.
///
/// # Errors
/// A problem+json response naming what went wrong.
#[utoipa::path(delete, path = "/wallet/sessions", tag = "Hosted wallet", security((), ("session" = [])),
    responses((status = 204, description = "closed")))]
pub async fn close_session(State(state): State<AppState>, Bearer(token): Bearer) -> Result<StatusCode, HttpProblem> {
    if let Some(token) = token {
        state.wallet()?.wallets.close(token.expose()).map_err(|e| HttpProblem::internal(&e))?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Search parameters of `GET /wallet/credentials`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// An ESCO skill URI, or words of its label.
    skill: Option<String>,
    /// Words of the issuer's DID or name.
    issuer: Option<String>,
    /// A credential type or achievement type.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    kind: Option<String>,
}

/// The wallet's credentials (summaries; no tokens), optionally filtered.
///
/// # Errors
/// A problem+json response naming what went wrong.
#[utoipa::path(get, path = "/wallet/credentials", tag = "Hosted wallet", params(ListQuery), security(("session" = [])),
    responses((status = 200, description = "`{credentials: [...]}`", content_type = "application/json")))]
pub async fn list(Session(wallet): Session, Query(query): Query<ListQuery>) -> Result<Json<Value>, HttpProblem> {
    let filter = Filter { skill: query.skill, issuer: query.issuer, kind: query.kind, ..Filter::default() };
    let found: Vec<_> = wallet.list()?.into_iter().filter(|c| filter.matches(c)).collect();
    Ok(Json(json!({"credentials": found})))
}

/// `POST /wallet/credentials`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportRequest {
    /// The compact `vc+jwt`, `dc+sd-jwt` or Open Badges JWT, an `EnvelopedVerifiableCredential` with its `data:`
    /// URL, or a Data Integrity credential (a JSON object with `proof`). Absent when `image` is given.
    #[schema(value_type = Object)]
    #[serde(default)]
    credential: Value,
    /// A baked badge instead: a PNG or SVG as a `data:image/png;base64,…` or `data:image/svg+xml;base64,…` URL (or
    /// plain base64).
    #[serde(default)]
    image: Option<String>,
    /// The holder consents to keep a credential that names no subject.
    #[serde(default)]
    bearer: bool,
    /// The badge names the holder by another identifier: keep it, marked as not bound to this wallet's keys.
    #[serde(default)]
    other_subject: bool,
}

/// The credential a request carries, as the text the verifier reads.
fn requested_credential(request: &ImportRequest) -> Result<String, HttpProblem> {
    if let Some(image) = &request.image {
        let encoded = image.split_once(";base64,").map_or(image.as_str(), |(_, data)| data);
        let bytes = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, encoded.trim())
            .map_err(|_| HttpProblem::InvalidBadgeImage(Some("image is not base64 (or a base64 data: URL)".into())))?;
        let baked =
            crate::core::baking::extract(&bytes).map_err(|e| HttpProblem::InvalidBadgeImage(Some(e.to_string())))?;
        return Ok(baked.content.credential_text().to_owned());
    }
    if request.credential.get("proof").is_some() {
        return Ok(request.credential.to_string());
    }
    Ok(super::compact(&request.credential, Format::VcJwt)
        .or_else(|| super::compact(&request.credential, Format::SdJwtVc))
        .unwrap_or_default()
        .to_owned())
}

/// Imports a credential: verified first, stored only when it verifies and names this wallet's holder.
///
/// # Errors
/// A problem+json response naming what went wrong.
#[utoipa::path(post, path = "/wallet/credentials", tag = "Hosted wallet", request_body = ImportRequest, security(("session" = [])),
    responses((status = 201, description = "imported", content_type = "application/json"),
        (status = 200, description = "already stored", content_type = "application/json"),
        (status = 422, description = "credential-not-accepted: it did not verify, names another holder, or is a bearer credential without consent; invalid-badge-image: the image carries no readable credential")))]
pub async fn import(
    State(state): State<AppState>,
    Session(wallet): Session,
    body: JsonBody<ImportRequest>,
) -> Result<Response, HttpProblem> {
    let Json(request) = body?;
    let token = requested_credential(&request)?;
    let consent = Consent { bearer: request.bearer, other_subject: request.other_subject };
    let receipt = Receipt { consent, expected_type: None };
    let outcome = wallet.receive(&state.wallet()?.verifier, &token, receipt, state.now()).await?;
    Ok(match outcome {
        ImportOutcome::Stored(stored) => {
            (StatusCode::CREATED, Json(json!({"status": "imported", "credential": stored}))).into_response()
        }
        ImportOutcome::AlreadyStored(id) => {
            (StatusCode::OK, Json(json!({"status": "already-stored", "id": id}))).into_response()
        }
    })
}

/// One credential with its token.
///
/// # Errors
/// A problem+json response naming what went wrong.
#[utoipa::path(get, path = "/wallet/credentials/{id}", tag = "Hosted wallet", params(("id" = String, Path, description = "the credential id")),
    security(("session" = [])),
    responses((status = 200, description = "the stored credential", content_type = "application/json"), (status = 404, description = "unknown-credential")))]
pub async fn show(Session(wallet): Session, Path(id): Path<String>) -> Result<Json<Value>, HttpProblem> {
    Ok(Json(json!(wallet.get_credential(&id)?)))
}

/// Deletes a credential from the wallet.
///
/// # Errors
/// A problem+json response naming what went wrong.
#[utoipa::path(delete, path = "/wallet/credentials/{id}", tag = "Hosted wallet", params(("id" = String, Path, description = "the credential id")),
    security(("session" = [])), responses((status = 204, description = "deleted"), (status = 404, description = "unknown-credential")))]
pub async fn delete(Session(wallet): Session, Path(id): Path<String>) -> Result<StatusCode, HttpProblem> {
    wallet.delete(&id)?;
    wallet.flush()?;
    Ok(StatusCode::NO_CONTENT)
}

/// The holder's skills: each ESCO skill with the credentials that prove it, their issuers and evidence.
///
/// # Errors
/// A problem+json response naming what went wrong.
#[utoipa::path(get, path = "/wallet/skills", tag = "Hosted wallet", security(("session" = [])),
    responses((status = 200, description = "`{skills: [...]}`", content_type = "application/json")))]
pub async fn skills(State(state): State<AppState>, Session(wallet): Session) -> Result<Json<Value>, HttpProblem> {
    let esco = state.esco.get().map_err(|e| HttpProblem::internal(&e))?;
    Ok(Json(json!({"skills": skills_overview(&wallet.list()?, &esco, DEFAULT_LANG, state.now())})))
}

/// `POST /wallet/match`: a vacancy profile, or an ESCO occupation to start from.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MatchRequest {
    /// A vacancy profile (`schemas/vacancy-profile.schema.json`).
    #[serde(default)]
    #[schema(value_type = Object)]
    profile: Option<Value>,
    /// Or an ESCO occupation URI: its essential and optional skills.
    #[serde(default)]
    occupation: Option<String>,
    /// Label language (falls back to English).
    #[serde(default)]
    lang: Option<String>,
}

/// The holder's skills gap for a vacancy, computed inside this wallet session from what it holds: no request
/// leaves the server, nothing is stored.
///
/// # Errors
/// `invalid-profile` for a profile that is not valid, `unknown-esco-concept` for an unknown occupation.
#[utoipa::path(post, path = "/wallet/match", tag = "Hosted wallet", security(("session" = [])), request_body = MatchRequest,
    responses((status = 200, description = "the gap report (`docs/skills-gap.md`)", content_type = "application/json"),
        (status = 404, description = "unknown-esco-concept: the occupation"),
        (status = 422, description = "invalid-profile: the profile is not valid, or neither or both of profile and occupation")))]
pub async fn match_profile(
    State(state): State<AppState>,
    Session(wallet): Session,
    body: JsonBody<MatchRequest>,
) -> Result<Json<Value>, HttpProblem> {
    let Json(body) = body?;
    let esco = state.esco.get().map_err(|e| HttpProblem::internal(&e))?;
    let lang = body.lang.as_deref().unwrap_or(DEFAULT_LANG);
    let profile = match (body.profile, body.occupation) {
        (Some(profile), None) => {
            VacancyProfile::from_json(profile, &esco).map_err(|e| HttpProblem::InvalidProfile(Some(e.to_string())))?
        }
        (None, Some(uri)) => {
            let occupation = esco.occupation(&uri).ok_or_else(|| {
                HttpProblem::UnknownEscoConcept(Some(format!("{uri:?} is not an ESCO occupation URI")))
            })?;
            VacancyProfile::from_occupation(&esco, occupation, lang)
        }
        _ => return Err(HttpProblem::InvalidProfile(Some("give either profile or occupation".into()))),
    };
    let report = wallet.match_profile(&profile, &esco, lang, state.now())?;
    Ok(Json(serde_json::to_value(report).map_err(|e| HttpProblem::internal(&e))?))
}

/// `POST /wallet/presentations`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PresentRequest {
    /// The credentials to present (one for an SD-JWT VC).
    #[schema(min_items = 1)]
    credential_ids: Vec<String>,
    /// The verifier's nonce.
    nonce: String,
    /// The verifier's identifier (`aud`).
    aud: String,
    /// For an SD-JWT VC: the claims to disclose (default: all).
    #[serde(default)]
    disclose: Vec<String>,
}

/// Presents credentials to a verifier: a `vp+jwt`, or an SD-JWT VC with a Key Binding JWT.
///
/// # Errors
/// A problem+json response naming what went wrong.
#[utoipa::path(post, path = "/wallet/presentations", tag = "Hosted wallet", request_body = PresentRequest, security(("session" = [])),
    responses((status = 200, description = "the presentation", content_type = "application/json"),
        (status = 400, description = "invalid-request: no credential chosen"), (status = 404, description = "unknown-credential"),
        (status = 422, description = "cannot-present: e.g. two SD-JWT VCs, or a disclosure the credential lacks")))]
pub async fn present(
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

/// `POST /wallet/export`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ExportRequest {
    /// The export's own passphrase, at least 8 characters.
    #[schema(value_type = String, min_length = 8)]
    passphrase: SecretString,
}

/// Exports the wallet as one encrypted file (base64url), to restore elsewhere.
///
/// # Errors
/// A problem+json response naming what went wrong.
#[utoipa::path(post, path = "/wallet/export", tag = "Hosted wallet", request_body = ExportRequest, security(("session" = [])),
    responses((status = 200, description = "`{file}`: the export, base64url", content_type = "application/json"),
        (status = 400, description = "weak-passphrase or malformed-json")))]
pub async fn export(
    State(state): State<AppState>,
    Session(wallet): Session,
    body: JsonBody<ExportRequest>,
) -> Result<Json<Value>, HttpProblem> {
    let Json(request) = body?;
    let passphrase = Passphrase::new(request.passphrase)?;
    let file = state.wallet()?.wallets.export(wallet, passphrase, state.now()).await?;
    Ok(Json(json!({"file": b64url(file)})))
}

/// `POST /wallet/restore`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RestoreRequest {
    /// The export file, base64url (RFC 4648 section 5, unpadded, canonical).
    #[schema(pattern = r"^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-][AQgw]|[A-Za-z0-9_-]{2}[AEIMQUYcgkosw048])?$")]
    file: String,
    /// The export's passphrase.
    #[schema(value_type = String, min_length = 8)]
    passphrase: SecretString,
    /// Merge into a wallet that already holds credentials (only an export of this same holder).
    #[serde(default)]
    merge: bool,
}

/// Restores an export into the session's wallet: only into an empty wallet, or merged when it is the same holder's.
///
/// # Errors
/// A problem+json response naming what went wrong.
#[utoipa::path(post, path = "/wallet/restore", tag = "Hosted wallet", request_body = RestoreRequest, security(("session" = [])),
    responses((status = 200, description = "`{restored}`: how many credentials", content_type = "application/json"),
        (status = 400, description = "invalid-request, weak-passphrase or malformed-json"),
        (status = 401, description = "wrong-passphrase: of the export (or the file was altered)"),
        (status = 409, description = "wallet-not-empty"), (status = 422, description = "invalid-export: not an export, or one whose key derivation exceeds the limits")))]
pub async fn restore(
    State(state): State<AppState>,
    Session(wallet): Session,
    body: JsonBody<RestoreRequest>,
) -> Result<Json<Value>, HttpProblem> {
    let Json(request) = body?;
    let passphrase = Passphrase::new(request.passphrase)?;
    let file = b64url_decode(&request.file)
        .map_err(|_| HttpProblem::InvalidRequest(Some("file must be the export file, base64url".into())))?;
    let restored = state.wallet()?.wallets.restore(wallet, file, passphrase, request.merge).await?;
    Ok(Json(json!({"restored": restored})))
}
