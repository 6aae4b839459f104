//! skillspass: a self-sovereign skills passport.
//!
//! Issuers (training providers, schools, employers) sign skills credentials and EU micro-credentials; the holder
//! keeps them in their own wallet; verifiers (employers) check them without calling the issuer.
//!
//! The crate is layered, imports pointing one way only (DESIGN.md section 2; `tests/architecture.rs` checks every
//! `use` and path):
//!
//! - [`core`]: standards code, pure (keys, DIDs, JOSE, the credential model and its typed reading, the formats, the
//!   offline verification pipeline and the types that carry trust, SD-JWT, status lists, DCQL, OpenID4VC messages);
//! - [`system`]: the operating system's clock and random generator, which `core` is handed, never reads;
//! - [`store`]: storage (sled with versioned records, sealed records, secret files) and [`net`]: the guarded
//!   fetcher and its one keyed cache;
//! - [`issuer`], [`wallet`] and [`verifier`]: the three roles, built on those, never importing each other (the
//!   wallet reaches verification through [`core::verify::CredentialVerifier`], which the verifier implements);
//! - [`http`] and [`cli`]: the front doors, which parse, call one role method and render; [`config`] is the
//!   server's layered configuration they read.

pub mod cli;
pub mod config;
pub mod core;
pub mod http;
pub mod issuer;
pub mod net;
pub mod store;
pub mod system;
pub mod verifier;
pub mod wallet;
pub mod web;
