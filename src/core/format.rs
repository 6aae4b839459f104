//! The formats skillspass reads and writes, named once. Every media type and format name of the wire formats lives
//! here: code elsewhere compares [`Format`] values, never strings (issue 10). The names are those of VC-JOSE-COSE
//! (`vc+jwt`, `vp+jwt`, section 6.1), SD-JWT VC (`dc+sd-jwt`, draft-ietf-oauth-sd-jwt-vc section 3.1), SD-JWT
//! Key Binding (RFC 9901 section 4.3) and the two status list formats (W3C Bitstring Status List over `vc+jwt`,
//! IETF Token Status List `statuslist+jwt`).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A wire format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// A VC 2.0 credential secured with JOSE (`application/vc+jwt`).
    VcJwt,
    /// A VC 2.0 presentation secured with JOSE (`application/vp+jwt`).
    VpJwt,
    /// An SD-JWT VC as issued: issuer-signed JWT and disclosures (`application/dc+sd-jwt`).
    SdJwtVc,
    /// An SD-JWT VC presented with a Key Binding JWT (`dc+sd-jwt` followed by a `kb+jwt`).
    SdJwtKb,
    /// A W3C `BitstringStatusListCredential` (secured as `vc+jwt`).
    BitstringStatusList,
    /// An IETF Token Status List token (`application/statuslist+jwt`).
    TokenStatusList,
    /// A JSON-LD credential with an embedded Data Integrity proof (VC Data Integrity 1.0; OpenID4VCI `ldp_vc`).
    DataIntegrity,
    /// A VC secured as a plain JWT (`typ` `JWT` or absent): the Open Badges 3.0 JWT proof format, which is
    /// OpenID4VCI's `jwt_vc_json`.
    JwtVcJson,
    /// An Open Badges 2.0 assertion signed as a JWS (RS256).
    OpenBadgesV2Signed,
    /// An Open Badges 2.0 hosted assertion: no signature, its issuer's server vouches for it.
    OpenBadgesV2Hosted,
}

impl Format {
    /// Every format, for tables and parsing.
    pub const ALL: [Self; 10] = [
        Self::VcJwt,
        Self::VpJwt,
        Self::SdJwtVc,
        Self::SdJwtKb,
        Self::BitstringStatusList,
        Self::TokenStatusList,
        Self::DataIntegrity,
        Self::JwtVcJson,
        Self::OpenBadgesV2Signed,
        Self::OpenBadgesV2Hosted,
    ];

    /// The name used in reports, stored records and DCQL (`vc+jwt`, `dc+sd-jwt`, …).
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::VcJwt => "vc+jwt",
            Self::VpJwt => "vp+jwt",
            // A presented SD-JWT VC is still a dc+sd-jwt credential; the Key Binding is reported beside it.
            Self::SdJwtVc | Self::SdJwtKb => "dc+sd-jwt",
            Self::BitstringStatusList => "bitstring-status-list",
            Self::TokenStatusList => "statuslist+jwt",
            Self::DataIntegrity => "ldp_vc",
            Self::JwtVcJson => "jwt_vc_json",
            Self::OpenBadgesV2Signed => "openbadges-v2-signed",
            Self::OpenBadgesV2Hosted => "openbadges-v2-hosted",
        }
    }

    /// The media type (RFC 6838) of the serialization.
    #[must_use]
    pub const fn media_type(self) -> &'static str {
        match self {
            Self::VcJwt | Self::BitstringStatusList => "application/vc+jwt",
            Self::VpJwt => "application/vp+jwt",
            Self::SdJwtVc | Self::SdJwtKb => "application/dc+sd-jwt",
            Self::TokenStatusList => "application/statuslist+jwt",
            Self::DataIntegrity => "application/vc+ld+json",
            Self::JwtVcJson | Self::OpenBadgesV2Signed => "application/jwt",
            Self::OpenBadgesV2Hosted => "application/ld+json",
        }
    }

    /// The format a credential is in, from its shape: a JSON object is a Data Integrity credential, an SD-JWT has
    /// `~` separators, a JWS has none (whether it is a `vc+jwt` or a plain JWT its header tells).
    #[must_use]
    pub fn of_credential(compact: &str) -> Self {
        if compact.trim_start().starts_with('{') {
            Self::DataIntegrity
        } else if compact.contains(crate::core::sd_jwt::TILDE) {
            Self::SdJwtVc
        } else {
            Self::VcJwt
        }
    }

    /// The format a compact presentation is in: an SD-JWT with Key Binding, or a `vp+jwt`.
    #[must_use]
    pub fn of_presentation(compact: &str) -> Self {
        if compact.contains(crate::core::sd_jwt::TILDE) { Self::SdJwtKb } else { Self::VpJwt }
    }

    /// A stored or reported name back to its format (`dc+sd-jwt` reads as the issued SD-JWT VC).
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "dc+sd-jwt" => Some(Self::SdJwtVc),
            other => Self::ALL.into_iter().find(|f| f.name() == other),
        }
    }

    /// The OpenID4VCI / OpenID4VP format identifier this format is requested under, when it has one.
    #[must_use]
    pub const fn protocol_identifier(self) -> Option<&'static str> {
        match self {
            Self::SdJwtVc | Self::SdJwtKb => Some("dc+sd-jwt"),
            Self::DataIntegrity => Some("ldp_vc"),
            Self::JwtVcJson => Some("jwt_vc_json"),
            _ => None,
        }
    }

    /// The format an OpenID4VCI configuration or a DCQL credential query names, when we speak it.
    #[must_use]
    pub fn from_protocol_identifier(identifier: &str) -> Option<Self> {
        match identifier {
            "dc+sd-jwt" => Some(Self::SdJwtVc),
            "ldp_vc" => Some(Self::DataIntegrity),
            "jwt_vc_json" => Some(Self::JwtVcJson),
            _ => None,
        }
    }

    /// `data:<media type>,<compact>`: how VC 2.0 envelopes a secured credential or presentation (VCDM 2.0
    /// section 4.13, `EnvelopedVerifiableCredential`).
    #[must_use]
    pub fn data_url(self, compact: &str) -> String {
        format!("data:{},{compact}", self.media_type())
    }

    /// The compact token inside a `data:` URL of this format.
    #[must_use]
    pub fn from_data_url(self, url: &str) -> Option<&str> {
        url.strip_prefix("data:")?.strip_prefix(self.media_type())?.strip_prefix(',')
    }

    /// Whether the holder can choose what to disclose.
    #[must_use]
    pub const fn is_selectively_disclosable(self) -> bool {
        matches!(self, Self::SdJwtVc | Self::SdJwtKb)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Format {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Format {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        Self::from_name(&name).ok_or_else(|| serde::de::Error::custom(format!("unknown format {name:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_shapes_are_told_apart() {
        for format in [Format::VcJwt, Format::VpJwt, Format::SdJwtVc, Format::TokenStatusList] {
            assert_eq!(Format::from_name(format.name()), Some(format));
        }
        assert_eq!(Format::of_credential("a.b.c"), Format::VcJwt);
        assert_eq!(Format::of_credential("a.b.c~d~"), Format::SdJwtVc);
        assert_eq!(Format::of_presentation("a.b.c~d~e.f.g"), Format::SdJwtKb);
        assert_eq!(serde_json::to_string(&Format::SdJwtKb).unwrap(), "\"dc+sd-jwt\"");
        assert!(serde_json::from_str::<Format>("\"mso_mdoc\"").is_err());
    }
}
