//! The training provider's console under `/provider`: create a credential offer from a form (achievement, ESCO
//! skills, EQF level, learning setting, and for a micro-credential the EU elements), show its QR code, link and
//! one-time code, and keep the issued credentials: their status, and revoke, suspend or reinstate behind a
//! confirmation.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use chrono::Duration;
use minijinja::context;
use serde::Serialize;
use serde_json::{Value, json};

use super::browser::Visitor;
use super::console::Staff;
use super::form::Posted;
use super::picker::{self, Picked};
use super::{Web, see_other};
use crate::core::credential::MICRO_CREDENTIAL;
use crate::issuer::achievement::AchievementDescription;
use crate::issuer::openid4vci::{DEFAULT_OFFER_TTL, IssuanceFlow, OfferRequest};
use crate::issuer::registry::CredentialRecord;
use crate::issuer::service::StatusChange;

pub(super) fn routes() -> Router<Web> {
    Router::new()
        .route("/provider", get(credentials))
        .route("/provider/offers/new", get(offer_form).post(offer))
        .route("/provider/credentials/{id}/{action}", get(confirm).post(change))
}

/// A row of the issued credentials.
#[derive(Debug, Serialize)]
struct Row {
    id: String,
    name: String,
    label: Option<String>,
    issued_at: String,
    state: &'static str,
    /// How many copies the learner's wallet received (batch issuance); 1 for a single credential.
    copies: usize,
}

fn row(record: CredentialRecord) -> Row {
    let copies = record.copies();
    let state = if record.revoked {
        "revoked"
    } else if record.suspended {
        "suspended"
    } else {
        "valid"
    };
    Row {
        name: record.name.unwrap_or_else(|| record.id.clone()),
        label: record.label,
        issued_at: record.issued_at.get(..16).unwrap_or(&record.issued_at).replace('T', " "),
        state,
        copies,
        id: record.id,
    }
}

async fn credentials(State(web): State<Web>, _: Staff, visitor: Visitor) -> Response {
    let Some(issuer) = web.app.issuer.as_deref() else { return see_other("/") };
    match issuer.service.issued() {
        Ok(records) => {
            let rows: Vec<Row> = records.into_iter().map(row).collect();
            web.shared.pages.render(
                &visitor,
                StatusCode::OK,
                "provider/credentials.html",
                context! { section => "provider", console_signed_in => true, rows, did => issuer.service.did().to_string() },
            )
        }
        Err(error) => web.fail(&visitor, StatusCode::INTERNAL_SERVER_ERROR, "error-internal", Some(error.to_string())),
    }
}

async fn offer_form(State(web): State<Web>, _: Staff, visitor: Visitor) -> Response {
    let form =
        json!({"kind": "skill", "setting": "non-formal", "tx_code": "on", "country": "NL", "participation": "online"});
    web.shared.pages.render(
        &visitor,
        StatusCode::OK,
        "provider/offer_form.html",
        context! { section => "provider", console_signed_in => true, form, picked => Picked::default(),
        esco_attribution => true },
    )
}

/// The form's values, to show again.
fn form_values(posted: &Posted) -> Value {
    let names = [
        "provider_name",
        "provider_url",
        "name",
        "description",
        "criteria",
        "kind",
        "eqf",
        "setting",
        "outcomes",
        "workload",
        "credits",
        "assessment",
        "participation",
        "quality",
        "flow",
        "supervision",
        "language",
        "country",
        "learner",
        "tx_code",
        "expires",
    ];
    Value::Object(names.iter().filter_map(|n| Some(((*n).to_owned(), json!(posted.text(n)?)))).collect())
}

/// The achievement description the form describes.
fn description(posted: &Posted, picked: &Picked) -> Result<AchievementDescription, String> {
    let text = |name: &str| posted.text(name).map(str::to_owned);
    let mut alignment: Vec<Value> = picked
        .skills
        .iter()
        .map(|s| {
            json!({"type": ["Alignment"], "targetName": s.label, "targetUrl": s.uri, "targetFramework": "ESCO",
                "targetCode": s.uri.rsplit('/').next().unwrap_or_default()})
        })
        .collect();
    if let Some(level) = posted.text("eqf") {
        let level: u8 =
            level.parse().ok().filter(|l| (1..=8).contains(l)).ok_or("the EQF level is a number from 1 to 8")?;
        alignment.push(json!({"type": ["Alignment"], "targetName": format!("Level {level}"),
            "targetUrl": format!("http://data.europa.eu/snb/eqf/{level}"), "targetFramework": "EQF",
            "targetCode": level.to_string()}));
    }
    let id = format!("urn:uuid:{}", uuid::Uuid::new_v4());
    let mut achievement = json!({
        "id": id, "type": ["Achievement"], "name": text("name"), "description": text("description"),
        "criteria": {"narrative": text("criteria").unwrap_or_else(|| "Assessed by the provider.".into())},
        "alignment": alignment,
    });
    if let Some(setting) = text("setting") {
        achievement["learningSetting"] = json!(setting);
    }
    if let Some(language) = text("language") {
        achievement["inLanguage"] = json!(language);
    }
    if let Some(credits) = posted.text("credits") {
        achievement["creditsAvailable"] = json!(
            credits.replace(',', ".").parse::<f64>().map_err(|_| "ECTS credits are a number, for example 2 or 1.5")?
        );
    }
    if posted.text("kind") == Some("micro") {
        achievement["achievementType"] = json!(MICRO_CREDENTIAL);
        achievement["microCredential"] = micro_elements(posted)?;
    }
    let mut issuer = json!({"name": text("provider_name")});
    if let Some(url) = text("provider_url") {
        issuer["url"] = json!(url);
    }
    let description = json!({"issuer": issuer, "achievement": achievement});
    serde_json::from_value(description).map_err(|e| e.to_string())
}

/// The EU micro-credential elements of the form.
fn micro_elements(posted: &Posted) -> Result<Value, String> {
    let text = |name: &str| posted.text(name).map(str::to_owned);
    let outcomes: Vec<&str> = posted
        .text("outcomes")
        .map(|t| t.lines().map(str::trim).filter(|l| !l.is_empty()).collect())
        .unwrap_or_default();
    let mut micro = json!({
        "issuerCountry": [text("country").unwrap_or_else(|| "NL".into())],
        "awardingBody": [{"name": text("provider_name")}],
        "learningOutcomes": outcomes,
    });
    if let Some(hours) = posted.text("workload") {
        micro["workloadHours"] = json!(hours.parse::<u32>().map_err(|_| "the workload is a whole number of hours")?);
    }
    for (field, name) in [
        ("assessment", "assessmentType"),
        ("participation", "participationForm"),
        ("quality", "qualityAssurance"),
        ("supervision", "supervision"),
    ] {
        if let Some(value) = text(field) {
            micro[name] = json!(value);
        }
    }
    Ok(micro)
}

async fn offer(State(web): State<Web>, _: Staff, posted: Posted) -> Response {
    let visitor = &posted.visitor;
    let Some(issuer) = web.app.issuer.as_deref() else { return see_other("/") };
    let esco = match web.app.esco.get() {
        Ok(esco) => esco,
        Err(e) => return web.fail(visitor, StatusCode::INTERNAL_SERVER_ERROR, "error-internal", Some(e)),
    };
    let picked = picker::pick(&posted, &esco);
    let again = |status: StatusCode, picked: Picked, error_id: Option<&str>, detail: Option<String>| {
        web.shared.pages.render(
            visitor,
            status,
            "provider/offer_form.html",
            context! { section => "provider", console_signed_in => true, form => form_values(&posted), picked,
            error_id, detail, esco_attribution => true },
        )
    };
    if posted.text("action") != Some("create") {
        return again(StatusCode::OK, picked, None, None);
    }
    if posted.text("name").is_none() || posted.text("description").is_none() || posted.text("provider_name").is_none() {
        return again(StatusCode::UNPROCESSABLE_ENTITY, picked, Some("provider-error-required"), None);
    }
    if picked.skills.is_empty() {
        return again(StatusCode::UNPROCESSABLE_ENTITY, picked, Some("provider-error-no-skill"), None);
    }
    let description = match description(&posted, &picked) {
        Ok(description) => description,
        Err(detail) => {
            return again(StatusCode::UNPROCESSABLE_ENTITY, picked, Some("provider-error-invalid"), Some(detail));
        }
    };
    let minutes = posted.text("expires").and_then(|m| m.parse::<i64>().ok()).filter(|m| (1..=1440).contains(m));
    let request = OfferRequest {
        description,
        tx_code_length: posted
            .text("tx_code")
            .filter(|_| posted.text("flow").is_none())
            .map(|_| crate::issuer::openid4vci::DEFAULT_TX_CODE_LENGTH),
        ttl: minutes.map_or(DEFAULT_OFFER_TTL, Duration::minutes),
        label: posted.text("learner").map(str::to_owned),
        flow: if posted.text("flow") == Some("authorization_code") {
            IssuanceFlow::AuthorizationCode
        } else {
            IssuanceFlow::PreAuthorized
        },
    };
    match issuer.issuance.create_offer(request, web.app.now()) {
        Ok(created) => {
            let qr = super::qr_image(&created.offer_uri);
            web.shared.pages.render(
                visitor,
                StatusCode::CREATED,
                "provider/offer.html",
                context! { section => "provider", console_signed_in => true, link => created.offer_uri,
                    qr => qr.as_ref().map(|q| &q.0), qr_size => qr.as_ref().map(|q| q.1), code => created.tx_code.as_ref().map(|c| c.expose().to_owned()),
                    sign_in_code => created.sign_in_code.as_ref().map(|c| c.expose().to_owned()),
                    expires_at => created.expires_at, name => posted.text("name"), learner => posted.text("learner") },
            )
        }
        Err(error) => {
            again(StatusCode::UNPROCESSABLE_ENTITY, picked, Some("provider-error-invalid"), Some(error.to_string()))
        }
    }
}

fn status_change(action: &str) -> Option<StatusChange> {
    match action {
        "revoke" => Some(StatusChange::Revoke),
        "suspend" => Some(StatusChange::Suspend),
        "reinstate" => Some(StatusChange::Reinstate),
        _ => None,
    }
}

async fn confirm(
    State(web): State<Web>,
    _: Staff,
    visitor: Visitor,
    Path((id, action)): Path<(String, String)>,
) -> Response {
    let Some(issuer) = web.app.issuer.as_deref() else { return see_other("/") };
    if status_change(&action).is_none() {
        return web.fail(&visitor, StatusCode::NOT_FOUND, "error-not-found", None);
    }
    match issuer.service.issued_record(&id) {
        Ok(Some(record)) => web.shared.pages.render(
            &visitor,
            StatusCode::OK,
            "provider/confirm.html",
            context! { section => "provider", console_signed_in => true, row => row(record), action },
        ),
        Ok(None) => web.fail(&visitor, StatusCode::NOT_FOUND, "provider-error-unknown", None),
        Err(error) => web.fail(&visitor, StatusCode::INTERNAL_SERVER_ERROR, "error-internal", Some(error.to_string())),
    }
}

async fn change(
    State(web): State<Web>,
    _: Staff,
    Path((id, action)): Path<(String, String)>,
    posted: Posted,
) -> Response {
    let visitor = &posted.visitor;
    let Some(issuer) = web.app.issuer.as_deref() else { return see_other("/") };
    let Some(change) = status_change(&action) else {
        return web.fail(visitor, StatusCode::NOT_FOUND, "error-not-found", None);
    };
    match issuer.service.change_status(&id, change) {
        Ok(_) => {
            if let Err(error) = issuer.service.persist().await {
                tracing::error!(%error, "persisting a status change");
            }
            see_other("/provider")
        }
        Err(error) => web.fail(visitor, StatusCode::CONFLICT, "provider-error-status", Some(error.to_string())),
    }
}
