//! The `OpenAPI` document at `/openapi.json`, generated from the handlers' annotations (utoipa) and then completed
//! by the conventions every route shares, so no handler has to repeat them and none can forget them: a JSON body
//! can be refused as malformed (400), too large (413) or not JSON (415); an admin route can answer 401 and 429
//! (with `Retry-After`); a session route 401; every error answer is problem+json, except on the protocol endpoints
//! whose specifications fix an OAuth error shape. The document is what `schemathesis` tests the server against
//! (`tests/interop.rs`), so a status code a route can send and this document does not list is a failing test.

use std::sync::OnceLock;

use axum::Json;
use serde_json::{Map, Value, json};
use utoipa::OpenApi;
use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Schema, Type};
use utoipa::openapi::{RefOr, SchemaFormat};

/// The API description, as the annotations give it.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "skillspass",
        description = "Issuer, verifier and hosted wallet of skills credentials: W3C VC API shapes, OpenID4VCI 1.0, OpenID4VP 1.0. Errors are RFC 9457 problem+json (types in docs/problems.md): 400 when a request does not match this document, 422 when it does but its content is refused (a credential that does not verify, an issuer that is not this service)."
    ),
    paths(
        super::health,
        document,
        super::did_document,
        super::issuer::issue,
        super::issuer::update_status,
        super::issuer::status_list,
        super::issuer::token_status_list,
        super::issuer::jwt_vc_issuer,
        super::admin::list_keys,
        super::admin::rotate_key,
        super::admin::retire_key,
        super::admin::rotate_token,
        super::verifier::verify,
        super::verifier::verify_batch,
        super::verifier::verify_presentation,
        super::issuer::type_metadata,
        super::openid4vci::credential_issuer_metadata,
        super::openid4vci::authorization_server_metadata,
        super::openid4vci::create_offer,
        super::openid4vci::offer,
        super::openid4vci::offer_qr,
        super::openid4vci::offer_state,
        super::openid4vci::pushed_authorization_request,
        super::openid4vci::token,
        super::openid4vci::nonce,
        super::openid4vci::credential,
        super::openid4vci::notification,
        super::openid4vp::create_request,
        super::openid4vp::request_status,
        super::openid4vp::request_object,
        super::openid4vp::request_object_by_post,
        super::openid4vp::request_qr,
        super::openid4vp::response,
        super::wallet::create_account,
        super::wallet::open_session,
        super::wallet::close_session,
        super::wallet::list,
        super::wallet::import,
        super::wallet::show,
        super::wallet::delete,
        super::wallet::skills,
        super::wallet::present,
        super::wallet::export,
        super::wallet::restore,
        super::exchange::accept,
        super::exchange::respond,
        super::esco::search_skills,
        super::esco::search_occupations,
        super::esco::skill,
        super::esco::occupation,
        super::wallet::match_profile,
    ),
    components(schemas(
        super::issuer::IssueRequest,
        super::issuer::IssueOptions,
        super::issuer::StatusRequest,
        super::issuer::StatusUpdate,
        super::issuer::StatusKind,
        super::issuer::StatusValue,
        super::verifier::VerifyRequest,
        super::verifier::VerifyBatchRequest,
        super::verifier::BatchReports,
        super::verifier::VerifyPresentationRequest,
        super::verifier::PresentationOptions,
        super::openid4vci::CreateOffer,
        super::openid4vci::TokenRequest,
        super::openid4vci::PushedAuthorizationRequest,
        super::openid4vp::CreateRequest,
        super::wallet::MatchRequest,
        super::openid4vp::ClientIdPrefixName,
        super::openid4vp::ResponseModeName,
        super::openid4vp::AuthorizationResponse,
        super::openid4vp::RequestObjectForm,
        super::wallet::NewAccount,
        super::wallet::OpenSession,
        super::wallet::ImportRequest,
        super::wallet::PresentRequest,
        super::wallet::ExportRequest,
        super::wallet::RestoreRequest,
        super::exchange::AcceptRequest,
        super::exchange::RespondRequest,
    ))
)]
pub struct ApiDoc;

/// The protocol endpoints that answer OAuth errors (`{"error", "error_description"}`) instead of problem+json.
const OAUTH_PATHS: [&str; 5] = ["/par", "/token", "/credential", "/notification", "/verifier/requests/{id}/response"];

/// The API description: `GET /openapi.json`.
#[utoipa::path(get, path = "/openapi.json", tag = "Server", responses((status = 200, description = "this document", content_type = "application/json", body = Object)))]
pub async fn document() -> Json<Value> {
    static DOCUMENT: OnceLock<Value> = OnceLock::new();
    Json(DOCUMENT.get_or_init(complete_document).clone())
}

/// The annotated document with the shared conventions applied.
#[must_use]
pub fn complete_document() -> Value {
    let mut document = serde_json::to_value(ApiDoc::openapi()).unwrap_or_else(|_| json!({}));
    apply_conventions(&mut document);
    document
}

fn apply_conventions(document: &mut Value) {
    if let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let oauth = OAUTH_PATHS.contains(&path.as_str());
            let Some(item) = item.as_object_mut() else { continue };
            for operation in item.values_mut().filter_map(Value::as_object_mut) {
                complete_operation(operation, oauth);
            }
        }
    }
    let components = document.as_object_mut().map(|d| d.entry("components").or_insert_with(|| json!({})));
    let Some(components) = components.and_then(Value::as_object_mut) else { return };
    let schemas = components.entry("schemas").or_insert_with(|| json!({}));
    schemas["Problem"] = json!({
        "type": "object",
        "description": "RFC 9457 problem details; `type` names the problem (docs/problems.md)",
        "required": ["type", "title", "status"],
        "properties": {
            "type": {"type": "string", "format": "uri"},
            "title": {"type": "string"},
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
            "detail": {"type": "string"},
        },
    });
    schemas["OAuthError"] = json!({
        "type": "object",
        "description": "RFC 6749 section 5.2 error answer",
        "required": ["error"],
        "properties": {"error": {"type": "string"}, "error_description": {"type": "string"}},
    });
    let bearer = |description: &str| json!({"type": "http", "scheme": "bearer", "description": description});
    components.insert(
        "securitySchemes".into(),
        json!({
            "admin": bearer("the server's admin token (data folder `admin-token`, or SKILLSPASS_ADMIN_TOKEN)"),
            "session": bearer("a hosted wallet session token from POST /wallet/sessions"),
            "accessToken": bearer("an OpenID4VCI access token from POST /token"),
        }),
    );
}

/// What an operation's body and security imply, added where the annotation left it out.
fn complete_operation(operation: &mut Map<String, Value>, oauth: bool) {
    let body_types: Vec<String> = operation
        .get("requestBody")
        .and_then(|b| b.get("content"))
        .and_then(Value::as_object)
        .map(|content| content.keys().cloned().collect())
        .unwrap_or_default();
    let required_schemes = required_security(operation);
    let responses = operation.entry("responses").or_insert_with(|| json!({}));
    let Some(responses) = responses.as_object_mut() else { return };
    let mut add = |status: &str, description: &str| {
        responses.entry(status).or_insert_with(|| json!({"description": description}));
    };
    if oauth {
        if !body_types.is_empty() {
            add("400", "OAuth error: a malformed request");
        }
    } else if body_types.iter().any(|t| t == "application/json") {
        add("400", "malformed-json: not JSON of the documented shape");
        add("413", "body-too-large");
        add("415", "unsupported-media-type: send Content-Type: application/json");
    }
    if required_schemes.iter().any(|s| s == "admin") {
        add("401", "unauthorized: the admin token is missing or wrong");
        add("429", "too-many-requests: too many wrong admin tokens from this address");
    }
    if required_schemes.iter().any(|s| s == "session") {
        add("401", "invalid-session: no live session token");
    }
    for (status, response) in responses.iter_mut() {
        let error = status.starts_with('4') || status.starts_with('5');
        let Some(response) = response.as_object_mut() else { continue };
        if error && !response.contains_key("content") {
            let (media_type, schema) =
                if oauth { ("application/json", "OAuthError") } else { ("application/problem+json", "Problem") };
            response.insert(
                "content".into(),
                json!({media_type: {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}),
            );
        }
        if status == "429" {
            response.insert(
                "headers".into(),
                json!({"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer", "minimum": 1}}}),
            );
        }
    }
}

/// The security schemes an operation requires (none when one of its alternatives is anonymous).
fn required_security(operation: &Map<String, Value>) -> Vec<String> {
    let Some(alternatives) = operation.get("security").and_then(Value::as_array) else { return Vec::new() };
    if alternatives.iter().any(|a| a.as_object().is_some_and(Map::is_empty)) {
        return Vec::new();
    }
    alternatives.iter().filter_map(Value::as_object).flat_map(|a| a.keys().cloned()).collect()
}

fn text(pattern: Option<&str>, description: &str) -> Schema {
    let mut builder = ObjectBuilder::new().schema_type(Type::String).description(Some(description));
    if let Some(pattern) = pattern {
        builder = builder.pattern(Some(pattern));
    }
    Schema::Object(builder.build())
}

fn enveloped(media_type_pattern: &str, what: &str) -> RefOr<Schema> {
    let id = text(Some(&format!("^data:application/{media_type_pattern},")), "the compact token in a data: URL");
    let object = ObjectBuilder::new()
        .schema_type(Type::Object)
        .property("id", id)
        .required("id")
        .description(Some(format!("an Enveloped{what} (its type and @context are not checked)")));
    RefOr::T(Schema::OneOf(
        OneOfBuilder::new().item(text(None, "the compact token")).item(Schema::Object(object.build())).build(),
    ))
}

/// `verifiableCredential`: a compact `vc+jwt` or `dc+sd-jwt`, or one in an `EnvelopedVerifiableCredential`.
#[must_use]
pub fn enveloped_credential() -> RefOr<Schema> {
    enveloped(r"(vc\+jwt|dc\+sd-jwt)", "VerifiableCredential")
}

/// `verifiableCredentials` of a batch: at most 1,000 credentials, each as [`enveloped_credential`] allows.
#[must_use]
pub fn enveloped_credentials() -> RefOr<Schema> {
    let items = utoipa::openapi::schema::ArrayBuilder::new().items(enveloped_credential()).max_items(Some(1000));
    RefOr::T(Schema::Array(items.build()))
}

/// `verifiablePresentation`: a compact `vp+jwt` (or SD-JWT with Key Binding), or an
/// `EnvelopedVerifiablePresentation`.
#[must_use]
pub fn enveloped_presentation() -> RefOr<Schema> {
    enveloped(r"vp\+jwt", "VerifiablePresentation")
}

/// An offer's `tx_code`: `true`/`false`, or `{"length": 4..=12}`.
#[must_use]
pub fn tx_code_option() -> RefOr<Schema> {
    let length = ObjectBuilder::new()
        .schema_type(Type::Integer)
        .format(Some(SchemaFormat::KnownFormat(utoipa::openapi::KnownFormat::Int32)));
    let length = length.minimum(Some(4)).maximum(Some(12));
    let object = ObjectBuilder::new().schema_type(Type::Object).property("length", length).required("length");
    let boolean = ObjectBuilder::new().schema_type(Type::Boolean);
    RefOr::T(Schema::OneOf(
        OneOfBuilder::new().item(Schema::Object(boolean.build())).item(Schema::Object(object.build())).build(),
    ))
}

/// `flow` of `POST /offers`: one of the two issuance flows.
#[must_use]
pub fn flow_option() -> RefOr<Schema> {
    let flow = ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(["pre_authorized", "authorization_code"]))
        .description(Some("pre_authorized (default) or authorization_code (the learner signs in at the issuer)"));
    RefOr::T(Schema::Object(flow.build()))
}
