//! The `OpenAPI` document at `/openapi.json`, generated from the handlers' annotations (utoipa).

use axum::Json;
use utoipa::OpenApi;

/// The API description.
#[derive(OpenApi)]
#[openapi(
    info(title = "skillspass", description = "Issuer and verifier of skills credentials (W3C VC API shapes)"),
    paths(
        super::issuer::issue,
        super::issuer::update_status,
        super::did_document,
        super::issuer::status_list,
        super::issuer::token_status_list,
        super::issuer::jwt_vc_issuer,
        super::verifier::verify,
        super::verifier::verify_presentation,
    ),
    components(schemas(
        super::issuer::IssueRequest,
        super::issuer::StatusRequest,
        super::issuer::StatusUpdate,
        super::verifier::VerifyRequest,
        super::verifier::VerifyPresentationRequest,
        super::verifier::PresentationOptions,
    ))
)]
pub struct ApiDoc;

/// `GET /openapi.json`.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
