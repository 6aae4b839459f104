//! Hosted wallet routes for the standard protocols: `POST /wallet/offers` accepts an `OpenID4VCI` credential offer
//! into the session's wallet; `POST /wallet/presentation-requests` previews an `OpenID4VP` request (who asks, what
//! would be disclosed) and carries out the holder's `consent` or `decline`. Both run the wallet's protocol agent
//! with the server's guarded fetcher and the wallet role's verifier.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::wallet::Session;
use super::{AppState, HttpProblem};
use crate::wallet::agent::Agent;
use crate::wallet::openid4vp::{Answered, Decision};

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/wallet/offers", post(accept)).route("/wallet/presentation-requests", post(respond))
}

/// `POST /wallet/offers`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct AcceptRequest {
    /// `openid-credential-offer://?…`.
    offer_uri: String,
    /// The transaction code the issuer sent out of band.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    tx_code: Option<crate::core::secret::SecretString>,
}

/// Accepts a credential offer into the session's wallet.
///
/// # Errors
/// An error answer naming what went wrong.
#[utoipa::path(post, path = "/wallet/offers", tag = "Hosted wallet", request_body = AcceptRequest, security(("session" = [])), responses((status = 201, description = "accepted and stored", content_type = "application/json"), (status = 200, description = "already stored", content_type = "application/json"), (status = 422, description = "exchange-refused or credential-not-accepted")))]
pub async fn accept(
    State(state): State<AppState>,
    Session(wallet): Session,
    body: Result<Json<AcceptRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, HttpProblem> {
    let Json(request) = body?;
    let role = state.wallet()?;
    let agent = Agent::new(&wallet, &role.verifier, &role.fetcher);
    let offer = agent.read_offer(&request.offer_uri).await?;
    let accepted = agent
        .accept(&offer, request.tx_code.as_ref().map(crate::core::secret::SecretString::expose), state.now())
        .await?;
    let status = if accepted.already_stored { StatusCode::OK } else { StatusCode::CREATED };
    let answer = json!({"status": if accepted.already_stored { "already-stored" } else { "accepted" },
        "issuer": offer.issuer_name(), "credential": accepted.stored});
    Ok((status, Json(answer)).into_response())
}

/// `POST /wallet/presentation-requests`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RespondRequest {
    /// `openid4vp://?…`.
    request_uri: String,
    /// The holder agrees to send what the preview listed.
    #[serde(default)]
    consent: bool,
    /// The holder refuses: the verifier gets `access_denied`.
    #[serde(default)]
    decline: bool,
}

/// Previews, answers or declines a presentation request.
///
/// # Errors
/// An error answer naming what went wrong.
#[utoipa::path(post, path = "/wallet/presentation-requests", tag = "Hosted wallet", request_body = RespondRequest, security(("session" = [])), responses((status = 200, description = "preview, sent or declined", content_type = "application/json"), (status = 422, description = "exchange-refused, or invalid-decision (consent and decline)")))]
pub async fn respond(
    State(state): State<AppState>,
    Session(wallet): Session,
    body: Result<Json<RespondRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<Value>, HttpProblem> {
    let Json(request) = body?;
    let decision = match (request.consent, request.decline) {
        (true, true) => {
            return Err(HttpProblem::InvalidDecision(Some("send consent or decline, not both".into())));
        }
        (true, false) => Some(Decision::Consent),
        (false, true) => Some(Decision::Decline),
        (false, false) => None,
    };
    let role = state.wallet()?;
    let agent = Agent::new(&wallet, &role.verifier, &role.fetcher);
    let asked = agent.read_request(&request.request_uri, state.now()).await?;
    let plan: Vec<Value> = asked
        .plan
        .iter()
        .flatten()
        .map(|p| {
            json!({"query": p.query_id, "credential": p.credential.id, "name": p.credential.name,
                "issuer": p.credential.issuer, "disclose": p.described(), "copies": p.copies.as_str(),
                "copies_left": p.copies.left()})
        })
        .collect();
    let preview = json!({"verifier": asked.verifier_label(), "client_id": asked.request.client_id,
        "satisfiable": asked.plan.is_some(), "plan": plan});
    let Some(decision) = decision else {
        return Ok(Json(json!({"status": "preview", "preview": preview})));
    };
    Ok(Json(match agent.answer(&asked, decision, state.now()).await? {
        Answered::Sent(sent) => json!({"status": "sent", "redirect_uri": sent.redirect_uri, "preview": preview}),
        Answered::Declined | Answered::NothingMatched => json!({"status": "declined", "preview": preview}),
    }))
}
