//! Presenting an SD-JWT VC from the wallet: only the disclosures the holder chose (by skill URI or claim name),
//! with a Key Binding JWT for the verifier's nonce and audience (RFC 9901 section 4.3), signed by the wallet key
//! in `cnf`. A disclosure that was not chosen is never sent.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{Wallet, WalletError};
use crate::core::sd_jwt::{Decoded, Disclosure, Issued, key_binding};

/// What can be disclosed from one stored SD-JWT VC: `skill <uri> <label>` or `claim <name>` lines.
#[must_use]
pub fn disclosable(token: &str) -> Vec<String> {
    Decoded::parse(token).map(|d| d.disclosures.iter().map(describe).collect()).unwrap_or_default()
}

fn describe(disclosure: &Disclosure) -> String {
    match (disclosure.name(), disclosure.value().get("id").and_then(Value::as_str)) {
        (Some(name), _) => format!("claim {name}"),
        (None, Some(id)) => {
            format!("skill {id} {}", disclosure.value().get("label").and_then(Value::as_str).unwrap_or(""))
        }
        (None, None) => "element".into(),
    }
}

fn chosen_by(disclosure: &Disclosure, item: &str) -> bool {
    disclosure.name() == Some(item) || disclosure.value().get("id").and_then(Value::as_str) == Some(item)
}

impl Wallet {
    /// Presents a stored SD-JWT VC disclosing only `disclose` (skill URIs or claim names), bound to `nonce` and
    /// `aud`: `<issuer-jwt>~<chosen disclosures>~<kb-jwt>`.
    ///
    /// # Errors
    /// [`WalletError::Presentation`] when an item matches no disclosure, or the `cnf` key is not in this wallet.
    pub fn present_selectively(
        &self,
        id: &str,
        disclose: &[String],
        nonce: &str,
        aud: &str,
        now: DateTime<Utc>,
    ) -> Result<String, WalletError> {
        let stored = self.get_credential(id)?;
        let decoded = Decoded::parse(&stored.token).map_err(|e| WalletError::Presentation(e.to_string()))?;
        if let Some(item) = disclose.iter().find(|item| !decoded.disclosures.iter().any(|d| chosen_by(d, item))) {
            return Err(WalletError::Presentation(format!("{item:?} is not a disclosable skill or claim of {id}")));
        }
        let chosen: Vec<&Disclosure> =
            decoded.disclosures.iter().filter(|d| disclose.iter().any(|item| chosen_by(d, item))).collect();
        let holder =
            stored.subject.ok_or_else(|| WalletError::Presentation(format!("{id} has no holder key (cnf)")))?;
        let key = self.signing_key(&holder)?;
        let presented = Issued { jwt: decoded.jwt, disclosures: Vec::new() }.present(chosen);
        let kb = key_binding::create(&key, &presented, aud, nonce, now)
            .map_err(|e| WalletError::Presentation(e.to_string()))?;
        Ok(format!("{presented}{kb}"))
    }
}
