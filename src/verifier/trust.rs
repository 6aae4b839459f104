//! The verifier's trust list: the issuers an employer recognises, with the identifiers that make them
//! recognisable (KvK, BRIN, ROR, …) and their accreditation. TOML, for people to edit:
//!
//! ```toml
//! require_trust = true          # refuse issuers not listed (default: an unknown issuer is only a warning)
//! require = ["eu-micro-credential"]   # also refuse anything but complete EU micro-credentials
//!
//! [[issuer]]
//! did = "did:web:academy.example"
//! name = "Example Academy"
//! accreditation = "NVAO"
//! identifiers = { kvk = "12345678", brin = "99XX" }
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One recognised issuer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrustedIssuer {
    /// The issuer's DID.
    pub did: String,
    /// Display name.
    pub name: String,
    /// Registry identifiers by scheme (`kvk`, `brin`, `ror`, …).
    #[serde(default)]
    pub identifiers: BTreeMap<String, String>,
    /// Accreditation (e.g. `NVAO`).
    #[serde(default)]
    pub accreditation: Option<String>,
}

/// The trust list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrustList {
    /// Whether issuers not on the list fail verification.
    #[serde(default)]
    pub require_trust: bool,
    /// Further requirements of the relying party (`eu-micro-credential`).
    #[serde(default)]
    pub require: Vec<crate::core::verify::Requirement>,
    /// The issuers.
    #[serde(default, rename = "issuer")]
    pub issuers: Vec<TrustedIssuer>,
}

impl TrustList {
    /// Parses the TOML form.
    ///
    /// # Errors
    /// The TOML error, naming line and column.
    pub fn parse(text: &str) -> Result<Self, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }

    /// A list of bare DIDs (`verify --trust DID`), required.
    #[must_use]
    pub fn of_dids(dids: &[String]) -> Self {
        let issuers = dids
            .iter()
            .map(|did| TrustedIssuer {
                did: did.clone(),
                name: did.clone(),
                identifiers: BTreeMap::new(),
                accreditation: None,
            })
            .collect();
        Self { require_trust: true, require: Vec::new(), issuers }
    }

    /// The entry for `did`.
    #[must_use]
    pub fn find(&self, did: &str) -> Option<&TrustedIssuer> {
        self.issuers.iter().find(|entry| entry.did == did)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_form() {
        let list = TrustList::parse(
            r#"
            require_trust = true
            [[issuer]]
            did = "did:web:academy.example"
            name = "Example Academy"
            accreditation = "NVAO"
            identifiers = { kvk = "12345678", brin = "99XX" }
            "#,
        )
        .unwrap();
        assert!(list.require_trust);
        let entry = list.find("did:web:academy.example").unwrap();
        assert_eq!(entry.identifiers["kvk"], "12345678");
        assert!(TrustList::parse("[[issuer]]\ndid = 1").is_err());
    }
}
