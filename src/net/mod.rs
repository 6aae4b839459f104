//! The network layer every role shares: the one guarded fetcher ([`fetch::Fetcher`]: https only, no private
//! addresses, bounded answers and redirects, timeouts), its one keyed time-bounded cache ([`cache::Cache`]) of
//! fetched and verified documents (DID documents, status lists, issuer metadata), and the attempt throttle
//! ([`throttle::Throttle`]) for what strangers on the network can guess at. Below the roles, above `core`.
//!
//! The cache is shared by clones of a fetcher, so an issuer served by the same process as a verifier can drop a
//! status list it just changed ([`cache::Cache::invalidate`]) and the verifier sees the change at once.

pub mod cache;
pub mod fetch;
pub mod throttle;

pub use cache::Cache;
pub use fetch::{Answer, FetchError, Fetched, Fetcher, PostBody};
