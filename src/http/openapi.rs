//! The `OpenAPI` document at `/openapi.json`, generated from the handlers' annotations (utoipa).

use axum::Json;
use utoipa::OpenApi;

/// The API description.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "skillspass",
        description = "Issuer, verifier and hosted wallet of skills credentials: W3C VC API shapes, OpenID4VCI 1.0, OpenID4VP 1.0"
    ),
    paths(
        super::issuer::issue,
        super::issuer::update_status,
        super::did_document,
        super::issuer::status_list,
        super::issuer::token_status_list,
        super::issuer::jwt_vc_issuer,
        super::verifier::verify,
        super::verifier::verify_presentation,
        super::openid4vci::credential_issuer_metadata,
        super::openid4vci::authorization_server_metadata,
        super::openid4vci::create_offer,
        super::openid4vci::offer,
        super::openid4vci::offer_qr,
        super::openid4vci::offer_state,
        super::openid4vci::token,
        super::openid4vci::nonce,
        super::openid4vci::credential,
        super::openid4vci::notification,
        super::openid4vp::create_request,
        super::openid4vp::request_status,
        super::openid4vp::request_object,
        super::openid4vp::request_qr,
        super::openid4vp::response,
        super::exchange::accept,
        super::exchange::respond,
    ),
    components(schemas(
        super::issuer::IssueRequest,
        super::issuer::StatusRequest,
        super::issuer::StatusUpdate,
        super::verifier::VerifyRequest,
        super::verifier::VerifyPresentationRequest,
        super::verifier::PresentationOptions,
        super::openid4vci::CreateOffer,
        super::openid4vp::CreateRequest,
        super::exchange::AcceptRequest,
        super::exchange::RespondRequest,
    ))
)]
pub struct ApiDoc;

/// `GET /openapi.json`.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
