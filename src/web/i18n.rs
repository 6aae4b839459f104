//! The pages' languages: Dutch and English message catalogs in Fluent (`src/web/i18n/*.ftl`, compiled in), and the
//! choice of language for a visitor: the `lang` cookie the switch sets, else the browser's `Accept-Language`
//! (RFC 9110 section 12.5.4, quality values honoured), else English.
//!
//! Every text a page shows comes from a catalog; code names messages by id. A message missing from a catalog is
//! a test failure (`every_message_is_in_both_catalogs`), and at run time falls back to English, then to its id.

use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

/// A language the pages are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// English.
    En,
    /// Dutch.
    Nl,
}

impl Lang {
    /// Every language, in the order the switch lists them.
    pub const ALL: [Self; 2] = [Self::Nl, Self::En];

    /// The BCP 47 tag.
    #[must_use]
    pub fn tag(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Nl => "nl",
        }
    }

    /// The language's own name, as the switch shows it.
    #[must_use]
    pub fn own_name(self) -> &'static str {
        match self {
            Self::En => "English",
            Self::Nl => "Nederlands",
        }
    }

    /// The language of a tag (`nl`, `nl-BE`, `en-GB`), if the pages have it.
    #[must_use]
    pub fn from_tag(tag: &str) -> Option<Self> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Self::En),
            "nl" => Some(Self::Nl),
            _ => None,
        }
    }

    /// The best language for an `Accept-Language` header: the highest quality tag the pages have.
    #[must_use]
    pub fn negotiate(accept_language: &str) -> Self {
        let mut best: Option<(u16, Self)> = None;
        for item in accept_language.split(',') {
            let mut parts = item.split(';');
            let Some(lang) = parts.next().and_then(Self::from_tag) else { continue };
            let quality = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "clamped to 0..=1000 first")]
            let quality = (quality.clamp(0.0, 1.0) * 1000.0).round() as u16;
            if quality > 0 && best.is_none_or(|(q, _)| quality > q) {
                best = Some((quality, lang));
            }
        }
        best.map_or(Self::En, |(_, lang)| lang)
    }
}

struct Catalogs {
    en: FluentBundle<FluentResource>,
    nl: FluentBundle<FluentResource>,
}

fn bundle(tag: &str, source: &str) -> FluentBundle<FluentResource> {
    let id: LanguageIdentifier = tag.parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // The pages are HTML: no Unicode isolation marks around placeables.
    bundle.set_use_isolating(false);
    // A syntax error in a compiled-in catalog is caught by the tests; the entries that parsed are still used.
    let resource = FluentResource::try_new(source.to_owned()).unwrap_or_else(|(partial, _)| partial);
    let _ = bundle.add_resource(resource);
    bundle
}

fn catalogs() -> &'static Catalogs {
    static CATALOGS: OnceLock<Catalogs> = OnceLock::new();
    CATALOGS.get_or_init(|| Catalogs { en: bundle("en", EN), nl: bundle("nl", NL) })
}

/// The English catalog's source.
pub const EN: &str = include_str!("i18n/en.ftl");
/// The Dutch catalog's source.
pub const NL: &str = include_str!("i18n/nl.ftl");

/// The text of message `id` in `lang` with `args`; English when the language lacks it, the id when both do.
#[must_use]
pub fn text(lang: Lang, id: &str, args: &[(&str, String)]) -> String {
    lookup(lang, id, args).unwrap_or_else(|| id.to_owned())
}

/// The text of message `id` in `lang` (else English) with `args`, if a catalog has it.
#[must_use]
pub fn lookup(lang: Lang, id: &str, args: &[(&str, String)]) -> Option<String> {
    let catalogs = catalogs();
    let primary = match lang {
        Lang::En => &catalogs.en,
        Lang::Nl => &catalogs.nl,
    };
    for bundle in [primary, &catalogs.en] {
        if let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) {
            let mut fluent_args = FluentArgs::new();
            for (name, value) in args {
                // Numbers stay numbers, so plural selectors (`[one]`) work.
                let value = value.parse::<i64>().map_or_else(|_| FluentValue::from(value.clone()), FluentValue::from);
                fluent_args.set(*name, value);
            }
            let mut errors = Vec::new();
            return Some(bundle.format_pattern(pattern, Some(&fluent_args), &mut errors).into_owned());
        }
    }
    None
}

/// The message ids of a catalog's source.
#[must_use]
pub fn ids(source: &str) -> Vec<String> {
    let resource = FluentResource::try_new(source.to_owned()).unwrap_or_else(|(partial, _)| partial);
    resource
        .entries()
        .filter_map(|entry| match entry {
            fluent_syntax::ast::Entry::Message(message) => Some(message.id.name.to_owned()),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_is_in_both_catalogs() {
        for source in [EN, NL] {
            assert!(FluentResource::try_new(source.to_owned()).is_ok(), "a catalog does not parse");
        }
        let (mut en, mut nl) = (ids(EN), ids(NL));
        en.sort();
        nl.sort();
        let only_en: Vec<_> = en.iter().filter(|id| !nl.contains(id)).collect();
        let only_nl: Vec<_> = nl.iter().filter(|id| !en.contains(id)).collect();
        assert!(only_en.is_empty() && only_nl.is_empty(), "only English: {only_en:?}; only Dutch: {only_nl:?}");
    }

    /// The message ids in `source`: `t("…")` calls of the templates, and in the code the string literals of the
    /// families that name messages.
    fn named(source: &str, code: bool) -> Vec<String> {
        let mut found = Vec::new();
        let mut rest = source;
        while let Some(at) = rest.find('"') {
            let before = rest[..at].chars().last();
            let after = &rest[at + 1..];
            let Some(end) = after.find('"') else { break };
            let literal = &after[..end];
            let template_call = !code && rest[..at].ends_with("t(") && !rest[..at].ends_with("_t(");
            let families = [
                "error-",
                "wallet-error-",
                "wallet-notice-",
                "console-",
                "provider-error-",
                "employer-error-",
                "profile-error-",
                "picker-",
                "session-",
            ];
            let code_id = code && before != Some('\\') && families.iter().any(|f| literal.starts_with(f));
            if (template_call || code_id) && !literal.ends_with('-') && !literal.contains(' ') {
                found.push(literal.to_owned());
            }
            rest = &after[end + 1..];
        }
        found
    }

    #[test]
    fn every_message_a_template_or_the_code_names_exists() {
        let en = ids(EN);
        let mut names: Vec<String> =
            super::super::page::TEMPLATES.iter().flat_map(|(_, template)| named(template, false)).collect();
        for file in ["mod.rs", "wallet.rs", "provider.rs", "employer.rs", "console.rs", "form.rs", "picker.rs"] {
            let source = std::fs::read_to_string(format!("{}/src/web/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap();
            names.extend(named(&source, true));
        }
        // The ids templates compose (`t("strength-" ~ e.strength)`), with every value they can take.
        let families: [(&[&str], &[&str]); 9] = [
            (&["strength-"], &["formal", "non-formal", "informal", "practice-statement", "unstated", "hosted"]),
            (&["status-"], &["valid", "revoked", "suspended", "unchecked"]),
            (&["kind-"], &["skill", "micro"]),
            (&["state-"], &["pending", "request_fetched", "checking", "verified", "failed", "declined"]),
            (&["shared-title-", "shared-", "history-"], &["sent", "declined", "nothing-matched"]),
            (&["action-", "confirm-", "confirm-button-"], &["suspend", "revoke", "reinstate"]),
            (&["outcome-"], &["proven", "proven-narrower", "missing"]),
            (&["participation-"], &["online", "onsite", "blended"]),
            (&["receive-", "share-"], &["title", "lead", "link", "link-help", "read"]),
        ];
        for (prefixes, values) in families {
            for prefix in prefixes {
                names.extend(values.iter().map(|v| format!("{prefix}{v}")));
            }
        }
        assert!(names.len() > 200, "the scan finds the messages: {}", names.len());
        let mut missing: Vec<String> = names.into_iter().filter(|id| !en.contains(id)).collect();
        missing.sort();
        missing.dedup();
        assert!(missing.is_empty(), "messages named but not in the catalogs: {missing:?}");
    }

    #[test]
    fn accept_language_picks_the_best_language_the_pages_have() {
        assert_eq!(Lang::negotiate("nl-NL,nl;q=0.9,en;q=0.8"), Lang::Nl);
        assert_eq!(Lang::negotiate("de-DE,en;q=0.5,nl;q=0.7"), Lang::Nl);
        assert_eq!(Lang::negotiate("fr, de"), Lang::En);
        assert_eq!(Lang::negotiate("nl;q=0, en;q=0.1"), Lang::En);
        assert_eq!(Lang::negotiate(""), Lang::En);
        assert_eq!(text(Lang::Nl, "no-such-message", &[]), "no-such-message");
        assert_eq!(text(Lang::Nl, "skills-count", &[("count", "1".into())]), "1 vaardigheid");
        assert_eq!(text(Lang::En, "skills-count", &[("count", "3".into())]), "3 skills");
    }
}
