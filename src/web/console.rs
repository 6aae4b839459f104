//! The consoles' sessions: the provider's and the employer's staff sign in with the server's admin token once, and
//! get a session instead of keeping the token in the browser. A session is 32 random bytes in the `sp_console`
//! cookie; the server keeps only their SHA-256 and when they expire, in memory (a restart signs everyone out).
//! The token is compared in constant time, and wrong tokens are throttled per client address like the API's.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::core::encoding::sha256;

/// How long a console session lives without use.
pub const CONSOLE_TTL: Duration = Duration::from_secs(30 * 60);

/// The open console sessions.
#[derive(Default)]
pub struct ConsoleSessions {
    sessions: Mutex<HashMap<[u8; 32], Instant>>,
}

impl std::fmt::Debug for ConsoleSessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ConsoleSessions([redacted])")
    }
}

impl ConsoleSessions {
    /// Opens a session; returns its token (for the cookie only).
    #[must_use]
    pub fn open(&self) -> String {
        let token = crate::system::random_b64url(32);
        let mut sessions = self.sessions.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        sessions.retain(|_, expires| *expires > now);
        sessions.insert(sha256(&token), now + CONSOLE_TTL);
        token
    }

    /// Whether `token` is an open session; using it extends it.
    #[must_use]
    pub fn check(&self, token: &str) -> bool {
        let mut sessions = self.sessions.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        match sessions.get_mut(&sha256(token)) {
            Some(expires) if *expires > now => {
                *expires = now + CONSOLE_TTL;
                true
            }
            _ => false,
        }
    }

    /// Closes a session.
    pub fn close(&self, token: &str) {
        self.sessions.lock().unwrap_or_else(PoisonError::into_inner).remove(&sha256(token));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_open_check_and_close() {
        let sessions = ConsoleSessions::default();
        let token = sessions.open();
        assert!(sessions.check(&token));
        assert!(!sessions.check("forged"));
        sessions.close(&token);
        assert!(!sessions.check(&token));
    }
}

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;

use super::browser::{CONSOLE_COOKIE, Visitor, set_cookie};
use super::form::Posted;
use super::{Web, see_other};
use crate::core::secret::SecretString;

pub(super) fn routes() -> Router<Web> {
    Router::new().route("/console/sign-in", get(sign_in_page).post(sign_in)).route("/console/sign-out", post(sign_out))
}

/// Which console to go to after signing in.
#[derive(Debug, Deserialize)]
pub(super) struct To {
    to: Option<String>,
    ended: Option<String>,
}

fn console_path(to: Option<&str>) -> &'static str {
    if to == Some("employer") { "/employer" } else { "/provider" }
}

async fn sign_in_page(State(web): State<Web>, visitor: Visitor, Query(to): Query<To>) -> Response {
    let ended = to.ended.is_some();
    let to = to.to.unwrap_or_default();
    let section = if to == "employer" { "employer" } else { "provider" };
    web.shared.pages.render(
        &visitor,
        StatusCode::OK,
        "sign_in.html",
        minijinja::context! { console => true, to, section, ended },
    )
}

async fn sign_in(State(web): State<Web>, posted: Posted) -> Response {
    let visitor = &posted.visitor;
    let to = posted.text("to").unwrap_or("provider").to_owned();
    let section = if to == "employer" { "employer" } else { "provider" };
    let again = |message: &str, status: StatusCode| {
        web.shared.pages.render(
            visitor,
            status,
            "sign_in.html",
            minijinja::context! { console => true, to, section, error_id => message },
        )
    };
    let Some(token) = posted.raw("admin_token") else {
        return again("console-token-missing", StatusCode::BAD_REQUEST);
    };
    let Ok(attempt) = web.app.throttles.admin.begin(&visitor.client) else {
        return again("error-throttled", StatusCode::TOO_MANY_REQUESTS);
    };
    if !web.app.is_admin(&SecretString::new(token.to_owned())) {
        return again("console-token-wrong", StatusCode::UNAUTHORIZED);
    }
    attempt.succeeded();
    let session = web.shared.consoles.open();
    let mut response = see_other(console_path(Some(&to)));
    let max_age = i64::try_from(CONSOLE_TTL.as_secs()).unwrap_or(1800);
    response.headers_mut().append(header::SET_COOKIE, set_cookie(&web, CONSOLE_COOKIE, Some(&session), max_age));
    response
}

async fn sign_out(State(web): State<Web>, posted: Posted) -> Response {
    if let Some(token) = posted.visitor.cookie(CONSOLE_COOKIE) {
        web.shared.consoles.close(token);
    }
    let mut response = see_other("/");
    response.headers_mut().append(header::SET_COOKIE, set_cookie(&web, CONSOLE_COOKIE, None, 0));
    response
}

/// A signed-in member of the staff of the console the path belongs to (`/provider…` or `/employer…`); without a
/// console session the request is sent to that console's sign-in page instead.
pub struct Staff;

impl axum::extract::FromRequestParts<Web> for Staff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, web: &Web) -> Result<Self, Response> {
        let console = if parts.uri.path().starts_with("/employer") { "employer" } else { "provider" };
        require(web, &Visitor::read(parts, web), console).map(|()| Self)
    }
}

/// The console page, or the sign-in page (saying the session ended when there was one) for a visitor without a
/// console session.
///
/// # Errors
/// The redirect to the sign-in page.
#[expect(clippy::result_large_err, reason = "the error is the page to answer with, made once per request")]
pub fn require(web: &Web, visitor: &Visitor, console: &str) -> Result<(), Response> {
    match visitor.cookie(CONSOLE_COOKIE) {
        Some(token) if web.shared.consoles.check(token) => Ok(()),
        Some(_) => Err(see_other(&format!("/console/sign-in?to={console}&ended=1"))),
        None => Err(see_other(&format!("/console/sign-in?to={console}"))),
    }
}
