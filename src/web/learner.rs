//! The issuer's sign-in page for learners (`/authorize`), the authorization step of the authorization code flow:
//! a learner whose wallet pushed an authorization request arrives here from the wallet, types the one-time code
//! the training provider sent, and is sent back to the wallet with an authorization code. The rules (single use,
//! attempts, the redirect's `state` and `iss`) are [`crate::issuer::authorization`]'s; this page only asks.

use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use minijinja::context;
use serde::Deserialize;

use super::browser::{Visitor, allow_form_target, form_target};
use super::form::Posted;
use super::{Web, see_other};
use crate::issuer::authorization::SignInError;

pub(super) fn routes() -> Router<Web> {
    Router::new().route("/authorize", get(page).post(sign_in))
}

/// The authorization request by reference (RFC 9126 section 4).
#[derive(Debug, Deserialize)]
struct ByReference {
    client_id: Option<String>,
    request_uri: Option<String>,
}

fn unknown(web: &Web, visitor: &Visitor) -> Response {
    web.shared.pages.message(
        visitor,
        StatusCode::BAD_REQUEST,
        "learner-sign-in-title",
        "learner-sign-in-unknown",
        None,
        "/",
    )
}

fn render(web: &Web, visitor: &Visitor, status: StatusCode, request: (&str, &str), error_id: Option<&str>) -> Response {
    let (client_id, request_uri) = request;
    let Some(issuer) = web.app.issuer.as_deref() else { return see_other("/") };
    match issuer.issuance.pending_sign_in(client_id, request_uri, web.app.now()) {
        Ok(pending) => {
            let page = web.shared.pages.render(
                visitor,
                status,
                "learner/sign_in.html",
                context! { section => "home", achievement => pending.achievement, attempts_left => pending.attempts_left,
                    client_id, request_uri, error_id },
            );
            allow_form_target(page, &form_target(&pending.redirect_uri).unwrap_or_default())
        }
        Err(_) => unknown(web, visitor),
    }
}

async fn page(State(web): State<Web>, visitor: Visitor, Query(request): Query<ByReference>) -> Response {
    let (Some(client_id), Some(request_uri)) = (request.client_id.as_deref(), request.request_uri.as_deref()) else {
        return unknown(&web, &visitor);
    };
    render(&web, &visitor, StatusCode::OK, (client_id, request_uri), None)
}

async fn sign_in(State(web): State<Web>, posted: Posted) -> Response {
    let visitor = &posted.visitor;
    let Some(issuer) = web.app.issuer.as_deref() else { return see_other("/") };
    let (Some(client_id), Some(request_uri)) = (posted.text("client_id"), posted.text("request_uri")) else {
        return unknown(&web, visitor);
    };
    let Some(code) = posted.text("code") else {
        return render(
            &web,
            visitor,
            StatusCode::UNPROCESSABLE_ENTITY,
            (client_id, request_uri),
            Some("learner-code-missing"),
        );
    };
    match issuer.issuance.sign_in(client_id, request_uri, code, web.app.now()) {
        Ok(redirect) | Err(SignInError::Locked { redirect }) => see_other(&redirect),
        Err(SignInError::WrongCode { .. }) => render(
            &web,
            visitor,
            StatusCode::UNPROCESSABLE_ENTITY,
            (client_id, request_uri),
            Some("learner-code-wrong"),
        ),
        Err(SignInError::Unknown) => unknown(&web, visitor),
        Err(SignInError::Storage) => web.fail(visitor, StatusCode::INTERNAL_SERVER_ERROR, "error-internal", None),
    }
}
