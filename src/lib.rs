//! skillspass: a self-sovereign skills passport.
//!
//! Issuers (training providers, schools, employers) sign skills credentials and EU micro-credentials; the holder
//! keeps them in their own wallet; verifiers (employers) check them without calling the issuer.
//!
//! The crate is layered, imports pointing one way only (DESIGN.md section 2):
//!
//! - [`core`]: standards code, pure (keys, DIDs, JOSE, the credential model, verification pipeline);
//! - [`store`]: storage plumbing (key files now; sled trees later);
//! - [`issuer`], [`verifier`] and [`wallet`]: the roles, built on `core`, never importing each other;
//! - [`holder`]: the holder's protocol agent (`OpenID4VCI` accept, `OpenID4VP` respond), composing the wallet with
//!   the verifier (every received credential is verified) and the guarded fetcher;
//! - [`http`]: the HTTP front door;
//! - [`cli`]: the command-line front door.

pub mod cli;
pub mod config;
pub mod core;
pub mod holder;
pub mod http;
pub mod issuer;
pub mod store;
pub mod verifier;
pub mod wallet;
