//! Time, injected. Core code never reads the system clock: it is handed a [`Clock`] (the operating system's is
//! [`crate::system::SystemClock`]), so tests pin time and verification "as of" a given instant
//! (`skillspass verify --at`) uses the same code path.

use chrono::{DateTime, Utc};

/// A source of the current time.
pub trait Clock: Send + Sync {
    /// Now, in UTC.
    fn now(&self) -> DateTime<Utc>;
}

/// A clock stopped at one instant.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}
