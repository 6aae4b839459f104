//! The command line, driven as a user would: real binary, real files, checked exit codes and messages.

mod helpers;
mod issue_verify;
mod rejections;
