//! Standards code, pure: keys, DIDs, JOSE, the credential model, the verification report and the VC-JOSE
//! pipeline. Nothing here touches sled, HTTP, files, environment variables or the system clock (except
//! [`clock::SystemClock`], the one sanctioned reader); `tests/architecture.rs` enforces it.

pub mod clock;
pub mod credential;
pub mod dcql;
pub mod did;
pub mod encoding;
pub mod jose;
pub mod keys;
pub mod openid4vci;
pub mod openid4vp;
pub mod qr;
pub mod report;
pub mod sd_jwt;
pub mod sd_jwt_vc;
pub mod status_list;
pub mod vc_jose;
