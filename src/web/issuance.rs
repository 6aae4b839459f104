//! The web wallet's side of the authorization code flow: when an offer asks the learner to sign in at the issuer,
//! accepting it pushes the wallet's authorization request and sends the browser to the issuer's sign-in page; the
//! issuer sends it back to `/app/receive/signed-in`, and the wallet finishes (token with DPoP, credential) in the
//! person's session.
//!
//! The way back crosses sites, and the wallet's cookies are `SameSite=Strict`, so the page the issuer sends the
//! browser to needs no session: it only forwards, by a refresh of its own (a navigation this site starts, which
//! carries the cookies), to `/app/receive/finish`, where the session is read. What waits in between (the PKCE
//! verifier, the DPoP key, the offer) stays in this process's memory, for the session that started it, for at most
//! [`SIGN_IN_TTL`]; it is never written anywhere.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use minijinja::context;

use super::browser::{Visitor, WALLET_COOKIE, allow_form_target, form_target};
use super::wallet::{Holder, failed};
use super::{Web, see_other};
use crate::core::encoding::sha256;
use crate::wallet::Wallet;
use crate::wallet::agent::Agent;
use crate::wallet::authorization::SignIn;
use crate::wallet::openid4vci::Offer;

/// How long a sign-in at an issuer may take.
pub const SIGN_IN_TTL: Duration = Duration::from_secs(600);
/// The most sign-ins waiting at once (each holds a key and an offer in memory).
pub const MAX_PENDING: usize = 10_000;

/// A sign-in waiting for the browser to come back.
struct Pending {
    session: [u8; 32],
    offer: Offer,
    sign_in: SignIn,
    until: Instant,
}

/// The sign-ins waiting, by their `state`.
#[derive(Default)]
pub struct PendingSignIns(Mutex<HashMap<String, Pending>>);

impl std::fmt::Debug for PendingSignIns {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let waiting = self.0.lock().map(|p| p.len()).unwrap_or_default();
        f.debug_struct("PendingSignIns").field("waiting", &waiting).finish()
    }
}

impl PendingSignIns {
    fn put(&self, pending: Pending) -> bool {
        let Ok(mut waiting) = self.0.lock() else { return false };
        let now = Instant::now();
        waiting.retain(|_, p| p.until > now);
        if waiting.len() >= MAX_PENDING {
            return false;
        }
        waiting.insert(pending.sign_in.state().to_owned(), pending);
        true
    }

    fn take(&self, state: &str, session: &[u8; 32]) -> Option<Pending> {
        let mut waiting = self.0.lock().ok()?;
        let pending = waiting.remove(state)?;
        (pending.until > Instant::now() && pending.session == *session).then_some(pending)
    }
}

fn session_of(visitor: &Visitor) -> [u8; 32] {
    sha256(visitor.cookie(WALLET_COOKIE).unwrap_or_default())
}

/// Accepting an offer that needs the learner to sign in: pushes the request and sends the browser to the
/// issuer's page.
pub(super) async fn begin(web: &Web, visitor: &Visitor, wallet: &Wallet, offer: Offer) -> Response {
    let Ok(role) = web.app.wallet() else { return see_other("/") };
    let agent = Agent::new(wallet, &role.verifier, &role.fetcher);
    let redirect_uri = format!("{}/app/receive/signed-in", web.shared.public_url);
    let sign_in = match agent.begin_sign_in(&offer, &redirect_uri, web.app.now()).await {
        Ok(sign_in) => sign_in,
        Err(error) => return failed(web, visitor, &error),
    };
    let to = sign_in.authorization_url.clone();
    let pending = Pending { session: session_of(visitor), offer, sign_in, until: Instant::now() + SIGN_IN_TTL };
    if !web.shared.sign_ins.put(pending) {
        return web.fail(visitor, StatusCode::SERVICE_UNAVAILABLE, "error-internal", None);
    }
    see_other(&to)
}

/// The policy of the offer page when accepting leads to the issuer's sign-in page.
pub(super) fn offer_page(page: Response, offer: &Offer) -> Response {
    let authorize = offer.authorization_server.get("authorization_endpoint").and_then(serde_json::Value::as_str);
    match authorize.and_then(form_target) {
        Some(target) if offer.needs_sign_in() => allow_form_target(page, &target),
        _ => page,
    }
}

/// Where the issuer sends the browser back: forwards to [`finish`] by a refresh this site starts.
pub(super) async fn signed_in(State(web): State<Web>, visitor: Visitor, RawQuery(query): RawQuery) -> Response {
    let next = format!("/app/receive/finish?{}", query.unwrap_or_default());
    web.shared.pages.render(
        &visitor,
        StatusCode::OK,
        "wallet/signed_in.html",
        context! { section => "wallet", signed_in => true, next },
    )
}

/// Finishes the sign-in in the session that started it: token, credential, and the credential's page.
pub(super) async fn finish(
    State(web): State<Web>,
    Holder(wallet): Holder,
    visitor: Visitor,
    RawQuery(query): RawQuery,
) -> Response {
    let query = query.unwrap_or_default();
    let state = url::form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == "state").map(|(_, v)| v.into_owned());
    let pending = state.and_then(|state| web.shared.sign_ins.take(&state, &session_of(&visitor)));
    let Some(pending) = pending else {
        return web.fail(&visitor, StatusCode::BAD_REQUEST, "wallet-error-sign-in-expired", None);
    };
    let Ok(role) = web.app.wallet() else { return see_other("/") };
    let agent = Agent::new(&wallet, &role.verifier, &role.fetcher);
    let returned_to = format!("{}?{query}", pending.sign_in.redirect_uri);
    match agent.finish_sign_in(&pending.offer, pending.sign_in, &returned_to, web.app.now()).await {
        Ok(accepted) => {
            let id = crate::web::url_escape(&accepted.stored.id);
            see_other(&format!("/app/credentials/{id}?added=1"))
        }
        Err(error) => failed(&web, &visitor, &error),
    }
}
