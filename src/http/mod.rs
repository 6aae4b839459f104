//! The HTTP front door (axum): the W3C VC API paths of the issuer and verifier roles, `/health` and the `OpenAPI`
//! document. Handlers parse, call one role method and render; errors are problem+json ([`problem`]).

pub mod auth;
pub mod issuer;
pub mod openapi;
pub mod problem;
pub mod verifier;
pub mod wallet;

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

use crate::issuer::service::IssuerService;
use crate::verifier::Verifier;
pub use auth::AdminToken;
pub use problem::HttpProblem;

/// Default request body limit: 1 MiB (a credential is a few KiB).
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// What the handlers share.
#[derive(Clone)]
pub struct AppState {
    /// The issuer role, when served.
    pub issuer: Option<Arc<IssuerService>>,
    /// The verifier role, when served.
    pub verifier: Option<Arc<Verifier>>,
    /// The admin token for issuer calls.
    pub admin: AdminToken,
    /// The hosted wallets, when the wallet role is served.
    pub wallets: Option<Arc<crate::wallet::hosted::HostedWallets>>,
    /// The verifier a hosted wallet checks credentials with before storing them.
    pub import_verifier: Option<Arc<Verifier>>,
}

/// The router for the configured roles.
pub fn app(state: AppState, body_limit: usize) -> Router {
    let mut router = Router::new().route("/health", get(health)).route("/openapi.json", get(openapi::document));
    if state.issuer.is_some() {
        router = router.merge(issuer::routes());
    }
    if state.verifier.is_some() {
        router = router.merge(verifier::routes());
    }
    if state.wallets.is_some() {
        router = router.merge(wallet::routes());
    }
    router
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(body_limit))
        .with_state(state)
}

async fn health(axum::extract::State(state): axum::extract::State<AppState>) -> Json<serde_json::Value> {
    let mut roles = Vec::new();
    if state.issuer.is_some() {
        roles.push("issuer");
    }
    if state.verifier.is_some() {
        roles.push("verifier");
    }
    if state.wallets.is_some() {
        roles.push("wallet");
    }
    Json(json!({"status": "ok", "roles": roles}))
}

/// The compact token in a request member: the string itself, or the `data:application/<media>,` id of an
/// enveloped credential or presentation.
fn compact<'a>(value: &'a serde_json::Value, media: &str) -> Option<&'a str> {
    match value {
        serde_json::Value::String(token) => Some(token),
        serde_json::Value::Object(object) => {
            object.get("id")?.as_str()?.strip_prefix("data:application/")?.strip_prefix(media)?.strip_prefix(',')
        }
        _ => None,
    }
}

async fn not_found() -> HttpProblem {
    HttpProblem::new("not-found", None)
}

async fn method_not_allowed() -> HttpProblem {
    HttpProblem::new("method-not-allowed", None)
}
