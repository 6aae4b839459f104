//! Selective Disclosure for JWTs, exactly as RFC 9901 defines it: disclosures ([`disclosure`]), concealing claims
//! when issuing ([`issue`]), the verifier's processing algorithm in the RFC's order ([`reveal`]) and Key Binding
//! JWTs ([`key_binding`]). Pure: signing and verifying the issuer-signed JWT itself is [`crate::core::jose`].
//!
//! The stages are types: an [`Issued`] SD-JWT (issuer-signed JWT plus every disclosure) is what the wallet keeps;
//! a [`Decoded`] one is what a verifier receives (split, each disclosure parsed, the KB-JWT apart); [`reveal`]
//! turns a verified payload and its disclosures into the revealed claims.

pub mod disclosure;
pub mod issue;
pub mod key_binding;
pub mod reveal;

pub use disclosure::Disclosure;

/// RFC 9901 section 4.1.1: the hash algorithm claim.
pub const SD_ALG: &str = "_sd_alg";
/// The only hash algorithm we issue and accept (mandatory to support, section 4.1.1).
pub const SHA_256: &str = "sha-256";
/// The separator of the compact serialization (section 4).
pub const TILDE: char = '~';

/// Why an SD-JWT was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SdJwtError {
    /// Not `<jwt>~<disclosure>~…~[<kb-jwt>]`, or a disclosure of the wrong shape.
    #[error("malformed SD-JWT: {0}")]
    Malformed(String),
    /// `_sd` or `...` used as a claim name.
    #[error("the claim name {0:?} is reserved by RFC 9901 and cannot be disclosed")]
    ForbiddenName(String),
    /// `_sd_alg` is not `sha-256`.
    #[error("hash algorithm {0:?} is not supported (sha-256 only)")]
    UnsupportedHash(String),
    /// The same disclosure sent twice.
    #[error("disclosure sent twice: {0}")]
    DuplicateDisclosure(String),
    /// A digest appears more than once in the payload and disclosures (section 7.1 step 4).
    #[error("digest {0} appears more than once")]
    DuplicateDigest(String),
    /// A disclosure no digest refers to (section 7.1 step 5).
    #[error("disclosure not referenced by any digest: {0}")]
    UnreferencedDisclosure(String),
    /// A disclosed name that already exists at its level.
    #[error("disclosed claim {0:?} collides with a claim already present")]
    NameCollision(String),
    /// An object-property disclosure where an array element was expected, or the reverse.
    #[error("disclosure {0} has the wrong shape for where its digest appears")]
    WrongShape(String),
    /// A path to conceal that does not exist, or a claim that must stay plaintext.
    #[error("cannot make {0} selectively disclosable")]
    NotConcealable(String),
    /// The Key Binding JWT is missing, malformed, or does not bind this presentation.
    #[error("key binding: {0}")]
    KeyBinding(String),
}

/// An SD-JWT as issued: the issuer-signed JWT and all disclosures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issued {
    /// The issuer-signed JWT.
    pub jwt: String,
    /// Every disclosure.
    pub disclosures: Vec<Disclosure>,
}

impl Issued {
    /// `<jwt>~<d1>~…~<dN>~` (section 4: the trailing `~` is always there).
    #[must_use]
    pub fn serialize(&self) -> String {
        serialize(&self.jwt, self.disclosures.iter())
    }

    /// The SD-JWT with only the chosen disclosures, ready for a KB-JWT to be appended.
    #[must_use]
    pub fn present<'a>(&self, chosen: impl IntoIterator<Item = &'a Disclosure>) -> String {
        serialize(&self.jwt, chosen.into_iter())
    }
}

fn serialize<'a>(jwt: &str, disclosures: impl Iterator<Item = &'a Disclosure>) -> String {
    let mut out = jwt.to_owned();
    out.push(TILDE);
    for disclosure in disclosures {
        out.push_str(disclosure.encoded());
        out.push(TILDE);
    }
    out
}

/// An SD-JWT as received, split and parsed (nothing verified yet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The issuer-signed JWT.
    pub jwt: String,
    /// The disclosures sent.
    pub disclosures: Vec<Disclosure>,
    /// The Key Binding JWT, if one was appended.
    pub key_binding: Option<String>,
    /// `<jwt>~<d1>~…~<dN>~`: what `sd_hash` covers.
    pub presented: String,
}

impl Decoded {
    /// Splits the compact serialization (section 4): the last part is empty (no KB-JWT) or the KB-JWT.
    ///
    /// # Errors
    /// [`SdJwtError::Malformed`] or a disclosure's parse error.
    pub fn parse(compact: &str) -> Result<Self, SdJwtError> {
        let compact = compact.trim();
        let parts: Vec<&str> = compact.split(TILDE).collect();
        let (Some(jwt), Some(last)) = (parts.first(), parts.last()) else {
            return Err(SdJwtError::Malformed("empty".into()));
        };
        if parts.len() < 2 || jwt.is_empty() {
            return Err(SdJwtError::Malformed("an SD-JWT ends with ~ (section 4)".into()));
        }
        let middle = &parts[1..parts.len() - 1];
        if middle.iter().any(|d| d.is_empty()) {
            return Err(SdJwtError::Malformed("empty disclosure between ~~".into()));
        }
        let disclosures = middle.iter().map(|d| Disclosure::parse(d)).collect::<Result<Vec<_>, _>>()?;
        let key_binding = (!last.is_empty()).then(|| (*last).to_owned());
        let presented = compact[..compact.len() - last.len()].to_owned();
        Ok(Self { jwt: (*jwt).to_owned(), disclosures, key_binding, presented })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_serialization_keeps_the_trailing_tilde() {
        let d = Disclosure::with_salt("s", Some("a"), serde_json::json!(1)).unwrap();
        let issued = Issued { jwt: "h.p.s".into(), disclosures: vec![d.clone()] };
        assert_eq!(issued.serialize(), format!("h.p.s~{}~", d.encoded()));
        assert_eq!(issued.present([]), "h.p.s~");
        let decoded = Decoded::parse(&issued.serialize()).unwrap();
        assert_eq!((decoded.disclosures.len(), decoded.key_binding), (1, None));
        let with_kb = Decoded::parse(&format!("{}kb.jwt.sig", issued.serialize())).unwrap();
        assert_eq!(with_kb.key_binding.as_deref(), Some("kb.jwt.sig"));
        assert_eq!(with_kb.presented, issued.serialize());
        assert!(Decoded::parse("h.p.s").is_err(), "no trailing ~");
        assert!(Decoded::parse("h.p.s~~").is_err(), "empty disclosure");
    }
}
