//! RFC 9457 problem details for every HTTP error, in one place (STYLE rule 13): each error of the layers below
//! maps to a status and a stable `type` URI listed in `docs/problems.md`. A 5xx says only that something failed;
//! its cause is logged once, here.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::core::report::PROBLEM_BASE;
use crate::issuer::IssueError;
use crate::issuer::service::StatusError;

/// Every problem type the HTTP layer sends: (name, title, status).
pub const HTTP_PROBLEMS: [(&str, &str, u16); 21] = [
    ("malformed-json", "Malformed JSON body", 400),
    ("invalid-request", "Invalid request", 400),
    ("invalid-account", "Invalid account name", 400),
    ("credential-not-accepted", "The wallet did not accept the credential", 400),
    ("invalid-credential", "The credential is not valid", 400),
    ("wrong-issuer", "The credential names another issuer", 400),
    ("exchange-refused", "The issuer or verifier refused, or broke the protocol", 400),
    ("unauthorized", "Missing or wrong admin token", 401),
    ("wrong-passphrase", "Wrong passphrase", 401),
    ("invalid-session", "Missing, unknown or expired session", 401),
    ("not-found", "No such resource", 404),
    ("unknown-credential", "No such credential", 404),
    ("unknown-status-list", "No such status list", 404),
    ("wallet-not-found", "No such wallet", 404),
    ("method-not-allowed", "Method not allowed", 405),
    ("duplicate-credential", "Credential id already issued", 409),
    ("credential-revoked", "The credential is revoked", 409),
    ("wallet-exists", "A wallet with this account exists", 409),
    ("body-too-large", "Request body too large", 413),
    ("unsupported-media-type", "Unsupported media type", 415),
    ("internal", "Internal error", 500),
];

/// An HTTP problem response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpProblem {
    name: &'static str,
    detail: Option<String>,
}

impl HttpProblem {
    /// A problem by its name in [`HTTP_PROBLEMS`].
    #[must_use]
    pub fn new(name: &'static str, detail: impl Into<Option<String>>) -> Self {
        Self { name, detail: detail.into() }
    }

    /// An internal error: the cause is logged, the client learns nothing about it.
    #[must_use]
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(%cause, "internal error");
        Self { name: "internal", detail: Some("the server could not complete the request".into()) }
    }

    fn entry(&self) -> (&'static str, u16) {
        HTTP_PROBLEMS.iter().find(|(n, ..)| *n == self.name).map_or(("Internal error", 500), |(_, t, s)| (*t, *s))
    }
}

impl IntoResponse for HttpProblem {
    fn into_response(self) -> Response {
        let (title, status) = self.entry();
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = json!({
            "type": format!("{PROBLEM_BASE}{}", self.name),
            "title": title,
            "status": status.as_u16(),
            "detail": self.detail,
        });
        let mut response = (status, Json(body)).into_response();
        response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        response
    }
}

impl From<JsonRejection> for HttpProblem {
    fn from(rejection: JsonRejection) -> Self {
        let name = match rejection.status() {
            StatusCode::PAYLOAD_TOO_LARGE => "body-too-large",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported-media-type",
            _ => "malformed-json",
        };
        Self::new(name, rejection.body_text())
    }
}

impl From<IssueError> for HttpProblem {
    fn from(error: IssueError) -> Self {
        match error {
            IssueError::WrongIssuer { .. } => Self::new("wrong-issuer", error.to_string()),
            IssueError::Duplicate(_) => Self::new("duplicate-credential", error.to_string()),
            IssueError::Store(_) | IssueError::Schemas(_) | IssueError::Signing(_) | IssueError::PublicUrl(_) => {
                Self::internal(&error)
            }
            _ => Self::new("invalid-credential", error.to_string()),
        }
    }
}

impl From<StatusError> for HttpProblem {
    fn from(error: StatusError) -> Self {
        match error {
            StatusError::UnknownCredential(_) => Self::new("unknown-credential", error.to_string()),
            StatusError::AlreadyRevoked(_) => Self::new("credential-revoked", error.to_string()),
            StatusError::UnknownList(_) => Self::new("unknown-status-list", error.to_string()),
            StatusError::Store(_) | StatusError::Signing(_) => Self::internal(&error),
        }
    }
}
