//! The employer's console under `/employer`: a presentation request built from a vacancy profile (pasted or
//! uploaded), an ESCO occupation, or skills picked by search; its QR code and link for the worker's wallet; and a
//! result page that follows the request live (the script asks `/employer/requests/{id}/state` every two seconds
//! and reloads when it changed; without script a "Check again" button does) and shows the verification in plain
//! words and the gap report for the profile.

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use minijinja::context;
use serde_json::{Value, json};

use super::browser::Visitor;
use super::console::Staff;
use super::form::Posted;
use super::picker::{self, Picked};
use super::wallet::profile_of;
use super::{Web, console, see_other};
use crate::verifier::openid4vp::ClientIdPrefix;
use crate::verifier::openid4vp::NewRequest;

pub(super) fn routes() -> Router<Web> {
    Router::new()
        .route("/employer", get(request_form))
        .route("/employer/requests", post(create))
        .route("/employer/requests/{id}", get(request))
        .route("/employer/requests/{id}/state", get(state))
}

fn form_page(web: &Web, visitor: &Visitor, status: StatusCode, values: &Value) -> Response {
    web.shared.pages.render(
        visitor,
        status,
        "employer/request_form.html",
        context! { section => "employer", console_signed_in => true, esco_attribution => true, ..minijinja::Value::from_serialize(values) },
    )
}

async fn request_form(State(web): State<Web>, _: Staff, visitor: Visitor) -> Response {
    form_page(&web, &visitor, StatusCode::OK, &json!({"picked": Picked::default()}))
}

async fn create(State(web): State<Web>, _: Staff, posted: Posted) -> Response {
    let visitor = &posted.visitor;
    let Some(role) = web.app.verifier.as_deref() else { return see_other("/") };
    let esco = match web.app.esco.get() {
        Ok(esco) => esco,
        Err(e) => return web.fail(visitor, StatusCode::INTERNAL_SERVER_ERROR, "error-internal", Some(e)),
    };
    let picked = picker::pick(&posted, &esco);
    let client_name = posted.text("client_name").map(str::to_owned);
    let keep =
        json!({"client_name": client_name, "occupation": posted.text("occupation"), "profile": posted.text("profile")});
    let again = |status: StatusCode, picked: &Picked, error_id: Option<&str>, detail: Option<String>| {
        let mut values = keep.clone();
        values["picked"] = json!(picked);
        values["error_id"] = json!(error_id);
        values["detail"] = json!(detail);
        form_page(&web, visitor, status, &values)
    };
    let mut new = NewRequest { prefix: ClientIdPrefix::RedirectUri, client_name, ..NewRequest::default() };
    match posted.text("source") {
        Some("skills") => {
            if picked.skills.is_empty() {
                return again(StatusCode::UNPROCESSABLE_ENTITY, &picked, Some("employer-error-no-skill"), None);
            }
            new.skills = picked.skills.iter().map(|s| s.uri.clone()).collect();
        }
        Some("profile" | "occupation") => match profile_of(&posted, &esco) {
            Ok(profile) => new.profile = Some((profile, esco.clone())),
            Err((message, detail)) => return again(StatusCode::UNPROCESSABLE_ENTITY, &picked, Some(message), detail),
        },
        _ => return again(StatusCode::OK, &picked, None, None),
    }
    match role.desk.create(new, web.app.now()) {
        Ok(created) => see_other(&format!("/employer/requests/{}", created.id)),
        Err(error) => {
            again(StatusCode::UNPROCESSABLE_ENTITY, &picked, Some("employer-error-request"), Some(error.description))
        }
    }
}

async fn request(State(web): State<Web>, _: Staff, visitor: Visitor, Path(id): Path<String>) -> Response {
    let Some(role) = web.app.verifier.as_deref() else { return see_other("/") };
    let now = web.app.now();
    let Some(status) = role.desk.status(&id, None, true, now) else {
        return web.fail(&visitor, StatusCode::NOT_FOUND, "employer-error-unknown", None);
    };
    let link = role.desk.invocation_uri(&id, now);
    let qr = link.as_deref().and_then(super::qr_image);
    let state = shown_state(&status).to_owned();
    let waiting = matches!(state.as_str(), "pending" | "request_fetched" | "checking");
    web.shared.pages.render(
        &visitor,
        StatusCode::OK,
        "employer/request.html",
        context! { section => "employer", console_signed_in => true, esco_attribution => true, id, link,
        qr => qr.as_ref().map(|q| &q.0), qr_size => qr.as_ref().map(|q| q.1), state,
        waiting, result => status.get("result").cloned() },
    )
}

/// Where a request stands for the page: the desk's status, except `checking` between the answer's arrival (the
/// request is closed at once, against replays) and its result being stored, so the page keeps following it.
fn shown_state(status: &Value) -> &str {
    let state = status["status"].as_str().unwrap_or("pending");
    match state {
        "pending" | "request_fetched" => state,
        _ if status.get("result").is_none() => "checking",
        _ => state,
    }
}

/// `GET /employer/requests/{id}/state`: where the request stands, for the page's script.
async fn state(State(web): State<Web>, visitor: Visitor, Path(id): Path<String>) -> Response {
    if console::require(&web, &visitor, "employer").is_err() {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let Some(role) = web.app.verifier.as_deref() else { return StatusCode::NOT_FOUND.into_response() };
    match role.desk.status(&id, None, true, web.app.now()) {
        Some(status) => Json(json!({"status": shown_state(&status)})).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
