//! RFC 9457 problem details for every HTTP error, in one place (STYLE rule 13): [`HttpProblem`] has one variant per
//! problem `type`, and every error of the layers below converts here, so a problem without a name cannot be sent
//! and nothing becomes a 500 by accident. Each maps to a status and a stable `type` URI listed in
//! `docs/problems.md`. A 5xx says only that something failed; its cause is logged once, here.

use axum::Json;
use axum::extract::rejection::{FormRejection, JsonRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::core::verify::PROBLEM_BASE;
use crate::issuer::IssueError;
use crate::issuer::service::StatusError;
use crate::wallet::WalletError;
use crate::wallet::hosted::SessionError;

macro_rules! problems {
    ($($variant:ident => $name:literal, $title:literal, $status:literal;)*) => {
        /// An HTTP problem response: one variant per problem type, each with this occurrence's detail.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum HttpProblem {
            $(
                #[doc = $title]
                $variant(Option<String>),
            )*
            /// Too many attempts: try again after `retry_after` seconds (sent as `Retry-After`).
            TooManyRequests {
                /// Seconds to wait.
                retry_after: u64,
            },
        }

        /// Every problem type the HTTP layer sends: (name, title, status).
        pub const HTTP_PROBLEMS: &[(&str, &str, u16)] =
            &[$(($name, $title, $status),)* ("too-many-requests", "Too many attempts", 429)];

        impl HttpProblem {
            /// The problem's name, title and status.
            #[must_use]
            pub fn entry(&self) -> (&'static str, &'static str, u16) {
                match self {
                    $(Self::$variant(_) => ($name, $title, $status),)*
                    Self::TooManyRequests { .. } => ("too-many-requests", "Too many attempts", 429),
                }
            }

            fn detail(&self) -> Option<String> {
                match self {
                    $(Self::$variant(detail) => detail.clone(),)*
                    Self::TooManyRequests { retry_after } => {
                        Some(format!("too many attempts; try again in {retry_after} s"))
                    }
                }
            }
        }
    };
}

problems! {
    MalformedJson => "malformed-json", "Malformed JSON body", 400;
    InvalidRequest => "invalid-request", "Invalid request", 400;
    InvalidAccount => "invalid-account", "Invalid account name", 400;
    WeakPassphrase => "weak-passphrase", "Passphrase too short", 400;
    Unauthorized => "unauthorized", "Missing or wrong admin token", 401;
    WrongPassphrase => "wrong-passphrase", "Wrong passphrase", 401;
    InvalidSession => "invalid-session", "Missing, unknown or expired session", 401;
    NotFound => "not-found", "No such resource", 404;
    UnknownCredential => "unknown-credential", "No such credential", 404;
    UnknownEscoConcept => "unknown-esco-concept", "No such ESCO skill or occupation", 404;
    UnknownStatusList => "unknown-status-list", "No such status list", 404;
    WalletNotFound => "wallet-not-found", "No such wallet", 404;
    MethodNotAllowed => "method-not-allowed", "Method not allowed", 405;
    DuplicateCredential => "duplicate-credential", "Credential id already issued", 409;
    CredentialRevoked => "credential-revoked", "The credential is revoked", 409;
    WalletExists => "wallet-exists", "A wallet with this account exists", 409;
    WalletNotEmpty => "wallet-not-empty", "The wallet already holds credentials", 409;
    Conflict => "conflict", "The request conflicts with the server's state", 409;
    BodyTooLarge => "body-too-large", "Request body too large", 413;
    UnsupportedMediaType => "unsupported-media-type", "Unsupported media type", 415;
    CredentialNotAccepted => "credential-not-accepted", "The wallet did not accept the credential", 422;
    InvalidCredential => "invalid-credential", "The credential is not valid", 422;
    InvalidBadgeImage => "invalid-badge-image", "The image carries no readable credential", 422;
    WrongIssuer => "wrong-issuer", "The credential names another issuer", 422;
    ExchangeRefused => "exchange-refused", "The issuer or verifier refused, or broke the protocol", 422;
    InvalidExport => "invalid-export", "The export file cannot be restored", 422;
    CannotPresent => "cannot-present", "The wallet cannot make this presentation", 422;
    InvalidQuery => "invalid-query", "The presentation request cannot be made", 422;
    InvalidDecision => "invalid-decision", "Consent and decline exclude each other", 422;
    InvalidProfile => "invalid-profile", "The vacancy profile is not valid", 422;
    Internal => "internal", "Internal error", 500;
}

impl HttpProblem {
    /// An internal error: the cause is logged, the client learns nothing about it.
    #[must_use]
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(%cause, "internal error");
        Self::Internal(Some("the server could not complete the request".into()))
    }

    /// Too many attempts: wait `wait` (rounded up to whole seconds).
    #[must_use]
    pub fn too_many(wait: std::time::Duration) -> Self {
        Self::TooManyRequests { retry_after: wait.as_secs() + u64::from(wait.subsec_nanos() > 0) }
    }

    /// A role this server does not serve.
    #[must_use]
    pub fn role_not_served(role: &str) -> Self {
        Self::NotFound(Some(format!("the {role} role is not served")))
    }

    /// The HTTP status.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.entry().2).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl IntoResponse for HttpProblem {
    fn into_response(self) -> Response {
        let (name, title, _) = self.entry();
        let status = self.status();
        let body = json!({
            "type": format!("{PROBLEM_BASE}{name}"),
            "title": title,
            "status": status.as_u16(),
            "detail": self.detail(),
        });
        let mut response = (status, Json(body)).into_response();
        response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        if let Self::TooManyRequests { retry_after } = self {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
        }
        response
    }
}

impl From<JsonRejection> for HttpProblem {
    fn from(rejection: JsonRejection) -> Self {
        let detail = Some(rejection.body_text());
        match rejection.status() {
            StatusCode::PAYLOAD_TOO_LARGE => Self::BodyTooLarge(detail),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => Self::UnsupportedMediaType(detail),
            _ => Self::MalformedJson(detail),
        }
    }
}

impl From<FormRejection> for HttpProblem {
    fn from(rejection: FormRejection) -> Self {
        let detail = Some(rejection.body_text());
        match rejection.status() {
            StatusCode::PAYLOAD_TOO_LARGE => Self::BodyTooLarge(detail),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => Self::UnsupportedMediaType(detail),
            _ => Self::InvalidRequest(detail),
        }
    }
}

impl From<QueryRejection> for HttpProblem {
    fn from(rejection: QueryRejection) -> Self {
        Self::InvalidRequest(Some(rejection.body_text()))
    }
}

impl From<IssueError> for HttpProblem {
    fn from(error: IssueError) -> Self {
        let detail = Some(error.to_string());
        match error {
            IssueError::WrongIssuer { .. } => Self::WrongIssuer(detail),
            IssueError::Duplicate(_) => Self::DuplicateCredential(detail),
            IssueError::Offer(_) => Self::InvalidRequest(detail),
            IssueError::Store(_)
            | IssueError::Schemas(_)
            | IssueError::Signing(_)
            | IssueError::PublicUrl(_)
            | IssueError::Certificate(_) => Self::internal(&error),
            IssueError::Subject(_)
            | IssueError::Description(_)
            | IssueError::Invalid { .. }
            | IssueError::ValidUntil(_) => Self::InvalidCredential(detail),
        }
    }
}

impl From<StatusError> for HttpProblem {
    fn from(error: StatusError) -> Self {
        let detail = Some(error.to_string());
        match error {
            StatusError::UnknownCredential(_) => Self::UnknownCredential(detail),
            StatusError::AlreadyRevoked(_) => Self::CredentialRevoked(detail),
            StatusError::UnknownList(_) => Self::UnknownStatusList(detail),
            StatusError::Store(_) | StatusError::Signing(_) | StatusError::Publish(_) => Self::internal(&error),
        }
    }
}

impl From<SessionError> for HttpProblem {
    fn from(error: SessionError) -> Self {
        match error {
            SessionError::InvalidSession => Self::InvalidSession(Some(error.to_string())),
            SessionError::InvalidAccount => Self::InvalidAccount(Some(error.to_string())),
            SessionError::Throttled(wait) => Self::too_many(wait),
            SessionError::Wallet(wallet) => wallet.into(),
        }
    }
}

impl From<WalletError> for HttpProblem {
    fn from(error: WalletError) -> Self {
        let detail = Some(error.to_string());
        match error {
            WalletError::NotFound => Self::WalletNotFound(detail),
            WalletError::Exists => Self::WalletExists(detail),
            WalletError::WrongPassphrase => Self::WrongPassphrase(detail),
            WalletError::WeakPassphrase { .. } => Self::WeakPassphrase(detail),
            WalletError::NotVerified(_) | WalletError::ForeignSubject { .. } | WalletError::BearerWithoutConsent => {
                Self::CredentialNotAccepted(detail)
            }
            WalletError::UnknownCredential(_) => Self::UnknownCredential(detail),
            WalletError::Presentation(_) => Self::CannotPresent(detail),
            WalletError::Export(_) => Self::InvalidExport(detail),
            WalletError::NotEmpty | WalletError::OtherHolder => Self::WalletNotEmpty(detail),
            WalletError::Protocol(_) | WalletError::Fetch(_) => Self::ExchangeRefused(detail),
            WalletError::Corrupt(_) | WalletError::Store(_) | WalletError::Damaged(_) => Self::internal(&error),
        }
    }
}
