//! Verifier routes: `POST /credentials/verify` (W3C VC API) returning the verification report, and our extension
//! `POST /credentials/verify/batch` for many credentials at once (issue 15).

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::Value;

use super::{AppState, HttpProblem};
use crate::core::format::Format;
use crate::core::report::Report;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/credentials/verify", post(verify))
        .route("/credentials/verify/batch", post(verify_batch))
        .route("/presentations/verify", post(verify_presentation))
}

/// VC API `VerifyPresentationRequest`: the `vp+jwt` (enveloped or compact) and the `challenge` (nonce) and
/// `domain` (audience) this verifier asked for.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VerifyPresentationRequest {
    /// An `EnvelopedVerifiablePresentation` with a `data:application/vp+jwt,` id, or the compact `vp+jwt` (or an
    /// SD-JWT VC with its Key Binding JWT).
    #[schema(schema_with = super::openapi::enveloped_presentation)]
    pub verifiable_presentation: Value,
    /// `challenge` and `domain`.
    pub options: PresentationOptions,
}

/// What the presentation must be bound to.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct PresentationOptions {
    /// The nonce the verifier gave the holder (single use).
    pub challenge: String,
    /// The verifier's identifier, the presentation's `aud`.
    pub domain: String,
}

/// Verifies a presentation: holder signature, nonce (single use), audience, and every credential, each bound to
/// the holder. The report lists the proven skills and each credential's own report.
///
/// # Errors
/// A problem+json response for malformed requests.
#[utoipa::path(post, path = "/presentations/verify", tag = "Verifier", request_body = VerifyPresentationRequest,
    responses((status = 200, description = "the verification report", content_type = "application/json"),
        (status = 400, description = "invalid-request: an object that is not an enveloped presentation")))]
pub async fn verify_presentation(
    State(state): State<AppState>,
    body: Result<Json<VerifyPresentationRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<Report>, HttpProblem> {
    let verifier = &state.verifier()?.verifier;
    let Json(request) = body?;
    let vp = super::compact(&request.verifiable_presentation, Format::VpJwt).ok_or_else(|| {
        HttpProblem::InvalidRequest(Some("verifiablePresentation must be a vp+jwt, compact or enveloped".into()))
    })?;
    let options = &request.options;
    let verification = verifier.verify_presentation(vp, &options.challenge, &options.domain, state.now()).await;
    Ok(Json(Report::presentation(&verification)))
}

/// Most credentials in one batch request.
pub const MAX_BATCH: usize = 1000;

/// Our extension of the VC API: many credentials, each as `verifiableCredential` of a `VerifyCredentialRequest`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VerifyBatchRequest {
    /// The credentials (at most 1,000), each enveloped or compact.
    #[schema(schema_with = super::openapi::enveloped_credentials)]
    pub verifiable_credentials: Vec<Value>,
}

/// The reports of a batch, in the order of the request.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct BatchReports {
    /// One report per credential, each what `POST /credentials/verify` answers for it.
    #[schema(value_type = Vec<Object>)]
    pub reports: Vec<Report>,
}

/// Verifies many credentials at once (our extension of the VC API): the issuer signatures are checked together
/// (Ed25519 batch verification), each report is exactly the single verification's. Always 200 when the request was
/// well-formed.
///
/// # Errors
/// A problem+json response for a malformed request, an entry that is not a credential (naming its position), or
/// more than [`MAX_BATCH`] entries.
#[utoipa::path(post, path = "/credentials/verify/batch", tag = "Verifier", request_body = VerifyBatchRequest,
    responses((status = 200, description = "one report per credential, in order", body = BatchReports),
        (status = 400, description = "invalid-request: not a list of credentials, or more than 1,000")))]
pub async fn verify_batch(
    State(state): State<AppState>,
    body: Result<Json<VerifyBatchRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<BatchReports>, HttpProblem> {
    let verifier = &state.verifier()?.verifier;
    let Json(request) = body?;
    if request.verifiable_credentials.len() > MAX_BATCH {
        let detail = format!("at most {MAX_BATCH} credentials per batch");
        return Err(HttpProblem::InvalidRequest(Some(detail)));
    }
    let tokens = request
        .verifiable_credentials
        .iter()
        .enumerate()
        .map(|(position, credential)| {
            compact_credential(credential).ok_or_else(|| {
                let detail =
                    format!("verifiableCredentials[{position}] is not a vc+jwt or dc+sd-jwt, compact or enveloped");
                HttpProblem::InvalidRequest(Some(detail))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let verifications = verifier.verify_batch(&tokens, state.now()).await;
    Ok(Json(BatchReports { reports: verifications.into_iter().map(Report::into_credential).collect() }))
}

fn compact_credential(credential: &Value) -> Option<&str> {
    super::compact(credential, Format::VcJwt).or_else(|| super::compact(credential, Format::SdJwtVc))
}

/// VC API `VerifyCredentialRequest`: `verifiableCredential` is an `EnvelopedVerifiableCredential` with a
/// `data:application/vc+jwt,` id, or the compact `vc+jwt` itself.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VerifyRequest {
    /// The credential.
    #[schema(schema_with = super::openapi::enveloped_credential)]
    pub verifiable_credential: Value,
    /// Options (none are defined yet).
    #[serde(default)]
    #[schema(value_type = Object)]
    pub options: serde_json::Map<String, Value>,
}

/// Verifies a credential: the report of DESIGN.md section 7, which carries the VC API's `verified`, `checks`,
/// `errors` and `warnings`. Always 200 when the request was well-formed; `verified` says the outcome.
///
/// # Errors
/// A problem+json response naming what went wrong.
#[utoipa::path(post, path = "/credentials/verify", tag = "Verifier", request_body = VerifyRequest,
    responses((status = 200, description = "the verification report", content_type = "application/json"),
        (status = 400, description = "invalid-request: an object that is not an enveloped credential")))]
pub async fn verify(
    State(state): State<AppState>,
    body: Result<Json<VerifyRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<Report>, HttpProblem> {
    let verifier = &state.verifier()?.verifier;
    let Json(request) = body?;
    let token = compact_credential(&request.verifiable_credential).ok_or_else(|| {
            let detail = "verifiableCredential must be a vc+jwt, or an EnvelopedVerifiableCredential with a data:application/vc+jwt, id";
            HttpProblem::InvalidRequest(Some(detail.into()))
        })?;
    Ok(Json(Report::into_credential(verifier.verify(token, state.now()).await)))
}
