//! The pages (DESIGN.md section 11): the worker's web wallet under `/app`, the training provider's console under
//! `/provider` and the employer's console under `/employer`, server-rendered by `serve` on the same port as the
//! APIs. They are a front door like [`crate::http`]: each handler reads a form, calls one role method and renders a
//! template; the rules stay in the roles.
//!
//! Templates and catalogs are compiled in ([`page`], [`i18n`]); the one script (`assets/app.js`) only improves
//! what works without it (suggestions while typing an ESCO skill, the employer's page refreshing itself when the
//! answer arrives). How the browser is trusted, cookies, CSRF and headers, is in [`browser`] and [`form`].

pub mod assets;
pub mod browser;
pub mod console;
pub mod employer;
pub mod form;
pub mod i18n;
pub mod issuance;
pub mod learner;
pub mod page;
pub mod picker;
pub mod provider;
pub mod wallet;

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;
use zeroize::Zeroizing;

use crate::http::AppState;
use browser::Visitor;

/// What the pages share besides the roles.
#[derive(Debug)]
pub struct Shared {
    /// The templates.
    pub pages: page::Pages,
    /// The key CSRF tokens are made with (random per process).
    pub csrf_key: Zeroizing<[u8; 32]>,
    /// The consoles' sessions.
    pub consoles: console::ConsoleSessions,
    /// Whether cookies get `Secure` (the public URL is https).
    pub secure_cookies: bool,
    /// The public URL the pages are served under (where issuers send the browser back).
    pub public_url: String,
    /// The web wallet's sign-ins at issuers, waiting for the browser to come back.
    pub sign_ins: issuance::PendingSignIns,
}

/// The pages' state: the roles, and [`Shared`].
#[derive(Debug, Clone)]
pub struct Web {
    /// The roles as the HTTP API serves them.
    pub app: AppState,
    /// Templates, keys, console sessions.
    pub shared: Arc<Shared>,
}

impl Web {
    /// The pages' state for `app`; cookies are `Secure` when `public_url` is https.
    #[must_use]
    pub fn new(app: AppState, public_url: &str) -> Self {
        let mut key = Zeroizing::new([0u8; 32]);
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, key.as_mut_slice());
        let shared = Shared {
            pages: page::Pages::new(page::Consoles {
                wallet: app.wallet.is_some(),
                provider: app.issuer.is_some(),
                employer: app.verifier.is_some(),
            }),
            csrf_key: key,
            consoles: console::ConsoleSessions::default(),
            secure_cookies: public_url.starts_with("https://"),
            public_url: public_url.trim_end_matches('/').to_owned(),
            sign_ins: issuance::PendingSignIns::default(),
        };
        Self { app, shared: Arc::new(shared) }
    }

    /// A page saying something went wrong (`message` a message id), with a way back.
    #[must_use]
    #[expect(clippy::needless_pass_by_value, reason = "every caller makes the detail for this one call")]
    pub fn fail(&self, visitor: &Visitor, status: StatusCode, message: &str, detail: Option<String>) -> Response {
        let back = visitor.path.clone();
        self.shared.pages.message(visitor, status, "error-title", message, detail.as_deref(), &back)
    }
}

/// The API and the pages on one router: what `serve` serves.
pub fn app(state: AppState, body_limit: usize, public_url: &str) -> Router {
    let web = Web::new(state.clone(), public_url);
    crate::http::app(state, body_limit).merge(pages(web))
}

/// The page routes, for the roles `web.app` serves.
pub fn pages(web: Web) -> Router {
    let mut router = Router::new()
        .route("/", get(home))
        .route("/language/{tag}", get(language))
        .route("/assets/{name}", get(assets::asset));
    if web.app.wallet.is_some() {
        router = router.merge(wallet::routes());
    }
    if web.app.issuer.is_some() {
        router = router.merge(provider::routes()).merge(learner::routes());
    }
    if web.app.verifier.is_some() {
        router = router.merge(employer::routes());
    }
    if web.app.issuer.is_some() || web.app.verifier.is_some() {
        router = router.merge(console::routes());
    }
    router
        .layer(axum::middleware::from_fn_with_state(web.clone(), browser::frame))
        .layer(DefaultBodyLimit::max(form::MAX_UPLOAD_BYTES + 64 * 1024))
        .with_state(web)
}

async fn home(State(web): State<Web>, visitor: Visitor) -> Response {
    web.shared.pages.render(&visitor, StatusCode::OK, "home.html", minijinja::context! { section => "home" })
}

/// `?back=` of the language switch.
#[derive(Debug, Deserialize)]
struct Back {
    back: Option<String>,
}

/// The language switch: remembers the choice in a cookie and goes back to the page (only a path on this site).
async fn language(State(web): State<Web>, Path(tag): Path<String>, Query(back): Query<Back>) -> Response {
    let Some(lang) = i18n::Lang::from_tag(&tag) else {
        return (StatusCode::NOT_FOUND, "unknown language").into_response();
    };
    let back = back.back.filter(|b| b.starts_with('/') && !b.starts_with("//") && !b.contains('\\'));
    let mut response = Redirect::to(back.as_deref().unwrap_or("/")).into_response();
    let cookie = browser::set_cookie(&web, browser::LANG_COOKIE, Some(lang.tag()), 60 * 60 * 24 * 365);
    response.headers_mut().append(header::SET_COOKIE, cookie);
    response
}

/// A redirect after a form (303, so the browser gets the page with `GET`).
#[must_use]
pub fn see_other(to: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(location) = HeaderValue::from_str(to) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

/// `text` as one URL path segment or query value (RFC 3986 unreserved characters kept, everything else
/// percent-encoded).
#[must_use]
pub fn url_escape(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>().replace('+', "%20")
}

/// A QR code of `text` for an `<img>`: its `data:` URL and the width to show it at.
#[must_use]
pub fn qr_image(text: &str) -> Option<(String, u32)> {
    let svg = crate::core::qr::svg(text).ok()?;
    let url = format!(
        "data:image/svg+xml;base64,{}",
        base64::Engine::encode(&base64::engine::general_purpose::STANDARD, svg)
    );
    Some((url, crate::core::qr::display_size(text)))
}
