//! Presenting an SD-JWT VC from the wallet: only the disclosures the holder chose (by skill URI or claim name),
//! with a Key Binding JWT for the verifier's nonce and audience (RFC 9901 section 4.3), signed by the wallet key
//! in `cnf`. A disclosure that was not chosen is never sent.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{Wallet, WalletError};
use crate::core::format::Format;
use crate::core::jose::CompactJws;
use crate::core::sd_jwt::reveal::reveal;
use crate::core::sd_jwt::{Decoded, Disclosure, Issued, key_binding};

/// A stored SD-JWT VC with everything it could disclose, for matching a DCQL query.
#[derive(Debug, Clone)]
pub struct Disclosable {
    /// The credential's id in the wallet.
    pub id: String,
    /// Its display name.
    pub name: Option<String>,
    /// Its issuer.
    pub issuer: String,
    /// `vct`.
    pub vct: String,
    /// The claims with every disclosure applied (the same in every copy of the credential).
    pub claims: Value,
}

impl Disclosable {
    /// Whether a disclosure at `location` is needed for the selected `paths`: it leads to a selected claim, or sits
    /// inside one.
    fn needed(location: &[Value], paths: &[Vec<Value>]) -> bool {
        paths.iter().any(|path| path.starts_with(location) || location.starts_with(path))
    }
}

/// Whom a presentation is for: the `aud` its Key Binding JWT names (the request's client id), and the verifier as
/// the wallet recognises it across requests (which copy of the credential it gets).
#[derive(Debug, Clone, Copy)]
pub struct Audience<'a> {
    /// The Key Binding JWT's `aud`.
    pub aud: &'a str,
    /// The verifier's lasting identity ([`super::openid4vp::Request::verifier`]).
    pub verifier: &'a str,
}

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
    /// Every stored SD-JWT VC whose `vct` is one of `vcts` (all when `None`), fully revealed (the wallet verified
    /// each on import). Only those are decrypted and processed.
    ///
    /// # Errors
    /// Storage or decryption failures.
    pub fn disclosable_credentials(&self, vcts: Option<&[&str]>) -> Result<Vec<Disclosable>, WalletError> {
        let mut wanted = Vec::new();
        for key in self.keys_of_kind(Format::SdJwtVc, vcts)? {
            wanted.extend(self.stored_with_token(&key)?);
        }
        super::sort_as_listed(&mut wanted);
        let mut found = Vec::new();
        for stored in wanted {
            let corrupt = |e: &dyn std::fmt::Display| WalletError::Corrupt(format!("{}: {e}", stored.id));
            let decoded = Decoded::parse(&stored.token).map_err(|e| corrupt(&e))?;
            let payload = CompactJws::parse(&decoded.jwt).and_then(|j| j.claims()).map_err(|e| corrupt(&e))?;
            let revealed = reveal(&payload, &decoded.disclosures).map_err(|e| corrupt(&e))?;
            let vct = revealed.claims.get("vct").and_then(Value::as_str).unwrap_or_default().to_owned();
            found.push(Disclosable {
                id: stored.id,
                name: stored.name,
                issuer: stored.issuer_name.unwrap_or(stored.issuer),
                vct,
                claims: revealed.claims,
            });
        }
        Ok(found)
    }

    /// Presents `credential` disclosing exactly what the concrete claim `paths` need (nothing when empty), bound to
    /// `nonce` and the audience's `aud`, from the copy the audience's verifier gets ([`super::copies`]). Returns the SD-JWT+KB and a description of each disclosure sent.
    ///
    /// # Errors
    /// [`WalletError::Presentation`] when the `cnf` key is not in this wallet.
    pub fn present_claims(
        &self,
        credential: &Disclosable,
        paths: &[Vec<Value>],
        nonce: &str,
        audience: Audience<'_>,
        now: DateTime<Utc>,
    ) -> Result<(String, Vec<String>), WalletError> {
        let aud = audience.aud;
        let copy = self.copy_for(&credential.id, audience.verifier)?;
        let decoded = Decoded::parse(&copy.token).map_err(|e| WalletError::Presentation(e.to_string()))?;
        // Each copy has its own salts, so its disclosures sit at the same places under other digests.
        let locations = locations(&decoded).map_err(|e| WalletError::Corrupt(format!("{}: {e}", credential.id)))?;
        let chosen: Vec<&Disclosure> = decoded
            .disclosures
            .iter()
            .filter(|d| locations.get(&d.digest()).is_some_and(|at| Disclosable::needed(at, paths)))
            .collect();
        let described = chosen.iter().map(|d| describe(d)).collect();
        let key = self.signing_key(&copy.holder)?;
        let presented = Issued { jwt: decoded.jwt, disclosures: Vec::new() }.present(chosen);
        let kb = key_binding::create(&key, &presented, aud, nonce, now)
            .map_err(|e| WalletError::Presentation(e.to_string()))?;
        Ok((format!("{presented}{kb}"), described))
    }

    /// An `OpenID4VCI` key proof signed by a holder key (identified by its did:key URL) whose algorithm the issuer
    /// accepts: the primary key when `algorithms` is empty or lists its algorithm, else a key of the first listed
    /// algorithm this wallet can make (made once, then reused).
    ///
    /// # Errors
    /// [`WalletError::Presentation`] if the issuer accepts none of EdDSA and ES256, or signing fails.
    pub fn key_proof(
        &self,
        aud: &str,
        nonce: Option<&str>,
        algorithms: &[String],
        now: DateTime<Utc>,
    ) -> Result<String, WalletError> {
        let did = self.holder_did_for(algorithms, now)?;
        let key = self.signing_key(&did)?;
        let kid = crate::core::did::Did::parse(&did).map_err(|e| WalletError::Corrupt(e.to_string()))?.default_kid();
        crate::core::openid4vci::key_proof(&key, &kid, aud, nonce, now)
            .map_err(|e| WalletError::Presentation(e.to_string()))
    }

    /// Key proofs for a batch (one credential in `count` copies): a fresh key per copy, labelled `copy`, of the
    /// algorithm [`Wallet::key_proof`] would use, and its proof. Returns each proof with its key's DID.
    ///
    /// # Errors
    /// As [`Wallet::key_proof`].
    pub fn copy_key_proofs(
        &self,
        aud: &str,
        nonce: Option<&str>,
        algorithms: &[String],
        count: usize,
        now: DateTime<Utc>,
    ) -> Result<Vec<(String, String)>, WalletError> {
        let algorithm = self.proof_algorithm(algorithms)?;
        let mut proofs = Vec::with_capacity(count);
        for _ in 0..count {
            let did = self.new_key_of("copy", algorithm, now)?.did;
            let key = self.signing_key(&did)?;
            let kid =
                crate::core::did::Did::parse(&did).map_err(|e| WalletError::Corrupt(e.to_string()))?.default_kid();
            let proof = crate::core::openid4vci::key_proof(&key, &kid, aud, nonce, now)
                .map_err(|e| WalletError::Presentation(e.to_string()))?;
            proofs.push((proof, did));
        }
        Ok(proofs)
    }

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
        let copy = self.copy_for(id, aud)?;
        let decoded = Decoded::parse(&copy.token).map_err(|e| WalletError::Presentation(e.to_string()))?;
        if let Some(item) = disclose.iter().find(|item| !decoded.disclosures.iter().any(|d| chosen_by(d, item))) {
            return Err(WalletError::Presentation(format!("{item:?} is not a disclosable skill or claim of {id}")));
        }
        let chosen: Vec<&Disclosure> =
            decoded.disclosures.iter().filter(|d| disclose.iter().any(|item| chosen_by(d, item))).collect();
        let key = self.signing_key(&copy.holder)?;
        let presented = Issued { jwt: decoded.jwt, disclosures: Vec::new() }.present(chosen);
        let kb = key_binding::create(&key, &presented, aud, nonce, now)
            .map_err(|e| WalletError::Presentation(e.to_string()))?;
        Ok(format!("{presented}{kb}"))
    }
}

/// Where each disclosure of a decoded SD-JWT sits in its revealed claims, by digest.
fn locations(decoded: &Decoded) -> Result<HashMap<String, Vec<Value>>, String> {
    let payload = CompactJws::parse(&decoded.jwt).and_then(|j| j.claims()).map_err(|e| e.to_string())?;
    Ok(reveal(&payload, &decoded.disclosures).map_err(|e| e.to_string())?.locations)
}
