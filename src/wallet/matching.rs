//! The private skills-gap match (DESIGN.md section 10): the holder's own credentials against a vacancy profile,
//! computed here, on the holder's device or in their hosted session, from what the wallet already knows (each
//! credential's skills, validity, micro-credential facts and last known status). It makes no network call and
//! sends nothing: `skillspass wallet refresh` is the separate, explicit step that checks status online.

use chrono::{DateTime, Utc};

use super::{StoredCredential, Wallet, WalletError};
use crate::core::credential::claims::EvidenceStrength;
use crate::core::esco::Esco;
use crate::core::gap::{self, Evidence, GapReport};
use crate::core::vacancy::VacancyProfile;
use crate::core::vc_jose::parse_date;

/// Every skill claim of every credential as evidence.
#[must_use]
pub fn evidence(credentials: &[StoredCredential]) -> Vec<Evidence> {
    credentials
        .iter()
        .flat_map(|credential| {
            credential.skills.iter().map(move |skill| Evidence {
                skill: skill.id.clone(),
                credential_id: credential.id.clone(),
                credential_name: credential.name.clone(),
                issuer: credential.issuer.clone(),
                issuer_name: credential.issuer_name.clone(),
                strength: EvidenceStrength::from_parts(
                    credential.format,
                    credential.achievement_type.as_deref(),
                    skill.learning_setting.as_deref(),
                ),
                eqf_level: skill.eqf_level,
                valid_from: credential.valid_from.as_deref().and_then(parse_date),
                valid_until: credential.valid_until.as_deref().and_then(parse_date),
                status: credential.status,
                micro: credential.micro,
            })
        })
        .collect()
}

impl Wallet {
    /// The gap between what this wallet proves and what `profile` needs, as of `now`, labels in `lang`.
    ///
    /// # Errors
    /// Storage or decryption failures.
    pub fn match_profile(
        &self,
        profile: &VacancyProfile,
        esco: &Esco,
        lang: &str,
        now: DateTime<Utc>,
    ) -> Result<GapReport, WalletError> {
        Ok(gap::compute(profile, &evidence(&self.list()?), esco, lang, now))
    }
}
