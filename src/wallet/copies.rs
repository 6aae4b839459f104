//! Copies of one credential, for unlinkable presentations (HAIP; `OpenID4VCI` batch issuance).
//!
//! An SD-JWT VC shown twice is the same bytes twice: the issuer's signature, the holder key in `cnf` and every
//! salted disclosure are identifiers two employers could compare. So the wallet asks the issuer for several copies
//! of a credential, each bound to a fresh key of its own and salted anew, and shows each verifier a copy no other
//! verifier has seen. The copies are sealed in their own tree beside the credential (the passport lists the
//! credential once); each remembers the verifier (`client_id`) it went to, so the same verifier gets the same copy
//! again and learns nothing new. When every copy has gone to some other verifier the wallet says so before the
//! holder consents ([`CopyOutlook::Exhausted`]), and then reuses the first copy.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{StoredCredential, Wallet, WalletError};
use crate::core::credential::claims::Credential;
use crate::core::verify::{CredentialVerifier, Verified};

/// One copy: its token and the wallet key its `cnf` names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CredentialCopy {
    /// The compact SD-JWT VC as issued.
    pub token: String,
    /// The `did:key` of its holder key (a key of this wallet made for this copy alone).
    pub holder: String,
    /// The verifier (`client_id`) it was presented to; `None` while unused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shown_to: Option<String>,
}

/// Every copy of one credential, the stored token's first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CopySet {
    /// Record version.
    pub v: u32,
    /// The copies.
    pub copies: Vec<CredentialCopy>,
}

crate::store::db::versioned_record!(CopySet, 1);

/// What presenting a credential to one verifier does to its unlinkability, for the consent screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyOutlook {
    /// The credential has one copy (issued without batch): every verifier sees the same signature and key.
    Single,
    /// A copy no verifier has seen goes to this one; `left` unused copies remain after it.
    Fresh {
        /// Unused copies after this presentation.
        left: usize,
    },
    /// This verifier already has a copy and gets the same one again: it learns nothing new.
    Known,
    /// Every copy went to another verifier: this one gets a copy another verifier saw, so the two could tell it is
    /// the same credential. Fresh copies come from the issuer.
    Exhausted,
}

impl CopyOutlook {
    /// `single`, `fresh`, `known` or `exhausted`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Single => "single",
            Self::Fresh { .. } => "fresh",
            Self::Known => "known",
            Self::Exhausted => "exhausted",
        }
    }

    /// Unused copies left after the presentation (0 unless [`CopyOutlook::Fresh`]).
    #[must_use]
    pub fn left(self) -> usize {
        if let Self::Fresh { left } = self { left } else { 0 }
    }

    /// For people, in English (the CLI and the API's preview); `None` for a credential of one copy.
    #[must_use]
    pub fn explained(self) -> Option<String> {
        match self {
            Self::Single => None,
            Self::Fresh { left } => {
                Some(format!("an unused copy no other verifier has seen ({left} unused copies left after this)"))
            }
            Self::Known => Some("the copy this verifier already received".into()),
            Self::Exhausted => Some(
                "every copy was already shown to another verifier: this verifier could tell it is the same \
                 credential as one shown elsewhere; ask the issuer for fresh copies"
                    .into(),
            ),
        }
    }
}

impl CopySet {
    /// The copy for `verifier` and what giving it means.
    fn choose(&self, verifier: &str) -> (usize, CopyOutlook) {
        if let Some(known) = self.copies.iter().position(|c| c.shown_to.as_deref() == Some(verifier)) {
            return (known, CopyOutlook::Known);
        }
        let unused = self.unused();
        match self.copies.iter().position(|c| c.shown_to.is_none()) {
            Some(fresh) => (fresh, CopyOutlook::Fresh { left: unused - 1 }),
            None => (0, CopyOutlook::Exhausted),
        }
    }

    /// How many copies no verifier has seen.
    #[must_use]
    pub fn unused(&self) -> usize {
        self.copies.iter().filter(|c| c.shown_to.is_none()).count()
    }
}

/// The token and holder key a presentation uses.
#[derive(Debug, Clone)]
pub(super) struct Chosen {
    pub token: String,
    pub holder: String,
}

impl Wallet {
    /// Verifies a batch: every copy must verify, be bound to one of this wallet's keys, and say what the first says
    /// (issuer, type, name, skills, validity). Returns the first copy verified (for [`Wallet::keep_received`], so
    /// it is not verified twice) and every copy as a [`CredentialCopy`] record, ready for [`Wallet::keep_copies`].
    ///
    /// # Errors
    /// [`WalletError::NotVerified`] naming the copy that does not verify or differs.
    pub async fn check_copies(
        &self,
        checker: &impl CredentialVerifier,
        first: &str,
        others: &[String],
        now: DateTime<Utc>,
    ) -> Result<(Verified<Credential>, Vec<CredentialCopy>), WalletError> {
        let mut copies = Vec::with_capacity(others.len() + 1);
        let mut reference: Option<(Verified<Credential>, StoredCredential)> = None;
        for (number, token) in std::iter::once(first).chain(others.iter().map(String::as_str)).enumerate() {
            let refused = |why: String| WalletError::NotVerified(format!("copy {} of the batch: {why}", number + 1));
            let outcome = checker.verify_credential(token.trim(), now).await;
            let verified = outcome.into_verified().map_err(|rejected| refused(rejected.to_string()))?;
            let summary = super::summarize(&verified, now);
            let holder = summary.subject.clone().ok_or_else(|| refused("it names no holder key".into()))?;
            if !self.has_key(&holder)? {
                return Err(refused(format!("its holder {holder} is not a key of this wallet")));
            }
            copies.push(CredentialCopy { token: verified.token().to_owned(), holder, shown_to: None });
            match &reference {
                None => reference = Some((verified, summary)),
                Some((_, first)) if same_credential(first, &summary) => {}
                Some(_) => return Err(refused("it is not the same credential as the first copy".into())),
            }
        }
        let (first, _) = reference.ok_or_else(|| WalletError::NotVerified("the batch holds no credential".into()))?;
        Ok((first, copies))
    }

    /// Keeps the copies of the stored credential `id` (the stored token among them).
    ///
    /// # Errors
    /// [`WalletError::UnknownCredential`], storage failures.
    pub fn keep_copies(&self, id: &str, copies: Vec<CredentialCopy>) -> Result<(), WalletError> {
        let (key, _) = self.find(id)?;
        self.put(&self.trees.copies, &key, &CopySet { v: 1, copies })
    }

    /// The copies of credential `id`, when it came as a batch.
    ///
    /// # Errors
    /// [`WalletError::UnknownCredential`], storage or decryption failures.
    pub fn copies(&self, id: &str) -> Result<Option<CopySet>, WalletError> {
        let (key, _) = self.find(id)?;
        self.get(&self.trees.copies, &key)
    }

    /// What presenting credential `id` to `verifier` would do, without doing it.
    ///
    /// # Errors
    /// As [`Wallet::copies`].
    pub fn copy_outlook(&self, id: &str, verifier: &str) -> Result<CopyOutlook, WalletError> {
        Ok(self.copies(id)?.map_or(CopyOutlook::Single, |set| set.choose(verifier).1))
    }

    /// The token and holder key to present credential `id` with to `verifier`: the copy [`CopySet`] chooses,
    /// recorded as shown to it before anything is sent; the stored token for a credential of one copy.
    pub(super) fn copy_for(&self, id: &str, verifier: &str) -> Result<Chosen, WalletError> {
        let (key, summary) = self.find(id)?;
        let Some(mut set) = self.get::<CopySet>(&self.trees.copies, &key)? else {
            let stored = self.with_token(&key, summary)?;
            let holder = stored.subject.ok_or_else(|| WalletError::Presentation(format!("{id} has no holder key")))?;
            return Ok(Chosen { token: stored.token, holder });
        };
        let (index, outlook) = set.choose(verifier);
        let copy = set.copies.get(index).cloned().ok_or_else(|| WalletError::Corrupt(format!("{id}: no copies")))?;
        if let CopyOutlook::Fresh { .. } = outlook {
            set.copies[index].shown_to = Some(verifier.to_owned());
            self.put(&self.trees.copies, &key, &set)?;
            self.flush()?;
        }
        Ok(Chosen { token: copy.token, holder: copy.holder })
    }

    /// Removes the copies under record key `key` and the keys made for them alone.
    pub(super) fn forget_copies(&self, key: &[u8]) -> Result<(), WalletError> {
        for copy in self.copies_at(key)? {
            self.forget_key(&copy.holder)?;
        }
        self.trees.copies.remove(key)?;
        Ok(())
    }

    /// The copies under record key `key` (empty when the credential has one copy).
    fn copies_at(&self, key: &[u8]) -> Result<Vec<CredentialCopy>, WalletError> {
        Ok(self.get::<CopySet>(&self.trees.copies, key)?.map(|set| set.copies).unwrap_or_default())
    }
}

/// Whether two copies carry the same credential: everything the passport shows except what is per copy.
fn same_credential(a: &StoredCredential, b: &StoredCredential) -> bool {
    (&a.issuer, &a.types, &a.name, &a.skills, &a.valid_until, &a.micro)
        == (&b.issuer, &b.types, &b.name, &b.skills, &b.valid_until, &b.micro)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(shown: &[Option<&str>]) -> CopySet {
        let copies = shown
            .iter()
            .enumerate()
            .map(|(i, to)| CredentialCopy {
                token: format!("token-{i}"),
                holder: format!("did:key:{i}"),
                shown_to: to.map(str::to_owned),
            })
            .collect();
        CopySet { v: 1, copies }
    }

    #[test]
    fn each_verifier_gets_its_own_copy_until_none_is_left() {
        let fresh = set(&[None, None, None]);
        assert_eq!(fresh.choose("https://a.example"), (0, CopyOutlook::Fresh { left: 2 }));
        let one_used = set(&[Some("https://a.example"), None, None]);
        assert_eq!(one_used.choose("https://a.example"), (0, CopyOutlook::Known));
        assert_eq!(one_used.choose("https://b.example"), (1, CopyOutlook::Fresh { left: 1 }));
        let all_used = set(&[Some("https://a.example"), Some("https://b.example")]);
        assert_eq!(all_used.choose("https://b.example"), (1, CopyOutlook::Known));
        assert_eq!(all_used.choose("https://c.example"), (0, CopyOutlook::Exhausted));
        assert_eq!(all_used.unused(), 0);
    }
}
