//! The HTTP front door (axum): the W3C VC API paths of the issuer and verifier roles, `/health` and the `OpenAPI`
//! document. Handlers parse, call one role method and render; errors are problem+json ([`problem`]).

pub mod auth;
pub mod holder;
pub mod issuer;
pub mod oauth;
pub mod openapi;
pub mod openid4vci;
pub mod openid4vp;
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
    /// The verifier's `OpenID4VP` presentation requests, when the verifier role is served.
    pub presentations: Option<Arc<crate::verifier::openid4vp::PresentationDesk>>,
    /// The guarded fetcher the hosted wallet's agent uses.
    pub fetcher: Option<crate::verifier::fetch::Fetcher>,
}

/// The router for the configured roles.
pub fn app(state: AppState, body_limit: usize) -> Router {
    let mut router = Router::new().route("/health", get(health)).route("/openapi.json", get(openapi::document));
    if state.issuer.is_some() || state.presentations.is_some() {
        router = router.route("/.well-known/did.json", get(did_document));
    }
    if state.issuer.is_some() {
        router = router.merge(issuer::routes()).merge(openid4vci::routes());
    }
    if state.verifier.is_some() {
        router = router.merge(verifier::routes());
    }
    if state.presentations.is_some() {
        router = router.merge(openid4vp::routes());
    }
    if state.wallets.is_some() {
        router = router.merge(wallet::routes()).merge(holder::routes());
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

/// The organisation's `did:web` document: the issuer's key under `assertionMethod` (and the other relationships)
/// when the issuer role is served, the verifier's request-signing key under `authentication` when the verifier role
/// is.
#[utoipa::path(get, path = "/.well-known/did.json", responses((status = 200, description = "the DID document")))]
pub async fn did_document(axum::extract::State(state): axum::extract::State<AppState>) -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    use axum::response::IntoResponse as _;
    let mut document = match (&state.issuer, &state.presentations) {
        (Some(issuer), _) => issuer.did_document(),
        (None, Some(desk)) => {
            let mut document = crate::core::did::DidDocument::for_key(
                desk.did().as_str(),
                &desk.kid(),
                "JsonWebKey",
                desk.verifying_key(),
            );
            document.assertion_method.clear();
            document.capability_delegation.clear();
            document.capability_invocation.clear();
            document.verification_method.clear();
            document
        }
        (None, None) => return not_found().await.into_response(),
    };
    if let Some(desk) = &state.presentations {
        document.verification_method.push(desk.verification_method());
        document.authentication.push(crate::core::did::MethodRef::Reference(desk.kid()));
        document.authentication.dedup();
    }
    let mut response = Json(document).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/did+json"));
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("max-age=300"));
    response
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
