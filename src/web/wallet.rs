//! The worker's web wallet under `/app`: create a wallet and sign in (a hosted wallet session in the `sp_wallet`
//! cookie), the passport of skills and credentials, a credential's detail with its verification report, accepting
//! an offer (pasted link or a picture of its QR code, with the transaction code), answering a presentation request
//! on a consent screen, the private skills gap, the history of what was shared, export and restore, deleting.
//!
//! Each page opens the session's own wallet ([`crate::wallet::hosted::HostedWallets::wallet`]): a credential id of
//! another account is simply not in it, and shows as unknown.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use minijinja::context;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::browser::{Visitor, WALLET_COOKIE, set_cookie};
use super::form::Posted;
use super::{Web, see_other};
use crate::core::credential::claims::EvidenceStrength;
use crate::core::esco::{DEFAULT_LANG, Esco};
use crate::core::gap::KnownStatus;
use crate::core::report::Report;
use crate::core::secret::SecretString;
use crate::core::vacancy::VacancyProfile;
use crate::core::verify::CredentialVerifier as _;
use crate::wallet::agent::Agent;
use crate::wallet::hosted::SessionError;
use crate::wallet::openid4vp::{Answered, Decision};
use crate::wallet::passport::{skills_overview, within_validity};
use crate::wallet::{Passphrase, StoredCredential, Wallet, WalletError};

pub(super) fn routes() -> Router<Web> {
    Router::new()
        .route("/app", get(passport))
        .route("/app/sign-in", get(sign_in_page).post(sign_in))
        .route("/app/sign-up", get(sign_up_page).post(sign_up))
        .route("/app/sign-out", post(sign_out))
        .route("/app/credentials/{id}", get(credential))
        .route("/app/credentials/{id}/delete", get(delete_page).post(delete))
        .route("/app/receive", get(receive_page).post(read_offer))
        .route("/app/receive/accept", post(accept))
        .route("/app/receive/signed-in", get(super::issuance::signed_in))
        .route("/app/receive/finish", get(super::issuance::finish))
        .route("/app/share", get(share_page).post(read_request))
        .route("/app/share/answer", post(answer))
        .route("/app/match", get(match_page).post(match_profile))
        .route("/app/history", get(history))
        .route("/app/backup", get(backup_page))
        .route("/app/backup/export", post(export))
        .route("/app/backup/restore", post(restore))
}

/// The session's wallet, or the way to the sign-in page (saying the session ended when the cookie was stale).
#[expect(clippy::result_large_err, reason = "the error is the page to answer with, made once per request")]
fn holder(web: &Web, visitor: &Visitor) -> Result<Wallet, Response> {
    let Ok(role) = web.app.wallet() else { return Err(see_other("/")) };
    match visitor.cookie(WALLET_COOKIE).map(|token| role.wallets.wallet(token)) {
        Some(Ok(wallet)) => Ok(wallet),
        Some(Err(_)) => Err(see_other("/app/sign-in?ended=1")),
        None => Err(see_other("/app/sign-in")),
    }
}

/// The signed-in worker's wallet, opened from the session cookie; without a valid session the request is sent
/// to the sign-in page instead.
pub struct Holder(pub Wallet);

impl axum::extract::FromRequestParts<Web> for Holder {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, web: &Web) -> Result<Self, Response> {
        holder(web, &Visitor::read(parts, web)).map(Self)
    }
}

/// The message id, status and detail a wallet error is shown with.
fn wallet_failure(error: &WalletError) -> (StatusCode, &'static str, Option<String>) {
    let detail = Some(error.to_string());
    match error {
        // An unknown account is told the same as a wrong passphrase: names are not probed this way.
        WalletError::WrongPassphrase | WalletError::NotFound => {
            (StatusCode::UNAUTHORIZED, "wallet-error-passphrase", None)
        }
        WalletError::WeakPassphrase { .. } => (StatusCode::BAD_REQUEST, "wallet-error-weak", None),
        WalletError::Exists => (StatusCode::CONFLICT, "wallet-error-exists", None),
        WalletError::UnknownCredential(_) => (StatusCode::NOT_FOUND, "wallet-error-unknown-credential", None),
        WalletError::NotVerified(_) | WalletError::ForeignSubject { .. } | WalletError::BearerWithoutConsent => {
            (StatusCode::UNPROCESSABLE_ENTITY, "wallet-error-not-accepted", detail)
        }
        WalletError::Presentation(_) => (StatusCode::UNPROCESSABLE_ENTITY, "wallet-error-present", detail),
        WalletError::Export(_) => (StatusCode::UNPROCESSABLE_ENTITY, "wallet-error-export", detail),
        WalletError::NotEmpty | WalletError::OtherHolder => (StatusCode::CONFLICT, "wallet-error-not-empty", detail),
        WalletError::Protocol(_) | WalletError::Fetch(_) => {
            (StatusCode::UNPROCESSABLE_ENTITY, "wallet-error-exchange", detail)
        }
        WalletError::Corrupt(_) | WalletError::Store(_) | WalletError::Damaged(_) => {
            tracing::error!(%error, "web wallet");
            (StatusCode::INTERNAL_SERVER_ERROR, "error-internal", None)
        }
    }
}

pub(super) fn failed(web: &Web, visitor: &Visitor, error: &WalletError) -> Response {
    let (status, message, detail) = wallet_failure(error);
    web.fail(visitor, status, message, detail)
}

#[expect(clippy::result_large_err, reason = "the error is the page to answer with, made once per request")]
fn esco(web: &Web, visitor: &Visitor) -> Result<std::sync::Arc<Esco>, Response> {
    web.app.esco.get().map_err(|e| web.fail(visitor, StatusCode::INTERNAL_SERVER_ERROR, "error-internal", Some(e)))
}

// ----- account -------------------------------------------------------------------------------------------------

/// `?ended=1` on the sign-in page.
#[derive(Debug, Deserialize)]
struct Ended {
    ended: Option<String>,
}

async fn sign_in_page(State(web): State<Web>, visitor: Visitor, Query(ended): Query<Ended>) -> Response {
    let ended = ended.ended.is_some();
    web.shared.pages.render(&visitor, StatusCode::OK, "sign_in.html", context! { section => "wallet", ended })
}

async fn sign_in(State(web): State<Web>, posted: Posted) -> Response {
    let visitor = &posted.visitor;
    let account = posted.text("account").unwrap_or_default().to_owned();
    let again = |status: StatusCode, message: &str, detail: Option<String>, seconds: Option<u64>| {
        web.shared.pages.render(
            visitor,
            status,
            "sign_in.html",
            context! { section => "wallet", account, error_id => message, detail, seconds },
        )
    };
    let Ok(role) = web.app.wallet() else { return see_other("/") };
    let Ok(attempt) = web.app.throttles.sessions.begin(&visitor.client) else {
        return again(StatusCode::TOO_MANY_REQUESTS, "error-throttled", None, None);
    };
    let passphrase = SecretString::new(posted.raw("passphrase").unwrap_or_default().to_owned());
    match role.wallets.open_session(&account, passphrase).await {
        Ok((token, ttl)) => {
            attempt.succeeded();
            session_started(&web, &token, ttl, "/app")
        }
        Err(SessionError::Throttled(wait)) => {
            again(StatusCode::TOO_MANY_REQUESTS, "error-throttled-wait", None, Some(wait.as_secs().max(1)))
        }
        Err(SessionError::InvalidAccount | SessionError::InvalidSession) => {
            again(StatusCode::UNAUTHORIZED, "wallet-error-passphrase", None, None)
        }
        Err(SessionError::Wallet(error)) => {
            let (status, message, detail) = wallet_failure(&error);
            again(status, message, detail, None)
        }
    }
}

async fn sign_up_page(State(web): State<Web>, visitor: Visitor) -> Response {
    web.shared.pages.render(&visitor, StatusCode::OK, "wallet/sign_up.html", context! { section => "wallet" })
}

async fn sign_up(State(web): State<Web>, posted: Posted) -> Response {
    let visitor = &posted.visitor;
    let account = posted.text("account").unwrap_or_default().to_owned();
    let again = |status: StatusCode, message: &str| {
        web.shared.pages.render(
            visitor,
            status,
            "wallet/sign_up.html",
            context! { section => "wallet", account, error_id => message },
        )
    };
    let Ok(role) = web.app.wallet() else { return see_other("/") };
    let (first, second) = (posted.raw("passphrase").unwrap_or_default(), posted.raw("repeat").unwrap_or_default());
    if first != second {
        return again(StatusCode::BAD_REQUEST, "wallet-error-repeat");
    }
    if web.app.throttles.accounts.begin(&visitor.client).is_err() {
        return again(StatusCode::TOO_MANY_REQUESTS, "error-throttled");
    }
    let Ok(passphrase) = Passphrase::new(SecretString::new(first.to_owned())) else {
        return again(StatusCode::BAD_REQUEST, "wallet-error-weak");
    };
    match role.wallets.create(&account, passphrase, web.app.now()).await {
        Ok(_) => {}
        Err(SessionError::InvalidAccount) => return again(StatusCode::BAD_REQUEST, "wallet-error-account"),
        Err(SessionError::Wallet(WalletError::Exists)) => return again(StatusCode::CONFLICT, "wallet-error-exists"),
        Err(SessionError::Wallet(WalletError::WeakPassphrase { .. })) => {
            return again(StatusCode::BAD_REQUEST, "wallet-error-weak");
        }
        Err(error) => {
            tracing::error!(%error, "creating a hosted wallet");
            return again(StatusCode::INTERNAL_SERVER_ERROR, "error-internal");
        }
    }
    let passphrase = SecretString::new(first.to_owned());
    match role.wallets.open_session(&account, passphrase).await {
        Ok((token, ttl)) => session_started(&web, &token, ttl, "/app?welcome=1"),
        Err(_) => see_other("/app/sign-in"),
    }
}

/// The way into the wallet after signing in or up: the session cookie, and on to `to`.
fn session_started(web: &Web, token: &SecretString, ttl: std::time::Duration, to: &str) -> Response {
    let mut response = see_other(to);
    let max_age = i64::try_from(ttl.as_secs()).unwrap_or(900);
    response.headers_mut().append(header::SET_COOKIE, set_cookie(web, WALLET_COOKIE, Some(token.expose()), max_age));
    response
}

async fn sign_out(State(web): State<Web>, posted: Posted) -> Response {
    if let (Ok(role), Some(token)) = (web.app.wallet(), posted.visitor.cookie(WALLET_COOKIE)) {
        if let Err(error) = role.wallets.close(token) {
            // The cookie is cleared below; the stored session still ends at its expiry.
            tracing::error!(%error, "closing a wallet session");
        }
    }
    let mut response = see_other("/app/sign-in?signed_out=1");
    response.headers_mut().append(header::SET_COOKIE, set_cookie(&web, WALLET_COOKIE, None, 0));
    response
}

// ----- passport ------------------------------------------------------------------------------------------------

/// One piece of evidence of a skill, as the passport shows it.
#[derive(Debug, Serialize)]
struct ShownEvidence {
    credential_id: String,
    credential: String,
    issuer: String,
    trusted: Option<bool>,
    strength: &'static str,
    eqf: Option<u8>,
    valid_until: Option<String>,
    in_validity: bool,
    status: &'static str,
}

/// A skill with its evidence.
#[derive(Debug, Serialize)]
struct ShownSkill {
    label: String,
    uri: String,
    in_esco: bool,
    evidence: Vec<ShownEvidence>,
}

/// A credential card.
#[derive(Debug, Serialize)]
struct Card {
    id: String,
    name: String,
    issuer: String,
    trusted: Option<bool>,
    kind: &'static str,
    valid_from: Option<String>,
    valid_until: Option<String>,
    in_validity: bool,
    status: &'static str,
    skills: usize,
}

/// `valid`, `revoked`, `suspended` or `unchecked`: the catalog's `status-…` ids.
fn status_name(status: &KnownStatus) -> &'static str {
    match status {
        KnownStatus::Valid { .. } => "valid",
        KnownStatus::Revoked { .. } => "revoked",
        KnownStatus::Suspended { .. } => "suspended",
        KnownStatus::Unchecked => "unchecked",
    }
}

/// The catalog's `strength-…` id part of an evidence strength.
fn strength_name(strength: EvidenceStrength) -> &'static str {
    match strength {
        EvidenceStrength::Formal => "formal",
        EvidenceStrength::NonFormal => "non-formal",
        EvidenceStrength::PracticeStatement => "practice-statement",
        EvidenceStrength::Informal => "informal",
        EvidenceStrength::Unstated => "unstated",
        EvidenceStrength::Hosted => "hosted",
    }
}

/// Whether this server's verifier would trust the issuer: `None` when it keeps no trust list.
fn trusted(web: &Web, issuer: &str) -> Option<bool> {
    let verifier = web.app.verifier.as_deref()?;
    verifier.verifier.policy().trust.as_ref().map(|list| list.find(issuer).is_some())
}

fn card(web: &Web, credential: &StoredCredential, lang: &str, now: DateTime<Utc>) -> Card {
    let kind = if credential.achievement_type.as_deref() == Some(crate::core::credential::MICRO_CREDENTIAL) {
        "micro"
    } else {
        "skill"
    };
    Card {
        id: credential.id.clone(),
        name: credential.display_name(lang),
        issuer: credential.issuer_name.clone().unwrap_or_else(|| credential.issuer.clone()),
        trusted: trusted(web, &credential.issuer),
        kind,
        valid_from: credential.valid_from.as_deref().map(date_only),
        valid_until: credential.valid_until.as_deref().map(date_only),
        in_validity: within_validity(credential, now),
        status: status_name(&credential.status),
        skills: credential.skills.len(),
    }
}

fn date_only(text: &str) -> String {
    text.get(..10).unwrap_or(text).to_owned()
}

/// The passport's skills: each ESCO skill with its evidence, strongest first.
fn shown_skills(web: &Web, credentials: &[StoredCredential], esco: &Esco, now: DateTime<Utc>) -> Vec<ShownSkill> {
    let by_id: std::collections::HashMap<&str, &StoredCredential> =
        credentials.iter().map(|c| (c.id.as_str(), c)).collect();
    skills_overview(credentials, esco, DEFAULT_LANG, now)
        .into_iter()
        .map(|skill| ShownSkill {
            in_esco: skill.esco_label.is_some(),
            label: skill.esco_label.unwrap_or(skill.label),
            uri: skill.id,
            evidence: skill
                .evidence
                .into_iter()
                .filter_map(|e| {
                    let credential = by_id.get(e.credential_id.as_str())?;
                    let strength = EvidenceStrength::from_parts(
                        credential.format,
                        credential.achievement_type.as_deref(),
                        e.learning_setting.as_deref(),
                    );
                    Some(ShownEvidence {
                        credential: credential.name.clone().unwrap_or_else(|| e.credential_id.clone()),
                        issuer: e.issuer_name.unwrap_or_else(|| e.issuer.clone()),
                        trusted: trusted(web, &e.issuer),
                        strength: strength_name(strength),
                        eqf: e.eqf_level,
                        valid_until: credential.valid_until.as_deref().map(date_only),
                        in_validity: e.valid,
                        status: status_name(&credential.status),
                        credential_id: e.credential_id,
                    })
                })
                .collect(),
        })
        .collect()
}

/// The passport's query: a notice the previous step left (`?welcome=1`, …), one skill to show in full, and the
/// page of the credential list.
#[derive(Debug, Deserialize)]
struct PassportQuery {
    welcome: Option<String>,
    deleted: Option<String>,
    restored: Option<String>,
    added: Option<String>,
    skill: Option<String>,
    page: Option<usize>,
}

/// Credentials per page of the passport.
pub const CARDS_PER_PAGE: usize = 24;

impl PassportQuery {
    fn notice(&self) -> Option<&'static str> {
        if self.welcome.is_some() {
            Some("wallet-notice-welcome")
        } else if self.deleted.is_some() {
            Some("wallet-notice-deleted")
        } else if self.restored.is_some() {
            Some("wallet-notice-restored")
        } else if self.added.is_some() {
            Some("wallet-notice-added")
        } else {
            None
        }
    }
}

/// The passport: one line per skill (its strongest proof, how many credentials prove it), one skill in full when
/// asked (`?skill=`), and the credentials a page at a time, so a wallet of a thousand credentials stays a light
/// page.
async fn passport(
    State(web): State<Web>,
    Holder(wallet): Holder,
    visitor: Visitor,
    Query(query): Query<PassportQuery>,
) -> Response {
    let esco = match esco(&web, &visitor) {
        Ok(esco) => esco,
        Err(page) => return page,
    };
    let now = web.app.now();
    let credentials = match wallet.list() {
        Ok(credentials) => credentials,
        Err(error) => return failed(&web, &visitor, &error),
    };
    let skills = shown_skills(&web, &credentials, &esco, now);
    let focus = query.skill.as_deref().and_then(|uri| skills.iter().find(|s| s.uri == uri));
    let listed: Vec<&StoredCredential> = match focus {
        Some(skill) => credentials.iter().filter(|c| skill.evidence.iter().any(|e| e.credential_id == c.id)).collect(),
        None => credentials.iter().collect(),
    };
    let pages = listed.len().div_ceil(CARDS_PER_PAGE).max(1);
    let page = query.page.unwrap_or(1).clamp(1, pages);
    let cards: Vec<Card> = listed
        .iter()
        .skip((page - 1) * CARDS_PER_PAGE)
        .take(CARDS_PER_PAGE)
        .map(|c| card(&web, c, visitor.lang.tag(), now))
        .collect();
    let trust_list = web.app.verifier.as_deref().is_some_and(|v| v.verifier.policy().trust.is_some());
    let summary: Vec<SkillLine> = skills.iter().map(SkillLine::of).collect();
    web.shared.pages.render(
        &visitor,
        StatusCode::OK,
        "wallet/passport.html",
        context! { section => "wallet", signed_in => true, skills => summary, focus, cards, page, pages,
        total => credentials.len(), listed => listed.len(), notice => query.notice(), trust_list,
        skill_filter => focus.map(|s| super::url_escape(&s.uri)), esco_attribution => true },
    )
}

/// A skill on one line of the passport: its strongest proof and how many credentials prove it.
#[derive(Debug, Serialize)]
struct SkillLine<'a> {
    label: &'a str,
    uri: &'a str,
    query: String,
    in_esco: bool,
    best: Option<&'a ShownEvidence>,
    more: usize,
}

impl<'a> SkillLine<'a> {
    fn of(skill: &'a ShownSkill) -> Self {
        Self {
            label: &skill.label,
            uri: &skill.uri,
            query: super::url_escape(&skill.uri),
            in_esco: skill.in_esco,
            best: skill.evidence.first(),
            more: skill.evidence.len().saturating_sub(1),
        }
    }
}

// ----- one credential ------------------------------------------------------------------------------------------

async fn credential(
    State(web): State<Web>,
    Holder(wallet): Holder,
    visitor: Visitor,
    Path(id): Path<String>,
) -> Response {
    let stored = match wallet.get_credential(&id) {
        Ok(stored) => stored,
        Err(error) => return failed(&web, &visitor, &error),
    };
    let Ok(role) = web.app.wallet() else { return see_other("/") };
    let now = web.app.now();
    let verification = role.verifier.verify_credential(&stored.token, now).await;
    let (kind, typed) = typed_claims(verification.value(), visitor.lang.tag());
    let mut report = Report::credential(&verification);
    if let Ok(esco) = web.app.esco.get() {
        report.relabel(&esco, DEFAULT_LANG);
    }
    let claims = report.document.clone().unwrap_or(Value::Null);
    let micro = stored.micro.as_ref().map(|m| serde_json::to_value(m).unwrap_or(Value::Null));
    let card = card(&web, &stored, visitor.lang.tag(), now);
    let copies = wallet.copies(&stored.id).ok().flatten().map(|set| (set.unused(), set.copies.len()));
    let report = serde_json::to_value(&report).unwrap_or(Value::Null);
    let claims = serde_json::to_string_pretty(&claims).unwrap_or_default();
    web.shared.pages.render(
        &visitor,
        StatusCode::OK,
        "wallet/credential.html",
        context! { section => "wallet", signed_in => true, card, stored, report, claims, micro, kind, typed,
        format => stored.format.to_string(), esco_attribution => true,
        copies_unused => copies.map(|c| c.0), copies_total => copies.map(|c| c.1) },
    )
}

/// Claims that are only machinery, not shown as facts.
const TECHNICAL_CLAIMS: [&str; 11] =
    ["iss", "vct", "vct#integrity", "cnf", "status", "iat", "exp", "nbf", "_sd_alg", "skills", "micro_credential"];

/// An SD-JWT VC's type (name and description) and its claims labelled by its type metadata in `lang`: how a
/// credential of a type this wallet was never taught is shown.
fn typed_claims(credential: Option<&crate::core::credential::Credential>, lang: &str) -> (Option<Value>, Vec<Value>) {
    let Some((credential, metadata)) = credential.and_then(|c| Some((c, c.type_metadata.as_deref()?))) else {
        return (None, Vec::new());
    };
    let kind = metadata.display_for(lang).map(|d| serde_json::json!({"name": d.name, "description": d.description}));
    let Some(claims) = credential.claims.as_object() else { return (kind, Vec::new()) };
    let typed = claims
        .iter()
        .filter(|(name, value)| !TECHNICAL_CLAIMS.contains(&name.as_str()) && !value.is_null())
        .map(|(name, value)| {
            let label = metadata.label(&[Value::String(name.clone())], lang).unwrap_or(name);
            let shown = value.as_str().map_or_else(|| value.to_string(), str::to_owned);
            serde_json::json!({"label": label, "value": shown})
        })
        .collect();
    (kind, typed)
}

async fn delete_page(
    State(web): State<Web>,
    Holder(wallet): Holder,
    visitor: Visitor,
    Path(id): Path<String>,
) -> Response {
    match wallet.get_credential(&id) {
        Ok(stored) => {
            let card = card(&web, &stored, visitor.lang.tag(), web.app.now());
            web.shared.pages.render(
                &visitor,
                StatusCode::OK,
                "wallet/delete.html",
                context! { section => "wallet", signed_in => true, card },
            )
        }
        Err(error) => failed(&web, &visitor, &error),
    }
}

async fn delete(State(web): State<Web>, Holder(wallet): Holder, Path(id): Path<String>, posted: Posted) -> Response {
    match wallet.delete(&id).and_then(|_| wallet.flush()) {
        Ok(()) => see_other("/app?deleted=1"),
        Err(error) => failed(&web, &posted.visitor, &error),
    }
}

// ----- receiving an offer --------------------------------------------------------------------------------------

async fn receive_page(State(web): State<Web>, _: Holder, visitor: Visitor) -> Response {
    web.shared.pages.render(
        &visitor,
        StatusCode::OK,
        "wallet/link_form.html",
        context! { section => "wallet", signed_in => true, kind => "receive", field => "offer" },
    )
}

/// The link a form gives: typed or pasted, else read from the uploaded picture of its QR code (decoding a photo
/// takes a while: on the blocking pool, not an async worker).
async fn link_of(posted: &Posted, field: &str, picture: &str) -> Result<String, (&'static str, Option<String>)> {
    if let Some(link) = posted.text(field) {
        return Ok(link.to_owned());
    }
    let Some(bytes) = posted.file(picture).map(<[u8]>::to_vec) else { return Err(("wallet-error-no-link", None)) };
    let read = tokio::task::spawn_blocking(move || crate::core::qr::read_picture(&bytes)).await;
    match read {
        Ok(Ok(link)) => Ok(link),
        Ok(Err(error)) => Err(("wallet-error-qr", Some(error.to_string()))),
        Err(error) => Err(("wallet-error-qr", Some(error.to_string()))),
    }
}

async fn read_offer(State(web): State<Web>, Holder(wallet): Holder, posted: Posted) -> Response {
    let visitor = &posted.visitor;
    let link = match link_of(&posted, "offer", "picture").await {
        Ok(link) => link,
        Err((message, detail)) => return web.fail(visitor, StatusCode::BAD_REQUEST, message, detail),
    };
    let Ok(role) = web.app.wallet() else { return see_other("/") };
    let agent = Agent::new(&wallet, &role.verifier, &role.fetcher);
    match agent.read_offer(&link).await {
        Ok(offer) => {
            let code = offer.tx_code().map(|c| context! { length => c.length, description => c.description.clone() });
            let page = web.shared.pages.render(
                visitor,
                StatusCode::OK,
                "wallet/offer.html",
                context! { section => "wallet", signed_in => true, link, issuer => offer.issuer_name(),
                offered => offer.offered(), code, sign_in => offer.needs_sign_in() },
            );
            super::issuance::offer_page(page, &offer)
        }
        Err(error) => failed(&web, visitor, &error),
    }
}

async fn accept(State(web): State<Web>, Holder(wallet): Holder, posted: Posted) -> Response {
    let visitor = &posted.visitor;
    let Some(link) = posted.text("offer") else {
        return web.fail(visitor, StatusCode::BAD_REQUEST, "wallet-error-no-link", None);
    };
    let Ok(role) = web.app.wallet() else { return see_other("/") };
    let agent = Agent::new(&wallet, &role.verifier, &role.fetcher);
    let offer = match agent.read_offer(link).await {
        Ok(offer) => offer,
        Err(error) => return failed(&web, visitor, &error),
    };
    if offer.needs_sign_in() {
        return super::issuance::begin(&web, visitor, &wallet, offer).await;
    }
    let code = posted.text("tx_code");
    if offer.tx_code().is_some() && code.is_none() {
        return web.fail(visitor, StatusCode::BAD_REQUEST, "wallet-error-code-missing", None);
    }
    match agent.accept(&offer, code, web.app.now()).await {
        Ok(accepted) => {
            let id = crate::web::url_escape(&accepted.stored.id);
            see_other(&format!("/app/credentials/{id}?added=1"))
        }
        // The issuer says the code was wrong (and how many tries are left): say so in the person's language.
        Err(WalletError::Protocol(error)) if error.code == "invalid_grant" && error.description.contains("tx_code") => {
            web.shared.pages.message(
                visitor,
                StatusCode::UNPROCESSABLE_ENTITY,
                "error-title",
                "wallet-error-code-wrong",
                Some(&error.description),
                "/app/receive",
            )
        }
        Err(error) => failed(&web, visitor, &error),
    }
}

// ----- answering a request -------------------------------------------------------------------------------------

async fn share_page(State(web): State<Web>, _: Holder, visitor: Visitor) -> Response {
    web.shared.pages.render(
        &visitor,
        StatusCode::OK,
        "wallet/link_form.html",
        context! { section => "wallet", signed_in => true, kind => "share", field => "request" },
    )
}

/// One item of the consent screen.
#[derive(Debug, Serialize)]
struct ConsentItem {
    index: usize,
    credential: String,
    issuer: String,
    optional: bool,
    disclosed: Vec<Disclosed>,
    /// `fresh`, `known`, `exhausted` or `single` (`CopyOutlook`).
    copies: &'static str,
    /// Unused copies left after this presentation.
    copies_left: usize,
}

/// One claim that would be disclosed: its path, its value, and the ESCO label when the value is an ESCO skill.
#[derive(Debug, Serialize)]
struct Disclosed {
    claim: String,
    value: String,
    skill: Option<String>,
}

fn disclosed(line: &str, esco: Option<&Esco>) -> Disclosed {
    let (claim, value) = line.split_once(" = ").unwrap_or((line, ""));
    let skill = esco.and_then(|esco| esco.skill(value).map(|s| esco.skill_label(s, DEFAULT_LANG)));
    Disclosed { claim: claim.to_owned(), value: value.to_owned(), skill }
}

async fn read_request(State(web): State<Web>, Holder(wallet): Holder, posted: Posted) -> Response {
    let visitor = &posted.visitor;
    let link = match link_of(&posted, "request", "picture").await {
        Ok(link) => link,
        Err((message, detail)) => return web.fail(visitor, StatusCode::BAD_REQUEST, message, detail),
    };
    let Ok(role) = web.app.wallet() else { return see_other("/") };
    let agent = Agent::new(&wallet, &role.verifier, &role.fetcher);
    let asked = match agent.read_request(&link, web.app.now()).await {
        Ok(asked) => asked,
        Err(error) => return failed(&web, visitor, &error),
    };
    let esco = web.app.esco.get().ok();
    let items: Vec<ConsentItem> = asked
        .plan
        .iter()
        .flatten()
        .enumerate()
        .map(|(index, planned)| ConsentItem {
            index,
            credential: planned.credential.name.clone().unwrap_or_else(|| planned.credential.id.clone()),
            issuer: planned.credential.issuer.clone(),
            optional: asked.optional(index),
            disclosed: planned.described().iter().map(|line| disclosed(line, esco.as_deref())).collect(),
            copies: planned.copies.as_str(),
            copies_left: planned.copies.left(),
        })
        .collect();
    let signed = !matches!(asked.client, crate::core::openid4vp::Client::RedirectUri(_));
    web.shared.pages.render(
        visitor,
        StatusCode::OK,
        "wallet/consent.html",
        context! { section => "wallet", signed_in => true, link, verifier_name => asked.client_name(),
        verifier_id => asked.client_identity(), signed,
        certified_by => asked.certificate.as_ref().map(|c| c.anchor.clone()),
        client_id => asked.request.client_id.clone(), satisfiable => asked.plan.is_some(), items },
    )
}

async fn answer(State(web): State<Web>, Holder(wallet): Holder, posted: Posted) -> Response {
    let visitor = &posted.visitor;
    let Some(link) = posted.text("request") else {
        return web.fail(visitor, StatusCode::BAD_REQUEST, "wallet-error-no-link", None);
    };
    let decision = match posted.text("decision") {
        Some("consent") => Decision::Consent,
        Some("decline") => Decision::Decline,
        _ => return web.fail(visitor, StatusCode::BAD_REQUEST, "wallet-error-decision", None),
    };
    let Ok(role) = web.app.wallet() else { return see_other("/") };
    let agent = Agent::new(&wallet, &role.verifier, &role.fetcher);
    let mut asked = match agent.read_request(link, web.app.now()).await {
        Ok(asked) => asked,
        Err(error) => return failed(&web, visitor, &error),
    };
    // Every optional item the screen showed has an `offered` field; the holder's ticks come back as `include`.
    let offered: Vec<usize> = posted.all("offered").iter().filter_map(|i| i.parse().ok()).collect();
    let included: Vec<usize> = posted.all("include").iter().filter_map(|i| i.parse().ok()).collect();
    let left_out: Vec<usize> = offered.into_iter().filter(|i| !included.contains(i)).collect();
    let mut decision = decision;
    if decision == Decision::Consent && !left_out.is_empty() {
        if let Err(error) = asked.leave_out(&left_out) {
            return failed(&web, visitor, &error);
        }
        if asked.plan.is_none() {
            // Every item was optional and the holder unticked them all: that is declining.
            decision = Decision::Decline;
        }
    }
    match agent.answer(&asked, decision, web.app.now()).await {
        Ok(answered) => {
            let (outcome, redirect) = match answered {
                Answered::Sent(sent) => ("sent", sent.redirect_uri),
                Answered::Declined => ("declined", None),
                Answered::NothingMatched => ("nothing-matched", None),
            };
            let redirect = redirect.filter(|r| r.starts_with("https://") || r.starts_with("http://"));
            web.shared.pages.render(
                visitor,
                StatusCode::OK,
                "wallet/shared.html",
                context! { section => "wallet", signed_in => true, outcome,
                verifier => asked.client_name().map_or_else(|| asked.client_identity(), str::to_owned), redirect },
            )
        }
        Err(error) => failed(&web, visitor, &error),
    }
}

// ----- the private skills gap ----------------------------------------------------------------------------------

async fn match_page(State(web): State<Web>, _: Holder, visitor: Visitor) -> Response {
    web.shared.pages.render(
        &visitor,
        StatusCode::OK,
        "wallet/match.html",
        context! { section => "wallet", signed_in => true, esco_attribution => true },
    )
}

/// The profile a form gives: an uploaded or pasted profile (TOML or JSON), else an ESCO occupation.
///
/// # Errors
/// The message id and detail to show.
pub fn profile_of(posted: &Posted, esco: &Esco) -> Result<VacancyProfile, (&'static str, Option<String>)> {
    let text = match posted.file("profile_file") {
        Some(bytes) => Some(String::from_utf8_lossy(bytes).into_owned()),
        None => posted.text("profile").map(str::to_owned),
    };
    if let Some(text) = text {
        return VacancyProfile::parse(&text, esco).map_err(|e| ("profile-error-invalid", Some(e.to_string())));
    }
    let Some(occupation) = posted.text("occupation") else { return Err(("profile-error-none", None)) };
    let id = esco
        .resolve_occupation(occupation, DEFAULT_LANG)
        .map_err(|e| ("profile-error-occupation", Some(e.to_string())))?;
    Ok(VacancyProfile::from_occupation(esco, id, DEFAULT_LANG))
}

async fn match_profile(State(web): State<Web>, Holder(wallet): Holder, posted: Posted) -> Response {
    let visitor = &posted.visitor;
    let esco = match esco(&web, visitor) {
        Ok(esco) => esco,
        Err(page) => return page,
    };
    let profile = match profile_of(&posted, &esco) {
        Ok(profile) => profile,
        Err((message, detail)) => {
            return web.shared.pages.render(
                visitor,
                StatusCode::UNPROCESSABLE_ENTITY,
                "wallet/match.html",
                context! { section => "wallet", signed_in => true, esco_attribution => true, error_id => message,
                detail, occupation => posted.text("occupation"), profile => posted.text("profile") },
            );
        }
    };
    match wallet.match_profile(&profile, &esco, DEFAULT_LANG, web.app.now()) {
        Ok(report) => web.shared.pages.render(
            visitor,
            StatusCode::OK,
            "wallet/match.html",
            context! { section => "wallet", signed_in => true, esco_attribution => true,
            gap => serde_json::to_value(&report).unwrap_or(Value::Null), occupation => posted.text("occupation") },
        ),
        Err(error) => failed(&web, visitor, &error),
    }
}

// ----- history, backup -----------------------------------------------------------------------------------------

async fn history(State(web): State<Web>, Holder(wallet): Holder, visitor: Visitor) -> Response {
    match wallet.history() {
        Ok(entries) => web.shared.pages.render(
            &visitor,
            StatusCode::OK,
            "wallet/history.html",
            context! { section => "wallet", signed_in => true, entries },
        ),
        Err(error) => failed(&web, &visitor, &error),
    }
}

async fn backup_page(State(web): State<Web>, _: Holder, visitor: Visitor) -> Response {
    web.shared.pages.render(
        &visitor,
        StatusCode::OK,
        "wallet/backup.html",
        context! { section => "wallet", signed_in => true },
    )
}

async fn export(State(web): State<Web>, Holder(wallet): Holder, posted: Posted) -> Response {
    let visitor = &posted.visitor;
    let Ok(role) = web.app.wallet() else { return see_other("/") };
    let passphrase = match Passphrase::new(SecretString::new(posted.raw("passphrase").unwrap_or_default().to_owned())) {
        Ok(passphrase) => passphrase,
        Err(error) => return failed(&web, visitor, &error),
    };
    match role.wallets.export(wallet, passphrase, web.app.now()).await {
        Ok(file) => {
            let mut response = file.into_response();
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/octet-stream"));
            headers.insert(
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"skillspass-wallet.export\""),
            );
            response
        }
        Err(error) => failed(&web, visitor, &error),
    }
}

async fn restore(State(web): State<Web>, Holder(wallet): Holder, posted: Posted) -> Response {
    let visitor = &posted.visitor;
    let Ok(role) = web.app.wallet() else { return see_other("/") };
    let Some(file) = posted.file("file") else {
        return web.fail(visitor, StatusCode::BAD_REQUEST, "wallet-error-no-file", None);
    };
    let passphrase = match Passphrase::new(SecretString::new(posted.raw("passphrase").unwrap_or_default().to_owned())) {
        Ok(passphrase) => passphrase,
        Err(error) => return failed(&web, visitor, &error),
    };
    let merge = posted.text("merge").is_some();
    match role.wallets.restore(wallet, file.to_vec(), passphrase, merge).await {
        Ok(_) => see_other("/app?restored=1"),
        Err(error) => failed(&web, visitor, &error),
    }
}
