//! The HTTP front door (axum): the W3C VC API paths of the issuer and verifier roles, the `OpenID4VCI` and
//! `OpenID4VP` protocol endpoints, the hosted wallet under `/wallet/...`, `/health` and the `OpenAPI` document.
//! Handlers parse, call one role method and render; errors are problem+json ([`problem`]), or the OAuth error
//! shape on the protocol endpoints ([`oauth`]); who is calling is read by [`auth`].
//!
//! [`AppState`] carries the clock and one field per role, each present only when that role is served.

pub mod admin;
pub mod auth;
pub mod esco;
pub mod exchange;
pub mod issuer;
pub mod oauth;
pub mod openapi;
pub mod openid4vci;
pub mod openid4vp;
pub mod problem;
pub mod server;
pub mod verifier;
pub mod wallet;

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde_json::json;

use crate::core::clock::Clock;
use crate::core::format::Format;
use crate::issuer::openid4vci::CredentialIssuance;
use crate::issuer::service::IssuerService;
use crate::net::Fetcher;
use crate::net::throttle::Throttle;
use crate::verifier::Verifier;
use crate::verifier::openid4vp::PresentationDesk;
use crate::wallet::hosted::HostedWallets;
pub use auth::AdminToken;
pub use problem::HttpProblem;

/// The issuer role as served: the VC API service and its `OpenID4VCI` protocol.
#[derive(Debug)]
pub struct IssuerRole {
    /// Issue, status changes, lists.
    pub service: Arc<IssuerService>,
    /// Offers, tokens, nonces, credentials.
    pub issuance: CredentialIssuance,
}

/// The verifier role as served: verification and the `OpenID4VP` presentation desk.
#[derive(Debug)]
pub struct VerifierRole {
    /// Verifies credentials and presentations.
    pub verifier: Verifier,
    /// Presentation requests and their answers.
    pub desk: PresentationDesk,
}

/// The wallet role as served: hosted wallets, the verifier they check received credentials with (the holder's
/// policy) and the guarded fetcher their protocol agent uses.
#[derive(Debug)]
pub struct WalletRole {
    /// The accounts and their sessions.
    pub wallets: HostedWallets,
    /// Verification on receipt.
    pub verifier: Verifier,
    /// Fetches for `OpenID4VCI` and `OpenID4VP`.
    pub fetcher: Fetcher,
}

/// Per-client-address throttles of what strangers can guess at or flood (issue 11).
#[derive(Debug)]
pub struct Throttles {
    /// Wrong admin tokens.
    pub admin: Throttle,
    /// Hosted account creation (every attempt counts).
    pub accounts: Throttle,
    /// Session attempts (wrong passphrases, from one address, over all accounts).
    pub sessions: Throttle,
}

impl Default for Throttles {
    fn default() -> Self {
        let minute = std::time::Duration::from_secs(60);
        let second = std::time::Duration::from_secs(1);
        Self {
            admin: Throttle::new(10, second, minute * 15, minute * 15),
            accounts: Throttle::new(20, second, minute * 15, minute * 60),
            sessions: Throttle::new(30, second, minute * 15, minute * 15),
        }
    }
}

/// What the handlers share.
#[derive(Clone)]
pub struct AppState {
    /// The clock every handler reads.
    pub clock: Arc<dyn Clock>,
    /// The admin token for issuer and verifier admin calls (replaceable without a restart).
    pub admin: Arc<std::sync::RwLock<AdminToken>>,
    /// Per-address throttles.
    pub throttles: Arc<Throttles>,
    /// Where the admin token is kept (for rotation).
    pub admin_file: admin::TokenFile,
    /// The issuer role, when served.
    pub issuer: Option<Arc<IssuerRole>>,
    /// The verifier role, when served.
    pub verifier: Option<Arc<VerifierRole>>,
    /// The wallet role, when served.
    pub wallet: Option<Arc<WalletRole>>,
    /// ESCO (embedded, with the data folder's imports), decoded on first use.
    pub esco: Arc<crate::store::esco::LazyEsco>,
    /// Where the roles keep their state (for `/health`).
    pub database: crate::store::Database,
}

impl AppState {
    /// Now.
    #[must_use]
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The issuer role, or a `not-found` problem.
    ///
    /// # Errors
    /// [`HttpProblem::NotFound`] when the role is not served.
    pub fn issuer(&self) -> Result<&IssuerRole, HttpProblem> {
        self.issuer.as_deref().ok_or_else(|| HttpProblem::role_not_served("issuer"))
    }

    /// The verifier role, or a `not-found` problem.
    ///
    /// # Errors
    /// [`HttpProblem::NotFound`] when the role is not served.
    pub fn verifier(&self) -> Result<&VerifierRole, HttpProblem> {
        self.verifier.as_deref().ok_or_else(|| HttpProblem::role_not_served("verifier"))
    }

    /// The wallet role, or a `not-found` problem.
    ///
    /// # Errors
    /// [`HttpProblem::NotFound`] when the role is not served.
    pub fn wallet(&self) -> Result<&WalletRole, HttpProblem> {
        self.wallet.as_deref().ok_or_else(|| HttpProblem::role_not_served("wallet"))
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("issuer", &self.issuer.is_some())
            .field("verifier", &self.verifier.is_some())
            .field("wallet", &self.wallet.is_some())
            .finish_non_exhaustive()
    }
}

/// The router for the configured roles.
pub fn app(state: AppState, body_limit: usize) -> Router {
    let mut router = Router::new()
        .route("/health", get(health))
        .route("/openapi.json", get(openapi::document))
        .merge(esco::routes());
    if state.issuer.is_some() || state.verifier.is_some() {
        router = router.route("/.well-known/did.json", get(did_document)).merge(admin::routes());
    }
    if state.issuer.is_some() {
        router = router.merge(issuer::routes()).merge(openid4vci::routes());
    }
    if state.verifier.is_some() {
        router = router.merge(verifier::routes()).merge(openid4vp::routes());
    }
    if state.wallet.is_some() {
        router = router.merge(wallet::routes()).merge(exchange::routes());
    }
    router
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(body_limit))
        .with_state(state)
}

/// Liveness and readiness: `{"status": "ok", "roles": [...], "database": {"engine", "reachable"}}`; 503 with
/// `"status": "unavailable"` when the database does not answer, so a load balancer takes the node out.
#[utoipa::path(get, path = "/health", tag = "Server", responses(
    (status = 200, description = "the server answers, with its roles and its database", content_type = "application/json"),
    (status = 503, description = "the database does not answer", content_type = "application/json")))]
pub async fn health(axum::extract::State(state): axum::extract::State<AppState>) -> impl IntoResponse {
    let mut roles = Vec::new();
    if state.issuer.is_some() {
        roles.push("issuer");
    }
    if state.verifier.is_some() {
        roles.push("verifier");
    }
    if state.wallet.is_some() {
        roles.push("wallet");
    }
    let database = state.database.clone();
    let reachable = tokio::task::spawn_blocking(move || database.ping()).await.map_err(|e| e.to_string());
    let (status, label, problem) = match reachable {
        Ok(Ok(())) => (StatusCode::OK, "ok", None),
        Ok(Err(e)) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable", Some(e.to_string())),
        Err(e) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable", Some(e)),
    };
    let mut database = json!({"engine": state.database.engine(), "reachable": problem.is_none()});
    if let Some(problem) = problem {
        tracing::warn!(%problem, "health: the database does not answer");
        database["problem"] = json!("the database does not answer");
    }
    (status, Json(json!({"status": label, "roles": roles, "database": database})))
}

/// The organisation's `did:web` document: the issuer's key under `assertionMethod` (and the other relationships)
/// when the issuer role is served, the verifier's request-signing key under `authentication` when the verifier role
/// is.
#[utoipa::path(get, path = "/.well-known/did.json", tag = "Server", responses((status = 200, description = "the DID document", content_type = "application/did+json", body = Object)))]
pub async fn did_document(axum::extract::State(state): axum::extract::State<AppState>) -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    use axum::response::IntoResponse as _;
    let desk = state.verifier.as_deref().map(|role| &role.desk);
    let mut document = match (&state.issuer, desk) {
        (Some(issuer), _) => issuer.service.did_document(),
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
    if let Some(desk) = desk {
        document.verification_method.push(desk.verification_method());
        document.authentication.push(crate::core::did::MethodRef::Reference(desk.kid()));
        document.authentication.dedup();
    }
    let mut response = Json(document).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/did+json"));
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("max-age=300"));
    response
}

/// The compact token in a request member: the string itself, or the `data:` URL id of an enveloped credential or
/// presentation of `format`.
fn compact(value: &serde_json::Value, format: Format) -> Option<&str> {
    match value {
        serde_json::Value::String(token) => Some(token),
        serde_json::Value::Object(object) => format.from_data_url(object.get("id")?.as_str()?),
        _ => None,
    }
}

async fn not_found() -> HttpProblem {
    HttpProblem::NotFound(None)
}

async fn method_not_allowed() -> HttpProblem {
    HttpProblem::MethodNotAllowed(None)
}
