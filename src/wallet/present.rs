//! Presentations, chosen by the credentials' format: a VC 2.0 `VerifiablePresentation` secured as `vp+jwt`
//! (VC-JOSE-COSE section 3.1.2), signed by the holder key that is the credentials' subject, with every credential
//! inside whole: a `vc+jwt` or an Open Badges JWT as an `EnvelopedVerifiableCredential` (`data:` URL of its media
//! type), a Data Integrity credential embedded as the JSON object it is (VCDM 2.0 section 4.12); or an SD-JWT VC
//! with only the chosen disclosures and a Key Binding JWT ([`super::selective`]). Either way bound to the
//! verifier's `nonce` and audience (`aud`). A badge that names its holder otherwise than by one of this wallet's
//! keys rides in a presentation signed by a key this wallet keeps for that verifier alone (so no holder DID travels
//! from one verifier to another); the verifier sees that nothing binds the two.

use chrono::{DateTime, Utc};
use serde_json::json;

use super::{Wallet, WalletError};
use crate::core::credential::VC2_CONTEXT;
use crate::core::did::Did;
use crate::core::format::Format;
use crate::core::jose::{self, HeaderSpec, TokenKind};

/// A presentation made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presented {
    /// `vp+jwt`, or `dc+sd-jwt` with Key Binding.
    pub format: Format,
    /// The compact presentation.
    pub token: String,
}

impl Wallet {
    /// Presents credentials to the verifier `aud` for its `nonce`, in the form their format allows: one SD-JWT VC
    /// disclosing only `disclose` (skill URIs or claim names), or `vp+jwt` credentials enveloped whole.
    ///
    /// # Errors
    /// [`WalletError::Presentation`] for a mix the formats do not allow, or as the two forms.
    pub fn present(
        &self,
        ids: &[String],
        disclose: &[String],
        nonce: &str,
        aud: &str,
        now: DateTime<Utc>,
    ) -> Result<Presented, WalletError> {
        let first = ids.first().ok_or_else(|| WalletError::Presentation("name at least one credential".into()))?;
        let format = self.get_credential(first)?.format;
        if format.is_selectively_disclosable() {
            if ids.len() > 1 {
                return Err(WalletError::Presentation("present one SD-JWT VC at a time".into()));
            }
            let token = self.present_selectively(first, disclose, nonce, aud, now)?;
            return Ok(Presented { format: Format::SdJwtKb, token });
        }
        if !disclose.is_empty() {
            return Err(WalletError::Presentation(format!(
                "{first} is a {format}, which is presented whole; choosing disclosures needs an SD-JWT VC"
            )));
        }
        Ok(Presented { format: Format::VpJwt, token: self.present_enveloped(ids, nonce, aud, now)? })
    }

    /// Presents the `vp+jwt` credentials with these ids to the verifier `aud`, for its `nonce`.
    ///
    /// # Errors
    /// [`WalletError::UnknownCredential`], or [`WalletError::Presentation`] when the credentials have different or
    /// no subjects, or the subject is not a key of this wallet.
    pub fn present_enveloped(
        &self,
        ids: &[String],
        nonce: &str,
        aud: &str,
        now: DateTime<Utc>,
    ) -> Result<String, WalletError> {
        if ids.is_empty() || nonce.is_empty() || aud.is_empty() {
            return Err(WalletError::Presentation("name at least one credential, a nonce and an audience".into()));
        }
        let credentials = ids.iter().map(|id| self.get_credential(id)).collect::<Result<Vec<_>, _>>()?;
        let holder = self.holder_of(&credentials, aud, now)?;
        let key = self.signing_key(&holder)?;
        let enveloped = credentials.iter().map(embed).collect::<Result<Vec<_>, _>>()?;
        let payload = json!({
            "@context": [VC2_CONTEXT],
            "type": ["VerifiablePresentation"],
            "holder": holder,
            "verifiableCredential": enveloped,
            "iss": holder,
            "aud": aud,
            "nonce": nonce,
            "iat": now.timestamp(),
        });
        let kid = Did::parse(&holder).map_err(|e| WalletError::Presentation(e.to_string()))?.default_kid();
        let header = HeaderSpec { typ: Some(TokenKind::Presentation), kid: Some(&kid), ..HeaderSpec::default() };
        let bytes = serde_json::to_vec(&payload).map_err(|e| WalletError::Presentation(e.to_string()))?;
        jose::sign(&bytes, &header, &key).map_err(|e| WalletError::Presentation(e.to_string()))
    }
}

impl Wallet {
    /// The key a presentation of `credentials` to `aud` is signed with: the one wallet key they name as subject
    /// (bearer credentials are refused, as are credentials naming two different keys); when none names a wallet key
    /// (badges naming the holder otherwise), this wallet's key for `aud` alone, so the presentation carries no
    /// holder DID another verifier has also seen.
    fn holder_of(
        &self,
        credentials: &[super::StoredCredential],
        aud: &str,
        now: DateTime<Utc>,
    ) -> Result<String, WalletError> {
        let mut holder: Option<&str> = None;
        for credential in credentials {
            let Some(subject) = credential.subject.as_deref() else {
                return Err(WalletError::Presentation(format!(
                    "{} is a bearer credential; it has no subject to bind",
                    credential.id
                )));
            };
            if !self.has_key(subject)? {
                continue;
            }
            match holder {
                Some(other) if other != subject => {
                    return Err(WalletError::Presentation(format!(
                        "{} has another subject; present it separately",
                        credential.id
                    )));
                }
                _ => holder = Some(subject),
            }
        }
        match holder {
            Some(holder) => Ok(holder.to_owned()),
            None => self.verifier_did(aud, now),
        }
    }
}

/// A credential as it goes into a `vp+jwt`: enveloped (`vc+jwt`, Open Badges JWT) or embedded (Data Integrity).
fn embed(credential: &super::StoredCredential) -> Result<serde_json::Value, WalletError> {
    let enveloped = |format: Format| json!({"@context": VC2_CONTEXT, "type": "EnvelopedVerifiableCredential", "id": format.data_url(&credential.token)});
    match credential.format {
        Format::VcJwt | Format::JwtVcJson | Format::OpenBadgesV2Signed => Ok(enveloped(credential.format)),
        Format::OpenBadgesV2Hosted => Err(WalletError::Presentation(format!(
            "{} is a hosted Open Badges 2.0 badge: it has no signature to present; share its URL, which the \
             employer's verifier fetches from the issuer",
            credential.id
        ))),
        Format::DataIntegrity => serde_json::from_str(&credential.token)
            .map_err(|e| WalletError::Corrupt(format!("{}: stored credential is not JSON: {e}", credential.id))),
        other => Err(WalletError::Presentation(format!(
            "{} is a {other}, which is not presented inside a vp+jwt",
            credential.id
        ))),
    }
}
