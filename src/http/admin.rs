//! Admin routes that change the server's own credentials without a restart (issue 11): `POST /admin/keys` rotates
//! the issuer's signing key (the new key signs from now on, the old ones stay published so credentials signed
//! before keep verifying), `DELETE /admin/keys/{kid}` retires a key, and `POST /admin/token` replaces the admin
//! token (written to the data folder's `admin-token` file, mode 0600, and answered once to the admin who asked).

use std::path::PathBuf;

use axum::extract::{Path, State};
use axum::routing::{delete, post};
use axum::{Json, Router};
use serde_json::{Value, json};

use super::auth::{Admin, AdminToken};
use super::{AppState, HttpProblem};
use crate::core::secret::SecretString;
use crate::issuer::service::KeyError;
use crate::system::random_b64url;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/keys", post(rotate_key).get(list_keys))
        .route("/admin/keys/{kid}", delete(retire_key))
        .route("/admin/token", post(rotate_token))
}

impl From<KeyError> for HttpProblem {
    fn from(error: KeyError) -> Self {
        let detail = Some(error.to_string());
        match error {
            KeyError::NotRotatable | KeyError::Active(_) => Self::Conflict(detail),
            KeyError::Unknown(_) => Self::NotFound(detail),
            KeyError::Files(_) | KeyError::Issue(_) => Self::internal(&error),
        }
    }
}

fn keys_answer(state: &AppState) -> Result<Value, HttpProblem> {
    let (published, active) = state.issuer()?.service.key_ids();
    Ok(json!({"published": published, "active": active}))
}

/// The issuer's published keys and the active one (admin).
///
/// # Errors
/// A problem+json response naming what went wrong.
#[utoipa::path(get, path = "/admin/keys", tag = "Admin", security(("admin" = [])), responses((status = 200, description = "published and active key ids"), (status = 401, description = "unauthorized"), (status = 404, description = "not-found: no issuer role"), (status = 429, description = "too-many-requests")))]
pub async fn list_keys(State(state): State<AppState>, _admin: Admin) -> Result<Json<Value>, HttpProblem> {
    Ok(Json(keys_answer(&state)?))
}

/// Rotates the issuer's signing key (admin).
///
/// # Errors
/// A problem+json response naming what went wrong.
#[utoipa::path(post, path = "/admin/keys", tag = "Admin", security(("admin" = [])), responses((status = 200, description = "the new active key and the published ones"), (status = 401, description = "unauthorized"), (status = 404, description = "not-found: no issuer role"), (status = 409, description = "conflict: keys not kept in files"), (status = 429, description = "too-many-requests")))]
pub async fn rotate_key(State(state): State<AppState>, _admin: Admin) -> Result<Json<Value>, HttpProblem> {
    let kid = state.issuer()?.service.rotate_key()?;
    tracing::info!(%kid, "issuer signing key rotated");
    Ok(Json(keys_answer(&state)?))
}

/// Retires a published key (admin): credentials it signed stop verifying.
///
/// # Errors
/// A problem+json response naming what went wrong.
#[utoipa::path(delete, path = "/admin/keys/{kid}", tag = "Admin", params(("kid" = String, Path, description = "key-n")), security(("admin" = [])), responses((status = 200, description = "the published keys"), (status = 401, description = "unauthorized"), (status = 404, description = "not-found: no such key"), (status = 409, description = "conflict: the active key"), (status = 429, description = "too-many-requests")))]
pub async fn retire_key(
    State(state): State<AppState>,
    _admin: Admin,
    Path(kid): Path<String>,
) -> Result<Json<Value>, HttpProblem> {
    state.issuer()?.service.retire_key(&kid)?;
    tracing::info!(%kid, "issuer key retired");
    Ok(Json(keys_answer(&state)?))
}

/// Where the admin token is kept, when the server keeps it in its data folder.
#[derive(Debug, Clone)]
pub struct TokenFile(pub Option<PathBuf>);

/// Replaces the admin token (admin): the old one stops working at once.
///
/// # Errors
/// A problem+json response naming what went wrong.
#[utoipa::path(post, path = "/admin/token", tag = "Admin", security(("admin" = [])), responses((status = 200, description = "the new admin token, once"), (status = 401, description = "unauthorized"), (status = 409, description = "conflict: the token comes from SKILLSPASS_ADMIN_TOKEN"), (status = 429, description = "too-many-requests")))]
pub async fn rotate_token(State(state): State<AppState>, _admin: Admin) -> Result<Json<Value>, HttpProblem> {
    let path = state.admin_file.0.clone().ok_or_else(|| {
        HttpProblem::Conflict(Some("the admin token is given by SKILLSPASS_ADMIN_TOKEN; change it there".into()))
    })?;
    let token = SecretString::new(random_b64url(32));
    let temporary = path.with_extension("new");
    let _ = std::fs::remove_file(&temporary);
    crate::store::write_secret_file(&temporary, token.expose().as_bytes()).map_err(|e| HttpProblem::internal(&e))?;
    std::fs::rename(&temporary, &path).map_err(|e| HttpProblem::internal(&e))?;
    *state.admin.write().map_err(|_| HttpProblem::internal(&"admin token lock"))? = AdminToken::new(&token);
    tracing::info!("admin token rotated");
    Ok(Json(json!({"token": token, "written_to": path.display().to_string()})))
}
