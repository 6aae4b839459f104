//! What the pages know about the browser asking: its language, its cookies and the CSRF token of its forms, and
//! the headers every page is sent with.
//!
//! **Cookies.** `sp_browser` is a random id given on the first visit; the CSRF token of every form is an HMAC of it
//! under a key that never leaves the process (the synchronizer token pattern without server state), so a page
//! from another site can neither read nor forge it. `sp_wallet` carries the hosted wallet's session token and
//! `sp_console` the consoles' session (see [`super::console`]). All are `HttpOnly`, `SameSite=Strict`, `Path=/`,
//! and `Secure` when the public URL is https. Nothing secret is ever put in a URL.
//!
//! **Headers.** A Content-Security-Policy that allows only this origin's script and style files (no inline script,
//! no `eval`), images from this origin or `data:` (QR codes), forms posted only here, and no framing; `no-store`
//! caching, `nosniff`, no referrer.

use std::collections::HashMap;

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use cookie::{Cookie, SameSite};
use subtle::ConstantTimeEq as _;

use super::Web;
use super::i18n::Lang;
use crate::core::encoding::{b64url, hmac_sha256};

/// The browser id cookie.
pub const BROWSER_COOKIE: &str = "sp_browser";
/// The hosted wallet's session cookie.
pub const WALLET_COOKIE: &str = "sp_wallet";
/// The consoles' session cookie.
pub const CONSOLE_COOKIE: &str = "sp_console";
/// The language choice cookie.
pub const LANG_COOKIE: &str = "sp_lang";

/// The Content-Security-Policy of every page.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
    connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The browser id a first visit was given (before its cookie comes back).
#[derive(Debug, Clone)]
struct NewBrowser(String);

/// The browser behind a request.
#[derive(Debug, Clone)]
pub struct Visitor {
    /// The language of the pages it gets.
    pub lang: Lang,
    /// The CSRF token its forms carry.
    pub csrf: String,
    /// The path asked for (for the language switch to come back to).
    pub path: String,
    /// The path with its query (where the language switch comes back to).
    pub here: String,
    /// The client's address, the key of the throttles.
    pub client: String,
    cookies: HashMap<String, String>,
}

impl Visitor {
    /// A cookie's value.
    #[must_use]
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies.get(name).map(String::as_str).filter(|v| !v.is_empty())
    }

    /// Whether a form's token is this browser's (constant time).
    #[must_use]
    pub fn csrf_matches(&self, given: &str) -> bool {
        !self.csrf.is_empty() && bool::from(self.csrf.as_bytes().ct_eq(given.as_bytes()))
    }

    /// Reads the visitor from a request's head.
    pub(super) fn read(parts: &Parts, web: &Web) -> Self {
        let cookies = cookies(&parts.headers);
        let browser = cookies
            .get(BROWSER_COOKIE)
            .cloned()
            .or_else(|| parts.extensions.get::<NewBrowser>().map(|b| b.0.clone()))
            .unwrap_or_default();
        let lang = cookies.get(LANG_COOKIE).and_then(|l| Lang::from_tag(l)).unwrap_or_else(|| {
            let accept = parts.headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or("");
            Lang::negotiate(accept)
        });
        let csrf = if browser.is_empty() { String::new() } else { csrf_token(web, &browser) };
        let address = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0);
        let client = crate::http::server::ClientAddress(address).key();
        // After a POST the page's own address is not one to come back to with GET: the console's start page is.
        let here = if parts.method == axum::http::Method::GET {
            parts.uri.path_and_query().map_or_else(|| parts.uri.path().to_owned(), |p| p.as_str().to_owned())
        } else {
            match super::page::section(parts.uri.path()) {
                "wallet" => "/app",
                "provider" => "/provider",
                "employer" => "/employer",
                _ => "/",
            }
            .to_owned()
        };
        Self { lang, csrf, path: parts.uri.path().to_owned(), here, client, cookies }
    }
}

impl FromRequestParts<Web> for Visitor {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, web: &Web) -> Result<Self, Self::Rejection> {
        Ok(Self::read(parts, web))
    }
}

fn csrf_token(web: &Web, browser: &str) -> String {
    b64url(hmac_sha256(web.shared.csrf_key.as_slice(), format!("csrf\0{browser}").as_bytes()))
}

fn cookies(headers: &HeaderMap) -> HashMap<String, String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .map(|c| (c.name().to_owned(), c.value().to_owned()))
        .collect()
}

/// A `Set-Cookie` value with the pages' attributes; `None` as the value removes the cookie.
#[must_use]
pub fn set_cookie(web: &Web, name: &str, value: Option<&str>, max_age_seconds: i64) -> HeaderValue {
    let mut cookie = Cookie::build((name.to_owned(), value.unwrap_or("").to_owned()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(web.shared.secure_cookies);
    cookie = if value.is_some() {
        cookie.max_age(cookie::time::Duration::seconds(max_age_seconds))
    } else {
        cookie.max_age(cookie::time::Duration::ZERO)
    };
    HeaderValue::from_str(&cookie.build().to_string()).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Where a form's answer may redirect to, as CSP names it: the origin of `url`, or `scheme:` for an app's
/// private-use scheme; `None` for what is not a URL.
#[must_use]
pub fn form_target(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    Some(match parsed.origin() {
        origin @ url::Origin::Tuple(..) => origin.ascii_serialization(),
        url::Origin::Opaque(_) => format!("{}:", parsed.scheme()),
    })
}

/// Lets the page's forms be answered with a redirect to `target` (`form-action` also covers the redirects that
/// follow a form, so a sign-in page sending the browser back to a wallet, or the wallet sending it to an issuer's
/// sign-in page, needs that place named).
#[must_use]
pub fn allow_form_target(mut response: Response, target: &str) -> Response {
    let safe = !target.is_empty()
        && target.chars().all(|c| c.is_ascii_graphic() && !matches!(c, ';' | ',' | '\'' | '"' | '*'));
    if safe {
        let policy = CSP.replace("form-action 'self'", &format!("form-action 'self' {target}"));
        if let Ok(value) = HeaderValue::from_str(&policy) {
            response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, value);
        }
    }
    response
}

/// Middleware of every page: gives a first-time browser its id, and sends the pages' security headers.
pub async fn frame(State(web): State<Web>, mut request: Request, next: Next) -> Response {
    let has_id = cookies(request.headers()).get(BROWSER_COOKIE).is_some_and(|v| !v.is_empty());
    let new_id = (!has_id).then(|| crate::system::random_b64url(32));
    if let Some(id) = &new_id {
        request.extensions_mut().insert(NewBrowser(id.clone()));
    }
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if let Some(id) = new_id {
        headers.append(header::SET_COOKIE, set_cookie(&web, BROWSER_COOKIE, Some(&id), 60 * 60 * 24 * 365));
    }
    headers.entry(header::CONTENT_SECURITY_POLICY).or_insert(HeaderValue::from_static(CSP));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    response
}
