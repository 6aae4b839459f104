//! The command line, driven as a user would: real binary, real files, checked exit codes and messages.
#![expect(clippy::unwrap_used, clippy::expect_used, reason = "test helpers fail loudly on purpose")]

mod badges;
mod esco;
mod hardening;
mod helpers;
mod issue_verify;
mod open_badges;
mod rejections;
mod wallet;
