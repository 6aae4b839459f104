//! ESCO look-ups over HTTP (`/esco/...`), served by every role: search skills and occupations by label, and show
//! one by its UUID (the last segment of its ESCO URI). Answers carry the ESCO attribution.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{AppState, HttpProblem};
use crate::core::esco::{ATTRIBUTION, DEFAULT_LANG, Esco, Pillar};

/// Most hits one search answers.
const MAX_LIMIT: usize = 100;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/esco/skills", get(search_skills))
        .route("/esco/skills/{uuid}", get(skill))
        .route("/esco/occupations", get(search_occupations))
        .route("/esco/occupations/{uuid}", get(occupation))
}

/// `?q=&lang=&limit=` of the searches.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// The words to look for (preferred and alternative labels; one typo per word is forgiven).
    #[param(min_length = 1, pattern = r"\S")]
    q: String,
    /// Label language (`nl` after an import); falls back to English.
    #[serde(default)]
    lang: Option<String>,
    /// How many hits (default 10, at most 100).
    #[serde(default)]
    #[param(minimum = 0, maximum = 100)]
    limit: Option<usize>,
}

/// `?lang=` of the look-ups.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LangQuery {
    /// Label language; falls back to English.
    #[serde(default)]
    lang: Option<String>,
}

fn esco(state: &AppState) -> Result<std::sync::Arc<Esco>, HttpProblem> {
    state.esco.get().map_err(|e| HttpProblem::internal(&e))
}

fn search(state: &AppState, pillar: Pillar, query: &Query<SearchQuery>) -> Result<Json<Value>, HttpProblem> {
    if query.q.trim().is_empty() {
        return Err(HttpProblem::InvalidRequest(Some("q is empty: give the words to look for".into())));
    }
    if query.limit.is_some_and(|l| l > MAX_LIMIT) {
        return Err(HttpProblem::InvalidRequest(Some(format!("limit is at most {MAX_LIMIT}"))));
    }
    let esco = esco(state)?;
    let lang = query.lang.as_deref().unwrap_or(DEFAULT_LANG);
    let hits = esco.search_view(pillar, &query.q, lang, query.limit.unwrap_or(10));
    Ok(Json(json!({"hits": hits, "esco": esco.version(), "attribution": ATTRIBUTION})))
}

/// Searches ESCO skills.
///
/// # Errors
/// `invalid-request` for an empty `q`.
#[utoipa::path(get, path = "/esco/skills", tag = "ESCO", params(SearchQuery),
    responses((status = 200, description = "`{hits: [{uri, label, matched, match}], esco, attribution}`, best first", content_type = "application/json"),
        (status = 400, description = "invalid-request: an empty q, a limit over 100")))]
pub async fn search_skills(
    State(state): State<AppState>,
    query: Result<Query<SearchQuery>, QueryRejection>,
) -> Result<Json<Value>, HttpProblem> {
    search(&state, Pillar::Skills, &query?)
}

/// Searches ESCO occupations.
///
/// # Errors
/// `invalid-request` for an empty `q`.
#[utoipa::path(get, path = "/esco/occupations", tag = "ESCO", params(SearchQuery),
    responses((status = 200, description = "`{hits: [...], esco, attribution}`, best first", content_type = "application/json"),
        (status = 400, description = "invalid-request: an empty q, a limit over 100")))]
pub async fn search_occupations(
    State(state): State<AppState>,
    query: Result<Query<SearchQuery>, QueryRejection>,
) -> Result<Json<Value>, HttpProblem> {
    search(&state, Pillar::Occupations, &query?)
}

/// One ESCO skill: labels, description, type, broader and narrower skills, the occupations that need it.
///
/// # Errors
/// `unknown-esco-concept`.
#[utoipa::path(get, path = "/esco/skills/{uuid}", tag = "ESCO", params(("uuid" = String, Path, description = "the UUID of the skill's ESCO URI"), LangQuery),
    responses((status = 200, description = "the skill", content_type = "application/json"),
        (status = 404, description = "unknown-esco-concept")))]
pub async fn skill(
    State(state): State<AppState>,
    Path(uuid): Path<String>,
    query: Result<Query<LangQuery>, QueryRejection>,
) -> Result<Json<Value>, HttpProblem> {
    look_up(&state, &uuid, query, "skill", |esco, uuid, lang| {
        esco.skill_by_uuid(uuid).map(|skill| serde_json::to_value(esco.skill_view(skill, lang)))
    })
}

/// One ESCO occupation with its essential and optional skills.
///
/// # Errors
/// `unknown-esco-concept`.
#[utoipa::path(get, path = "/esco/occupations/{uuid}", tag = "ESCO", params(("uuid" = String, Path, description = "the UUID of the occupation's ESCO URI"), LangQuery),
    responses((status = 200, description = "the occupation", content_type = "application/json"),
        (status = 404, description = "unknown-esco-concept")))]
pub async fn occupation(
    State(state): State<AppState>,
    Path(uuid): Path<String>,
    query: Result<Query<LangQuery>, QueryRejection>,
) -> Result<Json<Value>, HttpProblem> {
    look_up(&state, &uuid, query, "occupation", |esco, uuid, lang| {
        esco.occupation_by_uuid(uuid).map(|occupation| serde_json::to_value(esco.occupation_view(occupation, lang)))
    })
}

/// A concept by UUID in the asked language, with the attribution, or `unknown-esco-concept`.
fn look_up(
    state: &AppState,
    uuid: &str,
    query: Result<Query<LangQuery>, QueryRejection>,
    what: &str,
    view: impl Fn(&Esco, &str, &str) -> Option<serde_json::Result<Value>>,
) -> Result<Json<Value>, HttpProblem> {
    let Query(query) = query?;
    let esco = esco(state)?;
    let lang = query.lang.as_deref().unwrap_or(DEFAULT_LANG);
    let found = view(&esco, uuid, lang).ok_or_else(|| unknown(uuid, what))?;
    let mut found = found.map_err(|e| HttpProblem::internal(&e))?;
    found["attribution"] = json!(ATTRIBUTION);
    Ok(Json(found))
}

fn unknown(uuid: &str, what: &str) -> HttpProblem {
    HttpProblem::UnknownEscoConcept(Some(format!("{uuid:?} is not the UUID of an ESCO {what}")))
}
