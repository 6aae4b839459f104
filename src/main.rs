//! The `skillspass` binary: parse arguments, run, exit with the command's code.

/// mimalloc: credentials are many small JSON strings, and the system allocator showed up at about 8% of a verify.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    skillspass::cli::run()
}
