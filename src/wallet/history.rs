//! What the holder shared, with whom and when: one sealed record per answered presentation request (sent or
//! declined), so the person can look back at who saw which of their skills. Kept like the credentials: sealed
//! under the wallet's data key, under random sled keys (the order comes from the sealed time, not the key).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Wallet, WalletError};
use crate::core::vc_jose::rfc3339;

/// What happened to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SharedOutcome {
    /// The presentations were sent.
    Sent,
    /// The holder declined.
    Declined,
    /// Nothing in the wallet satisfied the request (the verifier was told `access_denied`).
    NothingMatched,
}

/// One credential shared, and exactly what of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedCredential {
    /// The credential's id in the wallet.
    pub id: String,
    /// Its name.
    pub name: Option<String>,
    /// Its issuer.
    pub issuer: String,
    /// The claims disclosed (`skills.0.id = http://…`).
    pub disclosed: Vec<String>,
}

/// One answered request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedRecord {
    /// Record version.
    pub v: u32,
    /// When (RFC 3339).
    pub at: String,
    /// Who asked: the name the verifier gave itself, else its verified DID or response URI.
    pub verifier: String,
    /// The verifier's client id.
    pub client_id: String,
    /// What happened.
    pub outcome: SharedOutcome,
    /// What was sent (empty when declined).
    pub credentials: Vec<SharedCredential>,
}

crate::store::db::versioned_record!(SharedRecord, 1);

impl Wallet {
    /// Adds an answered request to the history.
    ///
    /// # Errors
    /// Storage failures.
    pub fn record_shared(&self, record: &SharedRecord) -> Result<(), WalletError> {
        let key = crate::system::random_b64url(16);
        self.put(&self.trees.history, key.as_bytes(), record)?;
        self.flush()
    }

    /// The history, newest first.
    ///
    /// # Errors
    /// Storage or decryption failures.
    pub fn history(&self) -> Result<Vec<SharedRecord>, WalletError> {
        let mut records: Vec<SharedRecord> = self.all(&self.trees.history)?;
        records.sort_by(|a, b| b.at.cmp(&a.at));
        Ok(records)
    }
}

/// A history record of `outcome` at `now`.
#[must_use]
pub fn record(
    verifier: String,
    client_id: String,
    outcome: SharedOutcome,
    credentials: Vec<SharedCredential>,
    now: DateTime<Utc>,
) -> SharedRecord {
    SharedRecord { v: 1, at: rfc3339(now), verifier, client_id, outcome, credentials }
}
