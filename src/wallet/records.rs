//! What the wallet stores, before sealing: holder keys and credentials (the exact compact serialization plus a
//! summary for listing without parsing every token).

use serde::{Deserialize, Serialize};

use crate::core::credential::SkillClaim;
use crate::core::credential::claims::MicroFacts;
use crate::core::format::Format;
use crate::core::gap::KnownStatus;

/// Header of a wallet: how to unwrap its data key. Not secret, not sealed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WalletHeader {
    /// Record version.
    pub v: u32,
    /// Argon2id parameters and salt.
    pub kdf: crate::store::sealed::KdfParams,
    /// The data key sealed under the passphrase key, base64url.
    pub wrapped_key: String,
}

crate::store::db::versioned_record!(WalletHeader, 1);

/// A holder key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolderKey {
    /// Record version.
    pub v: u32,
    /// Its `did:key`.
    pub did: String,
    /// The private JWK (sealed at rest).
    pub jwk: String,
    /// `primary`, or `verifier:<audience>` for a per-verifier key.
    pub label: String,
    /// RFC 3339.
    pub created_at: String,
}

crate::store::db::versioned_record!(HolderKey, 1);

/// A stored credential: the token as received, and what the passport view needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredCredential {
    /// Record version.
    pub v: u32,
    /// The credential's id (or the wallet's own id for credentials without one).
    pub id: String,
    /// The format it came in (`vc+jwt`, `dc+sd-jwt`, `ldp_vc`, `jwt_vc_json`).
    pub format: Format,
    /// How it is secured (`JWS EdDSA`, `DataIntegrityProof eddsa-rdfc-2022`, …); empty in records stored before it
    /// was kept.
    #[serde(default)]
    pub proof: String,
    /// The exact compact serialization received.
    pub token: String,
    /// When it entered the wallet.
    pub imported_at: String,
    /// Issuer DID.
    pub issuer: String,
    /// Issuer display name.
    pub issuer_name: Option<String>,
    /// Credential types.
    pub types: Vec<String>,
    /// Display name (credential `name` or the achievement's).
    pub name: Option<String>,
    /// `achievementType`.
    pub achievement_type: Option<String>,
    /// Subject DID (None for bearer credentials).
    pub subject: Option<String>,
    /// Validity start.
    pub valid_from: Option<String>,
    /// Validity end.
    pub valid_until: Option<String>,
    /// The skills it proves (credential id and issuer are the record's own, not repeated per skill).
    pub skills: Vec<SkillClaim>,
    /// Warnings at import (e.g. status not reachable).
    pub warnings: Vec<String>,
    /// For micro-credentials: what an employer's policy looks at (absent in records stored before it was kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub micro: Option<MicroFacts>,
    /// The status as last checked (at import, or by `wallet refresh`).
    #[serde(default = "unchecked")]
    pub status: KnownStatus,
    /// An SD-JWT VC's type name per language, from its type metadata (how a credential of a type the wallet never
    /// saw before is named; empty when the type gave none).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub type_names: std::collections::BTreeMap<String, String>,
}

impl StoredCredential {
    /// The name to show in `lang`: the credential's own, else its type's, else its id.
    #[must_use]
    pub fn display_name(&self, lang: &str) -> String {
        let primary = lang.split('-').next().unwrap_or(lang);
        let typed = || {
            self.type_names
                .iter()
                .find(|(locale, _)| locale.split('-').next() == Some(primary))
                .or_else(|| self.type_names.iter().next())
                .map(|(_, name)| name.clone())
        };
        self.name.clone().or_else(typed).unwrap_or_else(|| self.id.clone())
    }
}

fn unchecked() -> KnownStatus {
    KnownStatus::Unchecked
}

crate::store::db::versioned_record!(StoredCredential, 1);
