//! Rendering a page: the compiled-in templates (`src/web/templates/`, minijinja, HTML auto-escaped), the `t()`
//! function that reads the visitor's catalog, and the frame every page shares (language switch, navigation, the
//! CSRF token for its forms, a message, the ESCO attribution where ESCO data is shown).

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use minijinja::value::{Kwargs, Value};
use minijinja::{Environment, State};
use serde::Serialize;

use super::browser::Visitor;
use super::i18n::{self, Lang};

/// The templates, by name.
pub const TEMPLATES: [(&str, &str); 26] = [
    ("base.html", include_str!("templates/base.html")),
    ("home.html", include_str!("templates/home.html")),
    ("message.html", include_str!("templates/message.html")),
    ("report.html", include_str!("templates/report.html")),
    ("gap.html", include_str!("templates/gap.html")),
    ("picker.html", include_str!("templates/picker.html")),
    ("sign_in.html", include_str!("templates/sign_in.html")),
    ("learner/sign_in.html", include_str!("templates/learner/sign_in.html")),
    ("wallet/signed_in.html", include_str!("templates/wallet/signed_in.html")),
    ("wallet/sign_up.html", include_str!("templates/wallet/sign_up.html")),
    ("wallet/passport.html", include_str!("templates/wallet/passport.html")),
    ("wallet/credential.html", include_str!("templates/wallet/credential.html")),
    ("wallet/delete.html", include_str!("templates/wallet/delete.html")),
    ("wallet/link_form.html", include_str!("templates/wallet/link_form.html")),
    ("wallet/offer.html", include_str!("templates/wallet/offer.html")),
    ("wallet/consent.html", include_str!("templates/wallet/consent.html")),
    ("wallet/shared.html", include_str!("templates/wallet/shared.html")),
    ("wallet/match.html", include_str!("templates/wallet/match.html")),
    ("wallet/history.html", include_str!("templates/wallet/history.html")),
    ("wallet/backup.html", include_str!("templates/wallet/backup.html")),
    ("provider/credentials.html", include_str!("templates/provider/credentials.html")),
    ("provider/offer_form.html", include_str!("templates/provider/offer_form.html")),
    ("provider/offer.html", include_str!("templates/provider/offer.html")),
    ("provider/confirm.html", include_str!("templates/provider/confirm.html")),
    ("employer/request_form.html", include_str!("templates/employer/request_form.html")),
    ("employer/request.html", include_str!("templates/employer/request.html")),
];

/// The template environment.
pub struct Pages {
    env: Environment<'static>,
    consoles: Consoles,
}

/// The consoles this server serves (the navigation links only to them).
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Consoles {
    /// The worker's wallet.
    pub wallet: bool,
    /// The provider's console (issuer role).
    pub provider: bool,
    /// The employer's console (verifier role).
    pub employer: bool,
}

impl std::fmt::Debug for Pages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pages")
    }
}

/// `t("id", name=value, …)`: the message in the page's language.
#[expect(clippy::needless_pass_by_value, reason = "minijinja hands keyword arguments over by value")]
fn translate(state: &State<'_, '_>, id: &str, kwargs: Kwargs) -> Result<String, minijinja::Error> {
    let lang = state.lookup("lang").and_then(|v| v.as_str().and_then(Lang::from_tag)).unwrap_or(Lang::En);
    let mut args = Vec::new();
    let mut fallback = None;
    for name in kwargs.args() {
        let value: Value = kwargs.get(name)?;
        let text = if value.is_undefined() || value.is_none() { String::new() } else { value.to_string() };
        if name == "fallback" {
            fallback = Some(text);
        } else {
            args.push((name, text));
        }
    }
    Ok(match fallback {
        Some(fallback) => i18n::lookup(lang, id, &args).unwrap_or(fallback),
        None => i18n::text(lang, id, &args),
    })
}

impl Pages {
    /// The environment with every template compiled.
    ///
    /// # Panics
    /// Never at run time: a template that does not compile fails the tests (`every_template_compiles`).
    #[must_use]
    pub fn new(consoles: Consoles) -> Self {
        let mut env = Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Lenient);
        env.add_function("t", translate);
        for (name, source) in TEMPLATES {
            if let Err(error) = env.add_template(name, source) {
                tracing::error!(%error, template = name, "a page template does not compile");
            }
        }
        Self { env, consoles }
    }

    /// Renders `template` for `visitor` with the page's own `values` (a serializable struct or `context!`).
    #[must_use]
    pub fn render(&self, visitor: &Visitor, status: StatusCode, template: &str, values: impl Serialize) -> Response {
        let frame = minijinja::context! {
            lang => visitor.lang.tag(),
            csrf => visitor.csrf.as_str(),
            path => visitor.path.as_str(),
            here => visitor.here.as_str(),
            consoles => self.consoles,
            languages => Lang::ALL.iter().map(|l| minijinja::context!{tag => l.tag(), name => l.own_name(),
                current => *l == visitor.lang}).collect::<Vec<_>>(),
        };
        let context = minijinja::context! { ..Value::from_serialize(&values), ..frame };
        match self.env.get_template(template).and_then(|t| t.render(context)) {
            Ok(html) => (status, Html(html)).into_response(),
            Err(error) => {
                tracing::error!(%error, template, "rendering a page");
                (StatusCode::INTERNAL_SERVER_ERROR, Html(i18n::text(visitor.lang, "error-internal", &[])))
                    .into_response()
            }
        }
    }

    /// A page that only says something: `title` and `message` are message ids, `detail` is shown as is (the
    /// lower layers' English explanation, when there is one).
    #[must_use]
    pub fn message(
        &self,
        visitor: &Visitor,
        status: StatusCode,
        title: &str,
        message: &str,
        detail: Option<&str>,
        back: &str,
    ) -> Response {
        self.render(
            visitor,
            status,
            "message.html",
            minijinja::context! { title_id => title, message_id => message, detail, back, section => section(back),
            error => status.is_client_error() || status.is_server_error() },
        )
    }
}

/// The console a path belongs to (for the navigation).
#[must_use]
pub fn section(path: &str) -> &'static str {
    if path.starts_with("/app") {
        "wallet"
    } else if path.starts_with("/provider") {
        "provider"
    } else if path.starts_with("/employer") {
        "employer"
    } else {
        "home"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_compiles() {
        let mut env = Environment::new();
        env.add_function("t", translate);
        for (name, source) in TEMPLATES {
            env.add_template(name, source).unwrap_or_else(|e| panic!("{name}: {e:#}"));
        }
        for (name, _) in TEMPLATES {
            env.get_template(name).unwrap();
        }
    }
}
