//! Choosing ESCO skills in a form without script: the chosen skills travel as hidden `skill` fields; the search
//! field with its "Add" button adds the skill whose label (or URI) was typed, or, when the words fit several,
//! lists the best matches as buttons to pick from; a "Remove" button beside each chosen skill drops it. The
//! pages' script only adds suggestions while typing (`/esco/skills?q=`).

use serde::Serialize;

use super::form::Posted;
use crate::core::esco::{DEFAULT_LANG, Esco, Pillar};

/// A chosen skill.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Chosen {
    /// Its ESCO URI.
    pub uri: String,
    /// Its ESCO label.
    pub label: String,
}

/// The skills of a form after its button was handled.
#[derive(Debug, Default, Serialize)]
pub struct Picked {
    /// The chosen skills.
    pub skills: Vec<Chosen>,
    /// Matches to choose from, when the typed words fit several skills.
    pub choices: Vec<Chosen>,
    /// A message id, when the typed words fit no skill.
    pub message: Option<&'static str>,
    /// What was typed, to show again when nothing was added.
    pub typed: Option<String>,
}

fn chosen(esco: &Esco, uri: &str) -> Option<Chosen> {
    let skill = esco.skill(uri)?;
    Some(Chosen { uri: esco.skill_uri(skill), label: esco.skill_label(skill, DEFAULT_LANG) })
}

/// The form's chosen skills, with its `add_skill`, `add_uri` or `remove_skill` button handled.
#[must_use]
pub fn pick(posted: &Posted, esco: &Esco) -> Picked {
    let mut picked = Picked::default();
    let remove = posted.text("remove_skill");
    for uri in posted.all("skill") {
        if Some(uri) != remove && !picked.skills.iter().any(|s| s.uri == uri) {
            picked.skills.extend(chosen(esco, uri));
        }
    }
    let add = |skill: Chosen, picked: &mut Picked| {
        if !picked.skills.contains(&skill) {
            picked.skills.push(skill);
        }
    };
    if let Some(uri) = posted.text("add_uri") {
        if let Some(skill) = chosen(esco, uri) {
            add(skill, &mut picked);
        }
        return picked;
    }
    if posted.text("action") != Some("add_skill") {
        return picked;
    }
    let Some(typed) = posted.text("skill_search") else {
        picked.message = Some("picker-type-something");
        return picked;
    };
    if let Some(skill) = chosen(esco, typed) {
        add(skill, &mut picked);
        return picked;
    }
    let hits = esco.search_view(Pillar::Skills, typed, DEFAULT_LANG, 8);
    match hits.iter().find(|h| h.label.eq_ignore_ascii_case(typed) || h.matched.eq_ignore_ascii_case(typed)) {
        Some(hit) => add(Chosen { uri: hit.uri.clone(), label: hit.label.clone() }, &mut picked),
        None if hits.is_empty() => {
            picked.message = Some("picker-no-match");
            picked.typed = Some(typed.to_owned());
        }
        None => {
            picked.choices = hits.into_iter().map(|h| Chosen { uri: h.uri, label: h.label }).collect();
            picked.typed = Some(typed.to_owned());
        }
    }
    picked
}
