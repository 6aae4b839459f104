//! Standards code and the skills language, pure: keys, DIDs, JOSE, the credential model and its typed reading,
//! the wire formats, the offline verification pipeline and the types that carry trust, SD-JWT, status lists, DCQL,
//! the OpenID4VC messages. Nothing here touches storage, the network, files, environment variables, the system
//! clock or the OS random generator: time comes as a [`clock::Clock`], randomness as an RNG argument, and
//! `tests/architecture.rs` enforces it.

pub mod baking;
pub mod client_attestation;
pub mod clock;
pub mod credential;
pub mod data_integrity;
pub mod dcql;
pub mod did;
pub mod dpop;
pub mod encoding;
pub mod esco;
pub mod format;
pub mod gap;
pub mod host;
pub mod jose;
pub mod jsonld;
pub mod jwe;
pub mod jwt_vc;
pub mod keys;
pub mod numeric_date;
pub mod open_badges_v2;
pub mod openid4vci;
pub mod openid4vp;
pub mod pipeline;
pub mod pkce;
pub mod qr;
pub mod report;
pub mod sd_jwt;
pub mod sd_jwt_vc;
pub mod secret;
pub mod signature_batch;
pub mod status_list;
pub mod type_metadata;
pub mod vacancy;
pub mod vc_jose;
pub mod verify;
pub mod x509;
