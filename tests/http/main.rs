//! The HTTP services driven as users would (issue #3): real `skillspass serve` processes on 127.0.0.1 with their
//! own sled folders, issuer and verifier as separate instances, plus a hostile fake issuer for the rejections.
#![expect(clippy::unwrap_used, clippy::expect_used, reason = "test helpers fail loudly on purpose")]

mod attacks;
mod authorization_code;
mod badges;
mod batch;
mod crash;
mod fake_issuer;
mod flow;
mod foreign_online;
mod haip;
mod hardening;
mod helpers;
mod jwt_vc_offer;
mod nodes;
mod openid4vc;
mod pages;
#[path = "../common/postgres.rs"]
#[allow(dead_code, reason = "the table reader serves tests/storage.rs")]
mod postgres;
mod publish;
mod rejections;
mod skills_gap;
mod type_metadata;
mod unlinkable;
mod wallet;
